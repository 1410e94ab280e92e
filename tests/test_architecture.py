"""The layout holds: imports point one way, pure packages load no I/O library, no room
is too big to live in, and every module says its one job (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "monitor"

# What each part of ``monitor`` may import from the project, by its top-level name under
# ``monitor/`` (a package or a module). Upward imports are the ones missing here.
GROUND = {"types", "errors", "text", "lang", "logs"}
PURE_STAGES = GROUND | {"topics", "figures", "stories"}
ADAPTERS = PURE_STAGES | {"config", "feeds", "store"}
BELOW_FRONT_ENDS = ADAPTERS | {"notify", "pipeline", "sorting", "poller", "ingest"}
MAY_IMPORT: dict[str, set[str]] = {
    "__init__": set(),
    "types": set(),
    "errors": set(),
    "text": set(),
    "lang": set(),
    "logs": {"text"},  # a log line is shown safe, as everything printed
    "topics": GROUND,
    "figures": GROUND,
    "stories": GROUND | {"figures"},
    "config": PURE_STAGES,
    "feeds": GROUND | {"__init__"},  # the package version, for the User-Agent
    "store": GROUND,
    "notify": PURE_STAGES | {"config", "store"},
    "pipeline": ADAPTERS,
    "sorting": ADAPTERS | {"pipeline"},
    "poller": ADAPTERS | {"pipeline", "sorting"},
    "ingest": ADAPTERS | {"pipeline"},
    "service": BELOW_FRONT_ENDS,
    "ui": BELOW_FRONT_ENDS,
    "cli": BELOW_FRONT_ENDS | {"service", "ui", "__init__"},
    "__main__": {"cli"},
}

# Pure: decisions from strings and plain data, no I/O library loaded on import.
PURE_PARTS = [
    "types",
    "errors",
    "text",
    "lang",
    "topics",
    "figures",
    "stories",
    "feeds.schedule",
    "feeds.dates",
    "feeds.jsonfeed",
]
IO_LIBRARIES = ["httpx", "feedparser", "sqlite_utils", "sqlite3", "yaml", "rich", "apscheduler"]

MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _part(path: Path) -> str:
    """The top-level name under monitor/ a file belongs to: 'feeds', 'pipeline', ..."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_parts(path: Path) -> set[str]:
    """Top-level names under monitor/ that a file imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "monitor":
                names = [f"monitor.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "monitor":
                top = parts[1] if len(parts) > 1 else "__init__"
                found.add("__init__" if top == "__version__" else top)
    return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_every_part_has_a_rule() -> None:
    assert {_part(path) for path in _modules()} <= set(MAY_IMPORT)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    part = _part(path)
    upward = _imported_parts(path) - MAY_IMPORT[part] - {part}
    assert not upward, f"{_module_name(path)} ({part}) imports {sorted(upward)}"


def test_pure_parts_load_no_io_library() -> None:
    pure = [_module_name(p) for p in _modules() if _part(p) in PURE_PARTS]
    pure += [f"monitor.{name}" for name in PURE_PARTS if "." in name]
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in pure)
        + f"print(','.join(m for m in {IO_LIBRARIES!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_room_too_big(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno is not None
            assert node.end_lineno - node.lineno + 1 <= MAX_CLASS_LINES, node.name


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_its_job(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path
