"""`monitor live` on a real terminal (tmux) and rendered at fixed sizes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from monitor.cli import cli
from monitor.store import Store
from monitor.types import Analysis, Item, StoryMatch, TopicMatch
from monitor.ui.live import snapshot, view

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"
EVIL = "\x1b[2J\x1b[31mRED\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 [bold]markup[/bold]"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state with the demo's stories and alerts, one dead feed, and a hostile title."""
    config = tmp_path / "feeds.yaml"
    lines = [
        f"  - {{url: '{(SAMPLES / name).as_uri()}', name: {name[:-4]}}}\n"
        for name in ["kyiv-ledger.xml", "north-wire.xml", "daily-courier.xml", "rheinblick.xml"]
    ]
    config.write_text(
        "feeds:\n" + "".join(lines) + "  - {url: 'http://127.0.0.1:9/x', name: dead}\n"
    )
    state = tmp_path / "state"
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--state", str(state), "poll", "--once"]
    )
    assert result.exit_code == 1, result.output  # the dead feed failed (issue 15)
    # Straight into the store, past the parser that would strip it: the view must cope too.
    with Store.open(state) as store:
        item = Item(
            source="Evil\x1b[5m Times",
            guid="evil-1",
            title=f"Kim and Putin {EVIL}",
            text="Nordkorea Russland",
            url=None,
            published=datetime.now(UTC),
        )
        store.save(Analysis(item, TopicMatch("t", "x"), StoryMatch(None, None, 0, "new story")))
    return state


def test_view_fits_80x24_and_strips_escape_codes(state: Path) -> None:
    console = Console(width=80, height=24, record=True, color_system=None, force_terminal=False)
    with Store.open(state) as store:
        console.print(view(snapshot(store, datetime.now(UTC)), 80, 24))
    screen = console.export_text()
    lines = screen.splitlines()
    assert len(lines) == 24 and max(len(line) for line in lines) <= 80
    assert "troops: about 14,000 (rheinblick) vs 10,000–12,000 (north-wire)" in screen
    assert "killed: about 600 (rheinblick) vs more than 1,000 (kyiv-ledger)" in screen
    assert "failing" in screen and "connection refused" in screen
    assert "Kim and Putin" in screen and "[bold]markup[/bold]" in screen
    assert "\x1b" not in screen and "\x07" not in screen


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
def test_live_in_a_real_terminal(state: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    width, height = size
    session = f"monitor-live-test-{width}"
    socket = str(tmp_path / "tmux.sock")
    command = f"{sys.executable} -m monitor --state {state} live --refresh 0.5"
    tmux(
        "-S",
        socket,
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        str(width),
        "-y",
        str(height),
        command,
    )
    try:
        screen = ""
        deadline = time.monotonic() + 15
        # Wait for the whole first frame, not its first line: under load the pane was
        # captured after the header and before the rows were drawn.
        expected = ("troops: about 14,000 (rheinblick)", "Kim and Putin", "RED")
        while time.monotonic() < deadline and not all(text in screen for text in expected):
            time.sleep(0.3)
            screen = tmux("-S", socket, "capture-pane", "-p", "-t", session)
        lines = screen.splitlines()
        assert "troops: about 14,000 (rheinblick)" in screen
        assert "Kim and Putin" in screen
        assert "RED" in screen and "evil.example" not in screen  # the OSC 8 link is gone
        assert all(len(line) <= width for line in lines)
        assert lines[0].startswith("monitor live")  # nothing scrolled or cleared the header
        tmux("-S", socket, "send-keys", "-t", session, "C-c")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = (
                subprocess.run(
                    ["tmux", "-S", socket, "has-session", "-t", session], capture_output=True
                ).returncode
                == 0
            )
            if not alive:
                break
            time.sleep(0.2)
        assert not alive, "monitor live did not exit on Ctrl-C"
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)


def test_live_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--state", str(tmp_path / "none"), "live", "--once"])
    assert result.exit_code == 1
    assert "no database" in result.stderr and "poll --once" in result.stderr
    assert not (tmp_path / "none").exists()
