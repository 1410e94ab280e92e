"""`monitor live`: a terminal view of what the monitor knows, refreshed from the store.

It only reads the database, so it runs in a second terminal (or over ssh) beside the
daemon. `snapshot` reads; `view` turns a snapshot into rich renderables and does no
I/O, so a test can render it at any size. Every string from a feed goes through
`text.clean` (no escape codes, no markup) and is cut to one line, so a hostile title
cannot move the cursor or break the layout.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.layout import Layout
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from monitor.store import Store
from monitor.text import clean
from monitor.ui.render import ago, alert_headline

REFRESH_SECONDS = 2.0
WIDE = 140  # columns from which stories and feeds sit side by side
NEWEST_ALERTS = 20
NEWEST_STORIES = 30
STATUS_STYLE = {
    "ok": "green",
    "retrying": "yellow",
    "failing": "bold red",
    "new": "cyan",
    "gone": "dim",
    "disabled": "dim",
}


@dataclass(frozen=True)
class Snapshot:
    """What the view shows, read from the store at one moment."""

    now: datetime
    database: str
    alerts: Sequence[Mapping[str, Any]]
    stories: Sequence[Mapping[str, Any]]
    feeds: Sequence[Mapping[str, Any]]
    activity: Mapping[str, int]


def snapshot(store: Store, now: datetime) -> Snapshot:
    return Snapshot(
        now=now,
        database=str(store.path),
        alerts=store.alerts(limit=NEWEST_ALERTS),
        stories=store.stories(limit=NEWEST_STORIES),
        feeds=store.feeds(),
        activity=store.activity(now),
    )


def header(snap: Snapshot) -> Text:
    act = snap.activity
    failing = act.get("feeds_failing", 0)
    alerts = act.get("alerts_last_day", 0)
    text = Text.assemble(
        ("monitor live", "bold"),
        f" {snap.now:%H:%M} UTC │ items/h {act.get('items_last_hour', 0)} │ alerts 24h ",
        (str(alerts), "bold yellow" if alerts else ""),
        " │ feeds failing ",
        (f"{failing}/{act.get('feeds_enabled', 0)}", "bold red" if failing else ""),
        (" │ Ctrl-C quits", "dim"),
    )
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def one_line(value: str, style: str = "") -> Text:
    text = Text(clean(value), style=style)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def alerts_panel(snap: Snapshot) -> Panel:
    if not snap.alerts:
        body: RenderableType = Text("no alerts yet", style="dim")
    else:
        lines = []
        for alert in snap.alerts:
            when = (alert.get("created") or "")[5:16].replace("T", " ")
            line = Text.assemble((f"{when} ", "dim"))
            line.append_text(one_line(alert_headline(alert), "bold"))
            line.no_wrap = True
            line.overflow = "ellipsis"
            lines.append(line)
        body = Group(*lines)
    return Panel(body, title="Alerts (newest first)", title_align="left", border_style="yellow")


def stories_panel(snap: Snapshot) -> Panel:
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("src", justify="right", no_wrap=True)
    table.add_column("langs", no_wrap=True)
    table.add_column("updated", no_wrap=True, justify="right")
    for story in snap.stories:
        table.add_row(
            one_line(story["title"]),
            str(story["sources"]),
            clean(",".join(story.get("languages") or [])),
            ago(story.get("updated"), snap.now),
        )
    body: RenderableType = table if snap.stories else Text("no stories yet", style="dim")
    return Panel(body, title="Stories (latest update first)", title_align="left")


def feeds_panel(snap: Snapshot) -> Panel:
    order = {"failing": 0, "retrying": 1, "new": 2, "ok": 3, "gone": 4, "disabled": 5}
    feeds = sorted(snap.feeds, key=lambda f: (order.get(f["status"], 9), f.get("next_poll") or ""))
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column("feed", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("status", no_wrap=True)
    table.add_column("next poll", no_wrap=True, justify="right")
    table.add_column("last error", ratio=1, no_wrap=True, overflow="ellipsis")
    for feed in feeds:
        table.add_row(
            one_line(feed["name"]),
            Text(feed["status"], style=STATUS_STYLE.get(feed["status"], "")),
            ago(feed.get("next_poll"), snap.now),
            one_line(feed.get("last_error") or "", "red"),
        )
    body: RenderableType = table if feeds else Text("no feeds polled yet", style="dim")
    return Panel(body, title="Feeds", title_align="left")


def view(snap: Snapshot, width: int, height: int) -> Layout:
    """The whole screen for a terminal of this size."""
    layout = Layout()
    alert_rows = min(max(len(snap.alerts), 1), max(3, (height - 1) // 3)) + 2
    layout.split_column(
        Layout(header(snap), size=1),
        Layout(alerts_panel(snap), size=alert_rows),
        Layout(name="rest"),
    )
    if width >= WIDE:
        layout["rest"].split_row(
            Layout(stories_panel(snap), ratio=3), Layout(feeds_panel(snap), ratio=2)
        )
    else:
        layout["rest"].split_column(
            Layout(stories_panel(snap), ratio=3), Layout(feeds_panel(snap), ratio=2)
        )
    return layout


def run_live(
    store: Store,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    refresh: float = REFRESH_SECONDS,
    console: Console | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Redraw every ``refresh`` seconds until Ctrl-C (or ``stop()`` returns True)."""
    console = console or Console()

    def frame() -> Layout:
        return view(snapshot(store, clock()), console.width, console.height)

    with Live(frame(), console=console, screen=True, auto_refresh=False) as live:
        try:
            while not stop():
                time.sleep(refresh)
                live.update(frame(), refresh=True)
        except KeyboardInterrupt:
            pass


async def live_beside(store: Store, stop: asyncio.Event, refresh: float = REFRESH_SECONDS) -> None:
    """The view as a task beside the daemon in one process (`monitor run --live`)."""
    console = Console()

    def frame() -> Layout:
        return view(snapshot(store, datetime.now(UTC)), console.width, console.height)

    with Live(frame(), console=console, screen=True, auto_refresh=False) as live:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), refresh)
            live.update(frame(), refresh=True)


def print_once(store: Store, console: Console, now: datetime) -> None:
    """One frame, printed at the console's size (for scripts, screenshots and tests)."""
    console.print(view(snapshot(store, now), console.width, console.height), height=console.height)
