"""What a text is reduced to for story matching: its normalised words (for reprint
alignment) and its weighted *keys* (for same-story scoring), computed once per text.

Rewording keeps the facts, so keys are numbers (1.000 / 1,000 / 1 000 / tausend /
thousand all read as 1000), names and places, weekdays and months, and rare words, each
with a weight (``wordkeys.WEIGHT_*``). Names are folded to one spelling across scripts and
languages (``monitor.stories.aliases``: Kursk / Курск / 쿠르스크). An outlet's boilerplate
(credits, plugs, share buttons: ``monitor.stories.boilerplate``) is removed first.
``features`` is cached on the text, so a candidate is tokenised once across calls; the
words and the keys read from them come from ``monitor.stories.wordkeys``, the numbers'
keys from here.

What numbers count (``Features.claims``) is read by ``monitor.figures.extract`` from the
title and the text as the pipeline reads a new item's figures (``article_text``): the
pipeline passes the figures it read, so a new item's figures are read once.
"""

from __future__ import annotations

import math
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from monitor.figures import extract
from monitor.figures.numbers import MAX_DIGITS
from monitor.lang import guess as guess_lang
from monitor.stories import boilerplate
from monitor.stories.aliases import has_hangul
from monitor.stories.wordkeys import (
    CALENDAR_KEY_SET,
    WEIGHT_NUMBER,
    WEIGHT_SMALL_NUMBER,
    WEIGHT_YEAR,
    lead_weekdays,
    word_keys,
)
from monitor.types import Figure

__all__ = ["Features", "article_text", "features"]


# Numbers below this are ignored ("3 Monate", "2 sides"); years are this range.
MIN_COUNTED_NUMBER = 10
YEARS = range(1900, 2101)
# Features are cached per text. The cache must hold the caller's whole candidate pool (a
# few thousand items), or every scan misses; one entry costs ~12 KB for a 3 KB article.
FEATURE_CACHE_SIZE = 4096

# Scale words after a number ("6 thousand", "1,5 Millionen").
SCALE_WORDS = {
    "thousand": 1_000,
    "tausend": 1_000,
    "million": 1_000_000,
    "millionen": 1_000_000,
    "mio": 1_000_000,
    "billion": 1_000_000_000,
    "milliarde": 1_000_000_000,
    "milliarden": 1_000_000_000,
    "mrd": 1_000_000_000,
    "тыс": 1_000,
    "тысяч": 1_000,
    "тысячи": 1_000,
    "тысяча": 1_000,
    "млн": 1_000_000,
    "миллион": 1_000_000,
    "миллиона": 1_000_000,
    "миллионов": 1_000_000,
}
# Korean scales attach to the digits and chain: "1천" = 1,000, "4만5천" = 45,000,
# "4천700명" = 4,700, "1.5만" = 15,000.
_KO_NUMBER = re.compile(
    r"(?<![\d.,])(?:(\d+(?:[.,]\d+)?)\s?만\s?)?(?:(\d+(?:[.,]\d+)?)\s?천)?(\d{1,3}(?![\d.,]))?"
)

