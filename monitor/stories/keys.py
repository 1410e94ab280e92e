"""Where does a new item go: a reprint of a stored item, another write-up of a stored
story, or a new story?

Two questions, answered with different evidence:

1. **Near-duplicate** (the same text reprinted, re-headlined, trimmed, or with a byline or
   footer added). The normalised words of both texts are aligned with rapidfuzz's LCS on
   word sequences; word order must survive, so two write-ups that merely share vocabulary
   do not pass. Precision matters most here: a reprint is hidden from the reader.
2. **Same story** (different write-ups of one event). Rewording keeps the facts: numbers
   (1.000 / 1,000 / 1 000 / tausend / thousand all read as 1000), names and places, rare
   words. Each text is reduced to weighted *keys*; two texts belong together when the
   weight they share, relative to what each holds, passes a threshold. Evidence against
   counts as well: different weekdays, different places in the opening sentence, or
   different models of one family (Hwasong-19 / Hwasong-11) scale the score down.

Names are compared in one spelling across scripts and languages (``monitor.stories.aliases``:
Kursk / Курск / 쿠르스크). A key's weight is scaled by its *rarity* among recent items
when the caller knows it (``rarity``; the pipeline takes it from ``monitor.stories.index``): a
name in every other item of the week ("Kursk" during the Kursk offensive) says little.

``match`` scores the candidates it is given; the pipeline shortlists them from the
candidate index (``monitor.stories.index``), so the cost does not grow with the store. Per-text
features are cached, so a candidate is tokenised once across calls.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from rapidfuzz.distance import LCSseq
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from monitor.lang import guess as guess_lang
from monitor.stories.aliases import ALIASES, canonical, hangul_alias, has_hangul
from monitor.types import Candidate, Item, StoryMatch

__all__ = ["DEFAULT_WINDOW", "Features", "Rarity", "features", "match"]

# Key -> factor 0..1 by which its weight is scaled (1 = rare, near 0 = in every item).
Rarity = Callable[[str], float]


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (long lists stay readable)."""
    return frozenset(words.split())


DEFAULT_WINDOW = timedelta(days=3)

# --- near-duplicate thresholds -------------------------------------------------------
# Aligned share of all words (2*LCS / (len a + len b), i.e. rapidfuzz's normalised Indel
# similarity on words). A re-headlined or lightly edited copy keeps > 90.
DUP_MIN_RATIO = 90.0
# Aligned share of the *shorter* text. A copy with a paragraph dropped or a footer added
# keeps nearly all of the shorter text in order. Measured on ECB+ (dev part): reports of two
# different incidents of one kind never pass 69; independent write-ups of one event have a
# median of 26 and reach 90 only where an outlet ran the wire copy, which is a reprint.
DUP_MIN_CONTAINMENT = 90.0
# ...but only when the shorter text is a substantial part of the longer: a teaser of two
# sentences is not a reprint of a long report that opens with them.
DUP_MIN_LENGTH_RATIO = 0.5
# Below this many words (a bare headline) alignment proves nothing: headlines repeat
# across different events ("North Korea fires ballistic missile").
DUP_MIN_WORDS = 25
# Cheap gate before the alignment: share of the smaller key set (names, figures, rare
# words) found in the other text. A copy has nearly all; a new headline may add a few.
DUP_MIN_KEY_OVERLAP = 0.7

