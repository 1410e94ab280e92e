"""`monitor topics`: the topic rules in force, the built-in one included, from the config."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import Context, cli, emit_json, json_option
from monitor.errors import MonitorError

if TYPE_CHECKING:
    from monitor.types import TopicRule


@cli.command()
@click.argument("name", required=False)
@json_option
@click.pass_obj
def topics(obj: Context, name: str | None, as_json: bool) -> None:
    """The topic rules in force, in the order they are tried, with their terms per language.

    They come from `topics:` in the configuration, or are the built-in rule when it has
    none; `- extends: default` under `topics:` keeps the built-in rule beside your own.
    NAME shows one topic. Needs no database.
    """
    from monitor.config import builtin_topics, topics_in_force

    config = obj.config()
    in_force = topics_in_force(config)
    rows = topic_rows(in_force.rules, in_force.languages)
    if name is not None:
        rows = [row for row in rows if row["name"] == name]
        if not rows:
            names = [rule.name for rule in in_force.rules]
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "in force: " + ", ".join(names)
            raise MonitorError(f"unknown topic {name!r} ({hint})")
    if as_json:
        emit_json(rows)
        return
    source = config.source.name if config.source else "the configuration"
    click.echo("Topics in force, tried in order (an item takes the first that matches):")
    for position, row in enumerate(rows, 1):
        click.echo("\n" + "\n".join(_rule_lines(position, row, source)))
    left_out = [rule.name for rule in builtin_topics().rules if rule not in in_force.rules]
    if left_out and name is None:
        click.echo(
            f"\nThe built-in {', '.join(left_out)} is not in force:"
            " `- extends: default` under `topics:` keeps it."
        )


def topic_rows(rules: tuple[TopicRule, ...], languages: tuple[tuple[str, str], ...]) -> list[Any]:
    """The `topics --json` shape, a list of::

        {"name": "russia-north-korea", "builtin": true, "match_all": false,
         "all": [["russia", "moscow", ...], ["north korea", ...]],   # a term of each group
         "none": [],                                                 # no term of these
         "languages": {"russia": "en", "russland": "de", ...}}       # term -> language

    ``languages`` names the language a term was written under (``{en: [...]}`` in the
    configuration); a term given in a plain list has none."""
    from monitor.config import builtin_topics

    language: dict[str, str] = {}
    for term, lang in languages:
        language.setdefault(term, lang)
    builtin = builtin_topics().rules
    return [
        {
            "name": rule.name,
            "builtin": rule in builtin,
            "match_all": rule.match_all,
            "all": [list(group) for group in rule.all_of],
            "none": list(rule.none_of),
            "languages": {
                term: language[term]
                for term in (*(t for group in rule.all_of for t in group), *rule.none_of)
                if term in language
            },
        }
        for rule in rules
    ]


def _rule_lines(position: int, row: dict[str, Any], source: str) -> list[str]:
    """One topic as text: its name and origin, then each group's terms per language."""
    origin = "built-in" if row["builtin"] else f"from {source}"
    lines = [f"{position}. {row['name']} ({origin})"]
    if row["match_all"]:
        return [*lines, "   every item (match: all)"]
    lines.append("   a term of each group:")
    for number, group in enumerate(row["all"], 1):
        lines += _terms_lines(f"     {number}. ", group, row["languages"])
    if row["none"]:
        lines.append("   and none of:")
        lines += _terms_lines("        ", row["none"], row["languages"])
    return lines


def _terms_lines(lead: str, terms: list[str], languages: dict[str, str]) -> list[str]:
    """Terms one line per language, in the order first written; plain terms on one line."""
    by_lang: dict[str, list[str]] = {}
    for term in terms:
        by_lang.setdefault(languages.get(term, ""), []).append(term)
    indent = " " * len(lead)
    return [
        (lead if index == 0 else indent) + (f"{lang}: " if lang else "") + ", ".join(words)
        for index, (lang, words) in enumerate(by_lang.items())
    ]
