"""The issue-12 labelled claim sets are well-formed (no score is asserted here: the bench
measures the reader, it does not gate it)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent.parent / "bench" / "data"
SETS = ["claims_labelled.jsonl", "claims_heldout.jsonl"]


def _bench() -> Any:
    path = Path(__file__).parent.parent / "bench" / "figures.py"
    spec = importlib.util.spec_from_file_location("bench_figures_claims", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = []
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"{name}: empty line {number}"
        rows.append(json.loads(line))  # every line is one JSON object
    return rows


@pytest.mark.parametrize("name", SETS)
def test_claim_set_is_well_formed(name: str) -> None:
    rows = _rows(name)
    assert _bench().validate(rows) == []


@pytest.mark.parametrize("name", SETS)
def test_claim_set_covers_every_family_in_every_language(name: str) -> None:
    rows = _rows(name)
    families = {"modality", "time_basis", "part_whole", "number_forms", "attribution", "trap"}
    for lang in ("de", "en", "ru", "ko"):
        assert {row["family"] for row in rows if row["lang"] == lang} == families, lang
    groups = {row["group"] for row in rows if row.get("group")}
    kinds = {row["alert_kind"] for row in rows if row.get("alert_kind")}
    assert kinds == {"contradiction", "update", "correction"}
    assert len(groups) >= (15 if name == "claims_labelled.jsonl" else 5)


def test_labelled_set_has_its_size() -> None:
    rows = _rows("claims_labelled.jsonl")
    assert sum(not row.get("group") for row in rows) >= 150


def test_validate_finds_what_is_wrong() -> None:
    bench = _bench()
    good = {
        "lang": "en",
        "text": "So far 1,000 were killed.",
        "family": "time_basis",
        "claims": [["killed", 1000, 1000, None, None]],
        "roles": [["asserted", "cumulative", None, None]],
    }
    assert bench.validate([good]) == []
    bad_kind = {**good, "claims": [["ghosts", 1000, 1000, None, None]]}
    bad_roles = {**good, "roles": []}
    bad_period = {**good, "roles": [["asserted", "per_period", None, None]]}
    bad_modality = {**good, "roles": [["rumoured", None, None, None]]}
    bad_alert = {
        **good,
        "group": "g",
        "date": "2025-01-01",
        "source": "A",
        "alert": "troops",
        "alert_kind": "contradiction",
    }
    for row in (bad_kind, bad_roles, bad_period, bad_modality, bad_alert):
        assert bench.validate([row]), row


def test_groups_pass_the_article_date_when_check_accepts_it(monkeypatch: Any) -> None:
    """divergence.check may or may not take ``published=``; the bench works either way and
    reads the kind of what it returns. A re-delivered guid replaces its earlier version."""
    from datetime import datetime

    from monitor.types import Divergence

    bench = _bench()
    rows = [
        {
            "lang": "en",
            "text": "So far 1,000 North Korean soldiers were killed.",
            "family": "time_basis",
            "claims": [["killed", 1000, 1000, None, None]],
            "roles": [["asserted", "cumulative", None, None]],
            "group": "g",
            "date": date,
            "source": "A",
            "guid": "a-1",
            "alert": None,
            "alert_kind": None,
        }
        for date in ("2025-01-02", "2025-01-01")
    ]
    seen: list[tuple[int, datetime]] = []

    def check(new: Any, previous: Any, rules: Any, published: datetime) -> Divergence:
        seen.append((len(previous), published))
        return Divergence(new, tuple(previous), "test", kind="update")

    monkeypatch.setattr(bench.divergence, "check", check)
    outcomes = bench.run_groups(rows)
    assert [o.row["date"] for o in outcomes] == ["2025-01-01", "2025-01-02"]
    assert [published.date().isoformat() for _, published in seen] == ["2025-01-01", "2025-01-02"]
    assert [count for count, _ in seen] == [0, 0]  # the second delivery replaced the first
    assert outcomes[0].raised == {"killed": "update"}

    def old_check(new: Any, previous: Any, rules: Any) -> None:
        return None

    monkeypatch.setattr(bench.divergence, "check", old_check)
    assert [o.raised for o in bench.run_groups(rows)] == [{}, {}]
