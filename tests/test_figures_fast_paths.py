"""The figure reader's exact shortcuts of issue 16's second round give what the plain
reading gives: literal gates over every required part of a pattern, the fraction and
whole-first gates of ``partitive``, the joined not-a-count patterns, the cached readings of
number words and digits."""

from __future__ import annotations

import re

from monitor.figures import context, numbers, partitive
from monitor.figures.numbers_forms import _DE, _EN
from monitor.figures.patterns import any_of, literal_starts, may_match, required_all

TRICKY = (
    "Of the 11,000 troops, about half were wounded.",
    "Von den rund 11.000 Soldaten ist ein Viertel verwundet.",
    "Из 12 тысяч военных около половины получили ранения.",
    "(из 12 тысяч военных треть погибла)",
    "officials said that of some 4,000 casualties, one in four died",
    "of the  \n 300 deminers, every fifth was hurt",
    "ſome 300 of the ſoldiers; a third of the 1,200 were killed",
    "half a million, two and a half thousand, three dozen, 3 dzs, a dozen eggs",
    "eine halbe Million, anderthalbtausend, zwei Dutzend",
    "ONE IN TEN of the 5,000 troops; Three Quarters of the 800",
    "the 12,000-strong force, 40 percent of the 11,000, $5 million, aged 30, 12 years",
    "",
)


def test_every_required_part_is_in_every_match() -> None:
    patterns = [*_EN, *_DE, *(p for p, _ in partitive._FRACTION_AFTER), partitive._WHOLE_FIRST]
    for pattern in patterns:
        parts = required_all(pattern) or []
        for text in TRICKY:
            low = text.lower()
            for m in pattern.finditer(low):
                for strings in parts:
                    assert any(s in m.group(0).lower() for s in strings), (pattern, m)
            if pattern.search(low) is not None:
                assert may_match(pattern, low)
    # a literal run joins the heads of the alternatives after it: "d" + "oz|z"
    assert {"doz", "dz"} <= set().union(*(required_all(_EN[3]) or []))


def test_literal_starts_find_each_required_string() -> None:
    text = "half of them, one in four; HALF"
    starts = literal_starts([p for p, _ in partitive._FRACTION_AFTER[:1]], text.lower())
    assert starts == [0, 27]


def test_whole_first_gate_agrees_with_the_search() -> None:
    plain = partitive._whole_first_at.__wrapped__
    for text in TRICKY:
        for m in re.finditer(r"\d[\d,.]*", text):
            gated = partitive._whole_first_at(text, m.start(), m.end())
            opened = partitive._may_open_whole(text, m.start())
            clause_start, _ = partitive.clause_span(text, m.start(), m.end())
            window = text[clause_start : m.start()]
            full = partitive._WHOLE_FIRST.search(window) is not None
            assert gated == (full and plain(text, m.start(), m.end())), (text, m.group(0))
            assert opened or not full, (text, m.group(0))
    # every hedge ends with a tail the gate knows
    hedges = partitive._HEDGE[3:-1].replace("\\s+", " ").replace("\\.", ".").split("|")
    for hedge in hedges:
        assert partitive._may_open_whole(f"of {hedge} 300", len(f"of {hedge} ")), hedge
        assert partitive._WHOLE_FIRST.match(f"of {hedge} "), hedge


def test_not_a_count_is_the_or_of_its_patterns() -> None:
    joined = any_of(context._MONEY_BEFORE, context._AGE_BEFORE)
    for before in ("costs $", "aged ", "in the ", "USD ", "im Alter von "):
        either = context._MONEY_BEFORE.search(before) or context._AGE_BEFORE.search(before)
        assert bool(joined.search(before)) == bool(either)
    parts = (context._PERCENT_AFTER, context._DURATION_AFTER, context._ORDINAL_AFTER)
    for after in (" percent", " years", "th", " troops", "-year-old", " Uhr", "mm guns"):
        assert bool(context._NO_COUNT_AFTER.match(after)) >= any(p.match(after) for p in parts)


def test_cached_readings_equal_the_plain_ones() -> None:
    plain = numbers.parse_number_words.__wrapped__
    for words, lang in (("two thousand", "en"), ("a thousand", "en"), ("fünftausend", "de")):
        assert numbers.parse_number_words(words, lang) == plain(words, lang)
    text = "6.000 Soldaten, 1,5 Mio. Euro, 17.06.2025, 12:30, 3bn, 1만2천 명"
    for m in numbers._DIGITS.finditer(text):
        groups = m.group(*numbers._DIGIT_GROUPS)
        assert numbers._read_digits(groups, "de") == numbers._read_digits.__wrapped__(groups, "de")
