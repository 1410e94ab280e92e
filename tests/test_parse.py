"""parse_feed, html_to_text and parse_text_file on small hand-written inputs,
plus a never-crash pass over feedparser's own test corpus."""

from __future__ import annotations

import hashlib
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from monitor.errors import ParseError
from monitor.feeds import fastparse, htmltext
from monitor.feeds.parse import (
    ParsedFeed,
    article_text,
    html_to_text,
    parse_feed,
    parse_feed_document,
    parse_text_file,
    with_origin,
)
from monitor.text import clean_text
from monitor.types import FetchResult, Item

FETCHED = datetime(2024, 11, 20, 8, 30, tzinfo=UTC)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Beispiel Nachrichten</title>
  <link>https://news.example.de/</link>
  <language>de-DE</language>
  <item>
    <title>Pjöngjang schickt weitere Pioniere nach Kursk</title>
    <link>https://news.example.de/artikel/42?utm_source=rss&amp;utm_medium=feed&amp;id=7#top</link>
    <guid isPermaLink="false">news-example-42</guid>
    <pubDate>Tue, 19 Nov 2024 14:05:00 +0100</pubDate>
    <description>Kurzfassung</description>
    <content:encoded><![CDATA[<p>Laut Geheimdienst sind es rund 1.000 Pioniere
&amp; 5.000 Bauarbeiter.</p><script>alert("no")</script>
<p>Zweiter&nbsp;Absatz &ndash; mit Entit&auml;ten.</p>]]></content:encoded>
  </item>
  <item>
    <title>Ohne Datum und ohne guid</title>
    <link>https://news.example.de/artikel/43?utm_campaign=x&amp;fbclid=abc</link>
    <description>Nur ein Satz.</description>
  </item>
</channel>
</rss>
""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <title>Example Wire</title>
  <id>urn:example:wire</id>
  <updated>2024-11-19T10:00:00Z</updated>
  <entry>
    <title type="html">Seoul says &lt;b&gt;3,000&lt;/b&gt; more soldiers deployed</title>
    <id>urn:example:wire:1001</id>
    <link href="/stories/1001"/>
    <updated>2024-11-19T09:15:00+09:00</updated>
    <summary type="text">Short teaser.</summary>
    <content type="html">&lt;div&gt;&lt;p&gt;The spy agency counted about 3,000 more
      soldiers.&lt;/p&gt;&lt;nav&gt;Home | World&lt;/nav&gt;&lt;/div&gt;</content>
  </entry>
</feed>
"""


def parse(body: bytes, **options: object) -> list[Item]:
    return parse_feed(
        body,
        source="Example",
        feed_url="https://news.example.de/rss.xml",
        fetched_at=FETCHED,
        **options,
    )  # type: ignore[arg-type]


def test_rss_entry_fields() -> None:
    first, second = parse(RSS)
    assert first.source == "Example"
    assert first.guid == "news-example-42"
    assert first.title == "Pjöngjang schickt weitere Pioniere nach Kursk"
    assert first.text == (
        "Laut Geheimdienst sind es rund 1.000 Pioniere & 5.000 Bauarbeiter.\n"
        "Zweiter Absatz – mit Entitäten."
    )
    assert first.url == "https://news.example.de/artikel/42?utm_source=rss&utm_medium=feed&id=7#top"
    assert first.published == datetime(2024, 11, 19, 13, 5, tzinfo=UTC)
    assert first.lang == "de"
    assert first.feed_url == "https://news.example.de/rss.xml"
    # no guid: the canonical link, tracking parameters dropped; no date: the fetch time
    assert second.guid == "https://news.example.de/artikel/43"
    assert second.published == FETCHED
    assert second.text == "Nur ein Satz."


def test_atom_entry_fields() -> None:
    (entry,) = parse_feed(
        ATOM, source="Wire", feed_url="https://wire.example.com/feed.atom", fetched_at=FETCHED
    )
    assert entry.guid == "urn:example:wire:1001"
    assert entry.title == "Seoul says 3,000 more soldiers deployed"
    assert entry.text == "The spy agency counted about 3,000 more soldiers."  # nav dropped
    assert entry.url == "https://wire.example.com/stories/1001"
    assert entry.published == datetime(2024, 11, 19, 0, 15, tzinfo=UTC)
    assert entry.lang == "en"


def test_configured_lang_is_the_last_resort() -> None:
    plain = RSS.replace(b"<language>de-DE</language>", b"")
    assert {item.lang for item in parse(plain, lang="ru")} == {"ru"}
    assert {item.lang for item in parse(plain)} == {None}


def test_escape_codes_are_stripped_from_title_and_text() -> None:
    hostile = RSS.replace(
        b"Ohne Datum und ohne guid",
        b"Harmlos&#27;[2J&#27;]0;owned&#7; rot",
    ).replace(b"Nur ein Satz.", b"Text\x1b[31m mit \x07Farbe\x1b[0m")
    second = parse(hostile)[1]
    assert second.title == "Harmlos rot"
    assert second.text == "Text mit Farbe"
    assert html_to_text("C1\x9b31m CSI\x00 and\x7f DEL\x1bc") == "C1 CSI and DEL"


def test_guid_falls_back_to_a_content_hash() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>Only a title</title><description>and a text</description></item>
    </channel></rss>"""
    (item,) = parse(body)
    assert item.guid == hashlib.sha1(b"Only a title\nand a text").hexdigest()
    assert item.url is None


