"""Conditional requests that cannot starve, and feed warnings (issue 14, item 5).

A Last-Modified that is implausible (before 1995, later than the response's Date,
unreadable) is neither stored nor sent back; after a day of 304s since the last 200 one
GET goes without validators; the feed's state and `monitor feeds` show both, and the
latest warnings of a fetch.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from feedserver import running_server
from sqlite_utils import Database

import monitor.feeds.parse
from monitor.cli import cli
from monitor.config import PollConfig, from_feeds
from monitor.feeds import schedule
from monitor.feeds.parse import ParsedFeed
from monitor.pipeline import Pipeline
from monitor.poller import poll_once
from monitor.store import DB_FILENAME, Store, migrate
from monitor.types import FeedSpec

T0 = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)
EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


def rss(*guids: str) -> bytes:
    items = "".join(
        f"<item><guid>{guid}</guid><title>Report {guid}</title>"
        f"<link>https://example.org/{guid}</link><description>Text of {guid}.</description>"
        f"<pubDate>Wed, 18 Jun 2025 0{n}:00:00 GMT</pubDate></item>"
        for n, guid in enumerate(guids)
    )
    channel = f"<channel><title>T</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


class Clock:
    """The pipeline's clock, moved by the test (no sleeping)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_pipeline(tmp_path: Path, url: str, clock: Callable[[], datetime]) -> Pipeline:
    config = replace(
        from_feeds([FeedSpec(url=url, name="Wire", interval=900)]),
        poll=replace(PollConfig(), jitter=0.0, min_interval=1, timeout=5.0),
    )
    return Pipeline(Store.open(tmp_path / "state"), config, clock=clock)


def feed_row(pipeline: Pipeline) -> dict[str, Any]:
    [row] = pipeline.store.feeds()
    return row


def stored(pipeline: Pipeline) -> list[tuple[str, str, str]]:
    """(title, published, url) of every stored item, oldest first."""
    rows = pipeline.store._db.query("SELECT title, published, url FROM items ORDER BY published")
    return [(row["title"], row["published"], row["url"]) for row in rows]


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("value", "date", "problem"),
    [
        ("Tue, 17 Jun 2025 08:00:00 GMT", "Wed, 18 Jun 2025 08:00:00 GMT", None),
        ("Wed, 18 Jun 2025 08:00:00 GMT", "Wed, 18 Jun 2025 08:00:00 GMT", None),  # equal
        ("Tue, 17 Jun 2025 08:00:00 GMT", None, None),  # no Date: only the floor applies
        (EPOCH, "Wed, 18 Jun 2025 08:00:00 GMT", "before 1995"),
        ("Sun, 06 Nov 1994 08:49:37 GMT", None, "before 1995"),
        (FUTURE, "Wed, 18 Jun 2025 08:00:00 GMT", "later than the response's Date"),
        ("yesterday", "Wed, 18 Jun 2025 08:00:00 GMT", "unreadable"),
        (None, None, None),
    ],
)
def test_last_modified_problem(value: str | None, date: str | None, problem: str | None) -> None:
    assert schedule.last_modified_problem(value, date) == problem


def test_recheck_is_due_after_a_day_of_304s_and_once_a_day() -> None:
    day = schedule.RECHECK_AFTER
    assert not schedule.recheck_due(0, T0 - 3 * day, None, T0)  # no 304 since the last 200
    assert not schedule.recheck_due(5, T0 - day / 2, None, T0)  # a run of half a day
    assert schedule.recheck_due(5, T0 - day, None, T0)
    assert schedule.recheck_due(1, None, None, T0)  # a run of unknown length
    assert not schedule.recheck_due(9, T0 - 3 * day, T0 - day / 2, T0)  # checked lately
    assert schedule.recheck_due(9, T0 - 3 * day, T0 - day, T0)


# --------------------------------------------------------------------------- the project's server


