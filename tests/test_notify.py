"""Alert messages and channels: escaping, sizes, noise rules, real SMTP and webhook peers,
and the outbox loop over a real store (backoff, a dead channel, claims)."""

from __future__ import annotations

import json
import time as clock
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from mailservers import Reply, free_port, smtp_server, webhook_server

from monitor.config import ChannelRules, EmailConfig, SlackConfig, load
from monitor.errors import ConfigError
from monitor.ingest import ingest_paths
from monitor.notify import noise
from monitor.notify.channel import ChannelDown, ChannelRefused
from monitor.notify.email import QUIT_WAIT_SECONDS, EmailChannel
from monitor.notify.message import notice_view, subject, text_body, view
from monitor.notify.outbox import Outbox, backoff, message_id
from monitor.notify.slack import SlackChannel, escape, payload
from monitor.pipeline import Pipeline
from monitor.store import Store

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
HOSTILE = "<!channel> <!here> @everyone <https://evil.example|click> & <@U123>"


def figure(source: str, low: int, high: int, hedge: str | None = None, **extra: Any) -> dict:
    return {
        "source": source,
        "claim": "troops",
        "low": low,
        "high": high,
        "hedge": hedge,
        "text": f"{low} troops",
        "url": "https://example.org/a?x=1&y=2",
        "published": "2025-06-18T05:45:00+00:00",
        "attribution": None,
        "title": "A title",
        **extra,
    }


def alert(alert_id: int = 1, **new_extra: Any) -> dict:
    return {
        "id": alert_id,
        "claim": "troops",
        "created": "2025-06-18T05:45:00+00:00",
        "reason": "about 14,000 does not fit 10,000–12,000 (Source B)",
        "new": {**figure("Source A", 14_000, 14_000), **new_extra},
        "previous": [figure("Source B", 10_000, 12_000, "between")],
        "topic": "russia-north-korea",
    }


# --------------------------------------------------------------------------- messages


def test_subject_names_the_claim_and_both_numbers() -> None:
    assert subject([view(alert())]) == "Troops: 14,000 (Source A) vs 10,000–12,000 (Source B)"
    digest = subject([view(alert(1)), view(alert(2))])
    assert digest == "2 figures disagree: Troops"


def test_subject_reads_like_the_issue_when_figures_name_whose_and_where() -> None:
    scoped = alert(scope="north_korean", place="russia")
    assert subject([view(scoped)]) == (
        "North Korean troops in Russia: 14,000 (Source A) vs 10,000–12,000 (Source B)"
    )
    killed = {**alert(scope="north_korean", claim="killed"), "claim": "killed"}
    assert subject([view(killed)]).startswith("North Korean soldiers killed: 14,000")
    assert subject([view({**alert(), "claim": "troops/increment"})]).startswith(
        "Additional troops: "
    )


def test_text_body_quotes_and_links() -> None:
    body = text_body([view(alert(attribution="Kyiv"))])
    assert "New: 14,000 — Source A, 2025-06-18" in body
    assert "“14000 troops”" in body and "according to Kyiv" in body
    assert "https://example.org/a?x=1&y=2" in body


def test_only_http_links_survive() -> None:
    v = view(alert(url="javascript:alert(1)"))
    assert v.new.url is None


def test_slack_escaping_defuses_mentions_and_links() -> None:
    text = escape(HOSTILE)
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&lt;https://evil.example|click&gt;" in text
    assert "@everyone" not in text and "@\u2060everyone" in text
    assert "&amp;" in text
    assert escape("desk@example.org") == "desk@example.org"  # addresses stay intact


def test_slack_payload_from_a_hostile_title_pings_nobody() -> None:
    body = payload([view(alert(title=HOSTILE, source=HOSTILE, text=HOSTILE))])
    raw = json.dumps(body, ensure_ascii=False)
    for mention in ("<!channel>", "<!here>", "<@U123>", "<https://evil", "@everyone"):
        assert mention not in raw
    # Our own link is the only link, with & escaped as Slack asks.
    assert "<https://example.org/a?x=1&amp;y=2|" in raw


def test_slack_payload_stays_within_limits() -> None:
    long = "x" * 10_000 + " & " * 2_000
    many = [
        {**alert(i, text=long, title=long), "previous": [figure(f"S{j}", j, j) for j in range(9)]}
        for i in range(1, 7)
    ]
    body = payload([view(a) for a in many])
    assert len(body["blocks"]) <= 50
    assert len(body["blocks"][0]["text"]["text"]) <= 150
    for block in body["blocks"]:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000
        assert not text.endswith("&am…")
    assert len(body["text"]) <= 3000


