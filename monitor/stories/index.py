"""The candidate index: which recent items share keys with a new one, and how rare a key is.

Same-story matching must not scan the store: at 100,000 items a scan caps the pipeline
at a few items a second (PERF-NOTES.md). This is an inverted index of the *keys*
``stories.features`` reads from a text (names, figures, rare words), holding only the
items published within ``retention`` of the newest one. A new item's shortlist is the
items that share the most rarity-weighted key weight with it inside the story window;
only those are scored in full. Memory and time per item depend on how many items
arrive per week, not on how many are stored.

The index also answers *how rare a key is among recent items* (a document frequency
over the retention window), which scales key weights: a name in a third of the week's
items ("Kursk" during the Kursk offensive) is background, not evidence. Below
``RARITY_MIN_ITEMS`` items there is too little to count on and every key counts fully.
``rarities`` gives the keys below full weight, computed once per state of the index (an
item added or evicted changes it) from the keys grouped by how many items hold them: a
new item's match reads thousands of key weights, and most keys are rare.

With the multilingual extra it also holds the items' embeddings (``add_vector``) and
answers which items in *other* languages read most alike (``similar``), each cosine
judged against what its language pair usually gives (``embedding.PairNorm``).

Pure: the pipeline fills it from the store's ``story_keys`` and ``item_vectors`` tables
and keeps it in step.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import islice, repeat
from operator import add

from monitor.stories.embedding import PairNorm, cosines

__all__ = ["CandidateIndex"]

# How far back rarity is counted. A week holds enough items to tell background names
# from news, and is short enough to follow a topic's shifting vocabulary.
RARITY_WINDOW = timedelta(days=7)
# Fewer items than this (a new store, a test) and a share is noise: shares are then
# taken of this many items, so every key of a small store stays close to full weight.
RARITY_MIN_ITEMS = 50
# A key in at most this share of recent items counts fully ...
RARE_SHARE = 0.02
# ... and one in every item keeps this much, so that it still breaks ties.
MIN_RARITY = 0.1
# Keys this common are not followed when shortlisting: their posting lists are the long
# ones, and the candidates they would add share little else.
SHORTLIST_MIN_RARITY = 0.35
# How many candidates are scored in full. A story's items share many keys with each
# other, so the one that matters ranks near the top.
SHORTLIST_SIZE = 40
# How many items in other languages, most alike by embedding, are scored beside them.
SIMILAR_SIZE = 5


class CandidateIndex:
    """Items' keys by key, for the items published within ``retention`` of the newest."""

    def __init__(self, retention: timedelta = RARITY_WINDOW) -> None:
        self.retention = retention
        self._postings: dict[str, set[int]] = {}
        # Keys by how many items hold them (posting length); rarity depends on nothing else.
        self._by_count: dict[int, set[str]] = {}
        self._rarities: dict[str, float] | None = None  # for this state; None = not yet
        self._items: dict[int, tuple[datetime, tuple[str, ...]]] = {}
        self._by_time: list[tuple[datetime, int]] = []  # a heap: oldest first
        self.newest: datetime | None = None
        self.last_item_id = 0  # the highest item id added: the store is read after it
        self._vectors: dict[int, tuple[str, bytes]] = {}  # item id -> (language, vector)
        self.last_vector_id = 0  # the highest item id whose vector was added
        self.norm = PairNorm()

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item_id: int, published: datetime, keys: Iterable[str]) -> None:
        """Index one item; an item already indexed is left as it is."""
        self.last_item_id = max(self.last_item_id, item_id)
        if item_id in self._items:
            return
        if self.newest is not None and published < self.newest - self.retention:
            return  # too old to matter to what arrives now
        keys = tuple(dict.fromkeys(keys))
        self._items[item_id] = (published, keys)
        self._rarities = None
        heapq.heappush(self._by_time, (published, item_id))
        postings, by_count = self._postings, self._by_count
        for key in keys:  # ``_recount`` inlined: it runs for every key of every item
            posting = postings.get(key)
            if posting is None:
                posting = postings[key] = set()
            held = len(posting)
            if held:
                group = by_count[held]
                group.discard(key)
                if not group:
                    del by_count[held]
            found = by_count.get(held + 1)
            if found is None:
                found = by_count[held + 1] = set()
            found.add(key)
            posting.add(item_id)
        if self.newest is None or published > self.newest:
            self.newest = published
            self._evict()

    def add_rows(self, rows: Iterable[tuple[int, str, datetime]]) -> None:
        """Index (item id, key, published) rows as the store returns them."""
        grouped: dict[int, tuple[datetime, list[str]]] = {}
        for item_id, key, published in rows:
            grouped.setdefault(item_id, (published, []))[1].append(key)
        for item_id, (published, keys) in sorted(grouped.items(), key=lambda kv: kv[1][0]):
            self.add(item_id, published, keys)

    def _evict(self) -> None:
        assert self.newest is not None
        oldest_kept = self.newest - self.retention
        while self._by_time and self._by_time[0][0] < oldest_kept:
            at, item_id = heapq.heappop(self._by_time)
            held = self._items.get(item_id)
            if held is None or held[0] != at:
                continue  # carried forward since (``touch``): a later heap entry holds it
            _, keys = self._items.pop(item_id)
            self._rarities = None
            self._vectors.pop(item_id, None)
            for key in keys:
                posting = self._postings[key]
                self._recount(key, len(posting), len(posting) - 1)
                posting.discard(item_id)
                if not posting:
                    del self._postings[key]

    def _recount(self, key: str, before: int, after: int) -> None:
        """Move ``key`` to the group of keys held by ``after`` items."""
        if before:
            group = self._by_count[before]
            group.discard(key)
            if not group:
                del self._by_count[before]
        if after:
            self._by_count.setdefault(after, set()).add(key)

    def touch(self, item_id: int, published: datetime) -> None:
        """Carry an indexed item forward to ``published`` (a reprint of it appeared):
        it is shortlisted as if published then, and kept as long. Postings (and so
        rarity) are unchanged: thirty copies do not make a story's names common."""
        held = self._items.get(item_id)
        if held is None or published <= held[0]:
            return
        self._items[item_id] = (published, held[1])
        heapq.heappush(self._by_time, (published, item_id))
        if self.newest is None or published > self.newest:
            self.newest = published
            self._evict()

    def covers(self, since: datetime) -> bool:
        """Whether every item published at or after ``since`` that was added is still held."""
        return self.newest is None or since >= self.newest - self.retention

    def rarity(self, key: str) -> float:
        """1.0 for a key in few recent items, down to MIN_RARITY for one in all of them."""
        return self.rarities().get(key, 1.0)

    def rarities(self) -> Mapping[str, float]:
        """Key -> rarity of every key below full weight (in more than RARE_SHARE of recent
        items), for the index as it is now; a key not listed counts fully. Computed once
        per state, per group of keys held by as many items (the share is the same)."""
        if self._rarities is None:
            items = max(len(self._items), RARITY_MIN_ITEMS)
            found: dict[str, float] = {}
            for count, keys in self._by_count.items():
                share = count / items
                if share <= RARE_SHARE:
                    continue
                factor = max(MIN_RARITY, math.log(share) / math.log(RARE_SHARE))
                found.update(dict.fromkeys(keys, factor))
            self._rarities = found
        return self._rarities

    def shortlist(
        self,
        keys: Mapping[str, float],
        since: datetime,
        until: datetime,
        limit: int = SHORTLIST_SIZE,
    ) -> list[int]:
        """Ids of the items published in [since, until] sharing the most weighted keys."""
        return self.shortlists(keys, [(since, until, limit)])[0]

    def shortlists(
        self, keys: Mapping[str, float], windows: Sequence[tuple[datetime, datetime, int]]
    ) -> list[list[int]]:
        """``shortlist`` for each (since, until, limit): the weights shared with each item
        are summed once for all of them."""
        shared: dict[int, float] = {}
        rarities = self.rarities()
        for key, weight in keys.items():
            factor = rarities.get(key, 1.0)
            if factor < SHORTLIST_MIN_RARITY:
                continue
            posting = self._postings.get(key)
            if posting:  # each item's sum grows as it would one by one, in C
                sums = map(add, map(shared.get, posting, repeat(0.0)), repeat(weight * factor))
                shared.update(zip(posting, sums, strict=True))
        items = self._items
        # Best first (score, then the higher id: no two items tie), sorted in C: what
        # ``heapq.nlargest`` gives, without its loop in Python.
        ranked = sorted(zip(shared.values(), shared, strict=True), reverse=True)
        found = []
        for since, until, limit in windows:
            in_window = (item_id for _, item_id in ranked if since <= items[item_id][0] <= until)
            found.append(list(islice(in_window, limit)))
        return found

    def add_vector(self, item_id: int, lang: str, vector: bytes) -> None:
        """Hold an indexed item's embedding (an item not indexed, or too old, is ignored)."""
        self.last_vector_id = max(self.last_vector_id, item_id)
        if item_id in self._items:
            self._vectors[item_id] = (lang, vector)

    def similar(
        self,
        vector: bytes,
        lang: str,
        since: datetime,
        until: datetime,
        limit: int = SIMILAR_SIZE,
    ) -> dict[int, float]:
        """Item id -> z-score of the ``limit`` items in other languages published in
        [since, until] that read most like ``vector`` (see ``embedding.PairNorm``).

        Every cosine computed, in the window or not, is added to the language pair's
        record first: that record is what tells a high cosine from a usual one.
        """
        others = [(item_id, v) for item_id, v in self._vectors.items() if v[0] != lang]
        found = cosines(vector, [v for _, (_, v) in others])
        for (_, (other_lang, _)), cosine in zip(others, found, strict=True):
            self.norm.add(lang, other_lang, cosine)
        in_window = [
            (self.norm.z(lang, other_lang, cosine), item_id)
            for (item_id, (other_lang, _)), cosine in zip(others, found, strict=True)
            if since <= self._items[item_id][0] <= until
        ]
        return {item_id: z for z, item_id in heapq.nlargest(limit, in_window)}
