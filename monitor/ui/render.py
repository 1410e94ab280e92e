"""Tables for people: turns the store's public dicts into rich renderables.

Every string that came from a feed goes through `clean` and into a `Text`, never
into markup, so a title cannot inject terminal escape codes or rich markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from monitor.figures.divergence import value_of
from monitor.text import clean


def day(iso: str | None) -> str:
    """'2025-06-17T08:00:00+00:00' -> '2025-06-17 08:00' (UTC)."""
    return iso[:16].replace("T", " ") if iso else "-"


def stories_table(stories: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Stories", title_justify="left", expand=False)
    table.add_column("id", justify="right")
    table.add_column("title", ratio=1, overflow="fold")
    table.add_column("sources", justify="right")
    table.add_column("reprints", justify="right")
    table.add_column("langs")
    table.add_column("updated (UTC)", no_wrap=True)
    for story in stories:
        reprints = sum(1 for item in story["items"] if item.get("duplicate_of"))
        table.add_row(
            str(story["id"]),
            Text(clean(story["title"], 120)),
            str(story["sources"]),
            str(reprints),
            Text(",".join(story.get("languages") or []) or "-"),
            day(story.get("updated")),
        )
    return table


def story_detail(story: Mapping[str, Any], figures: Sequence[Mapping[str, Any]]) -> Group:
    items = Table(title=f"Story {story['id']}: {clean(story['title'], 100)}", title_justify="left")
    items.add_column("item", justify="right")
    items.add_column("source")
    items.add_column("title", ratio=1, overflow="fold")
    items.add_column("reprint of", justify="right")
    items.add_column("published (UTC)", no_wrap=True)
    for item in story["items"]:
        items.add_row(
            str(item["id"]),
            Text(clean(item["source"], 30)),
            Text(clean(item["title"], 100)),
            str(item["duplicate_of"] or ""),
            day(item.get("published")),
        )
    return Group(items, figures_table(figures))


def figures_table(figures: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Figures", title_justify="left")
    table.add_column("item", justify="right")
    table.add_column("source")
    table.add_column("claim")
    table.add_column("value")
    table.add_column("quote, and who is cited", overflow="fold")
    for row in figures:
        claim = row["claim"] + (f" ({row['modifier']})" if row.get("modifier") else "")
        quote = Text(f"“{clean(row['text'], 120)}”")
        if row.get("attribution"):
            quote.append(f"\naccording to {clean(row['attribution'], 60)}", style="dim")
        table.add_row(
            str(row["item_id"]),
            Text(clean(row["source"], 40)),
            Text(claim),
            Text(value_of(row)),
            quote,
        )
    return table


def alert_headline(alert: Mapping[str, Any]) -> str:
    """'troops: about 14,000 (Rheinblick) vs 10,000–12,000 (North Wire)'."""
    new = alert["new"]
    earlier = "; ".join(
        f"{value_of(prev)} ({clean(prev['source'], 40)})" for prev in alert["previous"]
    )
    return f"{alert['claim']}: {value_of(new)} ({clean(new['source'], 40)}) vs {earlier}"


def alerts_table(alerts: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Alerts", title_justify="left")
    table.add_column("id", justify="right")
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("divergence", ratio=1, overflow="fold")
    for alert in alerts:
        lines = Text(clean(alert_headline(alert)), style="bold")
        for label, row in [("new", alert["new"])] + [("was", p) for p in alert["previous"]]:
            by = f", according to {clean(row['attribution'], 60)}" if row.get("attribution") else ""
            lines.append(
                f"\n  {label}: “{clean(row['text'], 140)}” — {clean(row['source'], 40)}{by}"
            )
        table.add_row(str(alert["id"]), day(alert.get("created")), lines)
    return table


def feeds_table(feeds: Sequence[Mapping[str, Any]], now: datetime | None = None) -> Table:
    """One row per feed; its last error (or where it moved) on a second, dimmer line."""
    now = now or datetime.now(UTC)
    table = Table(title="Feeds", title_justify="left")
    table.add_column("feed", ratio=1, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("fails", justify="right")
    table.add_column("items", justify="right")
    table.add_column("last success", no_wrap=True, justify="right")
    table.add_column("next poll", no_wrap=True, justify="right")
    for feed in feeds:
        name = Text(clean(feed["name"], 60))
        note = _feed_note(feed)
        if note:
            name.append(f"\n{clean(note, 200)}", style="red" if feed.get("last_error") else "dim")
        table.add_row(
            name,
            Text(str(feed["status"])),
            str(feed.get("failures", 0)),
            str(feed.get("items_seen", 0)),
            ago(feed.get("last_success"), now),
            ago(feed.get("next_poll"), now),
        )
    return table


def ago(iso: str | None, now: datetime) -> str:
    """'2025-06-17T08:00:00+00:00' -> '5m ago' / 'in 4m' / '3d ago'."""
    if not iso:
        return "-"
    seconds = (now - datetime.fromisoformat(iso)).total_seconds()
    span = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if span >= size:
            amount = f"{int(span // size)}{unit}"
            break
    else:
        amount = f"{int(span)}s"
    return f"{amount} ago" if seconds >= 0 else f"in {amount}"


def _feed_note(feed: Mapping[str, Any]) -> str:
    """The last error, and where a moved feed is fetched from now (issue 3)."""
    notes = [feed.get("last_error") or ""]
    fetch_url = feed.get("fetch_url")
    if fetch_url and fetch_url != feed.get("url"):
        notes.append(f"moved to {fetch_url}")
    return "; ".join(note for note in notes if note)
