"""The feeds part of the store: the feeds table, each feed's polling state and listing.

:class:`FeedsMixin` provides ``sync_feeds`` (match feeds.yaml), ``add_feed`` and
``remove_feed`` (feeds added from the command line; :class:`Added` says what an add
did), ``feed_state``, ``poll_plan``, ``due_feeds`` and ``feed_specs`` (what the poller
needs), ``record_fetch`` (one fetch attempt: validators, redirects, Retry-After, gone
feeds, backoff, runs of 304s and the unconditional GET that ends a long one, the
fetch's warnings) and ``feeds`` (the shape of `monitor feeds --json`).
:class:`FeedState` is what the fetcher gets back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.errors import StoreError
from monitor.store.base import StoreBase, guarded, iso
from monitor.types import FeedSpec

# A feed is "failing" after this many failed fetches in a row: one or two misses are
# usually a flaky network or a server restart, three in a row rarely are.
FAILING_AFTER = 3


@dataclass(frozen=True)
class Added:
    """What `add_feed` did: "added" (a new feed), "re-added" (a feed known but not polled
    is polled again) or "known" (polled already: nothing changed); the feed's name."""

    outcome: str
    name: str
    url: str


def name_taken(name: str, url: str) -> str:
    """Why a feed cannot be added under ``name``: the feed at ``url`` has it."""
    return f"a feed named {name!r} exists already ({url}); choose another --name"


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


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
    not_modified_run: int = 0  # 304s since the last 200
    last_full_fetch: datetime | None = None  # the last 200 (None: not known)
    last_unconditional: datetime | None = None  # the last GET sent without validators


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
        not_modified_run=row["not_modified_run"],
        last_full_fetch=_parse(row["last_full_fetch"]),
        last_unconditional=_parse(row["last_unconditional"]),
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


