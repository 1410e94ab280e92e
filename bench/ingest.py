"""CPU per item of ingesting on-topic items, against a floor measured in the same run.

    .venv/bin/python bench/ingest.py [--stored 1000,100000] [--kinds summaries,articles]
                                     [--embedding] [--repeat 3]

Two sizes of text, both on topic (one topic that keeps everything, ``match: all``):

- **summaries**: the opening of each ECB+ development article cut to ~500 characters at a
  word end, as a feed's description;
- **articles**: the ECB+ articles of at least 1,200 characters, cut at a sentence end
  before 2,400 (~2 KB).

ECB+ (CC BY 3.0) is read in place from ``../shared/testdata/ecbplus/`` and never copied;
when it is absent, articles are skipped and the summaries are synthetic on-topic texts.

Each size is measured in a store of 1,000 and of 100,000 items. A store is prefilled once
through the store's own write path (``Store.save``, in batches) with synthetic items at
``ITEMS_PER_DAY``, so that 100,000 items span years as a real store would, and the prefill
writes each item's story keys directly (its text holds them verbatim). Each measurement
runs in a fresh process on a copy of that store, so that no cache of an earlier one helps.

**monitor**: the items go through ``Pipeline.process_all`` in feeds of ``FEED_ITEMS`` —
the path ``monitor ingest`` takes: topic, candidate index, story match, figures,
divergence, SQLite — with ``multilingual=False`` (keys only). The first ``WARM_UP`` are not
timed. **floor**: the same items, the same bytes: read the JSON line, tokenise the text
(one regular expression for words), one number regex, and insert the row into an items
table of the same size (one transaction per feed). Both are CPU time
(``time.process_time``) per item; the floor is measured before and after monitor and the
lower of the two is kept (load on a shared machine only ever adds). Printed per size and
store: ms per item for both, the ratio, and items/s on one core (1,000 / monitor ms).

``--embedding`` adds a line for the multilingual embedding (with the extra installed):
CPU per item when embedding ``EMBED_BATCH`` (32) texts a call. It is not part of the
figures above: ``Pipeline.embed_ahead`` embeds a cycle's items before they are matched,
off the path that settles feeds, and each item once.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import Config
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.types import Analysis, Item, StoryMatch, TopicMatch, TopicRule

HERE = Path(__file__).resolve().parent
ECB = HERE.parent.parent / "shared" / "testdata" / "ecbplus" / "ecbplus_docs_dev.jsonl"
ITEMS_PER_DAY = 100  # on-topic items a day: a busy topic across a few hundred feeds
PREFILL_BATCH = 2_000  # prefill items per transaction
FEED_ITEMS = 50  # items per process_all call (a feed file) and per floor transaction
WARM_UP = 20  # items processed before timing starts
SOURCES = 20  # outlets the measured items are spread over
SUMMARY_CHARS = 500
ARTICLE_MIN_CHARS, ARTICLE_MAX_CHARS = 1_200, 2_400
START = datetime(2023, 1, 1, tzinfo=UTC)
# The floor's tokeniser and number pattern (the number pattern with the lookahead that
# PERF-NOTES.md measured 4x faster).
FLOOR_WORD = re.compile(r"\w+")
FLOOR_NUMBER = re.compile(r"(?=[$€£¥\d])[$€£¥]?\d{1,3}(?:[,.\u00a0 ]\d{3})*(?:[.,]\d+)?")
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


# --------------------------------------------------------------------------- the texts


def _cut(text: str, limit: int, at: str) -> str:
    """``text`` up to ``limit`` characters, ended at the last ``at`` before it."""
    if len(text) <= limit:
        return text
    end = text.rfind(at, 0, limit)
    return text[: end + len(at)].rstrip() if end > limit // 2 else text[:limit]


def texts(kind: str) -> list[tuple[str, str]]:
    """(title, text) of the items of ``kind``, in a fixed shuffled order."""
    if not ECB.exists():
        if kind == "articles":
            return []
        events = Events(random.Random(3))
        found = []
        for _ in range(500):
            title, text, _ = events.article(events.event())
            found.append((title, _cut(text, SUMMARY_CHARS, " ")))
        return found
    found = []
    with ECB.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            title, body = doc["title_guess"][:200], doc["text"]
            if kind == "summaries" and len(body) >= SUMMARY_CHARS // 2:
                found.append((title, _cut(body, SUMMARY_CHARS, " ")))
            elif kind == "articles" and len(body) >= ARTICLE_MIN_CHARS:
                found.append((title, _cut(body, ARTICLE_MAX_CHARS, ". ")))
    random.Random(5).shuffle(found)
    return found


def lines_of(kind: str, start: datetime) -> list[str]:
    """The items as JSON lines (what both monitor and the floor read), published
    ``ITEMS_PER_DAY`` apart from ``start`` on."""
    step = timedelta(days=1) / ITEMS_PER_DAY
    return [
        json.dumps(
            {
                "source": f"outlet{number % SOURCES}",
                "guid": f"n{number}",
                "title": title,
                "text": text,
                "published": (start + (number + 1) * step).isoformat(),
            }
        )
        for number, (title, text) in enumerate(texts(kind))
    ]


# ------------------------------------------------------------------------ the prefill


def word(rng: random.Random, syllables: int) -> str:
    # Ends in a vowel other than "e" and avoids j/w/y: stable under the story keys' stemming
    # and spelling folds, so the key is the word itself.
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
            sentences.append(
                f"The report says {name} met {rare[index % len(rare)]}{extra}; {filler}."
            )
        sentences.append("Analysts named " + ", ".join(rare) + " as the themes of the week.")
        title = f"Russia and North Korea: talks with {names[0]} on {rare[0]}"
        keys = [n.lower() for n in names] + figures + rare
        return title, " ".join(sentences), keys


def prefill(state: Path, count: int) -> datetime:
    """A store of ``count`` synthetic items in ``state``; returns the last one's time."""
    rng = random.Random(7)
    events = Events(rng)
    step = timedelta(days=1) / ITEMS_PER_DAY
    topic = TopicMatch("everything", "bench")
    current = events.event()
    moment = START
    with Store.open(state) as store:
        for start in range(0, count, PREFILL_BATCH):
            with store.batch():
                for number in range(start, min(count, start + PREFILL_BATCH)):
                    if number % 3 == 0:
                        current = events.event()
                    title, text, keys = events.article(current)
                    moment = START + number * step
                    item = Item("prefill", f"p{number}", title, text, None, moment, "en")
                    match = StoryMatch(None, None, 0.0, "prefill", keys=tuple(keys))
                    store.save(Analysis(item, topic, match))
    return moment