# --- same-story scoring --------------------------------------------------------------
# Key weights: a figure other than a year is the best evidence that two texts report the
# same event; names come next; a long lowercase word is weak; a year barely counts (many
# stories of one season share it).
WEIGHT_NUMBER = 3.0
WEIGHT_SMALL_NUMBER = 1.5  # 10..99: ages, distances, also "30 years"
WEIGHT_NAME = 2.0
WEIGHT_RARE_WORD = 1.0
WEIGHT_YEAR = 0.5
WEIGHT_CALENDAR = 1.5  # weekdays and months: separate a Tuesday event from a Friday one
# Weight shared / geometric mean of both texts' weights, 0..100 (a weighted cosine). Chosen
# on ECB+ (dev part), greedy clustering, pairwise. Before places counted against a match:
# 20 -> precision 0.81, recall 0.80; 22 -> 0.85, 0.74; 25 -> 0.86, 0.67. With the place
# conflict (below): 18 -> 0.73, 0.82; 20 -> 0.84, 0.79; 22 -> 0.85, 0.73. Precision matters
# more: a merged story compares unrelated figures.
STORY_MIN_SCORE = 20.0
# Texts that share at least this many figures (numbers >= 100 other than years, decimals)
# need only the lower score: long commentaries dilute the cosine, figures survive. On ECB+,
# pairs sharing two such figures are same-event 275 times, other-incident 17 times.
STORY_MIN_SHARED_FIGURES = 2
STORY_MIN_SCORE_WITH_FIGURES = 12.0
# At least this much shared weight (base weights, before rarity: it measures how much
# evidence there is), so that two short texts sharing one name do not merge.
# 6.0 split short translations (a figure, a name and a weekday weigh 6.5); 4.5 with the
# stronger date-conflict factor below: own set F1 0.80 -> 0.91, ECB+ dev 0.77 -> 0.80.
STORY_MIN_SHARED_WEIGHT = 4.5
# And at least this many distinct shared keys: a short report sharing one figure and one
# place with another ("1,000" killed in Kursk vs "1,000" deminers for Kursk) is not enough.
STORY_MIN_SHARED_KEYS = 3
# Both texts name days or months but none in common: likely two incidents of one kind (a
# Tuesday test and a Friday test). Scaling the score by this raised ECB+ precision from
# 0.78 to 0.85 at 22, recall 0.79 -> 0.74. A factor, not a veto: a background date differs.
DATE_CONFLICT_FACTOR = 0.8
# Both name a weekday, none in common: a weekday in a news text is nearly always the day of
# the event itself (months are often background: "since July"). Halving, measured with
# bench/stories.py: ECB+ dev F1 0.77 -> 0.78; 0.3 lost recall on ECB+ and gained nothing.
WEEKDAY_CONFLICT_FACTOR = 0.5
# Both texts name where their events happened and neither names the other's place: two
# incidents of one kind (an earthquake in Ishikawa, another off Miyagi); or both name
# models of one family and none in common (Hwasong-19 / Hwasong-11). Applied on top of the
# date factors.
# Measured with bench/stories.py: own set F1 0.86 -> 0.97 (the Japan earthquakes and the
# two missile tests apart); ECB+ dev unchanged when places are read from the lead only.
PLACE_CONFLICT_FACTOR = 0.35
# Places are read from the opening (title and first sentence) only: that is where a report
# says where it happened; further down, a long article names places in passing, and on
# ECB+ reading them all cost recall (0.74 -> 0.70) and gained no precision.
PLACE_LEAD_CHARS = 200
# A place is named by the other text when a key is this similar (rapidfuzz ratio):
# transliterations slip a letter or two ("senda" / "sendai").
PLACE_MIN_SIMILARITY = 80.0
# Numbers below this are ignored ("3 Monate", "2 sides"); years are this range.
MIN_COUNTED_NUMBER = 10
YEARS = range(1900, 2101)
# Lowercase words at least this long are kept as rare words (length is a cheap rarity proxy).
RARE_WORD_MIN_LEN = 9
# How many shared keys a reason quotes.
REASON_KEYS_SHOWN = 6
# Features are cached per text. The cache must hold the caller's whole candidate pool (a
# few thousand items), or every scan misses; one entry costs ~12 KB for a 3 KB article.
FEATURE_CACHE_SIZE = 4096

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
# Korean particles and endings that attach to a word (쿠르스크에서, 병력을).
_KO_PARTICLES = tuple(
    sorted(
        [
            "에서",
            "에게",
            "으로",
            "로",
            "에",
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "의",
            "와",
            "과",
            "도",
            "만",
            "께서",
            "까지",
            "부터",
        ],
        key=len,
        reverse=True,
    )
)
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
    places: tuple[str, ...]  # names read as places, in text order: the first is the event's
    lang: str | None  # monitor.lang's guess: texts in different languages share no local keys


def _normalise(text: str) -> list[str]:
    """Casefolded words without punctuation: what alignment compares."""
    return [sys.intern(w.casefold()) for w in _TOKEN.findall(text)]


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
    for particle in _KO_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            word = word[: -len(particle)]
            break
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
        yield _number_value(found.group(1), found.group(2)), bool(found.group(2))
    if has_hangul(text):
        for found in _KO_NUMBER.finditer(text):
            man, cheon, rest = found.groups()
            if man is None and cheon is None:
                continue  # plain digits: read above
            value = sum(
                float(part.replace(",", ".")) * scale
                for part, scale in ((man, 10_000), (cheon, 1_000), (rest, 1))
                if part
            )
            yield value, True


