"""Read and validate ``feeds.yaml``.

The smallest accepted file is::

    feeds:
      - url: https://www.example.org/rss.xml
        name: Example

Everything else has defaults. The full format (every key optional except ``feeds``)::

    feeds:                        # at least one
      - url: https://...          # http(s) URL, file:///absolute/path.xml, or a plain
                                  # path ending in .xml/.rss/.atom (relative paths are
                                  # resolved against this file's folder)
        name: Example             # default: the URL's host (a file's name for paths)
        interval: 900             # seconds between polls; default: poll.interval
        enabled: true
        lang: de                  # de | en | ru | ko; default: guessed per item
        fulltext: false           # true: fetch each new entry's page, extract its text
    topics:                       # default: the shipped topic rules
      - name: troops
        all: [[nordkorea, north korea], [russland, russia]]   # each group needs a term
        any: [soldat, troops]     # shorthand for one more group
        none: [olympia]           # no term may occur
      - {name: everything, match: all}
    divergence:
      window_days: 180
      tolerance: {about: 0.1, exact: 0.0}   # hedge -> fraction; "exact" = plain number
      vague: ignore               # "several thousand": ignore | lower_bound | range
      match_scope: true           # compare only figures whose whose/where agree
    claims:                       # words added to the claim lexicon, kind -> lang -> words
      drones: {en: [drone], de: [drohne]}
    story_window_hours: 72
    poll: {interval: 900, timeout: 30, max_bytes: 15728640, concurrency: 10,
           per_host: 2, min_interval: 60, max_interval: 86400, jitter: 0.1, failing_after: 3}
    alerts:
      email: {host: smtp.example.org, port: 587, tls: starttls, username: me,
              password_env: SMTP_PASSWORD, from: monitor@example.org, to: [me@example.org]}
      slack: {webhook_url_env: SLACK_WEBHOOK_URL}
      # every channel also takes: topics, claims, digest_minutes, rate_limit,
      # quiet_hours ("22:00-07:00"), timezone, timeout; email also ca_file

Secrets are never written into the file: ``password_env``/``webhook_url_env`` name an
environment variable, ``password_file``/``webhook_url_file`` a file (relative to this
file's folder). They are read only when a channel sends, via ``EmailConfig.password()``
and ``SlackConfig.webhook_url()``.

Every problem is raised as one ``ConfigError`` line naming the field path and the
1-based line, e.g. ``feeds[3].url: not an http(s) or file URL (line 14)``. To know the
lines we validate the node tree from ``yaml.compose`` rather than the loaded dicts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from monitor.config.model import (
    DEFAULT_CHANNEL_TIMEOUT,
    DEFAULT_STORY_WINDOW_HOURS,
    EXACT_HEDGE,
    LANGUAGES,
    LOCAL_FEED_SUFFIXES,
    TLS_MODES,
    AlertsConfig,
    ChannelRules,
    Config,
    EmailConfig,
    PollConfig,
    SlackConfig,
)
from monitor.config.nodes import (
    boolean,
    describe,
    fail,
    local_path,
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
from monitor.figures import CLAIM_LABELS
from monitor.figures.divergence import VAGUE_MODES
from monitor.topics import DEFAULT_TOPICS
from monitor.types import ClaimTerms, DivergenceRules, FeedSpec, TopicRule

_TOP_KEYS = ("feeds", "topics", "divergence", "story_window_hours", "alerts", "poll", "claims")
_FEED_KEYS = ("url", "name", "interval", "enabled", "lang", "fulltext")
_TOPIC_KEYS = ("name", "all", "any", "none", "match")
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
)
_ALERT_KEYS = ("email", "slack")
_CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Noise control and timeouts, accepted by every alert channel (issue 6).
_CHANNEL_KEYS = (
    "name",
    "topics",
    "claims",
    "digest_minutes",
    "rate_limit",
    "quiet_hours",
    "timezone",
    "timeout",
    "story_notices",
)
_STORY_NOTICE_KEYS = ("min_sources",)
_EMAIL_KEYS = (
    "host",
    "port",
    "tls",
    "username",
    "password_env",
    "password_file",
    "from",
    "to",
    "ca_file",
    *_CHANNEL_KEYS,
)
_SLACK_KEYS = ("webhook_url_env", "webhook_url_file", *_CHANNEL_KEYS)


def from_feeds(feeds: Sequence[FeedSpec]) -> Config:
    """A configuration built in code: these feeds, everything else at its default."""
    return Config(feeds=tuple(feeds))


def load(path: Path) -> Config:
    """Read and validate a feeds.yaml; raise ConfigError with one line on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{path}: invalid YAML: {problem}{where}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if root is None:
        raise ConfigError(f"{path}: the file is empty; it needs at least a `feeds:` list")
    return _config(root, path.resolve().parent, path)


