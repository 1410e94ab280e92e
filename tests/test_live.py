"""`monitor live` on a real terminal (tmux), through a pipe, and rendered at fixed sizes."""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import sqlite3
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from monitor.cli import cli
from monitor.store import DB_FILENAME, Store
from monitor.types import Analysis, Item, StoryMatch, TopicMatch
from monitor.ui.live import alert_line, is_quit, print_once, quit_keys

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"
EVIL = "\x1b[2J\x1b[31mRED\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 [bold]markup[/bold]"
RLO = "\u202e"  # right-to-left override: would reverse the rest of the line on screen
QUOTES = [  # the alerts' quotes in the samples: #2 new, #2 was, #1 new, #1 was
    "“etwa 600 nordkoreanische Soldaten getötet”",
    "“More than 1,000 North Korean soldiers killed”",
    "“etwa 14.000 nordkoreanische Soldaten”",
    "“between 10,000 and 12,000 North Korean troops”",
]


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state with the demo's stories and alerts, one dead feed, and hostile text in a
    title and in a quote; one for the module, as the view only reads it."""
    tmp_path = tmp_path_factory.mktemp("live")
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
            title=f"Kim and Putin {RLO}{EVIL}",
            text="Nordkorea Russland",
            url=None,
            published=datetime.now(UTC),
        )
        store.save(Analysis(item, TopicMatch("t", "x"), StoryMatch(None, None, 0, "new story")))
    with sqlite3.connect(state / DB_FILENAME) as db:  # the figure alert #1 contradicts
        db.execute(
            "UPDATE figures SET text = ? || text || ?"
            " WHERE id IN (SELECT figure_id FROM alert_previous WHERE alert_id = 1)",
            [RLO, "\x1b[2J\x07"],
        )
    db.close()
    return state


def frame(state: Path, width: int, height: int) -> list[str]:
    console = Console(width=width, height=height, record=True, file=io.StringIO())
    with Store.open(state) as store:
        print_once(store, console, datetime.now(UTC))
    lines = console.export_text().splitlines()
    assert len(lines) == height and max(len(line) for line in lines) <= width
    return lines


def test_view_fits_80x24_and_strips_escape_codes(state: Path) -> None:
    screen = "\n".join(frame(state, 80, 24))
    assert "#1 troops: about 14,000 (rheinblick) vs 10,000–12,000 (north-wire)" in screen
    assert "#2 contradiction · killed" in screen and QUOTES[0] in screen
    assert "failing" in screen and "connection refused" in screen
    assert "Kim and Putin REDlink [bold]markup[/bold]" in screen
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", screen)


def test_a_tall_frame_shows_each_alert_with_its_quotes_and_sources(state: Path) -> None:
    lines = frame(state, 100, 40)
    body = [line.strip("│ ") for line in lines[2 : lines.index(next(x for x in lines if "╰" in x))]]
    assert body == [
        "#2 contradiction · killed · 06-19 10:00 UTC",
        "new  about 600 · rheinblick · according to russischen Angaben",
        QUOTES[0],
        "was  more than 1,000 · kyiv-ledger · according to Kyiv",
        QUOTES[1],
        "#1 contradiction · troops · 06-18 05:45 UTC",
        "new  about 14,000 · rheinblick · according to ukrainischen Militärgeheimdienstes",
        QUOTES[2],
        "was  10,000–12,000 · north-wire"
        " · according to South Korea's National Intelligence Service",
        QUOTES[3],
    ]
    stories = "\n".join(lines)
    assert re.search(r"│ +1 +More than 1,000 North Korean soldiers killed in Kursk", stories)


def test_a_short_frame_puts_each_alert_on_one_line(state: Path) -> None:
    lines = frame(state, 100, 14)
    assert [line.strip("│ ") for line in lines[2:4]] == [
        "#2 06-19 10:00 contradiction killed: about 600 (rheinblick)"
        " vs more than 1,000 (kyiv-ledger)",
        "#1 06-18 05:45 contradiction troops: about 14,000 (rheinblick)"
        " vs 10,000–12,000 (north-wire)",
    ]
    assert lines[4].startswith("╰") and not any("“" in line for line in lines)


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (66, "#1 troops: about 14,000 (rheinblick) vs 10,000–12,000 (north-wire)"),
        (65, "#1 troops: about 14,000 vs 10,000–12,000"),
        (40, "#1 troops: about 14,000 vs 10,000–12,000"),
        (39, "#1 troops: about 14,000 vs…"),
    ],
)
def test_one_line_gives_up_names_before_numbers(state: Path, width: int, expected: str) -> None:
    with Store.open(state) as store:
        alert = store.alert(1)
    assert alert is not None
    assert alert_line(alert, width).plain == expected


WHOLE_ALERT = "14,000 troops in Kursk (Kyiv Post) vs 11,000 troops in Russia (Seoul Wire)"


def figure(low: int, source: str, claim: str, place: str | None) -> dict[str, Any]:
    return {"claim": claim, "low": low, "high": low, "place": place, "source": source}


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (100, "#7 contradiction troops: " + WHOLE_ALERT),
        (90, "#7 troops: " + WHOLE_ALERT),
        (70, "#7 troops: 14,000 troops in Kursk vs 11,000 troops in Russia"),
        (50, "#7 troops: 14,000 troops in Kursk vs 11,000 troop…"),
        (38, "#7 troops: 14,000 troops in Kursk vs…"),
        (30, "#7 troops: 14,000 troops in K…"),
        (14, "#7 troops:…"),
    ],
)
def test_one_line_says_what_a_part_and_its_whole_count_and_never_cuts_a_number(
    width: int, expected: str
) -> None:
    alert = {
        "id": 7,
        "kind": "contradiction",
        "claim": "troops",
        "created": "2025-02-03T06:00:00+00:00",
        "new": figure(14000, "Kyiv Post", "troops", "kursk"),
        "previous": [figure(11000, "Seoul Wire", "troops", "russia")],
    }
    line = alert_line(alert, width)
    assert line.plain == expected and line.cell_len <= width


@pytest.mark.parametrize(
    ("keys", "quits"),
    [
        (b"q", True),
        (b"Q", True),
        (b"\x1b", True),  # a lone Esc: nothing followed it in time
        (b"x\x1b", True),
        (b"\x1b\x1b", True),
        (b"\x1b[A", False),  # arrows, in both terminal modes
        (b"\x1bOB", False),
        (b"\x1b[1;5C", False),  # Ctrl+Right
        (b"\x1b\x1b[A", False),  # Alt+Up in some terminals
        (b"\x1bq", False),  # Alt+q
        (b"\x1b[Aq", True),
        (b"x", False),
    ],
)
def test_is_quit(keys: bytes, quits: bool) -> None:
    assert is_quit(keys) is quits


def test_quit_keys_read_a_terminal_and_give_it_back_even_after_an_error() -> None:
    leader, follower = pty.openpty()
    with os.fdopen(follower) as stdin:
        before = termios.tcgetattr(follower)
        with pytest.raises(RuntimeError), quit_keys(stdin) as wait:
            assert not termios.tcgetattr(follower)[3] & (termios.ICANON | termios.ECHO)
            os.write(leader, b"\x1b[A")  # an arrow
            assert not wait(0.5)
            os.write(leader, b"\x1b")  # Esc, alone
            started = time.monotonic()
            assert wait(10) and time.monotonic() - started < 1
            raise RuntimeError("the view failed")
        assert termios.tcgetattr(follower) == before
    os.close(leader)


# --- a real terminal -----------------------------------------------------------------------


class Pane:
    """A tmux session running one command, on its own server."""

    def __init__(self, socket: Path, command: str, width: int, height: int) -> None:
        self.socket = str(socket)
        size = ["-x", str(width), "-y", str(height)]
        self.tmux("new-session", "-d", "-s", "live", *size, command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "live")

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        """The screen once it shows every one of ``texts`` (the whole frame, not its
        first lines: under load the pane can be captured half drawn)."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while not all(text in screen for text in texts):
            assert time.monotonic() < deadline, f"waited for {texts} on:\n{screen}"
            time.sleep(0.1)
            screen = self.screen()
        return screen

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "live", *keys)


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Callable[..., Pane]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket = tmp_path / "tmux.sock"

    def make(command: str, width: int = 80, height: int = 24) -> Pane:
        return Pane(socket, command, width, height)

    yield make
    subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)


