"""The divergence rule: same claim, widened intervals, no overlap with any earlier figure."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from monitor.figures.divergence import check, format_value, interval
from monitor.types import DivergenceRules, Figure, Reported

RULES = DivergenceRules()
T0 = datetime(2025, 6, 1, tzinfo=UTC)


def fig(
    low: int | None,
    high: int | None,
    hedge: str | None = None,
    claim: str | None = "troops",
    modifier: str | None = None,
) -> Figure:
    return Figure(claim=claim, low=low, high=high, hedge=hedge, text="", modifier=modifier)


def seen(figure: Figure, source: str = "Source A", days_ago: int = 1, n: int = 1) -> Reported:
    return Reported(
        figure_id=n,
        item_id=n,
        story_id=1,
        source=source,
        url=None,
        published=T0 - timedelta(days=days_ago),
        figure=figure,
    )


# --- interval -----------------------------------------------------------------------------


def test_interval_of_a_point_is_the_point() -> None:
    assert interval(fig(1000, 1000), RULES) == (1000.0, 1000.0)


def test_interval_about_is_widened_ten_percent_both_sides() -> None:
    low, high = interval(fig(14000, 14000, "about"), RULES)
    assert (low, high) == pytest.approx((12600.0, 15400.0))


def test_interval_open_bounds() -> None:
    assert interval(fig(10000, None, "more than"), RULES) == (10000.0, math.inf)
    assert interval(fig(None, 5000, "up to"), RULES) == (0.0, 5000.0)


def test_interval_uses_the_rules_tolerance() -> None:
    rules = DivergenceRules(tolerance=(("", 0.05), ("about", 0.2)))
    assert interval(fig(100, 100), rules) == pytest.approx((95.0, 105.0))
    assert interval(fig(100, 100, "about"), rules) == pytest.approx((80.0, 120.0))


# --- check --------------------------------------------------------------------------------


def test_range_and_more_than_agree() -> None:
    earlier = [seen(fig(10000, 12000, "between"))]
    assert check(fig(10000, None, "more than"), earlier, RULES) is None


def test_about_14000_contradicts_10000_to_12000() -> None:
    earlier = [seen(fig(10000, 12000, "between"), source="Source B")]
    result = check(fig(14000, 14000, "about"), earlier, RULES)
    assert result is not None
    assert result.contradicts == tuple(earlier)
    assert result.reason == "about 14,000 does not fit 10,000–12,000 (Source B)"


def test_about_13000_is_within_tolerance_of_12000() -> None:
    # 13,000 - 10% = 11,700, inside 10,000-12,000
    earlier = [seen(fig(10000, 12000, "between"))]
    assert check(fig(13000, 13000, "about"), earlier, RULES) is None


def test_more_than_1000_killed_then_about_600_killed_diverges() -> None:
    earlier = [seen(fig(1000, None, "more than", claim="killed"), source="Source A")]
    result = check(fig(600, 600, "about", claim="killed"), earlier, RULES)
    assert result is not None
    assert result.reason == "about 600 does not fit more than 1,000 (Source A)"


def test_more_than_1000_agrees_with_anything_from_1000_up() -> None:
    earlier = [seen(fig(1000, None, "more than", claim="killed"))]
    assert check(fig(1000, 1000, claim="killed"), earlier, RULES) is None
    assert check(fig(50000, 50000, claim="killed"), earlier, RULES) is None
    assert check(fig(999, 999, claim="killed"), earlier, RULES) is not None


def test_same_value_again_is_no_divergence() -> None:
    assert check(fig(1000, 1000), [seen(fig(1000, 1000))], RULES) is None


def test_first_report_is_no_divergence() -> None:
    assert check(fig(14000, 14000), [], RULES) is None


def test_increment_is_never_compared() -> None:
    total = [seen(fig(12000, 12000))]
    more = fig(3000, 3000, modifier="increment")
    assert check(more, total, RULES) is None
    assert check(more, [seen(fig(500, 500, modifier="increment"))], RULES) is None


def test_total_is_not_compared_with_increments() -> None:
    increments = [seen(fig(3000, 3000, modifier="increment"))]
    assert check(fig(12000, 12000), increments, RULES) is None


def test_a_deployment_is_compared_only_with_deployments() -> None:
    in_place = [seen(fig(11000, 11000), n=1)]
    sent = fig(6000, 6000, modifier="deployment")
    assert check(sent, in_place, RULES) is None  # "will send 6,000" vs "11,000 are there"
    assert check(fig(11000, 11000), [seen(sent, n=2)], RULES) is None
    announced = [seen(fig(6000, 6000, modifier="deployment"), n=3)]
    found = check(fig(20000, 20000, modifier="deployment"), announced + in_place, RULES)
    assert found is not None
    assert [r.figure.low for r in found.contradicts] == [6000]


def test_different_claims_are_not_compared() -> None:
    earlier = [seen(fig(1000, 1000, claim="deminers"))]
    assert check(fig(5000, 5000, claim="builders"), earlier, RULES) is None


def test_figure_without_claim_is_not_compared() -> None:
    earlier = [seen(fig(2024, 2024, claim=None))]
    assert check(fig(1945, 1945, claim=None), earlier, RULES) is None


def test_one_agreeing_earlier_figure_is_enough() -> None:
    earlier = [seen(fig(8000, 8000), "A", n=1), seen(fig(14000, 14000), "B", n=2)]
    assert check(fig(14000, 14000), earlier, RULES) is None


def test_divergence_lists_every_same_claim_figure_and_ignores_others() -> None:
    a = seen(fig(10000, 12000, "between"), "A", n=1)
    b = seen(fig(10000, 10000), "B", n=2)
    c = seen(fig(10000, 10000), "C", n=3)
    other = seen(fig(50000, 50000, claim="workers"), "D", n=4)
    result = check(fig(20000, 20000), [a, other, b, c], RULES)
    assert result is not None
    assert result.contradicts == (a, b, c)
    assert result.reason == "20,000 does not fit 10,000–12,000 (A); 10,000 (B, C)"


# --- format_value -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        (fig(14000, 14000), "14,000"),
        (fig(10000, 12000, "between"), "10,000–12,000"),
        (fig(10000, None, "more than"), "more than 10,000"),
        (fig(10000, None, "at least"), "at least 10,000"),
        (fig(14000, 14000, "about"), "about 14,000"),
        (fig(None, 5000, "up to"), "up to 5,000"),
        (fig(2000, 9999, "several"), "several thousand (2,000–9,999)"),
        (fig(200, 999, "several"), "several hundred (200–999)"),
        (fig(20000, 99999, "several"), "tens of thousands (20,000–99,999)"),
    ],
)
def test_format_value(figure: Figure, text: str) -> None:
    assert format_value(figure) == text


# --- scope and vague amounts --------------------------------------------------------------


def scoped(low: int, scope: str | None, place: str | None = None, claim: str = "killed") -> Figure:
    return Figure(claim=claim, low=low, high=low, hedge=None, text="", scope=scope, place=place)


def test_figures_of_different_whose_are_not_compared() -> None:
    earlier = [seen(scoped(1000, "north_korean"))]
    assert check(scoped(200, "russian"), earlier, RULES) is None
    assert check(scoped(200, None), earlier, RULES) is not None  # unnamed agrees with any
    assert check(scoped(200, "north_korean"), earlier, RULES) is not None


def test_kursk_lies_in_russia_but_not_in_ukraine() -> None:
    earlier = [seen(scoped(11000, "north_korean", "russia", claim="troops"))]
    assert check(scoped(25000, None, "kursk", claim="troops"), earlier, RULES) is not None
    assert check(scoped(25000, None, "ukraine", claim="troops"), earlier, RULES) is None


def test_scope_can_be_switched_off() -> None:
    rules = DivergenceRules(match_scope=False)
    assert check(scoped(200, "russian"), [seen(scoped(1000, "north_korean"))], rules) is not None


@pytest.mark.parametrize(
    ("mode", "alerts_on_25000", "alerts_on_1000"),
    [("ignore", False, False), ("lower_bound", False, True), ("range", True, True)],
)
def test_vague_amounts_by_mode(mode: str, alerts_on_25000: bool, alerts_on_1000: bool) -> None:
    rules = DivergenceRules(vague=mode)
    several = [seen(fig(2000, 9999, "several"))]
    assert (check(fig(25000, 25000), several, rules) is not None) is alerts_on_25000
    assert (check(fig(1000, 1000), several, rules) is not None) is alerts_on_1000


def test_a_vague_amount_never_excuses_a_contradiction_by_default() -> None:
    earlier = [seen(fig(2000, 9999, "several"), n=1), seen(fig(10000, 12000, "between"), n=2)]
    result = check(fig(25000, 25000), earlier, RULES)
    assert result is not None
    assert [r.figure.hedge for r in result.contradicts] == ["between"]
