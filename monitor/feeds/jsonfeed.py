"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read into the entry and
feed mappings feedparser gives for RSS and Atom, so that ``parse`` builds Items from them
exactly as it does from those.

Pure: the standard library's json and datetime only. What is read, per item:

* ``id`` (a number is made a string, as the spec asks), the link from ``url`` or else
  ``external_url`` when it is an absolute http(s) URL (anything else is no link at all);
* ``title`` and ``summary`` (plain text), ``content_html`` before ``content_text``;
* ``date_published`` and ``date_modified`` (RFC 3339; a missing offset is UTC);
* ``authors`` (1.1) or ``author`` (1.0), falling back to the feed's, and ``language``
  (1.1; the item's, else the feed's).

Hostile input ends in one ``ParseError`` line or in items without the bad field: the body
is already capped by ``fetch``; JSON nested deeper than the interpreter's recursion limit
is refused; a field of the wrong type is ignored and an item that is not an object is
skipped. Nothing here recurses into the document, so extension objects (``_custom``) of
any shape cost nothing beyond ``json.loads``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from monitor.errors import ParseError

__all__ = ["JsonFeed", "looks_like", "read"]

MEDIA_TYPES = frozenset({"application/feed+json", "application/json"})
VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
_SNIFF_BYTES = 1024
_LEADING = b"\xef\xbb\xbf \t\r\n"  # a UTF-8 byte order mark and JSON's whitespace
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?)?"
    r"\s*(?:([Zz])|([+-])(\d\d):?(\d\d))?"
)
NOT_A_FEED = "JSON that is not a feed"


@dataclass(frozen=True)
class JsonFeed:
    """feedparser-shaped ``entries`` and ``feed`` (only the keys ``parse`` reads, and authors)."""

    entries: list[dict[str, Any]]
    feed: dict[str, Any] = field(default_factory=dict)


def looks_like(body: bytes, content_type: str = "") -> bool:
    """Whether to read ``body`` as JSON: it starts with "{", or is served as JSON and does
    not start with "<" (a feed mislabelled as JSON still goes to the XML parsers)."""
    head = body[:_SNIFF_BYTES].lstrip(_LEADING)
    if not head:
        return False
    if head.startswith(b"{"):
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    json_type = media_type in MEDIA_TYPES or media_type.endswith("+json")
    return json_type and not head.startswith(b"<")


def read(body: bytes) -> JsonFeed:
    """The feed's items; ParseError (one line) when ``body`` is not a JSON Feed."""
    try:
        document = json.loads(body)  # bytes: UTF-8 (with or without BOM), UTF-16 or UTF-32
    except RecursionError as exc:
        raise ParseError(f"{NOT_A_FEED}: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an absurdly long int
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not valid JSON"
        raise ParseError(f"{NOT_A_FEED}: {reason}") from exc
    if not isinstance(document, dict):
        raise ParseError(f"{NOT_A_FEED}: not an object")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIXES):
        raise ParseError(f'{NOT_A_FEED}: no "version" naming jsonfeed.org')
    feed_authors = _authors(document)
    feed = {
        "title": _text(document.get("title")) or "",
        "language": _text(document.get("language")),
        "link": _http_url(document.get("home_page_url")),
        "authors": feed_authors,
    }
    items = document.get("items")
    entries = [
        _entry(item, feed_authors)
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
    ]
    return JsonFeed(entries=entries, feed=feed)


def _entry(item: dict[str, Any], feed_authors: list[dict[str, str]]) -> dict[str, Any]:
    language = _text(item.get("language"))
    entry: dict[str, Any] = {"id": _id(item.get("id"))}
    link = _http_url(item.get("url")) or _http_url(item.get("external_url"))
    if link:
        entry["link"] = link
    title = _text(item.get("title"))
    if title:
        entry["title"] = title
        entry["title_detail"] = _detail("text/plain", language, title)
    content = [
        _detail(content_type, language, value)
        for key, content_type in (("content_html", "text/html"), ("content_text", "text/plain"))
        if (value := _text(item.get(key)))
    ]
    if content:
        entry["content"] = content
    summary = _text(item.get("summary"))
    if summary:
        entry["summary"] = summary
        entry["summary_detail"] = _detail("text/plain", language, summary)
    for key, parsed_key in (("date_published", "published"), ("date_modified", "updated")):
        value = _text(item.get(key))
        parsed = rfc3339(value) if value else None
        if value:
            entry[parsed_key] = value
        if parsed is not None:
            entry[f"{parsed_key}_parsed"] = parsed
    authors = _authors(item) or feed_authors
    if authors:
        entry["authors"] = authors
        entry["author"] = authors[0]["name"]
    return entry


def rfc3339(value: str) -> time.struct_time | None:
    """An RFC 3339 date-time as a UTC struct_time (as feedparser gives dates); None when
    it is not one. Lenient where feeds are: no seconds, no offset (UTC), "+0200"."""
    match = _RFC3339.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, _, sign, off_hours, off_minutes = match.groups()
    try:
        offset = timedelta(hours=int(off_hours or 0), minutes=int(off_minutes or 0))
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            min(int(second or 0), 59),  # a leap second is the second before it
            tzinfo=timezone(-offset if sign == "-" else offset),
        )
        return moment.astimezone(UTC).timetuple()
    except (ValueError, OverflowError):  # month 13, an offset of 25 hours, year 0
        return None


def _authors(owner: dict[str, Any]) -> list[dict[str, str]]:
    """1.1's ``authors`` list, else 1.0's single ``author``, as feedparser's author dicts."""
    found = owner.get("authors")
    candidates = found if isinstance(found, list) else [owner.get("author")]
    authors = []
    for candidate in candidates:
        if not isinstance(candidate, dict):
            continue
        name = _text(candidate.get("name"))
        href = _http_url(candidate.get("url"))
        if name or href:
            authors.append({"name": name or href or "", **({"href": href} if href else {})})
    return authors


def _detail(content_type: str, language: str | None, value: str) -> dict[str, Any]:
    return {"type": content_type, "language": language, "value": value}


def _id(value: object) -> str:
    if isinstance(value, bool):  # a bool is an int to Python, but no id
        return ""
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _http_url(value: object) -> str | None:
    """An absolute http(s) URL, else None (relative, another scheme, not a string)."""
    text = _text(value)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1" and the like
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None
