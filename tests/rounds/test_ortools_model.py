"""Tests for roster.rounds.ortools_model: one model searched twice, from its first solution."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tiny_pools import exact_params, random_pool, rounds_of

from roster.rounds.checker import check_rounds
from roster.rounds.ortools_model import OrToolsModel
from roster.rounds.solve import solve_rounds
from roster.rounds.tasks import node_tasks, screen_visits


def test_the_second_phase_goes_on_from_the_first_on_the_same_model():
    """After its first solution the same (closed) model searches again, and ends no worse.

    The pool's first solution costs more than greedy descent's local optimum from it (checked
    on this seed), so the second search does work; both answers pass the checker.
    """
    problem = random_pool(np.random.default_rng(4), visits=14, carers=3)
    params = exact_params()
    reasons, allowed = screen_visits(problem, params)
    tasks = node_tasks(problem, allowed, reasons)
    model = OrToolsModel(problem, params, tasks)
    start = model.solve(replace(params, solution_limit=1), None)
    first = rounds_of(problem, params, reasons, model.read_routes(start))
    second = model.read_routes(model.search_from(start, params))
    second = rounds_of(problem, params, reasons, second)
    assert check_rounds(problem, first, params) == check_rounds(problem, second, params) == []
    assert second.objective < first.objective
    assert len(second.unassigned) <= len(first.unassigned)


def test_two_phases_end_no_worse_than_the_first_solution():
    """With a time limit, solve_rounds' answer costs no more than its first solution alone.

    Greedy descent stops at a local optimum long before the (non-binding) minute is up, so
    the answer is deterministic; it matches the single search without a time limit.
    """
    problem = random_pool(np.random.default_rng(4), visits=14, carers=3)
    first_only = exact_params(solution_limit=1)
    two_phases = exact_params(time_limit_s=60.0, solution_limit=None)
    first = solve_rounds(problem, first_only)
    rounds = solve_rounds(problem, two_phases)
    assert check_rounds(problem, rounds, two_phases) == []
    assert rounds.objective <= first.objective
    assert len(rounds.unassigned) <= len(first.unassigned)
    assert rounds == solve_rounds(problem, exact_params(solution_limit=None))
