"""One pass of the pipeline: item -> topic -> story -> figures -> divergence -> store.

`analyse` makes every decision about one item from the item and what the store
already holds; `Pipeline.process` writes the result in one transaction. Fetching
and parsing live in `poll_once` and `ingest_paths`, which only turn the outside
world into Items. The clock is injected so tests and the demo are repeatable.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from monitor import dedup, divergence, figures, lang, topics
from monitor.config import Config
from monitor.errors import FetchError, MonitorError, ParseError
from monitor.fetch import fetch, make_client
from monitor.parse import parse_feed, parse_text_file
from monitor.store import Store
from monitor.types import Analysis, Divergence, FeedSpec, FetchResult, Figure, Item

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

    def summary(self) -> str:
        parts = [
            counted(self.items, "new item"),
            f"{self.kept} on topic",
            f"{self.skipped} skipped",
            counted(self.duplicates, "reprint"),
            counted(self.alerts, "alert"),
        ]
        if self.already_seen:
            parts.append(f"{self.already_seen} already seen")
        if self.errors:
            parts.append(counted(len(self.errors), "error"))
        return ", ".join(parts)


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass
class Pipeline:
    store: Store
    config: Config
    clock: Callable[[], datetime] = utcnow
    channels: Sequence[str] = ()

    def analyse(self, item: Item) -> Analysis:
        """Decide everything about one item; writes nothing."""
        rules = self.config.topics if self.config.topics is not None else topics.DEFAULT_TOPICS
        topic = topics.classify(item, rules)
        if topic.topic is None:
            return Analysis(item=item, topic=topic, match=None)
        if item.lang is None:
            item = replace(item, lang=lang.guess(f"{item.title}\n{item.text}"))

        story_window = timedelta(hours=self.config.story_window_hours)
        candidates = self.store.candidates(since=item.published - story_window)
        match = dedup.match(item, candidates, window=story_window)

        found = tuple(figures.extract(article_text(item), item.lang))
        # A reprint repeats figures already judged with its original: never alert twice.
        divergences = () if match.duplicate_of is not None else self._divergences(item, found)
        return Analysis(item, topic, match, found, divergences)

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
        """Analyse one item and store it with everything derived from it; False if seen before."""
        if self.store.seen(item.source, item.guid):
            totals.already_seen += 1
            return False
        analysis = self.analyse(item)
        self.store.save(analysis, channels=self.channels)
        totals.items += 1
        if analysis.match is None:
            totals.skipped += 1
            return True
        totals.kept += 1
        totals.duplicates += analysis.match.duplicate_of is not None
        totals.alerts += len(analysis.divergences)
        return True

    def process_all(self, items: Iterable[Item], totals: Totals) -> None:
        for item in items:
            self.process(item, totals)


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


def ingest_paths(pipeline: Pipeline, paths: Sequence[Path]) -> Totals:
    """Run local files through the pipeline in the order given; a bad file is reported."""
    totals = Totals()
    for path in paths:
        try:
            items = read_path(path, pipeline.clock())
        except MonitorError as exc:
            totals.errors.append(str(exc))
            log.error("%s", exc)
            continue
        pipeline.process_all(items, totals)
    return totals


Outcome = FetchResult | MonitorError


async def _fetch_feed(
    client: httpx.AsyncClient, spec: FeedSpec, pipeline: Pipeline
) -> tuple[FeedSpec, Outcome]:
    state = pipeline.store.feed_state(spec.url)
    poll = pipeline.config.poll
    try:
        result = await fetch(
            client,
            spec.url,
            etag=state.etag,
            last_modified=state.last_modified,
            max_bytes=poll.max_bytes,
            timeout=poll.timeout,
        )
    except FetchError as exc:
        return spec, exc
    return spec, result


def parse_outcome(spec: FeedSpec, outcome: Outcome, now: datetime) -> list[Item] | MonitorError:
    """The items of one fetched feed, or the error that stopped us reading it."""
    if isinstance(outcome, MonitorError):
        return outcome
    if outcome.status == 304:
        return []
    try:
        return parse_feed(
            outcome.body,
            source=spec.name,
            feed_url=spec.url,
            fetched_at=now,
            headers=outcome.headers,
            lang=spec.lang,
        )
    except ParseError as exc:
        return exc


async def poll_feeds(pipeline: Pipeline, specs: Sequence[FeedSpec]) -> Totals:
    """Fetch the given feeds concurrently, then process their new items.

    The items of one cycle are processed oldest first across all feeds, so a
    story and its alerts come out the same whichever server answered first.
    """
    totals = Totals()
    limit = asyncio.Semaphore(pipeline.config.poll.concurrency)

    async def bounded(client: httpx.AsyncClient, spec: FeedSpec) -> tuple[FeedSpec, Outcome]:
        async with limit:
            return await _fetch_feed(client, spec, pipeline)

    async with make_client(timeout=pipeline.config.poll.timeout) as client:
        outcomes = await asyncio.gather(*(bounded(client, spec) for spec in specs))

    now = pipeline.clock()
    parsed = [(spec, outcome, parse_outcome(spec, outcome, now)) for spec, outcome in outcomes]
    items = [
        item for _, _, found in parsed if not isinstance(found, MonitorError) for item in found
    ]
    new_per_feed: dict[str | None, int] = {}
    for item in oldest_first(items):
        if pipeline.process(item, totals):
            new_per_feed[item.feed_url] = new_per_feed.get(item.feed_url, 0) + 1

    for spec, outcome, found in parsed:
        next_poll = now + timedelta(seconds=spec.interval)
        if isinstance(found, MonitorError):
            message = f"{spec.name}: {found}"
            totals.errors.append(message)
            log.error("%s", message)
            pipeline.store.record_fetch(
                spec.url, at=now, ok=False, error=str(found), next_poll=next_poll
            )
            continue
        assert isinstance(outcome, FetchResult)
        new_items = new_per_feed.get(spec.url, 0)
        pipeline.store.record_fetch(
            spec.url,
            at=now,
            ok=True,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            new_items=new_items,
            next_poll=next_poll,
        )
        log.info("%s: HTTP %s, %d new items", spec.name, outcome.status, new_items)
    return totals


def poll_once(pipeline: Pipeline) -> Totals:
    """Fetch every enabled feed once, whatever its schedule, and process what is new."""
    pipeline.store.sync_feeds(pipeline.config.feeds)
    specs = [spec for spec in pipeline.config.feeds if spec.enabled]
    return asyncio.run(poll_feeds(pipeline, specs))
