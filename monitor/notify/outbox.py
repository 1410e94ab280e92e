"""The delivery loop: send what the outbox holds, mark it only once a channel took it.

``Store.save`` writes one outbox row per configured channel in the item's own
transaction, so an alert is never raised without its deliveries. ``Outbox.deliver``
then, for every channel at once (a slow or dead channel holds up no other):

1. reads the channel's due rows and drops those another live sender has claimed;
2. filters what the channel's noise rules refuse, and waits out quiet hours, an open
   digest window or a spent rate limit;
3. claims the rows (``host:pid`` and a lease), sends them one per message or as
   digests, and marks them delivered after the channel accepted them;
4. on a temporary failure keeps them pending with exponential backoff (or the
   server's Retry-After) and holds the channel's other rows back too; on a refusal
   marks them failed (``monitor outbox retry`` revives them).

At-least-once: a kill between "accepted" and "marked" leaves the claim of a dead
process, and the next sender sends the row again — the only way a duplicate happens.
Emails then carry the same Message-ID as the first copy. A mark that cannot be written
(the database locked past the busy timeout) is retried, first at once and then at the
start of every pass, before anything else goes out on that channel; the message is
never sent again while this process lives. The daemon gives the outbox a connection of
its own, so a mark never waits behind the poller's transaction in this process.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.config import AlertsConfig, ChannelRules
from monitor.errors import StoreError
from monitor.notify import noise
from monitor.notify.channel import Channel, ChannelDown, ChannelRefused
from monitor.notify.email import EmailChannel
from monitor.notify.message import Message, notice_view, view
from monitor.notify.slack import SlackChannel
from monitor.store import Store
from monitor.text import counted
from monitor.types import WITHDRAWN

__all__ = [
    "ChannelReport",
    "Outbox",
    "add_delivery_job",
    "backoff",
    "channels_from",
    "message_id",
    "outbox_for",
]

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)  # a channel down for a day is retried hourly, forever
# A claim outlives any honest send (SMTP timeout, one inline Slack retry); a sender
# that died holding one is recognised at once by its pid, the lease is the backstop.
CLAIM_LEASE = timedelta(minutes=10)
# `monitor run` looks at the outbox this often; alerts from a poll wait at most this long.
DELIVER_EVERY_SECONDS = 10
# Writing a delivery mark: tries, and the pause between them, before it is kept back for
# the next pass (each try waits up to the store's busy timeout for the write lock).
MARK_TRIES = 3
MARK_PAUSE_SECONDS = 0.2


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure in a row: 30 s, 1 min, 2 min, … 1 h."""
    doublings = min(max(0, attempts - 1), 16)  # 2**16 x 30 s is far past the cap
    return min(FIRST_RETRY * 2**doublings, MAX_RETRY)


def message_id(alert_ids: Sequence[int | str], instance: str, domain: str) -> str:
    """Stable per alert (or set of alerts): a re-send after a crash repeats it. A story
    notice is named "story-N" (its notice id) among them."""
    if len(alert_ids) == 1:
        one = alert_ids[0]
        local = f"alert-{one}" if isinstance(one, int) else str(one)
    else:
        digest = hashlib.sha256(",".join(map(str, sorted(alert_ids, key=str))).encode())
        local = f"digest-{digest.hexdigest()[:16]}"
    return f"<monitor.{local}.{instance}@{domain}>"


def _key(row: Mapping[str, Any]) -> int | str:
    """What a Message-ID is derived from: the alert id, or "notice-N"."""
    return int(row["alert_id"]) if row.get("alert_id") is not None else f"notice-{row['notice_id']}"


def _message(row: Mapping[str, Any]) -> Message:
    return view(row["alert"]) if "alert" in row else notice_view(row["notice"])


