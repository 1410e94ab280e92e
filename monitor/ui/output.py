"""The last line of defence on stdout and stderr: nothing a feed wrote drives the terminal.

Every command's output passes through ``OutputFilter`` (installed by the ``monitor``
group for the command's run): escape sequences, C0/C1 controls and bidi controls are
dropped (``monitor.text.safe_output``), and secrets replaced by ``***``
(``monitor.logs.redacted``: every password and webhook URL read, URL credentials),
whatever printed them — a table, an echo, a log
line, a library's message. On a terminal rich's colours (SGR) pass; nothing else does.
What is printed is cleaned where it is made too (``monitor.text.clean``); this is for
whatever was missed. JSON escapes those characters instead (``json_escaped``), so no data
is lost; the live view and progress bars draw with cursor moves on the stream beneath
(``unfiltered``) and print only cleaned fields.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from monitor.logs import redacted
from monitor.text import safe_output

_SURROGATE = re.compile("[\ud800-\udfff]")


class OutputFilter:
    """A text stream that writes ``safe_output`` of everything to the one it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream
        self._colours = stream.isatty() if hasattr(stream, "isatty") else False

    def write(self, text: str) -> int:
        if _SURROGATE.search(text):  # a file name that is not UTF-8: shown, never a crash
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        self.unfiltered.write(safe_output(redacted(text), self._colours))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer...
        return getattr(self.unfiltered, name)


def filter_output() -> None:
    """Put ``OutputFilter`` on sys.stdout and sys.stderr (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, OutputFilter):
            setattr(sys, name, OutputFilter(stream))


def unfiltered(stream: TextIO) -> TextIO:
    """The stream beneath an ``OutputFilter`` (for displays that move the cursor)."""
    return stream.unfiltered if isinstance(stream, OutputFilter) else stream
