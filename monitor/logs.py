"""What reaches the log from the libraries monitor uses.

httpx logs every request at INFO with its full URL, which would flood the daemon's
journal (one line per fetch, thousands per cycle) and print a Slack webhook URL, a
secret, into it; httpcore logs each connection step at DEBUG, which buries monitor's
own decisions under `-v`; APScheduler's INFO lines ("Job ... executed") and asyncio's
("Using selector") are their life, not ours. monitor logs each fetch and decision
itself, so only the libraries' trouble is shown, at any verbosity.
"""

from __future__ import annotations

import logging

LIBRARY_LOGGERS = ("httpx", "httpcore", "apscheduler", "asyncio", "hpack", "charset_normalizer")


def quiet_libraries() -> None:
    """Show only WARNING and worse from the libraries in ``LIBRARY_LOGGERS``."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
