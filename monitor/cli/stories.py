"""Commands that show stories."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    ROW_ID,
    Context,
    cli,
    console,
    emit_json,
    json_option,
    known_topic,
    listed_total,
    listing_limit,
    newest_options,
    print_listing,
    topic_option,
)
from monitor.errors import MonitorError

if TYPE_CHECKING:
    from monitor.store import Store
    from monitor.types import DivergenceRules


@cli.command()
@json_option
@newest_options("most recently updated")
@topic_option
@click.pass_obj
def stories(
    obj: Context, as_json: bool, limit: int | None, show_all: bool, topic: str | None
) -> None:
    """List stories, most recently updated first: the 50 newest unless --limit N or --all
    (--json adds their items).

    Without --json, a line on stderr says when there are more.
    """
    limit = listing_limit(limit, show_all)
    with obj.store(read_only=True) as store:
        if topic is not None:
            known_topic(obj, store, topic)
        rows = store.stories(limit=limit, topic=topic)
        total = listed_total(rows, limit, as_json, lambda: store.story_count(topic))
    print_listing(rows, total, as_json, "stories_table", "most recently updated", "stories")


@cli.command()
@click.argument("story_id", type=ROW_ID)
@json_option
@click.pass_obj
def story(obj: Context, story_id: int, as_json: bool) -> None:
    """Show one story: its items with their links, which are reprints, and the figures
    it carries."""
    with obj.store(read_only=True) as store:
        folded = store.folded_into(story_id)
        if folded is not None:  # one event that started as two stories (issue 13)
            click.echo(f"story {story_id} was folded into story {folded}", err=True)
            story_id = folded
        found = store.story(story_id)
        if found is None:
            raise MonitorError(f"no story {story_id}")
        story_figures = store.figures(story_id=story_id)
    if as_json:
        emit_json({**found, "figures": story_figures})
    else:
        from monitor.ui import render

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
@click.argument("item_id", metavar="[ITEM]", type=ROW_ID, required=False)
@click.option("--figure", "figure_id", type=ROW_ID, metavar="N", help="Explain figure N instead.")
@click.option("--alert", "alert_id", type=ROW_ID, metavar="N", help="Explain alert N instead.")
@json_option
@click.pass_obj
def explain(
    obj: Context, item_id: int | None, figure_id: int | None, alert_id: int | None, as_json: bool
) -> None:
    """Say why, for an item, a figure or an alert.

    \b
    monitor explain ITEM        why the item matched a topic or not, its story
                                or reprint decision (each measure beside the
                                bar it had to reach), the items that names with
                                their links, its figures, and why it raised no
                                alert when it raised none
    monitor explain --figure N  how each part of figure N was read (value,
                                hedge, claim, modality, time basis, whose,
                                where, who is cited), the earlier figures it
                                was compared with, and why it alerted or not
    monitor explain --alert N   the earlier figures the alert's new figure was
                                compared with, and why each agreed or not

    "Earlier" is what was stored before the figure; the window is `divergence:
    window_days` of the configuration used now. Figure ids are in `monitor
    explain ITEM`, `monitor figures --json` and `monitor alert N`.
    """
    given = [
        name
        for name, v in (("ITEM", item_id), ("--figure", figure_id), ("--alert", alert_id))
        if v is not None
    ]
    if len(given) != 1:
        raise click.UsageError("give one of ITEM, --figure N or --alert N")
    rules = obj.config().divergence
    with obj.store(read_only=True) as store:
        if figure_id is not None:
            _explain_figure(store, figure_id, rules, as_json)
        elif alert_id is not None:
            _explain_alert(store, alert_id, rules, as_json)
        else:
            assert item_id is not None
            _explain_item(store, item_id, rules, as_json)


def explained_figure(
    store: Store, row: dict[str, Any], rules: DivergenceRules, alerts: list[dict[str, Any]]
) -> dict[str, Any]:
    """why.explain_figure for a stored figure row (with its item's ``duplicate_of``)."""
    from monitor.figures import why

    return why.explain_figure(
        row,
        store.earlier_figures(row["id"]),
        rules,
        reprint_of=row.get("duplicate_of"),
        alerts=alerts,
    )


def _explain_figure(store: Store, figure_id: int, rules: DivergenceRules, as_json: bool) -> None:
    from monitor.ui import render

    row = store.figure(figure_id)
    if row is None:
        raise MonitorError(f"no figure {figure_id}")
    result = explained_figure(store, row, rules, store.item_alerts(row["item_id"]))
    if as_json:
        emit_json(result)
    else:
        console().print(render.figure_explanation(result))


def _explain_alert(store: Store, alert_id: int, rules: DivergenceRules, as_json: bool) -> None:
    from monitor.figures import why
    from monitor.ui import render

    alert = store.alert(alert_id)
    if alert is None:
        raise MonitorError(f"no alert {alert_id}")
    row = store.figure(alert["new"]["id"])
    assert row is not None  # the schema's foreign key
    result = explained_figure(store, row, rules, [alert])
    named = {figure["id"] for figure in alert["previous"]}
    for comparison in result["comparisons"]:
        comparison["in_alert"] = comparison["figure_id"] in named
        if comparison["outcome"] == why.DIFFERS and not comparison["in_alert"]:
            # The alert names one figure per article and value (divergence.distinct_reports).
            comparison["why"] += "; the alert names the same article's same value once"
    if as_json:
        emit_json({**alert, "explained": result})
    else:
        console().print(render.alert_explanation(alert, result))


def _named_items(store: Store, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The item, then each item its story decision names ("same story as item 3",
    "closest: item 2", "reprint of item 3"), as the store's item dicts with their links."""
    named = [int(n) for n in re.findall(r"\bitem (\d+)", row["match_reason"] or "")]
    rows = [row] + [store.item(n) for n in dict.fromkeys(named) if n != row["id"]]
    keys = ("id", "source", "title", "url", "published", "story_id", "duplicate_of")
    return [{key: found[key] for key in keys} for found in rows if found is not None]


def _explain_item(store: Store, item_id: int, rules: DivergenceRules, as_json: bool) -> None:
    from monitor.figures import why
    from monitor.ui import render

    row = store.item(item_id)
    if row is None:
        raise MonitorError(f"no item {item_id}")
    story = None
    if row["story_id"] is not None:
        story = store.story(row["story_id"])
    alerts = store.item_alerts(item_id)
    explained = []
    for figure in row["figures"]:
        explained.append(
            explained_figure(store, {**figure, "duplicate_of": row["duplicate_of"]}, rules, alerts)
        )
    kept = row["status"] != "skipped"
    result = {
        "id": row["id"],
        "title": row["title"],
        "source": row["source"],
        "url": row["url"],
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
        "items": _named_items(store, row),
        "alerts": [alert["id"] for alert in alerts],
        "alert_summary": why.summary(explained, row["duplicate_of"]) if kept else None,
        "figures": explained,
    }
    if as_json:
        emit_json(result)
    else:
        console().print(render.item_explanation(result))
