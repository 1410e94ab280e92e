"""`monitor poll --once` end to end against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from feedserver import running_server, unused_url

from monitor.cli import cli
from monitor.config import PollConfig, from_feeds
from monitor.feeds.fetcher import HOSTS_PER_POOL, ClientPool
from monitor.pipeline import Pipeline
from monitor.poller import poll_once
from monitor.store import Store
from monitor.types import FeedSpec

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"


def invoke(config: Path, state: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--config", str(config), "--state", str(state), *args])
    return result


def test_poll_once_fetches_processes_and_reports_each_feed(tmp_path: Path) -> None:
    with running_server() as server:
        wire = server.route("/wire.xml", (SAMPLES / "north-wire.xml").read_bytes(), etag='"w1"')
        rhein = server.route("/rb.xml", (SAMPLES / "rheinblick.xml").read_bytes(), gzip=True)
        broken = server.route("/broken.xml", b"oops", status=500)
        slow = server.route("/slow.xml", b"<rss/>", delay=5)
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "poll: {timeout: 1}\n"
            "feeds:\n"
            f"  - {{url: '{wire}', name: North Wire}}\n"
            f"  - {{url: '{rhein}', name: Rheinblick}}\n"
            f"  - {{url: '{broken}', name: Broken}}\n"
            f"  - {{url: '{slow}', name: Slow}}\n"
            f"  - {{url: '{unused_url()}', name: Nobody}}\n"
        )
        state = tmp_path / "state"

        first = invoke(config, state, "poll", "--once")
        assert first.exit_code == 1, first.output  # some feeds failed (issue 15)
        assert "4 new items" in first.stderr and "3 errors" in first.stderr

        feeds = {f["name"]: f for f in json.loads(invoke(config, state, "feeds", "--json").stdout)}
        assert feeds["North Wire"]["status"] == "ok" and feeds["North Wire"]["items_seen"] == 2
        assert feeds["Rheinblick"]["items_seen"] == 2
        assert feeds["Broken"]["failures"] == 1 and "500" in feeds["Broken"]["last_error"]
        assert feeds["Slow"]["failures"] == 1 and "within 1 s" in feeds["Slow"]["last_error"]
        assert feeds["Nobody"]["failures"] == 1

        alerts = json.loads(invoke(config, state, "alerts", "--json").stdout)
        assert [a["claim"] for a in alerts] == ["troops"]

        # Second poll: the wire feed answers 304 to our ETag; nothing is processed twice.
        second = invoke(config, state, "poll", "--once")
        assert "0 new items" in second.stderr
        wire_requests = [r for r in server.requests if r.path == "/wire.xml"]
        assert wire_requests[-1].headers.get("if-none-match") == '"w1"'
        assert len(json.loads(invoke(config, state, "alerts", "--json").stdout)) == 1
        feeds = {f["name"]: f for f in json.loads(invoke(config, state, "feeds", "--json").stdout)}
        assert feeds["Broken"]["failures"] == 2
        assert feeds["North Wire"]["items_seen"] == 2


# --- politeness and faults, in process, against the real local server ----------------

NOW = datetime.now(UTC).replace(microsecond=0)
ARTICLE_PAGE = (
    "<html><head><title>Kursk</title><script>var tracking = 1;</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Deminers for Kursk"
    "</h1><p>Pyongyang will send 1,000 deminers and 5,000 military builders to the Kursk "
    "region, the Russian Security Council secretary said after his talks in the capital.</p>"
    "<p>The engineers are to clear mines left by the fighting, according to the statement, "
    "which gave no date for their arrival and did not say how long they would stay.</p>"
    "<p>Analysts in Seoul said the pledge deepened a military partnership that began with "
    "the dispatch of troops last year and has since grown to include artillery shells.</p>"
    "</article><footer>Copyright Example Wire. All rights reserved.</footer></body></html>"
)


def rss(*entries: tuple[str, str, str], extra: str = "") -> bytes:
    """An RSS feed of (guid, title, description) entries."""
    items = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://example.org/{guid}</link>"
        f"<description>{text}</description><pubDate>Wed, 18 Jun 2025 06:00:00 GMT</pubDate></item>"
        for guid, title, text in entries
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{extra}'
        f"{items}</channel></rss>"
    ).encode()


ONE = rss(("a1", "North Korea sends troops to Russia", "About 12,000 North Korean troops."))


def make_pipeline(tmp_path: Path, feeds: dict[str, str], **poll: Any) -> Pipeline:
    """A pipeline over a fresh store; ``feeds`` maps names to URLs; jitter 0 by default."""
    settings = {"jitter": 0.0, "min_interval": 1, "timeout": 2.0, **poll}
    config = replace(
        from_feeds(
            [
                FeedSpec(url=url, name=name, interval=poll.get("interval", 900))
                for name, url in feeds.items()
            ]
        ),
        poll=replace(PollConfig(), **settings),
    )
    store = Store.open(tmp_path / "state")
    return Pipeline(store, config, clock=lambda: NOW)


def feed_rows(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in pipeline.store.feeds(pipeline.config.poll.failing_after)}


def test_permanent_redirect_moves_the_feed_and_temporary_does_not(tmp_path: Path) -> None:
    with running_server() as server:
        new = server.route("/new.xml", ONE, etag='"n1"')
        old = server.redirect("/old.xml", new, status=301)
        temp = server.redirect("/temp.xml", new, status=307)
        pipeline = make_pipeline(tmp_path, {"Moved": old, "Temp": temp})
        poll_once(pipeline)
        rows = feed_rows(pipeline)
        assert rows["Moved"]["fetch_url"] == new and rows["Moved"]["moved_at"] == NOW.isoformat()
        assert rows["Temp"]["fetch_url"] == temp and rows["Temp"]["moved_at"] is None
        poll_once(pipeline)
        assert server.hits("/old.xml") == 1  # the second poll went straight to the new URL
        assert server.hits("/temp.xml") == 2
        assert server.requests[-1].headers.get("if-none-match") == '"n1"'
        assert pipeline.store.counts()["items"] == 2  # one per source, never twice
        table = render_feeds(pipeline)
        assert f"moved to {new}" in table


def render_feeds(pipeline: Pipeline) -> str:
    from rich.console import Console

    from monitor.ui.render import feeds_table

    console = Console(width=400, record=True)
    console.print(feeds_table(pipeline.store.feeds()))
    return console.export_text()


def test_gone_feed_is_disabled_until_forced(tmp_path: Path) -> None:
    with running_server() as server:
        gone = server.route("/gone.xml", b"", status=410)
        pipeline = make_pipeline(tmp_path, {"Gone": gone})
        first = poll_once(pipeline)
        row = feed_rows(pipeline)["Gone"]
        assert row["status"] == "gone" and row["next_poll"] is None
        assert "410" in row["last_error"] and "disabled" in row["last_error"]
        assert "disabled" in first.errors[0]
        second = poll_once(pipeline)
        assert server.hits("/gone.xml") == 1 and second.held_back == 1
        assert "1 feed held back" in second.summary()
        server.route("/gone.xml", ONE)  # it came back
        poll_once(pipeline, force=True)
        assert server.hits("/gone.xml") == 2
        assert feed_rows(pipeline)["Gone"]["status"] == "ok"


def test_retry_after_seconds_and_http_date_are_honoured(tmp_path: Path) -> None:
    later = NOW + timedelta(hours=2)
    with running_server() as server:
        busy = server.route("/busy.xml", b"", status=429, headers={"Retry-After": "120"})
        down = server.route(
            "/down.xml", b"", status=503, headers={"Retry-After": format_datetime(later, True)}
        )
        pipeline = make_pipeline(tmp_path, {"Busy": busy, "Down": down}, interval=60)
        poll_once(pipeline)
        rows = feed_rows(pipeline)
        assert rows["Busy"]["retry_after"] == (NOW + timedelta(seconds=120)).isoformat()
        assert rows["Busy"]["next_poll"] == rows["Busy"]["retry_after"]
        assert rows["Busy"]["last_status"] == 429
        assert rows["Down"]["retry_after"] == later.isoformat()
        assert "Retry-After" in rows["Down"]["last_error"]
        held = poll_once(pipeline)
        assert held.held_back == 2 and server.hits("/busy.xml") == 1
        poll_once(pipeline, force=True)
        assert server.hits("/busy.xml") == 2 and server.hits("/down.xml") == 2


def test_failures_back_off_exponentially_then_mark_the_feed_failing(tmp_path: Path) -> None:
    with running_server() as server:
        broken = server.route("/broken.xml", b"oops", status=500)
        fine = server.route("/fine.xml", ONE)
        pipeline = make_pipeline(
            tmp_path, {"Broken": broken, "Fine": fine}, interval=100, failing_after=3
        )
        pipeline.store.sync_feeds(pipeline.config.feeds)
        waits = []
        for _ in range(3):
            totals = poll_once(pipeline)
            row = feed_rows(pipeline)["Broken"]
            waits.append((datetime.fromisoformat(row["next_poll"]) - NOW).total_seconds())
        assert waits == [100, 200, 400]
        assert row["status"] == "failing" and row["failures"] == 3
        assert "3 failures in a row" in totals.errors[0]
        assert feed_rows(pipeline)["Fine"]["status"] == "ok"  # never held up by the other


def test_freshness_hints_raise_the_interval(tmp_path: Path) -> None:
    with running_server() as server:
        cached = server.route("/cached.xml", ONE, headers={"Cache-Control": "max-age=7200"})
        ttl = server.route("/ttl.xml", rss(extra="<ttl>180</ttl>"))
        plain = server.route("/plain.xml", ONE)
        pipeline = make_pipeline(
            tmp_path, {"Cached": cached, "Ttl": ttl, "Plain": plain}, max_interval=9000
        )
        poll_once(pipeline)
        rows = feed_rows(pipeline)
        due = {name: datetime.fromisoformat(row["next_poll"]) - NOW for name, row in rows.items()}
        assert due == {
            "Cached": timedelta(seconds=7200),
            "Ttl": timedelta(seconds=9000),  # 3 hours, clamped to max_interval
            "Plain": timedelta(seconds=900),
        }
        assert rows["Cached"]["effective_interval"] == 7200


def test_changed_entry_updates_the_stored_item_without_duplicate_or_alert(
    tmp_path: Path,
) -> None:
    with running_server() as server:
        url = server.route("/wire.xml", (SAMPLES / "north-wire.xml").read_bytes())
        pipeline = make_pipeline(tmp_path, {"North Wire": url})
        poll_once(pipeline)
        before = pipeline.store.counts()
        corrected = (
            (SAMPLES / "north-wire.xml")
            .read_text(encoding="utf-8")
            .replace("flights", "flights (corrected)")
        )
        server.route("/wire.xml", corrected)
        totals = poll_once(pipeline)
        assert totals.updated == 1 and totals.items == 0 and totals.alerts == 0
        assert pipeline.store.counts() == before
        titles = [s["title"] for s in pipeline.store.stories()]
        items = [i["title"] for s in pipeline.store.stories() for i in s["items"]]
        assert any("(corrected)" in title for title in items), (titles, items)
        again = poll_once(pipeline)
        assert again.updated == 0 and again.already_seen == 2


def test_fulltext_feed_gets_the_article_text(tmp_path: Path) -> None:
    with running_server() as server:
        page = server.route(
            "/article.html", ARTICLE_PAGE, headers={"Content-Type": "text/html; charset=utf-8"}
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            f"<item><guid>k1</guid><title>Deminers for Kursk</title><link>{page}</link>"
            "<description>North Korea pledges help in Russia.</description></item>"
            "</channel></rss>"
        )
        feed = server.route("/teaser.xml", body)
        # The article is on 127.0.0.1: a link from a feed reaches it only when admitted.
        pipeline = make_pipeline(tmp_path, {"Teaser": feed}, allow_private=("127.0.0.0/8",))
        config = replace(pipeline.config, feeds=(replace(pipeline.config.feeds[0], fulltext=True),))
        pipeline = replace(pipeline, config=config)
        poll_once(pipeline)
        stored = pipeline.store.stored_content("Teaser", "k1")
        assert stored is not None
        assert "1,000 deminers and 5,000 military builders" in stored[1]
        assert "tracking" not in stored[1] and "All rights reserved" not in stored[1]
        assert [r.headers["user-agent"] for r in server.requests if r.path == "/article.html"]
        poll_once(pipeline)  # a re-delivered entry does not fetch its page again
        assert server.hits("/article.html") == 1
        assert poll_once(pipeline).updated == 0


def test_per_host_and_global_concurrency_limits(tmp_path: Path) -> None:
    with running_server() as server:
        feeds = {f"F{n}": server.route(f"/f{n}.xml", ONE, delay=0.3) for n in range(6)}
        pipeline = make_pipeline(tmp_path, feeds, per_host=2, concurrency=10)
        started = time.monotonic()
        poll_once(pipeline)
        assert server.max_active == 2
        assert time.monotonic() - started >= 0.85  # three rounds of two
    with running_server() as server:
        feeds = {f"G{n}": server.route(f"/g{n}.xml", ONE, delay=0.3) for n in range(6)}
        pipeline = make_pipeline(tmp_path / "2", feeds, per_host=10, concurrency=3)
        poll_once(pipeline)
        assert server.max_active == 3


def test_web_pages_and_wrong_content_types_are_per_feed_errors(tmp_path: Path) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    with running_server() as server:
        page = server.route("/page", "<!DOCTYPE html><html><body>Hi</body></html>", headers=html)
        image = server.route("/img", b"\x89PNG....", headers={"Content-Type": "image/png"})
        mislabelled = server.route("/rss-as-html", ONE, headers=html)  # common, and fine
        pipeline = make_pipeline(
            tmp_path, {"Page": page, "Image": image, "Mislabelled": mislabelled}
        )
        totals = poll_once(pipeline)
        rows = feed_rows(pipeline)
        assert rows["Page"]["last_error"] == f"{page}: HTTP 200, an HTML page, not a feed"
        assert (
            rows["Image"]["last_error"]
            == f"{image}: HTTP 200, wrong content type image/png, not a feed"
        )
        assert rows["Mislabelled"]["status"] == "ok" and totals.items == 1


def test_poll_force_flag_on_the_command_line(tmp_path: Path) -> None:
    with running_server() as server:
        gone = server.route("/gone.xml", b"", status=410)
        config = tmp_path / "feeds.yaml"
        config.write_text(f"feeds:\n  - {{url: '{gone}', name: Gone}}\n")
        state = tmp_path / "state"
        invoke(config, state, "poll", "--once")
        held = invoke(config, state, "poll", "--once")
        assert "1 feed held back" in held.stderr and server.hits("/gone.xml") == 1
        assert "Gone: not polled: gone (HTTP 410)" in held.stderr
        forced = invoke(config, state, "poll", "--once", "--force")
        # The only feed failed again: exit 3 (issue 15).
        assert forced.exit_code == 3 and server.hits("/gone.xml") == 2


def test_each_host_keeps_its_pool_with_room_for_its_connections() -> None:
    pools = ClientPool(concurrency=3, per_host=2, timeout=5)  # at most 6 pools
    hosts = [f"http://10.0.0.{n}:8080" for n in range(10)]
    clients = [pools.for_url(f"{host}/feed.xml") for host in hosts]
    try:
        # The same host (any path, any case) always gets the same pool.
        assert pools.for_url("HTTP://10.0.0.3:8080/other.xml") is clients[3]
        # Hosts are paired into pools, each pool sized for both hosts' connections...
        assert len({id(client) for client in clients}) == 5
        per_pool = {id(c): sum(c is other for other in clients) for c in clients}
        assert set(per_pool.values()) == {HOSTS_PER_POOL}
        # ...until there are 6 pools (2 per fetch in flight); then the least loaded is shared.
        more = [pools.for_url(f"http://10.1.0.{n}/") for n in range(4)]
        assert len({id(client) for client in clients + more}) == 6
        limits = clients[0]._transport._pool._max_connections  # type: ignore[attr-defined]
        assert limits == HOSTS_PER_POOL * 2
    finally:
        asyncio.run(pools.aclose())
