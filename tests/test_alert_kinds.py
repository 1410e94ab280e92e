"""Issue 12: three kinds of alert (contradiction, update, correction), and what each
figure may be compared with: only asserted figures, per-period counts never with totals,
parts never above their wholes; a correction withdraws what no longer stands."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from mailservers import smtp_server
from sqlite_utils import Database

from monitor.cli import cli
from monitor.config import ChannelRules, EmailConfig, load
from monitor.errors import ConfigError
from monitor.figures.divergence import check, related_keys
from monitor.notify import noise
from monitor.notify.email import EmailChannel
from monitor.notify.message import subject, text_body, view
from monitor.notify.outbox import Outbox
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store, migrate
from monitor.types import (
    ASSERTED,
    CORRECTION,
    CUMULATIVE,
    DENIED,
    DISPATCH,
    HYPOTHETICAL,
    IN_PLACE,
    PART,
    PER_PERIOD,
    PROJECTED,
    RETRACTED,
    UPDATE,
    DivergenceRules,
    Figure,
    Item,
    Reported,
)

RULES = DivergenceRules()
T0 = datetime(2025, 2, 3, 6, tzinfo=UTC)


def fig(low: int, claim: str = "troops", hedge: str | None = None, **extra: Any) -> Figure:
    return Figure(claim=claim, low=low, high=low, hedge=hedge, text=f"{low:,}", **extra)


def seen(
    figure: Figure, source: str = "Seoul", at: datetime = T0 - timedelta(days=1), n: int = 1
) -> Reported:
    return Reported(n, n, 1, source, None, at, figure)


# --- only asserted figures are compared --------------------------------------------------


@pytest.mark.parametrize("modality", [PROJECTED, DENIED, HYPOTHETICAL, RETRACTED])
def test_a_figure_not_asserted_never_alerts(modality: str) -> None:
    earlier = [seen(fig(11000))]
    assert check(fig(100000, modality=modality), earlier, RULES, published=T0) is None


@pytest.mark.parametrize("modality", [PROJECTED, DENIED, HYPOTHETICAL, RETRACTED])
def test_a_figure_not_asserted_never_excuses_a_later_contradiction(modality: str) -> None:
    asserted = seen(fig(11000), n=1)
    projected = seen(fig(100000, modality=modality), source="Kyiv", n=2)
    found = check(fig(100000), [asserted, projected], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"
    assert found.contradicts == (asserted,)
    assert found.reason == "100,000 does not fit 11,000 (Seoul)"


# --- per-period counts are their own claims ---------------------------------------------


def test_a_per_period_count_is_never_compared_with_a_total() -> None:
    weekly = fig(150, "killed", basis=PER_PERIOD, period="week")
    assert weekly.claim_key == "killed/per_week"
    assert check(weekly, [seen(fig(300, "killed"))], RULES, published=T0) is None
    total = fig(40, "killed")
    assert check(total, [seen(weekly)], RULES, published=T0) is None


def test_per_period_counts_compare_only_within_one_period() -> None:
    daily = fig(40, "killed", basis=PER_PERIOD, period="day")
    same_day = seen(fig(400, "killed", basis=PER_PERIOD, period="day"), at=T0 - timedelta(hours=3))
    last_week = seen(fig(400, "killed", basis=PER_PERIOD, period="day"), at=T0 - timedelta(days=7))
    assert check(daily, [last_week], RULES, published=T0) is None
    assert check(daily, [same_day], RULES, published=T0) is not None


# --- places and casualty kinds: parts and wholes ----------------------------------------


def test_a_part_smaller_than_its_whole_is_consistent() -> None:
    in_russia = seen(fig(14000, place="russia"))
    assert check(fig(11000, place="kursk"), [in_russia], RULES, published=T0) is None
    in_kursk = seen(fig(11000, place="kursk"))
    assert check(fig(14000, place="russia"), [in_kursk], RULES, published=T0) is None


def test_a_part_larger_than_its_whole_diverges_either_way_round() -> None:
    in_russia = seen(fig(11000, place="russia"))
    found = check(fig(14000, place="kursk"), [in_russia], RULES, published=T0)
    assert found is not None and found.contradicts == (in_russia,)
    assert found.reason == "14,000 troops in Kursk is more than 11,000 troops in Russia (Seoul)"
    in_kursk = seen(fig(14000, place="kursk"))
    found = check(fig(11000, place="russia"), [in_kursk], RULES, published=T0)
    assert found is not None
    assert found.reason == "11,000 troops in Russia is less than 14,000 troops in Kursk (Seoul)"


def test_places_apart_are_never_compared() -> None:
    assert check(fig(500, place="ukraine"), [seen(fig(11000, place="kursk"))], RULES) is None


def test_killed_is_at_most_killed_or_wounded() -> None:
    casualties = seen(fig(3000, "killed_or_wounded"))
    assert check(fig(300, "killed"), [casualties], RULES, published=T0) is None
    found = check(fig(5000, "killed"), [casualties], RULES, published=T0)
    assert found is not None
    assert found.reason == "5,000 killed is more than 3,000 killed or wounded (Seoul)"
    killed = seen(fig(300, "killed"))
    assert check(fig(200, "killed_or_wounded"), [killed], RULES, published=T0) is not None
    assert check(fig(200, "captured"), [killed, casualties], RULES, published=T0) is None


def test_a_whole_never_excuses_a_same_quantity_contradiction() -> None:
    killed, casualties = seen(fig(300, "killed"), n=1), seen(fig(10000, "killed_or_wounded"), n=2)
    found = check(fig(5000, "killed"), [killed, casualties], RULES, published=T0)
    assert found is not None and found.contradicts == (killed,)


def test_related_keys_are_asked_for_with_their_suffix() -> None:
    assert related_keys("killed") == ("killed", "killed_or_wounded")
    assert related_keys("killed_or_wounded/per_week") == (
        "killed_or_wounded/per_week",
        "killed/per_week",
        "wounded/per_week",
    )
    assert related_keys("troops") == ("troops",)


def test_the_part_of_a_partitive_is_at_most_its_same_claim_total() -> None:
    total = seen(fig(11000))
    assert check(fig(2000, role=PART), [total], RULES, published=T0) is None
    assert check(fig(20000, role=PART), [total], RULES, published=T0) is not None
    # 300 killed (the part of "300 of the 11,000") is compared with killed as usual
    assert check(fig(300, "killed", role=PART), [seen(fig(300, "killed"))], RULES) is None


# --- update or contradiction: time --------------------------------------------------------


def test_a_running_total_weeks_later_and_larger_is_an_update() -> None:
    earlier = seen(fig(11000), at=datetime(2024, 11, 5, 6, tzinfo=UTC))
    found = check(fig(14000), [earlier], RULES, published=T0, source="Seoul")
    assert found is not None and found.kind == UPDATE
    assert found.contradicts == (earlier,)
    assert found.reason == "rose from 11,000 (5 Nov, Seoul) to 14,000 (3 Feb, Seoul), +27%"


def test_within_days_or_falling_or_without_a_time_it_is_a_contradiction() -> None:
    two_days = seen(fig(11000), at=T0 - timedelta(days=2))
    assert check(fig(14000), [two_days], RULES, published=T0).kind == "contradiction"  # type: ignore[union-attr]
    weeks_ago_larger = seen(fig(14000), at=T0 - timedelta(days=60))
    falling = check(fig(11000), [weeks_ago_larger], RULES, published=T0)
    assert falling is not None and falling.kind == "contradiction"
    weeks_ago = seen(fig(11000), at=T0 - timedelta(days=60))
    assert check(fig(14000), [weeks_ago], RULES).kind == "contradiction"  # type: ignore[union-attr]


def test_a_running_total_that_says_so_is_an_update_days_later() -> None:
    """A toll marked as a running total grows by the day: nine days later and larger is
    an update; the same day, or falling, or beside a count in place, a contradiction."""
    nine_days = seen(fig(300, "killed"), at=T0 - timedelta(days=9))
    grown = check(fig(450, "killed", basis=CUMULATIVE), [nine_days], RULES, published=T0)
    assert grown is not None and grown.kind == UPDATE
    same_day = seen(fig(300, "killed", basis=CUMULATIVE), at=T0 - timedelta(hours=3))
    found = check(fig(450, "killed", basis=CUMULATIVE), [same_day], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"
    larger_before = seen(fig(600, "killed", basis=CUMULATIVE), at=T0 - timedelta(days=9))
    found = check(fig(450, "killed", basis=CUMULATIVE), [larger_before], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"
    in_place = seen(fig(11000, basis=IN_PLACE), at=T0 - timedelta(days=9))
    found = check(fig(14000, basis=CUMULATIVE), [in_place], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"


def test_a_late_report_of_an_older_smaller_total_raises_nothing() -> None:
    later = seen(fig(14000), at=T0 + timedelta(days=60))
    assert check(fig(11000), [later], RULES, published=T0) is None


def test_a_cumulative_basis_grows_a_dispatch_does_not() -> None:
    old = datetime(2024, 11, 5, tzinfo=UTC)
    cumulative = seen(fig(11000, basis=CUMULATIVE), at=old)
    assert check(fig(14000, basis=CUMULATIVE), [cumulative], RULES, published=T0).kind == UPDATE  # type: ignore[union-attr]
    dispatch = seen(fig(1000, basis=DISPATCH), at=old)
    found = check(fig(6000, basis=DISPATCH), [dispatch], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"


def test_a_recent_disagreement_outweighs_growth() -> None:
    november = seen(fig(11000), source="Seoul", at=datetime(2024, 11, 5, tzinfo=UTC), n=1)
    yesterday = seen(fig(9000), source="Kyiv", at=T0 - timedelta(days=1), n=2)
    found = check(fig(14000), [november, yesterday], RULES, published=T0)
    assert found is not None and found.kind == "contradiction"
    assert found.contradicts == (yesterday,)


def test_a_larger_whole_weeks_later_is_no_contradiction_of_an_older_part() -> None:
    kursk = seen(fig(11000, place="kursk"), at=datetime(2024, 11, 5, tzinfo=UTC))
    assert check(fig(9000, place="russia"), [kursk], RULES, published=T0) is not None
    older_whole = seen(fig(9000, place="russia"), at=datetime(2024, 11, 5, tzinfo=UTC))
    assert check(fig(11000, place="kursk"), [older_whole], RULES, published=T0) is None


# --- end to end: the real CLI on RSS files, a real SQLite state ---------------------------


def rss(source: str, date: str, title: str, body: str, guid: str) -> str:
    when = format_datetime(datetime.fromisoformat(date))
    paras = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{source}</title><link>https://{source}.example/</link><description>d"
        f"</description><item><title>{escape(title)}</title>"
        f'<link>https://{source}.example/{guid}</link><guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{when}</pubDate><description><![CDATA[{paras}]]></description></item>"
        "</channel></rss>\n"
    )


def cli_run(*args: str, state: Path) -> Any:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--state", str(state), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def ingest_all(tmp_path: Path, articles: Sequence[dict[str, str]]) -> Path:
    """Each article as its own RSS file, ingested one at a time (as cases/check does)."""
    state = tmp_path / "state"
    for number, article in enumerate(articles, 1):
        path = tmp_path / f"{number:02d}" / f"{article['source']}.xml"
        path.parent.mkdir(parents=True)
        guid = article.get("guid") or f"{article['source']}-{number:02d}"
        path.write_text(
            rss(article["source"], article["date"], article["title"], article["body"], guid),
            encoding="utf-8",
        )
        cli_run("ingest", "--no-deliver", str(path), state=state)
    return state


def alerts_json(state: Path) -> list[dict[str, Any]]:
    return json.loads(cli_run("alerts", "--json", state=state).stdout)


SEOUL = {
    "source": "seoul-wire",
    "date": "2024-11-05T06:00:00+00:00",
    "title": "11,000 North Korean troops in Kursk, Seoul says",
    "body": "SEOUL - 11,000 North Korean soldiers are in Russia's Kursk region, South Korea's"
    " spy agency said on Tuesday.",
}
WRONG = {
    "source": "daily-post",
    "guid": "dp-1",
    "date": "2024-11-06T10:00:00+00:00",
    "title": "15,000 North Korean troops in Kursk",
    "body": "15,000 North Korean soldiers are in Russia's Kursk region, South Korea's spy"
    " agency said on Tuesday.",
}
CORRECTED = {
    **WRONG,
    "title": "11,000 North Korean troops in Kursk",
    "body": "11,000 North Korean soldiers are in Russia's Kursk region, South Korea's spy agency"
    " said on Tuesday.\n\nThis story has been corrected: an earlier version misstated the"
    " number of North Korean soldiers.",
}
NOTE = {
    "source": "daily-post",
    "guid": "dp-2",
    "date": "2024-11-06T12:00:00+00:00",
    "title": "Correction: North Korean troops in Kursk",
    "body": "An earlier version of this article said 15,000 North Korean troops were in Kursk."
    " The correct figure is 11,000.",
}
TELEGRAM = {
    "source": "telegram-watch",
    "date": "2024-11-08T08:00:00+00:00",
    "title": "Channel claims 15,000 North Korean soldiers in Kursk",
    "body": "A Russian military Telegram channel claimed on Friday that 15,000 North Korean"
    " soldiers are in Kursk.",
}


def test_correction_in_place_withdraws_the_alert_and_a_later_15000_alerts(
    tmp_path: Path,
) -> None:
    state = ingest_all(tmp_path, [SEOUL, WRONG, CORRECTED, TELEGRAM])
    by_id = {a["id"]: a for a in alerts_json(state)}
    first, correction, later = by_id[1], by_id[2], by_id[3]
    assert (first["kind"], first["status"], first["new"]["source"]) == (
        "contradiction",
        "withdrawn",
        "daily-post",
    )
    assert first["withdrawn"] is not None
    assert first["withdrawn_reason"] == "daily-post corrected 15,000 to 11,000"
    assert (correction["kind"], correction["status"]) == (CORRECTION, "active")
    assert correction["reason"] == "daily-post corrected 15,000 to 11,000; alert 1 withdrawn"
    assert correction["new"]["low"] == 11000
    assert {p["low"] for p in correction["previous"]} == {15000}
    assert (later["kind"], later["status"], later["new"]["source"]) == (
        "contradiction",
        "active",
        "telegram-watch",
    )
    assert later["new"]["low"] == 15000
    assert {(p["source"], p["low"]) for p in later["previous"]} == {
        ("seoul-wire", 11000),
        ("daily-post", 11000),
    }
    # the old figures are kept, marked superseded, and no longer compared
    figures = json.loads(cli_run("figures", "--json", state=state).stdout)
    daily = [
        (f["low"], f["superseded"] is not None) for f in figures if f["source"] == "daily-post"
    ]
    assert sorted(daily) == [(11000, False), (11000, False), (15000, True), (15000, True)]
    # the claim history keeps them, marked so in JSON and in the table
    (troops,) = json.loads(cli_run("claims", "--json", state=state).stdout)
    marked = [(p["low"], p["superseded"] is not None) for p in troops["timeline"]]
    assert (15000, True) in marked and (15000, False) in marked  # telegram-watch's stands
    assert "superseded" in cli_run("claims", state=state).stdout


def test_a_text_change_without_new_figures_keeps_figures_and_alerts(tmp_path: Path) -> None:
    touched = {**WRONG, "body": WRONG["body"] + "\n\nUpdated with a photo."}
    state = ingest_all(tmp_path, [SEOUL, WRONG, touched])
    [alert] = alerts_json(state)
    assert (alert["kind"], alert["status"]) == ("contradiction", "active")
    figures = json.loads(cli_run("figures", "--json", state=state).stdout)
    assert all(f["superseded"] is None for f in figures)


CUMULATIVE_GROWTH = [
    {
        "source": "seoul-wire",
        "date": "2024-11-05T06:00:00+00:00",
        "title": "About 11,000 North Korean troops in Russia, Seoul says",
        "body": "SEOUL - About 11,000 North Korean soldiers are now in Russia, South Korea's"
        " National Intelligence Service said on Tuesday.",
    },
    {
        "source": "rheinkurier",
        "date": "2025-02-20T08:00:00+00:00",
        "title": "Nordkorea hat bislang rund 14.000 Soldaten nach Russland entsandt",
        "body": "Insgesamt hat Nordkorea nach Angaben des südkoreanischen Geheimdienstes"
        " bislang rund 14.000 Soldaten nach Russland entsandt.",
    },
    {
        "source": "seoul-wire",
        "date": "2025-02-21T06:00:00+00:00",
        "title": "North Korea sent more troops to Russia in early 2025, Seoul says",
        "body": "SEOUL - North Korea sent about 3,000 more troops to Russia in January and"
        " February, bringing the total it has deployed to around 14,000, South Korea's spy"
        " agency said on Friday.",
    },
]


def test_cumulative_growth_is_an_update_not_a_contradiction(tmp_path: Path) -> None:
    state = ingest_all(tmp_path, CUMULATIVE_GROWTH)
    [alert] = alerts_json(state)
    assert (alert["kind"], alert["status"], alert["new"]["source"]) == (
        UPDATE,
        "active",
        "rheinkurier",
    )
    assert alert["reason"] == (
        "rose from about 11,000 (5 Nov, seoul-wire) to about 14,000 (20 Feb, rheinkurier), +27%"
    )
    table = cli_run("alerts", state=state).stdout
    assert "troops: rose from about 11,000 (5 Nov, seoul-wire)" in table


def test_kursk_11000_and_russia_14000_do_not_contradict(tmp_path: Path) -> None:
    russia = {
        "source": "kyiv-daily",
        "date": "2024-11-06T06:00:00+00:00",
        "title": "14,000 North Korean troops in Russia, Kyiv says",
        "body": "KYIV - 14,000 North Korean soldiers are in Russia, Ukraine's military"
        " intelligence said.",
    }
    assert alerts_json(ingest_all(tmp_path / "a", [SEOUL, russia])) == []
    too_many = {
        **SEOUL,
        "title": "Seoul: troops",
        "body": SEOUL["body"].replace("11,000", "19,000"),
    }
    [alert] = alerts_json(ingest_all(tmp_path / "b", [russia, too_many]))
    assert alert["kind"] == "contradiction"
    assert alert["reason"].startswith("19,000 troops in Kursk is more than 14,000 troops in Russia")


# --- a correction note whose figure is retracted (modality from the reader) --------------

CONFIG = (
    "feeds: [{url: https://example.org/rss.xml}]\n"
    "alerts:\n"
    "  email: {host: 127.0.0.1, port: PORT, tls: none, from: m@example.org, to: [d@example.org]}\n"
)


def item(article: dict[str, str], number: int) -> Item:
    return Item(
        source=article["source"],
        guid=article.get("guid") or f"{article['source']}-{number}",
        title=article["title"],
        text=article["body"],
        url=None,
        published=datetime.fromisoformat(article["date"]),
        lang=article.get("lang", "en"),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "state") as opened:
        yield opened


def run_articles(store: Store, articles: Sequence[dict[str, str]], **kwargs: Any) -> Totals:
    pipeline = Pipeline(store, load(kwargs.pop("config")), **kwargs)
    totals = Totals()
    for number, article in enumerate(articles, 1):
        pipeline.process(item(article, number), totals)
    return totals


def config_file(tmp_path: Path, port: int = 2525) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(CONFIG.replace("PORT", str(port)))
    return path


def test_the_whole_correction_case(store: Store, tmp_path: Path) -> None:
    run_articles(store, [SEOUL, WRONG, CORRECTED, NOTE, TELEGRAM], config=config_file(tmp_path))
    alerts = {a["id"]: a for a in store.alerts()}
    active = [(a["kind"], a["new"]["source"], a["new"]["low"]) for a in alerts.values()
              if a["status"] == "active"]  # fmt: skip
    assert sorted(active) == [
        ("contradiction", "telegram-watch", 15000),
        (CORRECTION, "daily-post", 11000),
    ]
    assert alerts[1]["status"] == "withdrawn"
    # the headline and the body both said 15,000: the correction lists it once
    (correction,) = [a for a in alerts.values() if a["kind"] == CORRECTION]
    assert [(f["source"], f["low"]) for f in correction["previous"]] == [("daily-post", 15000)]


def test_a_correction_note_supersedes_the_outlets_figure_and_withdraws_its_alert(
    store: Store, tmp_path: Path
) -> None:
    totals = run_articles(store, [SEOUL, WRONG, NOTE, TELEGRAM], config=config_file(tmp_path))
    assert totals.corrections == 1
    alerts = {a["id"]: a for a in store.alerts()}
    assert (alerts[1]["status"], alerts[1]["withdrawn_reason"]) == (
        "withdrawn",
        "daily-post retracted 15,000; it now says 11,000",
    )
    assert (alerts[2]["kind"], alerts[2]["reason"]) == (
        CORRECTION,
        "daily-post retracted 15,000; it now says 11,000; alert 1 withdrawn",
    )
    assert (alerts[3]["kind"], alerts[3]["new"]["source"], alerts[3]["status"]) == (
        "contradiction",
        "telegram-watch",
        "active",
    )
    # the retracted figure is stored and shown, never compared
    note = [f for f in store.figures("troops") if f["item_id"] == 3]
    assert [(f["low"], f["modality"]) for f in note] == [(15000, RETRACTED), (11000, ASSERTED)]
    assert [f["superseded"] is not None for f in store.figures("troops") if f["item_id"] == 2] == [
        True,
        True,
    ]


def test_channels_that_got_the_alert_are_told_the_others_never_send_it(
    store: Store, tmp_path: Path
) -> None:
    with smtp_server() as smtp:
        config = config_file(tmp_path, smtp.port)
        pipeline_args = {"config": config, "channels": ["email", "slack"]}
        run_articles(store, [SEOUL, WRONG], **pipeline_args)
        email = EmailChannel(
            EmailConfig(host="127.0.0.1", port=smtp.port, tls="none", sender="m@example.org",
                        to=("d@example.org",), timeout=5)
        )  # fmt: skip
        Outbox(store, {"email": (email, ChannelRules())}).deliver()  # slack never delivers
        assert len(smtp.messages) == 1
        run_articles(store, [CORRECTED], **pipeline_args)
        rows = {(r["alert_id"], r["channel"]): r for r in store.outbox(include_delivered=True)}
        assert rows[(1, "email")]["status"] == "delivered"
        assert rows[(1, "slack")]["status"] == "withdrawn"
        assert rows[(1, "slack")]["last_error"] == (
            "alert withdrawn: daily-post corrected 15,000 to 11,000"
        )
        assert (2, "email") in rows and (2, "slack") not in rows  # slack never saw alert 1
        Outbox(store, {"email": (email, ChannelRules())}).deliver()
        assert len(smtp.messages) == 2
        told = smtp.messages[1]
        assert told["Subject"] == (
            "Correction — North Korean troops in Kursk: daily-post corrected 15,000 to 11,000;"
            " alert 1 withdrawn"
        )
        body = told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Corrected to: 11,000 — daily-post, 2024-11-06" in body
        assert "Was: 15,000 — daily-post" in body


# --- messages and the channel option ------------------------------------------------------


def stored_update(tmp_path: Path) -> dict[str, Any]:
    state = ingest_all(tmp_path, CUMULATIVE_GROWTH[:2])
    [alert] = alerts_json(state)
    return alert


def test_an_update_message_says_rose_from_and_to(tmp_path: Path) -> None:
    update = view(stored_update(tmp_path))
    assert update.headline == (
        "North Korean troops in Russia: rose from about 11,000 (5 Nov, seoul-wire) to about"
        " 14,000 (20 Feb, rheinkurier), +27%"
    )
    assert subject([update, update]) == "2 updates: North Korean troops in Russia"
    assert "Now: about 14,000 — rheinkurier" in text_body([update])
    assert "Before: about 11,000 — seoul-wire" in text_body([update])


def test_a_withdrawn_alert_says_so(tmp_path: Path) -> None:
    state = ingest_all(tmp_path, [SEOUL, WRONG, CORRECTED])
    withdrawn = view(next(a for a in alerts_json(state) if a["status"] == "withdrawn"))
    assert withdrawn.headline.startswith("Withdrawn: North Korean troops in Kursk: 15,000")
    assert "Withdrawn: daily-post corrected 15,000 to 11,000" in text_body([withdrawn])


def test_a_channel_may_refuse_updates(tmp_path: Path) -> None:
    update = stored_update(tmp_path)
    assert noise.refusal(update, ChannelRules()) is None
    assert noise.refusal(update, ChannelRules(updates=False)) == (
        "this channel takes no updates (updates: false)"
    )
    assert noise.refusal({**update, "kind": "contradiction"}, ChannelRules(updates=False)) is None


def test_updates_option_is_read_and_validated(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n  slack: {webhook_url_env: HOOK, updates: false}\n"
    )
    [slack] = load(path).alerts.slack
    assert slack.rules.updates is False
    path.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "alerts:\n  slack: {webhook_url_env: HOOK, updates: sometimes}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert "alerts.slack.updates" in message and "expected true or false" in message
    assert "\n" not in message


# --- an existing database upgrades in place --------------------------------------------


def test_a_schema_7_database_upgrades_and_keeps_its_alerts(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    db = Database(state / "monitor.db")
    assert migrate(db, target=7) == 7
    db.execute(
        "INSERT INTO items (id, source, guid, title, text, published, status)"
        " VALUES (1, 'a', 'g', 't', 'x', '2025-01-01T00:00:00+00:00', 'kept')"
    )
    for figure_id in (1, 2):
        db.execute(
            "INSERT INTO figures (id, item_id, claim, claim_key, low, high, text)"
            " VALUES (?, 1, 'troops', 'troops', ?, ?, 'n')",
            [figure_id, figure_id * 10000, figure_id * 10000],
        )
    db.execute(
        "INSERT INTO alerts (id, claim_key, created, reason, new_figure_id)"
        " VALUES (1, 'troops', '2025-01-01T00:00:00+00:00', 'old reason', 2)"
    )
    db.execute("INSERT INTO alert_previous (alert_id, figure_id) VALUES (1, 1)")
    db.conn.commit()
    db.close()
    with Store.open(state) as upgraded:
        assert upgraded.schema_version() >= 8
        [alert] = upgraded.alerts()
        assert (alert["reason"], alert["kind"], alert["status"]) == (
            "old reason",
            "contradiction",
            "active",
        )
        assert [f["modality"] for f in upgraded.figures()] == ["asserted", "asserted"]


# --- the handed cases whose alerts depend on what the reader says a figure is ------------

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases" / "claims"


@pytest.mark.skipif(not CASES.is_dir(), reason="the handed cases are not beside the project")
@pytest.mark.parametrize("case", ["speculative", "denial", "per-period", "partitive"])
def test_handed_cases_raise_no_alert(case: str, store: Store, tmp_path: Path) -> None:
    spec = json.loads((CASES / f"{case}.json").read_text(encoding="utf-8"))
    run_articles(store, spec["articles"], config=config_file(tmp_path))
    assert [(a["kind"], a["new"]["low"]) for a in store.alerts()] == []
    compared = [f for f in store.figures() if f["claim"] is not None]
    assert len({f["item_id"] for f in compared}) == len(spec["articles"])  # every text read
