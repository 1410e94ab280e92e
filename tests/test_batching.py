"""Several items a transaction (issue 16), on a real SQLite file: the same decisions as
one item at a time, and a crash loses at most the open transaction, whose items are read
again."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.config import from_feeds
from monitor.errors import StoreError
from monitor.ingest import ingest_paths
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.types import Item

T0 = datetime(2025, 6, 17, 9, 30, tzinfo=UTC)
CHANNELS = ("email", "slack")
KURSK = (
    "North Korea has sent {troops} soldiers to Russia's Kursk region, South Korea's spy"
    " agency said on Tuesday. The troops were flown from Pyongyang to Vladivostok and moved"
    " west by train, according to the National Intelligence Service in Seoul. Officials in"
    " Moscow did not comment on the deployment, which Kyiv called a dangerous escalation of"
    " the war."
)
SHOIGU = (
    "Sergei Shoigu met Kim Jong Un in Pyongyang on Friday to discuss the reconstruction of"
    " the Kursk region. North Korea will send 1,000 deminers and 5,000 military builders to"
    " Russia, Shoigu said after the talks."
)


def item(source: str, guid: str, title: str, text: str, minutes: int) -> Item:
    return Item(
        source=source,
        guid=guid,
        title=title,
        text=text,
        url=f"https://{source}.example/{guid}",
        published=T0 + timedelta(minutes=minutes),
        lang="en",
        feed_url=f"https://{source}.example/feed.xml",
    )


def kursk(troops: str) -> str:
    return KURSK.format(troops=troops)


def items() -> list[Item]:
    """New stories, a reprint, a rewrite, a contradiction, a correction, off-topic items."""
    wire = item("wire", "w1", "North Korea sends troops to Kursk", kursk("12,000"), 0)
    rewrite = (
        "About 12,000 North Korean soldiers are now in Russia's Kursk region, the National"
        " Intelligence Service told lawmakers in Seoul on Tuesday; they came from Pyongyang"
        " by train through Vladivostok."
    )
    return [
        wire,
        item("daily", "d1", "Grain harvest starts early", "Farmers expect a good year.", 5),
        replace(
            wire,
            source="herald",
            guid="h1",
            title="N. Korean troops in Kursk",
            text=wire.text + " Subscribe to our newsletter for more.",
            url="https://herald.example/h1",
            published=T0 + timedelta(minutes=10),
        ),
        item("post", "p1", "Seoul: 15,000 North Koreans in Kursk", kursk("15,000"), 20),
        item("wire", "w2", "Shoigu in Pyongyang", SHOIGU, 30),
        item("daily", "d2", "Rail strike ends", "The unions accepted the offer.", 35),
        item("tribune", "t1", "Shoigu and Kim agree on Kursk deminers", SHOIGU, 40),
        item("post", "p1", "Seoul: 14,000 North Koreans in Kursk", kursk("14,000"), 50),
        item("gazette", "g1", "North Korean troops in Kursk", rewrite, 60),
        item("daily", "d3", "Football: late goal decides the cup", "A header in extra time.", 70),
    ]


TABLES = {
    "items": "id, source, guid, title, status, topic, story_id, duplicate_of, match_reason",
    "stories": "id, title, created, updated, folded_into",
    "story_keys": "item_id, key, published",
    "figures": "id, item_id, story_id, claim_key, low, high, modality, superseded",
    "alerts": "id, claim_key, kind, reason, new_figure_id, status, created",
    "alert_previous": "alert_id, figure_id",
    "outbox": "id, alert_id, notice_id, channel, status",
    "story_notices": "id, story_id, item_id, sources",
}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that records a decision, by table."""
    with sqlite3.connect(path / "monitor.db") as db:
        return {
            table: db.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
            for table, columns in TABLES.items()
        }


def ticking(step: float) -> Callable[[], float]:
    """A timer that moves ``step`` seconds each time it is read."""
    calls = iter(range(10**9))
    return lambda: step * next(calls)


def pipeline(state: Path, timer: Callable[[], float] = lambda: 0.0) -> Pipeline:
    """Keys only: embedding ahead closes the open transaction first (it holds no lock)."""
    return Pipeline(
        Store.open(state),
        from_feeds([]),
        clock=lambda: T0,
        channels=CHANNELS,
        multilingual=False,
        timer=timer,
    )