def floor_table(path: Path, count: int) -> None:
    """The floor's items table, with ``count`` rows and the unique key monitor's has."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, source TEXT, guid TEXT, title TEXT,"
            " text TEXT, published TEXT, words INTEGER, numbers INTEGER)"
        )
        db.execute("CREATE UNIQUE INDEX items_source_guid ON items(source, guid)")
        filler = " ".join(FILLER) * 8
        db.executemany(
            "INSERT INTO items (source, guid, title, text, published) VALUES (?, ?, ?, ?, ?)",
            (("prefill", f"p{n}", "title", filler, START.isoformat()) for n in range(count)),
        )
    db.close()


# --------------------------------------------------------------- one measurement (child)


def feeds(lines: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(lines), FEED_ITEMS):
        yield lines[start : start + FEED_ITEMS]


def item_of(line: str) -> Item:
    doc = json.loads(line)
    published = datetime.fromisoformat(doc["published"])
    return Item(doc["source"], doc["guid"], doc["title"], doc["text"], None, published)


def run_monitor(state: Path, lines: Sequence[str], end: datetime) -> tuple[float, str]:
    """CPU seconds for the lines after WARM_UP through the pipeline, and what it did."""
    config = Config(feeds=(), topics=(TopicRule(name="everything", match_all=True),))
    with Store.open(state) as store:
        pipeline = Pipeline(store, config, clock=lambda: end, multilingual=False)
        totals = Totals()
        for feed in feeds(lines[:WARM_UP]):
            pipeline.process_all([item_of(line) for line in feed], totals)
        began = time.process_time()
        for feed in feeds(lines[WARM_UP:]):
            pipeline.process_all([item_of(line) for line in feed], totals)
        return time.process_time() - began, totals.summary()


def run_floor(path: Path, lines: Sequence[str]) -> float:
    """CPU seconds for the floor over the lines after WARM_UP."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    began = time.process_time()
    for feed in feeds(lines[WARM_UP:]):
        rows = []
        for line in feed:
            doc = json.loads(line)
            text = f"{doc['title']}\n\n{doc['text']}"
            words = FLOOR_WORD.findall(text.casefold())
            numbers = FLOOR_NUMBER.findall(text)
            rows.append(
                (
                    doc["source"],
                    doc["guid"],
                    doc["title"],
                    doc["text"],
                    doc["published"],
                    len(words),
                    len(numbers),
                )
            )
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO items (source, guid, title, text, published, words, numbers)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute("COMMIT")
    spent = time.process_time() - began
    db.execute("DELETE FROM items WHERE source != 'prefill'")
    db.close()
    return spent


