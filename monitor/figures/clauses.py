"""How far the context of a number reaches: its clause, its sentence, the word tokens after it.

A clause ends at a semicolon, colon, bracket, line break, spaced dash, a comma that groups
no digits or a full stop; a sentence ends at a line break or at ".", "!" or "?" before a
capital letter or digit, unless the dot ends an abbreviation ("ca.", "Mio.") or a German
ordinal date ("4. Juni"), which is why the month names live here too.
"""

from __future__ import annotations

import re

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


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the clause around text[start:end], at most 300 characters each way."""
    left = max(0, start - 300)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, left, start)]
    clause_start = breaks[-1] if breaks else left
    m = _CLAUSE_BREAK.search(text, end, min(len(text), end + 300))
    return clause_start, (m.start() if m else min(len(text), end + 300))


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence around pos, at most 600 characters each way; a dot
    that ends an abbreviation or a German ordinal date ends no sentence."""
    left = max(0, pos - 600)
    start = left
    # One character past pos, so the break's lookahead sees a sentence that opens at pos
    # ("... on Tuesday. 300 soldiers"): such a count belongs to its own sentence.
    for m in _SENTENCE_BREAK.finditer(text, left, min(len(text), pos + 1)):
        if m.start() < pos and not _is_abbreviation(text, m.start()):
            start = m.end()
    end = min(len(text), pos + 600)
    for m in _SENTENCE_BREAK.finditer(text, pos, end):
        if not _is_abbreviation(text, m.start()):
            end = m.start()
            break
    return start, end


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1).lower()
    if token.isdigit():  # "4. Juni" is a date, "sent 6.000." ends a sentence
        return bool(MONTH_AFTER.match(text[dot : dot + 15]))
    return token in _ABBREVIATIONS
