"""`monitor live`: a terminal view of what the monitor knows, refreshed from the store.

It only reads the database, so it runs in a second terminal (or over ssh) beside the
daemon. `snapshot` reads; `view` (a frame for a terminal of a given size) and
`document` (everything, at its natural height, for a pipe) turn a snapshot into rich
renderables and do no I/O, so a test can render them at any size. Every string from a
feed goes through `safe` (`text.clean`, and no bidi controls) and into a `Text`, so a
hostile title or quote cannot move the cursor, reorder the line or break the layout.

Alerts get the room they need up to half the screen: the newest in full (the new
figure with its source and quote, each earlier figure it contradicts with its own),
the older ones on one line each, which keeps the id and every number and shortens
names first. `quit_keys` reads q, Q and Esc from a terminal in cbreak mode between
redraws and restores the terminal however the view ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import select
import sys
import termios
import time
import tty
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.layout import Layout
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from monitor.figures.divergence import value_of
from monitor.store import Store
from monitor.text import clean
from monitor.types import CONTRADICTION, WITHDRAWN
from monitor.ui import REFRESH_SECONDS
from monitor.ui.output import unfiltered
from monitor.ui.render import ago

WIDE = 140  # columns from which stories and feeds sit side by side
NEWEST_ALERTS = 20
NEWEST_STORIES = 30
QUOTE_LINES = 3  # a quote longer than this many lines is cut (its value is on the line above)
EARLIER_SHOWN = 3  # earlier figures an alert shows in full; `monitor alert N` has them all
# A lone Esc quits; one followed within this time by more bytes was the start of a key's
# escape sequence (an arrow sends ESC [ A), which does not.
ESC_WAIT = 0.1
ESC = 0x1B
QUIT_KEYS = b"qQ"
STATUS_STYLE = {
    "ok": "green",
    "retrying": "yellow",
    "failing": "bold red",
    "new": "cyan",
    "gone": "dim",
    "disabled": "dim",
}
_NUMBER = re.compile(r"[\d.,–-]*\d[\d.,–/-]*")
# Wraps quotes; rich needs a console for that, not one that writes anywhere.
_WRAPPER = Console(file=io.StringIO(), width=200)


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


def safe(value: object, width: int | None = None) -> str:
    """Feed text fit for the terminal: `text.clean` (no escape sequences, controls or bidi
    controls; one line, maybe shortened)."""
    return clean(value, width)


def header(snap: Snapshot, hint: str, width: int) -> Text:
    act = snap.activity
    failing = act.get("feeds_failing", 0)
    alerts = act.get("alerts_last_day", 0)
    text = Text.assemble(
        ("monitor live", "bold"),
        f" {snap.now:%H:%M} UTC │ items/h {act.get('items_last_hour', 0)} │ alerts 24h ",
        (str(alerts), "bold yellow" if alerts else ""),
        " │ feeds failing ",
        (f"{failing}/{act.get('feeds_enabled', 0)}", "bold red" if failing else ""),
        (f" │ {hint}" if hint else "", "dim"),
    )
    return fit(text, width)


def fit(line: Text, width: int) -> Text:
    """``line`` as it is when it fits in ``width`` cells, else cut with an ellipsis, but
    never inside a number: "10,000–12,0…" would be a wrong figure, "10,000–12,000" or
    nothing is not."""
    if line.cell_len <= width:
        return line
    head = line.copy()
    head.truncate(max(width - 1, 0))
    end = len(head.plain)
    for number in _NUMBER.finditer(line.plain):
        if number.start() < end < number.end():
            end = number.start()
    cut = line[:end]
    cut.rstrip()
    cut.append("…")
    return cut


def one_line(value: str, style: str = "") -> Text:
    text = Text(safe(value), style=style)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


# --- alerts: one line each, or in full ----------------------------------------------------

# Ways to put an alert on one line, richest first: (date, the kind's name, longest source
# name, every earlier figure). Names give way before numbers, which are never cut.
ONE_LINE_FORMS = [
    (True, True, 40, True),
    (False, True, 40, True),
    (False, False, 40, True),
    (False, False, 12, True),
    (False, False, 12, False),
    (False, False, 0, False),
]


def _when(alert: Mapping[str, Any]) -> str:
    return (alert.get("created") or "")[5:16].replace("T", " ")


def _apart(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two figures count different things (a part and its whole: killed and
    killed or wounded, troops in Kursk and in Russia), so each value needs its words."""
    places = a.get("place"), b.get("place")
    return a.get("claim") != b.get("claim") or (all(places) and places[0] != places[1])