# --- sections ---------------------------------------------------------------------


def _config(root: yaml.Node, base: Path, source: Path) -> Config:
    values = mapping(root, "", _TOP_KEYS)
    poll = _poll(values["poll"]) if "poll" in values else PollConfig()
    feeds_node = require(values, "feeds", "", root)
    topics = _topics(values["topics"]) if "topics" in values else None
    topic_names = tuple(rule.name for rule in (topics or DEFAULT_TOPICS))
    claims = _claims(values["claims"]) if "claims" in values else ()
    # an alert filter may name a kind defined under `claims:` as well as a shipped one
    claim_kinds = (*CLAIM_LABELS, *dict.fromkeys(terms.kind for terms in claims))
    return Config(
        feeds=_feeds(feeds_node, base, poll.interval),
        topics=topics,
        divergence=(
            _divergence(values["divergence"]) if "divergence" in values else DivergenceRules()
        ),
        story_window_hours=(
            positive_int(values["story_window_hours"], "story_window_hours", "hours")
            if "story_window_hours" in values
            else DEFAULT_STORY_WINDOW_HOURS
        ),
        alerts=(
            _alerts(values["alerts"], base, topic_names, claim_kinds)
            if "alerts" in values
            else AlertsConfig()
        ),
        poll=poll,
        source=source,
        claims=claims,
    )


def _poll(node: yaml.Node) -> PollConfig:
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
                float("inf"),
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
        **_poll_politeness(values, defaults),
    )


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


def _feeds(node: yaml.Node, base: Path, default_interval: int) -> tuple[FeedSpec, ...]:
    items = sequence(node, "feeds")
    if not items:
        fail("feeds", node, "expected at least one feed")
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


def _topics(node: yaml.Node) -> tuple[TopicRule, ...]:
    items = sequence(node, "topics")
    if not items:
        fail(
            "topics",
            node,
            "expected at least one topic",
            "remove the key to use the shipped topics",
        )
    rules: list[TopicRule] = []
    names: set[str] = set()
    for index, item in enumerate(items):
        rule = _topic(item, f"topics[{index}]")
        if rule.name in names:
            fail(
                f"topics[{index}].name",
                mapping(item, "", _TOPIC_KEYS)["name"],
                f"topic {rule.name!r} is defined twice",
            )
        names.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def _topic(node: yaml.Node, path: str) -> TopicRule:
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
        return TopicRule(name=name, match_all=True)
    groups: list[tuple[str, ...]] = []
    if "all" in values:
        for index, group in enumerate(sequence(values["all"], f"{path}.all")):
            group_path = f"{path}.all[{index}]"
            # `all: [a, b]` reads naturally as "a and b": each plain term is its own group.
            if isinstance(group, yaml.SequenceNode):
                groups.append(terms(group, group_path))
            else:
                groups.append((string(group, group_path, "a term or a list of terms"),))
    if "any" in values:
        groups.append(terms(values["any"], f"{path}.any"))
    if not groups:
        fail(path, node, "needs `all`, `any` or `match: all`")
    none_of = terms(values["none"], f"{path}.none") if "none" in values else ()
    return TopicRule(name=name, all_of=tuple(groups), none_of=none_of)


def _divergence(node: yaml.Node) -> DivergenceRules:
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
        positive_int(values["window_days"], "divergence.window_days", "days")
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


def _claims(node: yaml.Node) -> tuple[ClaimTerms, ...]:
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


