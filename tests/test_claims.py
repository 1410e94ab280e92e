"""Contradictions end to end, in four languages, via `monitor ingest`; `monitor claims`;
the `claims:` lexicon and the divergence options of feeds.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load
from monitor.errors import ConfigError
from monitor.figures import extract
from monitor.types import ClaimTerms

SETS = Path(__file__).parent / "fixtures" / "divergence"


def run(*args: str, state: Path, input: str | None = None) -> Any:
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(cli, ["--state", str(state), *args], input=input, catch_exceptions=False)


def as_json(*args: str, state: Path) -> Any:
    result = run(*args, "--json", state=state)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ingest(paths: list[Path], state: Path) -> None:
    result = run("ingest", *(str(p) for p in paths), state=state)
    assert result.exit_code == 0, result.output


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./feeds.yaml: the defaults apply


# Each set: 01 a troop range and a death toll; 02 agreeing figures beside traps (an
# increment, "more than 30 years", a price, a percentage, a year); 03 a contradicting
# troop total; 04 a contradicting death toll.
@pytest.mark.parametrize("lang", ["de", "en", "ru", "ko"])
def test_one_alert_per_contradiction_in_every_language(tmp_path: Path, lang: str) -> None:
    state = tmp_path / "state"
    articles = sorted((SETS / lang).glob("0[1-4]-*.txt"))
    ingest(articles[:2], state)
    assert as_json("alerts", state=state) == []  # agreeing again is not news
    ingest(articles[2:], state)
    alerts = as_json("alerts", state=state)
    assert sorted(a["claim"] for a in alerts) == ["killed", "troops"]
    by_claim = {a["claim"]: a for a in alerts}
    troops, killed = by_claim["troops"], by_claim["killed"]
    assert (troops["new"]["low"], troops["new"]["high"]) == (25000, 25000)
    assert (troops["new"]["source"], troops["new"]["item_id"]) == (articles[2].stem, 3)
    assert {(p["low"], p["high"]) for p in troops["previous"]} == {(10000, 12000), (11000, 11000)}
    assert killed["new"]["low"] == 200
    assert {(p["low"], p["high"]) for p in killed["previous"]} == {(1000, None), (1100, 1100)}
    # who said the earlier figures travels with the alert
    assert any(p["attribution"] for p in troops["previous"])
    assert all(p["scope"] in ("north_korean", None) for p in troops["previous"])


def test_a_reprint_of_an_alerted_article_does_not_alert_again(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ingest(sorted((SETS / "en").glob("*.txt")), state)  # 05 reprints 03
    alerts = as_json("alerts", state=state)
    assert sorted(a["claim"] for a in alerts) == ["killed", "troops"]
    items = [i for s in as_json("stories", state=state) for i in s["items"]]
    assert [i["duplicate_of"] is not None for i in items if i["source"] == "05-metro-times"] == [
        True
    ]


def test_claims_shows_each_claims_timeline_with_sources(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ingest(sorted((SETS / "en").glob("*.txt")), state)
    history = {entry["claim_key"]: entry for entry in as_json("claims", state=state)}
    assert set(history) == {"troops", "troops/increment", "killed"}
    troops = history["troops"]
    assert [p["value"] for p in troops["timeline"]] == ["10,000–12,000", "about 11,000", "25,000"]
    assert [p["source"] for p in troops["timeline"]] == [
        "01-harbour-post",
        "02-evening-star",
        "03-frontline-digest",
    ]  # the reprint (05) is not a voice of its own
    assert troops["timeline"][0]["attribution"] == "South Korea's intelligence service"
    assert [p["alert_id"] is not None for p in troops["timeline"]] == [False, False, True]
    assert (troops["reports"], troops["alerts"], troops["label"]) == (3, 1, "troops")
    only = as_json("claims", "--claim", "killed", state=state)
    assert [e["claim_key"] for e in only] == ["killed"]
    table = run("claims", state=state).output
    assert "25,000" in table and "alert" in table and "South Korea's intelligence" in table


def test_claims_without_a_database_is_an_error_not_an_empty_list(tmp_path: Path) -> None:
    result = run("claims", "--json", state=tmp_path / "state")
    assert result.exit_code == 1 and "no database in" in result.stderr
    assert not (tmp_path / "state").exists()


def test_seeds_raise_no_alert(seeds_dir: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    ingest(sorted(seeds_dir.glob("*.txt")), state)
    assert as_json("alerts", state=state) == []
    history = {e["claim_key"]: e for e in as_json("claims", state=state)}
    values = {p["value"] for p in history["troops"]["timeline"]}
    assert values == {"10,000–12,000", "more than 10,000"}  # the counts in place
    # what Pyongyang agreed to send, in every seed, compared only among announcements
    for key, value in (("deminers/deployment", "1,000"), ("builders/deployment", "5,000")):
        assert [p["value"] for p in history[key]["timeline"]] == [value] * 3, key
    assert history["workers/deployment"]["timeline"][0]["low"] == 6000  # not a troop total
    assert history["workers/increment"]["timeline"][0]["low"] == 6000  # "6.000 weiteren"
    assert not {"deminers", "builders", "workers"} & set(history)
    assert "deminers / combat engineers (deployment)" in run("claims", state=state).output


def test_a_new_deployment_is_not_held_against_the_count_in_place(tmp_path: Path) -> None:
    articles = {
        "01-seoul.txt": "Seoul: 11,000 North Koreans in Kursk\n\n"
        "About 11,000 North Korean troops are fighting in Kursk, Seoul says.\n",
        "02-moscow.txt": "Pyongyang to send more soldiers\n\n"
        "North Korea will send 6,000 troops to Russia, Russian officials said.\n",
        "03-kiew.txt": "Kiew: Pjöngjang plant größere Entsendung\n\n"
        "Nach ukrainischen Angaben will Nordkorea in den kommenden Wochen 20.000 Soldaten nach "
        "Russland schicken. Das wäre die größte Entsendung seit dem Herbst, sagte ein Sprecher.\n",
    }
    for name, text in articles.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    state = tmp_path / "state"
    ingest([tmp_path / name for name in articles], state)
    (alert,) = as_json("alerts", state=state)
    assert alert["claim"] == "troops/deployment"
    assert (alert["new"]["low"], alert["new"]["source"]) == (20000, "03-kiew")
    assert [p["low"] for p in alert["previous"]] == [6000]  # not the 11,000 in Kursk
    history = {e["claim_key"]: e for e in as_json("claims", state=state)}
    assert [p["value"] for p in history["troops"]["timeline"]] == ["about 11,000"]
    assert [p["value"] for p in history["troops/deployment"]["timeline"]] == ["6,000", "20,000"]


# --- extract --jsonl / --all ------------------------------------------------------------


def test_extract_jsonl_writes_one_array_per_line(tmp_path: Path) -> None:
    lines = "Около 11 тыс. солдат КНДР.\n북한군 1만 명 이상이 파병됐다.\nIn 2024.\n"
    result = run("extract", "--jsonl", "--all", "-", state=tmp_path / "s", input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[(f["claim"], f["low"], f["high"]) for f in row] for row in rows] == [
        [("troops", 11000, 11000)],
        [("troops", 10000, None)],
        [(None, 2024, 2024)],
    ]
    assert not (tmp_path / "s").exists()


# --- configuration ------------------------------------------------------------------------


def test_claims_block_extends_the_lexicon(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "claims:\n"
        "  drones: {en: [drone, uav], de: [drohne]}\n"
        "  troops: {en: [conscript]}\n"
        "divergence: {vague: range, match_scope: false}\n",
        encoding="utf-8",
    )
    loaded = load(config)
    assert ClaimTerms("drones", "de", ("drohne",)) in loaded.claims
    assert loaded.divergence.vague == "range"
    assert not loaded.divergence.match_scope
    text = "Russia received 300 drones and 2,000 conscripts."
    assert [(f.claim, f.low) for f in extract(text, "en", claims=loaded.claims)] == [
        ("drones", 300),
        ("troops", 2000),
    ]
    assert [f.claim for f in extract(text, "en")] == []
    result = run(
        "--config", str(config), "extract", "--lang", "en", "-", state=tmp_path / "s", input=text
    )
    assert [f["claim"] for f in json.loads(result.stdout)] == ["drones", "troops"]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "claims: [drone]",
            "claims: expected a mapping of claim kind to words, got a list (line 2)",
        ),
        ("claims: {Drones: {en: [drone]}}", "claims.Drones: a claim kind is lower-case"),
        ("claims: {drones: {fr: [drone]}}", "claims.drones.fr: unknown key (line 2)"),
        ("claims: {drones: {en: []}}", "claims.drones.en: expected at least one term (line 2)"),
        ("divergence: {vague: maybe}", "divergence.vague: expected one of ignore, lower_bound"),
        ("divergence: {match_scope: 3}", "divergence.match_scope: expected true or false"),
    ],
)
def test_bad_claims_and_divergence_options_name_the_field(
    tmp_path: Path, block: str, message: str
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds: [{{url: https://example.org/rss.xml}}]\n{block}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert message in str(caught.value)


def test_an_alert_filter_may_name_a_kind_defined_under_claims(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    base = (
        "feeds: [{url: https://example.org/rss.xml}]\n"
        "claims: {drones: {en: [drone]}}\n"
        "alerts: {slack: {webhook_url_env: MONITOR_TEST_WEBHOOK, claims: [%s]}}\n"
    )
    config.write_text(base % "drones, troops", encoding="utf-8")
    (slack,) = load(config).alerts.slack
    assert slack.rules.claims == ("drones", "troops")
    config.write_text(base % "drone", encoding="utf-8")  # a typo still fails, with a hint
    with pytest.raises(ConfigError, match="unknown claim kind 'drone'.*did you mean 'drones'"):
        load(config)
    config.write_text(base.replace("claims: {drones: {en: [drone]}}\n", "") % "drones", "utf-8")
    with pytest.raises(ConfigError, match="unknown claim kind 'drones'"):
        load(config)