# --------------------------------------------------------------------------- noise


def test_quiet_hours_across_midnight_in_a_time_zone() -> None:
    rules = ChannelRules(quiet_hours=(time(22), time(7)), timezone="Europe/Berlin")
    night = datetime(2025, 6, 18, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    assert noise.quiet_until(night, rules) == datetime(2025, 6, 19, 5, 0, tzinfo=UTC)
    assert noise.quiet_until(datetime(2025, 6, 18, 10, 0, tzinfo=UTC), rules) is None


def test_rate_limit_and_batches() -> None:
    now = datetime(2025, 6, 18, 12, tzinfo=UTC)
    rules = ChannelRules(rate_limit=2)
    sent = [now - timedelta(minutes=50), now - timedelta(minutes=10)]
    assert noise.allowance(sent, now, rules) == (0, now + timedelta(minutes=10))
    assert noise.allowance(sent[1:], now, rules) == (1, now)
    assert noise.batches([1, 2], 5, 10, digest=False) == [[1], [2]]
    assert noise.batches([1, 2, 3], 2, 10, digest=False) == [[1, 2, 3]]  # one digest
    assert noise.batches([1, 2, 3], 5, 2, digest=True) == [[1, 2], [3]]


def test_topics_and_claims_filter() -> None:
    assert noise.refusal(alert(), ChannelRules(claims=("killed",))) is not None
    assert (
        noise.refusal(alert(), ChannelRules(claims=("troops",), topics=("russia-north-korea",)))
        is None
    )


def test_backoff_grows_to_an_hour_and_message_ids_are_stable() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(50) == timedelta(hours=1)
    assert message_id([7], "abc", "example.org") == "<monitor.alert-7.abc@example.org>"
    assert message_id([2, 1], "abc", "x") == message_id([1, 2], "abc", "x")


def test_config_reads_channel_rules(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n"
        "  slack: {webhook_url_env: HOOK, claims: [troops, killed], digest_minutes: 15,\n"
        "          rate_limit: 4, quiet_hours: '22:00-07:00', timezone: Europe/Berlin}\n"
    )
    rules = load(path).alerts.slack[0].rules
    assert rules.claims == ("troops", "killed") and rules.digest_minutes == 15
    assert rules.quiet_hours == (time(22), time(7)) and rules.rate_limit == 4
    path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n"
        "  slack: {webhook_url_env: HOOK, claims: [trops]}\n"
    )
    with pytest.raises(
        ConfigError,
        match=r"alerts.slack.claims\[0\]: unknown claim kind 'trops' \(line 3\);"
        r" did you mean 'troops'",
    ):
        load(path)


# --------------------------------------------------------------------------- channels


