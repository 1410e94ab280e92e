"""The sections of ``feeds.yaml`` other than ``alerts:``: ``feeds:``, ``topics:``,
``divergence:``, ``claims:`` and ``poll:``, each read from its yaml node into the
types the pipeline uses (the format is described in ``monitor/config/__init__.py``)."""

from __future__ import annotations

import ipaddress
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from monitor.config.model import (
    EXACT_HEDGE,
    LANGUAGES,
    LOCAL_FEED_SUFFIXES,
    PollConfig,
    TopicSet,
)
from monitor.config.nodes import (
    boolean,
    describe,
    fail,
    mapping,
    number,
    positive_int,
    require,
    scalar,
    sequence,
    string,
    terms,
)
from monitor.errors import ConfigError
from monitor.figures.divergence import VAGUE_MODES
from monitor.types import ClaimTerms, DivergenceRules, FeedSpec, TopicRule

_FEED_KEYS = ("url", "name", "interval", "enabled", "lang", "fulltext")
_TOPIC_KEYS = ("name", "all", "any", "none", "match")
BUILTIN_TOPICS = "default"  # `- extends: default` in `topics:` keeps the built-in rules
BUILTIN_TOPICS_FILE = "default_topics.yaml"  # in this package
_DIVERGENCE_KEYS = ("window_days", "tolerance", "vague", "match_scope")
_POLL_KEYS = (
    "interval",
    "timeout",
    "max_bytes",
    "concurrency",
    "per_host",
    "min_interval",
    "max_interval",
    "jitter",
    "failing_after",
    "allow_private",
)


def read_poll(node: yaml.Node) -> PollConfig:
    """``poll:``: fetch limits and schedule bounds; keys left out keep their defaults."""
    values = mapping(node, "poll", _POLL_KEYS)
    defaults = PollConfig()
    return PollConfig(
        interval=(
            positive_int(values["interval"], "poll.interval", "seconds")
            if "interval" in values
            else defaults.interval
        ),
        timeout=(
            number(
                values["timeout"],
                "poll.timeout",
                "a positive number of seconds",
                0.001,
                86_400.0,  # a day: larger would never end a fetch
            )
            if "timeout" in values
            else defaults.timeout
        ),
        max_bytes=(
            positive_int(values["max_bytes"], "poll.max_bytes", "bytes")
            if "max_bytes" in values
            else defaults.max_bytes
        ),
        concurrency=(
            positive_int(values["concurrency"], "poll.concurrency", "fetches")
            if "concurrency" in values
            else defaults.concurrency
        ),
        allow_private=(_networks(values["allow_private"]) if "allow_private" in values else ()),
        **_poll_politeness(values, defaults),
    )


def _networks(node: yaml.Node) -> tuple[str, ...]:
    """``poll.allow_private``: networks (10.0.0.0/8) or addresses, each checked."""
    found = []
    for index, item in enumerate(sequence(node, "poll.allow_private")):
        path = f"poll.allow_private[{index}]"
        text = string(item, path, "a network such as 10.0.0.0/8")
        try:
            found.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            fail(path, item, f"not a network or an IP address: {text!r}", "e.g. 10.0.0.0/8")
    return tuple(found)


def _poll_politeness(values: dict[str, yaml.Node], defaults: PollConfig) -> dict[str, Any]:
    """Issue 3's poll keys: per-host limit, interval bounds, jitter, failing threshold."""
    found: dict[str, Any] = {}
    for key, unit in (
        ("per_host", "fetches"),
        ("min_interval", "seconds"),
        ("max_interval", "seconds"),
        ("failing_after", "failures"),
    ):
        if key in values:
            found[key] = positive_int(values[key], f"poll.{key}", unit)
    if "jitter" in values:
        found["jitter"] = number(values["jitter"], "poll.jitter", "a fraction from 0 to 1", 0, 1)
    low = found.get("min_interval", defaults.min_interval)
    high = found.get("max_interval", defaults.max_interval)
    if low > high:
        node = values.get("max_interval") or values["min_interval"]
        fail("poll.max_interval", node, f"smaller than poll.min_interval ({low})")
    return found


def read_feeds(node: yaml.Node, base: Path, default_interval: int) -> tuple[FeedSpec, ...]:
    """``feeds:``: no URL twice; local paths are resolved against ``base``. ``feeds: []``
    is valid: feeds kept in the database (``monitor feeds add``), or ``ingest`` only."""
    items = sequence(node, "feeds")
    feeds: list[FeedSpec] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"feeds[{index}]"
        feed = _feed(item, path, base, default_interval)
        if feed.url in first_seen:
            url_node = mapping(item, path, _FEED_KEYS)["url"]
            fail(f"{path}.url", url_node, f"same URL as feeds[{first_seen[feed.url]}]")
        first_seen[feed.url] = index
        feeds.append(feed)
    return tuple(feeds)


