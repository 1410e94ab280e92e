"""Commands that show figures, the history of each claim, and read numbers from text."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from monitor import figures  # its parts load as they are used (figures/__init__.py)
from monitor.cli.app import (
    Context,
    cli,
    console,
    emit_json,
    json_option,
    known_topic,
    listed_total,
    listing_limit,
    more_left,
    newest_options,
    print_listing,
    topic_option,
)
from monitor.errors import MonitorError
from monitor.text import json_escaped

if TYPE_CHECKING:
    from rich.table import Table

MAX_TEXT_CHARS = 10_000_000  # one text for `extract`: a long report is ~100,000
# The keys of one timeline entry in `monitor claims --json` (a public shape).
_TIMELINE_KEYS = (
    "published",
    "source",
    "value",
    "low",
    "high",
    "hedge",
    "modifier",
    "scope",
    "place",
    "attribution",
    "text",
    "url",
    "item_id",
    "figure_id",
    "alert_id",
    # issue 12: what kind of statement, over what time; when a correction replaced it
    "modality",
    "basis",
    "period",
    "role",
    "superseded",
)


@cli.command("figures")
@json_option
@click.option("--claim", default=None, help="Only figures of this claim kind (e.g. troops).")
@topic_option
@newest_options("newest")
@click.pass_obj
def figures_command(
    obj: Context,
    as_json: bool,
    claim: str | None,
    topic: str | None,
    limit: int | None,
    show_all: bool,
) -> None:
    """List the figures read from on-topic articles, oldest first: the 50 newest unless
    --limit N or --all.

    Without --json, a line on stderr says when there are more.
    """
    limit = listing_limit(limit, show_all)
    if claim is not None:
        known_claim(obj, claim)
    with obj.store(read_only=True) as store:
        if topic is not None:
            known_topic(obj, store, topic)
        rows = store.figures(claim=claim, topic=topic, newest=limit)
        total = listed_total(rows, limit, as_json, lambda: store.figure_count(claim, topic))
    print_listing(rows, total, as_json, "figures_table", "newest", "figures")


@cli.command("claims")
@json_option
@click.option("--claim", default=None, help="Only this claim kind (e.g. troops) or claim key.")
@topic_option
@newest_options("newest reports of each claim")
@click.pass_obj
def claims_command(
    obj: Context,
    as_json: bool,
    claim: str | None,
    topic: str | None,
    limit: int | None,
    show_all: bool,
) -> None:
    """Per claim, the timeline of reported values with their sources, oldest first: the
    50 newest reports of each claim unless --limit N or --all.

    Reprints are left out (their originals speak for them); an article repeating one
    value in its headline and body counts once. A value that raised an alert is marked.
    The counts (reports, alerts, first, last) are over every report.
    """
    limit = listing_limit(limit, show_all)
    if claim is not None:
        known_claim(obj, claim)
    with obj.store(read_only=True) as store:
        if topic is not None:
            known_topic(obj, store, topic)
        rows = store.claim_history(claim=claim, topic=topic, newest=limit)
    history = claim_timelines(rows)
    if as_json:
        emit_json(history)
        return
    console().print(claims_table(history))
    for entry in history:
        more_left(
            len(entry["timeline"]), entry["reports"], "newest", f"{entry['claim_key']} reports"
        )


def known_claim(obj: Context, claim: str) -> None:
    """Fail with one line, and a "did you mean", for a claim filter no figure can have.

    Known: the shipped lexicon's kinds and the kinds under `claims:` in the
    configuration (read only when the shipped ones do not match); a claim key such as
    "troops/deployment" is known by its kind.
    """
    kind = claim.split("/", 1)[0]
    if kind in figures.CLAIM_LABELS:
        return
    names = sorted({*figures.CLAIM_LABELS, *(terms.kind for terms in obj.config().claims)})
    if kind in names:
        return
    close = difflib.get_close_matches(claim, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(names)
    raise MonitorError(f"unknown claim {claim!r} ({hint})")


def claim_timelines(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Group the store's claim reports (``Store.claim_history``: ordered by claim key,
    then time, each with its claim key's counts) into timelines."""
    from monitor.figures.divergence import value_of

    history: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row["claim_key"]
        entry = history.setdefault(
            key,
            {
                "claim_key": key,
                "claim": row["claim"],
                "label": figures.CLAIM_LABELS.get(row["claim"], row["claim"]),
                "modifier": row["modifier"],
                "reports": row["reports"],
                "alerts": row["alerts"],
                "first": row["first"],
                "last": row["last"],
                "timeline": [],
            },
        )
        point = {**row, "figure_id": row["id"], "value": value_of(row)}
        entry["timeline"].append({name: point.get(name) for name in _TIMELINE_KEYS})
    return list(history.values())


