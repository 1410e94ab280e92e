"""Fetch one feed: a polite conditional GET with an httpx client passed in.

``fetch`` sends If-None-Match / If-Modified-Since from the previous response, returns
an empty body on 304, keeps no implausible Last-Modified (before 1995, later than the
response's Date, unreadable: ``FetchResult.dropped_last_modified`` says which and why,
``schedule.last_modified_problem``) and sends none back, follows at most
``MAX_REDIRECTS`` redirects itself (so a loop is reported as a loop, and a redirect can
never lead to a file:// URL), streams the body and aborts past ``max_bytes`` (measured
after decoding gzip, br or zstd with a bound of its own, ``monitor.feeds.decoding``, so
a compressed bomb is stopped too), and bounds the whole exchange by ``timeout`` seconds.

Every failure is one ``FetchError`` line that starts with the URL, e.g.
``https://example.org/rss: HTTP 503 Service Unavailable`` or ``https://example.org/rss:
HTTP 200, unsupported Content-Encoding br``; httpx exceptions are translated here and
never travel further. A body that is plainly text although the server named a coding
(``Content-Encoding: gzip`` on plain XML) is taken as it is.

Two failures say more than a line, so they have their own types: ``RetryLater`` (429 or
503; carries the raw ``Retry-After`` value, seconds or an HTTP date, for the scheduler)
and ``Gone`` (410: the feed was removed for good). A chain of permanent redirects
(301/308) is reported in ``FetchResult.moved_to`` so the caller can update the stored
URL; a temporary one (302/303/307) is followed but not remembered.

With ``expect="feed"`` a response that is clearly not a feed (an image, a PDF, an HTML
web page) is an error; ``expect="page"`` (full-text article fetches) accepts HTML.

``file://`` URLs are read from disk (status 200), so that local sample feeds go through
the same pipeline as remote ones; only the operator's own (``operator=True``). Every URL
and connection passes the outbound-request policy (``monitor.feeds.policy``): what a feed
or a server chose is fetched only over http(s) from public addresses.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
from dataclasses import replace
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from monitor import __version__
from monitor.errors import FetchError
from monitor.feeds import decoding
from monitor.feeds.policy import CheckedBackend, OutboundPolicy, operator_request, origin
from monitor.feeds.schedule import last_modified_problem
from monitor.types import FetchResult

USER_AGENT = f"monitor/{__version__} (+https://github.com/monitor-news/monitor)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
MIB = 1024 * 1024
MAX_BYTES = 15 * MIB  # the largest real news feeds are a few MiB
TIMEOUT = 30.0  # seconds for the whole fetch, connect to last byte
CONNECT_TIMEOUT = 10.0  # a host that does not answer a SYN in 10 s is down
MAX_REDIRECTS = 5  # feeds move, but a chain longer than this is a misconfiguration
MAX_CONNECTIONS = 10  # several small pools beat one big one (PERF-NOTES.md)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_RETRY_LATER_STATUSES = frozenset({429, 503})
# Content types no feed is ever served as; refused before reading the body.
_NOT_FEED_MAIN_TYPES = frozenset({"image", "audio", "video", "font", "model"})
_NOT_FEED_TYPES = frozenset({"application/pdf", "application/zip", "application/gzip"})
# How much of a dropped header value is kept to show why (a hostile one may be long).
_SHOWN_HEADER_CHARS = 80
# How far into a body we look for the first tag when the server says text/html.
_SNIFF_BYTES = 1024

Expect = Literal["feed", "page"]


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # Pickled by the fetch worker (monitor.feeds.fetcher): rebuilt with every argument.
        return (type(self), (str(self), self.status))


class RetryLater(HTTPStatusError):
    """429 Too Many Requests or 503 Service Unavailable; ``retry_after`` is the raw header."""

    def __init__(self, message: str, status: int, retry_after: str | None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return (type(self), (str(self), self.status, self.retry_after))


class Gone(HTTPStatusError):
    """410 Gone: the server says the feed was removed for good."""


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store every client verifies against, loaded once per process.

    Loading it is most of what creating an AsyncClient costs (~55 ms on the 2-core VM);
    shared, a client costs ~1 ms, so a poller can keep many small pools.
    """
    return httpx.create_ssl_context()


