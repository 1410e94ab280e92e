"""What a read ``feeds.yaml`` is: the frozen configuration dataclasses, their defaults,
the names the format accepts, and reading a channel's secret when it sends."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlsplit

from monitor.errors import ConfigError
from monitor.logs import keep_secret
from monitor.types import ClaimTerms, DivergenceRules, FeedSpec, TopicRule

LANGUAGES = ("de", "en", "ru", "ko")
LOCAL_FEED_SUFFIXES = (".xml", ".rss", ".atom")
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_INTERVAL = 900  # seconds: four polls an hour is polite for news feeds
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 15 * 1024 * 1024  # the largest real news feeds are ~2-5 MiB
DEFAULT_CONCURRENCY = 10
# Issue 3 (polling): schedule bounds and politeness.
DEFAULT_MIN_INTERVAL = 60  # seconds: no feed is polled more often, whatever it says
DEFAULT_MAX_INTERVAL = 86400  # seconds: every feed polled at least daily; longest backoff
DEFAULT_JITTER = 0.1  # up to 10% of the interval added at random, so feeds do not fire together
DEFAULT_PER_HOST = 2  # fetches in flight at once to one host: what a polite crawler does
DEFAULT_FAILING_AFTER = 3  # failures in a row before a feed is shown as failing
DEFAULT_STORY_WINDOW_HOURS = 72
EXACT_HEDGE = "exact"  # how the config spells the "" (plain number) tolerance key
# Without a configured limit a channel sends at most this many messages an hour; what
# does not fit goes out as one digest (a first poll of a six-month backlog is one mail).
DEFAULT_RATE_LIMIT = 12
DEFAULT_CHANNEL_TIMEOUT = 20.0  # seconds for one SMTP session or webhook call


MAX_SECRET_CHARS = 4096  # a password or a webhook URL is far shorter


def _read_secret(field_path: str, env: str | None, file: Path | None) -> str | None:
    """The secret from the named environment variable or file; None when neither is named.
    No log line will show it (``monitor.logs.keep_secret``)."""
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(f"{field_path}_env: environment variable {env} is not set")
        return keep_secret(value)
    if file is not None:
        try:
            with file.open(encoding="utf-8") as handle:  # a secret is short: read no more
                value = handle.read(MAX_SECRET_CHARS + 1)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ConfigError(f"{field_path}_file: cannot read {file}: {reason}") from exc
        if len(value) > MAX_SECRET_CHARS:
            raise ConfigError(
                f"{field_path}_file: {file} holds more than {MAX_SECRET_CHARS:,} characters;"
                " it should hold the secret alone"
            )
        value = value.strip()
        if not value:
            raise ConfigError(f"{field_path}_file: {file} is empty")
        return keep_secret(value)
    return None


@dataclass(frozen=True)
class ChannelRules:
    """Which alerts a channel gets and how often (issue 6: noise control).

    ``topics``/``claims`` None = all. ``digest_minutes`` > 0 collects alerts for that
    long and sends one message. ``rate_limit`` caps messages per rolling hour; alerts
    that do not fit go out together as one digest. Nothing is sent during
    ``quiet_hours`` (local times in ``timezone``; the end is exclusive); what
    accumulated goes out when they end. ``story_notices``: when a story first reaches
    this many distinct sources (reprints count), one notice; None = no story notices.
    ``updates`` False: the channel is not sent updates, only contradictions and
    corrections (issue 12).
    """

    topics: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None
    digest_minutes: int = 0
    rate_limit: int = DEFAULT_RATE_LIMIT
    quiet_hours: tuple[dt_time, dt_time] | None = None
    timezone: str = "UTC"
    story_notices: int | None = None  # min_sources
    updates: bool = True  # issue 12: deliver updates (a running total that rose)


@dataclass(frozen=True)
class EmailConfig:
    """Where email alerts go. The password is read from the environment or a file."""

    host: str
    sender: str  # the `from:` key
    to: tuple[str, ...]
    port: int = 587
    tls: str = "starttls"  # "starttls" | "ssl" | "none"
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    ca_file: Path | None = None  # trust this CA (a private SMTP server's certificate)
    timeout: float = DEFAULT_CHANNEL_TIMEOUT
    rules: ChannelRules = field(default_factory=ChannelRules)
    name: str = "email"  # the channel's name in the outbox, `alerts test`, `doctor`

    @property
    def path(self) -> str:
        """Where it stands in feeds.yaml, for messages: alerts.email or alerts.email[desk]."""
        return _channel_path("email", self.name)

    def password(self) -> str | None:
        """The SMTP password, or None when none is configured (no login)."""
        return _read_secret(f"{self.path}.password", self.password_env, self.password_file)


@dataclass(frozen=True)
class SlackConfig:
    """A Slack incoming webhook; its URL is a secret read from the environment or a file."""

    webhook_url_env: str | None = None
    webhook_url_file: Path | None = None
    timeout: float = DEFAULT_CHANNEL_TIMEOUT
    rules: ChannelRules = field(default_factory=ChannelRules)
    name: str = "slack"  # the channel's name in the outbox, `alerts test`, `doctor`

    @property
    def path(self) -> str:
        """Where it stands in feeds.yaml, for messages: alerts.slack or alerts.slack[osint]."""
        return _channel_path("slack", self.name)

    def webhook_url(self) -> str:
        """The webhook URL: http(s), with a host and a valid port; ConfigError (which never
        shows the URL, a secret) otherwise."""
        url = _read_secret(f"{self.path}.webhook_url", self.webhook_url_env, self.webhook_url_file)
        if url is None:
            raise ConfigError(f"{self.path}: needs webhook_url_env or webhook_url_file")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (it raises ValueError for a bad port)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            valid = False
        if not valid:
            where = self.webhook_url_env or self.webhook_url_file
            raise ConfigError(
                f"{self.path}: the webhook URL in {where} is not an http(s) URL with a host and"
                " a valid port (copy the incoming-webhook URL from Slack's app settings)"
            )
        return url


def _channel_path(kind: str, name: str) -> str:
    return f"alerts.{kind}" if name == kind else f"alerts.{kind}[{name}]"


@dataclass(frozen=True)
class AlertsConfig:
    """The alert channels: any number of each kind, every one with its own name."""

    email: tuple[EmailConfig, ...] = ()
    slack: tuple[SlackConfig, ...] = ()

    def configured(self) -> tuple[EmailConfig | SlackConfig, ...]:
        return (*self.email, *self.slack)

    def channels(self) -> tuple[str, ...]:
        """The configured channels' names: each alert gets one outbox row per channel."""
        return tuple(channel.name for channel in self.configured())

    def story_notices(self) -> dict[str, int]:
        """Channel -> the number of sources at which a story gets a notice (issue 6)."""
        return {
            channel.name: channel.rules.story_notices
            for channel in self.configured()
            if channel.rules.story_notices is not None
        }


