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
    assert (
        imported.exit_code == 0 and "2 feeds added, 0 re-added, 0 already known" in imported.stderr
    )
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


# ------------------------------------------------ adding again, names, removing again


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch directory as the working one: no ./feeds.yaml but the test's own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_adding_a_removed_feed_re_adds_it_under_the_name_given(here: Path) -> None:
    state = here / "state"
    url = "https://wire.example/rss.xml"
    assert run(state, "feeds", "add", url, "--name", "Old").exit_code == 0
    assert run(state, "feeds", "remove", "Old").exit_code == 0
    again = run(state, "feeds", "add", url, "--name", "New", "--interval", "600")
    assert (again.exit_code, again.stderr) == (0, f"re-added: New <{url}>\n")
    feeds = listed(state)
    assert list(feeds) == ["New"]
    assert (feeds["New"]["enabled"], feeds["New"]["status"], feeds["New"]["interval"]) == (
        True,
        "new",
        600,
    )
    removed = run(state, "feeds", "remove", "New")
    assert (removed.exit_code, removed.stderr) == (0, "removed: New\n")
    # Without --name it comes back under the name it had, its settings unchanged.
    kept = run(state, "feeds", "add", url)
    assert (kept.exit_code, kept.stderr) == (0, f"re-added: New <{url}>\n")
    assert listed(state)["New"]["interval"] == 600


def test_adding_a_polled_feed_again_keeps_it_and_its_name(here: Path) -> None:
    config = here / "feeds.yaml"
    config.write_text("feeds:\n  - {url: 'https://conf.example/rss', name: Conf}\n")
    state = here / "state"
    url = "https://added.example/rss"
    assert run(state, "feeds", "add", url, "--name", "Added").exit_code == 0
    same = run(state, "feeds", "add", url, "--name", "Added")
    assert (same.exit_code, same.stderr) == (0, f"already known: Added <{url}>\n")
    other = run(state, "feeds", "add", url, "--name", "Other")
    assert (other.exit_code, other.stderr) == (
        0,
        f"already known: Added <{url}> (kept its name; `--name` applies only to a new or"
        " removed feed)\n",
    )
    both = run(state, "feeds", "add", url, "--name", "Other", "--interval", "60")
    assert both.stderr == (
        f"already known: Added <{url}> (kept its name and settings; `--name`, `--interval`"
        " apply only to a new or removed feed)\n"
    )
    configured = run(state, "feeds", "add", "https://conf.example/rss", "--name", "X")
    assert (configured.exit_code, configured.stderr) == (
        0,
        "already known: Conf <https://conf.example/rss> (kept its name; `--name` applies"
        " only to a new or removed feed)\n",
    )
    feeds = listed(state)
    assert list(feeds) == ["Added"]  # the configured feed was not added to the state
    assert (feeds["Added"]["interval"], feeds["Added"]["enabled"]) == (900, True)


def test_a_name_another_feed_has_is_refused(here: Path) -> None:
    (here / "feeds.yaml").write_text(
        "feeds:\n  - {url: 'https://north.example/rss', name: North Wire}\n"
    )
    state = here / "state"
    configured = run(state, "feeds", "add", "https://new.example/rss", "--name", "North Wire")
    assert (configured.exit_code, configured.stderr) == (
        1,
        "Error: a feed named 'North Wire' exists already (https://north.example/rss);"
        " choose another --name\n",
    )
    assert not state.exists()  # refused before a state was made
    assert (
        run(state, "feeds", "add", "https://ledger.example/rss", "--name", "Ledger").exit_code == 0
    )
    added = run(state, "feeds", "add", "https://other.example/rss", "--name", "Ledger")
    assert (added.exit_code, added.stderr) == (
        1,
        "Error: a feed named 'Ledger' exists already (https://ledger.example/rss);"
        " choose another --name\n",
    )
    # A removed feed's name is free again, and `remove` by that name means the polled one.
    assert run(state, "feeds", "remove", "Ledger").exit_code == 0
    reused = run(state, "feeds", "add", "https://other.example/rss", "--name", "Ledger")
    assert (reused.exit_code, reused.stderr) == (
        0,
        "added: Ledger <https://other.example/rss>\n",
    )
    assert run(state, "feeds", "remove", "Ledger").stderr == "removed: Ledger\n"
    rows = json.loads(run(state, "feeds", "--json").stdout)
    assert sorted((row["url"], row["enabled"]) for row in rows) == [
        ("https://ledger.example/rss", False),
        ("https://other.example/rss", False),
    ]