class FeedsMixin(StoreBase):
    """Feeds and their polling state."""

    # Issue 3: feed-state methods (schedule, redirects, Retry-After, gone feeds, backoff,
    # feeds added from the command line).

    @guarded
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

    @guarded
    def add_feed(
        self,
        spec: FeedSpec,
        at: datetime,
        *,
        given: Collection[str] = (),
        taken: Mapping[str, str] | None = None,
    ) -> Added:
        """Add a feed outside feeds.yaml (`monitor feeds add`/`import`).

        A URL already polled as an added feed is left as it is ("known", its own name).
        A URL known but not polled (removed with `feeds remove`, or dropped from
        feeds.yaml) is polled again with its history ("re-added"); of ``spec`` only the
        fields named in ``given`` (of name, interval, lang, fulltext) replace the
        stored ones. ``taken``: when given, the name the feed ends up with must not be
        that of another enabled feed, added or in ``taken`` (name → URL, the feeds of
        feeds.yaml): StoreError naming it, and nothing changes."""
        with self._write():
            row = self._feed_row(spec.url)
            if row is not None and row["enabled"] and row["added"] is not None:
                return Added("known", str(row["name"]), spec.url)
            name = spec.name if row is None or "name" in given else str(row["name"])
            if taken is not None:
                other = taken.get(name) or self._added_feed_named(name, spec.url)
                if other is not None and other != spec.url:
                    raise StoreError(name_taken(name, other))
            if row is None:
                self._db.execute(
                    "INSERT INTO feeds (url, name, interval, enabled, configured, lang,"
                    " fulltext, added) VALUES (?, ?, ?, 1, 0, ?, ?, ?)",
                    [spec.url, name, spec.interval, spec.lang, int(spec.fulltext), iso(at)],
                )
                return Added("added", name, spec.url)
            changes = {
                "name": name,
                "interval": spec.interval,
                "lang": spec.lang,
                "fulltext": int(spec.fulltext),
            }
            kept = {field: value for field, value in changes.items() if field in given}
            sets = "".join(f", {field} = ?" for field in kept)  # names from ``changes``
            self._db.execute(
                f"UPDATE feeds SET enabled = 1, added = ?, next_poll = NULL{sets} WHERE url = ?",
                [iso(at), *kept.values(), spec.url],
            )
            return Added("re-added", name, spec.url)

    def _added_feed_named(self, name: str, url: str) -> str | None:
        """The URL of another enabled added feed called ``name``, if there is one."""
        rows = list(
            self._db.query(
                "SELECT url FROM feeds WHERE name = ? AND url != ? AND enabled"
                " AND added IS NOT NULL ORDER BY url LIMIT 1",
                [name, url],
            )
        )
        return str(rows[0]["url"]) if rows else None

    @guarded
    def remove_feed(self, url: str) -> tuple[str, str, bool]:
        """Stop polling a feed added from the command line; its items stay. Returns its
        name, its URL and whether it was polled until now (False: it had been removed
        already). StoreError when it is unknown or listed in feeds.yaml (edit the file)."""
        row = self._feed_row_by_url_or_name(url)
        if row is None:
            raise StoreError(f"no feed {url!r} (see `monitor feeds`)")
        if row["configured"]:
            raise StoreError(
                f"{row['url']} is listed in feeds.yaml: remove it there (it is then disabled)"
            )
        if not row["enabled"]:
            return str(row["name"]), str(row["url"]), False
        with self._write():
            self._db.execute(
                "UPDATE feeds SET enabled = 0, added = NULL WHERE url = ?", [row["url"]]
            )
        return str(row["name"]), str(row["url"]), True

    def _feed_row_by_url_or_name(self, key: str) -> dict[str, Any] | None:
        """The feed whose URL (or the URL it moved to) or name is ``key``. Of several
        with that name, the one still polled; StoreError when that does not decide."""
        rows = list(
            self._db.query(
                "SELECT * FROM feeds WHERE url = ? OR fetch_url = ? OR name = ?"
                " ORDER BY url = ? DESC, enabled DESC, url",
                [key, key, key, key],
            )
        )
        if len(rows) > 1 and rows[0]["url"] != key:
            enabled = [row for row in rows if row["enabled"]]
            if len(enabled) != 1:
                raise StoreError(f"{key!r} names several feeds: give the URL")
            return enabled[0]
        return rows[0] if rows else None

    @guarded
    def feed_state(self, url: str, failing_after: int = FAILING_AFTER) -> FeedState:
        """The feed's fetch state; a feed never seen gets a blank "new" state."""
        row = self._feed_row(url)
        if row is None:
            return FeedState(url, url, None, None, None, None, 0, 0, None, "new")
        return _feed_state(row, failing_after)

    @guarded
    def poll_plan(self, failing_after: int = FAILING_AFTER) -> list[tuple[FeedSpec, FeedState]]:
        """Every enabled feed (configured or added) with its state, by URL."""
        rows = self._db.query("SELECT * FROM feeds WHERE enabled ORDER BY url")
        return [(_feed_spec(row), _feed_state(row, failing_after)) for row in rows]

    @guarded
    def due_feeds(
        self, now: datetime, failing_after: int = FAILING_AFTER
    ) -> list[tuple[FeedSpec, FeedState]]:
        """Enabled feeds not gone whose next poll is due at ``now`` (or never set)."""
        rows = self._db.query(
            "SELECT * FROM feeds WHERE enabled AND gone_since IS NULL"
            " AND (next_poll IS NULL OR next_poll <= ?) ORDER BY next_poll, url",
            [iso(now)],
        )
        return [(_feed_spec(row), _feed_state(row, failing_after)) for row in rows]

    @guarded
    def feed_specs(self) -> list[FeedSpec]:
        """Every enabled feed, configured or added, as the poller sees it."""
        rows = self._db.query("SELECT * FROM feeds WHERE enabled ORDER BY url")
        return [_feed_spec(row) for row in rows]

    def _feed_row(self, url: str) -> dict[str, Any] | None:
        rows = list(self._db.query("SELECT * FROM feeds WHERE url = ?", [url]))
        return rows[0] if rows else None

    @guarded
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
        warning: str | None = None,
        dropped_last_modified: str | None = None,
        unconditional: bool = False,
    ) -> None:
        """Record one fetch attempt. Validators are only replaced when given, because
        a 304 answer need not repeat them. ``moved_to`` (a 301/308) becomes the URL
        fetched from now on; ``gone`` (a 410) stops the feed until a forced poll.

        A success replaces the feed's ``warning`` (None clears it); a failure leaves it.
        ``dropped_last_modified`` (an implausible Last-Modified, and why) clears the
        stored one and is shown until a 200 comes without one. A 304 extends the run of
        304s, a 200 ends it; ``unconditional`` (sent without validators) records when,
        and the new items it found."""
        with self._write():
            self._db.execute(
                "INSERT OR IGNORE INTO feeds (url, name, configured) VALUES (?, ?, 0)",
                [url, url],
            )
            if ok:
                self._db.execute(
                    """
                    UPDATE feeds SET last_attempt = :at, last_status = :status,
                        next_poll = :next_poll, retry_until = :retry_until, last_success = :at,
                        failures = 0, last_error = NULL, items_seen = items_seen + :new_items,
                        gone_since = NULL, etag = COALESCE(:etag, etag),
                        last_modified = CASE WHEN :dropped IS NOT NULL THEN NULL
                            ELSE COALESCE(:last_modified, last_modified) END,
                        last_modified_dropped = CASE
                            WHEN :dropped IS NOT NULL OR :last_modified IS NOT NULL
                                OR NOT :not_modified THEN :dropped
                            ELSE last_modified_dropped END,
                        effective_interval = COALESCE(:interval, effective_interval),
                        warning = :warning,
                        not_modified_run = CASE WHEN :not_modified
                            THEN not_modified_run + 1 ELSE 0 END,
                        last_full_fetch = CASE WHEN :not_modified
                            THEN last_full_fetch ELSE :at END,
                        last_unconditional = CASE WHEN :unconditional
                            THEN :at ELSE last_unconditional END,
                        unconditional_new = CASE WHEN :unconditional
                            THEN :new_items ELSE unconditional_new END
                    WHERE url = :url
                    """,
                    {
                        "at": iso(at),
                        "status": status,
                        "next_poll": _iso_or_none(next_poll),
                        "retry_until": _iso_or_none(retry_until),
                        "new_items": new_items,
                        "etag": etag,
                        "last_modified": last_modified,
                        "dropped": dropped_last_modified,
                        "not_modified": status == 304,
                        "interval": interval,
                        "warning": warning,
                        "unconditional": unconditional,
                        "url": url,
                    },
                )
            else:
                common = [iso(at), status, _iso_or_none(next_poll), _iso_or_none(retry_until)]
                self._db.execute(
                    """
                    UPDATE feeds SET last_attempt = ?, last_status = ?, next_poll = ?,
                        retry_until = ?, failures = failures + 1, last_error = ?,
                        gone_since = CASE WHEN ? THEN COALESCE(gone_since, ?) ELSE gone_since END
                    WHERE url = ?
                    """,
                    [*common, error or "unknown error", int(gone), iso(at), url],
                )
            if moved_to is not None:
                self._db.execute(
                    "UPDATE feeds SET fetch_url = ?, moved_at = ?, etag = ?, last_modified = ?"
                    " WHERE url = ?",
                    [None if moved_to == url else moved_to, iso(at), etag, last_modified, url],
                )

    @guarded
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
                "warning": row["warning"],
                "last_modified_dropped": row["last_modified_dropped"],
                "last_full_fetch": row["last_full_fetch"],
                "not_modified_run": row["not_modified_run"],
                "last_unconditional": row["last_unconditional"],
                "unconditional_new": row["unconditional_new"],
            }
            for row in rows
        ]