def test_illformed_feed_with_entries_is_used() -> None:
    sloppy = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>Tom & Jerry</title><link>https://example.org/a</link></item>
    </channel>"""
    (item,) = parse(sloppy)
    assert item.title == "Tom & Jerry"
    assert item.guid == "https://example.org/a"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "an empty body, not a feed"),
        (b" \r\n\t", "an empty body, not a feed"),
        (b"\x00\xff garbage \x8f", "binary data, not a feed"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 3, "binary data, not a feed"),
        (b"<html><body><p>Just a web page</p></body></html>", "an HTML page, not a feed"),
        (b"\r\n" * 2000 + b"<html><body>late</body></html>", "an HTML page, not a feed"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">'
            b"<html><body><p>An XHTML page</p></body></html>",
            "an HTML page, not a feed",
        ),
        (b"<note><to>nobody</to></note>", "XML that is not a feed: no RSS, Atom or RDF elements"),
        (b'<?xml version="1.0"?><rss <<< >', "XML that is not a feed: not well-formed"),
        ("<note>\u00e9</note>".encode("utf-16"), "XML that is not a feed: "),
        (b'["an", "array"]', "JSON that is not a feed: not an object"),
        (b"Service temporarily down. Try later.", "plain text, not a feed"),
    ],
)
def test_garbage_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(body)
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://x.example/feed", "https://x.example/feed: HTTP 200, "),
        ("file:///srv/feed.xml", "file:///srv/feed.xml: "),
    ],
)
def test_with_origin_names_the_url_and_status_on_one_clean_line(url: str, origin: str) -> None:
    error = ParseError("XML that is not a feed: bad\x1b[31m token\nat line 3")
    said = str(with_origin(error, FetchResult(url=url, status=200, body=b"")))
    assert said == f"{origin}XML that is not a feed: bad token at line 3"


def test_a_body_that_looks_like_a_path_is_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    with pytest.raises(ParseError):
        parse(str(secret).encode())


def test_empty_but_valid_feed_has_no_items() -> None:
    assert parse(b'<rss version="2.0"><channel><title>quiet</title></channel></rss>') == []


def test_html_to_text() -> None:
    html = """<html><head><title>Page</title><style>p {color: red}</style></head>
    <body><header>Site menu</header><nav><a href="/">Home</a></nav>
    <h1>Heading</h1><p>First   line<br>second&#160;line
    wrapped in the source</p><pre>kept