def email_config(port: int, **extra: Any) -> EmailConfig:
    settings: dict[str, Any] = {"tls": "none", "timeout": 5, **extra}
    return EmailConfig(
        host="127.0.0.1", port=port, sender="monitor@example.org", to=("desk@example.org",),
        **settings,
    )  # fmt: skip


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_email_over_tls_with_login(
    tls: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PW", "s3cret")
    with smtp_server(tls=tls, login=("desk", "s3cret"), certs_dir=tmp_path) as smtp:
        config = email_config(
            smtp.port, tls=tls, username="desk", password_env="SMTP_PW", ca_file=smtp.cert
        )
        receipt = EmailChannel(config).send([view(alert())], "<monitor.alert-1.x@example.org>")
        assert receipt == "sent to desk@example.org"
        [message] = smtp.messages
        assert smtp.recorder.logins == ["desk"]
    assert message["Subject"] == "Troops: 14,000 (Source A) vs 10,000–12,000 (Source B)"
    assert message["Message-ID"] == "<monitor.alert-1.x@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "“14000 troops”" in text
    assert '<a href="https://example.org/a?x=1&amp;y=2">Source A</a>' in html


def test_email_wrong_password_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PW", "wrong")
    with smtp_server(tls="starttls", login=("desk", "s3cret"), certs_dir=tmp_path) as smtp:
        config = email_config(
            smtp.port, tls="starttls", username="desk", password_env="SMTP_PW", ca_file=smtp.cert
        )
        with pytest.raises(ChannelRefused, match="SMTP 535"):
            EmailChannel(config).send([view(alert())], "<x@y>")


def test_email_temporary_refusal_and_closed_port_are_retryable() -> None:
    with smtp_server() as smtp:
        smtp.refuse = (451, "4.3.0 try again later")
        with pytest.raises(ChannelDown, match="SMTP 451"):
            EmailChannel(email_config(smtp.port)).send([view(alert())], "<x@y>")
    with pytest.raises(ChannelDown, match="cannot reach"):
        EmailChannel(email_config(free_port())).send([view(alert())], "<x@y>")


def test_email_accepted_is_sent_whatever_quit_takes() -> None:
    """The server answered 250 and takes 30 s to answer QUIT: send returns within about a
    second (the outbox marks it then; a kill meanwhile would send it again)."""
    with smtp_server() as smtp:
        smtp.recorder.quit_delay = 30
        started = clock.monotonic()
        receipt = EmailChannel(email_config(smtp.port, timeout=20)).send([view(alert())], "<x@y>")
        took = clock.monotonic() - started
        smtp.recorder.quit_delay = 0
    assert receipt == "sent to desk@example.org" and len(smtp.messages) == 1
    assert took < QUIT_WAIT_SECONDS + 3, took


def slack_config(monkeypatch: pytest.MonkeyPatch, url: str, timeout: float = 5) -> SlackConfig:
    monkeypatch.setenv("HOOK", url)
    return SlackConfig(webhook_url_env="HOOK", timeout=timeout)


def test_slack_429_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    with webhook_server() as hook:
        hook.replies.append(Reply(429, "rate_limited", {"Retry-After": "1"}))
        waited: list[float] = []
        SlackChannel(slack_config(monkeypatch, hook.url), sleep=waited.append).send(
            [view(alert())], "m"
        )
        assert len(hook.payloads) == 1 and len(hook.times) == 2
        assert waited == [1.0]  # waited out before the second POST
        hook.replies.append(Reply(429, "rate_limited", {"Retry-After": "120"}))
        with pytest.raises(ChannelDown) as caught:
            SlackChannel(slack_config(monkeypatch, hook.url)).send([view(alert())], "m")
        assert caught.value.retry_after == 120


def test_slack_errors_never_show_the_webhook_url(monkeypatch: pytest.MonkeyPatch) -> None:
    with webhook_server() as hook:
        hook.replies.append(Reply(404, "no_service"))
        with pytest.raises(ChannelRefused, match="HTTP 404: no_service"):
            SlackChannel(slack_config(monkeypatch, hook.url)).send([view(alert())], "m")
        hook.delay = 2
        with pytest.raises(ChannelDown, match="no answer within 0.2 s") as caught:
            SlackChannel(slack_config(monkeypatch, hook.url, 0.2)).send([view(alert())], "m")
        assert "secret" not in str(caught.value)


# --------------------------------------------------------------------------- the outbox


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store_with_alert(tmp_path: Path) -> Iterator[Store]:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n"
        "  email: {host: 127.0.0.1, from: m@example.org, to: [d@example.org]}\n"
        "  slack: {webhook_url_env: HOOK}\n"
    )
    with Store.open(tmp_path / "state") as store:
        ingest_paths(Pipeline(store, load(config_path)), sorted(ARTICLES.glob("*.txt")))
        yield store


