"""Per-item cost of ingesting a new item into a store of 1,000, 10,000 and 100,000 items.

    .venv/bin/python bench/ingest.py [--sizes 1000,10000,100000] [--new 300]

For each size, a fresh SQLite store is prefilled with synthetic on-topic items through
the store's normal write path (``Store.save``, in batches of one transaction), spread
over time at ``ITEMS_PER_DAY``: a store of 100,000 items holds years, as a real one
would. Only then is the cost measured: ``--new`` new items (rewrites of recent events,
reprints, and new events, mixed) go one by one through ``Pipeline.process`` — topic,
candidate index, story match, figures, divergence, one commit each — exactly as the
daemon runs them. The first few warm the caches and the index and are not timed.

The prefill writes the keys each item would have (``StoryMatch.keys``) directly instead
of running the pipeline on 100,000 texts; the texts contain those keys verbatim, so
what the index shortlists and what the matcher reads agree.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import from_feeds
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.types import Analysis, Item, StoryMatch, TopicMatch

ITEMS_PER_DAY = 100  # on-topic items a day: a busy topic across a few hundred feeds
BATCH = 2_000  # prefill items per transaction
WARM_UP = 20  # new items processed before timing starts
START = datetime(2023, 1, 1, tzinfo=UTC)
SYLLABLES = [
    "ba",
    "ko",
    "ri",
    "ma",
    "tu",
    "le",
    "no",
    "sa",
    "vi",
    "da",
    "ga",
    "lo",
    "mi",
    "ra",
    "to",
    "ku",
    "na",
    "pe",
    "si",
    "zo",
]
FILLER = [
    "officials",
    "said",
    "the",
    "talks",
    "covered",
    "cooperation",
    "between",
    "Russia",
    "and",
    "North",
    "Korea",
    "and",
    "that",
    "further",
    "meetings",
    "would",
    "follow",
    "in",
    "the",
    "coming",
    "weeks",
    "while",
    "observers",
    "urged",
    "caution",
]


def word(rng: random.Random, syllables: int) -> str:
    # Ends in a vowel other than "e" and avoids j/w/y: stable under the story keys' stemming and
    # spelling folds, so the key is the word itself.
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


class Events:
    """Synthetic events: each has names, a place, figures and rare words of its own."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = [word(rng, 3).capitalize() for _ in range(20_000)]
        self.rare = [word(rng, 5) for _ in range(20_000)]

    def event(self) -> dict[str, list[str]]:
        rng = self.rng
        return {
            "names": rng.sample(self.names, 5),
            "figures": [str(rng.randrange(100, 99_999)) for _ in range(3)],
            "rare": rng.sample(self.rare, 6),
        }

    def article(self, event: dict[str, list[str]]) -> tuple[str, str, list[str]]:
        """(title, text, keys): a write-up naming most of the event and some background."""
        rng = self.rng
        names = rng.sample(event["names"], 4) + rng.sample(self.names, 3)
        figures = rng.sample(event["figures"], 2)
        rare = rng.sample(event["rare"], 4) + rng.sample(self.rare, 3)
        sentences = []
        for index, name in enumerate(names):
            filler = " ".join(rng.sample(FILLER, 12))
            extra = f" about {figures[index % 2]} people" if index < 2 else ""
            met = rare[index % len(rare)]
            sentences.append(f"The report says {name} met {met}{extra}; {filler}.")
        sentences.append("Analysts named " + ", ".join(rare) + " as the themes of the week.")
        title = f"Russia and North Korea: talks with {names[0]} on {rare[0]}"
        keys = [n.lower() for n in names] + figures + rare
        return title, " ".join(sentences), keys


def prefill(store: Store, events: Events, count: int) -> datetime:
    """``count`` stored items up to the returned moment, written in batches."""
    step = timedelta(days=1) / ITEMS_PER_DAY
    topic = TopicMatch("bench", "bench")
    current = events.event()
    moment = START
    for start in range(0, count, BATCH):
        with store.batch():
            for number in range(start, min(count, start + BATCH)):
                if number % 3 == 0:
                    current = events.event()
                title, text, keys = events.article(current)
                moment = START + number * step
                item = Item("prefill", f"p{number}", title, text, None, moment, "en")
                match = StoryMatch(None, None, 0.0, "prefill", keys=tuple(keys))
                store.save(Analysis(item, topic, match))
    return moment


def measure(size: int, new: int, rng_seed: int = 7) -> tuple[float, float, float, str]:
    """(prefill seconds, median ms per new item, mean ms per new item, what was done)."""
    rng = random.Random(rng_seed)
    events = Events(rng)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp))
        began = time.perf_counter()
        end = prefill(store, events, size)
        prefill_seconds = time.perf_counter() - began
        pipeline = Pipeline(store=store, config=from_feeds([]), clock=lambda: end)
        totals = Totals()
        timings: list[float] = []
        step = timedelta(days=1) / ITEMS_PER_DAY
        recent = [events.event() for _ in range(20)]
        previous_text = ""
        for number in range(WARM_UP + new):
            kind = number % 3
            if kind == 0:
                event = events.event()
                recent.append(event)
            else:
                event = rng.choice(recent[-20:])
            title, text, _ = events.article(event)
            if kind == 2 and number:  # a reprint of the previous item, with a footer
                text = previous_text + " Subscribe to our newsletter for more."
            previous_text = text
            item = Item("new", f"n{number}", title, text, None, end + (number + 1) * step, "en")
            began = time.perf_counter()
            pipeline.process(item, totals)
            if number >= WARM_UP:
                timings.append(time.perf_counter() - began)
        store.close()
    ms = [t * 1000 for t in timings]
    return prefill_seconds, statistics.median(ms), statistics.fmean(ms), totals.summary()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--new", type=int, default=300, help="new items timed per size")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(
        f"{'stored':>8} {'prefill s':>10} {'median ms/item':>15} {'mean ms/item':>13}"
        f" {'vs first':>9}"
    )
    first: float | None = None
    for size in sizes:
        prefill_seconds, median, mean, summary = measure(size, args.new)
        first = first or median
        print(
            f"{size:>8,} {prefill_seconds:>10.1f} {median:>15.2f} {mean:>13.2f}"
            f" {median / first:>8.2f}x   ({summary})"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
