"""HTML to plain text: one line per block, no markup, page furniture left out.

``html_to_text`` is what every HTML title, summary and content of a feed goes through.
Its meaning is defined by ``html.parser`` (``_TextExtractor``): a line break at each
block element's start and end tag, nothing inside script, style, nav and the other
``SKIPPED_ELEMENTS``, white space collapsed outside ``<pre>``, character references as
``html.unescape`` reads them.

html.parser costs ~0.1 ms for a 400-character description, most of it in Python per
tag and attribute. Most descriptions are simple markup: complete tags with plainly
written attributes, comments, and text without a stray ``<``. For those, one C-level
regular expression (``_MARKUP``) finds exactly the tags and text runs html.parser would
find (the same ``unescape`` of each run between two tags, the same tag names, the same
start, end and self-closing events), and the same handlers run over them: the same
text for a fraction of the cost. Anything else (a ``<`` that is no complete tag, an
attribute written loosely, a declaration, CDATA, a processing instruction, and the
elements whose content html.parser reads raw in some Python version: script, style,
textarea, title, ...) goes to html.parser itself. A test compares both on feedparser's
corpus and on generated markup.

lxml's HTML parser was measured too: it repairs the tree (a stray ``</div>`` vanishes, a
``<p>`` is closed for you), so its text differs from today's where real feeds differ,
and an item whose text changes is an update of the stored item.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from monitor.text import clean_text

__all__ = ["BLOCK_ELEMENTS", "SKIPPED_ELEMENTS", "html_to_text"]

# Elements whose text is page furniture or code, never article text.
SKIPPED_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "noscript",
        "head",
        "template",
        "svg",
        "iframe",
        "select",
        "button",
    }
)
# Elements that start a new line of text.
BLOCK_ELEMENTS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_WHITESPACE = re.compile(r"\s+")

# --- the fast reading ----------------------------------------------------------------
# Elements html.parser reads as raw text in some Python version (3.11: script and style;
# later releases: also textarea, title, xmp, iframe, noembed, noframes, noscript,
# plaintext): their content is not markup there, so markup containing them is left to
# html.parser itself.
_RAW_TEXT = frozenset(
    {
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
    }
)
_SPACE = "[ \t\n\r\f]"  # HTML's white space; html.parser's \s takes more, never less
# A start tag, an end tag or a comment, each written plainly: a subset of what
# html.parser accepts, on which it finds the same tag name, the same end of the tag and
# the same kind of event (start, self-closing, end). An unquoted attribute value never
# ends next to "/" (html.parser would take "/>" into the value).
_MARKUP = re.compile(
    rf"""<(?:
        ([a-zA-Z][a-zA-Z0-9]*)                                  # 1: start tag name
        (?:{_SPACE}+[a-zA-Z_:][-a-zA-Z0-9_:.]*                  # attribute name
            (?:{_SPACE}*={_SPACE}*
                (?:"[^"]*"|'[^']*'|[^ \t\n\r\f"'=<>`/]+(?=[ \t\n\r\f>]))
            )?
        )*
        {_SPACE}*(/?)>                                          # 2: self-closing
      | /([a-zA-Z][a-zA-Z0-9]*){_SPACE}*>                       # 3: end tag name
      | !--(?![>-])(?:[^-]|-(?!-))*-->                          # a comment
    )""",
    re.VERBOSE,
)


def html_to_text(html: str) -> str:
    """Readable text from an HTML fragment or page: one line per block, no markup.

    Never raises: on a parser failure the tags are dropped by a regular expression.
    """
    if "<" not in html and "&" not in html:
        # No markup and no references: what the parser would do, minus its cost.
        return clean_text(_collapsed(html))
    text = _plain_markup_text(html)
    if text is None:
        extractor = _TextExtractor()
        try:
            extractor.feed(html)
            extractor.close()
            text = "".join(extractor.parts)
        except Exception:  # html.parser is lenient, but this runs on untrusted input
            text = re.sub(r"<[^>]*>", " ", html)
    return clean_text(text)


def _plain_markup_text(html: str) -> str | None:
    """What ``_TextExtractor`` collects from ``html``, found by ``_MARKUP``; None when the
    markup is not plain (see the module docstring): html.parser reads it then."""
    parts: list[str] = []
    skipping = preformatted = 0
    position = 0
    for match in _MARKUP.finditer(html):
        start = match.start()
        if start > position:
            run = html[position:start]
            if "<" in run:
                return None  # a "<" that is not plain markup
            if not skipping:
                run = unescape(run)
                parts.append(run if preformatted else _collapsed(run))
        position = match.end()
        opened, self_closing, closed = match.groups()
        if opened is not None:
            tag = opened.lower()
            if tag in _RAW_TEXT:
                return None
            if self_closing:  # <br/>, <hr/>; a self-closed <nav/> hides nothing
                if tag in BLOCK_ELEMENTS:
                    parts.append("\n")
                continue
            if tag == "pre":
                preformatted += 1
            if tag in SKIPPED_ELEMENTS:
                skipping += 1
            elif tag == "body":  # an unclosed <head> (allowed in HTML) ends here
                skipping = 0
            elif tag in BLOCK_ELEMENTS:
                parts.append("\n")
        elif closed is not None:
            tag = closed.lower()
            if tag in _RAW_TEXT:
                return None
            if tag == "pre":
                preformatted = max(0, preformatted - 1)
            if tag in SKIPPED_ELEMENTS:
                skipping = max(0, skipping - 1)
            elif tag in BLOCK_ELEMENTS:
                parts.append("\n")
    run = html[position:]
    if "<" in run:
        return None
    if run and not skipping:
        run = unescape(run)
        parts.append(run if preformatted else _collapsed(run))
    return "".join(parts)


def _collapsed(data: str) -> str:
    """White space in ``data`` as one space each, as far as ``clean_text`` after it can
    tell: a text without white space other than " " is left as it is (``clean_text``
    collapses spaces; other white space, line breaks and controls among it, must be
    spaces before it strips controls and splits lines)."""
    return data if data.isprintable() else _WHITESPACE.sub(" ", data)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0  # depth inside SKIPPED_ELEMENTS
        self._preformatted = 0  # depth inside <pre>, where line breaks are content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._preformatted += 1
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        elif tag == "body":  # an unclosed <head> (allowed in HTML) ends here
            self._skipping = 0
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_ELEMENTS:  # <br/>, <hr/>; a self-closed <nav/> hides nothing
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._preformatted = max(0, self._preformatted - 1)
        if tag in SKIPPED_ELEMENTS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        # Outside <pre>, a line break in the source is just a space; blocks make lines.
        self.parts.append(data if self._preformatted else _WHITESPACE.sub(" ", data))