def live_command(state: Path, stdin: str = "") -> str:
    """`monitor live`, then its exit code and the terminal's modes when it has ended."""
    # tmux gives the pane's command COLUMNS and LINES of its first size (80x24) when run
    # from pytest, and rich would take them over the terminal's own.
    python = f"env -u COLUMNS -u LINES {sys.executable}"
    live = f"{python} -m monitor --state {state} live --refresh 0.5"
    return f"{live}{stdin}; echo exit=$?; stty -a; sleep 60"


WHOLE_FRAME = ("#1 ", "10,000–12,000", "Kim and Putin", "│ dead ")  # first row to last


@pytest.mark.parametrize(
    ("size", "stdin", "hint"),
    [((80, 24), "", "q quits"), ((160, 40), " </dev/null", "Ctrl-C quits")],
    ids=["80x24", "160x40-stdin-not-a-terminal"],
)
def test_live_in_a_real_terminal_quits_on_ctrl_c(
    state: Path, pane: Callable[..., Pane], size: tuple[int, int], stdin: str, hint: str
) -> None:
    width, height = size
    term = pane(live_command(state, stdin), width, height)
    screen = term.wait_for(*WHOLE_FRAME)
    lines = screen.splitlines()
    assert lines[0].startswith("monitor live") and lines[0].endswith(hint), screen
    assert "#2 contradiction · killed" in screen and QUOTES[0] in screen
    assert "RED" in screen and "evil.example" not in screen  # the OSC 8 link is gone
    assert all(len(line) <= width for line in lines)
    term.keys("C-c")
    term.wait_for("exit=0")


