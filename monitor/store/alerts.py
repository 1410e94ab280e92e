"""The figures and alerts part of the store: what was reported, and what contradicted it.

:class:`AlertsMixin` provides ``previous_figures`` (the earlier figures of one claim,
which a new figure is compared with), ``claim_history`` (every claim figure with the
alert it raised), ``figures`` and ``alerts`` (listings). They are written by ``save``
(monitor.store.save); the alerts' deliveries are the outbox's (monitor.store.outbox).
For ``monitor explain`` and ``monitor alert`` (issue 12): ``alert``, ``figure``,
``earlier_figures`` (what a figure was checked against) and ``item_alerts``.

The write side of a correction (issue 12) is here as functions ``save`` calls inside
its transaction: ``supersede_figures``, ``alerts_to_withdraw`` and ``withdraw_alert``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.store.base import FIGURE_SELECT, StoreBase, chunks, guarded, iso, placeholders
from monitor.store.connection import Database
from monitor.types import ACTIVE, WITHDRAWN, Figure, Reported

# What ``claim_history`` adds to each row: its claim key's counts, over every report.
_CLAIM_COUNTS = ("reports", "alerts", "first", "last")

# --- issue 12: the write side of a correction (called inside ``save``'s transaction) ---


def supersede_figures(db: Database, figure_ids: Sequence[int], at: str) -> None:
    """Mark figures replaced by a correction; they are kept and stay in the history."""
    for chunk in chunks(list(figure_ids)):
        db.execute(
            f"UPDATE figures SET superseded = ? WHERE id IN ({placeholders(chunk)})"
            " AND superseded IS NULL",
            [at, *chunk],
        )


def alerts_to_withdraw(db: Database, claim_key: str, figure_ids: Sequence[int]) -> dict[int, str]:
    """Active alerts of ``claim_key`` a correction of these (now superseded) figures takes
    away, with why: those the figures raised, and those every figure they contradicted
    is superseded now."""
    found: dict[int, str] = {}
    for chunk in chunks(list(figure_ids)):
        marks = placeholders(chunk)
        for (alert_id,) in db.execute(
            f"SELECT id FROM alerts WHERE status = '{ACTIVE}' AND claim_key = ?"
            f" AND new_figure_id IN ({marks}) ORDER BY id",
            [claim_key, *chunk],
        ):
            found[alert_id] = "raised"
        for (alert_id,) in db.execute(
            f"SELECT DISTINCT a.id FROM alerts a JOIN alert_previous p ON p.alert_id = a.id"
            f" WHERE a.status = '{ACTIVE}' AND a.claim_key = ? AND p.figure_id IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM alert_previous q JOIN figures f ON f.id = q.figure_id"
            " WHERE q.alert_id = a.id AND f.superseded IS NULL) ORDER BY a.id",
            [claim_key, *chunk],
        ):
            found.setdefault(alert_id, "contradicted")
    return found


def withdraw_alert(db: Database, alert_id: int, at: str, reason: str) -> list[str]:
    """Withdraw one alert: its deliveries not made yet are closed as 'withdrawn'; return
    the channels it was delivered to (they are to be told)."""
    db.execute(
        f"UPDATE alerts SET status = '{WITHDRAWN}', withdrawn = ?, withdrawn_reason = ?"
        " WHERE id = ?",
        [at, reason, alert_id],
    )
    db.execute(
        f"UPDATE outbox SET status = '{WITHDRAWN}', last_error = ?, claimed_by = NULL,"
        " claimed_until = NULL WHERE alert_id = ? AND status IN ('pending', 'failed')",
        [f"alert withdrawn: {reason}", alert_id],
    )
    return [
        row[0]
        for row in db.execute(
            "SELECT channel FROM outbox WHERE alert_id = ? AND status = 'delivered' ORDER BY id",
            [alert_id],
        )
    ]


class AlertsMixin(StoreBase):
    """Figures, claim history and alerts."""

    @guarded
    def previous_figures(self, claim_key: str, since: datetime) -> list[Reported]:
        """Stored figures with this claim key from items published at or after ``since``.

        Reprints are left out: their originals carry the same figures, and an alert that
        listed every reprint would bury the sources that matter.
        """
        rows = self._db.query(
            FIGURE_SELECT + " WHERE f.claim_key = ? AND i.published >= ? AND i.duplicate_of IS NULL"
            " AND f.superseded IS NULL"
            " ORDER BY i.published, f.id",
            [claim_key, iso(since)],
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
                    modality=row["modality"],
                    basis=row["basis"],
                    period=row["period"],
                    role=row["role"],
                ),
            )
            for row in rows
        ]

    # --- issue 5: claim history ------------------------------------------------------------

    @guarded
    def claim_history(
        self, claim: str | None = None, topic: str | None = None, newest: int | None = None
    ) -> list[dict[str, Any]]:
        """Every claim report of an original article (reprints left out), by claim key and
        then publication time, each with ``alert_id`` when it raised an alert.

        A report is a figure, counted once per item, value and scope (an article that
        repeats one value in its headline and body reports it once). ``claim`` matches a
        kind ("troops", with "troops/increment") or one exact claim key; ``topic`` only
        figures of items of that topic; ``newest``: only that many reports per claim key,
        the newest. Each row also carries its claim key's ``reports`` (all of them),
        ``alerts``, ``first`` and ``last`` (ISO 8601 publication times), however many are
        kept: the counts are over every report, not over those returned.
        """
        listed = "{0}.claim IS NOT NULL"  # of a figure {0}; its item's are the same for all
        params: list[Any] = []
        if claim is not None:
            listed += " AND ({0}.claim = ? OR {0}.claim_key = ?)"
            params += [claim, claim]
        where = listed.format("f") + " AND i.duplicate_of IS NULL"
        if topic is not None:
            where += " AND i.topic = ?"
        # A figure is a report unless a listed figure of its item with the same value and
        # scope comes before it in (claim key, id) order (its item's figures share a time).
        where += f"""
            AND NOT EXISTS (
                SELECT 1 FROM figures g WHERE g.item_id = f.item_id AND {listed.format("g")}
                  AND g.low IS f.low AND g.high IS f.high AND g.hedge IS f.hedge
                  AND g.scope IS f.scope
                  AND (g.claim_key < f.claim_key OR (g.claim_key = f.claim_key AND g.id < f.id)))"""
        params = [*params, *([topic] if topic is not None else []), *params]
        # The earliest alert a figure raised is the one it is listed with.
        alerted = {
            row["new_figure_id"]: row["id"]
            for row in self._db.query("SELECT id, new_figure_id FROM alerts ORDER BY id DESC")
        }
        counts = {
            row["claim_key"]: row
            for row in self._db.query(
                f"""SELECT f.claim_key, count(*) AS reports, min(i.published) AS first,
                           max(i.published) AS last, group_concat(f.id) AS ids
                    FROM figures f JOIN items i ON i.id = f.item_id WHERE {where}
                    GROUP BY f.claim_key""",
                params,
            )
        }
        for row in counts.values():
            row["alerts"] = sum(int(id_) in alerted for id_ in row.pop("ids").split(","))
        select = FIGURE_SELECT
        if newest is None:
            found = self._db.query(
                f"{select} WHERE {where} ORDER BY f.claim_key, i.published, f.id",
                params,
            )
            rows = list(found)
        else:  # per claim key, the newest (an index search on the key each)
            rows = []
            for key in sorted(counts):
                found = self._db.query(
                    f"{select} WHERE {where} AND f.claim_key = ?"
                    " ORDER BY i.published DESC, f.id DESC LIMIT ?",
                    [*params, key, newest],
                )
                rows += reversed(list(found))
        for row in rows:
            row["alert_id"] = alerted.get(row["id"])
            row.update({name: counts[row["claim_key"]][name] for name in _CLAIM_COUNTS})
        return rows

    @guarded
    def figures(
        self,
        claim: str | None = None,
        story_id: int | None = None,
        topic: str | None = None,
        newest: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored figures, oldest first; ``claim`` matches a kind ("troops", which includes
        "troops/increment") or one exact claim key; ``story_id``: only that story's;
        ``topic``: only those of items of that topic; ``newest``: only the last that many."""
        where: list[str] = ["1"]
        params: list[Any] = []
        if claim is not None:
            where.append("(f.claim = ? OR f.claim_key = ?)")
            params += [claim, claim]
        if story_id is not None:
            where.append("f.story_id = ?")
            params.append(story_id)
        if topic is not None:
            where.append("i.topic = ?")
            params.append(topic)
        rows = list(
            self._db.query(
                FIGURE_SELECT + f" WHERE {' AND '.join(where)}"
                " ORDER BY i.published DESC, f.id DESC LIMIT ?",
                [*params, -1 if newest is None else newest],
            )
        )
        rows.reverse()
        return rows

    @guarded
    def figure_count(self, claim: str | None = None, topic: str | None = None) -> int:
        """How many figures ``figures`` would list without a limit."""
        where, params = "1", []
        if claim is not None:
            where += " AND (f.claim = ? OR f.claim_key = ?)"
            params += [claim, claim]
        if topic is not None:
            where += " AND i.topic = ?"
            params.append(topic)
        cursor = self._db.execute(
            f"SELECT count(*) FROM figures f JOIN items i ON i.id = f.item_id WHERE {where}",
            params,
        )
        return int(cursor.fetchone()[0])

    @guarded
    def alerts(self, limit: int | None = None, topic: str | None = None) -> list[dict[str, Any]]:
        """Alerts, newest first, with the new figure, the ones it contradicts and deliveries;
        ``limit``: only that many; ``topic``: only those whose new figure's item is of it."""
        where, params = _ALERT_FILTER[topic is not None], [] if topic is None else [topic]
        rows = list(
            self._db.query(
                f"SELECT * FROM alerts WHERE {where} ORDER BY created DESC, id DESC LIMIT ?",
                [*params, -1 if limit is None else limit],
            )
        )
        return self._alert_dicts(rows)

    @guarded
    def alert_count(self, topic: str | None = None) -> int:
        """How many alerts ``alerts`` would list without a limit."""
        where, params = _ALERT_FILTER[topic is not None], [] if topic is None else [topic]
        cursor = self._db.execute(f"SELECT count(*) FROM alerts WHERE {where}", params)
        return int(cursor.fetchone()[0])

    # --- issue 12: reads for `monitor explain` and `monitor alert` ------------------------

    @guarded
    def alert(self, alert_id: int) -> dict[str, Any] | None:
        """One alert in the shape ``alerts`` lists; None when there is none."""
        rows = list(self._db.query("SELECT * FROM alerts WHERE id = ?", [alert_id]))
        return self._alert_dicts(rows)[0] if rows else None

    @guarded
    def figure(self, figure_id: int) -> dict[str, Any] | None:
        """One figure in the shape ``figures`` lists, with its item's ``duplicate_of``."""
        rows = list(
            self._db.query(
                _FIGURE_WITH_ITEM.replace("{where}", "x.id = ?"),
                [figure_id],
            )
        )
        return rows[0] if rows else None

    @guarded
    def earlier_figures(self, figure_id: int) -> list[dict[str, Any]]:
        """The figures of the same claim kind stored before this one (smaller id) from
        other items, reprints and superseded ones included, oldest first; each with its
        item's ``duplicate_of``. What the store held when the figure was checked."""
        where = (
            "x.claim = (SELECT claim FROM figures WHERE id = ?) AND x.id < ?"
            " AND x.item_id != (SELECT item_id FROM figures WHERE id = ?)"
        )
        return list(
            self._db.query(
                _FIGURE_WITH_ITEM.replace("{where}", where) + " ORDER BY x.published, x.id",
                [figure_id, figure_id, figure_id],
            )
        )

    @guarded
    def item_alerts(self, item_id: int) -> list[dict[str, Any]]:
        """The alerts raised by figures of one item, in the shape ``alerts`` lists."""
        rows = list(
            self._db.query(
                "SELECT a.* FROM alerts a JOIN figures f ON f.id = a.new_figure_id"
                " WHERE f.item_id = ? ORDER BY a.id",
                [item_id],
            )
        )
        return self._alert_dicts(rows)


# The alerts a listing shows: all; [True]: those whose new figure's item is of a topic.
_ALERT_FILTER = {
    False: "1",
    True: "new_figure_id IN"
    " (SELECT f.id FROM figures f JOIN items i ON i.id = f.item_id WHERE i.topic = ?)",
}

# A figure with its item's reprint mark; "{where}" (over x, a FIGURE_SELECT row) is the
# caller's.
_FIGURE_WITH_ITEM = (
    "SELECT x.*, r.duplicate_of FROM (" + FIGURE_SELECT + ") x"
    " JOIN items r ON r.id = x.item_id WHERE {where}"
)
