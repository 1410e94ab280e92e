"""Issue 17: what an alert stores of the earlier figures it contradicts stays linear in
the figures: it names the newest MAX_PREVIOUS_NAMED and counts them all, whatever the
claim's history; messages and listings say how many more there are."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import from_feeds
from monitor.notify.message import PREVIOUS_SHOWN, text_body, view
from monitor.pipeline import Pipeline, Totals
from monitor.store import DB_FILENAME, Store
from monitor.store.save import MAX_PREVIOUS_NAMED
from monitor.types import Item

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
OUTLETS = 60


def report(n: int) -> Item:
    """Outlet n's report: a figure no other report gives (they all disagree)."""
    troops = 1_000 * (n + 1) * 3
    return Item(
        source=f"outlet-{n}",
        guid=f"g{n}",
        title=f"North Korean troops in Kursk: report {n}",
        text=f"North Korea has sent {troops:,} troops to Russia's Kursk region, outlet {n}"
        f" says, citing sources in district {n * 7919 % 1000}.",
        url=f"https://outlet-{n}.example/{n}",
        published=T0 + timedelta(hours=n),
        lang="en",
    )


def test_alerts_on_a_claim_reported_ever_differently_store_a_bounded_record(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        pipeline = Pipeline(store, from_feeds([]), clock=lambda: T0, multilingual=False)
        pipeline.process_all([report(n) for n in range(OUTLETS)], Totals())
        alerts = store.alerts()
    assert len(alerts) >= OUTLETS // 2  # they keep disagreeing
    with sqlite3.connect(tmp_path / DB_FILENAME) as db:
        rows = db.execute("SELECT alert_id, count(*) FROM alert_previous GROUP BY alert_id")
        named = dict(rows.fetchall())
    db.close()
    assert max(named.values()) == MAX_PREVIOUS_NAMED  # bounded...
    assert sum(named.values()) <= MAX_PREVIOUS_NAMED * len(alerts)  # ...so linear
    newest = max(alerts, key=lambda alert: alert["previous_count"])
    assert newest["previous_count"] > MAX_PREVIOUS_NAMED  # counted, not named
    assert len(newest["previous"]) == MAX_PREVIOUS_NAMED
    ids = [figure["id"] for figure in newest["previous"]]
    assert ids == sorted(ids)  # the newest ones, oldest first
    shown = view(newest)
    assert shown.more_previous == newest["previous_count"] - PREVIOUS_SHOWN
    assert f"{newest['previous_count'] - PREVIOUS_SHOWN} more earlier reports" in text_body([shown])


def test_an_older_database_counts_what_its_alerts_named(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        pipeline = Pipeline(store, from_feeds([]), clock=lambda: T0, multilingual=False)
        pipeline.process_all([report(n) for n in range(4)], Totals())
        before = {alert["id"]: len(alert["previous"]) for alert in store.alerts()}
    with sqlite3.connect(tmp_path / DB_FILENAME) as db:  # as version 11 left it
        db.execute("UPDATE alerts SET previous_count = NULL")
        db.execute("PRAGMA user_version = 11")
    db.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as db:
        db.execute("ALTER TABLE alerts DROP COLUMN previous_count")
    db.close()
    with Store.open(tmp_path) as upgraded:
        assert {a["id"]: a["previous_count"] for a in upgraded.alerts()} == before
