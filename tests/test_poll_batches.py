"""A poll cycle writes several feeds a transaction (issue 16), on a real SQLite file and a
real HTTP server: a crash loses at most the open transaction, whose feeds were not
rescheduled and are simply fetched again, to the same end as a cycle that never crashed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import running_server

import monitor.poller
from monitor.config import Config, PollConfig, from_feeds
from monitor.errors import StoreError
from monitor.pipeline import Pipeline
from monitor.poller import poll_once
from monitor.store import Store
from monitor.types import FeedSpec

FEEDS = 12
CRASH_AT = 8  # the eighth feed's items are being stored when the process dies
NOW = "2025-06-18T12:00:00+00:00"


def feed(n: int) -> bytes:
    """Two items off topic in every feed, one on topic in every third."""
    items = [
        f"<item><guid>grain-{n}-{k}</guid><title>Grain prices steady in port {n}</title>"
        f"<pubDate>Wed, 18 Jun 2025 0{k}:{n:02d}:00 GMT</pubDate></item>"
        for k in range(2)
    ]
    if n % 3 == 0:
        items.append(
            f"<item><guid>troops-{n}</guid><title>North Korea sends {1000 + n} troops to"
            f" Russia's Kursk region</title><description>Pyongyang and Moscow confirmed the"
            f" deployment of {1000 + n} soldiers.</description>"
            f"<pubDate>Wed, 18 Jun 2025 07:{n:02d}:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"{''.join(items)}</channel></rss>"
    ).encode()


def config(urls: list[str]) -> Config:
    specs = [FeedSpec(url=url, name=f"feed {n}") for n, url in enumerate(urls)]
    return replace(from_feeds(specs), poll=replace(PollConfig(), jitter=0.0))


CHILD = textwrap.dedent(
    f"""
    import sys
    from datetime import datetime
    from pathlib import Path
    import monitor.poller
    from monitor.pipeline import Pipeline
    from monitor.poller import poll_once
    from monitor.store import Store
    from crashing import crash_at_call, ticking
    from test_poll_batches import config

    state, crash_at, urls = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    monitor.poller.BATCH_SECONDS = 0.01  # settle as feeds arrive
    store = Store.open(state)
    crash_at_call(store, "save_skipped", crash_at)
    # A transaction closes after its third feed.
    pipeline = Pipeline(store, config(urls), clock=lambda: datetime.fromisoformat("{NOW}"),
        channels=(), multilingual=False, timer=ticking())
    poll_once(pipeline)
    """
)


def stored(state: Path) -> tuple[set[tuple[str, ...]], dict[str, str | None]]:
    """(source, guid, status, topic) of every item; each feed's last poll, by name."""
    with sqlite3.connect(state / "monitor.db") as db:
        items = set(db.execute("SELECT source, guid, status, topic FROM items").fetchall())
        feeds = dict(db.execute("SELECT name, last_attempt FROM feeds").fetchall())
    return items, feeds


def test_a_crash_mid_cycle_loses_at_most_the_open_transaction(tmp_path: Path) -> None:
    now = datetime.fromisoformat(NOW).astimezone(UTC)
    with running_server() as server:
        urls = [server.route(f"/f{n}.xml", feed(n), etag=f'"v{n}"') for n in range(FEEDS)]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [str(Path(__file__).resolve().parents[1]), str(Path(__file__).parent)]
            ),
        }
        crashed = subprocess.run(
            [sys.executable, "-c", CHILD, str(tmp_path / "state"), str(CRASH_AT), *urls],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert crashed.returncode == 3, crashed.stderr
        items, feeds = stored(tmp_path / "state")
        recorded = {name for name, polled in feeds.items() if polled is not None}
        # Seven feeds' items were stored before the crash; a transaction holds at most
        # three feeds, so at most two of them were lost with the eighth's.
        assert 2 * 5 <= len(items) <= 2 * 7
        assert 0 < len(recorded) <= 7
        for name in recorded:  # a feed rescheduled has all its items stored
            n = int(name.split()[1])
            guids = {guid for source, guid, _, _ in items if source == name}
            assert guids == {f"grain-{n}-0", f"grain-{n}-1"}
            assert n % 3  # one with an item on topic waits for it, at the end of the cycle

        # The next cycle fetches again what was lost, and ends where one without a
        # crash ends.
        for state in ("state", "whole"):
            pipeline = Pipeline(
                Store.open(tmp_path / state),
                config(urls),
                clock=lambda: now,
                channels=(),
                multilingual=False,
            )
            poll_once(pipeline)
            pipeline.store.close()
    again, feeds = stored(tmp_path / "state")
    whole, _ = stored(tmp_path / "whole")
    assert again == whole and len(whole) == 2 * FEEDS + FEEDS // 3
    assert None not in feeds.values()


def test_a_store_failure_while_feeds_are_still_fetched_stops_the_cycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor.poller, "BATCH_SECONDS", 0.01)  # settled while fetching
    with running_server() as server:
        fast = server.route("/fast.xml", feed(1))
        slow = server.route("/slow.xml", feed(2), delay=60)  # still under way
        pipeline = Pipeline(
            Store.open(tmp_path / "state"),
            replace(config([fast, slow]), poll=replace(PollConfig(), timeout=90, jitter=0.0)),
            channels=(),
            multilingual=False,
        )

        def failing(*args: object, **kwargs: object) -> None:
            raise StoreError("database is locked")

        pipeline.store.save_skipped = failing  # type: ignore[method-assign]
        started = time.monotonic()
        with pytest.raises(StoreError, match="locked"):
            poll_once(pipeline)
        took = time.monotonic() - started
        pipeline.store.close()
    items, feeds = stored(tmp_path / "state")
    assert not items and set(feeds.values()) == {None}  # both feeds are due again
    assert took < 45  # at once, not after the slow feed's answer a minute later
