"""Local files into the pipeline: ``monitor ingest`` (RSS/Atom files and plain-text
articles), several files' items a transaction (``Store.batches``, issue 16)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from monitor.errors import MonitorError, ParseError
from monitor.feeds.parse import parse_feed, parse_text_file, read_local, source_of
from monitor.pipeline import Pipeline, Totals, oldest_first
from monitor.types import Item

__all__ = ["ingest_paths", "read_path"]

log = logging.getLogger(__name__)

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
TEXT_SUFFIXES = {".txt"}


def read_path(path: Path, now: datetime) -> list[Item]:
    """Items from one local file: an RSS/Atom feed or a plain-text article. ParseError
    names the file: "page.html: an HTML page, not a feed"."""
    if path.is_dir():
        raise ParseError(f"{path}: is a directory (give the files in it, e.g. {path / '*.xml'})")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return [parse_text_file(path, fetched_at=now)]
    body = read_local(path)
    if suffix in FEED_SUFFIXES or body.lstrip()[:1] == b"<":
        try:
            parsed = parse_feed(body, source=source_of(path), feed_url=None, fetched_at=now)
        except ParseError as exc:
            raise ParseError(f"{path}: {exc}") from exc
        return oldest_first(parsed)
    raise ParseError(f"{path}: not a feed (.xml/.rss/.atom) or a text article (.txt)")


def ingest_paths(
    pipeline: Pipeline, paths: Sequence[Path], on_file: Callable[[str], None] = lambda _: None
) -> Totals:
    """Run local files through the pipeline in the order given; a bad file is reported.
    Items of several files share a transaction (``Store.batches``).

    ``on_file(name)`` is called after each file (for a progress display)."""
    totals = Totals()
    with pipeline.store.batches(timer=pipeline.timer) as batches:
        for path in paths:
            try:
                items = read_path(path, pipeline.clock())
            except MonitorError as exc:
                totals.errors.append(str(exc))
                log.error("%s", exc)
            else:
                pipeline.process_all(items, totals, batches)
            on_file(path.name)
    return totals
