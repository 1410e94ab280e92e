"""Email: one multipart (text + HTML) message per alert or digest, over SMTP.

``tls``: "starttls" (port 587: plain connection upgraded before login), "ssl"
(implicit TLS, port 465) or "none" (a local relay only). Certificates are verified;
``ca_file`` adds a private CA. The Message-ID is given by the outbox and derived from
the alert, so a message re-sent after a crash carries the same id and mail clients
that deduplicate by it show it once.

SMTP replies decide the outcome: 2xx for DATA means accepted (we are done even if
QUIT then fails), 4xx and network trouble mean "try again later", 5xx means refused.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from monitor.config import EmailConfig
from monitor.errors import ConfigError
from monitor.notify.channel import ChannelDown, ChannelRefused
from monitor.notify.message import Message, html_body, subject, text_body

__all__ = ["EmailChannel", "build"]

ALERTS_PER_MESSAGE = 25  # a digest longer than this is split: mail stays readable
# After the server accepted, how long QUIT's answer is waited for. The outbox marks the
# message only once send returns, and a kill before the mark sends it again: the wait
# for a courtesy reply must not widen that window to the whole timeout.
QUIT_WAIT_SECONDS = 1.0


def build(
    config: EmailConfig, views: Sequence[Message], message_id: str, now: datetime
) -> EmailMessage:
    """The message as it will be sent (multipart/alternative: text, then HTML)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = subject(views)
    message["From"] = config.sender
    message["To"] = ", ".join(config.to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(text_body(views))
    message.add_alternative(html_body(views), subtype="html")
    return message


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"SMTP {code} {' '.join(said.split())[:160]}"


class EmailChannel:
    """Sends through one SMTP server."""

    max_alerts = ALERTS_PER_MESSAGE

    def __init__(
        self, config: EmailConfig, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.config = config
        self.name = config.name
        self._clock = clock
        # Message-IDs end in the sender's domain, as RFC 5322 recommends.
        self.id_domain = config.sender.rpartition("@")[2]

    def _tls_context(self) -> ssl.SSLContext:
        cafile = str(self.config.ca_file) if self.config.ca_file else None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ChannelDown(f"ca_file {cafile}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        if cfg.tls == "ssl":
            return smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=self._tls_context()
            )
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        try:
            if cfg.tls == "starttls":
                smtp.starttls(context=self._tls_context())
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, views: Sequence[Message], message_id: str) -> str:
        cfg = self.config
        try:
            password = cfg.password()
        except ConfigError as exc:  # a password file may be fixed without a restart
            raise ChannelDown(str(exc)) from exc
        message = build(cfg, views, message_id, self._clock())
        where = f"{cfg.host}:{cfg.port}"
        try:
            smtp = self._connect()
        except smtplib.SMTPResponseException as exc:
            raise self._failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelDown(f"cannot reach {where}: {exc or type(exc).__name__}") from exc
        try:
            if cfg.username:
                smtp.login(cfg.username, password or "")
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            first = next(iter(exc.recipients.values()))
            smtp.close()
            raise self._failure(min(codes), first[1]) from exc
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise self._failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise ChannelDown(f"{where}: {exc or type(exc).__name__}") from exc
        # Accepted: from here on nothing may turn this into a failure (a re-send would
        # be a duplicate), so a failing or slow QUIT is ignored.
        try:
            if smtp.sock is not None:
                smtp.sock.settimeout(min(QUIT_WAIT_SECONDS, cfg.timeout))
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
        accepted = [address for address in cfg.to if address not in refused]
        note = f"; refused: {', '.join(refused)}" if refused else ""
        return f"sent to {', '.join(accepted)}{note}"

    @staticmethod
    def _failure(code: int, text: bytes | str) -> ChannelDown | ChannelRefused:
        reply = _reply(code, text)
        return ChannelRefused(reply) if 500 <= code < 600 else ChannelDown(reply)
