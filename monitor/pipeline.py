"""One pass of the pipeline: item -> topic -> story -> figures -> divergence -> store.

`analyse` makes every decision about one item from the item and what the store
already holds; `Pipeline.process` writes the result in one transaction. Fetching
and parsing live in `monitor.poller` and `ingest_paths`, which only turn the outside
world into Items. The clock is injected so tests and the demo are repeatable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor import figures, lang, stories, topics
from monitor.config import Config
from monitor.errors import MonitorError, ParseError
from monitor.feeds.parse import parse_feed, parse_text_file
from monitor.figures import divergence
from monitor.store import Store
from monitor.stories import RARITY_WINDOW, CandidateIndex
from monitor.text import counted
from monitor.types import (
    Analysis,
    Divergence,
    Figure,
    Item,
    StoryMatch,
    TopicMatch,
)

log = logging.getLogger(__name__)

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
TEXT_SUFFIXES = {".txt"}


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
        if self.already_seen:
            parts.append(f"{self.already_seen} already seen")
        if self.held_back:
            parts.append(f"{counted(self.held_back, 'feed')} held back (--force polls them)")
        if self.errors:
            parts.append(counted(len(self.errors), "error"))
        return ", ".join(parts)


@dataclass
class Pipeline:
    store: Store
    config: Config
    clock: Callable[[], datetime] = utcnow
    # Alert channels that get an outbox row per alert; None = those configured in alerts:.
    channels: Sequence[str] | None = None
    # Recent items' story keys, read from the store and kept in step with it (issue 4).
    _index: CandidateIndex | None = field(default=None, init=False, repr=False)

    def analyse(self, item: Item) -> Analysis:
        """Decide everything about one item; writes nothing."""
        topic = topics.classify(item, self._topic_rules())
        if topic.topic is None:
            return Analysis(item=item, topic=topic, match=None)
        if item.lang is None:
            item = replace(item, lang=lang.guess(f"{item.title}\n{item.text}"))

        match = self._story_match(item)

        found = tuple(figures.extract(article_text(item), item.lang, claims=self.config.claims))
        # A reprint repeats figures already judged with its original: never alert twice.
        divergences = () if match.duplicate_of is not None else self._divergences(item, found)
        return Analysis(item, topic, match, found, divergences)

    def _story_match(self, item: Item) -> StoryMatch:
        """Shortlist candidates from the index (never a scan of the store), then score them."""
        window = timedelta(hours=self.config.story_window_hours)
        since, until = item.published - window, item.published + window
        index = self._candidate_index(since)
        if not index.covers(since):
            # An item older than what the index holds (a late backfill): index its window
            # alone, once; the cost is that of one window, not of the store.
            index = CandidateIndex(retention=until - since + index.retention)
            index.add_rows(self.store.story_keys(since=since - RARITY_WINDOW, until=until))
        keys = stories.features(item.title, item.text).keys
        shortlist = index.shortlist(keys, since=since, until=until)
        candidates = self.store.candidates_by_id(shortlist)
        return stories.match(item, candidates, window=window, rarity=index.rarity)

    def _candidate_index(self, since: datetime) -> CandidateIndex:
        """The index, filled on first use and caught up with what was stored since."""
        window = timedelta(hours=self.config.story_window_hours)
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
        return self._index

    def _divergences(self, item: Item, found: Sequence[Figure]) -> tuple[Divergence, ...]:
        rules = self.config.divergence
        since = item.published - timedelta(days=rules.window_days)
        result: list[Divergence] = []
        alerted_keys: set[str] = set()
        for fig in found:
            key = fig.claim_key
            # One alert per claim per article, however often the article repeats it.
            if key is None or key in alerted_keys:
                continue
            found_divergence = divergence.check(fig, self.store.previous_figures(key, since), rules)
            if found_divergence is not None:
                result.append(found_divergence)
                alerted_keys.add(key)
        return tuple(result)

    def process(self, item: Item, totals: Totals) -> bool:
        """Analyse one item and store it with everything derived from it; False if seen before.

        An item seen before whose title, text or link changed (a corrected article) has its
        stored copy refreshed in place: no second item, no second alert.
        """
        if self._seen_before(item, totals):
            return False
        self._save(self.analyse(item), totals)
        return True

    def triage(self, items: Sequence[Item], totals: Totals) -> tuple[list[Item], list[Item]]:
        """Settle now the items whose order does not matter; return (stored, left over).

        Items seen before are counted (and refreshed if changed) and items outside every
        topic are stored as skipped, all in a few statements; what is left is on topic,
        for ``process`` in the order things happened. The poller settles each batch of
        feeds as it arrives, so that the bulk of a cycle's writes (most items of most
        feeds are off topic) is done while other feeds are still being fetched.
        """
        known = self.store.stored_contents([(item.source, item.guid) for item in items])
        skipped: dict[tuple[str, str], tuple[Item, TopicMatch]] = {}
        later: list[Item] = []
        for item in items:
            key = (item.source, item.guid)
            if key in skipped:  # twice in one batch: the later copy is the newer
                changed = _content(skipped[key][0]) != _content(item)
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

    def _topic_rules(self) -> Sequence[topics.TopicRule]:
        return self.config.topics if self.config.topics is not None else topics.DEFAULT_TOPICS

    def _seen_before(self, item: Item, totals: Totals) -> bool:
        stored = self.store.stored_content(item.source, item.guid)
        if stored is None:
            return False
        self._refresh(item, stored, totals)
        return True

    def _refresh(self, item: Item, stored: tuple[str, str, str | None], totals: Totals) -> None:
        """An item seen before: its stored copy refreshed if its content changed."""
        if stored != _content(item):
            self.store.update_item(item.source, item.guid, item.title, item.text, item.url)
            totals.updated += 1
        else:
            totals.already_seen += 1

    def _save(self, analysis: Analysis, totals: Totals) -> None:
        channels = self.config.alerts.channels() if self.channels is None else self.channels
        notices = {  # issue 6: channels that want a notice when a story reaches N sources
            name: count
            for name, count in self.config.alerts.story_notices().items()
            if name in channels
        }
        self.store.save(analysis, channels=channels, notices=notices)
        totals.items += 1
        if analysis.match is None:
            totals.skipped += 1
            return
        totals.kept += 1
        totals.duplicates += analysis.match.duplicate_of is not None
        totals.alerts += len(analysis.divergences)

    def process_all(self, items: Iterable[Item], totals: Totals) -> None:
        for item in items:
            self.process(item, totals)


def _content(item: Item) -> tuple[str, str, str | None]:
    """What a re-delivered entry may change: title, text and link."""
    return (item.title, item.text, item.url)


def article_text(item: Item) -> str:
    """The text figures are read from: the title, then the body."""
    return f"{item.title}\n\n{item.text}"


def read_path(path: Path, now: datetime) -> list[Item]:
    """Items from one local file: an RSS/Atom feed or a plain-text article."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return [parse_text_file(path, fetched_at=now)]
    if not path.is_file():
        raise ParseError(f"{path}: no such file")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: {exc.strerror}") from exc
    if suffix in FEED_SUFFIXES or body.lstrip()[:1] == b"<":
        return oldest_first(parse_feed(body, source=path.stem, feed_url=None, fetched_at=now))
    raise ParseError(f"{path}: not a feed (.xml/.rss/.atom) or a text article (.txt)")


def oldest_first(items: Iterable[Item]) -> list[Item]:
    """Feeds list newest first; stories read better when built in the order things happened."""
    return sorted(items, key=lambda item: item.published)


def ingest_paths(
    pipeline: Pipeline, paths: Sequence[Path], on_file: Callable[[str], None] = lambda _: None
) -> Totals:
    """Run local files through the pipeline in the order given; a bad file is reported.

    ``on_file(name)`` is called after each file (for a progress display)."""
    totals = Totals()
    for path in paths:
        try:
            items = read_path(path, pipeline.clock())
        except MonitorError as exc:
            totals.errors.append(str(exc))
            log.error("%s", exc)
        else:
            pipeline.process_all(items, totals)
        on_file(path.name)
    return totals
