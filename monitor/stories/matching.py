"""Where does a new item go: a reprint of a stored item, another write-up of a stored
story, or a new story?

Two questions, answered with different evidence (both on ``keys.features``):

1. **Near-duplicate** (the same text reprinted, re-headlined, trimmed, or with a byline or
   footer added). The normalised words of both texts are aligned with rapidfuzz's LCS on
   word sequences; word order must survive, so two write-ups that merely share vocabulary
   do not pass. Precision matters most here: a reprint is hidden from the reader.
   A reprint is always of another source's item (``_may_reprint``): an outlet's own
   near-identical item is its article edited or run again, never a reprint of itself
   (issue 14); it may still join that item's story.
2. **Same story** (different write-ups of one event). Two texts belong together when the
   key weight they share, relative to what each holds, passes a threshold. Evidence
   against counts as well: different weekdays, different places in the opening sentence,
   or different models of one family (Hwasong-19 / Hwasong-11) scale the score down.

A key's weight is scaled by its *rarity* among recent items when the caller knows it
(``rarity``, the keys below full weight; the pipeline takes it from
``monitor.stories.index``): a name in every other item of the week ("Kursk" during the
Kursk offensive) says little.

3. **Same story across languages, by embedding** (with the multilingual extra): two
   items in different languages whose embeddings stand well above what that language
   pair usually gives (``similar``: a robust z-score, see ``monitor.stories.embedding``)
   are one story when they also share at least one key or bridge key (a figure, a name,
   a country) and nothing speaks against it (weekday, place, model). Embeddings never
   decide a pair in one language.

``match`` scores the candidates it is given; the pipeline shortlists them from the
candidate index (``monitor.stories.index``), so the cost does not grow with the store.
Its reason, stored with the item and printed by ``monitor explain``, gives each measure
beside the bar that applied to this pair ("shared weight 3.5 < 4.5"), scaled bars
included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz.distance import LCSseq
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from monitor.stories.aliases import ALIASES, has_hangul
from monitor.stories.keys import Features, features
from monitor.stories.weights import Rarity, Weighted, local_weight, weight_in_common, weighted
from monitor.types import Candidate, Item, StoryMatch

__all__ = ["DEFAULT_WINDOW", "Rarity", "match"]

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

# --- same-story thresholds ----------------------------------------------------------
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
# Texts shorter than this many words (the shorter of the two) need proportionally less
# shared evidence, down to the SHORT_ minimums: a one-sentence item ("Cyclone Cheneso
# leaves at least 30 people dead in Madagascar") holds five keys in all.
STORY_FULL_EVIDENCE_WORDS = 60
SHORT_MIN_SHARED_WEIGHT = 2.0
SHORT_MIN_SHARED_KEYS = 2
# Both texts name days or months but none in common: likely two incidents of one kind (a
# Tuesday test and a Friday test). Scaling the score by this raised ECB+ precision from
# 0.78 to 0.85 at 22, recall 0.79 -> 0.74. A factor, not a veto: a background date differs.
DATE_CONFLICT_FACTOR = 0.9
# Both name a weekday, none in common: a weekday in a news text is nearly always the day of
# the event itself (months are often background: "since July"). Halving, measured with
# bench/stories.py: ECB+ dev F1 0.77 -> 0.78; 0.3 lost recall on ECB+ and gained nothing.
WEEKDAY_CONFLICT_FACTOR = 0.7
LEAD_WEEKDAY_CONFLICT_FACTOR = 0.5
YEAR_CONFLICT_FACTOR = 0.6
# Both texts name where their events happened and neither names the other's place: two
# incidents of one kind (an earthquake in Ishikawa, another off Miyagi); or both name
# models of one family and none in common (Hwasong-19 / Hwasong-11). Applied on top of the
# date factors.
# Measured with bench/stories.py: own set F1 0.86 -> 0.97 (the Japan earthquakes and the
# two missile tests apart); ECB+ dev unchanged when places are read from the lead only.
PLACE_CONFLICT_FACTOR = 0.35
# A place is named by the other text when a key is this similar (rapidfuzz ratio):
# transliterations slip a letter or two ("senda" / "sendai").
PLACE_MIN_SIMILARITY = 80.0

# --- same story across languages, by embedding ----------------------------------------
# How far above its language pair's usual cosine (in MADs) an embedding must stand.
SIMILAR_MIN_Z = 4.0
# ... and how much key weight, rarity applied, the pair must share besides: one rare key
# (a figure, a name, a bridge), not a country every item of the week names.
SIMILAR_MIN_SHARED_WEIGHT = 0.75

# An item that passes the same-story test with items of two stories in two languages
# folds them: one event whose coverage started apart becomes one story. Measured with
# bench/stories.py: ITN F1 0.80 -> 0.86 (across languages 0.76 -> 0.82, precision 0.98);
# folding within one language too cost ECB+ (0.85 -> 0.67: chains of two incidents).
# Only when the item shares at least this many keys with the other story's item: a
# one-sentence item passing on two keys (a figure and "Kursk") may join a story, not
# fold two.
MERGE_MIN_SHARED_KEYS = 3

# How many shared keys a reason quotes.
REASON_KEYS_SHOWN = 6


def _duplicate_scores(new: Features, old: Features, common: set[str]) -> tuple[float, float] | None:
    """(ratio, containment) 0..100 when ``new`` looks like a copy of ``old``, else None;
    ``common``: the keys both hold."""
    short, long = sorted((len(new.words), len(old.words)))
    if short < DUP_MIN_WORDS or short < DUP_MIN_LENGTH_RATIO * long:
        return None
    smaller = min(len(new.keys), len(old.keys))
    if len(common) < DUP_MIN_KEY_OVERLAP * smaller:
        return None
    # One wire template filled in for two events ("fired from the Sunan area on Tuesday and
    # flew 350 km" / "... Pyongsong ... Saturday ... 600 km") aligns as well as a copy. A
    # copy keeps the figures, days and models of the text it copies; a trimmed copy may
    # lose some, so only the shorter text's must all be in the longer.
    shorter, longer = (new, old) if len(new.words) <= len(old.words) else (old, new)
    if not shorter.figures <= longer.keys.keys():
        return None
    new_days, old_days = new.weekdays, old.weekdays
    if new_days and old_days and new_days.isdisjoint(old_days):
        return None
    if _designation_conflict(new, old):
        return None
    cutoff = math.ceil(DUP_MIN_CONTAINMENT / 100 * short)
    aligned = LCSseq.similarity(new.words, old.words, score_cutoff=cutoff)
    ratio = 200 * aligned / (short + long)
    containment = 100 * aligned / short
    if ratio >= DUP_MIN_RATIO or containment >= DUP_MIN_CONTAINMENT:
        return ratio, containment
    return None


def _may_reprint(item: Item, candidate: Candidate) -> bool:
    """Whether ``candidate`` may be taken as the original ``item`` reprints: only an item
    of another source. (Candidates are originals: the index holds no reprints.)"""
    return candidate.source != item.source


def _story_score(
    new: Weighted, old: Weighted, common: set[str] | None = None
) -> tuple[float, float, set[str]]:
    """(score 0..100, shared weight, shared keys): how strongly both texts report one event;
    ``common``: the keys both hold, if known (it becomes the shared keys: the set changes).

    Between two languages only the keys that can meet across languages (figures, names,
    dates, bridge keys) are compared: a Russian text's lowercase words would otherwise
    only dilute. Within one language bridge keys are left out: the names themselves meet.
    The shared weight is counted without rarity: it measures how much evidence there is.
    """
    a, b = new.features, old.features
    across = a.lang is not None and b.lang is not None and a.lang != b.lang
    new_total = new.weight - new.bridge_weight - (local_weight(new) if across else 0.0)
    old_total = old.weight - old.bridge_weight - (local_weight(old) if across else 0.0)
    if new_total <= 0 or old_total <= 0:
        return 0.0, 0.0, set()
    shared = a.keys.keys() & b.keys.keys() if common is None else common
    if a.bridge:
        shared.difference_update(a.bridge)
    if b.bridge:
        shared.difference_update(b.bridge)
    if a.claims and b.claims:
        shared -= _counting_apart(a, b)
    if across:
        shared -= a.local | b.local
        shared |= _bridged(a, b, shared)
    in_common = weight_in_common(new.keys, old.keys, shared)
    score = 100 * in_common / math.sqrt(new_total * old_total)
    new_days, old_days = a.weekdays, b.weekdays
    if a.lead_days and b.lead_days and a.lead_days.isdisjoint(b.lead_days):
        score *= LEAD_WEEKDAY_CONFLICT_FACTOR
    elif new_days and old_days and new_days.isdisjoint(old_days):
        score *= WEEKDAY_CONFLICT_FACTOR
    elif a.dates and b.dates and a.dates.isdisjoint(b.dates):
        score *= DATE_CONFLICT_FACTOR
    a_years, b_years = a.years, b.years
    if a_years and b_years and a_years.isdisjoint(b_years):
        score *= YEAR_CONFLICT_FACTOR
    if score >= STORY_MIN_SCORE_WITH_FIGURES and (
        _place_conflict(a, b) or _designation_conflict(a, b)
    ):
        score *= PLACE_CONFLICT_FACTOR
    return score, weight_in_common(a.keys, b.keys, shared), shared


def _counting_apart(a: Features, b: Features) -> set[str]:
    """Numbers both texts give but read as counting different things (1,000 killed /
    1,000 deminers): one number, two facts, no evidence of one event."""
    if not a.claims or not b.claims:
        return set()
    return {
        key for key in a.claims.keys() & b.claims.keys() if a.claims[key].isdisjoint(b.claims[key])
    }


def _bridged(a: Features, b: Features, shared: set[str]) -> set[str]:
    """The bridge keys both texts hold whose names do not already meet: Турции and
    Turkey share ``cc:tr``; Kursk and Курск meet as ``kursk`` and need no bridge."""
    return {
        key
        for key in a.bridge.keys() & b.bridge.keys()
        if shared.isdisjoint(a.bridge[key]) and shared.isdisjoint(b.bridge[key])
    }


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


def _designation_conflict(a: Features, b: Features) -> bool:
    """Both name one family's models, none in common: a Hwasong-19 test is not a Hwasong-11
    drill."""
    b_models = b.designations
    return any(
        family in b_models and models.isdisjoint(b_models[family])
        for family, models in a.designations.items()
    )


def _place_conflict(a: Features, b: Features) -> bool:
    """Both texts place their events, and neither names the other's (first) place."""
    a_places = [p for p in a.places if _can_write(b, p)]
    b_places = [p for p in b.places if _can_write(a, p)]
    if not a_places or not b_places:
        return False
    return not _names(b, a_places[0]) and not _names(a, b_places[0])


