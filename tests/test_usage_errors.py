"""Issue 15: a wrong command line is one line on stderr and exit code 2, through the real CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest


def monitor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["stories", "--bogus"], "No such option '--bogus' (see `monitor stories --help`)"),
        (["sotries"], "No such command 'sotries'. Did you mean 'stories'?"),
        (["story"], "Missing argument 'STORY_ID' (see `monitor story --help`)"),
        (["feeds", "add"], "Missing argument 'URL' (see `monitor feeds add --help`)"),
        (["stories", "--jsno"], "Did you mean '--json'?"),
        (["explain"], "give one of ITEM, --figure N or --alert N"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    result = monitor(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert says in lines[0]


@pytest.mark.parametrize(("option", "value"), [("--state", "elsewhere"), ("--config", "x.yaml")])
def test_a_global_option_after_the_command_says_where_it_goes(option: str, value: str) -> None:
    result = monitor("alerts", option, value)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    metavar = {"--state": "DIR", "--config": "FILE"}[option]
    hint = f"{option} is a global option and goes before the command:"
    assert f"{hint} monitor {option} {metavar} alerts" in line


def test_a_bare_monitor_prints_its_help_and_succeeds() -> None:
    result = monitor()
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Usage: monitor [OPTIONS] COMMAND [ARGS]...")
    assert "Try `monitor demo` first" in result.stdout
