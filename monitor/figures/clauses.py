"""How far the context of a number reaches: its clause, its sentence, the word tokens after it.

A clause ends at a semicolon, colon, bracket, line break, spaced dash, a comma that groups
no digits or a full stop; a sentence ends at a line break or at ".", "!" or "?" before a
capital letter or digit, unless the dot ends an abbreviation ("ca.", "Mio.") or a German
ordinal date ("4. Juni"), which is why the month names live here too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

MONTHS = (
    r"januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november"
    r"|dezember|january|february|march|may|june|july|october|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dez|dec"
    r"|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)

MONTH_AFTER = re.compile(rf"^\.?\s+(?:{MONTHS})\b", re.I)

_TOKEN = re.compile(r"[^\S\n]*(?:(?P<w>[^\W\d_][\w'’\-]*)|(?P<p>\S))")
# A single line break before a lower-case word, or between a number and its Korean counter
# ("1만1천\n명이"), is a hard wrap inside the sentence: it ends neither clause nor sentence.
_LINE_BREAK = r"\n(?!(?<!\n\n)[^\S\n]*[a-zäöüßа-яё])(?!(?<=[\d천만백십]\n)[^\S\n]*[명발개대])"
_CLAUSE_BREAK = re.compile(rf"[;:!?()]|{_LINE_BREAK}|,(?!\d)|\.(?![\d\w])|\s[–—]\s")
_SENTENCE_BREAK = re.compile(rf"{_LINE_BREAK}|[.!?](?=[\"“”»’)]?\s+[\"„“«(]?[A-ZÄÖÜА-ЯЁ\d가-힣])")
_ABBREVIATIONS = frozenset(
    {
        "ca",
        "mio",
        "mrd",
        "nr",
        "dr",
        "st",
        "bzw",
        "vgl",
        "mr",
        "mrs",
        "ms",
        "no",
        "jan",
        "feb",
        "aug",
        "sept",
        "okt",
        "oct",
        "nov",
        "dez",
        "dec",
        "z.b",
        "u.a",
        "u.s",
        "tsd",
        "prof",
        "gen",
        "approx",
        "sen",
        "rep",
        "gov",
        "тыс",
        "млн",
        "млрд",
        "г",
    }
)


def tokens_after(text: str, pos: int, limit: int) -> list[tuple[str, int, int]]:
    """Up to ``limit`` tokens from pos: (word or "" for punctuation/digit, start, end)."""
    out: list[tuple[str, int, int]] = []
    while len(out) < limit:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        word = m.group("w") or ""
        out.append((word, m.start("w") if word else m.start("p"), m.end()))
        if not word:
            break
        pos = m.end()
    return out


def next_word(tokens: list[tuple[str, int, int]], i: int) -> str:
    """The word after token i, lower-cased; "" at the end."""
    return tokens[i + 1][0].lower() if i + 1 < len(tokens) else ""


CLAUSE_REACH = 300  # the most a clause reaches from its number, each way
SENTENCE_REACH = 600  # the most a sentence reaches from a position, each way


@lru_cache(maxsize=4096)  # one number's clause is asked for by several rules
def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the clause around text[start:end], at most CLAUSE_REACH characters
    each way.

    The breaks of a text are found once (``_clause_breaks``) and looked up; only the few
    characters next to where the original search window ends (where a break's look-ahead
    would see past it) are searched again, so the result is that of the search itself
    (``_clause_span_scan``), which also answers what the lookup cannot.
    """
    if not 0 <= start <= end <= len(text):
        return _clause_span_scan(text, start, end)
    left = max(0, start - CLAUSE_REACH)
    starts, chain_starts, chain_ends = _clause_breaks(text)
    # the breaks a search from ``left`` meets are those of the whole text from ``left`` on,
    # unless one of the latter began before ``left`` and ran past it (" – ")
    i = bisect_left(chain_starts, left) - 1
    if i >= 0 and chain_ends[i] > left:
        return _clause_span_scan(text, start, end)
    settled = _clause_settled(text, start)
    j = bisect_left(chain_starts, max(settled, left)) - 1
    clause_start, resume = left, left
    if j > i:  # the last break that starts in [left, settled)
        clause_start = resume = chain_ends[j]
    for found in _CLAUSE_BREAK.finditer(text, max(resume, settled, left), start):
        clause_start = found.end()
    limit = min(len(text), end + CLAUSE_REACH)
    settled = _clause_settled(text, limit)
    k = bisect_left(starts, end)
    if k < len(starts) and starts[k] < settled:
        return clause_start, starts[k]
    m = _CLAUSE_BREAK.search(text, max(end, settled), limit)
    return clause_start, (m.start() if m else limit)


