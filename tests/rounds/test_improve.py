"""Tests for roster.rounds.improve: the ruin-and-recreate improvement, run by iteration count."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_pools import HOUR, exact_params, line_pool, random_pool, rounds_of

from roster.rounds.checker import check_rounds
from roster.rounds.improve import construct_routes
from roster.rounds.solve import solve_rounds
from roster.rounds.tasks import node_tasks, screen_visits


def improve_params(**changes):
    """Greedy OR-Tools start, then 200 deterministic improvement iterations."""
    return exact_params(improve_iterations=200, **changes)


def solve_checked(problem, params):
    """Solve and assert the independent checker finds nothing wrong."""
    rounds = solve_rounds(problem, params)
    assert check_rounds(problem, rounds, params) == []
    return rounds


def test_a_pair_left_out_is_put_back():
    """X needs a first carer from 8:00 and Ann's afternoon 5-6 hours later: both are served.

    Only Ann has the second half's skill, so Bob takes the first half at 8:00 and Ann starts
    at 13:10, when she can first get there. OR-Tools moves one half at a time and may leave X
    out; the improvement inserts the pair as one job, never both halves with one carer.
    """
    problem = line_pool(
        [{"id": "x", "at": 1, "window": (8, 14), "carers": 2}],
        [
            {"id": "ann", "skills": [1], "periods": [(7, 11), (13, 17)]},
            {"id": "bob", "home": 5, "skills": [0], "periods": [(7, 17)]},
        ],
        second_skills=[[False, True]],
        start_gap_min_s=[5 * HOUR],
        start_gap_max_s=[6 * HOUR],
    )
    rounds = solve_checked(problem, improve_params())
    served = sorted((r.carer_id, s.half, s.start_s) for r in rounds.routes for s in r.steps)
    assert [(carer, half) for carer, half, _ in served] == [("ann", 1), ("bob", 0)]
    assert (served[0][2], served[1][2]) == (13 * HOUR + 600, 8 * HOUR)
    assert rounds.unassigned == ()


def test_worst_lateness_breaks_a_tie_in_total_lateness():
    """Three hour-long visits next door, due 9:00, 9:30 and 10:00, all ready at 9:00.

    Orders a-b-c and a-c-b are both 90 minutes late in total; a-b-c is at most 60 minutes late
    at any one visit, a-c-b 90. Costing the worst lateness picks a-b-c.
    """
    visits = [
        {"id": name, "at": 1, "window": (9, due), "minutes": 60}
        for name, due in (("a", 9), ("b", 9.5), ("c", 10))
    ]
    problem = line_pool(visits, [{"id": "ann", "periods": [(7, 15)]}])
    params = improve_params(
        allow_lateness=True,
        lateness_cost_per_s=1,
        worst_lateness_cost_per_s=1,
        max_lateness_s=None,
        break_after_s=None,
    )
    (route,) = solve_checked(problem, params).routes
    assert [s.visit_id for s in route.steps] == ["a", "b", "c"]
    assert [s.start_s for s in route.steps] == [9 * HOUR, 10 * HOUR, 11 * HOUR]


def test_rounds_with_nothing_worth_serving_come_back_empty():
    """With no penalty for leaving visits out and lateness allowed, nothing is served."""
    problem = line_pool([{"id": "a", "at": 1}, {"id": "b", "at": 2}], [{"id": "ann"}])
    params = improve_params(unassigned_penalty=0, allow_lateness=True)
    rounds = solve_checked(problem, params)
    assert rounds.routes == ()
    assert [(u.visit_id, u.reason) for u in rounds.unassigned] == [
        ("a", "no capacity"),
        ("b", "no capacity"),
    ]


def test_same_seed_and_iterations_give_the_same_rounds():
    """Two runs with one seed and iteration count return identical rounds."""
    problem = random_pool(np.random.default_rng(3), visits=12, carers=3)
    first = solve_checked(problem, improve_params(seed=5)).to_json()
    assert solve_checked(problem, improve_params(seed=5)).to_json() == first


def test_a_long_round_takes_its_break_where_it_waits():
    """A 6 h 20 min round (7:50-14:10) breaks for 20 minutes at 10:40, in its wait for b.

    a runs 8:00-10:00 and b 11:00-14:00 next door; the break goes as late as the 6-hour rule
    allows within the wait, leaving 3 h 10 min of work after it.
    """
    problem = line_pool(
        [
            {"id": "a", "at": 1, "window": (8, 8), "minutes": 120},
            {"id": "b", "at": 1, "window": (11, 11), "minutes": 180},
        ],
        [{"id": "ann", "periods": [(7, 15)]}],
    )
    (route,) = solve_checked(problem, improve_params()).routes
    assert (route.leave_s, route.return_s) == (7 * HOUR + 3000, 14 * HOUR + 600)
    assert route.breaks == ((10 * HOUR + 2400, 11 * HOUR),)


def test_a_round_with_no_wait_for_a_break_is_refused():
    """Without a wait of 20 minutes, a and b back to back cannot be one carer's 6 h 20 min.

    OR-Tools cannot serve both either (b's start is fixed); the search leaves b out.
    """
    problem = line_pool(
        [
            {"id": "a", "at": 1, "window": (8, 8), "minutes": 120},
            {"id": "b", "at": 1, "window": (10, 10), "minutes": 260},
        ],
        [{"id": "ann", "periods": [(7, 15)]}],
    )
    rounds = solve_checked(problem, improve_params())
    assert [u.visit_id for u in rounds.unassigned] == ["b"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    lateness=st.booleans(),
    gender_hard=st.booleans(),
    tolerance_s=st.sampled_from([0, 300]),
)
def test_improved_rounds_keep_every_rule_and_never_cost_more(
    seed, lateness, gender_hard, tolerance_s
):
    """On random pools the improved rounds pass the checker and cost no more than OR-Tools'."""
    problem = random_pool(np.random.default_rng(seed), visits=10, carers=3)
    rules = {
        "allow_lateness": lateness,
        "gender_hard": gender_hard,
        "double_handed_tolerance_s": tolerance_s,
        "solution_limit": 50,
    }
    plain = solve_checked(problem, exact_params(**rules))
    improved = solve_checked(problem, improve_params(**rules))
    assert improved.objective <= plain.objective
    assert len(improved.unassigned) <= len(plain.unassigned) or improved.objective < plain.objective


@pytest.mark.parametrize("gap", [(0, 0), (1800, 3600)])
def test_gaps_between_halves_hold_on_a_busy_pool(gap):
    """Every double-handed visit keeps its start gap when many pairs share few carers."""
    problem = random_pool(
        np.random.default_rng(11),
        visits=16,
        carers=4,
        start_gap_min_s=[gap[0]] * 16,
        start_gap_max_s=[gap[1]] * 16,
    )
    rounds = solve_checked(problem, improve_params(allow_lateness=True, max_lateness_s=None))
    starts: dict[str, dict[int, int]] = {}
    for route in rounds.routes:
        for step in route.steps:
            starts.setdefault(step.visit_id, {})[step.half] = step.start_s
    pairs = [s for s in starts.values() if len(s) == 2]
    assert pairs
    assert all(gap[0] <= s[1] - s[0] <= gap[1] for s in pairs)


def test_construction_from_empty_rounds_serves_a_pair_with_two_carers():
    """From empty rounds, X (two carers, 9:00 at place 2) and Y (10:00 at place 1) go in.

    Ann lives at 1 and Bob at 3 (10 minutes a place): X takes both at 9:00 exactly (a pair goes
    in as one job, on two carers); Y costs Ann nothing on her way home, Bob 20 minutes more.
    """
    problem = line_pool(
        [
            {"id": "x", "at": 2, "window": (9, 9), "carers": 2},
            {"id": "y", "at": 1, "window": (10, 10)},
        ],
        [{"id": "ann", "home": 1}, {"id": "bob", "home": 3}],
    )
    params = exact_params()
    reasons, allowed = screen_visits(problem, params)
    routes, cost = construct_routes(problem, params, node_tasks(problem, allowed, reasons))
    rounds = rounds_of(problem, params, reasons, routes)
    assert check_rounds(problem, rounds, params) == []
    steps = sorted((r.carer_id, s.visit_id, s.start_s) for r in routes for s in r.steps)
    assert steps == [("ann", "x", 9 * HOUR), ("ann", "y", 10 * HOUR), ("bob", "x", 9 * HOUR)]
    assert cost == rounds.objective == 4 * 600  # Ann 1-2-1, Bob 3-2-3


def test_construction_reports_its_progress():
    """The construction reports a rising share of its jobs placed, ending at 1."""
    problem = random_pool(np.random.default_rng(3), visits=30, carers=4)
    params = exact_params()
    reasons, allowed = screen_visits(problem, params)
    shares: list[float] = []
    construct_routes(problem, params, node_tasks(problem, allowed, reasons), 0, shares.append)
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert len(shares) > 1
