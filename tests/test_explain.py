"""`monitor explain` (items, --figure, --alert) and `monitor alert N`, run as a user runs
them on a real SQLite state: why a figure was read so, what it was compared with, and
why an item raised an alert or none."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from monitor.stories import features, matching
from monitor.types import (
    PER_PERIOD,
    PROJECTED,
    Analysis,
    Figure,
    Item,
    StoryMatch,
    TopicMatch,
)

ARTICLES = {
    "alpha-wire": (
        "North Korea has 11,000 troops in Kursk, Seoul says\n"
        "South Korea's intelligence service said on Monday that 11,000 North Korean troops"
        " are deployed in Russia's Kursk region.\n"
    ),
    "beta-post": (
        "Pyongyang's soldiers in Kursk number about 12,000, officials say\n"
        "About 12,000 North Korean soldiers are fighting in the Kursk region of Russia,"
        " Ukrainian officials said.\n"
    ),
    "gamma-daily": (
        "Ukraine says 20,000 North Korean troops now in Kursk\n"
        "Ukraine's military intelligence said 20,000 North Korean troops are in Russia's"
        " Kursk region. Another 3,000 soldiers arrived last week.\n"
    ),
}
EVIL = "\x1b[2J\x1b[31mRED\x1b]8;;https://evil.example\x07link\x1b]8;;\x07"


def run(*args: str, state: Path, columns: int = 80) -> Any:
    runner = CliRunner(env={"COLUMNS": str(columns)})
    return runner.invoke(cli, ["--state", str(state), *args], catch_exceptions=False)


def as_json(*args: str, state: Path) -> Any:
    result = run(*args, "--json", state=state)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three write-ups in the order given (11,000; about 12,000; 20,000 and another
    3,000), then a word-for-word copy of the first from another outlet."""
    monkeypatch.chdir(tmp_path)  # no feeds.yaml: the default rules (180-day window)
    state = tmp_path / "state"
    for name, text in [*ARTICLES.items(), ("echo-news", ARTICLES["alpha-wire"])]:
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        result = run("ingest", str(path), state=state)
        assert result.exit_code == 0, result.output
    return state


def _by_source(state: Path) -> dict[str, int]:
    items = [i for s in as_json("stories", state=state) for i in s["items"]]
    return {item["source"]: item["id"] for item in items}


def test_explain_item_lists_figures_and_why_no_alert(ingested: Path) -> None:
    ids = _by_source(ingested)
    first = as_json("explain", str(ids["alpha-wire"]), state=ingested)
    assert first["alerts"] == []
    assert [f["outcome"]["reason"] for f in first["figures"]] == ["first_report"] * 2
    assert first["alert_summary"].startswith("no alert: first report of its claim (figures")
    # The old keys stay (the README documents them).
    assert first["decision"] == "new story" and first["topic"] == "russia-north-korea"

    second = as_json("explain", str(ids["beta-post"]), state=ingested)
    (fig,) = second["figures"]
    assert fig["outcome"]["reason"] == "agrees"
    assert fig["outcome"]["alert"] is False
    assert "agrees with figure" in fig["outcome"]["why"]
    assert fig["interval"] == [10800.0, 13200.0]  # about 12,000, widened by 10%
    assert {c["outcome"] for c in fig["comparisons"]} == {"agrees"}


def test_explain_item_that_alerted(ingested: Path) -> None:
    ids = _by_source(ingested)
    data = as_json("explain", str(ids["gamma-daily"]), state=ingested)
    (alert_id,) = data["alerts"]
    reasons = [f["outcome"]["reason"] for f in data["figures"]]
    assert reasons == ["alerted", "one_per_claim", "increment"]
    assert data["figures"][0]["alert_id"] == alert_id
    assert data["alert_summary"] == f"raised alert {alert_id}"

    text = run("explain", str(ids["gamma-daily"]), state=ingested)
    assert text.exit_code == 0
    assert f"alerts: raised alert {alert_id}" in text.output
    assert "one alert per claim" in text.output
    assert "an increment (another N)" in text.output


def test_explain_a_reprint(ingested: Path) -> None:
    ids = _by_source(ingested)
    data = as_json("explain", str(ids["echo-news"]), state=ingested)
    assert data["decision"] == "reprint"
    assert data["alert_summary"] == (
        f"no alert: a reprint of item {ids['alpha-wire']} (reprints are never checked)"
    )
    assert {f["outcome"]["reason"] for f in data["figures"]} == {"reprint"}
    assert all(f["comparisons"] == [] for f in data["figures"])