def _clause_span_scan(text: str, start: int, end: int) -> tuple[int, int]:
    """``clause_span`` by searching the text around the number."""
    left = max(0, start - CLAUSE_REACH)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, left, start)]
    clause_start = breaks[-1] if breaks else left
    m = _CLAUSE_BREAK.search(text, end, min(len(text), end + CLAUSE_REACH))
    return clause_start, (m.start() if m else min(len(text), end + CLAUSE_REACH))


@lru_cache(maxsize=4096)
def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence around pos, at most SENTENCE_REACH characters each
    way; a dot that ends an abbreviation or a German ordinal date ends no sentence.

    As ``clause_span``: the breaks of a text are found once and looked up, and the result
    is that of searching around pos (``_sentence_span_scan``).
    """
    if not 0 <= pos <= len(text):
        return _sentence_span_scan(text, pos)
    breaks = _sentence_breaks(text)
    left = max(0, pos - SENTENCE_REACH)
    limit = min(len(text), pos + 1)
    settled = _sentence_settled(text, limit)
    i = bisect_left(breaks, min(settled, pos)) - 1
    start = breaks[i] + 1 if i >= 0 and breaks[i] >= left else left
    for m in _SENTENCE_BREAK.finditer(text, max(settled, left), limit):
        if m.start() < pos and not _is_abbreviation(text, m.start()):
            start = m.end()
    end = min(len(text), pos + SENTENCE_REACH)
    settled = _sentence_settled(text, end)
    k = bisect_left(breaks, pos)
    if k < len(breaks) and breaks[k] < settled:
        return start, breaks[k]
    for m in _SENTENCE_BREAK.finditer(text, max(pos, settled), end):
        if not _is_abbreviation(text, m.start()):
            return start, m.start()
    return start, end


def _sentence_span_scan(text: str, pos: int) -> tuple[int, int]:
    """``sentence_span`` by searching the text around pos."""
    left = max(0, pos - SENTENCE_REACH)
    start = left
    # One character past pos, so the break's lookahead sees a sentence that opens at pos
    # ("... on Tuesday. 300 soldiers"): such a count belongs to its own sentence.
    for m in _SENTENCE_BREAK.finditer(text, left, min(len(text), pos + 1)):
        if m.start() < pos and not _is_abbreviation(text, m.start()):
            start = m.end()
    end = min(len(text), pos + SENTENCE_REACH)
    for m in _SENTENCE_BREAK.finditer(text, pos, end):
        if not _is_abbreviation(text, m.start()):
            end = m.start()
            break
    return start, end


# Whether a break matches at a position depends on the characters after it that its
# look-aheads read, and a search that ends early reads fewer. A clause break reads spaces
# (not line breaks) and one more character, or at most two characters beyond its first
# (" – "); a sentence break spaces, quotes and brackets, and one more. A break that starts
# before the position ``_*_settled`` gives is read alike by a search that ends at ``limit``
# and by one over the whole text.
_QUOTES = frozenset('"“”»’)„«(')


def _clause_settled(text: str, limit: int) -> int:
    pos = limit - 1
    while pos >= 0 and text[pos] != "\n" and text[pos].isspace():
        pos -= 1
    return min(pos, limit - 2)


def _sentence_settled(text: str, limit: int) -> int:
    pos = limit - 1
    while pos >= 0 and (text[pos].isspace() or text[pos] in _QUOTES):
        pos -= 1
    return pos


# Every position a clause break matches at (a look-ahead, so overlapping ones too)
_CLAUSE_AT = re.compile(rf"(?=({_CLAUSE_BREAK.pattern}))")


@lru_cache(maxsize=16)
def _clause_breaks(text: str) -> tuple[list[int], list[int], list[int]]:
    """Where clause breaks match in ``text`` (each position), and the breaks a search from
    the start finds one after the other: (positions, their starts, their ends)."""
    starts, chain_starts, chain_ends = [], [], []
    resume = 0
    for m in _CLAUSE_AT.finditer(text):
        start, end = m.span(1)
        starts.append(start)
        if start >= resume:
            chain_starts.append(start)
            chain_ends.append(end)
            resume = end
    return starts, chain_starts, chain_ends


@lru_cache(maxsize=16)
def _sentence_breaks(text: str) -> list[int]:
    """Where sentences end in ``text`` (one character each), abbreviations left out."""
    return [
        m.start() for m in _SENTENCE_BREAK.finditer(text) if not _is_abbreviation(text, m.start())
    ]


_WORD_BEFORE = re.compile(r"([\w.]+)$")  # compiled once: asked at every sentence break


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1).lower()
    if token.isdigit():  # "4. Juni" is a date, "sent 6.000." ends a sentence
        return bool(MONTH_AFTER.match(text[dot : dot + 15]))
    return token in _ABBREVIATIONS
