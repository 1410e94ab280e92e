"""A poll cycle's feeds and items on their way into the store (``Sorting``), the tasks
that run beside the cycle's fetches: settling what has arrived every quarter second
(``settle_every``) and reading ahead the items on topic (``reading_ahead``), and the
cycle's end once the fetches are over or stopped (``wind_down``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from monitor.errors import MonitorError
from monitor.feeds.parse import ParsedFeed
from monitor.pipeline import Pipeline, Reading, Totals, oldest_first
from monitor.store import FeedState
from monitor.store.save import Batches
from monitor.stories.embedding import EMBED_BATCH, embed_text
from monitor.stories.keys import FEATURE_CACHE_SIZE
from monitor.types import FeedSpec, FetchResult, Item

__all__ = [
    "READ_AHEAD_SECONDS",
    "FeedOutcome",
    "Sorting",
    "reading_ahead",
    "settle_every",
    "wind_down",
]

# How often a cycle with no item on topic left to read ahead looks again (reading_ahead).
READ_AHEAD_SECONDS = 0.05
# At most this many items a cycle are read ahead; the rest at its end. Their story
# features wait in a cache of FEATURE_CACHE_SIZE texts that also holds the candidates
# they are matched against: reading thousands ahead would push those out.
READ_AHEAD_MOST = FEATURE_CACHE_SIZE // 4


@dataclass
class FeedOutcome:
    """What became of one feed in a cycle, before its new items are processed."""

    spec: FeedSpec
    state: FeedState
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: MonitorError | None = None
    unconditional: bool = False  # sent without validators after a long run of 304s


class Sorting:
    """A cycle's feeds and items on their way into the store.

    Feeds arrive one by one, in whatever order the servers answer, and wait here until
    the cycle next settles them (every ``BATCH_SECONDS``, ``Poller.cycle``). Settling
    stores the items whose order does not matter (seen before, or outside every topic:
    most of them) and records each feed with nothing left waiting, a feed at a time, in
    transactions closed once open ``BATCH_SECONDS`` (``Store.batches``): a feed's
    outcome is written in the transaction that stores its items, so a crash loses at
    most the open transaction, whose feeds were not rescheduled and are fetched again.
    Items on topic wait for the end of the cycle and are then processed oldest first
    across all its feeds, so which server answered first does not change stories or
    alerts; their feeds are recorded after them. While they wait, what does not depend on
    their order (language, figures, story keys: ``Pipeline.read``) is read ahead, and with
    the multilingual extra embedded in full batches (``embedding_batch``), in a thread
    beside the loop that goes on fetching, so that the end of the cycle only matches and
    stores them.
    """

    def __init__(self, pipeline: Pipeline, record: Callable[[FeedOutcome, int, Totals], None]):
        self.pipeline = pipeline
        self.totals = Totals()
        self._record = record  # (outcome, new items, totals)
        self._arrived: list[FeedOutcome] = []
        self._waiting: list[FeedOutcome] = []  # feeds with items on topic
        self._on_topic: list[Item] = []
        self._readings: dict[int, Reading] = {}  # id() of an item on topic -> read ahead
        self._unread = 0  # the first item of _on_topic not yet read ahead
        self._to_embed: dict[str, None] = {}  # texts read ahead, not yet embedded
        self._embedding = pipeline.multilingual  # False once the encoder is missing or fails
        self.fetched = asyncio.Event()  # set when the cycle has every feed's reply
        self._new_per_feed: Counter[str] = Counter()

    def add(self, outcome: FeedOutcome) -> None:
        self._arrived.append(outcome)

    def settle(self) -> None:
        """Store what has arrived, but for the items on topic (see the class doc)."""
        if not self._arrived:
            return
        arrived, self._arrived = self._arrived, []
        with self._batches() as batches:
            for outcome in arrived:
                with batches.item():
                    self._settle(outcome)

    def next_unread(self) -> Item | None:
        """The next item on topic to read ahead, if any (READ_AHEAD_MOST a cycle)."""
        if self._unread >= min(len(self._on_topic), READ_AHEAD_MOST):
            return None
        self._unread += 1
        return self._on_topic[self._unread - 1]

    async def read_ahead(self, item: Item) -> None:
        """Read ``item`` ahead (``Pipeline.read``) in a thread: the loop goes on fetching
        meanwhile, however long a hostile text takes (the interpreter hands the loop its
        turn every few milliseconds)."""
        try:
            reading = await asyncio.to_thread(self.pipeline.read, item)
        except Exception:  # processing reads it again, and says what fails
            return
        self._readings[id(item)] = reading
        if self._embedding:
            self._to_embed[embed_text(item.title, item.text)] = None

    def embedding_batch(self) -> list[str]:
        """EMBED_BATCH texts read ahead to embed now, or none: fewer wait for the end."""
        if not self._embedding or len(self._to_embed) < EMBED_BATCH:
            return []
        batch = list(self._to_embed)[:EMBED_BATCH]
        for text in batch:
            del self._to_embed[text]
        return batch

    async def embed(self, batch: list[str]) -> None:
        """Embed ``batch`` in a thread (the model's work leaves the loop to fetch); a
        failure stops embedding ahead: the end of the cycle embeds, and says what fails."""
        try:
            vectors = await asyncio.to_thread(self.pipeline.embed, batch)
        except Exception:
            vectors = None
        if vectors is None:
            self._embedding = False
        else:
            self.pipeline.keep_vectors(batch, vectors)

    def finish(self) -> None:
        self.settle()
        items = oldest_first(self._on_topic)
        self.pipeline.embed_ahead(items)  # in batches, after every feed is settled
        with self._batches() as batches:
            for item in items:
                reading = self._readings.get(id(item))
                with batches.item():
                    if self.pipeline.process(item, self.totals, reading=reading) and item.feed_url:
                        self._new_per_feed[item.feed_url] += 1
            for outcome in self._waiting:
                with batches.item():
                    self._record(outcome, self._new_per_feed[outcome.spec.url], self.totals)
        self._on_topic, self._waiting = [], []

    def _batches(self) -> Batches:
        return self.pipeline.store.batches(timer=self.pipeline.timer)

    def _settle(self, outcome: FeedOutcome) -> None:
        if outcome.parsed is None or not outcome.parsed.items:
            self._record(outcome, 0, self.totals)
            return
        stored, on_topic = self.pipeline.triage(outcome.parsed.items, self.totals)
        self._new_per_feed[outcome.spec.url] += len(stored)
        if on_topic:  # its items are settled or waiting in _on_topic
            outcome.parsed = replace(outcome.parsed, items=[])
            self._waiting.append(outcome)
            self._on_topic.extend(on_topic)
        else:
            self._record(outcome, self._new_per_feed[outcome.spec.url], self.totals)


async def settle_every(sorting: Sorting, seconds: float, cycle: asyncio.Task[Totals]) -> None:
    """Settle what has arrived every ``seconds``: what a crash can lose stays small, and
    the store's lock is taken in short turns while the cycle goes on fetching. A failure
    (the store's) stops the cycle at once, which raises it (``wind_down``)."""
    try:
        while True:
            await asyncio.sleep(seconds)
            sorting.settle()
    except Exception:
        cycle.cancel()
        raise


async def reading_ahead(sorting: Sorting) -> None:
    """Until every feed has replied (``Sorting.fetched``): read ahead the items on topic
    that have arrived, one at a time, and embed full batches of them, in a thread beside
    the loop; with nothing to do, look again shortly. A reading or an embedding under way
    when the replies are in (or the cycle is stopped) is finished, not made again: the
    cycle waits for this task before its end."""
    while not sorting.fetched.is_set():
        if (item := sorting.next_unread()) is not None:
            await sorting.read_ahead(item)
        elif batch := sorting.embedding_batch():
            await sorting.embed(batch)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sorting.fetched.wait(), READ_AHEAD_SECONDS)


async def wind_down(
    sorting: Sorting, reading: asyncio.Task[None], settling: asyncio.Task[None]
) -> None:
    """End a cycle whose fetches are over, or stopped (what arrived is kept; the feeds not
    answered are due again): what the reading thread is doing is finished, not made again;
    settling stops (an exception that ended it, a store error, is raised here); then
    ``Sorting.finish``."""
    sorting.fetched.set()
    await asyncio.wait([reading])
    if settling.done() and not settling.cancelled():
        settling.result()
    settling.cancel()
    sorting.finish()
