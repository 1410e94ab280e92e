"""Entry identity (issue 14): keys a feed repeats or changes, links that are not links,
entries without titles. Each case is polled twice against a real server on 127.0.0.1
(tests/feedserver.py, or ../shared/cases/feeds/server.py) into a real SQLite file:
nothing lost, nothing twice, never a reprint of itself."""

from __future__ import annotations

import contextlib
import logging
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedserver import running_server

from monitor.config import PollConfig, from_feeds
from monitor.feeds.parse import parse_feed_document
from monitor.pipeline import Pipeline, Totals
from monitor.poller import poll_once
from monitor.store import DB_FILENAME, Store
from monitor.stories.identity import near_identical, same_item
from monitor.text import composite_key, is_web_url, keyed_by_link, title_from_text
from monitor.types import FeedSpec, Item, StoredEntry

NOW = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)
JUNE_18 = datetime(2025, 6, 18, 6, 0, tzinfo=UTC)

# --- helpers ---------------------------------------------------------------------------


def make_pipeline(tmp_path: Path, feeds: dict[str, str]) -> Pipeline:
    config = replace(
        from_feeds([FeedSpec(url=url, name=name) for name, url in feeds.items()]),
        poll=replace(PollConfig(), jitter=0.0, min_interval=1, timeout=5.0),
    )
    return Pipeline(Store.open(tmp_path / "state"), config, clock=lambda: NOW)


def stored_items(pipeline: Pipeline) -> list[dict[str, Any]]:
    """Every stored item (kept or skipped), oldest first, from the database file itself."""
    with contextlib.closing(sqlite3.connect(pipeline.store.path)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT id, source, guid, title, url, published, status, story_id, duplicate_of"
            " FROM items ORDER BY published, id"
        ).fetchall()
    return [dict(row) for row in rows]


def rss(entries: str, title: str = "Wire") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://wire.example/</link><description>d</description>{entries}"
        "</channel></rss>"
    ).encode()


def entry(
    title: str,
    text: str,
    *,
    link: str | None = None,
    guid: str | None = None,
    date: str = "Wed, 18 Jun 2025 06:00:00 GMT",
) -> str:
    parts = [f"<title>{title}</title>" if title else ""]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    parts.append(f"<description>{text}</description><pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


def twice(pipeline: Pipeline) -> tuple[Totals, list[dict[str, Any]], Totals, list[dict[str, Any]]]:
    first = poll_once(pipeline)
    after_first = stored_items(pipeline)
    second = poll_once(pipeline)
    return first, after_first, second, stored_items(pipeline)


# --- pure parts: titles, keys, links ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Ferry service to the islands resumes on Monday after the storm.",
            "Ferry service to the islands resumes on Monday after the storm",
        ),
        ("The U.S. Army closed 3.5 km of road. More later.", "The U.S. Army closed 3.5 km of road"),
        ("Is the strike over? Nobody knows yet.", "Is the strike over?"),
        ("Сегодня в Москве прошёл дождь. Завтра будет солнце.", "Сегодня в Москве прошёл дождь"),
        ("First line\nSecond line", "First line"),
        (
            "The museum opens a new wing with 300 paintings, a café, two gardens and a library"
            " for children on Sunday",
            "The museum opens a new wing with 300 paintings, a café, two gardens and a…",
        ),
        ("", ""),
    ],
)
def test_a_title_is_made_from_the_start_of_the_text(text: str, title: str) -> None:
    assert title_from_text(text) == title
    assert len(title_from_text(text)) <= 80


def test_composite_keys_are_stable_distinct_and_known_as_link_keys() -> None:
    a = composite_key("https://prints.example", "Fox in the snow", "2025-06-20T22:00:00+00:00")
    b = composite_key("https://prints.example", "Paper boats", "2025-06-20T22:00:00+00:00")
    assert a != b
    assert a == composite_key(
        "https://PRINTS.example/", "Fox in the snow", "2025-06-20T22:00:00+00:00"
    )
    assert keyed_by_link(a, "https://prints.example")
    assert keyed_by_link("https://prints.example/a", "https://prints.example/a?utm_source=x")
    assert not keyed_by_link("urn:x:1", "https://prints.example/a")
    assert not keyed_by_link("https://prints.example/a", None)


