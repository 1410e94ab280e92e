"""The SQLite store: the only package that speaks SQL (its code is in ``base``).

This module re-exports the names the rest of the monitor imports from ``monitor.store``.
"""

from monitor.store.base import (
    DB_FILENAME,
    FAILING_AFTER,
    MIGRATIONS,
    SCHEMA_VERSION,
    FeedState,
    Store,
    migrate,
)

__all__ = [
    "DB_FILENAME",
    "FAILING_AFTER",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FeedState",
    "Store",
    "migrate",
]
