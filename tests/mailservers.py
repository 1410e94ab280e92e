"""Real peers for the alert channels, on 127.0.0.1: an SMTP server (aiosmtpd) and a
stand-in for Slack's incoming webhook.

    with smtp_server(tls="starttls", login=("desk", "secret")) as smtp:
        ...send to 127.0.0.1:smtp.port...; smtp.messages  -> [email.message.EmailMessage]
        smtp.refuse = (451, "4.3.0 try later")   # answer DATA with this from now on

    with webhook_server() as hook:
        hook.url; hook.payloads -> [dict]; hook.replies.append(Reply(500)); hook.delay = 3

A self-signed certificate for "127.0.0.1" is made with the openssl command; TLS tests
skip without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import functools
import json
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, made by openssl once per test session and
    copied to ``directory``; skips the test without openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    made_cert, made_key = _made_once()
    cert, key = directory / "cert.pem", directory / "key.pem"
    shutil.copyfile(made_cert, cert)
    shutil.copyfile(made_key, key)
    return cert, key


@functools.cache
def _made_once() -> tuple[Path, Path]:
    directory = Path(tempfile.mkdtemp(prefix="monitor-test-cert-"))
    cert, key = directory / "cert.pem", directory / "key.pem"
    # An EC key: made in milliseconds, where RSA-2048 takes up to a second.
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Recorder:
    """The aiosmtpd handler: keeps each accepted message, or refuses on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.refuse: tuple[int, str] | None = None
        self.logins: list[str] = []
        self.on_accept: Any = None  # called (no arguments) as each message is accepted
        self.quit_delay = 0.0  # seconds before QUIT is answered

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.refuse is not None:
            code, text = self.refuse
            return f"{code} {text}"
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(envelope)
        if self.on_accept is not None:
            self.on_accept()
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        await asyncio.sleep(self.quit_delay)
        return "221 Bye"


@dataclass
class SmtpServer:
    port: int
    recorder: Recorder
    cert: Path | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    @property
    def on_accept(self) -> Any:
        return self.recorder.on_accept

    @on_accept.setter
    def on_accept(self, call: Any) -> None:
        self.recorder.on_accept = call

    @property
    def refuse(self) -> tuple[int, str] | None:
        return self.recorder.refuse

    @refuse.setter
    def refuse(self, value: tuple[int, str] | None) -> None:
        self.recorder.refuse = value


@contextlib.contextmanager
def smtp_server(
    tls: str = "none",
    login: tuple[str, str] | None = None,
    port: int | None = None,
    certs_dir: Path | None = None,
) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1; ``tls`` "starttls" (required before login) or "ssl"."""
    recorder = Recorder()
    kwargs: dict[str, Any] = {}
    cert: Path | None = None
    if tls != "none":
        assert certs_dir is not None, "TLS needs a folder for the certificate"
        cert, key = self_signed(certs_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        if tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    if login is not None:

        def authenticate(
            server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
        ) -> AuthResult:
            ok = (
                isinstance(data, LoginPassword)
                and (
                    data.login.decode(),
                    data.password.decode(),
                )
                == login
            )
            if ok:
                recorder.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)

        # aiosmtpd only counts STARTTLS as TLS for AUTH; implicit TLS is TLS too.
        kwargs.update(authenticator=authenticate, auth_require_tls=tls == "starttls")
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port or free_port(), ready_timeout=10, **kwargs
    )
    controller.start()
    try:
        yield SmtpServer(controller.port, recorder, cert)
    finally:
        controller.stop()


@contextlib.contextmanager
def silent_server(port: int | None = None) -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hung SMTP server)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port or 0))
    listener.listen(16)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)


class WebhookServer:
    """Answers POSTs like Slack's webhook: "ok", or the next queued Reply."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.replies: list[Reply] = []  # consumed first to last; then 200 "ok"
        self.delay = 0.0
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/services/T0/B0/secret"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                server.times.append(time.monotonic())
                if server.delay:
                    server._closing.wait(server.delay)
                reply = server.replies.pop(0) if server.replies else Reply()
                if reply.status == 200:
                    server.payloads.append(body)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    data = reply.body.encode()
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def webhook_server() -> Iterator[WebhookServer]:
    server = WebhookServer()
    server._thread.start()
    try:
        yield server
    finally:
        server.close()
