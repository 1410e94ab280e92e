"""feeds.yaml loading: defaults, the full format, one-line errors with line numbers, secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor import config
from monitor.config import AlertsConfig, Config, EmailConfig, PollConfig, SlackConfig
from monitor.errors import ConfigError
from monitor.types import DivergenceRules, FeedSpec, TopicRule

REPO = Path(__file__).resolve().parents[1]

FULL = """\
feeds:
  - url: https://en.example.com/rss/northkorea.xml
    name: Example (en)
    interval: 600
    lang: en
  - url: https://www.example.de/ausland/index.rss
    enabled: false
    lang: de-DE
  - url: samples/local.xml
topics:
  - name: troops
    all: [[north korea, nordkorea], russia]
    any: [troops, soldat]
    none: [olympi]
  - {name: everything, match: all}
divergence:
  window_days: 90
  tolerance: {about: 0.2, exact: 0.05, more than: 0.1}
story_window_hours: 48
poll: {interval: 1200, timeout: 12.5, max_bytes: 1048576, concurrency: 4}
alerts:
  email:
    host: smtp.example.org
    port: 465
    tls: ssl
    username: monitor
    password_env: MONITOR_TEST_SMTP
    from: monitor@example.org
    to: desk@example.org
  slack:
    webhook_url_file: secrets/slack.url
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config.load(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_minimal_file(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds: [{url: 'https://example.org/feed.xml', name: Example}]\n")
    loaded = config.load(path)
    assert loaded == Config(
        feeds=(FeedSpec(url="https://example.org/feed.xml", name="Example", interval=900),),
        topics=None,
        divergence=DivergenceRules(),
        story_window_hours=72,
        alerts=AlertsConfig(),
        poll=PollConfig(interval=900, timeout=30.0, max_bytes=15 * 1024 * 1024, concurrency=10),
        source=path,
    )


def test_name_defaults_to_the_host(tmp_path: Path) -> None:
    loaded = config.load(write(tmp_path, "feeds:\n  - url: https://www.dw.com/rss\n"))
    assert loaded.feeds[0].name == "dw.com"


def test_full_file(tmp_path: Path) -> None:
    loaded = config.load(write(tmp_path, FULL))
    assert loaded.feeds == (
        FeedSpec(
            url="https://en.example.com/rss/northkorea.xml",
            name="Example (en)",
            interval=600,
            enabled=True,
            lang="en",
        ),
        FeedSpec(
            url="https://www.example.de/ausland/index.rss",
            name="example.de",
            interval=1200,
            enabled=False,
            lang="de",
        ),
        FeedSpec(
            url=(tmp_path / "samples" / "local.xml").resolve().as_uri(), name="local", interval=1200
        ),
    )
    assert loaded.topics == (
        TopicRule(
            name="troops",
            all_of=(("north korea", "nordkorea"), ("russia",), ("troops", "soldat")),
            none_of=("olympi",),
        ),
        TopicRule(name="everything", match_all=True),
    )
    assert loaded.divergence.window_days == 90
    assert loaded.divergence.tolerance_for(None) == 0.05
    assert loaded.divergence.tolerance_for("about") == 0.2
    assert loaded.divergence.tolerance_for("more than") == 0.1
    assert loaded.divergence.tolerance_for("up to") == 0.0
    assert loaded.story_window_hours == 48
    assert loaded.poll == PollConfig(interval=1200, timeout=12.5, max_bytes=1048576, concurrency=4)
    assert loaded.alerts.email == (
        EmailConfig(
            host="smtp.example.org",
            sender="monitor@example.org",
            to=("desk@example.org",),
            port=465,
            tls="ssl",
            username="monitor",
            password_env="MONITOR_TEST_SMTP",
        ),
    )
    assert loaded.alerts.slack == (
        SlackConfig(webhook_url_file=tmp_path.resolve() / "secrets" / "slack.url"),
    )


def test_from_feeds() -> None:
    feed = FeedSpec(url="file:///feeds/x.xml", name="x")
    built = config.from_feeds([feed])
    assert built.feeds == (feed,)
    assert (built.topics, built.source, built.poll) == (None, None, PollConfig())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "poll:\n  interval: soon\nfeeds: [{url: 'https://a.example/rss'}]\n",
            "poll.interval: expected a positive integer (seconds), got 'soon' (line 2)",
        ),
        (
            "feeds:\n  - url: https://a.example/rss\n    name: A\n    intervall: 60\n",
            "feeds[0].intervall: unknown key (line 4); did you mean 'interval'?",
        ),
        (
            "feeds:\n"
            "  - url: https://a.example/1\n  - url: https://a.example/2\n"
            "  - url: https://a.example/3\n"
            "  - name: four\n    url: gopher://a.example/4\n",
            "feeds[3].url: not an http(s) or file URL (line 6)",
        ),
        (
            "feeds:\n  - url: https://a.example/rss\n  - url: https://a.example/rss\n",
            "feeds[1].url: same URL as feeds[0] (line 3)",
        ),
        ("feeds:\n  - name: no url\n", "feeds[0].url: missing (line 2)"),
        ("feeds:\n", "feeds: expected a list, got nothing (line 1)"),
        (
            "feeds:\n  - url: https://a.example/rss\n    enabled: maybe\n",
            "feeds[0].enabled: expected true or false, got 'maybe' (line 3)",
        ),
        (
            "feeds:\n  - url: https://a.example/rss\n    lang: fr\n",
            "feeds[0].lang: expected one of de, en, ru, ko, got 'fr' (line 3)",
        ),
        (
            "feeds:\n  - url: https://a.example/rss\n    interval: -5\n",
            "feeds[0].interval: expected a positive integer (seconds), got '-5' (line 3)",
        ),
        (
            "feeds:\n  - url: notes.txt\n",
            "feeds[0].url: not an http(s) or file URL (line 2); "
            "local feed files must end in .xml, .rss, .atom",
        ),
        (
            "feeds: [{url: 'https://a.example/rss'}]\nfeeeds: []\n",
            "feeeds: unknown key (line 2); did you mean 'feeds'?",
        ),
        ("topics:\n  - {name: all, match: all}\n", "feeds: missing (line 1)"),
        (
            "feeds: [{url: 'https://a.example/rss'}]\ntopics:\n  - name: t\n    none: [x]\n",
            "topics[0]: needs `all`, `any` or `match: all` (line 3)",
        ),
        (
            "feeds: []\ntopics:\n  - {extends: default, name: mine}\n",
            "topics[0].name: `extends: default` stands alone in its entry (line 3); "
            "write your own topics as entries of their own",
        ),
        (
            "feeds: []\ntopics:\n  - extends: defaults\n",
            "topics[0].extends: the only accepted value is 'default', got 'defaults' (line 3)",
        ),
        (
            "feeds: []\ntopics:\n  - name: russia-north-korea\n    any: [x]\n"
            "  - extends: default\n",
            "topics[1].extends: topic 'russia-north-korea' is defined twice (line 5)",
        ),
        (
            "feeds: []\ntopics:\n  - name: t\n    all: [{en: [a], fr: [b]}]\n",
            "topics[0].all[0].fr: unknown key (line 4); expected one of de, en, ru, ko",
        ),
        (
            "feeds: []\ntopics:\n  - name: t\n    all: [{}]\n",
            "topics[0].all[0]: expected at least one term (line 4)",
        ),
        (
            "feeds: [{url: 'https://a.example/rss'}]\ndivergence:\n  tolerance: {roughly: 0.1}\n",
            "divergence.tolerance.roughly: unknown key (line 3); expected one of exact, about, "
            "between, more than, at least, up to, several",
        ),
        (
            "feeds: [{url: 'https://a.example/rss'}]\ndivergence:\n  tolerance: {about: 3}\n",
            "divergence.tolerance.about: expected a fraction between 0 and 1, got '3' (line 3)",
        ),
        ("- url: https://a.example/rss\n", "(top level): expected a mapping, got a list (line 1)"),
    ],
)
def test_error_messages(tmp_path: Path, text: str, message: str) -> None:
    assert load_error(tmp_path, text) == message


