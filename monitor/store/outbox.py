"""The outbox part of the store: deliveries of alerts and story notices to channels.

``save`` queues one outbox row per alert (or story notice) and channel; a sender takes
them from here. :class:`OutboxMixin` provides ``pending_deliveries`` and
``due_deliveries`` (rows due now, with what they carry), ``claim_deliveries`` (take rows
before sending, so two processes never send one row), ``mark_delivered``,
``mark_failed``, ``mark_sent``, ``mark_retry`` and ``mark_closed`` (the outcome of an
attempt), ``sends_since`` (what the rate limit counts), ``outbox`` (the listing),
``retry_deliveries`` (make rows due again) and ``instance_id`` (names this database in
Message-IDs).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from monitor.errors import StoreError
from monitor.store.base import FIGURE_SELECT, StoreBase, chunks, guarded, iso, placeholders


class OutboxMixin(StoreBase):
    """Deliveries: due rows, claims, outcomes, sends, the outbox listing."""

    @guarded
    def pending_deliveries(self, now: datetime) -> list[dict[str, Any]]:
        """Alerts' outbox rows due at ``now``, earliest first, each with its alert under
        "alert" (story notices: ``due_deliveries``)."""
        rows = list(
            self._db.query(
                "SELECT id, alert_id, channel, status, attempts, last_error, next_attempt"
                " FROM outbox WHERE status = 'pending' AND next_attempt <= ?"
                " AND alert_id IS NOT NULL"
                " ORDER BY next_attempt, id",
                [iso(now)],
            )
        )
        alert_rows = self._alert_rows(sorted({row["alert_id"] for row in rows}))
        alerts = {alert["id"]: alert for alert in self._alert_dicts(alert_rows)}
        for row in rows:
            row["alert"] = alerts[row["alert_id"]]
        return rows

    def _alert_rows(self, alert_ids: Sequence[int]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in chunks(alert_ids):
            rows.extend(
                self._db.query(
                    f"SELECT * FROM alerts WHERE id IN ({placeholders(chunk)})", list(chunk)
                )
            )
        return rows

    @guarded
    def mark_delivered(self, outbox_id: int, at: datetime) -> None:
        self._update_outbox(
            outbox_id,
            "status = 'delivered', attempts = attempts + 1, last_attempt = ?, delivered = ?,"
            " last_error = NULL",
            [iso(at), iso(at)],
        )

    @guarded
    def mark_failed(self, outbox_id: int, at: datetime, error: str, next_attempt: datetime) -> None:
        """Count a failed attempt; the row stays pending and is due again at ``next_attempt``."""
        self._update_outbox(
            outbox_id,
            "attempts = attempts + 1, last_attempt = ?, last_error = ?, next_attempt = ?",
            [iso(at), error, iso(next_attempt)],
        )

    def _update_outbox(self, outbox_id: int, assignments: str, values: Iterable[Any]) -> None:
        with self._write():
            cursor = self._db.execute(
                f"UPDATE outbox SET {assignments} WHERE id = ?", [*values, outbox_id]
            )
            if cursor.rowcount == 0:
                raise StoreError(f"database {self.path}: no outbox row {outbox_id}")

    # --- issue 6: alert delivery (claims before sending, sends, the outbox listing)

    @guarded
    def instance_id(self) -> str:
        """A random id made when the database was created; it names this installation."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()
        return str(row[0])

    @guarded
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
                [channel, iso(now)],
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

    def _notice_dicts(self, notice_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Story notices by id: the story as it stood when the notice was queued (its
        items up to the one that brought it to ``sources``) and the claim figures read
        from its original articles by then."""
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunks(notice_ids):
            for row in self._db.query(
                "SELECT n.id, n.story_id, n.item_id, n.sources, n.created, s.title"
                " FROM story_notices n JOIN stories s ON s.id = n.story_id"
                f" WHERE n.id IN ({placeholders(chunk)})",
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
                    FIGURE_SELECT + " WHERE f.story_id = ? AND f.item_id <= ?"
                    " AND f.claim IS NOT NULL AND i.duplicate_of IS NULL"
                    " ORDER BY f.claim_key, i.published, f.id",
                    [notice["story_id"], notice["item_id"]],
                )
            )
        return found

    @guarded
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
                    [owner, iso(until), outbox_id, iso(now), seen_owner],
                )
                if cursor.rowcount:
                    taken.append(outbox_id)
        return taken

    @guarded
    def mark_sent(
        self, outbox_ids: Sequence[int], channel: str, at: datetime, message_id: str
    ) -> None:
        """The channel accepted one message carrying these rows: they are delivered."""
        with self._write():
            for chunk in chunks(outbox_ids):
                self._db.execute(
                    "UPDATE outbox SET status = 'delivered', attempts = attempts + 1,"
                    " last_attempt = ?, delivered = ?, last_error = NULL, message_id = ?,"
                    " claimed_by = NULL, claimed_until = NULL"
                    f" WHERE id IN ({placeholders(chunk)})",
                    [iso(at), iso(at), message_id, *chunk],
                )
            self._insert(
                "channel_sends",
                {
                    "channel": channel,
                    "sent": iso(at),
                    "alerts": len(outbox_ids),
                    "message_id": message_id,
                },
            )

    @guarded
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

    @guarded
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
            for chunk in chunks(outbox_ids):
                self._db.execute(
                    "UPDATE outbox SET status = ?, attempts = attempts + ?, last_attempt = ?,"
                    " last_error = ?, next_attempt = ?, claimed_by = NULL, claimed_until = NULL"
                    f" WHERE id IN ({placeholders(chunk)})",
                    [status, int(attempted), iso(at), error, iso(next_attempt), *chunk],
                )

    @guarded
    def sends_since(self, channel: str, since: datetime) -> list[datetime]:
        """When the channel accepted a message at or after ``since``, oldest first."""
        rows = self._db.execute(
            "SELECT sent FROM channel_sends WHERE channel = ? AND sent >= ? ORDER BY sent",
            [channel, iso(since)],
        ).fetchall()
        return [datetime.fromisoformat(row[0]) for row in rows]

    @guarded
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

    @guarded
    def retry_deliveries(self, now: datetime, outbox_ids: Sequence[int] | None = None) -> int:
        """Make pending and failed rows due now (all, or the given ids); return how many."""
        where = "status IN ('pending', 'failed')"
        ids = list(outbox_ids or [])
        if outbox_ids is not None:
            where += f" AND id IN ({placeholders(ids) or 'NULL'})"
        with self._write():
            cursor = self._db.execute(
                f"UPDATE outbox SET status = 'pending', next_attempt = ? WHERE {where}",
                [iso(now), *ids],
            )
        return cursor.rowcount
