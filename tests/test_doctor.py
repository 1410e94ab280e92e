"""`monitor doctor` finds what is wrong and says how to fix it."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from monitor.cli import cli

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_port() -> Iterator[int]:
    class Accept:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            return "250 OK"

    controller = Controller(Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def doctor(config: Path, state: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--state", str(state), "doctor", "--json"]
    )
    checks = json.loads(result.stdout)
    by_name: dict[str, Any] = {}
    for check in checks:
        by_name.setdefault(check["name"], check)
    return result.exit_code, by_name


def write_config(tmp_path: Path, alerts: str = "") -> Path:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - {{url: '{(SAMPLES / 'north-wire.xml').as_uri()}', name: W}}\n" + alerts
    )
    return config


def test_healthy_setup_with_a_real_smtp_server(tmp_path: Path, smtp_port: int) -> None:
    config = write_config(
        tmp_path,
        f"alerts:\n  email: {{host: 127.0.0.1, port: {smtp_port}, "
        "tls: none, from: m@example.org, to: [a@example.org]}\n",
    )
    state = tmp_path / "state"
    CliRunner().invoke(cli, ["--config", str(config), "--state", str(state), "poll", "--once"])
    code, checks = doctor(config, state)
    assert code == 0
    assert [checks[n]["status"] for n in ("config", "state", "database", "email")] == ["ok"] * 4
    assert "schema" in checks["database"]["detail"]


def test_dead_smtp_server_and_bad_state_fail_with_a_fix(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        f"alerts:\n  email: {{host: 127.0.0.1, port: {free_port()}, "
        "tls: none, from: m@example.org, to: [a@example.org]}\n",
    )
    (tmp_path / "a-file").write_text("")
    state = tmp_path / "a-file" / "state"
    code, checks = doctor(config, state)
    assert code == 1
    assert checks["email"]["status"] == "fail" and "refused" in checks["email"]["detail"].lower()
    assert checks["state"]["status"] == "fail" and checks["state"]["fix"]


def test_bad_config_names_field_and_line(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - {url: 'ftp://x', name: X}\n")
    code, checks = doctor(config, tmp_path / "state")
    assert code == 1
    assert checks["config"]["status"] == "fail" and "feeds[0].url" in checks["config"]["detail"]
    assert "(line 2)" in checks["config"]["detail"]


def test_corrupt_database_and_missing_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONITOR_TEST_HOOK", raising=False)
    config = write_config(tmp_path, "alerts:\n  slack: {webhook_url_env: MONITOR_TEST_HOOK}\n")
    state = tmp_path / "state"
    state.mkdir()
    (state / "monitor.db").write_bytes(b"this is not a database" * 100)
    code, checks = doctor(config, state)
    assert code == 1
    assert checks["database"]["status"] == "fail"
    assert checks["slack"]["status"] == "fail" and "MONITOR_TEST_HOOK" in checks["slack"]["detail"]


def test_each_of_several_channels_is_checked_under_its_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_port: int
) -> None:
    monkeypatch.delenv("MONITOR_TEST_HOOK", raising=False)
    monkeypatch.setenv("MONITOR_TEST_PLAIN", "ftp://hooks.example/not-http")
    config = write_config(
        tmp_path,
        "alerts:\n"
        f"  email: {{name: desk, host: 127.0.0.1, port: {smtp_port}, tls: none,"
        " from: m@example.org, to: d@example.org}\n"
        "  slack:\n"
        "    - {name: de-desk, webhook_url_env: MONITOR_TEST_HOOK}\n"
        "    - {name: osint, webhook_url_env: MONITOR_TEST_PLAIN}\n",
    )
    code, checks = doctor(config, tmp_path / "state")
    assert code == 1
    assert checks["desk"]["status"] == "ok"
    assert checks["de-desk"]["status"] == "fail"
    assert "alerts.slack[de-desk].webhook_url_env" in checks["de-desk"]["detail"]
    assert checks["osint"]["status"] == "fail" and "http(s)" in checks["osint"]["detail"]


def test_an_http_webhook_that_delivery_would_use_is_a_warning_and_a_bad_port_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Delivery posts to a plain-http webhook (a relay you run), so doctor must not call it
    broken; a port that is not a number is one failed check, not a traceback."""
    with socket.socket() as relay:
        relay.bind(("127.0.0.1", 0))
        relay.listen()
        port = relay.getsockname()[1]
        monkeypatch.setenv("MONITOR_TEST_RELAY", f"http://127.0.0.1:{port}/hook")
        monkeypatch.setenv("MONITOR_TEST_BADPORT", "https://hooks.example:99999x/hook")
        config = write_config(
            tmp_path,
            "alerts:\n  slack:\n"
            "    - {name: relay, webhook_url_env: MONITOR_TEST_RELAY}\n"
            "    - {name: typo, webhook_url_env: MONITOR_TEST_BADPORT}\n",
        )
        code, checks = doctor(config, tmp_path / "state")
    assert checks["relay"]["status"] == "warn"
    assert "127.0.0.1 reachable" in checks["relay"]["detail"]
    assert "unencrypted" in checks["relay"]["detail"]
    assert checks["typo"]["status"] == "fail"
    assert "valid port" in checks["typo"]["detail"]
    assert code == 1


