"""The `monitor` command line: thin commands that wire config, store and pipeline.

Each command's docstring is its --help. Listing commands take --json and then print
the store's public JSON shapes (documented in docs/json.md) and nothing else on stdout.
`app` holds the group and what commands share; each other module adds one area's
commands to it when imported.
"""

from monitor.cli import (  # noqa: F401  (importing a module registers its commands)
    alerts,
    core,
    doctor,
    feeds,
    figures,
    live,
    stories,
    topics,
)
from monitor.cli.app import cli, main

__all__ = ["cli", "main"]
