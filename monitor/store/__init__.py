"""The SQLite store: the only package that speaks SQL (its code is in ``base``; the
tables and migrations are in ``schema``).

This module re-exports the names the rest of the monitor imports from ``monitor.store``.
"""

from monitor.store.base import DB_FILENAME, FAILING_AFTER, FeedState, Store
from monitor.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate

__all__ = [
    "DB_FILENAME",
    "FAILING_AFTER",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FeedState",
    "Store",
    "migrate",
]
