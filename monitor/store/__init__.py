"""The SQLite store: the only package that speaks SQL.

One file (``state/monitor.db``) in WAL mode holds the feeds' fetch state, every item
seen, the stories items were grouped into, the figures read from them, the alerts
raised when a figure contradicted earlier ones, and the outbox of alert deliveries.
The tables are public (docs/schema.md); so are the dict shapes the listing methods
return, because ``monitor ... --json`` prints them as they are.

Writes go through one transaction per call: everything derived from one item is
saved by :meth:`Store.save` or not at all. Every ``sqlite3`` error is translated to
:class:`~monitor.errors.StoreError` with one line naming the database file.

Datetimes are stored as ISO 8601 UTC text ("2025-06-17T09:30:00+00:00"), which sorts
and compares correctly as text; dicts return those strings, dataclasses get aware
datetimes back.

:class:`Store` is one class composed of parts, one module each, over one base:

- ``base``: the connection, the write discipline (``_write``, ``batch``), the
  ``guarded`` decorator that serialises calls and translates errors, shared helpers;
- ``connection``: the connection's calls (``execute``, ``query`` as dicts, ``rollback``),
  without importing sqlite-utils, which costs every command 0.15 s to load;
- ``schema``: the tables' DDL and the migrations (``migrate``, ``SCHEMA_VERSION``);
- ``feeds``: the feeds and their polling state (``FeedState``);
- ``items``: items, the same-story candidate index, stories;
- ``save``: ``save(Analysis)``, the one write of an item and all derived from it;
- ``alerts``: figures, claim history, alerts;
- ``outbox``: deliveries of alerts and story notices to channels;
- ``stats``: counters across tables.

Another backend would implement the same parts; this module only composes them and
exports the names the rest of the monitor imports.
"""

from monitor.store.alerts import AlertsMixin
from monitor.store.base import DB_FILENAME, StoreBase
from monitor.store.feeds import FAILING_AFTER, FeedsMixin, FeedState
from monitor.store.items import ItemsMixin
from monitor.store.outbox import OutboxMixin
from monitor.store.save import SaveMixin
from monitor.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from monitor.store.stats import StatsMixin

__all__ = [
    "DB_FILENAME",
    "FAILING_AFTER",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FeedState",
    "Store",
    "migrate",
]


class Store(FeedsMixin, ItemsMixin, SaveMixin, AlertsMixin, OutboxMixin, StatsMixin, StoreBase):
    """The monitor's database: open (or create and migrate) it, read it, write it."""