def _number_keys(text: str) -> dict[str, float]:
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
    return keys


def _word_keys(text: str) -> tuple[dict[str, float], set[str], tuple[str, ...]]:
    """Names, rare long lowercase words, calendar words and number words, stemmed; with
    the keys bound to the text's language (rare words) and the names read as places.

    A name is a capitalised word that does not open a sentence. The words of one multi-word
    name ("Joint Chiefs of Staff", "Sergei Shoigu") share one name's weight, so that a long
    title counts as one piece of evidence; a word seen alone elsewhere ("Shoigu") keeps
    its full weight.
    """
    keys: dict[str, float] = {}
    local: set[str] = set()  # keys only ever compared within one language
    places: dict[str, None] = {}  # names after "in", "near", "в", ...: where it happened
    sentence_initial: set[str] = set()
    run: list[str] = []  # stems of the multi-word name being read
    # A capitalised word opening a sentence: a name only if another name follows it
    # ("Sergei Shoigu said"), else probably an ordinary word ("Budget talks ...").
    opener: list[str] = []
    run_end = 0
    previous = ""
    since_locative = PLACE_MAX_GAP + 1  # words since "in", "near", "в", ... (gap allowed)

    def close_run() -> None:
        sentence_initial.update(opener)
        opener.clear()
        for name in run:
            keys[name] = max(keys.get(name, 0.0), WEIGHT_NAME / len(run))
            local.discard(name)  # also read as a name: not bound to one language
        run.clear()

    for found in _TOKEN.finditer(text):
        token, prior = found.group(0), previous
        previous = token.casefold()
        if prior in LOCATIVES:
            since_locative = 1
        elif prior in PLACE_FILLERS or _ADJECTIVE.search(prior):
            since_locative += 1
        else:
            since_locative = PLACE_MAX_GAP + 1
        lowered = token.casefold()
        if has_hangul(token):
            close_run()
            if token[0].isdigit():
                continue  # "86분", "1천명": read by the number pattern
            korean = _korean_key(lowered)
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
        # Capitalised words are compared in one spelling across scripts (Курск = Kursk);
        # lowercase words are only ever compared within one language.
        stem = canonical(_stem(token)) if token[0].isupper() else _stem(token)
        is_name = (
            token[0].isupper()
            and lowered not in COMMON_WORDS
            and stem not in _COMMON_KEYS
            and lowered not in CALENDAR_WORDS
            and lowered not in NUMBER_WORDS
        )
        if not is_name or text[run_end : found.start()].strip(" -\u00a0"):
            close_run()
        if is_name:
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
    for stem in sentence_initial - keys.keys():
        if len(stem) >= RARE_WORD_MIN_LEN:
            keys[stem] = WEIGHT_RARE_WORD
            local.add(stem)
    return keys, local, tuple(places)


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def features(title: str, text: str) -> Features:
    """Features of one text; cached on the content, so a stored item is read once."""
    body = f"{title}.\n{text}"
    words = tuple(_normalise(body))
    word_keys, local, places = _word_keys(body)
    keys = {sys.intern(k): w for k, w in (word_keys | _number_keys(body)).items()}
    return Features(
        words=words,
        keys=keys,
        weight=sum(keys.values()),
        figures=frozenset(k for k, w in keys.items() if w == WEIGHT_NUMBER and k[0].isdigit()),
        dates=frozenset(k for k in keys if k in _CALENDAR_KEY_SET),
        local=frozenset(local & keys.keys()),
        places=tuple(place for place in places if place in keys),
        lang=guess_lang(body),
    )


def _duplicate_scores(new: Features, old: Features) -> tuple[float, float] | None:
    """(ratio, containment) 0..100 when ``new`` looks like a copy of ``old``, else None."""
    short, long = sorted((len(new.words), len(old.words)))
    if short < DUP_MIN_WORDS or short < DUP_MIN_LENGTH_RATIO * long:
        return None
    smaller = min(len(new.keys), len(old.keys))
    if len(new.keys.keys() & old.keys.keys()) < DUP_MIN_KEY_OVERLAP * smaller:
        return None
    # One wire template filled in for two events ("fired from the Sunan area on Tuesday and
    # flew 350 km" / "... Pyongsong ... Saturday ... 600 km") aligns as well as a copy. A
    # copy keeps the figures, days and models of the text it copies; a trimmed copy may
    # lose some, so only the shorter text's must all be in the longer.
    shorter, longer = (new, old) if len(new.words) <= len(old.words) else (old, new)
    if not shorter.figures <= longer.keys.keys():
        return None
    new_days, old_days = _weekdays(new), _weekdays(old)
    if new_days and old_days and new_days.isdisjoint(old_days):
        return None
    if _designation_conflict(new, old):
        return None
    cutoff = math.ceil(DUP_MIN_CONTAINMENT / 100 * short)
    common = LCSseq.similarity(new.words, old.words, score_cutoff=cutoff)
    ratio = 200 * common / (short + long)
    containment = 100 * common / short
    if ratio >= DUP_MIN_RATIO or containment >= DUP_MIN_CONTAINMENT:
        return ratio, containment
    return None


