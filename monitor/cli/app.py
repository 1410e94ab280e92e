"""The `monitor` command group, its global options and what every command shares.

Each command's docstring is its --help. Listing commands take --json and then print
the store's public JSON shapes (documented in docs/json.md) and nothing else on stdout.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitor import __version__
from monitor.errors import ConfigError, MonitorError, StoreError
from monitor.logs import log_to
from monitor.text import json_escaped
from monitor.ui.output import filter_output

if TYPE_CHECKING:
    from rich.console import Console

    from monitor.config import Config
    from monitor.pipeline import Totals
    from monitor.store import Store

# Start-up: a command imports what it needs when it runs (the store, the configuration,
# rich for a table, the pipeline and HTTP for a poll), not when the command line is
# read: `monitor stories --json` and every `--help` start in about twice the time of
# `python -c "import click"` (bench/startup.py; tests/test_startup.py keeps it so).

DEFAULT_CONFIG = Path("feeds.yaml")
DEFAULT_STATE = Path("state")
SAMPLES = Path(__file__).parent.parent / "samples"

# Exit codes scripts can rely on (README, "Your own feeds"): 0 all went well; 1 an error, or a
# run that had errors (some feeds or files failed); 2 a usage error (an unknown option, a
# missing argument: the command line itself is wrong); 3 a poll in which every feed failed.
EXIT_ERRORS = 1
EXIT_ALL_FEEDS_FAILED = 3

log = logging.getLogger("monitor")


EXIT_USAGE = 2

# The group's own options, which must come before the command (`monitor --state X stories`),
# with what each takes.
GLOBAL_OPTIONS = {"--config": " FILE", "--state": " DIR", "-v": "", "--verbose": ""}


class OneLineUsageError(click.UsageError):
    """A usage error as one line on stderr naming the command's --help (click prints three).

    ``--state`` or ``--config`` after the command gets a hint to move it before."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message(), error.ctx)
        self.option = getattr(error, "option_name", None)

    def show(self, file: Any = None) -> None:
        command = self.ctx.command_path if self.ctx else "monitor"
        message = self.format_message().rstrip(".")
        if self.option in GLOBAL_OPTIONS and self.ctx and self.ctx.parent is not None:
            sub = self.ctx.info_name
            message += (
                f"; {self.option} is a global option and goes before the command:"
                f" monitor {self.option}{GLOBAL_OPTIONS[self.option]} {sub} ..."
            )
        click.echo(f"Error: {message} (see `{command} --help`)", err=True)


class MonitorGroup(click.Group):
    """Turns every MonitorError into one line on stderr and exit code 1 — never a traceback;
    usage errors are one line too, with exit code 2."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare `monitor`: the help
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            raise click.exceptions.Exit(0) from exc
        except click.UsageError as exc:
            raise OneLineUsageError(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as exc:
            raise click.ClickException(str(exc)) from exc
        except click.UsageError as exc:
            raise exc if isinstance(exc, OneLineUsageError) else OneLineUsageError(exc) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug, or a fault nothing above foresaw: still one line
            raise click.ClickException(unexpected(exc)) from exc


def unexpected(exc: Exception) -> str:
    """One line for an exception nothing else turned into a MonitorError; the traceback
    goes to the log with -v. A damaged database is named as such, with what to do."""
    import sqlite3

    verbose = logging.getLogger().isEnabledFor(logging.DEBUG)
    if verbose:
        logging.getLogger("monitor").error("traceback", exc_info=exc)
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    if isinstance(exc, sqlite3.DatabaseError):
        return (
            f"the database cannot be read: {detail} (restore it from a backup, or move the"
            " state directory aside to start afresh; see README, Where data lives)"
        )
    hint = "" if verbose else "; run with -v for the traceback"
    return f"unexpected error: {type(exc).__name__}: {detail}{hint}"


class Context:
    """What the global options decided, handed to every command."""

    def __init__(self, config_path: Path, config_given: bool, state: Path) -> None:
        self.config_path = config_path
        self.config_given = config_given
        self.state = state

    def config(self, *, need_feeds: bool = False) -> Config:
        """The configuration, or the defaults (no feeds) when there is no feeds.yaml."""
        from monitor.config import from_feeds, load

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
    def store(self, *, read_only: bool = False) -> Iterator[Store]:
        """The store of the state dir. ``read_only``: a command that only shows what is
        stored; it never creates a state dir or database (a mistyped --state would
        otherwise print an empty table) but fails with one line saying how to make one."""
        from monitor.store import DB_FILENAME, Store

        if read_only and not (self.state / DB_FILENAME).is_file():
            raise StoreError(no_database(self.state))
        store = Store.open(self.state)
        try:
            yield store
        finally:
            store.close()


def no_database(state: Path) -> str:
    """What a command that only shows the state says when there is none yet."""
    return (
        f"no database in {state} yet — run `monitor --state {state} poll --once`,"
        f" `monitor --state {state} ingest FILE...` or `monitor demo --state {state}`"
    )


def emit_json(data: Any) -> None:
    """``data`` as indented JSON on stdout; C1 and bidi controls escaped (``json_escaped``)."""
    click.echo(json_escaped(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def console() -> Console:
    # Tables go to stdout; a pipe gets plain text without colour.
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def report(totals: Totals) -> None:
    # Each error was already logged as it happened; this is the closing summary.
    click.echo(totals.summary(), err=True)


# A row id or a count: SQLite's integers stop at 2**63 - 1; a larger one is a usage error.
ROW_ID = click.IntRange(min=0, max=2**63 - 1)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")

# What a listing of things that accumulate without end (stories, alerts) shows unless
# told otherwise: the newest screenful or two. A store followed for years holds tens of
# thousands of stories, and all of them with their items are tens of megabytes of JSON
# (bench/startup.py); --all asks for that.
DEFAULT_LIMIT = 50


def newest_options(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--limit N (default DEFAULT_LIMIT) and --all, for a listing of the newest ``what``."""
    limit = click.option(
        "--limit",
        type=ROW_ID,
        default=None,
        metavar="N",
        callback=_at_least_one,
        help=f"Show the N {what}.  [default: {DEFAULT_LIMIT}]",
    )
    every = click.option("--all", "show_all", is_flag=True, help="Show every one.")
    return lambda command: limit(every(command))