def test_explain_figure_reading_and_comparisons(ingested: Path) -> None:
    ids = _by_source(ingested)
    figures = as_json("figures", state=ingested)
    fig = next(f for f in figures if f["item_id"] == ids["gamma-daily"])
    data = as_json("explain", "--figure", str(fig["id"]), state=ingested)
    assert data["figure_id"] == fig["id"] and data["value"] == "20,000"
    aspects = {row["aspect"]: row["read"] for row in data["reading"]}
    assert list(aspects)[:3] == ["value", "hedge", "claim"]
    assert aspects["modality"] == "asserted" and aspects["claim"] == "troops"
    assert aspects["whose"] == "north korean" and aspects["where"] == "kursk"
    assert {"time basis", "attribution"} <= set(aspects)
    assert data["window"]["days"] == 180
    # Every earlier troops figure of the first two articles; the reprint came later.
    earlier = [c["figure_id"] for c in data["comparisons"]]
    first_two = (ids["alpha-wire"], ids["beta-post"])
    assert earlier == [f["id"] for f in figures if f["item_id"] in first_two]
    assert {c["outcome"] for c in data["comparisons"]} == {"differs"}
    assert data["outcome"]["reason"] == "alerted"

    text = run("explain", "--figure", str(fig["id"]), state=ingested)
    assert text.exit_code == 0
    assert "How it was read" in text.output and "180-day window" in text.output
    assert "does not" in text.output and "overlap" in text.output
    assert max(len(line) for line in text.output.splitlines()) <= 80


def test_explain_alert_and_alert_show_it_whole(ingested: Path) -> None:
    (alert,) = as_json("alerts", state=ingested)
    data = as_json("explain", "--alert", str(alert["id"]), state=ingested)
    assert {"id", "kind", "status", "new", "previous", "explained"} <= set(data)
    compared = data["explained"]["comparisons"]
    assert all(c["outcome"] == "differs" for c in compared)
    named = {p["id"] for p in alert["previous"]}
    assert {c["figure_id"] for c in compared if c["in_alert"]} == named

    text = run("explain", "--alert", str(alert["id"]), state=ingested)
    assert text.exit_code == 0
    assert "named in the alert" in text.output
    assert max(len(line) for line in text.output.splitlines()) <= 80

    whole = as_json("alert", str(alert["id"]), state=ingested)
    assert whole == alert  # one element of `monitor alerts --json`
    assert {"kind", "status", "withdrawn", "withdrawn_reason", "deliveries"} <= set(whole)
    shown = run("alert", str(alert["id"]), state=ingested)
    assert shown.exit_code == 0
    assert f"alert {alert['id']}: contradiction, active, claim troops" in shown.output
    assert "“20,000 North Korean troops”" in shown.output
    assert "Deliveries: none" in shown.output
    assert max(len(line) for line in shown.output.splitlines()) <= 80


@pytest.mark.parametrize(
    "args, message",
    [
        (["explain", "99"], "Error: no item 99"),
        (["explain", "--figure", "99"], "Error: no figure 99"),
        (["explain", "--alert", "99"], "Error: no alert 99"),
        (["alert", "99"], "Error: no alert 99"),
        (["alert", "99", "--json"], "Error: no alert 99"),
    ],
)
def test_unknown_ids_are_one_line_errors(ingested: Path, args: list[str], message: str) -> None:
    result = run(*args, state=ingested)
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_explain_wants_exactly_one_thing(ingested: Path) -> None:
    for args in (["explain"], ["explain", "1", "--figure", "2"]):
        result = run(*args, state=ingested)
        assert result.exit_code == 2
        assert "give one of ITEM, --figure N or --alert N" in result.stderr
    assert "--figure N" in run("explain", "--help", state=ingested).output
    assert "Show alert N whole" in run("alert", "--help", state=ingested).output


# --- the rule that decided, with the bars that applied to this item (issue 15) -----------

SAMPLES = Path(__file__).resolve().parents[1] / "monitor" / "samples"
MEASURES = ("score", "shared weight", "shared keys")


def said(text: str, what: str) -> tuple[float, str, float]:
    """(measure, "<" or "≥", bar) printed after ``what`` ("shared weight"), wherever the
    output wrapped the line."""
    found = re.search(re.escape(what) + r" ([\d.]+) ([<≥]) ([\d.]+)", " ".join(text.split()))
    assert found is not None, (what, text)
    return float(found[1]), found[2], float(found[3])


def bars(state: Path, item_id: int, other_id: int) -> tuple[float, float, int]:
    """What the matcher itself requires of these two stored items: (score, shared weight,
    shared keys), the last two scaled by the shorter text's length."""
    with Store.open(state) as store:
        rows = [store.item(item_id), store.item(other_id)]
    new, old = (features(row["title"], row["text"], row["lang"]) for row in rows if row)
    weight, keys = matching._evidence_needed(new, old)
    return matching._story_threshold(new, old), weight, keys


