"""Part and whole: "300 of the 11,000 soldiers were killed", "Von den rund 11.000 Soldaten
sind etwa 300 gefallen", "300 из 11 тысяч", "1만1천 명 가운데 300명" give two figures, the
whole (troops 11,000, role WHOLE) and the part (killed 300, role PART), never "11,000
killed". A percentage of a whole ("40 Prozent der 11.000 ... verwundet") gives the part
it stands for (about 4,400 wounded), and so does a fraction ("a third of the 12,000",
"die Hälfte der 1.000 Pioniere", "треть из 11 тысяч"): never the whole as the part.

``partitives`` finds the pairs among the numbers of a text; ``apply`` rewrites the two
figures of each pair once both are read (the whole is read without the casualty verb,
which speaks of the part).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from monitor.figures.clauses import CLAUSE_REACH, clause_span, sentence_span
from monitor.figures.lexicon import CASUALTIES, CASUALTY_BEFORE, CASUALTY_VERBS, PERCENT
from monitor.figures.numbers import Num
from monitor.figures.patterns import fold, literal_starts, may_match
from monitor.figures.scope import where_named, whose_and_where
from monitor.types import PART, WHOLE, Figure

_HEDGE = (
    r"(?:about|around|some|roughly|approximately|an\s+estimated|estimated|nearly|almost"
    r"|more\s+than|over|at\s+least|etwa|rund|ungefähr|circa|ca\.|knapp|gut|mehr\s+als|über"
    r"|mindestens|около|примерно|почти|более|свыше|порядка)"
)
_OF = (
    r"(?:(?:out\s+)?of\s+(?:the\s+|those\s+|these\s+|its\s+|their\s+|an?\s+)?|der\s+|von\s+den\s+"
    r"|von\s+|aus\s+den\s+|unter\s+den\s+|из\s+(?:числа\s+)?)"
)
_PERCENT = PERCENT
# The part first: "300 of the 11,000", "40 Prozent der 11.000", "300 из 11 тысяч".
_PART_FIRST = re.compile(rf"^(?P<pct>{_PERCENT})?\s+{_OF}(?:{_HEDGE}\s+)*$", re.I)
# The whole first: "Of the 11,000 ...", "Von den rund 11.000 ...", "Из 11 тысяч ...".
_OPENERS = r"that|dass|что|wonach"
_WHOLE_FIRST = re.compile(
    # "Of the 11,000", and with a hedge the article may go: "Of some 4,000 casualties"
    rf"(?:^|\b(?:{_OPENERS})\s+)\W*(?:(?:(?:out\s+)?of\s+(?:the|those|these|its|their)"
    rf"|among\s+(?:the|those|these|its|their)|von\s+den|unter\s+den|aus\s+den|из(?:\s+числа)?"
    rf"|среди)\s+(?:{_HEDGE}\s+)*"
    rf"|(?:out\s+)?of\s+(?:{_HEDGE}\s+)+)$",
    re.I,
)
# Where else than at its start a clause may open with its whole: after "that" ("said that
# of the 11,000 ...")
_OPENER = re.compile(rf"\b(?:{_OPENERS})\s+", re.I)
# Korean: "1만1천 명 가운데 (약) 300명", "1만1천 명의 북한군 중 300명".
_KO_WHOLE_FIRST = re.compile(
    r"^(?:여)?\s?(?:명|발)?(?:의)?\s?(?:[가-힣]+\s){0,2}?(?:중|가운데)(?:에서|에는|엔)?\s+"
    # "중 지금까지 200명", "가운데 사망자는 1천 명", "중에는 공병 1천 명"
    r"(?:(?:[가-힣]+까지|이미|현재|[가-힣]+(?:는|은|이|가)|[가-힣]+)\s+)?"
    r"(?:(?:약|최소|최대|모두)\s+)?$"
)
_PERCENT_AFTER = re.compile(rf"^{_PERCENT}", re.I)
# A fraction word right before "of the <number>": "half of the 1,000", "die Hälfte der
# 11.000", "половина из 11 тысяч". Digits-and-words fractions ("a third") already come as
# numbers below 1 from the number reader.
_FRACTIONS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(rf"(?<![^\W\d_])(?P<words>{words})\s+{_OF}(?:{_HEDGE}\s+)*$", re.I), share)
    for words, share in (
        (r"(?:one\s+|a\s+)?half|die\s+hälfte|hälfte|половин[аыу]", 0.5),
        (r"(?:a|one)\s+third|ein\s+drittel|трет[ьи]", 1 / 3),
        (r"two\s+thirds|zwei\s+drittel|две\s+трети|двух\s+третей", 2 / 3),
        (r"(?:a|one)\s+quarter|ein\s+viertel|четверт[ьи]", 0.25),
        (r"three\s+quarters|drei\s+viertel|три\s+четверти", 0.75),
    )
)


# "jeder Vierte", "каждый третий", "every fifth", "one in ten": a share as one of every n.
_NTH = (
    (2, r"zweite", r"втор\w+", r"second", r"two"),
    (3, r"dritte", r"трет\w+", r"third", r"three"),
    (4, r"vierte", r"четв[её]рт\w+", r"fourth", r"four"),
    (5, r"fünfte", r"пят\w+", r"fifth", r"five"),
    (10, r"zehnte", r"десят\w+", r"tenth", r"ten"),
)
_EVERY_NTH = tuple(
    (
        rf"jede[rsn]?\s+{de}[nr]?|кажд\w+\s+{ru}|every\s+{en}|one\s+(?:in|out\s+of)\s+{en_n}",
        1 / n,
    )
    for n, de, ru, en, en_n in _NTH
)
# The fraction after a whole that opened the clause: "Из 12 тысяч ... около половины
# получили ранения", "Of the 12,000 ..., about half were wounded", "Von den 8.000 ... ist
# ein Viertel verwundet": the part it names.
_FRACTION_AFTER: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(rf"(?<![^\W\d_])(?P<words>{words})(?![^\W\d_])", re.I), share)
    for words, share in (
        (r"половин[аыуой]|(?:one\s+)?half|die\s+hälfte|hälfte", 0.5),
        (r"трет[ьи]|треть[юя]|(?:a|one)\s+third|ein\s+drittel", 1 / 3),
        (r"две\s+трети|двух\s+третей|two\s+thirds|zwei\s+drittel", 2 / 3),
        (r"четверт[ьи]|(?:a|one)\s+quarter|ein\s+viertel", 0.25),
        (r"три\s+четверти|three\s+quarters|drei\s+viertel", 0.75),
        *_EVERY_NTH,
    )
)
# A list of the whole's parts: "3 тысячи военных, в том числе 500 сапёров", "12,000 troops,
# including 1,000 deminers", "11.000 Soldaten, darunter 2.000 Pioniere".
_INCLUDING = re.compile(
    rf"^[^\d.;:!?]{{0,80}}?(?:,\s*|\s+)(?:в\s+том\s+числе|включая|including|among\s+them"
    rf"|darunter|unter\s+ihnen|davon)\s+(?:{_HEDGE}\s+)*$",
    re.I,
)

_KO_SHARES = {"절반": 0.5, "3분의1": 1 / 3, "3분의2": 2 / 3, "4분의1": 0.25, "4분의3": 0.75}
_KO_FRACTION_AFTER = re.compile(
    r"(?:여)?\s?(?:명|발)?(?:의)?\s?(?:[가-힣]+\s){0,2}?(?:중|가운데)(?:에서)?\s+"
    r"(?P<words>절반|[34]\s?분의\s?[123])"
)


@dataclass(frozen=True)
class Partitive:
    """Indices (into the numbers of a text) of a part and its whole."""

    part: int
    whole: int
    percent: bool  # the part is a percentage of the whole
    fraction: float | None = None  # the part is this share of the whole ("a third of")


def partitives(text: str, numbers: Sequence[tuple[Num, bool]], lang: str) -> list[Partitive]:
    """The part-whole pairs among ``numbers`` (each number in at most one pair)."""
    counts = [i for i, (num, _) in enumerate(numbers) if num.form not in ("date", "time")]
    found: list[Partitive] = []
    taken: set[int] = set()
    for first, second in zip(counts, counts[1:], strict=False):
        if first in taken:
            continue
        a, b = numbers[first][0], numbers[second][0]
        gap = text[a.end : b.start]
        if sentence_span(text, a.start) != sentence_span(text, b.start):
            continue
        pair = None
        m = _PART_FIRST.match(gap)
        if m is not None and a.form == "decimal" and 0 < a.value < 1:  # "a third of the"
            pair = Partitive(first, second, False, a.value)
        elif m is not None and not a.vague:
            pair = Partitive(first, second, bool(m.group("pct")))
        elif _INCLUDING.match(gap) and not a.vague and not b.vague:
            pair = Partitive(second, first, False)
        elif _KO_WHOLE_FIRST.match(gap) if lang == "ko" else _whole_first(text, a):
            share = b.value if b.form == "decimal" and 0 < b.value < 1 else None
            pair = Partitive(second, first, bool(_PERCENT_AFTER.match(text[b.end :])), share)
        if pair is not None:
            found.append(pair)
            taken.update((first, second))
    return found


def fraction_words(
    text: str, numbers: Sequence[tuple[Num, bool]], lang: str = ""
) -> list[tuple[Num, bool]]:
    """``numbers`` with a number below 1 added for each fraction word that opens a
    partitive ("half of the 1,000 deminers"), or in Korean follows the whole ("1만2천 명
    가운데 절반"), so that ``partitives`` pairs it."""
    added: list[tuple[Num, bool]] = []
    # only the fraction words the text holds: most hold none ("half", "Hälfte", "треть")
    folded = fold(text)
    before_words = [(p, share) for p, share in _FRACTIONS if may_match(p, text, folded)]
    after_words = [(p, share) for p, share in _FRACTION_AFTER if may_match(p, text, folded)]
    # where a word of them could stand: a number with none after it in its sentence has no
    # fraction after it, and ``_fraction_after`` need not read its clause
    after_at = literal_starts([p for p, _ in after_words], folded)
    before_at = literal_starts([p for p, _ in before_words], folded)  # and before it
    for index, (num, _) in enumerate(numbers):
        if num.form in ("date", "time") or num.low is None:
            continue
        after = _KO_FRACTION_AFTER.match(text, num.end) if lang == "ko" else None
        if after is not None:
            share = _KO_SHARES[re.sub(r"\s", "", after.group("words"))]
            start, end = after.start("words"), after.end("words")
            added.append((Num(start, end, 0, 0, form="decimal", value=share), False))
            continue
        share_after = None
        if lang != "ko" and after_words and _words_after(text, num, after_at):
            share_after = _fraction_after(text, numbers, index, after_words)
        if share_after is not None:
            added.append(share_after)
            continue
        # the words before a number are searched from its clause's start on, which is no
        # further back than CLAUSE_REACH (nor the number before)
        lowest = max(num.start - CLAUSE_REACH, numbers[index - 1][0].end if index else 0)
        if not before_words or not _any_between(before_at, lowest, num.start):
            continue
        clause_start, _ = clause_span(text, num.start, num.end)
        if index:  # not across the number before (which may be the fraction itself)
            clause_start = max(clause_start, numbers[index - 1][0].end)
        before = text[clause_start : num.start]
        for pattern, share in before_words:
            m = pattern.search(before)
            if m is not None:
                start, end = clause_start + m.start("words"), clause_start + m.end("words")
                added.append((Num(start, end, 0, 0, form="decimal", value=share), False))
                break
    # the digits of a Korean fraction ("3분의 1") are no numbers of their own
    kept = [
        (num, r)
        for num, r in numbers
        if not any(f.start <= num.start and num.end <= f.end for f, _ in added)
    ]
    return sorted([*kept, *added], key=lambda pair: pair[0].start)


def _words_after(text: str, num: Num, starts: list[int] | None) -> bool:
    """Whether one of ``starts`` (``literal_starts``; None: any may) lies between the
    number and the end of its sentence, where ``_fraction_after`` searches."""
    if starts is None:
        return True
    i = bisect_left(starts, num.end)
    return i < len(starts) and starts[i] < sentence_span(text, num.start)[1]


def _any_between(starts: list[int] | None, low: int, high: int) -> bool:
    """Whether one of ``starts`` (None: any may) is in [low, high)."""
    if starts is None:
        return True
    i = bisect_left(starts, low)
    return i < len(starts) and starts[i] < high


def _fraction_after(
    text: str,
    numbers: Sequence[tuple[Num, bool]],
    index: int,
    words: Sequence[tuple[re.Pattern[str], float]] = _FRACTION_AFTER,
) -> tuple[Num, bool] | None:
    """A fraction word after a whole that opens its clause ("Из 12 тысяч ..., около
    половины"), before the next number and within the sentence, as a number below 1."""
    num = numbers[index][0]
    if not _whole_first(text, num):
        return None
    _, s_end = sentence_span(text, num.start)
    limit = numbers[index + 1][0].start if index + 1 < len(numbers) else s_end
    window = text[num.end : s_end]  # "one in four" holds numbers of its own
    for pattern, share in words:
        m = pattern.search(window)
        if m is not None and num.end + m.start() <= limit:
            start, end = num.end + m.start("words"), num.end + m.end("words")
            return Num(start, end, 0, 0, form="decimal", value=share), False
    return None


def _whole_first(text: str, num: Num) -> bool:
    """Does the clause open with "Of the", "Von den", "Из" before this number?"""
    return _whole_first_at(text, num.start, num.end)


# The last word of each way ``_WHOLE_FIRST`` can end: its articles and prepositions ("of
# the", "von den", "из", "из числа", "среди") and the last word of each ``_HEDGE``.
_WHOLE_FIRST_TAILS = ("the", "those", "these", "its", "their", "den", "из", "числа", "среди")
_HEDGE_TAILS = (
    *("about", "around", "some", "roughly", "approximately", "estimated", "nearly", "almost"),
    *("than", "over", "least", "etwa", "rund", "ungefähr", "circa", "ca.", "knapp", "gut"),
    *("als", "über", "mindestens", "около", "примерно", "почти", "более", "свыше", "порядка"),
)
_WHOLE_TAILS = tuple(fold(w) or w for w in (*_WHOLE_FIRST_TAILS, *_HEDGE_TAILS))


def _may_open_whole(text: str, start: int) -> bool:
    """False only when the words before ``start`` cannot end as ``_WHOLE_FIRST`` does:
    with one of ``_WHOLE_TAILS`` and spaces (compared as IGNORECASE would, ``fold``)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == start:  # "\s+$": a space at least
        return False
    tail = fold(text[max(0, end - 16) : end])
    return tail is None or tail.endswith(_WHOLE_TAILS)


@lru_cache(maxsize=256)  # asked by ``fraction_words`` and ``partitives`` alike
def _whole_first_at(text: str, start: int, end: int) -> bool:
    if not _may_open_whole(text, start):  # most numbers: skip reading the clause
        return False
    clause_start, _ = clause_span(text, start, end)
    window = text[clause_start:start]
    if _WHOLE_FIRST.match(window) is not None:
        return True
    # without "that" (or "dass") no later start is possible: skip the search
    return may_match(_OPENER, window) and _WHOLE_FIRST.search(window) is not None


def whole_indices(pairs: Sequence[Partitive]) -> set[int]:
    return {pair.whole for pair in pairs}


def apply(text: str, figures: list[Figure], pairs: Sequence[Partitive]) -> None:
    """Give each pair's figures (``figures`` is index-aligned with the numbers) their roles,
    the part the kind its verb names (or the whole's), and the whole's scope and place."""
    for pair in pairs:
        part, whole = figures[pair.part], figures[pair.whole]
        if whole.claim is None:
            continue
        whole = replace(whole, role=WHOLE, claim=_whole_casualty(text, whole, part))
        if whole.place is None and whole.end <= part.start:
            # the whole's own participle clause: "Из 600 сапёров, работающих в России, 250"
            whole = replace(whole, place=where_named(text[whole.end : part.start]))
        figures[pair.whole] = whole
        claim, end = part.claim, part.end
        if part.claim not in CASUALTIES:
            # "300 of the 11,000 soldiers sent to Russia have been killed"; "Von den 11.000
            # Soldaten sind 40 Prozent verwundet": the verb follows the later of the two
            later = max(part.end, whole.end)
            _, clause_end = clause_span(text, later, later)
            casualty = _casualty(text[later:clause_end])
            if casualty is not None:
                claim, end = casualty[0], later + casualty[1]
            else:  # "Ранения получили 40% из 11 тысяч": the verb opens the clause
                first = min(part.start, whole.start)
                clause_start, _ = clause_span(text, first, first)
                before = CASUALTY_BEFORE.search(text, max(clause_start, first - 40), first)
                if before is None and whole.end <= part.start:  # "Из 1200 ... погиб каждый"
                    before = CASUALTY_BEFORE.search(
                        text, max(whole.end, part.start - 40), part.start
                    )
                casualty = _casualty(before.group(0)) if before is not None else None
                claim = casualty[0] if casualty is not None else claim
        claim = claim or whole.claim
        low, high, hedge = part.low, part.high, part.hedge
        if pair.percent:
            low, high, hedge = _share(part.low, whole.low), _share(part.low, whole.high), "about"
            if low is None and high is None:
                continue
        elif pair.fraction is not None:  # "a third of the 12,000": about 4,000
            if whole.low is None:
                continue
            low = round(whole.low * pair.fraction)
            high = round(whole.high * pair.fraction) if whole.high is not None else None
            hedge = "about"
        if not pair.percent and part.claim is None and end == part.end:
            end = max(end, whole.end)
        # the part's own place first: "Of the 14,000 in Russia, 11,000 are in Kursk"
        after_whole = whole.end if whole.end <= part.start else 0
        before_whole = whole.start if whole.start >= end else len(text)
        _, own_place = whose_and_where(text, part.start, end, (after_whole, before_whole))
        figures[pair.part] = replace(
            part,
            claim=claim,
            low=low,
            high=high,
            hedge=hedge,
            text=text[part.start : end] if end > part.end else part.text,
            end=max(end, part.end),
            scope=part.scope or whole.scope,
            place=part.place or own_place or whole.place,
            role=PART,
        )


def _whole_casualty(text: str, whole: Figure, part: Figure) -> str | None:
    """A whole named before its part is a casualty count when its own words say so: "Of
    the 2,000 soldiers reported missing, 500 ...", "실종된 북한군 2천 명 중 500명"."""
    if whole.claim in CASUALTIES or whole.end > part.start:
        return whole.claim
    between = text[whole.end : part.start]
    # only the whole's own clause: "погибли" in "Из 11 тысяч ... погибли около 300" is the part's
    casualty = _casualty(between[: between.rfind(",")]) if "," in between else None
    if casualty is None:
        clause_start, _ = clause_span(text, whole.start, whole.start)
        window = text[max(clause_start, whole.start - 30) : whole.start]
        casualty = _casualty(window.rsplit("중", 1)[-1])
    return casualty[0] if casualty is not None else whole.claim


def _casualty(window: str) -> tuple[str, int] | None:
    """The first casualty verb of ``window``: (kind, end offset)."""
    best: tuple[int, str, int] | None = None
    for pattern, kind in CASUALTY_VERBS:
        m = pattern.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, m.end())
    return (best[1], best[2]) if best else None


def _share(percent: int | None, of: int | None) -> int | None:
    if percent is None or of is None or not 0 < percent <= 100:
        return None
    return round(of * percent / 100)
