"""The SQLite store: the only module that speaks SQL.

One file (``state/monitor.db``) in WAL mode holds the feeds' fetch state, every item
seen, the stories items were grouped into, the figures read from them, the alerts
raised when a figure contradicted earlier ones, and the outbox of alert deliveries.
The tables are public (docs/schema.md); so are the dict shapes the listing methods
return, because ``monitor ... --json`` prints them as they are.

Writes go through one transaction per call: everything derived from one item is
saved by :meth:`Store.save` or not at all. Every ``sqlite3`` error is translated to
:class:`~monitor.errors.StoreError` with one line naming the database file.

Datetimes are stored as ISO 8601 UTC text ("2025-06-17T09:30:00+00:00"), which sorts
and compares correctly as text; dicts return those strings, dataclasses get aware
datetimes back.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from monitor.errors import StoreError
from monitor.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from monitor.types import (
    Analysis,
    Candidate,
    Divergence,
    FeedSpec,
    Figure,
    Item,
    Reported,
    TopicMatch,
)

__all__ = [
    "DB_FILENAME",
    "FAILING_AFTER",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FeedState",
    "Store",
    "migrate",
]

DB_FILENAME = "monitor.db"

# A feed is "failing" after this many failed fetches in a row: one or two misses are
# usually a flaky network or a server restart, three in a row rarely are.
FAILING_AFTER = 3

# How long a writer waits for another process's lock (the daemon and a CLI command may
# share the file) before "database is locked" is reported.
BUSY_TIMEOUT_SECONDS = 10.0

# SQLite's historical limit on host parameters is 999; stay well under it.
_IN_CHUNK = 500


# --------------------------------------------------------------------------- helpers


def _iso(moment: datetime) -> str:
    """Aware datetime -> ISO 8601 UTC text; naive ones are refused, they would misorder."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the store needs aware times")
    return moment.astimezone(UTC).isoformat()


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else _iso(moment)


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


_CANDIDATE_SELECT = "SELECT id, story_id, source, title, text, published, duplicate_of FROM items"


def _candidate(row: Mapping[str, Any]) -> Candidate:
    """An items row (selected with _CANDIDATE_SELECT) as the story matcher sees it."""
    return Candidate(
        item_id=row["id"],
        story_id=row["story_id"],
        source=row["source"],
        title=row["title"],
        text=row["text"],
        published=datetime.fromisoformat(row["published"]),
        duplicate_of=row["duplicate_of"],
    )


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _feed_status(
    enabled: bool,
    failures: int,
    last_success: str | None,
    gone: bool = False,
    failing_after: int = FAILING_AFTER,
) -> str:
    if not enabled:
        return "disabled"
    if gone:
        return "gone"
    if failures >= failing_after:
        return "failing"
    if failures:
        return "retrying"  # failed lately, not yet often enough in a row to be failing
    if last_success is None:
        return "new"
    return "ok"


@dataclass(frozen=True)
class FeedState:
    """What the fetcher needs to know about one feed before polling it."""

    url: str
    name: str
    etag: str | None
    last_modified: str | None
    last_success: datetime | None
    last_error: str | None
    failures: int
    items_seen: int
    next_poll: datetime | None
    status: str  # "new" | "ok" | "retrying" | "failing" | "gone" | "disabled"
    fetch_url: str | None = None  # where it lives now (after a 301/308); None = url
    retry_until: datetime | None = None  # a server asked us not to ask before this
    gone: bool = False  # answered 410 Gone; polled again only when forced
    interval: int | None = None  # the effective interval last computed


def _row_status(row: dict[str, Any], failing_after: int = FAILING_AFTER) -> str:
    return _feed_status(
        bool(row["enabled"]),
        row["failures"],
        row["last_success"],
        gone=row["gone_since"] is not None,
        failing_after=failing_after,
    )