@pytest.mark.parametrize(
    ("last_modified", "reason"),
    [(FUTURE, "later than the response's Date"), (EPOCH, "before 1995")],
)
def test_an_implausible_last_modified_is_not_sent_back(
    tmp_path: Path, last_modified: str, reason: str
) -> None:
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"), last_modified=last_modified)
        pipeline = make_pipeline(tmp_path, url, Clock(T0))
        poll_once(pipeline)
        server.route("/feed.xml", rss("a2", "a1"), last_modified=last_modified)
        poll_once(pipeline)
        assert [request.headers.get("if-modified-since") for request in server.requests] == [
            None,
            None,
        ]
    row = feed_row(pipeline)
    assert pipeline.store.feed_state(url).last_modified is None
    assert row["last_modified_dropped"] == f"{last_modified} ({reason})"
    assert row["warning"] == f"Last-Modified {last_modified} ({reason}) not sent back"
    assert [title for title, _, _ in stored(pipeline)] == ["Report a1", "Report a2"]


def test_a_plausible_last_modified_is_sent_back_and_clears_the_note(tmp_path: Path) -> None:
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"), last_modified=EPOCH)
        pipeline = make_pipeline(tmp_path, url, Clock(T0))
        poll_once(pipeline)
        fine = "Tue, 17 Jun 2025 08:00:00 GMT"
        server.route("/feed.xml", rss("a1"), last_modified=fine)
        poll_once(pipeline)
        poll_once(pipeline)
        assert server.requests[-1].headers.get("if-modified-since") == fine
    row = feed_row(pipeline)
    assert (row["last_status"], row["last_modified_dropped"], row["warning"]) == (304, None, None)


def test_a_day_of_304s_gets_one_unconditional_get_whose_new_items_are_stored(
    tmp_path: Path,
) -> None:
    clock = Clock(T0)
    with running_server() as server:
        # The server keeps answering 304 to its one ETag while items are added: a lie.
        url = server.route("/feed.xml", rss("a1"), etag='"v1"')
        pipeline = make_pipeline(tmp_path, url, clock)
        poll_once(pipeline)
        server.route("/feed.xml", rss("a2", "a1"), etag='"v1"')
        hours = [1, 12, 23, 25, 26, 48]
        for hour in hours:
            clock.now = T0 + timedelta(hours=hour)
            poll_once(pipeline)
            if hour == 23:
                assert [title for title, _, _ in stored(pipeline)] == ["Report a1"]
                assert feed_row(pipeline)["not_modified_run"] == 3
        sent = [request.headers.get("if-none-match") for request in server.requests]
    # The first poll had no validator yet; only the poll after 25 h went without one.
    assert sent == [None, '"v1"', '"v1"', '"v1"', None, '"v1"', '"v1"']
    assert [title for title, _, _ in stored(pipeline)] == ["Report a1", "Report a2"]
    row = feed_row(pipeline)
    assert row["last_unconditional"] == (T0 + timedelta(hours=25)).isoformat()
    assert row["unconditional_new"] == 1
    assert row["last_full_fetch"] == (T0 + timedelta(hours=25)).isoformat()
    assert row["not_modified_run"] == 2  # at 26 h and 48 h
    assert row["items_seen"] == 2
    assert row["warning"] is None  # the last fetch (a 304) had nothing to say


def test_the_unconditional_get_notes_the_items_it_found(tmp_path: Path) -> None:
    clock = Clock(T0)
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"), etag='"v1"')
        pipeline = make_pipeline(tmp_path, url, clock)
        poll_once(pipeline)
        server.route("/feed.xml", rss("a3", "a2", "a1"), etag='"v1"')
        for hour in (6, 30):
            clock.now = T0 + timedelta(hours=hour)
            poll_once(pipeline)
    row = feed_row(pipeline)
    assert row["warning"] == (
        "a GET without validators after 30 h of 304s (1 in a row) found 2 new items"
    )
    assert row["unconditional_new"] == 2


# --------------------------------------------------------------------------- warnings


