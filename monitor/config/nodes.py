"""Validating the yaml node tree of ``feeds.yaml``: typed readers of one node each.

Each reader checks one shape (a mapping with known keys, a list, a string, a positive
integer, ...) and on failure raises one ``ConfigError`` line naming the field path and
the 1-based line, with a hint where one helps (a close key, where secrets go).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import yaml

from monitor.errors import ConfigError

# Inline secrets get their own message instead of "unknown key".
_INLINE_SECRETS = {
    "password": "password_env or password_file",
    "webhook_url": "webhook_url_env or webhook_url_file",
}
_constructor = yaml.constructor.SafeConstructor()
SHOWN_CHARS = 40  # of a wrong value, in an error line
# A configuration's tree, aliases expanded, and its nesting: far above any real one (10,000
# feeds are ~50,000 values), far below what would take minutes to walk.
MAX_VALUES = 1_000_000
MAX_DEPTH = 64


def bounded(root: yaml.Node, source: Path) -> None:
    """ConfigError unless the tree under ``root``, with every alias expanded, holds at most
    MAX_VALUES values, nested at most MAX_DEPTH deep. Aliases share nodes, so this counts
    each node once (a "billion laughs" file is a few hundred nodes that expand to 10^9)."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) below it

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            fail("(top level)", node, f"nested more than {MAX_DEPTH} deep")
        sizes[id(node)] = (1, 1)  # an alias of an enclosing node counts once
        values, deepest = 1, 0
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        for child in children:
            count, below = measure(child, depth + 1)
            values += count
            deepest = max(deepest, below)
            if values > MAX_VALUES:
                raise ConfigError(
                    f"{source}: over {MAX_VALUES:,} values once its aliases are expanded"
                )
        sizes[id(node)] = (values, deepest + 1)
        return sizes[id(node)]

    measure(root, 1)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def fail(path: str, node: yaml.Node, message: str, hint: str | None = None) -> NoReturn:
    """Raise the one-line error: ``path: message (line N); hint``."""
    suffix = f"; {hint}" if hint else ""
    raise ConfigError(f"{path}: {message} (line {_line(node)}){suffix}")


def describe(node: yaml.Node) -> str:
    """How a wrong value is shown back to the user."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    value = str(node.value)
    return repr(value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def mapping(node: yaml.Node, path: str, allowed: Sequence[str]) -> dict[str, yaml.Node]:
    """The mapping's values by key; unknown and repeated keys are errors."""
    if not isinstance(node, yaml.MappingNode):
        fail(path or "(top level)", node, f"expected a mapping, got {describe(node)}")
    values: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        key_path = _join(path, key)
        if key in _INLINE_SECRETS and key not in allowed:
            fail(
                key_path,
                key_node,
                "secrets are not accepted in the file",
                f"use {_INLINE_SECRETS[key]}",
            )
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"expected one of {', '.join(allowed)}"
            )
            fail(key_path, key_node, "unknown key", hint)
        if key in values:
            fail(key_path, key_node, "repeated key")
        values[key] = value_node
    return values


def require(values: dict[str, yaml.Node], key: str, path: str, parent: yaml.Node) -> yaml.Node:
    """The value of a key that must be there; missing, it is reported at its parent."""
    if key not in values:
        fail(_join(path, key), parent, "missing")
    return values[key]


def sequence(node: yaml.Node, path: str) -> list[yaml.Node]:
    """The items of a list (possibly none)."""
    if not isinstance(node, yaml.SequenceNode):
        fail(path, node, f"expected a list, got {describe(node)}")
    return list(node.value)


def scalar(node: yaml.Node) -> Any:
    """A scalar node's value as YAML types it (int, float, bool, str, None); a number too
    long for Python to read (over 4,300 digits) stays the text it is, so that callers
    report it as the wrong type."""
    if not isinstance(node, yaml.ScalarNode):
        return node  # not a scalar: callers compare types and report it
    try:
        return _constructor.construct_object(node)
    except (ValueError, yaml.constructor.ConstructorError):  # a tag safe YAML refuses too
        return str(node.value)


def string(node: yaml.Node, path: str, what: str = "a non-empty string") -> str:
    """A non-empty scalar as written and stripped; numbers count, true/false/null do not."""
    value = scalar(node)
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        fail(path, node, f"expected {what}, got {describe(node)}")
    text = str(node.value).strip()  # the text as written: `name: 2024` is the name "2024"
    if not text:
        fail(path, node, f"expected {what}, got an empty string")
    return text


# The largest integer any key takes unless it says less: a billion seconds is 31 years,
# and it fits everything it reaches (SQLite, timedelta, sleep).
LARGEST = 1_000_000_000


def positive_int(node: yaml.Node, path: str, unit: str, most: int = LARGEST) -> int:
    """An integer from 1 to ``most`` (not a bool); ``unit`` is named in the message."""
    value = scalar(node)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        fail(path, node, f"expected a positive integer ({unit}), got {describe(node)}")
    if value > most:
        fail(path, node, f"expected at most {most:,} ({unit}), got {describe(node)}")
    return value


def number(node: yaml.Node, path: str, what: str, low: float, high: float) -> float:
    """An int or float from ``low`` to ``high`` (inclusive), as a float."""
    value = scalar(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        fail(path, node, f"expected {what}, got {describe(node)}")
    return float(value)


def boolean(node: yaml.Node, path: str) -> bool:
    """A YAML boolean (true or false); anything else is an error."""
    value = scalar(node)
    if not isinstance(value, bool):
        fail(path, node, f"expected true or false, got {describe(node)}")
    return value


def local_path(node: yaml.Node, path: str, base: Path) -> Path:
    """A file path; a relative one is taken from ``base`` (the folder of feeds.yaml)."""
    return base / Path(string(node, path, "a file path")).expanduser()


def terms(node: yaml.Node, path: str) -> tuple[str, ...]:
    """A non-empty list of non-empty strings (search terms, words, names)."""
    items = sequence(node, path)
    if not items:
        fail(path, node, "expected at least one term")
    return tuple(string(item, f"{path}[{index}]", "a term") for index, item in enumerate(items))