@dataclass(frozen=True)
class _Weighted:
    """A text's key weights scaled by rarity, their sum, and the sum of its local keys."""

    features: Features
    keys: Mapping[str, float]
    weight: float
    local_weight: float


def _weighted(features: Features, rarity: Rarity | None) -> _Weighted:
    keys = (
        features.keys
        if rarity is None
        else {key: weight * rarity(key) for key, weight in features.keys.items()}
    )
    local_weight = sum(keys[key] for key in features.local)
    return _Weighted(features, keys, sum(keys.values()), local_weight)


def _story_score(new: _Weighted, old: _Weighted) -> tuple[float, float, set[str]]:
    """(score 0..100, shared weight, shared keys): how strongly both texts report one event.

    Between two languages only the keys that can meet across languages (figures, names,
    dates) are compared: a Russian text's lowercase words would otherwise only dilute.
    The shared weight is counted without rarity: it measures how much evidence there is.
    """
    a, b = new.features, old.features
    across = a.lang is not None and b.lang is not None and a.lang != b.lang
    new_total = new.weight - new.local_weight if across else new.weight
    old_total = old.weight - old.local_weight if across else old.weight
    if new_total <= 0 or old_total <= 0:
        return 0.0, 0.0, set()
    shared = a.keys.keys() & b.keys.keys()
    if across:
        shared -= a.local | b.local
    weighted = sum(min(new.keys[k], old.keys[k]) for k in shared)
    score = 100 * weighted / math.sqrt(new_total * old_total)
    new_days, old_days = _weekdays(a), _weekdays(b)
    if new_days and old_days and new_days.isdisjoint(old_days):
        score *= WEEKDAY_CONFLICT_FACTOR
    elif a.dates and b.dates and a.dates.isdisjoint(b.dates):
        score *= DATE_CONFLICT_FACTOR
    if score >= STORY_MIN_SCORE_WITH_FIGURES and (
        _place_conflict(a, b) or _designation_conflict(a, b)
    ):
        score *= PLACE_CONFLICT_FACTOR
    return score, sum(min(a.keys[k], b.keys[k]) for k in shared), shared


_ALIAS_KEYS = frozenset(ALIASES.values())


def _can_write(text: Features, place: str) -> bool:
    """Whether ``text`` could name ``place`` in a key it holds: a Korean text meets Latin
    keys only through the alias table, a Latin or Cyrillic one never meets Hangul keys."""
    if has_hangul(place):
        return text.lang == "ko"
    return text.lang != "ko" or place in _ALIAS_KEYS


def _names(text: Features, place: str) -> bool:
    """Whether ``text`` names ``place``, allowing for a transliteration's slips
    (Сендае -> "senda" / Sendai, Исикава -> "isikava" / Ishikawa)."""
    if place in text.keys:
        return True
    names = [key for key in text.keys if key not in text.local and not key[0].isdigit()]
    return extractOne(place, names, scorer=ratio, score_cutoff=PLACE_MIN_SIMILARITY) is not None


def _designations(text: Features) -> dict[str, set[str]]:
    """Family -> designations named ("hvasong" -> {"19"} for Hwasong-19)."""
    found: dict[str, set[str]] = {}
    for key in text.keys:
        family, dash, designation = key.partition("-")
        if dash and designation[:1].isdigit():
            found.setdefault(family, set()).add(designation)
    return found


def _designation_conflict(a: Features, b: Features) -> bool:
    """Both name one family's models, none in common: a Hwasong-19 test is not a Hwasong-11
    drill."""
    b_models = _designations(b)
    return any(
        family in b_models and models.isdisjoint(b_models[family])
        for family, models in _designations(a).items()
    )