def test_no_feeds_is_valid(tmp_path: Path) -> None:
    """`feeds: []`: feeds kept in the database (`monitor feeds add`), or `ingest` only."""
    loaded = config.load(write(tmp_path, "feeds: []\n"))
    assert (loaded.feeds, loaded.topics) == ((), None)


def test_builtin_topic_is_data_read_like_a_topics_entry() -> None:
    builtin = config.builtin_topics()
    [rule] = builtin.rules
    assert rule.name == "russia-north-korea" and rule.none_of == () and not rule.match_all
    russia, north_korea = rule.all_of
    assert (russia[:3], russia[-1], len(russia)) == (
        ("russia", "moscow", "kremlin"),
        "라브로프",
        30,
    )
    assert "democratic people's republic of korea" in north_korea and len(north_korea) == 27
    languages = dict(builtin.languages)
    assert [languages[term] for term in ("lavrov", "lawrow", "кндр", "북한")] == [
        "en",
        "de",
        "ru",
        "ko",
    ]
    assert config.topics_in_force(config.from_feeds([])) == builtin


def test_topics_extend_the_builtin_rule_in_place(tmp_path: Path) -> None:
    text = (
        "feeds: []\n"
        "topics:\n"
        "  - name: wagner\n"
        "    all: [{en: [wagner], ru: [вагнер]}, [mali, africa]]\n"
        "  - extends: default\n"
        "  - {name: rest, match: all}\n"
    )
    loaded = config.load(write(tmp_path, text))
    assert loaded.topics == (
        TopicRule(name="wagner", all_of=(("wagner", "вагнер"), ("mali", "africa"))),
        *config.builtin_topics().rules,
        TopicRule(name="rest", match_all=True),
    )
    in_force = config.topics_in_force(loaded)
    assert in_force.rules == loaded.topics
    assert in_force.languages[:2] == (("wagner", "en"), ("вагнер", "ru"))
    assert in_force.languages[2:] == config.builtin_topics().languages


