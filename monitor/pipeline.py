"""One pass of the pipeline: item -> topic -> story -> figures -> divergence -> store.

`analyse` makes every decision about one item from the item and what the store
already holds; `Pipeline.process` writes the result in one transaction (`process_all`
and `ingest_paths`: several items a transaction, ``Store.batches``, issue 16).

Issue 12, corrections: an item re-delivered with changed content (same source and guid)
has its figures read again; those it no longer has are superseded (kept, shown in the
history), the alerts they raised (or that stood only on them) are withdrawn, a
correction alert per corrected claim tells the channels that got a withdrawn alert, and
its new figures are judged against what stands. A new item whose figure is retracted
("an earlier version said 15,000") never alerts with it, and supersedes the same outlet's
latest earlier asserted figure of that claim and value, when there is one.

Issue 14, identity: an entry whose key its feed changed (a token in its link, a slug
edited with its headline) is the stored item it matches (``monitor.stories.identity``),
refreshed like any re-delivered entry, never stored twice. Fetching and parsing live in
`monitor.poller` and `ingest_paths`, which only turn the outside world into Items. The
clock is injected so tests and the demo are repeatable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor import figures, lang, stories, topics
from monitor.config import Config, topics_in_force
from monitor.figures import divergence
from monitor.figures.divergence import figure_of, format_value
from monitor.store import Store
from monitor.store.save import Batches, Correction
from monitor.stories import RARITY_WINDOW, SHORTLIST_SIZE, CandidateIndex, identity
from monitor.stories.embedding import EMBED_BATCH, Encoder, embed_text, load_encoder
from monitor.text import canonical_url, clean, counted
from monitor.types import (
    ASSERTED,
    RETRACTED,
    Analysis,
    Divergence,
    Figure,
    Item,
    StoredEntry,
    StoryMatch,
    TopicMatch,
)

log = logging.getLogger(__name__)

# How many items older than the story window are tested as originals of a late reprint.
REPRINT_SHORTLIST = 5


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Totals:
    """What a run did, for the one-line summary the CLI prints."""

    items: int = 0
    kept: int = 0
    skipped: int = 0
    already_seen: int = 0
    duplicates: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)
    updated: int = 0  # seen before, content changed: stored item refreshed (issue 3)
    held_back: int = 0  # feeds a manual poll left alone: Retry-After or 410 (issue 3)
    corrections: int = 0  # correction alerts: an outlet corrected a figure (issue 12)
    feeds_polled: int = 0  # feeds fetched this cycle, failed or not (issue 15: exit codes)
    feeds_failed: int = 0  # of those, feeds whose fetch or parse failed

    def summary(self) -> str:
        parts = [
            counted(self.items, "new item"),
            f"{self.kept} on topic",
            f"{self.skipped} skipped",
            counted(self.duplicates, "reprint"),
            counted(self.alerts, "alert"),
        ]
        if self.updated:
            parts.append(f"{self.updated} updated")
        if self.corrections:
            parts.append(counted(self.corrections, "correction"))
        if self.already_seen:
            parts.append(f"{self.already_seen} already seen")
        if self.held_back:
            parts.append(f"{counted(self.held_back, 'feed')} held back (--force polls them)")
        if self.errors:
            parts.append(counted(len(self.errors), "error"))
        return ", ".join(parts)


@dataclass(frozen=True)
class Reading:
    """What ``analyse`` reads of an item whatever the order of items (``Pipeline.read``):
    the item with its language (guessed when its feed gave none) and its figures; its
    story features wait in ``stories.features``' cache."""

    of: Item  # the item as it arrived: a reading is used only for that very item
    item: Item  # ... with its language
    figures: tuple[Figure, ...]


