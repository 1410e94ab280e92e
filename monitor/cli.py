"""The `monitor` command line: thin commands that wire config, store and pipeline.

Each command's docstring is its --help. Listing commands take --json and then print
the store's public JSON shapes (documented in the README) and nothing else on stdout.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from monitor import __version__, figures, render
from monitor.config import Config, from_feeds, load
from monitor.errors import ConfigError, MonitorError
from monitor.pipeline import Pipeline, Totals, ingest_paths, poll_once
from monitor.store import Store

DEFAULT_CONFIG = Path("feeds.yaml")
DEFAULT_STATE = Path("state")
SAMPLES = Path(__file__).parent / "samples"

log = logging.getLogger("monitor")


class MonitorGroup(click.Group):
    """Turns every MonitorError into one line on stderr and exit code 1 — never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            raise click.ClickException(str(exc)) from exc


class Context:
    """What the global options decided, handed to every command."""

    def __init__(self, config_path: Path, config_given: bool, state: Path) -> None:
        self.config_path = config_path
        self.config_given = config_given
        self.state = state

    def config(self, *, need_feeds: bool = False) -> Config:
        """The configuration, or the defaults (no feeds) when there is no feeds.yaml."""
        if self.config_path.exists() or self.config_given:
            if not self.config_path.exists():
                raise ConfigError(f"{self.config_path}: no such file")
            try:
                return load(self.config_path)
            except ConfigError as exc:
                where = str(self.config_path)
                raise ConfigError(
                    str(exc) if str(exc).startswith(where) else f"{where}: {exc}"
                ) from exc
        if need_feeds:
            raise ConfigError(
                f"no feeds configured: {self.config_path} not found (pass --config FILE, "
                "or try `monitor demo` for the bundled offline sample)"
            )
        return from_feeds([])

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = Store.open(self.state)
        try:
            yield store
        finally:
            store.close()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console() -> Console:
    # Tables go to stdout; a pipe gets plain text without colour.
    return Console(highlight=False, soft_wrap=False)


def report(totals: Totals) -> None:
    # Each error was already logged as it happened; this is the closing summary.
    click.echo(totals.summary(), err=True)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


@click.group(cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"Configuration file.  [default: ./{DEFAULT_CONFIG}]",
)
@click.option(
    "--state",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_STATE,
    show_default=True,
    help="State directory (holds monitor.db).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every fetch and decision.")
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, state: Path, verbose: bool) -> None:
    """Follow one story across many news feeds and get told when the numbers disagree.

    Try `monitor demo` first: it runs the bundled sample feeds offline.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(message)s",
        stream=sys.stderr,
        force=True,  # bind to this invocation's stderr (matters when embedded or tested)
    )
    ctx.obj = Context(config_path or DEFAULT_CONFIG, config_path is not None, state)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def ingest(obj: Context, paths: tuple[Path, ...]) -> None:
    """Run local files through the pipeline, in the order given.

    PATHS are RSS/Atom files (.xml, .rss, .atom) or plain-text articles (.txt:
    the first non-empty line is the title, the rest the body; the source is the
    file name without extension). Exits 1 if any file could not be read.
    """
    config = obj.config()
    with obj.store() as store:
        totals = ingest_paths(Pipeline(store, config), list(paths))
    report(totals)
    if totals.errors:
        sys.exit(1)


@cli.command()
@click.option("--once", is_flag=True, required=True, help="Poll every feed once, then exit.")
@click.pass_obj
def poll(obj: Context, once: bool) -> None:
    """Fetch every enabled feed once and process what is new (file:// URLs allowed)."""
    config = obj.config(need_feeds=True)
    with obj.store() as store:
        totals = poll_once(Pipeline(store, config))
    report(totals)


@cli.command()
@click.pass_obj
def run(obj: Context) -> None:
    """Run the daemon: poll each feed on its schedule until SIGTERM or SIGINT."""
    from monitor.daemon import run_daemon

    config = obj.config(need_feeds=True)
    run_daemon(obj.config_path, config, obj.state)


@cli.command()
@json_option
@click.option("--limit", type=int, default=None, help="Show only the N most recently updated.")
@click.pass_obj
def stories(obj: Context, as_json: bool, limit: int | None) -> None:
    """List stories, most recently updated first, with their items."""
    with obj.store() as store:
        rows = store.stories(limit=limit)
    if as_json:
        emit_json(rows)
    else:
        console().print(render.stories_table(rows))


@cli.command()
@click.argument("story_id", type=int)
@json_option
@click.pass_obj
def story(obj: Context, story_id: int, as_json: bool) -> None:
    """Show one story: its items, which are reprints, and the figures it carries."""
    with obj.store() as store:
        found = next((s for s in store.stories() if s["id"] == story_id), None)
        if found is None:
            raise MonitorError(f"no story {story_id}")
        story_figures = [f for f in store.figures() if f["story_id"] == story_id]
    if as_json:
        emit_json({**found, "figures": story_figures})
    else:
        console().print(render.story_detail(found, story_figures))


@cli.command("figures")
@json_option
@click.option("--claim", default=None, help="Only figures of this claim kind (e.g. troops).")
@click.pass_obj
def figures_command(obj: Context, as_json: bool, claim: str | None) -> None:
    """List the figures read from on-topic articles."""
    with obj.store() as store:
        rows = store.figures(claim=claim)
    if as_json:
        emit_json(rows)
    else:
        console().print(render.figures_table(rows))


@cli.command()
@json_option
@click.option("--limit", type=int, default=None, help="Show only the N newest.")
@click.pass_obj
def alerts(obj: Context, as_json: bool, limit: int | None) -> None:
    """List divergence alerts, newest first: the new figure and the earlier ones it contradicts."""
    with obj.store() as store:
        rows = store.alerts(limit=limit)
    if as_json:
        emit_json(rows)
    else:
        console().print(render.alerts_table(rows))


@cli.command()
@json_option
@click.pass_obj
def feeds(obj: Context, as_json: bool) -> None:
    """List feeds with their fetch state: status, last success, failures, next poll."""
    with obj.store() as store:
        rows = store.feeds()
    if as_json:
        emit_json(rows)
    else:
        console().print(render.feeds_table(rows))


def figure_json(fig: figures.Figure) -> dict[str, Any]:
    return {**asdict(fig), "claim_key": fig.claim_key}


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--lang", type=click.Choice(["de", "en", "ru", "ko"]), help="Language of the text.")
@click.option("--all", "all_numbers", is_flag=True, help="Every number read, claim or not.")
@click.option("--jsonl", is_flag=True, help="One text per input line; one JSON array per line.")
def extract(file: Any, lang: str | None, all_numbers: bool, jsonl: bool) -> None:
    """Print the figures of one text (FILE or - for stdin) as JSON; touches no state."""
    if jsonl:
        for line in file:
            found = figures.extract(line.rstrip("\n"), lang, all_numbers=all_numbers)
            click.echo(json.dumps([figure_json(f) for f in found], ensure_ascii=False))
        return
    found = figures.extract(file.read(), lang, all_numbers=all_numbers)
    emit_json([figure_json(f) for f in found])


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


def main() -> None:
    cli(prog_name="monitor")
