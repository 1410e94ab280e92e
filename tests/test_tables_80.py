"""Every listing read at 80 columns (issue 15): ids, dates, counts and figures whole,
words of titles and quotes never split, links whole and free of control characters.

The state is the bundled samples polled once, with one dead feed (a feed note under the
table) and an email channel nobody listens on (deliveries pending with an error), plus
one item stored with a hostile link. Each table is checked row by row against the
command's own --json output.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from monitor.types import Analysis, Item, StoryMatch, TopicMatch

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"
FEEDS = ["kyiv-ledger.xml", "north-wire.xml", "daily-courier.xml", "rheinblick.xml"]
HOSTILE_URL = "https://evil.example/a\x1b]8;;https://x.example\x07b\x1b[2Jc?utm_source=x&id=7"
HOSTILE_SHOWN = "https://evil.example/abc?id=7"  # escapes and tracking gone
NUMBER = re.compile(r"\d[\d,.–]*\d|\d")
WORD = re.compile(r"\w+")

Row = list[list[str]]  # a table row: per column, the lines of its cell


def run(state: Path, *args: str, columns: int = 80) -> str:
    runner = CliRunner(env={"COLUMNS": str(columns)})
    result = runner.invoke(cli, ["--state", str(state), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(state: Path, *args: str) -> Any:
    return json.loads(run(state, *args, "--json"))


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    config = folder / "feeds.yaml"
    feeds = "".join(
        f"  - {{url: '{(SAMPLES / name).as_uri()}', name: {name[:-4].replace('-', ' ').title()}}}\n"
        for name in FEEDS
    )
    config.write_text(
        "feeds:\n" + feeds + "  - {url: 'http://127.0.0.1:9/feed.xml', name: Dead feed}\n"
        "alerts:\n  email: {host: 127.0.0.1, port: 9, tls: none, from: m@example.org,"
        " to: [desk@example.org], timeout: 2}\n"
    )
    state = folder / "state"
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--state", str(state), "poll", "--once"]
    )
    assert result.exit_code == 1, result.output  # the dead feed failed
    with Store.open(state) as store:  # past the parser, which would have cleaned it
        item = Item(
            source="Evil Post",
            guid="evil-1",
            title="Kim and Putin meet in Pyongyang",
            text="Nordkorea Russland",
            url=HOSTILE_URL,
            published=datetime(2025, 6, 20, 9, 0, tzinfo=UTC),
        )
        store.save(Analysis(item, TopicMatch("t", "x"), StoryMatch(None, None, 0, "new story")))
    return state


def tables(text: str, key: int = 0) -> list[list[Row]]:
    """The body rows of each table in ``text``; a row starts where column ``key`` has text."""
    found: list[list[Row]] = []
    for line in text.splitlines():
        if line.startswith("┏"):
            found.append([])
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        rows = found[-1]
        if cells[key] or not rows:
            rows.append([[] for _ in cells])
        for cell, part in zip(rows[-1], cells, strict=True):
            if part:
                cell.append(part)
    return found


def whole(token: str, cell: list[str]) -> bool:
    """``token`` on one line of the cell."""
    return any(token in line for line in cell)


def words_whole(text: str, cell: list[str]) -> bool:
    """Every word of ``text`` is a word of the cell: wrapped between words, never inside."""
    return set(WORD.findall(text)) <= set(WORD.findall(" ".join(cell)))


def link_in(url: str, cell: list[str]) -> bool:
    """A link folds at the column's edge (it has no spaces to wrap at): whole once joined."""
    return url in "".join(cell).replace(" ", "")


def numbers(*values: Any) -> list[str]:
    """The numbers as a table shows them: 10000 -> '10,000'; number tokens of strings."""
    found = []
    for value in values:
        if isinstance(value, int):
            found.append(f"{value:,}")
        elif isinstance(value, str):
            found += NUMBER.findall(value)
    return found


def day(iso: str) -> str:
    return iso[:16].replace("T", " ")