def test_alert_filters_name_the_builtin_topic_kept_by_extends(tmp_path: Path) -> None:
    text = (
        "feeds: []\ntopics:\n  - extends: default\n  - {name: mine, any: [x]}\n"
        "alerts:\n  slack: {webhook_url_env: HOOK, topics: [russia-north-korea, mine]}\n"
    )
    [slack] = config.load(write(tmp_path, text)).alerts.slack
    assert slack.rules.topics == ("russia-north-korea", "mine")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing but a comment\n")
    message = load_error(tmp_path, "# nothing but a comment\n")
    assert message == f"{path}: the file is empty; it needs at least a `feeds:` list"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = load_error(tmp_path, "feeds:\n  - url: https://a.example/rss\n    name: [oops\n")
    assert message.startswith(f"{tmp_path / 'feeds.yaml'}: invalid YAML: ")
    assert re.search(r"\(line [34]\)$", message), message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.yaml: cannot read: No such file"):
        config.load(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "  email: {host: h, from: a@b.c, to: d@e.f, password: hunter2}\n",
            "alerts.email.password: secrets are not accepted in the file (line 3); "
            "use password_env or password_file",
        ),
        (
            "  slack: {webhook_url: 'https://hooks.slack.com/services/T/B/X'}\n",
            "alerts.slack.webhook_url: secrets are not accepted in the file (line 3); "
            "use webhook_url_env or webhook_url_file",
        ),
    ],
)
def test_inline_secret_is_rejected(tmp_path: Path, block: str, message: str) -> None:
    text = "feeds: [{url: 'https://a.example/rss'}]\nalerts:\n" + block
    assert load_error(tmp_path, text) == message


def test_secret_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "feeds: [{url: 'https://a.example/rss'}]\nalerts:\n"
        "  email: {host: h, from: a@b.c, to: [d@e.f], password_env: MONITOR_TEST_PW}\n"
        "  slack: {webhook_url_env: MONITOR_TEST_HOOK}\n"
    )
    alerts = config.load(write(tmp_path, text)).alerts
    (email,), (slack,) = alerts.email, alerts.slack
    monkeypatch.delenv("MONITOR_TEST_HOOK", raising=False)
    with pytest.raises(ConfigError) as caught:
        slack.webhook_url()
    assert str(caught.value) == (
        "alerts.slack.webhook_url_env: environment variable MONITOR_TEST_HOOK is not set"
    )
    monkeypatch.setenv("MONITOR_TEST_HOOK", "https://hooks.example/abc")
    monkeypatch.setenv("MONITOR_TEST_PW", "s3cret")
    assert slack.webhook_url() == "https://hooks.example/abc"
    assert email.password() == "s3cret"


