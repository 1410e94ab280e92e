"""A real HTTP server on 127.0.0.1 for tests that need a network peer.

    with running_server() as server:
        url = server.route("/feed.xml", RSS_BYTES, etag='"v1"')
        ...fetch url...; a second fetch with If-None-Match: "v1" gets a 304
        server.requests[-1].headers["if-none-match"]   # what the client sent

``route(path, body, ...)`` registers a response and returns its full URL. Options:

    status=200              the HTTP status
    headers={...}           extra response headers (Content-Type defaults to XML)
    etag='"v1"'             sent as ETag; a request whose If-None-Match equals it gets 304
    last_modified="..."     sent as Last-Modified; an equal If-Modified-Since gets 304
    delay=2.0               seconds to wait before answering (a slow server)
    gzip=True               gzip the body and send Content-Encoding: gzip
    truncate=True           declare the full Content-Length, send half, hang up
    stream_bytes=N          ignore ``body``; stream N bytes with no Content-Length

``redirect(path, to, status=302)`` answers with a redirect to ``to`` (a path or URL);
two redirects pointing at each other make a loop. Unknown paths get 404.
``unused_url()`` is a URL on a closed port, for "connection refused".
``hits(path)`` counts the requests for a path; ``max_active`` is the most requests the
server was answering at once (to check concurrency limits).

The server speaks HTTP/1.0 (one request per connection), runs each request in its own
daemon thread, and closing it never waits for a slow handler.
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STREAM_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    gzip: bool = False
    truncate: bool = False
    stream_bytes: int | None = None


@dataclass(frozen=True)
class Request:
    """One request the server received; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections beyond it, and the client
    # retries only after a second: a poll of ten feeds at once would look like timeouts.
    request_queue_size = 128


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.active = 0
        self.max_active = 0
        self._count_lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _Server((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a handler still sleeping must not stall close
        self.base_url = f"http://{host}:{self._httpd.server_port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
        gzip: bool = False,
        truncate: bool = False,
        stream_bytes: int | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` (options: see the module docstring); return its URL."""
        self.routes[path] = Route(
            body=body.encode("utf-8") if isinstance(body, str) else body,
            status=status,
            headers=dict(headers or {}),
            etag=etag,
            last_modified=last_modified,
            delay=delay,
            gzip=gzip,
            truncate=truncate,
            stream_bytes=stream_bytes,
        )
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def _enter(self) -> None:
        with self._count_lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def _leave(self) -> None:
        with self._count_lock:
            self.active -= 1

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.route(path, status=status, headers={"Location": to})

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def sleep(self, seconds: float) -> None:
        """Wait, but wake up at once when the server closes."""
        self._closing.wait(seconds)


@contextlib.contextmanager
def running_server(host: str = "127.0.0.1") -> Iterator[FeedServer]:
    """A server on ``host`` (another loopback address, 127.0.0.2, stands for a second
    machine)."""
    server = FeedServer(host).start()
    try:
        yield server
    finally:
        server.close()


def unused_url(path: str = "/feed.xml") -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append(Request("GET", self.path, headers))
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, {}, b"not found")
                return
            server._enter()
            try:
                if route.delay:
                    server.sleep(route.delay)
                # The client may give up mid-answer (size cap, timeout): the test's point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(route, headers)
            finally:
                server._leave()

        def _answer(self, route: Route, request_headers: dict[str, str]) -> None:
            headers = {"Content-Type": "application/xml; charset=utf-8", **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            not_modified = (
                route.etag is not None and request_headers.get("if-none-match") == route.etag
            ) or (
                route.last_modified is not None
                and request_headers.get("if-modified-since") == route.last_modified
            )
            if not_modified:
                self._send(304, headers, b"")
                return
            if route.stream_bytes is not None:
                self._stream(route.status, headers, route.stream_bytes)
                return
            body = route.body
            if route.gzip:
                body = gzip_module.compress(body)
                headers["Content-Encoding"] = "gzip"
            if route.truncate:
                self._send(route.status, headers, body[: len(body) // 2], length=len(body))
                return
            self._send(route.status, headers, body)

        def _send(
            self, status: int, headers: dict[str, str], body: bytes, length: int | None = None
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, status: int, headers: dict[str, str], total: int) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()  # no Content-Length: the body ends when we close
            chunk = b"<!-- padding -->" * (STREAM_CHUNK // 16)
            sent = 0
            while sent < total and not server._closing.is_set():
                part = chunk[: total - sent]
                self.wfile.write(part)
                sent += len(part)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep pytest output clean

    return Handler