lines</pre>
    <ul><li>one &lt;1&gt;</li><li>two &amp; three</li></ul>
    <form><input value="x">Search</form><aside>Ads</aside>
    <script>document.write("<p>injected</p>")</script><noscript>Enable JS</noscript>
    <footer>(c) 2024</footer></body></html>"""
    assert html_to_text(html) == (
        "Heading\nFirst line\nsecond line wrapped in the source\nkept\nlines\none <1>\ntwo & three"
    )


@pytest.mark.parametrize(
    "broken", ["<p>unclosed <b>bold", "<<<>>>", "</p></div>", "<a href='x", "<!--", ""]
)
def test_html_to_text_never_raises(broken: str) -> None:
    assert isinstance(html_to_text(broken), str)


def _reference_text(html: str) -> str:
    """html_to_text as html.parser alone reads it: the meaning the fast reading keeps."""
    extractor = htmltext._TextExtractor()
    extractor.feed(html)
    extractor.close()
    return clean_text("".join(extractor.parts))


def test_plain_markup_is_read_without_html_parser() -> None:
    plain = '<p class="lead">One &amp; <b>two</b><br/>three</p><!-- x --><a href=u>four</a>'
    assert htmltext._plain_markup_text(plain) is not None
    assert html_to_text(plain) == _reference_text(plain) == "One & two\nthree\nfour"
    for unusual in ("a < b", "<p>x<script>y</script>", "<![CDATA[x]]>", "<a b='x'c>", "<?x?>"):
        assert htmltext._plain_markup_text(unusual) is None, unusual


_PIECES = (
    "text", "  two  words ", "\n", "\r\n", "\t", "\xa0", "\x0b", "\u2028", "&amp;", "&amp",
    "&nbsp;", "&copy2024", "&#150;", "&#x1b;[1  m", "\x1b[1", "  m", "&#0;", "&bogus;", "&",
    "<", "a<b", "<3", "</>", "<!-- c -->", "<!---->", "<!-- a -- b -->", "<!-->",
    "<!DOCTYPE html>", "<![CDATA[x]]>", "<?pi x?>", "&lt;p&gt;",
)  # fmt: skip
_TAGS = ("p", "P", "br", "b", "a", "div", "nav", "NAV", "pre", "li", "img", "hr", "script",
         "style", "title", "body", "head", "svg", "o:p", "p1")  # fmt: skip
_ATTRIBUTES = ("", ' href="x"', " href='y'", " href=z", " a=b/", ' a="1>2"', " disabled",
               ' a = "b"', '\tclass="k"\n', ' a="x"b="y"', " a=b=c", ' a="')  # fmt: skip


def test_fast_markup_reading_equals_html_parser_on_generated_markup() -> None:
    rng = random.Random(16)
    fast = 0
    for _ in range(20_000):
        pieces = []
        for _ in range(rng.randint(1, 14)):
            roll = rng.random()
            tag = rng.choice(_TAGS)
            if roll < 0.45:
                pieces.append(rng.choice(_PIECES))
            elif roll < 0.8:
                pieces.append(
                    f"<{tag}{rng.choice(_ATTRIBUTES)}{rng.choice(('>', '/>', ' />', ''))}"
                )
            else:
                pieces.append(f"</{tag}{rng.choice(('>', ' >', '', ' x>'))}")
        html = "".join(pieces)
        fast += htmltext._plain_markup_text(html) is not None
        assert html_to_text(html) == _reference_text(html), html
    assert fast > 1_000  # the fast reading was tried, not only the fallback


def test_fast_markup_reading_equals_html_parser_on_the_corpus(shared_dir: Path) -> None:
    """Every title, summary and content of feedparser's corpus, read both ways."""
    corpus = shared_dir / "testdata" / "feedparser-feeds"
    if not (corpus / "index.jsonl").is_file():
        pytest.skip("feedparser test corpus is absent")
    values = 0
    for line in (corpus / "index.jsonl").read_text().splitlines():
        body = (corpus / json.loads(line)["path"]).read_bytes()
        parsed = feedparser.parse(
            io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False
        )
        for entry in parsed.get("entries") or []:
            texts = [entry.get("title"), entry.get("summary")]
            texts += [content.get("value") for content in entry.get("content") or []]
            for text in filter(None, texts):
                values += 1
                assert html_to_text(text) == _reference_text(text), text
    assert values > 300


def test_text_file(tmp_path: Path) -> None:
    article = tmp_path / "dpa_kursk.txt"
    raw = "\n\n  Pioniere für Kursk  \nErster Absatz.\n\n\tZweiter \x1b[1mAbsatz.\n".encode()
    article.write_bytes(raw + b"\xff kaputt")
    item = parse_text_file(article, fetched_at=FETCHED)
    assert item.source == "dpa_kursk"
    assert item.title == "Pioniere für Kursk"
    assert item.text == "Erster Absatz.\nZweiter Absatz.\n\ufffd kaputt"
    assert item.guid == hashlib.sha1(raw + b"\xff kaputt").hexdigest()
    assert (item.url, item.lang, item.feed_url, item.published) == (None, None, None, FETCHED)


