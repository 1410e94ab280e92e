"""`monitor run`: poll each feed when it is due, until SIGTERM/SIGINT.

One APScheduler job, the dispatcher, runs every ``DISPATCH_SECONDS``: it asks the
store which feeds are due (each feed's ``next_poll`` comes from its own schedule, see
``monitor.feeds.schedule``) and starts polling them in the background through one shared
``Poller`` (one set of HTTP pools, one global and one per-host concurrency limit).
A feed still being fetched is never started again (no overlapping runs of one feed);
a dispatcher run that was missed is coalesced into the next one. Because the schedule
lives in the store, a restart picks up where the last run left off, and feeds added
with ``monitor feeds add`` are picked up without a restart.

Why one dispatcher rather than one APScheduler job per feed: with 10,000 feeds, one
job per feed means 10,000 job objects rescheduled one by one and no way to share a
cycle (pools, limits, the oldest-first ordering of new items) between feeds that fall
due together; the dispatcher does one indexed query per tick (bench/poll.py).

Jobs run on the event loop in this thread (delivery in a worker thread, through the
store's lock). Under systemd (Type=notify) READY=1 is sent once the scheduler is
running, WATCHDOG=1 every half watchdog interval from the event loop (so a stuck loop
gets the service restarted), and STOPPING=1 once what was under way has finished.

Signals only set events. SIGTERM/SIGINT stop: polls under way get STOP_GRACE_SECONDS
to finish their writes; a delivery under way starts no new message and finishes the
one it is sending (each server reply within the channel's timeout), then marks it. SIGHUP
re-reads the configuration: a valid one replaces the running one (the scheduler is
rebuilt, in-flight polls finish first); an invalid one is reported in one log line and
the running configuration is kept.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.config import Config
from monitor.errors import MonitorError
from monitor.logs import SafeFormatter, log_to
from monitor.notify.outbox import add_delivery_job
from monitor.pipeline import Pipeline
from monitor.poller import Poller
from monitor.store import Store
from monitor.text import counted

log = logging.getLogger(__name__)

# How often the dispatcher looks for due feeds: the resolution of every feed's schedule.
DISPATCH_SECONDS = 5
# On stop, how long polls already under way may take to finish their writes.
STOP_GRACE_SECONDS = 5


# Held, locked, by the one daemon running on a state directory.
PID_FILE = "monitor.pid"
# How long a state change waits for room in the manager's queue before it is dropped.
NOTIFY_WAIT_SECONDS = 2.0


# journald reads a "<N>" line prefix as the syslog priority of the line.
_SYSLOG_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


class _JournalFormatter(SafeFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_SYSLOG_PRIORITY.get(record.levelno, 6)}>{super().format(record)}"


def daemon_logging(verbose: bool) -> None:
    """The daemon's log on stderr: INFO for normal life (start, one line per cycle,
    reloads, stop), WARNING for trouble, DEBUG (every fetch and decision) with -v.
    Timestamps and levels on a terminal or file; under journald (``JOURNAL_STREAM`` set)
    no timestamps, which it adds, and syslog priorities instead of level names."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(_JournalFormatter("%(message)s"))
    level = logging.DEBUG if verbose else logging.INFO
    log_to(handler, level, "%(asctime)s %(levelname)s %(message)s")