def claims_table(history: Sequence[Mapping[str, Any]]) -> Table:
    """One section per claim key, one row per report: when, the value (never cut: see
    ``render.value_text``), who reported it and whom they cite, whose and where."""
    from rich.table import Table
    from rich.text import Text

    from monitor.text import clean
    from monitor.ui import render

    # Full width, two fifths of the text for the claim: its label on one line when there
    # is room; at 80 columns room for "(deployment)" and for a source's long words.
    table = Table(title="Claims", title_justify="left", expand=True)
    table.add_column("claim", ratio=2, overflow="fold")
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("value", no_wrap=True)
    table.add_column("source, who is cited; whose, where", ratio=3, overflow="fold")
    for entry in history:
        label = entry["label"] + (f" ({entry['modifier']})" if entry["modifier"] else "")
        for index, point in enumerate(entry["timeline"]):
            source = Text(clean(point["source"], 40))
            if point["attribution"]:
                source.append(f", according to {clean(point['attribution'], 60)}", style="dim")
            scope = ", ".join(p.replace("_", " ") for p in (point["scope"], point["place"]) if p)
            if scope:
                source.append(f"\n{scope}", style="italic")
            table.add_row(
                Text(label if index == 0 else ""),
                render.day(point["published"]),
                render.value_text(point["value"], point, point["alert_id"]),
                source,
                end_section=index == len(entry["timeline"]) - 1,
            )
    return table


def figure_json(fig: figures.Figure) -> dict[str, Any]:
    return {**asdict(fig), "claim_key": fig.claim_key}


@cli.command()
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--lang", type=click.Choice(["de", "en", "ru", "ko"]), help="Language of the text.")
@click.option("--all", "all_numbers", is_flag=True, help="Every number read, claim or not.")
@click.option("--jsonl", is_flag=True, help="One text per input line; one JSON array per line.")
@click.pass_obj
def extract(obj: Context, file: Any, lang: str | None, all_numbers: bool, jsonl: bool) -> None:
    """Print the figures of one text (FILE or - for stdin) as JSON; touches no state.

    Words added under `claims:` in the configuration are used when the file exists.
    """
    claims = obj.config().claims
    if jsonl:
        while line := _bounded(file.readline(MAX_TEXT_CHARS + 1), file):
            found = figures.extract(line.rstrip("\n"), lang, all_numbers=all_numbers, claims=claims)
            line_json = json.dumps([figure_json(f) for f in found], ensure_ascii=False)
            click.echo(json_escaped(line_json))
        return
    text = _bounded(file.read(MAX_TEXT_CHARS + 1), file)
    found = figures.extract(text, lang, all_numbers=all_numbers, claims=claims)
    emit_json([figure_json(f) for f in found])


def _bounded(text: str, file: Any) -> str:
    if len(text) > MAX_TEXT_CHARS:
        name = getattr(file, "name", "the input")
        raise MonitorError(f"{name}: a text longer than {MAX_TEXT_CHARS:,} characters")
    return text