def check_bars(text: str, state: Path, item_id: int, other_id: int) -> list[str]:
    """Each measure printed against the matcher's bar for the pair; the comparisons."""
    compared = []
    for what, bar in zip(MEASURES, bars(state, item_id, other_id), strict=True):
        measure, sign, shown = said(text, what)
        assert shown == pytest.approx(bar, abs=1e-3), (what, text)
        assert sign == ("≥" if measure >= bar else "<")
        compared.append(sign)
    return compared


def test_a_new_story_names_the_scaled_bar_it_missed(ingested: Path) -> None:
    ids = _by_source(ingested)
    item = ids["beta-post"]
    assert as_json("explain", str(item), state=ingested)["decision"] == "new story"
    text = run("explain", str(item), state=ingested).output
    closest = re.search(r"new story \(closest: item (\d+),", " ".join(text.split()))
    assert closest is not None and int(closest[1]) == ids["alpha-wire"]
    # Two one-sentence items: the weight bar is scaled below the article's 4.5 ...
    assert bars(ingested, item, ids["alpha-wire"])[1] < matching.STORY_MIN_SHARED_WEIGHT
    assert "scaled to the shorter text's" in " ".join(text.split())
    # ... and the printed bars are the ones that applied; one of them was missed.
    assert "<" in check_bars(text, ingested, item, ids["alpha-wire"])

    first = run("explain", str(ids["alpha-wire"]), state=ingested).output
    assert "new story (no candidate: no item within 72 h shares a key with it)" in " ".join(
        first.split()
    )


def test_a_reprint_names_its_similarity_and_bar(ingested: Path) -> None:
    ids = _by_source(ingested)
    text = run("explain", str(ids["echo-news"]), state=ingested).output
    assert said(text, "ratio")[1:] == ("≥", matching.DUP_MIN_RATIO)
    assert said(text, "containment")[1:] == ("≥", matching.DUP_MIN_CONTAINMENT)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples polled once, as `monitor demo` does."""
    state = tmp_path_factory.mktemp("samples") / "state"
    config = SAMPLES / "feeds.yaml"
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--state", str(state), "poll", "--once"]
    )
    assert result.exit_code == 0, result.output
    return state


def test_a_joined_story_states_the_bars_it_passed_and_links_the_items(samples: Path) -> None:
    items = [i for s in as_json("stories", state=samples) for i in s["items"]]
    german = next(i for i in items if i["title"].startswith("Kim schickt Minenräumer"))
    data = as_json("explain", str(german["id"]), state=samples)
    assert data["decision"] == "joined story"
    joined = re.match(r"same story as item (\d+): shared ", data["match_reason"])
    assert joined is not None
    wire = int(joined[1])
    text = run("explain", str(german["id"]), state=samples, columns=200).output
    assert check_bars(text, samples, german["id"], wire) == ["≥", "≥", "≥"]
    # The item and the one its decision names, each with its link (tracking removed).
    assert [i["id"] for i in data["items"]] == [german["id"], wire]
    assert data["url"] == german["url"] == data["items"][0]["url"]
    wire_url = data["items"][1]["url"]
    assert wire_url.endswith("?utm_source=rss")
    assert german["url"] in text and wire_url.removesuffix("?utm_source=rss") in text
    assert "utm_source" not in text


def _rss(path: Path, lang: str, when: str, text: str) -> Path:
    link = f"https://{path.stem}.example/1"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{path.stem}</title><link>https://{path.stem}.example/</link>"
        f"<language>{lang}</language><item><title>{text}</title><link>{link}</link>"
        f"<guid>{link}</guid><pubDate>{when}</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_folding_two_stories_names_the_shared_keys_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pledge reported in English, then in Russian four days later (apart: outside
    each other's window), then in German between them: the German item folds the two
    stories, and its reason says it shares enough keys to (MERGE_MIN_SHARED_KEYS)."""
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    feeds = [
        (
            "en-wire",
            "en",
            "Mon, 16 Jun 2025 08:00:00 GMT",
            "Shoigu says North Korea will send 1,000 deminers and 5,000 builders to Kursk.",
        ),
        (
            "ru-wire",
            "ru",
            "Fri, 20 Jun 2025 12:00:00 GMT",
            "Шойгу: КНДР направит в Курск 1000 саперов и 5000 военных строителей.",
        ),
        (
            "de-wire",
            "de",
            "Wed, 18 Jun 2025 10:00:00 GMT",
            "Schoigu: Nordkorea schickt 1000 Minenräumer und 5000 Bauarbeiter nach Kursk.",
        ),
    ]
    for name, lang, when, text in feeds:
        path = _rss(tmp_path / f"{name}.xml", lang, when, text)
        assert run("ingest", str(path), state=state).exit_code == 0
    [story] = as_json("stories", state=state)
    german = next(i for i in story["items"] if i["source"] == "de-wire")
    text = " ".join(run("explain", str(german["id"]), state=state).output.split())
    folded = re.search(
        r"also joins story \d+ \(through item \d+: shared keys (\d+) ≥ (\d+), enough to fold"
        r" two stories\)",
        text,
    )
    assert folded is not None, text
    assert int(folded[2]) == matching.MERGE_MIN_SHARED_KEYS <= int(folded[1])


