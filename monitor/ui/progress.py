"""Progress for long work: a bar on a terminal, a few plain lines otherwise.

A daemon's journal or a cron mail should not fill with carriage-return animation, so
when stderr is not a terminal we write one line per tenth of the work instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from monitor.text import clean
from monitor.ui.output import unfiltered

PLAIN_STEPS = 10  # plain-text lines per run: one at each tenth
MIN_WORK_FOR_A_BAR = 2  # one file needs no progress report

Advance = Callable[[str], None]


@contextmanager
def progress(total: int, label: str, stream: TextIO | None = None) -> Iterator[Advance]:
    """Yields `advance(what)`: call it once per unit of work done."""
    stream = stream or sys.stderr
    if total < MIN_WORK_FOR_A_BAR:
        yield lambda what: None
    elif stream.isatty():
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[what]}", style="dim"),
        )
        with Progress(*columns, console=Console(file=unfiltered(stream)), transient=True) as bar:
            task = bar.add_task(label, total=total, what="")
            yield lambda what: bar.update(task, advance=1, what=clean(what, 40))
    else:
        done = 0
        next_line = 1

        def advance(what: str) -> None:
            nonlocal done, next_line
            done += 1
            if done * PLAIN_STEPS >= next_line * total or done == total:
                print(f"{label}: {done}/{total}", file=stream, flush=True)
                next_line = done * PLAIN_STEPS // total + 1

        yield advance
