"""`python -m monitor`: the command line (monitor.cli)."""

from monitor.cli import main

main()