def _feed(node: yaml.Node, path: str, base: Path, default_interval: int) -> FeedSpec:
    values = mapping(node, path, _FEED_KEYS)
    url_node = require(values, "url", path, node)
    url = _feed_url(string(url_node, f"{path}.url"), f"{path}.url", url_node, base)
    name = string(values["name"], f"{path}.name") if "name" in values else _default_name(url)
    return FeedSpec(
        url=url,
        name=name,
        interval=(
            positive_int(values["interval"], f"{path}.interval", "seconds")
            if "interval" in values
            else default_interval
        ),
        enabled=boolean(values["enabled"], f"{path}.enabled") if "enabled" in values else True,
        lang=_lang(values["lang"], f"{path}.lang") if "lang" in values else None,
        fulltext=boolean(values["fulltext"], f"{path}.fulltext") if "fulltext" in values else False,
    )


def _feed_url(text: str, path: str, node: yaml.Node, base: Path) -> str:
    """An http(s) URL as written, or a local feed file as an absolute file:// URL."""
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            fail(path, node, "the URL has no host")
        return text
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            fail(path, node, "a file URL must be absolute: file:///path/to/feed.xml")
        return text
    if not scheme or len(scheme) == 1:  # "C:\feeds\x.xml" parses as scheme "c"
        if Path(text).suffix.lower() in LOCAL_FEED_SUFFIXES:
            return (base / Path(text).expanduser()).resolve().as_uri()
        fail(
            path,
            node,
            "not an http(s) or file URL",
            f"local feed files must end in {', '.join(LOCAL_FEED_SUFFIXES)}",
        )
    fail(path, node, "not an http(s) or file URL")


def _default_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(parts.path).stem
    host = parts.hostname or url
    return host.removeprefix("www.")


def _lang(node: yaml.Node, path: str) -> str:
    text = string(node, path, f"one of {', '.join(LANGUAGES)}")
    primary = text.lower().replace("_", "-").split("-")[0]  # "de-DE" -> "de"
    if primary not in LANGUAGES:
        fail(path, node, f"expected one of {', '.join(LANGUAGES)}, got {text!r}")
    return primary


def read_topics(node: yaml.Node) -> TopicSet:
    """``topics:``: at least one rule, each name once. They replace the built-in rules,
    except that an entry ``- extends: default`` puts the built-in rules in its place."""
    items = sequence(node, "topics")
    if not items:
        fail(
            "topics",
            node,
            "expected at least one topic",
            "remove the key to use the built-in topics",
        )
    rules: list[TopicRule] = []
    languages: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        path = f"topics[{index}]"
        if _is_extends(item):
            found, name_path, where = _extends(item, path), f"{path}.extends", item
        else:
            found, name_path = _topic(item, path), f"{path}.name"
            where = mapping(item, path, _TOPIC_KEYS)["name"]
        for rule in found.rules:
            if any(earlier.name == rule.name for earlier in rules):
                fail(name_path, where, f"topic {rule.name!r} is defined twice")
            rules.append(rule)
        languages.extend(found.languages)
    return TopicSet(tuple(rules), tuple(languages))


@cache
def builtin_topics() -> TopicSet:
    """The built-in topic rules, read once from the package's ``default_topics.yaml``
    (the format of ``topics:`` in feeds.yaml)."""
    text = (files("monitor.config") / BUILTIN_TOPICS_FILE).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            raise ConfigError("the file is empty")
        return read_topics(require(mapping(root, "", ("topics",)), "topics", "", root))
    except ConfigError as exc:  # a broken package, not a user's mistake
        raise ConfigError(f"monitor/config/{BUILTIN_TOPICS_FILE}: {exc}") from exc


def _is_extends(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode) and any(
        key.value == "extends" for key, _ in node.value
    )


def _extends(node: yaml.Node, path: str) -> TopicSet:
    """``- extends: default``: the built-in rules, at this place in the list."""
    for key, _ in node.value:
        if key.value != "extends":
            fail(
                f"{path}.{key.value}",
                key,
                "`extends: default` stands alone in its entry",
                "write your own topics as entries of their own",
            )
    value = mapping(node, path, ("extends",))["extends"]
    if scalar(value) != BUILTIN_TOPICS:
        fail(
            f"{path}.extends",
            value,
            f"the only accepted value is {BUILTIN_TOPICS!r}, got {describe(value)}",
        )
    return builtin_topics()


