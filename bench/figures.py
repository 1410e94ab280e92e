"""How well figures are read and divergences found, on a labelled set of news sentences.

    .venv/bin/python bench/figures.py [bench/data/figures_labelled.jsonl]

The set (written for this project, de/en/ru/ko) gives each sentence the claims it
should yield as [claim, low, high, hedge, modifier]. Some sentences form a "group": a
stream of articles about one claim, processed in file order as separate reports; each
names the claim key it should raise an alert for, or null. Sentences marked "trap"
(an increment beside a total, an ad with a price, a year, "more than 30 years", ...)
must yield exactly their labelled claims and raise no alert.

Prints figure precision/recall per language and overall, alert precision/recall, false
alerts on traps, and the time per sentence. This set's groups have no sources or dates:
their alerts are still scored with divergence.check alone (``score_alerts``).

Issue 12 ("claims that mean what the sentence says") adds a second set in a richer format,
scored by the same command:

    .venv/bin/python bench/figures.py                  # both sets, the old one first
    .venv/bin/python bench/figures.py bench/data/claims_labelled.jsonl [--misses]
    .venv/bin/python bench/figures.py --check-heldout  # validate the held-out file, print no score
    .venv/bin/python bench/figures.py --heldout        # score the held-out file (once per change)

Each row of claims_labelled.jsonl / claims_heldout.jsonl has "lang", "text", "family"
(modality, time_basis, part_whole, number_forms, attribution, trap), "claims"
([claim, low, high, hedge, modifier] as above) and "roles" aligned with them
([modality, basis, period, role]); optionally "scope" ([scope, place] or null per claim),
"who" (per claim, null or a list of lower-case words one of which must begin a word of
the figure's attribution) and "trap". Rows with a "group" are articles of an alert
sequence, with "date" (ISO), "source", "alert" (claim key or null), "alert_kind"
(contradiction, update, correction or null) and optionally "guid" (the same guid twice =
a corrected article delivered again). bench/data/claims_README.md gives the labelling conventions.

This set's groups are run through the real pipeline (``run_group``): each group's articles
in date order through ``Pipeline.process`` into a fresh temporary store, so re-deliveries,
correction notes, reprints, superseded figures and withdrawn alerts are what a user's
monitor would make of them. The report scores the alerts each article created (found, false,
missed per kind), says how the pipeline took the articles (new, reprint, off topic,
re-delivered), which alerts ended withdrawn, and what the shipped topics would leave out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import figures, stories
from monitor.config import Config, from_feeds
from monitor.figures import divergence
from monitor.pipeline import Pipeline, Totals
from monitor.store import Store
from monitor.stories.matching import DUP_MIN_WORDS
from monitor.types import (
    ALERT_KINDS,
    BASES,
    MODALITIES,
    PART,
    PERIODS,
    WHOLE,
    WITHDRAWN,
    DivergenceRules,
    Figure,
    Item,
    Reported,
    TopicRule,
)

DEFAULT_SET = Path(__file__).parent / "data" / "figures_labelled.jsonl"
CLAIMS_SET = Path(__file__).parent / "data" / "claims_labelled.jsonl"
HELDOUT_SET = Path(__file__).parent / "data" / "claims_heldout.jsonl"
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


def report_figures(path: Path) -> None:
    """The original report on figures_labelled.jsonl (format and meaning unchanged)."""
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


# --- issue 12: claims with their modality, basis, period and role ---------------------------

FAMILIES = ("modality", "time_basis", "part_whole", "number_forms", "attribution", "trap")
PART_ROLES = (PART, WHOLE)
HEDGES = ("about", "more than", "at least", "up to", "between", "several")
MODIFIERS = ("deployment", "increment")
SCOPES = ("north_korean", "russian", "ukrainian")
PLACES = ("kursk", "russia", "ukraine")
# "missing" is named by issue 12 but not yet a shipped claim kind; the set labels it anyway.
KNOWN_CLAIMS = frozenset(figures.CLAIM_LABELS) | {"missing"}

Role = tuple[Any, ...]  # Claim + (modality, basis, period, role)


def role_of(found: Figure) -> Role:
    return (
        found.claim, found.low, found.high, found.hedge, found.modifier,
        getattr(found, "modality", "asserted"), getattr(found, "basis", None),
        getattr(found, "period", None), getattr(found, "role", None),
    )  # fmt: skip


def validate(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Problems with a claims file (empty when well-formed): known kinds and labels,
    roles aligned with claims, and every group's alerts naming a claim key it has."""
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        where = f"line {number}"
        for name in ("lang", "text", "family", "claims", "roles"):
            if name not in row:
                problems.append(f"{where}: no {name!r}")
        if row.get("lang") not in ("de", "en", "ru", "ko"):
            problems.append(f"{where}: language {row.get('lang')!r}")
        if row.get("family") not in FAMILIES:
            problems.append(f"{where}: family {row.get('family')!r}")
        claims, roles = row.get("claims", []), row.get("roles", [])
        if len(claims) != len(roles):
            problems.append(f"{where}: {len(claims)} claims but {len(roles)} roles")
        for extra in ("scope", "who"):
            if extra in row and len(row[extra]) != len(claims):
                problems.append(f"{where}: {extra} not aligned with claims")
        for claim in claims:
            if len(claim) != 5:
                problems.append(
                    f"{where}: claim {claim} is not [claim, low, high, hedge, modifier]"
                )
                continue
            kind, low, high, hedge, modifier = claim
            if kind not in KNOWN_CLAIMS:
                problems.append(f"{where}: claim kind {kind!r}")
            if hedge not in (None, *HEDGES) or modifier not in (None, *MODIFIERS):
                problems.append(f"{where}: hedge/modifier {hedge!r}/{modifier!r}")
            if low is None and high is None:
                problems.append(f"{where}: claim {claim} has no bound")
            if low is not None and high is not None and low > high:
                problems.append(f"{where}: claim {claim} has low > high")
        for role in roles:
            if len(role) != 4:
                problems.append(f"{where}: role {role} is not [modality, basis, period, role]")
                continue
            modality, basis, period, part = role
            if modality not in MODALITIES:
                problems.append(f"{where}: modality {modality!r}")
            if basis not in (None, *BASES):
                problems.append(f"{where}: basis {basis!r}")
            if (basis == "per_period") != (period is not None) or period not in (None, *PERIODS):
                problems.append(f"{where}: period {period!r} with basis {basis!r}")
            if part not in (None, *PART_ROLES):
                problems.append(f"{where}: role {part!r}")
        for scope in row.get("scope") or []:
            if scope is not None and (
                scope[0] not in (None, *SCOPES) or scope[1] not in (None, *PLACES)
            ):
                problems.append(f"{where}: scope {scope}")
        if "group" in row:
            for name in ("date", "source", "alert", "alert_kind"):
                if name not in row:
                    problems.append(f"{where}: group article without {name!r}")
            try:
                datetime.fromisoformat(row.get("date", ""))
            except ValueError:
                problems.append(f"{where}: date {row.get('date')!r}")
            if (row.get("alert") is None) != (row.get("alert_kind") is None):
                problems.append(f"{where}: alert and alert_kind must be both set or both null")
            if row.get("alert_kind") not in (None, *ALERT_KINDS):
                problems.append(f"{where}: alert kind {row.get('alert_kind')!r}")
            if row.get("alert_kind") == "correction" and not row.get("guid"):
                problems.append(f"{where}: a correction needs the guid of the article it corrects")
    for group, articles in _groups(rows).items():
        keys = {
            _key(claim, role)
            for row in articles
            for claim, role in zip(row["claims"], row["roles"], strict=False)
        }
        for row in articles:
            if row.get("alert") and row["alert"] not in keys:
                problems.append(
                    f"group {group}: alert {row['alert']!r} names no claim key the group has"
                )
    return problems


