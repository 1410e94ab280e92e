"""Does a new figure contradict what earlier reports said about the same claim?

The rule, in full:

* Only figures with the same ``claim_key`` are compared ("troops" with "troops";
  "troops/deployment", a dispatch announced, only with other announcements, never with
  the count already in place; "troops/increment" is never compared at all, because
  "another 3,000" says nothing about a total). Figures without a claim are never
  compared.
* ...and only when their scopes agree (``rules.match_scope``): whose soldiers ("North
  Korean" vs "Russian") and where ("Kursk" lies in "Russia"; "Ukraine" does not) must
  not differ when both figures name them. An unnamed scope agrees with any.
* Every figure is an interval: a point is [n, n], "more than 1,000" is [1,000, inf),
  "up to 5,000" is [0, 5,000]. A vague amount ("several thousand", "Tausende") is not
  compared by default (``rules.vague == "ignore"``): writers say "thousands of troops"
  of 12,000 too, and as an earlier figure it would excuse any later one. "lower_bound"
  compares it as [2,000, inf), "range" as [2,000, 9,999]. Each interval is widened
  on both sides by the tolerance its hedge gets in ``DivergenceRules`` ("about" 10% by
  default).
* The new figure diverges when its widened interval overlaps none of the widened
  intervals of the earlier same-claim figures. It is then said to contradict all of them.
* The first report of a claim is never a divergence.

Pure: stdlib and monitor.types only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from monitor.types import ASSERTED, Divergence, DivergenceRules, Figure, Reported

__all__ = ["check", "format_value", "interval", "same_scope"]

INCREMENT = "increment"
VAGUE = "several"
VAGUE_IGNORE, VAGUE_LOWER_BOUND, VAGUE_RANGE = "ignore", "lower_bound", "range"
VAGUE_MODES = (VAGUE_IGNORE, VAGUE_LOWER_BOUND, VAGUE_RANGE)

# Places that contain others: a figure "in Kursk" may be compared with one "in Russia".
_CONTAINS: dict[str, frozenset[str]] = {"russia": frozenset({"kursk"})}

# How a vague amount ("mehrere Tausend", "thousands") is named, by its lower bound.
_VAGUE_NAMES: tuple[tuple[int, str], ...] = (
    (200_000, "hundreds of thousands"),
    (20_000, "tens of thousands"),
    (2_000, "several thousand"),
    (200, "several hundred"),
    (20, "dozens"),
)


def interval(fig: Figure, rules: DivergenceRules) -> tuple[float, float]:
    """The figure as a closed interval, widened by its hedge's tolerance; open bounds are
    0 and infinity."""
    tolerance = rules.tolerance_for(fig.hedge)
    low = 0.0 if fig.low is None else fig.low * (1 - tolerance)
    high = math.inf if fig.high is None else fig.high * (1 + tolerance)
    if fig.hedge == VAGUE and rules.vague == VAGUE_LOWER_BOUND:
        high = math.inf
    return max(0.0, low), high


def check(new: Figure, previous: Sequence[Reported], rules: DivergenceRules) -> Divergence | None:
    """Return the Divergence when ``new`` contradicts every earlier same-claim figure.

    ``previous`` is what the caller found within ``rules.window_days`` (the pipeline asks
    the store for exactly that window).
    """
    key = new.claim_key
    if key is None or new.modifier == INCREMENT or _ignored(new, rules):
        return None
    same = [
        r
        for r in previous
        if r.figure.claim_key == key
        and (not rules.match_scope or same_scope(new, r.figure))
        and not _ignored(r.figure, rules)
    ]
    if not same:
        return None
    mine = interval(new, rules)
    if any(_overlap(mine, interval(r.figure, rules)) for r in same):
        return None
    same = distinct_reports(same)
    return Divergence(new=new, contradicts=tuple(same), reason=_reason(new, same))


def _ignored(fig: Figure, rules: DivergenceRules) -> bool:
    return fig.hedge == VAGUE and rules.vague == VAGUE_IGNORE


def same_scope(a: Figure, b: Figure) -> bool:
    """Whose and where do not differ where both figures name them."""
    if a.scope and b.scope and a.scope != b.scope:
        return False
    if a.place and b.place and a.place != b.place:
        return b.place in _CONTAINS.get(a.place, ()) or a.place in _CONTAINS.get(b.place, ())
    return True


def distinct_reports(reports: Sequence[Reported]) -> list[Reported]:
    """One report per article and value: a headline and its body repeating "more than
    1,000" are one source saying one thing. The copy that names who is cited wins."""
    best: dict[tuple[int, int | None, int | None, str | None], Reported] = {}
    for report in reports:
        fig = report.figure
        key = (report.item_id, fig.low, fig.high, fig.hedge)
        if key not in best or (fig.attribution and not best[key].figure.attribution):
            best[key] = report
    return list(best.values())


def format_value(fig: Figure) -> str:
    """A figure as people write it: "14,000", "10,000–12,000", "more than 10,000",
    "about 14,000", "up to 5,000", "several thousand (2,000–9,999)"."""
    low, high = fig.low, fig.high
    if fig.hedge == "several" and low is not None and high is not None:
        return f"{_vague_name(low)} ({low:,}–{high:,})"
    if low is None and high is None:
        return "unknown"
    if high is None:
        word = fig.hedge if fig.hedge in ("more than", "at least", "about") else "at least"
        return f"{word} {low:,}"
    if low is None:
        return f"up to {high:,}"
    value = f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if fig.hedge in ("about", "up to", "more than", "at least") and low == high:
        return f"{fig.hedge} {value}"
    if fig.hedge == "about":
        return f"about {value}"
    return value


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _vague_name(low: int) -> str:
    for floor, name in _VAGUE_NAMES:
        if low >= floor:
            return name
    return "several"


def _reason(new: Figure, same: Sequence[Reported]) -> str:
    """ "about 14,000 does not fit 10,000–12,000 (Source B); 9,000 (Source C)" — each
    earlier value once, with the outlets that reported it."""
    sources: dict[str, list[str]] = {}
    for reported in same:
        outlets = sources.setdefault(format_value(reported.figure), [])
        if reported.source not in outlets:
            outlets.append(reported.source)
    earlier = "; ".join(f"{value} ({', '.join(outlets)})" for value, outlets in sources.items())
    return f"{format_value(new)} does not fit {earlier}"


def figure_of(row: Mapping[str, Any]) -> Figure:
    """A Figure rebuilt from a figure dict of the store's JSON shape."""
    return Figure(
        claim=row.get("claim"),
        low=row.get("low"),
        high=row.get("high"),
        hedge=row.get("hedge"),
        text=row.get("text") or "",
        modifier=row.get("modifier"),
        attribution=row.get("attribution"),
        scope=row.get("scope"),
        place=row.get("place"),
        modality=row.get("modality") or ASSERTED,
        basis=row.get("basis"),
        period=row.get("period"),
        role=row.get("role"),
    )


def value_of(row: Mapping[str, Any]) -> str:
    """A stored figure dict's value in words: "10,000-12,000", "about 1,000"."""
    return format_value(figure_of(row))
