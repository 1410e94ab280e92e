"""`monitor poll --once` end to end against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from feedserver import running_server, unused_url

from monitor.cli import cli

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"


def invoke(config: Path, state: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--config", str(config), "--state", str(state), *args])
    return result


def test_poll_once_fetches_processes_and_reports_each_feed(tmp_path: Path) -> None:
    with running_server() as server:
        wire = server.route("/wire.xml", (SAMPLES / "north-wire.xml").read_bytes(), etag='"w1"')
        rhein = server.route("/rb.xml", (SAMPLES / "rheinblick.xml").read_bytes(), gzip=True)
        broken = server.route("/broken.xml", b"oops", status=500)
        slow = server.route("/slow.xml", b"<rss/>", delay=5)
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "poll: {timeout: 1}\n"
            "feeds:\n"
            f"  - {{url: '{wire}', name: North Wire}}\n"
            f"  - {{url: '{rhein}', name: Rheinblick}}\n"
            f"  - {{url: '{broken}', name: Broken}}\n"
            f"  - {{url: '{slow}', name: Slow}}\n"
            f"  - {{url: '{unused_url()}', name: Nobody}}\n"
        )
        state = tmp_path / "state"

        first = invoke(config, state, "poll", "--once")
        assert first.exit_code == 0, first.output
        assert "4 new items" in first.stderr and "3 errors" in first.stderr

        feeds = {f["name"]: f for f in json.loads(invoke(config, state, "feeds", "--json").stdout)}
        assert feeds["North Wire"]["status"] == "ok" and feeds["North Wire"]["items_seen"] == 2
        assert feeds["Rheinblick"]["items_seen"] == 2
        assert feeds["Broken"]["failures"] == 1 and "500" in feeds["Broken"]["last_error"]
        assert feeds["Slow"]["failures"] == 1 and "within 1 s" in feeds["Slow"]["last_error"]
        assert feeds["Nobody"]["failures"] == 1

        alerts = json.loads(invoke(config, state, "alerts", "--json").stdout)
        assert [a["claim"] for a in alerts] == ["troops"]

        # Second poll: the wire feed answers 304 to our ETag; nothing is processed twice.
        second = invoke(config, state, "poll", "--once")
        assert "0 new items" in second.stderr
        wire_requests = [r for r in server.requests if r.path == "/wire.xml"]
        assert wire_requests[-1].headers.get("if-none-match") == '"w1"'
        assert len(json.loads(invoke(config, state, "alerts", "--json").stdout)) == 1
        feeds = {f["name"]: f for f in json.loads(invoke(config, state, "feeds", "--json").stdout)}
        assert feeds["Broken"]["failures"] == 2
        assert feeds["North Wire"]["items_seen"] == 2
