"""Why a figure was read so, what it was compared with, and why it raised an alert or not.

``monitor explain`` asks, after the fact, the questions ``divergence`` answered while an
item was processed; the rule itself is not repeated here: each earlier figure that could
be compared is put to ``divergence.check`` on its own, and the figure against all of them
together. What this module adds is the reason an earlier figure was *not* compared
(another claim key, another scope, outside the window, a reprint, not asserted, ...) and
one reason in words for an item that raised no alert.

It works on the store's figure dicts (``monitor figures --json``), with two more keys on
earlier figures: ``duplicate_of`` (the item is a reprint) and ``superseded``. "Earlier"
means stored before the figure (a smaller figure id, another item): what the store held
when the figure was checked. The window is the one configured now.

Pure: stdlib, monitor.types and monitor.figures only.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from monitor.figures.divergence import (
    INCREMENT,
    VAGUE,
    VAGUE_IGNORE,
    check,
    figure_of,
    format_value,
    interval,
    same_scope,
)
from monitor.figures.lexicon import CLAIM_LABELS
from monitor.types import (
    ASSERTED,
    CUMULATIVE,
    DENIED,
    DISPATCH,
    HYPOTHETICAL,
    IN_PLACE,
    PART,
    PER_PERIOD,
    PROJECTED,
    RETRACTED,
    WHOLE,
    DivergenceRules,
    Figure,
    Reported,
)

__all__ = ["AGREES", "DIFFERS", "NOT_COMPARED", "explain_figure", "reading", "span", "summary"]

# The outcome of comparing with one earlier figure.
AGREES, DIFFERS, NOT_COMPARED = "agrees", "differs", "not compared"

_MODALITY_WORDS = {
    ASSERTED: "put forward as so; compared with earlier figures",
    PROJECTED: "possible or expected (could, plans to); never compared",
    DENIED: "a figure someone denies; never compared",
    HYPOTHETICAL: "conditional (if ...); never compared",
    RETRACTED: "withdrawn by its own outlet; never compared",
}
_BASIS_WORDS = {
    None: "not said: compared with any figure of the same claim key",
    CUMULATIVE: "a running total (so far, in all)",
    PER_PERIOD: "the toll of one period; compared only with tolls of the same period",
    DISPATCH: "a one-off dispatch pledged or announced",
    IN_PLACE: "a count in place now",
}
_HEDGE_WORDS = {
    None: "none: the number as written",
    "about": "approximate",
    "more than": "an open lower bound: no upper limit",
    "at least": "an open lower bound: no upper limit",
    "up to": "an upper bound: anything from 0",
    "between": "a range",
    VAGUE: "a vague amount",
}
_MODIFIER_WORDS = {
    INCREMENT: "an increment (another N): says nothing about a total, never compared",
    "deployment": "a dispatch announced: compared only with other announcements",
}


def span(low: float, high: float) -> list[float | None]:
    """A widened interval for JSON (rounded: 12,000 widened by 10% is 13,200, not
    13,200.000000000002); infinity is null."""
    return [round(low, 3), None if math.isinf(high) else round(high, 3)]


def _interval_words(bounds: tuple[float, float]) -> str:
    low, high = bounds
    top = "∞" if math.isinf(high) else f"{high:,.0f}"
    return f"[{low:,.0f}, {top}]"


def _period_words(fig: Figure) -> str:
    return f"per {fig.period}" if fig.period else "per period"


def reading(row: Mapping[str, Any], rules: DivergenceRules) -> list[dict[str, str]]:
    """How each part of a stored figure was read: one {aspect, read, meaning} per aspect."""
    fig = figure_of(row)
    tolerance = rules.tolerance_for(fig.hedge)
    hedge = _HEDGE_WORDS.get(fig.hedge, "a hedge")
    if tolerance:
        hedge += f"; widened by {tolerance:.0%} each side"
    if fig.hedge == VAGUE:
        hedge += f"; compared as: {rules.vague}"
    claim = "none: counts nothing tracked (a year, a price, ...)"
    if fig.claim is not None:
        claim = f"{CLAIM_LABELS.get(fig.claim, fig.claim)}; compared under the key {fig.claim_key}"
    rows = [
        ("value", format_value(fig), f"low {_bound(fig.low)}, high {_bound(fig.high)}"),
        ("hedge", fig.hedge or "-", hedge),
        ("claim", fig.claim or "-", claim),
    ]
    if fig.modifier:
        rows.append(("modifier", fig.modifier, _MODIFIER_WORDS.get(fig.modifier, "")))
    rows.append(("modality", fig.modality, _MODALITY_WORDS.get(fig.modality, "")))
    basis = fig.basis or "-"
    if fig.basis == PER_PERIOD:
        basis = f"{fig.basis} ({_period_words(fig)})"
    rows.append(("time basis", basis, _BASIS_WORDS.get(fig.basis, "")))
    if fig.role:
        role_words = {PART: "the part of a partitive (300 of the 11,000)", WHOLE: "the whole"}
        rows.append(("role", fig.role, role_words.get(fig.role, "")))
    rows += [
        ("whose", _words(fig.scope), "any" if fig.scope is None else "compared only with same"),
        ("where", _words(fig.place), "any" if fig.place is None else "compared only with same"),
        ("attribution", fig.attribution or "-", "who is cited" if fig.attribution else "no one"),
    ]
    return [{"aspect": a, "read": r, "meaning": m} for a, r, m in rows]


def _bound(value: int | None) -> str:
    return "open" if value is None else f"{value:,}"


def _words(value: str | None) -> str:
    return value.replace("_", " ") if value else "-"


def _reported(row: Mapping[str, Any]) -> Reported:
    return Reported(
        figure_id=row["id"],
        item_id=row["item_id"],
        story_id=row.get("story_id") or 0,
        source=row["source"],
        url=row.get("url"),
        published=datetime.fromisoformat(row["published"]),
        figure=figure_of(row),
    )


def _own_reason(fig: Figure, rules: DivergenceRules) -> tuple[str, str] | None:
    """Why a figure is never compared at all, from the figure alone; None when it is."""
    if fig.claim_key is None:
        return "no_claim", "it counts nothing tracked (no claim), so it is never compared"
    if fig.modality != ASSERTED:
        return "not_asserted", (
            f"it is {fig.modality}, not asserted: only asserted figures are compared"
        )
    if fig.modifier == INCREMENT:
        return "increment", "an increment (another N) says nothing about a total: never compared"
    if fig.hedge == VAGUE and rules.vague == VAGUE_IGNORE:
        return "vague", (
            f"a vague amount ({format_value(fig)}) is not compared (divergence vague: ignore)"
        )
    return None


def _key_difference(new: Figure, old: Figure) -> str:
    """Why two figures of one claim kind have different claim keys, in words."""
    if (new.basis == PER_PERIOD) != (old.basis == PER_PERIOD):
        toll = new if new.basis == PER_PERIOD else old
        return f"a toll {_period_words(toll)} is not compared with a total"
    if new.basis == PER_PERIOD and old.basis == PER_PERIOD:
        return f"tolls of different periods ({_period_words(new)}, {_period_words(old)})"
    for fig in (old, new):
        if fig.modifier in _MODIFIER_WORDS:
            return f"{fig.claim_key}: {_MODIFIER_WORDS[fig.modifier]}"
    return f"another claim key ({old.claim_key})"


def _compare_one(
    new: Figure, row: Mapping[str, Any], since: datetime, rules: DivergenceRules
) -> tuple[str, str, str]:
    """(outcome, reason code, why) for one earlier figure."""
    old = figure_of(row)
    if old.claim_key != new.claim_key:
        return NOT_COMPARED, "other_key", _key_difference(new, old)
    if row.get("duplicate_of") is not None:
        return NOT_COMPARED, "reprint", f"a reprint of item {row['duplicate_of']}"
    if row.get("superseded"):
        return NOT_COMPARED, "superseded", f"replaced by a correction ({row['superseded'][:10]})"
    own = _own_reason(old, rules)
    if own is not None:
        return NOT_COMPARED, own[0], own[1].replace("it is", "earlier figure is", 1)
    published = datetime.fromisoformat(row["published"])
    if published < since:
        return (
            NOT_COMPARED,
            "outside_window",
            f"published {row['published'][:10]}, before the window",
        )
    if rules.match_scope and not same_scope(new, old):
        mine = ", ".join(_words(p) for p in (new.scope, new.place) if p)
        theirs = ", ".join(_words(p) for p in (old.scope, old.place) if p)
        return NOT_COMPARED, "other_scope", f"whose or where differ ({theirs}; this: {mine})"
    theirs = _interval_words(interval(old, rules))
    if check(new, [_reported(row)], rules) is None:
        return AGREES, "agrees", f"{theirs} overlaps"
    return DIFFERS, "differs", f"{theirs} does not overlap"


def explain_figure(
    row: Mapping[str, Any],
    earlier: Sequence[Mapping[str, Any]],
    rules: DivergenceRules,
    *,
    reprint_of: int | None = None,
    alerts: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Everything about one stored figure: how it was read, what it was compared with,
    and its outcome (``{"alert": bool, "reason": code, "why": words}``).

    ``earlier``: the figures of the same claim kind stored before it from other items
    (with ``duplicate_of`` and ``superseded``); ``reprint_of``: its item is a reprint of
    that item; ``alerts``: the alerts its item raised (the store's alert dicts).
    """
    fig = figure_of(row)
    published = datetime.fromisoformat(row["published"])
    since = published - timedelta(days=rules.window_days)
    result: dict[str, Any] = {
        "figure_id": row["id"],
        "item_id": row["item_id"],
        "source": row["source"],
        "published": row["published"],
        "text": row["text"],
        "value": format_value(fig),
        "claim_key": fig.claim_key,
        "reading": reading(row, rules),
        "window": {"days": rules.window_days, "since": since.isoformat()},
        "interval": span(*interval(fig, rules)),
        "interval_words": _interval_words(interval(fig, rules)),
        "comparisons": [],
        "alert_id": None,
    }
    own = _own_reason(fig, rules)
    if reprint_of is not None:
        own = (
            "reprint",
            (
                f"its item is a reprint of item {reprint_of}: reprints are never checked, "
                "the original was"
            ),
        )
    comparisons = []
    # A figure that is never compared (a reprint's, a projection, ...) lists nothing.
    for other in earlier if own is None else ():
        outcome, code, why = _compare_one(fig, other, since, rules)
        comparisons.append(
            {
                "figure_id": other["id"],
                "item_id": other["item_id"],
                "source": other["source"],
                "published": other["published"],
                "value": format_value(figure_of(other)),
                "claim_key": other.get("claim_key"),
                "interval": span(*interval(figure_of(other), rules)),
                "outcome": outcome,
                "reason": code,
                "why": why,
            }
        )
    result["comparisons"] = comparisons
    result["outcome"] = _outcome(row, fig, own, comparisons, since, rules, alerts)
    result["alert_id"] = result["outcome"].get("alert_id")
    return result