def make_client(
    *,
    timeout: float = TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    policy: OutboundPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient for ``fetch``: our User-Agent, the codings we decode, no automatic
    redirects, and connections only where ``policy`` admits (default: the strict one).

    Reuse one client for many fetches; a new client per cycle is ~3x slower.
    ``transport`` is for tests (httpx.MockTransport); the policy is then checked before
    each request only.
    """
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    if transport is None:
        checked = httpx.AsyncHTTPTransport(verify=tls_context(), limits=limits)
        # httpx has no parameter for httpcore's network backend: set it on its pool.
        pool = checked._pool  # noqa: SLF001
        pool._network_backend = CheckedBackend(  # noqa: SLF001
            policy or OutboundPolicy(),
            pool._network_backend,  # noqa: SLF001
        )
        transport = checked
    return httpx.AsyncClient(
        verify=tls_context(),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": ACCEPT,
            "Accept-Encoding": decoding.ACCEPT_ENCODING,
        },
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        limits=limits,
        follow_redirects=False,  # fetch() follows them, to name loops and cap the chain
        transport=transport,
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    expect: Expect = "feed",
    operator: bool = False,
    policy: OutboundPolicy | None = None,
) -> FetchResult:
    """Fetch ``url``; raise FetchError (one line, naming the URL) on any failure.

    ``operator``: the operator wrote ``url`` (a feed's configured URL); anything else
    (an item's link, a moved feed's new address) is fetched only as ``policy`` admits
    (``monitor.feeds.policy``: http(s) to public addresses; default: the strict policy).
    """
    policy = policy or OutboundPolicy()
    await policy.check(url, operator=operator)
    if urlsplit(url).scheme.lower() == "file":
        return await asyncio.to_thread(_read_file, url, max_bytes)
    try:
        async with asyncio.timeout(timeout):  # unlike wait_for, no task of its own
            return await _get(
                client,
                url,
                etag=etag,
                last_modified=last_modified,
                max_bytes=max_bytes,
                expect=expect,
                operator=operator,
                policy=policy,
            )
    except TimeoutError as exc:
        raise FetchError(f"{url}: no complete response within {timeout:g} s") from exc


async def _get(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    expect: Expect,
    operator: bool,
    policy: OutboundPolicy,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    # One kept before these were checked (an older database) is not sent either.
    if last_modified and last_modified_problem(last_modified, None) is None:
        headers["If-Modified-Since"] = last_modified
    visited = [url]
    current = url
    moved_to: str | None = None
    permanent_so_far = True  # every hop until now was a 301/308
    while True:
        # A hop on the operator URL's own origin is theirs; any other is checked first.
        theirs = operator and origin(current) == origin(url)
        if current is not url:
            await policy.check(current, operator=theirs)
        try:
            request = client.build_request("GET", current, headers=headers)
            with operator_request(theirs):
                response = await client.send(request, stream=True, follow_redirects=False)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"{current}: {_describe_error(exc)}") from exc
        try:
            if response.status_code in _REDIRECT_STATUSES and "location" in response.headers:
                current = _next_hop(response, visited)
                visited.append(current)
                permanent_so_far &= response.status_code in _PERMANENT_REDIRECTS
                if permanent_so_far:
                    moved_to = current
                continue
            result = await _result(response, current, max_bytes, expect)
            return replace(result, moved_to=moved_to) if moved_to else result
        finally:
            await response.aclose()


def _next_hop(response: httpx.Response, visited: list[str]) -> str:
    """The redirect's target, refusing loops, long chains and non-HTTP schemes."""
    target = str(response.url.join(response.headers["location"]))
    if target in visited:
        chain = " -> ".join([*visited[visited.index(target) :], target])
        raise FetchError(f"{visited[0]}: redirect loop: {chain}")
    if len(visited) > MAX_REDIRECTS:
        raise FetchError(f"{visited[0]}: more than {MAX_REDIRECTS} redirects")
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise FetchError(f"{visited[0]}: redirected to a non-HTTP URL: {target}")
    return target


async def _result(
    response: httpx.Response, url: str, max_bytes: int, expect: Expect
) -> FetchResult:
    headers = {name.lower(): value for name, value in response.headers.items()}
    etag = headers.get("etag")
    last_modified = headers.get("last-modified")
    dropped = None
    problem = last_modified_problem(last_modified, headers.get("date"))
    if problem is not None and last_modified is not None:
        shown = " ".join(last_modified.split())[:_SHOWN_HEADER_CHARS]
        dropped, last_modified = f"{shown} ({problem})", None
    if response.status_code == 304:
        # Read the (empty) rest of the response: httpcore closes a connection whose
        # response was not read to its end, and a 304 cycle would reconnect per feed.
        await _drain(response)
        return FetchResult(
            url=url,
            status=304,
            body=b"",
            headers=headers,
            etag=etag,
            last_modified=last_modified,
            dropped_last_modified=dropped,
        )
    if not 200 <= response.status_code < 300:
        status = f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
        if response.status_code == 410:
            raise Gone(f"{status}: the feed was removed", 410)
        if response.status_code in _RETRY_LATER_STATUSES:
            retry_after = headers.get("retry-after")
            wait = f" (Retry-After: {retry_after.strip()})" if retry_after else ""
            raise RetryLater(f"{status}{wait}", response.status_code, retry_after)
        raise HTTPStatusError(status, response.status_code)
    said = f"{url}: HTTP {response.status_code}"
    content_type = _media_type(headers.get("content-type", ""))
    if expect == "feed" and _never_a_feed(content_type):
        raise FetchError(f"{said}, wrong content type {content_type}, not a feed")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:  # refuse before reading a byte
        raise FetchError(f"{url}: response larger than {_size(max_bytes)}")
    if response.is_stream_consumed:  # built in memory (httpx.MockTransport): httpx decoded it
        body = response.content
    else:
        raw = await _read_raw(response, url, max_bytes)
        coding = headers.get("content-encoding", "")
        body = _decoded(raw, coding, url, response.status_code, max_bytes)
    if expect == "feed" and content_type == "text/html" and _is_web_page(body):
        raise FetchError(f"{said}, an HTML page, not a feed")
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        headers=headers,
        etag=etag,
        last_modified=last_modified,
        dropped_last_modified=dropped,
    )


async def _read_raw(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """The body as sent, up to ``max_bytes``: decoded by ``_decoded``, with a bound on its
    output (httpx would inflate each chunk whole, however large it grows)."""
    chunks: list[bytes] = []
    received = 0
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > max_bytes:
                raise FetchError(f"{url}: response larger than {_size(max_bytes)}")
            chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {_describe_error(exc)}") from exc
    return b"".join(chunks)


def _decoded(raw: bytes, content_encoding: str, url: str, status: int, max_bytes: int) -> bytes:
    said = f"{url}: HTTP {status}"
    applied = decoding.codings(content_encoding)
    if not applied:
        return raw
    try:
        return decoding.decode(raw, applied, max_bytes)
    except decoding.TooLarge as exc:
        raise FetchError(f"{url}: response larger than {_size(max_bytes)}") from exc
    except decoding.Undecodable as exc:
        if _is_plain_text(raw):  # a server that names a coding it did not apply
            return raw
        if isinstance(exc, decoding.Unsupported):
            raise FetchError(f"{said}, unsupported Content-Encoding {exc}") from exc
        coding = ", ".join(applied)
        raise FetchError(f"{said}, body not in its Content-Encoding {coding}: {exc}") from exc


async def _drain(response: httpx.Response) -> None:
    try:
        async for _ in response.aiter_raw():
            pass
    except httpx.HTTPError:
        pass  # the 304 itself arrived; the connection is simply not reused


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _never_a_feed(media_type: str) -> bool:
    return media_type in _NOT_FEED_TYPES or media_type.split("/", 1)[0] in _NOT_FEED_MAIN_TYPES


def _is_web_page(body: bytes) -> bool:
    """An HTML document rather than a feed mislabelled as text/html (which is common)."""
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _is_plain_text(body: bytes) -> bool:
    """Markup or JSON as it is: what a compressed stream practically never starts with."""
    return body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<", b"{"))


def _read_file(url: str, max_bytes: int) -> FetchResult:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError(f"{url}: only local file URLs are supported")
    path = Path(url2pathname(unquote(parts.path)))
    try:
        if path.stat().st_size > max_bytes:
            raise FetchError(f"{url}: file larger than {_size(max_bytes)}")
        body = path.read_bytes()
    except FileNotFoundError as exc:
        raise FetchError(f"{url}: no such file") from exc
    except OSError as exc:
        raise FetchError(f"{url}: cannot read: {exc.strerror or exc}") from exc
    return FetchResult(url=url, status=200, body=body)


def _describe_error(exc: httpx.HTTPError | httpx.InvalidURL) -> str:
    """One short phrase for what went wrong, from the httpx exception and its causes."""
    causes = _causes(exc)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or (
        isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower()
    ):
        return "connection refused"
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return "host not found"
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return f"TLS error: {_one_line(exc)}"
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the server"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {_one_line(exc)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the connection: {_one_line(exc)}"
    if isinstance(exc, httpx.DecodingError):
        return f"cannot decode the response body: {_one_line(exc)}"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return f"invalid URL: {_one_line(exc)}"
    return f"{type(exc).__name__}: {_one_line(exc)}"


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _size(n_bytes: int) -> str:
    if n_bytes % MIB == 0:
        return f"{n_bytes // MIB} MiB"
    if n_bytes % 1024 == 0:
        return f"{n_bytes // 1024} KiB"
    return f"{n_bytes} bytes"
