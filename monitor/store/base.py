"""The store's base: one SQLite connection and the discipline every part writes under.

:class:`StoreBase` opens the database file (creating and migrating it) in WAL mode with
a busy timeout and foreign keys on, and closes it. It owns what every part of the store
shares:

- ``_write``: one write transaction per call, BEGIN IMMEDIATE to COMMIT, rolled back on
  any exception; inside ``batch`` the batch is the transaction; ``rollbacks`` counts the
  transactions rolled back, so that what was read from them (the pipeline's candidate
  index, the store's cached candidates) is read again;
- ``guarded``, the decorator on every public method: one lock serialises the threads
  sharing the connection, and each sqlite3 error becomes a StoreError naming the file;
- the helpers several parts use: ``iso`` (a datetime as stored), ``chunks`` and
  ``placeholders`` (IN lists), ``_insert`` (one row), ``_item_id`` (by source and guid),
  ``FIGURE_SELECT`` and ``_alert_dicts`` (figures and alerts as the listings return them).

Public methods: ``open``, ``close``, ``schema_version``, ``batch``; a store is also a
context manager that closes it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from monitor.errors import StoreError
from monitor.store.connection import Database
from monitor.store.schema import migrate, user_version

DB_FILENAME = "monitor.db"

# How long a writer waits for another process's lock (the daemon and a CLI command may
# share the file) before "database is locked" is reported.
BUSY_TIMEOUT_SECONDS = 10.0

# SQLite's historical limit on host parameters is 999; stay well under it.
IN_CHUNK = 500


def iso(moment: datetime) -> str:
    """Aware datetime -> ISO 8601 UTC text; naive ones are refused, they would misorder."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the store needs aware times")
    return moment.astimezone(UTC).isoformat()


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# The columns of a figure as every listing returns them, with its item's source and time.
FIGURE_SELECT = """
    SELECT f.id, f.item_id, f.story_id, i.source, f.claim, f.claim_key, f.low, f.high,
           f.hedge, f.modifier, f.attribution, f.text, f.start, f."end", i.url, i.published,
           i.title, f.scope, f.place, f.modality, f.basis, f.period, f.role, f.superseded,
           i.topic
    FROM figures f JOIN items i ON i.id = f.item_id
"""

_S = TypeVar("_S", bound="StoreBase")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """Serialise calls on the shared connection and turn sqlite3 errors into StoreError.

    The lock lets the daemon's worker threads share one Store; the translation keeps
    sqlite3 exceptions from reaching the user.
    """

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise StoreError(f"database {self.path}: {exc}") from exc

    return wrapper


class StoreBase:
    """The connection and its write discipline; the parts add the reads and writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self.rollbacks = 0  # transactions rolled back: what was read in them may be gone
        try:
            # check_same_thread=False: the daemon's scheduler runs jobs in worker threads;
            # self._lock serialises them instead.
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        try:
            self._db = Database(conn)
            self._db.enable_wal()
            # NORMAL is safe with WAL (a power cut can lose the last commits, never
            # corrupt the file) and makes each commit ~3.5x cheaper (PERF-NOTES.md).
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            migrate(self._db)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot use database {self.path}: {exc}") from exc

    @classmethod
    def open(cls, state_dir: Path) -> Self:
        """Open ``state_dir/monitor.db``, creating the directory and the database."""
        state_dir = Path(state_dir)
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StoreError(f"cannot create state directory {state_dir}: {reason}") from exc
        if not os.access(state_dir, os.W_OK | os.X_OK):
            raise StoreError(f"state directory {state_dir} is not writable")
        return cls(state_dir / DB_FILENAME)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            self._db.close()

    @guarded
    def schema_version(self) -> int:
        return user_version(self._db)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, committed on success and rolled back on any exception.

        BEGIN IMMEDIATE takes the write lock up front: another process holding it makes
        us wait (busy timeout) instead of failing halfway when our read snapshot is stale.
        Inside a ``batch`` the batch is the transaction, all or nothing, so a write there
        needs no savepoint of its own (two statements fewer per write).
        """
        if self._db.conn.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            self.rollbacks += 1
            self._db.rollback()
            raise

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(f'"{name}"' for name in row)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders(list(row))})",
            list(row.values()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many saves in one transaction, all or nothing (bulk loads, bench/ingest.py)."""
        with self._lock, self._write():
            yield

    def _forget_candidates(self, item_ids: Sequence[int | None] | None = None) -> None:
        """Drop the cached candidates of these items (all when None): a write changed their
        rows. The items part caches them (``ItemsMixin.candidates_by_id``)."""

    # ------------------------------------------------------- reads several parts share

    def _item_id(self, source: str, guid: str) -> int | None:
        """The stored item's id (items: ``seen``; ``save``); None when never seen."""
        row = self._db.execute(
            "SELECT id FROM items WHERE source = ? AND guid = ?", [source, guid]
        ).fetchone()
        return None if row is None else int(row[0])

    def _alert_dicts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Alerts rows in the shape ``alerts`` and the outbox's due rows return: each with
        its new figure, the figures it contradicts and its deliveries."""
        alert_ids = [row["id"] for row in rows]
        previous: dict[int, list[int]] = {alert_id: [] for alert_id in alert_ids}
        deliveries: dict[int, list[dict[str, Any]]] = {alert_id: [] for alert_id in alert_ids}
        for chunk in chunks(alert_ids):
            marks = placeholders(chunk)
            for link in self._db.query(
                f"SELECT alert_id, figure_id FROM alert_previous WHERE alert_id IN ({marks})"
                " ORDER BY figure_id",
                list(chunk),
            ):
                previous[link["alert_id"]].append(link["figure_id"])
            for row in self._db.query(
                "SELECT id, alert_id, channel, status, attempts, last_error, next_attempt,"
                f" last_attempt, delivered FROM outbox WHERE alert_id IN ({marks}) ORDER BY id",
                list(chunk),
            ):
                deliveries[row.pop("alert_id")].append(row)
        wanted = {row["new_figure_id"] for row in rows}
        wanted.update(figure_id for ids in previous.values() for figure_id in ids)
        figures = self._figures_by_id(sorted(wanted))
        return [
            {
                "id": row["id"],
                "claim": row["claim_key"],
                "claim_key": row["claim_key"],
                "created": row["created"],
                "reason": row["reason"],
                "kind": row["kind"],
                "status": row["status"],
                "withdrawn": row["withdrawn"],
                "withdrawn_reason": row["withdrawn_reason"],
                "new": figures[row["new_figure_id"]],
                "previous": [figures[figure_id] for figure_id in previous[row["id"]]],
                # all the earlier figures it contradicts; "previous" names the newest few
                "previous_count": max(row["previous_count"] or 0, len(previous[row["id"]])),
                "deliveries": deliveries[row["id"]],
            }
            for row in rows
        ]

    def _figures_by_id(self, figure_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunks(figure_ids):
            for row in self._db.query(
                FIGURE_SELECT + f" WHERE f.id IN ({placeholders(chunk)})", list(chunk)
            ):
                found[row["id"]] = row
        return found
