"""Commands that show figures and read numbers from text."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

from monitor import figures, render
from monitor.cli.app import Context, cli, console, emit_json, json_option


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
