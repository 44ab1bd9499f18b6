"""Tests for roster.demand.workforce: sizing a team to cover visits, and the carers it becomes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from roster.demand.workforce import (
    ATTRIBUTES,
    Team,
    daily_capacity,
    draw_team,
    duty_capacity,
    shortfall,
    slot_spans,
    staff,
    team_carers,
    visit_demand,
)
from roster.errors import InputError
from roster.model import Visit
from roster.scenario import PackageConfig, WorkforceConfig

SPANS = slot_spans(PackageConfig())


def _visit(i: int, day: int = 0, carers: int = 1, skills=frozenset(), gender=None) -> Visit:
    return Visit(f"v{i}", "r1", day, 25_200, 36_000, 1800, carers, frozenset(skills), gender)


def test_spans_end_an_hour_after_the_window():
    """Morning calls start 07:00-10:00 and the longest (60 min) ends by 11:00."""
    assert SPANS[0].tolist() == [25_200, 39_600]


def test_demand_counts_both_carers_of_double_handed_visits():
    """A 30 min double-handed hoist visit is 1 carer-hour, counted under 'hoist' too."""
    demand = visit_demand((_visit(1, carers=2, skills={"hoist"}), _visit(2)), SPANS)
    hoist = [k for k, s in enumerate(demand.sets) if s[ATTRIBUTES.index("hoist")]][0]
    assert demand.slot_s[0, 0, 0] == 3600 + 1800
    assert demand.slot_s[hoist, 0, 0] == 3600 and demand.pair[hoist, 0, 0]


def test_capacity_of_a_split_shift():
    """A split-shift carer gives 0.75 x 4 h in the morning (07:00-11:00) on working days only."""
    config = WorkforceConfig(pattern_shares=(1.0, 0.0, 0.0))
    team = draw_team(1, np.zeros(len(ATTRIBUTES), int), config, 0)
    capacity = duty_capacity(team, SPANS, config)
    assert capacity[0, :, 0].max() == pytest.approx(0.75 * 4 * 3600)
    assert (capacity[0, :, 0] > 0).sum() == 5


def test_staff_covers_double_handed_and_gender_needs():
    """The sized team has two hoist carers on duty each day and a man for a male preference."""
    visits = tuple(_visit(10 * d, d, 2, {"hoist"}) for d in range(7)) + tuple(
        _visit(10 * d + 1, d, gender="male") for d in range(7)
    )
    demand = visit_demand(visits, SPANS)
    config = WorkforceConfig(skill_shares={"hoist": 0.0})
    team = staff(demand, SPANS, config, seed=1)
    assert shortfall(demand, team, duty_capacity(team, SPANS, config), config) is None
    hoist = team.attributes[:, ATTRIBUTES.index("hoist")]
    assert hoist.sum() >= 2 and team.attributes[:, ATTRIBUTES.index("male")].any()


def test_fixed_team_too_small_for_double_handed_visits():
    """One carer cannot cover a double-handed visit: the error names workforce.count."""
    demand = visit_demand((_visit(1, carers=2, skills={"hoist"}),), SPANS)
    with pytest.raises(InputError, match="two carers") as caught:
        staff(demand, SPANS, WorkforceConfig(), seed=0, count=1, label="P1")
    assert caught.value.field == "workforce.count"


def test_team_carers_have_split_shifts_and_ids():
    """Carers get ids, their provider and two shifts on each of their 5 working days."""
    config = WorkforceConfig(pattern_shares=(1.0, 0.0, 0.0), walk_share=0.5)
    team = draw_team(2, np.zeros(len(ATTRIBUTES), int), config, 0)
    carers = team_carers([team], ["P1"], np.array([-0.7, -0.71]), np.array([52.6, 52.61]), config)
    assert [c.id for c in carers] == ["C1", "C2"]
    assert all(len(c.shifts) == 10 and c.provider_id == "P1" for c in carers)
    assert {c.travel_mode for c in carers} == {"walk", "drive"}
    assert carers[0].shifts[0].start_s == 25_200 and carers[0].shifts[1].end_s == 79_200


def _mornings(count: int) -> object:
    """Return the demand of ``count`` 30-minute Monday morning calls."""
    return visit_demand(tuple(_visit(i) for i in range(count)), SPANS)


@pytest.mark.parametrize(("hours", "short"), [(16.0, True), (37.5, False)])
def test_a_carer_gives_a_day_no_more_than_their_contract(hours, short):
    """Five morning calls (2.5 h) fit a split shift's morning (0.75 x 4 h = 3 h) but not 16 hours.

    A 16-hour contract over five days gives 0.75 x 3.2 h = 2.4 h of contact a day, so capping
    the carer at contracted hours would leave a call out; a 37.5-hour one gives 5.6 h.
    """
    config = WorkforceConfig(
        pattern_shares=(1.0, 0.0, 0.0),
        contracted_hours=(hours,),
        contracted_shares=(1.0,),
        headroom=0.0,
    )
    team = draw_team(1, np.zeros(len(ATTRIBUTES), int), config, 0)
    assert daily_capacity(team, config)[0] == pytest.approx(0.75 * hours * 3600 / 5)
    found = shortfall(_mornings(5), team, duty_capacity(team, SPANS, config), config)
    assert (found is not None) == short
    if short:
        assert "within their contracts" in found[1]


def test_headroom_asks_for_more_than_the_visits_need():
    """Five and a half hours of Monday mornings fit two full-time carers' 6 h, not with 15% more."""
    config = WorkforceConfig(
        pattern_shares=(1.0, 0.0, 0.0), contracted_hours=(37.5,), contracted_shares=(1.0,)
    )
    team = draw_team(2, np.zeros(len(ATTRIBUTES), int), config, 0)
    team = Team(team.attributes, team.pattern, np.zeros(2, int), team.contracted_s, team.walks)
    capacity = duty_capacity(team, SPANS, config)
    bare = replace(config, headroom=0.0)
    assert shortfall(_mornings(11), team, capacity, bare) is None
    assert "15% headroom" in shortfall(_mornings(11), team, capacity, config)[1]