@pytest.fixture
def one_by_one(tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What one item a transaction stores: ``process`` for each item, as before issue 16."""
    pipe = pipeline(tmp_path / "alone")
    totals = Totals()
    for found in items():
        pipe.process(found, totals)
    assert (totals.kept, totals.duplicates, totals.skipped, totals.updated) == (6, 2, 3, 1)
    assert (totals.alerts, totals.corrections) == (2, 1)
    pipe.store.close()
    return dump(tmp_path / "alone")


@pytest.mark.parametrize("step", [0.0, 0.1, 1.0], ids=["one", "every-third", "each"])
def test_batches_decide_as_one_item_at_a_time(
    tmp_path: Path, one_by_one: dict[str, list[tuple[Any, ...]]], step: float
) -> None:
    pipe = pipeline(tmp_path / "batched", ticking(step))
    pipe.process_all(items(), Totals())
    pipe.store.close()
    assert dump(tmp_path / "batched") == one_by_one


def test_a_transaction_closes_once_open_long_enough(tmp_path: Path) -> None:
    pipe = pipeline(tmp_path / "state", ticking(0.1))  # closes after the third item
    seen_by_another: list[int] = []
    save = pipe.store.save

    def watched(*args: Any, **kwargs: Any) -> int:
        with sqlite3.connect(tmp_path / "state" / "monitor.db") as other:
            (count,) = other.execute("SELECT count(*) FROM items").fetchone()
        seen_by_another.append(count)
        return save(*args, **kwargs)

    pipe.store.save = watched  # type: ignore[method-assign]
    pipe.process_all([found for found in items() if found.guid != "p1"], Totals())
    # Another connection sees an item once the transaction it is in has committed.
    assert seen_by_another == [0, 0, 0, 3, 3, 3, 6, 6]


def failing_at(pipe: Pipeline, call: int) -> None:
    """Make the store fail on its ``call``-th save (a full disk, a lost lock)."""
    save, calls = pipe.store.save, iter(range(1, 10**9))

    def failing(*args: Any, **kwargs: Any) -> int:
        if next(calls) == call:
            raise StoreError("database is locked")
        return save(*args, **kwargs)

    pipe.store.save = failing  # type: ignore[method-assign]


def test_a_failure_loses_the_open_transaction_whose_items_are_read_again(
    tmp_path: Path, one_by_one: dict[str, list[tuple[Any, ...]]]
) -> None:
    pipe = pipeline(tmp_path / "state", ticking(0.1))
    failing_at(pipe, 6)  # the third item of the second transaction
    with pytest.raises(StoreError):
        pipe.process_all(items(), Totals())
    stored = dump(tmp_path / "state")
    # The first transaction (three items, with all derived from them) stands; nothing of
    # the second does: no item, story, key, figure, alert or outbox row.
    assert [row[2] for row in stored["items"]] == ["w1", "d1", "h1"]
    assert {row[1] for row in stored["figures"]} <= {1, 3}
    assert all(row[0] in {1, 3} for row in stored["story_keys"])
    # Read again, by the same pipeline (the daemon's next cycle) or a new one: as if
    # nothing had failed, down to the ids the lost transaction had used.
    pipe.process_all(items(), Totals())
    pipe.store.close()
    assert dump(tmp_path / "state") == one_by_one


CHILD = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from pathlib import Path
    from monitor.config import from_feeds
    from monitor.pipeline import Pipeline
    from monitor.ingest import ingest_paths
    from monitor.store import Store

    from crashing import crash_at_call, ticking

    state, crash_at, paths = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    store = Store.open(state)
    crash_at_call(store, "save", crash_at)
    pipeline = Pipeline(store, from_feeds([]), clock=lambda: datetime.fromisoformat(
        "2025-06-17T09:30:00+00:00"), channels=["email"], multilingual=False, timer=ticking())
    ingest_paths(pipeline, [Path(p) for p in paths])
    """
)