@dataclass(frozen=True)
class PollConfig:
    interval: int = DEFAULT_INTERVAL  # default seconds between polls of one feed
    timeout: float = DEFAULT_TIMEOUT  # total seconds allowed for one fetch
    max_bytes: int = DEFAULT_MAX_BYTES  # larger responses are aborted
    concurrency: int = DEFAULT_CONCURRENCY  # fetches in flight at once
    per_host: int = DEFAULT_PER_HOST  # fetches in flight at once to one host
    min_interval: int = DEFAULT_MIN_INTERVAL  # bounds of every feed's effective interval
    max_interval: int = DEFAULT_MAX_INTERVAL
    jitter: float = DEFAULT_JITTER  # fraction of the interval added at random
    failing_after: int = DEFAULT_FAILING_AFTER  # failures in a row that make a feed failing
    # Networks (CIDR) that links and redirects from feeds may reach (monitor.feeds.policy)
    allow_private: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSet:
    """Topic rules in the order they are tried (an item takes the first that matches), and
    for display, ``languages``: (term, language) for each term written under a language
    (``{en: [russia], de: [russland]}``); a term in a plain list has no entry."""

    rules: tuple[TopicRule, ...]
    languages: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Config:
    feeds: tuple[FeedSpec, ...]  # may be empty: feeds kept in the database, or ingest only
    topics: tuple[TopicRule, ...] | None = None  # None = the built-in topics
    divergence: DivergenceRules = field(default_factory=DivergenceRules)
    story_window_hours: int = DEFAULT_STORY_WINDOW_HOURS
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    poll: PollConfig = field(default_factory=PollConfig)
    source: Path | None = None  # the file this was read from
    claims: tuple[ClaimTerms, ...] = ()  # words added to the shipped claim lexicon
    topic_languages: tuple[tuple[str, str], ...] = ()  # TopicSet.languages of ``topics``
