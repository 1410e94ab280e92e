"""The ``alerts:`` section of ``feeds.yaml``: email and Slack channels, one or a named
list of each, with their rules (topics, claims, digests, rate limit, quiet hours, story
notices, updates), timeouts and where their secrets are."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Sequence
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from monitor.config.model import (
    DEFAULT_CHANNEL_TIMEOUT,
    TLS_MODES,
    AlertsConfig,
    ChannelRules,
    EmailConfig,
    SlackConfig,
)
from monitor.config.nodes import (
    boolean,
    fail,
    local_path,
    mapping,
    number,
    positive_int,
    require,
    sequence,
    string,
    terms,
)
from monitor.errors import ConfigError
from monitor.figures import CLAIM_LABELS

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
    "updates",
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


def read_alerts(
    node: yaml.Node,
    base: Path,
    topic_names: Sequence[str],
    claim_kinds: Sequence[str] = tuple(CLAIM_LABELS),
) -> AlertsConfig:
    """The channels under ``alerts:``; filters may name only known topics and claim
    kinds, and no two channels (of any kind) may share a name."""
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
            positive_int(values["digest_minutes"], f"{path}.digest_minutes", "minutes", 525_600)
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
        updates=(boolean(values["updates"], f"{path}.updates") if "updates" in values else True),
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
        values["timeout"], f"{path}.timeout", "a positive number of seconds", 0.001, 86_400.0
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
    has_password = "password_env" in values or "password_file" in values
    if tls == "none" and has_password and not _is_loopback(host):
        fail(
            f"{path}.tls",
            values["tls"],
            f"`none` would send the password in clear text to {host}",
            "use starttls or ssl; `tls: none` with a password is for a server on this"
            " machine only (localhost, 127.0.0.1, ::1)",
        )
    return EmailConfig(
        host=host,
        sender=sender,
        to=to,
        port=(
            positive_int(values["port"], f"{path}.port", "a TCP port", 65_535)
            if "port" in values
            else 587
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


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
