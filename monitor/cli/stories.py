"""Commands that show stories."""

from __future__ import annotations

import click

from monitor import render
from monitor.cli.app import Context, cli, console, emit_json, json_option
from monitor.errors import MonitorError


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
