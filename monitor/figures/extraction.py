"""``extract``: the figures of a text. Each number found (``numbers``) is read in its context
(``hedges``, ``context``, ``korean``) and, when it counts a claim, given its scope,
deployment and attribution (``scope``, ``deployment``, ``attribution``).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.figures.attribution import attribution
from monitor.figures.context import YEAR_BEFORE, combine, counted, not_a_count, number_of, refine
from monitor.figures.deployment import DEPLOYMENT, is_deployment
from monitor.figures.hedges import HEDGE_AFTER, RU_INCREMENT, read_hedge
from monitor.figures.korean import KO_HEDGE_AFTER, KO_HEDGES, counted_ko
from monitor.figures.lexicon import LANGS, PERSONNEL, Vocabulary, vocabulary
from monitor.figures.numbers import Num, find_numbers, merge_ranges
from monitor.figures.scope import whose_and_where
from monitor.lang import guess as guess_language
from monitor.types import ClaimTerms, Figure


def extract(
    text: str,
    lang: str | None = None,
    *,
    all_numbers: bool = False,
    claims: Sequence[ClaimTerms] = (),
) -> list[Figure]:
    """Return the figures in ``text`` in text order; only claims unless ``all_numbers``.

    ``claims`` adds words to the shipped lexicon (feeds.yaml ``claims:``).
    """
    lang = lang if lang in LANGS else (guess_language(text) or "en")
    vocab = vocabulary(lang, tuple(claims))
    figures: list[Figure] = []
    numbers = merge_ranges(text, find_numbers(text, lang))
    for index, (num, ranged) in enumerate(numbers):
        # context rules look no further than the neighbouring numbers
        preceding = numbers[index - 1][0].end if index else 0
        following = numbers[index + 1][0].start if index + 1 < len(numbers) else len(text)
        counts = _neighbouring_counts(numbers, index, len(text))
        figure = _figure(text, num, ranged, lang, vocab, (preceding, following), counts)
        if figure.claim is not None or all_numbers:
            figures.append(figure)
    return figures


def _neighbouring_counts(
    numbers: Sequence[tuple[Num, bool]], index: int, length: int
) -> tuple[int, int]:
    """Where the previous number ends and the next begins, dates and years left out."""
    counts = [i for i, (num, _) in enumerate(numbers) if num.form not in ("date", "time", "year?")]
    before = [numbers[i][0].end for i in counts if i < index]
    after = [numbers[i][0].start for i in counts if i > index]
    return (before[-1] if before else 0), (after[0] if after else length)


def _figure(
    text: str,
    num: Num,
    ranged: bool,
    lang: str,
    vocab: Vocabulary,
    neighbours: tuple[int, int],
    counts: tuple[int, int],
) -> Figure:
    before = text[max(0, num.start - 60) : num.start]
    after = text[num.end : num.end + 40]
    hedge, start, increment = read_hedge(text, num, ranged, before)
    num_end = num.end
    if lang == "ko" and not num.vague:
        # Korean puts hedges after the count: "600명 이상", "1만여 명", "5천 명 가량"
        ko = KO_HEDGE_AFTER.match(after)
        if ko is not None and (ko.group("yeo") or ko.group("h")):
            hedge = KO_HEDGES[ko.group("h") or "여"]
            num_end = num.end + ko.end()
    low: int | None = num.low
    high: int | None = num.high
    if num.vague:
        hedge = "several"
    elif hedge in ("more than", "at least"):
        high = None
    elif hedge == "up to":
        low = None
    elif hedge == "between" and not ranged:
        hedge, start = None, num.start
    if not num.vague and hedge is None and HEDGE_AFTER.match(after):
        hedge, high = "at least", None

    def plain() -> Figure:  # a number that counts nothing we track
        return Figure(
            None,
            low,
            high,
            hedge,
            text[start:num_end],
            start,
            num_end,
            "increment" if increment else None,
        )

    if num.form in ("date", "time", "decimal") or not_a_count(before, after, num, lang):
        return plain()

    if lang == "ko":
        kinds, np_end, np_increment = counted_ko(text, num.start, num_end, vocab, neighbours[0])
    else:
        kinds, np_end, np_increment = counted(text, num.end, lang, vocab)
        if not kinds:
            kinds = number_of(text, num.start, neighbours[0], lang, vocab)
    increment = increment or np_increment or bool(lang == "ru" and RU_INCREMENT.search(before))
    if num.form == "year?" and (not kinds or YEAR_BEFORE.search(before)):
        return plain()

    claim, span_end = refine(text, combine(kinds), (start, max(np_end, num_end)), neighbours)
    scope, place = whose_and_where(text, start, span_end, neighbours) if claim else (None, None)
    # An increment is never compared, so it needs no more; "another 3,000 will be sent"
    # stays one (two batches announced months apart are not one claim).
    modifier = "increment" if increment else None
    span, number = (start, span_end), (num.start, num.end)
    if modifier is None and claim in PERSONNEL and is_deployment(text, span, number, counts, lang):
        modifier = DEPLOYMENT
    return Figure(
        claim=claim,
        low=low,
        high=high,
        hedge=hedge,
        text=text[start:span_end],
        start=start,
        end=span_end,
        modifier=modifier,
        attribution=attribution(text, num.start, lang) if claim else None,
        scope=scope,
        place=place,
    )
