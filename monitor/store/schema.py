"""The database schema: each table's DDL, and the ordered migrations that build it.

Migration N turns a version N-1 database into version N; ``migrate`` applies the
missing ones in one transaction and the store runs it on every open. The tables are
public: docs/schema.md describes them, and a change to them is a new migration.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.errors import StoreError
from monitor.store.connection import Database

_NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"

_CORE_TABLES = (
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        interval INTEGER NOT NULL DEFAULT 900,
        enabled INTEGER NOT NULL DEFAULT 1,
        configured INTEGER NOT NULL DEFAULT 1,
        lang TEXT,
        etag TEXT,
        last_modified TEXT,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT
    )
    """,
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    )
    """,
    f"""
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        guid TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        url TEXT,
        lang TEXT,
        feed_url TEXT,
        published TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('kept', 'skipped')),
        topic TEXT,
        topic_reason TEXT NOT NULL DEFAULT '',
        story_id INTEGER REFERENCES stories(id),
        duplicate_of INTEGER REFERENCES items(id),
        match_score REAL,
        match_reason TEXT,
        created TEXT NOT NULL DEFAULT ({_NOW_SQL})
    )
    """,
    "CREATE UNIQUE INDEX items_source_guid ON items(source, guid)",
    "CREATE INDEX items_published ON items(published)",
    "CREATE INDEX items_story_id ON items(story_id)",
    """
    CREATE TABLE figures (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        story_id INTEGER REFERENCES stories(id),
        claim TEXT,
        claim_key TEXT,
        low INTEGER,
        high INTEGER,
        hedge TEXT,
        modifier TEXT,
        attribution TEXT,
        text TEXT NOT NULL,
        start INTEGER NOT NULL DEFAULT 0,
        "end" INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX figures_claim_key ON figures(claim_key)",
    "CREATE INDEX figures_item_id ON figures(item_id)",
)

