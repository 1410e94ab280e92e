"""Pipeline.triage: settling seen and off-topic items in bulk, as process() would one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.config import from_feeds
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.types import Item

T0 = datetime(2025, 6, 17, 9, 30, tzinfo=UTC)


def item(guid: str, title: str, minutes: int = 0, text: str = "") -> Item:
    return Item(
        source="wire",
        guid=guid,
        title=title,
        text=text,
        url=f"https://news.example/{guid}",
        published=T0 + timedelta(minutes=minutes),
        lang="en",
        feed_url="https://news.example/feed.xml",
    )


SEEN = [
    item("same", "Harvest starts early in the south"),
    item("edited", "Rail strike ends"),
]
BATCH = [
    item("grain", "Grain prices steady", 1),
    item("troops", "North Korea sends troops to Kursk, Russia", 2, "About 12,000 soldiers."),
    item("same", "Harvest starts early in the south", 3),  # seen before, unchanged
    item("edited", "Rail strike ends after talks", 4),  # seen before, corrected
    item("match", "Football: late goal decides the cup", 5),
    item("match", "Football: late goal decides the cup final", 6),  # twice in the batch
]


def rows(store: Store) -> list[tuple[Any, ...]]:
    found = [store.item(n) for n in range(1, 20)]
    return sorted(
        (r["guid"], r["title"], r["status"], r["topic"], r["topic_reason"])
        for r in found
        if r is not None
    )


def pipeline(tmp_path: Path, name: str) -> Pipeline:
    pipe = Pipeline(Store.open(tmp_path / name), from_feeds([]), clock=lambda: T0)
    pipe.process_all(SEEN, Totals())
    return pipe


def test_triage_stores_what_process_would_and_leaves_items_on_topic(tmp_path: Path) -> None:
    bulk = pipeline(tmp_path, "bulk")
    totals = Totals()
    stored, later = bulk.triage(BATCH, totals)
    assert [i.guid for i in stored] == ["grain", "match"]
    assert [i.guid for i in later] == ["troops"]
    for left in later:
        bulk.process(left, totals)

    one_by_one = pipeline(tmp_path, "one")
    expected = Totals()
    one_by_one.process_all(BATCH, expected)

    assert rows(bulk.store) == rows(one_by_one.store)
    assert totals.summary() == expected.summary()
    assert (totals.items, totals.skipped, totals.kept) == (3, 2, 1)
    assert (totals.updated, totals.already_seen) == (2, 1)
    titles = {row[0]: row[1] for row in rows(bulk.store)}
    assert titles["match"] == "Football: late goal decides the cup final"
    assert titles["edited"] == "Rail strike ends after talks"


def test_figures_older_than_the_window_are_not_held_against_a_new_one(tmp_path: Path) -> None:
    def report(guid: str, troops: str, days: int) -> Item:
        return replace(
            item(
                guid,
                f"North Korea has {troops} troops in Russia's Kursk region",
                text=f"Seoul says {troops} North Korean soldiers are fighting in Kursk.",
            ),
            source=guid,
            published=T0 + timedelta(days=days),
        )

    pipe = Pipeline(Store.open(tmp_path / "state"), from_feeds([]), clock=lambda: T0)
    window = pipe.config.divergence.window_days
    totals = Totals()
    pipe.process(report("old", "1,000", -window - 10), totals)
    pipe.process(report("new", "5,000", 0), totals)
    assert totals.kept == 2 and totals.alerts == 0  # 1,000 is outside the window
    pipe.process(report("recent", "1,000", 1), totals)
    assert totals.alerts == 1  # 1,000 against 5,000, both inside it


def test_a_new_items_figures_are_read_once(tmp_path: Path, monkeypatch: Any) -> None:
    """Issue 16: the figures the pipeline reads are the ones its story keys read, unless
    feeds.yaml adds claim words (the story keys read with the shipped lexicon only)."""
    import monitor.figures
    import monitor.stories.keys
    from monitor.config import Config
    from monitor.types import ClaimTerms

    reads: list[str] = []
    extract = monitor.figures.extract

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(text)
        return extract(text, *args, **kwargs)

    monkeypatch.setattr(monitor.figures, "extract", counted)
    monkeypatch.setattr(monitor.stories.keys, "extract", counted)
    news = [
        item(f"n{number}", f"North Korea sends {number},500 troops to Kursk, Russia", number)
        for number in range(1, 4)
    ]
    pipe = Pipeline(Store.open(tmp_path / "one"), from_feeds([]), clock=lambda: T0)
    pipe.multilingual = False
    pipe.process_all(news, Totals())
    assert len(reads) == 3
    reads.clear()
    words = (ClaimTerms(kind="sappers", lang="en", stems=("deminer",)),)
    config = replace(Config(feeds=()), claims=words)
    pipe = Pipeline(Store.open(tmp_path / "two"), config, clock=lambda: T0, multilingual=False)
    pipe.process_all([replace(found, title=found.title + " again") for found in news], Totals())
    assert len(reads) == 6


def test_story_keys_from_the_pipelines_figures_are_those_read_alone() -> None:
    from monitor import figures, stories
    from monitor.stories.keys import _features

    title = "Seoul: 12,000 North Korean troops in Kursk"
    for text in (
        "About 12,000 soldiers arrived; 1,000 deminers will follow. Read more: Kursk",
        "Pyongyang will send a thousand sappers and 5,000 builders to the region.",
    ):
        read = figures.extract(stories.article_text(title, text), "en")
        assert _features(title, text, "en", read) == _features(title, text, "en", None)