@dataclass
class Pipeline:
    store: Store
    config: Config
    clock: Callable[[], datetime] = utcnow
    # Alert channels that get an outbox row per alert; None = those configured in alerts:.
    channels: Sequence[str] | None = None
    # Embed items to match across languages (issue 13); False: keys alone, as without it.
    multilingual: bool = True
    timer: Callable[[], float] = time.monotonic  # closes a ``Store.batches`` transaction
    # Recent items' story keys, read from the store and kept in step with it (issue 4).
    _index: CandidateIndex | None = field(default=None, init=False, repr=False)
    # The store's rollbacks when the index was filled: one since, and it is read again.
    _rollbacks: int = field(default=0, init=False, repr=False)
    # Embeddings made ahead, in batches (``embed_ahead``), by the text embedded.
    _vectors: dict[str, bytes] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.store.forget_failed_items()  # read again as new, once a process: a fix may help

    def analyse(
        self, item: Item, topic: TopicMatch | None = None, reading: Reading | None = None
    ) -> Analysis:
        """Decide everything about one item (``topic``: if classified already; ``reading``:
        if read ahead); writes nothing."""
        topic = topic or topics.classify(item, self._topic_rules())
        if topic.topic is None:
            return Analysis(item=item, topic=topic, match=None)
        if reading is None or reading.of != item:
            reading = self.read(item)
        item, found = reading.item, reading.figures
        # Read once (issue 16): the story keys' claims too, if read with the shipped lexicon.
        match = self._story_match(item, None if self.config.claims else found)
        # A reprint repeats figures already judged with its original: never alert twice.
        divergences = () if match.duplicate_of is not None else self._divergences(item, found)
        return Analysis(item, topic, match, found, divergences)

    def read(self, item: Item) -> Reading:
        """Read what does not depend on other items: the language, the figures and the
        story features (into ``stories.features``' cache). Pure: it neither reads the store
        nor changes the index, so the poller reads items on topic while the cycle is still
        fetching, and processing them in order later only matches and stores (issue 16)."""
        read = item
        if read.lang is None:
            read = replace(read, lang=lang.guess(f"{read.title}\n{read.text}"))
        found = tuple(figures.extract(article_text(read), read.lang, claims=self.config.claims))
        stories.features(read.title, read.text, read.lang, None if self.config.claims else found)
        return Reading(item, read, found)

    def _story_match(self, item: Item, read: Sequence[Figure] | None) -> StoryMatch:
        """Shortlist candidates from the index (never a scan of the store), then score them."""
        window = timedelta(hours=self.config.story_window_hours)
        since, until = item.published - window, item.published + window
        index = self._candidate_index(since)
        if not index.covers(since):
            # An item older than what the index holds (a late backfill): index its window
            # alone, once; the cost is that of one window, not of the store.
            index = CandidateIndex(retention=until - since + index.retention)
            index.add_rows(self.store.story_keys(since=since - RARITY_WINDOW, until=until))
        keys = stories.features(item.title, item.text, item.lang, read).keys
        # And older items the index still holds, for the reprint test only: an outlet that
        # runs a wire copy days later reprints it, it does not start a story.
        shortlist, older = index.shortlists(
            keys,
            [(since, until, SHORTLIST_SIZE), (since - index.retention, since, REPRINT_SHORTLIST)],
        )
        shortlist += [item_id for item_id in older if item_id not in shortlist]
        encoder, rarity = self.encoder, index.rarities()
        if encoder is None or item.lang is None:
            candidates = self.store.candidates_by_id(shortlist)
            return stories.match(item, candidates, window=window, rarity=rarity)
        text = embed_text(item.title, item.text)
        vector = self._vectors.get(text) or encoder.encode([text])[0]  # not pop: reprints
        similar = index.similar(vector, item.lang, since=since, until=until)
        shortlist += [item_id for item_id in similar if item_id not in shortlist]
        candidates = self.store.candidates_by_id(shortlist)
        found = stories.match(item, candidates, window=window, rarity=rarity, similar=similar)
        return replace(found, vector=vector, vector_model=encoder.model)

    def embed_ahead(self, items: Sequence[Item]) -> None:
        """Embed these items now, in batches, for their story matching to come (issue 13:
        one call for many texts costs a third of one call each); a text embedded already
        (``keep_vectors``: the poller embeds while it fetches) is not embedded again, and
        what an earlier call left for other items is dropped. Without the extra, nothing.
        An encoder that fails is one log line: each item then tries alone, and one whose
        analysis fails is kept as skipped with why (``process``), not the whole cycle lost."""
        wanted = list(dict.fromkeys(embed_text(item.title, item.text) for item in items))
        self._vectors = {text: self._vectors[text] for text in wanted if text in self._vectors}
        if not items:
            return  # a cycle with nothing on topic never loads the model
        texts = [text for text in wanted if text not in self._vectors]
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            try:
                vectors = self.embed(batch)
            except Exception as exc:
                log.error(
                    "embedding %s failed (%s: %s)",
                    counted(len(batch), "text"),
                    type(exc).__name__,
                    exc,
                )
                return
            if vectors is None:
                return
            self.keep_vectors(batch, vectors)

    def embed(self, texts: Sequence[str]) -> list[bytes] | None:
        """The embeddings of ``texts`` (``embed_text``), None without the extra. Touches no
        state of the pipeline: the poller calls it from a thread while it fetches."""
        encoder = self.encoder
        return None if encoder is None else encoder.encode(texts)

    def keep_vectors(self, texts: Sequence[str], vectors: Sequence[bytes]) -> None:
        """Hold these embeddings for the matching of the items they were made for."""
        self._vectors.update(zip(texts, vectors, strict=True))

    @property
    def encoder(self) -> Encoder | None:
        """The multilingual encoder, loaded on first use; None without the extra."""
        return load_encoder() if self.multilingual else None

    def _candidate_index(self, since: datetime) -> CandidateIndex:
        """The index, filled on first use and caught up with what was stored since."""
        window = timedelta(hours=self.config.story_window_hours)
        if self.store.rollbacks != self._rollbacks:  # it may hold items never stored
            self._index, self._rollbacks = None, self.store.rollbacks
        if self._index is None:
            self._index = CandidateIndex(retention=max(RARITY_WINDOW, 2 * window))
            self._index.add_rows(self.store.story_keys(since=since - RARITY_WINDOW))
        else:
            # Our own saves and those of another process (the daemon and `monitor ingest`
            # may share a database) arrive here by item id.
            self._index.add_rows(
                self.store.story_keys(
                    after_item=self._index.last_item_id, since=since - RARITY_WINDOW
                )
            )
        encoder = self.encoder
        if encoder is not None:
            for item_id, item_lang, vector in self.store.story_vectors(
                model=encoder.model,
                after_item=self._index.last_vector_id,
                since=since - RARITY_WINDOW,
            ):
                self._index.add_vector(item_id, item_lang, vector)
        return self._index

    def _divergences(
        self, item: Item, found: Sequence[Figure], exclude_item: int | None = None
    ) -> tuple[Divergence, ...]:
        previous = self.store.previous_figures
        return divergence.against(item, found, previous, self.config.divergence, exclude_item)

    def process(
        self,
        item: Item,
        totals: Totals,
        topic: TopicMatch | None = None,
        reading: Reading | None = None,
    ) -> bool:
        """Analyse one item and store it with everything derived from it; False if seen before.

        An item seen before whose title, text or link changed (a corrected article) has its
        stored copy refreshed in place: no second item, no second alert (``topic`` and
        ``reading``: ``analyse``).
        """
        if self._seen_before(item, totals):
            return False
        try:
            analysis = self.analyse(item, topic, reading)
        except Exception as exc:  # one hostile item must not stall every feed
            # A reading bug on one item would otherwise end the cycle, again and again: the
            # item is kept, as skipped with the reason; one log line, the traceback with -v.
            reason = f"could not be analysed ({type(exc).__name__}: {exc})"
            debug = log.isEnabledFor(logging.DEBUG)
            log.error("item %r of %s %s", item.guid, item.source, reason, exc_info=debug)
            totals.errors.append(clean(f"{item.source}: item {item.guid!r} {reason}"))
            analysis = Analysis(item, TopicMatch(None, clean(reason)), None)
        retractions = _retractions(self.store, self.config.divergence.window_days, analysis)
        self._save(analysis, totals, retractions)
        # Every decision, with -v: the topic's, then the story's and each alert.
        title = clean(item.title, 80)
        if analysis.match is None:
            log.debug("%s: %r: skipped: %s", item.source, title, analysis.topic.reason)
        else:
            log.debug(
                "%s: %r: topic %s; %s",
                item.source,
                title,
                analysis.topic.topic,
                analysis.match.reason,
            )
        for found in analysis.divergences:
            log.debug("%s: %r: %s: %s", item.source, title, found.kind, found.reason)
        return True

    def triage(self, items: Sequence[Item], totals: Totals) -> tuple[list[Item], list[Item]]:
        """Settle now the items whose order does not matter; return (stored, left over).

        Items seen before are counted (and refreshed if changed) and items outside every
        topic are stored as skipped, all in a few statements; what is left is on topic,
        for ``process`` in the order things happened. The poller settles each batch of
        feeds as it arrives, so that the bulk of a cycle's writes (most items of most
        feeds are off topic) is done while other feeds are still being fetched.
        """
        items, known = self._identified(items)
        skipped: dict[tuple[str, str], tuple[Item, TopicMatch]] = {}
        later: list[Item] = []
        for item in items:
            key = (item.source, item.guid)
            if key in skipped:  # twice in one batch: the later copy is the newer
                changed = not _unchanged(_content(skipped[key][0]), item)
                totals.updated += changed
                totals.already_seen += not changed
                skipped[key] = (item, skipped[key][1])
            elif key in known:
                self._refresh(item, known[key], totals)
            else:
                topic = topics.classify(item, self._topic_rules())
                if topic.topic is None:
                    skipped[key] = (item, topic)
                else:
                    later.append(item)
        self.store.save_skipped(list(skipped.values()))
        totals.items += len(skipped)
        totals.skipped += len(skipped)
        return [item for item, _ in skipped.values()], later

    def _identified(
        self, items: Sequence[Item]
    ) -> tuple[list[Item], dict[tuple[str, str], tuple[str, str, str | None]]]:
        """The items, each under the key it is stored under, and the stored contents of
        those seen before (``Store.stored_contents``).

        An entry whose key is new may be a stored item of its feed under a changed key
        (``identity.same_item``): looked for among the items of its feed stored with its
        date, by index, leaving out those whose own key is among these entries.
        """
        known = self.store.stored_contents([(item.source, item.guid) for item in items])
        new = [item for item in items if (item.source, item.guid) not in known]
        if not new:
            return list(items), known
        listed = {(item.source, item.guid) for item in items}
        dated: dict[tuple[str, datetime], list[StoredEntry]] = {}
        for entry in self.store.entries_published_at([(i.source, i.published) for i in new]):
            if (entry.source, entry.guid) not in listed:
                dated.setdefault((entry.source, entry.published), []).append(entry)
        if not dated:
            return list(items), known
        found: list[Item] = []
        for item in items:
            stored = dated.get((item.source, item.published), [])
            new_key = (item.source, item.guid) not in known
            same = identity.same_item(item, stored) if stored and new_key else None
            if same is None:
                found.append(item)
                continue
            entry, why = same
            stored.remove(entry)  # one entry per stored item
            log.info("%s: %r is stored item %r (%s)", item.source, item.guid, entry.guid, why)
            # A link that only gained a token keeps the stored one: nothing changed.
            item = replace(item, guid=entry.guid, url=entry.url if why == "link" else item.url)
            known[(item.source, item.guid)] = (entry.title, entry.text, entry.url)
            found.append(item)
        return found, known

    def _topic_rules(self) -> Sequence[topics.TopicRule]:
        return topics_in_force(self.config).rules

    def _seen_before(self, item: Item, totals: Totals) -> bool:
        stored = self.store.stored_content(item.source, item.guid)
        if stored is None:
            return False
        self._refresh(item, stored, totals)
        return True

    def _refresh(self, item: Item, stored: tuple[str, str, str | None], totals: Totals) -> None:
        """An item seen before: its stored copy refreshed if its content changed, and an
        item on topic has its figures read again (a correction, issue 12)."""
        if _unchanged(stored, item):
            totals.already_seen += 1
            return
        totals.updated += 1
        row = self.store.stored_item(item.source, item.guid)
        if row is None or row["status"] != "kept":
            self.store.update_item(item.source, item.guid, item.title, item.text, item.url)
            return
        if item.lang is None:
            item = replace(item, lang=row["lang"] or lang.guess(f"{item.title}\n{item.text}"))
        found = figures.extract(article_text(item), item.lang, claims=self.config.claims)
        remaining = list(row["figures"])
        added: list[Figure] = []
        for fig in found:
            same = next((r for r in remaining if _identity(figure_of(r)) == _identity(fig)), None)
            if same is None:
                added.append(fig)
            else:
                remaining.remove(same)
        if not added and not remaining:  # the same figures: only the text changed
            self.store.update_item(item.source, item.guid, item.title, item.text, item.url)
            return
        corrections = _corrections(item.source, remaining, added)
        reprint = row["duplicate_of"] is not None
        divergences = () if reprint else self._divergences(item, added, row["id"])
        self.store.save_correction(
            item,
            added,
            [r["id"] for r in remaining],
            divergences,
            corrections,
            channels=self._channels(),
            at=max(self.clock(), item.published),
        )
        totals.alerts += len(divergences)
        totals.corrections += len(corrections)

    def _channels(self) -> Sequence[str]:
        return self.config.alerts.channels() if self.channels is None else self.channels

    def _save(
        self, analysis: Analysis, totals: Totals, corrections: Sequence[Correction] = ()
    ) -> None:
        channels = self._channels()
        notices = {  # issue 6: channels that want a notice when a story reaches N sources
            name: count
            for name, count in self.config.alerts.story_notices().items()
            if name in channels
        }
        at = max(self.clock(), analysis.item.published)
        self.store.save(
            analysis, channels=channels, notices=notices, corrections=corrections, at=at
        )
        original = analysis.match.duplicate_of if analysis.match else None
        if original is not None and self._index is not None:
            self._index.touch(original, analysis.item.published)
        totals.items += 1
        if analysis.match is None:
            totals.skipped += 1
            return
        totals.kept += 1
        totals.duplicates += analysis.match.duplicate_of is not None
        totals.alerts += len(analysis.divergences)
        totals.corrections += len(corrections)

    def process_all(
        self, items: Iterable[Item], totals: Totals, batches: Batches | None = None
    ) -> None:
        """``process`` each item in turn, several a transaction (``batches``, else their
        own); the ones on topic are embedded ahead in batches, outside any transaction."""
        if batches is None:
            with self.store.batches(timer=self.timer) as own:
                return self.process_all(items, totals, own)
        items, _ = self._identified(list(items))
        found = [topics.classify(item, self._topic_rules()) for item in items]  # once, for both
        on_topic = [item for item, topic in zip(items, found, strict=True) if topic.topic]
        if on_topic and self.encoder is not None:
            batches.commit()  # the model's work holds no write lock
        self.embed_ahead(on_topic)
        for item, topic in zip(items, found, strict=True):
            with batches.item():
                self.process(item, totals, topic)


