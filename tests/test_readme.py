"""The README's commands work as shown: every command in its code blocks is run here.

The commands run in README order, in one scratch directory, as a newcomer would type
them: `monitor demo --state demo` makes the demo's state, and `feeds.yaml` there is the
bundled sample feeds (offline) with an email channel on a real SMTP server and a Slack
channel on a local webhook, so `poll`, `doctor` and `alerts test` really run. Commands
that install software or need root (pip, systemctl, journalctl) are listed in
NOT_RUN_HERE, so a new one must be placed deliberately: the install line is what
`.ci/run` itself runs, and the unit file is checked by tests/test_systemd.py.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from feedserver import running_server
from mailservers import smtp_server, webhook_server

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLES = ROOT / "monitor" / "samples"
ARTICLE = ROOT / "tests" / "fixtures" / "articles"

# First words of commands the README shows but a test cannot run: installing, root.
NOT_RUN_HERE = (
    "python3",
    "sudo",
    "sudoedit",
    "journalctl",
    ".venv/bin/pip",
    ".venv/bin/ruff",
    ".venv/bin/mypy",
)
# Commands that run until stopped: started, given time to do one cycle, then SIGTERM.
DAEMONS = ("monitor run",)  # not `run --live`: it needs a terminal


@dataclass
class Shown:
    """One command in a README code block, and the output shown under it (console blocks)."""

    line: int
    command: str
    output: list[str]


def shown_commands(text: str) -> list[Shown]:
    """Commands of the ```sh blocks (every line) and of other blocks (lines after `$ `),
    a line of `a && b` being two; the lines after a `$ ` command are its output."""
    found: list[Shown] = []
    block: str | None = None
    prompt: Shown | None = None  # the last `$ ` command of this block, gathering output
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("```"):
            block = raw[3:].strip() if block is None else None
            prompt = None
            continue
        line = raw.strip()
        if block is None or block in ("yaml", "jsonc", "json") or not line:
            continue
        if line.startswith("$ "):
            commands = line[2:]
        elif block == "sh" and not line.startswith("#"):
            commands = re.split(r"\s+#", line)[0]
        else:
            if prompt is not None:
                prompt.output.append(line)
            continue
        parts = [Shown(number, part.strip(), []) for part in commands.split(" && ")]
        found += parts
        prompt = parts[-1] if line.startswith("$ ") else None
    return found


def test_the_readme_shows_commands_to_run() -> None:
    commands = [s.command for s in shown_commands(README.read_text())]
    assert any(c.startswith("monitor demo --state") for c in commands)
    assert any(c.startswith("sqlite3 ") and ".backup" in c for c in commands)
    assert len(commands) >= 20


@pytest.fixture
def newcomer(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A scratch directory with what the README's examples refer to, and the environment."""
    (tmp_path / "article.txt").write_text(
        (ARTICLE / "02-abendkurier.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copyfile(SAMPLES / "north-wire.xml", tmp_path / "feed.xml")
    with smtp_server() as smtp, webhook_server() as hook, running_server() as server:
        # A feed reader's export, with one feed on a local server, for `feeds import`.
        # (A feed with no entry yet, so the summaries the README shows stay true.)
        world = server.route(
            "/world.xml",
            '<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>'
            "<link>https://world.example/</link><description>-</description></channel></rss>",
            headers={"Content-Type": "application/rss+xml"},
        )
        (tmp_path / "subscriptions.opml").write_text(
            '<?xml version="1.0"?><opml version="2.0"><head><title>reader</title></head><body>'
            f'<outline type="rss" text="World" xmlUrl="{world}"/></body></opml>'
        )
        feeds = "".join(
            f"  - {{url: '{path.as_uri()}', name: {path.stem}}}\n"
            for path in sorted(SAMPLES.glob("*.xml"))
        )
        (tmp_path / "feeds.yaml").write_text(
            f"feeds:\n{feeds}"
            "alerts:\n"
            f"  email: {{host: 127.0.0.1, port: {smtp.port}, tls: none,"
            " from: monitor@example.org, to: [desk@example.org]}\n"
            "  slack: {webhook_url_env: SLACK_WEBHOOK_URL}\n"
        )
        # The error the README shows for a mistyped feed URL, at the line it names.
        (tmp_path / "bad.yaml").write_text("feeds:\n  - {url: 'ftp://example.org/feed.xml'}\n")
        bindir = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
            "SLACK_WEBHOOK_URL": hook.url,
            "COLUMNS": "100",
            "TERM": "dumb",
        }
        env.pop("JOURNAL_STREAM", None)
        yield {"cwd": str(tmp_path), **env}


def run_shown(shown: Shown, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cwd = env["cwd"]
    argv = shlex.split(shown.command)
    if argv[0] == ".venv/bin/monitor":
        argv[0] = "monitor"
    if any(shown.command.startswith(d) for d in DAEMONS):
        return run_daemon(argv, cwd, env)
    return subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def run_daemon(argv: list[str], cwd: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start the daemon, wait for its start-up INFO line, stop it as systemd would."""
    log = Path(cwd) / "daemon.log"
    with log.open("w") as err:
        daemon = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        deadline = time.monotonic() + 60
        while "INFO monitor running" not in log.read_text() and daemon.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    return subprocess.CompletedProcess(argv, daemon.returncode, "", log.read_text())


def expected_failure(shown: Shown) -> str | None:
    """The one-line error the README shows under the command, if it shows one (the check
    that it was printed is the one for every line shown)."""
    for out in shown.output:
        if out.startswith("Error: ") or out.startswith("ERROR "):
            return out
    return None


BOX = re.compile("[\u2500-\u257f]")  # a table's lines: widths and dates differ from run to run


def test_every_command_in_the_readme_works_as_shown(newcomer: dict[str, str]) -> None:
    env = dict(newcomer)
    ran = 0
    last: subprocess.CompletedProcess[str] | None = None
    for shown in shown_commands(README.read_text()):
        first = shlex.split(shown.command)[0]
        if first.startswith(NOT_RUN_HERE) or shown.command.startswith(".venv/bin/python -m pytest"):
            continue
        if shown.command == "echo $?":  # the exit code of the command before, as shown
            assert last is not None and [str(last.returncode)] == shown.output, shown
            continue
        if first == "sqlite3" and shutil.which("sqlite3") is None:
            pytest.skip("the sqlite3 command-line shell is not installed")
        assert first in ("monitor", ".venv/bin/monitor", "sqlite3"), (
            f"README line {shown.line}: a command this test does not know how to run: "
            f"{shown.command!r} (run it here or list it in NOT_RUN_HERE)"
        )
        last = result = run_shown(shown, env)
        ran += 1
        where = f"README line {shown.line}: {shown.command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, where
        printed = " ".join((result.stdout + result.stderr).split())
        for line in shown.output:  # every line shown that is not part of a table
            if not BOX.search(line):
                assert " ".join(line.split()) in printed, f"{line!r} not printed\n{where}"
        assert (result.returncode != 0) == (expected_failure(shown) is not None), where
    assert ran >= 40