def test_only_absolute_http_urls_are_links() -> None:
    assert is_web_url("https://wire.example/a?b=1") and is_web_url("http://127.0.0.1:8080/x")
    for value in ("ferry notice 4711", "tag:wire.example,2025:4712", "/news/1", "urn:x:1", ""):
        assert not is_web_url(value)


# --- pure parts: is an entry a stored item under another key? -------------------------

ARTICLE = (
    "North Korea has sent about 12,000 soldiers to the Kursk region of Russia, the defence"
    " ministry in Seoul said on Wednesday, citing intelligence gathered over several weeks."
)


def new(guid: str, title: str, text: str, url: str | None, published: datetime = JUNE_18) -> Item:
    return Item("Wire", guid, title, text, url, published)


def old(
    guid: str, title: str, text: str, url: str | None, published: datetime = JUNE_18
) -> StoredEntry:
    return StoredEntry("Wire", guid, title, text, url, published)


def test_a_link_that_only_gained_a_token_is_the_stored_item() -> None:
    stored = old(
        "https://wire.example/a?sid=1", "Kursk", "Short text.", "https://wire.example/a?sid=1"
    )
    item = new(
        "https://wire.example/a?sid=2", "Kursk", "Other text.", "https://wire.example/a?sid=2"
    )
    assert same_item(item, [stored]) == (stored, "link")
    # another path, another date, another title and text, or a guid of its own: new
    assert same_item(replace(item, url="https://wire.example/b?sid=2"), [stored]) is None
    assert same_item(replace(item, published=JUNE_18 + timedelta(hours=1)), [stored]) is None
    assert same_item(replace(item, title="Sumy"), [stored]) is None
    assert same_item(replace(item, guid="wire-4711"), [stored]) is None


def test_an_edited_headline_and_slug_is_the_stored_item() -> None:
    stored = old("wire/troops-kursk", "Troops in Kursk", ARTICLE, "https://wire.example/troops")
    edited = ARTICLE.replace("12,000", "11,000")
    item = new("wire/11000-troops", "11,000 troops in Kursk", edited, "https://wire.example/11000")
    assert near_identical(edited, ARTICLE)
    assert same_item(item, [stored]) == (stored, "edit")
    assert same_item(replace(item, published=JUNE_18 + timedelta(days=1)), [stored]) is None
    # two short posts that share their wording are not one
    assert not near_identical(
        "A blue print of a lighthouse, available today only.",
        "An orange fox on white, available today only.",
    )
    assert not near_identical("", "")


# --- parsing: keys a document repeats, guids that are not links, relative links ------


def test_a_repeated_key_is_replaced_by_link_title_and_date_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = rss(
        entry("Version 3.2", "Offline mode.", link="https://b.example/3-2", guid="p=0")
        + entry("Version 3.1", "Faster search.", link="https://b.example/3-1", guid="p=0")
        + entry("Version 3.0", "New editor.", link="https://b.example/3-0", guid="p=0")
        + entry("Version 2.9", "Dark theme.", link="https://b.example/2-9", guid="p=29")
    )
    with caplog.at_level(logging.WARNING, logger="monitor.feeds.parse"):
        for fast in (True, False):
            items = parse_feed_document(
                body, source="Board Notes", feed_url=None, fetched_at=NOW, use_fast_path=fast
            ).items
            assert len({item.guid for item in items}) == 4
            assert items[3].guid == "p=29"  # a key of its own is kept
            assert items[0].guid.startswith("https://b.example/3-2#~")
    messages = [r.getMessage() for r in caplog.records]
    assert (
        messages
        == [
            "Board Notes: 3 entries share a guid or link with another entry of the feed;"
            " they are told apart by link, title and date"
        ]
        * 2
    )  # once per document read


