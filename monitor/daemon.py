"""`monitor run`: poll each feed when it is due, until SIGTERM/SIGINT.

One APScheduler job, the dispatcher, runs every ``DISPATCH_SECONDS``: it asks the
store which feeds are due (each feed's ``next_poll`` comes from its own schedule, see
``monitor.schedule``) and starts polling them in the background through one shared
``Poller`` (one set of HTTP pools, one global and one per-host concurrency limit).
A feed still being fetched is never started again (no overlapping runs of one feed);
a dispatcher run that was missed is coalesced into the next one. Because the schedule
lives in the store, a restart picks up where the last run left off, and feeds added
with ``monitor feeds add`` are picked up without a restart.

Why one dispatcher rather than one APScheduler job per feed: with 10,000 feeds, one
job per feed means 10,000 job objects rescheduled one by one and no way to share a
cycle (pools, limits, the oldest-first ordering of new items) between feeds that fall
due together; the dispatcher does one indexed query per tick (bench/poll.py).

Jobs run on the event loop in this thread, so the store is only ever touched from one
thread. Under systemd (Type=notify) READY=1 is sent once the scheduler is running, and
STOPPING=1 when a signal arrives. The signal handlers only set an event.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor.config import Config
from monitor.notify.outbox import add_delivery_job
from monitor.pipeline import Pipeline
from monitor.poller import Poller
from monitor.store import Store

log = logging.getLogger(__name__)

# How often the dispatcher looks for due feeds: the resolution of every feed's schedule.
DISPATCH_SECONDS = 5
# On stop, how long polls already under way may take to finish their writes.
STOP_GRACE_SECONDS = 5


def sd_notify(message: str) -> bool:
    """Send one sd_notify(3) datagram when started by systemd; a no-op otherwise."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(message.encode())
        except OSError as exc:
            log.warning("sd_notify failed: %s", exc)
            return False
    return True


async def serve(config: Config, store: Store, stop: asyncio.Event) -> None:
    pipeline = Pipeline(store, config)
    if config.feeds:  # without a feeds.yaml, keep the configured set as it was
        store.sync_feeds(config.feeds)
    poller = Poller(pipeline)

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        poller.dispatch,
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
    add_delivery_job(scheduler, store, config.alerts)

    scheduler.start()
    sd_notify("READY=1")
    log.warning("monitor running: %d feeds", len(store.feed_specs()))
    await stop.wait()
    sd_notify("STOPPING=1")
    scheduler.shutdown(wait=False)
    # Let polls already under way finish their writes (each item is one transaction anyway).
    await poller.close(timeout=STOP_GRACE_SECONDS)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if pending:
        await asyncio.wait(pending, timeout=STOP_GRACE_SECONDS)
    log.warning("monitor stopped")


def run_daemon(config_path: Path, config: Config, state: Path) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        store = Store.open(state)
        try:
            await serve(config, store, stop)
        finally:
            store.close()

    asyncio.run(main())