def _place_conflict(a: Features, b: Features) -> bool:
    """Both texts place their events, and neither names the other's (first) place."""
    a_places = [p for p in a.places if _can_write(b, p)]
    b_places = [p for p in b.places if _can_write(a, p)]
    if not a_places or not b_places:
        return False
    return not _names(b, a_places[0]) and not _names(a, b_places[0])


def _weekdays(features: Features) -> frozenset[str]:
    return frozenset(key for key in features.dates if not key[1:].isdigit())  # not "m06"


def _story_threshold(new: Features, old: Features) -> float:
    enough_figures = len(new.figures & old.figures) >= STORY_MIN_SHARED_FIGURES
    return STORY_MIN_SCORE_WITH_FIGURES if enough_figures else STORY_MIN_SCORE


def _quoted_keys(features: Features, keys: set[str]) -> str:
    """The heaviest shared keys, earliest mentioned first (keys are stored in text order)."""
    position = {key: index for index, key in enumerate(features.keys)}
    ranked = sorted(keys, key=lambda k: (-features.keys[k], position[k]))
    return ", ".join(ranked[:REASON_KEYS_SHOWN])


def _in_window(item: Item, candidate: Candidate, window: timedelta) -> bool:
    return abs(candidate.published - item.published) <= window


def match(
    item: Item,
    candidates: Sequence[Candidate],
    *,
    window: timedelta = DEFAULT_WINDOW,
    rarity: Rarity | None = None,
) -> StoryMatch:
    """Place ``item`` among ``candidates`` published within ``window`` of it.

    A near-duplicate wins over a same-story match; among several, the best score wins.
    ``rarity`` scales key weights (see ``Rarity``); without it every key keeps its base
    weight. The result carries the item's keys, for the candidate index.
    """
    new_features = features(item.title, item.text)
    new = _weighted(new_features, rarity)
    keys = tuple(new_features.keys)
    best_dup: tuple[float, float, Candidate] | None = None  # ratio, containment, candidate
    best_story: tuple[float, Candidate, set[str]] | None = None
    # The best candidate that fell short, so that "new story" can say how close it came.
    runner_up: tuple[float, float, Candidate] | None = None  # score, shared weight, candidate
    for candidate in candidates:
        if not _in_window(item, candidate, window):
            continue
        old = features(candidate.title, candidate.text)
        dup = _duplicate_scores(new_features, old)
        if dup is not None and (best_dup is None or max(dup) > max(best_dup[:2])):
            best_dup = (*dup, candidate)
        if best_dup is not None:
            continue  # once a copy is found, story scores no longer matter
        score, shared_weight, shared = _story_score(new, _weighted(old, rarity))
        threshold = _story_threshold(new_features, old)
        enough = shared_weight >= STORY_MIN_SHARED_WEIGHT and len(shared) >= STORY_MIN_SHARED_KEYS
        if score >= threshold and enough:
            if best_story is None or score > best_story[0]:
                best_story = (score, candidate, shared)
        elif score > 0 and (runner_up is None or score > runner_up[0]):
            runner_up = (score, shared_weight, candidate)

    if best_dup is not None:
        ratio, containment, candidate = best_dup
        original = candidate.duplicate_of or candidate.item_id
        return StoryMatch(
            story_id=candidate.story_id,
            duplicate_of=original,
            score=round(max(ratio, containment), 1),
            reason=(
                f"reprint of item {original} (ratio {ratio:.0f}, containment {containment:.0f})"
            ),
            keys=keys,
        )
    if best_story is not None:
        score, candidate, shared = best_story
        return StoryMatch(
            story_id=candidate.story_id,
            duplicate_of=None,
            score=round(min(score, 100.0), 1),
            reason=(
                f"same story as item {candidate.item_id}: shared "
                f"{_quoted_keys(new_features, shared)} (score {score:.0f})"
            ),
            keys=keys,
        )
    reason = "new story"
    if runner_up is not None:
        score, shared_weight, candidate = runner_up
        reason += (
            f" (closest: item {candidate.item_id}, score {score:.0f}, shared weight"
            f" {shared_weight:.1f}; needs score {STORY_MIN_SCORE:.0f}, or"
            f" {STORY_MIN_SCORE_WITH_FIGURES:.0f} with {STORY_MIN_SHARED_FIGURES} shared figures,"
            f" and weight {STORY_MIN_SHARED_WEIGHT:.0f})"
        )
    return StoryMatch(story_id=None, duplicate_of=None, score=0, reason=reason, keys=keys)
