"""Does a new figure contradict what earlier reports said, or bring a running total up to date?

The rule, in full:

* Only asserted figures are compared (``Figure.modality``). A projected, denied,
  hypothetical or retracted figure is stored and shown but never compared: it is neither
  a contradiction nor an earlier figure that would make a later one look consistent.
* Figures of the same ``claim_key`` are one quantity ("troops" with "troops";
  "troops/deployment", a dispatch announced, only with other announcements, never with
  the count already in place; "troops/increment" is never compared at all, because
  "another 3,000" says nothing about a total). A per-period count is its own claim
  ("killed/per_week"), never compared with a total, and only with a count of the same
  period published less than one period apart (this week's toll is not last month's).
  Figures without a claim are never compared.
* Whose (``scope``) must not differ when both figures name it. Where (``place``) forms a
  hierarchy (Kursk lies in Russia): the same place, or a place unnamed, is the same
  quantity; a place inside the other's is a part of it; places apart (Kursk, Ukraine)
  are never compared. Claims form one too: killed and wounded are parts of killed or
  wounded (casualties); captured is its own claim. The part of a partitive ("300 of the
  11,000", ``role`` part) is a part of any same-claim figure that is not itself a part.
* Every figure is an interval: a point is [n, n], "more than 1,000" is [1,000, inf),
  "up to 5,000" is [0, 5,000]. A vague amount ("several thousand", "Tausende") is not
  compared by default (``rules.vague == "ignore"``): writers say "thousands of troops"
  of 12,000 too, and as an earlier figure it would excuse any later one. "lower_bound"
  compares it as [2,000, inf), "range" as [2,000, 9,999]. Each interval is widened
  on both sides by the tolerance its hedge gets in ``DivergenceRules`` ("about" 10% by
  default).
* Same quantity: the new figure disagrees with an earlier one when their widened
  intervals do not overlap. It diverges when it disagrees with every earlier figure of
  the quantity (one that agrees means the value is already on record, and any conflict
  of that value was raised when it came). A part must not exceed its whole: the new
  figure breaks the constraint with a whole (or a part) when its widened lower bound
  lies above the whole's widened upper bound; it diverges when it breaks it with every
  earlier figure of that whole. Parts and wholes never excuse a same-quantity
  disagreement: "at most the 10,000 casualties" agrees with almost anything.
* Time (``published``, the new report's time; without it nothing is explained by time):
  a running total grows. Two figures of a growing count (basis cumulative, in place, or
  not said; no modifier) published at least ``UPDATE_AFTER`` (14 days) apart — a day
  (``RUNNING_TOTAL_UPDATE_AFTER``) when one says it is a running total and neither is a
  count in place — the later larger, do not contradict: when the new one is the later,
  it is an UPDATE ("rose from 11,000 (5 Nov, seoul-wire) to 14,000 (20 Feb,
  rheinkurier), +27%"); when it is the earlier (a late backfill), nothing. Closer in
  time, or the later smaller (a cumulative count that falls), it is a CONTRADICTION. A
  disagreement that time does not explain wins over one it does: the alert is then a
  contradiction naming only those figures.
* The first report of a quantity is never a divergence.

Pure: stdlib and monitor.types only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from monitor.types import (
    ASSERTED,
    CUMULATIVE,
    DISPATCH,
    IN_PLACE,
    PART,
    PER_PERIOD,
    UPDATE,
    Divergence,
    DivergenceRules,
    Figure,
    Item,
    Reported,
)

__all__ = [
    "UPDATE_AFTER",
    "against",
    "check",
    "format_value",
    "growth",
    "interval",
    "related_keys",
    "relation",
    "same_scope",
]

INCREMENT = "increment"
VAGUE = "several"
VAGUE_IGNORE, VAGUE_LOWER_BOUND, VAGUE_RANGE = "ignore", "lower_bound", "range"
VAGUE_MODES = (VAGUE_IGNORE, VAGUE_LOWER_BOUND, VAGUE_RANGE)

# Figures of a growing count published this far apart, the later larger: an update.
UPDATE_AFTER = timedelta(days=14)
# ... and when one of them says it is a running total ("so far", "insgesamt", "достигло")
# and neither is a count in place: a toll grows by the day in a war, so a day apart is
# time enough (measured: a Russian toll 300 -> 450 -> 600 nine and thirteen days apart
# was reported as two contradictions under the 14-day gap).
RUNNING_TOTAL_UPDATE_AFTER = timedelta(days=1)
# Bases of a count that grows with time (None: the text does not say, and a count of
# people sent or killed is a running total unless it names a period).
_GROWING = (None, CUMULATIVE, IN_PLACE)
# How far apart two per-period counts of one period may be published to speak of it.
_PERIOD_LENGTH = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=31),
    "year": timedelta(days=366),
}

# How two figures relate: one quantity, or the new one a part / the whole of the other.
SAME, PART_OF, WHOLE_OF = "same", "part of", "whole of"

# Places that contain others: a count "in Kursk" is part of the count "in Russia".
_CONTAINS: dict[str, frozenset[str]] = {"russia": frozenset({"kursk"})}
# Claims that contain others: killed and wounded are parts of killed-or-wounded.
_CLAIM_PARTS: dict[str, frozenset[str]] = {
    "killed_or_wounded": frozenset({"killed", "wounded"}),
}

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


def related_keys(claim_key: str) -> tuple[str, ...]:
    """The claim keys whose figures a figure of ``claim_key`` is compared with: its own,
    and those of the claims it is a part or the whole of ("killed" ->
    "killed", "killed_or_wounded"), with the same modifier or period."""
    kind, slash, rest = claim_key.partition("/")
    related = [whole for whole, parts in _CLAIM_PARTS.items() if kind in parts]
    related += sorted(_CLAIM_PARTS.get(kind, ()))
    return (claim_key, *(f"{other}{slash}{rest}" for other in related))


def relation(new: Figure, old: Figure) -> str | None:
    """How ``new`` relates to ``old``: SAME quantity, PART_OF it, WHOLE_OF it, or None
    when the two are not compared at all (see the module's rule)."""
    if new.modality != ASSERTED or old.modality != ASSERTED:
        return None
    if new.scope and old.scope and new.scope != old.scope:
        return None
    if (new.basis == DISPATCH) != (old.basis == DISPATCH) and new.basis and old.basis:
        return None  # a dispatch announced is not the count in place
    found = {
        _claim_relation(new, old),
        _nested(new.place, old.place, _CONTAINS),
        _role_relation(new, old),
    }
    if None in found:
        return None
    found.discard(SAME)
    if len(found) > 1:
        return None  # a part on one axis and the whole on another: not comparable
    return found.pop() if found else SAME


def _claim_relation(new: Figure, old: Figure) -> str | None:
    if new.claim_key is None or old.claim_key is None:
        return None
    if new.claim_key == old.claim_key:
        return SAME
    new_kind, _, new_rest = new.claim_key.partition("/")
    old_kind, _, old_rest = old.claim_key.partition("/")
    if new_rest != old_rest:
        return None
    return _nested(new_kind, old_kind, _CLAIM_PARTS) or None


def _nested(a: str | None, b: str | None, parts: Mapping[str, frozenset[str]]) -> str | None:
    """SAME when equal or either unnamed, PART_OF when ``a`` lies in ``b``, WHOLE_OF when
    ``b`` lies in ``a``, else None."""
    if not a or not b or a == b:
        return SAME
    if a in parts.get(b, ()):
        return PART_OF
    if b in parts.get(a, ()):
        return WHOLE_OF
    return None


def _role_relation(new: Figure, old: Figure) -> str:
    """The part of a partitive ("300 of the 11,000") is a part of a same-claim total."""
    if new.claim != old.claim or (new.role == PART) == (old.role == PART):
        return SAME
    return PART_OF if new.role == PART else WHOLE_OF


def same_scope(a: Figure, b: Figure) -> bool:
    """Whose and where do not keep the two figures from being compared."""
    if a.scope and b.scope and a.scope != b.scope:
        return False
    return _nested(a.place, b.place, _CONTAINS) is not None


def _fits(kind: str, mine: tuple[float, float], theirs: tuple[float, float]) -> bool:
    """Whether the new interval is consistent with an earlier one it relates to as ``kind``."""
    if kind == PART_OF:
        return mine[0] <= theirs[1]
    if kind == WHOLE_OF:
        return theirs[0] <= mine[1]
    return _overlap(mine, theirs)


def check(
    new: Figure,
    previous: Sequence[Reported],
    rules: DivergenceRules,
    *,
    published: datetime | None = None,
    source: str | None = None,
) -> Divergence | None:
    """The Divergence ``new`` raises against earlier figures, or None (see the module's rule).

    ``previous`` is what the caller found within ``rules.window_days`` (the pipeline asks
    the store for the figure's ``related_keys``); ``published`` is when the new figure
    was reported, without which no disagreement is explained by time; ``source`` its
    outlet, named in an update's reason.
    """
    if new.claim_key is None or new.modifier == INCREMENT or _ignored(new, rules):
        return None
    if new.modality != ASSERTED:
        return None
    mine = interval(new, rules)
    same: list[Reported] = []  # earlier figures of the same quantity
    groups: dict[tuple[str, str | None, str | None], list[Reported]] = {}  # parts, wholes
    for reported in previous:
        fig = reported.figure
        kind = None if _ignored(fig, rules) else _relation(new, fig, rules)
        if kind is None:
            continue
        if not _same_period(new, reported, published):
            continue
        if kind == SAME:
            same.append(reported)
        else:
            groups.setdefault((kind, fig.claim_key, fig.place), []).append(reported)
    if any(_overlap(mine, interval(r.figure, rules)) for r in same):
        return None
    contradicted: list[tuple[str, Reported]] = []
    grown: list[Reported] = []
    for reported in same:
        timed = _by_time(new, reported, published, rules)
        if timed == "grown":
            grown.append(reported)
        elif timed is None:
            contradicted.append((SAME, reported))
    for (kind, _, _), members in groups.items():
        if any(_fits(kind, mine, interval(r.figure, rules)) for r in members):
            continue
        contradicted += [
            (kind, r) for r in members if _by_time(new, r, published, rules, kind) is None
        ]
    if contradicted:
        reports = distinct_reports([r for _, r in contradicted])
        return Divergence(new=new, contradicts=tuple(reports), reason=_reason(new, contradicted))
    if grown and published is not None:
        reports = distinct_reports(grown)
        return Divergence(
            new=new,
            contradicts=tuple(reports),
            reason=_update_reason(new, published, source, reports),
            kind=UPDATE,
        )
    return None


def against(
    item: Item,
    found: Sequence[Figure],
    previous: Callable[[str, datetime], Sequence[Reported]],
    rules: DivergenceRules,
    exclude_item: int | None = None,
) -> tuple[Divergence, ...]:
    """The alerts the figures ``found`` in ``item`` raise, at most one per claim, against
    what ``previous(claim_key, since)`` says stands (the store's earlier reports of a key
    within ``rules.window_days``); ``exclude_item``: the item being corrected, whose own
    figures are not earlier reports."""
    since = item.published - timedelta(days=rules.window_days)
    earlier: dict[str, list[Reported]] = {}
    # A value an article gives twice (headline and body) is one statement: it alerts
    # only when no reading of it fits ("150 killed" does not fit, "150 killed in
    # Kursk" does: the body's place says what the headline meant).
    readings: dict[tuple[str, int | None, int | None], list[Divergence | None]] = {}
    for fig in found:
        key = fig.claim_key
        if key is None:
            continue
        if key not in earlier:
            earlier[key] = [
                reported
                for related in related_keys(key)
                for reported in previous(related, since)
                if reported.item_id != exclude_item
            ]
        readings.setdefault((key, fig.low, fig.high), []).append(
            check(fig, earlier[key], rules, published=item.published, source=item.source)
        )
    result: dict[str, Divergence] = {}  # one alert per claim per article
    for (key, _, _), found_divergences in readings.items():
        if key not in result and all(found_divergences):
            first = found_divergences[0]
            assert first is not None
            result[key] = first
    return tuple(result.values())


def _relation(new: Figure, old: Figure, rules: DivergenceRules) -> str | None:
    """``relation``; without ``rules.match_scope`` whose and where are not looked at."""
    if not rules.match_scope:
        new, old = (replace(f, scope=None, place=None) for f in (new, old))
    return relation(new, old)


def _ignored(fig: Figure, rules: DivergenceRules) -> bool:
    return fig.hedge == VAGUE and rules.vague == VAGUE_IGNORE


def _same_period(new: Figure, old: Reported, published: datetime | None) -> bool:
    """Per-period counts speak of one period only when published within one of it."""
    if new.basis != PER_PERIOD or published is None:
        return True
    length = _PERIOD_LENGTH.get(new.period or "", timedelta(days=1))
    return abs(published - old.published) < length


def _growing(fig: Figure) -> bool:
    return fig.modifier is None and fig.basis in _GROWING


def _update_after(a: Figure, b: Figure) -> timedelta:
    """How far apart two growing figures must be for time to explain them: a day when one
    says it is a running total and neither is a count in place, else ``UPDATE_AFTER``."""
    if CUMULATIVE in (a.basis, b.basis) and IN_PLACE not in (a.basis, b.basis):
        return RUNNING_TOTAL_UPDATE_AFTER
    return UPDATE_AFTER


def _by_time(
    new: Figure,
    old: Reported,
    published: datetime | None,
    rules: DivergenceRules,
    kind: str = SAME,
) -> str | None:
    """How time explains a disagreement: "grown" (the new figure is the later and larger
    of a growing count: an update), "earlier" (the new one is the earlier and smaller: a
    late report of an older state), or None (it does not: a contradiction)."""
    if published is None or not (_growing(new) and _growing(old.figure)):
        return None
    gap = published - old.published
    if abs(gap) < _update_after(new, old.figure):
        return None
    mine, theirs = interval(new, rules), interval(old.figure, rules)
    new_larger = mine[0] > theirs[1]
    if kind == PART_OF:  # the new part exceeds the whole: fine if the whole is older
        return "earlier" if gap > timedelta(0) else None
    if kind == WHOLE_OF:  # the new whole is below the part: fine if the part is newer
        return "earlier" if gap < timedelta(0) else None
    if new_larger and gap > timedelta(0):
        return "grown"
    if not new_larger and gap < timedelta(0):
        return "earlier"
    return None


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


def _what(fig: Figure) -> str:
    """ "killed or wounded in Kursk" """
    kind = (fig.claim or "").replace("_", " ")
    return f"{kind} in {fig.place.capitalize()}" if fig.place else kind


def _reason(new: Figure, contradicted: Sequence[tuple[str, Reported]]) -> str:
    """ "about 14,000 does not fit 10,000–12,000 (Source B); 9,000 (Source C)" — each
    earlier value once, with the outlets that reported it; a broken part/whole constraint
    as "14,000 troops in Kursk is more than 11,000 troops in Russia (Source B)"."""
    pieces: list[str] = []
    for kind in (SAME, PART_OF, WHOLE_OF):
        sources: dict[str, list[str]] = {}
        for how, reported in contradicted:
            if how != kind:
                continue
            value = format_value(reported.figure)
            if kind != SAME:
                value = f"{value} {_what(reported.figure)}"
            outlets = sources.setdefault(value, [])
            if reported.source not in outlets:
                outlets.append(reported.source)
        if not sources:
            continue
        earlier = "; ".join(f"{value} ({', '.join(outlets)})" for value, outlets in sources.items())
        if kind == SAME:
            pieces.append(f"{format_value(new)} does not fit {earlier}")
        else:
            more = "more" if kind == PART_OF else "less"
            pieces.append(f"{format_value(new)} {_what(new)} is {more} than {earlier}")
    return "; and ".join(pieces)


def _point(fig: Figure) -> float | None:
    """One number standing for the figure: the point, a range's middle, an open bound."""
    if fig.low is not None and fig.high is not None:
        return (fig.low + fig.high) / 2
    return fig.low if fig.low is not None else fig.high


def growth(old: Figure, new: Figure) -> str:
    """ "+27%": how much a running total rose; "" when it cannot be said."""
    before, after = _point(old), _point(new)
    if not before or after is None:
        return ""
    return f"{(after / before - 1) * 100:+.0f}%"


def day_of(moment: datetime, other: datetime | None = None) -> str:
    """ "5 Nov"; with the year when ``other`` is more than ~300 days away."""
    text = f"{moment.day} {moment:%b}"
    if other is not None and abs(other - moment) > timedelta(days=300):
        text += f" {moment.year}"
    return text


def _update_reason(
    new: Figure, published: datetime, source: str | None, grown: Sequence[Reported]
) -> str:
    """ "rose from 11,000 (5 Nov, seoul-wire) to 14,000 (20 Feb, rheinkurier), +27%": from
    the latest earlier figure (the larger of a day's)."""
    latest = max(grown, key=lambda r: (r.published, _point(r.figure) or 0))
    change = growth(latest.figure, new)
    text = (
        f"rose from {format_value(latest.figure)} ({day_of(latest.published, published)},"
        f" {latest.source}) to {format_value(new)} ({day_of(published, latest.published)}"
        f"{f', {source}' if source else ''})"
    )
    return f"{text}, {change}" if change else text


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