LISTINGS = [
    ["stories"],
    ["story", "2"],
    ["claims"],
    ["figures"],
    ["alerts"],
    ["alert", "1"],
    ["feeds"],
    ["outbox", "--all"],
    ["explain", "3"],
    ["explain", "5"],
    ["explain", "--figure", "12"],
    ["explain", "--alert", "1"],
]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_every_listing_fits_80_columns(state: Path, args: list[str]) -> None:
    text = run(state, *args)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut short
    assert "\x1b" not in text and "\x07" not in text


def test_stories(state: Path) -> None:
    stories = as_json(state, "stories")
    [rows] = tables(run(state, "stories"))
    assert len(rows) == len(stories)
    for story, row in zip(stories, rows, strict=True):
        assert row[0] == [str(story["id"])]
        assert words_whole(story["title"], row[1])
        assert row[2] == [str(story["sources"])]
        assert row[5] == [day(story["updated"])]


def test_story_items_with_links_and_figures(state: Path) -> None:
    story = as_json(state, "story", "2")
    items, figures = tables(run(state, "story", "2"))
    assert len(items) == len(story["items"]) == 3
    for item, row in zip(story["items"], items, strict=True):
        assert row[0] == [str(item["id"])] and row[1] == [day(item["published"])]
        assert words_whole(item["source"], row[2]) and words_whole(item["title"], row[3])
        assert link_in(item["url"].split("?")[0].split("#")[0], row[3])
        if item["duplicate_of"]:
            assert whole(f"reprint of {item['duplicate_of']}", row[2])
    # The reprint's tracking parameter is not shown; its fragment is the article's.
    wire = next(
        row
        for item, row in zip(story["items"], items, strict=True)
        if item["source"] == "North Wire"
    )
    assert link_in("https://north-wire.example/2025/06/17/kursk-deminers", wire[3])
    assert "utm_source" not in "".join(wire[3])
    assert len(figures) == len(story["figures"])
    for figure, row in zip(story["figures"], figures, strict=True):
        _figure_row(figure, row)


def _figure_row(figure: dict[str, Any], row: Row) -> None:
    assert row[0] == [str(figure["item_id"])]
    assert words_whole(figure["source"], row[1])
    for number in numbers(figure["low"], figure["high"]):
        assert whole(number, row[2]), (number, row)
    assert words_whole(figure["text"], row[3])
    if figure["attribution"]:
        assert words_whole(figure["attribution"], row[3])


def test_figures(state: Path) -> None:
    figures = as_json(state, "figures")
    [rows] = tables(run(state, "figures"))
    assert len(rows) == len(figures) > 10
    for figure, row in zip(figures, rows, strict=True):
        _figure_row(figure, row)


def test_claims_keep_each_value_whole(state: Path) -> None:
    history = as_json(state, "claims")
    [rows] = tables(run(state, "claims"), key=1)  # a row starts with its date
    points = [point for entry in history for point in entry["timeline"]]
    assert len(rows) == len(points)
    firsts = iter(rows)
    for entry in history:  # the label on the first row of its claim
        label = entry["label"] + (f" ({entry['modifier']})" if entry["modifier"] else "")
        row = next(firsts)
        assert " ".join(row[0]) == label  # wrapped at spaces only
        for _ in entry["timeline"][1:]:
            assert next(firsts)[0] == []
    for point, row in zip(points, rows, strict=True):
        assert row[1] == [day(point["published"])]
        for number in numbers(point["value"]):
            assert whole(number, row[2]), (number, row)
        if point["alert_id"] is not None:
            assert whole(f"alert {point['alert_id']}", row[2])
        assert words_whole(point["source"], row[3])
        if point["attribution"]:
            assert words_whole(point["attribution"], row[3])
    troops = next(
        row for point, row in zip(points, rows, strict=True) if point["value"] == "10,000–12,000"
    )
    assert "10,000–12,000" in troops[2]  # the value the issue found cut ("10,000–12,0…")


