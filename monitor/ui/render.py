"""Tables for people: turns the store's public dicts into rich renderables.

Every string that came from a feed goes through `clean` and into a `Text`, never
into markup, so a title cannot inject terminal escape codes or rich markup; a link
also loses its tracking parameters (`link`).

Read at 80 columns: ids, dates, counts and figures sit in columns that never wrap
(`no_wrap`; a value that has words is broken into lines by `value_text`, never
inside a number), and only text columns (titles, quotes, reasons) shrink, wrapping
between words. Long notes (a feed's last error, a delivery's) go under the table,
where they have the whole width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from monitor.figures.divergence import value_of
from monitor.text import clean, counted, without_tracking
from monitor.types import ASSERTED


def day(iso: str | None) -> str:
    """'2025-06-17T08:00:00+00:00' -> '2025-06-17 08:00' (UTC)."""
    return iso[:16].replace("T", " ") if iso else "-"


def link(url: str | None) -> str:
    """An item's link safe to print: escapes and control characters dropped, tracking
    parameters removed; "" for none."""
    return clean(without_tracking(url), 300) if url else ""


def value_text(
    value: str, row: Mapping[str, Any] | None = None, alert_id: int | None = None
) -> Text:
    """A figure's value for a no-wrap column, one part a line so that no number is ever
    cut ("several thousand" / "(2,000–9,999)"), then what is not plain about its figure
    ``row``: not asserted, superseded by a correction, the alert it raised."""
    row = row or {}
    text = Text(value.replace(" (", "\n("))
    if row.get("superseded"):
        text.stylize("strike")
        text.append("\nsuperseded", style="dim")
    if row.get("modality") not in (None, ASSERTED):  # stored, shown, never compared
        text.append(f"\n({row['modality']})", style="dim")
    if alert_id is not None:
        text.append(f"\nalert {alert_id}", style="bold red")
    return text


def stories_table(stories: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Stories", title_justify="left", expand=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("title", ratio=1, overflow="fold")
    table.add_column("sources", justify="right", no_wrap=True)
    table.add_column("reprints", justify="right", no_wrap=True)
    table.add_column("langs", no_wrap=True)
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


def items_table(title: str, items: Sequence[Mapping[str, Any]]) -> Table:
    """Items (the store's item dicts: id, source, title, url, published, duplicate_of),
    each with its link under its title."""
    table = Table(title=title, title_justify="left")
    table.add_column("item", justify="right", no_wrap=True)
    table.add_column("published (UTC)", no_wrap=True)
    table.add_column("source", max_width=16, overflow="fold")
    table.add_column("title, link", ratio=1, overflow="fold")
    for item in items:
        source = Text(clean(item["source"], 40))
        if item.get("duplicate_of"):
            source.append(f"\nreprint of {item['duplicate_of']}", style="dim")
        text = Text(clean(item["title"], 200))
        if item.get("url"):
            text.append(f"\n{link(item['url'])}", style="dim")
        table.add_row(str(item["id"]), day(item.get("published")), source, text)
    return table


def story_detail(story: Mapping[str, Any], figures: Sequence[Mapping[str, Any]]) -> Group:
    title = f"Story {story['id']}: {clean(story['title'], 100)}"
    return Group(items_table(title, story["items"]), figures_table(figures))


def figures_table(figures: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Figures", title_justify="left")
    table.add_column("item", justify="right", no_wrap=True)
    table.add_column("source", max_width=16, overflow="fold")
    table.add_column("claim, value", no_wrap=True)
    table.add_column("quote, and who is cited", ratio=1, overflow="fold")
    for row in figures:
        claim = Text(row["claim"] + (f"\n({row['modifier']})" if row.get("modifier") else ""))
        claim.append("\n").append(value_text(value_of(row), row))
        quote = Text(f"“{clean(row['text'], 120)}”")
        if row.get("attribution"):
            quote.append(f"\naccording to {clean(row['attribution'], 60)}", style="dim")
        table.add_row(str(row["item_id"]), Text(clean(row["source"], 40)), claim, quote)
    return table


def alert_headline(alert: Mapping[str, Any]) -> str:
    """'troops: about 14,000 (Rheinblick) vs 10,000–12,000 (North Wire)'; an update or a
    correction says what it is in its reason ('troops: rose from 11,000 (5 Nov, ...) to
    ...'); a withdrawn alert is marked so."""
    new = alert["new"]
    earlier = "; ".join(
        f"{value_of(prev)} ({clean(prev['source'], 40)})" for prev in alert["previous"]
    )
    unnamed = int(alert.get("previous_count") or 0) - len(alert["previous"])
    if unnamed > 0:  # the store names the newest few earlier figures, and counts them all
        earlier += f"; {unnamed} more"
    kind = alert.get("kind") or "contradiction"
    if kind == "contradiction":
        text = f"{alert['claim']}: {value_of(new)} ({clean(new['source'], 40)}) vs {earlier}"
    else:
        label = "correction: " if kind == "correction" else ""
        text = f"{alert['claim']}: {label}{clean(alert.get('reason'), 300)}"
    return f"withdrawn: {text}" if alert.get("status") == "withdrawn" else text


def alerts_table(alerts: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Alerts", title_justify="left")
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("divergence", ratio=1, overflow="fold")
    table.add_column("delivery", max_width=16, overflow="fold")
    for alert in alerts:
        lines = Text(clean(alert_headline(alert)), style="bold")
        for label, row in [("new", alert["new"])] + [("was", p) for p in alert["previous"]]:
            by = f", according to {clean(row['attribution'], 60)}" if row.get("attribution") else ""
            lines.append(
                f"\n  {label}: “{clean(row['text'], 140)}” — {clean(row['source'], 40)}{by}"
            )
        deliveries = "\n".join(_delivery(row) for row in alert.get("deliveries") or ())
        table.add_row(
            str(alert["id"]), day(alert.get("created")), lines, Text(deliveries or "none")
        )
    return table


def _delivery(row: Mapping[str, Any]) -> str:
    """'email: delivered', 'slack: pending, 3 tries' (the last error is in `alert N`)."""
    text = f"{clean(row['channel'], 30)}: {row['status']}"
    tries = row.get("attempts") or 0
    if tries and row["status"] in ("pending", "failed"):
        text += f", {tries} {'try' if tries == 1 else 'tries'}"
    return text


def feeds_table(feeds: Sequence[Mapping[str, Any]], now: datetime | None = None) -> Group:
    """One row per feed; under the table, per feed, its last error (or where it moved),
    its warning and conditional-request notes (issue 14), each on a line of its own. A
    disabled feed is not polled: its next poll is "-"."""
    now = now or datetime.now(UTC)
    table = Table(title="Feeds", title_justify="left")
    table.add_column("feed", ratio=1, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("fails", justify="right", no_wrap=True)
    table.add_column("items", justify="right", no_wrap=True)
    table.add_column("last success", no_wrap=True, justify="right")
    table.add_column("next poll", no_wrap=True, justify="right")
    notes: list[Text] = []
    for feed in feeds:
        name = clean(feed["name"], 60)
        error = _feed_note(feed)
        if error:
            style = "red" if feed.get("last_error") else "dim"
            notes.append(Text(f"{name}: {clean(error, 300)}", style=style))
        if feed.get("warning"):
            notes.append(Text(f"{name}: warning: {clean(feed['warning'], 300)}", style="yellow"))
        conditional = _conditional_note(feed, now)
        if conditional:
            notes.append(Text(f"{name}: {clean(conditional, 200)}", style="dim"))
        status = Text(str(feed["status"]))
        if feed.get("warning"):
            status.append(" (warning)", style="yellow")
        table.add_row(
            Text(name),
            status,
            str(feed.get("failures", 0)),
            str(feed.get("items_seen", 0)),
            ago(feed.get("last_success"), now),
            ago(feed.get("next_poll"), now) if feed.get("enabled", True) else "-",
        )
    return Group(table, *notes)


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


def _conditional_note(feed: Mapping[str, Any], now: datetime) -> str:
    """A Last-Modified not sent back, a run of 304s of a day or more, the last GET sent
    without validators and what it found (issue 14)."""
    notes = []
    dropped = feed.get("last_modified_dropped")
    if dropped and dropped not in (feed.get("warning") or ""):
        notes.append(f"Last-Modified {dropped} not sent back")
    run, since = feed.get("not_modified_run") or 0, feed.get("last_full_fetch")
    if run and (since is None or (now - datetime.fromisoformat(since)).days >= 1):
        notes.append(f"304 × {run} since {'an unknown time' if since is None else ago(since, now)}")
    checked = feed.get("last_unconditional")
    if checked:
        found = counted(feed.get("unconditional_new") or 0, "new item")
        notes.append(f"last GET without validators {ago(checked, now)}: {found}")
    return "; ".join(notes)


# --- issue 12: `monitor explain` and `monitor alert` ------------------------------------


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def _quote(row: Mapping[str, Any], width: int = 160) -> Text:
    return Text(f"“{clean(row['text'], width)}”")


def figure_line(row: Mapping[str, Any]) -> Text:
    """'figure 11 in item 6, Rheinblick, 2025-06-18 05:45 UTC' — feed strings cleaned."""
    item = row["item_id"]
    return Text(
        f"figure {row.get('figure_id', row.get('id'))} in item {item},"
        f" {clean(row['source'], 40)}, {day(row['published'])} UTC"
    )


def reading_table(reading: Sequence[Mapping[str, str]]) -> Table:
    """How each part of a figure was read: aspect, what was read, what it means."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(max_width=28, overflow="fold")
    table.add_column(ratio=1, overflow="fold")
    for row in reading:
        table.add_row(
            Text(f"  {row['aspect']}"), Text(clean(row["read"], 80)), Text(row["meaning"])
        )
    return table


def comparisons_table(explained: Mapping[str, Any]) -> Table:
    """The earlier figures one figure was (or was not) compared with, and why."""
    window = explained["window"]
    table = Table(
        title=f"Compared with: {window['days']}-day window, items published since"
        f" {day(window['since'])} UTC, stored before it",
        title_justify="left",
    )
    table.add_column("fig", justify="right", no_wrap=True)
    table.add_column("source, published", min_width=16, max_width=20, overflow="fold")
    table.add_column("value, widened", no_wrap=True)
    table.add_column("outcome", ratio=1, overflow="fold")
    styles = {"agrees": "green", "differs": "bold red"}
    for row in explained["comparisons"]:
        widened = row["interval"]
        top = "∞" if widened[1] is None else f"{widened[1]:,.0f}"
        outcome = Text(row["outcome"], style=styles.get(row["outcome"], "dim"))
        outcome.append(f": {row['why']}")
        if row.get("in_alert"):
            outcome.append("; named in the alert", style="bold")
        table.add_row(
            str(row["figure_id"]),
            Text(f"{clean(row['source'], 30)}\n{day(row['published'])}"),
            Text(f"{row['value']}\n[{widened[0]:,.0f}, {top}]".replace(" (", "\n(")),
            outcome,
        )
    return table


def outcome_text(explained: Mapping[str, Any]) -> Text:
    outcome = explained["outcome"]
    label = "alert" if outcome["alert"] else "no alert"
    text = Text(f"{label}: ", style="bold red" if outcome["alert"] else "bold")
    text.append(f"{clean(outcome['why'], 400)} [{outcome['reason']}]")
    return text


def figure_explanation(explained: Mapping[str, Any]) -> Group:
    """`monitor explain --figure N`: the figure, how it was read, what it was compared
    with, and its outcome."""
    parts: list[Any] = [
        _heading(str(figure_line(explained))),
        Text("  ").append(_quote(explained)),
        _heading("How it was read"),
        reading_table(explained["reading"]),
        Text(f"Widened by its hedge: {explained['interval_words']}"),
    ]
    if explained["comparisons"]:
        parts.append(comparisons_table(explained))
    else:
        first = explained["outcome"]["reason"] == "first_report"
        parts.append(Text(f"Compared with: {'no earlier figure' if first else 'nothing'}"))
    parts.append(outcome_text(explained))
    return Group(*parts)


def item_explanation(explained: Mapping[str, Any]) -> Group:
    """`monitor explain ITEM`: the item, its topic and story decisions with their reasons
    (each line wrapped between words, indented), the items its decision names with their
    links, and its figures."""

    def line(text: str, indent: int = 0) -> Padding:
        return Padding(Text(text), (0, 0, 0, indent), expand=False)

    parts: list[Any] = [
        _heading(f"item {explained['id']}: {clean(explained['title'], 300)}"),
        line(
            f"{clean(explained['source'], 60)}, {explained['lang'] or '?'},"
            f" {day(explained['published'])} UTC",
            2,
        ),
        line(
            f"topic: {'kept as ' + clean(explained['topic']) if explained['topic'] else 'skipped'}"
        ),
        line(clean(explained["topic_reason"], 400), 2),
    ]
    if explained["decision"] != "skipped":
        parts += [
            line(f"decision: {explained['decision']}"),
            line(clean(explained["match_reason"], 600), 2),
            line(f"story {explained['story_id']}: {clean(explained['story_title'], 300)}"),
            line(f"alerts: {clean(explained['alert_summary'], 600)}"),
        ]
    parts.append(items_table("Items (this one, then those its decision names)", explained["items"]))
    if explained["figures"]:
        parts.append(item_figures_table(explained["figures"]))
    return Group(*parts)


def item_figures_table(explained: Sequence[Mapping[str, Any]]) -> Table:
    """`monitor explain ITEM`: each figure of the item, how it was read, its outcome."""
    table = Table(title="Figures (monitor explain --figure N for each)", title_justify="left")
    table.add_column("fig", justify="right", no_wrap=True)
    table.add_column("claim, value", no_wrap=True)
    table.add_column("read as", no_wrap=True)
    table.add_column("outcome", ratio=1, overflow="fold")
    for row in explained:
        read = {entry["aspect"]: entry["read"] for entry in row["reading"]}
        read_as = "\n".join(r for r in (read["modality"], read["time basis"]) if r != "-")
        outcome = row["outcome"]
        text = Text(
            outcome["reason"].replace("_", " "), style="bold red" if outcome["alert"] else ""
        )
        text.append(f"\n{clean(outcome['why'], 300)}", style="dim")
        table.add_row(
            str(row["figure_id"]),
            Text(f"{row['claim_key'] or '-'}\n").append(value_text(row["value"])),
            Text(read_as.replace(" (", "\n(")),  # "per_period" / "(per week)"
            text,
        )
    return table


def _figure_block(label: str, row: Mapping[str, Any]) -> Text:
    text = Text(f"{label} ", style="bold")
    text.append(f"{value_of(row)} — ")
    text.append(figure_line(row))
    text.append("\n  ").append(_quote(row))
    if row.get("attribution"):
        text.append(f"\n  according to {clean(row['attribution'], 100)}", style="dim")
    if row.get("url"):
        text.append(f"\n  {link(row['url'])}", style="dim")
    return text


def alert_detail(alert: Mapping[str, Any]) -> Group:
    """`monitor alert N`: the alert whole: what, the new figure, the earlier ones, and
    its deliveries."""
    kind = alert.get("kind") or "contradiction"
    head = Text(
        f"alert {alert['id']}: {kind}, {alert.get('status') or 'active'},"
        f" claim {alert['claim_key']}, {day(alert.get('created'))} UTC",
        style="bold",
    )
    parts: list[Any] = [head, Text(f"  {clean(alert['reason'], 400)}")]
    if alert.get("withdrawn"):
        why = clean(alert.get("withdrawn_reason") or "no reason given", 200)
        parts.append(Text(f"  withdrawn {day(alert['withdrawn'])} UTC: {why}", style="yellow"))
    parts.append(_figure_block("new", alert["new"]))
    parts += [_figure_block("was", row) for row in alert["previous"]]
    deliveries = Table(title="Deliveries", title_justify="left")
    deliveries.add_column("id", justify="right", no_wrap=True)
    deliveries.add_column("channel", max_width=16, overflow="fold")
    deliveries.add_column("status", no_wrap=True)
    deliveries.add_column("tries", justify="right", no_wrap=True)
    deliveries.add_column("last error", ratio=1, overflow="fold")
    for row in alert["deliveries"]:
        deliveries.add_row(
            str(row["id"]),
            Text(clean(row["channel"], 30)),
            Text(row["status"]),
            str(row["attempts"]),
            Text(clean(row.get("last_error") or "", 200)),
        )
    parts.append(deliveries if alert["deliveries"] else Text("Deliveries: none (no channel)"))
    return Group(*parts)


def alert_explanation(alert: Mapping[str, Any], explained: Mapping[str, Any]) -> Group:
    """`monitor explain --alert N`: the alert, and each earlier figure its new figure was
    compared with, agreeing or not."""
    kind = alert.get("kind") or "contradiction"
    in_alert = ", ".join(str(row["id"]) for row in alert["previous"]) or "none"
    return Group(
        Text(
            f"alert {alert['id']}: {kind}, {alert.get('status') or 'active'},"
            f" claim {alert['claim_key']}, {day(alert.get('created'))} UTC",
            style="bold",
        ),
        Text(f"  {clean(alert['reason'], 400)}"),
        _figure_block("new", alert["new"]),
        Text(f"Widened by its hedge: {explained['interval_words']}"),
        comparisons_table(explained),
        Text(f"The alert names as contradicted: figure {in_alert}"),
    )
