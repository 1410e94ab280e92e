"""Imports point one way: the pure decision modules load no I/O library."""

from __future__ import annotations

import subprocess
import sys

PURE = [
    "monitor.types",
    "monitor.lang",
    "monitor.topics",
    "monitor.dedup",
    "monitor.figures",
    "monitor.divergence",
    "monitor.schedule",
    "monitor.text",
]
IO_LIBRARIES = ["httpx", "feedparser", "sqlite_utils", "sqlite3", "yaml", "rich", "apscheduler"]


def test_pure_modules_load_no_io_library() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in PURE)
        + f"print(','.join(m for m in {IO_LIBRARIES!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
