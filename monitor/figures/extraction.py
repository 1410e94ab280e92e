"""``extract``: the figures of a text. Each number found (``numbers``) is read in its context
(``hedges``, ``context``, ``korean``) and, when it counts a claim, given its scope and
deployment (``scope``, ``deployment``). Part and whole are paired (``partitive``); then each
figure is read as a statement: its modality, time basis and attribution (``modality``,
``basis``, ``attribution``), a corrected figure takes the kind of the one it replaces, and
a headline figure takes the source and basis the body gives the same figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from monitor.figures.attribution import attribution
from monitor.figures.basis import basis
from monitor.figures.clauses import MONTHS, sentence_span
from monitor.figures.context import (
    YEAR_BEFORE,
    combine,
    counted,
    names_strength,
    not_a_count,
    number_of_phrase,
    past_years,
    refine,
)
from monitor.figures.coordination import share
from monitor.figures.deployment import DEPLOYMENT, is_deployment
from monitor.figures.gate import Gate
from monitor.figures.hedges import HEDGE_AFTER, RU_INCREMENT, read_hedge
from monitor.figures.korean import KO_HEDGE_AFTER, KO_HEDGES, counted_ko, people_before
from monitor.figures.lexicon import LANGS, PEOPLE, PERSONNEL, Vocabulary, vocabulary
from monitor.figures.modality import CORRECTED, contrasted, modality, withdrawn
from monitor.figures.numbers import Num, find_numbers, merge_ranges
from monitor.figures.partitive import apply as apply_partitives
from monitor.figures.partitive import fraction_words, partitives, whole_indices
from monitor.figures.patterns import search_end
from monitor.figures.scope import PLACES, where_named, whose_and_where, whose_named
from monitor.lang import guess as guess_language
from monitor.types import ASSERTED, DISPATCH, PART, RETRACTED, WHOLE, ClaimTerms, Figure

# What one text may cost. A long report is ~100,000 characters with a few dozen numbers;
# a feed can send megabytes in one item, or a row of thousands of numbers, each read with
# its neighbours (~2 ms a number in such a row): figures are read from the start of a text
# up to these bounds, and a hostile item cannot hold the poller for minutes.
MAX_READ_CHARS = 200_000
MAX_NUMBERS = 400


def extract(
    text: str,
    lang: str | None = None,
    *,
    all_numbers: bool = False,
    claims: Sequence[ClaimTerms] = (),
) -> list[Figure]:
    """Return the figures in ``text`` in text order; only claims unless ``all_numbers``.

    ``claims`` adds words to the shipped lexicon (feeds.yaml ``claims:``). Read from the
    first MAX_READ_CHARS characters, its first MAX_NUMBERS numbers.
    """
    text = text[:MAX_READ_CHARS]
    lang = lang if lang in LANGS else (guess_language(text) or "en")
    vocab = vocabulary(lang, tuple(claims))
    gate = Gate(text, vocab)
    # A claim starts where a number's own words name a kind or a trigger word stands near
    # it (every later step only passes a claim on): in a text with neither, and with no
    # unit strength, no number needs reading (in the news, about half of all summaries).
    if not all_numbers and lang != "ko" and gate.holds_none() and not names_strength(text):
        return []
    found = find_numbers(text, lang)[:MAX_NUMBERS]
    numbers = fraction_words(text, merge_ranges(text, found), lang)
    pairs = partitives(text, numbers, lang)
    wholes = whole_indices(pairs)
    all_counts = _all_neighbouring_counts(numbers, len(text))
    read: list[Figure] = []
    for index, (num, ranged) in enumerate(numbers):
        # context rules look no further than the neighbouring numbers
        preceding = numbers[index - 1][0].end if index else 0
        following = numbers[index + 1][0].start if index + 1 < len(numbers) else len(text)
        neighbours = (preceding, following)
        whole = index in wholes
        read.append(
            _figure(text, num, ranged, lang, vocab, neighbours, all_counts[index], gate, whole)
        )
    read = share(text, read, numbers, lang, vocab)
    apply_partitives(text, read, pairs)
    contrasts = _contrasts(text, read, numbers, lang)
    read = _statements(text, read, numbers, lang, vocab)
    for old, new in contrasts:  # "nicht 800, sondern 80": the first is withdrawn
        read[old] = replace(read[old], modality=withdrawn(text, read[old].start, lang))
        read[new] = replace(read[new], modality=ASSERTED)
    read = _carried(text, _corrections(read), lang)
    figures = [figure for figure in read if figure.claim is not None or all_numbers]
    return _headline(text, figures)


# "bringing the total ... to 14,000", "die Gesamtzahl ... auf 14.000", "общее число ... до":
# the total of what the sentence counted before.
_TOTAL_BEFORE = re.compile(
    r"\b(?:total|gesamtzahl|gesamtstärke|общ\w+\s+(?:числ|количеств|численност)\w*)\b"
    r"[^.;:!?\d]{0,50}?\b(?:to|at|of|auf|bei|von|до|составил\w*|составля\w*)\s+\S*\s*$",
    re.I,
)


def _statements(
    text: str,
    read: list[Figure],
    numbers: Sequence[tuple[Num, bool]],
    lang: str,
    vocab: Vocabulary,
) -> list[Figure]:
    """Each figure as a statement: modality, time basis, attribution. A number with no kind
    of its own takes the kind of the figure it stands for: the corrected figure ("The
    correct figure is 11,000") or the count whose total it gives ("bringing the total to")."""
    out: list[Figure] = []
    for index, figure in enumerate(read):
        if figure.claim is None and numbers[index][0].form not in ("date", "time", "year?"):
            figure = _stands_for(text, figure, numbers[index][0], out, lang)
        if figure.claim is None and lang == "ko" and numbers[index][0].form != "decimal":
            figure = _people(text, figure, numbers, index, vocab)
        if figure.claim is None:
            out.append(figure)
            continue
        span = (figure.start, figure.end)
        whole = figure.role == WHOLE
        left = _whole_before(read, figure)
        figure_basis, period = basis(
            text, span, figure.claim, figure.modifier, lang, whole=whole, left=left
        )
        if figure.basis == DISPATCH:  # an increment sent (``_figure``)
            figure_basis, period = DISPATCH, None
        out.append(
            replace(
                figure,
                modality=modality(text, figure.start, figure.end, lang),
                basis=figure_basis,
                period=period,
                attribution=attribution(text, figure.start, lang),
            )
        )
    return out


def _contrasts(
    text: str, read: list[Figure], numbers: Sequence[tuple[Num, bool]], lang: str
) -> list[tuple[int, int]]:
    """The pairs "not N but M" (indices); both figures take the kind, whose and where that
    either names (a casualty over a personnel count: "в плен попали не 600, а 60 военных")."""
    found = []
    for i in range(len(read) - 1):
        a, b = read[i], read[i + 1]
        num_a, num_b = numbers[i][0], numbers[i + 1][0]
        if num_a.form in ("date", "time", "decimal") or num_b.form in ("date", "time", "decimal"):
            continue
        if not contrasted(text, (num_a.start, num_a.end), (num_b.start, num_b.end), lang):
            continue
        claim = combine([k for k in (a.claim, b.claim) if k is not None])
        if claim is None:
            continue
        for j, f in ((i, a), (i + 1, b)):
            read[j] = replace(f, claim=claim, scope=a.scope or b.scope, place=a.place or b.place)
        found.append((i, i + 1))
    return found


def _whole_before(read: list[Figure], figure: Figure) -> int:
    """Where the words of a part begin: after its whole, when the whole comes first."""
    if figure.role != PART:
        return 0
    ends = [f.end for f in read if f.role == WHOLE and f.end <= figure.start]
    return ends[-1] if ends and figure.start - ends[-1] < 200 else 0


def _people(
    text: str,
    figure: Figure,
    numbers: Sequence[tuple[Num, bool]],
    index: int,
    vocab: Vocabulary,
) -> Figure:
    """A Korean count of people with no noun (``people_before``), read in its clause."""
    kind = people_before(text, figure.start, figure.end, vocab)
    if kind is None:
        return figure
    neighbours = _neighbouring_counts(numbers, index, len(text))
    claim, end = refine(text, kind, (figure.start, figure.end), neighbours)
    scope, place = whose_and_where(text, figure.start, end, neighbours)
    return replace(figure, claim=claim, scope=scope, place=place)


# "there", "dort", "там", "그곳": the place the sentence before named.
_THERE = {
    "en": re.compile(
        r"\bthere\b(?!\s+(?:are|is|were|was|have|has|had|will|would|may|might|could|remain"
        r"|appear|seem)\w*)",
        re.I,
    ),
    "de": re.compile(r"\bdort(?:ig\w*)?\b", re.I),
    "ru": re.compile(r"\bтам\b", re.I),
    "ko": re.compile(r"그곳|그\s?지역|현지에서"),
}


def _carried(text: str, figures: list[Figure], lang: str) -> list[Figure]:
    """Whose and where, when a count's own words do not say, are those of the sentence: a
    count coordinated with one that names them ("150 Nordkoreaner getötet und 480
    verwundet"), a place the sentence opens with ("In the fighting around Kursk, 210 ..."),
    or "there" for the place the sentence before named."""
    out = list(figures)
    for i, figure in enumerate(out):
        if figure.claim is None or (figure.scope and figure.place):
            continue
        s_start, _ = sentence_span(text, figure.start)
        earlier = [f for f in out[:i] if f.claim is not None and f.start >= s_start]
        scope, place = figure.scope, figure.place
        if earlier:
            last = earlier[-1]
            between = text[last.end : figure.start]
            civil = (last.claim == "workers") != (figure.claim == "workers")
            if scope is None and not civil and whose_named(between) in (None, last.scope):
                scope = last.scope
            if place is None and where_named(between) in (None, last.place):
                place = last.place
        if place is None and not earlier:
            place = where_named(text[s_start : figure.start])
        if place is None and _THERE[lang].search(text, s_start, figure.end + 40):
            place = _place_before(text, s_start)
        out[i] = replace(figure, scope=scope, place=place)
    return _place_after(text, out)


_AND = re.compile(r"\b(?:and|und|и|sowie)\b", re.I)


def _place_after(text: str, figures: list[Figure]) -> list[Figure]:
    """A place named at the end of a sentence of coordinated counts is the place of each:
    "killed 45 soldiers and injured 90 near Sudzha"."""
    out = list(figures)
    for i in range(len(out) - 2, -1, -1):
        figure, later = out[i], out[i + 1]
        if figure.claim is None or figure.place is not None or later.place is None:
            continue
        between = text[figure.end : later.start]
        if len(between) > 120 or not _AND.search(between) or where_named(between) is not None:
            continue
        if sentence_span(text, figure.start) != sentence_span(text, later.start):
            continue
        _, s_end = sentence_span(text, later.start)
        if where_named(text[later.end : s_end]) == later.place:  # named after both
            out[i] = replace(figure, place=later.place)
    return out


def _place_before(text: str, s_start: int) -> str | None:
    """The last place the sentence before ``s_start`` names."""
    pos = s_start
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    if pos <= 0:
        return None
    p_start, p_end = sentence_span(text, pos - 1)
    found = [
        (m.start(), name)
        for name, pattern in PLACES
        for m in pattern.finditer(text, p_start, p_end)
    ]
    return max(found)[1] if found else None


def _corrections(figures: list[Figure]) -> list[Figure]:
    """A retracted figure and the one that corrects it speak of the same count: where one
    says its time basis ("15,000 troops were in Kursk; the correct figure is 11,000") and
    the other does not, both have it."""
    out = list(figures)
    for i, old in enumerate(out):
        if old.modality != RETRACTED or old.claim is None:
            continue
        new_i = next(
            (
                j
                for j in range(i + 1, len(out))
                if out[j].claim == old.claim
                and out[j].modality != RETRACTED
                and out[j].start - old.end < 400
            ),
            None,
        )
        if new_i is None:
            continue
        new = out[new_i]
        if new.basis is None and old.basis is not None:
            out[new_i] = replace(new, basis=old.basis, period=old.period)
        elif old.basis is None and new.basis is not None:
            out[i] = replace(old, basis=new.basis, period=new.period)
    return out


def _stands_for(text: str, figure: Figure, num: Num, before: list[Figure], lang: str) -> Figure:
    earlier = [f for f in before if f.claim is not None and f.end <= figure.start]
    if not earlier:
        return figure
    last = earlier[-1]
    s_start, _ = sentence_span(text, figure.start)
    corrected = CORRECTED[lang].search(text, s_start, figure.start)
    if corrected is None and lang == "ko":  # verb-final: "1천700명이 맞습니다"
        corrected = CORRECTED[lang].match(text, figure.end, figure.end + 12)
    if corrected is not None and last.modality == RETRACTED and figure.start - last.end < 400:
        return replace(figure, claim=last.claim, scope=last.scope, place=last.place)
    if last.start >= s_start and _TOTAL_BEFORE.search(text[s_start : num.start]):
        return replace(figure, claim=last.claim, scope=last.scope, place=last.place)
    if last.start >= s_start and _gapped(text, last, num, lang):
        where = where_named(text[last.end : num.start])
        return replace(figure, claim=last.claim, scope=last.scope, place=where)
    return figure


# A second place with a bare count: "... in Kursk at 11,000 and in Russia as a whole at
# 14,000", "in ganz Russland auf 14.000", "а всего в России — 14 тысяч", "러시아 전체로는
# 1만4천 명": the count of the place named between is of the kind counted before (gapping).
_GAP_PLACE = {
    "en": re.compile(r"\b(?:in|across|for)\s+(?:the\s+)?(?:whole\s+of\s+|all\s+of\s+)?[A-Z]\w+"),
    "de": re.compile(r"\b(?:in|im|für)\s+(?:ganz\s+|der\s+|dem\s+|den\s+)?[A-ZÄÖÜ]\w+"),
    "ru": re.compile(r"(?:^|\s)(?:в|во|на|по)\s+(?:всей\s+|всем\s+)?[А-ЯЁ]\w+"),
    "ko": re.compile(
        r"[가-힣]+\s?(?:전체로는|전체에서는|전역에서는|전역에|에서는|에는|에선)(?=\s)"
    ),
}
_NOT_A_PLACE = re.compile(rf"^(?:{MONTHS}|\w+day|\w+tag|понедельник\w*|вторник\w*)$", re.I)
# nothing counted follows the bare count: the clause or sentence ends, or a verb (Korean)
_GAP_END = {
    "en": re.compile(r"\s*(?:[.,;:!?)]|$|and\b|but\b)"),
    "de": re.compile(r"\s*(?:[.,;:!?)]|$|und\b|aber\b)"),
    "ru": re.compile(r"\s*(?:[.,;:!?)]|$|и\b|а\b)"),
    "ko": re.compile(r"\s?(?:명|발)(?:으로|로|이|가|은|는|을|를)?(?:\s|[.,]|$)"),
}


def _gapped(text: str, last: Figure, num: Num, lang: str) -> bool:
    between = text[last.end : num.start]
    if len(between) > 80 or any(c.isdigit() for c in between):
        return False
    if not _GAP_END[lang].match(text, num.end):
        return False
    places = list(_GAP_PLACE[lang].finditer(between))
    if not places or _NOT_A_PLACE.match(places[-1].group(0).split()[-1]):
        return False
    before = text[max(0, num.start - 60) : num.start]
    after = text[num.end : num.end + 40]
    return not not_a_count(before, after, num, lang)


def _headline(text: str, figures: list[Figure]) -> list[Figure]:
    """A headline figure repeated in the body takes the body's source (when the headline
    names none, or a shorter form of it: "Channel claims ...") and its time basis."""
    first_line = text.find("\n")
    if first_line < 0:
        return figures
    body = [f for f in figures if f.start > first_line and f.claim is not None]
    out = []
    for figure in figures:
        same = next(
            (
                f
                for f in body
                if figure.start < first_line
                and (f.claim, f.modifier, f.low, f.high)
                == (figure.claim, figure.modifier, figure.low, figure.high)
            ),
            None,
        )
        if same is not None:
            source = figure.attribution
            if source is None or (same.attribution and source.lower() in same.attribution.lower()):
                source = same.attribution
            if figure.basis is None:
                figure = replace(figure, basis=same.basis, period=same.period)
            figure = replace(figure, attribution=source)
        out.append(figure)
    return out


def _neighbouring_counts(
    numbers: Sequence[tuple[Num, bool]], index: int, length: int
) -> tuple[int, int]:
    """Where the previous number ends and the next begins, dates and years left out."""
    counts = [i for i, (num, _) in enumerate(numbers) if num.form not in ("date", "time", "year?")]
    before = [numbers[i][0].end for i in counts if i < index]
    after = [numbers[i][0].start for i in counts if i > index]
    return (before[-1] if before else 0), (after[0] if after else length)


def _all_neighbouring_counts(
    numbers: Sequence[tuple[Num, bool]], length: int
) -> list[tuple[int, int]]:
    """``_neighbouring_counts`` of every number, in one pass each way."""
    counts = [num.form not in ("date", "time", "year?") for num, _ in numbers]
    before, end = [], 0
    for (num, _), count in zip(numbers, counts, strict=True):
        before.append(end)
        if count:
            end = num.end
    after, start = [], length
    for (num, _), count in zip(reversed(numbers), reversed(counts), strict=True):
        after.append(start)
        if count:
            start = num.start
    return list(zip(before, reversed(after), strict=True))


def _figure(
    text: str,
    num: Num,
    ranged: bool,
    lang: str,
    vocab: Vocabulary,
    neighbours: tuple[int, int],
    counts: tuple[int, int],
    gate: Gate,
    whole: bool = False,
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

    number_of_np = ""  # "the number of North Korean troops ... at 11,000" names whose
    if lang == "ko":
        left_limit = past_years(text, neighbours[0])
        kinds, np_end, np_increment = counted_ko(text, num.start, num_end, vocab, left_limit)
    else:
        kinds, np_end, np_increment = counted(text, num.end, lang, vocab)
    # The claim-word gate: a count whose noun phrase names nothing, with no word around it
    # that a "number of" phrase or a verb could make a claim of, stays what it is.
    counts_nothing = not kinds and not gate.may_count(num.start, start, max(np_end, num_end))
    if lang != "ko" and not counts_nothing and (not kinds or PEOPLE in kinds):
        # "составили 2,3 тыс. человек": the people of
        named, number_of_np = number_of_phrase(text, num.start, neighbours[0], lang, vocab)
        kinds = named if named and kinds in ([], [PEOPLE]) else kinds
    increment = increment or np_increment or bool(lang == "ru" and search_end(RU_INCREMENT, before))
    if num.form == "year?" and (not kinds or search_end(YEAR_BEFORE, before)):
        return plain()
    if counts_nothing:
        span_end = max(np_end, num_end)
        modifier = "increment" if increment else None
        return Figure(None, low, high, hedge, text[start:span_end], start, span_end, modifier)

    claim, span_end = refine(
        text, combine(kinds), (start, max(np_end, num_end)), neighbours, casualties=not whole
    )
    scope, place = (None, None)
    if claim:
        soldiers = claim != "workers"
        scope, place = whose_and_where(text, start, span_end, neighbours, soldiers=soldiers)
        scope = scope or whose_named(number_of_np)
    # An increment is never compared, so it needs no more; "another 3,000 will be sent"
    # stays one (two batches announced months apart are not one claim).
    modifier = "increment" if increment else None
    span, number = (start, span_end), (num.start, num.end)
    sent = claim in PERSONNEL and is_deployment(text, span, number, counts, lang)
    if modifier is None and sent:
        modifier = DEPLOYMENT
    if claim in ("shells", "missiles") and modifier == "increment":
        # "КНДР отправит ещё 800 тысяч снарядов": more munitions to come are a dispatch
        sent = is_deployment(text, span, number, counts, lang)
    return Figure(
        claim=claim,
        low=low,
        high=high,
        hedge=hedge,
        text=text[start:span_end],
        start=start,
        end=span_end,
        modifier=modifier,
        scope=scope,
        place=place,
        # "another 6,000 will be sent": an increment that announces a sending is a dispatch
        basis=DISPATCH if sent and modifier == "increment" else None,
    )
