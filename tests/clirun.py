"""Running the real CLI in-process for tests: one invocation, or its --json parsed."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from monitor.cli import cli


def run(*args: str) -> Any:
    """``monitor ARGS`` through click's runner, 200 columns wide (tables unwrapped)."""
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args))


def as_json(*args: str) -> Any:
    """``monitor ARGS --json``, which must succeed, parsed."""
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