def test_alerts_with_their_deliveries(state: Path) -> None:
    alerts = as_json(state, "alerts")
    text = run(state, "alerts")
    assert "┃ delivery" in text
    [rows] = tables(text)
    assert len(rows) == len(alerts) == 2
    for alert, row in zip(alerts, rows, strict=True):
        assert row[0] == [str(alert["id"])] and row[1] == [day(alert["created"])]
        for figure in [alert["new"], *alert["previous"]]:
            for number in numbers(figure["low"], figure["high"]):
                assert whole(number, row[2]), (number, row)
            assert words_whole(figure["text"], row[2])
        [delivery] = alert["deliveries"]
        assert (delivery["channel"], delivery["status"]) == ("email", "pending")
        tries = delivery["attempts"]  # a channel that is down is tried for one alert at a time
        said = f"email: pending, {tries} {'try' if tries == 1 else 'tries'}" if tries else "pending"
        assert words_whole(said, row[3])
    assert any(alert["deliveries"][0]["attempts"] for alert in alerts)


def test_alert_shown_whole(state: Path) -> None:
    alert = as_json(state, "alert", "1")
    lines = run(state, "alert", "1").splitlines()
    for figure in [alert["new"], *alert["previous"]]:
        for number in numbers(figure["low"], figure["high"], figure["published"][:10]):
            assert whole(number, lines), number
        assert whole(figure["url"].split("?")[0], lines)
    [delivery] = tables("\n".join(lines))
    assert delivery[0][0] == [str(alert["deliveries"][0]["id"])]
    assert words_whole(alert["deliveries"][0]["last_error"], delivery[0][4])


def test_feeds_put_errors_under_the_table(state: Path) -> None:
    feeds = as_json(state, "feeds")
    text = run(state, "feeds")
    [rows] = tables(text)
    assert len(rows) == len(feeds) == 5
    for feed, row in zip(feeds, rows, strict=True):
        assert words_whole(feed["name"], row[0])
        assert row[2] == [str(feed["failures"])] and row[3] == [str(feed["items_seen"])]
        assert not any("127.0.0.1" in line for line in row[0])  # the name column holds names
    dead = next(feed for feed in feeds if feed["name"] == "Dead feed")
    notes = text.split("└")[-1]
    assert words_whole(f"Dead feed: {dead['last_error']}", notes.splitlines())


def test_outbox_puts_errors_under_the_table(state: Path) -> None:
    outbox = as_json(state, "outbox", "--all")
    text = run(state, "outbox", "--all")
    [rows] = tables(text)
    assert len(rows) == len(outbox) == 2
    for delivery, row in zip(outbox, rows, strict=True):
        assert row[0] == [str(delivery["id"])] and row[1] == [f"alert {delivery['alert_id']}"]
        assert row[4] == [str(delivery["attempts"])] and row[5] == [day(delivery["next_attempt"])]
        said = f"delivery {delivery['id']} (alert {delivery['alert_id']}, email), last error:"
        assert words_whole(f"{said} {delivery['last_error']}", text.split("└")[-1].splitlines())


@pytest.mark.parametrize("item", [3, 5])
def test_explain_item_reason_numbers_and_links(state: Path, item: int) -> None:
    explained = as_json(state, "explain", str(item))
    text = run(state, "explain", str(item))
    lines = text.splitlines()
    for number in numbers(explained["match_reason"]):
        assert whole(number, lines), number
    assert words_whole(explained["match_reason"], lines)
    named, figures = tables(text)
    assert [row[0] for row in named] == [[str(i["id"])] for i in explained["items"]]
    assert explained["items"][0]["id"] == item  # this item first, then those its reason names
    for shown, row in zip(explained["items"], named, strict=True):
        assert link_in(shown["url"].split("?")[0].split("#")[0], row[3])
    for figure, row in zip(explained["figures"], figures, strict=True):
        assert row[0] == [str(figure["figure_id"])]
        for number in numbers(figure["value"]):
            assert whole(number, row[1])


def test_hostile_links_are_cleaned(state: Path) -> None:
    [story] = [s for s in as_json(state, "stories") if s["title"].startswith("Kim and Putin")]
    [item] = story["items"]
    assert item["url"] == HOSTILE_URL  # the JSON gives what is stored
    for args in (["story", str(story["id"])], ["explain", str(item["id"])]):
        text = run(state, *args)
        assert "\x1b" not in text and "\x07" not in text
        [row] = tables(text)[0]
        assert link_in(HOSTILE_SHOWN, row[3])