# A number as written: digits grouped by . , thin/no-break space or a plain space; not the
# number of a designation ("Hwasong-18"), which is read as one word. What may not stand
# before the number is checked after its first digit is read ([\w.,] then that digit): a
# pattern that opens with a digit is searched by skipping to the digits, one that opens
# with a lookbehind is tried at every position (5x the cost).
_NUMBER = re.compile(
    r"(\d(?<![\w.,]\d)(?<![^\W\d_]-\d)"
    r"(?:\d{0,2}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d*(?:[.,]\d+)?))"
    r"(?:\s*(" + "|".join(SCALE_WORDS) + r")\b)?",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")


@dataclass(frozen=True)
class Features:
    """What ``match`` needs of one text, computed once per text."""

    words: tuple[str, ...]  # normalised words in order, for alignment (interned: cached
    # texts share one copy of each word)
    keys: Mapping[str, float]  # key -> weight, for same-story scoring
    weight: float  # sum of key weights
    figures: frozenset[str]  # the keys that are figures (weight WEIGHT_NUMBER)
    dates: frozenset[str]  # the keys that are weekdays or months
    local: frozenset[str]  # keys only comparable within one language (lowercase words)
    # Keys only comparable across languages (monitor.stories.bridge) -> the keys of the
    # names they were read from: a bridge counts only where its names do not meet.
    bridge: Mapping[str, frozenset[str]]
    places: tuple[str, ...]  # names read as places, in text order: the first is the event's
    lang: str | None  # monitor.lang's guess: texts in different languages share no local keys
    lead_days: frozenset[str]  # weekdays named in the opening: the event's day
    # Figure key -> the claims monitor.figures reads it as counting ("1000" -> {"deminers"}):
    # 1,000 killed and 1,000 deminers share a number, not a fact.
    claims: Mapping[str, frozenset[str]]

    # Sums and subsets ``monitor.stories.matching`` reads for every pair, computed once per
    # text (cached on the instance: the fields above never change).

    @cached_property
    def local_weight(self) -> float:
        """The weight of the keys only comparable within one language (``local`` is a set:
        ``math.fsum`` is exact, so the sum does not follow its order, which the hash seed sets)."""
        return math.fsum(self.keys[key] for key in self.local)

    @cached_property
    def bridge_weight(self) -> float:
        """The weight of the keys only comparable across languages."""
        return sum(self.keys[key] for key in self.bridge)

    @cached_property
    def years(self) -> frozenset[str]:
        """The year keys ("2024")."""
        return frozenset(k for k, w in self.keys.items() if w == WEIGHT_YEAR and k.isdigit())

    @cached_property
    def weekdays(self) -> frozenset[str]:
        """The weekday keys ("tue"), not the months ("m06")."""
        return frozenset(key for key in self.dates if not key[1:].isdigit())

    @cached_property
    def designations(self) -> Mapping[str, frozenset[str]]:
        """Family -> the models named ("hvasong" -> {"19"} for Hwasong-19)."""
        found: dict[str, set[str]] = {}
        for key in self.keys:
            family, dash, designation = key.partition("-")
            if dash and designation[:1].isdigit():
                found.setdefault(family, set()).add(designation)
        return {family: frozenset(models) for family, models in found.items()}


def article_text(title: str, text: str) -> str:
    """The text figures are read from: the title, then the body (``Pipeline`` reads a new
    item's figures from it, and ``Features.claims`` are read from it)."""
    return f"{title}\n\n{text}"


def _number_value(digits: str, scale: str | None) -> float:
    if _GROUPED.fullmatch(digits):
        value: float = int(re.sub(r"\D", "", digits))
    else:  # "1,5 Millionen", "2.5 million", "magnitude 4,4"
        value = float(digits.replace(",", "."))
    if scale:
        value *= SCALE_WORDS[scale.casefold()]
    return value


def _numbers(text: str) -> Iterator[tuple[float, bool]]:
    """(value, had a scale word) for each number written in ``text``."""
    for found in _NUMBER.finditer(text):
        if sum(ch.isdigit() for ch in found.group(1)) > MAX_DIGITS:
            continue  # junk or a row of numbers read as one (figures.numbers says why)
        yield _number_value(found.group(1), found.group(2)), bool(found.group(2))
    if has_hangul(text):
        for found in _KO_NUMBER.finditer(text):
            man, cheon, rest = found.groups()
            if man is None and cheon is None:
                continue  # plain digits: read above
            if sum(ch.isdigit() for ch in found.group(0)) > MAX_DIGITS:
                continue
            value = sum(
                float(part.replace(",", ".")) * scale
                for part, scale in ((man, 10_000), (cheon, 1_000), (rest, 1))
                if part
            )
            yield value, True


def _claims(figures: Iterable[Figure]) -> dict[str, set[str]]:
    """Number key -> what ``monitor.figures`` reads it as counting (the one reader of
    what numbers count): "tausend Pioniere" and "1,000 sappers" both count deminers.

    Only claims: reading every number through it (years, prices, "eight billion") was
    measured to cost ECB+ more than it gained on ITN (F1 0.853 -> 0.842)."""
    claims: dict[str, set[str]] = {}
    for figure in figures:
        for value in (figure.low, figure.high):
            if value is not None and value >= MIN_COUNTED_NUMBER and figure.claim is not None:
                claims.setdefault(str(value), set()).add(figure.claim)
    return claims


def _number_keys(text: str, claims: Mapping[str, set[str]]) -> dict[str, float]:
    """Figure keys, each number as its value ("1000"), from the pattern here (which
    keeps decimals: magnitude 6.1) and from ``claims`` (number words, Korean units)."""
    keys: dict[str, float] = {}
    for value, scaled in _numbers(text):
        if value != int(value):
            # A decimal tells events apart (magnitude 4.4 vs 4.6, 1.5 million) however small.
            keys[f"{value:g}"] = WEIGHT_NUMBER
            continue
        value = int(value)
        if value < MIN_COUNTED_NUMBER:
            continue
        if value in YEARS and not scaled:
            weight = WEIGHT_YEAR
        elif value < 100:
            weight = WEIGHT_SMALL_NUMBER
        else:
            weight = WEIGHT_NUMBER
        keys[str(value)] = weight
    for key in [key for key in claims if key not in keys]:  # in order: hash-free
        value = int(key)
        if value in YEARS:
            keys[key] = WEIGHT_YEAR
        else:
            keys[key] = WEIGHT_NUMBER if value >= 100 else WEIGHT_SMALL_NUMBER
    return keys


_CACHE: OrderedDict[tuple[str, str, str | None], Features] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def features(
    title: str, text: str, lang: str | None = None, figures: Sequence[Figure] | None = None
) -> Features:
    """Features of one text in ``lang`` (guessed when None); cached on the content, so a
    stored item is read once (the least recently used of FEATURE_CACHE_SIZE texts go).

    The outlet's boilerplate (credit lines, plugs, "read more", share buttons, photo
    credits: ``boilerplate.strip``) is left out of both words and keys, so that it
    decides neither a reprint nor a story.

    ``figures``: what ``monitor.figures.extract`` read in ``article_text(title, text)``
    in ``lang`` with the shipped lexicon, when the caller has them (the pipeline reads a
    new item's figures anyway); used when nothing is stripped as boilerplate, else the
    figures are read here, from the text without it.
    """
    key = (title, text, lang)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    found = _features(title, text, lang, figures)
    with _CACHE_LOCK:
        _CACHE[key] = found
        if len(_CACHE) > FEATURE_CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def _features(
    title: str, text: str, lang: str | None, figures: Sequence[Figure] | None
) -> Features:
    stripped = boilerplate.strip(text)
    body = f"{title}.\n{stripped}"
    if not lang or stripped != text:
        figures = None  # read in another language, or from text that is left out
    lang = lang or guess_lang(body)
    words, keys_of_words, local, bridge, places = word_keys(body)
    if figures is None:
        figures = extract(article_text(title, stripped), lang)
    claims = _claims(figures)
    keys = {sys.intern(k): w for k, w in (keys_of_words | _number_keys(body, claims)).items()}
    return Features(
        words=tuple(words),
        keys=keys,
        weight=sum(keys.values()),
        figures=frozenset(k for k, w in keys.items() if w == WEIGHT_NUMBER and k[0].isdigit()),
        dates=frozenset(k for k in keys if k in CALENDAR_KEY_SET),
        local=frozenset(local & keys.keys()),
        bridge={key: frozenset(names) for key, names in bridge.items()},
        places=tuple(place for place in places if place in keys),
        lead_days=lead_weekdays(body),
        lang=lang,
        claims={key: frozenset(found) for key, found in claims.items()},
    )
