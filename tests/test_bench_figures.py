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


def _article(text: str, date: str, source: str, alert: Any = None, **extra: Any) -> dict[str, Any]:
    key, kind = alert or (None, None)
    return {
        "lang": "en",
        "text": text,
        "family": "modality",
        "claims": [],
        "roles": [],
        "group": "tiny",
        "date": date,
        "source": source,
        "alert": key,
        "alert_kind": kind,
        **extra,
    }


TINY = [
    _article("About 11,000 North Korean troops are in Kursk, Seoul's spy agency said.",
             "2025-01-10", "Seoul Wire"),
    _article("15,000 North Korean troops are in Kursk, officials told Daily Post.",
             "2025-01-11", "Daily Post", ("troops", "contradiction"), guid="dp-1"),
    _article("So far, 1,000 North Korean soldiers have been killed in Kursk, Kyiv said.",
             "2025-01-12", "Kyiv Daily"),
    _article("So far, 2,000 North Korean soldiers have been killed in Kursk, Kyiv said.",
             "2025-02-20", "Kyiv Daily", ("killed", "update")),
    # the same article delivered again (same source and guid) with its figure corrected
    _article("About 11,000 North Korean troops are in Kursk, officials told Daily Post.",
             "2025-02-21", "Daily Post", ("troops", "correction"), guid="dp-1", trap=True),
]  # fmt: skip


def test_the_pipeline_scorer_counts_a_tiny_group() -> None:
    """A contradiction, an update and a correction by re-delivery, each created by the
    article labelled with it, through Pipeline.process and a real store; the correction
    withdraws the contradiction it took the ground from."""
    bench = _bench()
    outcomes = bench.run_groups(TINY)
    assert [o.raised for o in outcomes] == [
        (),
        (("troops", "contradiction"),),
        (),
        (("killed", "update"),),
        (("troops", "correction"),),
    ]
    assert [o.taken for o in outcomes] == ["new"] * 4 + ["re-delivered"]
    assert [o.withdrawn for o in outcomes] == [(), (), (), (), (("troops", "contradiction", 2),)]
    kinds, misses = bench.score_alert_kinds(outcomes)
    assert {kind: (k.found, k.false, k.missed) for kind, k in kinds.items()} == {
        "contradiction": (1, 0, 0),
        "update": (1, 0, 0),
        "correction": (1, 0, 0),
    }
    assert misses == []
    assert bench.trap_contradictions(outcomes) == 0
    notes = bench.pipeline_notes(outcomes)
    assert notes[0] == "articles taken as: 4 new, 1 re-delivered (5 articles)"
    assert any("5 of 5 articles have fewer than the 25 words" in note for note in notes)
    assert "alerts withdrawn: 1 (1 in groups with a labelled correction, 0 elsewhere" in notes[-2]
    assert (
        notes[-1] == "  tiny: contradiction troops of #2 withdrawn by #5 (Daily Post, re-delivered)"
    )


def test_the_pipeline_scorer_counts_what_the_labels_do_not_say() -> None:
    """Unlabelled alerts are false, labelled ones not created are missed; a re-delivery
    with the same text changes nothing; the shipped topics leave one-country articles out."""
    bench = _bench()
    unlabelled = [{**row, "alert": None, "alert_kind": None} for row in TINY]
    unlabelled[2] = {**unlabelled[2], "alert": "killed", "alert_kind": "contradiction"}
    unlabelled.append({**unlabelled[-1], "date": "2025-02-22"})  # delivered once more
    outcomes = bench.run_groups(unlabelled)
    assert outcomes[-1].taken == "unchanged" and outcomes[-1].raised == ()
    kinds, misses = bench.score_alert_kinds(outcomes)
    assert {kind: (k.found, k.false, k.missed) for kind, k in kinds.items()} == {
        "contradiction": (0, 1, 1),
        "update": (0, 1, 0),
        "correction": (0, 1, 0),
    }
    assert len(misses) == 4
    shipped = bench.run_groups(TINY, bench.bench_config(topics=None))
    assert [o.taken for o in shipped] == ["new"] * 4 + ["re-delivered"]
    one_country = [{**TINY[0], "text": "About 11,000 North Korean troops are at the front."}]
    assert [o.taken for o in bench.run_groups(one_country, bench.bench_config(None))] == [
        "off topic"
    ]
    assert bench.run_groups(one_country)[0].taken == "new"
