"""Commands that run the pipeline: ingest, poll, run, demo."""

from __future__ import annotations

import logging
import shlex
import sys
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

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
from monitor.errors import ConfigError, StoreError
from monitor.logs import log_to

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.pipeline import Totals


def polling_config(obj: Context) -> Config:
    """The configuration of a command that polls. Its feeds are those listed in it and
    those added to the state (`feeds add`/`import`, which need no feeds.yaml); with
    none enabled in either, ConfigError: one line, exit 1. Decided before anything is
    created: a state without a database has no feeds added, and a command that fails
    here leaves no state dir or database behind."""
    from monitor.store import DB_FILENAME

    added = False
    if (obj.state / DB_FILENAME).is_file():
        with obj.store(read_only=True) as store:
            added = any(feed["enabled"] and feed["added"] for feed in store.feeds())
    config = obj.config(need_feeds=not added)
    if not added and not any(feed.enabled for feed in config.feeds):
        raise ConfigError(
            f"no feeds to poll: {config.source} lists none enabled and none were added"
            f" to {obj.state} (`monitor --state {obj.state} feeds add URL`)"
        )
    return config


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
    from monitor.ingest import ingest_paths
    from monitor.pipeline import Pipeline
    from monitor.ui.progress import progress

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
    from monitor.pipeline import Pipeline
    from monitor.poller import poll_once
    from monitor.ui.progress import progress

    config = polling_config(obj)
    with obj.store() as store:
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

    config = polling_config(obj)
    if with_view:
        with obj.store():  # the state dir (one-line errors) before the log file in it
            pass
        # Log lines would tear the full-screen view: they go to a file instead.
        handler = logging.FileHandler(obj.state / "monitor.log", encoding="utf-8")
        level = logging.DEBUG if verbose else logging.INFO
        log_to(handler, level, "%(asctime)s %(levelname)s %(message)s")
    run_daemon(obj.config, config, obj.state, live=live_beside if with_view else None)


@cli.command()
@click.option(
    "--state",
    "keep",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Keep the demo's state in DIR (the global --state before `demo` does the same).",
)
@json_option
@click.pass_context
def demo(ctx: click.Context, keep: Path | None, as_json: bool) -> None:
    """Run the bundled sample feeds (offline) and show the result.

    Four fictional outlets in English and German report the same events: a wire
    story and its reprint, a German write-up that disagrees on the troop count, and
    two casualty figures that contradict each other.

    The state is temporary unless --state DIR is given (`monitor demo --state DIR` or
    `monitor --state DIR demo`): then it is kept in DIR and three commands to explore
    it follow the result (on stderr with --json). Running the demo again on its own
    state starts it afresh; a DIR holding any other database is refused.
    """
    import tempfile

    from monitor.config import load

    state = _demo_state(ctx, keep)
    config = load(SAMPLES / "feeds.yaml")
    if state is None:
        with tempfile.TemporaryDirectory(prefix="monitor-demo-") as tmp:
            totals, story_rows, alert_rows = _run_demo(config, Path(tmp))
    else:
        _clear_demo_state(state, config)
        totals, story_rows, alert_rows = _run_demo(config, state)
    hint = (
        "The state was temporary: `monitor demo --state DIR` keeps it to explore."
        if state is None
        else f"Kept in {state}. Next, try:\n"
        + "".join(f"  {command}\n" for command in next_commands(state, story_rows, alert_rows))
    )
    if as_json:
        emit_json({"stories": story_rows, "alerts": alert_rows})
        if state is not None:
            click.echo(hint.rstrip("\n"), err=True)
        return
    from monitor.ui import render

    out = console()
    out.print(f"Polled {len(config.feeds)} bundled sample feeds: {totals.summary()}.\n")
    out.print(render.stories_table(story_rows))
    out.print(render.alerts_table(alert_rows))
    click.echo(hint.rstrip("\n"))


def _demo_state(ctx: click.Context, keep: Path | None) -> Path | None:
    """Where the demo keeps its state: the demo's --state, else the global --state when
    given on the command line; None (a temporary state) when neither is."""
    obj: Context = ctx.obj
    parent = ctx.parent
    given = parent is not None and parent.get_parameter_source("state") not in (
        None,
        ParameterSource.DEFAULT,
    )
    if keep is not None and given and keep != obj.state:
        raise click.UsageError(f"--state given twice: {obj.state} and {keep}")
    return keep if keep is not None else (obj.state if given else None)


def _run_demo(config: Config, state: Path) -> tuple[Totals, list[Any], list[Any]]:
    """Poll the sample feeds into ``state``: the totals, then the stories and alerts as
    ``stories --json`` and ``alerts --json`` list them."""
    from monitor.pipeline import Pipeline
    from monitor.poller import poll_once
    from monitor.store import Store

    with closing(Store.open(state)) as store:
        totals = poll_once(Pipeline(store, config))
        return totals, store.stories(), store.alerts()


def _clear_demo_state(state: Path, config: Config) -> None:
    """Remove an earlier demo's database from ``state``, so the demo starts afresh.
    A database is a demo's when its feeds are exactly the sample feeds; any other
    one is refused (StoreError), and nothing is removed."""
    from monitor.store import DB_FILENAME, Store

    if not (state / DB_FILENAME).is_file():
        return
    with closing(Store.open(state)) as store:
        urls = {feed["url"] for feed in store.feeds()}
    if urls != {feed.url for feed in config.feeds}:
        raise StoreError(
            f"{state} holds a database that is not the demo's; "
            "give `monitor demo --state` a new directory"
        )
    for suffix in ("", "-wal", "-shm"):
        (state / f"{DB_FILENAME}{suffix}").unlink(missing_ok=True)


def next_commands(state: Path, story_rows: list[Any], alert_rows: list[Any]) -> list[str]:
    """Three commands on a kept demo state, with its ids: the story with the most
    sources, an alert (one raised in that story when there is one), the claims."""
    prefix = f"monitor --state {shlex.quote(str(state))}"
    story = max(story_rows, key=lambda row: row["sources"], default=None)
    in_story = [row for row in alert_rows if story and row["new"]["story_id"] == story["id"]]
    alert = next(iter(in_story or alert_rows), None)
    return [
        f"{prefix} story {story['id']}" if story else f"{prefix} stories",
        f"{prefix} explain --alert {alert['id']}" if alert else f"{prefix} alerts",
        f"{prefix} claims",
    ]