_ALERT_TABLES = (
    """
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        claim_key TEXT NOT NULL,
        created TEXT NOT NULL,
        reason TEXT NOT NULL,
        new_figure_id INTEGER NOT NULL REFERENCES figures(id)
    )
    """,
    "CREATE INDEX alerts_created ON alerts(created)",
    """
    CREATE TABLE alert_previous (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        figure_id INTEGER NOT NULL REFERENCES figures(id),
        PRIMARY KEY (alert_id, figure_id)
    )
    """,
    # status is free text rather than a CHECK list: the delivery issue will add
    # states (e.g. giving up) and SQLite cannot alter a CHECK without a table rebuild.
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        channel TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt TEXT NOT NULL,
        last_attempt TEXT,
        delivered TEXT,
        UNIQUE (alert_id, channel)
    )
    """,
    "CREATE INDEX outbox_status_next_attempt ON outbox(status, next_attempt)",
)


_DELIVERY_STATEMENTS = (
    # Who is sending the row now ("host:pid") and until when the claim holds; a claim
    # of a dead process or past its time is void (a kill -9 mid-send).
    "ALTER TABLE outbox ADD COLUMN claimed_by TEXT",
    "ALTER TABLE outbox ADD COLUMN claimed_until TEXT",
    # The Message-ID of the message that carried it (a digest carries several rows).
    "ALTER TABLE outbox ADD COLUMN message_id TEXT",
    # One row per message a channel accepted: what the rate limit counts.
    """
    CREATE TABLE channel_sends (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        sent TEXT NOT NULL,
        alerts INTEGER NOT NULL,
        message_id TEXT
    )
    """,
    "CREATE INDEX channel_sends_channel_sent ON channel_sends(channel, sent)",
    # Facts about this database; instance_id keeps Message-IDs of two installs apart.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('instance_id', lower(hex(randomblob(8))))",
)


def _create_core_tables(db: Database) -> None:
    """Version 1: feeds, items, stories and figures."""
    for statement in _CORE_TABLES:
        db.execute(statement)


def _create_alert_tables(db: Database) -> None:
    """Version 2: alerts, the figures they contradict, and the delivery outbox."""
    for statement in _ALERT_TABLES:
        db.execute(statement)


def _polling_state(db: Database) -> None:
    """Version 3: per-feed polling state (Retry-After, redirects, gone feeds, backoff)."""
    for statement in (
        # Where the feed is fetched from after a permanent redirect; NULL = `url`.
        "ALTER TABLE feeds ADD COLUMN fetch_url TEXT",
        "ALTER TABLE feeds ADD COLUMN moved_at TEXT",
        "ALTER TABLE feeds ADD COLUMN retry_until TEXT",  # a server's Retry-After
        "ALTER TABLE feeds ADD COLUMN gone_since TEXT",  # answered 410 Gone
        "ALTER TABLE feeds ADD COLUMN last_status INTEGER",
        "ALTER TABLE feeds ADD COLUMN effective_interval INTEGER",
        "ALTER TABLE feeds ADD COLUMN fulltext INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE feeds ADD COLUMN added TEXT",  # by `monitor feeds add`/`import`
        "CREATE INDEX feeds_next_poll ON feeds(next_poll)",
    ):
        db.execute(statement)


def _delivery_state(db: Database) -> None:
    """Version 4: alert delivery (digests, rate limits, give-up states).

    outbox.status gains 'failed' (the channel refused it for good; `monitor outbox
    retry` revives it) and 'filtered' (the channel's noise rules said no). A sender
    claims rows before sending so two processes never send the same row at once.
    """
    for statement in _DELIVERY_STATEMENTS:
        db.execute(statement)


def _story_index(db: Database) -> None:
    """Version 5: the candidate index for same-story matching.

    ``story_keys`` holds each original item's same-story keys (reprints are left out:
    their originals carry the same keys, and counting thirty copies would make a story's
    own names look common). The pipeline reads the rows of recent items into
    ``monitor.stories.index.CandidateIndex``; by item id to catch up, by time to fill a window.
    """
    db.execute(
        """
        CREATE TABLE story_keys (
            item_id INTEGER NOT NULL REFERENCES items(id),
            key TEXT NOT NULL,
            published TEXT NOT NULL,
            PRIMARY KEY (item_id, key)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX story_keys_published ON story_keys(published)")


def _claim_history(db: Database) -> None:
    """Version 6: what claim history and claim scope need.

    A figure's scope (whose soldiers) and place (where) decide which figures are compared;
    the history of one claim is read by claim key and publication time.
    """
    db.execute("ALTER TABLE figures ADD COLUMN scope TEXT")
    db.execute("ALTER TABLE figures ADD COLUMN place TEXT")
    db.execute("CREATE INDEX figures_claim ON figures(claim)")


def _story_notices(db: Database) -> None:
    """Version 7 (issue 6): story notices, and outbox rows that carry an alert or a notice.

    A channel with ``story_notices`` gets one notice when a story first reaches its
    number of distinct sources. The notice's deliveries live in the outbox beside the
    alerts' (same claims, backoff, digests and rate limit), so ``alert_id`` becomes
    nullable: SQLite cannot drop a NOT NULL, so the table is rebuilt with its rows.
    """
    db.execute(
        """
        CREATE TABLE story_notices (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            item_id INTEGER NOT NULL REFERENCES items(id),
            sources INTEGER NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (story_id, sources)
        )
        """
    )
    columns = (
        "id, alert_id, channel, status, attempts, last_error, next_attempt, last_attempt,"
        " delivered, claimed_by, claimed_until, message_id"
    )
    db.execute(
        """
        CREATE TABLE outbox_v7 (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER REFERENCES alerts(id),
            channel TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt TEXT NOT NULL,
            last_attempt TEXT,
            delivered TEXT,
            claimed_by TEXT,
            claimed_until TEXT,
            message_id TEXT,
            notice_id INTEGER REFERENCES story_notices(id),
            CHECK ((alert_id IS NULL) <> (notice_id IS NULL)),
            UNIQUE (alert_id, channel),
            UNIQUE (notice_id, channel)
        )
        """
    )
    db.execute(f"INSERT INTO outbox_v7 ({columns}) SELECT {columns} FROM outbox")
    db.execute("DROP TABLE outbox")
    db.execute("ALTER TABLE outbox_v7 RENAME TO outbox")
    db.execute("CREATE INDEX outbox_status_next_attempt ON outbox(status, next_attempt)")


# Append only: migration N (1-based) turns a version N-1 database into version N.
# A released migration is never edited; a schema change is a new function here.
# Versions 3-6 were reserved together while four areas were built in parallel, so that
# each fills its own; none has been released, so they may still be filled.
def _claim_model(db: Database) -> None:
    """Version 8 (issue 12): what kind of statement a figure is, and alert kinds.

    Figures get their modality (asserted, projected, denied, hypothetical, retracted),
    time basis and period, partitive role, and ``superseded`` (when a correction of the
    same item replaced them; NULL while they stand). Alerts get their kind
    (contradiction, update, correction) and status (active, withdrawn). Rows written
    before are asserted figures and active contradictions, which is what they were
    treated as.
    """
    for statement in (
        "ALTER TABLE figures ADD COLUMN modality TEXT NOT NULL DEFAULT 'asserted'",
        "ALTER TABLE figures ADD COLUMN basis TEXT",
        "ALTER TABLE figures ADD COLUMN period TEXT",
        "ALTER TABLE figures ADD COLUMN role TEXT",
        "ALTER TABLE figures ADD COLUMN superseded TEXT",
        "ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'contradiction'",
        "ALTER TABLE alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'active'",
        "ALTER TABLE alerts ADD COLUMN withdrawn TEXT",
        "ALTER TABLE alerts ADD COLUMN withdrawn_reason TEXT",
    ):
        db.execute(statement)


def _item_vectors(db: Database) -> None:
    """Version 9 (issue 13): each kept original item's embedding, for matching across
    languages (``monitor.stories.embedding``): a float16 vector as a blob, the model that
    made it, the item's language and publication time (to fill the candidate index by
    time, as ``story_keys`` does). Written only with the multilingual extra installed.
    Items get an index on ``duplicate_of``: a candidate's latest reprint keeps its story
    in the window. Stories get ``folded_into``: the story a folded one now lives in.
    """
    db.execute(
        """
        CREATE TABLE item_vectors (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            model TEXT NOT NULL,
            lang TEXT NOT NULL,
            published TEXT NOT NULL,
            vector BLOB NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX item_vectors_published ON item_vectors(published)")
    # A candidate's last reprint carries its story forward (issue 13): found by index.
    db.execute("CREATE INDEX items_duplicate_of ON items(duplicate_of)")
    # A story folded into another (one event whose coverage started apart) is kept as
    # a pointer, so that its old number still leads somewhere.
    db.execute("ALTER TABLE stories ADD COLUMN folded_into INTEGER REFERENCES stories(id)")


def _item_identity(db: Database) -> None:
    """Version 10 (issue 14, entry identity): items by source and publication time.

    A new entry whose key the feed changed (a token in its link, a slug edited with its
    headline) is looked for among the stored items of its feed with the same date
    (``monitor.stories.identity``); this index makes that a lookup, not a scan.
    """
    db.execute("CREATE INDEX items_source_published ON items(source, published)")


def _feed_warnings(db: Database) -> None:
    """Version 11 (issue 14): conditional requests that cannot starve, and feed warnings.

    A feed's state gains ``warning`` (what its last successful fetch had to say: items
    whose dates could not be read, a Last-Modified not kept; NULL when nothing),
    ``last_modified_dropped`` (an implausible Last-Modified that is not sent back, and
    why), ``last_full_fetch`` (its last 200), ``not_modified_run`` (304s since then), and
    ``last_unconditional`` / ``unconditional_new`` (the last GET sent without validators
    after a day of 304s, and how many new items it found). A feed whose last fetch was a
    200 had its last full fetch then; one answering 304 is in a run of unknown length, so
    its next poll is unconditional (it may have been starved for years).
    """
    for statement in (
        "ALTER TABLE feeds ADD COLUMN warning TEXT",
        "ALTER TABLE feeds ADD COLUMN last_modified_dropped TEXT",
        "ALTER TABLE feeds ADD COLUMN last_full_fetch TEXT",
        "ALTER TABLE feeds ADD COLUMN not_modified_run INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE feeds ADD COLUMN last_unconditional TEXT",
        "ALTER TABLE feeds ADD COLUMN unconditional_new INTEGER",
        "UPDATE feeds SET last_full_fetch = last_success"
        " WHERE last_status = 200 OR (last_status IS NULL AND last_success IS NOT NULL)",
        "UPDATE feeds SET not_modified_run = 1 WHERE last_status = 304",
    ):
        db.execute(statement)


def _bounded_alert_record(db: Database) -> None:
    """Version 12 (issue 17): an alert names at most ``MAX_PREVIOUS_NAMED`` of the earlier
    figures it contradicts (the newest) and counts them all in ``previous_count``. It
    named every one: on a claim reported ever differently, rows grew with the square of
    the figures (1.8 million rows at 1,920 items) and so did each write's time."""
    db.execute("ALTER TABLE alerts ADD COLUMN previous_count INTEGER")
    db.execute(
        "UPDATE alerts SET previous_count ="
        " (SELECT count(*) FROM alert_previous p WHERE p.alert_id = alerts.id)"
    )


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _create_core_tables,
    _create_alert_tables,
    _polling_state,
    _delivery_state,
    _story_index,
    _claim_history,
    _story_notices,
    _claim_model,
    _item_vectors,
    _item_identity,
    _feed_warnings,
    _bounded_alert_record,
)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(db: Database) -> int:
    """The schema version the file says it has (SQLite's ``PRAGMA user_version``)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to ``target`` in one transaction; return the version.

    Raises StoreError for a database written by a newer monitor: its tables may mean
    things this code does not know, so it is not touched.
    """
    current = user_version(db)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"database schema {current} is newer than this monitor ({SCHEMA_VERSION}); "
            "upgrade monitor"
        )
    if current >= target:
        return current
    # IMMEDIATE takes the write lock before re-reading the version, so two processes
    # starting at once cannot both apply the same migration.
    db.execute("BEGIN IMMEDIATE")
    try:
        current = user_version(db)
        for version in range(current + 1, target + 1):
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {version:d}")
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
    return max(current, target)
