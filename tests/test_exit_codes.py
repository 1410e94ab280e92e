"""Issue 15: exit codes scripts can trust, through the real CLI and a real SQLite file.

A poll with errors is not a success; a read-only command never creates a state; a filter
or an id that names nothing fails with one line; `feeds import` says what it left out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from feedserver import running_server

from monitor.cli import cli

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SAMPLES = Path(__file__).parent.parent / "monitor" / "samples"


def run(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args))


def error_line(result: Any) -> str:
    """The one line a failed command printed on stderr (nothing on stdout)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return str(lines[0])


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real state made by `monitor ingest` of the article fixtures (one alert)."""
    monkeypatch.chdir(tmp_path)  # no ./feeds.yaml: the defaults apply
    made = tmp_path / "state"
    result = run("--state", str(made), "ingest", *sorted(str(p) for p in ARTICLES.glob("*.txt")))
    assert result.exit_code == 0, result.output
    return made


def poll_config(tmp_path: Path, *feeds: str) -> Path:
    lines = "".join(f"  - {{url: {url}, name: F{i}}}\n" for i, url in enumerate(feeds))
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n" + lines, encoding="utf-8")
    return config


# ------------------------------------------------------------------------------ poll


def test_poll_without_errors_exits_0(tmp_path: Path) -> None:
    config = poll_config(tmp_path, str(SAMPLES / "north-wire.xml"))
    result = run("--config", str(config), "--state", str(tmp_path / "s"), "poll", "--once")
    assert result.exit_code == 0, result.output
    assert "new items" in result.stderr.splitlines()[-1]


def test_poll_with_some_feeds_failing_exits_1_and_still_summarises(tmp_path: Path) -> None:
    config = poll_config(tmp_path, str(SAMPLES / "north-wire.xml"), str(tmp_path / "gone.xml"))
    result = run("--config", str(config), "--state", str(tmp_path / "s"), "poll", "--once")
    assert result.exit_code == 1, result.output
    summary = result.stderr.splitlines()[-1]
    assert summary.endswith(", 1 error") and "new items" in summary


def test_poll_with_every_feed_failing_exits_3(tmp_path: Path) -> None:
    config = poll_config(tmp_path, str(tmp_path / "a.xml"), str(tmp_path / "b.xml"))
    result = run("--config", str(config), "--state", str(tmp_path / "s"), "poll", "--once")
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines()[-1] == (
        "0 new items, 0 on topic, 0 skipped, 0 reprints, 0 alerts, 2 errors"
    )


def test_ingest_of_a_missing_file_exits_1_after_the_others(tmp_path: Path) -> None:
    state = tmp_path / "s"
    good = str(ARTICLES / "01-ostpresse.txt")
    result = run("--state", str(state), "ingest", good, str(tmp_path / "missing.txt"))
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].startswith("1 new item, ")


def test_every_ingest_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<!DOCTYPE html><html><body>Hi</body></html>")
    (tmp_path / "bin.xml").write_bytes(bytes(range(256)))
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.txt").mkdir()
    names = ["page.html", "bin.xml", "folder", "folder.txt", "missing.xml"]
    result = run(
        "--state", str(tmp_path / "s"), "ingest", *(str(tmp_path / name) for name in names)
    )
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR ")]
    assert errors == [
        f"ERROR {tmp_path / 'page.html'}: an HTML page, not a feed",
        f"ERROR {tmp_path / 'bin.xml'}: binary data, not a feed",
        f"ERROR {tmp_path / 'folder'}: is a directory (give the files in it, e.g."
        f" {tmp_path / 'folder' / '*.xml'})",
        f"ERROR {tmp_path / 'folder.txt'}: is a directory (give the files in it, e.g."
        f" {tmp_path / 'folder.txt' / '*.xml'})",
        f"ERROR {tmp_path / 'missing.xml'}: no such file",
    ]
    assert result.stderr.splitlines()[-1].endswith(", 5 errors")


# ------------------------------------------------------------------ feeds: [] (issue 15)


def test_poll_and_run_without_any_feed_say_so_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    expected = (
        "Error: no feeds to poll: feeds.yaml lists none enabled and none were added to s"
        " (`monitor --state s feeds add URL`)"
    )
    assert error_line(run("--state", "s", "poll", "--once")) == expected
    # `run` in its own process: were the check gone, it would poll nothing for ever.
    daemon = subprocess.run(
        [sys.executable, "-m", "monitor", "--state", "s", "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (daemon.returncode, daemon.stderr.strip()) == (1, expected)


def test_poll_and_run_failing_for_their_configuration_create_no_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "s"
    empty = tmp_path / "empty.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    nothing = run("--config", str(empty), "--state", str(state), "poll", "--once")
    assert error_line(nothing).startswith("Error: no feeds to poll: ")
    missing = run("--config", "missing.yaml", "--state", str(state), "poll", "--once")
    assert error_line(missing) == "Error: missing.yaml: no such file"
    assert not state.exists()
    # No feeds.yaml at all, and `run` with its default state dir, in its own process.
    daemon = subprocess.run(
        [sys.executable, "-m", "monitor", "run"], capture_output=True, text=True, timeout=60
    )
    assert daemon.returncode == 1
    assert daemon.stderr.startswith("Error: no feeds configured: feeds.yaml not found")
    assert list(tmp_path.iterdir()) == [empty]  # no state/, no s/


def test_with_feeds_empty_ingest_works_and_added_feeds_are_polled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    ingested = run("--state", "s", "ingest", str(ARTICLES / "01-ostpresse.txt"))
    assert ingested.exit_code == 0, ingested.output
    assert ingested.stderr.splitlines()[-1].startswith("1 new item, 1 on topic")
    with running_server() as server:
        url = server.route("/wire.xml", (SAMPLES / "north-wire.xml").read_bytes())
        assert run("--state", "s", "feeds", "add", url, "--name", "Wire").exit_code == 0
        polled = run("--state", "s", "poll", "--once")
    assert polled.exit_code == 0, polled.output
    assert polled.stderr.splitlines()[-1].startswith("2 new items, 2 on topic")


# ----------------------------------------------------------------- read-only commands

READ_ONLY = [
    ["stories"],
    ["story", "1"],
    ["alerts"],
    ["alert", "1"],
    ["claims"],
    ["figures"],
    ["explain", "1"],
    ["feeds"],
    ["feeds", "export"],
    ["outbox"],
    ["live", "--once"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_read_only_command_never_creates_a_state(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "stat"
    result = run("--state", str(typo), *command)
    assert result.exit_code == 1, result.output
    assert error_line(result) == (
        f"Error: no database in {typo} yet — run `monitor --state {typo} poll --once`,"
        f" `monitor --state {typo} ingest FILE...` or `monitor demo --state {typo}`"
    )
    assert not typo.exists()


def test_read_only_command_leaves_an_empty_state_dir_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("--state", str(empty), "alerts")
    assert result.exit_code == 1
    assert list(empty.iterdir()) == []


# --------------------------------------------------------------- unknown claims, ids


@pytest.mark.parametrize("command", ["figures", "claims"])
def test_unknown_claim_fails_with_a_did_you_mean(command: str, state: Path) -> None:
    result = run("--state", str(state), command, "--claim", "troop")
    assert result.exit_code == 1
    assert error_line(result) == "Error: unknown claim 'troop' (did you mean 'troops'?)"


def test_unknown_claim_without_a_close_one_lists_the_known(state: Path) -> None:
    result = run("--state", str(state), "figures", "--claim", "zzz")
    assert result.exit_code == 1
    assert error_line(result).startswith("Error: unknown claim 'zzz' (known: builders, ")


def test_known_claims_and_claim_keys_pass(state: Path) -> None:
    for command in ("figures", "claims"):
        for claim in ("troops", "troops/deployment", "missiles"):
            result = run("--state", str(state), command, "--claim", claim, "--json")
            assert result.exit_code == 0, result.output


def test_claim_from_the_configuration_is_known(state: Path, tmp_path: Path) -> None:
    config = tmp_path / "claims.yaml"
    config.write_text(
        f"feeds: [{{url: {SAMPLES / 'north-wire.xml'}, name: W}}]\n"
        "claims:\n  drones:\n    en: [drone]\n",
        encoding="utf-8",
    )
    ok = run("--config", str(config), "--state", str(state), "figures", "--claim", "drones")
    assert ok.exit_code == 0, ok.output
    typo = run("--config", str(config), "--state", str(state), "claims", "--claim", "drone")
    assert typo.exit_code == 1
    assert error_line(typo) == "Error: unknown claim 'drone' (did you mean 'drones'?)"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["story", "999"], "Error: no story 999"),
        (["alert", "999"], "Error: no alert 999"),
        (["explain", "999"], "Error: no item 999"),
        (["explain", "--alert", "999"], "Error: no alert 999"),
        (["explain", "--figure", "999"], "Error: no figure 999"),
        (
            ["outbox", "retry", "--id", "999"],
            "Error: no outbox row 999 (`monitor outbox --all` lists them)",
        ),
    ],
)
def test_an_id_that_does_not_exist_is_one_line_and_exit_1(
    command: list[str], message: str, state: Path
) -> None:
    result = run("--state", str(state), *command)
    assert result.exit_code == 1
    assert error_line(result) == message


# ------------------------------------------------------------------------ feeds import

OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Export</title></head><body>
  <outline text="Folder">
    <outline type="rss" text="Wire" xmlUrl="https://wire.example/rss.xml"/>
    <outline type="rss" text="Local" xmlUrl="file:///srv/feeds/local.xml"/>
  </outline>
  <outline type="rss" text="No URL"/>
  <outline type="rss" text="Wire again" xmlUrl="https://wire.example/rss.xml"/>
  <outline type="rss" text="Ledger" xmlUrl="https://ledger.example/atom.xml"/>
</body></opml>
"""