def _topic(node: yaml.Node, path: str) -> TopicSet:
    """One topic entry: a rule, and the language of each term written under one."""
    values = mapping(node, path, _TOPIC_KEYS)
    name = string(require(values, "name", path, node), f"{path}.name")
    if "match" in values:
        if scalar(values["match"]) != "all":
            fail(
                f"{path}.match",
                values["match"],
                f"the only accepted value is 'all', got {describe(values['match'])}",
            )
        for key in ("all", "any", "none"):
            if key in values:
                fail(f"{path}.{key}", values[key], "cannot be combined with `match: all`")
        return TopicSet((TopicRule(name=name, match_all=True),))
    groups: list[list[tuple[str, str | None]]] = []
    if "all" in values:
        for index, group in enumerate(sequence(values["all"], f"{path}.all")):
            group_path = f"{path}.all[{index}]"
            # `all: [a, b]` reads naturally as "a and b": each plain term is its own group.
            if isinstance(group, yaml.ScalarNode):
                what = "a term, a list of terms or terms per language"
                groups.append([(string(group, group_path, what), None)])
            else:
                groups.append(_group(group, group_path))
    if "any" in values:
        groups.append(_group(values["any"], f"{path}.any"))
    if not groups:
        fail(path, node, "needs `all`, `any` or `match: all`")
    none_of = _group(values["none"], f"{path}.none") if "none" in values else []
    rule = TopicRule(
        name=name,
        all_of=tuple(tuple(term for term, _ in group) for group in groups),
        none_of=tuple(term for term, _ in none_of),
    )
    written = [pair for group in [*groups, none_of] for pair in group]
    return TopicSet((rule,), tuple((term, lang) for term, lang in written if lang))


def _group(node: yaml.Node, path: str) -> list[tuple[str, str | None]]:
    """Terms as a list (``[russia, moscow]``) or per language (``{en: [russia], de:
    [russland]}``), in the order written, each with its language (None: not given)."""
    if not isinstance(node, yaml.MappingNode):
        return [(term, None) for term in terms(node, path)]
    by_lang = mapping(node, path, LANGUAGES)
    if not by_lang:
        fail(path, node, "expected at least one term")
    return [
        (term, lang) for lang, words in by_lang.items() for term in terms(words, f"{path}.{lang}")
    ]


def read_divergence(node: yaml.Node) -> DivergenceRules:
    """``divergence:``: the given keys over the defaults; tolerances per hedge."""
    values = mapping(node, "divergence", _DIVERGENCE_KEYS)
    defaults = DivergenceRules()
    tolerance = dict(defaults.tolerance)
    if "tolerance" in values:
        hedges = [EXACT_HEDGE if hedge == "" else hedge for hedge in tolerance]
        entries = mapping(values["tolerance"], "divergence.tolerance", hedges)
        for hedge, value_node in entries.items():
            key = "" if hedge == EXACT_HEDGE else hedge
            tolerance[key] = number(
                value_node, f"divergence.tolerance.{hedge}", "a fraction between 0 and 1", 0.0, 1.0
            )
    window = (
        positive_int(values["window_days"], "divergence.window_days", "days", 3_650)
        if "window_days" in values
        else defaults.window_days
    )
    vague = defaults.vague
    if "vague" in values:
        vague = scalar(values["vague"])
        if vague not in VAGUE_MODES:
            fail(
                "divergence.vague",
                values["vague"],
                f"expected one of {', '.join(VAGUE_MODES)}, got {describe(values['vague'])}",
            )
    return DivergenceRules(
        tolerance=tuple(tolerance.items()),
        window_days=window,
        vague=vague,
        match_scope=(
            boolean(values["match_scope"], "divergence.match_scope")
            if "match_scope" in values
            else defaults.match_scope
        ),
    )


def read_claims(node: yaml.Node) -> tuple[ClaimTerms, ...]:
    """``claims: {troops: {en: [conscript]}, drones: {de: [drohne], en: [drone]}}``."""
    if not isinstance(node, yaml.MappingNode):
        fail("claims", node, f"expected a mapping of claim kind to words, got {describe(node)}")
    found: list[ClaimTerms] = []
    for key_node, by_lang in node.value:
        kind = string(key_node, "claims", "a claim kind")
        if not kind.replace("_", "").isalnum() or not kind.islower():
            fail(f"claims.{kind}", key_node, "a claim kind is lower-case letters, digits and _")
        for lang, words in mapping(by_lang, f"claims.{kind}", LANGUAGES).items():
            found.append(ClaimTerms(kind, lang, terms(words, f"claims.{kind}.{lang}")))
    return tuple(found)
