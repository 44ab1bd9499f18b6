"""Tests for roster.rounds.warm: PyVRP starts on plain pools, and only on those."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_pools import HOUR, exact_params, line_pool

from roster.rounds.checker import check_rounds
from roster.rounds.params import RoundsParams
from roster.rounds.solve import solve_rounds, warm_starts
from roster.rounds.warm import pyvrp_can_model, pyvrp_routes


@pytest.fixture
def plain():
    """Three visits whose windows force the order 3, 2, 1, and two carers at home 0."""
    return line_pool(
        [
            {"id": "v1", "at": 1, "window": (10, 10.5)},
            {"id": "v2", "at": 2, "window": (9, 9.5)},
            {"id": "v3", "at": 3, "window": (8, 8.5)},
        ],
        [{"id": "ann"}, {"id": "bob"}],
    )


def test_pyvrp_finds_the_optimal_start(plain):
    """PyVRP's routes are the one optimal round, and OR-Tools keeps it from there."""
    params = exact_params()
    routes = pyvrp_routes(plain, params, time_limit_s=None, seed=1, iterations=50)
    assert sorted(routes, key=len) == [[], [(2, 0), (1, 0), (0, 0)]]
    rounds = solve_rounds(plain, params, routes)
    assert check_rounds(plain, rounds, params) == []
    assert rounds.travel_time_s == 3600


@pytest.mark.parametrize(
    "changes",
    [
        {"carers_required": [1, 2, 1]},
        {"gender_preference": [1, -1, -1]},
        {
            "period_carer": [0, 0],
            "period_start_s": [7 * HOUR, 14 * HOUR],
            "period_end_s": [13 * HOUR, 18 * HOUR],
        },
        {"carer_skills": [[True, False], [True, True]], "visit_skills": [[0, 1], [0, 0], [0, 0]]},
    ],
)
def test_homecare_rules_keep_pyvrp_out(plain, changes):
    """Double-handed visits, preferences, split shifts and skills are OR-Tools' alone."""
    assert pyvrp_can_model(plain, exact_params())
    assert not pyvrp_can_model(replace(plain, **changes), exact_params())


def test_the_default_warm_start_needs_a_plain_pool_a_share_and_a_time_limit(plain):
    """By default a plain pool with a time limit starts from PyVRP; homecare pools never do."""
    params = RoundsParams(break_after_s=None)
    assert params.warm_start_share > 0 and warm_starts(plain, params)
    assert not warm_starts(plain, replace(params, warm_start_share=0.0))
    assert not warm_starts(plain, replace(params, time_limit_s=None, solution_limit=10))
    assert not warm_starts(replace(plain, carers_required=[1, 2, 1]), params)
