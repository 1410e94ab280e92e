"""The store's handle on its SQLite connection: sqlite3 with the few conveniences its SQL uses.

:class:`Database` wraps one ``sqlite3.Connection`` with what the parts of the store call:
``execute`` (a cursor; a write outside a transaction is committed at once, as
sqlite-utils does), ``query`` (rows as dicts, the statement run at once and the rows
read as they are iterated), ``rollback``, ``enable_wal``, ``close`` and ``conn``. It
behaves as sqlite-utils' ``Database`` does for those calls, without importing it:
sqlite-utils loads numpy, pluggy and dateutil on import (0.15 to 0.2 s), which every
command paid before reading a row. ``table(name)`` hands over to sqlite-utils, loaded
then, for a write that wants its helpers (``upsert_all``); so does ``db[name]``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# Statements that open or close a transaction themselves: never committed behind them.
_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})

Parameters = Sequence[Any] | dict[str, Any] | None


def first_keyword(sql: str) -> str:
    """The statement's first keyword, upper-cased, after blanks and ``--`` comments."""
    for line in sql.lstrip().splitlines():
        line = line.strip()
        if line and not line.startswith("--"):
            return line.split(None, 1)[0].rstrip(";").upper()
    return ""


def unique_keys(keys: Iterable[str]) -> list[str]:
    """Column names with later repeats renamed ``name_2``, ``name_3``... (as sqlite-utils
    does), so no column of a row hides another."""
    keys = list(keys)
    if len(set(keys)) == len(keys):
        return keys
    taken = set(keys)
    seen: set[str] = set()
    unique = []
    for key in keys:
        name, suffix = key, 2
        while name in seen or (name != key and name in taken):
            name, suffix = f"{key}_{suffix}", suffix + 1
        seen.add(name)
        unique.append(name)
    return unique


class Database:
    """One SQLite connection and the calls the store makes on it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: Any = None
        self.execute("PRAGMA recursive_triggers = on")  # as sqlite-utils opens a connection

    def execute(self, sql: str, parameters: Parameters = None) -> sqlite3.Cursor:
        """Run one statement. A write outside a transaction is committed at once."""
        opened_by_it = not self.conn.in_transaction
        cursor = self._run(sql, parameters)
        if (
            opened_by_it
            and self.conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in _TRANSACTION_CONTROL
        ):
            self.conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, parameters: Parameters = None) -> Iterator[dict[str, Any]]:
        """The rows of a query as dicts. The statement runs now; rows are read as the
        result is iterated. A statement that returns no rows is refused (ValueError)
        and undone when it opened the transaction."""
        opened_by_it = not self.conn.in_transaction
        cursor = self._run(sql, parameters)
        if cursor.description is None:
            if opened_by_it and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise ValueError(f"query() needs a statement that returns rows: {sql[:60]!r}")
        keys = unique_keys(column[0] for column in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def _run(self, sql: str, parameters: Parameters) -> sqlite3.Cursor:
        """One statement; one that fails after opening a transaction rolls it back."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            return conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def rollback(self) -> None:
        """Roll back the open transaction; nothing when none is open."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def enable_wal(self) -> None:
        if self.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.execute("PRAGMA journal_mode = wal")

    def close(self) -> None:
        self.conn.close()

    def __getitem__(self, name: str) -> Any:
        return self.table(name)  # db["items"], as with sqlite-utils

    def table(self, name: str) -> Any:
        """sqlite-utils' table ``name`` on this connection (sqlite-utils loaded now)."""
        if self._utils is None:
            from sqlite_utils import Database as Utils

            self._utils = Utils(self.conn, recursive_triggers=False, execute_plugins=False)
        return self._utils.table(name)
