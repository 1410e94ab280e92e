"""Alert delivery end to end: the real CLI and daemon, aiosmtpd with STARTTLS and login,
a local stand-in for Slack's webhook; what arrived, exactly once, after crashes too."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from mailservers import (
    free_port,
    silent_server,
    smtp_server,
    webhook_server,
)
from waiting import wait_for

from monitor.cli import cli

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
HOSTILE_TITLE = "<!channel> @everyone <https://evil.example|click> & Nordkorea: 20.000 Soldaten"


def write_config(
    tmp: Path, smtp_port: int, cert: Path | None, extra_feed: str = "", notices: str = ""
) -> Path:
    tls = f"tls: starttls, ca_file: '{cert}'" if cert else "tls: none"
    notices = f", story_notices: {notices}" if notices else ""
    path = tmp / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        f"  - {{url: '{extra_feed or 'https://example.org/rss.xml'}', name: Quiet,"
        " interval: 3600}\n"
        "alerts:\n"
        f"  email: {{host: 127.0.0.1, port: {smtp_port}, {tls}, username: desk,\n"
        "          password_env: SMTP_PW, from: monitor@example.org, to: [desk@example.org],\n"
        f"          timeout: 30{notices}}}\n"
        f"  slack: {{webhook_url_env: SLACK_HOOK{notices}}}\n"
    )
    return path


def monitor(config: Path, state: Path, *args: str, env: dict[str, str]) -> Result:
    runner = CliRunner(env={**env, "COLUMNS": "200"})
    return runner.invoke(
        cli, ["--config", str(config), "--state", str(state), *args], catch_exceptions=False
    )


def articles() -> list[str]:
    return sorted(str(p) for p in ARTICLES.glob("*.txt"))


@pytest.fixture
def peers(tmp_path: Path):  # type: ignore[no-untyped-def]
    with (
        smtp_server(tls="starttls", login=("desk", "s3cret"), certs_dir=tmp_path) as smtp,
        webhook_server() as hook,
    ):
        env = {"SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, smtp.port, smtp.cert)
        yield smtp, hook, env, config


def test_ingest_delivers_each_alert_exactly_once_to_both_channels(
    peers: Any, tmp_path: Path
) -> None:
    smtp, hook, env, config = peers
    state = tmp_path / "state"
    result = monitor(config, state, "ingest", *articles(), env=env)
    assert result.exit_code == 0, result.output
    assert "delivery: email: 1 alert sent in 1 message" in result.stderr
    assert "delivery: slack: 1 alert sent in 1 message" in result.stderr
    # Ingest again and deliver again: nothing new, nothing sent twice.
    assert monitor(config, state, "ingest", *articles(), env=env).exit_code == 0
    assert monitor(config, state, "outbox", "deliver", env=env).exit_code == 0

    [mail] = smtp.messages
    # CPython folds a long subject before an encoded word with a space to spare; unfold it.
    assert " ".join(mail["Subject"].split()) == (
        "North Korean troops in Kursk: about 14,000 (02-abendkurier)"
        " vs 10,000–12,000 (01-ostpresse)"
    )
    assert mail["Message-ID"].startswith("<monitor.alert-1.")
    text = mail.get_body(("plain",)).get_content()
    assert "“rund 14.000 nordkoreanische Soldaten”" in text
    assert "“zwischen 10.000 und 12.000 nordkoreanische Soldaten”" in text
    [posted] = hook.payloads
    assert posted["blocks"][0]["text"]["text"] == " ".join(mail["Subject"].split())
    assert "*New: about 14,000* — 02-abendkurier" in posted["blocks"][1]["text"]["text"]
    [alert] = json.loads(monitor(config, state, "alerts", "--json", env=env).stdout)
    assert sorted((d["channel"], d["status"], d["attempts"]) for d in alert["deliveries"]) == [
        ("email", "delivered", 1),
        ("slack", "delivered", 1),
    ]


def test_a_story_reaching_three_sources_is_noticed_once_per_channel(tmp_path: Path) -> None:
    with smtp_server() as smtp, webhook_server() as hook:
        env = {"SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, smtp.port, None, notices="{min_sources: 3}")
        config.write_text(config.read_text().replace(" username: desk,", ""))
        state = tmp_path / "state"
        result = monitor(config, state, "ingest", *articles(), env=env)
        assert result.exit_code == 0, result.output
        assert "email: 1 alert and 1 story notice sent in 2 messages" in result.stderr
        # Again, and a delivery pass: the story is not noticed twice.
        assert monitor(config, state, "ingest", *articles(), env=env).exit_code == 0
        assert monitor(config, state, "outbox", "deliver", env=env).exit_code == 0
        alert_mail, notice_mail = smtp.messages
        alert_post, notice_post = hook.payloads
    title = "Pjöngjang schickt Pioniere und Bautrupps nach Kursk"
    assert notice_mail["Subject"] == f"New story, 3 sources: {title}"
    assert notice_mail["Message-ID"].startswith("<monitor.notice-1.")
    text = notice_mail.get_body(("plain",)).get_content()
    assert "Now carried by 3 outlets (1 reprint) in de:" in text
    assert "- 03-abendkurier-nachdruck, " in text and "(reprint of 02-abendkurier)" in text
    assert "- North Korean troops in Kursk: 10,000–12,000 (01-ostpresse), about 14,000" in text
    html = notice_mail.get_body(("html",)).get_content()
    assert "<li><b>01-ostpresse</b>" in html
    assert notice_post["blocks"][0]["text"]["text"] == f"New story, 3 sources: {title}"
    assert notice_post["blocks"][1]["text"]["text"].startswith(
        "Now carried by 3 outlets (1 reprint) in de:\n• *01-ostpresse*"
    )
    assert alert_post["text"].startswith("North Korean troops in Kursk: about 14,000")
    rows = json.loads(monitor(config, state, "outbox", "--json", "--all", env=env).stdout)
    notices = [
        (r["channel"], r["claim"], r["story_id"], r["status"]) for r in rows if r["notice_id"]
    ]
    assert notices == [("email", "story", 1, "delivered"), ("slack", "story", 1, "delivered")]


def test_a_channel_in_a_title_pings_nobody(peers: Any, tmp_path: Path) -> None:
    smtp, hook, env, config = peers
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        f"{HOSTILE_TITLE}\n\nDie Regierung in Kiew teilte am Montag mit, dass inzwischen etwa"
        " 20.000 nordkoreanische Soldaten im Gebiet Kursk stationiert sind und die Zusammenarbeit"
        " der beiden Staaten weiter wächst.\n"
    )
    result = monitor(
        config,
        tmp_path / "state",
        "ingest",
        str(ARTICLES / "01-ostpresse.txt"),
        str(hostile),
        env=env,
    )
    assert result.exit_code == 0, result.output
    [posted] = hook.payloads
    raw = json.dumps(posted, ensure_ascii=False)
    for mention in ("<!channel>", "<https://evil", "@everyone"):
        assert mention not in raw
    assert "&lt;!channel&gt; @\u2060everyone &lt;https://evil.example|click&gt; &amp;" in raw
    [mail] = smtp.messages  # email shows the title as the plain text it is
    assert HOSTILE_TITLE in mail.get_body(("plain",)).get_content()
    assert "&lt;!channel&gt;" in mail.get_body(("html",)).get_content()


def test_no_deliver_then_a_later_process_delivers(peers: Any, tmp_path: Path) -> None:
    smtp, hook, env, config = peers
    state = tmp_path / "state"
    assert monitor(config, state, "ingest", "--no-deliver", *articles(), env=env).exit_code == 0
    pending = json.loads(monitor(config, state, "outbox", "--json", env=env).stdout)
    assert [(row["channel"], row["status"], row["attempts"]) for row in pending] == [
        ("email", "pending", 0),
        ("slack", "pending", 0),
    ]
    assert smtp.messages == [] and hook.payloads == []
    result = monitor(config, state, "outbox", "deliver", env=env)
    assert result.exit_code == 0, result.output
    assert len(smtp.messages) == 1 and len(hook.payloads) == 1
    assert json.loads(monitor(config, state, "outbox", "--json", env=env).stdout) == []


def test_smtp_down_the_alert_waits_and_goes_out_when_it_returns(tmp_path: Path) -> None:
    port = free_port()
    with webhook_server() as hook:
        env = {"SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, port, None)
        state = tmp_path / "state"
        result = monitor(config, state, "ingest", *articles(), env=env)
        assert result.exit_code == 0  # the alert is safe in the outbox: not an error
        assert "delivery: email: 1 waiting (cannot reach 127.0.0.1" in result.stderr
        assert len(hook.payloads) == 1  # the dead channel held up nothing
        [row] = json.loads(monitor(config, state, "outbox", "--json", env=env).stdout)
        assert (row["channel"], row["status"], row["attempts"]) == ("email", "pending", 1)
        assert "Connection refused" in row["last_error"]
        with smtp_server(login=("desk", "s3cret"), port=port) as smtp:
            result = monitor(config, state, "outbox", "retry", env=env)
            assert result.exit_code == 0, result.output
            assert len(smtp.messages) == 1
        assert len(hook.payloads) == 1


def test_alerts_test_reports_the_result(peers: Any, tmp_path: Path) -> None:
    smtp, hook, env, config = peers
    result = monitor(config, tmp_path / "state", "alerts", "test", "slack", env=env)
    assert result.exit_code == 0 and result.stdout.startswith("slack: test message delivered")
    result = monitor(config, tmp_path / "state", "alerts", "test", "email", env=env)
    assert result.stdout == "email: test message delivered: sent to desk@example.org\n"
    assert smtp.messages[0]["Subject"].startswith("Test from monitor")
    bad = monitor(
        config, tmp_path / "state", "alerts", "test", "email", env={**env, "SMTP_PW": "x"}
    )
    assert bad.exit_code == 1 and "email: test message not delivered: SMTP 535" in bad.stderr


def test_several_slack_channels_each_get_what_their_rules_let_through(tmp_path: Path) -> None:
    with webhook_server() as troops_desk, webhook_server() as casualties:
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "feeds: [{url: 'https://example.org/rss.xml', name: Quiet}]\n"
            "alerts:\n"
            "  slack:\n"
            "    - {name: troops-desk, webhook_url_env: HOOK_TROOPS, claims: [troops]}\n"
            "    - {name: casualties, webhook_url_env: HOOK_KILLED, claims: [killed]}\n"
        )
        env = {"HOOK_TROOPS": troops_desk.url, "HOOK_KILLED": casualties.url}
        state = tmp_path / "state"
        result = monitor(config, state, "ingest", *articles(), env=env)
        assert result.exit_code == 0, result.output
        assert "delivery: troops-desk: 1 alert sent in 1 message" in result.stderr

        [posted] = troops_desk.payloads
        assert posted["blocks"][0]["text"]["text"].startswith("North Korean troops in Kursk")
        assert casualties.payloads == []  # its rules let no troops alert through
        [alert] = json.loads(monitor(config, state, "alerts", "--json", env=env).stdout)
        assert sorted((d["channel"], d["status"]) for d in alert["deliveries"]) == [
            ("casualties", "filtered"),
            ("troops-desk", "delivered"),
        ]

        tested = monitor(config, state, "alerts", "test", "casualties", env=env)
        assert tested.stdout.startswith("casualties: test message delivered")
        assert len(casualties.payloads) == 1 and len(troops_desk.payloads) == 1
        unknown = monitor(config, state, "alerts", "test", "slack", env=env)
        assert unknown.exit_code == 1
        assert "no alert channel named 'slack'" in unknown.stderr
        assert "(configured: troops-desk, casualties)" in unknown.stderr


# --------------------------------------------------------------------------- kill -9


def claimed(state: Path) -> bool:
    with sqlite3.connect(state / "monitor.db") as db:
        return bool(
            db.execute("SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL").fetchone()[0]
        )


def delivered(state: Path, kind: str) -> int:
    """How many outbox rows of the channel named ``kind`` are recorded as delivered."""
    with sqlite3.connect(state / "monitor.db") as db:
        return int(
            db.execute(
                "SELECT count(*) FROM outbox WHERE channel = ? AND status = 'delivered'", [kind]
            ).fetchone()[0]
        )


def daemon(config: Path, state: Path) -> list[str]:
    """The command line of `monitor run` on ``config`` and ``state``."""
    return [sys.executable, "-m", "monitor", "--config", str(config), "--state", str(state), "run"]


def quiet_feed(tmp_path: Path) -> str:
    """A local feed with one off-topic item: the daemon polls it and raises nothing."""
    feed = tmp_path / "quiet.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>Quiet</title>"
        "<item><title>Weather</title><guid>w1</guid><description>Sun.</description></item>"
        "</channel></rss>"
    )
    return feed.as_uri()


def test_kill_9_while_smtp_hangs_then_restart_delivers_once(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with webhook_server() as hook, silent_server() as port:
        env = {**os.environ, "SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, port, None, extra_feed=quiet_feed(tmp_path))
        assert monitor(config, state, "ingest", "--no-deliver", *articles(), env=env).exit_code == 0
        command = daemon(config, state)
        proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            # The daemon claimed the email and sits in the SMTP greeting: kill it there,
            # once Slack's delivery is recorded (received is not yet recorded: under load
            # the mark can trail the webhook's answer by more than the kill takes).
            wait_for(lambda: claimed(state) and delivered(state, "slack") == 1)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            proc.kill()
    with webhook_server() as hook2, smtp_server(login=("desk", "s3cret"), port=port) as smtp:
        env["SLACK_HOOK"] = hook2.url
        proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: len(smtp.messages) == 1)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
        assert len(smtp.messages) == 1 and hook2.payloads == []  # slack went out before the kill
    assert not claimed(state)


def test_sigterm_while_the_server_answers_waits_for_the_mark(tmp_path: Path) -> None:
    """SIGTERM arrives after the SMTP server took the message and before it answers: the
    daemon waits for the delivery, marks it, and exits 0 with nothing left to send again
    (it used to close the outbox's connection at once: the mark was lost, the claim kept,
    and the next process sent the email a second time)."""
    state, log = tmp_path / "state", tmp_path / "daemon.log"
    with webhook_server() as hook, smtp_server(login=("desk", "s3cret")) as smtp:
        env = {**os.environ, "SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, smtp.port, None, extra_feed=quiet_feed(tmp_path))
        assert monitor(config, state, "ingest", "--no-deliver", *articles(), env=env).exit_code == 0
        with log.open("w") as stderr:
            proc = subprocess.Popen(daemon(config, state), env=env, stderr=stderr)

            def stop_before_answering() -> None:
                proc.send_signal(signal.SIGTERM)
                time.sleep(1.0)  # the daemon has long begun stopping when "250" arrives

            smtp.on_accept = stop_before_answering
            try:
                assert proc.wait(timeout=30) == 0
            finally:
                proc.kill()
    assert len(smtp.messages) == 1 and len(hook.payloads) == 1
    assert delivered(state, "email") == 1 and not claimed(state)
    written = log.read_text()
    assert "not marked" not in written and "Traceback" not in written, written


def several_alerts(tmp_path: Path) -> list[str]:
    """Four reports of one event, each with another troop count: three alerts."""
    paths = []
    for n, troops in enumerate(["3,000", "12,000", "27,000", "48,000"], 1):
        path = tmp_path / f"report-{n}.txt"
        path.write_text(
            f"Pyongyang sends troops to Kursk, report {n}\n\nNorth Korea has sent about"
            f" {troops} North Korean troops to the Kursk region, according to Source {n}."
            " Kim Jong Un and Russia deepen their cooperation.\n"
        )
        paths.append(str(path))
    return paths


def test_a_stop_starts_no_new_message_and_the_next_start_sends_the_rest_once(
    tmp_path: Path,
) -> None:
    """Three alerts wait; SIGTERM arrives while the SMTP server holds its answer to the
    first. The daemon marks that one and sends no other: a stop lasts one send, not the
    backlog (it used to go on sending after "monitor stopped", so that systemd's SIGKILL
    could cut a later send short and the next start sent it again)."""
    state, log = tmp_path / "state", tmp_path / "daemon.log"
    with webhook_server() as hook, smtp_server(login=("desk", "s3cret")) as smtp:
        env = {**os.environ, "SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, smtp.port, None, extra_feed=quiet_feed(tmp_path))
        ingested = monitor(
            config, state, "ingest", "--no-deliver", *several_alerts(tmp_path), env=env
        )
        assert ingested.exit_code == 0 and ingested.stderr.endswith("3 alerts\n")
        with log.open("w") as stderr:
            proc = subprocess.Popen(daemon(config, state), env=env, stderr=stderr)

            def stop_before_answering_the_first() -> None:
                if len(smtp.messages) == 1:
                    proc.send_signal(signal.SIGTERM)
                    time.sleep(1.0)

            smtp.on_accept = stop_before_answering_the_first
            try:
                assert proc.wait(timeout=30) == 0
            finally:
                proc.kill()
        assert len(smtp.messages) == 1
        assert delivered(state, "email") == 1 and not claimed(state)
        with sqlite3.connect(state / "monitor.db") as db:
            waiting = db.execute(
                "SELECT status, attempts, last_error FROM outbox WHERE channel = 'email'"
                " AND status != 'delivered'"
            ).fetchall()
        assert waiting == [("pending", 0, "not sent yet: the sender stopped or reloaded")] * 2
        assert "not marked" not in log.read_text()

        smtp.on_accept = None
        proc = subprocess.Popen(daemon(config, state), env=env, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: delivered(state, "email") == 3 and delivered(state, "slack") == 3)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
        assert len({message["Message-ID"] for message in smtp.messages}) == len(smtp.messages) == 3
        assert len(hook.payloads) == 3


def test_a_mark_the_database_cannot_take_is_retried_and_the_message_never_sent_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SMTP server accepts, and at that moment another process holds the write lock
    for longer than the busy timeout: the mark waits for the next pass; the message is
    not sent again meanwhile, and is marked delivered once the lock is free."""
    from monitor.config import load
    from monitor.notify.outbox import outbox_for
    from monitor.store import Store
    from monitor.store import base as store_base

    monkeypatch.setattr(store_base, "BUSY_TIMEOUT_SECONDS", 0.2)
    state = tmp_path / "state"
    with smtp_server(login=("desk", "s3cret")) as smtp, webhook_server() as hook:
        env = {"SMTP_PW": "s3cret", "SLACK_HOOK": hook.url}
        config = write_config(tmp_path, smtp.port, None)
        assert monitor(config, state, "ingest", "--no-deliver", *articles(), env=env).exit_code == 0
        monkeypatch.setenv("SMTP_PW", "s3cret")
        monkeypatch.setenv("SLACK_HOOK", hook.url)
        alerts = load(config).alerts
        blocker = sqlite3.connect(
            state / "monitor.db", isolation_level=None, check_same_thread=False
        )
        smtp.on_accept = lambda: blocker.execute("BEGIN IMMEDIATE")  # accepted, then the lock
        with Store.open(state) as store:
            outbox = outbox_for(store, replace_channels(alerts, "email"))
            (first,) = outbox.deliver()
            assert (first.sent, len(smtp.messages)) == (1, 1)
            (second,) = outbox.deliver()  # still locked: nothing is sent, the mark waits
            assert (second.sent, len(smtp.messages)) == (0, 1)
            assert second.error is not None and "database is busy" in second.error
            blocker.execute("ROLLBACK")
            smtp.on_accept = None
            (third,) = outbox.deliver()
            assert (third.sent, len(smtp.messages)) == (0, 1)
        blocker.close()
    rows = json.loads(monitor(config, state, "outbox", "--json", "--all", env=env).stdout)
    emails = [row for row in rows if row["channel"] == "email"]
    assert [row["status"] for row in emails] == ["delivered"]
    assert emails[0]["message_id"] == smtp.messages[0]["Message-ID"]


def replace_channels(alerts: Any, keep: str) -> Any:
    """The alerts configuration with only the channel named ``keep``."""
    from dataclasses import replace

    return replace(
        alerts,
        email=tuple(e for e in alerts.email if e.name == keep),
        slack=tuple(s for s in alerts.slack if s.name == keep),
    )
