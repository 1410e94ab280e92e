"""Issue 17, clean edges: nothing a feed, a server or a tampered database holds drives the
terminal of whoever runs monitor, and no log line shows a secret.

Each test runs the real `monitor` process (``python -m monitor``) and reads its bytes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import running_server
from mailservers import webhook_server

from monitor.logs import redacted
from monitor.text import json_escaped, safe_output, visible

# A screen clear, a clipboard write (OSC 52), a C1 CSI, a bell, and a right-to-left override.
HOSTILE = "\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\x9b31m\x07\u202e"
RAW = ("\x1b", "\x9b", "\x07", "\u202e")


def monitor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def assert_clean(text: str) -> None:
    assert not [c for c in RAW if c in text], repr(text[:300])


def rss(title: str) -> bytes:
    return (
        "<rss version='2.0'><channel><title>Hostile</title><item>"
        f"<title>{title} Russia North Korea troops Kursk</title><guid>h1</guid>"
        "<description>Pyongyang sent 12,000 troops to Russia, Seoul says.</description>"
        "</item></channel></rss>"
    ).encode()


def test_a_stored_escape_sequence_never_reaches_the_terminal_from_doctor(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    state = tmp_path / "state"
    base = ["--config", str(config), "--state", str(state)]
    assert monitor(*base, "feeds", "add", "https://feeds.example/x", "--name", "X").returncode == 0
    # What another tool, or an older version, wrote into the database.
    with sqlite3.connect(state / "monitor.db") as db:
        db.execute("UPDATE feeds SET failures = 9, last_error = ?", [f"boom {HOSTILE} end"])
    db.close()
    for args in (["doctor"], ["feeds"], ["feeds", "--json"], ["doctor", "--json"]):
        done = monitor(*base, *args)
        assert_clean(done.stdout + done.stderr)
        assert "boom" in done.stdout
    shown = json.loads(monitor(*base, "feeds", "--json").stdout)
    assert shown[0]["last_error"] == f"boom {HOSTILE} end"  # escaped in JSON, not lost


def test_json_escapes_bidi_and_c1_controls_and_loses_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert monitor("demo", "--state", str(state)).returncode == 0
    title = "Kim ‮evil‬ and  more"
    with sqlite3.connect(state / "monitor.db") as db:
        db.execute("UPDATE stories SET title = ? WHERE id = 1", [title])
    db.close()
    done = monitor("--state", str(state), "stories", "--json", "--all")
    assert done.returncode == 0
    assert_clean(done.stdout)
    assert "\\u202e" in done.stdout and "\\u0085" in done.stdout
    assert title in [story["title"] for story in json.loads(done.stdout)]
    table = monitor("--state", str(state), "stories")
    assert_clean(table.stdout)
    assert "Kim evil and more" in table.stdout


def test_log_lines_show_escapes_and_stay_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server() as server:
        url = server.route("/h.xml", b"<rss", headers={"X-Evil": "x"})  # not a feed
        name = f"Evil{HOSTILE}\nINFO forged line"
        config = tmp_path / "feeds.yaml"
        config.write_text(f"feeds:\n  - {{url: '{url}', name: {json.dumps(name)}}}\n")
        done = monitor("-v", "--config", str(config), "--state", str(state), "poll", "--once")
    assert done.returncode == 3
    assert_clean(done.stderr)
    assert not any(line.startswith("INFO forged") for line in done.stderr.splitlines())
    assert "\\x1b[2J" in done.stderr  # shown, not obeyed


def test_no_log_line_shows_the_webhook_url_or_the_smtp_password(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with webhook_server() as hook:
        secret_url = hook.url + "/services/T000/B000/sekrit-token-value"
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "feeds: []\n"
            "alerts:\n"
            "  slack: {webhook_url_env: HOOK}\n"
            "  email: {host: 127.0.0.1, port: 9, tls: none, username: me,"
            " password_env: PW, from: a@example.org, to: [b@example.org], timeout: 1}\n"
        )
        env = {"HOOK": secret_url, "PW": "hunter2-password"}
        done = monitor(
            "-v", "--config", str(config), "--state", str(state), "alerts", "test", env=env
        )
    text = done.stdout + done.stderr
    assert "sekrit-token-value" not in text and "hunter2-password" not in text
    assert done.returncode != 0  # the email channel cannot connect: said, in one line each


@pytest.mark.parametrize(
    ("text", "shown", "on_a_terminal"),
    [
        ("plain, ünïcode, 한국어", "plain, ünïcode, 한국어", "plain, ünïcode, 한국어"),
        ("a\x1b[31mred\x1b[0m", "ared", "a\x1b[31mred\x1b[0m"),
        ("tab\tand\nnewline", "tab\tand\nnewline", "tab\tand\nnewline"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link", "link"),
        ("r\u202el\u2066x\u2069", "rlx", "rlx"),
        ("c1\x85\x9b2J\x1b[2J", "c1", "c1"),
    ],
)
def test_safe_output(text: str, shown: str, on_a_terminal: str) -> None:
    assert safe_output(text) == shown
    assert safe_output(text, colours=True) == on_a_terminal


def test_json_escaped_and_visible() -> None:
    assert json_escaped(json.dumps("a\u202eb\x85c\u2028", ensure_ascii=False)) == (
        '"a\\u202eb\\u0085c\\u2028"'
    )
    assert json.loads(json_escaped(json.dumps("a\u202eb", ensure_ascii=False))) == "a\u202eb"
    assert visible("x\x1b[2J\ny\u202e\tz") == "x\\x1b[2J\\ny\\u202e\tz"


def test_redacted() -> None:
    assert redacted("GET https://user:pw@h.example/f") == "GET https://***@h.example/f"
    assert redacted("to https://hooks.slack.com/services/T/B/X ok") == (
        "to https://hooks.slack.com/*** ok"
    )


def test_a_secret_a_server_echoes_back_is_neither_printed_nor_stored(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from mailservers import Recorder, free_port

    def echo_and_refuse(
        server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> AuthResult:
        password = getattr(data, "password", b"").decode()
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 rejected {password}")

    controller = Controller(
        Recorder(),
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=echo_and_refuse,
        auth_require_tls=False,
        ready_timeout=10,
    )
    controller.start()
    try:
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "feeds: []\nalerts:\n"
            f"  email: {{host: 127.0.0.1, port: {controller.port}, tls: none, username: me,"
            " password_env: PW, from: a@example.org, to: [b@example.org], timeout: 5}\n"
        )
        state = tmp_path / "state"
        base = ["--config", str(config), "--state", str(state)]
        env = {"PW": "Pw-Secret-Zq81"}
        articles = sorted(
            str(p) for p in (Path(__file__).parent / "fixtures" / "articles").glob("*.txt")
        )
        runs = [
            monitor(*base, "alerts", "test", "email", env=env),
            monitor(*base, "ingest", *articles, env=env),
            monitor(*base, "outbox", "--all", "--json", env=env),
            monitor(*base, "doctor", env=env),
        ]
    finally:
        controller.stop()
    assert runs[0].returncode == 1 and "535 5.7.8 rejected ***" in runs[0].stderr
    assert "rejected ***" in runs[2].stdout  # the refusal is kept, the secret is not
    assert all("Pw-Secret-Zq81" not in done.stdout + done.stderr for done in runs)
    assert b"Pw-Secret-Zq81" not in (state / "monitor.db").read_bytes()
