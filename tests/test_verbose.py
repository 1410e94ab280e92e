"""`-v` logs every decision, as its help promises: the topic's, the story's, each alert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


def test_verbose_ingest_logs_each_decision(tmp_path: Path) -> None:
    files = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "-v", "--state", str(tmp_path), "ingest", "--no-deliver"]
        + files,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    decisions = [line for line in result.stderr.splitlines() if line.startswith("DEBUG ")]
    by_source = {line.split(":")[0].removeprefix("DEBUG "): line for line in decisions}
    assert "skipped: russia-north-korea: no term of group" in by_source["04-wetter"]
    assert "topic russia-north-korea; new story" in by_source["01-ostpresse"]
    assert "topic russia-north-korea; reprint of item" in by_source["03-abendkurier-nachdruck"]
    alerts = [line for line in decisions if ": contradiction: " in line]
    assert len(alerts) == 1 and "02-abendkurier" in alerts[0]
    assert "about 14,000 does not fit 10,000–12,000" in alerts[0]


def test_without_verbose_the_decisions_are_not_logged(tmp_path: Path) -> None:
    files = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--state", str(tmp_path), "ingest", "--no-deliver"]
        + files,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG" not in result.stderr
    assert result.stderr.strip().endswith("1 reprint, 1 alert")
