"""The fetch worker process (monitor.feeds.fetcher) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from feedserver import running_server, unused_url

import monitor.feeds.fetcher
import monitor.poller
from monitor.config import PollConfig, from_feeds
from monitor.errors import FetchError, ParseError
from monitor.feeds.fetch import Gone, HTTPStatusError, RetryLater
from monitor.feeds.fetcher import (
    Fetched,
    Fetcher,
    FetchRequest,
    FetchSettings,
    FetchWorker,
    ReadAs,
)
from monitor.feeds.parse import ParsedFeed
from monitor.pipeline import Pipeline
from monitor.poller import Poller
from monitor.store import Store
from monitor.types import FeedSpec


def feed(url: str, **options: Any) -> FetchRequest:
    """A feed URL as the operator configured it (monitor.feeds.policy)."""
    return FetchRequest(url, operator=True, **options)


SETTINGS = FetchSettings(concurrency=10, per_host=10, timeout=1.0, max_bytes=1 << 20)
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
ITEM = b"<item><guid>item-%d</guid><title>Grain prices steady</title></item></channel>"


async def ready(worker: FetchWorker) -> FetchWorker:
    await worker.start()
    async with asyncio.timeout(20):
        while not worker.ready:
            await asyncio.sleep(0.02)
    return worker


def outcome(result: Any) -> tuple[Any, ...]:
    """What a caller can see of a result or an error, to compare the two fetchers."""
    if isinstance(result, Fetched):
        result = result.result
    if isinstance(result, BaseException):
        return (
            type(result),
            str(result),
            getattr(result, "status", None),
            getattr(result, "retry_after", None),
        )
    return (result.status, result.body, result.etag, result.moved_to, result.url)


def test_the_worker_answers_exactly_as_this_process_would() -> None:
    with running_server() as server:
        requests = [
            feed(server.route("/ok.xml", RSS, etag='"e1"')),
            feed(server.url("/ok.xml"), etag='"e1"'),  # 304
            feed(server.route("/busy.xml", b"", status=503, headers={"Retry-After": "7"})),
            feed(server.route("/gone.xml", b"", status=410)),
            feed(server.route("/broken.xml", b"", status=500)),
            feed(server.route("/slow.xml", RSS, delay=3)),
            feed(
                server.route(
                    "/page.html", b"<!doctype html><p>x", headers={"Content-Type": "text/html"}
                )
            ),
            feed(server.redirect("/old.xml", "/ok.xml", status=301)),
            feed(unused_url()),
        ]

        async def both() -> tuple[list[Any], list[Any], int]:
            worker = await ready(FetchWorker(SETTINGS))
            local = Fetcher(SETTINGS)
            try:
                remote = await asyncio.gather(
                    *(worker.get(r) for r in requests), return_exceptions=True
                )
                here = await asyncio.gather(
                    *(local.get(r) for r in requests), return_exceptions=True
                )
            finally:
                await worker.aclose()
                await local.aclose()
            return remote, here, worker.answered

        remote, here, answered = asyncio.run(both())

    assert answered == len(requests)
    assert [outcome(r) for r in remote] == [outcome(r) for r in here]
    assert remote[0].result.status == 200 and remote[0].result.body == RSS
    assert remote[1].result.status == 304
    assert [type(r) for r in remote[2:5]] == [RetryLater, Gone, HTTPStatusError]
    assert remote[2].retry_after == "7" and remote[2].status == 503
    assert "no complete response within 1 s" in str(remote[5])
    assert "HTTP 200, an HTML page, not a feed" in str(remote[6])
    assert remote[7].result.moved_to == server.url("/ok.xml") and remote[7].result.body == RSS
    assert "connection refused" in str(remote[8])


def test_the_worker_reads_feeds_as_this_process_would_and_its_log_lines_come_here(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Two entries under one guid: told apart, with a warning logged by the parser.
    other = b"<item><guid>item-1</guid><title>Rail strike ends</title></item></channel>"
    twice = RSS.replace(b"</channel>", ITEM % 1).replace(b"</channel>", other)
    at = datetime(2025, 6, 18, 12, tzinfo=UTC)
    with running_server() as server:
        requests = [
            feed(server.route(path, body, etag='"e"'), read_as=ReadAs(name, path, at))
            for path, body, name in [
                ("/twice.xml", twice, "Twice"),
                ("/page.html", b"<!doctype html><p>x</p>", "Page"),
            ]
        ]
        requests.append(replace(requests[0], etag='"e"'))  # 304: nothing to read

        async def both() -> tuple[list[Fetched], list[Fetched]]:
            worker = await ready(FetchWorker(SETTINGS))
            local = Fetcher(SETTINGS)
            try:
                remote = [await worker.get(r) for r in requests]
                here = [await local.get(r) for r in requests]
            finally:
                await worker.aclose()
                await local.aclose()
            return remote, here

        with caplog.at_level(logging.WARNING):
            remote, here = asyncio.run(both())

    def seen(fetched: Fetched) -> tuple[Any, ...]:
        feed = fetched.feed
        return (fetched.result.status, fetched.result.body, str(feed) if feed else feed)

    assert [seen(f) for f in remote] == [seen(f) for f in here]
    twice_read, page, not_modified = remote
    assert isinstance(twice_read.feed, ParsedFeed) and not twice_read.result.body
    assert len({item.guid for item in twice_read.feed.items}) == 2
    assert twice_read.feed == here[0].feed
    assert isinstance(page.feed, ParseError) and "HTTP 200, an HTML page" in str(page.feed)
    assert not_modified.result.status == 304 and not_modified.feed is None
    shared = [r for r in caplog.records if "share a guid or link" in r.getMessage()]
    assert {r.process for r in shared} == {os.getpid(), remote_pid(shared)}


def remote_pid(records: list[logging.LogRecord]) -> int:
    """The one process id among these log records that is not this process's."""
    (pid,) = {r.process for r in records} - {os.getpid()}
    assert pid is not None
    return pid


