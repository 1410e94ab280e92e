"""Read the figures a news text reports: numbers, ranges, hedges, what they count, who says so.

    extract(text, lang)  ->  [Figure(claim="troops", low=10000, high=12000, hedge="between", ...)]

How a number becomes a Figure:

1. Two regex passes find numbers: one compiled pass for digits ("6.000", "1,5 Mio.",
   "17.06.2025"), one for number words ("tausend", "two thousand", "mehrere Tausend").
2. Neighbouring numbers joined by "bis", "to", "-" (or "zwischen X und Y") become a range.
3. The words just before give the hedge ("mehr als", "about") and an increment
   ("weitere", "another"); the words just after say whether it is a year, date,
   duration, percentage, price or age (never a claim) or name what is counted.
4. The counted noun maps to a claim kind through ``CLAIM_TERMS``; clause context can
   refine it (soldiers sent "for reconstruction" are builders, "were killed" later in the
   clause makes it a casualty count).
5. A personnel count that a dispatch pledged, announced or planned is about ("will send",
   "zu entsenden", "направит", "파견하기로") gets the modifier "deployment"; a count in
   place ("are fighting", "im Einsatz") or a past dispatch ("has sent") stays a total.
6. "nach Angaben X", "according to X", "X said" in the same sentence give the attribution.

Pure: stdlib, monitor.types and text2num only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from monitor.figures.clauses import (
    MONTH_AFTER,
    MONTHS,
    clause_span,
    next_word,
    sentence_span,
    tokens_after,
)
from monitor.figures.lexicon import (
    CASUALTIES,
    CASUALTY_BEFORE,
    CASUALTY_VERBS,
    DEMINING,
    LANGS,
    PERSONNEL,
    RECONSTRUCTION,
    Vocabulary,
    kind_at,
    kinds_in,
    vocabulary,
)
from monitor.lang import guess as guess_language
from monitor.types import ClaimTerms, Figure

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
}
_SCALE_RE = (
    r"Millionen|Millions?|Milliarden?|Mio\.?|Mrd\.?|Tausend|thousand|trillion|billion|bn"
    r"|тыс\.?|тысяч[аи]?|млн\.?|млрд\.?|миллион(?:а|ов)?|만|천|억"
)

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
    # a scale word; Korean ones may be followed by more digits: "1만2천", "4천700"
    r"(?:[ \u00a0]?(?P<scale>{scale})(?:(?<=[만천억])|(?![^\W\d_]))"
    r"(?P<ko>\s?\d+천)?(?P<ko2>\d+(?![\d만천]))?)?)"
)
# A plain space groups thousands ("10 000", Russian and Korean style, also in German and
# English copy), unless the text has a month, a day and a count in a row ("June 30 500").
_DIGITS = re.compile(_DIGIT_PATTERN.format(space="", scale=_SCALE_RE), re.I)
_DIGITS_SPACED = re.compile(_DIGIT_PATTERN.format(space=" ", scale=_SCALE_RE), re.I)
_MONTH_NUMBER_SPACE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mai|okt|dez|mär)[a-zä]*\.?\s+\d{1,2}"
    r" \d{3}(?!\d)",
    re.I,
)

_DE_MORPH = (
    r"null|eins|ein|zwei|zwo|drei|vier|fünf|sechs|sech|sieben|sieb|acht|neun|zehn"
    r"|elf|zwölf|zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig"
    r"|neunzig|hundert|tausend|und"
)
_DE_WORD = rf"(?:{_DE_MORPH})+"
_DE_SCALE = r"millionen|million|milliarden|milliarde"
_EN_MORPH = (
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion"
)
_EN_WORD = rf"(?:{_EN_MORPH})(?:-(?:{_EN_MORPH}))?"

# Vague amounts: "mehrere Tausend", "Tausende", "several thousand", "thousands of".
_VAGUE_UNITS: tuple[tuple[re.Pattern[str], tuple[int, int]], ...] = (
    (re.compile(r"zehntausend|tens of thousands|десятки тысяч", re.I), (20_000, 99_999)),
    (re.compile(r"hunderttausend|hundreds of thousands|сотни тысяч", re.I), (200_000, 999_999)),
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
    r"|несколько\s+(?:тысяч|сотен|десятков)|десятки\s+тысяч|сотни\s+тысяч|тысячи|сотни)"
    rf"|(?P<de>(?:eine\s+(?:{_DE_SCALE})|(?!(?:und|ein)\b){_DE_WORD}(?:\s+(?:{_DE_SCALE}))?)"
    rf"(?:\s+{_DE_WORD}(?:\s+(?:{_DE_SCALE}))?)*)"
    rf"|(?P<en>(?:an?\s+(?=(?:hundred|thousand|million|billion|trillion)\b))?{_EN_WORD}"
    rf"(?:\s+(?:and\s+)?{_EN_WORD})*))\b"
)
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
_RU_SCALES: dict[str, int] = {
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
_RU_SINGLE_SCALES = frozenset({"тысяча", "тысячу", "тысячей", "миллион", "миллиард"})
# Words that put "тысячи" in the genitive singular: "более тысячи" is more than 1,000.
_RU_GENITIVE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:более|менее|свыше|около|порядка|до|из|без|для|отправк[уи]|направлени[еяю]"
    r"|переброск[уи])\s+$"
)
_RU_WORD = "|".join(sorted((*_RU_VALUES, *_RU_SCALES, *_RU_HALF), key=len, reverse=True))
_RU_WORDS = re.compile(rf"(?<![^\W\d_])(?:{_RU_WORD})(?:\s+(?:{_RU_WORD}))*(?![^\W\d_])")

# Korean number words in news: "천 명" (a thousand), "수천 명" (thousands, vague).
_KO_WORDS = re.compile(
    r"(?<![\d가-힣])(?:(?P<vague>수(?:십만|십|백|천|만))|(?P<bare>천|만))(?=\s?(?:명|발|기|개))"
)
_KO_VAGUE = {
    "수십": (20, 99),
    "수백": (200, 999),
    "수천": (2_000, 9_999),
    "수만": (20_000, 99_999),
    "수십만": (200_000, 999_999),
}

# Words that are number words in form but articles or conjunctions in use.
_NOT_NUMBERS = frozenset({"ein", "und", "a", "an"})

_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?,?\s+$", re.I)

_YEAR_BEFORE = re.compile(
    r"(?:\b(?:jahre?s?|jahr|year|seit|since|bis|until|anfang|ende|mitte|frühjahr|frühling"
    r"|sommer|herbst|winter|spring|summer|autumn|fall|early|late|mid|году|год)|\d,)\s+$"
    r"|\bin\s+$|\bim\s+$|\bof\s+$|-$",
    re.I,
)
_YEAR_SUFFIX = re.compile(r"^(?:er\b|s\b|'s\b|년|\s?г\.|\s?года?\b)", re.I)
_PERCENT_AFTER = re.compile(r"^\s?(?:%|prozent|percent|per\s?cent|процент|퍼센트|프로)", re.I)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥₩₽]|\b(?:usd|eur|us\$|rub|krw))\s?$", re.I)
_MONEY_AFTER = re.compile(
    r"^\s?(?:[$€£¥₩₽]|(?:us-)?dollar|euro|eur\b|usd\b|rubel|roubles?|rubles?|pfund|pounds?"
    r"\b|yuan|won\b|руб|долл|евро|원|달러)",
    re.I,
)
_AGE = re.compile(
    r"^(?:-|\s)(?:year-old|years?\s+old|jährig|jahre\s+alt|летн)|^\s?(?:세|살)(?![가-힣])", re.I
)
# "the number of North Korean troops ... at 11,000": the kind is named before the number.
_NUMBER_OF = re.compile(
    r"\b(?:(?:an)?zahl|number|total|tally|estimate|численност\w*|числ[оа])\b"
    r"(?:\s+(?:der|des|von|of|the|all))?\s+(?P<np>(?:\S+\s+){0,3}\S+)",
    re.I,
)
_AGE_BEFORE = re.compile(r"\b(?:aged|im alter von|alter von|в возрасте)\s+$", re.I)
_DURATION_AFTER = re.compile(
    r"^[\s-]*(?:jahrzehnt\w*|jahre[n]?|jahr|monate[n]?|monat|wochen|woche|tage[n]?|tag"
    r"|stunden|stunde|minuten|sekunden|decades?|years?|months?|weeks?|days?|hours?|minutes?"
    r"|seconds?|лет|года?|месяц\w*|недел\w*|дн\w*|час\w*|년|개월|주일|일간|시간)(?![\w])",
    re.I,
)
_TIME_AFTER = re.compile(r"^\s?(?:uhr\b|a\.m\.|p\.m\.|am\b|pm\b|시\b)", re.I)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|te[nrms]?|번째|-?й|-?я|-?го)\b", re.I)
# German "4. Juni", "zum 3. Mal": a digit, a dot and a lower-case word or month is ordinal.
_DE_ORDINAL_AFTER = re.compile(rf"^\.\s+(?:[a-zäöüß]|Mal\b|(?i:{MONTHS})\b)")

_INCREMENT = frozenset(
    {
        "weitere",
        "weiteren",
        "weiterer",
        "weiteres",
        "zusätzliche",
        "zusätzlichen",
        "zusätzlicher",
        "additional",
        "another",
        "further",
        "more",
        "extra",
        "ещё",
        "еще",
        "дополнительно",
        "дополнительных",
        "추가",
    }
)
_INCREMENT_RE = (
    r"weitere[nrs]?|zusätzliche[nr]?|another|an\s+additional|additional"
    r"|a\s+further|further|ещё|еще|дополнительно|추가로?"
)

_HEDGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "about",
        (
            "etwa",
            "rund",
            "ungefähr",
            "circa",
            "ca.",
            "zirka",
            "annähernd",
            "schätzungsweise",
            "fast",
            "knapp",
            "gut",  # "gut 14.000": a good 14,000
            "about",
            "around",
            "roughly",
            "approximately",
            "approx.",
            "some",
            "an estimated",
            "estimated",
            "nearly",
            "almost",
            "около",
            "примерно",
            "почти",
            "порядка",
            "약",
        ),
    ),
    (
        "more than",
        (
            "mehr als",
            "weit mehr als",
            "über",
            "more than",
            "well over",
            "over",
            "upwards of",
            "in excess of",
            "более",
            "свыше",
            "больше",
        ),
    ),
    (
        "at least",
        (
            "mindestens",
            "wenigstens",
            "at least",
            "no fewer than",
            "not less than",
            "no less than",
            "не менее",
            "как минимум",
            "최소",
        ),
    ),
    (
        "up to",
        ("bis zu", "up to", "as many as", "weniger als", "less than", "fewer than", "до", "최대"),
    ),
    ("between", ("zwischen", "between", "von", "from", "от", "между")),
)
_HEDGES: dict[str, str] = {word: hedge for hedge, words in _HEDGE_WORDS for word in words}
_HEDGE_BEFORE = re.compile(
    rf"(?:^|(?<=[\s(„\"“«]))(?:(?P<inc1>{_INCREMENT_RE})\s+)?"
    rf"(?:(?P<h>{'|'.join(re.escape(w) for w in sorted(_HEDGES, key=len, reverse=True))})\s+)?"
    rf"(?:(?P<inc2>{_INCREMENT_RE})\s+)?$",
    re.I,
)
# Russian word order may put a verb between "дополнительно" and the count.
_RU_INCREMENT = re.compile(r"(?:ещё|еще|дополнительно)\s+[^\W\d_]+\s+$", re.I)
_HEDGE_AFTER = re.compile(r"^\s+(?:oder mehr|und mehr|or more|and more|или более)\b|^\+", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|bis|to|or|oder|und|and|или|до|и|~|～)\s*$", re.I)
_AND_JOIN = frozenset({"und", "and", "и"})

# Words that end a counted noun phrase ("5,000 troops *were* sent", "1.000 *bei* Kämpfen").
_NP_STOP = frozenset(
    {
        # German
        "bei",
        "in",
        "im",
        "nach",
        "zur",
        "zum",
        "für",
        "aus",
        "an",
        "am",
        "auf",
        "mit",
        "von",
        "vom",
        "die",
        "der",
        "das",
        "den",
        "dem",
        "des",
        "sind",
        "waren",
        "wurden",
        "werden",
        "seien",
        "haben",
        "hat",
        "sollen",
        "soll",
        "wo",
        "als",
        "ins",
        "seit",
        "bis",
        "zu",
        "um",
        "über",
        "unter",
        "gegen",
        "sei",
        "ist",
        "war",
        "wird",
        "nicht",
        "noch",
        "bereits",
        # English
        "was",
        "were",
        "are",
        "is",
        "have",
        "has",
        "had",
        "be",
        "been",
        "into",
        "to",
        "at",
        "on",
        "from",
        "for",
        "with",
        "by",
        "who",
        "which",
        "that",
        "the",
        "a",
        "this",
        "these",
        "its",
        "their",
        "near",
        "inside",
        "across",
        "per",
        "since",
        "than",
        "as",
        "will",
        "would",
        "could",
        "may",
        "might",
        "out",
        "last",
        "because",
        # Russian
        "в",
        "на",
        "из",
        "для",
        "с",
        "по",
        "к",
        "были",
        "был",
        "было",
        "будут",
    }
)
_COORD = frozenset({"und", "and", "oder", "or", "и", "или"})

# Attribution: who is cited, sentence-local. Each pattern's group "x" starts the source.
_SOURCE_AFTER = re.compile(
    r"\b(?:nach\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen)|laut|according\s+to|citing|по\s+(?:данным|словам|оценкам?|"
    r"информации))\s+(?:(?:des|der|von|dem|den|the)\s+)?(?P<x>[^,;:.()\d]{2,90})",
    re.I,
)
# "X zufolge", "X said": find the verb first, then read the words before it (a pattern that
# starts with "any text" would be tried at every position of the sentence).
_SOURCE_VERB = re.compile(
    r"\s(?:zufolge|said|says|estimated|estimates|reported|claimed|told)\b", re.I
)
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_SOURCE_LEFT_EDGE = re.compile(r"[,;:.()\d\"“„]")
_SOURCE_SAID_AFTER = re.compile(
    r"(?:,|\")\s*(?:said|according to|told)\s+(?:the\s+)?(?P<x>[^,;:.()\d]{2,80})", re.I
)
# "teilte der NIS mit", "sagte Gerassimow", "국정원에 따르면"
_SOURCE_VERB_FIRST = re.compile(
    r"\b(?:teilte|sagte|erklärte|berichtete|meldete|schätzte)\s+(?P<x>[^,;:.()\d]{2,60}?)"
    r"(?:\s+mit\b|\s*[,.;:]|$)"
    r"|(?P<ko>(?:[^\s,]+\s(?=(?:발표|보고서|분석|자료|집계|추산)에))?[^\s,]+)에\s*따르면",
    re.I,
)
# Russian: "..., заявил представитель Минобороны", "как сообщил Генштаб".
_SOURCE_RU_VERB = re.compile(
    r"(?:[,—–]\s*|\bкак\s+)(?:заявил[аи]?|сообщил[аи]?|сказал[аи]?|уточнил[аи]?|отметил[аи]?"
    r"|сообщает|сообщают|передает|передаёт|пишет|считают|утверждает)\s+(?P<x>[^,;:.()\d]{2,80})",
    re.I,
)
# Korean: the topic-marked subject of a reporting verb at the sentence end,
# "우크라이나 정보당국은 ... 밝혔다".
_SOURCE_KO_TOPIC = re.compile(
    r"^\s*(?P<ko>[가-힣A-Za-z·]+(?:\s[가-힣A-Za-z·]+){0,2}?)(?:은|는)\s"
    r".*(?:밝혔다|전했다|추정했다|말했다|발표했다|주장했다|보고했다|분석했다)",
)
# "nach russischen Angaben", "nach südkoreanischen Schätzungen": the adjective is the source.
_SOURCE_ADJECTIVE = re.compile(
    r"\bnach\s+(?P<x>[^\W\d_]+(?:en|er)\s+(?:angaben|schätzung(?:en)?|erkenntnissen|informationen))\b",
    re.I,
)
_SOURCE_WIE = re.compile(
    r"\bwie\s+(?P<x>[^,;:.()\d]{2,60}?)\s*(?:,[^.]*?)?\s+(?:mitteilte|berichtete|erklärte|"
    r"bekannt\s+gab|sagte|meldete|angab)\b",
    re.I,
)
_SOURCE_STOP = frozenset(
    {
        "zwischen",
        "between",
        "mehr",
        "more",
        "etwa",
        "rund",
        "über",
        "about",
        "around",
        "some",
        "that",
        "dass",
        "sind",
        "waren",
        "wurden",
        "seien",
        "hat",
        "haben",
        "soll",
        "sollen",
        "ist",
        "bereits",
        "noch",
        "on",
        "in",
        "im",
        "am",
        "last",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
        "nordkorea",
        "pjöngjang",
        "pyongyang",
        "north",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mindestens",
        "at",
        "up",
        "bis",
        "insgesamt",
        "also",
        "auch",
        "nearly",
        "almost",
        "as",
        "es",
        "sie",
        "er",
        "man",
        "heute",
        "gestern",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        *MONTHS.split("|"),
    }
)
_SOURCE_LEAD = frozenset(
    {"the", "der", "die", "das", "des", "dem", "den", "von", "a", "an", "в", "во", "на"}
)
_SOURCE_MAX_WORDS = 6


@dataclass(frozen=True)
class _Num:
    """One number found in the text, before its context is read."""

    start: int
    end: int
    low: int | None  # None only for dates and times, which carry no count
    high: int | None
    form: str | None = None  # "date", "time", "year?" (a plain 1800..2100), "decimal"
    vague: bool = False
    scale: int = 1  # multiplier of a scale word written after the number
    value: float = 0.0  # the unrounded value, for "1,5 bis 2 Millionen"


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
    numbers = _merge_ranges(text, _find_numbers(text, lang))
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
    numbers: Sequence[tuple[_Num, bool]], index: int, length: int
) -> tuple[int, int]:
    """Where the previous number ends and the next begins, dates and years left out."""
    counts = [i for i, (num, _) in enumerate(numbers) if num.form not in ("date", "time", "year?")]
    before = [numbers[i][0].end for i in counts if i < index]
    after = [numbers[i][0].start for i in counts if i > index]
    return (before[-1] if before else 0), (after[0] if after else length)


def parse_number_words(words: str, lang: str) -> int | None:
    """The value of a spelled-out number ("fünftausend", "a thousand"), None if it is none."""
    cleaned = " ".join(words.split())
    lowered = cleaned.lower()
    if lowered in _NOT_NUMBERS:
        return None
    if lang == "ru":
        return _russian_number(lowered.split())
    if lang == "en" and "trillion" in lowered:  # text2num stops at billions
        high, _, rest = lowered.partition("trillion")
        rest = rest.strip().removeprefix("and ").strip()
        head = parse_number_words(high, lang) if high.strip() else 1
        tail = parse_number_words(rest, lang) if rest else 0
        if head is None or tail is None or tail >= 10**12:
            return None
        return head * 10**12 + tail
    # text2num reads "ein"/"one" but not the articles "eine", "a", "an" before a scale word.
    if lang == "de" and lowered.startswith("eine "):
        cleaned = "ein " + cleaned[5:]
    elif lang == "en" and (lowered.startswith("a ") or lowered.startswith("an ")):
        cleaned = "one " + cleaned.split(" ", 1)[1]
    try:
        return int(text2num(cleaned, lang))
    except (ValueError, TypeError):
        return None


def _russian_number(words: Sequence[str]) -> int | None:
    """ "пятьдесят три тысячи двести" -> 53,200; None when the words make no number
    ("шестьдесят пятьдесят", "тысяча тысяча")."""
    total = 0
    group = 0.0  # the part below the next scale word
    last_scale = math.inf
    for word in words:
        if word in _RU_SCALES:
            scale = _RU_SCALES[word]
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


def _find_numbers(text: str, lang: str) -> list[_Num]:
    # "40 000" groups thousands in every language, except after a month ("June 30 500")
    digits = _DIGITS if _MONTH_NUMBER_SPACE.search(text) else _DIGITS_SPACED
    found = [n for m in digits.finditer(text) if (n := _digit_number(m)) is not None]
    taken = [(n.start, n.end) for n in found]
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters ("İ") lower-case to two characters
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if lang == "ru":
        for m in _RU_WORDS.finditer(lowered):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                found.extend(_russian_numbers(m))
        taken = [(n.start, n.end) for n in found]
    elif lang == "ko":
        for m in _KO_WORDS.finditer(text):
            if m.group("vague"):
                low, high = _KO_VAGUE[m.group("vague")]
                found.append(_Num(m.start(), m.end(), low, high, vague=True))
            else:
                value = _SCALES[m.group("bare")]
                found.append(_Num(m.start(), m.end(), value, value, scale=value))
        taken = [(n.start, n.end) for n in found]
    for m in _WORDS.finditer(lowered):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found.extend(_word_numbers(m, lang))
    return sorted(found, key=lambda n: n.start)


def _digit_number(m: re.Match[str]) -> _Num | None:
    if m.group("date"):
        return _Num(m.start(), m.end(), None, None, form="date")
    if m.group("time"):
        return _Num(m.start(), m.end(), None, None, form="time")
    raw = m.group("num")
    value, decimal = _parse_digits(raw, m.group("sep"))
    scale = 1
    if m.group("scale"):
        scale = _SCALES.get(m.group("scale").lower().rstrip("."), 1)
        value *= scale
        if m.group("ko"):  # Korean "1만2천": ten-thousands plus thousands
            value += int(re.sub(r"\D", "", m.group("ko"))) * 1_000
        if m.group("ko2"):  # Korean "4천700": thousands plus units
            value += int(m.group("ko2"))
    form = "decimal" if decimal and scale == 1 else None
    if form is None and scale == 1 and len(raw) == 4 and raw.isdigit() and 1800 <= value <= 2100:
        form = "year?"
    return _Num(m.start(), m.end(), round(value), round(value), form=form, scale=scale, value=value)


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


def _russian_numbers(m: re.Match[str]) -> list[_Num]:
    """A run of Russian number words; a plural scale word alone is left to the vague reader."""
    words = m.group(0).split()
    if len(words) == 1 and words[0] in _RU_SCALES and words[0] not in _RU_SINGLE_SCALES:
        if not _RU_GENITIVE_BEFORE.search(m.string, max(0, m.start() - 20), m.start()):
            return []
        words = ["одна", words[0]]  # "более тысячи": the genitive of one thousand
    value = _russian_number(words)
    if value is None or value == 1:  # "один из солдат" is "one of the soldiers"
        return []
    scale = next((_RU_SCALES[w] for w in reversed(words) if w in _RU_SCALES), 1)
    return [_Num(m.start(), m.end(), value, value, scale=scale if words[-1] in _RU_SCALES else 1)]


def _word_numbers(m: re.Match[str], lang: str) -> list[_Num]:
    if m.group("vague"):
        phrase = m.group("vague")
        for unit, (low, high) in _VAGUE_UNITS:
            if unit.search(phrase):
                return [_Num(m.start(), m.end(), low, high, vague=True)]
        return []
    group = "de" if m.group("de") else "en"
    if group != lang:  # "elf", "acht", "one" are other words in the other language
        return []
    return _longest_parses(m.group(group), m.start(group), lang)


def _longest_parses(run: str, offset: int, lang: str) -> list[_Num]:
    """Split a run of number words into the longest parts text2num accepts
    ("drei und vier" -> 3, 4), skipping words that are no number on their own."""
    tokens = [(t.start(), t.end()) for t in re.finditer(r"\S+", run)]
    out: list[_Num] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            value = parse_number_words(run[tokens[i][0] : tokens[j - 1][1]], lang)
            if value is not None:
                start, end = offset + tokens[i][0], offset + tokens[j - 1][1]
                out.append(_Num(start, end, value, value, scale=_word_scale(run, lang)))
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
    ):
        if lowered.endswith(word) or lowered.endswith(word + "en"):
            return scale
    return 1


def _merge_ranges(text: str, numbers: list[_Num]) -> list[tuple[_Num, bool]]:
    """Join "10.000 bis 12.000", "between 10 and 12 thousand" into one number."""
    out: list[tuple[_Num, bool]] = []
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
            if _RANGE_JOIN.match(joiner) and _range_allowed(text, a, joiner):
                low = round((a.value or a.low) * b.scale) if scaled_later else a.low
                if low <= b.high:
                    out.append((_Num(a.start, b.end, low, b.high, scale=b.scale), True))
                    i += 2
                    continue
        out.append((a, False))
        i += 1
    return out


def _range_allowed(text: str, a: _Num, joiner: str) -> bool:
    """ "und"/"and" joins a range only after "zwischen"/"between"."""
    if joiner.strip().lower() not in _AND_JOIN:
        return True
    before = text[max(0, a.start - 12) : a.start].lower()
    return bool(re.search(r"(?:zwischen|between|между)\s+$", before))


def _figure(
    text: str,
    num: _Num,
    ranged: bool,
    lang: str,
    vocab: Vocabulary,
    neighbours: tuple[int, int],
    counts: tuple[int, int],
) -> Figure:
    before = text[max(0, num.start - 60) : num.start]
    after = text[num.end : num.end + 40]
    hedge, start, increment = _hedge(text, num, ranged, before)
    num_end = num.end
    if lang == "ko" and not num.vague:
        # Korean puts hedges after the count: "600명 이상", "1만여 명", "5천 명 가량"
        ko = _KO_HEDGE_AFTER.match(after)
        if ko is not None and (ko.group("yeo") or ko.group("h")):
            hedge = _KO_HEDGES[ko.group("h") or "여"]
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
    if not num.vague and hedge is None and _HEDGE_AFTER.match(after):
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

    if num.form in ("date", "time", "decimal") or _not_a_count(before, after, num, lang):
        return plain()

    if lang == "ko":
        kinds, np_end, np_increment = _counted_ko(text, num.start, num_end, vocab, neighbours[0])
    else:
        kinds, np_end, np_increment = _counted(text, num.end, lang, vocab)
        if not kinds:
            kinds = _number_of(text, num.start, neighbours[0], lang, vocab)
    increment = increment or np_increment or bool(lang == "ru" and _RU_INCREMENT.search(before))
    if num.form == "year?" and (not kinds or _YEAR_BEFORE.search(before)):
        return plain()

    claim, span_end = _refine(text, _combine(kinds), (start, max(np_end, num_end)), neighbours)
    scope, place = _scope(text, start, span_end, neighbours) if claim else (None, None)
    # An increment is never compared, so it needs no more; "another 3,000 will be sent"
    # stays one (two batches announced months apart are not one claim).
    modifier = "increment" if increment else None
    span, number = (start, span_end), (num.start, num.end)
    if modifier is None and claim in PERSONNEL and _deployment(text, span, number, counts, lang):
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
        attribution=_attribution(text, num.start, lang) if claim else None,
        scope=scope,
        place=place,
    )


def _refine(
    text: str, claim: str | None, span: tuple[int, int], neighbours: tuple[int, int]
) -> tuple[str | None, int]:
    """Apply the clause rules to a personnel (or unnamed) count; return (claim, span end).

    The clause is cut at the neighbouring numbers so that "1.000 Soldaten zur Minenräumung
    und 5.000 Soldaten zum Wiederaufbau" gives each number its own context.
    """
    start, end = span
    clause_start, clause_end = clause_span(text, start, end)
    left, right = max(clause_start, neighbours[0]), min(clause_end, neighbours[1])
    if claim is None or claim in PERSONNEL:
        casualty = _casualty_after(text, end, right)
        if casualty is not None:
            return casualty
        m = CASUALTY_BEFORE.search(text, max(left, start - 30), start)
        if m is not None:  # "In Kursk starben rund 600 Soldaten"
            return _casualty_kind(m.group(0)), end
    if claim == "troops":
        # what follows the number speaks first; the clause before it only if that is silent
        for context in (text[start:right], text[left:start]):
            if DEMINING.search(context):
                return "deminers", end
            if RECONSTRUCTION.search(context):
                return "builders", end
    return claim, end


def _casualty_kind(phrase: str) -> str | None:
    for pattern, kind in CASUALTY_VERBS:
        if pattern.search(phrase):
            return kind
    return None


def _hedge(text: str, num: _Num, ranged: bool, before: str) -> tuple[str | None, int, bool]:
    """Return (hedge, span start, increment word seen) from the words before the number."""
    m = _HEDGE_BEFORE.search(before)
    if m is None or m.start() == m.end():
        return ("between" if ranged else None), num.start, False
    offset = num.start - len(before)
    increment = bool(m.group("inc1") or m.group("inc2"))
    word = (m.group("h") or "").lower()
    hedge = _HEDGES.get(word)
    start = offset + m.start()
    if word in ("über", "over", "до") and _preposition_use(before[: m.start("h")]):
        # "Berichte über 3.000 Soldaten": über after a noun means "about", not "more than".
        hedge = None
        start = offset + (m.start("inc2") if m.group("inc2") else m.end())
    if hedge == "between" and not ranged:
        return None, (offset + m.start("inc2") if m.group("inc2") else num.start), increment
    if ranged and hedge not in ("between",):
        hedge = "between"
    return hedge, start, increment


def _preposition_use(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1][:1].isupper() and not words[-1].endswith((".", ":"))


def _not_a_count(before: str, after: str, num: _Num, lang: str) -> bool:
    """True for percentages, money, ages, durations, dates, times and ordinals."""
    if _PERCENT_AFTER.match(after) or _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before):
        return True
    if _AGE.match(after) or _AGE_BEFORE.search(before) or _TIME_AFTER.match(after):
        return True
    if _ORDINAL_AFTER.match(after) or _YEAR_SUFFIX.match(after):
        return True
    if num.scale == 1 and not num.vague and num.low is not None:
        if num.low <= 31 and (_MONTH_BEFORE.search(before) or MONTH_AFTER.match(after)):
            return True
        if lang == "de" and _DE_ORDINAL_AFTER.match(after):
            return True
        if num.form == "year?" and _MONTH_BEFORE.search(before):
            return True
    return bool(_DURATION_AFTER.match(after))


def _counted(text: str, pos: int, lang: str, vocab: Vocabulary) -> tuple[list[str], int, bool]:
    """Read the noun phrase after a number: (claim kinds found, end of the phrase, increment).

    German ends the phrase at its first capitalised word (the noun); other languages at a
    word naming a kind, a stop word, or after four words. "und/and" + another kind joins in.
    """
    tokens = tokens_after(text, pos, 10)
    kinds: list[str] = []
    end = pos
    increment = False
    skipped = 0
    i = 0
    while i < len(tokens):
        word, _, t_end = tokens[i]
        lw = word.lower()
        if not word or (lw in ("of", "из") and i == 0):
            if not word:
                break
            i += 1
            continue
        if lw in _INCREMENT and not (lw == "more" and next_word(tokens, i) == "than"):
            increment = True
            end = t_end
            i += 1
            continue
        kind, used = kind_at(tokens, i, lang, vocab)
        if kind is not None and lang == "ru" and i + used < len(tokens) and tokens[i + used][0]:
            # Russian puts the head noun last: "военных строителей" are builders
            head, head_used = kind_at(tokens, i + used, lang, vocab)
            if head is not None:
                kind, i, used = head, i + used, head_used
        if kind is not None:
            kinds.append(kind)
            end = tokens[i + used - 1][2]
            i += used
            more, more_end = _coordinated(tokens, i, lang, vocab)
            if more is not None:
                kinds.append(more)
                end = more_end
            break
        if lw in _NP_STOP or lw in _COORD:
            break
        if lang == "de" and word[0].isupper():
            end = t_end  # the head noun; it names nothing we track
            break
        skipped += 1
        if skipped > 4:
            break
        i += 1
    return kinds, end, increment


def _coordinated(
    tokens: list[tuple[str, int, int]], i: int, lang: str, vocab: Vocabulary
) -> tuple[str | None, int]:
    """After a kind, "und Arbeitern" / "or wounded" adds a second kind."""
    if i >= len(tokens) or tokens[i][0].lower() not in _COORD:
        return None, 0
    for j in range(i + 1, min(i + 4, len(tokens))):
        word = tokens[j][0]
        if not word:
            break
        kind, used = kind_at(tokens, j, lang, vocab)
        if kind is not None:
            return kind, tokens[j + used - 1][2]
        if word.lower() in _NP_STOP or (lang == "de" and word[0].isupper()):
            break
        if parse_number_words(word, lang) is not None:  # "... und zweitausend Arbeiter"
            break
    return None, 0


def _combine(kinds: list[str]) -> str | None:
    """One kind for a phrase: casualties win over personnel, "soldiers and workers" are
    workers, "killed or wounded" is its own kind."""
    if not kinds:
        return None
    unique = set(kinds)
    if {"killed", "wounded"} <= unique or "killed_or_wounded" in unique:
        return "killed_or_wounded"
    for kind in CASUALTIES:
        if kind in unique:
            return kind
    if unique == {"troops", "workers"}:
        return "workers"
    return kinds[0]


def _casualty_after(text: str, pos: int, limit: int) -> tuple[str, int] | None:
    """A casualty verb between pos and limit (the clause end or the next number)."""
    window = text[pos:limit]
    best: tuple[int, str, int] | None = None
    for pattern, kind in CASUALTY_VERBS:
        m = pattern.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, pos + m.end())
    return (best[1], best[2]) if best else None


# After a Korean count: an optional "여" ("10,000-odd"), a counter, then a hedge word.
_KO_HEDGE_AFTER = re.compile(
    r"^(?P<yeo>여)?\s?(?:명|발|기|개|대|척)?\s?"
    r"(?P<h>이상|이하|미만|가량|정도|쯤|안팎|내외|넘게|넘는|남짓)?"
    r"|^(?P<yeo2>여)"
)
_KO_HEDGES = {
    "이상": "at least",
    "이하": "up to",
    "미만": "up to",
    "가량": "about",
    "정도": "about",
    "쯤": "about",
    "안팎": "about",
    "내외": "about",
    "남짓": "about",
    "넘게": "more than",
    "넘는": "more than",
    "여": "more than",
}
# "명의 노동자", "명 규모의 병력": the counted noun follows the genitive 의.
_KO_GENITIVE = re.compile(r"^(?:여)?\s?(?:명|발|기|개|대|척)?\s?(?:[가-힣]{1,3}\s)?의\s+")
_KO_COUNTER = re.compile(r"^(?:여)?\s?(?:명|발|기|개|대|척)[가-힣]*")
_KO_CONNECTIVE = re.compile(r"(?:며|고|지만|는데|으나|면서)(?=\s)")
_KO_HEDGE_BEFORE = frozenset({"약", "최대", "최소", "총", "모두", "무려", "대략", "추가", "추가로"})


def _number_of(text: str, start: int, left_limit: int, lang: str, vocab: Vocabulary) -> list[str]:
    """The kind of "die Zahl der Soldaten ... auf 11.000", "the number of troops ... at"."""
    clause_start, _ = clause_span(text, start, start)
    window = text[max(clause_start, left_limit, start - 120) : start]
    for m in _NUMBER_OF.finditer(window):
        found = kinds_in(m.group("np"), lang, vocab)
        if found:
            return found
    return []


def _counted_ko(
    text: str, start: int, end: int, vocab: Vocabulary, left_limit: int
) -> tuple[list[str], int, bool]:
    """Korean names the counted thing before the number ("북한군 1만 명") or after a
    genitive ("5천 명의 노동자"); "추가" (additional) anywhere in the clause is an increment."""
    clause_start, clause_end = clause_span(text, start, end)
    after = text[end : end + 30]
    # a connective ending ("명이며", "명이고") closes the clause of this count
    link = _KO_CONNECTIVE.search(after)
    own_after = after[: link.start()] if link else after
    increment = "추가" in text[max(clause_start, left_limit) : start] or "추가" in own_after
    genitive = _KO_GENITIVE.match(after)
    if genitive is not None:
        tokens = tokens_after(text, end + genitive.end(), 3)
        for i in range(len(tokens)):
            kind, used = kind_at(tokens, i, "ko", vocab)
            if kind is not None:
                return [kind], tokens[i + used - 1][2], increment
    counter = _KO_COUNTER.match(after)
    span_end = end + counter.end() if counter else end
    # the noun right before the number, skipping hedge words: "북한군 약 1만"
    words = text[max(clause_start, left_limit, start - 30) : start].split()
    while words and words[-1] in _KO_HEDGE_BEFORE:
        words.pop()
    if words:
        kind, _ = kind_at([(words[-1], 0, 0)], 0, "ko", vocab)
        if kind is not None:
            return [kind], span_end, increment
    # a bare count: what follows the counter ("300명이 포로로")
    tokens = tokens_after(text, span_end, 3)
    for i in range(len(tokens)):
        if not tokens[i][0]:
            break
        kind, used = kind_at(tokens, i, "ko", vocab)
        if kind is not None:
            return [kind], tokens[i + used - 1][2], increment
    return [], span_end, increment


# Whose soldiers: a nationality word in the counted phrase or right around it.
_SCOPE_WHOSE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "north_korean",
        re.compile(
            r"nordkorean|north[- ]korean|северокорейск|\bкндр\b|북한군|북한\s?(?:병|군|노동)|dprk\b"
            r"|pyongyang's|\baus nordkorea|\bfrom north korea|\bиз кндр|\bиз северной кореи",
            re.I,
        ),
    ),
    # "in die russische Region Kursk", "Russia's Kursk region" name a place, not whose
    (
        "russian",
        re.compile(
            r"\brussisch(?!\w*\s+(?:region|grenzregion|gebiet|territorium))"
            r"|\brussian\b(?!\s+(?:region|territory|soil))|\bроссийск(?!\w*\s+(?:област|территор))"
            r"|러시아군|러시아\s?병",
            re.I,
        ),
    ),
    ("ukrainian", re.compile(r"ukrainisch|ukrainian|украинск|우크라이나군|우크라이나\s?병", re.I)),
)
# Where: the place named in the clause. Kursk lies in Russia; the two are compatible.
_SCOPE_WHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kursk", re.compile(r"kursk|курск|쿠르스크", re.I)),
    ("ukraine", re.compile(r"\bin der ukraine\b|\bin ukraine\b|\bна украин|우크라이나에서", re.I)),
    (
        "russia",
        re.compile(
            r"\b(?:nach|in) russland\b|\b(?:to|in) russia\b|\bв росси|러시아에|러시아로", re.I
        ),
    ),
)
_SCOPE_REACH = 25  # characters of the clause before the number searched for "whose"
_SCOPE_AFTER = 25  # ... and after the counted phrase ("Soldaten aus Nordkorea")


def _scope(
    text: str, start: int, end: int, neighbours: tuple[int, int]
) -> tuple[str | None, str | None]:
    clause_start, clause_end = clause_span(text, start, end)
    left = max(clause_start, neighbours[0], start - _SCOPE_REACH)
    right = min(clause_end, neighbours[1])
    near = text[left:end] + " " + text[end : min(right, end + _SCOPE_AFTER)]
    whose = next((name for name, pattern in _SCOPE_WHOSE if pattern.search(near)), None)
    clause = text[max(clause_start, neighbours[0]) : right]
    where = next((name for name, pattern in _SCOPE_WHERE if pattern.search(clause)), None)
    return whose, where


DEPLOYMENT = "deployment"

# Cues that say whether a personnel count is a dispatch pledged, announced or planned
# ("go": "will send 1,000 deminers", "zu entsenden", "направит", "파견하기로") or a count
# already in place ("done": "have sent", "kämpfen", "находятся", "주둔"). The cue nearest
# to the count decides. Longer forms come first in each alternation, so "will be sent" is
# read as one cue before "sent" could be. Participles ("part") depend on their auxiliary.
_DISPATCH: dict[str, re.Pattern[str]] = {
    "de": re.compile(
        r"(?P<go>\bentsendung\w*|\bverlegung\w*|\bzu\s+(?:entsenden|schicken|senden|verlegen)"
        r"|\b(?:entsenden|schicken|senden|verlegen|schickt|sendet|entsendenden)\b"
        r"|\b(?:zugesagt|zusagen|sagte\w*\s+zu|versprochen|verspr(?:i|e)ch\w*|genehmig\w*"
        r"|beschl(?:ossen|oss|ießt)|vereinbar\w*|angekündigt|in\s+aussicht|bereit(?:stellen)?)\b"
        r")|(?P<arrive>\b(?:kommen|eintreffen|folgen|nachrücken)\b)"
        r"|(?P<part>\b(?:entsandt|entsendet|geschickt|gesandt|gesendet|verlegt|eingesetzt"
        r"|stationiert)\b)"
        r"|(?P<done>\b(?:entsandte[nmrs]?|geschickte[nmrs]?|stationierte[nmrs]?|kämpf\w*"
        r"|im\s+einsatz|befinden|befanden|dienen|dienten|eingetroffen|angekommen|stehen|standen"
        r"|geblieben|bleiben)\b)",
        re.I,
    ),
    "en": re.compile(
        r"(?P<go>\b(?:will|would|shall|to|(?:is|are)\s+(?:set|due|expected)\s+to)\s+(?:soon\s+)?"
        r"(?:be\s+)?(?:send|dispatch|deploy|sent|dispatched|deployed|arrive|follow|join)\b"
        r"|\b(?:being\s+(?:sent|dispatched|deployed)|sends|dispatches|deploys|sending"
        r"|dispatching|deploying|pledg\w*|promis\w*|offer(?:s|ed|ing)?|approv\w*|agree[ds]?"
        r"|commit(?:s|ted)?|(?:dispatch|deployment)\s+of)\b)"
        r"|(?P<done>\b(?:sent|dispatched|deployed|fight\w*|fought|stationed|serving|based\s+in"
        r"|(?:are|were)\s+(?:now\s+)?in|remain\w*|arrived)\b)",
        re.I,
    ),
    "ru": re.compile(
        r"(?P<go>\b(?:отправ(?:ит|ят|ить|ку|ки|ка|ке|ляет|ляют)|направ(?:ит|ят|ить|ляет|ляют)"
        r"|пошл(?:ёт|ет|ют)|послать|перебро(?:сит|сят|сить)|будут\s+(?:направлены|отправлены"
        r"|переброшены)|прибуд\w*|пообеща\w*|обеща\w*|одобри\w*|соглас\w*|договори\w*"
        r"|решил\w*|планиру\w*|намерен\w*)\b)"
        r"|(?P<done>\b(?:отправил\w*|направил\w*|перебросил\w*|отправлен\w*|направлен[аоы]?"
        r"|переброшен\w*|наход\w*|воюют|воевал\w*|сражают\w*|сражал\w*|участвуют|участвовал\w*"
        r"|дислоцирован\w*|размещен\w*|прибыл\w*)\b)",
        re.I,
    ),
    "ko": re.compile(
        r"(?P<go>(?:파견|파병)(?:할|하기로|키로|하겠|한다|될\s?예정|\s?예정|\s?계획|을\s?승인)"
        r"|보내기로|보낼|보내겠|보낸다|투입될\s?예정|약속|합의|승인|기로\s?했)"
        r"|(?P<done>(?:파견|파병)(?:했|한|된|돼|되어)|보냈|보낸|주둔|배치(?:돼|된|되어)|싸우|싸운"
        r"|참전|전투\s?중|머물)"
    ),
}
# German and English auxiliaries that make a participle a past dispatch ("hat ... geschickt")
# or a future one ("soll ... geschickt werden").
_PART_PAST_AFTER = re.compile(r"^\s+(?:worden|haben|hat|habe|sind|seien|sein|wurden|wurde)\b", re.I)
_PART_FUTURE_AFTER = re.compile(r"^\s+werden\b", re.I)
_PART_PAST_BEFORE = re.compile(
    r"\b(?:hat|haben|habe|hatte|hatten|wurde|wurden|ist|sind|war|waren|seien)\b", re.I
)
_PART_FUTURE_BEFORE = re.compile(r"\b(?:wird|werden|soll|sollen|will|wollen)\b", re.I)
_MODAL_AFTER = re.compile(r"^\s+(?:sollen|soll|werden|wird)\b", re.I)
# A count "in Kursk", "in Russland", "на фронте" is in place unless a dispatch verb says more.
_IN_PLACE: dict[str, re.Pattern[str]] = {
    "de": re.compile(
        r"\bin\s+(?:der\s+)?(?:[^\W\d_]+en\s+)*(?:region\s+|grenzregion\s+|gebiet\s+)?kursk\b"
        r"|\bin\s+russland\b|\ban\s+der\s+front\b|\bauf\s+russischer\s+seite\b",
        re.I,
    ),
    "en": re.compile(
        r"\bin\s+(?:the\s+|russia's\s+)?kursk\b|\bin\s+russia\b|\bat\s+the\s+front\b"
        r"|\bon\s+russia's\s+side\b|\bon\s+the\s+front\s?lines?\b",
        re.I,
    ),
    "ru": re.compile(
        r"\bв\s+курск(?:ой|е)\b|\bв\s+росси[ию]\b|\bна\s+фронте\b|\bна\s+стороне\s+росси", re.I
    ),
    "ko": re.compile(r"(?:쿠르스크|러시아)\s?(?:지역)?에서|전선에서"),
}
# "Die Hilfe umfasst 1.000 Pioniere": a sentence that lists what a dispatch consists of
# takes its meaning from the sentence before (or after) it in the paragraph.
_COMPOSITION: dict[str, re.Pattern[str]] = {
    "de": re.compile(r"\b(?:umfass\w*|besteh\w*\s+aus|bestand\w*\s+aus|darunter)\b", re.I),
    "en": re.compile(r"\b(?:compris\w*|consist\w*\s+of|includ\w*|made\s+up\s+of)\b", re.I),
    "ru": re.compile(r"\b(?:включа\w*|состо\w*\s+из|в\s+том\s+числе)\b", re.I),
    "ko": re.compile(r"포함|구성"),
}


def _deployment(
    text: str,
    span: tuple[int, int],
    number: tuple[int, int],
    neighbours: tuple[int, int],
    lang: str,
) -> bool:
    """Is the personnel count at text[span] a dispatch announced, pledged or planned
    (True), rather than a count already in place or of unknown status (False)?

    The count's own clause speaks first, then its sentence: the nearest dispatch cue
    decides, else a place it is in ("in Kursk"). A cue beyond a neighbouring number speaks
    for this one only when the two are coordinated ("1.000 Pioniere und 5.000 Bauarbeiter
    entsenden"), not in "zu den 11.000 Soldaten sollen weitere 3.000 kommen". A sentence
    with no cue at all that lists a dispatch's parts ("Die Hilfe umfasst ...") follows the
    sentence before or after it in its paragraph.
    """
    start, end = span
    s_start, s_end = sentence_span(text, start)
    c_start, c_end = clause_span(text, start, end)
    reach = (
        s_start if _coordinated_numbers(text[neighbours[0] : number[0]], lang) else neighbours[0],
        s_end if _coordinated_numbers(text[number[1] : neighbours[1]], lang) else neighbours[1],
    )
    for left, right in ((max(c_start, s_start), min(c_end, s_end)), (s_start, s_end)):
        verdict = _nearest_cue(text, left, right, span, reach, lang)
        if verdict is not None:
            return verdict
        if _IN_PLACE[lang].search(text, left, right):
            return False
    if not _COMPOSITION[lang].search(text, s_start, s_end):
        return False
    line_start = text.rfind("\n", 0, s_start) + 1
    line_end = text.find("\n", s_end)
    line_end = len(text) if line_end < 0 else line_end
    adjacent = []
    if s_start - 2 > line_start:
        adjacent.append(sentence_span(text, s_start - 2))
    if s_end + 2 < line_end:
        # (sentence_span cannot find a break right before its pos: the break looks ahead)
        adjacent.append((s_end + 1, sentence_span(text, s_end + 2)[1]))
    for n_start, n_end in adjacent:
        verdicts = _cues(text, n_start, n_end, lang)
        if verdicts and all(verdicts):
            return True
        if verdicts:
            return False
    return False


# Between two coordinated counts: a few words with "und", "and", "и", "과" or a comma.
_COORDINATION = re.compile(
    r"(?:^|\s)(?:und|and|sowie|plus|oder|or|и|или|а\s+также|as\s+well\s+as)\s|,|및|[명발]\s?[과와]\s"
    r"|[명발]\s?[과와]$",
    re.I,
)
_COORDINATION_MAX_WORDS = 5


def _coordinated_numbers(gap: str, lang: str) -> bool:
    """Are two numbers with ``gap`` between them one list ("1.000 Pioniere und 5.000")?"""
    if len(gap.split()) > _COORDINATION_MAX_WORDS or re.search(r"[.;:!?]", gap):
        return False
    return bool(_COORDINATION.search(gap)) and not _DISPATCH[lang].search(gap)


def _cues(text: str, left: int, right: int, lang: str) -> list[bool]:
    return [go for _, _, go in _cue_spans(text, left, right, lang)]


def _cue_spans(text: str, left: int, right: int, lang: str) -> list[tuple[int, int, bool]]:
    """Every dispatch cue in text[left:right]: (start, end, True for an announced dispatch)."""
    found = []
    for m in _DISPATCH[lang].finditer(text, left, right):
        kind = m.lastgroup
        if kind == "arrive":  # "sollen ... kommen" is to come; "kommen" alone says little
            after = text[m.end() : m.end() + 12]
            if _PART_FUTURE_BEFORE.search(text, left, m.start()) or _MODAL_AFTER.match(after):
                found.append((m.start(), m.end(), True))
        elif kind == "part":
            found.append((m.start(), m.end(), _participle_go(text, m, left)))
        else:
            found.append((m.start(), m.end(), kind == "go"))
    return found


def _participle_go(text: str, m: re.Match[str], clause_start: int) -> bool:
    """ "sollen ... geschickt werden" is a dispatch to come; "hat ... geschickt", "entsandt
    haben" and the adjective "geschickte" are done; "Nordkorea entsendet" is the present."""
    after = text[m.end() : m.end() + 12]
    if _PART_FUTURE_AFTER.match(after):
        return True
    before = text[clause_start : m.start()]
    if _PART_PAST_AFTER.match(after) or _PART_PAST_BEFORE.search(before):
        return False
    return bool(_PART_FUTURE_BEFORE.search(before)) or m.group(0).lower() == "entsendet"


def _nearest_cue(
    text: str,
    left: int,
    right: int,
    span: tuple[int, int],
    reach: tuple[int, int],
    lang: str,
) -> bool | None:
    best: tuple[int, bool] | None = None
    for c_start, c_end, go in _cue_spans(text, left, right, lang):
        if c_start < span[1] and c_end > span[0]:
            continue  # the counted noun itself ("5,000 fighters", "Kämpfer")
        if c_end <= reach[0] or c_start >= reach[1]:
            continue  # it speaks for another number
        distance = max(span[0] - c_end, c_start - span[1], 0)
        if best is None or distance < best[0]:
            best = (distance, go)
    return None if best is None else best[1]


def _attribution(text: str, pos: int, lang: str) -> str | None:
    start, end = sentence_span(text, pos)
    return _sentence_source(text[start:end], lang)


@lru_cache(maxsize=256)  # every figure of a sentence shares its source
def _sentence_source(sentence: str, lang: str) -> str | None:
    for pattern in (
        _SOURCE_ADJECTIVE,
        _SOURCE_AFTER,
        _SOURCE_WIE,
        _SOURCE_SAID_AFTER,
        _SOURCE_VERB_FIRST,
        _SOURCE_RU_VERB,
        _SOURCE_KO_TOPIC,
    ):
        for m in pattern.finditer(sentence):
            groups = m.groupdict()
            source = _trim_source(groups.get("x") or groups.get("ko") or "", False, lang)
            if source:
                return source
    for m in _SOURCE_VERB.finditer(sentence):
        # drop a parenthesis first: "The National Intelligence Service (NIS) said"
        left = _PARENTHESIS.sub("", sentence[max(0, m.start() - 90) : m.start()])
        edges = list(_SOURCE_LEFT_EDGE.finditer(left))
        source = _trim_source(left[edges[-1].end() :] if edges else left, True, lang)
        if source:
            return source
    return None


def _trim_source(raw: str, backwards: bool, lang: str) -> str | None:
    words = raw.split()
    if backwards:
        kept: list[str] = []
        for word in reversed(words):
            if word.lower() in _SOURCE_STOP or len(kept) >= _SOURCE_MAX_WORDS:
                break
            kept.insert(0, word)
        words = kept
    else:
        cut: list[str] = []
        for word in words:
            if word.lower() in _SOURCE_STOP or len(cut) >= _SOURCE_MAX_WORDS:
                break
            cut.append(word)
        words = cut
    while words and words[0].lower() in _SOURCE_LEAD:
        words = words[1:]
    if lang == "de":
        # A German source ends at its last noun: "westlicher Geheimdienste".
        while words and not words[-1][:1].isupper():
            words = words[:-1]
    if not words or not any(len(w) > 2 for w in words):
        return None
    return " ".join(words).strip(" \"“”„'")
