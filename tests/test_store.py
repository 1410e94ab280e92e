"""The store against a real SQLite file: schema, one-transaction saves, listings, outbox."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from monitor.errors import StoreError
from monitor.store import DB_FILENAME, MIGRATIONS, SCHEMA_VERSION, Store, migrate
from monitor.store import base as store_base
from monitor.types import (
    Analysis,
    Divergence,
    FeedSpec,
    Figure,
    Item,
    Reported,
    StoryMatch,
    TopicMatch,
)

T0 = datetime(2025, 6, 17, 9, 30, tzinfo=UTC)
TOPIC = TopicMatch("russia-dprk", "matched: north korea + russia")
NEW_STORY = StoryMatch(story_id=None, duplicate_of=None, score=0.0, reason="no similar story")

TROOPS_TEXT = "Seoul says about 11,000 soldiers were sent, and more than 3,000 others may follow."
TROOPS = Figure(
    claim="troops",
    low=11_000,
    high=11_000,
    hedge="about",
    text="about 11,000 soldiers",
    start=10,
    end=31,
    attribution="South Korean intelligence",
)
MORE_TROOPS = Figure(
    claim="troops",
    low=3_000,
    high=None,
    hedge="more than",
    text="more than 3,000 others",
    start=41,
    end=63,
    modifier="increment",
)


def make_item(guid: str, *, source: str = "wire", minutes: int = 0, **changes: object) -> Item:
    fields: dict[str, object] = {
        "source": source,
        "guid": guid,
        "title": f"Pyongyang sends troops ({guid})",
        "text": TROOPS_TEXT,
        "url": f"https://news.example/{guid}",
        "published": T0 + timedelta(minutes=minutes),
        "lang": "en",
        "feed_url": "https://news.example/feed.xml",
    }
    fields.update(changes)
    return Item(**fields)  # type: ignore[arg-type]


def kept(item: Item, match: StoryMatch = NEW_STORY, *figures: Figure, **more: object) -> Analysis:
    return Analysis(item=item, topic=TOPIC, match=match, figures=figures, **more)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "state")
    yield opened
    opened.close()


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = ["feeds", "items", "stories", "figures", "alerts", "alert_previous", "outbox"]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# --------------------------------------------------------------------------- opening


def test_open_creates_a_wal_database_at_the_current_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state" / "nested") as opened:
        assert opened.path == tmp_path / "state" / "nested" / DB_FILENAME
        assert opened.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
    # Read back with plain sqlite3: WAL is a property of the file, not of our connection.
    with sqlite3.connect(tmp_path / "state" / "nested" / DB_FILENAME) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"items_source_guid", "items_published", "figures_claim_key"} <= indexes
    assert "outbox_status_next_attempt" in indexes


def test_connection_uses_normal_sync_and_foreign_keys(store: Store) -> None:
    conn = store._db.conn
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_v1_database_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    old = Database(path)
    assert migrate(old, target=1) == 1
    old.execute("INSERT INTO feeds (url, name) VALUES ('https://a.example/rss', 'A')")
    assert "alerts" not in old.table_names()
    old.close()

    with Store(path) as upgraded:
        assert upgraded.schema_version() == SCHEMA_VERSION
        assert [feed["name"] for feed in upgraded.feeds()] == ["A"]
        assert upgraded.alerts() == []
        assert upgraded.counts()["pending_deliveries"] == 0


def test_a_database_from_a_newer_monitor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError) as raised:
        Store(path)
    assert str(raised.value) == (
        f"database schema {SCHEMA_VERSION + 1} is newer than this monitor ({SCHEMA_VERSION});"
        " upgrade monitor"
    )


def test_a_state_dir_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    # A directory below a regular file cannot exist, even for root.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create state directory .*not-a-dir/state"):
        Store.open(blocker / "state")


def test_a_corrupt_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"this is not an sqlite database, just bytes " * 40)
    with pytest.raises(StoreError, match="file is not a database"):
        Store.open(tmp_path)


def test_a_locked_database_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_base, "BUSY_TIMEOUT_SECONDS", 0.05)
    opened = Store.open(tmp_path)
    other = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="database is locked"):
            opened.record_fetch("https://a.example/rss", at=T0, ok=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    opened.record_fetch("https://a.example/rss", at=T0, ok=True)  # usable again
    assert opened.feed_state("https://a.example/rss").status == "ok"
    opened.close()


def test_a_closed_store_raises_store_error(tmp_path: Path) -> None:
    opened = Store.open(tmp_path)
    opened.close()
    opened.close()  # twice is fine
    with pytest.raises(StoreError, match="closed database"):
        opened.counts()


# --------------------------------------------------------------------------- saving


def test_a_kept_item_with_two_figures_starts_a_story(store: Store) -> None:
    item_id = store.save(kept(make_item("a1"), NEW_STORY, TROOPS, MORE_TROOPS))

    assert store.stories() == [
        {
            "id": 1,
            "title": "Pyongyang sends troops (a1)",
            "created": "2025-06-17T09:30:00+00:00",
            "updated": "2025-06-17T09:30:00+00:00",
            "sources": 1,
            "languages": ["en"],
            "topics": ["russia-dprk"],
            "items": [
                {
                    "id": item_id,
                    "source": "wire",
                    "title": "Pyongyang sends troops (a1)",
                    "url": "https://news.example/a1",
                    "lang": "en",
                    "published": "2025-06-17T09:30:00+00:00",
                    "duplicate_of": None,
                    "topic": "russia-dprk",
                }
            ],
        }
    ]
    figures = store.figures()
    assert [(f["claim"], f["claim_key"], f["low"], f["high"]) for f in figures] == [
        ("troops", "troops", 11_000, 11_000),
        ("troops", "troops/increment", 3_000, None),
    ]
    assert figures[0]["attribution"] == "South Korean intelligence"
    assert figures[0]["story_id"] == 1 and figures[0]["item_id"] == item_id
    assert [f["claim_key"] for f in store.figures("troops/increment")] == ["troops/increment"]
    assert len(store.figures("troops")) == 2
    assert store.figures("killed") == []

    row = store.item(item_id)
    assert row is not None
    assert (row["status"], row["topic"], row["story_id"]) == ("kept", "russia-dprk", 1)
    assert row["topic_reason"] == "matched: north korea + russia"
    assert row["feed_url"] == "https://news.example/feed.xml"
    assert row["created"].endswith("+00:00")
    assert [f["text"] for f in row["figures"]] == [
        "about 11,000 soldiers",
        "more than 3,000 others",
    ]
    assert store.item(999) is None


def test_a_reprint_joins_the_story_and_names_its_original(store: Store) -> None:
    first = store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    reprint = StoryMatch(story_id=1, duplicate_of=first, score=97.5, reason="title ratio 97.5")
    german = make_item("b7", source="tagesblatt", minutes=90, lang="de")
    second = store.save(kept(german, reprint))
    # A late item from before the story began must not move `updated` back.
    early = make_item("c3", source="courier", minutes=-60, lang=None)
    store.save(kept(early, StoryMatch(1, None, 71.0, "same story")))

    [story] = store.stories()
    assert story["updated"] == "2025-06-17T11:00:00+00:00"
    assert story["created"] == "2025-06-17T09:30:00+00:00"
    assert story["sources"] == 3
    assert story["languages"] == ["de", "en"]
    assert [(i["source"], i["duplicate_of"]) for i in story["items"]] == [
        ("courier", None),
        ("wire", None),
        ("tagesblatt", first),
    ]
    row = store.item(second)
    assert row is not None
    assert (row["match_score"], row["match_reason"]) == (97.5, "title ratio 97.5")


def test_stories_are_listed_newest_first_and_limited(store: Store) -> None:
    store.save(kept(make_item("old")))
    store.save(kept(make_item("new", minutes=5)))
    assert [s["title"] for s in store.stories()] == [
        "Pyongyang sends troops (new)",
        "Pyongyang sends troops (old)",
    ]
    assert [s["id"] for s in store.stories(limit=1)] == [2]


def test_a_skipped_item_is_counted_but_has_no_story_or_figures(store: Store) -> None:
    store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    off_topic = Analysis(
        item=make_item("z9", title="Football results"),
        topic=TopicMatch(None, "no term of group 1 (north korea)"),
        match=None,
        figures=(MORE_TROOPS,),
    )
    skipped_id = store.save(off_topic)

    assert store.counts() == {
        "items": 2,
        "kept": 1,
        "skipped": 1,
        "stories": 1,
        "figures": 1,
        "alerts": 0,
        "pending_deliveries": 0,
    }
    assert all(i["id"] != skipped_id for s in store.stories() for i in s["items"])
    row = store.item(skipped_id)
    assert row is not None
    assert (row["status"], row["story_id"], row["figures"]) == ("skipped", None, [])
    assert store.seen("wire", "z9") and not store.seen("wire", "nope")
    assert [c.item_id for c in store.candidates_by_id([1, skipped_id])] == [1]


def test_candidates_by_id_are_kept_items_in_the_order_asked(store: Store) -> None:
    late = store.save(kept(make_item("late", minutes=30)))
    early = store.save(kept(make_item("early")))
    found = store.candidates_by_id([early, late, 999])
    assert [(c.title, c.story_id) for c in found] == [
        ("Pyongyang sends troops (early)", 2),
        ("Pyongyang sends troops (late)", 1),
    ]
    assert found[0].published == T0 and found[0].published.tzinfo is not None
    assert found[0].text == TROOPS_TEXT and found[0].duplicate_of is None


def test_previous_figures_rebuild_the_figures(store: Store) -> None:
    item_id = store.save(kept(make_item("a1"), NEW_STORY, TROOPS, MORE_TROOPS))
    store.save(kept(make_item("old", minutes=-5_000), NEW_STORY, TROOPS))

    [increment] = store.previous_figures("troops/increment", T0 - timedelta(hours=1))
    assert increment == Reported(
        figure_id=2,
        item_id=item_id,
        story_id=1,
        source="wire",
        url="https://news.example/a1",
        published=T0,
        figure=MORE_TROOPS,
    )
    assert increment.figure.high is None and increment.figure.low == 3_000
    [total] = store.previous_figures("troops", T0 - timedelta(hours=1))
    assert total.figure == TROOPS  # includes hedge, attribution, offsets
    assert len(store.previous_figures("troops", T0 - timedelta(days=30))) == 2
    assert store.previous_figures("killed", T0 - timedelta(days=30)) == []


def test_a_divergence_becomes_an_alert_with_one_outbox_row_per_channel(store: Store) -> None:
    store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    [earlier] = store.previous_figures("troops", T0 - timedelta(days=1))
    upper_bound = Figure("troops", None, 5_000, "up to", "up to 5,000 troops", 4, 22)
    contradiction = Divergence(upper_bound, (earlier,), "up to 5,000 excludes about 11,000")
    analysis = kept(
        make_item("d4", source="courier", minutes=120),
        StoryMatch(1, None, 80.0, "same story"),
        MORE_TROOPS,
        upper_bound,
        divergences=(contradiction,),
    )
    store.save(analysis, channels=("email", "slack", "email"))

    [alert] = store.alerts()
    assert alert["claim"] == "troops"
    assert alert["created"] == "2025-06-17T11:30:00+00:00"
    assert alert["reason"] == "up to 5,000 excludes about 11,000"
    new = alert["new"]
    assert (new["id"], new["low"], new["high"], new["hedge"]) == (3, None, 5_000, "up to")
    assert (new["source"], new["url"]) == ("courier", "https://news.example/d4")
    assert new["published"] == "2025-06-17T11:30:00+00:00"
    assert [(p["id"], p["low"], p["source"]) for p in alert["previous"]] == [(1, 11_000, "wire")]
    assert [
        (d["channel"], d["status"], d["attempts"], d["last_error"]) for d in alert["deliveries"]
    ] == [("email", "pending", 0, None), ("slack", "pending", 0, None)]
    assert store.counts()["pending_deliveries"] == 2


def test_outbox_rows_come_due_and_are_marked(store: Store) -> None:
    store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    [earlier] = store.previous_figures("troops", T0 - timedelta(days=1))
    smaller = Figure("troops", 2_000, 2_000, None, "2,000 troops")
    divergence = Divergence(smaller, (earlier,), "2,000 is not about 11,000")
    later = make_item("e5", minutes=60)
    store.save(kept(later, NEW_STORY, smaller, divergences=(divergence,)), channels=["email"])

    assert store.pending_deliveries(T0) == []  # due at the item's publication time
    [due] = store.pending_deliveries(T0 + timedelta(hours=1))
    assert (due["channel"], due["attempts"], due["alert"]["new"]["low"]) == ("email", 0, 2_000)

    retry_at = T0 + timedelta(hours=2)
    store.mark_failed(due["id"], T0 + timedelta(hours=1), "smtp refused", retry_at)
    assert store.pending_deliveries(T0 + timedelta(minutes=90)) == []
    [again] = store.pending_deliveries(retry_at)
    assert (again["attempts"], again["last_error"]) == (1, "smtp refused")
    assert again["next_attempt"] == "2025-06-17T11:30:00+00:00"

    store.mark_delivered(due["id"], retry_at)
    assert store.pending_deliveries(retry_at + timedelta(days=1)) == []
    [delivery] = store.alerts()[0]["deliveries"]
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == (
        "delivered",
        2,
        None,
    )
    assert delivery["delivered"] == "2025-06-17T11:30:00+00:00"
    assert store.counts()["pending_deliveries"] == 0
    with pytest.raises(StoreError, match="no outbox row 42"):
        store.mark_delivered(42, retry_at)


def test_a_failing_save_leaves_no_partial_rows(store: Store) -> None:
    store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    before = row_counts(store.path)
    [earlier] = store.previous_figures("troops", T0 - timedelta(days=1))
    stray = Figure("troops", 1, 1, None, "1 troop")  # not among the analysis's figures
    broken = kept(
        make_item("f6", minutes=5),
        NEW_STORY,
        MORE_TROOPS,
        divergences=(Divergence(stray, (earlier,), "x"),),
    )
    with pytest.raises(ValueError):
        store.save(broken, channels=["email"])

    assert row_counts(store.path) == before
    assert not store.seen("wire", "f6")
    assert store.save(kept(make_item("f6", minutes=5))) == 2  # the store is still usable


def test_saving_into_a_missing_story_rolls_back(store: Store) -> None:
    before = row_counts(store.path)
    with pytest.raises(StoreError, match="no story 5"):
        store.save(kept(make_item("g1"), StoryMatch(5, None, 90.0, "?"), TROOPS))
    assert row_counts(store.path) == before


def test_resaving_an_item_updates_it_instead_of_duplicating(store: Store) -> None:
    first = store.save(kept(make_item("a1"), NEW_STORY, TROOPS))
    corrected = make_item(
        "a1", title="Pyongyang sends troops, corrected", url="https://n.example/x"
    )
    again = store.save(kept(corrected, NEW_STORY, TROOPS, MORE_TROOPS))

    assert again == first
    assert store.counts()["items"] == 1
    assert store.counts()["stories"] == 1 and store.counts()["figures"] == 1  # not re-derived
    row = store.item(first)
    assert row is not None
    assert (row["title"], row["url"]) == (
        "Pyongyang sends troops, corrected",
        "https://n.example/x",
    )


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.save(kept(make_item("n1", published=datetime(2025, 6, 17, 9, 30))))
    assert store.counts()["items"] == 0


# --------------------------------------------------------------------------- feeds


def test_fetch_failures_make_a_feed_failing_after_three_and_success_resets(store: Store) -> None:
    url = "https://a.example/rss"
    store.sync_feeds([FeedSpec(url, "Agency A", interval=600, lang="en")])
    assert store.feed_state(url).status == "new"

    store.record_fetch(
        url, at=T0, ok=True, etag='"v1"', last_modified="Tue, 17 Jun 2025", new_items=4
    )
    for attempt in range(1, 3):
        store.record_fetch(url, at=T0 + timedelta(minutes=attempt), ok=False, error="HTTP 503")
        assert store.feed_state(url).status == "retrying"
    next_poll = T0 + timedelta(minutes=30)
    store.record_fetch(
        url, at=T0 + timedelta(minutes=3), ok=False, error="timeout", next_poll=next_poll
    )

    state = store.feed_state(url)
    assert (state.status, state.failures, state.last_error) == ("failing", 3, "timeout")
    assert (state.etag, state.last_modified) == ('"v1"', "Tue, 17 Jun 2025")
    assert state.last_success == T0 and state.next_poll == next_poll
    assert state.items_seen == 4

    store.record_fetch(url, at=T0 + timedelta(hours=1), ok=True, new_items=2)  # a 304: no etag
    state = store.feed_state(url)
    assert (state.status, state.failures, state.last_error) == ("ok", 0, None)
    assert (state.etag, state.items_seen) == ('"v1"', 6)


def test_sync_feeds_upserts_and_disables_feeds_no_longer_configured(store: Store) -> None:
    a, b = "https://a.example/rss", "https://b.example/atom"
    store.sync_feeds([FeedSpec(a, "Agency A"), FeedSpec(b, "Bureau B", enabled=False)])
    store.record_fetch(a, at=T0, ok=True, etag="e1")
    store.sync_feeds([FeedSpec(a, "Agency A renamed", interval=120)])

    listed = store.feeds()
    assert [(f["url"], f["name"], f["status"], f["enabled"]) for f in listed] == [
        (a, "Agency A renamed", "ok", True),
        (b, "Bureau B", "disabled", False),
    ]
    assert listed[0]["last_success"] == "2025-06-17T09:30:00+00:00"
    assert listed[0]["interval"] == 120
    assert store.feed_state(a).etag == "e1"  # fetch state survives a sync
    assert set(listed[0]) >= {
        "url", "name", "status", "enabled", "last_success", "failures", "last_error",
        "next_poll", "items_seen",
    }  # fmt: skip


def test_an_unknown_feed_has_a_blank_state(store: Store) -> None:
    state = store.feed_state("https://unlisted.example/feed")
    assert (state.name, state.status, state.failures, state.etag) == (
        "https://unlisted.example/feed",
        "new",
        0,
        None,
    )
