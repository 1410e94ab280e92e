"""The claim-word gate: can the words around a number make it a claim at all?

Most numbers in the news count nothing the reader tracks (ages, scores, prices, page
numbers), yet ``extraction`` used to read each one's "number of" phrase, clause and verbs.
A count whose own noun phrase names no kind (``context.counted``) becomes a claim only
through the words ``context.NAMED_BEFORE``, ``VERBS_BEFORE`` and ``VERBS_AFTER`` and the
lexicon name, each within a known reach of the number. The gate finds, once per text, where
any of them could stand, and lets a number through to ``number_of_phrase`` and ``refine``
only when one does within that reach; every other number keeps its plain reading, which is
what those rules would have left it.

The gate never decides a claim, it only says where none can be: it looks for a literal
that every match of each rule's pattern contains (read from the compiled pattern, so a word
added to a rule is a trigger without more ado), in the text lower-cased and folded as the
patterns' IGNORECASE would match it. When a pattern or a text is beyond what it can read
(a Python whose ``re`` internals differ, a letter such as "İ" that lower-cases to two), the
gate stays open and the reader does all its work, as before.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from monitor.figures.clauses import CLAUSE_REACH
from monitor.figures.context import (
    NAMED_BEFORE,
    NUMBER_OF_REACH,
    VERB_BEFORE_REACH,
    VERBS_AFTER,
    VERBS_BEFORE,
)
from monitor.figures.lexicon import Vocabulary
from monitor.figures.patterns import fold, required

_LETTERS = re.compile(r"[^\W\d_]+")

# The three places a trigger may stand (bits of a word's mask).
NAMED, BEFORE, AFTER = 1, 2, 4


class _Triggers:
    """The trigger words of one vocabulary: a letter run of each, and which words of texts
    hold one (remembered across texts: the words of the news repeat)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        # (a stem of no characters names nothing: ``kind_at`` takes the longest of length > 0)
        named = [stem for stem, _ in vocab if stem] + _literals(NAMED_BEFORE)
        self.parts: list[tuple[int, re.Pattern[str] | None]] = [
            (NAMED, _parts_pattern(named)),
            (BEFORE, _parts_pattern(_literals(VERBS_BEFORE))),
            (AFTER, _parts_pattern(_literals(VERBS_AFTER))),
        ]
        self.always = 0  # places whose triggers could not be read: always open
        for bit, pattern in self.parts:
            if pattern is None:
                self.always |= bit
        self.zero: set[str] = set()  # words that hold no trigger
        self.masks: dict[str, int] = {}

    def mask(self, word: str) -> int:
        found = self.masks.get(word)
        if found is None:
            found = 0
            for bit, pattern in self.parts:
                if pattern is not None and pattern.search(word):
                    found |= bit
            kept = self.masks if found else self.zero
            if len(kept) >= _WORDS_KEPT:  # a bound for a long-running monitor
                kept.clear()
            if found:
                self.masks[word] = found
            else:
                self.zero.add(word)
        return found


_WORDS_KEPT = 200_000  # words remembered, of each kind


def _literals(patterns: Iterable[re.Pattern[str]]) -> list[str | None]:
    out: list[str | None] = []
    for pattern in patterns:
        strings = required(pattern)
        out += [None] if strings is None else sorted(strings)
    return out


def _parts_pattern(literals: Iterable[str | None]) -> re.Pattern[str] | None:
    """A pattern for the longest letter run of each literal (folded): the run lies inside
    one word of any text the literal occurs in. None when a literal has no such run."""
    folded = set()
    for literal in literals:
        found = fold(literal) if literal is not None else None
        if not found:
            return None
        folded.add(found)
    # a literal that holds a shorter one adds nothing: where it is, the shorter is too
    kept = [f for f in folded if not any(g != f and g in f for g in folded)]
    parts = set()
    for literal in kept:
        runs = _LETTERS.findall(literal)
        if not runs:
            return None
        parts.add(max(runs, key=len))
    return re.compile("|".join(re.escape(p) for p in sorted(parts)))


_TRIGGERS: dict[int, _Triggers] = {}


def _triggers(vocab: Vocabulary) -> _Triggers:
    found = _TRIGGERS.get(id(vocab))
    if found is None or found.vocab is not vocab:
        found = _Triggers(vocab)
        if len(_TRIGGERS) >= 64:
            _TRIGGERS.clear()
        _TRIGGERS[id(vocab)] = found
    return found


class _Spans:
    """Character spans of one place's triggers: does any overlap a range?"""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.starts = [start for start, _ in spans]
        self.reach: list[int] = []  # the furthest end of the spans so far
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def overlap(self, low: int, high: int) -> bool:
        i = bisect_left(self.starts, high)  # spans that start before high
        return i > 0 and self.reach[i - 1] > low


class Gate:
    """Where in one text words stand that could make a number a claim."""

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.text = text
        self.vocab = vocab
        self.read = False  # the text is read on the first question
        self.spans: dict[int, _Spans] | None = None  # None: the gate stays open

    def may_count(self, number_start: int, start: int, end: int) -> bool:
        """False when nothing can make a claim of the count at ``number_start`` (its span
        ``start``-``end``, hedge and noun phrase included) whose noun phrase names no kind:
        no trigger of a "number of" phrase before it, and no verb before or after."""
        if not self.read:
            self._read()
            self.read = True
        spans = self.spans
        if spans is None:
            return True
        return (
            spans[NAMED].overlap(number_start - NUMBER_OF_REACH, number_start)
            or spans[BEFORE].overlap(start - VERB_BEFORE_REACH, start)
            or spans[AFTER].overlap(start, end + CLAUSE_REACH)
        )

    def holds_none(self) -> bool:
        """True when no trigger stands anywhere in the text: no word of the lexicon, of a
        "number of" phrase or of a verb, so that no number of it can be made a claim but
        through a unit's strength (``context.names_strength``) or Korean's own readings."""
        if not self.read:
            self._read()
            self.read = True
        return self.spans is not None and not any(s.starts for s in self.spans.values())

    def _read(self) -> None:
        folded = fold(self.text)
        triggers = _triggers(self.vocab)
        if folded is None or triggers.always:
            return  # open
        found: dict[int, list[tuple[int, int]]] = {NAMED: [], BEFORE: [], AFTER: []}
        # words as split at spaces: a trigger's letter run lies inside one of them
        for word in set(folded.split()) - triggers.zero:
            mask = triggers.mask(word)
            if not mask:
                continue
            at = folded.find(word)
            while at >= 0:  # every place it stands, inside longer words too
                for bit, spans in found.items():
                    if mask & bit:
                        spans.append((at, at + len(word)))
                at = folded.find(word, at + 1)
        self.spans = {bit: _Spans(spans) for bit, spans in found.items()}