def _conflict(a: Features, b: Features) -> str | None:
    """What speaks against two texts reporting one event, if anything."""
    a_days, b_days = a.weekdays, b.weekdays
    if a_days and b_days and a_days.isdisjoint(b_days):
        return "different weekdays"
    if _place_conflict(a, b):
        return "different places"
    if _designation_conflict(a, b):
        return "different models"
    return None


def _evidence_needed(new: Features, old: Features) -> tuple[float, int]:
    """(shared weight, shared keys) two texts need, scaled by the shorter one's length:
    a one-sentence item holds a handful of keys and cannot share an article's worth."""
    words = min(len(new.words), len(old.words))
    if words >= STORY_FULL_EVIDENCE_WORDS:
        return STORY_MIN_SHARED_WEIGHT, STORY_MIN_SHARED_KEYS
    share = words / STORY_FULL_EVIDENCE_WORDS
    weight = max(SHORT_MIN_SHARED_WEIGHT, STORY_MIN_SHARED_WEIGHT * share)
    keys = max(SHORT_MIN_SHARED_KEYS, round(STORY_MIN_SHARED_KEYS * share))
    return weight, keys


def _shared_figures(new: Features, old: Features) -> int:
    return len(new.figures & old.figures - _counting_apart(new, old))


def _story_threshold(new: Features, old: Features) -> float:
    enough_figures = _shared_figures(new, old) >= STORY_MIN_SHARED_FIGURES
    return STORY_MIN_SCORE_WITH_FIGURES if enough_figures else STORY_MIN_SCORE


