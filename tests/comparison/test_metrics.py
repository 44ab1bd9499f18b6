"""Tests for roster.comparison.metrics on hand-made rounds whose totals can be checked by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_pools import line_pool

from roster.comparison.metrics import (
    CostSettings,
    MetricUncertainty,
    ModelMetrics,
    SolvedPool,
    carer_weeks,
    difference,
    legs_before_visits,
    model_metrics,
    pool_metrics,
    uncertainty,
)
from roster.rounds.solution import NO_CAPACITY, Rounds, Route, Step, Unassigned
from roster.scenario import ComparisonConfig

RECIPIENT_OF = {"v1": "r1", "v2": "r2", "v3": "r1"}
#: The comparison's default costs: 45p a mile, 0.17 kg CO2 a km, travel unpaid.
COSTS = CostSettings.from_config(ComparisonConfig())


def solved_day() -> SolvedPool:
    """One driver serving v1 then v2 (10 and 20 minutes' travel, 30-minute visits), v3 left out.

    Legs: home->v1 600 s / 5 km, v1->v2 600 s / 5 km, home leg 1,200 s / 10 km.
    """
    problem = line_pool(
        [{"id": "v1", "at": 1}, {"id": "v2", "at": 2}, {"id": "v3", "at": 3}],
        [{"id": "c1", "home": 0}],
    )
    steps = (
        Step("v1", 0, 1, 8 * 3600 + 600, 8 * 3600 + 600, 8 * 3600 + 2400, 0, 600, 5000),
        Step("v2", 0, 2, 8 * 3600 + 3000, 8 * 3600 + 3000, 8 * 3600 + 4800, 0, 600, 5000),
    )
    route = Route("c1", 0, 8 * 3600, 8 * 3600 + 6000, steps, 1200, 10000)
    rounds = Rounds((route,), (Unassigned("v3", NO_CAPACITY),), "ROUTING_SUCCESS", 0)
    return SolvedPool("framework", "framework/P1", 0, problem, rounds)


def test_pool_metrics_by_hand():
    """Travel 2,400 s (1,200 s of it from and to home), contact 3,600 s, 20 km driven."""
    m = pool_metrics([solved_day()], RECIPIENT_OF, COSTS)
    assert (m.visits, m.visits_assigned, m.visits_unassigned) == (3, 2, 1)
    assert m.unassigned_reasons == {NO_CAPACITY: 1}
    assert m.travel_time_s == 2400 and m.travel_between_visits_s == 600
    assert m.contact_time_s == 3600
    assert m.travel_share == pytest.approx(2400 / 6000)
    assert m.travel_share_between_visits == pytest.approx(600 / 4200)
    assert m.travel_per_visit_s == 1200
    assert m.distance_m == 20000 and m.driven_distance_m == 20000
    assert m.mileage_cost_gbp == pytest.approx(20000 / 1609.344 * 0.45, abs=0.01)
    assert m.co2_kg == pytest.approx(3.4)
    assert m.carers_used == 1
    assert m.paid_hours == 1.0  # contact only: travel unpaid by default
    assert m.unpaid_travel_hours == pytest.approx(0.2, abs=0.05)
    assert m.continuity_mean_carers == 1.0


def test_continuity_and_contracts_by_hand():
    """Two days: r1 sees c1 then c2 (two carers), r2 c1 twice; c1 works 8,400 s on a 2 h contract.

    c1's day 0 round is 6,000 s (08:00-09:40), day 1 the same but v1 goes to c2; c1 works
    12,000 s in all against 7,200 s (no tolerance: the default rounds enforce no weekly cap),
    so is over when working time counts, but not on contact time (5,400 s); c2 (no contract
    given) never is.
    """
    day0 = solved_day()
    second = replace(day0.rounds.routes[0], carer_id="c2", steps=day0.rounds.routes[0].steps[:1])
    day1 = replace(day0, day=1, rounds=replace(day0.rounds, routes=(day0.rounds.routes[0],)))
    moved = [replace(day1.rounds.routes[0], steps=day1.rounds.routes[0].steps[1:]), second]
    day1 = replace(day1, rounds=replace(day1.rounds, routes=tuple(moved)))
    m = pool_metrics([day0, day1], RECIPIENT_OF, COSTS, {"c1": 7200})
    assert m.continuity_mean_carers == 1.5  # r1: c1, c2; r2: c1
    assert m.continuity_p90_carers == pytest.approx(1.9)
    assert m.top_carer_share == pytest.approx((1 / 2 + 1) / 2)
    assert m.top_two_carers_share == 1.0
    assert m.carers_over_contract == 0  # contact time: 5,400 s
    working = pool_metrics(
        [day0, day1], RECIPIENT_OF, replace(COSTS, weekly_hours_basis="working"), {"c1": 7200}
    )
    assert working.carers_over_contract == 1
    assert m.overtime_hours == pytest.approx((12000 - 7200) / 3600, abs=0.05)
    assert m.undertime_hours == 0


def test_carer_weeks_pay_by_visit_and_by_shift():
    """Paid by visit: 3,600 s of contact in a 6,000 s span; by shift: all of it.

    At £12.21 an hour, effective pay by visit is 12.21 x 3,600 / 6,000 = £7.33 an hour.
    """
    (week,) = carer_weeks([solved_day()], {"c1": 7200}, COSTS)
    assert (week.carer_id, week.contact_s, week.working_s, week.span_s) == ("c1", 3600, 6000, 6000)
    assert (week.paid_by_visit_s, week.paid_by_shift_s) == (3600, 6000)
    assert week.unpaid_by_visit_s == 2400 and week.unpaid_by_shift_s == 0
    assert week.effective_pay_by_visit_gbp == pytest.approx(7.33)
    assert week.effective_pay_by_shift_gbp == pytest.approx(12.21)
    quality = pool_metrics([solved_day()], RECIPIENT_OF, COSTS).job_quality
    assert quality.unpaid_travel_hours.mean == pytest.approx(2400 / 3600, abs=1e-3)
    assert quality.effective_pay_by_visit_gbp.mean == pytest.approx(7.33)


def test_paid_travel_moves_hours():
    """When travel is paid, between-visit travel counts as paid, not unpaid."""
    m = pool_metrics([solved_day()], RECIPIENT_OF, replace(COSTS, travel_paid=True))
    assert m.paid_hours == pytest.approx((3600 + 600) / 3600, abs=0.05)
    assert m.unpaid_travel_hours == 0


def test_model_metrics_per_pool_and_difference():
    """Model totals equal the pool's; the difference of a model with itself is zero."""
    m = model_metrics([solved_day()], RECIPIENT_OF, COSTS)
    assert m.pools["framework/P1"].travel_time_s == m.travel_time_s
    assert m.checker_violations == 0
    diff = difference(m, m)
    assert diff.travel_time_s == 0 and diff.travel_time_relative == 0


def test_uncertainty_interval_contains_the_mean():
    """Over three seeds the interval brackets the mean difference; one seed gives none."""
    base = pool_metrics([solved_day()], RECIPIENT_OF, COSTS)
    runs = [(base, replace(base, travel_time_s=base.travel_time_s - d)) for d in (100, 200, 300)]
    result = uncertainty(runs)
    low, high = result["travel_time_s"].difference_ci
    assert result["travel_time_s"].difference_mean == -200
    assert low < -200 < high
    assert uncertainty(runs[:1]) == {}


def test_legs_before_visits():
    """One leg per carer visit."""
    assert legs_before_visits([solved_day()]).tolist() == [600, 600]


def test_costs_come_from_the_comparison_settings():
    """The costs are the comparison settings' own: 45p a mile, 0.17 kg a km, unpaid travel."""
    assert COSTS == CostSettings(45.0, 0.17, False)
    config = ComparisonConfig(pence_per_mile=30.0, travel_paid=True)
    assert CostSettings.from_config(config) == CostSettings(30.0, 0.17, True)


def test_metrics_round_trip_through_json():
    """A model's figures written with to_json read back equal, pools and reasons included."""
    m = model_metrics([solved_day()], RECIPIENT_OF, COSTS)
    data = m.to_json()
    assert list(data)[-2:] == ["checker_violations", "pools"]
    assert data["unassigned_reasons"] == {NO_CAPACITY: 1}
    assert ModelMetrics.from_json(data) == m


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unassigned_reasons": {"no carer free in the window": 1}}, "Unknown unassigned reasons"),
        ({"visits": 4}, "do not add up to the visits"),
        ({"unassigned_reasons": {}}, "by reason do not add up"),
        ({"travel_share": 1.5}, "not a share"),
    ],
)
def test_pool_metrics_refuse_what_rounds_cannot_give(change, message):
    """An unknown reason, counts that do not add up or a share above 1 are refused."""
    m = pool_metrics([solved_day()], RECIPIENT_OF, COSTS)
    with pytest.raises(ValueError, match=message):
        replace(m, **change)


def test_model_pools_must_add_up():
    """A model whose pools do not add up to its totals is refused."""
    m = model_metrics([solved_day()], RECIPIENT_OF, COSTS)
    pool = replace(m.pools["framework/P1"], travel_time_s=1)
    with pytest.raises(ValueError, match="travel_time_s do not add up"):
        replace(m, pools={"framework/P1": pool})


def test_uncertainty_json_names_its_level():
    """The interval's key carries the level (difference_ci90 at 0.9) and reads back."""
    item = MetricUncertainty(10.0, 8.0, -2.0, (-3.0, -1.0), 0.9)
    assert item.to_json() == {
        "framework_mean": 10.0,
        "consortium_mean": 8.0,
        "difference_mean": -2.0,
        "difference_ci90": [-3.0, -1.0],
    }
    assert MetricUncertainty.from_json(item.to_json()) == item
    with pytest.raises(ValueError, match="does not contain"):
        MetricUncertainty(10.0, 8.0, -4.0, (-3.0, -1.0), 0.9)
