"""A poll cycle reads its items on topic ahead while it still fetches (issue 16): the
language, figures and story keys of each, once, before the cycle's end processes them
oldest first; and what it stores is what it stores without reading ahead. A real HTTP
server with one slow feed, a real SQLite file."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import running_server

import monitor.poller
import monitor.sorting
from monitor.config import Config, PollConfig, from_feeds
from monitor.pipeline import Pipeline, Reading
from monitor.poller import poll_once
from monitor.sorting import Sorting
from monitor.store import Store
from monitor.types import FeedSpec, Item

NOW = datetime(2025, 6, 18, 12, tzinfo=UTC)
SLOW_SECONDS = 1.5


def feed(n: int) -> bytes:
    """One item off topic, and one on topic whose figure every other feed contradicts."""
    troops = 11_000 if n % 2 else 12_000
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>grain-{n}</guid><title>Grain prices steady in port {n}</title>"
        f"<pubDate>Wed, 18 Jun 2025 05:{n:02d}:00 GMT</pubDate></item>"
        f"<item><guid>troops-{n}</guid><title>Outlet {n}: North Korea has {troops:,} troops"
        f" in Russia's Kursk region</title><description>Seoul's spy agency told lawmakers"
        f" in report {n} that Pyongyang keeps {troops:,} soldiers near Kursk.</description>"
        f"<pubDate>Wed, 18 Jun 2025 07:{n:02d}:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()


def config(urls: list[str]) -> Config:
    specs = [FeedSpec(url=url, name=f"feed {n}") for n, url in enumerate(urls)]
    return replace(from_feeds(specs), poll=replace(PollConfig(), jitter=0.0))


def outcome(state: Path) -> list[tuple[object, ...]]:
    """Every item with its topic and story decision, every figure and every alert."""
    with sqlite3.connect(state / "monitor.db") as db:
        return [
            *db.execute(
                "SELECT source, guid, status, topic, story_id, duplicate_of, match_reason"
                " FROM items ORDER BY source, guid"
            ),
            *db.execute("SELECT item_id, claim, low, high FROM figures ORDER BY id"),
            *db.execute("SELECT claim_key, new_figure_id, reason FROM alerts ORDER BY id"),
        ]


def poll(state: Path, urls: list[str]) -> tuple[list[tuple[str, float]], float]:
    """One cycle into ``state``: (guid, when) of every reading, and when the end began."""
    readings: list[tuple[str, float]] = []
    ended: list[float] = []
    with Store.open(state) as store:
        pipeline = Pipeline(store, config(urls), clock=lambda: NOW, channels=(), multilingual=False)
        read = pipeline.read

        def counted(item: Item) -> Reading:
            readings.append((item.guid, time.monotonic()))
            return read(item)

        pipeline.read = counted  # type: ignore[method-assign]
        finish = Sorting.finish

        def finishing(sorting: Sorting) -> None:
            ended.append(time.monotonic())
            finish(sorting)

        Sorting.finish = finishing  # type: ignore[method-assign]
        try:
            totals = poll_once(pipeline)
        finally:
            Sorting.finish = finish  # type: ignore[method-assign]
    assert not totals.errors and totals.alerts > 0
    return readings, ended[0]


def test_items_on_topic_are_read_once_while_the_cycle_still_fetches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor.poller, "BATCH_SECONDS", 0.01)  # settled as they arrive
    with running_server() as server:
        urls = [server.route(f"/f{n}.xml", feed(n)) for n in range(6)]
        urls.append(server.route("/slow.xml", feed(6), delay=SLOW_SECONDS))
        readings, ended = poll(tmp_path / "ahead", urls)
        monkeypatch.setattr(Sorting, "next_unread", lambda sorting: None)
        unread, _ = poll(tmp_path / "in-order", urls)
    # Each item on topic read once: the six fast feeds' while the slow one was awaited.
    assert sorted(guid for guid, _ in readings) == [f"troops-{n}" for n in range(7)]
    ahead = {guid for guid, when in readings if when < ended}
    assert ahead == {f"troops-{n}" for n in range(6)}
    assert all(when >= ended for _, when in unread)  # without it, all at the end
    # ... and the same items, stories, figures and alerts as without reading ahead.
    assert outcome(tmp_path / "ahead") == outcome(tmp_path / "in-order")


def test_at_most_read_ahead_most_items_are_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their features wait in a bounded cache beside the candidates': never thousands."""
    monkeypatch.setattr(monitor.poller, "BATCH_SECONDS", 0.01)
    monkeypatch.setattr(monitor.sorting, "READ_AHEAD_MOST", 3)
    with running_server() as server:
        urls = [server.route(f"/f{n}.xml", feed(n)) for n in range(6)]
        urls.append(server.route("/slow.xml", feed(6), delay=SLOW_SECONDS))
        readings, ended = poll(tmp_path / "state", urls)
    assert len(readings) == 7  # each item read once all the same
    assert len([guid for guid, when in readings if when < ended]) == 3


def test_a_slow_reading_ahead_does_not_hold_the_fetches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item that takes long to read (a hostile text of megabytes) is read beside the
    loop: a feed still being fetched meanwhile answers within its timeout, as it would
    without reading ahead."""
    monkeypatch.setattr(monitor.poller, "BATCH_SECONDS", 0.01)
    read = Pipeline.read

    def slow(pipeline: Pipeline, item: Item) -> Reading:
        if item.guid == "troops-0":
            time.sleep(2.5)  # longer than the other feed's timeout
        return read(pipeline, item)

    monkeypatch.setattr(Pipeline, "read", slow)
    with running_server() as server:
        urls = [server.route("/f0.xml", feed(0)), server.route("/f1.xml", feed(1), delay=1)]
        settings = replace(config(urls), poll=replace(PollConfig(), jitter=0.0, timeout=2))
        with Store.open(tmp_path / "state") as store:
            pipeline = Pipeline(store, settings, clock=lambda: NOW, multilingual=False)
            totals = poll_once(pipeline)
    assert not totals.errors
    assert totals.kept == 2 and totals.items == 4