def this_sender() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    """Whether the process that claimed a row may still be sending it."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # not ours to judge: trust the lease
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class ChannelReport:
    """What one delivery pass did for one channel."""

    channel: str
    sent: int = 0  # alerts and story notices delivered
    notices: int = 0  # ... of which story notices
    messages: int = 0
    waiting: int = 0  # alerts still pending after this pass
    failed: int = 0  # refused for good in this pass
    filtered: int = 0
    note: str | None = None  # why alerts wait: quiet hours, a digest window, the rate limit
    error: str | None = None  # why the channel failed in this pass

    def summary(self) -> str:
        parts = []
        if self.sent:
            alerts = self.sent - self.notices
            what = [counted(alerts, "alert")] if alerts else []
            if self.notices:
                what.append(counted(self.notices, "story notice"))
            parts.append(f"{' and '.join(what)} sent in {counted(self.messages, 'message')}")
        if self.waiting:
            parts.append(f"{self.waiting} waiting")
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.filtered:
            parts.append(f"{self.filtered} filtered")
        text = f"{self.channel}: {', '.join(parts) or 'nothing to send'}"
        why = self.error or self.note
        return f"{text} ({why})" if why else text


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def channels_from(
    alerts: AlertsConfig, clock: Callable[[], datetime] | None = None
) -> dict[str, tuple[Channel, ChannelRules]]:
    """The configured channels, ready to send, each with its noise rules."""
    found: dict[str, tuple[Channel, ChannelRules]] = {}
    for email in alerts.email:
        sender = EmailChannel(email) if clock is None else EmailChannel(email, clock)
        found[email.name] = (sender, email.rules)
    for slack in alerts.slack:
        found[slack.name] = (SlackChannel(slack), slack.rules)
    return found


class Outbox:
    """Delivers the outbox of one store through the given channels."""

    def __init__(
        self,
        store: Store,
        channels: Mapping[str, tuple[Channel, ChannelRules]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        domain: str = "monitor.invalid",
    ) -> None:
        self.store = store
        self.channels = dict(channels)
        self.clock = clock
        self.domain = domain
        self.owner = this_sender()
        # Messages a channel accepted whose mark could not be written yet (the database
        # was locked past the busy timeout): marked before anything else is sent, and
        # their rows never sent again while this process lives.
        self._unmarked: dict[str, list[_Sent]] = {name: [] for name in self.channels}
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Start no new message from now on (the daemon is stopping): a message under way
        is finished and marked; the rest of a pass is released for the next sender."""
        self._stopping.set()

    def deliver(self) -> list[ChannelReport]:
        """One pass over every channel, the channels in parallel threads."""
        if not self.channels:
            return []
        with ThreadPoolExecutor(max_workers=len(self.channels)) as pool:
            futures = [
                pool.submit(self.deliver_channel, name, channel, rules)
                for name, (channel, rules) in self.channels.items()
            ]
            return [future.result() for future in futures]

    async def deliver_async(self) -> list[ChannelReport]:
        """``deliver`` off the event loop: smtplib and the Slack client block."""
        reports = await asyncio.to_thread(self.deliver)
        for report in reports:
            if report.sent or report.error:
                log.warning("delivery: %s", report.summary())
        return reports

    def deliver_channel(self, name: str, channel: Channel, rules: ChannelRules) -> ChannelReport:
        report = ChannelReport(name)
        if not self._mark_unmarked(name):
            report.error = "the database is busy; sent messages are marked before others go out"
            return report
        if self._stopping.is_set():
            return report
        now = self.clock()
        rows = [row for row in self.store.due_deliveries(name, now) if not self._held(row, now)]
        rows = self._filter(rows, rules, now, report)
        if not rows:
            return report
        report.waiting = len(rows)
        quiet = noise.quiet_until(now, rules)
        if quiet is not None:
            report.note = f"quiet hours until {_at(quiet)}"
            return report
        closes = noise.digest_closes([datetime.fromisoformat(r["queued"]) for r in rows], rules)
        if closes is not None and closes > now:
            report.note = f"digest goes out at {_at(closes)}"
            return report
        allowed, next_slot = noise.allowance(
            self.store.sends_since(name, now - noise.RATE_WINDOW), now, rules
        )
        if allowed <= 0:
            report.note = f"rate limit reached; next message at {_at(next_slot)}"
            return report
        taken = set(
            self.store.claim_deliveries(
                [(row["id"], row["claimed_by"]) for row in rows],
                self.owner,
                now,
                now + CLAIM_LEASE,
            )
        )
        rows = [row for row in rows if row["id"] in taken]
        planned = noise.batches(rows, allowed, channel.max_alerts, bool(rules.digest_minutes))
        self._send_all(name, channel, planned, rows, report)
        return report

    def _held(self, row: Mapping[str, Any], now: datetime) -> bool:
        """Claimed by a sender that is alive and whose lease still runs."""
        owner, until = row["claimed_by"], row["claimed_until"]
        if owner is None or until is None or datetime.fromisoformat(until) <= now:
            return False
        return _alive(owner)

    def _filter(
        self,
        rows: list[dict[str, Any]],
        rules: ChannelRules,
        now: datetime,
        report: ChannelReport,
    ) -> list[dict[str, Any]]:
        keep: list[dict[str, Any]] = []
        for row in rows:
            alert = row.get("alert") or {}
            if alert.get("status") == WITHDRAWN:  # withdrawn while it waited (issue 12)
                why = f"alert withdrawn: {alert.get('withdrawn_reason')}"
                self.store.mark_closed([row["id"]], WITHDRAWN, now, why)
                continue
            reason = noise.refusal(row.get("alert") or row["notice"], rules)
            if reason is None:
                keep.append(row)
            else:
                self.store.mark_closed([row["id"]], "filtered", now, reason)
                report.filtered += 1
        return keep

    def _send_all(
        self,
        name: str,
        channel: Channel,
        planned: list[list[dict[str, Any]]],
        claimed: list[dict[str, Any]],
        report: ChannelReport,
    ) -> None:
        instance = self.store.instance_id()
        domain = getattr(channel, "id_domain", self.domain)
        unsent = {row["id"] for row in claimed}
        down = False
        for batch in planned:
            if self._stopping.is_set():
                break
            ids = [row["id"] for row in batch]
            mid = message_id([_key(row) for row in batch], instance, domain)
            try:
                receipt = channel.send([_message(row) for row in batch], mid)
            except ChannelRefused as exc:
                self.store.mark_closed(ids, "failed", self.clock(), str(exc))
                report.failed += len(ids)
                report.error = str(exc)
                unsent.difference_update(ids)
                continue
            except Exception as exc:  # ChannelDown, or a bug: either way, try again later
                if not isinstance(exc, ChannelDown):
                    log.exception("%s: unexpected error while sending", name)
                self._postpone(batch, claimed, unsent, exc)
                report.error = f"{exc}; next try {self._next_try(batch, exc)}"
                down = True
                break
            self._mark_sent(name, _Sent(ids, self.clock(), mid))
            log.info("%s: %s (%s)", name, receipt, mid)
            report.sent += len(ids)
            report.notices += sum("notice" in row for row in batch)
            report.messages += 1
            unsent.difference_update(ids)
        report.waiting = len(unsent)
        if unsent and not down:
            # The allowance ran out part-way, or the sender is stopping: release the rest
            # for the next pass (after a stop, of the next process).
            why = "waiting for the rate limit"
            if self._stopping.is_set():
                report.note = "the sender stopped or reloaded"
                why = f"not sent yet: {report.note}"
            self.store.mark_retry(sorted(unsent), self.clock(), why, self.clock(), attempted=False)

    def _mark_sent(self, name: str, sent: _Sent) -> None:
        """Mark a message the channel accepted; a mark that cannot be written now is kept
        and retried (``_mark_unmarked``). The mark is retried, never the send."""
        for attempt in range(MARK_TRIES):
            try:
                self.store.mark_sent(sent.ids, name, sent.at, sent.message_id)
                return
            except StoreError as exc:
                if attempt + 1 == MARK_TRIES:
                    log.warning("%s: %s accepted, not marked yet: %s", name, sent.message_id, exc)
                    self._unmarked[name].append(sent)
                    return
                time.sleep(MARK_PAUSE_SECONDS)

    def _mark_unmarked(self, name: str) -> bool:
        """Write the marks kept back; True when none is left."""
        waiting, self._unmarked[name] = self._unmarked[name], []
        for sent in waiting:
            self._mark_sent(name, sent)
        return not self._unmarked[name]

    def _retry_at(self, batch: Sequence[Mapping[str, Any]], exc: Exception) -> datetime:
        now = self.clock()
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return now + min(timedelta(seconds=retry_after), MAX_RETRY)
        return now + backoff(max(row["attempts"] for row in batch) + 1)

    def _next_try(self, batch: Sequence[Mapping[str, Any]], exc: Exception) -> str:
        return _at(self._retry_at(batch, exc))

    def _postpone(
        self,
        batch: Sequence[Mapping[str, Any]],
        claimed: Sequence[Mapping[str, Any]],
        unsent: set[int],
        exc: Exception,
    ) -> None:
        """The channel is down: this batch and everything else it holds wait together,
        so a dead server is tried once per backoff step, not once per alert."""
        now, retry_at, error = self.clock(), self._retry_at(batch, exc), str(exc)
        tried = [row["id"] for row in batch]
        self.store.mark_retry(tried, now, error, retry_at)
        held = [row["id"] for row in claimed if row["id"] in unsent and row["id"] not in tried]
        if held:
            self.store.mark_retry(held, now, f"waiting: {error}", retry_at, attempted=False)


@dataclass(frozen=True)
class _Sent:
    """One message a channel accepted: its outbox rows, when, and its Message-ID."""

    ids: list[int]
    at: datetime
    message_id: str


def outbox_for(store: Store, alerts: AlertsConfig) -> Outbox:
    """The outbox of ``store`` with the channels configured under ``alerts:``."""
    return Outbox(store, channels_from(alerts))


def add_delivery_job(
    scheduler: Any,
    store: Store,
    alerts: AlertsConfig,
    track: Callable[[Callable[[], Awaitable[Any]]], Callable[[], Awaitable[Any]]] = lambda job: job,
) -> Outbox | None:
    """`monitor run`: deliver every DELIVER_EVERY_SECONDS on the daemon's scheduler.

    ``track`` wraps the job (the daemon's way to know which runs are under way). The
    outbox, for ``Outbox.stop``; None when no channel is configured."""
    outbox = outbox_for(store, alerts)
    if not outbox.channels:
        return None
    scheduler.add_job(
        track(outbox.deliver_async),
        "interval",
        seconds=DELIVER_EVERY_SECONDS,
        id="deliver",
        name="deliver alerts",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    return outbox
