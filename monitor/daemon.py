"""`monitor run`: poll each feed on its own schedule until SIGTERM/SIGINT.

APScheduler's asyncio scheduler runs one job per feed (never two at once for a
feed, missed runs coalesced into one). Jobs run on the event loop in this thread,
so the store is only ever touched from one thread. A feed's first run is taken
from the stored next-poll time, so a restart picks up where the last run left off.

Under systemd (Type=notify) READY=1 is sent once the scheduler is running, and
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
from monitor.pipeline import Pipeline, poll_feeds
from monitor.store import Store
from monitor.types import FeedSpec

log = logging.getLogger(__name__)

# Spread feeds that share an interval so they do not all fire in the same second.
JITTER_SECONDS = 30


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
    store.sync_feeds(config.feeds)

    async def poll_one(spec: FeedSpec) -> None:
        totals = await poll_feeds(pipeline, [spec])
        if totals.items:
            log.warning("%s: %s", spec.name, totals.summary())

    scheduler = AsyncIOScheduler(timezone=UTC)
    now = datetime.now(UTC)
    for spec in config.feeds:
        if not spec.enabled:
            continue
        due = store.feed_state(spec.url).next_poll
        scheduler.add_job(
            poll_one,
            "interval",
            seconds=spec.interval,
            args=[spec],
            id=spec.url,
            name=spec.name,
            next_run_time=max(due, now) if due else now,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            jitter=min(JITTER_SECONDS, spec.interval // 10),
        )
    scheduler.start()
    sd_notify("READY=1")
    log.warning("monitor running: %d feeds scheduled", len(scheduler.get_jobs()))
    await stop.wait()
    sd_notify("STOPPING=1")
    scheduler.shutdown(wait=False)
    # Let polls already under way finish their writes (each item is one transaction anyway).
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if pending:
        await asyncio.wait(pending, timeout=5)
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
