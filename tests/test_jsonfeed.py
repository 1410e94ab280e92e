"""monitor.feeds.jsonfeed: JSON Feed 1.0 and 1.1 into feedparser-shaped entries, and into
the same Items as RSS and Atom through parse_feed_document; hostile documents."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.feeds import jsonfeed
from monitor.feeds.parse import parse_feed, parse_feed_document

FIXTURES = Path(__file__).parent / "fixtures" / "jsonfeed"
FEED_URL = "https://harbour.example/feed.json"
FETCHED = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
V11 = "https://jsonfeed.org/version/1.1"


def document(*items: Any, **top: Any) -> bytes:
    return json.dumps({"version": V11, "title": "T", **top, "items": list(items)}).encode()


def items_of(body: bytes, **options: Any) -> list[Any]:
    return parse_feed(body, source="Wire", feed_url=FEED_URL, fetched_at=FETCHED, **options)


def utc(struct: Any) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "", True),
        (b'\xef\xbb\xbf \n {"items": []}', "text/plain", True),
        (b'["a"]', "application/feed+json", True),
        (b'["a"]', "application/json; charset=utf-8", True),
        (b'["a"]', "application/activity+json", True),
        (b"<rss/>", "application/json", False),  # mislabelled XML goes to the XML parsers
        (b"", "application/feed+json", False),  # empty is said as empty, not as bad JSON
        (b"<rss/>", "", False),
        (b'["a"]', "application/xml", False),
    ],
)
def test_looks_like(body: bytes, content_type: str, expected: bool) -> None:
    assert jsonfeed.looks_like(body, content_type) is expected


# --- the mapping ------------------------------------------------------------------------


def test_version_1_1_entries_are_shaped_like_feedparser_entries() -> None:
    feed = jsonfeed.read((FIXTURES / "feed-1.1.json").read_bytes())
    assert feed.feed["title"] == "Harbour Wire" and feed.feed["language"] == "en-GB"
    first, second, third = feed.entries
    assert first["id"] == "hw-101"
    assert first["link"] == "https://harbour.example/news/ferry-timetable"
    assert first["title_detail"]["type"] == "text/plain"
    assert first["content"][0]["type"] == "text/html"
    assert first["summary"] == "New ferry times."
    assert utc(first["published_parsed"]) == datetime(2025, 6, 18, 7, 0, tzinfo=UTC)
    assert utc(first["updated_parsed"]) == datetime(2025, 6, 18, 8, 30, tzinfo=UTC)
    assert first["author"] == "Ana Silva"
    assert first["authors"][1] == {"name": "Jonas Berg", "href": "https://harbour.example/jb"}
    assert second["id"] == "102"  # a number is made a string
    assert "link" not in second  # relative: no link
    assert second["content"][0] == {
        "type": "text/plain",
        "language": "de-DE",
        "value": "The old bridge closes for 3 weeks.\nDiversions are signposted.",
    }
    assert second["authors"] == [{"name": "Harbour desk", "href": "https://harbour.example/desk"}]
    assert third["link"] == "https://elsewhere.example/tide-tables"  # external_url
    assert "published_parsed" not in third and "updated_parsed" in third


def test_version_1_0_single_author_and_missing_fields() -> None:
    feed = jsonfeed.read((FIXTURES / "feed-1.0.json").read_bytes())
    first, second = feed.entries
    assert first["author"] == "Mia Chen"
    assert utc(first["published_parsed"]) == datetime(2025, 6, 17, 12, 0, tzinfo=UTC)
    assert second["author"] == "Rail desk"  # the feed's author stands in
    assert "title" not in second and "link" not in second


def test_items_like_rss_items() -> None:
    wire = items_of((FIXTURES / "feed-1.1.json").read_bytes())
    assert [(i.guid, i.title, i.url, i.published, i.lang) for i in wire] == [
        (
            "hw-101",
            "Ferry timetable changes in July",
            "https://harbour.example/news/ferry-timetable",
            datetime(2025, 6, 18, 7, 0, tzinfo=UTC),
            "en",
        ),
        ("102", "Bridge closed for repairs", None, datetime(2025, 6, 17, 6, 15, tzinfo=UTC), "de"),
        (
            "hw-103",
            "Tide tables for the summer",
            "https://elsewhere.example/tide-tables",
            datetime(2025, 6, 16, 8, 0, tzinfo=UTC),
            "en",
        ),
    ]
    # HTML content becomes text, one line per block; it is longer than the summary.
    assert wire[0].text == "Ferries leave at 7 and 19 from July.\nTwo crossings are cancelled."
    assert wire[1].text == "The old bridge closes for 3 weeks.\nDiversions are signposted."
    assert wire[2].text == "High water at 6 and 18."


def test_the_same_items_as_the_same_feed_in_rss() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        b"<guid isPermaLink='false'>a-1</guid><title>Harbour reopens</title>"
        b"<link>https://harbour.example/a-1</link><description>The harbour reopened.</description>"
        b"<pubDate>Mon, 16 Jun 2025 08:00:00 +0000</pubDate></item></channel></rss>"
    )
    json_body = document(
        {
            "id": "a-1",
            "title": "Harbour reopens",
            "url": "https://harbour.example/a-1",
            "content_text": "The harbour reopened.",
            "date_published": "2025-06-16T08:00:00Z",
        }
    )
    assert items_of(json_body) == items_of(rss)


def test_feed_language_and_the_configured_one() -> None:
    body = document({"id": "1", "title": "Hallo", "content_text": "Text"}, language="de")
    assert items_of(body, lang="en")[0].lang == "de"
    assert items_of(document({"id": "1", "content_text": "x"}), lang="fr")[0].lang == "fr"


def test_guid_falls_back_to_the_link_then_to_a_hash() -> None:
    by_link, by_hash = items_of(
        document(
            {"url": "https://harbour.example/x?utm_source=feed", "title": "X"},
            {"title": "No id, no link", "content_text": "body"},
        )
    )
    assert by_link.guid == "https://harbour.example/x"
    assert len(by_hash.guid) == 40


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-18T09:00:00+02:00", datetime(2025, 6, 18, 7, 0, tzinfo=UTC)),
        ("2025-06-18T09:00:00.123456Z", datetime(2025, 6, 18, 9, 0, tzinfo=UTC)),
        ("2025-06-18t09:00:00z", datetime(2025, 6, 18, 9, 0, tzinfo=UTC)),
        ("2025-06-18 09:00:00-0130", datetime(2025, 6, 18, 10, 30, tzinfo=UTC)),
        ("2025-06-18T09:00", datetime(2025, 6, 18, 9, 0, tzinfo=UTC)),  # no offset: UTC
        ("2025-06-18", datetime(2025, 6, 18, 0, 0, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("2025-13-01T00:00:00Z", None),
        ("2025-06-18T09:00:00+25:00", None),
        ("0001-01-01T00:00:00+01:00", None),
        ("Mon, 16 Jun 2025 08:00:00 +0000", None),
        ("yesterday", None),
    ],
)
def test_rfc3339(value: str, expected: datetime | None) -> None:
    parsed = jsonfeed.rfc3339(value)
    assert (utc(parsed) if parsed else None) == expected


def test_an_unreadable_date_leaves_the_fetch_time() -> None:
    (item,) = items_of(document({"id": "1", "title": "t", "date_published": "soon"}))
    assert item.published == FETCHED


# --- hostile and wrong documents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"title": "no version"}', 'JSON that is not a feed: no "version" naming jsonfeed.org'),
        (b'{"version": "1.1", "items": []}', 'JSON that is not a feed: no "version" naming'),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "JSON that is not a feed: ",
        ),
        (b'{"a": "\xff\xfe broken utf-8"}', "JSON that is not a feed: not valid JSON"),
        (b'{"n": 1' + b"1" * 5000 + b"}", "JSON that is not a feed: not valid JSON"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "JSON that is not a feed: nested too deeply"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": '
            + b"[" * 1_000_000
            + b"]" * 1_000_000
            + b"}",
            "JSON that is not a feed: nested too deeply",
        ),
        (b'["https://jsonfeed.org/version/1.1"]', "JSON that is not a feed: not an object"),
    ],
)
def test_not_a_json_feed_is_one_line(body: bytes, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        items_of(body, headers={"content-type": "application/feed+json"})
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_wrong_types_are_ignored_per_item() -> None:
    body = document(
        "not an object",
        None,
        [1, 2],
        {
            "id": True,
            "url": ["https://x.example/"],
            "external_url": "javascript:alert(1)",
            "title": {"text": "no"},
            "content_html": 42,
            "content_text": "Only this is text.",
            "summary": None,
            "date_published": 20250618,
            "date_modified": "2025-06-18T09:00:00Z",
            "authors": "Ana",
            "author": ["Bo"],
            "language": 7,
            "_custom": {"deep": [[[[[[{"x": 1}]]]]]]},
        },
        {"id": "ok", "url": "ftp://files.example/a", "title": "Second"},
        {"id": "ok2", "url": "http://[::1", "title": "Bad URL"},
        authors=[{"name": 5}, "x", {"url": "https://desk.example/"}],
        language=["en"],
    )
    first, second, third = items_of(body)
    # A title that is no string is ignored; the item takes its opening as its title.
    assert first.title == "Only this is text" and first.text == "Only this is text."
    assert first.url is None
    assert first.published == datetime(2025, 6, 18, 9, 0, tzinfo=UTC)
    assert first.guid  # a hash of title and text: no id, no link
    assert (second.guid, second.url) == ("ok", None)
    assert (third.guid, third.url) == ("ok2", None)
    entries = jsonfeed.read(body).entries
    assert entries[0]["authors"] == [
        {"name": "https://desk.example/", "href": "https://desk.example/"}
    ]


def test_items_that_are_not_a_list_make_an_empty_feed() -> None:
    body = json.dumps({"version": V11, "items": {"id": "1"}}).encode()
    assert items_of(body) == []
    assert items_of(json.dumps({"version": V11}).encode()) == []


def test_control_characters_do_not_reach_the_items() -> None:
    body = document({"id": "a\x1b[31m", "title": "Red\x1b[2J alert\x07", "content_text": "x\x00y"})
    (item,) = items_of(body)
    assert "\x1b" not in item.title + item.guid + item.text and "\x07" not in item.title


def test_parse_feed_document_has_no_refresh_hints_for_json() -> None:
    parsed = parse_feed_document(
        (FIXTURES / "feed-1.0.json").read_bytes(),
        source="Rail",
        feed_url="https://rail.example/feed.json",
        fetched_at=FETCHED,
    )
    assert len(parsed.items) == 2 and parsed.ttl is None and parsed.update_period is None
