"""What reaches the log from the libraries monitor uses.

httpx logs every request at INFO with its full URL, which would flood the daemon's
journal (one line per fetch, thousands per cycle) and print a Slack webhook URL, a
secret, into it; httpcore logs each connection step at DEBUG, which buries monitor's
own decisions under `-v`; APScheduler's INFO lines ("Job ... executed") and asyncio's
("Using selector") are their life, not ours. monitor logs each fetch and decision
itself, so only the libraries' trouble is shown, at any verbosity.

Every log line goes through ``SafeFormatter``: a line stays one line, the controls and
bidi controls a hostile feed or server put in a message are shown as escapes
(``monitor.text.visible``), and secrets are replaced by ``***`` — every value read
through ``keep_secret`` (SMTP passwords, webhook URLs), the password in any URL's user
part, and the path of any Slack webhook URL, whoever logs it, at any verbosity.
"""

from __future__ import annotations

import logging
import re
import threading

from monitor.text import visible

LIBRARY_LOGGERS = ("httpx", "httpcore", "apscheduler", "asyncio", "hpack", "charset_normalizer")


def quiet_libraries() -> None:
    """Show only WARNING and worse from the libraries in ``LIBRARY_LOGGERS``, and not
    APScheduler's warning that a job's run was skipped while its last one went on."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(_not_an_overlap)


def _not_an_overlap(record: logging.LogRecord) -> bool:
    # The daemon's jobs run one at a time on purpose (max_instances=1): a delivery pass
    # that waits on a slow server is no trouble to report every 10 s.
    return "maximum number of running instances" not in str(record.msg)


_secrets: tuple[str, ...] = ()  # longest first, so that one inside another goes whole
_secrets_lock = threading.Lock()
# user:password@ in a URL; a Slack webhook's path (the URL is the credential). Both start
# with a literal, which the regex engine finds fast: this runs over every byte printed.
_USERINFO = re.compile(r"://[^/?#\s@]+@")
_SLACK_HOOK = re.compile(r"(hooks\.slack(?:-gov)?\.com/)[^\s\"'<>]+", re.IGNORECASE)
SHORTEST_SECRET = 4  # shorter values would blank ordinary words


def keep_secret(value: str) -> str:
    """Register ``value`` so that no log line shows it; returns it unchanged."""
    global _secrets
    if len(value) >= SHORTEST_SECRET and value not in _secrets:
        with _secrets_lock:
            _secrets = tuple(sorted({*_secrets, value}, key=len, reverse=True))
    return value


def redacted(text: str) -> str:
    """``text`` with every registered secret and URL credential replaced by ``***``.

    Cheap on text that holds none (tens of megabytes of JSON pass through it): each
    search runs only when a plain substring test says it may find something."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    if "@" in text and "://" in text:
        text = _USERINFO.sub("://***@", text)
    if "hooks.slack" in text:  # as Slack writes it; the URL read is a secret above anyway
        text = _SLACK_HOOK.sub(r"\1***", text)
    return text


class SafeFormatter(logging.Formatter):
    """A formatter whose lines are one line each, show controls as escapes, and never
    hold a secret (see the module doc); a traceback keeps its lines, redacted too."""

    def format(self, record: logging.LogRecord) -> str:
        message = visible(redacted(record.getMessage()))
        safe = logging.makeLogRecord({**record.__dict__, "msg": message, "args": None})
        return redacted(super().format(safe))


def log_to(handler: logging.Handler, level: int, fmt: str) -> None:
    """Send every log line to ``handler`` through a ``SafeFormatter`` of ``fmt`` (unless
    it has a SafeFormatter already), at ``level``; the libraries kept to their trouble."""
    if not isinstance(handler.formatter, SafeFormatter):
        handler.setFormatter(SafeFormatter(fmt))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_libraries()
