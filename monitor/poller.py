"""Polling feeds: fetch politely, parse, process the new items, reschedule each feed.

``Poller`` owns what a run shares between feeds: where fetches run (HTTP pools in this
process, and worker processes for large cycles: ``monitor.feeds.fetcher``), a global and a
per-host limit on fetches in flight, and the set of feeds being fetched right now.
``poll_once`` (the ``monitor poll --once`` command) runs one cycle over every enabled
feed; the daemon calls ``Poller.dispatch`` every few seconds to start the feeds that
are due.

A cycle fetches and parses each feed as soon as a slot is free, settles the items whose
order does not matter as they arrive (every quarter second, in transactions at most that
long: a crash loses at most the open one, whose feeds are fetched again), then processes
the items on topic oldest first across the feeds of the cycle (so which server answered
first does not change stories or alerts), then records each feed's outcome and next poll
time (``monitor.feeds.schedule``).
A feed that has answered 304 for a day since its last 200 is fetched once without
validators (``schedule.recheck_due``), so a server whose 304s never end cannot hide new
items for good; what the fetch and the parser had to say is kept as the feed's warning.
One feed's failure is recorded against that feed and nothing else: every exception of
a feed's task is caught and reported per feed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import zlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from monitor.errors import FetchError, MonitorError, ParseError
from monitor.feeds import schedule
from monitor.feeds.fetch import Expect, Gone, HTTPStatusError, RetryLater
from monitor.feeds.fetcher import (
    Fetched,
    Fetcher,
    FetchRequest,
    FetchSettings,
    FetchWorker,
    PollLimits,
    ReadAs,
    read_feed,
)
from monitor.feeds.parse import ParsedFeed, article_text
from monitor.feeds.policy import origin
from monitor.pipeline import Pipeline, Totals
from monitor.sorting import FeedOutcome, Sorting, reading_ahead, settle_every, wind_down
from monitor.store import FeedState
from monitor.store.save import BATCH_SECONDS
from monitor.text import counted, strip_controls
from monitor.types import FeedSpec, Item

log = logging.getLogger(__name__)

# A full-text fetch should never replace a body with a shorter one (a cookie wall, a stub).
MIN_ARTICLE_GAIN = 1.0
# Fetch workers (monitor.feeds.fetcher) run the HTTP work on another core while this
# process parses and stores. Each costs ~0.3 s of CPU to start and ~45 MB, and a fetch
# through it a little more CPU than one here; they pay for that only in a cycle with
# hundreds of bodies still to read. A cycle starts them once its first WORKER_SAMPLE
# replies show that at least half carry a body and WORKER_MIN_FEEDS feeds are still to
# fetch: in a cycle of 304s this process has nothing to do beside the HTTP, and workers
# only added CPU (bench/poll.py, issue 16).
WORKER_MIN_FEEDS = 300
WORKER_SAMPLE = 20
# With one worker, this process reads one of every READ_HERE feeds the worker fetches
# and the worker the others, so that each core has about as much to do: the worker
# httpx and most of the parsing, this process the storing and the rest. bench/poll.py,
# 1,000 feeds, two quiet cores, full cycle over the lxml floor: the worker reading none
# 2.01-2.38x, all 1.94-2.08x, one in two 2.02-2.25x, one in three read here 1.74-2.12x.
# With more workers, they read all: this process stores what all of them fetch.
READ_HERE = 3
# How long a closing poller lets a worker finish fetches it still holds.
WORKER_STOP_SECONDS = 1.0
# One worker per core beyond the one this process parses on, up to this many: none on
# one core, one on two (a second one added CPU and memory, not speed: bench/poll.py).
MAX_FETCH_WORKERS = 4


def fetch_workers() -> int:
    """How many fetch workers a poller may start on this machine."""
    counted_cores = getattr(os, "process_cpu_count", None)  # Python 3.13: the usable ones
    if counted_cores is not None:
        cores = counted_cores()
    elif hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count()
    return max(0, min(MAX_FETCH_WORKERS, (cores or 1) - 1))


class _WorkerTrigger:
    """Whether a cycle should start the fetch workers now (see WORKER_MIN_FEEDS)."""

    def __init__(self, feeds: int) -> None:
        self.left = feeds  # feeds not yet answered
        self.replies = 0
        self.bodies = 0  # replies with a body to read (not a 304, not an error)
        self.decided = False

    def reply(self, body: bool) -> bool:
        """Count a reply; True (once per cycle at most) when the workers should start."""
        self.left -= 1
        if self.decided:
            return False
        self.replies += 1
        self.bodies += body
        if self.replies < WORKER_SAMPLE:
            return False
        self.decided = True
        return 2 * self.bodies >= self.replies and self.left >= WORKER_MIN_FEEDS


class Poller:
    """Polls feeds with shared pools and limits; see the module docstring."""

    def __init__(
        self,
        pipeline: Pipeline,
        rng: random.Random | None = None,
        on_feed: Callable[[str], None] = lambda name: None,
    ) -> None:
        self.pipeline = pipeline
        self.on_feed = on_feed  # called with each feed's name once its fetch is done
        self.poll = pipeline.config.poll
        self.rng = rng or random.Random()
        self.in_flight: set[str] = set()
        self._tasks: set[asyncio.Task[Totals]] = set()
        settings = FetchSettings(
            concurrency=self.poll.concurrency,
            per_host=self.poll.per_host,
            timeout=self.poll.timeout,
            max_bytes=self.poll.max_bytes,
            allow_private=self.poll.allow_private,
        )
        # HTTP here, and in worker processes once a large cycle has started them and they
        # are up (WORKER_MIN_FEEDS says when); they then serve every later cycle too.
        self._local = Fetcher(settings)
        self.workers = [FetchWorker(settings) for _ in range(fetch_workers())]
        self._limits: PollLimits | None = None
        self._bodies = 0  # feeds handed to the workers

    # ------------------------------------------------------------------ entry points

    async def dispatch(self) -> None:
        """Start a cycle over the feeds that are due and not already being fetched."""
        due = [
            (spec, state)
            for spec, state in self.pipeline.store.due_feeds(
                self.pipeline.clock(), self.poll.failing_after
            )
            if spec.url not in self.in_flight
        ]
        if not due:
            return
        task = asyncio.create_task(self._logged_cycle(due))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged_cycle(self, plan: Sequence[tuple[FeedSpec, FeedState]]) -> Totals:
        totals = await self.cycle(plan)
        # One line per cycle: the daemon's heartbeat in the log (trouble is logged apart).
        log.info("polled %s: %s", counted(len(plan), "feed"), totals.summary())
        return totals

    async def cycle(self, plan: Sequence[tuple[FeedSpec, FeedState]]) -> Totals:
        """Poll these feeds once, process their new items, reschedule them."""
        sorting = Sorting(self.pipeline, self._record)
        trigger = _WorkerTrigger(len(plan))
        urls = [spec.url for spec, _ in plan]
        self.in_flight.update(urls)
        this = asyncio.current_task()
        assert this is not None
        settling = asyncio.create_task(settle_every(sorting, BATCH_SECONDS, this))
        reading = asyncio.create_task(reading_ahead(sorting))
        try:
            try:
                await asyncio.gather(
                    *(self._tracked(spec, state, sorting, trigger) for spec, state in plan)
                )
            except asyncio.CancelledError:
                await wind_down(sorting, reading, settling)  # stopped: keep what arrived
                raise
            await wind_down(sorting, reading, settling)
        finally:
            reading.cancel()
            settling.cancel()
            self.in_flight.difference_update(urls)
        return sorting.totals

    async def close(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for cycles under way, then cancel what is left
        and close the pools and the workers (a worker still fetching gets a second to
        finish, then is killed).

        A cancelled cycle stores what has arrived; its unfinished feeds are not recorded
        at all (not as failures: nothing failed), so they are simply due again.
        """
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)
        unfinished = list(self._tasks)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        await self._local.aclose()
        for worker in self.workers:
            await worker.aclose(timeout=WORKER_STOP_SECONDS)

    # ------------------------------------------------------------------ one feed

    async def _get(
        self,
        url: str,
        state: FeedState | None,
        expect: Expect,
        read_as: ReadAs | None = None,
        operator: bool = False,
    ) -> Fetched:
        """Fetch ``url``, conditionally when ``state`` has validators; with ``read_as``,
        read the body as a feed where it was fetched; ``operator``: the operator wrote it
        (monitor.feeds.policy: anything else must be public http)."""
        if self._limits is None:  # made on first use, inside the loop that uses it
            self._limits = PollLimits(self.poll.concurrency, self.poll.per_host)
        request = FetchRequest(
            url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
            expect=expect,
            operator=operator,
            read_as=read_as,
        )
        host = urlsplit(url).netloc.lower()
        async with self._limits.slot(host):
            if self.workers:  # one host, one worker: its keep-alive connections live there
                worker = self.workers[zlib.crc32(host.encode()) % len(self.workers)]
                if worker.ready:
                    if read_as is None or not self._read_here():
                        return await worker.get(request)
                    fetched = await worker.get(replace(request, read_as=None))
                    if fetched.result.status == 304:
                        return fetched
                    return read_feed(fetched.result, read_as)
            return await self._local.get(request)

    def _read_here(self) -> bool:
        """Whether this process reads the next body a worker fetches (see READ_HERE)."""
        self._bodies += 1
        return len(self.workers) == 1 and self._bodies % READ_HERE == 0

    async def _tracked(
        self, spec: FeedSpec, state: FeedState, sorting: Sorting, trigger: _WorkerTrigger
    ) -> None:
        outcome = await self._poll_feed(spec, state)
        if trigger.reply(outcome.result is not None and outcome.result.status != 304):
            for worker in self.workers:  # they fetch once up; this process until then
                await worker.start()
        sorting.add(outcome)
        self.on_feed(spec.name)

    async def _poll_feed(self, spec: FeedSpec, state: FeedState) -> FeedOutcome:
        outcome = FeedOutcome(spec, state)
        outcome.unconditional = schedule.recheck_due(
            state.not_modified_run,
            state.last_full_fetch,
            state.last_unconditional,
            self.pipeline.clock(),
        )
        try:
            validators = None if outcome.unconditional else state
            read_as = ReadAs(spec.name, spec.url, self.pipeline.clock(), spec.lang)
            url = state.fetch_url or spec.url  # a 301 on the feed's origin stays the operator's
            theirs = origin(url) == origin(spec.url)
            fetched = await self._get(url, validators, "feed", read_as, operator=theirs)
            outcome.result = fetched.result
            if isinstance(fetched.feed, ParseError):
                raise fetched.feed
            outcome.parsed = fetched.feed  # None for a 304
            if outcome.parsed is not None and spec.fulltext:
                outcome.parsed = await self._with_full_text(outcome.parsed)
        except MonitorError as exc:
            outcome.error = exc
        except Exception as exc:  # a bug on one hostile feed must not stop the others
            log.exception("%s: unexpected error", spec.name)
            outcome.error = MonitorError(f"{spec.url}: internal error: {type(exc).__name__}")
        return outcome

    async def _with_full_text(self, parsed: ParsedFeed) -> ParsedFeed:
        """Replace the teaser of each new (or retitled) entry by its article's main text."""
        store = self.pipeline.store

        async def enrich(item: Item) -> Item:
            stored = store.stored_content(item.source, item.guid)
            if item.url is None or (stored is not None and stored[0] == item.title):
                return item if stored is None else replace(item, text=stored[1])
            try:
                page = (await self._get(item.url, None, "page")).result
            except FetchError as exc:
                log.warning("%s: full text not fetched: %s", item.source, exc)
                return item
            text = await asyncio.to_thread(article_text, page.body, url=page.url)
            if text is None or len(text) < len(item.text) * MIN_ARTICLE_GAIN:
                return item
            return replace(item, text=text)

        items = await asyncio.gather(*(enrich(item) for item in parsed.items))
        return replace(parsed, items=list(items))

    # ------------------------------------------------------------------ after fetching

    def _record(self, outcome: FeedOutcome, new_items: int, totals: Totals) -> None:
        now = self.pipeline.clock()
        totals.feeds_polled += 1
        if outcome.error is not None:
            totals.feeds_failed += 1
            self._record_failure(outcome, outcome.error, now, totals)
        else:
            self._record_success(outcome, new_items, now)

    def _base_interval(self, spec: FeedSpec) -> int:
        return schedule.effective_interval(
            spec.interval, (), self.poll.min_interval, self.poll.max_interval
        )

    def _record_success(self, outcome: FeedOutcome, new_items: int, now: datetime) -> None:
        spec, state, result = outcome.spec, outcome.state, outcome.result
        assert result is not None
        parsed = outcome.parsed
        # A 304 carries no body to read <ttl> from: the interval found last time stands.
        feed_hint = (
            schedule.feed_hint(parsed.ttl, parsed.update_period, parsed.update_frequency)
            if parsed is not None
            else state.interval
        )
        interval = schedule.effective_interval(
            spec.interval,
            (schedule.header_hint(result.headers, now), feed_hint),
            self.poll.min_interval,
            self.poll.max_interval,
        )
        if result.moved_to is not None:
            log.warning(
                "%s: moved permanently to %s; polled there from now on", spec.name, result.moved_to
            )
        warnings = list(parsed.warnings) if parsed is not None else []
        if result.dropped_last_modified is not None:
            warnings.append(f"Last-Modified {result.dropped_last_modified} not sent back")
        if outcome.unconditional and new_items:
            warnings.append(
                f"a GET without validators after {_not_modified_run(state, now)}"
                f" found {counted(new_items, 'new item')}"
            )
        for warning in warnings:
            log.warning("%s: %s", spec.name, warning)
        self.pipeline.store.record_fetch(
            spec.url,
            at=now,
            ok=True,
            etag=result.etag,
            last_modified=result.last_modified,
            new_items=new_items,
            next_poll=schedule.with_jitter(now, interval, self.poll.jitter, self.rng),
            status=result.status,
            moved_to=result.moved_to,
            interval=interval,
            warning="; ".join(warnings) or None,
            dropped_last_modified=result.dropped_last_modified,
            unconditional=outcome.unconditional,
        )
        log.debug(  # every fetch, with -v
            "%s: HTTP %s%s, %s",
            spec.name,
            result.status,
            " (without validators)" if outcome.unconditional else "",
            counted(new_items, "new item"),
        )

    def _record_failure(
        self, outcome: FeedOutcome, error: MonitorError, now: datetime, totals: Totals
    ) -> None:
        spec, state = outcome.spec, outcome.state
        failures = state.failures + 1
        wait = schedule.backoff(
            state.interval or self._base_interval(spec), failures, self.poll.max_interval
        )
        next_poll: datetime | None = schedule.with_jitter(now, wait, self.poll.jitter, self.rng)
        retry_until = None
        message = " ".join(strip_controls(str(error)).split())  # one line, safe to print
        if isinstance(error, RetryLater):
            retry_until = schedule.retry_after(error.retry_after, now, self.poll.max_interval)
            if retry_until is not None and next_poll is not None:
                next_poll = max(next_poll, retry_until)
        gone = isinstance(error, Gone)
        if gone:
            next_poll = None
            message += "; feed disabled (`monitor poll --once --force` tries it again)"
        elif failures == self.poll.failing_after:
            message += f" ({failures} failures in a row: feed marked failing)"
        totals.errors.append(f"{spec.name}: {message}")
        log.error("%s: %s", spec.name, message)
        status = error.status if isinstance(error, HTTPStatusError) else None
        self.pipeline.store.record_fetch(
            spec.url,
            at=now,
            ok=False,
            error=message,
            next_poll=next_poll,
            status=status,
            retry_until=retry_until,
            gone=gone,
        )