# --- reasons the reader will give once it sets modality and basis: stored figures ---------


def _save(store: Store, source: str, when: str, *figures: Figure) -> int:
    item = Item(
        source=source,
        guid=f"{source}-{when}",
        title=f"{source} on Kursk",
        text="Nordkorea Russland",
        url=None,
        published=datetime.fromisoformat(when).replace(tzinfo=UTC),
    )
    analysis = Analysis(item, TopicMatch("t", "x"), StoryMatch(None, None, 0, "new story"), figures)
    return store.save(analysis)


def _killed(low: int, **more: Any) -> Figure:
    return Figure(claim="killed", low=low, high=low, hedge=None, text=f"{low:,} killed", **more)


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, int]]:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    with Store.open(state) as store:
        ids = {
            "old": _save(store, "Old Wire", "2025-01-01", _killed(1000, scope="north_korean")),
            "late": _save(store, "Late Post", "2025-08-01", _killed(5000, scope="north_korean")),
            "weekly": _save(
                store, "Weekly", "2025-08-02", _killed(100, basis=PER_PERIOD, period="week")
            ),
            "maybe": _save(store, "Maybe", "2025-08-03", _killed(50_000, modality=PROJECTED)),
            "russian": _save(store, "Other", "2025-08-04", _killed(9000, scope="russian")),
            "evil": _save(
                store,
                f"Evil{EVIL} Times",
                "2025-08-05",
                Figure(claim="killed", low=2000, high=9999, hedge="several", text=f"x{EVIL}"),
            ),
        }
    return state, ids


def _outcome(state: Path, item_id: int) -> dict[str, Any]:
    (fig,) = as_json("explain", str(item_id), state=state)["figures"]
    return dict(fig["outcome"])


def test_outside_the_window_says_when(stored: tuple[Path, dict[str, int]]) -> None:
    state, ids = stored
    outcome = _outcome(state, ids["late"])
    assert outcome["reason"] == "outside_window"
    assert "outside the 180-day window (since 2025-02-02)" in outcome["why"]
    assert "Old Wire, 2025-01-01" in outcome["why"] and "212 days older" in outcome["why"]


def test_a_per_period_toll_is_not_a_total(stored: tuple[Path, dict[str, int]]) -> None:
    state, ids = stored
    outcome = _outcome(state, ids["weekly"])
    assert outcome["reason"] == "other_key"
    assert "killed/per_week" in outcome["why"]
    assert "a toll per week is not compared with a total" in outcome["why"]


def test_a_projection_is_never_compared(stored: tuple[Path, dict[str, int]]) -> None:
    state, ids = stored
    outcome = _outcome(state, ids["maybe"])
    assert outcome == {
        "alert": False,
        "reason": "not_asserted",
        "why": "it is projected, not asserted: only asserted figures are compared",
    }
    reading = as_json("explain", str(ids["maybe"]), state=state)["figures"][0]["reading"]
    modality = next(r for r in reading if r["aspect"] == "modality")
    assert modality["read"] == "projected" and "never compared" in modality["meaning"]


def test_earlier_figures_that_cannot_be_compared(stored: tuple[Path, dict[str, int]]) -> None:
    state, ids = stored
    outcome = _outcome(state, ids["russian"])
    assert outcome["reason"] == "not_comparable"
    assert "other scope (1)" in outcome["why"] and "not asserted (1)" in outcome["why"]
    (fig,) = as_json("explain", str(ids["russian"]), state=state)["figures"]
    why = {c["item_id"]: (c["outcome"], c["reason"]) for c in fig["comparisons"]}
    assert why == {
        ids["old"]: ("not compared", "outside_window"),
        ids["late"]: ("not compared", "other_scope"),
        ids["weekly"]: ("not compared", "other_key"),
        ids["maybe"]: ("not compared", "not_asserted"),
    }


def test_vague_amounts_and_hostile_text(stored: tuple[Path, dict[str, int]]) -> None:
    state, ids = stored
    assert _outcome(state, ids["evil"])["reason"] == "vague"
    for args in (["explain", str(ids["evil"])], ["explain", "--figure", "6"]):
        result = run(*args, state=state)
        assert result.exit_code == 0
        assert "\x1b" not in result.output and "\x07" not in result.output
