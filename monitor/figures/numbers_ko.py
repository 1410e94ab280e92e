"""Korean number words before a counter: Sino-Korean numerals written in Hangul ("천 명",
"삼천 명", "오백여 명", "만여 명", ten thousand and more), native numerals before 명 ("두 명",
"스무 명") and the vague amounts ("수천 명", thousands; "수십 명", dozens). Korean digits
with scale words ("1만2천") are read with the other digits in ``numbers``; the "여" after a
count ("만여 명", 10,000-odd) is read as a hedge in ``korean``.
"""

from __future__ import annotations

import re

# A numeral or vague amount, then an optional "여" (-odd) and a counter.
_KO_WORDS = re.compile(
    r"(?<![\d가-힣])(?:(?P<vague>수(?:십만|백만|십|백|천|만))"
    r"|(?P<word>[일이삼사오육칠팔구]?(?:[십백천만억][일이삼사오육칠팔구]?)+))"
    r"(?=여?\s?(?:명|발|기|개)|\s?[~～]\s?[\d일이삼사오육칠팔구십백천만])"  # "이천~삼천 명"
)
KO_VAGUE = {
    "수십": (20, 99),
    "수백": (200, 999),
    "수천": (2_000, 9_999),
    "수만": (20_000, 99_999),
    "수십만": (200_000, 999_999),
    "수백만": (2_000_000, 9_999_999),
}
_DIGITS = {c: i for i, c in enumerate("일이삼사오육칠팔구", start=1)}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1_000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000}


def sino_korean(word: str) -> int | None:
    """ "삼천오백" -> 3,500, "만" -> 10,000, "이억" -> 200,000,000; None for no numeral."""
    total = 0
    section = 0  # the part below the next 만 or 억
    digit = 0
    last_big = 10**12
    for char in word:
        if char in _DIGITS:
            if digit:
                return None
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
        elif char in _BIG_UNITS:
            unit = _BIG_UNITS[char]
            if unit >= last_big:
                return None
            total += ((section + digit) or 1) * unit
            section, digit, last_big = 0, 0, unit
        else:
            return None
    return total + section + digit


# Native Korean numerals before 명 (people): "두 명", "다섯 명", "열두 명", "스무 명".
_NATIVE_UNITS = {
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
}
_NATIVE_TENS = {"열": 10, "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50}
_NATIVE = re.compile(
    rf"(?<![\d가-힣])(?P<tens>{'|'.join(_NATIVE_TENS)})?(?P<units>{'|'.join(_NATIVE_UNITS)})?"
    r"(?=\s?명)"
)


def _native(m: re.Match[str]) -> int | None:
    tens, units = m.group("tens"), m.group("units")
    if not tens and not units:
        return None
    if tens == "스무" and units:  # "스물한", not "스무한"
        return None
    return _NATIVE_TENS.get(tens or "", 0) + _NATIVE_UNITS.get(units or "", 0)


def korean_numbers(text: str) -> list[tuple[int, int, int | None, int | None, bool]]:
    """(start, end, low, high, vague) of each Korean number word before a counter.
    Numerals with a digit syllable alone ("일 명", also "one person" in "일명") are left
    out: news writes small counts in digits or native words."""
    out: list[tuple[int, int, int | None, int | None, bool]] = []
    for m in _KO_WORDS.finditer(text):
        if m.group("vague"):
            low, high = KO_VAGUE[m.group("vague")]
            out.append((m.start(), m.end(), low, high, True))
            continue
        value = sino_korean(m.group("word"))
        if value is not None and value >= 10:
            out.append((m.start(), m.end(), value, value, False))
    for m in _NATIVE.finditer(text):
        value = _native(m)
        if value is not None:
            out.append((m.start(), m.end(), value, value, False))
    return sorted(out)
