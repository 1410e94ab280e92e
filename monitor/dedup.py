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
   weight they share, relative to what each holds, passes a threshold.

``match`` scans the candidates it is given (the caller passes recent stored items);
per-text features are cached, so a candidate is tokenised once across calls. A proper
index comes later.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from rapidfuzz.distance import LCSseq

from monitor.types import Candidate, Item, StoryMatch

__all__ = ["DEFAULT_WINDOW", "Features", "features", "match"]


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
# on ECB+ (dev part), greedy clustering, pairwise: 20 -> precision 0.81, recall 0.80;
# 22 -> 0.85, 0.74; 25 -> 0.86, 0.67. Precision matters more: a merged story compares
# unrelated figures.
STORY_MIN_SCORE = 22.0
# Texts that share at least this many figures (numbers >= 100 other than years, decimals)
# need only the lower score: long commentaries dilute the cosine, figures survive. On ECB+,
# pairs sharing two such figures are same-event 275 times, other-incident 17 times.
STORY_MIN_SHARED_FIGURES = 2
STORY_MIN_SCORE_WITH_FIGURES = 12.0
# At least this much shared weight, so that two short texts sharing one name do not merge.
STORY_MIN_SHARED_WEIGHT = 6.0
# Both texts name days or months but none in common: likely two incidents of one kind (a
# Tuesday test and a Friday test). Scaling the score by this raised ECB+ precision from
# 0.78 to 0.85 at 22, recall 0.79 -> 0.74. A factor, not a veto: a background date differs.
DATE_CONFLICT_FACTOR = 0.8
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
    getötet verletzt verluste
    """
)
# Dates without a year: weak evidence, but they do separate a March event from a July one.
CALENDAR_WORDS = _word_set(
    """january february march april may june july august september october november december
    januar februar märz mai juni juli oktober dezember jan feb mar apr jun jul aug sep sept
    oct okt nov dec dez monday tuesday wednesday thursday friday saturday sunday montag
    dienstag mittwoch donnerstag freitag samstag sonntag"""
)
# Number words that stand for a figure on their own ("tausend Pioniere", "a thousand").
NUMBER_WORDS = {"thousand": 1_000, "tausend": 1_000, "hundred": 100, "hundert": 100}
# Words that multiply a following number word: "zwei tausend" is not 1000 (nor is "6 tausend",
# which the number pattern reads as 6000).
MULTIPLIER_WORDS = _word_set(
    "two three four five six seven eight nine ten several few zwei drei vier fünf sechs "
    "sieben acht neun zehn mehrere einige"
)
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
}

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


def _number_value(digits: str, scale: str | None) -> float:
    if _GROUPED.fullmatch(digits):
        value: float = int(re.sub(r"\D", "", digits))
    else:  # "1,5 Millionen", "2.5 million", "magnitude 4,4"
        value = float(digits.replace(",", "."))
    if scale:
        value *= SCALE_WORDS[scale.casefold()]
    return value


def _number_keys(text: str) -> dict[str, float]:
    keys: dict[str, float] = {}
    for found in _NUMBER.finditer(text):
        value = _number_value(found.group(1), found.group(2))
        if value != int(value):
            # A decimal tells events apart (magnitude 4.4 vs 4.6, 1.5 million) however small.
            keys[f"{value:g}"] = WEIGHT_NUMBER
            continue
        value = int(value)
        if value < MIN_COUNTED_NUMBER:
            continue
        if value in YEARS and not found.group(2):
            weight = WEIGHT_YEAR
        elif value < 100:
            weight = WEIGHT_SMALL_NUMBER
        else:
            weight = WEIGHT_NUMBER
        keys[str(value)] = weight
    return keys


def _word_keys(text: str) -> dict[str, float]:
    """Names, rare long lowercase words, calendar words and number words, stemmed.

    A name is a capitalised word that does not open a sentence. The words of one multi-word
    name ("Joint Chiefs of Staff", "Sergei Shoigu") share one name's weight, so that a long
    title counts as one piece of evidence; a word seen alone elsewhere ("Shoigu") keeps
    its full weight.
    """
    keys: dict[str, float] = {}
    sentence_initial: set[str] = set()
    run: list[str] = []  # stems of the multi-word name being read
    run_end = 0
    previous = ""

    def close_run() -> None:
        for name in run:
            keys[name] = max(keys.get(name, 0.0), WEIGHT_NAME / len(run))
        run.clear()

    for found in _TOKEN.finditer(text):
        token, prior, previous = found.group(0), previous, found.group(0).casefold()
        lowered = token.casefold()
        if run and lowered in NAME_CONNECTORS:
            run_end = found.end()  # "Chiefs of Staff": the name goes on
            continue
        stem = _stem(token)
        is_name = (
            token[0].isupper()
            and lowered not in COMMON_WORDS
            and stem not in _COMMON_STEMS
            and lowered not in CALENDAR_WORDS
            and lowered not in NUMBER_WORDS
        )
        if not is_name or text[run_end : found.start()].strip(" -\u00a0"):
            close_run()
        if is_name:
            before = text[max(0, found.start() - 3) : found.start()]
            if found.start() == 0 or _SENTENCE_END.search(before):
                sentence_initial.add(stem)
            else:
                run.append(stem)
                run_end = found.end()
        elif token[0].isdigit() or len(stem) < 2:
            continue
        elif lowered in NUMBER_WORDS:
            if not prior[:1].isdigit() and prior not in MULTIPLIER_WORDS:
                keys[str(NUMBER_WORDS[lowered])] = WEIGHT_NUMBER
        elif lowered in CALENDAR_WORDS and token[0].isupper():  # not "may", "march"
            keys[lowered] = WEIGHT_CALENDAR
        elif lowered in COMMON_WORDS or stem in _COMMON_STEMS:
            continue
        elif len(token) >= RARE_WORD_MIN_LEN and token.isalpha():
            keys.setdefault(stem, WEIGHT_RARE_WORD)
    close_run()
    # A capitalised word seen only at sentence starts is usually an ordinary word; keep it
    # as a rare word when it is long, as names and nouns are.
    for stem in sentence_initial - keys.keys():
        if len(stem) >= RARE_WORD_MIN_LEN:
            keys[stem] = WEIGHT_RARE_WORD
    return keys


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def features(title: str, text: str) -> Features:
    """Features of one text; cached on the content, so a stored item is read once."""
    body = f"{title}.\n{text}"
    words = tuple(_normalise(body))
    keys = {sys.intern(k): w for k, w in (_word_keys(body) | _number_keys(body)).items()}
    return Features(
        words=words,
        keys=keys,
        weight=sum(keys.values()),
        figures=frozenset(k for k, w in keys.items() if w == WEIGHT_NUMBER and k[0].isdigit()),
        dates=frozenset(k for k in keys if k in CALENDAR_WORDS),
    )


def _duplicate_scores(new: Features, old: Features) -> tuple[float, float] | None:
    """(ratio, containment) 0..100 when ``new`` looks like a copy of ``old``, else None."""
    short, long = sorted((len(new.words), len(old.words)))
    if short < DUP_MIN_WORDS or short < DUP_MIN_LENGTH_RATIO * long:
        return None
    smaller = min(len(new.keys), len(old.keys))
    if len(new.keys.keys() & old.keys.keys()) < DUP_MIN_KEY_OVERLAP * smaller:
        return None
    cutoff = math.ceil(DUP_MIN_CONTAINMENT / 100 * short)
    common = LCSseq.similarity(new.words, old.words, score_cutoff=cutoff)
    ratio = 200 * common / (short + long)
    containment = 100 * common / short
    if ratio >= DUP_MIN_RATIO or containment >= DUP_MIN_CONTAINMENT:
        return ratio, containment
    return None


def _same_story(new: Features, old: Features) -> tuple[float, set[str]] | None:
    """(score 0..100, shared keys) when both texts report one event, else None."""
    if not new.weight or not old.weight:
        return None
    shared = new.keys.keys() & old.keys.keys()
    shared_weight = sum(min(new.keys[k], old.keys[k]) for k in shared)
    if shared_weight < STORY_MIN_SHARED_WEIGHT:
        return None
    score = 100 * shared_weight / math.sqrt(new.weight * old.weight)
    if new.dates and old.dates and new.dates.isdisjoint(old.dates):
        score *= DATE_CONFLICT_FACTOR
    enough_figures = len(new.figures & old.figures) >= STORY_MIN_SHARED_FIGURES
    if score < (STORY_MIN_SCORE_WITH_FIGURES if enough_figures else STORY_MIN_SCORE):
        return None
    return score, shared


def _quoted_keys(features: Features, keys: set[str]) -> str:
    """The heaviest shared keys, earliest mentioned first (keys are stored in text order)."""
    position = {key: index for index, key in enumerate(features.keys)}
    ranked = sorted(keys, key=lambda k: (-features.keys[k], position[k]))
    return ", ".join(ranked[:REASON_KEYS_SHOWN])


def _in_window(item: Item, candidate: Candidate, window: timedelta) -> bool:
    return abs(candidate.published - item.published) <= window


def match(
    item: Item, candidates: Sequence[Candidate], *, window: timedelta = DEFAULT_WINDOW
) -> StoryMatch:
    """Place ``item`` among ``candidates`` published within ``window`` of it.

    A near-duplicate wins over a same-story match; among several, the best score wins.
    """
    new = features(item.title, item.text)
    best_dup: tuple[float, float, Candidate] | None = None  # ratio, containment, candidate
    best_story: tuple[float, Candidate, set[str]] | None = None
    for candidate in candidates:
        if not _in_window(item, candidate, window):
            continue
        old = features(candidate.title, candidate.text)
        dup = _duplicate_scores(new, old)
        if dup is not None and (best_dup is None or max(dup) > max(best_dup[:2])):
            best_dup = (*dup, candidate)
        if best_dup is not None:
            continue  # once a copy is found, story scores no longer matter
        story = _same_story(new, old)
        if story is not None and (best_story is None or story[0] > best_story[0]):
            best_story = (story[0], candidate, story[1])

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
        )
    if best_story is not None:
        score, candidate, shared = best_story
        return StoryMatch(
            story_id=candidate.story_id,
            duplicate_of=None,
            score=round(min(score, 100.0), 1),
            reason=(
                f"same story as item {candidate.item_id}: shared "
                f"{_quoted_keys(new, shared)} (score {score:.0f})"
            ),
        )
    return StoryMatch(story_id=None, duplicate_of=None, score=0, reason="new story")