def _alerts(
    node: yaml.Node,
    base: Path,
    topic_names: Sequence[str],
    claim_kinds: Sequence[str] = tuple(CLAIM_LABELS),
) -> AlertsConfig:
    values = mapping(node, "alerts", _ALERT_KEYS)
    known = (topic_names, claim_kinds)
    email = tuple(
        _email(item, path, name, base, *known)
        for item, path, name in _channel_nodes(values.get("email"), "email")
    )
    slack = tuple(
        _slack(item, path, name, base, *known)
        for item, path, name in _channel_nodes(values.get("slack"), "slack")
    )
    alerts = AlertsConfig(email=email, slack=slack)
    seen: dict[str, str] = {}
    for channel in alerts.configured():
        if channel.name in seen:
            raise ConfigError(
                f"{channel.path}.name: {channel.name!r} is already the name of {seen[channel.name]}"
            )
        seen[channel.name] = channel.path
    return alerts


def _channel_nodes(node: yaml.Node | None, kind: str) -> list[tuple[yaml.Node, str, str]]:
    """(node, path, name) of each channel of one kind: a mapping is one channel (named
    after its kind unless it says otherwise), a list is several, each with a name."""
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        return [(node, f"alerts.{kind}", _channel_name(node, f"alerts.{kind}", kind))]
    items = sequence(node, f"alerts.{kind}")
    if not items:
        fail(f"alerts.{kind}", node, "expected at least one channel")
    found: list[tuple[yaml.Node, str, str]] = []
    for index, item in enumerate(items):
        path = f"alerts.{kind}[{index}]"
        if not isinstance(item, yaml.MappingNode) or not any(
            key.value == "name" for key, _ in item.value
        ):
            fail(f"{path}.name", item, "each channel in a list needs a name")
        found.append((item, path, _channel_name(item, path, kind)))
    return found


def _channel_name(node: yaml.Node, path: str, default: str) -> str:
    if not isinstance(node, yaml.MappingNode):
        return default  # mapping reports what is wrong with it
    for key, value in node.value:
        if key.value == "name":
            name = string(value, f"{path}.name", "a channel name")
            if not _CHANNEL_NAME.fullmatch(name):
                fail(f"{path}.name", value, "use lower-case letters, digits, - and _")
            return name
    return default


def _channel_rules(
    values: dict[str, yaml.Node],
    path: str,
    topic_names: Sequence[str],
    claim_kinds: Sequence[str] = tuple(CLAIM_LABELS),
) -> ChannelRules:
    """The noise-control keys shared by every channel (issue 6)."""
    defaults = ChannelRules()
    timezone = defaults.timezone
    if "timezone" in values:
        timezone = string(values["timezone"], f"{path}.timezone", "a time zone name")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"{path}.timezone", values["timezone"], f"unknown time zone {timezone!r}")
    return ChannelRules(
        topics=(
            _names(values["topics"], f"{path}.topics", topic_names, "topic")
            if "topics" in values
            else None
        ),
        claims=(
            _names(values["claims"], f"{path}.claims", claim_kinds, "claim kind")
            if "claims" in values
            else None
        ),
        digest_minutes=(
            positive_int(values["digest_minutes"], f"{path}.digest_minutes", "minutes")
            if "digest_minutes" in values
            else defaults.digest_minutes
        ),
        rate_limit=(
            positive_int(values["rate_limit"], f"{path}.rate_limit", "messages per hour")
            if "rate_limit" in values
            else defaults.rate_limit
        ),
        quiet_hours=(
            _quiet_hours(values["quiet_hours"], f"{path}.quiet_hours")
            if "quiet_hours" in values
            else None
        ),
        timezone=timezone,
        story_notices=(
            _story_notices(values["story_notices"], f"{path}.story_notices")
            if "story_notices" in values
            else None
        ),
    )


def _story_notices(node: yaml.Node, path: str) -> int:
    """``{min_sources: 3}``: one notice when a story first has 3 distinct sources."""
    values = mapping(node, path, _STORY_NOTICE_KEYS)
    if "min_sources" not in values:
        fail(path, node, "needs min_sources (distinct sources that make a story worth a notice)")
    count = positive_int(values["min_sources"], f"{path}.min_sources", "sources")
    if count < 2:
        fail(f"{path}.min_sources", values["min_sources"], "expected 2 or more: every story has 1")
    return count


