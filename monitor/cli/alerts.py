"""Commands about alerts."""

from __future__ import annotations

import click

from monitor import render
from monitor.cli.app import Context, cli, console, emit_json, json_option


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
