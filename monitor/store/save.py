"""The store's write path for an analysed item: all that is derived from it, at once.

:class:`SaveMixin` provides ``save(Analysis)``: in one transaction the item, its place
in a story (a new one, or an existing one made newer), its same-story keys for the
candidate index, its figures, the alerts its divergences raise with their outbox rows
(one per channel), and the story notices it triggers; or, for an item already stored,
only its refreshed title, text and url. Nothing is written when any part fails.

Issue 16: ``batches`` writes several items a transaction, each transaction closed once
it has been open ``BATCH_SECONDS`` (``Batches``).

Issue 12: ``save`` also applies the corrections an item makes (a correction note that
retracts a figure of the same outlet), and ``save_correction`` writes a re-delivered item
whose content changed: its re-read figures, the old ones marked superseded, the alerts
that no longer stand withdrawn, one correction alert per corrected claim (delivered to
the channels that got a withdrawn alert), and the alerts its new figures raise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.errors import StoreError
from monitor.store.alerts import alerts_to_withdraw, supersede_figures, withdraw_alert
from monitor.store.base import StoreBase, chunks, guarded, iso, placeholders
from monitor.types import CORRECTION, Analysis, Divergence, Figure, Item

# A transaction of several items is closed once it has been open this long (issue 16):
# a commit per item costs more than deciding a feed's short item, and the daemon's other
# threads wait for the store's lock no longer than this (and the item that passes it).
BATCH_SECONDS = 0.25
# The earlier figures an alert names (the newest); it counts all it contradicts.
MAX_PREVIOUS_NAMED = 20


class Batches:
    """Several items a transaction, each closed once open ``seconds`` (by ``timer``)::

        with store.batches() as batches:
            for item in items:
                with batches.item():
                    ...  # read what the store holds, decide, save

    One connection: what an item writes is read by the items after it in the same
    transaction, so each decides as it would alone. An exception (or a crash) loses the
    open transaction whole, its items with all that was derived from them; none of them
    was stored, so they are fetched or read again.
    """

    def __init__(self, store: StoreBase, seconds: float, timer: Callable[[], float]) -> None:
        self._store = store
        self._seconds = seconds
        self._timer = timer
        self._open: ExitStack | None = None
        self._opened = 0.0

    @contextmanager
    def item(self) -> Iterator[None]:
        """Write one item in the open transaction (one is opened when none is); close it
        after the item when it has been open long enough."""
        if self._open is None:
            stack = ExitStack()
            stack.enter_context(self._store.batch())
            self._open, self._opened = stack, self._timer()
        yield
        if self._timer() - self._opened >= self._seconds:
            self.commit()

    def commit(self) -> None:
        """Close the open transaction now (before work that needs no write lock)."""
        if self._open is not None:
            stack, self._open = self._open, None
            stack.close()

    def __enter__(self) -> Batches:
        return self

    def __exit__(self, *exc: Any) -> None:
        """Commit the open transaction, or roll it back when an exception ends the block."""
        if self._open is not None:
            stack, self._open = self._open, None
            stack.__exit__(*exc)


@dataclass(frozen=True)
class Correction:
    """An outlet corrected itself about one claim (issue 12): what no longer stands."""

    claim_key: str
    superseded: tuple[int, ...]  # stored asserted figures of the claim that no longer stand
    replacement: Figure | None  # what stands now: one of the saved item's figures, or None
    reason: str  # "daily-post corrected 15,000 to 11,000"


class SaveMixin(StoreBase):
    """``save``: one analysed item and everything derived from it, in one transaction;
    ``batches``: several items a transaction."""

    def batches(
        self, seconds: float = BATCH_SECONDS, timer: Callable[[], float] = time.monotonic
    ) -> Batches:
        """Several items a transaction, each closed once open ``seconds`` (``Batches``)."""
        return Batches(self, seconds, timer)

    @guarded
    def save(
        self,
        analysis: Analysis,
        channels: Sequence[str] = (),
        notices: Mapping[str, int] | None = None,
        corrections: Sequence[Correction] = (),
        at: datetime | None = None,
    ) -> int:
        """Write the item and everything derived from it in one transaction; return its id.

        An item already stored (same source and guid) only has its title, text and url
        refreshed: its story, figures and alerts are not derived again. ``notices`` maps
        a channel to the number of sources at which it wants a story notice (issue 6).
        ``corrections``: figures of earlier items this one retracts (issue 12), applied
        ``at`` (when the correction was seen; default the item's publication time).
        """
        item = analysis.item
        with self._write():
            existing = self._item_id(item.source, item.guid)
            if existing is not None:
                self._db.execute(
                    "UPDATE items SET title = ?, text = ?, url = ? WHERE id = ?",
                    [item.title, item.text, item.url, existing],
                )
                self._forget_candidates([existing])
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
            if match is not None and match.duplicate_of is not None:
                # A reprint carries its original forward in the story window (issue 13):
                # the original's keys are found by time as if it had been published again.
                self._db.execute(
                    "UPDATE story_keys SET published = max(published, ?) WHERE item_id = ?",
                    [iso(item.published), match.duplicate_of],
                )
                self._forget_candidates([match.duplicate_of])  # seen later now
            if match is not None and match.duplicate_of is None:
                self._insert_story_keys(item_id, iso(item.published), match.keys)
                if match.vector and match.vector_model and item.lang:
                    self._db.execute(
                        "INSERT OR IGNORE INTO item_vectors (item_id, model, lang, published,"
                        " vector) VALUES (?, ?, ?, ?, ?)",
                        [item_id, match.vector_model, item.lang, iso(item.published), match.vector],
                    )
            figure_ids = [
                self._insert_figure(figure, item_id, story_id) for figure in analysis.figures
            ]
            for divergence in analysis.divergences:
                # ValueError when `new` is not one of the analysis's figures: a caller
                # bug, and the transaction rolls back everything written so far.
                new_id = figure_ids[analysis.figures.index(divergence.new)]
                self._insert_alert(divergence, new_id, iso(item.published), channels)
            when = iso(at or item.published)
            self._apply_corrections(corrections, analysis.figures, figure_ids, when, channels)
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
        for other in match.also:
            self._fold_story(other, into=match.story_id)
        return match.story_id

    def _fold_story(self, story_id: int, *, into: int) -> None:
        """Move a story's items, figures and notices into another and leave it pointing
        there (issue 13: an item that belongs to both shows they report one event)."""
        for table in ("items", "figures"):
            self._db.execute(
                f"UPDATE {table} SET story_id = ? WHERE story_id = ?", [into, story_id]
            )
        self._forget_candidates()  # their story changed
        # A notice the target already has for that many sources stays the one kept.
        self._db.execute(
            "UPDATE OR IGNORE story_notices SET story_id = ? WHERE story_id = ?", [into, story_id]
        )
        self._db.execute("DELETE FROM story_notices WHERE story_id = ?", [story_id])
        self._db.execute(
            "UPDATE stories SET created = min(created, (SELECT created FROM stories WHERE id = ?)),"
            " updated = max(updated, (SELECT updated FROM stories WHERE id = ?)) WHERE id = ?",
            [story_id, story_id, into],
        )
        self._db.execute(
            "UPDATE stories SET folded_into = ? WHERE id = ? OR folded_into = ?",
            [into, story_id, story_id],
        )

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
        self._record_alert(
            divergence.new.claim_key or "",
            divergence.kind,
            divergence.reason,
            new_id,
            [reported.figure_id for reported in divergence.contradicts],
            created,
            channels,
        )

    def _record_alert(
        self,
        claim_key: str,
        kind: str,
        reason: str,
        new_id: int,
        previous: Sequence[int],
        created: str,
        channels: Sequence[str],
    ) -> int:
        # dict.fromkeys: drop repeats, keep order (the tables have composite keys).
        every = list(dict.fromkeys(previous))
        alert_id = self._insert(
            "alerts",
            {
                "claim_key": claim_key,
                "created": created,
                "reason": reason,
                "kind": kind,
                "new_figure_id": new_id,
                "previous_count": len(every),
            },
        )
        # The newest few are named, all are counted: a record that stays linear in the
        # figures however often a claim is contradicted (schema version 12).
        for figure_id in sorted(every)[-MAX_PREVIOUS_NAMED:]:
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
        return alert_id

    # --- issue 12: corrections

    @guarded
    def save_correction(
        self,
        item: Item,
        added: Sequence[Figure],
        superseded: Sequence[int],
        divergences: Sequence[Divergence] = (),
        corrections: Sequence[Correction] = (),
        channels: Sequence[str] = (),
        at: datetime | None = None,
    ) -> int:
        """A stored item re-delivered with new content, in one transaction: its text
        refreshed, the figures it no longer has (``superseded``, ids) marked superseded,
        those it now has (``added``) stored, the ``corrections`` applied (withdrawn alerts,
        correction alerts) and the alerts of ``divergences`` (of ``added``) raised.
        ``at``: when the correction was seen (default: the item's publication time)."""
        with self._write():
            found = self._db.execute(
                "SELECT id, story_id FROM items WHERE source = ? AND guid = ?",
                [item.source, item.guid],
            ).fetchone()
            if found is None:
                raise StoreError(f"database {self.path}: no item {item.guid!r} to correct")
            item_id, story_id = found
            self._db.execute(
                "UPDATE items SET title = ?, text = ?, url = ? WHERE id = ?",
                [item.title, item.text, item.url, item_id],
            )
            self._forget_candidates([item_id])
            figure_ids = [self._insert_figure(figure, item_id, story_id) for figure in added]
            when = iso(at or item.published)
            supersede_figures(self._db, superseded, when)
            for divergence in divergences:
                new_id = figure_ids[list(added).index(divergence.new)]
                self._insert_alert(divergence, new_id, iso(item.published), channels)
            self._apply_corrections(corrections, added, figure_ids, when, channels)
            return int(item_id)

    def _apply_corrections(
        self,
        corrections: Sequence[Correction],
        figures: Sequence[Figure],
        figure_ids: Sequence[int],
        at: str,
        channels: Sequence[str],
    ) -> None:
        """Supersede each correction's figures, withdraw the alerts that no longer stand
        and record one correction alert per claim, queued for the channels that were
        delivered a withdrawn alert (the others never saw it)."""
        for correction in corrections:
            if not correction.superseded:
                continue
            supersede_figures(self._db, correction.superseded, at)
            withdrawn = alerts_to_withdraw(self._db, correction.claim_key, correction.superseded)
            told: list[str] = []
            for alert_id, why in withdrawn.items():
                reason = correction.reason
                if why == "contradicted":
                    reason = f"every figure it contradicted was corrected: {reason}"
                told += withdraw_alert(self._db, alert_id, at, reason)
            reason = correction.reason
            if withdrawn:
                listed = ", ".join(str(alert_id) for alert_id in withdrawn)
                reason += f"; alert{'s' if len(withdrawn) > 1 else ''} {listed} withdrawn"
            new_id = (
                figure_ids[list(figures).index(correction.replacement)]
                if correction.replacement is not None
                else correction.superseded[0]
            )
            self._record_alert(
                correction.claim_key,
                CORRECTION,
                reason,
                new_id,
                self._one_per_value(correction.superseded),
                at,
                [channel for channel in dict.fromkeys(told) if channel in channels],
            )

    def _one_per_value(self, figure_ids: Sequence[int]) -> list[int]:
        """One figure per article and value (a headline and its body repeating "15,000"
        are one statement): what a correction alert lists as corrected. The copy that
        names who is cited wins, as in ``divergence.distinct_reports``."""
        best: dict[tuple[Any, ...], tuple[int, bool]] = {}
        for chunk in chunks(list(figure_ids)):
            for row in self._db.execute(
                "SELECT id, item_id, low, high, hedge, attribution IS NOT NULL FROM figures"
                f" WHERE id IN ({placeholders(chunk)}) ORDER BY id",
                list(chunk),
            ):
                key, cited = tuple(row[1:5]), bool(row[5])
                if key not in best or (cited and not best[key][1]):
                    best[key] = (row[0], cited)
        return [figure_id for figure_id, _ in best.values()]

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