# Below the lower of the two score bars a pair cannot pass, whatever else it shares.
_LOWEST_BAR = min(STORY_MIN_SCORE, STORY_MIN_SCORE_WITH_FIGURES)


def _passes(new: Features, old: Features, score: float, weight: float, shared: set[str]) -> bool:
    """Whether a pair with this score, shared weight (base weights) and shared keys passes
    the same-story test: the score bar and the evidence bars that apply to it."""
    min_weight, min_keys = _evidence_needed(new, old)
    enough = weight >= min_weight and len(shared) >= min_keys
    return score >= _story_threshold(new, old) and enough


@dataclass(frozen=True)
class _Evidence:
    """One candidate's same-story evidence beside the bars that applied to it, for the
    reason: score 0..100, shared weight (base weights), shared keys; the bars as
    ``_story_threshold`` and ``_evidence_needed`` set them for this pair."""

    score: float
    weight: float
    keys: int
    min_score: float
    min_weight: float
    min_keys: int
    shared_figures: int
    words: int  # the shorter text's words, which scale min_weight and min_keys

    def __str__(self) -> str:
        """'score 14.4 ≥ 12 with 2 shared figures; shared weight 9.3 ≥ 4.5; shared keys
        5 ≥ 3', and when the shorter text is short, that its bars were scaled."""
        figures = ""
        if self.min_score == STORY_MIN_SCORE_WITH_FIGURES:
            figures = f" with {self.shared_figures} shared figures"
        text = (
            f"score {_versus(self.score, self.min_score)}{figures};"
            f" shared weight {_versus(self.weight, self.min_weight)};"
            f" shared keys {_versus(self.keys, self.min_keys)}"
        )
        if self.words < STORY_FULL_EVIDENCE_WORDS:
            text += (
                f"; weight and key bars scaled to the shorter text's {self.words}"
                f" of {STORY_FULL_EVIDENCE_WORDS} words"
            )
        return text


