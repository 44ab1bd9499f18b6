"""Tests for roster.comparison.flexibility: the same seed at each flexibility level."""

from __future__ import annotations

import pytest

from roster.comparison.flexibility import flexibility_sweep, level_scenario
from roster.comparison.run import min_gap_s
from roster.data import RUTLAND_PBF
from roster.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def sweep(rutland_networks, small_tables):
    """Run the small comparison's seed 3 at strict and flexible times."""
    scenario = scenario_from_dict(small_tables)
    return flexibility_sweep(scenario, RUTLAND_PBF, rutland_networks, 3, ("strict", "flexible"))


def test_each_level_rosters_the_same_visits_and_keeps_the_care_plans(sweep, small_run):
    """Both levels roster the small run's visits, and the checker finds nothing.

    The checker verifies the care-plan tolerance and the two-hour gap between calls too; the
    tolerances are the level's.
    """
    strict, flexible = sweep
    assert (strict.level, flexible.level) == ("strict", "flexible")
    assert strict.tolerance_min == {"time_critical": 15, "routine": 30}
    assert flexible.tolerance_min == {"time_critical": 60, "routine": 180}
    visits = {model: m.visits for model, m in small_run.metrics.items()}
    for level in sweep:
        assert level.visits == visits
        assert level.checker_violations == {"framework": 0, "consortium": 0}
        for model, unassigned in level.visits_unassigned.items():
            assert sum(level.unassigned_by_band[model].values()) == unassigned
            assert sum(level.unassigned_reasons[model].values()) == unassigned


def test_level_scenario_turns_care_plan_times_on_and_checks_their_gap(small_tables):
    """A level's scenario has care-plan times at its tolerances and no nested sweep.

    The checker holds it to the generator's gap; a read instance keeps its own windows (no gap).
    """
    base = scenario_from_dict({**small_tables, "package": {"tolerance_min": {"routine": 5}}})
    assert min_gap_s(base) == 0
    strict = level_scenario(base, "strict")
    assert strict.package.care_plan_times and strict.package.tolerance_s("routine") == 1800
    assert not strict.comparison.flexibility_sweep and strict.comparison.budget_check == 0
    assert min_gap_s(strict) == 7200
    read = scenario_from_dict({**small_tables, "comparison": {"instance": "somewhere"}})
    assert min_gap_s(level_scenario(read, "usual")) == 0