def test_missing_or_empty_text_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="no such file"):
        parse_text_file(tmp_path / "absent.txt", fetched_at=FETCHED)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\t\n")
    with pytest.raises(ParseError, match="no text"):
        parse_text_file(blank, fetched_at=FETCHED)


def test_seed_articles_parse(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        item = parse_text_file(path, fetched_at=FETCHED)
        assert item.title and item.text, path.name


def test_feedparser_corpus_never_crashes(shared_dir: Path) -> None:
    corpus = shared_dir / "testdata" / "feedparser-feeds"
    if not (corpus / "index.jsonl").is_file():
        pytest.skip("feedparser test corpus is absent")
    records = [json.loads(line) for line in (corpus / "index.jsonl").read_text().splitlines()]
    counts = {"items": 0, "empty": 0, "parse_error": 0}
    for record in records:
        body = (corpus / record["path"]).read_bytes()
        try:
            items = parse_feed(
                body, source="corpus", feed_url="http://example.org/feed.xml", fetched_at=FETCHED
            )
        except ParseError:
            counts["parse_error"] += 1
            continue
        counts["items" if items else "empty"] += 1
        for item in items:
            assert item.guid, record["path"]
            assert item.published.tzinfo is not None, record["path"]
            assert "\x1b" not in item.title + item.text, record["path"]
    print(f"feedparser corpus: {len(records)} files, {counts}")
    assert sum(counts.values()) == len(records)
    assert counts["items"] > len(records) // 3  # most test feeds carry an entry


def test_feed_refresh_hints_are_read() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0" '
        b'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title>'
        b"<ttl>45</ttl><sy:updatePeriod>daily</sy:updatePeriod>"
        b"<sy:updateFrequency>4</sy:updateFrequency><item><title>x</title></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed_document(body, source="S", feed_url=None, fetched_at=FETCHED)
    assert (parsed.ttl, parsed.update_period, parsed.update_frequency) == ("45", "daily", "4")
    assert len(parsed.items) == 1


def test_article_text_keeps_the_article_and_drops_the_furniture() -> None:
    paragraph = (
        "The delegation agreed to send 1,000 deminers and 5,000 builders to the region, "
        "officials said on Tuesday after two days of talks in the capital. "
    )
    page = (
        "<html><head><script>var a = 'tracker';</script></head><body><nav>Home | World</nav>"
        f"<article><h1>Deminers</h1><p>{paragraph * 3}</p><p>{paragraph}</p></article>"
        "<footer>All rights reserved</footer></body></html>"
    ).encode()
    text = article_text(page, url="https://example.org/a")
    assert text is not None and "1,000 deminers and 5,000 builders" in text
    assert "tracker" not in text and "All rights reserved" not in text and "\x1b" not in text
    assert article_text(b"<html><body></body></html>") is None


# --- the lxml fast path (monitor.feeds.fastparse) against feedparser -------------------------

SAMPLES = Path(__file__).resolve().parent.parent / "monitor" / "samples"


def _both_paths(body: bytes, headers: dict[str, str]) -> tuple[object, object] | None:
    """(fast, feedparser) results when the fast path accepts the body, else None."""
    if fastparse.read(body, headers) is None:
        return None
    options = {
        "source": "corpus",
        "feed_url": "http://example.org/feed.xml",
        "fetched_at": FETCHED,
        "headers": headers,
    }
    fast = parse_feed_document(body, use_fast_path=True, **options)  # type: ignore[arg-type]
    slow = parse_feed_document(body, use_fast_path=False, **options)  # type: ignore[arg-type]
    return fast, slow


def _headers(recorded: str) -> dict[str, str]:
    pairs = (line.partition(":") for line in recorded.splitlines())
    return {name.strip().lower(): value.strip() for name, sep, value in pairs if sep}


def test_fast_path_equals_feedparser_on_its_corpus(shared_dir: Path) -> None:
    corpus = shared_dir / "testdata" / "feedparser-feeds"
    if not (corpus / "index.jsonl").is_file():
        pytest.skip("feedparser test corpus is absent")
    records = [json.loads(line) for line in (corpus / "index.jsonl").read_text().splitlines()]
    accepted = runs = 0
    for record in records:
        body = (corpus / record["path"]).read_bytes()
        # no headers (a local file), the test's own headers, and a typical server's
        for headers in ({}, _headers(record["header"]), {"content-type": "application/rss+xml"}):
            runs += 1
            both = _both_paths(body, headers)
            if both is None:
                continue
            accepted += 1
            fast, slow = both
            assert fast == slow, (record["path"], headers)
    print(f"fast path: accepted {accepted} of {runs} corpus runs, the rest fell back")
    assert accepted > 300  # the subset is not empty by accident


def test_fast_path_equals_feedparser_on_the_samples() -> None:
    for path in sorted(SAMPLES.glob("*.xml")):
        both = _both_paths(path.read_bytes(), {"content-type": "application/rss+xml"})
        assert both is not None, f"{path.name} should take the fast path"
        fast, slow = both
        assert fast == slow, path.name


def test_fast_path_equals_feedparser_on_the_hand_written_feeds() -> None:
    for body in (RSS, ATOM):
        both = _both_paths(body, {})
        assert both is not None
        fast, slow = both
        assert fast == slow


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"<rss version='2.0'><channel><item><title>x</title></item></channel>", {}),  # broken
        (ATOM.replace(b"<feed ", b'<!DOCTYPE feed [<!ENTITY x "y">]><feed '), {}),
        (RSS.replace(b"<channel>", b'<channel xml:base="http://other.example/">'), {}),
        (RSS, {"content-location": "http://other.example/"}),
        (RSS.replace("Pjöngjang".encode(), "Pjöngjang".encode("latin-1")), {}),  # not UTF-8
        (RSS, {"content-type": "text/html"}),  # feedparser complains: it decides
        (RSS.replace(b"<title>Beispiel", b"<foo xmlns='urn:x'/><title>Beispiel"), {}),
        (RSS.replace(b"<guid", b"<title>second</title><guid", 1), {}),  # two titles
        (b'<rss version="2.0"><channel><title>empty</title></channel></rss>', {}),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', {}),
        (
            ATOM.replace(
                b'type="html">&lt;div',
                b'type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><div',
            ),
            {},
        ),
    ],
)
def test_fast_path_hands_the_unusual_to_feedparser(body: bytes, headers: dict[str, str]) -> None:
    assert fastparse.read(body, headers) is None


