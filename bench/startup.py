"""Start-up time of a few commands against the interpreter's floor, and the listings'
time on a store of 100,000 items.

    .venv/bin/python bench/startup.py [--runs 7] [--items 100000] [--keep DIR] [--skip-large]

Every time is the wall time of a whole command in a fresh process (``python -m monitor
...``, output to a pipe that is read and counted), the minimum of ``--runs`` runs: on a
shared machine the minimum is the run nothing else got in the way of. The floor takes
turns with the commands: ``python -c pass`` (the interpreter) and ``python -c "import
click"`` (the interpreter and the command-line library every command needs), which the
ratios are against. The listings on the large store get half the runs (at least 3).

Start-up is measured on a small state (the bundled demo, 13 items): what a command costs
before it has anything to do. The listings are then timed on a synthetic store of
``--items`` items written through ``Store.save`` in batches, shaped like a busy topic
followed for years: stories of 1 to 8 items from 300 outlets in four languages, a reprint
now and then, a claim figure in about half of the items, an alert in one story in twenty.
``--keep DIR`` keeps that store in DIR and reuses it on the next run (writing 100,000
items takes a minute or two).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.store import DB_FILENAME, Store
from monitor.types import (
    Analysis,
    Divergence,
    Figure,
    Item,
    Reported,
    StoryMatch,
    TopicMatch,
)

START = datetime(2022, 1, 1, tzinfo=UTC)
ITEMS_PER_DAY = 100
BATCH = 2_000
LANGS = ("en", "en", "en", "de", "ru", "ko")
SYLLABLES = ("ba", "ko", "ri", "ma", "tu", "le", "no", "sa", "vi", "da")

# (label, arguments after `monitor --state STATE`); the floor's are whole command lines.
FLOOR = [
    ("python -c pass", ["-c", "pass"]),
    ('python -c "import click"', ["-c", "import click"]),
]
STARTUP = [
    ("--help", ["--help"]),
    ("stories --help", ["stories", "--help"]),
    ("stories --json", ["stories", "--json"]),
    ("stories", ["stories"]),
    ("alerts --json", ["alerts", "--json"]),
    ("figures --json", ["figures", "--json"]),
    ("claims --json", ["claims", "--json"]),
    ("feeds --json", ["feeds", "--json"]),
    ("topics --json", ["topics", "--json"]),
]
LISTINGS = [
    ("stories --json", ["stories", "--json"]),
    ("stories", ["stories"]),
    ("stories --all --json", ["stories", "--all", "--json"]),
    ("story N --json", ["story", "{story}", "--json"]),
    ("alerts --json", ["alerts", "--json"]),
    ("alerts", ["alerts"]),
    ("figures --json", ["figures", "--json"]),
    ("claims --json", ["claims", "--json"]),
]


def word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def prefill(store: Store, count: int, seed: int = 16) -> int:
    """``count`` items in stories of 1 to 8, written in batches; the id of the story
    with the most items."""
    rng = random.Random(seed)
    outlets = [f"{word(rng, 3)}-{word(rng, 2)}" for _ in range(300)]
    names = [word(rng, 3).capitalize() for _ in range(5_000)]
    filler = [word(rng, rng.randint(1, 4)) for _ in range(2_000)]
    topic = TopicMatch("russia-north-korea", "all of: russia, north korea")
    written = 0
    biggest = (0, 0)
    while written < count:
        with store.batch():  # about BATCH items per transaction
            goal = min(count, written + BATCH)
            while written < goal:
                size = min(rng.randint(1, 8), count - written)
                story_id = _story(store, rng, written, size, outlets, names, filler, topic)
                written += size
                biggest = max(biggest, (size, story_id))
    return biggest[1]


def _story(
    store: Store,
    rng: random.Random,
    first: int,
    size: int,
    outlets: Sequence[str],
    names: Sequence[str],
    filler: Sequence[str],
    topic: TopicMatch,
) -> int:
    """One story of ``size`` items numbered from ``first``; its id."""
    step = timedelta(days=1) / ITEMS_PER_DAY
    lang = rng.choice(LANGS)
    who = rng.sample(names, 3)
    title = f"{who[0]} and {who[1]} meet in {who[2]} as talks go on"
    troops = rng.randrange(1_000, 20_000, 500)
    alert_story = first % 20 == 0 and size >= 2
    story_id: int | None = None
    item_id = 0
    stored: list[Reported] = []
    previous_id: int | None = None
    for offset in range(size):
        number = first + offset
        published = START + number * step
        source = rng.choice(outlets)
        text = " ".join(rng.choices(filler, k=150))
        value = troops if not (alert_story and offset == size - 1) else troops * 2
        with_figure = rng.random() < 0.5 or alert_story
        figure = Figure(
            "troops", value, value, None, f"{value:,} troops", 10, 20, attribution="officials"
        )
        figures = (figure,) if with_figure else ()
        reprint = previous_id if offset and rng.random() < 0.1 else None
        divergences: tuple[Divergence, ...] = ()
        if alert_story and offset == size - 1 and stored:
            divergences = (Divergence(figure, tuple(stored), "twice the earlier count"),)
        item = Item(
            source,
            f"g{number}",
            title if offset == 0 else f"{title} ({source})",
            text,
            f"https://{source}.example/news/{number}",
            published,
            rng.choice((lang, lang, "en")),
        )
        match = StoryMatch(
            story_id,
            reprint,
            0.0 if story_id is None else 80.0,
            "new story" if story_id is None else f"same story as item {previous_id}",
            keys=tuple(w.lower() for w in who),
        )
        item_id = store.save(
            Analysis(item, topic, match, figures, divergences), channels=("email",)
        )
        if story_id is None:
            row = store.item(item_id)
            assert row is not None
            story_id = row["story_id"]
        if with_figure and alert_story:
            row = store.item(item_id)
            assert row is not None and story_id is not None
            stored.append(
                Reported(
                    row["figures"][0]["id"], item_id, story_id, source, None, published, figure
                )
            )
        previous_id = item_id
    assert story_id is not None
    return story_id


def timed(commands: list[list[str]], runs: int) -> list[tuple[float, int, int]]:
    """(least wall seconds over ``runs``, bytes on stdout, exit code) of each command.
    The commands take turns, run after run, so a busy moment of the machine falls on
    all of them alike."""
    best = [float("inf")] * len(commands)
    size = [0] * len(commands)
    code = [0] * len(commands)
    for _ in range(runs):
        for index, argv in enumerate(commands):
            began = time.perf_counter()
            done = subprocess.run(argv, capture_output=True)
            best[index] = min(best[index], time.perf_counter() - began)
            size[index], code[index] = len(done.stdout), done.returncode
    return list(zip(best, size, code, strict=True))


def monitor(state: Path, args: list[str]) -> list[str]:
    return [sys.executable, "-m", "monitor", "--state", str(state), *args]


def table(title: str, rows: list[tuple[str, list[str]]], runs: int) -> None:
    """Time the commands of ``rows`` with the floor taking turns among them (the same
    machine for all), and print each against ``python -c "import click"``."""
    floor = [(label, [sys.executable, *rest]) for label, rest in FLOOR]
    results = timed([argv for _, argv in floor + rows], runs)
    click_floor = results[1][0]
    print(f"\n{title}")
    print(f"  {'command':<26} {'min s':>7} {'vs click':>9} {'stdout':>12}")
    for (label, _), (seconds, size, code) in zip(floor + rows, results, strict=True):
        failed = f"  (exit {code})" if code else ""
        print(f"  {label:<26} {seconds:>7.3f} {seconds / click_floor:>8.1f}x {size:>12,}{failed}")
    sys.stdout.flush()


def large_store(items: int, keep: Path | None) -> tuple[Path, int]:
    """A state dir holding a store of ``items`` items (reused from ``keep`` when it is
    there) and the id of its story with the most items."""
    state = keep or Path(tempfile.mkdtemp(prefix="monitor-bench-startup-"))
    marker = state / f"story-{items}"
    if (state / DB_FILENAME).is_file() and marker.is_file():
        return state, int(marker.read_text())
    (state / DB_FILENAME).unlink(missing_ok=True)
    began = time.perf_counter()
    with Store.open(state) as store:
        story = prefill(store, items)
        counts = store.counts()
    marker.write_text(str(story))
    print(f"\nprefilled {items:,} items in {time.perf_counter() - began:.0f} s: {counts}")
    return state, story


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (the least)")
    parser.add_argument("--items", type=int, default=100_000, help="items in the large store")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the large store here")
    parser.add_argument("--skip-large", action="store_true", help="start-up only")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="monitor-bench-startup-") as tmp:
        small = Path(tmp) / "state"
        subprocess.run(monitor(small, ["demo", "--json"]), capture_output=True, check=True)
        rows = [(label, monitor(small, rest)) for label, rest in STARTUP]
        table("start-up (the demo's state, 13 items)", rows, args.runs)
    if args.skip_large:
        return 0

    state, story = large_store(args.items, args.keep)
    rows = [
        (label, monitor(state, [a.replace("{story}", str(story)) for a in rest]))
        for label, rest in LISTINGS
    ]
    table(f"listings on {args.items:,} items", rows, max(3, args.runs // 2))
    if args.keep is None:
        for path in sorted(state.iterdir()):
            path.unlink()
        state.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