def _retractions(store: Store, window_days: int, analysis: Analysis) -> list[Correction]:
    """A retracted figure ("an earlier version said 15,000") supersedes the same
    outlet's asserted figures of that claim and value in its latest earlier item (in
    ``store``, within ``window_days``)."""
    item = analysis.item
    if analysis.match is None:
        return []
    since = item.published - timedelta(days=window_days)
    found: dict[tuple[int, ...], Correction] = {}
    for fig in analysis.figures:
        if fig.modality != RETRACTED or fig.claim_key is None:
            continue
        same = [
            r
            for r in store.previous_figures(fig.claim_key, since)
            if r.source == item.source
            and r.figure.modality == ASSERTED
            and (r.figure.low, r.figure.high) == (fig.low, fig.high)
            and r.published <= item.published
        ]
        if not same:
            continue
        latest = max(same, key=lambda r: (r.published, r.item_id)).item_id
        ids = tuple(r.figure_id for r in same if r.item_id == latest)
        now = next(
            (f for f in analysis.figures if f.claim_key == fig.claim_key and _asserted(f)),
            None,
        )
        reason = f"{item.source} retracted {format_value(fig)}"
        if now is not None:
            reason += f"; it now says {format_value(now)}"
        found.setdefault(ids, Correction(fig.claim_key, ids, now, reason))
    return list(found.values())