def test_fast_path_does_not_expand_entities() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><item><title>&c;&xxe;</title></item></channel></rss>'
    )
    assert fastparse.read(laughs, {}) is None
    undeclared = b'<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>'
    assert fastparse.read(undeclared, {}) is None


def test_fast_path_reads_what_the_poller_needs() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        b'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>'
        b"<language>ko</language><ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod>"
        b"<item><title>A &amp; B</title><link>/a?utm_source=x</link>"
        b"<dc:date>2024-11-19T10:00:00+09:00</dc:date></item>"
        b'<item><title>C</title><guid isPermaLink="false">c-1</guid>'
        b"<pubDate>19 Nov 2024 10:00 EST</pubDate></item></channel></rss>"
    )
    assert fastparse.read(body, {}) is not None
    parsed = parse_feed_document(
        body, source="S", feed_url="https://ko.example/rss", fetched_at=FETCHED
    )
    first, second = parsed.items
    assert (parsed.ttl, parsed.update_period, parsed.update_frequency) == ("30", "hourly", None)
    assert first.title == "A & B"
    assert first.url == "https://ko.example/a?utm_source=x"
    assert first.guid == "https://ko.example/a"
    assert first.published == datetime(2024, 11, 19, 1, 0, tzinfo=UTC)
    assert (second.guid, second.url, second.lang) == ("c-1", None, "ko")
    assert second.published == datetime(2024, 11, 19, 15, 0, tzinfo=UTC)
    slow = parse_feed_document(
        body, source="S", feed_url="https://ko.example/rss", fetched_at=FETCHED, use_fast_path=False
    )
    assert slow == parsed


# --- dates (monitor.feeds.dates through parse) -----------------------------------------------

CASES_FETCHED = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


def _case(shared_dir: Path, name: str) -> bytes:
    path = shared_dir / "cases" / "feeds" / name
    if not path.is_file():
        pytest.skip(f"../shared/cases/feeds/{name} is absent")
    return path.read_bytes()