def _evidence(new: Features, old: Features, score: float, weight: float, keys: int) -> _Evidence:
    min_weight, min_keys = _evidence_needed(new, old)
    words = min(len(new.words), len(old.words))
    threshold, figures = _story_threshold(new, old), _shared_figures(new, old)
    return _Evidence(score, weight, keys, threshold, min_weight, min_keys, figures, words)


def _versus(value: float, bar: float) -> str:
    """'14.3 ≥ 12', '3.5 < 4.5': a measure beside the bar it had to reach (rounded to one
    decimal, more where rounding would tell the comparison wrong)."""
    digits = 1
    while digits < 4 and (round(value, digits) >= bar) != (value >= bar):
        digits += 1
    return f"{round(value, digits):g} {'≥' if value >= bar else '<'} {round(bar, 3):g}"


def _quoted_keys(features: Features, keys: set[str], other: Features | None = None) -> str:
    """The heaviest shared keys, earliest mentioned first (keys are stored in text order);
    a bridge key as the names it joins ("ferstappen~verstapp", "country tr")."""
    position = {key: index for index, key in enumerate(features.keys)}
    ranked = sorted(keys, key=lambda k: (-features.keys[k], position[k]))
    return ", ".join(_bridge_shown(key, features, other) for key in ranked[:REASON_KEYS_SHOWN])


def _bridge_shown(key: str, a: Features, b: Features | None) -> str:
    if key.startswith("cc:"):
        return f"country {key[3:]}"
    if key.startswith("sk:") and b is not None and key in a.bridge and key in b.bridge:
        return f"{min(a.bridge[key])}~{min(b.bridge[key])}"
    return key


