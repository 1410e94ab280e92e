"""Coordinated counts: two counts joined by "and" share what only one of them says.

"200 Nordkoreaner und 150 Russen sind gefallen": the verb after the second speaks for both;
"погибли 150 северокорейцев и 90 россиян": the verb before the first does; "45 North Korean
and 30 Russian soldiers": the noun said once counts both (the first keeps its nationality).
A verb right before the second count is its own ("killed 70 ... and wounded 110", read in
``context.refine``) and is not shared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from monitor.figures.clauses import sentence_span
from monitor.figures.context import casualty_kind, counted
from monitor.figures.lexicon import (
    CASUALTIES,
    CASUALTY_BEFORE,
    DESTROYED_BEFORE,
    PEOPLE,
    PERSONNEL,
    Vocabulary,
)
from monitor.figures.numbers import Num
from monitor.figures.patterns import search_end
from monitor.figures.scope import whose_named
from monitor.types import Figure

# The first count's words (at most two: a noun or a nationality), then the conjunction.
_JOINED = re.compile(
    r"\s*(?P<np>(?:[^\W\d_]+\s+){0,2}?)(?:,\s*)?(?:and|und|sowie|oder|or|или|и|а\s+также)\s+$",
    re.I,
)


def share(
    text: str,
    read: list[Figure],
    numbers: Sequence[tuple[Num, bool]],
    lang: str,
    vocab: Vocabulary,
) -> list[Figure]:
    """``read`` (index-aligned with ``numbers``) with coordinated counts completed."""
    out = list(read)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        num_a, num_b = numbers[i][0], numbers[i + 1][0]
        if num_a.form in ("date", "time", "year?", "decimal") or num_b.form in (
            "date",
            "time",
            "year?",
            "decimal",
        ):
            continue
        joined = _JOINED.fullmatch(text, num_a.end, b.start) if num_a.end <= b.start else None
        if joined is None or sentence_span(text, num_a.start) != sentence_span(text, b.start):
            continue
        np = joined.group("np")
        own_b = casualty_kind(text[num_b.end : b.end]) if b.claim in CASUALTIES else None
        a_people = a.claim in PERSONNEL or (
            a.claim is None and bool(np) and _people(text, num_a, lang, vocab)
        )
        if a.claim is None and b.claim is not None and np and whose_named(np) is not None:
            # "45 North Korean and 30 Russian soldiers": the noun said once
            a = replace(a, claim=b.claim, scope=whose_named(np), place=a.place or b.place)
            before = _verb_before(text, a.start)
            if before is not None and b.claim in PERSONNEL:
                a = replace(a, claim=before)
        elif own_b is not None and a_people:
            # "200 Nordkoreaner und 150 Russen gefallen": the verb after both
            scope = a.scope or whose_named(np)
            a = replace(a, claim=b.claim, scope=scope, place=a.place or b.place)
        b_people = b.claim in PERSONNEL or (b.claim is None and _people(text, num_b, lang, vocab))
        if a.claim in CASUALTIES and b_people and _verb_before(text, a.start) == a.claim:
            # "погибли 150 северокорейцев и 90 россиян": the verb before both
            b = replace(b, claim=a.claim, place=b.place or a.place)
            if b.scope is None:
                b = replace(b, scope=whose_named(text[num_b.end : num_b.end + 30]))
        out[i], out[i + 1] = a, b
    return out


def _people(text: str, num: Num, lang: str, vocab: Vocabulary) -> bool:
    """Does the noun after the count name people ("Nordkoreaner", "человек")?"""
    kinds, _, _ = counted(text, num.end, lang, vocab)
    return PEOPLE in kinds or any(kind in PERSONNEL for kind in kinds)


def _verb_before(text: str, start: int) -> str | None:
    """The casualty a verb or noun right before ``start`` names ("погибли", "killed")."""
    window = text[max(0, start - 40) : start]
    m = search_end(CASUALTY_BEFORE, window)
    if m is not None:
        return casualty_kind(m.group(0))
    return "killed" if search_end(DESTROYED_BEFORE, window) else None
