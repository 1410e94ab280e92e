"""The CLI end to end on a real SQLite file: ingest, listings, demo, extract, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.stories.embedding import load_encoder

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def run(*args: str, state: Path | None = None, input: str | None = None) -> Any:
    prefix = ["--state", str(state)] if state else []
    # Wide enough that an alert headline stays on one line of the table.
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(cli, [*prefix, *args], input=input, catch_exceptions=False)
    return result


def as_json(*args: str, state: Path) -> Any:
    result = run(*args, "--json", state=state)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./feeds.yaml here: the defaults apply
    state = tmp_path / "state"
    result = run("ingest", *sorted(str(p) for p in ARTICLES.glob("*.txt")), state=state)
    assert result.exit_code == 0, result.output
    assert "4 new items" in result.stderr
    return state


def test_ingest_builds_stories_and_skips_off_topic(ingested: Path) -> None:
    stories = as_json("stories", state=ingested)
    assert len(stories) == 1
    [story] = stories
    sources = [item["source"] for item in story["items"]]
    assert sources == ["01-ostpresse", "02-abendkurier", "03-abendkurier-nachdruck"]
    by_source = {item["source"]: item for item in story["items"]}
    assert (
        by_source["03-abendkurier-nachdruck"]["duplicate_of"] == by_source["02-abendkurier"]["id"]
    )
    assert by_source["02-abendkurier"]["duplicate_of"] is None
    assert story["sources"] == 3


def test_ingest_extracts_figures(ingested: Path) -> None:
    figures = as_json("figures", state=ingested)
    seen = {(f["source"], f["claim"], f["low"], f["high"], f["hedge"]) for f in figures}
    assert ("01-ostpresse", "deminers", 1000, 1000, None) in seen
    assert ("01-ostpresse", "builders", 5000, 5000, None) in seen
    assert ("01-ostpresse", "troops", 10000, 12000, "between") in seen
    assert ("02-abendkurier", "deminers", 1000, 1000, None) in seen
    assert ("02-abendkurier", "troops", 14000, 14000, "about") in seen
    assert not any(f["source"] == "04-wetter" for f in figures)
    # "30 Tage kostenlos" in a newsletter ad is not a claim.
    assert not any(f["low"] == 30 for f in figures)


def test_one_alert_for_the_divergence_and_none_for_the_reprint(ingested: Path) -> None:
    alerts = as_json("alerts", state=ingested)
    assert len(alerts) == 1
    [alert] = alerts
    assert alert["claim"] == "troops"
    assert alert["new"]["source"] == "02-abendkurier"
    assert (alert["new"]["low"], alert["new"]["hedge"]) == (14000, "about")
    assert [(p["source"], p["low"], p["high"]) for p in alert["previous"]] == [
        ("01-ostpresse", 10000, 12000)
    ]


def test_reingesting_adds_nothing(ingested: Path) -> None:
    result = run("ingest", *sorted(str(p) for p in ARTICLES.glob("*.txt")), state=ingested)
    assert "0 new items" in result.stderr and "4 already seen" in result.stderr
    assert len(as_json("alerts", state=ingested)) == 1


def test_tables_show_what_json_holds(ingested: Path) -> None:
    out = run("alerts", state=ingested).stdout
    assert "troops: about 14,000 (02-abendkurier) vs 10,000–12,000 (01-ostpresse)" in out
    assert "Pjöngjang schickt Pioniere" in run("stories", state=ingested).stdout
    story = as_json("story", "1", state=ingested)
    assert {f["claim"] for f in story["figures"]} >= {"deminers", "builders", "troops"}


def test_demo_runs_offline_and_shows_alerts() -> None:
    result = run("demo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    claims = sorted(alert["claim"] for alert in data["alerts"])
    assert claims == ["killed", "troops"]
    troops = next(a for a in data["alerts"] if a["claim"] == "troops")
    assert troops["new"]["source"] == "Rheinblick"
    assert [p["source"] for p in troops["previous"]] == ["North Wire"]
    reprints = [i for s in data["stories"] for i in s["items"] if i["duplicate_of"]]
    assert [i["source"] for i in reprints] == ["Daily Courier"]
    titles = [s["title"] for s in data["stories"]]
    assert not any("Heatwave" in t for t in titles)
    # The Kursk deminers story: the wire, its reprint and the German write-up; the
    # casualty report from the day before is another story. Moscow's German answer to
    # that report joins it across languages when embeddings are on (issue 13).
    sources = sorted(sorted(i["source"] for i in s["items"]) for s in data["stories"])
    assert ["Daily Courier", "North Wire", "Rheinblick"] in sources
    casualties = ["Kyiv Ledger", "Rheinblick"] if load_encoder() else ["Kyiv Ledger"]
    assert casualties in sources
    table = run("demo").stdout
    assert "troops: about 14,000 (Rheinblick) vs 10,000–12,000 (North Wire)" in table


def test_extract_reads_stdin_and_touches_no_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "Seoul says more than 10,000 North Korean troops are in Russia.\n"
    result = run("extract", "-", input=text)
    assert result.exit_code == 0
    [fig] = json.loads(result.stdout)
    assert (fig["claim"], fig["low"], fig["high"], fig["hedge"]) == (
        "troops",
        10000,
        None,
        "more than",
    )
    assert not (tmp_path / "state").exists()
    lines = run(
        "extract", "--jsonl", "--all", input="In 2024, 500 workers came.\nNothing.\n"
    ).stdout
    first, second = (json.loads(line) for line in lines.splitlines())
    assert [(f["claim"], f["low"]) for f in first] == [(None, 2024), ("workers", 500)]
    assert second == []


def test_every_command_has_help() -> None:
    def walk(group: click.Group, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += walk(command, [*path, name])
            else:
                found.append([*path, name])
        return found

    for path in walk(cli, []):
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3, path


def test_listing_commands_take_json() -> None:
    listings = [
        "stories",
        "story",
        "explain",
        "figures",
        "claims",
        "alerts",
        "outbox",
        "feeds",
        "doctor",
        "demo",
    ]
    for name in listings:
        assert "--json" in run(name, "--help").stdout, name


def test_bad_config_is_one_line_without_traceback(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - name: x\n    url: gopher://example.org/feed\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "monitor",
            "--config",
            str(config),
            "--state",
            str(tmp_path / "s"),
            "poll",
            "--once",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "feeds[0].url" in proc.stderr and "(line 3)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_is_reported_and_the_rest_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(
        "ingest",
        str(tmp_path / "nope.txt"),
        str(ARTICLES / "01-ostpresse.txt"),
        state=tmp_path / "state",
    )
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr
    assert "1 new item," in result.stderr


def test_seeds_make_one_story_with_their_figures(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    seeds = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert run("ingest", *seeds, state=state).exit_code == 0
    stories = as_json("stories", state=state)
    assert [len(s["items"]) for s in stories] == [3]
    figures = as_json("figures", state=state)
    for item in stories[0]["items"]:
        mine = {(f["claim"], f["low"], f["high"]) for f in figures if f["item_id"] == item["id"]}
        assert ("deminers", 1000, 1000) in mine, item["source"]
        assert ("builders", 5000, 5000) in mine, item["source"]
    assert not any(f["low"] == 15000 for f in figures)
    assert as_json("alerts", state=state) == []
