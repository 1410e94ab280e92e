"""One hostile item never stalls a run: numbers too long to be counts are no figures, and
an item whose analysis fails anyway is kept (as skipped, with the reason) while the
others go on."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import from_feeds
from monitor.figures import extract
from monitor.figures.extraction import MAX_NUMBERS, MAX_READ_CHARS
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.stories import features
from monitor.types import Item

T0 = datetime(2025, 6, 17, 9, 0, tzinfo=UTC)
# Spaces read as thousands separators made one 330-digit number of this row, and
# float() of it raised OverflowError in the middle of a poll cycle.
ROW = " ".join(["100"] * 110)


@pytest.mark.parametrize(
    "text",
    [
        ROW,
        "1" * 400,
        "1" * 400 + "만 명",
        "2" * 400 + "천 명이 숨졌다",
        "North Korea sent " + "9" * 40 + " soldiers to Kursk.",
    ],
)
def test_digit_runs_too_long_to_be_counts_give_no_figure_and_no_crash(text: str) -> None:
    assert [f.low for f in extract(text, "en") if f.low and f.low > 10**15] == []
    assert all(len(key) <= 20 for key in features("", text).keys)


def nk_item(guid: str, text: str) -> Item:
    return Item("wire", guid, f"North Korea and Russia: {guid}", text, None, T0, "en")


def test_an_item_whose_analysis_fails_is_kept_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(tmp_path) as store:
        pipeline = Pipeline(store, from_feeds([]), clock=lambda: T0, multilingual=False)
        real = Pipeline.analyse

        def failing(self: Pipeline, item: Item, *args: object):  # type: ignore[no-untyped-def]
            if item.guid == "bad":
                raise ValueError("a reader bug")
            return real(self, item, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(Pipeline, "analyse", failing)
        totals = Totals()
        items = [
            nk_item("bad", "Pyongyang sent 1,000 deminers to Kursk."),
            nk_item("good", "North Korea sent 5,000 builders to Russia's Kursk region."),
        ]
        pipeline.process_all(items, totals)
        rows = {store.item(n)["guid"]: store.item(n) for n in (1, 2)}  # type: ignore[index]
        assert rows["bad"]["status"] == "skipped"
        assert rows["bad"]["topic_reason"] == "could not be analysed (ValueError: a reader bug)"
        assert rows["good"]["status"] == "kept" and rows["good"]["story_id"] is not None
        assert totals.errors == [
            "wire: item 'bad' could not be analysed (ValueError: a reader bug)"
        ]
        # Seen before on the next poll: neither lost nor analysed again in this process.
        assert pipeline.process(items[0], Totals()) is False
        # The next process (a restart, a reload, the next `poll --once`), the cause fixed:
        # the item is read again as new, and this time kept.
        monkeypatch.setattr(Pipeline, "analyse", real)
        again = Pipeline(store, from_feeds([]), clock=lambda: T0, multilingual=False)
        assert again.process(items[0], Totals()) is True
        kept = store.stored_item("wire", "bad")
        assert kept is not None and kept["status"] == "kept"
        assert [f["low"] for f in kept["figures"]] == [1000]


def test_a_row_of_numbers_in_a_feed_is_ingested_like_any_item(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        pipeline = Pipeline(store, from_feeds([]), clock=lambda: T0, multilingual=False)
        totals = Totals()
        pipeline.process_all(
            [nk_item("row", f"North Korea and Russia in Kursk: {ROW}"), nk_item("ok", "Kursk.")],
            totals,
        )
        assert totals.errors == [] and totals.items == 2


def test_figure_reading_is_bounded_on_a_hostile_text() -> None:
    """Megabytes in one item, or a row of thousands of numbers, cost about a second,
    not minutes: figures are read up to MAX_READ_CHARS characters and MAX_NUMBERS numbers."""

    row = "1,000 troops, " * 5_000
    started = time.process_time()
    found = extract(row, "en", all_numbers=True)
    assert len(found) == MAX_NUMBERS
    assert time.process_time() - started < 10
    late = "Seoul says Pyongyang has 11,000 troops in Kursk. "
    assert [f.low for f in extract(late, "en")] == [11_000]
    assert extract("x" * MAX_READ_CHARS + " " + late, "en") == []  # past the bound