def _names(node: yaml.Node, path: str, known: Sequence[str], what: str) -> tuple[str, ...]:
    """A list of names, each one of ``known`` (a typo would silently drop alerts)."""
    names = terms(node, path)
    for index, name in enumerate(names):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            fail(f"{path}[{index}]", node.value[index], f"unknown {what} {name!r}", hint)
    return names


def _quiet_hours(node: yaml.Node, path: str) -> tuple[dt_time, dt_time]:
    """ "22:00-07:00" -> (22:00, 07:00); the interval may cross midnight."""
    text = string(node, path, "a time range like 22:00-07:00")
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = dt_time.fromisoformat(start_text), dt_time.fromisoformat(end_text)
    except ValueError:
        fail(path, node, f"expected a time range like 22:00-07:00, got {text!r}")
    if start == end:
        fail(path, node, "start and end are the same time")
    return start, end


def _timeout(values: dict[str, yaml.Node], path: str) -> float:
    if "timeout" not in values:
        return DEFAULT_CHANNEL_TIMEOUT
    return number(
        values["timeout"], f"{path}.timeout", "a positive number of seconds", 0.001, float("inf")
    )


def _email(
    node: yaml.Node,
    path: str,
    name: str,
    base: Path,
    topic_names: Sequence[str],
    claim_kinds: Sequence[str] = tuple(CLAIM_LABELS),
) -> EmailConfig:
    values = mapping(node, path, _EMAIL_KEYS)
    host = string(require(values, "host", path, node), f"{path}.host")
    sender = _address(require(values, "from", path, node), f"{path}.from")
    to_node = require(values, "to", path, node)
    if isinstance(to_node, yaml.SequenceNode):
        to = tuple(
            _address(item, f"{path}.to[{index}]")
            for index, item in enumerate(sequence(to_node, f"{path}.to"))
        )
        if not to:
            fail(f"{path}.to", to_node, "expected at least one address")
    else:
        to = (_address(to_node, f"{path}.to"),)
    tls = string(values["tls"], f"{path}.tls") if "tls" in values else "starttls"
    if tls not in TLS_MODES:
        fail(f"{path}.tls", values["tls"], f"expected one of {', '.join(TLS_MODES)}, got {tls!r}")
    if "password_env" in values and "password_file" in values:
        fail(
            f"{path}.password_file",
            values["password_file"],
            "give password_env or password_file, not both",
        )
    return EmailConfig(
        host=host,
        sender=sender,
        to=to,
        port=(
            positive_int(values["port"], f"{path}.port", "a TCP port") if "port" in values else 587
        ),
        tls=tls,
        username=string(values["username"], f"{path}.username") if "username" in values else None,
        password_env=(
            string(values["password_env"], f"{path}.password_env", "an environment variable name")
            if "password_env" in values
            else None
        ),
        password_file=(
            local_path(values["password_file"], f"{path}.password_file", base)
            if "password_file" in values
            else None
        ),
        ca_file=(
            local_path(values["ca_file"], f"{path}.ca_file", base) if "ca_file" in values else None
        ),
        timeout=_timeout(values, path),
        rules=_channel_rules(values, path, topic_names, claim_kinds),
        name=name,
    )


def _address(node: yaml.Node, path: str) -> str:
    address = string(node, path, "an email address")
    if "@" not in address:
        fail(path, node, f"not an email address: {address!r}")
    return address


def _slack(
    node: yaml.Node,
    path: str,
    name: str,
    base: Path,
    topic_names: Sequence[str],
    claim_kinds: Sequence[str] = tuple(CLAIM_LABELS),
) -> SlackConfig:
    values = mapping(node, path, _SLACK_KEYS)
    has_env, has_file = "webhook_url_env" in values, "webhook_url_file" in values
    if has_env == has_file:
        fail(path, node, "give exactly one of webhook_url_env or webhook_url_file")
    timeout = _timeout(values, path)
    rules = _channel_rules(values, path, topic_names, claim_kinds)
    if has_env:
        return SlackConfig(
            webhook_url_env=string(
                values["webhook_url_env"], f"{path}.webhook_url_env", "an environment variable name"
            ),
            timeout=timeout,
            rules=rules,
            name=name,
        )
    return SlackConfig(
        webhook_url_file=local_path(values["webhook_url_file"], f"{path}.webhook_url_file", base),
        timeout=timeout,
        rules=rules,
        name=name,
    )
