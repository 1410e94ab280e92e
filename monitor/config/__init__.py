"""Read and validate ``feeds.yaml``.

The smallest accepted file is::

    feeds:
      - url: https://www.example.org/rss.xml
        name: Example

Everything else has defaults. The full format (every key optional except ``feeds``)::

    feeds:                        # may be [] (feeds added with `monitor feeds add`, or
                                  # `ingest` only); `poll` and `run` need one somewhere
      - url: https://...          # http(s) URL, file:///absolute/path.xml, or a plain
                                  # path ending in .xml/.rss/.atom (relative paths are
                                  # resolved against this file's folder)
        name: Example             # default: the URL's host (a file's name for paths)
        interval: 900             # seconds between polls; default: poll.interval
        enabled: true
        lang: de                  # de | en | ru | ko; default: guessed per item
        fulltext: false           # true: fetch each new entry's page, extract its text
    topics:                       # default: the built-in rules (default_topics.yaml)
      - extends: default          # keep the built-in rules here (else they are replaced)
      - name: troops
        all: [[nordkorea, north korea], [russland, russia]]   # each group needs a term
        any: [soldat, troops]     # shorthand for one more group
        none: [olympia]           # no term may occur
      - name: wagner              # a group may give its terms per language
        all: [{en: [wagner], ru: [вагнер]}, {en: [africa, mali], de: [afrika, mali]}]
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

from collections.abc import Sequence
from pathlib import Path

import yaml

from monitor.config.channels import read_alerts
from monitor.config.model import (
    DEFAULT_STORY_WINDOW_HOURS,
    AlertsConfig,
    ChannelRules,
    Config,
    EmailConfig,
    PollConfig,
    SlackConfig,
    TopicSet,
)
from monitor.config.nodes import bounded, mapping, positive_int, require
from monitor.config.sections import (
    builtin_topics,
    read_claims,
    read_divergence,
    read_feeds,
    read_poll,
    read_topics,
)
from monitor.errors import ConfigError
from monitor.figures import CLAIM_LABELS
from monitor.types import DivergenceRules, FeedSpec

__all__ = [
    "AlertsConfig",
    "ChannelRules",
    "Config",
    "EmailConfig",
    "PollConfig",
    "SlackConfig",
    "TopicSet",
    "builtin_topics",
    "from_feeds",
    "load",
    "topics_in_force",
]

# A feeds.yaml larger than this is refused before it is parsed (a feed takes ~100).
MAX_CONFIG_CHARS = 16_000_000
_TOP_KEYS = ("feeds", "topics", "divergence", "story_window_hours", "alerts", "poll", "claims")


def from_feeds(feeds: Sequence[FeedSpec]) -> Config:
    """A configuration built in code: these feeds, everything else at its default."""
    return Config(feeds=tuple(feeds))


def topics_in_force(config: Config) -> TopicSet:
    """The topic rules ``config`` applies: its own, or the built-in ones."""
    if config.topics is None:
        return builtin_topics()
    return TopicSet(config.topics, config.topic_languages)


def load(path: Path) -> Config:
    """Read and validate a feeds.yaml; raise ConfigError with one line on any problem."""
    try:
        with path.open(encoding="utf-8") as handle:  # never more than the cap, whatever it is
            text = handle.read(MAX_CONFIG_CHARS + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError(
            f"{path}: more than {MAX_CONFIG_CHARS:,} characters; a configuration is at most"
            " that (100,000 feeds fit in it)"
        )
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError as exc:
        raise ConfigError(f"{path}: invalid YAML: nested too deeply") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{path}: invalid YAML: {problem}{where}") from exc
    except yaml.reader.ReaderError as exc:  # its text spans lines and names no file
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        raise ConfigError(
            f"{path}: invalid YAML: character U+{code:04X} (position {exc.position})"
            " is not allowed in YAML"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from exc
    if root is None:
        raise ConfigError(f"{path}: the file is empty; it needs at least a `feeds:` list")
    bounded(root, path)
    return _config(root, path.resolve().parent, path)


def _config(root: yaml.Node, base: Path, source: Path) -> Config:
    """The whole file. Sections are read in the order their checks need: poll first (its
    interval is every feed's default), topics and claims before alerts (filters name them)."""
    values = mapping(root, "", _TOP_KEYS)
    poll = read_poll(values["poll"]) if "poll" in values else PollConfig()
    feeds_node = require(values, "feeds", "", root)
    topics = read_topics(values["topics"]) if "topics" in values else None
    topic_names = tuple(rule.name for rule in (topics or builtin_topics()).rules)
    claims = read_claims(values["claims"]) if "claims" in values else ()
    # an alert filter may name a kind defined under `claims:` as well as a shipped one
    claim_kinds = (*CLAIM_LABELS, *dict.fromkeys(terms.kind for terms in claims))
    return Config(
        feeds=read_feeds(feeds_node, base, poll.interval),
        topics=topics.rules if topics else None,
        topic_languages=topics.languages if topics else (),
        divergence=(
            read_divergence(values["divergence"]) if "divergence" in values else DivergenceRules()
        ),
        story_window_hours=(
            positive_int(values["story_window_hours"], "story_window_hours", "hours", 87_600)
            if "story_window_hours" in values
            else DEFAULT_STORY_WINDOW_HOURS
        ),
        alerts=(
            read_alerts(values["alerts"], base, topic_names, claim_kinds)
            if "alerts" in values
            else AlertsConfig()
        ),
        poll=poll,
        source=source,
        claims=claims,
    )
