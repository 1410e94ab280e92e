"""Where fetches run: in this process, or in worker processes beside it.

A poll cycle's own work (parsing feeds, storing items, rescheduling) and its HTTP work
(httpx on a few thousand keep-alive connections) each keep a CPU core busy. In one
process they take turns on one core; with the HTTP work in worker processes they run
side by side, and a cycle over thousands of feeds takes about the time of the slower
of the two rather than their sum (bench/poll.py).

``Fetcher`` fetches in this process, on small shared pools (``ClientPool``), and reads a
feed's body into items where it fetched it when asked (``FetchRequest.read_as``): in a
worker, the parsing runs beside the poller's storing too, and what crosses the pipe is
the items, not the larger body. ``FetchWorker`` hands each request to a worker process
(``main`` below) over its stdin and stdout, where a ``Fetcher`` runs it. The poller
keeps the global and per-host limits (``PollLimits``) and hands a request over only
once it has its slot, so a worker never queues and a request's timeout means what it
says. A worker takes ~0.2 s to start;
until it says it is ready, the poller fetches in its own process, so a large cycle
never waits for it. A worker that dies, or answers nothing within the fetch timeout
(then it is killed), fails the requests it held (each feed reports a FetchError and is
retried on its next poll); the next large cycle starts another.

The wire format, both ways, is a frame: the lengths of a pickle and of a body (4 and 8
bytes), the pickle, then the body's bytes as they are. Requests are ``(id,
FetchRequest)`` without a body; replies ``(id, Fetched or MonitorError)``, a body not
read in the worker sent beside its pickle rather than in it (such a reply is mostly its
body: pickling it would copy it twice more on each side). The first reply is ``(0,
"ready")``; the worker's log records come as ``(-1, LogRecord)`` and are logged here.
Pickle is safe here because both ends are this program.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import signal
import stat
import struct
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from monitor.errors import FetchError, MonitorError, ParseError
from monitor.feeds.fetch import Expect, fetch, make_client
from monitor.feeds.policy import OutboundPolicy, networks
from monitor.logs import log_to
from monitor.types import FetchResult

if TYPE_CHECKING:
    from monitor.feeds.parse import ParsedFeed

log = logging.getLogger(__name__)

HOSTS_PER_POOL = 2  # hosts sharing one HTTP pool of HOSTS_PER_POOL * per_host connections
# Pools per fetch in flight: concurrency 50 keeps at most 100 pools, 400 connections (an
# idle one is closed when its pool next finds it past httpx's 5 s keep-alive expiry).
MAX_POOLS_PER_FETCH = 2
# A worker that has not answered a request within its timeout plus this is taken as hung.
WORKER_GRACE = 10.0
_HEADER = struct.Struct(">IQ")  # a frame's pickle and body lengths, big-endian
_READ_LIMIT = 2**16  # the stream buffer size in bytes; frames may be larger
_READY, _LOG = 0, -1  # the ids of a worker's messages that answer no request


@dataclass(frozen=True)
class ReadAs:
    """How to read a fetched feed into items (``parse.parse_feed_document``'s arguments)."""

    source: str  # the feed's name, each item's source
    feed_url: str
    fetched_at: datetime  # the date of an entry that gives none
    lang: str | None = None  # the feed's configured language, if any


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    expect: Expect = "feed"
    operator: bool = False  # the operator wrote ``url`` (monitor.feeds.policy)
    read_as: ReadAs | None = None  # read a body as a feed where it was fetched


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought: the HTTP result and, for a request with ``read_as`` and a
    body, that body read as a feed (the result then carries no body: a cycle of 10,000
    feeds need not hold them), or why it could not be."""

    result: FetchResult
    feed: ParsedFeed | ParseError | None = None


class PollLimits:
    """At most ``total`` fetches in flight, and at most ``per_host`` to any one host.

    The host slot is taken first: a task waiting for a busy host must not sit on one of
    the global slots that other hosts could use.
    """

    def __init__(self, total: int, per_host: int) -> None:
        self._total = asyncio.Semaphore(total)
        self._per_host = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold a fetch slot for ``host`` (a URL's netloc, lower-cased)."""
        limit = self._hosts.get(host)
        if limit is None:
            limit = self._hosts[host] = asyncio.Semaphore(self._per_host)
        async with limit, self._total:
            yield


class ClientPool:
    """Small HTTP pools (AsyncClients); each host is given to one pool for good.

    A pool serves at most ``HOSTS_PER_POOL`` hosts and has room for all their
    connections: a full httpcore pool closes one host's idle keep-alive connection to
    open one to another host, a reconnect per request (the old layout, five pools of
    ten for fifty hosts, reconnected on ~3 requests in 4). Small pools, because a pool
    checks every one of its connections (a system call each) whenever a request starts
    or ends (PERF-NOTES.md). Past ``MAX_POOLS_PER_FETCH`` pools per fetch in flight,
    new hosts share the pool with the fewest hosts; that bounds the connections kept
    open, and a poller with that many hosts seldom asks one host twice within the
    keep-alive expiry anyway.
    """

    def __init__(
        self, concurrency: int, per_host: int, timeout: float, policy: OutboundPolicy | None = None
    ) -> None:
        self._policy = policy or OutboundPolicy()
        self._size = HOSTS_PER_POOL * max(1, per_host)
        self._max_pools = MAX_POOLS_PER_FETCH * max(1, concurrency)
        self._timeout = timeout
        self._clients: list[httpx.AsyncClient] = []
        self._hosts: list[int] = []  # hosts given to each pool
        self._pool_of: dict[str, int] = {}

    def for_url(self, url: str) -> httpx.AsyncClient:
        host = urlsplit(url).netloc.lower()
        index = self._pool_of.get(host)
        if index is None:
            index = self._pool_of[host] = self._assign()
        return self._clients[index]

    def _assign(self) -> int:
        if self._clients:
            index = min(range(len(self._clients)), key=self._hosts.__getitem__)
            if self._hosts[index] < HOSTS_PER_POOL or len(self._clients) >= self._max_pools:
                self._hosts[index] += 1
                return index
        self._clients.append(
            make_client(timeout=self._timeout, max_connections=self._size, policy=self._policy)
        )
        self._hosts.append(1)
        return len(self._clients) - 1

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
        self._clients.clear()
        self._hosts.clear()
        self._pool_of.clear()


@dataclass(frozen=True)
class FetchSettings:
    """What every fetch of a poller shares (from ``poll:`` in feeds.yaml)."""

    concurrency: int
    per_host: int
    timeout: float
    max_bytes: int
    allow_private: tuple[str, ...] = ()  # networks, as in poll.allow_private

    def policy(self) -> OutboundPolicy:
        return OutboundPolicy(networks(self.allow_private))


class Fetcher:
    """Fetches in this process, on pools shared by all its requests (limits are the
    caller's: ``PollLimits``)."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._policy = settings.policy()
        self._pools = ClientPool(
            settings.concurrency, settings.per_host, settings.timeout, self._policy
        )

    async def get(self, request: FetchRequest) -> Fetched:
        result = await fetch(
            self._pools.for_url(request.url),
            request.url,
            etag=request.etag,
            last_modified=request.last_modified,
            max_bytes=self.settings.max_bytes,
            timeout=self.settings.timeout,
            expect=request.expect,
            operator=request.operator,
            policy=self._policy,
        )
        if request.read_as is None or result.status == 304:
            return Fetched(result)
        return read_feed(result, request.read_as)

    async def aclose(self) -> None:
        await self._pools.aclose()


def read_feed(result: FetchResult, read_as: ReadAs) -> Fetched:
    """``result``'s body read as a feed; the result kept without its body."""
    from monitor.feeds import parse  # noqa: PLC0415 (a worker starts faster without it)

    feed: ParsedFeed | ParseError
    try:
        feed = parse.parse_feed_document(
            result.body,
            source=read_as.source,
            feed_url=read_as.feed_url,
            fetched_at=read_as.fetched_at,
            headers=result.headers,
            lang=read_as.lang,
        )
    except ParseError as exc:  # say where, and what the server answered
        feed = parse.with_origin(exc, result)
    return Fetched(replace(result, body=b""), feed)


class FrameWriter:
    """Frames (see the module doc) on a stream, those of one event-loop turn in one write.

    One write per frame would cost a system call per request and per reply; a poll
    cycle sends thousands of requests at once, and many replies end in the same turn.

    No waiting for the stream to drain: what is in flight is bounded by the poller's
    limits (a request is sent only once it has its slot, and its reply frees the slot),
    so the buffer holds at most that many frames. A sender that awaited the drain
    instead kept its reply alive until the buffer ran nearly empty, which under a steady
    stream of replies it never does: a worker grew by ~17 MB per 1,000 replies.
    """

    def __init__(self, stream: asyncio.StreamWriter) -> None:
        self._stream = stream
        self._frames: list[bytes] = []

    def send(self, message: object, body: bytes = b"") -> None:
        """Queue a frame; ConnectionResetError when the stream is closed or closing."""
        if self._stream.is_closing():
            raise ConnectionResetError("the other end has gone")
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if not self._frames:
            asyncio.get_running_loop().call_soon(self._flush)
        self._frames += (_HEADER.pack(len(payload), len(body)), payload, body)

    def _flush(self) -> None:
        frames, self._frames = self._frames, []
        if not self._stream.is_closing():
            self._stream.write(b"".join(frames))


async def read_frame(stream: asyncio.StreamReader) -> tuple[Any, bytes]:
    """The next message and its body; IncompleteReadError when the other end has closed."""
    size, body_size = _HEADER.unpack(await stream.readexactly(_HEADER.size))
    message = pickle.loads(await stream.readexactly(size))
    return message, await stream.readexactly(body_size) if body_size else b""


def _reply_frame(reply: object) -> tuple[object, bytes]:
    """A reply as (what is pickled, the body sent beside it)."""
    if isinstance(reply, Fetched) and reply.result.body:
        return replace(reply, result=replace(reply.result, body=b"")), reply.result.body
    return reply, b""


class FetchWorker:
    """Fetches in a worker process (``main`` below); see the module doc."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self.ready = False  # the worker has started and said so
        self.answered = 0  # replies received, over every worker this one started
        self._process: asyncio.subprocess.Process | None = None
        self._writer: FrameWriter | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, tuple[str, asyncio.Future[Any]]] = {}  # id: (url, reply)
        self._next_id = 0

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def start(self) -> None:
        """Start the worker unless it runs; return at once (see ``ready``)."""
        if self._process is not None and self._process.returncode is None:
            return
        self.ready = False
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _WORKER_MAIN,
                # What the poller logs, the worker sends: no more (a record costs a frame).
                json.dumps({**self.settings.__dict__, "log_level": log.getEffectiveLevel()}),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=_READ_LIMIT,
                # Its own process group: Ctrl-C in a terminal reaches the poller alone,
                # which then closes the worker in order (its death closes the worker's stdin).
                start_new_session=True,
            )
        except (OSError, ValueError) as exc:  # no interpreter to run, no process left, ...
            log.warning("cannot start a fetch worker (%s); fetching in this process", exc)
            return
        self._process = process
        assert process.stdin is not None
        self._writer = FrameWriter(process.stdin)
        self._reader = asyncio.create_task(self._read_replies(process), name="monitor-fetch-worker")

    async def get(self, request: FetchRequest) -> Fetched:
        if not self.ready or self._writer is None:
            raise FetchError(f"{request.url}: the fetch worker is not running")
        self._next_id += 1
        request_id = self._next_id
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (request.url, answer)
        try:
            self._writer.send((request_id, request))
            # The worker bounds the fetch itself; this only guards against a hung worker.
            async with asyncio.timeout(self.settings.timeout + WORKER_GRACE):
                reply = await answer
        except (ConnectionError, TimeoutError) as exc:
            self._kill()  # hung or gone: what it holds fails now, not one timeout each
            raise FetchError(f"{request.url}: the fetch worker did not answer") from exc
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, BaseException):
            raise reply
        assert isinstance(reply, Fetched)
        return reply

    async def _read_replies(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        try:
            while True:
                (request_id, reply), body = await read_frame(process.stdout)
                if body:
                    reply = replace(reply, result=replace(reply.result, body=body))
                if request_id == _READY:
                    self.ready = True
                    continue
                if request_id == _LOG:  # as if logged here, by the logger that wrote it
                    logging.getLogger(reply.name).handle(reply)
                    continue
                self.answered += 1
                _, answer = self._pending.get(request_id, ("", None))
                if answer is not None and not answer.done():
                    answer.set_result(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the worker exited
        code = await process.wait()
        for url, answer in self._pending.values():
            if not answer.done():
                answer.set_result(FetchError(f"{url}: the fetch worker exited (code {code})"))
        if process is self._process:  # not closed by us: it died
            self.ready = False
            log.error("fetch worker exited (code %s); the next large cycle starts another", code)

    def _kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            log.error("the fetch worker did not answer within the fetch timeout; killing it")
            self._process.kill()

    async def aclose(self, timeout: float | None = None) -> None:
        """Close the worker's stdin (it finishes what it holds and exits) and wait for it,
        ``timeout`` seconds at most (default: as long as a fetch may take); then kill it."""
        process, reader = self._process, self._reader
        self._process, self._writer, self._reader, self.ready = None, None, None, False
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        if timeout is None:
            timeout = self.settings.timeout + WORKER_GRACE
        try:
            async with asyncio.timeout(timeout):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
        if reader is not None:
            await reader


# --------------------------------------------------------------------------- the worker


class _ToPoller(logging.Handler):
    """Sends the worker's log records to the poller, which logs them as its own."""

    def __init__(self, writer: FrameWriter) -> None:
        super().__init__()
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        try:
            record.msg, record.args = record.getMessage(), None  # arguments need not pickle
            if record.exc_info:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
                record.exc_info = None
            self._writer.send((_LOG, record))
        except Exception:
            self.handleError(record)


# How the poller starts a worker: ``main`` below, without httpx's command-line tool,
# which httpx imports whenever rich and click are installed (as they are for monitor):
# ~0.1 s of start-up per worker, paid while the cycle is already fetching.
_WORKER_MAIN = (
    "import sys; sys.modules['httpx._main'] = None\nfrom monitor.feeds.fetcher import main; main()"
)


class _WritePipe(asyncio.streams.FlowControlMixin):
    """The worker's stdout; ``closed`` is done once every byte written has gone out."""

    def __init__(self) -> None:
        super().__init__()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if not self.closed.done():
            self.closed.set_result(None)


async def _serve(settings: FetchSettings) -> None:
    """Answer requests from stdin on stdout until stdin closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_READ_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    transport, protocol = await loop.connect_write_pipe(_WritePipe, sys.stdout.buffer)
    writer = FrameWriter(asyncio.StreamWriter(transport, protocol, None, loop))
    fetcher = Fetcher(settings)
    tasks: set[asyncio.Task[None]] = set()
    logging.getLogger().handlers = [_ToPoller(writer)]
    writer.send((_READY, "ready"))

    async def answer(request_id: int, request: FetchRequest) -> None:
        try:
            reply: object = await fetcher.get(request)
        except MonitorError as exc:
            reply = exc
        except Exception as exc:  # a bug on one hostile response must not end the worker
            log.exception("%s: unexpected error", request.url)
            reply = FetchError(f"{request.url}: internal error: {type(exc).__name__}")
        message, body = _reply_frame(reply)
        writer.send((request_id, message), body)

    try:
        while True:
            try:
                (request_id, request), _ = await read_frame(reader)
            except asyncio.IncompleteReadError:
                break  # the poller closed our stdin: finish what we hold, then exit
            task = asyncio.create_task(answer(request_id, request))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks)
    finally:
        await fetcher.aclose()
        await asyncio.sleep(0)  # the last replies' write
        transport.close()  # once what is buffered is written
        await protocol.closed


def main() -> None:
    # Until the poller is there to log for it (``_ToPoller``), and after: to stderr.
    log_to(logging.StreamHandler(sys.stderr), logging.WARNING, "monitor fetch worker: %(message)s")
    if len(sys.argv) != 2 or not stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode):
        sys.exit("this is the poller's fetch worker; `monitor poll` and `monitor run` start it")
    arguments = json.loads(sys.argv[1])
    logging.getLogger().setLevel(arguments.pop("log_level", logging.WARNING))
    arguments["allow_private"] = tuple(arguments.get("allow_private", ()))
    settings = FetchSettings(**arguments)
    # The worker lives as long as its stdin: the poller closes it (or dies) and the
    # worker finishes what it holds and exits. A service stop signals every process of
    # the service; the poller then shuts down in order and closes the pipe itself.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with suppress(BrokenPipeError):
        asyncio.run(_serve(settings))


if __name__ == "__main__":
    main()
