"""The items part of the store: items as stored, and the stories they are grouped into.

:class:`ItemsMixin` provides ``seen``, ``stored_content`` and ``stored_contents`` (is an
entry new, or changed?), ``save_skipped`` (items outside every topic, in bulk),
``update_item`` (a changed entry refreshed in place), ``entries_published_at`` (stored
items of a feed with a given date: an entry under a changed key, issue 14),
``stored_item`` (a re-delivered entry's stored row and standing figures, which a
correction re-reads), ``story_keys`` and ``candidates_by_id`` (the candidate index the
story matcher reads), ``item``, ``stories``, ``story_count`` and ``story`` (listings). Items on a
topic are written with all that is derived from them by ``save`` (monitor.store.save).

Candidates are cached by id (issue 16: a new item is matched against ~40, mostly the same
as the previous item's). What a candidate holds changes only through this store's writes,
which forget what they change (``_forget_candidates``: a text refreshed, a reprint's
original seen later, stories folded), through a transaction rolled back (ids are reused),
or through another connection's commit (``PRAGMA data_version``): either drops them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitor.store.base import (
    FIGURE_SELECT,
    IN_CHUNK,
    StoreBase,
    chunks,
    guarded,
    iso,
    placeholders,
)
from monitor.types import Candidate, Item, StoredEntry, TopicMatch

# last_seen: the latest of the item and its reprints (a reprint carries it forward).
_CANDIDATE_SELECT = (
    "SELECT id, story_id, source, title, text, published, duplicate_of, lang,"
    " (SELECT max(r.published) FROM items AS r WHERE r.duplicate_of = items.id) AS last_reprint"
    " FROM items"
)
# Candidates cached (the oldest read go first): a week of a busy topic's items.
CANDIDATE_CACHE_SIZE = 4096
# How an item whose analysis raised is stored (its topic reason, set by the pipeline).
FAILED = "could not be analysed"


def _candidate(row: Sequence[Any]) -> Candidate:
    """An items row (selected with _CANDIDATE_SELECT) as the story matcher sees it."""
    item_id, story_id, source, title, text, published, duplicate_of, lang, last_reprint = row
    return Candidate(
        item_id=item_id,
        story_id=story_id,
        source=source,
        title=title,
        text=text,
        published=datetime.fromisoformat(published),
        duplicate_of=duplicate_of,
        lang=lang,
        last_seen=datetime.fromisoformat(max(published, last_reprint or "")),
    )


class ItemsMixin(StoreBase):
    """Items, the candidate index and stories."""

    _candidates: dict[int, Candidate]  # by id, as read (see the module docstring)
    _candidates_valid: tuple[int, int] | None = None  # (rollbacks, data_version) read at

    @guarded
    def seen(self, source: str, guid: str) -> bool:
        return self._item_id(source, guid) is not None

    @guarded
    def forget_failed_items(self) -> int:
        """Forget the items whose analysis raised (stored as skipped, "could not be
        analysed"), so that the next poll or ingest reads them as new: a fix or a new
        configuration may let them through. Returns how many were forgotten."""
        with self._write():
            cursor = self._db.execute(
                f"DELETE FROM items WHERE status = 'skipped' AND topic_reason LIKE '{FAILED}%'"
            )
        return int(cursor.rowcount)

    @guarded
    def stored_content(self, source: str, guid: str) -> tuple[str, str, str | None] | None:
        """The stored title, text and url of an item; None when it was never seen."""
        row = self._db.execute(
            "SELECT title, text, url FROM items WHERE source = ? AND guid = ?", [source, guid]
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    @guarded
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
            for start in range(0, len(guids), IN_CHUNK):
                chunk = guids[start : start + IN_CHUNK]
                rows = self._db.execute(
                    "SELECT guid, title, text, url FROM items"
                    f" WHERE source = ? AND guid IN ({placeholders(chunk)})",
                    [source, *chunk],
                )
                for guid, title, text, url in rows:
                    found[(source, guid)] = (title, text, url)
        return found

    @guarded
    def entries_published_at(self, keys: Sequence[tuple[str, datetime]]) -> list[StoredEntry]:
        """The stored items of each (source, publication time) pair, by the
        (source, published) index: where a new entry whose key changed may be stored."""
        moments_of: dict[str, list[str]] = {}
        for source, moment in dict.fromkeys(keys):
            moments_of.setdefault(source, []).append(iso(moment))
        found: list[StoredEntry] = []
        for source, moments in moments_of.items():
            for start in range(0, len(moments), IN_CHUNK):
                chunk = moments[start : start + IN_CHUNK]
                rows = self._db.execute(
                    "SELECT guid, title, text, url, published FROM items"
                    f" WHERE source = ? AND published IN ({placeholders(chunk)})",
                    [source, *chunk],
                )
                found += [
                    StoredEntry(source, guid, title, text, url, datetime.fromisoformat(at))
                    for guid, title, text, url, at in rows
                ]
        return found

    @guarded
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
                        iso(item.published),
                        topic.reason,
                    )
                    for item, topic in items
                ],
            )

    @guarded
    def update_item(self, source: str, guid: str, title: str, text: str, url: str | None) -> None:
        """A re-delivered entry whose content changed: refresh the stored item in place
        (its story, figures and alerts are not derived again, so nothing alerts twice)."""
        with self._write():
            self._db.execute(
                "UPDATE items SET title = ?, text = ?, url = ? WHERE source = ? AND guid = ?",
                [title, text, url, source, guid],
            )
            self._forget_candidates([self._item_id(source, guid)])

    @guarded
    def stored_item(self, source: str, guid: str) -> dict[str, Any] | None:
        """An item by source and guid, as ``item`` returns it but with only the figures
        that stand (not superseded); None when it was never seen (issue 12)."""
        item_id = self._item_id(source, guid)
        row = None if item_id is None else self.item(item_id)
        if row is not None:
            row["figures"] = [f for f in row["figures"] if f["superseded"] is None]
        return row

    # ------------------------------------------------------------------ candidate index
    # (issue 4) story_keys feeds monitor.stories.index.CandidateIndex; Candidates by id.

    @guarded
    def story_keys(
        self, *, after_item: int = 0, since: datetime, until: datetime | None = None
    ) -> list[tuple[int, str, datetime]]:
        """(item id, key, published) of indexed items with an id above ``after_item``
        published in [since, until]."""
        # Catching up by id must walk the primary key from ``after_item`` on, not every
        # row of the time range: "+published" keeps SQLite off the published index.
        column = "+published" if after_item else "published"
        sql = f"SELECT item_id, key, published FROM story_keys WHERE item_id > ? AND {column} >= ?"
        params: list[Any] = [after_item, iso(since)]
        if until is not None:
            sql += f" AND {column} <= ?"
            params.append(iso(until))
        parsed: dict[str, datetime] = {}  # one parse per item, not per key
        rows: list[tuple[int, str, datetime]] = []
        for item_id, key, at in self._db.execute(sql, params).fetchall():
            moment = parsed.get(at)
            if moment is None:
                moment = parsed[at] = datetime.fromisoformat(at)
            rows.append((item_id, key, moment))
        return rows

    @guarded
    def story_vectors(
        self, *, model: str, after_item: int = 0, since: datetime
    ) -> list[tuple[int, str, bytes]]:
        """(item id, language, vector) of the vectors ``model`` made for items with an id
        above ``after_item`` published at or after ``since`` (issue 13: the candidate
        index's embeddings)."""
        column = "+published" if after_item else "published"
        return [
            (item_id, lang, vector)
            for item_id, lang, vector in self._db.execute(
                "SELECT item_id, lang, vector FROM item_vectors"
                f" WHERE item_id > ? AND {column} >= ? AND model = ?",
                [after_item, iso(since), model],
            ).fetchall()
        ]

    @guarded
    def candidates_by_id(self, item_ids: Sequence[int]) -> list[Candidate]:
        """The kept items with these ids, in the order given."""
        found = self._cached_candidates()
        missing = [item_id for item_id in dict.fromkeys(item_ids) if item_id not in found]
        for chunk in chunks(missing):
            for row in self._db.execute(
                _CANDIDATE_SELECT
                + f" WHERE id IN ({placeholders(chunk)}) AND story_id IS NOT NULL",
                list(chunk),
            ):
                found[row[0]] = _candidate(row)
        while len(found) > CANDIDATE_CACHE_SIZE:
            del found[next(iter(found))]
        return [found[item_id] for item_id in item_ids if item_id in found]

    def _cached_candidates(self) -> dict[int, Candidate]:
        """The candidates read before, all dropped when a transaction was rolled back or
        another connection committed since."""
        (version,) = self._db.execute("PRAGMA data_version").fetchone()
        valid = (self.rollbacks, version)
        if self._candidates_valid != valid:
            self._candidates, self._candidates_valid = {}, valid
        return self._candidates

    def _forget_candidates(self, item_ids: Sequence[int | None] | None = None) -> None:
        """Drop these items' cached candidates (all when None): their rows changed."""
        if self._candidates_valid is None:
            return
        if item_ids is None:
            self._candidates.clear()
        for item_id in item_ids or ():
            if item_id is not None:
                self._candidates.pop(item_id, None)

    # ----------------------------------------------------------------------- listings

    @guarded
    def item(self, item_id: int) -> dict[str, Any] | None:
        """One item's row, with its figures under "figures"; None when there is none."""
        rows = list(self._db.query("SELECT * FROM items WHERE id = ?", [item_id]))
        if not rows:
            return None
        row = rows[0]
        row["figures"] = list(
            self._db.query(FIGURE_SELECT + " WHERE f.item_id = ? ORDER BY f.id", [item_id])
        )
        return row

    @guarded
    def folded_into(self, story_id: int) -> int | None:
        """The story a folded story now lives in (issue 13), None if it was not folded."""
        row = self._db.execute(
            "SELECT folded_into FROM stories WHERE id = ?", [story_id]
        ).fetchone()
        return None if row is None else row[0]

    @guarded
    def stored_topics(self) -> list[str]:
        """The names of the topics stored items were kept for, sorted."""
        rows = self._db.execute(
            "SELECT DISTINCT topic FROM items WHERE topic IS NOT NULL ORDER BY topic"
        )
        return [row[0] for row in rows]

    @guarded
    def stories(self, limit: int | None = None, topic: str | None = None) -> list[dict[str, Any]]:
        """Stories, most recently updated first, each with its items oldest first;
        ``limit``: only that many; ``topic``: only stories with an item of that topic."""
        where, params = _STORY_FILTER[topic is not None], [] if topic is None else [topic]
        rows = self._db.query(
            f"SELECT id, title, created, updated FROM stories WHERE {where}"
            " ORDER BY updated DESC, id DESC LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
        return self._with_items(list(rows))

    @guarded
    def story_count(self, topic: str | None = None) -> int:
        """How many stories ``stories`` would list without a limit."""
        where, params = _STORY_FILTER[topic is not None], [] if topic is None else [topic]
        return int(
            self._db.execute(f"SELECT count(*) FROM stories WHERE {where}", params).fetchone()[0]
        )

    @guarded
    def story(self, story_id: int) -> dict[str, Any] | None:
        """One story as ``stories`` lists it (a folded one too); None when there is none."""
        rows = list(
            self._db.query(
                "SELECT id, title, created, updated FROM stories WHERE id = ?", [story_id]
            )
        )
        return self._with_items(rows)[0] if rows else None

    def _with_items(self, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each story row with its items (one query per IN_CHUNK stories, by the
        items_story_id index), its sources, languages and topics."""
        items: dict[int, list[dict[str, Any]]] = {story["id"]: [] for story in stories}
        for chunk in chunks(list(items)):
            for row in self._db.query(
                "SELECT id, story_id, source, title, url, lang, published, duplicate_of, topic"
                f" FROM items WHERE story_id IN ({placeholders(chunk)})"
                " ORDER BY published, id",
                list(chunk),
            ):
                items[row.pop("story_id")].append(row)
        for story in stories:
            members = items[story["id"]]
            story["sources"] = len({member["source"] for member in members})
            story["languages"] = sorted({m["lang"] for m in members if m["lang"] is not None})
            story["topics"] = sorted({m["topic"] for m in members if m["topic"] is not None})
            story["items"] = members
        return stories


# The stories a listing shows: not folded into another; [True]: with an item of a topic.
_STORY_FILTER = {
    False: "folded_into IS NULL",
    True: "folded_into IS NULL"
    " AND EXISTS (SELECT 1 FROM items WHERE items.story_id = stories.id AND topic = ?)",
}