def test_feeds_import_reports_every_skipped_entry(tmp_path: Path) -> None:
    opml = tmp_path / "export.opml"
    opml.write_text(OPML, encoding="utf-8")
    state = tmp_path / "s"
    result = run("--state", str(state), "feeds", "import", str(opml))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{opml}: skipped Local <file:///srv/feeds/local.xml>: file:// URL (import adds "
        "http(s) feeds; list local files in feeds.yaml)",
        f"{opml}: skipped 'No URL': no xmlUrl",
        f"{opml}: skipped Wire again <https://wire.example/rss.xml>: duplicate",
        f"{opml}: 2 feeds added, 0 re-added, 0 already known, 3 skipped",
    ]


def test_feeds_import_with_nothing_importable_exits_1(tmp_path: Path) -> None:
    opml = tmp_path / "local.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" text="L" xmlUrl="file:///x.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    result = run("--state", str(tmp_path / "s"), "feeds", "import", str(opml))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{opml}: skipped L <file:///x.xml>: file:// URL (import adds http(s) feeds; "
        "list local files in feeds.yaml)",
        f"Error: {opml}: no http(s) feed to import (1 skipped)",
    ]


@pytest.mark.parametrize("command", ["stories", "alerts", "figures", "claims"])
def test_a_topic_filter_keeps_its_topic_and_an_unknown_one_says_did_you_mean(
    state: Path, command: str
) -> None:
    everything = run("--state", str(state), command, "--json")
    kept = run("--state", str(state), command, "--json", "--topic", "russia-north-korea")
    assert kept.exit_code == 0, kept.output
    assert kept.stdout == everything.stdout and kept.stdout.strip() != "[]"

    typo = run("--state", str(state), command, "--topic", "russia-north-corea")
    assert typo.exit_code == 1
    assert error_line(typo) == (
        "Error: unknown topic 'russia-north-corea' (did you mean 'russia-north-korea'?)"
    )


def test_a_topic_filter_leaves_out_other_topics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two topics in force: each listing keeps only its own topic's rows."""
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds: []\ntopics:\n  - {name: weather, all: [[unwetter]]}\n  - extends: default\n"
    )
    made = tmp_path / "state"
    files = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    assert run("--config", str(config), "--state", str(made), "ingest", *files).exit_code == 0
    base = ("--config", str(config), "--state", str(made))
    weather = run(*base, "stories", "--json", "--topic", "weather")
    titles = [story["title"] for story in json.loads(weather.stdout)]
    assert titles == ["Unwetter über Bayern"]
    assert run(*base, "alerts", "--json", "--topic", "weather").stdout.strip() == "[]"
    kursk = json.loads(run(*base, "stories", "--json", "--topic", "russia-north-korea").stdout)
    assert "Unwetter über Bayern" not in [story["title"] for story in kursk]
    assert len(kursk) == 1