def _not_modified_run(state: FeedState, now: datetime) -> str:
    """'26 h of 304s (12 in a row)': the run since the last 200, when that is known."""
    count = f"({state.not_modified_run} in a row)"
    if state.last_full_fetch is None:
        return f"304s {count}"
    hours = (now - state.last_full_fetch).total_seconds() / 3600
    return f"{hours:.0f} h of 304s {count}"


def held_back(state: FeedState, now: datetime) -> str | None:
    """Why a manual poll leaves this feed alone unless forced; None when it does not."""
    if state.gone:
        return "gone (HTTP 410)"
    if state.retry_until is not None and state.retry_until > now:
        return f"asked to wait until {state.retry_until:%Y-%m-%d %H:%M} UTC (Retry-After)"
    return None


def poll_once(
    pipeline: Pipeline,
    *,
    force: bool = False,
    track: Callable[[int], AbstractContextManager[Callable[[str], None]]] | None = None,
) -> Totals:
    """Poll every enabled feed now, whatever its schedule, and process what is new.

    Feeds a server asked to wait (Retry-After) and feeds that are gone (410) are left
    alone unless ``force``. Every fetch is bounded by ``poll.timeout``, so this ends
    even when a server hangs. ``track(total)``, when given, is entered around the
    fetches and yields a callback called with each feed's name (a progress display).
    """
    store = pipeline.store
    if pipeline.config.feeds:  # without a feeds.yaml, keep the configured set as it was
        store.sync_feeds(pipeline.config.feeds)
    now = pipeline.clock()
    plan: list[tuple[FeedSpec, FeedState]] = []
    held = 0
    for spec, state in store.poll_plan(pipeline.config.poll.failing_after):
        reason = None if force else held_back(state, now)
        if reason is None:
            plan.append((spec, state))
        else:
            held += 1
            log.warning("%s: not polled: %s; --force polls it", spec.name, reason)

    async def run(on_feed: Callable[[str], None]) -> Totals:
        poller = Poller(pipeline, on_feed=on_feed)
        try:
            return await poller.cycle(plan)
        finally:
            await poller.close(timeout=0)

    if track is None:
        totals = asyncio.run(run(lambda name: None))
    else:
        with track(len(plan)) as advance:
            totals = asyncio.run(run(advance))
    totals.held_back = held
    return totals