def article_files(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for number, found in enumerate(items()):
        if found.guid == "p1" and "14,000" in found.title:
            continue  # a text file has no key of its own to be re-delivered under
        path = folder / f"{number:02d}-{found.source}.txt"
        path.write_text(f"{found.title}\n\n{found.text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_a_crash_in_ingest_loses_at_most_the_open_transaction(tmp_path: Path) -> None:
    paths = article_files(tmp_path / "files")
    here = Path(__file__).resolve()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parents[1]), str(here.parent)])}
    crashed = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "state"), "5", *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 3, crashed.stderr
    stored = dump(tmp_path / "state")
    assert [row[1] for row in stored["items"]] == ["00-wire", "01-daily", "02-herald"]
    assert all(row[1] <= 3 for row in stored["figures"])
    assert all(row[0] <= 3 for row in stored["story_keys"])
    assert not stored["alerts"] and not stored["outbox"]

    # `monitor ingest` run again: the lost items are read again, the stored ones are seen.
    again = pipeline(tmp_path / "state")
    totals = ingest_paths(again, paths)
    assert totals.already_seen == 3 and totals.items == len(paths) - 3
    whole = pipeline(tmp_path / "whole")
    ingest_paths(whole, paths)
    again.store.close()
    whole.store.close()
    assert dump(tmp_path / "state") == dump(tmp_path / "whole")


def test_cached_candidates_follow_writes_of_another_connection(tmp_path: Path) -> None:
    pipe = pipeline(tmp_path / "state")
    pipe.process_all(items()[:3], Totals())
    store = pipe.store
    (first,) = store.candidates_by_id([1])
    with Store.open(tmp_path / "state") as other:
        other.update_item("wire", "w1", "Edited title", "Edited text", None)
    (again,) = store.candidates_by_id([1])
    assert (first.title, again.title, again.text) == (first.title, "Edited title", "Edited text")


def test_a_rolled_back_transaction_leaves_nothing_behind_in_the_caches(tmp_path: Path) -> None:
    """Ids are given again after a rollback: neither the cached candidates nor the
    candidate index may keep what the lost transaction wrote under them."""
    wire, pledge, copy = items()[0], items()[4], replace(items()[6], source="gazette")
    pipe = pipeline(tmp_path / "state")
    store = pipe.store
    pipe.process(wire, Totals())
    with pytest.raises(RuntimeError), store.batch():
        lost = replace(wire, source="lost", guid="l1", text=kursk("9"))
        pipe.process(lost, Totals())
        (held,) = store.candidates_by_id([2])
        assert held.source == "lost"
        raise RuntimeError("lost")
    pipe.process(pledge, Totals())  # stored under the id the lost item had
    (now,) = store.candidates_by_id([2])
    assert now.source == "wire" and now.text == SHOIGU
    totals = Totals()
    pipe.process(copy, totals)  # found through the index: a reprint of the pledge
    assert totals.duplicates == 1
    assert store.item(3)["duplicate_of"] == 2  # type: ignore[index]


def test_cached_candidates_follow_this_stores_own_writes(tmp_path: Path) -> None:
    from monitor.types import Analysis, StoryMatch, TopicMatch

    store = Store.open(tmp_path / "state")
    topic = TopicMatch("kursk", "bench")
    wire, pledge = items()[0], items()[4]

    def save(found: Item, match: StoryMatch) -> int:
        return store.save(Analysis(found, topic, match))

    assert save(wire, StoryMatch(None, None, 0, "new", keys=("kursk",))) == 1
    assert save(pledge, StoryMatch(None, None, 0, "new", keys=("shoigu",))) == 2
    assert [c.story_id for c in store.candidates_by_id([1, 2])] == [1, 2]
    # An item of both stories folds the second into the first.
    both = replace(items()[6], source="both")
    save(both, StoryMatch(1, None, 50, "same", keys=("kursk",), also=(2,)))
    assert [c.story_id for c in store.candidates_by_id([1, 2])] == [1, 1]
    # A reprint seen later carries its original forward.
    copy = replace(wire, source="copy", published=wire.published + timedelta(days=2))
    save(copy, StoryMatch(1, 1, 99, "reprint", keys=("kursk",)))
    assert store.candidates_by_id([1])[0].last_seen == copy.published
    # Refreshed texts: a changed entry, a re-saved one, a corrected one.
    store.update_item("wire", "w1", "Updated", "Updated text", None)
    assert store.candidates_by_id([1])[0].text == "Updated text"
    save(replace(wire, text="Saved again"), StoryMatch(None, None, 0, "new"))
    assert store.candidates_by_id([1])[0].text == "Saved again"
    store.save_correction(replace(pledge, text="Corrected"), [], [])
    assert store.candidates_by_id([2])[0].text == "Corrected"
