"""Commands that run the pipeline: ingest, poll, run, demo."""

from __future__ import annotations

import logging
import sys
import tempfile
from contextlib import closing
from functools import partial
from pathlib import Path

import click

from monitor.cli.alerts import deliver_pending, no_deliver_option
from monitor.cli.app import (
    EXIT_ALL_FEEDS_FAILED,
    EXIT_ERRORS,
    SAMPLES,
    Context,
    cli,
    console,
    emit_json,
    json_option,
    report,
)
from monitor.config import load
from monitor.pipeline import Pipeline, ingest_paths
from monitor.poller import poll_once
from monitor.store import Store
from monitor.ui import render
from monitor.ui.progress import progress


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@no_deliver_option
@click.pass_obj
def ingest(obj: Context, paths: tuple[Path, ...], no_deliver: bool) -> None:
    """Run local files through the pipeline, in the order given.

    PATHS are RSS/Atom files (.xml, .rss, .atom) or plain-text articles (.txt:
    the first non-empty line is the title, the rest the body; the source is the
    file name without extension). Exits 1 if any file could not be read.
    Then sends the alerts waiting in the outbox (a channel that is down is reported
    and its alerts wait).
    """
    config = obj.config()
    with obj.store() as store, progress(len(paths), "ingest") as advance:
        totals = ingest_paths(Pipeline(store, config), list(paths), on_file=advance)
    report(totals)
    if not no_deliver:
        with obj.store() as store:
            deliver_pending(store, config)
    if totals.errors:
        sys.exit(EXIT_ERRORS)


@cli.command()
@click.option("--once", is_flag=True, required=True, help="Poll every feed once, then exit.")
@click.option(
    "--force",
    is_flag=True,
    help="Also poll feeds a server asked to wait (Retry-After) and feeds that are gone (410).",
)
@no_deliver_option
@click.pass_obj
def poll(obj: Context, once: bool, force: bool, no_deliver: bool) -> None:
    """Fetch every enabled feed once and process what is new (file:// URLs allowed).

    Polls the feeds of feeds.yaml and those added with `monitor feeds add`, whatever
    their schedule. Every fetch is bounded by poll.timeout, so this always ends.
    Exits 1 when the poll had errors (some feeds failed), 3 when every feed failed;
    the summary line is printed either way.
    """
    with obj.store() as store:
        # Feeds added with `monitor feeds add` need no feeds.yaml.
        config = obj.config(need_feeds=not store.feed_specs())
        track = partial(progress, label="poll")
        totals = poll_once(Pipeline(store, config), force=force, track=track)
    report(totals)
    if not no_deliver:
        with obj.store() as store:
            deliver_pending(store, config)
    if totals.feeds_polled and totals.feeds_failed == totals.feeds_polled:
        sys.exit(EXIT_ALL_FEEDS_FAILED)
    if totals.errors:
        sys.exit(EXIT_ERRORS)


@cli.command()
@click.option(
    "--live",
    "with_view",
    is_flag=True,
    help="Show the live view while running (logs go to STATE/monitor.log).",
)
@click.pass_obj
def run(obj: Context, with_view: bool) -> None:
    """Run the daemon: poll each feed on its schedule until SIGTERM or SIGINT.

    SIGHUP re-reads the configuration; an invalid new one is reported and the
    running one kept. Under systemd it reports readiness and watchdog pings.
    """
    from monitor.service.daemon import daemon_logging, run_daemon
    from monitor.ui.live import live_beside

    verbose = logging.getLogger().level <= logging.DEBUG  # -v on the command line
    daemon_logging(verbose)

    with obj.store() as store:
        has_feeds = bool(store.feed_specs())  # feeds added with `monitor feeds add`
    config = obj.config(need_feeds=not has_feeds)
    if with_view:
        # Log lines would tear the full-screen view: they go to a file instead.
        handler = logging.FileHandler(obj.state / "monitor.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        level = logging.DEBUG if verbose else logging.INFO
        logging.basicConfig(level=level, handlers=[handler], force=True)
    run_daemon(obj.config, config, obj.state, live=live_beside if with_view else None)


@cli.command()
@json_option
def demo(as_json: bool) -> None:
    """Run the bundled sample feeds (offline) into a temporary state and show the result.

    Four fictional outlets in English and German report the same events: a wire
    story and its reprint, a German write-up that disagrees on the troop count, and
    two casualty figures that contradict each other.
    """
    config = load(SAMPLES / "feeds.yaml")
    with (
        tempfile.TemporaryDirectory(prefix="monitor-demo-") as tmp,
        closing(Store.open(Path(tmp))) as store,
    ):
        totals = poll_once(Pipeline(store, config))
        story_rows, alert_rows = store.stories(), store.alerts()
    if as_json:
        emit_json({"stories": story_rows, "alerts": alert_rows})
        return
    out = console()
    out.print(f"Polled {len(config.feeds)} bundled sample feeds: {totals.summary()}.\n")
    out.print(render.stories_table(story_rows))
    out.print(render.alerts_table(alert_rows))