def test_a_dead_worker_fails_what_it_held_and_the_next_start_replaces_it() -> None:
    with running_server() as server:
        slow = server.route("/slow.xml", RSS, delay=0.8)
        fast = server.route("/fast.xml", RSS)

        async def go() -> tuple[str, int, int | None, int | None]:
            worker = await ready(FetchWorker(SETTINGS))
            first_pid = worker.pid
            assert first_pid is not None
            held = asyncio.create_task(worker.get(feed(slow)))
            await asyncio.sleep(0.3)
            os.kill(first_pid, signal.SIGKILL)
            with pytest.raises(FetchError) as caught:
                await held
            assert not worker.ready
            with pytest.raises(FetchError, match="not running"):
                await worker.get(feed(fast))
            await ready(worker)
            try:
                result = await worker.get(feed(fast))
            finally:
                await worker.aclose()
            return str(caught.value), result.result.status, first_pid, worker.pid

        message, status, first_pid, after_close = asyncio.run(go())
    assert message == f"{server.url('/slow.xml')}: the fetch worker exited (code -9)"
    assert status == 200
    assert after_close is None  # closed: no process left behind


def test_a_large_cycle_fetches_in_the_worker_and_stores_each_item_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 feeds stand in for the hundreds that start a worker in real use: after 5
    # replies with bodies, 35 feeds are left to fetch.
    monkeypatch.setattr(monitor.poller, "WORKER_SAMPLE", 5)
    monkeypatch.setattr(monitor.poller, "WORKER_MIN_FEEDS", 30)
    monkeypatch.setattr(monitor.poller, "fetch_workers", lambda: 1)
    with running_server() as server:
        specs = []
        for n in range(40):
            body = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                f"<item><guid>grain-{n}</guid><title>Grain prices steady in port {n}</title>"
                f"<pubDate>Wed, 18 Jun 2025 06:{n:02d}:00 GMT</pubDate></item>"
                f"<item><guid>troops-{n}</guid><title>North Korea sends {1000 + n} troops to"
                f" Russia's Kursk region</title><description>Pyongyang and Moscow confirmed"
                f" the deployment of {1000 + n} soldiers.</description>"
                f"<pubDate>Wed, 18 Jun 2025 07:{n:02d}:00 GMT</pubDate></item>"
                "</channel></rss>"
            ).encode()
            url = server.route(f"/f{n}.xml", body, etag=f'"v{n}"', delay=0.15)
            specs.append(FeedSpec(url=url, name=f"Feed {n}"))
        config = replace(
            from_feeds(specs), poll=replace(PollConfig(), concurrency=4, per_host=4, jitter=0.0)
        )
        pipeline = Pipeline(Store.open(tmp_path / "state"), config)
        pipeline.store.sync_feeds(config.feeds)

        async def cycle_twice() -> tuple[Any, Any, int, int]:
            poller = Poller(pipeline)
            try:
                plan = pipeline.store.poll_plan(config.poll.failing_after)
                first = await poller.cycle(plan)
                in_first = sum(w.answered for w in poller.workers)
                second = await poller.cycle(pipeline.store.poll_plan(config.poll.failing_after))
            finally:
                await poller.close(timeout=0)
            return first, second, in_first, sum(w.answered for w in poller.workers) - in_first

        first, second, answered, in_second = asyncio.run(cycle_twice())

    assert not first.errors and first.items == 80
    assert first.skipped == 40 and first.kept == 40
    assert answered < 40  # the first cycle's first replies came before the worker started
    # With the worker up from the start, it fetched every feed of the second cycle
    # (this process read one in three: monitor.poller.READ_HERE).
    assert in_second == 40
    assert second.items == 0 and not second.errors
    feeds = pipeline.store.feeds(config.poll.failing_after)
    assert {f["items_seen"] for f in feeds} == {2}
    assert {f["last_status"] for f in feeds} == {304}
    # The items on topic were processed oldest first, whichever feed answered first.
    rows = [pipeline.store.item(item_id) for item_id in range(1, 81)]
    kept = [row["guid"] for row in rows if row is not None and row["status"] == "kept"]
    assert kept == [f"troops-{n}" for n in range(40)]