def _feed_state(row: dict[str, Any], failing_after: int = FAILING_AFTER) -> FeedState:
    return FeedState(
        url=row["url"],
        name=row["name"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success=_parse(row["last_success"]),
        last_error=row["last_error"],
        failures=row["failures"],
        items_seen=row["items_seen"],
        next_poll=_parse(row["next_poll"]),
        status=_row_status(row, failing_after),
        fetch_url=row["fetch_url"],
        retry_until=_parse(row["retry_until"]),
        gone=row["gone_since"] is not None,
        interval=row["effective_interval"],
    )


def _feed_spec(row: dict[str, Any]) -> FeedSpec:
    return FeedSpec(
        url=row["url"],
        name=row["name"],
        interval=row["interval"],
        enabled=bool(row["enabled"]),
        lang=row["lang"],
        fulltext=bool(row["fulltext"]),
    )


_FIGURE_SELECT = """
    SELECT f.id, f.item_id, f.story_id, i.source, f.claim, f.claim_key, f.low, f.high,
           f.hedge, f.modifier, f.attribution, f.text, f.start, f."end", i.url, i.published,
           i.title, f.scope, f.place
    FROM figures f JOIN items i ON i.id = f.item_id
"""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """Serialise calls on the shared connection and turn sqlite3 errors into StoreError.

    The lock lets the daemon's worker threads share one Store; the translation keeps
    sqlite3 exceptions from reaching the user.
    """

    @functools.wraps(method)
    def wrapper(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise StoreError(f"database {self.path}: {exc}") from exc

    return wrapper


# --------------------------------------------------------------------------- the store


class Store:
    """The monitor's database: open (or create and migrate) it, read it, write it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            # check_same_thread=False: the daemon's scheduler runs jobs in worker threads;
            # self._lock serialises them instead.
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        try:
            self._db = Database(conn, execute_plugins=False)
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
    def open(cls, state_dir: Path) -> Store:
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            self._db.close()

    @_guarded
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
            self._db.rollback()
            raise

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(f'"{name}"' for name in row)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(list(row))})",
            list(row.values()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    # ----------------------------------------------------------------------- feeds
    # Issue 3: feed-state methods (schedule, redirects, Retry-After, gone feeds, backoff,
    # feeds added from the command line).

    @_guarded
    def sync_feeds(self, feeds: Sequence[FeedSpec]) -> None:
        """Make the feeds table match the configuration; feeds no longer listed are kept
        (their history stays browsable) but disabled. Feeds added with `monitor feeds add`
        are not in the file and are left alone."""
        with self._write():
            self._db.execute("UPDATE feeds SET enabled = 0, configured = 0 WHERE added IS NULL")
            self._db.table("feeds").upsert_all(
                (
                    {
                        "url": spec.url,
                        "name": spec.name,
                        "interval": spec.interval,
                        "enabled": int(spec.enabled),
                        "configured": 1,
                        "lang": spec.lang,
                        "fulltext": int(spec.fulltext),
                    }
                    for spec in feeds
                ),
                pk="url",
            )

    @_guarded
    def add_feed(self, spec: FeedSpec, at: datetime) -> bool:
        """Add a feed outside feeds.yaml (`monitor feeds add`/`import`); False when the URL
        is already known (it is then only re-enabled if it had been removed)."""
        with self._write():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO feeds (url, name, interval, enabled, configured, lang,"
                " fulltext, added) VALUES (?, ?, ?, 1, 0, ?, ?, ?)",
                [spec.url, spec.name, spec.interval, spec.lang, int(spec.fulltext), _iso(at)],
            )
            if cursor.rowcount:
                return True
            self._db.execute(
                "UPDATE feeds SET enabled = 1, added = COALESCE(added, ?)"
                " WHERE url = ? AND configured = 0",
                [_iso(at), spec.url],
            )
            return False

    @_guarded
    def remove_feed(self, url: str) -> str:
        """Stop polling a feed added from the command line; its items stay. Returns its
        name. StoreError when it is unknown or listed in feeds.yaml (edit the file)."""
        row = self._feed_row_by_url_or_name(url)
        if row is None:
            raise StoreError(f"no feed {url!r} (see `monitor feeds`)")
        if row["configured"]:
            raise StoreError(
                f"{row['url']} is listed in feeds.yaml: remove it there (it is then disabled)"
            )
        with self._write():
            self._db.execute(
                "UPDATE feeds SET enabled = 0, added = NULL WHERE url = ?", [row["url"]]
            )
        return str(row["name"])

    def _feed_row_by_url_or_name(self, key: str) -> dict[str, Any] | None:
        rows = list(
            self._db.query(
                "SELECT * FROM feeds WHERE url = ? OR fetch_url = ? OR name = ?"
                " ORDER BY url = ? DESC LIMIT 2",
                [key, key, key, key],
            )
        )
        if len(rows) > 1 and rows[0]["url"] != key:
            raise StoreError(f"{key!r} names several feeds: give the URL")
        return rows[0] if rows else None

    @_guarded
    def feed_state(self, url: str, failing_after: int = FAILING_AFTER) -> FeedState:
        """The feed's fetch state; a feed never seen gets a blank "new" state."""
        row = self._feed_row(url)
        if row is None:
            return FeedState(url, url, None, None, None, None, 0, 0, None, "new")
        return _feed_state(row, failing_after)

    @_guarded
    def poll_plan(self, failing_after: int = FAILING_AFTER) -> list[tuple[FeedSpec, FeedState]]:
        """Every enabled feed (configured or added) with its state, by URL."""
        rows = self._db.query("SELECT * FROM feeds WHERE enabled ORDER BY url")
        return [(_feed_spec(row), _feed_state(row, failing_after)) for row in rows]

    @_guarded
    def due_feeds(
        self, now: datetime, failing_after: int = FAILING_AFTER
    ) -> list[tuple[FeedSpec, FeedState]]:
        """Enabled feeds not gone whose next poll is due at ``now`` (or never set)."""
        rows = self._db.query(
            "SELECT * FROM feeds WHERE enabled AND gone_since IS NULL"
            " AND (next_poll IS NULL OR next_poll <= ?) ORDER BY next_poll, url",
            [_iso(now)],
        )
        return [(_feed_spec(row), _feed_state(row, failing_after)) for row in rows]

    @_guarded
    def feed_specs(self) -> list[FeedSpec]:
        """Every enabled feed, configured or added, as the poller sees it."""
        rows = self._db.query("SELECT * FROM feeds WHERE enabled ORDER BY url")
        return [_feed_spec(row) for row in rows]

    def _feed_row(self, url: str) -> dict[str, Any] | None:
        rows = list(self._db.query("SELECT * FROM feeds WHERE url = ?", [url]))
        return rows[0] if rows else None

    @_guarded
    def record_fetch(
        self,
        url: str,
        *,
        at: datetime,
        ok: bool,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
        new_items: int = 0,
        next_poll: datetime | None = None,
        status: int | None = None,
        moved_to: str | None = None,
        retry_until: datetime | None = None,
        gone: bool = False,
        interval: int | None = None,
    ) -> None:
        """Record one fetch attempt. Validators are only replaced when given, because
        a 304 answer need not repeat them. ``moved_to`` (a 301/308) becomes the URL
        fetched from now on; ``gone`` (a 410) stops the feed until a forced poll."""
        with self._write():
            self._db.execute(
                "INSERT OR IGNORE INTO feeds (url, name, configured) VALUES (?, ?, 0)",
                [url, url],
            )
            common = [_iso(at), status, _iso_or_none(next_poll), _iso_or_none(retry_until)]
            if ok:
                self._db.execute(
                    """
                    UPDATE feeds SET last_attempt = ?, last_status = ?, next_poll = ?,
                        retry_until = ?, last_success = ?, failures = 0,
                        last_error = NULL, items_seen = items_seen + ?, gone_since = NULL,
                        etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),
                        effective_interval = COALESCE(?, effective_interval)
                    WHERE url = ?
                    """,
                    [*common, _iso(at), new_items, etag, last_modified, interval, url],
                )
            else:
                self._db.execute(
                    """
                    UPDATE feeds SET last_attempt = ?, last_status = ?, next_poll = ?,
                        retry_until = ?, failures = failures + 1, last_error = ?,
                        gone_since = CASE WHEN ? THEN COALESCE(gone_since, ?) ELSE gone_since END
                    WHERE url = ?
                    """,
                    [*common, error or "unknown error", int(gone), _iso(at), url],
                )
            if moved_to is not None:
                self._db.execute(
                    "UPDATE feeds SET fetch_url = ?, moved_at = ?, etag = ?, last_modified = ?"
                    " WHERE url = ?",
                    [None if moved_to == url else moved_to, _iso(at), etag, last_modified, url],
                )

    @_guarded
    def feeds(self, failing_after: int = FAILING_AFTER) -> list[dict[str, Any]]:
        """Every feed, configured ones first, by name (the shape of `feeds --json`)."""
        rows = self._db.query("SELECT * FROM feeds ORDER BY configured DESC, name, url")
        return [
            {
                "url": row["url"],
                "name": row["name"],
                "status": _row_status(row, failing_after),
                "enabled": bool(row["enabled"]),
                "configured": bool(row["configured"]),
                "added": row["added"],
                "interval": row["interval"],
                "effective_interval": row["effective_interval"],
                "lang": row["lang"],
                "fulltext": bool(row["fulltext"]),
                "fetch_url": row["fetch_url"] or row["url"],
                "moved_at": row["moved_at"],
                "last_attempt": row["last_attempt"],
                "last_status": row["last_status"],
                "last_success": row["last_success"],
                "failures": row["failures"],
                "last_error": row["last_error"],
                "next_poll": row["next_poll"],
                "retry_after": row["retry_until"],
                "gone_since": row["gone_since"],
                "items_seen": row["items_seen"],
            }
            for row in rows
        ]

    @_guarded
    def stored_content(self, source: str, guid: str) -> tuple[str, str, str | None] | None:
        """The stored title, text and url of an item; None when it was never seen."""
        row = self._db.execute(
            "SELECT title, text, url FROM items WHERE source = ? AND guid = ?", [source, guid]
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    @_guarded
    def stored_contents(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, str, str | None]]:
        """``stored_content`` for many (source, guid) pairs at once; unseen ones are absent."""
        found: dict[tuple[str, str], tuple[str, str, str | None]] = {}
        guids_of: dict[str, list[str]] = {}
        for source, guid in dict.fromkeys(keys):
            guids_of.setdefault(source, []).append(guid)
        # By source, "guid IN (...)": SQLite walks the (source, guid) index; a row-value
        # IN over a VALUES list was five times slower.
        for source, guids in guids_of.items():
            for start in range(0, len(guids), _IN_CHUNK):
                chunk = guids[start : start + _IN_CHUNK]
                rows = self._db.execute(
                    "SELECT guid, title, text, url FROM items"
                    f" WHERE source = ? AND guid IN ({_placeholders(chunk)})",
                    [source, *chunk],
                )
                for guid, title, text, url in rows:
                    found[(source, guid)] = (title, text, url)
        return found

    @_guarded
    def save_skipped(self, items: Sequence[tuple[Item, TopicMatch]]) -> None:
        """Store items outside every topic (with why), many in one statement.

        The caller has checked that none is stored yet (``stored_contents``); one that
        is after all (another process stored it meanwhile) is left as it was.
        """
        with self._write():
            self._db.conn.executemany(
                "INSERT OR IGNORE INTO items (source, guid, title, text, url, lang, feed_url,"
                " published, status, topic, topic_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " 'skipped', NULL, ?)",
                [
                    (
                        item.source,
                        item.guid,
                        item.title,
                        item.text,
                        item.url,
                        item.lang,
                        item.feed_url,
                        _iso(item.published),
                        topic.reason,
                    )
                    for item, topic in items
                ],
            )

    @_guarded
    def update_item(self, source: str, guid: str, title: str, text: str, url: str | None) -> None:
        """A re-delivered entry whose content changed: refresh the stored item in place
        (its story, figures and alerts are not derived again, so nothing alerts twice)."""
        with self._write():
            self._db.execute(
                "UPDATE items SET title = ?, text = ?, url = ? WHERE source = ? AND guid = ?",
                [title, text, url, source, guid],
            )

    # ----------------------------------------------------------------------- items

    @_guarded
    def seen(self, source: str, guid: str) -> bool:
        return self._item_id(source, guid) is not None

    def _item_id(self, source: str, guid: str) -> int | None:
        row = self._db.execute(
            "SELECT id FROM items WHERE source = ? AND guid = ?", [source, guid]
        ).fetchone()
        return None if row is None else int(row[0])

    # ------------------------------------------------------------------ candidate index
    # (issue 4) story_keys feeds monitor.stories.index.CandidateIndex; Candidates by id.

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many saves in one transaction, all or nothing (bulk loads, bench/ingest.py)."""
        with self._lock, self._write():
            yield

    def _insert_story_keys(self, item_id: int, published: str, keys: Sequence[str]) -> None:
        self._db.conn.executemany(
            "INSERT OR IGNORE INTO story_keys (item_id, key, published) VALUES (?, ?, ?)",
            [(item_id, key, published) for key in keys],
        )

    @_guarded
    def story_keys(
        self, *, after_item: int = 0, since: datetime, until: datetime | None = None
    ) -> list[tuple[int, str, datetime]]:
        """(item id, key, published) of indexed items with an id above ``after_item``
        published in [since, until]."""
        # Catching up by id must walk the primary key from ``after_item`` on, not every
        # row of the time range: "+published" keeps SQLite off the published index.
        column = "+published" if after_item else "published"
        sql = f"SELECT item_id, key, published FROM story_keys WHERE item_id > ? AND {column} >= ?"
        params: list[Any] = [after_item, _iso(since)]
        if until is not None:
            sql += f" AND {column} <= ?"
            params.append(_iso(until))
        parsed: dict[str, datetime] = {}  # one parse per item, not per key
        rows: list[tuple[int, str, datetime]] = []
        for item_id, key, at in self._db.execute(sql, params).fetchall():
            moment = parsed.get(at)
            if moment is None:
                moment = parsed[at] = datetime.fromisoformat(at)
            rows.append((item_id, key, moment))
        return rows

    @_guarded
    def last_indexed_item(self) -> int:
        """The highest item id in the candidate index (0 when empty)."""
        row = self._db.execute("SELECT max(item_id) FROM story_keys").fetchone()
        return int(row[0] or 0)

    @_guarded
    def candidates_by_id(self, item_ids: Sequence[int]) -> list[Candidate]:
        """The kept items with these ids, in the order given."""
        found: dict[int, Candidate] = {}
        for chunk in _chunks(list(item_ids)):
            for row in self._db.query(
                _CANDIDATE_SELECT
                + f" WHERE id IN ({_placeholders(chunk)}) AND story_id IS NOT NULL",
                list(chunk),
            ):
                found[row["id"]] = _candidate(row)
        return [found[item_id] for item_id in item_ids if item_id in found]

    @_guarded
    def previous_figures(self, claim_key: str, since: datetime) -> list[Reported]:
        """Stored figures with this claim key from items published at or after ``since``.

        Reprints are left out: their originals carry the same figures, and an alert that
        listed every reprint would bury the sources that matter.
        """
        rows = self._db.query(
            _FIGURE_SELECT
            + " WHERE f.claim_key = ? AND i.published >= ? AND i.duplicate_of IS NULL"
            " ORDER BY i.published, f.id",
            [claim_key, _iso(since)],
        )
        return [
            Reported(
                figure_id=row["id"],
                item_id=row["item_id"],
                story_id=row["story_id"],
                source=row["source"],
                url=row["url"],
                published=datetime.fromisoformat(row["published"]),
                figure=Figure(
                    claim=row["claim"],
                    low=row["low"],
                    high=row["high"],
                    hedge=row["hedge"],
                    text=row["text"],
                    start=row["start"],
                    end=row["end"],
                    modifier=row["modifier"],
                    attribution=row["attribution"],
                    scope=row["scope"],
                    place=row["place"],
                ),
            )
            for row in rows
        ]

    @_guarded
    def save(
        self,
        analysis: Analysis,
        channels: Sequence[str] = (),
        notices: Mapping[str, int] | None = None,
    ) -> int:
        """Write the item and everything derived from it in one transaction; return its id.

        An item already stored (same source and guid) only has its title, text and url
        refreshed: its story, figures and alerts are not derived again. ``notices`` maps
        a channel to the number of sources at which it wants a story notice (issue 6).
        """
        item = analysis.item
        with self._write():
            existing = self._item_id(item.source, item.guid)
            if existing is not None:
                self._db.execute(
                    "UPDATE items SET title = ?, text = ?, url = ? WHERE id = ?",
                    [item.title, item.text, item.url, existing],
                )
                return existing
            kept = analysis.topic.topic is not None
            story_id = self._place_in_story(analysis) if kept else None
            match = analysis.match if kept else None
            item_id = self._insert(
                "items",
                {
                    "source": item.source,
                    "guid": item.guid,
                    "title": item.title,
                    "text": item.text,
                    "url": item.url,
                    "lang": item.lang,
                    "feed_url": item.feed_url,
                    "published": _iso(item.published),
                    "status": "kept" if kept else "skipped",
                    "topic": analysis.topic.topic,
                    "topic_reason": analysis.topic.reason,
                    "story_id": story_id,
                    "duplicate_of": match.duplicate_of if match else None,
                    "match_score": match.score if match else None,
                    "match_reason": match.reason if match else None,
                },
            )
            if not kept:
                return item_id
            if match is not None and match.duplicate_of is None:
                self._insert_story_keys(item_id, _iso(item.published), match.keys)
            figure_ids = [
                self._insert_figure(figure, item_id, story_id) for figure in analysis.figures
            ]
            for divergence in analysis.divergences:
                # ValueError when `new` is not one of the analysis's figures: a caller
                # bug, and the transaction rolls back everything written so far.
                new_id = figure_ids[analysis.figures.index(divergence.new)]
                self._insert_alert(divergence, new_id, _iso(item.published), channels)
            if notices and story_id is not None:  # issue 6: story notices
                self._queue_story_notice(story_id, item_id, item, notices)
            return item_id

    # --- issue 6: story notices (a story reached N sources), queued with the item

    def _queue_story_notice(
        self, story_id: int, item_id: int, item: Item, notices: Mapping[str, int]
    ) -> None:
        """Queue one notice per channel when this item brings the story to the channel's
        number of distinct sources (reprints count: an outlet reprinting is an outlet
        carrying the story). Never twice for one story and channel."""
        (sources,) = self._db.execute(
            "SELECT count(DISTINCT source) FROM items WHERE story_id = ?", [story_id]
        ).fetchone()
        (repeated,) = self._db.execute(
            "SELECT count(*) FROM items WHERE story_id = ? AND source = ? AND id != ?",
            [story_id, item.source, item_id],
        ).fetchone()
        if repeated:
            return  # the story has no new source
        told = {
            row[0]
            for row in self._db.execute(
                "SELECT o.channel FROM outbox o JOIN story_notices n ON n.id = o.notice_id"
                " WHERE n.story_id = ?",
                [story_id],
            )
        }
        due = [ch for ch, wanted in notices.items() if sources >= wanted and ch not in told]
        if not due:
            return
        created = _iso(item.published)
        found = self._db.execute(
            "SELECT id FROM story_notices WHERE story_id = ? AND sources = ?", [story_id, sources]
        ).fetchone()
        notice_id = (
            found[0]
            if found
            else self._insert(
                "story_notices",
                {"story_id": story_id, "item_id": item_id, "sources": sources, "created": created},
            )
        )
        for channel in due:
            self._insert(
                "outbox",
                {
                    "notice_id": notice_id,
                    "channel": channel,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt": created,
                },
            )

    def _notice_dicts(self, notice_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Story notices by id: the story as it stood when the notice was queued (its
        items up to the one that brought it to ``sources``) and the claim figures read
        from its original articles by then."""
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(notice_ids):
            for row in self._db.query(
                "SELECT n.id, n.story_id, n.item_id, n.sources, n.created, s.title"
                " FROM story_notices n JOIN stories s ON s.id = n.story_id"
                f" WHERE n.id IN ({_placeholders(chunk)})",
                list(chunk),
            ):
                found[row["id"]] = row
        for notice in found.values():
            notice["items"] = list(
                self._db.query(
                    "SELECT id, source, title, url, lang, published, duplicate_of FROM items"
                    " WHERE story_id = ? AND id <= ? ORDER BY published, id",
                    [notice["story_id"], notice["item_id"]],
                )
            )
            notice["figures"] = list(
                self._db.query(
                    _FIGURE_SELECT + " WHERE f.story_id = ? AND f.item_id <= ?"
                    " AND f.claim IS NOT NULL AND i.duplicate_of IS NULL"
                    " ORDER BY f.claim_key, i.published, f.id",
                    [notice["story_id"], notice["item_id"]],
                )
            )
        return found

    def _place_in_story(self, analysis: Analysis) -> int:
        published = _iso(analysis.item.published)
        match = analysis.match
        if match is None or match.story_id is None:
            return self._insert(
                "stories",
                {"title": analysis.item.title, "created": published, "updated": published},
            )
        # max(): an older item arriving late must not move the story back in time.
        cursor = self._db.execute(
            "UPDATE stories SET updated = max(updated, ?) WHERE id = ?",
            [published, match.story_id],
        )
        if cursor.rowcount == 0:
            raise StoreError(f"database {self.path}: no story {match.story_id} to add to")
        return match.story_id

    def _insert_figure(self, figure: Figure, item_id: int, story_id: int | None) -> int:
        return self._insert(
            "figures",
            {
                "item_id": item_id,
                "story_id": story_id,
                "claim": figure.claim,
                "claim_key": figure.claim_key,
                "low": figure.low,
                "high": figure.high,
                "hedge": figure.hedge,
                "modifier": figure.modifier,
                "attribution": figure.attribution,
                "scope": figure.scope,
                "place": figure.place,
                "text": figure.text,
                "start": figure.start,
                "end": figure.end,
            },
        )

    def _insert_alert(
        self, divergence: Divergence, new_id: int, created: str, channels: Sequence[str]
    ) -> None:
        alert_id = self._insert(
            "alerts",
            {
                "claim_key": divergence.new.claim_key or "",
                "created": created,
                "reason": divergence.reason,
                "new_figure_id": new_id,
            },
        )
        # dict.fromkeys: drop repeats, keep order (the tables have composite keys).
        for figure_id in dict.fromkeys(reported.figure_id for reported in divergence.contradicts):
            self._insert("alert_previous", {"alert_id": alert_id, "figure_id": figure_id})
        for channel in dict.fromkeys(channels):
            self._insert(
                "outbox",
                {
                    "alert_id": alert_id,
                    "channel": channel,
                    "status": "pending",
                    "attempts": 0,
                    "last_error": None,
                    "next_attempt": created,
                },
            )

    @_guarded
    def item(self, item_id: int) -> dict[str, Any] | None:
        """One item's row, with its figures under "figures"; None when there is none."""
        rows = list(self._db.query("SELECT * FROM items WHERE id = ?", [item_id]))
        if not rows:
            return None
        row = rows[0]
        row["figures"] = list(
            self._db.query(_FIGURE_SELECT + " WHERE f.item_id = ? ORDER BY f.id", [item_id])
        )
        return row

    # ----------------------------------------------------------------------- listings

    @_guarded
    def stories(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Stories, most recently updated first, each with its items oldest first."""
        stories = list(
            self._db.query(
                "SELECT id, title, created, updated FROM stories"
                " ORDER BY updated DESC, id DESC LIMIT ?",
                [-1 if limit is None else limit],
            )
        )
        items: dict[int, list[dict[str, Any]]] = {story["id"]: [] for story in stories}
        for chunk in _chunks(list(items)):
            for row in self._db.query(
                "SELECT id, story_id, source, title, url, lang, published, duplicate_of"
                f" FROM items WHERE story_id IN ({_placeholders(chunk)})"
                " ORDER BY published, id",
                list(chunk),
            ):
                items[row.pop("story_id")].append(row)
        for story in stories:
            members = items[story["id"]]
            story["sources"] = len({member["source"] for member in members})
            story["languages"] = sorted({m["lang"] for m in members if m["lang"] is not None})
            story["items"] = members
        return stories

    # --- issue 5: claim history ------------------------------------------------------------

    @_guarded
    def claim_history(self, claim: str | None = None) -> list[dict[str, Any]]:
        """Every claim figure of an original article (reprints left out), by claim key and
        then publication time, each with ``alert_id`` when it raised an alert; ``claim``
        matches a kind ("troops", with "troops/increment") or one exact claim key."""
        where = "f.claim IS NOT NULL AND i.duplicate_of IS NULL"
        params: list[Any] = []
        if claim is not None:
            where += " AND (f.claim = ? OR f.claim_key = ?)"
            params = [claim, claim]
        rows = list(
            self._db.query(
                _FIGURE_SELECT + f" WHERE {where} ORDER BY f.claim_key, i.published, f.id", params
            )
        )
        alerted = {
            row["new_figure_id"]: row["id"]
            for row in self._db.query("SELECT id, new_figure_id FROM alerts ORDER BY id DESC")
        }
        for row in rows:
            row["alert_id"] = alerted.get(row["id"])
        return rows

    @_guarded
    def figures(self, claim: str | None = None) -> list[dict[str, Any]]:
        """Stored figures, oldest first; ``claim`` matches a kind ("troops", which includes
        "troops/increment") or one exact claim key."""
        if claim is None:
            rows = self._db.query(_FIGURE_SELECT + " ORDER BY i.published, f.id")
        else:
            rows = self._db.query(
                _FIGURE_SELECT + " WHERE f.claim = ? OR f.claim_key = ? ORDER BY i.published, f.id",
                [claim, claim],
            )
        return list(rows)

    @_guarded
    def alerts(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Alerts, newest first, with the new figure, the ones it contradicts and deliveries."""
        rows = list(
            self._db.query(
                "SELECT * FROM alerts ORDER BY created DESC, id DESC LIMIT ?",
                [-1 if limit is None else limit],
            )
        )
        return self._alert_dicts(rows)

    def _alert_dicts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        alert_ids = [row["id"] for row in rows]
        previous: dict[int, list[int]] = {alert_id: [] for alert_id in alert_ids}
        deliveries: dict[int, list[dict[str, Any]]] = {alert_id: [] for alert_id in alert_ids}
        for chunk in _chunks(alert_ids):
            marks = _placeholders(chunk)
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
                "new": figures[row["new_figure_id"]],
                "previous": [figures[figure_id] for figure_id in previous[row["id"]]],
                "deliveries": deliveries[row["id"]],
            }
            for row in rows
        ]

    def _figures_by_id(self, figure_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(figure_ids):
            for row in self._db.query(
                _FIGURE_SELECT + f" WHERE f.id IN ({_placeholders(chunk)})", list(chunk)
            ):
                found[row["id"]] = row
        return found

    @_guarded
    def counts(self) -> dict[str, int]:
        row = self._db.execute(
            """
            SELECT (SELECT count(*) FROM items),
                   (SELECT count(*) FROM items WHERE status = 'kept'),
                   (SELECT count(*) FROM items WHERE status = 'skipped'),
                   (SELECT count(*) FROM stories),
                   (SELECT count(*) FROM figures),
                   (SELECT count(*) FROM alerts),
                   (SELECT count(*) FROM outbox WHERE status = 'pending')
            """
        ).fetchone()
        keys = ("items", "kept", "skipped", "stories", "figures", "alerts", "pending_deliveries")
        return dict(zip(keys, (int(value) for value in row), strict=True))

    # --- issue 7: the live view's counters

    @_guarded
    def activity(self, now: datetime) -> dict[str, int]:
        """What happened lately: items stored in the last hour, alerts raised (by items
        stored) in the last 24 hours, and feeds failing now (enabled, FAILING_AFTER or
        more failures in a row). Stored time, not publication time: a feed that delivers
        last week's article today is today's activity."""
        row = self._db.execute(
            """
            SELECT (SELECT count(*) FROM items WHERE created >= ?),
                   (SELECT count(*) FROM alerts a JOIN figures f ON f.id = a.new_figure_id
                      JOIN items i ON i.id = f.item_id WHERE i.created >= ?),
                   (SELECT count(*) FROM feeds WHERE enabled AND failures >= ?),
                   (SELECT count(*) FROM feeds WHERE enabled)
            """,
            [_iso(now - timedelta(hours=1)), _iso(now - timedelta(days=1)), FAILING_AFTER],
        ).fetchone()
        keys = ("items_last_hour", "alerts_last_day", "feeds_failing", "feeds_enabled")
        return dict(zip(keys, (int(value) for value in row), strict=True))

    # ----------------------------------------------------------------------- outbox

    @_guarded
    def pending_deliveries(self, now: datetime) -> list[dict[str, Any]]:
        """Alerts' outbox rows due at ``now``, earliest first, each with its alert under
        "alert" (story notices: ``due_deliveries``)."""
        rows = list(
            self._db.query(
                "SELECT id, alert_id, channel, status, attempts, last_error, next_attempt"
                " FROM outbox WHERE status = 'pending' AND next_attempt <= ?"
                " AND alert_id IS NOT NULL"
                " ORDER BY next_attempt, id",
                [_iso(now)],
            )
        )
        alert_rows = self._alert_rows(sorted({row["alert_id"] for row in rows}))
        alerts = {alert["id"]: alert for alert in self._alert_dicts(alert_rows)}
        for row in rows:
            row["alert"] = alerts[row["alert_id"]]
        return rows

    def _alert_rows(self, alert_ids: Sequence[int]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(alert_ids):
            rows.extend(
                self._db.query(
                    f"SELECT * FROM alerts WHERE id IN ({_placeholders(chunk)})", list(chunk)
                )
            )
        return rows

    @_guarded
    def mark_delivered(self, outbox_id: int, at: datetime) -> None:
        self._update_outbox(
            outbox_id,
            "status = 'delivered', attempts = attempts + 1, last_attempt = ?, delivered = ?,"
            " last_error = NULL",
            [_iso(at), _iso(at)],
        )

    @_guarded
    def mark_failed(self, outbox_id: int, at: datetime, error: str, next_attempt: datetime) -> None:
        """Count a failed attempt; the row stays pending and is due again at ``next_attempt``."""
        self._update_outbox(
            outbox_id,
            "attempts = attempts + 1, last_attempt = ?, last_error = ?, next_attempt = ?",
            [_iso(at), error, _iso(next_attempt)],
        )

    def _update_outbox(self, outbox_id: int, assignments: str, values: Iterable[Any]) -> None:
        with self._write():
            cursor = self._db.execute(
                f"UPDATE outbox SET {assignments} WHERE id = ?", [*values, outbox_id]
            )
            if cursor.rowcount == 0:
                raise StoreError(f"database {self.path}: no outbox row {outbox_id}")

    # --- issue 6: alert delivery (claims before sending, sends, the outbox listing)

    @_guarded
    def instance_id(self) -> str:
        """A random id made when the database was created; it names this installation."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()
        return str(row[0])

    @_guarded
    def due_deliveries(self, channel: str, now: datetime) -> list[dict[str, Any]]:
        """The channel's pending rows due at ``now``, oldest first.

        Each row carries its alert under "alert" (with the item's "topic") or, for a story
        notice, the notice under "notice" (with "topic"); "queued" (when the item that
        raised it was stored) and the claim fields, which the sender checks itself.
        """
        rows = list(
            self._db.query(
                """
                SELECT o.id, o.alert_id, o.notice_id, o.channel, o.attempts, o.last_error,
                       o.next_attempt, o.claimed_by, o.claimed_until, i.created AS queued,
                       i.topic
                FROM outbox o LEFT JOIN alerts a ON a.id = o.alert_id
                LEFT JOIN figures f ON f.id = a.new_figure_id
                LEFT JOIN story_notices n ON n.id = o.notice_id
                JOIN items i ON i.id = coalesce(f.item_id, n.item_id)
                WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt <= ?
                ORDER BY o.id
                """,
                [channel, _iso(now)],
            )
        )
        alert_ids = sorted({row["alert_id"] for row in rows if row["alert_id"] is not None})
        alerts = {alert["id"]: alert for alert in self._alert_dicts(self._alert_rows(alert_ids))}
        notices = self._notice_dicts(
            sorted({row["notice_id"] for row in rows if row["notice_id"] is not None})
        )
        for row in rows:
            topic = row.pop("topic")
            if row["alert_id"] is not None:
                row["alert"] = {**alerts[row["alert_id"]], "topic": topic}
            else:
                row["notice"] = {**notices[row["notice_id"]], "topic": topic}
        return rows

    @_guarded
    def claim_deliveries(
        self, seen: Sequence[tuple[int, str | None]], owner: str, now: datetime, until: datetime
    ) -> list[int]:
        """Claim rows for sending; ``seen`` pairs each id with the claimed_by it was read
        with, so a row another sender took meanwhile is not taken. Returns the ids taken."""
        taken: list[int] = []
        with self._write():
            for outbox_id, seen_owner in seen:
                cursor = self._db.execute(
                    "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ?"
                    " AND status = 'pending' AND next_attempt <= ? AND claimed_by IS ?",
                    [owner, _iso(until), outbox_id, _iso(now), seen_owner],
                )
                if cursor.rowcount:
                    taken.append(outbox_id)
        return taken

    @_guarded
    def mark_sent(
        self, outbox_ids: Sequence[int], channel: str, at: datetime, message_id: str
    ) -> None:
        """The channel accepted one message carrying these rows: they are delivered."""
        with self._write():
            for chunk in _chunks(outbox_ids):
                self._db.execute(
                    "UPDATE outbox SET status = 'delivered', attempts = attempts + 1,"
                    " last_attempt = ?, delivered = ?, last_error = NULL, message_id = ?,"
                    " claimed_by = NULL, claimed_until = NULL"
                    f" WHERE id IN ({_placeholders(chunk)})",
                    [_iso(at), _iso(at), message_id, *chunk],
                )
            self._insert(
                "channel_sends",
                {
                    "channel": channel,
                    "sent": _iso(at),
                    "alerts": len(outbox_ids),
                    "message_id": message_id,
                },
            )

    @_guarded
    def mark_retry(
        self,
        outbox_ids: Sequence[int],
        at: datetime,
        error: str,
        next_attempt: datetime,
        *,
        attempted: bool = True,
    ) -> None:
        """The rows stay pending, due again at ``next_attempt``; ``attempted`` False for rows
        that were held back because their channel just failed on another row."""
        self._close_outbox(outbox_ids, "pending", at, error, next_attempt, attempted)

    @_guarded
    def mark_closed(
        self, outbox_ids: Sequence[int], status: str, at: datetime, reason: str
    ) -> None:
        """Stop trying: 'failed' (refused for good; counts as an attempt) or 'filtered'."""
        self._close_outbox(outbox_ids, status, at, reason, at, attempted=status == "failed")

    def _close_outbox(
        self,
        outbox_ids: Sequence[int],
        status: str,
        at: datetime,
        error: str,
        next_attempt: datetime,
        attempted: bool,
    ) -> None:
        with self._write():
            for chunk in _chunks(outbox_ids):
                self._db.execute(
                    "UPDATE outbox SET status = ?, attempts = attempts + ?, last_attempt = ?,"
                    " last_error = ?, next_attempt = ?, claimed_by = NULL, claimed_until = NULL"
                    f" WHERE id IN ({_placeholders(chunk)})",
                    [status, int(attempted), _iso(at), error, _iso(next_attempt), *chunk],
                )

    @_guarded
    def sends_since(self, channel: str, since: datetime) -> list[datetime]:
        """When the channel accepted a message at or after ``since``, oldest first."""
        rows = self._db.execute(
            "SELECT sent FROM channel_sends WHERE channel = ? AND sent >= ? ORDER BY sent",
            [channel, _iso(since)],
        ).fetchall()
        return [datetime.fromisoformat(row[0]) for row in rows]

    @_guarded
    def outbox(self, include_delivered: bool = False) -> list[dict[str, Any]]:
        """Deliveries not (yet) made, oldest first: the shape of `monitor outbox --json`."""
        wanted = "" if include_delivered else " WHERE o.status IN ('pending', 'failed')"
        return list(
            self._db.query(
                "SELECT o.id, o.alert_id, o.channel, o.status, o.attempts, o.last_error,"
                " o.next_attempt, o.last_attempt, o.delivered, o.message_id,"
                " coalesce(a.claim_key, 'story') AS claim,"
                " coalesce(a.reason, 'story ' || n.story_id || ' reached ' || n.sources"
                " || ' sources') AS reason, o.notice_id, n.story_id"
                " FROM outbox o LEFT JOIN alerts a ON a.id = o.alert_id"
                f" LEFT JOIN story_notices n ON n.id = o.notice_id{wanted} ORDER BY o.id"
            )
        )

    @_guarded
    def retry_deliveries(self, now: datetime, outbox_ids: Sequence[int] | None = None) -> int:
        """Make pending and failed rows due now (all, or the given ids); return how many."""
        where = "status IN ('pending', 'failed')"
        ids = list(outbox_ids or [])
        if outbox_ids is not None:
            where += f" AND id IN ({_placeholders(ids) or 'NULL'})"
        with self._write():
            cursor = self._db.execute(
                f"UPDATE outbox SET status = 'pending', next_attempt = ? WHERE {where}",
                [_iso(now), *ids],
            )
        return cursor.rowcount
