"""What a text is reduced to for story matching: its normalised words (for reprint
alignment) and its weighted *keys* (for same-story scoring), computed once per text.

Rewording keeps the facts, so keys are numbers (1.000 / 1,000 / 1 000 / tausend /
thousand all read as 1000), names and places, weekdays and months, and rare words, each
with a weight (``WEIGHT_*``). Names are folded to one spelling across scripts and
languages (``monitor.stories.aliases``: Kursk / Курск / 쿠르스크). An outlet's boilerplate
(credits, plugs, share buttons: ``monitor.stories.boilerplate``) is removed first.
``features`` is cached on the text, so a candidate is tokenised once across calls, and
reads the text in one pass: one regular expression finds the words, and what a word is
(its casefolded form, stem, whether it may be a name) is looked up once per distinct word.

What numbers count (``Features.claims``) is read by ``monitor.figures.extract`` from the
title and the text as the pipeline reads a new item's figures (``article_text``): the
pipeline passes the figures it read, so a new item's figures are read once.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from monitor.figures import extract
from monitor.figures.numbers import MAX_DIGITS
from monitor.lang import guess as guess_lang
from monitor.stories import boilerplate
from monitor.stories.aliases import canonical, hangul_alias, has_hangul, korean_stem
from monitor.stories.bridge import bridge_keys, country, roman_value
from monitor.types import Figure

__all__ = ["Features", "article_text", "features"]


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(words.split())


# --- key weights ---------------------------------------------------------------------
# Key weights: a figure other than a year is the best evidence that two texts report the
# same event; names come next; a long lowercase word is weak; a year barely counts (many
# stories of one season share it).
WEIGHT_NUMBER = 3.0
WEIGHT_SMALL_NUMBER = 1.5  # 10..99: ages, distances, also "30 years"
WEIGHT_NAME = 2.0
WEIGHT_RARE_WORD = 1.0
WEIGHT_YEAR = 0.5
WEIGHT_CALENDAR = 1.5  # weekdays and months: separate a Tuesday event from a Friday one
# A name's country or sound skeleton (monitor.stories.bridge), compared across languages
# only: weaker than the name itself, since skeletons of different names can collide.
WEIGHT_BRIDGE = 1.0
# Places are read from the opening (title and first sentence) only: that is where a report
# says where it happened; further down, a long article names places in passing, and on
# ECB+ reading them all cost recall (0.74 -> 0.70) and gained no precision.
PLACE_LEAD_CHARS = 200
# Numbers below this are ignored ("3 Monate", "2 sides"); years are this range.
MIN_COUNTED_NUMBER = 10
YEARS = range(1900, 2101)
# Lowercase words at least this long are kept as rare words (length is a cheap rarity proxy).
RARE_WORD_MIN_LEN = 9
# Features are cached per text. The cache must hold the caller's whole candidate pool (a
# few thousand items), or every scan misses; one entry costs ~12 KB for a 3 KB article.
FEATURE_CACHE_SIZE = 4096
# What a word is, cached per distinct word (a few hundred bytes each): the vocabulary of a
# busy week's items fits.
WORD_CACHE_SIZE = 65536

# Words that say nothing about which event a text reports: function words (in German every
# noun is capitalised, so a capitalised word alone is no name), and the topic's own
# vocabulary, present in every item the monitor keeps. Stems, after _stem().
COMMON_WORDS = _word_set(
    """
    the a an and or but of to in on at by for with from as is are was were be been has have
    had it its this that these those he she they we you his her their our not no after before
    over about more than also said says say will would could can may new one two three
    der die das den dem des ein eine einer eines einem und oder aber nicht ist sind war
    wird werden wurde wurden hat haben mit von vom zu zum zur im in am an auf aus bei nach
    für über unter vor seit sich auch als wie noch nur mehr dass es er sie wir ihr diese
    dieser dieses jahr jahre jahren monat monate tag tage woche
    и в на с по не что как из за от о к это его ее их для уже также был была были
    north south korea korean nordkorea südkorea nord süd russia russian russland russisch
    moscow moskau kremlin kreml pyongyang pjöngjang seoul kim jong un putin wladimir vladimir
    ukraine ukrainian ukrainisch krieg war military militär army armee soldier soldat truppe
    troops government regierung minister president präsident state staat official
    korea's dprk kcna yonhap reuters ap afp dpa agency agentur news nachrichten
    mr mrs ms dr gen thousands hundreds dozens tausende hunderte dutzende
    zeit mal land länder welt frage seite hilfe unterstützung entwicklung beziehung
    zusammenarbeit partnerschaft teil ende anfang beginn menschen mensch leute fall falle
    grund weg ziel rolle lage situation bericht berichten angaben quelle quellen erklärung
    sprecher politik sicherheit frieden kampf kämpfe front waffen gebiet region grenze
    stadt hauptstadt führung führer chef staatschef ministerium behörden besuch treffen
    gespräch abkommen vertrag vereinbarung entscheidung schritt zeichen rahmen kontext
    interesse druck folge folgen zukunft geschichte westen osten norden süden europa asien
    ausland bevölkerung wirtschaft medien experten beobachter informationen nachricht zahl
    zahlen hälfte millionen milliarden euro dollar prozent uhr bereich ebene maßnahmen
    punkt problem sorge kritik reaktion möglichkeit ergebnis art form zeitpunkt moment
    stelle aussage angriff einsatz verbindung partner
    according intelligence agency service forces fighting fight killed wounded losses
    casualties deployed deployment region geheimdienst militärgeheimdienst laut zufolge
    getötet verletzt verluste gefallene gefallen nordkoreanisch nordkoreaner südkoreanisch
    россия россии российский российских российские москва москвы кремль кремля кндр
    северная северной кореи корея корею пхеньян пхеньяна путин путина ким чен ын украина
    украины военные военных солдат солдаты войска армия министр президент сообщил
    сообщила заявил заявила данным году года также время страны стран
    북한군 러시아 파병 군인 병력 김정은 위원장 국무위원장 대통령 정부 장관 관계자 보도
    전했다 밝혔다 통신 연합뉴스 우크라이나 전쟁 지역 국가 정보원 북한과 북한의
    """
)
# Dates without a year: weak evidence, but they do separate a March event from a July one.
# Each language's words map to one key (Tuesday / Dienstag / вторник / 화요일 -> "tue").
_CALENDAR_ROWS = (
    "m01 january januar jan января январь",
    "m02 february februar feb февраля февраль",
    "m03 march märz mar марта март",
    "m04 april apr апреля апрель",
    "m05 may mai мая май",
    "m06 june juni jun июня июнь",
    "m07 july juli jul июля июль",
    "m08 august aug августа август",
    "m09 september sep sept сентября сентябрь",
    "m10 october oktober oct okt октября октябрь",
    "m11 november nov ноября ноябрь",
    "m12 december dezember dec dez декабря декабрь",
    "mon monday montag понедельник 월요일",
    "tue tuesday dienstag вторник 화요일",
    "wed wednesday mittwoch среду среда 수요일",
    "thu thursday donnerstag четверг 목요일",
    "fri friday freitag пятницу пятница 금요일",
    "sat saturday samstag субботу суббота 토요일",
    "sun sunday sonntag воскресенье 일요일",
)
CALENDAR_KEYS = {word: row.split()[0] for row in _CALENDAR_ROWS for word in row.split()[1:]}
# German writes the time of day into the weekday: "Montagmorgen", "Mittwochabend".
CALENDAR_KEYS |= {
    word + part: key
    for word, key in list(CALENDAR_KEYS.items())
    if word.endswith(("tag", "woch"))
    for part in ("morgen", "vormittag", "mittag", "nachmittag", "abend", "nacht")
}
CALENDAR_WORDS = frozenset(CALENDAR_KEYS)
# en/de calendar words count only when capitalised: "may" and "march" are also verbs.
_CASED_CALENDAR = frozenset(w for w in CALENDAR_WORDS if w.isascii() or w[0] in "äöü")
_CALENDAR_KEY_SET = frozenset(CALENDAR_KEYS.values())
# A designation after a Korean name: 화성-19형.
_KO_DESIGNATION = re.compile(r"-(\d+)")
# Korean months are written "6월".
_KO_MONTH = re.compile(r"(\d{1,2})월")
# Korean words (particles removed) of at least this many syllables are kept as rare words.
KO_RARE_MIN_LEN = 3
# Number words that stand for a figure on their own ("tausend Pioniere", "a thousand").
NUMBER_WORDS = {
    "thousand": 1_000,
    "tausend": 1_000,
    "hundred": 100,
    "hundert": 100,
    "тысяча": 1_000,
    "тысячу": 1_000,
}
# Words that multiply a following number word: "zwei tausend" is not 1000 (nor is "6 tausend",
# which the number pattern reads as 6000).
MULTIPLIER_WORDS = _word_set(
    "two three four five six seven eight nine ten several few zwei drei vier fünf sechs "
    "sieben acht neun zehn mehrere einige две три четыре пять шесть несколько"
)
# Words after which a name is read as a place ("in Wajima", "vor Miyagi", "в Сендае"):
# two texts that place their events in different places report different events.
LOCATIVES = _word_set("in at near off from im bei vor nahe aus в во у под близ около из")
# ... also with articles, adjectives and place nouns between: "from the Wonsan area", "im
# nordkoreanischen Hafen Rajin", "в японской префектуре Мияги".
PLACE_FILLERS = _word_set(
    "the der die dem den des port city town village province area region hafen stadt "
    "dorf provinz präfektur prefecture gebiet порту городе деревне провинции префектуре "
    "области районе"
)
_ADJECTIVE = re.compile(r"(?:isch|ischen|ischem|ischer|ian|ese|ской|ском|ских|ского)$")
# German capitalises every noun: "in Aussicht", "in Kraft", "in Betrieb" are no places.
_GERMAN_ABSTRACT = re.compile(r"(?:ung|heit|keit|schaft|sicht|kraft|trieb|tion|tät|nis|ismus)$")
# How many such words may stand between the locative and the place.
PLACE_MAX_GAP = 3
# Korean writes "in/at" as a particle on the place: 와지마에서.
KO_LOCATIVE = "에서"
# Lowercase words that continue a multi-word name ("Joint Chiefs of Staff").
NAME_CONNECTORS = _word_set("of von de")
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
# number of a designation ("Hwasong-18"), which is read as one word.
_NUMBER = re.compile(
    r"(?<![\w.,])(?<![^\W\d_]-)(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?:\s*(" + "|".join(SCALE_WORDS) + r")\b)?",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")
# A word, with its possessive; a designation ("Hwasong-18", "KN-23", "Su-57") is one word,
# since the family name alone is shared by every launch or deal of its kind.
_TOKEN = re.compile(r"[^\W\d_][^\W_]*-\d[^\W_]*|[^\W_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
_POSSESSIVE = re.compile(r"['’]s$")
# Inflection endings stripped so "Soldaten"/"Soldat", "Pionieren"/"Pioniere" meet.
_SUFFIXES = ("ern", "en", "er", "es", "s", "e")


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
        """The weight of the keys only comparable within one language."""
        return sum(self.keys[key] for key in self.local)

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


def article_text(title: str, text: str) -> str:
    """The text figures are read from: the title, then the body (``Pipeline`` reads a new
    item's figures from it, and ``Features.claims`` are read from it)."""
    return f"{title}\n\n{text}"


def _stem(word: str) -> str:
    word = _POSSESSIVE.sub("", word.casefold())
    if len(word) > 5:
        for suffix in _SUFFIXES:
            if word.endswith(suffix):
                return word[: -len(suffix)]
    return word


_COMMON_STEMS = frozenset(map(_stem, COMMON_WORDS))
# The same words in the spelling keys are compared in ("moskau" -> "moskva").
_COMMON_KEYS = frozenset(canonical(stem) for stem in _COMMON_STEMS) - _CALENDAR_KEY_SET


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _word(token: str) -> tuple[str, str, bool]:
    """(casefolded and interned, stem, may be a name) of a word as ``_TOKEN`` finds it.
    Capitalised words are compared in one spelling across scripts (Курск = Kursk);
    lowercase words are only ever compared within one language."""
    lowered = sys.intern(token.casefold())
    stem = canonical(_stem(token)) if token[0].isupper() else _stem(token)
    is_name = (
        token[0].isupper()
        and lowered not in COMMON_WORDS
        and stem not in _COMMON_KEYS
        and lowered not in CALENDAR_WORDS
        and lowered not in NUMBER_WORDS
    )
    return lowered, stem, is_name


def _korean_key(word: str) -> tuple[str, float] | None:
    """A Korean word's key: a known name (any particle attached), else a long word."""
    alias = hangul_alias(word)
    if alias is not None:
        designation = _KO_DESIGNATION.search(word)  # 화성-19형 = Hwasong-19
        return (f"{alias}-{designation.group(1)}" if designation else alias), WEIGHT_NAME
    if word in CALENDAR_KEYS:
        return CALENDAR_KEYS[word], WEIGHT_CALENDAR
    month = _KO_MONTH.fullmatch(word)
    if month is not None and 1 <= int(month.group(1)) <= 12:
        return f"m{int(month.group(1)):02d}", WEIGHT_CALENDAR
    word = korean_stem(word)
    if len(word) >= KO_RARE_MIN_LEN:
        return word, WEIGHT_RARE_WORD
    return None


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


def _word_keys(
    text: str,
) -> tuple[list[str], dict[str, float], set[str], dict[str, set[str]], tuple[str, ...]]:
    """The words in order (casefolded: what alignment compares); names, rare long
    lowercase words, calendar words and number words, stemmed; with the keys bound to the
    text's language (rare words), the bridge keys (compared only across languages) and
    the names read as places.

    A name is a capitalised word that does not open a sentence. The words of one multi-word
    name ("Joint Chiefs of Staff", "Sergei Shoigu") share one name's weight, so that a long
    title counts as one piece of evidence; a word seen alone elsewhere ("Shoigu") keeps
    its full weight.
    """
    words: list[str] = []
    keys: dict[str, float] = {}
    local: set[str] = set()  # keys only ever compared within one language
    bridge: dict[str, set[str]] = {}  # bridge key -> the name keys it was read from

    def add_bridge_key(found: str, key: str) -> None:
        if found not in keys or found in bridge:
            keys[found] = WEIGHT_BRIDGE
            bridge.setdefault(found, set()).add(key)

    def add_bridge(name: str, key: str) -> None:
        for found in bridge_keys(name):
            add_bridge_key(found, key)

    places: dict[str, None] = {}  # names after "in", "near", "в", ...: where it happened
    sentence_initial: dict[str, None] = {}  # ordered: key order is hash-free
    run: list[str] = []  # stems of the multi-word name being read
    # A capitalised word opening a sentence: a name only if another name follows it
    # ("Sergei Shoigu said"), else probably an ordinary word ("Budget talks ...").
    opener: list[str] = []
    run_end = 0
    previous = ""
    since_locative = PLACE_MAX_GAP + 1  # words since "in", "near", "в", ... (gap allowed)

    def close_run() -> None:
        sentence_initial.update(dict.fromkeys(opener))
        opener.clear()
        for name in run:
            keys[name] = max(keys.get(name, 0.0), WEIGHT_NAME / len(run))
            local.discard(name)  # also read as a name: not bound to one language
        run.clear()

    hangul = has_hangul(text)  # else no word of it is Korean
    for found in _TOKEN.finditer(text):
        token, prior = found.group(0), previous
        lowered, stem, is_name = _word(token)
        words.append(lowered)
        previous = lowered
        if prior in LOCATIVES:
            since_locative = 1
        elif since_locative <= PLACE_MAX_GAP and (
            prior in PLACE_FILLERS or _ADJECTIVE.search(prior)
        ):
            since_locative += 1
        else:  # past the gap it stays past it: no need to read the word
            since_locative = PLACE_MAX_GAP + 1
        if hangul and has_hangul(token):
            close_run()
            if token[0].isdigit():
                continue  # "86분", "1천명": read by the number pattern
            korean = _korean_key(lowered)
            common = korean is not None and korean[0] in _COMMON_KEYS  # 러시아 in a Russia monitor
            if korean is not None and korean[1] != WEIGHT_CALENDAR and not common:
                add_bridge(korean_stem(lowered), korean[0])
            elif korean is None and (code := country(lowered)) is not None:  # 독일: too short
                add_bridge_key(f"cc:{code}", code)
            if korean is not None and korean[0] not in _COMMON_KEYS:
                keys[korean[0]] = max(keys.get(korean[0], 0.0), korean[1])
                if korean[1] == WEIGHT_RARE_WORD:
                    local.add(korean[0])
                at_place = lowered.endswith(KO_LOCATIVE) and korean[1] != WEIGHT_CALENDAR
                if at_place and found.start() < PLACE_LEAD_CHARS:
                    places.setdefault(korean[0])
            continue
        if run and lowered in NAME_CONNECTORS:
            run_end = found.end()  # "Chiefs of Staff": the name goes on
            continue
        if (run or opener) and (not is_name or text[run_end : found.start()].strip(" -\u00a0")):
            close_run()
        if is_name and run and (number := roman_value(token)) is not None:
            keys[str(number)] = max(keys.get(str(number), 0.0), WEIGHT_SMALL_NUMBER)
            run_end = found.end()  # "Benedict XVI": the numeral belongs to the name
            continue
        if is_name:
            add_bridge(token, stem)
            before = text[max(0, found.start() - 3) : found.start()]
            if found.start() == 0 or _SENTENCE_END.search(before):
                close_run()
                opener.append(stem)
            else:
                run.extend(opener)
                opener.clear()
                run.append(stem)
                if (
                    since_locative <= PLACE_MAX_GAP
                    and found.start() < PLACE_LEAD_CHARS
                    and lowered not in PLACE_FILLERS
                    and not _GERMAN_ABSTRACT.search(lowered)
                ):
                    places.setdefault(stem)
            run_end = found.end()
        elif token[0].isdigit() or len(stem) < 2:
            continue
        elif lowered in NUMBER_WORDS:
            if not prior[:1].isdigit() and prior not in MULTIPLIER_WORDS:
                keys[str(NUMBER_WORDS[lowered])] = WEIGHT_NUMBER
        elif lowered in CALENDAR_WORDS and (token[0].isupper() or lowered not in _CASED_CALENDAR):
            keys[CALENDAR_KEYS[lowered]] = WEIGHT_CALENDAR  # not "may", "march"
        elif lowered in COMMON_WORDS or stem in _COMMON_STEMS or stem in _COMMON_KEYS:
            continue
        elif len(token) >= RARE_WORD_MIN_LEN and token.isalpha() and stem not in keys:
            keys[stem] = WEIGHT_RARE_WORD
            local.add(stem)
    close_run()
    # A capitalised word seen only at sentence starts is usually an ordinary word; keep it
    # as a rare word when it is long, as names and nouns are.
    for stem in sentence_initial:
        if stem not in keys and len(stem) >= RARE_WORD_MIN_LEN:
            keys[stem] = WEIGHT_RARE_WORD
            local.add(stem)
    return words, keys, local, bridge, tuple(places)


def _lead_weekdays(body: str) -> frozenset[str]:
    """The weekdays the opening names ("tue"): the day the reported event happened."""
    found = set()
    for token in _TOKEN.findall(body[:PLACE_LEAD_CHARS]):
        lowered = token.casefold()
        word = korean_stem(lowered) if has_hangul(lowered) else lowered
        key = CALENDAR_KEYS.get(word)
        if key and not key[1:].isdigit() and (token[0].isupper() or word not in _CASED_CALENDAR):
            found.add(key)
    return frozenset(found)


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
    words, word_keys, local, bridge, places = _word_keys(body)
    if figures is None:
        figures = extract(article_text(title, stripped), lang)
    claims = _claims(figures)
    keys = {sys.intern(k): w for k, w in (word_keys | _number_keys(body, claims)).items()}
    return Features(
        words=tuple(words),
        keys=keys,
        weight=sum(keys.values()),
        figures=frozenset(k for k, w in keys.items() if w == WEIGHT_NUMBER and k[0].isdigit()),
        dates=frozenset(k for k in keys if k in _CALENDAR_KEY_SET),
        local=frozenset(local & keys.keys()),
        bridge={key: frozenset(names) for key, names in bridge.items()},
        places=tuple(place for place in places if place in keys),
        lead_days=_lead_weekdays(body),
        lang=lang,
        claims={key: frozenset(found) for key, found in claims.items()},
    )
