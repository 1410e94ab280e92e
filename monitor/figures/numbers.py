"""Finding the numbers of a text: digits, number words, vague amounts, ranges.

Two regex passes find them: one compiled pass for digits ("6.000", "1,5 Mio.",
"17.06.2025", "1만2천"), one for number words ("tausend", "two thousand", "mehrere
Tausend"). text2num reads German and English number words; Russian ones are read in
``numbers_ru`` and the Korean ones are listed in ``numbers_ko``. Neighbouring numbers
joined by "bis", "to", "-" (or "zwischen X und Y") become one range. A ``Num`` is a number
found, before its context is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from monitor.figures.numbers_forms import find_forms
from monitor.figures.numbers_ko import korean_numbers
from monitor.figures.numbers_ru import (
    RU_GENITIVE_BEFORE,
    RU_GENITIVE_SCALES,
    RU_SCALES,
    RU_SINGLE_SCALES,
    RU_WORDS,
    russian_number,
)

_SCALES: dict[str, int] = {
    "tausend": 1_000,
    "thousand": 1_000,
    "тыс": 1_000,
    "тысяч": 1_000,
    "тысячи": 1_000,
    "тысяча": 1_000,
    "천": 1_000,
    "만": 10_000,
    "억": 100_000_000,
    "mio": 1_000_000,
    "million": 1_000_000,
    "millionen": 1_000_000,
    "millions": 1_000_000,
    "млн": 1_000_000,
    "миллион": 1_000_000,
    "миллиона": 1_000_000,
    "миллионов": 1_000_000,
    "mrd": 1_000_000_000,
    "milliarde": 1_000_000_000,
    "milliarden": 1_000_000_000,
    "billion": 1_000_000_000,
    "trillion": 10**12,
    "bn": 1_000_000_000,
    "млрд": 1_000_000_000,
    "трлн": 10**12,
    "hundred": 100,
    "hundert": 100,
    "tsd": 1_000,
    "k": 1_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mn": 1_000_000,
    "mil": 1_000_000,
    "mln": 1_000_000,
    "b": 1_000_000_000,
    "g": 1_000_000_000,
    "bln": 1_000_000_000,
    "tn": 10**12,
    "trn": 10**12,
    "tln": 10**12,
    "bio": 10**12,  # German "Bio.": eine Billion is 10^12
    "billionen": 10**12,
    "lakh": 100_000,
    "lakhs": 100_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
    # Russian scale words after digits in every case news uses: "о 15 тысячах" (about
    # 15,000), "с 12 тысячами", "к 10 тысячам", "2 миллиардам".
    **dict.fromkeys(
        ("тысячами", "тысячах", "тысячам", "тысячей", "тысячью", "тысяче", "тысячу"), 1_000
    ),
    **dict.fromkeys(
        ("миллионами", "миллионах", "миллионам", "миллионом", "миллионе", "миллиону"), 1_000_000
    ),
    **{
        f"миллиард{ending}": 1_000_000_000
        for ending in ("", "а", "ов", "ами", "ах", "ам", "ом", "е", "у")
    },
}
_SCALE_RE = (
    r"Millionen|Millions?|Milliarden?|Mio\.?|Mrd\.?|Bio\.|Billionen|Tausend|thousand|trillion"
    r"|billion|bn|hundred|hundert|Tsd\.?|mln|bln|tln|trn|lakhs?|crores?"
    r"|тыс\.?|тысяч(?:ами|ах|ам|ей|ью|е|у|а|и)?|млн\.?|млрд\.?|трлн\.?"
    r"|миллион(?:ами|ах|ам|ом|е|у|а|ов)?|миллиард(?:ами|ах|ам|ом|е|у|а|ов)?|만|천|억"
)
# Letters that abbreviate a scale: "10k", "3bn", "£5m", "1.2b", "10G", "2mil"; only upper
# case after a space ("2.33 k" aside), since "5 m" and "10 g" are metres and grams.
_ABBR_RE = r"(?-i:MM|mn|mil|tn|[kKmMbBG])|[ \u00a0](?-i:MM|[kKMG])"
# "12-тысячный контингент": a Russian adjective of strength counts thousands
_RU_STRENGTH = r"-тысячн(?:ый|ая|ое|ого|ой|ому|ым|ую|ые|ых|ыми)"

# One compiled pass over the text. The leading lookahead lets the engine skip every
# position that is not a digit cheaply (4x faster, PERF-NOTES.md); the lookbehinds keep
# us from starting inside a number or inside a model name such as "KN-23" or "A320".
_DIGIT_PATTERN = (
    r"(?=\d)(?<![\w.,])(?<![^\W\d_]-)"
    r"(?:(?P<date>\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})(?!\d)|\d{{4}}-\d{{1,2}}-\d{{1,2}}(?!\d)"
    r"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}(?!\d))"
    r"|(?P<time>\d{{1,2}}:\d{{2}}(?!\d))"
    r"|(?P<num>\d{{1,3}}(?P<sep>[.,\u00a0\u202f'{space}])\d{{3}}(?!\d)(?:(?P=sep)\d{{3}}(?!\d))*"
    r"(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    # a scale word; Korean ones may be followed by more digits: "1만2천", "4천700", and
    # thousands of ten-thousands: "1천200만" (12 million), "3천만"
    r"(?:[ \u00a0]?(?P<scale>{scale})(?:(?<=[만천억])|(?![^\W\d_]))"
    r"(?P<kobig>(?<=천)\d{{0,3}}만)?(?P<ko>\s?\d+천)?(?P<ko2>\d+(?![\d만천]))?"
    r"|(?P<abbr>{abbr})(?![^\W\d_])|(?P<strength>{strength}))?)"
)
# A plain space groups thousands ("10 000", Russian and Korean style, also in German and
# English copy), unless the text has a month, a day and a count in a row ("June 30 500").
_DIGITS = re.compile(
    _DIGIT_PATTERN.format(space="", scale=_SCALE_RE, abbr=_ABBR_RE, strength=_RU_STRENGTH), re.I
)
_DIGITS_SPACED = re.compile(
    _DIGIT_PATTERN.format(space=" ", scale=_SCALE_RE, abbr=_ABBR_RE, strength=_RU_STRENGTH), re.I
)
_MONTH_NUMBER_SPACE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mai|okt|dez|mär)[a-zä]*\.?\s+\d{1,2}"
    r" \d{3}(?!\d)",
    re.I,
)
_GROUPED = re.compile(r"\d \d{3}")  # what _MONTH_NUMBER_SPACE needs, found faster

_DE_MORPH = (
    r"null|eins|ein|zwei|zwo|drei|vier|fünf|fuenf|sechs|sech|sieben|sieb|acht|neun|zehn"
    r"|elf|zwölf|zwoelf|zwanzig|dreißig|dreissig|vierzig|fünfzig|fuenfzig|sechzig|siebzig|achtzig"
    r"|neunzig|hundert|tausend|und"
)
_DE_WORD = rf"(?:{_DE_MORPH})+"
_DE_SCALE = r"millionen|million|milliarden|milliarde"
_EN_MORPH = (
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|nought|naught"
)
# "fifty-two", "fifty - two", "three-nought-four"
_EN_WORD = rf"(?:{_EN_MORPH})(?:\s?-\s?(?:{_EN_MORPH}))*"

# Vague amounts: "mehrere Tausend", "Tausende", "several thousand", "thousands of".
_VAGUE_UNITS: tuple[tuple[re.Pattern[str], tuple[int, int]], ...] = (
    (re.compile(r"zehntausend|tens of thousands|десятк\w*\s+тысяч", re.I), (20_000, 99_999)),
    (
        re.compile(r"hunderttausend|hundreds of thousands|(?:сотн\w*|сотен)\s+тысяч", re.I),
        (200_000, 999_999),
    ),
    (re.compile(r"tausend|thousand|тысяч", re.I), (2_000, 9_999)),
    (re.compile(r"hundert|hundred|сот|сотни", re.I), (200, 999)),
    (re.compile(r"dutzend|dozen|десятк", re.I), (20, 99)),
)
# Matched against the lower-cased text (case-insensitive matching is 3x slower); the
# lookahead lists the letters a number word can start with, so other words cost one test.
_WORDS = re.compile(
    r"(?<![^\W\d_])(?=[abdefhmnostvzнсдт])(?:(?P<vague>(?:mehrere|einige|etliche|ein\s+paar|several|a\s+few|a\s+couple\s+of)"
    r"\s+(?:tausend|hundert|dutzend|thousand|hundred|dozen)"
    r"|(?:zehn|hundert)?tausende[n]?|hunderte[n]?|dutzende[n]?"
    r"|(?:tens|hundreds)\s+of\s+thousands|thousands|hundreds|dozens"
    r"|несколько\s+(?:тысяч|сотен|десятков)|(?:десятк(?:и|ов|ами)|сотни|сотен|сотнями)\s+тысяч\w*"
    r"|тысяч(?:и|ами)?"
    r"|сотни|сотен|сотнями|десятк(?:и|ов|ами))"
    rf"|(?P<de>(?:eine\s+(?:{_DE_SCALE})|(?!(?:und|ein)\b){_DE_WORD}(?:\s+(?:{_DE_SCALE}))?)"
    rf"(?:\s+{_DE_WORD}(?:\s+(?:{_DE_SCALE}))?)*)"
    rf"|(?P<en>(?:an?\s+(?=(?:hundred|thousand|million|billion|trillion)\b))?{_EN_WORD}"
    rf"(?:\s+(?:and\s+)?{_EN_WORD})*))\b"
)

# Words that are number words in form but articles or conjunctions in use.
_NOT_NUMBERS = frozenset({"ein", "und", "a", "an"})

_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|bis|to|or|oder|und|and|или|до|и|~|～)\s*$", re.I)
_AND_JOIN = frozenset({"und", "and", "и"})


@dataclass(frozen=True)
class Num:
    """One number found in the text, before its context is read."""

    start: int
    end: int
    low: int | None  # None only for dates and times, which carry no count
    high: int | None
    form: str | None = None  # "date", "time", "year?" (a plain 1800..2100), "decimal"
    vague: bool = False
    scale: int = 1  # multiplier of a scale word written after the number
    value: float = 0.0  # the unrounded value, for "1,5 bis 2 Millionen"


# Pure, and asked again and again: every run of number words is split into its longest
# parses by trying each span (``_longest_parses``), and the words of the news repeat.
@lru_cache(maxsize=4096)
def parse_number_words(words: str, lang: str) -> int | None:
    """The value of a spelled-out number ("fünftausend", "a thousand"), None if it is none."""
    cleaned = " ".join(words.split())
    lowered = cleaned.lower()
    if lowered in _NOT_NUMBERS:
        return None
    if lang == "ru":
        return russian_number(lowered.split())
    if lang == "en" and "trillion" in lowered:  # text2num stops at billions
        high, _, rest = lowered.partition("trillion")
        rest = rest.strip().removeprefix("and ").strip()
        head = parse_number_words(high, lang) if high.strip() else 1
        tail = parse_number_words(rest, lang) if rest else 0
        if head is None or tail is None or tail >= 10**12:
            return None
        return head * 10**12 + tail
    if lang == "en":  # "fifty - two", "nought"
        cleaned = re.sub(r"\s*-\s*", "-", re.sub(r"\bn[ao]ught\b", "zero", cleaned, flags=re.I))
        if re.match(r"zero-", cleaned, re.I):  # "nought-four" is two numbers
            return None
    elif lang == "de":  # ASCII umlauts: "fuenf", "zwoelf"
        cleaned = cleaned.replace("fuenf", "fünf").replace("zwoelf", "zwölf")
    # text2num reads "ein"/"one" but not the articles "eine", "a", "an" before a scale word.
    if lang == "de" and lowered.startswith("eine "):
        cleaned = "ein " + cleaned[5:]
    elif lang == "en" and (lowered.startswith("a ") or lowered.startswith("an ")):
        cleaned = "one " + cleaned.split(" ", 1)[1]
    try:
        return int(text2num(cleaned, lang))
    except (ValueError, TypeError):
        return None


def find_numbers(text: str, lang: str) -> list[Num]:
    """Every number of ``text`` by position: the unit forms of ``numbers_forms`` ("half a
    million"), digits, then vague amounts and the number words of ``lang`` where no digits
    are. A sign makes a number no count; a year dated by a verb of change ("stieg 2025 auf
    600") is a date; "4 thousand 3 hundred" is one number. Ranges are joined later
    (``merge_ranges``)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters ("İ") lower-case to two characters
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    found = [
        Num(s, e, round(v), round(v), scale=k, value=v, form=None if v.is_integer() else "decimal")
        for s, e, v, k in find_forms(lowered, lang)
    ]
    taken = [(n.start, n.end) for n in found]
    # "40 000" groups thousands in every language, except after a month ("June 30 500")
    spaced = _GROUPED.search(text) and _MONTH_NUMBER_SPACE.search(text)
    digits = _DIGITS if spaced else _DIGITS_SPACED
    for m in digits.finditer(text):
        n = _digit_number(m, lang)
        if n is not None and not _overlaps(n.start, n.end, taken):
            found.append(n)
    taken = [(n.start, n.end) for n in found]
    if lang == "ru":
        for m in RU_WORDS.finditer(lowered):
            if not _overlaps(m.start(), m.end(), taken):
                found.extend(_russian_numbers(m))
        taken = [(n.start, n.end) for n in found]
    elif lang == "ko":
        for start, end, low, high, vague in korean_numbers(text):
            if not _overlaps(start, end, taken):
                scale = 1 if vague or low is None else _ko_scale(low)
                found.append(Num(start, end, low, high, vague=vague, scale=scale))
        taken = [(n.start, n.end) for n in found]
    for m in _WORDS.finditer(lowered):
        if not _overlaps(m.start(), m.end(), taken):
            found.extend(_word_numbers(m, lang))
        elif m.group(lang if lang in ("de", "en") else "vague") and not m.group("vague"):
            # the words beside a form: "one billion and" + "a half million"
            for s, e in _free_parts(m.start(lang), m.end(lang), taken):
                found.extend(_longest_parses(lowered[s:e], s, lang))
    found = [_signed(text, n) for n in sorted(found, key=lambda n: n.start)]
    return _sums(text, [_dated(text, n) for n in found])


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in taken)


def _free_parts(start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of start..end outside the taken spans."""
    parts, pos = [], start
    for s, e in sorted(taken):
        if e <= pos or s >= end:
            continue
        if s > pos:
            parts.append((pos, s))
        pos = max(pos, e)
    if pos < end:
        parts.append((pos, end))
    return parts


def _ko_scale(value: int) -> int:
    return next((k for k in (100_000_000, 10_000, 1_000) if value % k == 0), 1)


# "-5", "minus five", "negative one": a signed number is never a count
_SIGN_BEFORE = re.compile(r"(?:(?:^|(?<=[\s(\[]))[-\u2212]|\b(?:minus|negative|минус)\s+)$", re.I)
# "stieg 2025 auf 600", "lag 2024 bei", "rose 2025 to": the year dates the change
_YEAR_CHANGE_AFTER = re.compile(
    r"\s+(?:bis\s+auf|auf|um|bei|to|at|by|до|на)\s+(?:[^\W\d_]+\.?\s+){0,2}\d"
    r"|\s?(?:г\.|год(?:а|у|ом)?\b)",  # "в 2025 году"
    re.I,
)
_YEAR_CHANGE_BEFORE = re.compile(
    r"\b(?:stieg\w*|steigt|wuchs|wächst|sank|sinkt|fiel|fällt|lag|liegt|betrug|beträgt"
    r"|erreichte|erhöhte|verdoppelte|rose|fell|grew|climbed|reached|stood|doubled"
    r"|вырос\w*|вырастет|вырастут|возрос\w*|достиг\w*|составил\w*|увеличил\w*|сократил\w*"
    r"|снизил\w*|превысил\w*)\s+$",
    re.I,
)


def _signed(text: str, n: Num) -> Num:
    if n.low is None or n.form == "date":
        return n
    m = _SIGN_BEFORE.search(text, max(0, n.start - 10), n.start)
    if m is None:
        return n
    # "decimal": a number that counts nothing, as a fraction would not
    value = -(n.value or n.low)
    low = round(value)
    return Num(m.start(), n.end, low, low, form="decimal", scale=n.scale, value=value)


def _dated(text: str, n: Num) -> Num:
    if n.form != "year?":
        return n
    if _YEAR_CHANGE_AFTER.match(text, n.end) or _YEAR_CHANGE_BEFORE.search(
        text, max(0, n.start - 30), n.start
    ):
        return Num(n.start, n.end, n.low, n.high, form="date", value=n.value)
    return n


_SUM_JOIN = re.compile(r"\s+(?:(?:and|und|и)\s+)?", re.I)
_RANGE_BEFORE = re.compile(r"(?:zwischen|between|между|von|from|от)\s+$", re.I)


def _sums(text: str, numbers: list[Num]) -> list[Num]:
    """ "4 thousand 3 hundred and 21", "3 млн 500 тыс.", "a thousand and one": a number
    with a scale word and a smaller one right after it are one number."""
    out: list[Num] = []
    for n in numbers:
        a = out[-1] if out else None
        if (
            a is not None
            and a.scale > 1
            and a.form is None
            and n.form is None
            and not a.vague
            and not n.vague
            and a.low is not None
            and n.low is not None
            and 0 < n.low < a.scale
            and _SUM_JOIN.fullmatch(text, a.end, n.start)
            and not _RANGE_BEFORE.search(text, max(0, a.start - 12), a.start)
        ):
            value = a.low + n.low
            out[-1] = Num(a.start, n.end, value, value, scale=max(n.scale, 1), value=value)
            continue
        out.append(n)
    return out


# No count in the news has more digits (10^15); a longer run is junk or a row of numbers
# whose spaces read as thousands separators ("100 100 100 ..."), and float() of it fails.
MAX_DIGITS = 15


_DIGIT_GROUPS = ("date", "time", "num", "sep", "scale", "abbr", "strength", "kobig", "ko", "ko2")


def _digit_number(m: re.Match[str], lang: str) -> Num | None:
    read = _read_digits(m.group(*_DIGIT_GROUPS), lang)
    return Num(m.start(), m.end(), *read) if read is not None else None


# What a number in digits says depends on nothing but its groups: "6.000", "1,5 Mio." and
# "3" repeat from text to text, and their reading costs ~10 µs.
@lru_cache(maxsize=4096)
def _read_digits(
    groups: tuple[str | None, ...], lang: str
) -> tuple[int | None, int | None, str | None, bool, int, float] | None:
    """(low, high, form, vague, scale, value) of a ``_DIGITS`` match's groups, None for
    no number."""
    date, time, raw, sep, scale_word, abbr, strength, kobig, ko, ko2 = groups
    if date:
        return None, None, "date", False, 1, 0.0
    if time:
        return None, None, "time", False, 1, 0.0
    assert raw is not None  # the third alternative of the pattern
    if sum(ch.isdigit() for ch in raw) > MAX_DIGITS:
        return None  # a row of numbers read as one, or junk: no count, never a crash
    value, decimal = _parse_digits(raw, sep)
    scale = 1
    word = scale_word or abbr
    if word:
        word = word.strip().lower().rstrip(".")
        scale = 10**12 if lang == "de" and word == "billion" else _SCALES.get(word, 1)
    elif strength:
        scale = 1_000
    if scale > 1:
        value *= scale
        if kobig:  # Korean "1천200만": (1,000 + 200) ten-thousands
            value = (value + int(kobig[:-1] or 0)) * 10_000
            scale = 10_000
        if ko:  # Korean "1만2천": ten-thousands plus thousands
            value += int(re.sub(r"\D", "", ko)) * 1_000
        if ko2:  # Korean "4천700": thousands plus units
            value += int(ko2)
    form = "decimal" if decimal and scale == 1 else None
    if form is None and scale == 1 and len(raw) == 4 and raw.isdigit() and 1800 <= value <= 2100:
        form = "year?"
    return round(value), round(value), form, False, scale, value


def _parse_digits(raw: str, sep: str | None) -> tuple[float, bool]:
    """Return (value, has_decimal_part). A separator before exactly three digits groups
    thousands ("6.000", "6,000"); any other "." or "," is a decimal point ("1,5", "1.5")."""
    if sep:
        groups_end = raw.rfind(sep) + 4
        whole = int(re.sub(r"\D", "", raw[:groups_end]))
        rest = raw[groups_end:]
        if rest:
            return whole + float("0." + rest[1:]), True
        return float(whole), False
    if "." in raw or "," in raw:
        return float(raw.replace(",", ".")), True
    return float(raw), False


def _russian_numbers(m: re.Match[str]) -> list[Num]:
    """A run of Russian number words; a plural scale word alone is left to the vague reader."""
    words = m.group(0).split()
    if len(words) == 1 and words[0] in RU_SCALES and words[0] not in RU_SINGLE_SCALES:
        if words[0] not in RU_GENITIVE_SCALES or not RU_GENITIVE_BEFORE.search(
            m.string, max(0, m.start() - 20), m.start()
        ):
            return []
        words = ["одна", words[0]]  # "более тысячи": the genitive of one thousand
    value = russian_number(words)
    if value is None or value == 1:  # "один из солдат" is "one of the soldiers"
        return []
    scale = next((RU_SCALES[w] for w in reversed(words) if w in RU_SCALES), 1)
    return [Num(m.start(), m.end(), value, value, scale=scale if words[-1] in RU_SCALES else 1)]


def _word_numbers(m: re.Match[str], lang: str) -> list[Num]:
    if m.group("vague"):
        phrase = m.group("vague")
        for unit, (low, high) in _VAGUE_UNITS:
            if unit.search(phrase):
                return [Num(m.start(), m.end(), low, high, vague=True)]
        return []
    group = "de" if m.group("de") else "en"
    if group != lang:  # "elf", "acht", "one" are other words in the other language
        return []
    return _longest_parses(m.group(group), m.start(group), lang)


def _longest_parses(run: str, offset: int, lang: str) -> list[Num]:
    """Split a run of number words into the longest parts text2num accepts
    ("drei und vier" -> 3, 4), skipping words that are no number on their own."""
    tokens = [(t.start(), t.end()) for t in re.finditer(r"[^\s-]+", run)]
    out: list[Num] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            value = parse_number_words(run[tokens[i][0] : tokens[j - 1][1]], lang)
            if value is not None:
                start, end = offset + tokens[i][0], offset + tokens[j - 1][1]
                scale = _word_scale(run[tokens[i][0] : tokens[j - 1][1]], lang)
                out.append(Num(start, end, value, value, scale=scale))
                i = j
                break
        else:
            i += 1
    return out


def _word_scale(run: str, lang: str) -> int:
    lowered = run.lower()
    for word, scale in (
        ("milliard", 10**9),
        ("trillion", 10**12),
        ("billion", 10**9),
        ("million", 10**6),
        ("tausend", 1_000),
        ("thousand", 1_000),
        ("hundert", 100),
        ("hundred", 100),
    ):
        if lowered.endswith(word) or lowered.endswith(word + "en"):
            return scale
    return 1


def merge_ranges(text: str, numbers: list[Num]) -> list[tuple[Num, bool]]:
    """Join "10.000 bis 12.000", "between 10 and 12 thousand", "Zwei- bis dreitausend"
    into one number."""
    out: list[tuple[Num, bool]] = []
    i = 0
    while i < len(numbers):
        a = numbers[i]
        b = numbers[i + 1] if i + 1 < len(numbers) else None
        scaled_later = b is not None and a.scale == 1 and b.scale > 1
        if (
            b is not None
            and b.form in (None, "year?")
            and not a.vague
            and (a.form is None or (a.form == "decimal" and scaled_later))
            and a.low is not None
            and b.high is not None
        ):
            joiner = text[a.end : b.start]
            truncated = _truncated_low(text, a, b, joiner)
            if truncated is not None and _range_allowed(text, a, joiner.strip(" -")):
                out.append((Num(a.start, b.end, truncated, b.high, scale=b.scale), True))
                i += 2
                continue
            if _RANGE_JOIN.match(joiner) and _range_allowed(text, a, joiner):
                low = round((a.value or a.low) * b.scale) if scaled_later else a.low
                if low <= b.high:
                    out.append((Num(a.start, b.end, low, b.high, scale=b.scale), True))
                    i += 2
                    continue
        out.append((a, False))
        i += 1
    return out


# "Zwei- bis dreitausend", "10- bis 12.000", "zwischen acht- und neuntausend": the first
# number is cut before its unit
_TRUNCATED_JOIN = re.compile(r"-\s*(?:bis|oder|to|or|und|and)\s+", re.I)
_UNIT_MORPH = re.compile(r"hundert|tausend|million|milliard|hundred|thousand|billion")


def _truncated_low(text: str, a: Num, b: Num, joiner: str) -> int | None:
    """The low end of a truncated compound range, None if the joiner is no such one."""
    if not _TRUNCATED_JOIN.fullmatch(joiner) or a.low is None or b.low is None:
        return None
    first, second = text[a.start : a.end].lower(), text[b.start : b.end].lower()
    if not first[:1].isdigit():
        unit = _UNIT_MORPH.search(second)
        if unit is None or unit.start() == 0:
            return None
        rest = second[unit.start() :]
        low = parse_number_words(first + rest, "de") or parse_number_words(f"{first} {rest}", "en")
    elif b.scale > 1:
        low = round((a.value or a.low) * b.scale)
    else:  # "10- bis 12.000": the first takes the second's groups of three zeros
        zeros = re.search(r"(?:[.,\u00a0\u202f' ]000)+$", second)
        low = a.low * 1000 ** (len(zeros.group(0)) // 4) if zeros and a.low < 1000 else None
    return low if low is not None and low <= b.low else None


def _range_allowed(text: str, a: Num, joiner: str) -> bool:
    """ "und"/"and" joins a range only after "zwischen"/"between"."""
    if joiner.strip().lower() not in _AND_JOIN:
        return True
    before = text[max(0, a.start - 12) : a.start].lower()
    return bool(re.search(r"(?:zwischen|between|между)\s+$", before))
