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
    """Show only WARNING and worse from the libraries in ``LIBRARY_LOGGERS``."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_SECRET_PATTERN: re.Pattern[str] | None = None
# user:password@ in a URL; a Slack webhook's path (the URL is the credential).
_URL_SECRETS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/?#\s@]+@"
    r"|(?P<hook>hooks\.slack(?:-gov)?\.com/)[^\s\"'<>]+",
    re.IGNORECASE,
)
SHORTEST_SECRET = 4  # shorter values would blank ordinary words


def keep_secret(value: str) -> str:
    """Register ``value`` so that no log line shows it; returns it unchanged."""
    global _SECRET_PATTERN
    if len(value) >= SHORTEST_SECRET and value not in _secrets:
        with _secrets_lock:
            _secrets.add(value)
            ordered = sorted(_secrets, key=len, reverse=True)
            _SECRET_PATTERN = re.compile("|".join(map(re.escape, ordered)))
    return value


def redacted(text: str) -> str:
    """``text`` with every registered secret and URL credential replaced by ``***``."""
    pattern = _SECRET_PATTERN
    if pattern is not None:
        text = pattern.sub("***", text)

    def hidden(match: re.Match[str]) -> str:
        if match.group("scheme"):
            return match.group("scheme") + "***@"
        return match.group("hook") + "***"

    return _URL_SECRETS.sub(hidden, text)


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