def test_doctor_says_whether_stories_use_embeddings(tmp_path: Path) -> None:
    from monitor.service.doctor import check_embeddings
    from monitor.stories.embedding import load_encoder

    check = check_embeddings()
    assert check.status == "ok"
    if load_encoder() is None:
        assert "pip install 'monitor[multilingual]'" in check.detail
    else:
        assert check.detail == "keys and multilingual embeddings (across languages)"


def test_no_feed_in_the_config_is_fine_once_feeds_were_added_to_the_state(
    tmp_path: Path,
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    state = tmp_path / "state"
    _, checks = doctor(config, state)
    assert checks["feeds"]["status"] == "warn"
    assert "monitor feeds add URL" in checks["feeds"]["fix"]
    added = CliRunner().invoke(
        cli,
        [
            "--config",
            str(config),
            "--state",
            str(state),
            "feeds",
            "add",
            "https://example.org/rss.xml",
        ],
    )
    assert added.exit_code == 0, added.output
    _, checks = doctor(config, state)
    assert checks["feeds"] == {
        **checks["feeds"],
        "status": "ok",
        "detail": f"1 feed added to {state}",
    }


def test_without_a_feeds_yaml_the_defaults_are_a_warning_but_a_named_missing_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--state", str(tmp_path / "s"), "doctor", "--json"])
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    assert checks["config"]["status"] == "warn"
    assert "feeds.yaml not found: the defaults apply" in checks["config"]["detail"]
    assert result.exit_code == 0
    code, named = doctor(tmp_path / "missing.yaml", tmp_path / "s")
    assert code == 1 and named["config"]["status"] == "fail"


def test_failing_feeds_added_to_the_state_are_reported(tmp_path: Path) -> None:
    from feedserver import unused_url

    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    state = tmp_path / "state"
    base = ["--config", str(config), "--state", str(state)]
    dead = unused_url()
    assert CliRunner().invoke(cli, [*base, "feeds", "add", dead, "--name", "Dead"]).exit_code == 0
    for _ in range(3):  # failing_after: 3 failures in a row
        assert CliRunner().invoke(cli, [*base, "poll", "--once"]).exit_code == 3
    result = CliRunner().invoke(cli, [*base, "doctor", "--json"])
    feeds = [check for check in json.loads(result.stdout) if check["name"] == "feeds"]
    assert [check["status"] for check in feeds] == ["ok", "warn"]
    assert feeds[0]["detail"] == f"1 feed added to {state}"
    assert feeds[1]["detail"].startswith("1 failing: Dead (")
    assert "monitor feeds remove NAME" in feeds[1]["fix"]


def test_an_https_webhook_whose_tls_fails_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The port answers, but not with TLS (a plain-http server behind an https URL): the
    delivery would fail, so doctor must say so rather than "reachable"."""
    from mailservers import webhook_server

    with webhook_server() as hook:
        monkeypatch.setenv("MONITOR_TEST_HOOK", hook.url.replace("http://", "https://"))
        config = write_config(tmp_path, "alerts:\n  slack: {webhook_url_env: MONITOR_TEST_HOOK}\n")
        code, checks = doctor(config, tmp_path / "state")
    assert code == 1
    assert checks["slack"]["status"] == "fail"
    assert checks["slack"]["detail"].startswith("127.0.0.1 answers, but TLS fails:")
