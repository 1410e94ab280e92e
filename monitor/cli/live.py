"""`monitor live`: the terminal view beside a running daemon."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import click

from monitor.cli.app import Context, cli
from monitor.ui import REFRESH_SECONDS

PIPE_WIDTH = 100  # columns of the page printed when stdout is not a terminal, unless $COLUMNS


@cli.command()
@click.option(
    "--refresh",
    type=click.FloatRange(min=0.2),
    default=REFRESH_SECONDS,
    show_default=True,
    help="Seconds between redraws.",
)
@click.option("--once", is_flag=True, help="Print one frame at the terminal's size and exit.")
@click.pass_obj
def live(obj: Context, refresh: float, once: bool) -> None:
    """Watch feeds, the newest stories and alerts, and counters, live.

    Reads the state only, so it can run in a second terminal beside `monitor run`,
    or over ssh. q, Q, Esc or Ctrl-C quits. When stdout is not a terminal (a pipe,
    cron) it prints everything once, every alert in full, $COLUMNS or 100 wide, and exits.
    """
    from rich.console import Console

    from monitor.ui.live import print_document, print_once, run_live
    from monitor.ui.output import unfiltered

    with obj.store(read_only=True) as store:
        now = datetime.now(UTC)
        if not sys.stdout.isatty():
            # A reader gone before the end (a broken pipe): rich exits 1, quietly.
            print_document(store, Console(width=pipe_width()), now)
        elif once:
            print_once(store, Console(file=unfiltered(sys.stdout)), now)
        else:
            run_live(store, refresh=refresh, keys=sys.stdin)


def pipe_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else PIPE_WIDTH
