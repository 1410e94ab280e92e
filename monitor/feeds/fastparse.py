"""A fast path for the common feed: well-formed RSS 2.0 or Atom 1.0, read with lxml.

feedparser spends ~1.5 ms on a 3-item feed, most of it in Python SAX callbacks; a
poll of thousands of small feeds is bound by that. For a document inside a narrow,
well-understood subset this module builds the same entry dictionaries feedparser
would (only the keys ``parse`` reads), in a fraction of the time; for anything else it
returns None and ``parse`` uses feedparser. The subset is chosen so that equality can
be argued element by element and is checked by a test that runs both paths over
feedparser's own test corpus:

* The bytes are decoded by feedparser's own encoding logic (``convert_to_utf8``), and
  only when that logic found nothing to complain about (no charset override, no
  non-XML media type, no guessing): lxml never guesses an encoding.
* No DOCTYPE and no entity declarations; lxml runs without recovery, DTD loading,
  network access, entity resolution or huge-tree support (no XXE, no billion laughs).
  A document lxml rejects is handed to feedparser, which has its own lenient parser.
* Root ``<rss>`` with one ``<channel>`` holding the ``<item>``s, or Atom 1.0
  ``<feed>`` holding ``<entry>``s. RSS 1.0/RDF and the rest go to feedparser.
* Every element of an entry is one whose meaning feedparser gives us is modelled here
  (title, link, guid/id, description/summary, content, dates) or one feedparser
  provably files under a key we never read (no handler of its own, or a reviewed
  harmless one such as category, author or enclosure). Text fields must be plain text
  (no child elements, no base64, no XHTML). One title, one guid/id, one
  description/summary per entry; xml:base, Content-Location and namespace prefixes
  that feedparser would remap send the feed to feedparser.

Where feedparser post-processes values (URI joining, its UTF-8/Latin-1 repair,
cp1252 mapping, HTML sniffing of plain-text fields, date parsing) its own functions
are called, so the two paths cannot drift apart on those. They are private to
feedparser: if a release removes one, the import below fails and every feed simply
takes the feedparser path.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from lxml import etree

from monitor.feeds import dates

try:
    from feedparser.api import StrictFeedParser
    from feedparser.datetimes import _parse_date
    from feedparser.encodings import convert_to_utf8
    from feedparser.html import _cp1252
    from feedparser.mixin import _FeedParserMixin
    from feedparser.urls import _urljoin
except ImportError:  # pragma: no cover (a feedparser release reorganised its internals)
    AVAILABLE = False
else:
    AVAILABLE = True

__all__ = ["AVAILABLE", "FastFeed", "read"]

log = logging.getLogger(__name__)

DATE_CACHE_SIZE = 8192  # distinct date strings remembered (~1 MB at most)
ATOM_NS = "http://www.w3.org/2005/Atom"

# feedparser's canonical prefix per namespace URI ("" for RSS and Atom themselves).
_KNOWN_NAMESPACES: dict[str, str] = (
    {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
    if AVAILABLE
    else {}
)
_CANONICAL_PREFIXES = {prefix.lower() for prefix in _KNOWN_NAMESPACES.values() if prefix}
# Namespace URIs that make feedparser call an Atom document "rss10" or "rss090".
_RSS1_MARKERS = (b"purl.org/rss/1.0/", b"my.netscape.com/rdf/simple/0.9/")
_XMLNS = re.compile(rb"""xmlns(?::([^\s=/>]+))?\s*=\s*(["'])(.*?)\2""", re.DOTALL)
# Searched in the lower-cased document: a case-blind search scans ~10x slower.
_BASE_ATTRIBUTE = re.compile(rb"base\s*=")
_LANG_ATTRIBUTE = re.compile(rb"lang\s*=")

# Element names below are feedparser's: canonical prefix, "_", lower-cased local name.
_TITLES = frozenset({"title", "dc_title"})
_DESCRIPTIONS = frozenset({"description", "dc_description"})
_IDS = frozenset({"guid", "id"})
# Date elements and the key feedparser files each under: 0 published, 1 updated, 2 created
# (the order ``parse`` prefers them in); the last element of a key wins.
_DATES = {
    "pubdate": 0,
    "published": 0,
    "issued": 0,
    "dcterms_issued": 0,
    "updated": 1,
    "modified": 1,
    "lastbuilddate": 1,
    "dc_date": 1,
    "dcterms_modified": 1,
    "created": 2,
    "dcterms_created": 2,
}
# Elements with a feedparser handler that only files data under keys we never read
# (reviewed against feedparser 6.0: tags, authors, enclosures, media and rights).
_HARMLESS = frozenset(
    {
        "category",
        "dc_subject",
        "keywords",
        "author",
        "dc_creator",
        "dc_author",
        "name",
        "email",
        "uri",
        "url",
        "homepage",
        "contributor",
        "dc_contributor",
        "enclosure",
        "rights",
        "copyright",
        "dc_rights",
        "dc_publisher",
        "language",
        "dc_language",
        "media_content",
        "media_thumbnail",
        "media_group",
        "media_category",
        "media_keywords",
        "media_credit",
        "media_rating",
        "media_restriction",
        "media_license",
        "media_player",
    }
)
# Keys an element without a handler must not be filed under (parse reads them).
_RESERVED = frozenset(
    {
        "title",
        "title_detail",
        "content",
        "summary",
        "summary_detail",
        "link",
        "links",
        "id",
        "published",
        "published_parsed",
        "updated",
        "updated_parsed",
        "created",
        "created_parsed",
        "language",
        "ttl",
        "sy_updateperiod",
        "sy_updatefrequency",
    }
)
_FEED_HINTS = ("ttl", "sy_updateperiod", "sy_updatefrequency")
# Feed-level elements that would change feedparser's state for the entries after them.
_FEED_LEVEL_DENIED = frozenset(
    {
        "item",
        "entry",
        "content",
        "content_encoded",
        "fullitem",
        "body",
        "xhtml_body",
        "source",
        "rss",
        "feed",
        "channel",
        "language",
        "dc_language",
        *_FEED_HINTS,
    }
)
_IMAGE_CHILDREN = frozenset({"title", "link", "description", "url", "width", "height", "name"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_C1 = re.compile("[\x80-\x9f]")  # the code points feedparser maps as cp1252


class _Unsupported(Exception):
    """The document is outside the subset: let feedparser read it."""


class Entry(NamedTuple):
    """An entry as ``parse`` reads it, from any of the three readers: the values
    feedparser would give (after its repairs), not yet reduced to an Item."""

    title: str
    title_html: bool  # the title is HTML (else plain text)
    bodies: list[tuple[str, bool]]  # (value, is HTML): the first content, then the summary
    link: str | None  # as written (relative or absolute), None when there is none
    id: str | None  # guid / id as written
    dates: list[tuple[str, datetime | None]]  # (as written, its date): published, updated
    langs: list[str | None]  # the entry's own language tags (not the feed's), as written: the
    # first that is a language tag is its language


@dataclass(frozen=True)
class FastFeed:
    """Entries, and the feed fields ``parse`` reads in feedparser's shape (language, ttl,
    sy_updateperiod, sy_updatefrequency)."""

    entries: list[Entry]
    feed: dict[str, Any]


def read(body: bytes, headers: Mapping[str, str]) -> FastFeed | None:
    """The feed's entries with what feedparser would give, or None: use feedparser."""
    if not AVAILABLE:
        return None
    try:
        return _read(body, dict(headers))
    except _Unsupported:
        return None
    except Exception:  # a surprise on a hostile feed: feedparser's path still works
        log.debug("fast path gave up on an unexpected error", exc_info=True)
        return None


def _read(body: bytes, headers: dict[str, str]) -> FastFeed:
    if not body or "content-location" in headers:
        raise _Unsupported
    state: dict[str, Any] = {}
    data = convert_to_utf8(headers, body, state)
    if state.get("bozo") or not state.get("encoding"):
        raise _Unsupported  # an encoding feedparser had to override or guess
    lowered = data.lower()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or _BASE_ATTRIBUTE.search(lowered):
        raise _Unsupported
    _check_namespaces(data)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        recover=False,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _Unsupported from exc
    if len(parser.error_log):
        raise _Unsupported
    reader = _Reader(
        baselang=headers.get("content-language"),
        has_lang=_LANG_ATTRIBUTE.search(lowered) is not None,
    )
    if root.tag == "rss":
        reader.read_rss(root)
    elif root.tag == f"{{{ATOM_NS}}}feed":
        if any(marker in data for marker in _RSS1_MARKERS):
            raise _Unsupported
        reader.read_atom(root)
    else:
        raise _Unsupported
    if not reader.entries:
        raise _Unsupported  # feedparser decides what an empty document means
    return FastFeed(entries=reader.entries, feed=reader.feed)


def _check_namespaces(data: bytes) -> None:
    """Refuse documents where feedparser's prefix mapping is not the obvious one."""
    uri_of_prefix: dict[bytes, bytes] = {}
    prefix_of_unknown: dict[bytes, bytes] = {}
    for prefix, _, uri in _XMLNS.findall(data):
        lowered = uri.decode("utf-8", "replace").lower()
        if "backend.userland.com/rss" in lowered:
            raise _Unsupported
        canonical = _KNOWN_NAMESPACES.get(lowered)
        if not prefix:
            if canonical != "" and uri:  # an unknown default namespace
                raise _Unsupported
            continue
        key = prefix.lower()
        if uri_of_prefix.setdefault(key, uri) != uri:
            raise _Unsupported  # one prefix, two namespaces
        if canonical is None:
            if prefix_of_unknown.setdefault(uri, key) != key:
                raise _Unsupported  # one unknown namespace, two prefixes
            if key.decode("utf-8", "replace") in _CANONICAL_PREFIXES:
                raise _Unsupported  # e.g. xmlns:dc bound to something else
        elif key.decode("utf-8", "replace") != canonical.lower() and (
            key.decode("utf-8", "replace") in _CANONICAL_PREFIXES
        ):
            raise _Unsupported  # feedparser would remap that prefix everywhere


def _name(element: Any) -> str:
    """feedparser's name for an element: canonical prefix, "_", lower-cased local name."""
    tag = element.tag
    if tag[0] != "{":
        return str(tag).lower()
    uri, local = tag[1:].split("}", 1)
    prefix = _KNOWN_NAMESPACES.get(uri.lower())
    if prefix is None:
        prefix = element.prefix
        if not prefix:
            raise _Unsupported
    return f"{prefix}_{local}".lower() if prefix else local.lower()


def _attributes(element: Any) -> dict[str, str]:
    """The attribute dictionary feedparser's SAX handler builds for an element."""
    items = element.attrib.items()
    attrs: dict[str, str] = {}
    for name, value in items:
        if name[0] == "{":
            uri, local = name[1:].split("}", 1)
            prefix = _KNOWN_NAMESPACES.get(uri.lower(), "")
            name = f"{prefix}:{local}" if prefix else local
        attrs[name.lower()] = value
    for name, value in items:  # expat's qnames: the bare local name, written last
        attrs[name.rsplit("}", 1)[-1].lower()] = value
    return {key: value.lower() if key in ("rel", "type") else value for key, value in attrs.items()}


def _content_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(value, value)


def _is_generic(name: str) -> bool:
    """No feedparser handler: the element is filed under its own name and nothing else."""
    return (
        name not in _RESERVED
        and not hasattr(StrictFeedParser, f"_start_{name}")
        and not hasattr(StrictFeedParser, f"_end_{name}")
    )


def _elements(parent: Any) -> list[Any]:
    """Child elements, comments and processing instructions left out."""
    return [child for child in parent if isinstance(child.tag, str)]


def _leaf_text(element: Any) -> str:
    if len(element):  # child elements, comments or PIs: feedparser's markup handling
        raise _Unsupported
    return element.text or ""


class _Reader:
    def __init__(self, *, baselang: str | None, has_lang: bool) -> None:
        self.baselang = baselang
        self.has_lang = has_lang
        self.atom = False
        self.entries: list[Entry] = []
        self.feed: dict[str, Any] = {}

    # --- feed level ----------------------------------------------------------------

    def _root_lang(self, root: Any) -> str | None:
        # The header's language first, then the root's own (an empty one keeps the header's).
        if self.baselang:
            self.feed["language"] = self.baselang.replace("_", "-")
        lang = self._lang(root, self.baselang)
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        return lang

    def read_rss(self, root: Any) -> None:
        lang = self._root_lang(root)
        channels = _elements(root)
        if len(channels) != 1 or channels[0].tag != "channel":
            raise _Unsupported
        channel = channels[0]
        self._feed_children(channel, self._lang(channel, lang), entry_name="item")

    def read_atom(self, root: Any) -> None:
        self.atom = True
        lang = self._root_lang(root)
        self._feed_children(root, lang, entry_name="entry")

    def _feed_children(self, parent: Any, lang: str | None, *, entry_name: str) -> None:
        for child in _elements(parent):
            name = _name(child)
            child_lang = self._lang(child, lang)
            if name == entry_name:
                self.entries.append(self._entry(child, child_lang))
            elif name in ("language", "dc_language") or name in _FEED_HINTS:
                self.feed["language" if name == "dc_language" else name] = _finish(
                    _leaf_text(child)
                )
            elif name in ("image", "textinput"):
                for grandchild in _elements(child):
                    if _name(grandchild) not in _IMAGE_CHILDREN:
                        raise _Unsupported
                    _leaf_text(grandchild)
            else:
                self._check_feed_level(child)

    def _check_feed_level(self, element: Any) -> None:
        # A nested <language> or <ttl> would still be filed as the feed's own.
        for descendant in element.iter():
            if isinstance(descendant.tag, str) and _name(descendant) in _FEED_LEVEL_DENIED:
                raise _Unsupported

    # --- entries --------------------------------------------------------------------

    def _entry(self, item: Any, lang: str | None) -> Entry:
        """One entry, read as feedparser would file it (its keys and precedence noted)."""
        title: tuple[str, str, str | None] | None = None  # (value, type, language)
        summary: tuple[str, str | None, str | None] | None = None  # type None: from content
        contents: list[tuple[str, str, str | None]] = []
        link: str | None = None  # "link": set by <link>, else by a permalink guid
        guid: str | None = None
        written: list[str | None] = [None, None, None]  # published, updated, created
        seen: set[str] = set()
        for child in _elements(item):
            name = _name(child)
            child_lang = self._lang(child, lang) if self.has_lang else lang
            if name in _TITLES:
                self._once(seen, "title")
                title = self._content(child, "text/plain", child_lang)
            elif name in _DESCRIPTIONS or (name == "summary" and self.atom):
                self._once(seen, "summary")
                if summary is not None and not contents:
                    raise _Unsupported  # feedparser would read it as content
                default = "text/plain" if name == "summary" else "text/html"
                summary = self._content(child, default, child_lang)
            elif name == "content_encoded" or (name == "content" and self.atom):
                self._once(seen, "content")
                attrs = _attributes(child)
                if "src" in attrs:
                    raise _Unsupported
                default = "text/html" if name == "content_encoded" else "text/plain"
                declared = _content_type(attrs.get("type", default))
                value, kind, language = self._content(child, default, child_lang, attrs)
                contents.append((value, kind, language))
                if summary is None and declared in ("text/plain", *_HTML_TYPES):
                    summary = (value, None, None)  # a summary without a summary_detail
            elif name == "link":
                link = self._link(child, link)
            elif name in _IDS:
                self._once(seen, "id")
                is_link = not len(child.attrib) or (
                    _attributes(child).get("ispermalink", "true") == "true"
                )
                guid = _finish(_leaf_text(child), resolve=is_link)
                if is_link and link is None:
                    link = guid
            elif name in _DATES:
                written[_DATES[name]] = _finish(_leaf_text(child))
            elif name == "source" and not len(child):
                pass  # RSS <source url="...">name</source>: filed apart
            elif name in _HARMLESS or _is_generic(name):
                self._check_inside_entry(child)
            else:
                raise _Unsupported
        bodies = []
        if contents:
            bodies.append((contents[0][0], "html" in contents[0][1]))
        if summary is not None and summary[0]:
            bodies.append((summary[0], summary[1] is None or "html" in summary[1]))
        details = [*contents, summary, title]  # feedparser's *_detail, in parse's order
        return Entry(
            title="" if title is None else title[0],
            title_html=title is None or "html" in title[1],
            bodies=bodies,
            link=link,
            id=guid,
            dates=[_reading(value) for value in written if value is not None],
            langs=[detail[2] for detail in details if detail is not None and detail[2]],
        )

    def _check_inside_entry(self, element: Any) -> None:
        for descendant in element.iterdescendants():
            if not isinstance(descendant.tag, str):
                continue
            name = _name(descendant)
            if name not in _HARMLESS and not _is_generic(name):
                raise _Unsupported

    def _link(self, element: Any, link: str | None) -> str | None:
        """The entry's "link" after this <link> element (``link``: what it was before)."""
        attrs = _attributes(element) if len(element.attrib) else {}
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            attrs["href"] = href
        if "href" in attrs:
            if attrs["rel"] == "alternate" and _content_type(attrs["type"]) in _HTML_TYPES:
                return _urljoin_plain(attrs["href"])
            return link
        value = _finish(_leaf_text(element), resolve=True)
        if "&" in value:  # feedparser's repair of "?a=1&amp;b=2" written twice escaped
            value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value.replace("&amp;", "&"))
        return value

    def _content(
        self,
        element: Any,
        default: str,
        lang: str | None,
        attrs: dict[str, str] | None = None,
    ) -> tuple[str, str, str | None]:
        """(value, content type, language) of a title, summary or content element."""
        if attrs is None:
            attrs = _attributes(element) if len(element.attrib) else {}
        if "mode" in attrs:
            raise _Unsupported  # possibly base64
        content_type = _content_type(attrs.get("type", default))
        if not content_type.startswith("text/"):
            raise _Unsupported  # XHTML, base64 or something stranger
        value = _leaf_text(element).strip()
        if (
            not self.atom
            and content_type == "text/plain"
            and ("<" in value or "&" in value)  # what looks_like_html looks for
            and _FeedParserMixin.looks_like_html(value)
        ):
            content_type = "text/html"
        return _repair(value), content_type, lang.replace("_", "-") if lang else lang

    @staticmethod
    def _once(seen: set[str], field: str) -> None:
        if field in seen:
            raise _Unsupported  # feedparser's precedence between repeats is subtle
        seen.add(field)

    def _lang(self, element: Any, inherited: str | None) -> str | None:
        """xml:lang as feedparser tracks it: own attribute ("" clears it), else inherited."""
        if not self.has_lang:
            return inherited
        attrs = _attributes(element)
        lang = attrs.get("xml:lang", attrs.get("lang"))
        if lang == "":
            return None
        return inherited if lang is None else lang


@functools.lru_cache(maxsize=DATE_CACHE_SIZE)
def _reading(value: str) -> tuple[str, datetime | None]:
    """(the date as written, what it says: ours or feedparser's, ``dates.reading``),
    remembered: a feed polled without a 304 delivers the same dates again and again."""
    return dates.reading(value, dates.from_struct(_parse_date(value)))


def _finish(text: str, *, resolve: bool = False) -> str:
    """feedparser's post-processing of a plain value (its ``pop``)."""
    value = text.strip()
    if resolve and value:
        value = _urljoin_plain(value)
    return _repair(value)


def _urljoin_plain(uri: str) -> str:
    """feedparser's ``_urljoin("", uri)``: the URI with extra slashes after "scheme://"
    dropped (urljoin against no base returns it as it is), so without ":///" unchanged."""
    return _urljoin("", uri) if ":///" in uri else uri


def _repair(value: str) -> str:
    # feedparser undoes UTF-8 read as Latin-1, then maps cp1252's C1 code points;
    # both leave ASCII alone.
    if value.isascii():
        return value
    try:
        repaired = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        repaired = value
    if _C1.search(repaired) is None:  # nothing for the mapping to change: skip its scan
        return repaired
    return repaired.translate(_cp1252)
