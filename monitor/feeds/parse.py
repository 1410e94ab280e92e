"""Turn feed bytes and local article files into Items of plain text.

RSS, Atom and RDF go to lxml's fast path (``fastparse``) or feedparser, JSON Feed to
``jsonfeed``; all three give the same entry mappings, read by one ``_item``. A body that
is no feed is a ``ParseError`` saying what it looked like ("an HTML page, not a feed",
"XML that is not a feed: ...", "binary data, not a feed"); ``with_origin`` puts the URL
and HTTP status before it.

feedparser gets the body and the response headers, never a URL (it would fetch it,
or open a local file named like the body). HTML sanitising and relative-URI
resolution are switched off: they halve feedparser's speed (PERF-NOTES.md) and we
reduce HTML to text ourselves with ``html_to_text``.

An item's date is feedparser's reading, or ours (``dates``) where feedparser has none
or misreads the zone ("CEST" as UTC); when neither gives a believable date the item
gets the fetch time and ``ParsedFeed.warnings`` says so.

Everything that leaves this module is clean text: control characters and terminal
escape sequences are stripped from titles and bodies here, at the door, so that a
feed cannot drive the terminal of whoever later prints its items.

Identity (issue 14): an entry is known by its guid, else its link; a key that several
entries of one document share is not trusted, and those entries are known by link,
title and date instead (``_distinct_keys``). A guid stands in for a missing link only
when it is an absolute http(s) URL. An entry without a title gets the start of its text.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api

from monitor.errors import ParseError
from monitor.feeds import dates, fastparse, jsonfeed
from monitor.feeds.fastparse import Entry
from monitor.feeds.htmltext import html_to_text
from monitor.text import (
    canonical_url,
    clean,
    clean_text,
    composite_key,
    is_web_url,
    strip_controls,
    title_from_text,
)
from monitor.types import FetchResult, Item

log = logging.getLogger(__name__)

# feedparser first tries the SAX driver of the long-abandoned libxml2 bindings; the failed
# import searches sys.path again on every parse (~0.2 ms of a 3-item feed's ~2 ms).
# Straight to expat, the driver it falls back to anyway.
feedparser.api.PREFERRED_XML_PARSERS = []

# An entry's dates in order of preference; feedparser files each as written under the
# key and as a struct_time in UTC under key + "_parsed".
DATE_KEYS = ("published", "updated", "created")
_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$")
_XML_BASE = re.compile(rb"xml:base\s*=")
_SNIFF_BYTES = 1024  # how much of a body that is not a feed is looked at to say what it is
# Byte order marks of the encodings whose text has NUL bytes; first match wins.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
# Text in any encoding has almost no C0 controls besides tab and line breaks; compressed
# or binary data has about one byte in ten.
_BINARY_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's entries, what the feed says about how often to poll it, and what went
    wrong in reading it without stopping it (one line each, safe to print)."""

    items: list[Item]
    ttl: str | None = None  # RSS <ttl>, minutes, as written
    update_period: str | None = None  # sy:updatePeriod ("hourly", "daily", ...)
    update_frequency: str | None = None  # sy:updateFrequency (times per period)
    # What a reader of the feed should know about this document, one line each (e.g. "3
    # items with unreadable dates, given the fetch time"); stored in the feed's state.
    warnings: list[str] = field(default_factory=list)