@pytest.mark.parametrize("key", ["q", "Escape"])
def test_a_key_quits_and_gives_the_terminal_back(
    state: Path, pane: Callable[..., Pane], key: str
) -> None:
    term = pane(live_command(state))
    term.wait_for(*WHOLE_FRAME, "q quits")
    if key == "Escape":
        term.keys("Up", "Left")  # escape sequences that begin with Esc: they do not quit
        time.sleep(1)  # ten times ESC_WAIT: had they quit, it would have happened by now
        assert "exit=" not in term.screen()
    term.keys(key)
    screen = term.wait_for("exit=0", "speed")
    # The terminal as it was: line editing and echo on, main screen, cursor visible.
    modes = screen.split()
    assert "icanon" in modes and "echo" in modes and "-icanon" not in modes
    assert term.tmux("display", "-p", "-t", "live", "#{alternate_on} #{cursor_flag}") == "0 1\n"


# --- no terminal ---------------------------------------------------------------------------


def test_piped_it_prints_every_alert_once_and_exits(state: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--state", str(state), "live"],
        capture_output=True,
        text=True,
        timeout=60,  # it used to wait for Ctrl-C, printing nothing
        env=env,  # no $COLUMNS: 100 wide
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("monitor live") and max(len(line) for line in lines) == 100
    page = result.stdout
    assert "#2 contradiction · killed" in page and "#1 contradiction · troops" in page
    assert all(quote in page for quote in QUOTES)
    assert "new  about 600 · rheinblick" in page and "was  more than 1,000 · kyiv-ledger" in page
    assert "\x1b" not in page and RLO not in page


def test_a_pipe_closed_early_ends_it_quietly(state: Path) -> None:
    """The reader is gone before anything is written: exit 1, no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--state", str(state), "live"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""


def test_live_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--state", str(tmp_path / "none"), "live", "--once"])
    assert result.exit_code == 1
    assert "no database" in result.stderr and "poll --once" in result.stderr
    assert not (tmp_path / "none").exists()
