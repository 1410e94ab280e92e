"""What people read on a terminal: rich tables (``render``), the live view (``live``) and
progress of long commands (``progress``)."""