def parse_feed(
    body: bytes,
    *,
    source: str,
    feed_url: str | None,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> list[Item]:
    """The feed's entries as Items; ParseError when the body is not a feed at all.

    An ill-formed feed that still yields entries is used: real feeds are often sloppy.
    """
    return parse_feed_document(
        body, source=source, feed_url=feed_url, fetched_at=fetched_at, headers=headers, lang=lang
    ).items


def parse_feed_document(
    body: bytes,
    *,
    source: str,
    feed_url: str | None,
    fetched_at: datetime,
    headers: Mapping[str, str] | None = None,
    lang: str | None = None,
    use_fast_path: bool = True,
) -> ParsedFeed:
    """Like ``parse_feed``, with the feed's own refresh hints (<ttl>, sy:update*).

    A JSON body (or one served as JSON) is read as a JSON Feed (``jsonfeed``). A
    well-formed RSS 2.0 or Atom 1.0 document takes lxml's fast path (``fastparse``),
    which yields exactly what feedparser would; everything else goes to feedparser.
    """
    entries, feed = _read(body, headers or {}, use_fast_path, feed_url)
    feed_lang = _normalise_lang(feed.get("language")) or _normalise_lang(lang)
    fetched = fetched_at.astimezone(UTC)
    items: list[Item] = []
    fallbacks: list[dates.Fallback] = []
    for entry in entries:
        item, fallback = _item(
            entry, source=source, feed_url=feed_url, fetched_at=fetched, feed_lang=feed_lang
        )
        items.append(item)
        if fallback is not None:
            fallbacks.append(fallback)
    warnings = dates.describe(fallbacks)
    for warning in warnings:
        log.warning("%s: %s", source, warning)
    return ParsedFeed(
        items=_distinct_keys(items, source=source, fetched_at=fetched),
        ttl=_text_or_none(feed.get("ttl")),
        update_period=_text_or_none(feed.get("sy_updateperiod")),
        update_frequency=_text_or_none(feed.get("sy_updatefrequency")),
        warnings=warnings,
    )


def with_origin(error: ParseError, result: FetchResult) -> ParseError:
    """``error`` after the URL fetched and its HTTP status, as one clean line:
    "https://x/feed: HTTP 200, an HTML page, not a feed"."""
    local = urlsplit(result.url).scheme.lower() == "file"
    origin = f"{result.url}:" if local else f"{result.url}: HTTP {result.status},"
    return ParseError(_one_line(f"{origin} {error}"))


def _read(
    body: bytes, headers: Mapping[str, str], use_fast_path: bool, feed_url: str | None
) -> tuple[list[Entry], Mapping[str, Any]]:
    """The entries and the feedparser-shaped feed of a JSON Feed, RSS, Atom or RDF body."""
    content_type = next(
        (value for name, value in headers.items() if name.lower() == "content-type"), ""
    )
    if jsonfeed.looks_like(body, content_type):
        json_feed = jsonfeed.read(body)
        return [_entry(entry) for entry in json_feed.entries], json_feed.feed
    fast = fastparse.read(body, headers) if use_fast_path else None
    if fast is not None:
        return fast.entries, fast.feed
    entries, feed = _feedparser_read(body, headers, feed_url)
    return [_entry(entry) for entry in entries], feed


def _feedparser_read(
    body: bytes, headers: Mapping[str, str] | None, feed_url: str | None = None
) -> tuple[list[Any], Mapping[str, Any]]:
    response_headers = dict(headers or {})
    if feed_url and _XML_BASE.search(body) and "content-location" not in response_headers:
        # feedparser resolves xml:base against the document's own address, and without
        # one it drops a relative xml:base nested in another relative one. Only for such
        # documents: elsewhere it would also resolve relative permalink guids, which
        # would change the keys items are stored under.
        response_headers["content-location"] = feed_url
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),  # a file object: bytes could be taken for a file name
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser should not raise, but a bad feed must not crash us
        reason = _one_line(str(exc)) or type(exc).__name__
        raise ParseError(_not_a_feed(body, reason)) from exc
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        # feedparser's "nobody cares" warnings (a wrong charset or Content-Type) are
        # harmless: the version check below still tells a feed from a web page.
        if parsed.get("bozo") and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
            raise ParseError(_not_a_feed(body, _bozo_reason(problem)))
        if not parsed.get("version"):
            raise ParseError(_not_a_feed(body, "no RSS, Atom or RDF elements found"))
    return entries, parsed.get("feed", {})


