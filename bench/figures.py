"""How well figures are read and divergences found, on a labelled set of news sentences.

    .venv/bin/python bench/figures.py [bench/data/figures_labelled.jsonl]

The set (written for this project, de/en/ru/ko) gives each sentence the claims it
should yield as [claim, low, high, hedge, modifier]. Some sentences form a "group": a
stream of articles about one claim, processed in file order as separate reports; each
names the claim key it should raise an alert for, or null. Sentences marked "trap"
(an increment beside a total, an ad with a price, a year, "more than 30 years", ...)
must yield exactly their labelled claims and raise no alert.

Prints figure precision/recall per language and overall, alert precision/recall, false
alerts on traps, and the time per sentence.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import figures
from monitor.figures import divergence
from monitor.types import DivergenceRules, Figure, Reported

DEFAULT_SET = Path(__file__).parent / "data" / "figures_labelled.jsonl"
T0 = datetime(2025, 6, 1, tzinfo=UTC)

Claim = tuple[str | None, int | None, int | None, str | None, str | None]


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def load(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def claims_of(found: Iterable[Figure]) -> list[Claim]:
    return [(f.claim, f.low, f.high, f.hedge, f.modifier) for f in found]


def score_figures(rows: Sequence[dict[str, Any]], lang: str | None = None) -> Score:
    """Exact match of (claim, low, high, hedge, modifier), counted per sentence."""
    score = Score()
    for row in rows:
        if lang is not None and row["lang"] != lang:
            continue
        got = Counter(claims_of(figures.extract(row["text"], row["lang"])))
        want = Counter(tuple(claim) for claim in row["claims"])
        matched = sum((got & want).values())
        score.true_positive += matched
        score.false_positive += sum(got.values()) - matched
        score.false_negative += sum(want.values()) - matched
        if got != want:
            score.misses.append(f"{row['lang']}: {row['text']}\n    got {sorted(got, key=str)}")
    return score


def score_alerts(rows: Sequence[dict[str, Any]], rules: DivergenceRules | None = None) -> Score:
    """Run every group's articles in order through divergence.check, as the pipeline does
    (one alert per claim key per article), and compare with the labelled alerts."""
    rules = rules or DivergenceRules()
    score = Score()
    history: dict[str, list[Reported]] = {}
    for number, row in enumerate(rows):
        group = row.get("group")
        if group is None:
            continue
        earlier = history.setdefault(group, [])
        published = T0 + timedelta(hours=number)
        found = figures.extract(row["text"], row["lang"])
        raised: set[str] = set()
        for fig in found:
            key = fig.claim_key
            if key is None or key in raised:
                continue
            if divergence.check(fig, earlier, rules) is not None:
                raised.add(key)
        want = {row["alert"]} if row.get("alert") else set()
        score.true_positive += len(raised & want)
        score.false_positive += len(raised - want)
        score.false_negative += len(want - raised)
        if raised != want:
            score.misses.append(f"{group}: {row['text']}\n    raised {sorted(raised)}")
        earlier.extend(
            Reported(number * 100 + i, number, 1, group, None, published, fig)
            for i, fig in enumerate(found)
        )
    return score


def trap_alerts(rows: Sequence[dict[str, Any]]) -> int:
    """False alerts raised by trap sentences (should be 0)."""
    traps = [row for row in rows if row.get("trap") and row.get("group")]
    alerts = score_alerts(rows)
    return sum(any(row["text"] in miss for miss in alerts.misses) for row in traps)


def main(argv: Sequence[str]) -> None:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SET
    rows = load(path)
    began = time.perf_counter()
    overall = score_figures(rows)
    per_sentence_ms = (time.perf_counter() - began) * 1000 / len(rows)
    langs = sorted({row["lang"] for row in rows})
    print(
        f"{path.name}: {len(rows)} sentences ({', '.join(langs)}), "
        f"{sum(len(r['claims']) for r in rows)} labelled claims, "
        f"{sum(bool(r.get('trap')) for r in rows)} traps"
    )
    print(f"{'':8}{'precision':>10}{'recall':>8}")
    for lang in langs:
        score = score_figures(rows, lang)
        print(f"{lang:8}{score.precision:10.3f}{score.recall:8.3f}")
    print(f"{'figures':8}{overall.precision:10.3f}{overall.recall:8.3f}")
    for split in sorted({row["split"] for row in rows if row.get("split")}):
        # sentences written after the reader was tuned; the README gives each first run
        held = score_figures([row for row in rows if row.get("split") == split])
        print(f"{'held-out':8}{held.precision:10.3f}{held.recall:8.3f}   ({split})")
    alerts = score_alerts(rows)
    print(
        f"{'alerts':8}{alerts.precision:10.3f}{alerts.recall:8.3f}"
        f"   ({alerts.true_positive} found, {alerts.false_positive} false, "
        f"{alerts.false_negative} missed)"
    )
    print(f"false alerts on traps: {trap_alerts(rows)}")
    print(f"time: {per_sentence_ms:.2f} ms per sentence")
    for miss in overall.misses + alerts.misses:
        print("MISS", miss)


if __name__ == "__main__":
    main(sys.argv)