def test_secret_from_file(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "smtp").write_text("from-a-file\n")
    text = (
        "feeds: [{url: 'https://a.example/rss'}]\nalerts:\n"
        "  email: {host: h, from: a@b.c, to: d@e.f, password_file: secrets/smtp}\n"
        "  slack: {webhook_url_file: secrets/absent}\n"
    )
    alerts = config.load(write(tmp_path, text)).alerts
    (email,), (slack,) = alerts.email, alerts.slack
    assert email.password() == "from-a-file"
    with pytest.raises(ConfigError, match=r"^alerts\.slack\.webhook_url_file: cannot read "):
        slack.webhook_url()


def test_no_password_means_no_login(tmp_path: Path) -> None:
    text = (
        "feeds: [{url: 'https://a.example/rss'}]\n"
        "alerts:\n  email: {host: h, from: a@b.c, to: d@e.f}\n"
    )
    (email,) = config.load(write(tmp_path, text)).alerts.email
    assert email.password() is None


def test_shipped_feeds_yaml_loads() -> None:
    loaded = config.load(REPO / "feeds.yaml")
    assert len(loaded.feeds) >= 8
    assert {feed.lang for feed in loaded.feeds} == {"de", "en", "ru", "ko"}
    assert all(feed.url.startswith("https://") for feed in loaded.feeds)
    assert loaded.topics is None and loaded.alerts == AlertsConfig()


def test_shipped_examples_load_when_uncommented(tmp_path: Path) -> None:
    """The commented blocks in feeds.yaml are valid configuration once uncommented."""
    lines = []
    in_block = False
    for line in (REPO / "feeds.yaml").read_text(encoding="utf-8").splitlines():
        body = line.removeprefix("# ")
        starts_block = line.startswith("# ") and re.match(r"[a-z_]+:", body) is not None
        in_block = starts_block or (in_block and line.startswith("#   "))
        lines.append(body if in_block else line)
    loaded = config.load(write(tmp_path, "\n".join(lines) + "\n"))
    assert loaded.topics is not None
    assert [t.name for t in loaded.topics] == ["russia-north-korea", "troops", "everything"]
    assert loaded.alerts.email[0].password_env
    assert loaded.alerts.slack == (SlackConfig(webhook_url_env="SLACK_WEBHOOK_URL"),)
    assert loaded.divergence.window_days == 180


def test_several_channels_of_a_kind_each_with_a_unique_name(tmp_path: Path) -> None:
    text = (
        "feeds: [{url: 'https://a.example/rss'}]\nalerts:\n"
        "  email: {name: desk, host: h, from: a@b.c, to: d@e.f}\n"
        "  slack:\n"
        "    - {name: de-desk, webhook_url_env: HOOK_DE, topics: [russia-north-korea]}\n"
        "    - {name: osint, webhook_url_env: HOOK_OSINT, claims: [killed]}\n"
    )
    alerts = config.load(write(tmp_path, text)).alerts
    assert alerts.channels() == ("desk", "de-desk", "osint")
    assert [s.webhook_url_env for s in alerts.slack] == ["HOOK_DE", "HOOK_OSINT"]
    assert alerts.slack[1].rules.claims == ("killed",)
    assert alerts.slack[1].path == "alerts.slack[osint]"
    with pytest.raises(ConfigError, match=r"^alerts\.slack\[osint\]\.webhook_url_env: "):
        alerts.slack[1].webhook_url()


@pytest.mark.parametrize(
    ("slack", "message"),
    [
        (
            "[{webhook_url_env: A}]",
            "alerts.slack[0].name: each channel in a list needs a name (line 4)",
        ),
        (
            "[{name: Desk, webhook_url_env: A}]",
            "alerts.slack[0].name: use lower-case letters, digits, - and _ (line 4)",
        ),
        (
            "[{name: desk, webhook_url_env: A}]",
            "alerts.slack[desk].name: 'desk' is already the name of alerts.email[desk]",
        ),
        ("[]", "alerts.slack: expected at least one channel (line 4)"),
    ],
)
def test_channel_names_are_checked(tmp_path: Path, slack: str, message: str) -> None:
    text = (
        "feeds: [{url: 'https://a.example/rss'}]\nalerts:\n"
        "  email: {name: desk, host: h, from: a@b.c, to: d@e.f}\n"
        f"  slack: {slack}\n"
    )
    with pytest.raises(ConfigError) as caught:
        config.load(write(tmp_path, text))
    assert str(caught.value).startswith(message)
