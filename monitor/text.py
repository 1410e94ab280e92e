"""Pure text helpers for what comes from outside: control characters, tracking links.

Feed text is stripped of terminal escape sequences and control characters at the door
(``monitor.feeds.parse``) and again wherever it is printed (``monitor.ui.render``), so that a
feed cannot drive the terminal of whoever reads its items. Links lose the query
parameters that only track the reader: for an item's identity (``canonical_url``) and
in alerts (``without_tracking``).
"""

from __future__ import annotations

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
    """Text safe to print: escape sequences and control characters dropped, whitespace
    collapsed, maybe shortened. The parser already cleans what feeds send; this also
    covers whatever reached the database another way."""
    text = " ".join(strip_controls(str(value if value is not None else "")).split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text
