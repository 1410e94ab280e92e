"""The counters of the store: how much it holds, and what happened lately.

:class:`StatsMixin` provides ``counts`` (rows per table, pending deliveries) and
``activity`` (the live view's counters: items of the last hour, alerts of the last
day, failing feeds); both read across the tables of the other parts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.store.base import StoreBase, guarded, iso
from monitor.store.feeds import FAILING_AFTER


class StatsMixin(StoreBase):
    """Counters across tables."""

    @guarded
    def counts(self) -> dict[str, int]:
        row = self._db.execute(
            """
            SELECT (SELECT count(*) FROM items),
                   (SELECT count(*) FROM items WHERE status = 'kept'),
                   (SELECT count(*) FROM items WHERE status = 'skipped'),
                   (SELECT count(*) FROM stories WHERE folded_into IS NULL),
                   (SELECT count(*) FROM figures),
                   (SELECT count(*) FROM alerts),
                   (SELECT count(*) FROM outbox WHERE status = 'pending')
            """
        ).fetchone()
        keys = ("items", "kept", "skipped", "stories", "figures", "alerts", "pending_deliveries")
        return dict(zip(keys, (int(value) for value in row), strict=True))

    # --- issue 7: the live view's counters

    @guarded
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
            [iso(now - timedelta(hours=1)), iso(now - timedelta(days=1)), FAILING_AFTER],
        ).fetchone()
        keys = ("items_last_hour", "alerts_last_day", "feeds_failing", "feeds_enabled")
        return dict(zip(keys, (int(value) for value in row), strict=True))
