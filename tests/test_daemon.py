"""`monitor run` as a real process: polls on start, stops cleanly on SIGTERM/SIGINT,
and resumes after a restart without duplicating items."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from waiting import wait_for

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"


def monitor(*args: str, config: Path, state: Path) -> list[str]:
    return [sys.executable, "-m", "monitor", "--config", str(config), "--state", str(state), *args]


def stories(config: Path, state: Path) -> list[dict]:
    out = subprocess.run(
        monitor("stories", "--json", config=config, state=state),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        f"  - {{url: '{(SAMPLES / 'north-wire.xml').as_uri()}', name: North Wire,"
        " interval: 3600}\n"
        f"  - {{url: '{(SAMPLES / 'daily-courier.xml').as_uri()}', name: Daily Courier,"
        " interval: 3600}\n"
    )
    return path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_polls_then_stops_on_signal(config: Path, tmp_path: Path, signum: int) -> None:
    state = tmp_path / "state"
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": str(notify)}
    proc = subprocess.Popen(
        monitor("run", config=config, state=state), env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert sock.recv(100) == b"READY=1"
        wait_for(lambda: (state / "monitor.db").exists() and len(stories(config, state)) == 2)
        proc.send_signal(signum)
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        sock.close()
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")


def test_restart_resumes_without_duplicates(config: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    # READY=1 says the daemon handles SIGTERM: the second run finds its stories stored
    # already, and `stories --json` answers before the daemon has started (issue 16).
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": str(notify)}
    for _ in range(2):
        proc = subprocess.Popen(
            monitor("run", config=config, state=state), env=env, stderr=subprocess.PIPE
        )
        try:
            assert datagrams(sock, b"READY=1")[-1] == b"READY=1"
            wait_for(lambda: (state / "monitor.db").exists() and len(stories(config, state)) == 2)
            time.sleep(0.5)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            proc.kill()
    sock.close()
    items = [item for story in stories(config, state) for item in story["items"]]
    assert len(items) == 3  # two North Wire articles and one reprint; no copies
    feeds = json.loads(
        subprocess.run(
            monitor("feeds", "--json", config=config, state=state),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    # The second run found the feeds not yet due (interval 3600 s) and did not refetch.
    assert sorted(f["items_seen"] for f in feeds) == [2, 2]


def datagrams(sock: socket.socket, until: bytes, timeout: float = 20.0) -> list[bytes]:
    """sd_notify messages received until ``until`` arrives (inclusive)."""
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(sock.recv(100))
        if seen[-1] == until:
            return seen
    raise AssertionError(f"no {until!r} in {seen}")


def test_sighup_reloads_watchdog_pings_and_sigterm_is_quick(config: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": str(notify), "WATCHDOG_USEC": "400000"}
    proc = subprocess.Popen(
        monitor("run", config=config, state=state), env=env, stderr=subprocess.PIPE, text=True
    )
    good = config.read_text()
    try:
        assert datagrams(sock, b"READY=1") == [b"READY=1"]
        assert b"WATCHDOG=1" in datagrams(sock, b"WATCHDOG=1")  # pinged every 0.2 s
        wait_for(lambda: (state / "monitor.db").exists() and len(stories(config, state)) == 2)

        # A broken config on SIGHUP: reported, the running one kept, still serving.
        config.write_text(good + "  - {url: 'gopher://nowhere', name: Bad}\n")
        proc.send_signal(signal.SIGHUP)
        assert b"RELOADING=1" in datagrams(sock, b"RELOADING=1")
        datagrams(sock, b"READY=1")
        assert proc.poll() is None

        # A good new config: the added feed is polled without a restart.
        rheinblick = (SAMPLES / "rheinblick.xml").as_uri()
        config.write_text(good + f"  - {{url: '{rheinblick}', name: Rheinblick}}\n")
        proc.send_signal(signal.SIGHUP)
        datagrams(sock, b"READY=1")
        wait_for(
            lambda: any(
                i["source"] == "Rheinblick" for s in stories(config, state) for i in s["items"]
            )
        )

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
        assert b"STOPPING=1" in datagrams(sock, b"STOPPING=1")
    finally:
        proc.kill()
        sock.close()
    log = proc.stderr.read() if proc.stderr else ""
    assert "reload failed, keeping the running configuration" in log
    assert "feeds[2].url" in log and "(line" in log
    assert "configuration reloaded: +1 feed, -0 (3 feeds)" in log
    # Normal life at INFO with timestamps; one line per cycle; no scheduler chatter.
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO monitor running: 2 feeds$", log, re.M
    )
    assert re.search(r" INFO polled \d+ feeds?: ", log)
    assert "INFO monitor stopped" in log
    assert "Adding job" not in log and "WARNING monitor" not in log
    assert "Traceback" not in log
    assert all("\x1b[" not in line for line in log.splitlines())  # no colour in the journal


def test_sd_notify_never_stalls_on_a_full_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.service import daemon

    notify = tmp_path / "full.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    monkeypatch.setenv("NOTIFY_SOCKET", str(notify))
    monkeypatch.setattr(daemon, "NOTIFY_WAIT_SECONDS", 0.3)
    try:
        sent = 0
        while daemon.sd_notify("WATCHDOG=1"):  # nobody reads: the queue fills
            sent += 1
            assert sent < 10_000
        started = time.monotonic()
        assert daemon.sd_notify("WATCHDOG=1") is False  # dropped at once
        assert daemon.sd_notify("READY=1") is False  # waited a moment, then dropped
        assert time.monotonic() - started < 2.0
        sock.recv(100)  # room for one
        assert daemon.sd_notify("READY=1") is True
    finally:
        sock.close()


def test_daemon_log_under_journald_has_priorities_and_no_timestamps(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    from monitor.service.daemon import daemon_logging

    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    try:
        daemon_logging(verbose=False)
        logging.getLogger("monitor.service.daemon").info("monitor running: 2 feeds")
        logging.getLogger("monitor.poller").warning("North Wire: HTTP 503")
        logging.getLogger("monitor.pipeline").debug("every decision: only with -v")
        logging.getLogger("apscheduler.scheduler").info("Adding job tentatively")
        err = capsys.readouterr().err
        assert err.splitlines() == ["<6>monitor running: 2 feeds", "<4>North Wire: HTTP 503"]
        daemon_logging(verbose=True)
        logging.getLogger("monitor.pipeline").debug("every decision")
        assert capsys.readouterr().err == "<7>every decision\n"
    finally:
        logging.basicConfig(level=logging.WARNING, force=True)


def test_a_second_daemon_on_one_state_refuses_to_start(config: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = subprocess.Popen(
        monitor("run", config=config, state=state), stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: (state / "monitor.db").exists() and len(stories(config, state)) == 2)
        second = subprocess.run(
            monitor("run", config=config, state=state),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1] == (
            f"Error: another monitor run (pid {first.pid}) is using {state}; stop it first"
        )
        assert first.poll() is None  # the first one is untouched
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=10) == 0
    finally:
        first.kill()
    # The lock went with the process: a restart is not blocked by a stale file.
    again = subprocess.Popen(
        monitor("run", config=config, state=state), stderr=subprocess.PIPE, text=True
    )
    try:
        # Its start-up line comes once it handles SIGTERM (a pid file comes before that).
        assert again.stderr is not None
        line = "-"
        while line and "monitor running" not in line:
            line = again.stderr.readline()
        assert (state / "monitor.pid").read_text().strip() == str(again.pid)
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=10) == 0
    finally:
        again.kill()


def test_a_daemon_whose_channel_secret_is_missing_fails_at_start(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n"
        f"  - {{url: '{(SAMPLES / 'north-wire.xml').as_uri()}', name: North Wire}}\n"
        "alerts:\n"
        "  slack: {webhook_url_env: MONITOR_TEST_UNSET_HOOK}\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_TEST_UNSET_HOOK"}
    result = subprocess.run(
        monitor("run", config=config, state=tmp_path / "state"),
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: alerts.slack.webhook_url_env: environment variable MONITOR_TEST_UNSET_HOOK"
        " is not set"
    )
    assert not (tmp_path / "state" / "monitor.pid").exists()  # never started


def test_a_job_run_skipped_while_the_last_goes_on_is_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A delivery pass that waits on a slow server outlives its 10 s interval; APScheduler
    then warns at every tick. The daemon's jobs run one at a time on purpose: no warning."""
    import asyncio

    from apscheduler.events import EVENT_JOB_MAX_INSTANCES
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from monitor.logs import quiet_libraries

    skipped: list[object] = []

    async def slow() -> None:
        await asyncio.sleep(1.0)

    async def main() -> None:
        scheduler = AsyncIOScheduler()
        scheduler.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
        scheduler.add_job(slow, "interval", seconds=0.1, max_instances=1)
        scheduler.start()
        await asyncio.sleep(1.3)
        scheduler.shutdown(wait=False)

    quiet_libraries()
    with caplog.at_level(logging.INFO):
        asyncio.run(main())
    assert skipped  # runs were skipped while the last went on
    assert [r for r in caplog.records if r.name == "apscheduler.scheduler"] == []
