"""Read the figures a news text reports: numbers, ranges, hedges, what they count, who says so.

    extract(text, lang)  ->  [Figure(claim="troops", low=10000, high=12000, hedge="between", ...)]

How a number becomes a Figure (``extraction.extract`` runs the steps, module by module):

1. Two regex passes find numbers (``numbers``): one compiled pass for digits ("6.000",
   "1,5 Mio.", "17.06.2025"), one for number words ("tausend", "two thousand", "mehrere
   Tausend"). Russian number words are read in ``numbers_ru``, Korean ones in ``numbers_ko``.
2. Neighbouring numbers joined by "bis", "to", "-" (or "zwischen X und Y") become a range
   (``numbers``).
3. The words just before give the hedge ("mehr als", "about") and an increment
   ("weitere", "another") (``hedges``); the words just after say whether it is a year, date,
   duration, percentage, price or age (never a claim) or name what is counted
   (``context``). Korean puts the counted noun before the number and the hedge after it
   (``korean``).
4. The counted noun maps to a claim kind through ``CLAIM_TERMS`` (``lexicon``); clause
   context can refine it (soldiers sent "for reconstruction" are builders, "were killed"
   later in the clause makes it a casualty count) (``context``). A nationality and a place
   near the count give its scope: whose soldiers, and where (``scope``). Two counts joined
   by "and" share the verb or noun only one of them has ("200 Nordkoreaner und 150 Russen
   gefallen", "45 North Korean and 30 Russian soldiers") (``coordination``).
5. A personnel count that a dispatch pledged, announced or planned is about ("will send",
   "zu entsenden", "направит", "파견하기로") gets the modifier "deployment"; a count in
   place ("are fighting", "im Einsatz") or a past dispatch ("has sent") stays a total
   (``deployment``).
6. "nach Angaben X", "according to X", "X said" in the same sentence give the attribution
   (``attribution``).

Most numbers count nothing tracked: before steps 4-6 read a number's "number of" phrase
and clause, the claim-word gate (``gate``) asks whether any word that could make it a claim
stands within their reach, and a number with none keeps its plain reading. ``patterns``
reads from a compiled pattern what its matches must hold, so that searches that cannot
match are skipped; neither changes a result.

How far each rule looks, a clause or a sentence, is cut in ``clauses``. Whether a new
figure contradicts earlier ones is ``divergence``'s question; ``why`` puts both into
words for ``monitor explain``.

Pure: stdlib, text2num, monitor.types and monitor.lang only.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from monitor.types import Figure

if TYPE_CHECKING:
    from monitor.figures.deployment import DEPLOYMENT
    from monitor.figures.extraction import extract
    from monitor.figures.lexicon import CLAIM_LABELS, CLAIM_TERMS, LANGS
    from monitor.figures.numbers import parse_number_words

# Each name's module, imported when the name is first used (PEP 562): compiling the
# reader's patterns takes ~0.2 s, which a command that only lists stored figures, or
# reads CLAIM_LABELS, or a submodule such as ``divergence``, should not pay.
_LAZY = {
    "DEPLOYMENT": "deployment",
    "extract": "extraction",
    "CLAIM_LABELS": "lexicon",
    "CLAIM_TERMS": "lexicon",
    "LANGS": "lexicon",
    "parse_number_words": "numbers",
}

__all__ = [
    "CLAIM_LABELS",
    "CLAIM_TERMS",
    "DEPLOYMENT",
    "Figure",
    "LANGS",
    "extract",
    "parse_number_words",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