def child(kind: str, template: Path, end: datetime, work: Path) -> dict[str, object]:
    """One measurement, in its own process: floor, monitor, floor again."""
    lines = lines_of(kind, end)
    shutil.copytree(template, work / "state")
    floor_db = template / "floor.db"
    before = run_floor(floor_db, lines)
    spent, summary = run_monitor(work / "state", lines, end)
    after = run_floor(floor_db, lines)
    timed = len(lines) - WARM_UP
    chars = statistics.fmean(len(item_of(line).text) + len(item_of(line).title) for line in lines)
    return {
        "monitor_ms": 1000 * spent / timed,
        "floor_ms": 1000 * min(before, after) / timed,
        "items": timed,
        "chars": chars,
        "summary": summary,
    }


def embedding_cost(kind: str) -> float | None:
    """CPU ms per item embedding the texts of ``kind`` in batches; None without the extra."""
    from monitor.stories.embedding import EMBED_BATCH, embed_text, load_encoder

    encoder = load_encoder()
    if encoder is None:
        return None
    found = [embed_text(title, text) for title, text in texts(kind)][:256]
    encoder.encode(found[:EMBED_BATCH])  # loads the model
    began = time.process_time()
    for start in range(0, len(found), EMBED_BATCH):
        encoder.encode(found[start : start + EMBED_BATCH])
    return 1000 * (time.process_time() - began) / len(found)


# ----------------------------------------------------------------------------- parent


def measure(kind: str, template: Path, end: datetime) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as work:
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(template), end.isoformat(), work],
            check=True,
            capture_output=True,
            text=True,
        )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", default="1000,100000", help="store sizes (items)")
    parser.add_argument("--kinds", default="summaries,articles")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; medians kept")
    parser.add_argument("--embedding", action="store_true", help="also the embedding's cost")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, template, end, work = args.child
        found = child(kind, Path(template), datetime.fromisoformat(end), Path(work))
        print(json.dumps(found))
        return 0
    kinds = args.kinds.split(",")
    if not ECB.exists():
        print(f"ECB+ not found ({ECB.name}): articles skipped, summaries synthetic")
        kinds = [kind for kind in kinds if kind != "articles"]
    print(
        f"{'items':<10} {'stored':>8} {'chars':>6} {'monitor ms':>11} {'floor ms':>9}"
        f" {'ratio':>6} {'items/s':>8}   (CPU per item, one core; what the pipeline did)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(size) for size in args.stored.split(",")]:
            template = Path(tmp) / f"store{size}"
            end = prefill(template, size)
            floor_table(template / "floor.db", size)
            for kind in kinds:
                runs = [measure(kind, template, end) for _ in range(args.repeat)]
                monitor_ms = statistics.median(float(str(r["monitor_ms"])) for r in runs)
                floor_ms = statistics.median(float(str(r["floor_ms"])) for r in runs)
                first = runs[0]
                print(
                    f"{kind:<10} {size:>8,} {float(str(first['chars'])):>6.0f}"
                    f" {monitor_ms:>11.2f} {floor_ms:>9.3f} {monitor_ms / floor_ms:>5.1f}x"
                    f" {1000 / monitor_ms:>8.0f}   ({first['items']} timed: {first['summary']})"
                )
                sys.stdout.flush()
            shutil.rmtree(template)
    if args.embedding:
        from monitor.stories.embedding import EMBED_BATCH

        for kind in kinds:
            cost = embedding_cost(kind)
            if cost is None:
                print("embedding: the multilingual extra is not installed")
                break
            print(
                f"embedding {kind}: {cost:.1f} ms CPU an item, {EMBED_BATCH} a call (embed_ahead:"
                " before matching, off the settle path, once per item; not in the rows above)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
