"""Pure: when is a feed due again.

A feed's interval is the configured one, *raised* (never lowered) by what the server
and the feed say about freshness: ``Cache-Control: max-age``, ``Expires``, RSS
``<ttl>`` (minutes) and ``sy:updatePeriod``/``sy:updateFrequency``. The result is
clamped to the configured bounds and a random jitter (a fraction of the interval,
added, so a server's max-age is never undercut) spreads feeds that share an interval.

After a failure the feed backs off exponentially: the interval, doubled for each
failure in a row after the first, capped at the upper bound. A server's
``Retry-After`` (seconds or an HTTP date) is honoured on top of that.

Conditional requests must not starve a feed (issue 14): ``last_modified_problem`` says
why a Last-Modified must not be sent back as If-Modified-Since (before 1995, later than
the response's own Date, or unreadable), and ``recheck_due`` says when a feed that has
answered 304 for a day since its last 200 gets one unconditional GET, in case the
server's 304s hide new items.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# No feed predates the web's first years: a Last-Modified before this is a default
# (the epoch, 1980, a DOS date) that every later If-Modified-Since would match.
PLAUSIBLE_SINCE = datetime(1995, 1, 1, tzinfo=UTC)
# A run of 304s this long since the last 200 gets one unconditional GET: a server whose
# validators never change (a Last-Modified stuck in 1970, one ETag for ever) would
# otherwise hide new items for good, and one full fetch a day costs little.
RECHECK_AFTER = timedelta(days=1)

# sy:updatePeriod -> seconds (RSS 1.0 syndication module; "hourly" is the default).
SY_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)


def header_hint(headers: Mapping[str, str], now: datetime) -> int | None:
    """Seconds the response says it stays fresh (Cache-Control max-age, else Expires)."""
    cache_control = headers.get("cache-control", "")
    if _NO_CACHE.search(cache_control):
        return None
    ages = [int(age) for age in _MAX_AGE.findall(cache_control)]
    if ages:
        return max(ages)
    expires = _http_date(headers.get("expires"))
    if expires is None:
        return None
    # Measure against the server's own clock when it sent one: clocks differ.
    base = _http_date(headers.get("date")) or now
    seconds = int((expires - base).total_seconds())
    return seconds if seconds > 0 else None


def feed_hint(
    ttl: str | None, update_period: str | None, update_frequency: str | None
) -> int | None:
    """Seconds the feed itself says to wait (RSS <ttl> minutes, or sy:update*)."""
    hints: list[int] = []
    if ttl and ttl.strip().isdigit() and int(ttl) > 0:
        hints.append(int(ttl) * 60)
    period = SY_PERIODS.get((update_period or "").strip().lower())
    if period is not None:
        frequency = (update_frequency or "1").strip()
        times = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        hints.append(period // times)
    return max(hints) if hints else None


def effective_interval(configured: int, hints: tuple[int | None, ...], low: int, high: int) -> int:
    """The configured interval raised by every hint, then clamped to [low, high]."""
    raised = max([configured, *(hint for hint in hints if hint is not None)])
    return max(low, min(high, raised))


def with_jitter(now: datetime, seconds: float, jitter: float, rng: random.Random) -> datetime:
    """``now + seconds``, plus up to ``jitter`` times that at random."""
    return now + timedelta(seconds=seconds * (1 + jitter * rng.random()))


def backoff(interval: int, failures: int, high: int) -> int:
    """Seconds to wait after ``failures`` failed fetches in a row (1 = this one)."""
    exponent = max(0, failures - 1)
    return min(high, interval * 2 ** min(exponent, 32))


def retry_after(value: str | None, now: datetime, high: int) -> datetime | None:
    """When a Retry-After value (seconds or an HTTP date) lets us ask again; at most
    ``high`` seconds away (a server asking for a year is treated as asking for the bound)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        seconds = int(text)
    else:
        when = _http_date(text)
        if when is None:
            return None
        seconds = int((when - now).total_seconds())
    return now + timedelta(seconds=min(max(seconds, 0), high))


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def last_modified_problem(value: str | None, date: str | None) -> str | None:
    """Why a response's Last-Modified must not come back as If-Modified-Since; None when
    it may. ``date`` is the same response's Date header (RFC 9110: a Last-Modified is
    never later than it), when it had one."""
    if not value:
        return None
    modified = _http_date(value)
    if modified is None:
        return "unreadable"
    if modified < PLAUSIBLE_SINCE:
        return f"before {PLAUSIBLE_SINCE.year}"
    sent = _http_date(date)
    if sent is not None and modified > sent:
        return "later than the response's Date"
    return None


def recheck_due(
    not_modified_run: int,
    last_full_fetch: datetime | None,
    last_unconditional: datetime | None,
    now: datetime,
) -> bool:
    """Whether this poll of a feed goes without validators: it has answered 304 since
    its last 200 (``last_full_fetch``; None when that is not known, e.g. in a database
    from before these were counted) for ``RECHECK_AFTER`` or more, and no unconditional
    GET ran within that time either."""
    if not_modified_run <= 0:
        return False
    if last_full_fetch is not None and now - last_full_fetch < RECHECK_AFTER:
        return False
    return last_unconditional is None or now - last_unconditional >= RECHECK_AFTER