def _not_a_feed(body: bytes, reason: str) -> str:
    """What a body that feedparser could not read looked like, in words."""
    kind = _body_kind(body.lstrip(b"\xef\xbb\xbf \t\r\n")[:_SNIFF_BYTES])
    if kind == "XML":
        return f"XML that is not a feed: {reason}"
    if kind == "JSON":  # an array: jsonfeed.looks_like takes every object
        return f"{jsonfeed.NOT_A_FEED}: not an object"
    return f"{kind}, not a feed"


def _body_kind(head: bytes) -> str:
    if not head:
        return "an empty body"
    text = _head_text(head)
    if text is None:
        return "binary data"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if "<!doctype html" in start or "<html" in start:
        return "an HTML page"
    if start.startswith("<"):
        return "XML"
    if start.startswith(("{", "[")):
        return "JSON"
    return "plain text"


def _head_text(head: bytes) -> str | None:
    """The start of a body as text, or None when it is binary data."""
    for mark, codec in _WIDE_BOMS:
        if head.startswith(mark):
            return head.decode(codec, errors="replace")
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 or byte == 127)
    if b"\0" in head or controls > len(head) * _BINARY_CONTROL_SHARE:
        return None
    return head.decode("utf-8", errors="replace")


def article_text(html: bytes, *, url: str | None = None) -> str | None:
    """The main text of an article page (trafilatura), or None when none is found.

    Navigation, comments and boilerplate are dropped. trafilatura is imported here, on
    first use, because it is slow to load and only ``fulltext: true`` feeds need it.
    """
    import trafilatura  # noqa: PLC0415 (deferred on purpose)

    try:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception:  # an extractor bug on one hostile page must not stop the feed
        return None
    cleaned = clean_text(text) if text else ""
    return cleaned or None


# The largest local file `ingest` reads (as a feed's response is capped, MAX_BYTES).
MAX_FILE_BYTES = 15 * 1024 * 1024


def source_of(path: Path) -> str:
    """The source a local file's items are from: its name without the extension, made
    printable (a name need not be UTF-8, nor free of control characters)."""
    return clean(os.fsencode(path.stem).decode("utf-8", errors="replace")) or "local file"


