"""The store's write path for an analysed item: all that is derived from it, at once.

:class:`SaveMixin` provides ``save(Analysis)``: in one transaction the item, its place
in a story (a new one, or an existing one made newer), its same-story keys for the
candidate index, its figures, the alerts its divergences raise with their outbox rows
(one per channel), and the story notices it triggers; or, for an item already stored,
only its refreshed title, text and url. Nothing is written when any part fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from monitor.errors import StoreError
from monitor.store.base import StoreBase, guarded, iso
from monitor.types import Analysis, Divergence, Figure, Item


class SaveMixin(StoreBase):
    """``save``: one analysed item and everything derived from it, in one transaction."""

    @guarded
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
                    "published": iso(item.published),
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
                self._insert_story_keys(item_id, iso(item.published), match.keys)
            figure_ids = [
                self._insert_figure(figure, item_id, story_id) for figure in analysis.figures
            ]
            for divergence in analysis.divergences:
                # ValueError when `new` is not one of the analysis's figures: a caller
                # bug, and the transaction rolls back everything written so far.
                new_id = figure_ids[analysis.figures.index(divergence.new)]
                self._insert_alert(divergence, new_id, iso(item.published), channels)
            if notices and story_id is not None:  # issue 6: story notices
                self._queue_story_notice(story_id, item_id, item, notices)
            return item_id

    def _place_in_story(self, analysis: Analysis) -> int:
        published = iso(analysis.item.published)
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

    def _insert_story_keys(self, item_id: int, published: str, keys: Sequence[str]) -> None:
        self._db.conn.executemany(
            "INSERT OR IGNORE INTO story_keys (item_id, key, published) VALUES (?, ?, ?)",
            [(item_id, key, published) for key in keys],
        )

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
                "modality": figure.modality,
                "basis": figure.basis,
                "period": figure.period,
                "role": figure.role,
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
                "kind": divergence.kind,
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
        created = iso(item.published)
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