def test_a_guid_that_is_not_a_url_is_no_link() -> None:
    body = rss(
        "<item><title>Ferry</title><guid>ferry notice 4711</guid><description>d</description>"
        "</item><item><title>Bridge</title><guid>tag:wire.example,2025:4712</guid>"
        "<description>d</description></item><item><title>Harbour</title>"
        "<guid>https://wire.example/harbour</guid><description>d</description></item>"
    )
    for fast in (True, False):
        items = parse_feed_document(
            body, source="Id", feed_url="https://wire.example/feed.xml", fetched_at=NOW,
            use_fast_path=fast,
        ).items  # fmt: skip
        assert [(i.guid, i.url) for i in items] == [
            ("ferry notice 4711", None),
            ("tag:wire.example,2025:4712", None),
            ("https://wire.example/harbour", "https://wire.example/harbour"),
        ]


RELATIVE_ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
    b' xml:base="/ongoing/"><title>Ongoing</title><id>urn:x:ongoing</id>'
    b"<updated>2025-06-18T10:00:00Z</updated>"
    b"<entry xml:base='When/2025/06/18/'><title>Tide tables</title>"
    b"<link href='Tide-Tables'/><id>urn:x:tide</id><updated>2025-06-18T10:00:00Z</updated>"
    b"<summary>High water at 6 and 18.</summary></entry>"
    b"<entry><title>Host page</title><link href='/pages/relative'/><id>urn:x:rel</id>"
    b"<updated>2025-06-18T09:00:00Z</updated><summary>A page.</summary></entry></feed>"
)


# --- end to end: the shared cases, against a real server, polled twice ----------------


def test_case_dup_guid_gives_three_items(tmp_path: Path, shared_dir: Path) -> None:
    body = (shared_dir / "cases" / "feeds" / "dup-guid.rss").read_bytes()
    with running_server() as server:
        pipeline = make_pipeline(tmp_path, {"Board Notes": server.route("/notes.rss", body)})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 3 and second.items == 0 and second.already_seen == 3
    assert second.updated == 0  # the stored rows no longer flip between articles
    assert after_first == after_second
    assert [(i["title"], i["url"], i["published"][:10]) for i in after_second] == [
        ("Version 3.0 redesigns the editor", "https://boards.example/notes/3-0", "2025-06-02"),
        ("Version 3.1 speeds up search", "https://boards.example/notes/3-1", "2025-06-10"),
        ("Version 3.2 adds offline mode", "https://boards.example/notes/3-2", "2025-06-18"),
    ]
    assert len({i["guid"] for i in after_second}) == 3


def test_case_same_link_no_guid_gives_three_items(tmp_path: Path, shared_dir: Path) -> None:
    body = (shared_dir / "cases" / "feeds" / "same-link-no-guid.rss").read_bytes()
    with running_server() as server:
        pipeline = make_pipeline(tmp_path, {"Daily Prints": server.route("/prints.rss", body)})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 3 and second.items == 0 and second.already_seen == 3
    assert after_first == after_second
    assert sorted(i["title"] for i in after_second) == [
        "Fox in the snow",
        "Lighthouse at dusk",
        "Paper boats",
    ]
    assert {i["url"] for i in after_second} == {"https://prints.example"}
    assert {i["published"] for i in after_second} == {"2025-06-20T22:00:00+00:00"}