def _key(claim: Sequence[Any], role: Sequence[Any]) -> str:
    """The claim key a labelled claim would have (Figure.claim_key's rule)."""
    key = claim[0] if claim[4] is None else f"{claim[0]}/{claim[4]}"
    if role[1] == "per_period":
        key += f"/per_{role[2] or 'period'}"
    return key


def _groups(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get("group"):
            groups.setdefault(row["group"], []).append(row)
    return groups


def _match(rows: Sequence[dict[str, Any]], want_of: Any, got_of: Any, label: str) -> Score:
    score = Score()
    for row in rows:
        found = figures.extract(row["text"], row["lang"])
        got = Counter(got_of(f) for f in found)
        want = Counter(want_of(row))
        matched = sum((got & want).values())
        score.true_positive += matched
        score.false_positive += sum(got.values()) - matched
        score.false_negative += sum(want.values()) - matched
        if got != want:
            score.misses.append(
                f"{label} {row['lang']}/{row['family']}: {row['text']!r}\n"
                f"    want {sorted(want, key=str)}\n    got  {sorted(got, key=str)}"
            )
    return score


def score_claims(rows: Sequence[dict[str, Any]]) -> Score:
    """Exact match of (claim, low, high, hedge, modifier), counted per sentence."""
    return _match(
        rows, lambda row: [tuple(c) for c in row["claims"]], lambda f: claims_of([f])[0], "figure"
    )


def score_roles(rows: Sequence[dict[str, Any]]) -> Score:
    """Exact match of the figure with its modality, basis, period and role."""
    return _match(
        rows,
        lambda row: [(*c, *r) for c, r in zip(row["claims"], row["roles"], strict=True)],
        role_of,
        "role",
    )


def score_labelled_extra(rows: Sequence[dict[str, Any]], name: str) -> tuple[int, int, list[str]]:
    """How many claims labelled with a "scope" ([scope, place]) or "who" (words one of which
    the attribution must contain) were read with it: (right, labelled, misses)."""
    right = labelled = 0
    misses: list[str] = []
    for row in rows:
        if name not in row:
            continue
        found = figures.extract(row["text"], row["lang"])
        for claim, label in zip(row["claims"], row[name], strict=True):
            if label is None:
                continue
            labelled += 1
            same = [f for f in found if claims_of([f])[0] == tuple(claim)]
            if name == "scope":
                ok = any(
                    (label[0] is None or f.scope == label[0])
                    and (label[1] is None or f.place == label[1])
                    for f in same
                )
                seen: list[Any] = [(f.scope, f.place) for f in same]
            else:
                ok = any(_names(f.attribution, label) for f in same)
                seen = [f.attribution for f in same]
            right += ok
            if not ok:
                misses.append(
                    f"{name} {row['lang']}: {row['text']!r}\n"
                    f"    want {label} for {claim}, got {seen}"
                )
    return right, labelled, misses


def _names(attribution: str | None, words: Sequence[str]) -> bool:
    """Whether an attribution has one of the words at the start of one of its words
    ("nis" names "NIS", not "Verteidigungsministerium")."""
    text = (attribution or "").lower()
    return any(re.search(r"(?<!\w)" + re.escape(word), text) for word in words)


# --- alerts: the groups through the real pipeline and store ----------------------------------

# Every article on topic: a group's one-sentence articles often name only one of the two
# countries the shipped topic wants, and a user following whole feeds has this rule.
# report_claims also says what the shipped topics (from_feeds([])) make of the groups.
FOLLOW_ALL = (TopicRule(name="bench: every article", match_all=True),)


def bench_config(topics: tuple[TopicRule, ...] | None = FOLLOW_ALL) -> Config:
    """No feeds, no alert channels, default rules; ``topics`` None = the shipped ones."""
    return replace(from_feeds([]), topics=topics)


@dataclass
class Outcome:
    """What one article of a group did in the store: the alerts it created (claim key,
    kind), the alerts withdrawn while it was processed (claim key, kind, and the number of
    the article that raised them), and how the pipeline took it (one of TAKEN)."""

    row: dict[str, Any]
    raised: tuple[tuple[str, str], ...] = ()
    withdrawn: tuple[tuple[str, str, int], ...] = ()
    taken: str = "new"
    number: int = 1  # the article's place in its group, in processing order
    words: int = 0  # the words the story matcher sees
    why: str = ""  # the story matcher's reason, for a reprint


TAKEN = {
    "new": "a new article",
    "reprint": "a near-duplicate of a stored article: its figures never alert",
    "off topic": "outside every topic: stored as skipped, no figures read",
    "re-delivered": "same source and guid, content changed: figures read again",
    "unchanged": "same source and guid, same content: nothing happens",
}


def _alert_states(store: Store) -> dict[int, tuple[str, str, str]]:
    """Every alert in the store: id -> (claim key, kind, status)."""
    return {a["id"]: (a["claim_key"], a["kind"], a["status"]) for a in store.alerts()}


def run_group(articles: Sequence[dict[str, Any]], config: Config | None = None) -> list[Outcome]:
    """One group's articles in date order (file order within a day) through
    ``Pipeline.process`` into a fresh temporary store, as a user's monitor takes them.

    Each article is an Item with the row's source, guid (or one of its own), date (plus a
    minute per place in the file, so that articles of one day keep their order), text and
    lang, and an empty title (a title repeating the first sentence would be read twice).
    A row whose source and guid were seen before is a re-delivery: the pipeline reads its
    figures again, supersedes those it no longer has, withdraws the alerts that no longer
    stand and records a correction alert. After each article the store says which alerts
    it created and which became withdrawn. No alert channels: nothing is delivered."""
    config = config or bench_config()
    outcomes: list[Outcome] = []
    ordered = sorted(enumerate(articles), key=lambda pair: (pair[1]["date"], pair[0]))
    with (
        tempfile.TemporaryDirectory(prefix="bench-figures-") as state,
        Store.open(Path(state)) as store,
    ):
        now = [T0]
        pipeline = Pipeline(store, config, clock=lambda: now[0], channels=())
        raised_by: dict[int, int] = {}  # alert id -> number of the article that raised it
        texts: dict[tuple[str, str], str] = {}  # (source, guid) -> the text last delivered
        for number, (place, row) in enumerate(ordered, 1):
            published = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
            published += timedelta(minutes=place)
            key = (row["source"], row.get("guid") or f"bench-{place}")
            now[0] = published
            before = _alert_states(store)
            item = Item(
                source=row["source"],
                guid=key[1],
                title="",
                text=row["text"],
                url=None,
                published=published,
                lang=row["lang"],
            )
            pipeline.process(item, Totals())
            after = _alert_states(store)
            created = sorted(set(after) - set(before))
            raised_by.update((alert_id, number) for alert_id in created)
            withdrawn = tuple(
                (claim_key, kind, raised_by.get(alert_id, 0))
                for alert_id, (claim_key, kind, status) in after.items()
                if status == WITHDRAWN and before.get(alert_id, ("", "", ""))[2] != WITHDRAWN
            )
            stored = store.stored_item(*key)
            why = ""
            if key in texts:
                taken = "unchanged" if texts[key] == row["text"] else "re-delivered"
            elif stored is None or stored["status"] != "kept":
                taken = "off topic"
            elif stored["duplicate_of"] is not None:
                taken, why = "reprint", str(stored.get("match_reason") or "")
            else:
                taken = "new"
            texts[key] = row["text"]
            raised = tuple((after[alert_id][0], after[alert_id][1]) for alert_id in created)
            words = len(stories.features("", row["text"]).words)
            outcomes.append(Outcome(row, raised, withdrawn, taken, number, words, why))
    return outcomes


def run_groups(rows: Sequence[dict[str, Any]], config: Config | None = None) -> list[Outcome]:
    """Every group of ``rows`` through ``run_group``, each in its own fresh store."""
    return [o for articles in _groups(rows).values() for o in run_group(articles, config)]


@dataclass
class KindScore:
    found: int = 0
    false: int = 0
    missed: int = 0


def score_alert_kinds(outcomes: Sequence[Outcome]) -> tuple[dict[str, KindScore], list[str]]:
    """Per alert kind, over the alerts each article created in the store: found (the
    labelled claim key and kind), false (created but not labelled on that article),
    missed (labelled but not created). Corrections are measured like the other kinds:
    the pipeline records a correction alert when an outlet corrects itself."""
    kinds = {kind: KindScore() for kind in ALERT_KINDS}
    misses: list[str] = []
    for outcome in outcomes:
        row = outcome.row
        want = Counter([(row["alert"], row["alert_kind"])] if row.get("alert") else [])
        got = Counter(outcome.raised)
        for (_, kind), count in (got & want).items():
            kinds[kind].found += count
        for (_, kind), count in (got - want).items():
            kinds.setdefault(kind, KindScore()).false += count
        for (_, kind), count in (want - got).items():
            kinds[kind].missed += count
        if got != want:
            taken = "" if outcome.taken == "new" else f" (taken as {outcome.taken})"
            misses.append(
                f"alert {row['group']} {row['date']}{taken}: {row['text']!r}\n"
                f"    want {sorted(want)} raised {sorted(got)}"
            )
    return kinds, misses


def trap_contradictions(outcomes: Sequence[Outcome]) -> int:
    """Contradictions created by articles marked as traps (should be 0)."""
    return sum(
        kind == "contradiction" and outcome.row.get("alert_kind") != "contradiction"
        for outcome in outcomes
        if outcome.row.get("trap")
        for _, kind in outcome.raised
    )


def pipeline_notes(outcomes: Sequence[Outcome]) -> list[str]:
    """What the pipeline made of the groups' articles that the alert scores depend on:
    how each was taken (reprints never alert, off-topic articles have no figures), whether
    the articles are long enough for the reprint decision to be exercised at all, and the
    alerts that ended withdrawn (the labels mark no withdrawal: a withdrawal in a group
    with no labelled correction is suspect)."""
    taken = Counter(o.taken for o in outcomes)
    notes = [
        f"articles taken as: {', '.join(f'{n} {how}' for how, n in sorted(taken.items()))}"
        f" ({len(outcomes)} articles)"
    ]
    for o in outcomes:
        if o.taken in ("reprint", "off topic"):
            labelled = (
                f"; labelled {o.row['alert_kind']} {o.row['alert']}" if o.row["alert"] else ""
            )
            notes.append(
                f"  {o.row['group']} #{o.number} ({o.row['source']}) {o.taken}{labelled}"
                f"{': ' + o.why if o.why else ''}"
            )
    short = sum(o.words < DUP_MIN_WORDS for o in outcomes)
    if short:
        notes.append(
            f"  {short} of {len(outcomes)} articles have fewer than the {DUP_MIN_WORDS} words"
            " the reprint test needs: the groups do not exercise the reprint decision"
            " (near-identical sentences from two outlets are scored as independent reports)"
        )
    corrected = {o.row["group"] for o in outcomes if o.row.get("alert_kind") == "correction"}
    withdrawn = [(o, w) for o in outcomes for w in o.withdrawn]
    elsewhere = sum(o.row["group"] not in corrected for o, _ in withdrawn)
    notes.append(
        f"alerts withdrawn: {len(withdrawn)} ({len(withdrawn) - elsewhere} in groups with a"
        f" labelled correction, {elsewhere} elsewhere; the labels mark no withdrawal)"
    )
    for o, (claim_key, kind, raised_by) in withdrawn:
        notes.append(
            f"  {o.row['group']}: {kind} {claim_key} of #{raised_by} withdrawn by #{o.number}"
            f" ({o.row['source']}, {o.taken})"
        )
    return notes


# --- the report ---------------------------------------------------------------------------


def _line(name: str, claims: Score, roles: Score) -> str:
    return (
        f"{name:14}{claims.precision:10.3f}{claims.recall:8.3f}"
        f"{roles.precision:10.3f}{roles.recall:8.3f}"
        f"   ({claims.true_positive + claims.false_negative} claims)"
    )


def report_claims(rows: Sequence[dict[str, Any]], title: str, misses: bool = False) -> None:
    problems = validate(rows)
    if problems:
        raise SystemExit(f"{title}: not well-formed:\n  " + "\n  ".join(problems))
    groups = _groups(rows)
    sentences = [row for row in rows if not row.get("group")]
    print(
        f"{title}: {len(sentences)} sentences and {len(rows) - len(sentences)} articles in "
        f"{len(groups)} alert groups, {sum(len(r['claims']) for r in rows)} labelled claims"
    )
    print(f"{'':14}{'figures':>18}{'figure+role':>18}")
    print(f"{'':14}{'precision':>10}{'recall':>8}{'precision':>10}{'recall':>8}")
    for lang in ("de", "en", "ru", "ko"):
        part = [row for row in rows if row["lang"] == lang]
        if part:
            print(_line(lang, score_claims(part), score_roles(part)))
    for family in FAMILIES:
        part = [row for row in rows if row["family"] == family]
        if part:
            print(_line(family, score_claims(part), score_roles(part)))
    all_claims, all_roles = score_claims(rows), score_roles(rows)
    print(_line("all", all_claims, all_roles))
    traps = [row for row in sentences if row["family"] == "trap"]
    wrong = sum(any(f.claim for f in figures.extract(row["text"], row["lang"])) for row in traps)
    print(f"trap sentences that yielded a claim: {wrong} of {len(traps)}")
    scope = score_labelled_extra(rows, "scope")
    who = score_labelled_extra(rows, "who")
    print(f"whose/where (scope, place) right: {scope[0]} of {scope[1]} labelled claims")
    print(f"who said it (attribution) right: {who[0]} of {who[1]} labelled claims")
    outcomes = run_groups(rows)
    kinds, alert_misses = score_alert_kinds(outcomes)
    print(
        f"alerts ({len(groups)} groups through Pipeline.process, a fresh store each,"
        " every article on topic):"
    )
    for kind in ALERT_KINDS:
        k = kinds[kind]
        print(f"  {kind:14} {k.found} found, {k.false} false, {k.missed} missed")
    for kind in sorted(set(kinds) - set(ALERT_KINDS)):
        print(f"  {kind:14} {kinds[kind].false} raised, a kind no article is labelled with")
    print(f"false contradictions on trap articles: {trap_contradictions(outcomes)}")
    for note in pipeline_notes(outcomes):
        print(note)
    shipped = run_groups(rows, bench_config(topics=None))
    off = sum(o.taken == "off topic" for o in shipped)
    found = score_alert_kinds(shipped)[0]
    print(
        f"with the shipped topics instead: {off} of {len(shipped)} articles off topic (one"
        " sentence often names one country only); "
        + ", ".join(
            f"{kind} {found[kind].found}/{found[kind].false}/{found[kind].missed}"
            for kind in ALERT_KINDS
        )
        + " found/false/missed"
    )
    if misses:
        for miss in all_claims.misses + all_roles.misses + scope[2] + who[2] + alert_misses:
            print("MISS", miss)


def check_heldout(path: Path) -> None:
    """Validate the held-out file and run it through the reader without printing a score."""
    rows = load(path)
    problems = validate(rows)
    if problems:
        raise SystemExit(f"{path.name}: not well-formed:\n  " + "\n  ".join(problems))
    for row in rows:
        figures.extract(row["text"], row["lang"])
    run_groups(rows)
    sentences = sum(not row.get("group") for row in rows)
    print(
        f"{path.name}: well-formed and runs: {sentences} sentences, {len(rows) - sentences} "
        f"articles in {len(_groups(rows))} groups (scores not printed; --heldout prints them)"
    )


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench/figures.py", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="one labelled set (either format)")
    parser.add_argument("--misses", action="store_true", help="list every miss of the claims set")
    parser.add_argument("--heldout", action="store_true", help="also score the held-out claims set")
    parser.add_argument(
        "--check-heldout",
        action="store_true",
        help="only validate the held-out set (or PATH); print no score",
    )
    args = parser.parse_args(list(argv[1:]))
    if args.check_heldout:
        check_heldout(args.path or HELDOUT_SET)
        return
    if args.path is not None:
        rows = load(args.path)
        if rows and "roles" in rows[0]:
            report_claims(rows, args.path.name, args.misses)
        else:
            report_figures(args.path)
    else:
        report_figures(DEFAULT_SET)
        print()
        report_claims(load(CLAIMS_SET), CLAIMS_SET.name, args.misses)
    if args.heldout:
        print()
        report_claims(
            load(HELDOUT_SET), f"{HELDOUT_SET.name} (held out: score once per change)", args.misses
        )


if __name__ == "__main__":
    main(sys.argv)
