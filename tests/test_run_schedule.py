"""`monitor run` as a real process against a real local HTTP server: each feed is polled
on its own schedule (conditional requests after the first), feeds added while it runs
are picked up, and a restart resumes the schedule without duplicating items."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from feedserver import running_server
from waiting import wait_for

from monitor.cli import cli

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    "<item><guid>r1</guid><title>North Korean troops in Russia</title>"
    "<description>About 11,000 North Korean troops are in Russia.</description></item>"
    "</channel></rss>"
)


def monitor(config: Path, state: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", "--config", str(config), "--state", str(state), *args]


def cli_json(config: Path, state: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["--config", str(config), "--state", str(state), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_run_polls_on_schedule_and_resumes_after_restart(tmp_path: Path) -> None:
    with running_server() as server:
        fast = server.route("/fast.xml", RSS, etag='"f1"')
        slow = server.route("/slow.xml", RSS.replace("r1", "s1"), etag='"s1"')
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "poll: {min_interval: 1, jitter: 0}\n"
            "feeds:\n"
            f"  - {{url: '{fast}', name: Fast, interval: 1}}\n"
            f"  - {{url: '{slow}', name: Slow, interval: 3600}}\n"
        )
        state = tmp_path / "state"
        proc = subprocess.Popen(monitor(config, state, "run"), stderr=subprocess.PIPE)
        try:
            wait_for(lambda: server.hits("/fast.xml") >= 2)
            late = server.route("/late.xml", RSS.replace("r1", "l1"))
            added = CliRunner().invoke(
                cli, ["--state", str(state), "feeds", "add", late, "--name", "Late"]
            )
            assert added.exit_code == 0, added.output
            wait_for(lambda: server.hits("/late.xml") >= 1)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            proc.kill()
        assert server.hits("/slow.xml") == 1  # hourly: not due again
        fast_requests = [r for r in server.requests if r.path == "/fast.xml"]
        assert all(r.headers.get("if-none-match") == '"f1"' for r in fast_requests[1:])

        before = server.hits("/fast.xml")
        proc = subprocess.Popen(monitor(config, state, "run"), stderr=subprocess.PIPE)
        try:
            wait_for(lambda: server.hits("/fast.xml") >= before + 1)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            proc.kill()
        assert server.hits("/slow.xml") == 1  # the restart kept its schedule
    feeds = cli_json(config, state, "feeds", "--json")
    assert {f["name"]: f["items_seen"] for f in feeds} == {"Fast": 1, "Slow": 1, "Late": 1}
    stories = cli_json(config, state, "stories", "--json")
    assert sum(len(story["items"]) for story in stories) == 3
