"""Commands about feeds."""

from __future__ import annotations

import click

from monitor import render
from monitor.cli.app import Context, cli, console, emit_json, json_option


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
