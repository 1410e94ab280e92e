"""Issue 15: `monitor topics` prints the topic rules in force, the built-in one included;
`- extends: default` keeps the built-in rule's decisions beside a user's own topics."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import as_json, run

EXTENDED = """\
feeds: []
topics:
  - extends: default
  - name: wagner
    all: [{en: [wagner], ru: [вагнер]}, [mali, africa]]
    none: [opera]
"""
# On the built-in topic (its reason is the same under EXTENDED), and off it.
ARTICLES = {
    "a.txt": "Russland und Nordkorea vertiefen Kooperation\nDer Kreml empfing Gäste.\n",
    "b.txt": "Wagner fighters leave Mali\nThey move to other countries in Africa.\n",
}


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no ./feeds.yaml unless a test writes one
    return tmp_path


def test_without_a_config_the_builtin_rule_is_listed_per_language(cwd: Path) -> None:
    result = run("topics")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Topics in force, tried in order (an item takes the first that matches):",
        "",
        "1. russia-north-korea (built-in)",
        "   a term of each group:",
        "     1. en: russia, moscow, kremlin, putin, kursk, shoigu, lavrov",
    ]
    assert "        de: russland, russisch, russen, moskau, kreml, schoigu, lawrow" in lines
    assert (
        "        ko: 북한, 북조선, 조선민주주의인민공화국, 조선중앙통신, 조선인민군, 평양, 김정은"
        in lines
    )
    assert [line[:13] for line in lines if line.startswith("     2. ")] == ["     2. en: n"]
    assert not (cwd / "state").exists()  # needs no database


def test_json_shape(cwd: Path) -> None:
    [row] = as_json("topics")
    assert sorted(row) == ["all", "builtin", "languages", "match_all", "name", "none"]
    assert (row["name"], row["builtin"], row["match_all"], row["none"]) == (
        "russia-north-korea",
        True,
        False,
        [],
    )
    russia, north_korea = row["all"]
    assert (len(russia), len(north_korea)) == (30, 27)
    assert russia[:2] == ["russia", "moscow"] and "pjöngjang" in north_korea
    assert len(row["languages"]) == 57
    assert [row["languages"][t] for t in ("kursk", "schoigu", "курск", "평양")] == [
        "en",
        "de",
        "ru",
        "ko",
    ]


def test_extends_default_keeps_the_builtin_decisions_and_adds_a_topic(cwd: Path) -> None:
    for name, text in ARTICLES.items():
        (cwd / name).write_text(text, encoding="utf-8")
    assert run("--state", "plain", "ingest", "a.txt", "b.txt").exit_code == 0
    (cwd / "feeds.yaml").write_text(EXTENDED, encoding="utf-8")
    assert run("--state", "extended", "ingest", "a.txt", "b.txt").exit_code == 0

    def decision(state: str, item: str) -> tuple[str, str | None, str]:
        found = as_json("--state", state, "explain", item)
        return found["decision"], found["topic"], found["topic_reason"]

    assert decision("plain", "1") == decision("extended", "1")
    assert decision("extended", "1")[1:] == (
        "russia-north-korea",
        "russia-north-korea: 'Russland' + 'Nordkorea'",
    )
    assert decision("plain", "2")[:2] == ("skipped", None)
    assert decision("extended", "2")[1:] == ("wagner", "wagner: 'Wagner' + 'Mali'")


def test_topics_lists_the_builtin_and_the_users_topics_in_order(cwd: Path) -> None:
    (cwd / "feeds.yaml").write_text(EXTENDED, encoding="utf-8")
    rows = as_json("topics")
    assert [(row["name"], row["builtin"]) for row in rows] == [
        ("russia-north-korea", True),
        ("wagner", False),
    ]
    assert rows[1]["all"] == [["wagner", "вагнер"], ["mali", "africa"]]
    assert rows[1]["languages"] == {"wagner": "en", "вагнер": "ru"}
    text = run("topics").stdout
    assert text.endswith(
        "2. wagner (from feeds.yaml)\n"
        "   a term of each group:\n"
        "     1. en: wagner\n"
        "        ru: вагнер\n"
        "     2. mali, africa\n"
        "   and none of:\n"
        "        opera\n"
    )


def test_a_topics_list_without_extends_replaces_the_builtin_and_says_so(cwd: Path) -> None:
    (cwd / "feeds.yaml").write_text("feeds: []\ntopics:\n  - {name: all, match: all}\n")
    assert [row["name"] for row in as_json("topics")] == ["all"]
    assert run("topics").stdout.splitlines()[-3:] == [
        "   every item (match: all)",
        "",
        "The built-in russia-north-korea is not in force:"
        " `- extends: default` under `topics:` keeps it.",
    ]


def test_one_topic_by_name_and_an_unknown_one(cwd: Path) -> None:
    (cwd / "feeds.yaml").write_text(EXTENDED, encoding="utf-8")
    assert [row["name"] for row in as_json("topics", "wagner")] == ["wagner"]
    unknown = run("topics", "russia-nort-korea")
    assert unknown.exit_code == 1
    assert unknown.stderr.splitlines() == [
        "Error: unknown topic 'russia-nort-korea' (did you mean 'russia-north-korea'?)"
    ]
    far = run("topics", "sport")
    assert (
        far.stderr.strip() == "Error: unknown topic 'sport' (in force: russia-north-korea, wagner)"
    )


def test_a_broken_config_is_one_line(cwd: Path) -> None:
    (cwd / "feeds.yaml").write_text("feeds: []\ntopics:\n  - extends: defaults\n")
    result = run("topics")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: feeds.yaml: topics[0].extends: the only accepted value is 'default',"
        " got 'defaults' (line 3)"
    )
    assert "--json" in run("topics", "--help").stdout
