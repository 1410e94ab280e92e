"""Whose soldiers and where: the nationality named around a count ("North Korean",
"russische") and the place named in its clause ("Kursk", "in Russland"), so that figures
about different forces or places are not compared.
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
            r"\b(?:nach|in) russland\b|\b(?:to|in) russia\b|\bв росси|러시아에|러시아로", re.I
        ),
    ),
)
_SCOPE_REACH = 25  # characters of the clause before the number searched for "whose"
_SCOPE_AFTER = 25  # ... and after the counted phrase ("Soldaten aus Nordkorea")


def whose_and_where(
    text: str, start: int, end: int, neighbours: tuple[int, int]
) -> tuple[str | None, str | None]:
    """(whose, where) for the count at text[start:end]: a nationality named near it and a
    place named in its clause, neither beyond the neighbouring numbers; None if unnamed."""
    clause_start, clause_end = clause_span(text, start, end)
    left = max(clause_start, neighbours[0], start - _SCOPE_REACH)
    right = min(clause_end, neighbours[1])
    near = text[left:end] + " " + text[end : min(right, end + _SCOPE_AFTER)]
    whose = next((name for name, pattern in _SCOPE_WHOSE if pattern.search(near)), None)
    clause = text[max(clause_start, neighbours[0]) : right]
    where = next((name for name, pattern in _SCOPE_WHERE if pattern.search(clause)), None)
    return whose, where
