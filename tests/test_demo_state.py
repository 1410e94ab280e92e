"""Issue 15: `monitor demo --state DIR` keeps its state and suggests three commands on it,
which run; again on its own state it starts afresh; any other database is refused."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import as_json, run

NEXT = [
    "monitor --state demo-state story 2",
    "monitor --state demo-state explain --alert 1",
    "monitor --state demo-state claims",
]


def suggested(output: str) -> list[str]:
    """The commands after "Next, try:" (the last lines of the demo's output)."""
    lines = output.splitlines()
    start = lines.index("Kept in demo-state. Next, try:") + 1
    return [line.strip() for line in lines[start:]]


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./feeds.yaml, and the state path is relative
    return tmp_path


def test_demo_keeps_its_state_and_the_three_suggested_commands_run(cwd: Path) -> None:
    result = run("demo", "--state", "demo-state")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Polled 4 bundled sample feeds: 7 new items, 6 on topic")
    assert suggested(result.stdout) == NEXT
    assert (cwd / "demo-state" / "monitor.db").is_file()

    outputs = []
    for command in suggested(result.stdout):
        argv = [sys.executable, "-m", "monitor", *shlex.split(command)[1:]]
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    story, alert, claims = outputs
    assert story.startswith("Story 2: North Korea pledges deminers and military builders")
    assert "Daily Courier" in story and "Rheinblick" in story
    assert alert.startswith("alert 1: contradiction, active, claim troops")
    assert "about 14,000 does not fit 10,000–12,000 (North Wire)" in alert
    assert "troops" in claims and "killed" in claims

    # The ids named are those of the kept state: story 2 has the most sources, and
    # alert 1 was raised in it.
    stories = {row["id"]: row for row in as_json("--state", "demo-state", "stories")}
    assert max(stories.values(), key=lambda row: row["sources"])["id"] == 2
    assert stories[2]["sources"] == 3
    [alert_1] = [row for row in as_json("--state", "demo-state", "alerts") if row["id"] == 1]
    assert (alert_1["claim"], alert_1["new"]["story_id"]) == ("troops", 2)


def test_the_global_state_option_keeps_it_too_and_json_stays_pure(cwd: Path) -> None:
    result = run("--state", "demo-state", "demo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # nothing but the JSON on stdout
    assert sorted(alert["claim"] for alert in data["alerts"]) == ["killed", "troops"]
    assert suggested(result.stderr) == NEXT
    stored = as_json("--state", "demo-state", "stories")
    assert [row["id"] for row in stored] == [row["id"] for row in data["stories"]]


def test_demo_again_on_its_own_state_starts_afresh(cwd: Path) -> None:
    first = as_json("demo", "--state", "demo-state")
    again = run("demo", "--state", "demo-state")
    assert again.exit_code == 0, again.output
    assert "7 new items" in again.stdout.splitlines()[0]  # not "0 new items": afresh
    assert suggested(again.stdout) == NEXT
    assert as_json("--state", "demo-state", "stories") == first["stories"]
    assert len(as_json("--state", "demo-state", "alerts")) == 2


def test_a_state_that_is_not_a_demos_is_refused_and_left_alone(cwd: Path) -> None:
    article = Path(__file__).parent / "fixtures" / "articles" / "01-ostpresse.txt"
    assert run("--state", "mine", "ingest", str(article)).exit_code == 0
    before = as_json("--state", "mine", "stories")
    refused = run("demo", "--state", "mine")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Error: mine holds a database that is not the demo's;"
        " give `monitor demo --state` a new directory"
    ]
    assert refused.stdout == ""
    assert as_json("--state", "mine", "stories") == before


def test_without_state_the_demo_leaves_nothing_and_says_how_to_keep_it(cwd: Path) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "The state was temporary: `monitor demo --state DIR` keeps it to explore."
    )
    assert list(cwd.iterdir()) == []


def test_the_no_database_hint_leads_to_the_demo(cwd: Path) -> None:
    missing = run("--state", "demo-state", "stories")
    assert missing.exit_code == 1
    assert "`monitor demo --state demo-state`" in missing.stderr
    assert run("demo", "--state", "demo-state").exit_code == 0
    assert len(as_json("--state", "demo-state", "stories")) >= 3


def test_two_different_states_are_a_usage_error(cwd: Path) -> None:
    result = run("--state", "a", "demo", "--state", "b")
    assert result.exit_code == 2
    assert "--state given twice: a and b" in result.stderr
    assert not (cwd / "a").exists() and not (cwd / "b").exists()
