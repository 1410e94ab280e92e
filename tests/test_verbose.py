"""`-v` logs every decision, as its help promises: the topic's, the story's, each alert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


def ingest_articles(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`monitor [OPTIONS] ingest` of the article fixtures into a new state, as a process."""
    files = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    result = subprocess.run(
        [sys.executable, "-m", "monitor", *options, "--state", str(tmp_path), "ingest"]
        + ["--no-deliver", *files],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_verbose_ingest_logs_each_decision(tmp_path: Path) -> None:
    result = ingest_articles(tmp_path, "-v")
    decisions = [line for line in result.stderr.splitlines() if line.startswith("DEBUG ")]
    by_source = {line.split(":")[0].removeprefix("DEBUG "): line for line in decisions}
    assert "skipped: russia-north-korea: no term of group" in by_source["04-wetter"]
    assert "topic russia-north-korea; new story" in by_source["01-ostpresse"]
    assert "topic russia-north-korea; reprint of item" in by_source["03-abendkurier-nachdruck"]
    alerts = [line for line in decisions if ": contradiction: " in line]
    assert len(alerts) == 1 and "02-abendkurier" in alerts[0]
    assert "about 14,000 does not fit 10,000–12,000" in alerts[0]


def test_without_verbose_the_decisions_are_not_logged(tmp_path: Path) -> None:
    result = ingest_articles(tmp_path)
    assert "DEBUG" not in result.stderr
    assert result.stderr.strip().endswith("1 reprint, 1 alert")


def test_library_loggers_add_nothing_even_with_verbose(tmp_path: Path) -> None:
    """httpx would log each request's URL at INFO (a Slack webhook URL is a secret) and
    httpcore each connection step at DEBUG: only monitor's own lines are shown."""
    from feedserver import running_server

    samples = Path(__file__).resolve().parents[1] / "monitor" / "samples"
    with running_server() as server:
        url = server.route("/wire.xml", (samples / "north-wire.xml").read_bytes())
        config = tmp_path / "feeds.yaml"
        config.write_text(f"feeds:\n  - {{url: '{url}', name: Wire}}\n")
        result = subprocess.run(
            [sys.executable, "-m", "monitor", "-v", "--config", str(config)]
            + ["--state", str(tmp_path / "s"), "poll", "--once"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    assert "DEBUG Wire: HTTP 200, 2 new items" in result.stderr
    assert "HTTP Request" not in result.stderr and "connect_tcp" not in result.stderr
    assert "selector" not in result.stderr
    assert "127.0.0.1" not in result.stderr.replace(url, "")  # no library line names the host
