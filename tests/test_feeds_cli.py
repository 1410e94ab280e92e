"""`monitor feeds` and its subcommands through the real CLI and a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from feedserver import running_server

from monitor.cli import cli

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    "<item><guid>x1</guid><title>Russia and North Korea</title></item></channel></rss>"
)
OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="News">
    <outline type="rss" text="Wire" title="Wire" xmlUrl="https://wire.example/rss.xml"/>
    <outline type="rss" text="Ledger" xmlUrl="https://ledger.example/atom.xml"/>
  </outline>
  <outline type="link" text="A web page" url="https://example.org/"/>
  <outline type="rss" text="Bad" xmlUrl="ftp://nope.example/x"/>
</body></opml>
"""


def run(state: Path, *args: str, config: Path | None = None) -> Any:
    options = ["--state", str(state)] + (["--config", str(config)] if config else [])
    return CliRunner().invoke(cli, [*options, *args])


def listed(state: Path, config: Path | None = None) -> dict[str, dict[str, Any]]:
    result = run(state, "feeds", "--json", config=config)
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_add_list_remove(tmp_path: Path) -> None:
    state = tmp_path / "state"
    added = run(state, "feeds", "add", "https://www.example.org/rss.xml", "--fulltext")
    assert added.exit_code == 0 and "added: example.org" in added.stderr
    again = run(state, "feeds", "add", "https://www.example.org/rss.xml", "--name", "Ex")
    assert "already known" in again.stderr
    row = listed(state)["example.org"]
    assert (row["status"], row["enabled"], row["configured"], row["fulltext"]) == (
        "new",
        True,
        False,
        True,
    )
    assert row["added"] is not None and row["interval"] == 900
    table = run(state, "feeds").stdout  # the table, without a subcommand
    assert table.startswith("Feeds") and "│ new " in table
    removed = run(state, "feeds", "remove", "example.org")
    assert removed.exit_code == 0 and "removed: example.org" in removed.stderr
    assert listed(state)["example.org"]["status"] == "disabled"


def test_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    bad = run(state, "feeds", "add", "not a url")
    assert bad.exit_code == 1 and bad.stderr.strip() == "Error: not a url: not an http(s) feed URL"
    missing = run(state, "feeds", "remove", "nothing")
    assert missing.exit_code == 1 and "no feed 'nothing'" in missing.stderr
    garbage = tmp_path / "garbage.opml"
    garbage.write_text("<opml><body>")
    broken = run(state, "feeds", "import", str(garbage))
    assert broken.exit_code == 1 and "not an OPML file" in broken.stderr
    assert listed(state) == {}


def test_configured_feed_is_removed_in_the_file(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - {url: 'https://conf.example/rss', name: Conf}\n")
    state = tmp_path / "state"
    with running_server():
        run(state, "poll", "--once", config=config)  # records it in the store
    refused = run(state, "feeds", "remove", "Conf", config=config)
    assert refused.exit_code == 1 and "listed in feeds.yaml" in refused.stderr


def test_import_then_export_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "state"
    opml = tmp_path / "mine.opml"
    opml.write_text(OPML)
    imported = run(state, "feeds", "import", str(opml))
    assert imported.exit_code == 0 and "2 feeds added, 0 already known" in imported.stderr
    assert sorted(listed(state)) == ["Ledger", "Wire"]
    exported = run(state, "feeds", "export")
    assert exported.exit_code == 0
    again = tmp_path / "again.opml"
    again.write_text(exported.stdout)
    other = tmp_path / "other"
    assert "2 feeds added" in run(other, "feeds", "import", str(again)).stderr
    assert {r["url"] for r in listed(other).values()} == {
        "https://wire.example/rss.xml",
        "https://ledger.example/atom.xml",
    }


def test_added_feed_is_polled_without_a_feeds_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not in the checkout: its feeds.yaml (real feeds, unreachable here) would be polled too.
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    with running_server() as server:
        url = server.route("/added.xml", RSS)
        run(state, "feeds", "add", url, "--name", "Added")
        polled = run(state, "poll", "--once", config=None)
        assert polled.exit_code == 0, polled.output
        assert "1 new item" in polled.stderr and server.hits("/added.xml") == 1
    row = listed(state)["Added"]
    assert row["status"] == "ok" and row["items_seen"] == 1
