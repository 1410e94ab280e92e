"""Issue 17, clean edges: hostile or broken input gives one line and a non-zero exit, never
a traceback, and never shows a secret: configuration bombs, clear-text passwords,
malformed webhook URLs, and the unexpected exception."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import MAX_CONFIG_CHARS, load
from monitor.config.nodes import MAX_DEPTH
from monitor.errors import ConfigError
from monitor.service.doctor import FAIL, guarded


def config_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load(path)
    message = str(raised.value)
    assert "\n" not in message and len(message) < 400
    return message.removeprefix(f"{path}: ")


def laughs(levels: int) -> str:
    """A "billion laughs": each anchor a list of ten aliases of the one before."""
    lines = ["x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\nfeeds: []\n"


def test_alias_expansion_is_bounded_and_fast(tmp_path: Path) -> None:
    began = time.perf_counter()
    assert (
        config_error(tmp_path, laughs(9)) == "over 1,000,000 values once its aliases are expanded"
    )
    assert time.perf_counter() - began < 5  # counted once per node, not once per expansion


def test_deep_nesting_and_huge_numbers_are_one_line(tmp_path: Path) -> None:
    assert config_error(tmp_path, "feeds: " + "[" * 494 + "]" * 494 + "\n") in (
        "invalid YAML: nested too deeply",
        f"(top level): nested more than {MAX_DEPTH} deep (line 1)",
    )
    nested = "feeds: []\ntopics: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n"
    assert (
        config_error(tmp_path, nested) == f"(top level): nested more than {MAX_DEPTH} deep (line 2)"
    )
    digits = "9" * 4301
    assert config_error(tmp_path, f"poll: {{timeout: {digits}}}\nfeeds: []\n") == (
        f"poll.timeout: expected a positive number of seconds, got '{'9' * 39}…' (line 1)"
    )


def test_a_config_too_large_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    text = "feeds: []\n#" + "x" * MAX_CONFIG_CHARS + "\n"
    assert config_error(tmp_path, text).startswith("more than 16,000,000 characters")


EMAIL = (
    "feeds: []\nalerts:\n  email: {{host: {host}, tls: none, username: me, password_env: PW,"
    " from: a@example.org, to: [b@example.org]}}\n"
)


@pytest.mark.parametrize("host", ["smtp.example.org", "10.0.0.5", "localhost.example.org"])
def test_a_password_in_clear_text_to_another_host_is_refused(tmp_path: Path, host: str) -> None:
    assert config_error(tmp_path, EMAIL.format(host=host)) == (
        f"alerts.email.tls: `none` would send the password in clear text to {host} (line 3);"
        " use starttls or ssl; `tls: none` with a password is for a server on this machine"
        " only (localhost, 127.0.0.1, ::1)"
    )


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "'::1'", "127.0.0.53"])
def test_tls_none_with_a_password_is_fine_on_this_machine(tmp_path: Path, host: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(EMAIL.format(host=host))
    (email,) = load(path).alerts.email
    assert email.tls == "none"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com:99999/services/T/B/secret-part",
        "https://[::1/services/secret-part",
        "http://hooks.example:port/secret-part",
        "ftp://hooks.example/secret-part",
        "secret-part",
    ],
)
def test_a_malformed_webhook_url_is_one_line_that_does_not_show_it(
    tmp_path: Path, url: str
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\nalerts:\n  slack: {webhook_url_env: HOOK}\n")
    base = ["--config", str(config), "--state", str(tmp_path / "state")]
    runner = CliRunner(env={"HOOK": url})
    sent = runner.invoke(cli, [*base, "alerts", "test", "slack"])
    assert sent.exit_code == 1
    assert sent.stderr == (
        "Error: slack: test message not delivered: alerts.slack: the webhook URL in HOOK is"
        " not an http(s) URL with a host and a valid port (copy the incoming-webhook URL"
        " from Slack's app settings)\n"
    )
    checked = runner.invoke(cli, [*base, "doctor", "--json"])
    assert checked.exit_code == 1 and "secret-part" not in checked.output
    assert "Traceback" not in sent.output + checked.output


def test_an_unexpected_exception_is_one_line_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug nobody foresaw")

    monkeypatch.setattr("monitor.config.topics_in_force", broken)
    result = CliRunner().invoke(cli, ["--state", str(tmp_path), "topics"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: unexpected error: KeyError: 'a bug nobody foresaw'; run with -v for the traceback\n"
    )
    verbose = CliRunner().invoke(cli, ["-v", "--state", str(tmp_path), "topics"])
    assert verbose.exit_code == 1
    assert "Traceback" in verbose.stderr and "KeyError" in verbose.stderr
    assert verbose.stderr.endswith("Error: unexpected error: KeyError: 'a bug nobody foresaw'\n")


def test_a_doctor_check_that_breaks_is_a_failed_check() -> None:
    def check() -> list[object]:
        raise RuntimeError("page 7 is\nunreadable")

    (found,) = guarded("database", check)  # type: ignore[arg-type]
    assert (found.name, found.status) == ("database", FAIL)
    assert found.detail == "the check itself failed: RuntimeError: page 7 is unreadable"


# --- found by a newcomer trying to break it (issue 17) -------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "feeds: []\nstory_window_hours: 99999999999999999999\n",
            "story_window_hours: expected at most 87,600 (hours), got '99999999999999999999'"
            " (line 2)",
        ),
        (
            "feeds: []\ndivergence: {window_days: 99999999999999999999}\n",
            "divergence.window_days: expected at most 3,650 (days), got '99999999999999999999'"
            " (line 2)",
        ),
        (
            "poll: {interval: 0xffffffffffffffffffffffffffff}\nfeeds: []\n",
            "poll.interval: expected at most 1,000,000,000 (seconds), got"
            " '0xffffffffffffffffffffffffffff' (line 1)",
        ),
        (
            "poll: {interval: !!python/object:os.system x}\nfeeds: []\n",
            "poll.interval: expected a positive integer (seconds), got 'x' (line 1)",
        ),
        (
            'feeds: []\nx: "a\x00b"\n',
            "invalid YAML: character U+0000 (position 15) is not allowed in YAML",
        ),
    ],
)
def test_numbers_too_large_tags_and_control_characters_are_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    assert config_error(tmp_path, text) == message


def run_cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stdout + done.stderr


def test_nothing_reads_a_device_without_end(tmp_path: Path) -> None:
    """/dev/zero as the configuration, a secret file, a text to extract, a file to ingest:
    each read stops at its cap and says so in one line."""
    secret = tmp_path / "feeds.yaml"
    secret.write_text("feeds: []\nalerts:\n  slack: {webhook_url_file: /dev/zero}\n")
    state = ["--state", str(tmp_path / "state")]
    for args, said in [
        (["--config", "/dev/zero", "topics"], "/dev/zero: more than 16,000,000 characters"),
        (["--config", str(secret), *state, "alerts", "test", "slack"], "holds more than 4,096"),
        (["extract", "/dev/zero"], "/dev/zero: a text longer than 10,000,000 characters"),
        ([*state, "ingest", "/dev/zero"], "/dev/zero: not a regular file"),
    ]:
        code, output = run_cli(*args)
        assert code != 0 and said in output, (args, output)
        assert "Traceback" not in output


def test_ids_too_large_and_odd_file_names_are_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state"
    odd = tmp_path / os.fsdecode(b"bad\xff\x1b[2Jname.txt")
    odd.write_text("Pyongyang sends troops\n\nNorth Korea sent 1,000 troops to Kursk.\n")
    code, output = run_cli("--state", str(state), "ingest", "--no-deliver", str(odd))
    assert code == 0 and "1 new item" in output and "\x1b" not in output
    listed = json.loads(run_cli("--state", str(state), "stories", "--json")[1])
    assert listed[0]["items"][0]["source"] == "bad\ufffdname"
    for args in (["story", "99999999999999999999999"], ["stories", "--limit", "9" * 25]):
        code, output = run_cli("--state", str(state), *args)
        assert code == 2 and output.count("\n") == 1 and "is not in the range" in output
    code, output = run_cli("--state", str(state), "feeds", "export", "-o", "/nonexistent/x.opml")
    assert (code, output) == (
        1,
        "Error: /nonexistent/x.opml: cannot write: No such file or directory\n",
    )