def _both(body: bytes, fetched_at: datetime = CASES_FETCHED) -> ParsedFeed:
    """The parsed feed, after checking that both paths give the same (fast first)."""
    options = {"source": "S", "feed_url": "https://zones.example/rss", "fetched_at": fetched_at}
    fast = parse_feed_document(body, **options)  # type: ignore[arg-type]
    slow = parse_feed_document(body, use_fast_path=False, **options)  # type: ignore[arg-type]
    assert fast == slow
    return fast


def test_zone_abbreviations_case(shared_dir: Path) -> None:
    body = _case(shared_dir, "tz-abbrev.rss")
    assert fastparse.read(body, {}) is not None
    parsed = _both(body)
    assert [(item.guid, item.published) for item in parsed.items] == [
        ("zone-1", datetime(2025, 6, 17, 7, 30, tzinfo=UTC)),  # CEST
        ("zone-2", datetime(2025, 6, 17, 9, 0, tzinfo=UTC)),  # KST
        ("zone-3", datetime(2025, 6, 17, 9, 0, tzinfo=UTC)),  # MSK
        ("zone-4", datetime(2025, 6, 17, 13, 30, tzinfo=UTC)),  # EDT, read by feedparser
    ]
    assert parsed.warnings == []


def test_localized_dates_case(shared_dir: Path) -> None:
    body = _case(shared_dir, "localized-dates.rss")
    assert fastparse.read(body, {}) is not None
    parsed = _both(body)
    assert [(item.guid, item.published) for item in parsed.items] == [
        ("lok-1", datetime(2024, 10, 31, 9, 15, tzinfo=UTC)),
        ("lok-2", datetime(2024, 12, 2, 7, 0, tzinfo=UTC)),
        ("lok-3", datetime(2025, 6, 20, 7, 0, tzinfo=UTC)),
    ]
    assert parsed.warnings == []


def _dated_feed(*dates: str, atom: bool = False) -> bytes:
    if atom:
        entries = "".join(
            f"<entry><id>urn:e:{n}</id><title>E{n}</title><updated>{date}</updated></entry>"
            for n, date in enumerate(dates)
        )
        return f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()
    items = "".join(
        f"<item><guid>g{n}</guid><title>T{n}</title><pubDate>{date}</pubDate></item>"
        for n, date in enumerate(dates)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def test_unreadable_and_future_dates_get_the_fetch_time_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = _dated_feed(
        "Blah 99",
        "Tue, 17 Jun 2025 09:30:00 GMT",
        "Nope",
        "Mon, 01 Jan 2035 00:00:00 GMT",
        "never",
    )
    with caplog.at_level("WARNING", logger="monitor.feeds.parse"):
        parsed = _both(body)
    published = [item.published for item in parsed.items]
    assert published == [
        CASES_FETCHED,
        datetime(2025, 6, 17, 9, 30, tzinfo=UTC),
        CASES_FETCHED,
        CASES_FETCHED,
        CASES_FETCHED,
    ]
    assert parsed.warnings == [
        "3 items with unreadable dates ('Blah 99'), given the fetch time",
        "1 item dated in the future ('Mon, 01 Jan 2035 00:00:00 GMT'), given the fetch time",
    ]
    assert "S: 3 items with unreadable dates ('Blah 99')" in caplog.text


def test_a_warning_shows_the_raw_date_without_control_characters() -> None:
    body = _dated_feed("Blah&#x1b;[2J 99&#x7;")
    assert parse_feed_document(
        body, source="S", feed_url=None, fetched_at=CASES_FETCHED, use_fast_path=False
    ).warnings == ["1 item with unreadable dates ('Blah 99'), given the fetch time"]


def test_atom_dates_with_zone_names_on_both_paths() -> None:
    parsed = _both(_dated_feed("2025-06-17 09:30:00 CEST", "2025-06-17T09:30:00Z", atom=True))
    assert [item.published for item in parsed.items] == [
        datetime(2025, 6, 17, 7, 30, tzinfo=UTC),
        datetime(2025, 6, 17, 9, 30, tzinfo=UTC),
    ]


def test_an_item_without_a_date_is_no_warning() -> None:
    parsed = parse_feed_document(RSS, source="S", feed_url=None, fetched_at=FETCHED)
    assert parsed.items[1].published == FETCHED
    assert parsed.warnings == []