def test_closing_the_worker_still_delivers_what_it_held() -> None:
    body = RSS + b"<!--" + b"x" * 300_000 + b"-->"  # more than a pipe holds at once
    with running_server() as server:
        slow = server.route("/slow.xml", body, delay=0.5)

        async def go() -> tuple[int, bytes, int | None]:
            worker = await ready(FetchWorker(SETTINGS))
            held = asyncio.create_task(worker.get(feed(slow)))
            await asyncio.sleep(0.1)
            await worker.aclose()  # stdin closed while the fetch is under way
            result = (await held).result
            return result.status, result.body, worker.pid

        status, received, pid = asyncio.run(go())
    assert status == 200 and received == body and pid is None


def test_closing_mid_cycle_records_no_failure_for_unfinished_feeds(tmp_path: Path) -> None:
    with running_server() as server:
        fast = server.route("/fast.xml", RSS, etag='"f"')
        slow = server.route("/slow.xml", RSS, delay=5)
        specs = [FeedSpec(url=fast, name="Fast"), FeedSpec(url=slow, name="Slow")]
        config = replace(from_feeds(specs), poll=replace(PollConfig(), jitter=0.0))
        pipeline = Pipeline(Store.open(tmp_path / "state"), config)
        pipeline.store.sync_feeds(config.feeds)

        async def stop_mid_cycle() -> float:
            poller = Poller(pipeline)
            await poller.dispatch()  # the cycle runs as the daemon's would
            await asyncio.sleep(0.5)
            started = asyncio.get_running_loop().time()
            await poller.close(timeout=0.2)
            return asyncio.get_running_loop().time() - started

        took = asyncio.run(stop_mid_cycle())
    feeds = {f["name"]: f for f in pipeline.store.feeds(config.poll.failing_after)}
    assert took < 1.5
    assert feeds["Fast"]["last_status"] == 200 and feeds["Fast"]["failures"] == 0
    assert feeds["Slow"]["last_attempt"] is None and feeds["Slow"]["failures"] == 0
    assert feeds["Slow"]["last_error"] is None


