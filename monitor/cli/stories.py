"""Commands that show stories."""

from __future__ import annotations

from typing import Any

import click

from monitor.cli.app import Context, cli, console, emit_json, json_option, show
from monitor.errors import MonitorError
from monitor.text import clean
from monitor.ui import render


@cli.command()
@json_option
@click.option("--limit", type=int, default=None, help="Show only the N most recently updated.")
@click.pass_obj
def stories(obj: Context, as_json: bool, limit: int | None) -> None:
    """List stories, most recently updated first, with their items."""
    with obj.store() as store:
        rows = store.stories(limit=limit)
    show(rows, as_json, render.stories_table)


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


def _decision(row: dict[str, Any]) -> str:
    """One word for what the pipeline did with an item."""
    if row["status"] == "skipped":
        return "skipped"
    if row["duplicate_of"] is not None:
        return "reprint"
    if (row["match_reason"] or "").startswith("new story"):
        return "new story"
    return "joined story"


@cli.command()
@click.argument("item_id", metavar="ITEM", type=int)
@json_option
@click.pass_obj
def explain(obj: Context, item_id: int, as_json: bool) -> None:
    """Say why item ITEM matched a topic or not, and which story or reprint decision was made."""
    with obj.store() as store:
        row = store.item(item_id)
        if row is None:
            raise MonitorError(f"no item {item_id}")
        story = None
        if row["story_id"] is not None:
            story = next((s for s in store.stories() if s["id"] == row["story_id"]), None)
    result = {
        "id": row["id"],
        "title": row["title"],
        "source": row["source"],
        "lang": row["lang"],
        "published": row["published"],
        "decision": _decision(row),
        "topic": row["topic"],
        "topic_reason": row["topic_reason"],
        "story_id": row["story_id"],
        "story_title": story["title"] if story else None,
        "duplicate_of": row["duplicate_of"],
        "match_score": row["match_score"],
        "match_reason": row["match_reason"],
    }
    if as_json:
        emit_json(result)
        return
    lines = [
        f"item {result['id']}: {clean(result['title'])}",
        f"  {clean(result['source'])}, {result['lang'] or '?'},"
        f" {render.day(result['published'])} UTC",
        f"topic: {'kept as ' + str(result['topic']) if result['topic'] else 'skipped'}",
        f"  {clean(result['topic_reason'])}",
    ]
    if result["decision"] != "skipped":
        story_line = f"story {result['story_id']}: {clean(result['story_title'])}"
        lines += [
            f"decision: {result['decision']}",
            f"  {clean(result['match_reason'])}",
            story_line,
        ]
    click.echo("\n".join(lines))