def _asserted(fig: Figure) -> bool:
    return fig.modality == ASSERTED


def _identity(fig: Figure) -> tuple[object, ...]:
    """What makes a re-read figure the one already stored (offsets and quotes may move)."""
    return (
        fig.claim_key,
        fig.low,
        fig.high,
        fig.hedge,
        fig.modality,
        fig.scope,
        fig.place,
        fig.basis,
        fig.period,
        fig.role,
    )


def _corrections(
    source: str, gone: Sequence[Mapping[str, Any]], added: Sequence[Figure]
) -> list[Correction]:
    """One correction per claim whose asserted figures the corrected item no longer has:
    "daily-post corrected 15,000 to 11,000", "daily-post no longer reports 15,000"."""
    olds: dict[str, list[tuple[int, Figure]]] = {}
    for row in gone:
        fig = figure_of(row)
        if fig.claim_key is not None and _asserted(fig):
            olds.setdefault(fig.claim_key, []).append((int(row["id"]), fig))
    found = []
    for key, rows in olds.items():
        was = ", ".join(dict.fromkeys(format_value(fig) for _, fig in rows))
        now = [fig for fig in added if fig.claim_key == key and _asserted(fig)]
        if now:
            said = ", ".join(dict.fromkeys(format_value(fig) for fig in now))
            reason = f"{source} corrected {was} to {said}"
        else:
            reason = f"{source} no longer reports {was}"
        ids = tuple(figure_id for figure_id, _ in rows)
        found.append(Correction(key, ids, now[0] if now else None, reason))
    return found


def _content(item: Item) -> tuple[str, str, str | None]:
    """What a re-delivered entry may change: title, text and link."""
    return (item.title, item.text, item.url)


def _unchanged(stored: tuple[str, str, str | None], item: Item) -> bool:
    """Whether a re-delivered entry says what was stored. A link that differs only in a
    fragment or tracking parameters (a token some feeds add on every request) is the
    same link (issue 14): the stored one stands."""
    title, text, url = stored
    if (title, text) != (item.title, item.text):
        return False
    if url is None or item.url is None:
        return url == item.url
    return url == item.url or canonical_url(url) == canonical_url(item.url)


def article_text(item: Item) -> str:
    """The text figures are read from: the title, then the body."""
    return stories.article_text(item.title, item.text)


def oldest_first(items: Iterable[Item]) -> list[Item]:
    """Feeds list newest first; stories read better when built in the order things happened."""
    return sorted(items, key=lambda item: item.published)
