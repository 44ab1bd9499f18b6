"""Tests for roster.rounds.objective: one objective for OR-Tools' rounds and the improvement's."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_pools import HOUR, exact_params, line_pool, random_pool, rounds_of

from roster.rounds.improve import improve_routes
from roster.rounds.objective import MANDATORY_PENALTY, objective
from roster.rounds.ortools_model import OrToolsModel
from roster.rounds.solution import NO_CAPACITY, Rounds, Unassigned
from roster.rounds.solve import solve_rounds
from roster.rounds.tasks import node_tasks, screen_visits

#: Every weighted term on: soft gender, lateness, worst lateness, a fixed cost per round.
WEIGHTS = {
    "gender_hard": False,
    "gender_penalty": 100,
    "allow_lateness": True,
    "lateness_cost_per_s": 2,
    "max_lateness_s": HOUR,
    "worst_lateness_cost_per_s": 3,
    "carer_fixed_cost": 1000,
}


def test_objective_by_hand():
    """Ann (female) serves two of three 7:00 visits next door to home; the third is too late.

    She leaves at 7:00 and is there at 7:10: the first visit is 10 minutes late, the second
    (at 7:40) 40 minutes, a third (at 8:10) would pass the hour allowed. Travel 2 x 600 s,
    the fixed cost 1000, lateness 2 x (600 + 2400), worst lateness 3 x 2400, 100 if the male
    preference of g is served, and 1,000,000 for the visit left out.
    """
    problem = line_pool(
        [
            {"id": "g", "at": 1, "window": (7, 7), "gender": 1},
            {"id": "h", "at": 1, "window": (7, 7)},
            {"id": "x", "at": 1, "window": (7, 7)},
        ],
        [{"id": "ann", "gender": 0}],
    )
    params = exact_params(**WEIGHTS, break_after_s=None)
    rounds = solve_rounds(problem, params)
    (route,) = rounds.routes
    served = [s.visit_id for s in route.steps]
    assert [s.start_s - 7 * HOUR for s in route.steps] == [600, 2400]
    expected = 1200 + 1000 + 2 * 3000 + 3 * 2400 + 100 * ("g" in served) + 1_000_000
    assert objective(problem, params, rounds) == rounds.objective == expected
    assert [u.reason for u in rounds.unassigned] == [NO_CAPACITY]


def test_visits_ruled_out_cost_nothing_and_mandatory_ones_cost_most():
    """A visit no carer has the skills for is not counted; a mandatory one left out is."""
    problem = line_pool([{"id": "k", "at": 1, "skills": [1]}], [{"id": "ann", "skills": [0]}])
    params = exact_params(unassigned_penalty=None)
    ruled_out = solve_rounds(problem, params)
    assert ruled_out.objective == objective(problem, params, ruled_out) == 0
    left_out = Rounds((), (Unassigned("k", NO_CAPACITY),), "", 0)
    assert objective(problem, params, left_out) == MANDATORY_PENALTY


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_objective_agrees_with_ortools(seed):
    """On random pools, OR-Tools' ObjectiveValue is the objective of the rounds it reads.

    The worst lateness is left out: OR-Tools' model has no such term.
    """
    problem = random_pool(np.random.default_rng(seed), visits=10, carers=3)
    params = exact_params(**(WEIGHTS | {"worst_lateness_cost_per_s": 0}))
    reasons, allowed = screen_visits(problem, params)
    tasks = node_tasks(problem, allowed, reasons)
    model = OrToolsModel(problem, params, tasks)
    solution = model.solve(params, None)
    routes = model.read_routes(solution)
    rounds = rounds_of(problem, params, reasons, routes)
    assert objective(problem, params, rounds) == solution.ObjectiveValue()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_objective_agrees_with_the_improvement(seed):
    """On random pools, the cost the improvement keeps move by move is the rounds' objective."""
    problem = random_pool(np.random.default_rng(seed), visits=10, carers=3)
    params = exact_params(**WEIGHTS)
    reasons, allowed = screen_visits(problem, params)
    tasks = node_tasks(problem, allowed, reasons)
    empty = [[] for _ in range(problem.num_periods)]
    routes, cost = improve_routes(problem, params, tasks, empty, None, 100, seed)
    assert objective(problem, params, rounds_of(problem, params, reasons, routes)) == cost
