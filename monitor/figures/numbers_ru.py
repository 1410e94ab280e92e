"""Russian number words: the value of a run of them ("пятьдесят три тысячи двести" is
53,200, "шестьдесят пятьдесят" is none), and the scale words that count as one thousand
only in the singular or after a word that takes the genitive ("более тысячи").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

# Russian number words. text2num 3.x reads German and English but no longer Russian, so
# Russian is read here: every case form news uses ("пять тысяч", "тысячу", "двенадцати").
_RU_VALUES: dict[str, int] = {
    **dict.fromkeys(("ноль", "нуль"), 0),
    **dict.fromkeys(("один", "одна", "одно", "одну", "одного", "одной", "одним"), 1),
    **dict.fromkeys(("два", "две", "двух", "двум", "двумя"), 2),
    **dict.fromkeys(("три", "трёх", "трех", "трём", "трем", "тремя"), 3),
    **dict.fromkeys(("четыре", "четырёх", "четырех", "четырьмя"), 4),
    **dict.fromkeys(("пять", "пяти", "пятью"), 5),
    **dict.fromkeys(("шесть", "шести", "шестью"), 6),
    **dict.fromkeys(("семь", "семи", "семью"), 7),
    **dict.fromkeys(("восемь", "восьми", "восемью"), 8),
    **dict.fromkeys(("девять", "девяти", "девятью"), 9),
    **dict.fromkeys(("десять", "десяти"), 10),
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
        for form in (stem + "ь", stem + "и")
    },
    "пятьнадцать": 15,  # a common misspelling text2num's tests accept
    **dict.fromkeys(("двадцать", "двадцати"), 20),
    **dict.fromkeys(("тридцать", "тридцати"), 30),
    **dict.fromkeys(("сорок", "сорока"), 40),
    **dict.fromkeys(("пятьдесят", "пятидесяти"), 50),
    **dict.fromkeys(("шестьдесят", "шестидесяти"), 60),
    **dict.fromkeys(("семьдесят", "семидесяти"), 70),
    **dict.fromkeys(("восемьдесят", "восьмидесяти"), 80),
    **dict.fromkeys(("девяносто", "девяноста"), 90),
    **dict.fromkeys(("сто", "ста"), 100),
    **dict.fromkeys(("двести", "двухсот"), 200),
    **dict.fromkeys(("триста", "трёхсот", "трехсот"), 300),
    **dict.fromkeys(("четыреста", "четырёхсот", "четырехсот"), 400),
    **dict.fromkeys(("пятьсот", "пятисот"), 500),
    **dict.fromkeys(("шестьсот", "шестисот"), 600),
    **dict.fromkeys(("семьсот", "семисот"), 700),
    **dict.fromkeys(("восемьсот", "восьмисот"), 800),
    **dict.fromkeys(("девятьсот", "девятисот"), 900),
}
RU_SCALES: dict[str, int] = {
    **dict.fromkeys(
        ("тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячам", "тысячами"), 1_000
    ),
    **dict.fromkeys(("миллион", "миллиона", "миллионов", "миллионам", "миллионами"), 10**6),
    **dict.fromkeys(("миллиард", "миллиарда", "миллиардов"), 10**9),
    **dict.fromkeys(("триллион", "триллиона", "триллионов"), 10**12),
}
_RU_HALF = frozenset({"полторы", "полтора", "полутора"})  # one and a half (thousand)
# A scale word alone is a number only in the singular: "тысячу солдат" is 1,000, but
# "тысячи солдат" is "thousands of soldiers" (a vague amount).
RU_SINGLE_SCALES = frozenset({"тысяча", "тысячу", "тысячей", "миллион", "миллиард"})
# Words that put "тысячи" in the genitive singular: "более тысячи" is more than 1,000.
RU_GENITIVE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:более|менее|свыше|около|порядка|до|из|без|для|отправк[уи]|направлени[еяю]"
    r"|переброск[уи])\s+$"
)
_RU_WORD = "|".join(sorted((*_RU_VALUES, *RU_SCALES, *_RU_HALF), key=len, reverse=True))
RU_WORDS = re.compile(rf"(?<![^\W\d_])(?:{_RU_WORD})(?:\s+(?:{_RU_WORD}))*(?![^\W\d_])")


def russian_number(words: Sequence[str]) -> int | None:
    """ "пятьдесят три тысячи двести" -> 53,200; None when the words make no number
    ("шестьдесят пятьдесят", "тысяча тысяча")."""
    total = 0
    group = 0.0  # the part below the next scale word
    last_scale = math.inf
    for word in words:
        if word in RU_SCALES:
            scale = RU_SCALES[word]
            if scale >= last_scale:
                return None
            total += round((group or 1) * scale)
            group, last_scale = 0, scale
        elif word in _RU_HALF:
            if group:
                return None
            group = 1.5
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
