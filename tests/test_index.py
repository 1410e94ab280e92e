"""The candidate index and cross-lingual keys: shortlist by shared rare keys, rarity, aliases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.stories import features
from monitor.stories.index import CandidateIndex

T0 = datetime(2025, 6, 17, 12, 0, tzinfo=UTC)
ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def test_names_meet_across_scripts_and_spellings() -> None:
    for spellings, key in [
        (("kursk", "курск", "курске", "쿠르스크에서"), "kursk"),
        (("shoigu", "schoigu", "шойгу", "쇼이구는"), "shoigu"),
        (("lavrov", "lawrow", "лаврова"), "lavrov"),
        (("wonsan", "вонсан", "원산에서"), "vonsan"),
    ]:
        for spelling in spellings:
            found = features("", f"Gestern sprach man in der Stadt über {spelling.title()} lange.")
            assert key in found.keys, spelling


def test_figures_meet_across_languages() -> None:
    for text in ("1,000 sappers", "1.000 Pioniere", "1 тыс. саперов", "공병 1천명"):
        assert "1000" in features("", text).figures, text
    assert {"45000", "4700"} <= features("", "4만5천 루블, 약 4천700명").figures


def test_weekdays_meet_across_languages() -> None:
    keys = [
        features("", text).dates for text in ("on Tuesday", "am Dienstag", "во вторник", "화요일")
    ]
    assert all(found == {"tue"} for found in keys)


def test_shortlist_keeps_the_window_and_ranks_by_shared_keys() -> None:
    index = CandidateIndex(retention=timedelta(days=7))
    index.add(1, T0, ["kursk", "shoigu", "1000"])
    index.add(2, T0, ["kursk"])
    index.add(3, T0 - timedelta(days=5), ["kursk", "shoigu", "1000"])
    wanted = {"kursk": 2.0, "shoigu": 2.0, "1000": 3.0}
    assert index.shortlist(wanted, since=T0 - timedelta(days=3), until=T0) == [1, 2]


def test_old_items_are_evicted_and_rarity_follows_recent_items() -> None:
    index = CandidateIndex(retention=timedelta(days=7))
    for number in range(100):
        keys = ["kursk", f"rare{number}"]
        index.add(number + 1, T0 + timedelta(hours=number), keys)
    assert index.rarity("rare5") == 1.0
    assert index.rarity("kursk") < 0.2  # in every recent item: background
    index.add(500, T0 + timedelta(days=30), ["fresh"])
    assert len(index) == 1 and index.rarity("kursk") == 1.0


def test_explain_says_why(tmp_path: Path, monkeypatch: object) -> None:
    import json

    runner = CliRunner()
    state = str(tmp_path / "state")
    paths = sorted(str(p) for p in ARTICLES.glob("*.txt"))
    assert runner.invoke(cli, ["--state", state, "ingest", *paths]).exit_code == 0
    reprint = json.loads(runner.invoke(cli, ["--state", state, "explain", "3", "--json"]).stdout)
    assert reprint["decision"] == "reprint" and reprint["duplicate_of"] == 2
    assert reprint["match_reason"].startswith("reprint of item 2 (ratio ")
    joined = runner.invoke(cli, ["--state", state, "explain", "2"]).stdout
    assert "decision: joined story" in joined and "shared 1000, 5000" in joined
    skipped = runner.invoke(cli, ["--state", state, "explain", "4"]).stdout
    assert "topic: skipped" in skipped and "no term of group 1" in skipped
    missing = runner.invoke(cli, ["--state", state, "explain", "99"])
    assert missing.exit_code == 1 and "no item 99" in missing.output


def test_rarities_are_what_each_key_share_gives_as_items_come_and_go() -> None:
    """Issue 16: rarity is computed once per state of the index, from keys grouped by how
    many items hold them; every key's rarity is still its share among recent items."""
    import math
    import random

    from monitor.stories.index import MIN_RARITY, RARE_SHARE, RARITY_MIN_ITEMS

    def by_share(index: CandidateIndex, key: str) -> float:
        held = sum(key in keys for _, keys in index._items.values())
        share = held / max(len(index), RARITY_MIN_ITEMS)
        if share <= RARE_SHARE:
            return 1.0
        return max(MIN_RARITY, math.log(share) / math.log(RARE_SHARE))

    rng = random.Random(16)
    vocabulary = [f"k{number}" for number in range(60)]
    index = CandidateIndex(retention=timedelta(hours=30))
    for number in range(300):
        keys = rng.sample(vocabulary[: rng.choice([8, 20, 60])], rng.randrange(1, 8))
        index.add(number + 1, T0 + timedelta(hours=number // 3), keys)
        if number % 7 == 0:
            index.touch(rng.randrange(1, number + 2), T0 + timedelta(hours=number // 3))
        if number % 25 == 0 or number > 280:
            for key in [*vocabulary, "never"]:
                assert index.rarity(key) == by_share(index, key), (number, key)
            assert all(r < 1.0 for r in index.rarities().values())


def test_shortlists_of_several_windows_are_each_window_alone() -> None:
    index = CandidateIndex(retention=timedelta(days=7))
    for number in range(60):
        keys = ["kursk", f"name{number % 5}", f"figure{number % 3}"]
        index.add(number + 1, T0 + timedelta(hours=2 * number), keys)
    wanted = {"kursk": 2.0, "name1": 2.0, "figure2": 3.0}
    windows = [
        (T0 + timedelta(hours=60), T0 + timedelta(hours=120), 40),
        (T0, T0 + timedelta(hours=60), 5),
    ]
    assert index.shortlists(wanted, windows) == [
        index.shortlist(wanted, since, until, limit) for since, until, limit in windows
    ]
