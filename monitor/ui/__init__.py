"""What people read on a terminal: rich tables (``render``), the live view (``live``) and
progress of long commands (``progress``).

The package itself imports nothing: a command that prints JSON never loads rich.
"""

REFRESH_SECONDS = 2.0  # the live view's redraw period; here so `monitor live --help` is cheap