def test_a_dead_channel_waits_and_does_not_hold_up_the_other(
    store_with_alert: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = store_with_alert, Clock()
    with smtp_server() as smtp, webhook_server() as hook:
        hook.replies.append(Reply(500, "internal error"))
        channels = {
            "email": (EmailChannel(email_config(smtp.port)), ChannelRules()),
            "slack": (SlackChannel(slack_config(monkeypatch, hook.url)), ChannelRules()),
        }
        outbox = Outbox(store, channels, clock)
        email, slack = outbox.deliver()
        assert (email.sent, slack.sent, slack.waiting) == (1, 0, 1)
        assert slack.error is not None and slack.error.startswith("HTTP 500: internal error")
        [pending] = store.outbox()
        assert (pending["channel"], pending["status"], pending["attempts"]) == (
            "slack",
            "pending",
            1,
        )
        assert outbox.deliver()[1].sent == 0  # not due before the backoff ends
        clock.now += timedelta(seconds=31)
        assert [r.sent for r in outbox.deliver()] == [0, 1]
        assert len(smtp.messages) == 1 and len(hook.payloads) == 1
    assert store.outbox() == []


def test_refusal_marks_failed_until_retry(
    store_with_alert: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = store_with_alert, Clock()
    with webhook_server() as hook:
        hook.replies.append(Reply(400, "invalid_payload"))
        outbox = Outbox(
            store,
            {"slack": (SlackChannel(slack_config(monkeypatch, hook.url)), ChannelRules())},
            clock,
        )
        [report] = outbox.deliver()
        assert report.failed == 1
        [row] = [r for r in store.outbox() if r["channel"] == "slack"]
        assert (row["status"], row["last_error"]) == ("failed", "HTTP 400: invalid_payload")
        assert outbox.deliver()[0].sent == 0
        assert store.retry_deliveries(clock.now, [row["id"]]) == 1
        assert outbox.deliver()[0].sent == 1


def test_a_claim_of_a_live_sender_is_respected_and_a_dead_ones_is_not(
    store_with_alert: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = store_with_alert, Clock()
    with webhook_server() as hook:
        outbox = Outbox(
            store,
            {"slack": (SlackChannel(slack_config(monkeypatch, hook.url)), ChannelRules())},
            clock,
        )
        [row] = store.due_deliveries("slack", clock.now)
        store.claim_deliveries(
            [(row["id"], None)], outbox.owner, clock.now, clock.now + timedelta(minutes=5)
        )
        assert outbox.deliver()[0].sent == 0  # we (alive) hold it
        # A process id that cannot exist on this host: its claim is void at once.
        store._db.execute("UPDATE outbox SET claimed_by = ?", [f"{outbox_host()}:999999999"])
        outbox.owner = "me:1"
        assert outbox.deliver()[0].sent == 1
        assert len(hook.payloads) == 1


def outbox_host() -> str:
    import socket

    return socket.gethostname()


def test_digest_collects_then_sends_one_message(
    store_with_alert: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = store_with_alert, Clock()
    with webhook_server() as hook:
        rules = ChannelRules(digest_minutes=10)
        outbox = Outbox(
            store, {"slack": (SlackChannel(slack_config(monkeypatch, hook.url)), rules)}, clock
        )
        [report] = outbox.deliver()
        assert report.sent == 0 and report.note and report.note.startswith("digest goes out at")
        clock.now += timedelta(minutes=11)
        assert outbox.deliver()[0].sent == 1
        assert len(hook.payloads) == 1


def test_quiet_hours_hold_and_filtered_claims_are_recorded(
    store_with_alert: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = store_with_alert, Clock()
    with webhook_server() as hook:
        start = (clock.now - timedelta(hours=1)).time().replace(tzinfo=None, microsecond=0)
        end = (clock.now + timedelta(hours=1)).time().replace(tzinfo=None, microsecond=0)
        quiet = ChannelRules(quiet_hours=(start, end))
        outbox = Outbox(
            store, {"slack": (SlackChannel(slack_config(monkeypatch, hook.url)), quiet)}, clock
        )
        assert outbox.deliver()[0].note.startswith("quiet hours until")  # type: ignore[union-attr]
        outbox.channels["slack"] = (
            outbox.channels["slack"][0],
            replace(quiet, quiet_hours=None, claims=("killed",)),
        )
        assert outbox.deliver()[0].filtered == 1
        assert hook.payloads == []
    [row] = [r for r in store.outbox(include_delivered=True) if r["channel"] == "slack"]
    assert row["status"] == "filtered" and "claim 'troops'" in row["last_error"]


# --------------------------------------------------------------------------- story notices


def notice(title: str = "Kim sends deminers to Kursk", **extra: Any) -> dict:
    item = {"title": title, "url": "https://example.org/n", "lang": "en"}
    return {
        "id": 1,
        "story_id": 2,
        "sources": 3,
        "title": title,
        "created": "2025-06-18T05:45:00+00:00",
        "topic": "russia-north-korea",
        "items": [
            {**item, "id": 4, "source": "North Wire", "published": "2025-06-17T08:00:00+00:00"},
            {**item, "id": 5, "source": "Courier", "published": "2025-06-17T09:00:00+00:00",
             "duplicate_of": 4},
            {**item, "id": 6, "source": "Rheinblick", "published": "2025-06-18T05:45:00+00:00",
             "lang": "de"},
        ],
        "figures": [
            {**figure("Rheinblick", 14_000, 14_000, "about"), "claim_key": "troops"},
            {**figure("North Wire", 10_000, 12_000, "between"), "claim_key": "troops",
             "scope": "north_korean", "published": "2025-06-17T08:00:00+00:00"},
        ],
        **extra,
    }  # fmt: skip


def test_story_notice_reads_at_a_glance() -> None:
    v = notice_view(notice())
    assert subject([v]) == "New story, 3 sources: Kim sends deminers to Kursk"
    body = text_body([v])
    assert "Now carried by 3 outlets (1 reprint) in de, en:" in body
    assert "- Courier, 2025-06-17 (reprint of North Wire): Kim sends deminers to Kursk" in body
    assert "- North Korean troops: 10,000–12,000 (North Wire), about 14,000 (Rheinblick)" in body
    mixed = subject([view(alert()), v, notice_view(notice(id=2, story_id=3))])
    assert mixed == "1 figure disagrees: Troops · 2 new stories"


def test_story_notice_in_slack_pings_nobody() -> None:
    body = payload([notice_view(notice(HOSTILE))])
    raw = json.dumps(body, ensure_ascii=False)
    for mention in ("<!channel>", "<!here>", "<@U123>", "<https://evil", "@everyone"):
        assert mention not in raw
    assert "*<https://example.org/n|North Wire>* · 2025-06-17:" in raw
    assert len(body["blocks"]) == 4  # header, articles, figures, context


def test_claims_do_not_filter_story_notices_but_topics_do() -> None:
    rules = ChannelRules(claims=("killed",))
    assert noise.refusal(notice(), rules) is None
    assert noise.refusal(notice(), replace(rules, topics=("other",))) is not None


def test_config_story_notices(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    base = "feeds: [{url: https://example.org/rss.xml}]\nalerts:\n"
    path.write_text(base + "  slack: {webhook_url_env: HOOK, story_notices: {min_sources: 4}}\n")
    assert load(path).alerts.story_notices() == {"slack": 4}
    path.write_text(base + "  slack: {webhook_url_env: HOOK, story_notices: {min_sources: 1}}\n")
    with pytest.raises(ConfigError, match="story_notices.min_sources: expected 2 or more"):
        load(path)


def notices_store(tmp_path: Path, email: int, slack: int) -> Store:
    config_path = tmp_path / "feeds.yaml"
    config_path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n"
        "  email: {host: 127.0.0.1, from: m@example.org, to: [d@example.org],"
        f" story_notices: {{min_sources: {email}}}}}\n"
        f"  slack: {{webhook_url_env: HOOK, story_notices: {{min_sources: {slack}}}}}\n"
    )
    store = Store.open(tmp_path / "state")
    ingest_paths(Pipeline(store, load(config_path)), sorted(ARTICLES.glob("*.txt")))
    return store


def test_a_notice_is_queued_with_the_item_that_crossed_each_channels_threshold(
    tmp_path: Path,
) -> None:
    with notices_store(tmp_path, email=2, slack=3) as store:
        rows = [r for r in store.outbox() if r["notice_id"] is not None]
        assert [(r["channel"], r["story_id"], r["claim"]) for r in rows] == [
            ("email", 1, "story"),
            ("slack", 1, "story"),
        ]
        assert rows[0]["reason"] == "story 1 reached 2 sources"
        assert rows[1]["reason"] == "story 1 reached 3 sources"
        # Each notice names the item that crossed: its own transaction wrote the row.
        [slack_due] = [r for r in store.due_deliveries("slack", datetime.now(UTC)) if "notice" in r]
        notice_row = slack_due["notice"]
        assert notice_row["items"][-1]["source"] == "03-abendkurier-nachdruck"
        assert [i["source"] for i in notice_row["items"]][:2] == ["01-ostpresse", "02-abendkurier"]
        # The same articles again (other guids would be new items of known sources).
        ingest_paths(Pipeline(store, load(tmp_path / "feeds.yaml")), sorted(ARTICLES.glob("*.txt")))
        assert len([r for r in store.outbox() if r["notice_id"] is not None]) == 2


def test_a_digest_carries_alert_and_notice_in_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    with notices_store(tmp_path, email=3, slack=3) as store, webhook_server() as hook:
        rules = ChannelRules(digest_minutes=10, story_notices=3)
        outbox = Outbox(
            store, {"slack": (SlackChannel(slack_config(monkeypatch, hook.url)), rules)}, clock
        )
        assert outbox.deliver()[0].sent == 0
        clock.now += timedelta(minutes=11)
        [report] = outbox.deliver()
        assert (report.sent, report.notices, report.messages) == (2, 1, 1)
        assert report.summary() == "slack: 1 alert and 1 story notice sent in 1 message"
        [posted] = hook.payloads
        assert posted["text"] == "1 figure disagrees: North Korean troops in Kursk · 1 new story"
