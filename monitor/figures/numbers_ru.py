"""Russian number words: the value of a run of them in any case ("пятьдесят три тысячи
двести" is 53,200, "двенадцатью тысячами" 12,000, "шестьдесят пятьдесят" none), collective
numerals ("двое", "пятеро"), halves and quarters ("полторы тысячи", "два с половиной
миллиона", "полмиллиона", "четверть миллиона"), counting nouns ("две сотни", "полтора
десятка", "дюжина"), and the scale words that count as one only in the singular or after a
word that takes the genitive ("более тысячи").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

# Russian number words. text2num 3.x reads German and English but no longer Russian, so
# Russian is read here: every case form news uses ("пять тысяч", "тысячу", "двенадцати").
_RU_VALUES: dict[str, int] = {
    **dict.fromkeys(("ноль", "нуль"), 0),
    **dict.fromkeys(
        ("один", "одна", "одно", "одну", "одного", "одной", "одним", "одному", "одном"), 1
    ),
    **dict.fromkeys(("два", "две", "двух", "двум", "двумя"), 2),
    **dict.fromkeys(("три", "трёх", "трех", "трём", "трем", "тремя"), 3),
    **dict.fromkeys(("четыре", "четырёх", "четырех", "четырём", "четырем", "четырьмя"), 4),
    **dict.fromkeys(("пять", "пяти", "пятью"), 5),
    **dict.fromkeys(("шесть", "шести", "шестью"), 6),
    **dict.fromkeys(("семь", "семи", "семью"), 7),
    **dict.fromkeys(("восемь", "восьми", "восемью", "восьмью"), 8),
    **dict.fromkeys(("девять", "девяти", "девятью"), 9),
    **dict.fromkeys(("десять", "десяти", "десятью"), 10),
    **{
        form: value
        for value, stem in enumerate(
            (
                "одиннадцат",
                "двенадцат",
                "тринадцат",
                "четырнадцат",
                "пятнадцат",
                "шестнадцат",
                "семнадцат",
                "восемнадцат",
                "девятнадцат",
            ),
            start=11,
        )
        for form in (stem + "ь", stem + "и", stem + "ью")
    },
    "пятьнадцать": 15,  # a common misspelling text2num's tests accept
    # collective numerals, which count people: "двое взяты в плен", "пятеро погибли"
    **{
        stem + end: value
        for value, stem in enumerate(
            ("дво", "тро", "четвер", "пятер", "шестер", "семер", "восьмер", "девятер", "десятер"),
            start=2,
        )
        for end in (("е", "их", "им", "ими") if value < 4 else ("о", "ых", "ым", "ыми"))
    },
    **dict.fromkeys(("двадцать", "двадцати", "двадцатью"), 20),
    **dict.fromkeys(("тридцать", "тридцати", "тридцатью"), 30),
    **dict.fromkeys(("сорок", "сорока"), 40),
    **dict.fromkeys(("пятьдесят", "пятидесяти", "пятьюдесятью"), 50),
    **dict.fromkeys(("шестьдесят", "шестидесяти", "шестьюдесятью"), 60),
    **dict.fromkeys(("семьдесят", "семидесяти", "семьюдесятью"), 70),
    **dict.fromkeys(("восемьдесят", "восьмидесяти", "восемьюдесятью", "восьмьюдесятью"), 80),
    **dict.fromkeys(("девяносто", "девяноста"), 90),
    **dict.fromkeys(("сто", "ста"), 100),
    # the hundreds in every case: nominative, genitive, dative, instrumental, prepositional
    **{
        form: value * 100
        for value, forms in (
            (2, ("двести", "двухсот", "двумстам", "двумястами", "двухстах")),
            (3, ("триста", "трёхсот", "трехсот", "трёмстам", "тремстам", "тремястами")),
            (3, ("трёхстах", "трехстах")),
            (4, ("четыреста", "четырёхсот", "четырехсот", "четырёмстам", "четыремстам")),
            (4, ("четырьмястами", "четырёхстах", "четырехстах")),
            (5, ("пятьсот", "пятисот", "пятистам", "пятьюстами", "пятистах")),
            (6, ("шестьсот", "шестисот", "шестистам", "шестьюстами", "шестистах")),
            (7, ("семьсот", "семисот", "семистам", "семьюстами", "семистах")),
            (8, ("восемьсот", "восьмисот", "восьмистам", "восемьюстами", "восьмистах")),
            (9, ("девятьсот", "девятисот", "девятистам", "девятьюстами", "девятистах")),
        )
        for form in forms
    },
}
# "полмиллиона" (half a million), "полтысячи", "полсотни", "полдюжины": one word each
_RU_HALVES: dict[str, int] = {
    **dict.fromkeys(("полмиллиона", "полумиллиона", "полумиллионом"), 500_000),
    **dict.fromkeys(("полмиллиарда", "полумиллиарда"), 500_000_000),
    **dict.fromkeys(("полтысячи", "полутысячи"), 500),
    **dict.fromkeys(("полсотни", "полусотни"), 50),
    **dict.fromkeys(("полдюжины",), 6),
}
_CASES = ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")
RU_SCALES: dict[str, int] = {
    **dict.fromkeys(
        ("тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячью", "тысяче", "тысячам"), 1_000
    ),
    **dict.fromkeys(("тысячами", "тысячах", "тыс"), 1_000),
    **{"миллион" + end: 10**6 for end in _CASES},
    **{"миллиард" + end: 10**9 for end in _CASES},
    **{"триллион" + end: 10**12 for end in _CASES},
    "млн": 10**6,
    "млрд": 10**9,
    "трлн": 10**12,
    # counting nouns: "две сотни" (200), "полтора десятка" (15), "три дюжины" (36)
    **dict.fromkeys(("сотня", "сотню", "сотни", "сотен", "сотней", "сотнями"), 100),
    **dict.fromkeys(("десяток", "десятка", "десятком", "десятков"), 10),
    **dict.fromkeys(("дюжина", "дюжину", "дюжины", "дюжин", "дюжиной"), 12),
}
_RU_HALF = frozenset({"полторы", "полтора", "полутора"})  # one and a half (thousand)
_RU_QUARTER = frozenset({"четверть", "четверти"})  # "четверть миллиона"
# A scale word alone is a number only in the singular: "тысячу солдат" is 1,000, but
# "тысячи солдат" is "thousands of soldiers" (a vague amount).
RU_SINGLE_SCALES = frozenset(
    {"тысяча", "тысячу", "тысячей", "миллион", "миллиард", "сотня", "сотню", "десяток"}
    | {"дюжина", "дюжину", "дюжиной"}
)
# The genitive singulars that "более тысячи", "около сотни" read as one unit.
RU_GENITIVE_SCALES = frozenset({"тысячи", "миллиона", "миллиарда", "сотни", "десятка", "дюжины"})
# Words that put "тысячи" in the genitive singular: "более тысячи" is more than 1,000.
RU_GENITIVE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:более|менее|свыше|около|порядка|до|из|без|для|отправк[уи]|направлени[еяю]"
    r"|переброск[уи])\s+$"
)
_RU_WORD = "|".join(
    sorted((*_RU_VALUES, *RU_SCALES, *_RU_HALF, *_RU_QUARTER, *_RU_HALVES), key=len, reverse=True)
)
# "два с половиной миллиона" (2.5 million): "с половиной" joins the run
_RU_WORD = rf"(?:тыс|млн|млрд|трлн)\.|{_RU_WORD}"  # "пять тыс. военных"
RU_WORDS = re.compile(
    rf"(?<![^\W\d_])(?:{_RU_WORD})(?:\s+(?:{_RU_WORD}|с\s+половиной))*(?![^\W\d_])"
)


def russian_number(words: Sequence[str]) -> int | None:
    """ "пятьдесят три тысячи двести" -> 53,200; None when the words make no number
    ("шестьдесят пятьдесят", "тысяча тысяча")."""
    if len(words) == 1 and words[0] in _RU_HALVES:
        return _RU_HALVES[words[0]]
    total = 0
    group = 0.0  # the part below the next scale word
    last_scale = math.inf
    words = [w.rstrip(".") for w in words]
    for i, word in enumerate(words):
        if word == "с" and i + 1 < len(words) and words[i + 1] == "половиной":
            if not group or group % 1:
                return None
            group += 0.5  # "два с половиной миллиона"
        elif word == "половиной" and i and words[i - 1] == "с":
            continue
        elif word in RU_SCALES:
            scale = RU_SCALES[word]
            if scale >= last_scale:
                return None
            total += round((group or 1) * scale)
            group, last_scale = 0, scale
        elif word in _RU_HALF or word in _RU_QUARTER:
            if group:
                return None
            group = 1.5 if word in _RU_HALF else 0.25
        elif word in _RU_VALUES:
            value = _RU_VALUES[word]
            if value == 0:
                if group or total:
                    return None  # only leading zeros are read ("ноль восемь")
                continue
            if not _ru_fits(int(group), value) or group % 1:
                return None
            group += value
        else:
            return None
    if group % 1:
        return None  # "полторы" without a scale word
    return total + int(group)


def _ru_fits(group: int, value: int) -> bool:
    """Hundreds, then tens or teens, then units: "сто двадцать пять", not "пять сто"."""
    if value >= 100:
        return group == 0
    if value >= 10:
        return group % 100 == 0
    return group % 10 == 0 and not 10 <= group % 100 <= 19
