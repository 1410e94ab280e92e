"""`monitor live`: the terminal view beside a running daemon."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.console import Console

from monitor.cli.app import Context, cli
from monitor.ui.live import REFRESH_SECONDS, print_once, run_live


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
    or over ssh. Ctrl-C quits.
    """
    with obj.store(read_only=True) as store:
        if once:
            print_once(store, Console(), datetime.now(UTC))
        else:
            run_live(store, refresh=refresh)