def _at_least_one(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter("must be 1 or more (--all shows every one)")
    return value


def listing_limit(limit: int | None, show_all: bool) -> int | None:
    """The limit a listing applies: None (no limit) for --all."""
    if show_all and limit is not None:
        raise click.UsageError("give --limit N or --all, not both")
    return None if show_all else (limit or DEFAULT_LIMIT)


def listed_total(
    rows: Sequence[Any], limit: int | None, as_json: bool, count: Callable[[], int]
) -> int:
    """How many there are in all: ``count()`` (a query) only when a table is to say that
    it shows ``limit`` of them; JSON says nothing beside the rows."""
    return count() if not as_json and len(rows) == limit else len(rows)


def print_listing(
    rows: list[dict[str, Any]], total: int, as_json: bool, table: str, which: str, what: str
) -> None:
    """``rows`` as JSON, or as ``monitor.ui.render``'s ``table`` with a line on stderr when
    it shows fewer than ``total`` ("the 50 newest of 1,234 alerts; ...")."""
    if as_json:
        emit_json(rows)
        return
    from monitor.ui import render

    console().print(getattr(render, table)(rows))
    more_left(len(rows), total, which, what)


def more_left(shown: int, total: int, which: str, what: str) -> None:
    """Say on stderr, under a table, that it shows ``shown`` of ``total``: "the 50 newest
    of 1,234 alerts; ..." """
    if total > shown:
        more = "--limit N or --all shows more"
        click.echo(f"the {shown} {which} of {total:,} {what}; {more}", err=True)


topic_option = click.option(
    "--topic", default=None, metavar="NAME", help="Only those of this topic (`monitor topics`)."
)


def known_topic(obj: Context, store: Store, topic: str) -> None:
    """Fail with one line, and a "did you mean", for a topic filter nothing can have: known
    are the topics in force and those stored items were kept for (a topic since removed
    from the configuration still names its items)."""
    import difflib

    from monitor.config import topics_in_force

    names = sorted(
        {rule.name for rule in topics_in_force(obj.config()).rules} | set(store.stored_topics())
    )
    if topic in names:
        return
    close = difflib.get_close_matches(topic, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(names)
    raise MonitorError(f"unknown topic {topic!r} ({hint})")


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
    filter_output()  # before the log handler binds to stderr
    # Bound to this invocation's stderr (matters when embedded or tested).
    level = logging.DEBUG if verbose else logging.WARNING
    log_to(logging.StreamHandler(sys.stderr), level, "%(levelname)s %(message)s")
    ctx.obj = Context(config_path or DEFAULT_CONFIG, config_path is not None, state)


def main() -> None:
    cli(prog_name="monitor")