def _joins(
    candidate: Candidate, score: float, reason: str, keys: tuple[str, ...], also: tuple[int, ...]
) -> StoryMatch:
    """The item joins ``candidate``'s story (and folds ``also`` into it); score 0..100."""
    return StoryMatch(
        story_id=candidate.story_id,
        duplicate_of=None,
        score=round(min(score, 100.0), 1),
        reason=reason,
        keys=keys,
        also=also,
    )


# Story id -> (item id, shared keys): the first item of that story the new item passes with.
_Passes = dict[int, tuple[int, int]]


def _passed(folds: _Passes, short: _Passes, candidate: Candidate, keys: int) -> None:
    """Note that the item passes with ``candidate``: its story may be folded in when they
    share MERGE_MIN_SHARED_KEYS keys (``folds``), else it is only named (``short``)."""
    passes = folds if keys >= MERGE_MIN_SHARED_KEYS else short
    passes.setdefault(candidate.story_id, (candidate.item_id, keys))


def _also(passes: _Passes, chosen: Candidate, seen: Mapping[int, Features]) -> tuple[int, ...]:
    """The other stories the item passes with whose item is in another language than the
    one it joins: coverage of one event that started apart in two languages."""
    lang = seen[chosen.item_id].lang
    return tuple(
        sorted(
            story
            for story, (item_id, _) in passes.items()
            if story != chosen.story_id and seen[item_id].lang != lang
        )
    )


def _folding(
    folds: _Passes, short: _Passes, chosen: Candidate, seen: Mapping[int, Features]
) -> str:
    """What the item does with the other stories, in other languages, it passes with:
    folds them into the one it joins, or, sharing fewer than MERGE_MIN_SHARED_KEYS keys
    with them, only names them."""
    said = [
        f"; also joins story {story} (through item {folds[story][0]}: shared keys"
        f" {_versus(folds[story][1], MERGE_MIN_SHARED_KEYS)}, enough to fold two stories)"
        for story in _also(folds, chosen, seen)
    ]
    said += [
        f"; passes with story {story} too (item {short[story][0]}) but does not fold it:"
        f" shared keys {_versus(short[story][1], MERGE_MIN_SHARED_KEYS)}"
        for story in _also(short, chosen, seen)
        if story not in folds
    ]
    return "".join(said)


def _in_window(item: Item, candidate: Candidate, window: timedelta) -> bool:
    """Published within ``window`` of the item, or reprinted within it: a wire story that
    outlets keep running is alive as long as they do."""
    last_seen = max(candidate.published, candidate.last_seen or candidate.published)
    return candidate.published - window <= item.published <= last_seen + window