def test_removing_a_removed_feed_says_so(here: Path) -> None:
    state = here / "state"
    url = "http://127.0.0.1:9/feed.xml"
    run(state, "feeds", "add", url, "--name", "Dead")
    first = run(state, "feeds", "remove", "Dead")
    assert (first.exit_code, first.stderr) == (0, "removed: Dead\n")
    for key in ("Dead", url):
        again = run(state, "feeds", "remove", key)
        assert (again.exit_code, again.stderr) == (0, f"already removed: Dead <{url}>\n")


def test_import_re_adds_removed_feeds_and_says_so(here: Path) -> None:
    state = here / "state"
    opml = here / "mine.opml"
    opml.write_text(OPML)
    assert run(state, "feeds", "import", str(opml)).exit_code == 0
    assert run(state, "feeds", "remove", "Wire").exit_code == 0
    again = run(state, "feeds", "import", str(opml))
    assert again.exit_code == 0, again.output
    assert again.stderr.splitlines() == [
        f"{opml}: skipped 'A web page': no xmlUrl",
        f"{opml}: skipped Bad <ftp://nope.example/x>: not an http(s) URL",
        f"{opml}: re-added Wire <https://wire.example/rss.xml>",
        f"{opml}: 0 feeds added, 1 re-added, 1 already known, 2 skipped",
    ]
    assert {name: row["enabled"] for name, row in listed(state).items()} == {
        "Ledger": True,
        "Wire": True,
    }


def test_export_ends_with_a_newline(here: Path) -> None:
    state = here / "state"
    run(state, "feeds", "add", "https://wire.example/rss.xml", "--name", "Wire")
    printed = run(state, "feeds", "export")
    assert printed.exit_code == 0 and printed.stdout.endswith("</opml>\n")
    assert not printed.stdout.endswith("\n\n")
    out = here / "feeds.opml"
    assert run(state, "feeds", "export", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == printed.stdout


def test_a_removed_feed_has_no_next_poll(here: Path) -> None:
    state = here / "state"
    with running_server() as server:
        live = server.route("/live.xml", RSS)
        gone = server.route("/gone.xml", RSS)
        run(state, "feeds", "add", live, "--name", "Live")
        run(state, "feeds", "add", gone, "--name", "Gone")
        assert run(state, "poll", "--once").exit_code == 0
    assert run(state, "feeds", "remove", "Gone").exit_code == 0
    feeds = listed(state)
    assert feeds["Gone"]["next_poll"] is not None  # stored, but not to be shown
    table = CliRunner(env={"COLUMNS": "120"}).invoke(cli, ["--state", str(state), "feeds"])
    rows = {
        cells[0]: cells
        for line in table.stdout.splitlines()
        if line.startswith("│")
        for cells in [[cell.strip() for cell in line.strip("│").split("│")]]
    }
    assert rows["Gone"][1] == "disabled" and rows["Gone"][5] == "-"
    assert rows["Live"][1] == "ok" and rows["Live"][5].startswith("in ")


def test_help_names_every_status_and_what_import_reports() -> None:
    listing = CliRunner().invoke(cli, ["feeds", "--help"]).stdout
    for status in ("ok", "new", "retrying", "failing", "gone", "disabled"):
        assert f"{status} (" in listing or f"{status}," in listing, status
    imported = " ".join(CliRunner().invoke(cli, ["feeds", "import", "--help"]).stdout.split())
    assert "reported on stderr, one line each, and so is a removed feed" in imported
    assert 'Feeds polled already, added or in feeds.yaml, are only counted ("already known")' in (
        imported
    )


def test_an_opml_title_is_stored_without_controls(tmp_path: Path) -> None:
    # XML 1.0 cannot hold C0 controls, but it can hold C1 and bidi controls, as
    # character references or as they are.
    opml = tmp_path / "hostile.opml"
    opml.write_text(
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><body>'
        '<outline type="rss" text="Wire&#x9b;2J &#x85;News&#x202e;lanruoJ"'
        ' xmlUrl="https://wire.example/rss.xml"/></body></opml>',
        encoding="utf-8",
    )
    state = tmp_path / "state"
    assert run(state, "feeds", "import", str(opml)).exit_code == 0
    assert list(listed(state)) == ["Wire NewslanruoJ"]  # the C1 CSI took "2J" with it