def test_parse_warnings_are_stored_and_cleared_by_a_fetch_without_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse = monitor.feeds.parse.parse_feed_document
    notes = [["3 items with unreadable dates, given the fetch time"], []]

    def parse_with_warnings(*args: Any, **kwargs: Any) -> ParsedFeed:
        return replace(parse(*args, **kwargs), warnings=notes.pop(0))

    monkeypatch.setattr(monitor.feeds.parse, "parse_feed_document", parse_with_warnings)
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"))
        pipeline = make_pipeline(tmp_path, url, Clock(T0))
        poll_once(pipeline)
        row = feed_row(pipeline)
        assert row["warning"] == "3 items with unreadable dates, given the fetch time"
        assert row["status"] == "ok"
        poll_once(pipeline)
    assert feed_row(pipeline)["warning"] is None


def test_a_failed_fetch_keeps_the_last_warning(store: Store) -> None:
    url = "https://a.example/rss"
    store.record_fetch(url, at=T0, ok=True, status=200, warning="odd dates")
    store.record_fetch(url, at=T0 + timedelta(hours=1), ok=False, error="HTTP 503")
    assert store.feeds()[0]["warning"] == "odd dates"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "state") as opened:
        yield opened


# --------------------------------------------------------------------------- monitor feeds


def test_monitor_feeds_shows_the_warning_and_the_304_run(tmp_path: Path) -> None:
    clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=30))
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"), etag='"v1"', last_modified=FUTURE)
        pipeline = make_pipeline(tmp_path, url, clock)
        poll_once(pipeline)
        clock.now += timedelta(hours=26)  # two 304s a day apart, then the check
        poll_once(pipeline)
        server.route("/feed.xml", rss("a2", "a1"), etag='"v1"', last_modified=FUTURE)
        clock.now += timedelta(hours=1)
        poll_once(pipeline)
    pipeline.store.close()
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds:\n  - {{url: '{url}', name: Wire}}\n")
    state = tmp_path / "state"
    runner = CliRunner(env={"COLUMNS": "400"})
    listed = runner.invoke(cli, ["--config", str(config), "--state", str(state), "feeds", "--json"])
    assert listed.exit_code == 0, listed.output
    [feed] = json.loads(listed.stdout)
    assert feed["last_modified_dropped"] == f"{FUTURE} (later than the response's Date)"
    assert feed["not_modified_run"] == 0 and feed["unconditional_new"] == 1
    assert feed["last_unconditional"] == feed["last_full_fetch"] == clock.now.isoformat()
    assert "after 27 h of 304s (1 in a row) found 1 new item" in feed["warning"]
    table = runner.invoke(cli, ["--config", str(config), "--state", str(state), "feeds"])
    assert table.exit_code == 0, table.output
    text = table.stdout
    assert "ok (warning)" in text
    assert "warning: Last-Modified Fri, 01 Jan 2100" in text
    assert "last GET without validators 3h ago: 1 new item" in text


def test_a_long_304_run_shows_in_the_table(tmp_path: Path) -> None:
    from rich.console import Console

    from monitor.ui.render import feeds_table

    now = datetime.now(UTC)
    feed = {
        "name": "Wire",
        "url": "u",
        "status": "ok",
        "not_modified_run": 96,
        "last_full_fetch": (now - timedelta(days=2)).isoformat(),
    }
    console = Console(width=200, record=True)
    console.print(feeds_table([feed], now=now))
    assert "304 × 96 since 2d ago" in console.export_text()


# --------------------------------------------------------------------------- upgrade in place


