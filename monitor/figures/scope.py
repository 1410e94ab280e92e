"""Whose soldiers and where: the nationality named around a count ("North Korean",
"russische") and the place named in its clause ("Kursk", "in Russland"), so that figures
about different forces or places are not compared. A nationality that names the source
("nach ukrainischen Angaben", "по украинским данным") says nothing about whose.
"""

from __future__ import annotations

import re

from monitor.figures.clauses import clause_span

# Whose soldiers: a nationality word in the counted phrase or right around it.
_SCOPE_WHOSE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "north_korean",
        re.compile(
            r"nordkorean|north[- ]korean|северокорейск|\bкндр\b|북한군|북한\s?(?:병|군|노동)|dprk\b"
            r"|pyongyang's|\baus nordkorea|\bfrom north korea|\bиз кндр|\bиз северной кореи",
            re.I,
        ),
    ),
    # "in die russische Region Kursk", "Russia's Kursk region" name a place, not whose
    (
        "russian",
        re.compile(
            r"\brussisch(?!\w*\s+(?:region|grenzregion|gebiet|territorium))"
            r"|\brussian\b(?!\s+(?:region|territory|soil))|\bроссийск(?!\w*\s+(?:област|территор))"
            r"|러시아군|러시아\s?병",
            re.I,
        ),
    ),
    ("ukrainian", re.compile(r"ukrainisch|ukrainian|украинск|우크라이나군|우크라이나\s?병", re.I)),
)
# Where: the place named in the clause. Kursk lies in Russia; the two are compatible.
_SCOPE_WHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kursk", re.compile(r"kursk|курск|쿠르스크", re.I)),
    ("ukraine", re.compile(r"\bin der ukraine\b|\bin ukraine\b|\bна украин|우크라이나에서", re.I)),
    (
        "russia",
        re.compile(
            r"\b(?:nach|in) (?:ganz )?russland\b|\b(?:to|in) russia\b|\bв(?:о всей)? росси"
            r"|러시아에|러시아로|러시아 전체",
            re.I,
        ),
    ),
)
# A source named by its nationality is not whose soldiers are counted: "nach ukrainischen
# Angaben ... 300 gefallen" are not Ukrainian dead. These phrases are blanked first.
_SOURCE_PHRASE = re.compile(
    r"\b(?:nach|laut)\s+(?:den\s+|dem\s+|der\s+|des\s+)?[^\W\d_]+(?:en|er|em|es)\s+(?:angaben"
    r"|schätzung\w*|erkenntniss\w*|informationen|quellen|geheimdienst\w*|militär\w*|regierung\w*"
    r"|behörde\w*|armee\w*|generalstab\w*|streitkräfte\w*|nachrichtendienst\w*|medien"
    r"|berichte\w*|militärs)\b"
    r"|\b[^\W\d_]+(?:en|er)\s+(?:angaben|quellen|medien|berichten|schätzungen)\s+zufolge\b"
    r"|\baccording\s+to\s+(?:the\s+)?[^\W\d_]+(?:\s+[^\W\d_]+)?\s+(?:intelligence|officials"
    r"|sources|estimates?|media|military|general\s+staff|government|ministry|army|authorities)\b"
    r"|\b(?:ukrainian|russian|south\s+korean)\s+(?:officials|intelligence|sources|estimates"
    r"|media|military|general\s+staff)\s+(?:said|say|says|estimated?|claimed?|reported)\b"
    r"|\bпо\s+[а-яё]+(?:им|ым)\s+(?:данным|оценкам|сведениям|информации)"
    r"|\bпо\s+(?:данным|оценкам|словам|информации|сведениям)\s+[а-яё]+(?:ой|ого|их|ых)\s+[а-яё]+"
    r"|[가-힣]+(?:\s[가-힣]+){0,2}에\s?따르면|[가-힣]+(?:\s[가-힣]+){0,2}\s?(?:측은|당국은)",
    re.I,
)
_SCOPE_REACH = 25  # characters of the clause before the number searched for "whose"
_SCOPE_AFTER = 25  # ... and after the counted phrase ("Soldaten aus Nordkorea")


def whose_and_where(
    text: str, start: int, end: int, neighbours: tuple[int, int]
) -> tuple[str | None, str | None]:
    """(whose, where) for the count at text[start:end]: a nationality named near it and a
    place named in its clause, neither beyond the neighbouring numbers; None if unnamed."""
    clause_start, clause_end = clause_span(text, start, end)
    text = _without_sources(text, clause_start, clause_end)
    left = max(clause_start, neighbours[0], start - _SCOPE_REACH)
    right = min(clause_end, neighbours[1])
    near = text[left:end] + " " + text[end : min(right, end + _SCOPE_AFTER)]
    whose = next((name for name, pattern in _SCOPE_WHOSE if pattern.search(near)), None)
    clause = text[max(clause_start, neighbours[0]) : right]
    where = next((name for name, pattern in _SCOPE_WHERE if pattern.search(clause)), None)
    return whose, where


def where_named(segment: str) -> str | None:
    """The place a stretch of text names ("and in Russia as a whole at"), or None."""
    return next((name for name, pattern in _SCOPE_WHERE if pattern.search(segment)), None)


def _without_sources(text: str, start: int, end: int) -> str:
    """``text`` with the source phrases of text[start:end] blanked (offsets kept)."""
    spans = [m.span() for m in _SOURCE_PHRASE.finditer(text, start, end)]
    if not spans:
        return text
    chars = list(text)
    for s_start, s_end in spans:
        chars[s_start:s_end] = " " * (s_end - s_start)
    return "".join(chars)
