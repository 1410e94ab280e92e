"""Pure text helpers for what comes from outside: control characters, tracking links.

Feed text is stripped of terminal escape sequences and control characters at the door
(``monitor.feeds.parse``) and again wherever it is printed (``monitor.ui.render``), so that a
feed cannot drive the terminal of whoever reads its items. Links lose the query
parameters that only track the reader: for an item's identity (``canonical_url``) and
in alerts (``without_tracking``). An entry whose guid or link its feed repeats is known
by its link, title and date instead (``composite_key``, issue 14); an entry without a
title is given the start of its text (``title_from_text``).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; two links differing in them are one article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "_ga",
        "_gl",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "wt_mc",
        "wt.mc_id",
        "ito",
        "xtor",
        "ref_src",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEMES = frozenset({"http", "https"})

# A composite key is the canonical link, this mark, and a digest of title and date.
# canonical_url drops fragments, so no plain link key ever contains it.
COMPOSITE_MARK = "#~"
# A title made from a text is its first sentence, or its opening cut at a word boundary
# when that sentence is longer: about what a headline holds.
MADE_TITLE_CHARS = 80
# ...and holds at least this many characters: "Dr. Smith said" is not a sentence "Dr".
MADE_TITLE_MIN_CHARS = 12
# A sentence ends at ., ! or ? (or a closing quote after one) before a space and a
# character that is not a lower-case letter, and not after a one-letter word: "3.5 km",
# "U.S. Army" and "J. Smith" do not end one.
_SENTENCE_END = re.compile(r"(?<!\b\w)[.!?…][\"'»”)]*(?=\s+[^\sa-zа-яё]|\s*$)")

# ANSI/VT escape sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ESC \", and
# two-byte "ESC X"), their one-character C1 forms (CSI U+009B, OSC U+009D, which some
# terminals honour), and every C0/C1 control except newline and tab.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -~]?"  # any other escape, and a lone ESC
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode bidi controls (embeddings, overrides, isolates, marks): one in a title reverses
# the rest of its line on a screen or in a message ("Trojan Source", CVE-2021-42574).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# What monitor's own output may send a terminal: SGR sequences (colours, bold), which
# rich writes on a terminal; every other escape, control and bidi control is dropped.
_SGR = r"\x1b\[[0-9;]*m"
_NOT_OUTPUT = re.compile(
    f"({_SGR})|{_ESCAPE_SEQUENCE.pattern}|[\x00-\x08\x0b-\x1f\x7f-\x9f]|{_BIDI.pattern}"
)
# Every character that starts something safe_output removes (escapes begin with one).
_ANY_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI.pattern[1:-1]}]")
# In JSON, these are kept but escaped (\u202e): C1 controls, bidi controls, and the line
# and paragraph separators (valid JSON, but line breaks to JavaScript and some viewers).
_JSON_ESCAPED = re.compile(f"[\x7f-\x9f\u2028\u2029]|{_BIDI.pattern}")
# In a log line: every control but tab, and bidi controls, shown as escapes (\x1b).
_LOG_ESCAPED = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f]|{_BIDI.pattern}")


def safe_output(text: str, colours: bool = False) -> str:
    """``text`` as it may reach a terminal or pipe: escape sequences (SGR too unless
    ``colours``), C0 controls but newline and tab, C1 controls and bidi controls dropped.

    The last line of defence on stdout and stderr (``OutputFilter``): what is printed
    was cleaned where it was made, and anything that slipped through stops here."""

    if _ANY_UNSAFE.search(text) is None:  # most output: one scan of a character class
        return text

    def kept(match: re.Match[str]) -> str:
        return match.group(0) if colours and match.group(1) else ""

    return _NOT_OUTPUT.sub(kept, text)


def json_escaped(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with C1 and bidi
    controls and U+2028/U+2029 written as ``\\uXXXX`` escapes: the same data, harmless
    on a terminal. They can only occur inside JSON strings, so escaping them is safe."""
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def visible(text: str) -> str:
    """Controls (newlines too, but not tabs) and bidi controls written as escapes
    (``\\x1b``, ``\\n``, ``\\u202e``): for a log line, which must stay one line and
    show what a hostile input held rather than obey it."""

    def escaped(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return "\\n" if code == 10 else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _LOG_ESCAPED.sub(escaped, text)


def clean_text(text: str) -> str:
    """Escape codes and controls removed, whitespace collapsed per line, no empty lines."""
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strip_controls(text: str) -> str:
    """Terminal escape sequences and C0/C1 control characters removed; keeps \\n and \\t."""
    if _CONTROL.search(text) is None:  # every escape sequence starts with a control
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment, default port or host case."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.netloc.rsplit('@', 1)[0]}@{host}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(key)
        ],
        doseq=True,
    )
    return urlunsplit((scheme, host, parts.path or ("/" if host else ""), query, ""))


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host and no white space: a link a reader can open."""
    if not value or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def composite_key(url: str | None, title: str, date: str) -> str:
    """An entry's key from its link, title and date (``date``: as written, "" for none),
    for entries whose guid or link their feed gives to several (issue 14)."""
    digest = hashlib.sha1(f"{title}\n{date}".encode()).hexdigest()[:16]
    return f"{canonical_url(url) if url else ''}{COMPOSITE_MARK}{digest}"


def keyed_by_link(guid: str, url: str | None) -> bool:
    """Whether an item's key comes from its link (it had no guid of its own, or one its
    feed repeated), not from a guid the feed vouches for."""
    if url is None:
        return False
    link = canonical_url(url)
    return guid == link or guid.startswith(link + COMPOSITE_MARK)


def title_from_text(text: str) -> str:
    """A title for an entry that has none: the first sentence of ``text`` without its
    full stop, or, when that is longer than MADE_TITLE_CHARS, its opening cut at a word
    boundary with an ellipsis. "" for an empty text."""
    first = text.strip().split("\n", 1)[0].strip()
    end = _SENTENCE_END.search(first, MADE_TITLE_MIN_CHARS)
    sentence = first[: end.end()].strip() if end else first
    if len(sentence) <= MADE_TITLE_CHARS:
        return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence
    cut = sentence[: MADE_TITLE_CHARS - 1]
    if sentence[MADE_TITLE_CHARS - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # no half words
    return cut.rstrip(" ,;:-–—") + "…"


def without_tracking(url: str) -> str:
    """The URL with its tracking parameters removed and everything else as it was."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if not _is_tracking(key)]
    if len(kept) == len(pairs):
        return url  # nothing to remove: leave its encoding untouched
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def counted(n: int, noun: str) -> str:
    """ "1 alert", "2 alerts": a count in words for summaries and messages."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def clean(value: object, width: int | None = None) -> str:
    """Text safe to print: escape sequences, control characters and bidi controls dropped,
    whitespace collapsed, maybe shortened. The parser already cleans what feeds send; this
    also covers whatever reached the database another way."""
    text = _BIDI.sub("", str(value if value is not None else ""))
    text = " ".join(strip_controls(text).split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text