def test_a_schema_10_database_upgrades_and_rechecks_a_feed_that_answered_304(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    db = Database(state / DB_FILENAME)
    assert migrate(db, target=10) == 10
    for url, status in (("https://a.example/rss", 200), ("https://b.example/rss", 304)):
        db.execute(
            "INSERT INTO feeds (url, name, last_success, last_status, last_modified)"
            " VALUES (?, ?, ?, ?, ?)",
            [url, url, T0.isoformat(), status, EPOCH],
        )
    db.conn.commit()
    db.close()
    with Store.open(state) as upgraded:
        assert upgraded.schema_version() >= 11
        rows = {row["url"]: row for row in upgraded.feeds()}
        a, b = rows["https://a.example/rss"], rows["https://b.example/rss"]
        assert (a["last_full_fetch"], a["not_modified_run"]) == (T0.isoformat(), 0)
        assert (b["last_full_fetch"], b["not_modified_run"]) == (None, 1)
        assert a["warning"] is None and a["last_unconditional"] is None
        b_state = upgraded.feed_state("https://b.example/rss")
    assert schedule.recheck_due(
        b_state.not_modified_run, b_state.last_full_fetch, b_state.last_unconditional, T0
    )


def test_a_stored_implausible_last_modified_is_not_sent(tmp_path: Path) -> None:
    """A 1970 Last-Modified kept by an older version is not sent after the upgrade."""
    with running_server() as server:
        url = server.route("/feed.xml", rss("a1"), last_modified=EPOCH)
        pipeline = make_pipeline(tmp_path, url, Clock(T0))
        pipeline.store._db.execute(
            "INSERT INTO feeds (url, name, last_modified) VALUES (?, 'Old', ?)"
            " ON CONFLICT (url) DO UPDATE SET last_modified = excluded.last_modified",
            [url, EPOCH],
        )
        pipeline.store._db.conn.commit()
        assert pipeline.store.feed_state(url).last_modified == EPOCH
        poll_once(pipeline)
        assert "if-modified-since" not in server.requests[0].headers
    assert [title for title, _, _ in stored(pipeline)] == ["Report a1"]


# --------------------------------------------------------------------------- ../shared cases


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def case_server(shared_dir: Path) -> Iterator[Callable[[str], tuple[str, Callable[[], str]]]]:
    """Start ../shared/cases/feeds/server.py SCENARIO on a free port; yields its feed URL
    and a function returning what it logged so far (after it stopped)."""
    script = shared_dir / "cases" / "feeds" / "server.py"
    if not script.is_file():
        pytest.skip("../shared/cases/feeds/server.py is absent")
    started: list[subprocess.Popen[str]] = []

    def start(scenario: str) -> tuple[str, Callable[[], str]]:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, str(script), scenario, str(port), "10"],
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"{scenario} server did not start")
                time.sleep(0.05)

        def log() -> str:
            process.kill()
            return process.communicate(timeout=10)[1]

        return f"http://127.0.0.1:{port}/feed.xml", log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


HARBOUR = ("Harbour reopens after storm", "2025-06-16T08:00:00+00:00", "http://127.0.0.1/news/n-1")
RAIL = ("Rail line gets new timetable", "2025-06-17T08:00:00+00:00", "http://127.0.0.1/news/n-2")


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [("lm_epoch", "before 1995"), ("lm_future", "later than the response's Date")],
)
def test_a_server_with_a_stuck_last_modified_cannot_hide_new_items(
    tmp_path: Path,
    case_server: Callable[[str], tuple[str, Callable[[], str]]],
    scenario: str,
    reason: str,
) -> None:
    url, server_log = case_server(scenario)
    pipeline = make_pipeline(tmp_path, url, Clock(datetime.now(UTC)))
    poll_once(pipeline)
    assert stored(pipeline) == [HARBOUR]
    poll_once(pipeline)
    assert stored(pipeline) == [HARBOUR, RAIL]  # nothing lost, nothing twice
    row = feed_row(pipeline)
    assert (row["status"], row["items_seen"], row["last_status"]) == ("ok", 2, 200)
    assert row["last_modified_dropped"].endswith(f"({reason})")
    assert f"({reason}) not sent back" in row["warning"]
    assert pipeline.store.feed_state(url).last_modified is None
    requests = [line for line in server_log().splitlines() if " request " in line]
    assert len(requests) == 2 and all("IMS=None" in line for line in requests)