def test_a_hung_worker_is_killed_and_its_requests_fail_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(monitor.feeds.fetcher, "WORKER_GRACE", 0.5)
    with running_server() as server:
        urls = [server.route(f"/f{n}.xml", RSS, delay=0.3) for n in range(3)]

        async def go() -> tuple[list[Any], float, bool]:
            worker = await ready(FetchWorker(SETTINGS))
            pid = worker.pid
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)  # alive, but answers nothing
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                results = await asyncio.gather(
                    *(worker.get(feed(url)) for url in urls), return_exceptions=True
                )
                await asyncio.sleep(0.1)  # the reader sees the killed worker exit
                still_ready = worker.ready
            finally:
                await worker.aclose(timeout=1)
            return results, loop.time() - started, still_ready

        results, took, still_ready = asyncio.run(go())
    assert all(isinstance(r, FetchError) for r in results)
    assert {str(r).split(": ", 1)[1] for r in results} <= {
        "the fetch worker did not answer",
        "the fetch worker exited (code -9)",
    }
    assert took < SETTINGS.timeout + 0.5 + 1.0  # one timeout, not one per request
    assert not still_ready


def test_a_worker_that_cannot_start_leaves_the_cycle_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(monitor.poller, "WORKER_SAMPLE", 1)
    monkeypatch.setattr(monitor.poller, "WORKER_MIN_FEEDS", 1)
    monkeypatch.setattr(monitor.poller, "fetch_workers", lambda: 1)
    monkeypatch.setattr(monitor.feeds.fetcher.sys, "executable", str(tmp_path / "no-python"))
    with running_server() as server:
        specs = [
            FeedSpec(
                url=server.route(f"/f{n}.xml", RSS.replace(b"</channel>", ITEM % n)), name=f"F{n}"
            )
            for n in range(3)
        ]
        config = replace(from_feeds(specs), poll=replace(PollConfig(), jitter=0.0))
        pipeline = Pipeline(Store.open(tmp_path / "state"), config)
        pipeline.store.sync_feeds(config.feeds)

        async def cycle() -> Any:
            poller = Poller(pipeline)
            try:
                return await poller.cycle(pipeline.store.poll_plan(config.poll.failing_after))
            finally:
                await poller.close(timeout=0)

        totals = asyncio.run(cycle())
    assert totals.items == 3 and not totals.errors
    assert "cannot start a fetch worker" in caplog.text


def test_workers_start_only_for_a_cycle_with_many_bodies_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(monitor.poller, "WORKER_SAMPLE", 4)
    monkeypatch.setattr(monitor.poller, "WORKER_MIN_FEEDS", 10)

    def decisions(feeds: int, bodies: list[bool]) -> list[bool]:
        trigger = monitor.poller._WorkerTrigger(feeds)
        return [trigger.reply(body) for body in bodies]

    # Half the sample has bodies and 10 feeds are left: start, once.
    assert decisions(14, [True, False, True, False, True, True]) == [False] * 3 + [
        True,
        False,
        False,
    ]
    # A cycle of 304s leaves this process nothing to do beside the HTTP: no workers.
    assert decisions(100, [False] * 3 + [True] * 20) == [False] * 23
    # Too few feeds left after the sample.
    assert not any(decisions(13, [True] * 13))


def test_one_worker_per_core_beyond_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    for cores, workers in ((1, 0), (2, 1), (4, 3), (16, monitor.poller.MAX_FETCH_WORKERS)):
        monkeypatch.setattr(os, "process_cpu_count", lambda cores=cores: cores, raising=False)
        assert monitor.poller.fetch_workers() == workers


def test_a_poller_without_workers_fetches_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor.poller, "WORKER_SAMPLE", 1)
    monkeypatch.setattr(monitor.poller, "WORKER_MIN_FEEDS", 1)
    monkeypatch.setattr(monitor.poller, "fetch_workers", lambda: 0)  # one core
    with running_server() as server:
        specs = [
            FeedSpec(
                url=server.route(f"/f{n}.xml", RSS.replace(b"</channel>", ITEM % n)), name=f"F{n}"
            )
            for n in range(3)
        ]
        config = replace(from_feeds(specs), poll=replace(PollConfig(), jitter=0.0))
        pipeline = Pipeline(Store.open(tmp_path / "state"), config)
        pipeline.store.sync_feeds(config.feeds)

        async def cycle() -> Any:
            poller = Poller(pipeline)
            try:
                assert poller.workers == []
                return await poller.cycle(pipeline.store.poll_plan(config.poll.failing_after))
            finally:
                await poller.close(timeout=0)

        totals = asyncio.run(cycle())
    assert totals.items == 3 and not totals.errors