def read_local(path: Path) -> bytes:
    """A local file's bytes, at most MAX_FILE_BYTES; ParseError (one line) otherwise."""
    if not path.exists():
        raise ParseError(f"{path}: no such file")
    if not path.is_file():
        raise ParseError(f"{path}: not a regular file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ParseError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return raw


def parse_text_file(path: Path, *, fetched_at: datetime) -> Item:
    """A plain-text article: the first non-empty line is its title, the rest its body."""
    raw = read_local(path)
    text = clean_text(raw.decode("utf-8-sig", errors="replace"))
    title, _, body = text.partition("\n")
    if not title:
        raise ParseError(f"{path}: no text in the file")
    return Item(
        source=source_of(path),
        guid=hashlib.sha1(raw).hexdigest(),
        title=title,
        text=body,
        url=None,
        # A copied file's mtime says when it was copied, not when the story ran.
        published=fetched_at.astimezone(UTC),
        lang=None,
        feed_url=None,
    )


# --- feed entries -------------------------------------------------------------------


def _entry(entry: Mapping[str, Any]) -> Entry:
    """A feedparser-shaped entry (feedparser's own, or jsonfeed's) as an Entry."""
    bodies = []
    content = entry.get("content") or []
    if content:
        bodies.append((content[0].get("value", ""), _is_html(content[0])))
    if entry.get("summary"):
        bodies.append((entry["summary"], _is_html(entry.get("summary_detail"))))
    details: Iterable[Any] = [*content, entry.get("summary_detail"), entry.get("title_detail")]
    return Entry(
        title=entry.get("title", ""),
        title_html=_is_html(entry.get("title_detail")),
        bodies=bodies,
        link=entry.get("link"),
        id=entry.get("id"),
        dates=[
            dates.reading(_field(entry, key), dates.from_struct(_field(entry, f"{key}_parsed")))
            for key in DATE_KEYS
        ],
        langs=[(detail or {}).get("language") for detail in details],
    )


def _is_html(detail: Mapping[str, Any] | None) -> bool:
    """Whether a value with this feedparser detail is HTML (without one, it is)."""
    return "html" in (detail or {}).get("type", "text/html")


def _item(
    entry: Entry,
    *,
    source: str,
    feed_url: str | None,
    fetched_at: datetime,
    feed_lang: str | None,
) -> tuple[Item, dates.Fallback | None]:
    """The entry as an Item, and why it was given the fetch time as its date, if it was."""
    title = " ".join(_text(entry.title, entry.title_html).split())
    # The longer of the full content and the summary: some feeds put a teaser in one.
    text = max((_text(value, html) for value, html in entry.bodies), key=len, default="")
    title = title or title_from_text(text)  # a microblog post: its opening as its title
    url = _link(entry.link, entry.id, feed_url)
    guid = strip_controls(entry.id or "").strip() or (canonical_url(url) if url else "")
    if not guid:
        guid = hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
    published, fallback = dates.pick(entry.dates, fetched_at)
    lang = next(filter(None, map(_normalise_lang, entry.langs)), None)
    item = Item(
        source=source,
        guid=guid,
        title=title,
        text=text,
        url=url,
        published=published,
        lang=lang or feed_lang,
        feed_url=feed_url,
    )
    return item, fallback


def _text(value: str, html: bool) -> str:
    if html:
        return html_to_text(value)
    if value.isprintable():  # one line, no controls: clean_text's work is the spaces
        return " ".join(value.split())
    return clean_text(value)  # text/plain: a "<" is a literal character


def _link(link: str | None, entry_id: str | None, feed_url: str | None) -> str | None:
    """The entry's link, made absolute against the feed's URL (xml:base is applied by
    feedparser); None when there is none. An RSS guid stands in for a missing <link>
    (feedparser and the fast path copy it there) only when it is an absolute http(s)
    URL: "ferry notice 4711" or a tag: URI names the entry but is no address."""
    link = (link or "").strip()
    if not link:
        return None
    if link == (entry_id or "").strip() and not is_web_url(link):
        return None
    if feed_url and not link.startswith(("http://", "https://")) and not urlsplit(link).scheme:
        link = urljoin(feed_url, link)
    return strip_controls(link)


def _distinct_keys(items: Sequence[Item], *, source: str, fetched_at: datetime) -> list[Item]:
    """The items, those whose key (guid, else link) another entry of the same document
    shares given a composite key of link, title and date instead.

    A CMS that gives every entry one guid, or a shop whose entries all link to its home
    page, would otherwise have its entries stored as one item that changes on each
    poll. The date is the entry's own: the fetch time stood in for a missing one and
    changes on each poll.
    """
    counts = Counter(item.guid for item in items)
    shared = {guid for guid, count in counts.items() if count > 1}
    if not shared:
        return list(items)
    log.warning(
        "%s: %d entries share a guid or link with another entry of the feed;"
        " they are told apart by link, title and date",
        source,
        sum(counts[guid] for guid in shared),
    )
    return [
        replace(
            item,
            guid=composite_key(
                item.url,
                item.title,
                "" if item.published == fetched_at else item.published.isoformat(),
            ),
        )
        if item.guid in shared
        else item
        for item in items
    ]


def _field(entry: Mapping[str, Any], key: str) -> Any:
    # dict.get: a FeedParserDict answers "updated" with "published" (and a warning).
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _normalise_lang(tag: object) -> str | None:
    """ "de-DE" -> "de"; None for anything that is not a language tag."""
    if not isinstance(tag, str):
        return None
    match = _LANGUAGE_TAG.match(tag.strip().lower())
    return match.group(1) if match else None


def _text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _bozo_reason(exc: object) -> str:
    if exc is None:
        return "no entries"
    message = getattr(exc, "getMessage", None)  # SAXParseException: text without location
    text = message() if callable(message) else str(exc)
    return _one_line(str(text)) or type(exc).__name__


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())