def _outcome(
    row: Mapping[str, Any],
    fig: Figure,
    own: tuple[str, str] | None,
    comparisons: Sequence[Mapping[str, Any]],
    since: datetime,
    rules: DivergenceRules,
    alerts: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    for alert in alerts:
        if alert["new"]["id"] == row["id"]:
            status = "" if alert.get("status", "active") == "active" else f", {alert['status']}"
            kind = alert.get("kind") or "contradiction"
            why = f"raised alert {alert['id']} ({kind}{status}): {alert['reason']}"
            return {"alert": True, "reason": "alerted", "why": why, "alert_id": alert["id"]}
    if own is not None:
        return {"alert": False, "reason": own[0], "why": own[1]}
    for alert in alerts:
        if alert.get("claim_key") == fig.claim_key and alert["new"]["id"] < row["id"]:
            why = (
                f"figure {alert['new']['id']} of the same article raised alert {alert['id']}"
                f" for {fig.claim_key}: one alert per claim per article"
            )
            return {"alert": False, "reason": "one_per_claim", "why": why}
    key = fig.claim_key
    compared = [c for c in comparisons if c["outcome"] != NOT_COMPARED]
    agreeing = [c for c in compared if c["outcome"] == AGREES]
    window = f"{rules.window_days}-day window (since {since.isoformat()[:10]})"
    if agreeing:
        first = agreeing[0]
        more = f" and {len(agreeing) - 1} more" if len(agreeing) > 1 else ""
        why = (
            f"it agrees with figure {first['figure_id']} ({first['source']}, {first['value']})"
            f"{more}: widened to {_interval_words(interval(fig, rules))}, they overlap"
        )
        return {"alert": False, "reason": "agrees", "why": why}
    if compared:
        why = (
            f"it fits none of the {len(compared)} earlier figures, yet no alert was stored:"
            " the rules or the window have changed since it was read"
        )
        return {"alert": False, "reason": "differs_unalerted", "why": why}
    same_key = [c for c in comparisons if c["reason"] != "other_key"]
    inside = [c for c in same_key if c["reason"] != "outside_window"]
    if inside:
        counts = Counter(c["reason"].replace("_", " ") for c in inside)
        listed = ", ".join(f"{reason} ({n})" for reason, n in counts.items())
        code = "other_scope" if set(counts) == {"other scope"} else "not_comparable"
        why = f"the earlier figures of {key} in the {window} are not comparable: {listed}"
        return {"alert": False, "reason": code, "why": why}
    if same_key:
        latest = same_key[-1]
        days = (datetime.fromisoformat(row["published"]) - _when(latest)).days
        why = (
            f"earlier figures of {key} exist only outside the {window}: the latest, figure"
            f" {latest['figure_id']} ({latest['source']}, {latest['published'][:10]}),"
            f" is {days} days older"
        )
        return {"alert": False, "reason": "outside_window", "why": why}
    if comparisons:
        why = f"no earlier figure with the claim key {key}; " + comparisons[-1]["why"]
        return {"alert": False, "reason": "other_key", "why": why}
    why = f"no earlier figure with the claim key {key}: the first report of a claim never alerts"
    return {"alert": False, "reason": "first_report", "why": why}


def _when(comparison: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(comparison["published"])


# An outcome's reason in a few words, for an item's one-line summary.
REASON_WORDS = {
    "alerted": "raised an alert",
    "reprint": "a reprint",
    "no_claim": "not a claim",
    "not_asserted": "not asserted",
    "increment": "an increment",
    "vague": "a vague amount",
    "one_per_claim": "one alert per claim per article",
    "agrees": "agrees with earlier figures",
    "differs_unalerted": "fits none, yet no alert was stored",
    "not_comparable": "earlier figures not comparable",
    "other_scope": "earlier figures of another whose or where",
    "outside_window": "earlier figures only outside the window",
    "other_key": "no earlier figure with its claim key",
    "first_report": "first report of its claim",
}


def summary(explained: Sequence[Mapping[str, Any]], reprint_of: int | None) -> str:
    """One line for an item: which alerts it raised, or why it raised none, by figure:
    "no alert: agrees with earlier figures (figure 3); an increment (figure 6)"."""
    raised = [e["alert_id"] for e in explained if e["alert_id"] is not None]
    if raised:
        return "raised " + ", ".join(f"alert {n}" for n in raised)
    if reprint_of is not None:
        return f"no alert: a reprint of item {reprint_of} (reprints are never checked)"
    if not explained:
        return "no alert: no figures were read"
    by_reason: dict[str, list[str]] = {}
    for entry in explained:
        reason = entry["outcome"]["reason"]
        by_reason.setdefault(REASON_WORDS.get(reason, reason), []).append(str(entry["figure_id"]))
    return "no alert: " + "; ".join(
        f"{words} (figure{'s' if len(ids) > 1 else ''} {', '.join(ids)})"
        for words, ids in by_reason.items()
    )