def match(
    item: Item,
    candidates: Sequence[Candidate],
    *,
    window: timedelta = DEFAULT_WINDOW,
    rarity: Rarity | None = None,
    similar: Mapping[int, float] | None = None,
) -> StoryMatch:
    """Place ``item`` among ``candidates`` published within ``window`` of it.

    A near-duplicate wins over a same-story match on keys, which wins over a match
    across languages by embedding; among several, the best score wins. ``rarity``
    scales key weights (see ``Rarity``); without it every key keeps its base weight.
    ``similar`` maps candidate item ids in other languages to their embedding z-score
    (``CandidateIndex.similar``). The result carries the item's keys, for the index.
    """
    new_features = features(item.title, item.text, item.lang)
    new = weighted(new_features, rarity)
    keys = tuple(new_features.keys)
    new_keys = new_features.keys.keys()
    best_dup: tuple[float, float, Candidate] | None = None  # ratio, containment, candidate
    best_story: tuple[float, Candidate, set[str], float] | None = None  # ..., shared weight
    seen: dict[int, Features] = {}  # candidate item id -> its features
    folds: _Passes = {}  # the stories the item passes with, sharing enough keys to fold
    short: _Passes = {}  # ... and those it passes with sharing fewer
    best_similar: tuple[float, Candidate, set[str], float] | None = None  # z, _, shared, weight
    # The best candidate that fell short, so that "new story" can say how close it came.
    runner_up: tuple[_Evidence, Candidate] | None = None
    compared, hours = 0, f"{window / timedelta(hours=1):g} h"  # candidates scored, window
    for candidate in candidates:
        # A copy is a copy however late it runs; a story match needs the window.
        in_window = _in_window(item, candidate, window)
        if not in_window and not _may_reprint(item, candidate):
            continue
        old = seen[candidate.item_id] = features(candidate.title, candidate.text, candidate.lang)
        common = new_keys & old.keys.keys()
        dup = (
            _duplicate_scores(new_features, old, common) if _may_reprint(item, candidate) else None
        )
        if dup is not None and (best_dup is None or max(dup) > max(best_dup[:2])):
            best_dup = (*dup, candidate)
        if best_dup is not None or not in_window:
            continue  # once a copy is found, story scores no longer matter
        compared += 1
        old_weighted = weighted(old, rarity)
        score, shared_weight, shared = _story_score(new, old_weighted, common)
        if score >= _LOWEST_BAR and _passes(new_features, old, score, shared_weight, shared):
            _passed(folds, short, candidate, len(shared))
            if best_story is None or score > best_story[0]:
                best_story = (score, candidate, shared, shared_weight)
            continue
        if score > 0 and (runner_up is None or score > runner_up[0].score):
            evidence = _evidence(new_features, old, score, shared_weight, len(shared))
            runner_up = (evidence, candidate)
        z = similar.get(candidate.item_id) if similar else None
        if z is None or z < SIMILAR_MIN_Z or new_features.lang == old.lang:
            continue
        rare_weight = weight_in_common(new.keys, old_weighted.keys, shared)
        if rare_weight >= SIMILAR_MIN_SHARED_WEIGHT and _conflict(new_features, old) is None:
            _passed(folds, short, candidate, len(shared))
            if best_similar is None or z > best_similar[0]:
                best_similar = (z, candidate, shared, rare_weight)

    if best_dup is not None:
        ratio, containment, candidate = best_dup
        original = candidate.duplicate_of or candidate.item_id
        return StoryMatch(
            story_id=candidate.story_id,
            duplicate_of=original,
            score=round(max(ratio, containment), 1),
            reason=(
                f"reprint of item {original} (ratio {_versus(ratio, DUP_MIN_RATIO)},"
                f" containment {_versus(containment, DUP_MIN_CONTAINMENT)}; either makes a"
                " reprint)"
            ),
            keys=keys,
        )
    if best_story is not None:
        score, candidate, shared, shared_weight = best_story
        old = seen[candidate.item_id]
        evidence = _evidence(new_features, old, score, shared_weight, len(shared))
        return _joins(
            candidate,
            score,
            f"same story as item {candidate.item_id}: shared"
            f" {_quoted_keys(new_features, shared, old)} ({evidence})"
            f"{_folding(folds, short, candidate, seen)}",
            keys,
            _also(folds, candidate, seen),
        )
    if best_similar is not None:
        z, candidate, shared, rare_weight = best_similar
        return _joins(
            candidate,
            10 * z,
            (
                f"same story as item {candidate.item_id} across languages: embedding"
                f" {_versus(z, SIMILAR_MIN_Z)} MADs above the language pair's usual, shared"
                f" {_quoted_keys(new_features, shared, seen[candidate.item_id])} (weight with"
                f" rarity {_versus(rare_weight, SIMILAR_MIN_SHARED_WEIGHT)})"
                f"{_folding(folds, short, candidate, seen)}"
            ),
            keys,
            _also(folds, candidate, seen),
        )
    if runner_up is not None:
        evidence, candidate = runner_up
        reason = f"new story (closest: item {candidate.item_id}, {evidence})"
    elif compared:
        reason = f"new story (none of {compared} candidates within {hours} scores above 0)"
    else:
        reason = f"new story (no candidate: no item within {hours} shares a key with it)"
    return StoryMatch(story_id=None, duplicate_of=None, score=0, reason=reason, keys=keys)
