"""Bridge keys: what lets a name meet its spelling in another language and script
without a model (Турции / Türkei / Turkey / 튀르키예; Диморф / Dimorphos; 베네딕토 16세 /
Benedict XVI).

``monitor.stories.aliases`` folds spellings that differ letter by letter. Across scripts
and languages names differ more, so two more keys are read from each name, and they are
compared only between texts in different languages (``Features.bridge``): within one
language the name itself already meets.

- **Country key** (``cc:tr``): the name is looked up in CLDR's country and territory names
  in de/en/ru/ko (via Babel, a well-kept library: hundreds of names in four languages are
  not ours to keep), after a Russian case ending or a Korean particle is dropped.
- **Sound skeleton** (``sk:trk``): the name romanised (anyascii, for Hangul and
  Cyrillic alike), then reduced to its first consonant classes: b/p/f/v one class,
  k/g/q/c one, d/t one, s/z/j/ch/sh/ts one, l/r one; vowels, h, w and y dropped, repeats
  merged. Korean writes a foreign name with an inserted "eu" (브라질 = beu-la-jil) and
  swaps l and r, which the classes absorb: 젤렌스키 and Zelensky both give ``srns``.

Skeletons of different names collide more often than names do, which is why a bridge
key weighs less than a name (``WEIGHT_BRIDGE`` in wordkeys.py), is rarity-scaled like every
key, and never decides a same-language pair.

Roman numerals after a name (Benedict XVI, Karl III.) are read as the number they write,
so they meet "16세" and "Карл III" alike (``roman_value``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from monitor.stories.aliases import KO_PARTICLES, has_hangul

__all__ = ["SKELETON_LENGTH", "bridge_keys", "roman_value", "skeleton"]

# How many consonant classes a skeleton keeps: names are compared by their beginning,
# where case endings and transliteration tails (Диморф / Dimorphos) do not reach.
SKELETON_LENGTH = 4
# Shorter skeletons ("pr", "s") say nothing: too many names share them.
SKELETON_MIN_LENGTH = 3

_CLASSES = (
    ("dzh", "j"),  # Джулия = Julia
    ("ce", "se"),  # Central = Центральной
    ("ci", "si"),
    ("cy", "sy"),
    ("sch", "s"),
    ("tch", "s"),
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("ck", "k"),
    ("ch", "s"),
    ("sh", "s"),
    ("zh", "s"),
    ("ts", "s"),
    ("tz", "s"),
    ("ng", "n"),
)
_LETTER_CLASS = str.maketrans(
    {
        "b": "p",
        "f": "p",
        "v": "p",
        "g": "k",
        "q": "k",
        "c": "k",
        "x": "k",
        "d": "t",
        "z": "s",
        "j": "s",
        "l": "r",
        **dict.fromkeys("aeiouyhw'", ""),
    }
)


_NOT_LATIN = re.compile(r"[^a-z]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The sound skeleton of one name ("" when too short to say anything)."""
    latin = anyascii(name).casefold()
    if has_hangul(name):
        latin = latin.replace("eu", "")  # the vowel Korean inserts between consonants
    latin = _NOT_LATIN.sub("", latin)
    for group, sound in _CLASSES:
        latin = latin.replace(group, sound)
    classes = latin.translate(_LETTER_CLASS)
    merged = _REPEATS.sub(r"\1", classes)[:SKELETON_LENGTH]
    return merged if len(merged) >= SKELETON_MIN_LENGTH else ""


_ROMAN = re.compile(r"(?=[ivxl])(l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}


def roman_value(word: str) -> int | None:
    """2..89 for a Roman numeral of at least two letters (XVI -> 16), else None.

    Single letters ("I", "V", "X") and numerals with C, D or M ("DC", "MI") are too often
    words or abbreviations to be read as numbers.
    """
    lowered = word.casefold().rstrip(".")
    if len(lowered) < 2 or not _ROMAN.fullmatch(lowered):
        return None
    total = 0
    for ch, following in zip(lowered, [*lowered[1:], ""], strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


# Russian case endings, dropped before a country name is looked up (Korean particles:
# aliases.KO_PARTICLES).
_RU_ENDINGS = ("ией", "ии", "ию", "ия", "ой", "ом", "у", "е", "ы", "а", "и", "я")


def _ru_stem(word: str) -> str:
    if not word.endswith(_RU_ENDINGS):
        return word  # most words: no ending to try one by one
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


# Common names CLDR does not give as the main one ("Türkiye" is; "Turkey" is not).
_OTHER_NAMES = {"turkey": "tr", "burma": "mm", "britain": "gb", "holland": "nl", "czech": "cz"}


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(stemmed name -> code, Hangul names longest first)."""
    from babel import Locale  # loaded on first use: ~50 ms of CLDR data

    by_name: dict[str, str] = dict(_OTHER_NAMES)
    hangul: list[tuple[str, str]] = []
    for lang in ("en", "de", "ru", "ko"):
        for code, name in Locale(lang).territories.items():
            if not code.isalpha():
                continue  # regions such as "001" (World)
            code, lowered = code.casefold(), name.casefold()
            if " " in lowered:
                continue  # keys are single words: "Vereinigte Staaten" never meets one
            if has_hangul(lowered):
                hangul.append((lowered, code))
            else:
                by_name.setdefault(_ru_stem(lowered), code)
    hangul.sort(key=lambda pair: len(pair[0]), reverse=True)
    return by_name, tuple(hangul)


def country(word: str) -> str | None:
    """The ISO code ("tr") of a country named by one word in de/en/ru/ko, else None."""
    lowered = word.casefold()
    by_name, hangul = _countries()
    if has_hangul(lowered):
        for name, code in hangul:
            rest = lowered.removeprefix(name)
            if rest != lowered and (not rest or rest in KO_PARTICLES):
                return code
        return None
    return by_name.get(_ru_stem(lowered)) or by_name.get(lowered)


@lru_cache(maxsize=65536)
def bridge_keys(name: str) -> tuple[str, ...]:
    """The bridge keys of one name as written (not stemmed): country and skeleton (cached:
    read for every name of every text)."""
    keys = []
    code = country(name)
    if code is not None:
        keys.append(f"cc:{code}")
    found = skeleton(name)
    if found:
        keys.append(f"sk:{found}")
    return tuple(keys)
