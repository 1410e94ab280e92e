"""`monitor doctor`: what is wrong with this installation, and how to fix it."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from monitor.cli.app import Context, cli, console, emit_json, json_option

STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


@cli.command()
@json_option
@click.pass_obj
def doctor(obj: Context, as_json: bool) -> None:
    """Check the config, the state directory, the database and each alert channel.

    Connects to each channel but sends nothing. Exits 1 when a check fails.
    """
    from monitor.service.doctor import FAIL, run_checks

    checks = run_checks(obj.config_path, obj.state, obj.config_given)
    if as_json:
        emit_json([asdict(check) for check in checks])
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title="monitor doctor", title_justify="left")
        table.add_column("check")
        table.add_column("status")
        table.add_column("what was found", ratio=2, overflow="fold")
        table.add_column("how to fix it", ratio=1, overflow="fold")
        for check in checks:
            table.add_row(
                check.name,
                Text(check.status, style=STYLE[check.status]),
                Text(check.detail),
                Text(check.fix),
            )
        console().print(table)
    if any(check.status == FAIL for check in checks):
        sys.exit(1)