def _value(alert: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    """A figure of the alert: "about 14,000", or "about 14,000 troops in Kursk" when the
    figures on the other side of the alert count something else."""
    value = safe(value_of(row))
    new = alert["new"]
    others = alert["previous"] if row is new else [new]
    if not any(_apart(row, other) for other in others):
        return value
    what = safe(str(row.get("claim") or "").replace("_", " "))
    place = safe(row.get("place") or "").capitalize()
    return f"{value} {what} in {place}" if place else f"{value} {what}"


def _one_line_form(
    alert: Mapping[str, Any], date: bool, kind_name: bool, names: int, every: bool
) -> Text:
    kind = alert.get("kind") or CONTRADICTION
    line = Text.assemble((f"#{alert['id']} ", "bold"), (f"{_when(alert)} " if date else "", "dim"))
    if alert.get("status") == WITHDRAWN:
        line.append("withdrawn ", "dim")
    if kind_name or kind != CONTRADICTION:  # "vs" says contradiction; the others need a word
        line.append(f"{kind} ")
    line.append(f"{safe(alert['claim'], 40)}: ")

    def figure(row: Mapping[str, Any]) -> None:
        line.append(_value(alert, row), "bold")
        if names:
            line.append(f" ({safe(row['source'], names)})")

    figure(alert["new"])
    earlier = alert["previous"] if every else alert["previous"][:1]
    for n, row in enumerate(earlier):
        line.append("; " if n else " vs " if kind == CONTRADICTION else " was ")
        figure(row)
    if len(earlier) < _earlier_count(alert):
        line.append(f" +{_earlier_count(alert) - len(earlier)} more")
    return line


def _earlier_count(alert: Mapping[str, Any]) -> int:
    """How many earlier figures the alert contradicts (the store names the newest few)."""
    return max(len(alert["previous"]), int(alert.get("previous_count") or 0))


def alert_line(alert: Mapping[str, Any], width: int) -> Text:
    """An alert on one line of ``width`` cells: as much as fits, numbers whole."""
    for form in ONE_LINE_FORMS:
        line = _one_line_form(alert, *form)
        if line.cell_len <= width:
            return line
    return fit(line, width)  # narrower than any terminal worth a view


def alert_lines(alert: Mapping[str, Any], width: int) -> list[Text]:
    """An alert in full: id, kind, claim and time; then the new figure and each earlier
    one it contradicts, with source, who is cited, and the quote."""
    kind = alert.get("kind") or CONTRADICTION
    status = " · withdrawn" if alert.get("status") == WITHDRAWN else ""
    head = Text.assemble(
        (f"#{alert['id']} ", "bold"),
        (f"{kind} · {safe(alert['claim'], 40)}", "bold yellow"),
        (f"{status} · {_when(alert)} UTC", "dim"),
    )
    lines = [head]
    earlier = alert["previous"][:EARLIER_SHOWN]
    for label, row in [("new", alert["new"])] + [("was", row) for row in earlier]:
        said = Text.assemble(f"  {label}  ", (_value(alert, row), "bold"))
        said.append(f" · {safe(row['source'], 40)}", "cyan")
        if row.get("attribution"):
            said.append(f" · according to {safe(row['attribution'], 80)}", "dim")
        lines.append(said)
        quote = Text(f"“{safe(row['text'], 400)}”", style="italic")
        wrapped = list(quote.wrap(_WRAPPER, max(width - 8, 10)))  # room for an ellipsis
        if len(wrapped) > QUOTE_LINES:
            wrapped = wrapped[:QUOTE_LINES]
            wrapped[-1].append("…")
        lines += [Text("       ").append_text(part) for part in wrapped]
    if _earlier_count(alert) > len(earlier):
        more = _earlier_count(alert) - len(earlier)
        lines.append(Text(f"  +{more} more earlier: monitor alert {alert['id']}", style="dim"))
    return [fit(line, width) for line in lines]


def alerts_body(alerts: Sequence[Mapping[str, Any]], width: int, rows: int | None) -> list[Text]:
    """The alerts panel's lines in ``rows`` lines (None: no limit) of ``width`` cells:
    one line per alert, then the newest in full as long as the rest still fits."""
    if not alerts:
        return [Text("no alerts yet", style="dim")]
    shown = list(alerts)
    if rows is not None and len(shown) > rows:
        shown = shown[: max(rows - 1, 1)]  # and a line saying how many more
    blocks = [[alert_line(alert, width)] for alert in shown]
    older = len(alerts) - len(shown) if rows is None or len(shown) < rows else 0
    spare = None if rows is None else rows - len(shown) - (1 if older else 0)
    for n, alert in enumerate(shown):
        full = alert_lines(alert, width)
        if spare is not None:
            if len(full) - 1 > spare:
                break
            spare -= len(full) - 1
        blocks[n] = full
    lines = [line for block in blocks for line in block]
    if older:
        lines.append(Text(f"+{older} older: monitor alerts", style="dim"))
    return lines


def alerts_panel(lines: Sequence[Text]) -> Panel:
    return Panel(
        Group(*lines),
        title="Alerts, newest first (monitor alert ID)",
        title_align="left",
        border_style="yellow",
    )


# --- stories and feeds --------------------------------------------------------------------


def stories_panel(snap: Snapshot) -> Panel:
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("src", justify="right", no_wrap=True)
    table.add_column("langs", no_wrap=True)
    table.add_column("updated", no_wrap=True, justify="right")
    for story in snap.stories:
        table.add_row(
            str(story["id"]),
            one_line(story["title"]),
            str(story["sources"]),
            safe(",".join(story.get("languages") or [])),
            ago(story.get("updated"), snap.now),
        )
    body: RenderableType = table if snap.stories else Text("no stories yet", style="dim")
    return Panel(body, title="Stories, latest update first (monitor story ID)", title_align="left")


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


# --- the screen, and the page for a pipe --------------------------------------------------


def view(snap: Snapshot, width: int, height: int, hint: str = "q quits") -> Layout:
    """The whole screen for a terminal of this size: alerts take what they need up to
    half of it, stories and feeds the rest."""
    inner = max(width - 4, 1)  # a panel's borders and padding
    budget = max((height - 1) // 2 - 2, 1)  # the alerts panel's lines, borders aside
    lines = alerts_body(snap.alerts, inner, budget)
    layout = Layout()
    layout.split_column(
        Layout(header(snap, hint, width), size=1),
        Layout(alerts_panel(lines), size=len(lines) + 2),
        Layout(name="rest"),
    )
    if width >= WIDE:
        layout["rest"].split_row(
            Layout(stories_panel(snap), ratio=3), Layout(feeds_panel(snap), ratio=2)
        )
    else:
        # Feeds get their rows when stories leave room, else half of what is left.
        rest = height - 1 - (len(lines) + 2)
        stories, feeds = len(snap.stories) + 3, len(snap.feeds) + 3  # borders and heading
        layout["rest"].split_column(
            Layout(stories_panel(snap)),
            Layout(feeds_panel(snap), size=min(feeds, max(rest - stories, rest // 2))),
        )
    return layout


def document(snap: Snapshot, width: int) -> Group:
    """Everything at its natural height, every alert in full: for a pipe or a file."""
    lines = alerts_body(snap.alerts, max(width - 4, 1), None)
    return Group(
        header(snap, "", width), alerts_panel(lines), stories_panel(snap), feeds_panel(snap)
    )


# --- keys ---------------------------------------------------------------------------------


def is_quit(data: bytes) -> bool:
    """Whether these bytes from a terminal hold q, Q or a lone Esc. A key's escape
    sequence (ESC [ … final byte, ESC O x) or an Alt+key (ESC x) is not one."""
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in QUIT_KEYS:
            return True
        if byte != ESC:
            i += 1
        elif i + 1 == len(data):
            return True  # Esc, and nothing followed it within ESC_WAIT
        elif data[i + 1] == ESC:
            i += 1  # Esc, Esc: the second decides (alone, or Alt+arrow's sequence)
        elif data[i + 1] == ord("["):
            i += 2
            while i < len(data) and not 0x40 <= data[i] <= 0x7E:
                i += 1  # parameters of a CSI sequence up to its final byte
            i += 1
        else:
            i += 3 if data[i + 1] == ord("O") else 2
    return False


def _wait_for_quit(fd: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            return False
        data = os.read(fd, 64)
        if not data:  # the terminal hung up: nothing more will come
            time.sleep(max(deadline - time.monotonic(), 0))
            return False
        while data[-1] == ESC and select.select([fd], [], [], ESC_WAIT)[0]:
            more = os.read(fd, 64)
            if not more:
                break
            data += more
        if is_quit(data):
            return True
    return False


@contextlib.contextmanager
def quit_keys(stdin: TextIO | None) -> Iterator[Callable[[float], bool]]:
    """``wait(seconds)``, which waits and says whether q, Q or Esc was pressed on the
    terminal ``stdin``, in cbreak mode until the block ends (however it ends). Without a
    terminal, ``wait`` only sleeps."""
    if stdin is None or not stdin.isatty():

        def sleep(seconds: float) -> bool:
            time.sleep(seconds)
            return False

        yield sleep
        return
    fd = stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)  # keys arrive as typed, unechoed; Ctrl-C still interrupts
    try:
        yield lambda seconds: _wait_for_quit(fd, seconds)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


# --- running it ---------------------------------------------------------------------------


def run_live(
    store: Store,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    refresh: float = REFRESH_SECONDS,
    console: Console | None = None,
    stop: Callable[[], bool] = lambda: False,
    keys: TextIO | None = None,
) -> None:
    """Redraw every ``refresh`` seconds until q, Q or Esc on the terminal ``keys``,
    Ctrl-C, or ``stop()`` returns True."""
    console = console or Console(file=unfiltered(sys.stdout))  # it moves the cursor
    hint = "q quits" if keys is not None and keys.isatty() else "Ctrl-C quits"

    def frame() -> Layout:
        return view(snapshot(store, clock()), console.width, console.height, hint)

    # The keys' block outside the view's: the terminal gets its modes back last.
    with (
        quit_keys(keys) as wait,
        Live(frame(), console=console, screen=True, auto_refresh=False) as live,
    ):
        try:
            while not stop() and not wait(refresh):
                live.update(frame(), refresh=True)
        except KeyboardInterrupt:
            pass


async def live_beside(store: Store, stop: asyncio.Event, refresh: float = REFRESH_SECONDS) -> None:
    """The view as a task beside the daemon in one process (`monitor run --live`)."""
    console = Console(file=unfiltered(sys.stdout))  # it moves the cursor

    def frame() -> Layout:
        now = datetime.now(UTC)
        return view(snapshot(store, now), console.width, console.height, "Ctrl-C quits")

    with Live(frame(), console=console, screen=True, auto_refresh=False) as live:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), refresh)
            live.update(frame(), refresh=True)


def print_once(store: Store, console: Console, now: datetime) -> None:
    """One frame, printed at the console's size (for screenshots and tests)."""
    frame = view(snapshot(store, now), console.width, console.height, "")
    console.print(frame, height=console.height)


def print_document(store: Store, console: Console, now: datetime) -> None:
    """Everything at the console's width and its natural height (for a pipe, cron)."""
    console.print(document(snapshot(store, now), console.width))
