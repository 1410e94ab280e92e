"""Noise control: which alerts a channel gets, when, and how many per message.

Pure decisions over a channel's ``ChannelRules``; the outbox applies them.

* ``refusal``: an alert outside the channel's topics or claim kinds is filtered (a
  story notice: outside its topics), and so is an update (a running total that rose)
  for a channel with ``updates: false`` (issue 12).
* ``quiet_until``: inside quiet hours nothing is sent; the backlog waits.
* ``digest_closes``: with ``digest_minutes`` the first waiting alert opens a window;
  when it closes everything waiting goes out as one message.
* ``allowance``: at most ``rate_limit`` messages per rolling hour.
* ``batches``: alerts go one per message while the allowance covers them; otherwise
  (or in digest mode) together, ``max_alerts`` per message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from monitor.config import ChannelRules
from monitor.types import UPDATE

__all__ = ["RATE_WINDOW", "allowance", "batches", "digest_closes", "quiet_until", "refusal"]

RATE_WINDOW = timedelta(hours=1)

_T = TypeVar("_T")


def refusal(alert: Mapping[str, Any], rules: ChannelRules) -> str | None:
    """Why the channel does not want this alert (or story notice), or None when it does.

    A story notice has no claim: ``claims`` does not apply to it, ``topics`` does."""
    if rules.topics is not None and alert.get("topic") not in rules.topics:
        return f"topic {alert.get('topic')!r} is not in this channel's topics"
    if "claim" not in alert:
        return None  # a story notice
    kind = str(alert.get("claim") or "").split("/", 1)[0]
    if rules.claims is not None and kind not in rules.claims:
        return f"claim {kind!r} is not in this channel's claims"
    if alert.get("kind") == UPDATE and not rules.updates:
        return "this channel takes no updates (updates: false)"
    return None


def quiet_until(now: datetime, rules: ChannelRules) -> datetime | None:
    """When the quiet hours that hold at ``now`` end; None outside quiet hours."""
    if rules.quiet_hours is None:
        return None
    start, end = rules.quiet_hours
    local = now.astimezone(ZoneInfo(rules.timezone))
    clock = local.time().replace(tzinfo=None)
    crosses_midnight = start > end
    quiet = (start <= clock or clock < end) if crosses_midnight else start <= clock < end
    if not quiet:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    ends = datetime.combine(day, end, tzinfo=local.tzinfo)
    return ends.astimezone(now.tzinfo)


def digest_closes(queued: Sequence[datetime], rules: ChannelRules) -> datetime | None:
    """When the digest of these waiting alerts goes out; None without digest mode."""
    if not rules.digest_minutes or not queued:
        return None
    return min(queued) + timedelta(minutes=rules.digest_minutes)


def allowance(sent: Sequence[datetime], now: datetime, rules: ChannelRules) -> tuple[int, datetime]:
    """Messages the channel may send now, and when the next slot frees up."""
    recent = sorted(moment for moment in sent if moment > now - RATE_WINDOW)
    left = rules.rate_limit - len(recent)
    if left > 0:
        return left, now
    return 0, recent[-rules.rate_limit] + RATE_WINDOW


def batches(rows: Sequence[_T], allowed: int, max_alerts: int, digest: bool) -> list[list[_T]]:
    """Split waiting alerts into messages, using at most ``allowed`` messages."""
    if not rows or allowed <= 0:
        return []
    if not digest and len(rows) <= allowed:
        return [[row] for row in rows]
    chunks = [list(rows[start : start + max_alerts]) for start in range(0, len(rows), max_alerts)]
    return chunks[:allowed]
