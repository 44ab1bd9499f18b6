"""Tests for roster.pools: a day's pool of the small Oakham instance becomes a rounds problem."""

from __future__ import annotations

import pytest
from helpers import INSTANCE_SMALL

from roster.checker import check_rounds
from roster.io import read_instance
from roster.pools import Pool, locate, pool_problem
from roster.problem import FEMALE
from roster.rounds import RoundsParams, solve_rounds


@pytest.fixture(scope="module")
def small():
    """Return the small Oakham instance (3 recipients, 6 visits, 3 carers)."""
    return read_instance(INSTANCE_SMALL)


@pytest.fixture(scope="module")
def everyone(small):
    """Return one pool holding every recipient and carer of the small instance."""
    return Pool("all", tuple(r.id for r in small.recipients), tuple(c.id for c in small.carers))


def test_monday_problem_matches_the_instance(small, everyone, rutland_networks):
    """Monday has visits v1-v5 and four working periods (c3 works a split shift)."""
    locations = locate(small, rutland_networks)
    problem = pool_problem(small, everyone, 0, locations)
    assert problem.visit_id == ("v1", "v2", "v3", "v4", "v5")
    assert problem.carer_id == ("c1", "c2", "c3")
    assert problem.period_carer.tolist() == [0, 1, 2, 2]
    assert problem.period_start_s.tolist() == [7 * 3600, 7 * 3600, 7 * 3600, 16 * 3600]
    assert problem.carers_required.tolist() == [1, 1, 2, 1, 1]
    assert problem.gender_preference[4] == FEMALE
    # one skill column, 'medication': v2 needs it and c1 has it
    assert problem.visit_skills[:, 0].tolist() == [False, True, False, False, False]
    assert problem.carer_skills[:, 0].tolist() == [True, False, False]
    # three recipients then three carer homes; the walker (c2) walks
    assert problem.travel_time_s.shape == (2, 6, 6)
    assert problem.carer_mode.tolist() == [0, 1, 0]
    # walking the same trip takes longer than driving it
    assert (problem.travel_time_s[1] >= problem.travel_time_s[0]).all()


def test_tuesday_leaves_out_carers_without_a_shift(small, everyone, rutland_networks):
    """On Tuesday only c1 and c3 work and only v6 is due."""
    problem = pool_problem(small, everyone, 1, locate(small, rutland_networks))
    assert problem.visit_id == ("v6",)
    assert problem.carer_id == ("c1", "c3")
    assert problem.max_working_s.tolist() == [7 * 3600, 6 * 3600]


def test_monday_solves_and_passes_the_checker(small, everyone, rutland_networks):
    """The Monday pool solves with a solution limit, every visit is served, the checker agrees."""
    problem = pool_problem(small, everyone, 0, locate(small, rutland_networks))
    params = RoundsParams(time_limit_s=None, solution_limit=100, metaheuristic="GREEDY_DESCENT")
    rounds = solve_rounds(problem, params)
    assert check_rounds(problem, rounds, params) == []
    assert rounds.unassigned == ()
    served = [step.visit_id for route in rounds.routes for step in route.steps]
    assert sorted(served) == ["v1", "v2", "v3", "v3", "v4", "v5"]
    # v5 wants a female carer: c1 or c3
    assert {r.carer_id for r in rounds.routes if any(s.visit_id == "v5" for s in r.steps)} <= {
        "c1",
        "c3",
    }
    assert rounds.travel_time_s > 0