def test_case_titleless_items_get_titles(tmp_path: Path, shared_dir: Path) -> None:
    body = (shared_dir / "cases" / "feeds" / "titleless.rss").read_bytes()
    with running_server() as server:
        pipeline = make_pipeline(tmp_path, {"Short posts": server.route("/posts.rss", body)})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 2 and second.items == 0 and second.already_seen == 2
    assert after_first == after_second
    assert [(i["title"], i["url"]) for i in after_second] == [
        (
            "Ferry service to the islands resumes on Monday after the storm",
            "https://social.example/@desk/114000000000000001",
        ),
        (
            "The museum opens a new wing with 300 paintings",
            "https://social.example/@desk/114000000000000002",
        ),
    ]


@contextlib.contextmanager
def shared_server(shared_dir: Path, scenario: str, requests: int) -> Iterator[str]:
    """../shared/cases/feeds/server.py serving ``scenario`` on a free port; its feed URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = shared_dir / "cases" / "feeds" / "server.py"
    proc = subprocess.Popen(
        [sys.executable, str(script), scenario, str(port), str(requests)],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"server.py {scenario} did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/feed.xml"
    finally:
        proc.kill()
        proc.wait(timeout=5)


def test_case_guid_not_url_makes_no_links(tmp_path: Path, shared_dir: Path) -> None:
    with shared_server(shared_dir, "guid_not_url", requests=2) as url:
        pipeline = make_pipeline(tmp_path, {"Id wire": url})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 2 and second.items == 0 and second.already_seen == 2
    assert after_first == after_second
    assert [(i["title"], i["guid"], i["url"], i["published"]) for i in after_second] == [
        ("Ferry timetable changes", "ferry notice 4711", None, "2025-06-18T09:00:00+00:00"),
        (
            "Bridge closed for repairs",
            "tag:wire.example,2025:4712",
            None,
            "2025-06-18T10:00:00+00:00",
        ),
    ]


def test_case_xml_base_resolves_links(tmp_path: Path, shared_dir: Path) -> None:
    with shared_server(shared_dir, "xml_base", requests=2) as url:
        pipeline = make_pipeline(tmp_path, {"Ongoing": url})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 2 and second.already_seen == 2 and after_first == after_second
    assert [(i["title"], i["url"]) for i in after_second] == [
        ("Relative to the feed", "http://127.0.0.1/pages/relative"),
        ("Tide tables", "http://127.0.0.1/ongoing/When/2025/06/18/Tide-Tables"),
    ]


# --- end to end: the families, with our own feeds ---------------------------------------


def test_relative_links_resolve_against_xml_base_and_the_feed_url(tmp_path: Path) -> None:
    with running_server() as server:
        atom = server.route("/feeds/ongoing.atom", RELATIVE_ATOM)
        plain = server.route(
            "/feeds/plain.rss", rss(entry("Relative", "A page.", link="../news/1", guid="r-1"))
        )
        pipeline = make_pipeline(tmp_path, {"Ongoing": atom, "Plain": plain})
        first, after_first, second, after_second = twice(pipeline)
    assert first.items == 3 and second.already_seen == 3 and after_first == after_second
    assert {i["title"]: i["url"] for i in after_second} == {
        "Tide tables": server.url("/ongoing/When/2025/06/18/Tide-Tables"),
        "Host page": server.url("/pages/relative"),
        "Relative": server.url("/news/1"),
    }


def test_a_fresh_token_in_the_link_on_every_request_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    def feed(token: str) -> bytes:
        return rss(
            entry(
                "Harbour reopens", "The harbour reopened.", link=f"https://w.example/h?sid={token}"
            )
            + entry(
                "Rail timetable", "Trains every 20 minutes.", link=f"https://w.example/r#{token}"
            )
            # three entries on one link (and one token): known by link, title and date
            + "".join(
                entry(title, f"{title}, today only.", link=f"https://w.example/?utm={token}")
                for title in ("Lighthouse", "Fox", "Boats")
            )
        )

    with running_server() as server:
        url = server.route("/tokens.rss", feed("a1"))
        pipeline = make_pipeline(tmp_path, {"Tokens": url})
        first = poll_once(pipeline)
        before = stored_items(pipeline)
        for token in ("b2", "c3"):
            server.route("/tokens.rss", feed(token))
            again = poll_once(pipeline)
            assert again.items == 0 and again.already_seen == 5 and again.updated == 0
    assert first.items == 5
    assert stored_items(pipeline) == before  # the first links stand; no row added


def test_a_headline_edit_that_changes_link_and_guid_is_updated_in_place(tmp_path: Path) -> None:
    slug = "https://wire.example/2025/06/18/north-korean-troops-in-kursk"
    edited_slug = "https://wire.example/2025/06/18/11000-north-korean-troops-in-kursk"
    with running_server() as server:
        url = server.route(
            "/wire.rss", rss(entry("North Korean troops in Kursk", ARTICLE, link=slug, guid=slug))
        )
        pipeline = make_pipeline(tmp_path, {"Wire": url})
        first = poll_once(pipeline)
        [before] = stored_items(pipeline)
        edited = ARTICLE.replace("12,000", "11,000")
        title = "11,000 North Korean troops in Kursk"
        server.route("/wire.rss", rss(entry(title, edited, link=edited_slug, guid=edited_slug)))
        second = poll_once(pipeline)
        third = poll_once(pipeline)
    assert first.items == 1 and first.kept == 1
    assert second.items == 0 and second.updated == 1 and second.duplicates == 0
    assert third.items == 0 and third.already_seen == 1 and third.updated == 0
    [after] = stored_items(pipeline)
    assert after["id"] == before["id"] and after["guid"] == slug  # the same row
    assert (after["title"], after["url"]) == (title, edited_slug)
    assert after["duplicate_of"] is None and after["story_id"] == before["story_id"]
    # its figures were read again, as for any corrected article
    figures = {(f["low"], f["superseded"] is None) for f in pipeline.store.figures()}
    assert (11000, True) in figures and (12000, False) in figures
    assert (12000, True) not in figures


def test_a_second_entry_beside_its_near_copy_is_a_new_item_not_an_edit(tmp_path: Path) -> None:
    first_entry = entry("Troops in Kursk", ARTICLE, link="https://w.example/a", guid="a")
    second_entry = entry("Troops in Kursk (video)", ARTICLE, link="https://w.example/b", guid="b")
    with running_server() as server:
        url = server.route("/wire.rss", rss(first_entry))
        pipeline = make_pipeline(tmp_path, {"Wire": url})
        poll_once(pipeline)
        server.route("/wire.rss", rss(second_entry + first_entry))
        second = poll_once(pipeline)
        third = poll_once(pipeline)
    assert second.items == 1 and second.duplicates == 0 and third.already_seen == 2
    items = stored_items(pipeline)
    assert [i["guid"] for i in items] == ["a", "b"]
    assert items[1]["duplicate_of"] is None  # its own outlet's copy: never a reprint
    assert items[0]["story_id"] == items[1]["story_id"]


def test_an_item_without_a_title_makes_a_story_with_one(tmp_path: Path) -> None:
    text = "North Korean troops arrived in the Kursk region of Russia, officials said."
    with running_server() as server:
        url = server.route("/posts.rss", rss(entry("", text, link="https://w.example/p/1")))
        pipeline = make_pipeline(tmp_path, {"Posts": url})
        first, _, second, _ = twice(pipeline)
    assert first.kept == 1 and second.already_seen == 1
    [story] = pipeline.store.stories()
    title = "North Korean troops arrived in the Kursk region of Russia, officials said"
    assert story["title"] == title and story["items"][0]["title"] == title


def test_the_identity_lookup_uses_its_index(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / DB_FILENAME)) as db:
        plan = " ".join(
            str(row)
            for row in db.execute(
                "EXPLAIN QUERY PLAN SELECT guid FROM items"
                " WHERE source = ? AND published IN (?, ?)",
                ["Wire", "a", "b"],
            )
        )
    assert "items_source_published" in plan