def sd_notify(message: str) -> bool:
    """Send one sd_notify(3) datagram when started by systemd; a no-op otherwise."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        # A full socket queue (a busy or stuck manager, a slow reader) must not stall the
        # event loop: a watchdog ping is dropped at once (the next comes within half the
        # interval); a state change (READY, RELOADING, STOPPING) waits a moment for room.
        sock.settimeout(0.0 if message.startswith("WATCHDOG=") else NOTIFY_WAIT_SECONDS)
        try:
            sock.connect(address)
            sock.send(message.encode())
        except (BlockingIOError, TimeoutError):
            log.debug("sd_notify: the manager's queue is full; %r not sent", message)
            return False
        except OSError as exc:
            log.warning("sd_notify failed: %s", exc)
            return False
    return True


def watchdog_seconds() -> float | None:
    """Half the systemd watchdog interval (WatchdogSec=), or None when there is none."""
    usec = os.environ.get("WATCHDOG_USEC")
    if not usec or not usec.isdigit():
        return None
    if os.environ.get("WATCHDOG_PID", str(os.getpid())) != str(os.getpid()):
        return None  # the watchdog is meant for another process
    return int(usec) / 2_000_000


async def serve(config: Config, store: Store, stop: asyncio.Event) -> None:
    """Poll and deliver with one configuration until ``stop`` is set."""
    pipeline = Pipeline(store, config)
    if config.feeds:  # without a feeds.yaml, keep the configured set as it was
        store.sync_feeds(config.feeds)
    poller = Poller(pipeline)

    runs = _JobRuns()
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        runs.tracked(poller.dispatch),
        "interval",
        # No finer than needed: a schedule never asks for less than poll.min_interval.
        seconds=max(1, min(DISPATCH_SECONDS, config.poll.min_interval)),
        id="poll",
        name="poll due feeds",
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    # Issue 6: send what the outbox holds, in a worker thread; a dead channel never
    # holds up polling (nor the other channels).
    # On a connection of its own: a delivery's mark never waits behind a poll's batch.
    outbox_store = Store(store.path)
    outbox = add_delivery_job(scheduler, outbox_store, config.alerts, track=runs.tracked)
    ping = watchdog_seconds()
    # A task of its own on the loop, not a scheduler job: a job's run can be cut off by
    # the shutdown (a traceback in the journal), and a stuck loop must stop the pings.
    watchdog = asyncio.create_task(_watchdog(ping), name=f"{BACKGROUND}-watchdog") if ping else None

    scheduler.start()
    sd_notify("READY=1")
    log.info("monitor running: %s", counted(len(store.feed_specs()), "feed"))
    await stop.wait()
    if outbox is not None:
        outbox.stop()  # no new message; the one under way is finished and marked
    scheduler.shutdown(wait=False)
    # Let polls already under way finish their writes (each item is one transaction
    # anyway), then the delivery under way mark what its channel accepted. The loop
    # still pings the watchdog meanwhile: a reload waits here too.
    try:
        await poller.close(timeout=STOP_GRACE_SECONDS)
        await runs.finish()
        outbox_store.close()
    finally:
        if watchdog is not None:
            watchdog.cancel()


# The name prefix of tasks that live as long as the daemon (relay, live view, watchdog).
BACKGROUND = "monitor-background"


class _JobRuns:
    """The scheduler's job runs under way, so that a stop can wait for exactly those."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Future[Any]] = set()

    def tracked(self, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        async def run() -> None:
            # The work runs as a task of its own, shielded: the scheduler's shutdown
            # cancels the runs it started, and a delivery cancelled between "the server
            # accepted" and "marked" would be sent again by the next process.
            task: asyncio.Future[Any] = asyncio.ensure_future(job())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if task.done():
                    raise
                # The scheduler stopped waiting, not the work: `finish` waits for it,
                # and the journal gets no CancelledError traceback for a clean stop.

        return run

    async def finish(self) -> None:
        """Wait for the runs under way. A delivery starts no new message once stopped
        (``Outbox.stop``), so this lasts one send (each server reply within the channel's
        timeout). A run
        that failed after the scheduler stopped waiting for it is logged here."""
        if not self.tasks:
            return
        log.info("waiting for the delivery under way")
        for task in asyncio.as_completed(set(self.tasks)):
            try:
                await task
            except Exception:
                log.exception("a job failed while stopping")


async def _watchdog(seconds: float) -> None:
    while True:
        sd_notify("WATCHDOG=1")
        await asyncio.sleep(seconds)


def reloaded(load_config: Callable[[], Config], running: Config) -> Config:
    """The new configuration, or the running one when the new one is invalid."""
    try:
        config = load_config()
        check_secrets(config)
    except MonitorError as exc:
        log.error("reload failed, keeping the running configuration: %s", exc)
        return running
    before = {feed.url for feed in running.feeds}
    after = {feed.url for feed in config.feeds}
    added, removed = len(after - before), len(before - after)
    log.info(
        "configuration reloaded: +%s, -%d (%s)",
        counted(added, "feed"),
        removed,
        counted(len(config.feeds), "feed"),
    )
    return config


async def _set_when_either(a: asyncio.Event, b: asyncio.Event, result: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(a.wait()), asyncio.ensure_future(b.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        result.set()
    finally:
        for wait in waits:
            wait.cancel()


async def run_until_stopped(
    load_config: Callable[[], Config],
    config: Config,
    store: Store,
    stop: asyncio.Event,
    reload: asyncio.Event,
) -> None:
    """Serve; on ``reload`` re-read the configuration and serve again; end on ``stop``."""
    while not stop.is_set():
        reload.clear()
        stop_or_reload = asyncio.Event()
        relay = asyncio.create_task(
            _set_when_either(stop, reload, stop_or_reload), name=f"{BACKGROUND}-relay"
        )
        await serve(config, store, stop_or_reload)
        relay.cancel()
        if not stop.is_set():
            sd_notify("RELOADING=1")
            config = reloaded(load_config, config)
    sd_notify("STOPPING=1")
    log.info("monitor stopped")


def run_daemon(
    load_config: Callable[[], Config],
    config: Config,
    state: Path,
    *,
    live: Callable[[Store, asyncio.Event], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly; SIGHUP reloads the configuration.

    ``live(store, stop)``, when given, is a coroutine function run beside the daemon
    (`monitor run --live`). MonitorError when another daemon runs on ``state``."""

    async def main() -> None:
        stop, reload = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, reload.set)
        store = Store.open(state)
        try:
            if live is not None:
                view = asyncio.create_task(live(store, stop), name=f"{BACKGROUND}-live")
                view.add_done_callback(lambda _: stop.set())  # leaving the view stops
            await run_until_stopped(load_config, config, store, stop, reload)
        finally:
            store.close()

    check_secrets(config)
    with daemon_lock(state):
        asyncio.run(main())


def check_secrets(config: Config) -> None:
    """Read every alert channel's secret now: a daemon whose Slack webhook variable is
    unset would otherwise start, and fail and retry every delivery for ever.
    ConfigError naming the channel and the variable or file."""
    for email in config.alerts.email:
        email.password()
    for slack in config.alerts.slack:
        slack.webhook_url()


@contextmanager
def daemon_lock(state: Path) -> Iterator[None]:
    """Hold ``state``/monitor.pid, locked, while one daemon runs on that state.

    Two daemons on one state would poll every feed twice and race each other's writes.
    The lock is the kernel's (flock): it goes with the process, a kill -9 included, so a
    stale file never blocks a restart. MonitorError names the holder's pid.
    """
    state.mkdir(parents=True, exist_ok=True)
    path = state / PID_FILE
    with open(path, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise MonitorError(
                f"another monitor run (pid {holder}) is using {state}; stop it first"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # the lock itself is released when the file closes
