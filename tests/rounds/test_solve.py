"""Tests for roster.rounds.solve: hand-checkable pools solved with a solution limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_pools import HOUR, exact_params, line_pool, random_pool

from roster.rounds.checker import check_rounds
from roster.rounds.params import RoundsParams
from roster.rounds.solution import Rounds
from roster.rounds.solve import solve_rounds


def solve_checked(problem, params=None) -> Rounds:
    """Solve and assert the independent checker finds nothing wrong."""
    params = params or exact_params()
    rounds = solve_rounds(problem, params)
    assert check_rounds(problem, rounds, params) == []
    return rounds


def by_visit(rounds: Rounds) -> dict[str, list[tuple[str, int]]]:
    """Map each served visit to its (carer, start) pairs."""
    served: dict[str, list[tuple[str, int]]] = {}
    for route in rounds.routes:
        for step in route.steps:
            served.setdefault(step.visit_id, []).append((route.carer_id, step.start_s))
    return served


def halves_by_period(rounds: Rounds) -> list[list[tuple[str, int]]]:
    """List each period's (visit, half) pairs in order (a period with no round: empty)."""
    periods = max((r.period for r in rounds.routes), default=-1) + 1
    order: list[list[tuple[str, int]]] = [[] for _ in range(periods)]
    for route in rounds.routes:
        order[route.period] = [(s.visit_id, s.half) for s in route.steps]
    return order


def reasons(rounds: Rounds) -> dict[str, str]:
    """Map each unassigned visit to its reason."""
    return {u.visit_id: u.reason for u in rounds.unassigned}


@pytest.mark.parametrize("engine", ["insertion", "ortools"])
def test_windows_force_the_optimal_order(engine):
    """Out to location 3 and back along the line, serving 3, 2, 1 as the windows require.

    OR-Tools starts each visit as early as it can; the insertion engine puts off the first
    visit to cut the waiting before the second (both are on time and travel the same).
    """
    problem = line_pool(
        [
            {"id": "v1", "at": 1, "window": (10, 10.5)},
            {"id": "v2", "at": 2, "window": (9, 9.5)},
            {"id": "v3", "at": 3, "window": (8, 8.5)},
        ],
        [{"id": "ann"}],
    )
    rounds = solve_checked(problem, exact_params(engine=engine))
    (route,) = rounds.routes
    assert [s.visit_id for s in route.steps] == ["v3", "v2", "v1"]
    assert rounds.travel_time_s == 3600
    assert rounds.length_m == 30_000
    assert route.return_s == 10.5 * HOUR + 600
    if engine == "ortools":
        assert [s.start_s for s in route.steps] == [8 * HOUR, 9 * HOUR, 10 * HOUR]
        assert route.leave_s == 7.5 * HOUR
        assert rounds.status in ("ROUTING_SUCCESS", "ROUTING_OPTIMAL")
    else:
        assert [s.start_s for s in route.steps] == [8.5 * HOUR, 9 * HOUR + 600, 10 * HOUR]


def test_two_carers_share_simultaneous_visits():
    """Two visits at the same fixed time go to two carers."""
    problem = line_pool(
        [{"id": "near", "at": 1, "window": (9, 9)}, {"id": "far", "at": 4, "window": (9, 9)}],
        [{"id": "ann"}, {"id": "bob"}],
    )
    rounds = solve_checked(problem)
    assert sorted(len(r.steps) for r in rounds.routes) == [1, 1]
    assert rounds.travel_time_s == 2 * 600 + 2 * 2400
    assert rounds.carers_used == 2


def test_walkers_use_the_walking_matrix():
    """A walking carer takes three times as long along the line."""
    problem = line_pool([{"id": "v", "at": 2}], [{"id": "wendy", "mode": 1}])
    rounds = solve_checked(problem)
    assert rounds.travel_time_s == 2 * 2 * 1800
    assert rounds.length_m == 2 * 2 * 2500


def test_double_handed_carers_start_together():
    """The second carer waits for the first, who is held up elsewhere; both start at 10:20."""
    problem = line_pool(
        [
            {"id": "early", "at": 1, "window": (9, 9), "minutes": 60, "skills": [1]},
            {"id": "hoist", "at": 3, "window": (9, 12), "carers": 2},
        ],
        [{"id": "ann"}, {"id": "bob", "home": 5, "skills": [0]}],
    )
    served = by_visit(solve_checked(problem))
    (ann, a_start), (bob, b_start) = sorted(served["hoist"])
    assert (ann, bob) == ("ann", "bob")
    assert a_start == b_start >= 10 * HOUR + 20 * 60


def test_double_handed_tolerance_is_respected():
    """With a 5-minute tolerance the two carers start at most 5 minutes apart."""
    problem = line_pool(
        [
            {"id": "early", "at": 1, "window": (9, 9), "minutes": 60, "skills": [1]},
            {"id": "hoist", "at": 3, "window": (9, 12), "carers": 2},
        ],
        [{"id": "ann"}, {"id": "bob", "home": 5, "skills": [0]}],
    )
    served = by_visit(solve_checked(problem, exact_params(double_handed_tolerance_s=300)))
    (_, a), (_, b) = served["hoist"]
    assert abs(a - b) <= 300


@pytest.mark.parametrize("improve_iterations", [None, 50])
def test_two_periods_of_one_carer_are_not_two_carers(improve_iterations):
    """Ann's morning and afternoon never count as the two carers of one visit.

    X (8:00-14:00, at location 1) needs a second carer 5-6 hours after the first, with a skill
    only Ann has. Ann can start it at 8:00 from her morning and at 13:10 from her afternoon,
    which would be the cheapest rounds if her two periods were two carers. Bob, from 9:30 at
    location 5, reaches it at 10:10 at the earliest: too late for a second half by 14:00. So
    no two carers can serve X, and it is left out. (OR-Tools, moving one half at a time, would
    leave it out anyway; the improvement, which inserts the pair as one, would serve it with
    Ann twice if it counted periods as carers.)
    """
    problem = line_pool(
        [{"id": "x", "at": 1, "window": (8, 14), "carers": 2}],
        [
            {"id": "ann", "skills": [1], "periods": [(7, 11), (13, 17)]},
            {"id": "bob", "home": 5, "skills": [0], "periods": [(9.5, 17)]},
        ],
        second_skills=[[False, True]],
        start_gap_min_s=[5 * HOUR],
        start_gap_max_s=[6 * HOUR],
    )
    rounds = solve_checked(problem, exact_params(improve_iterations=improve_iterations))
    assert rounds.routes == ()
    assert reasons(rounds) == {"x": "no capacity"}


def test_skills_decide_the_carer():
    """The nearby carer lacks the hoist skill, so the far one serves the visit."""
    problem = line_pool(
        [{"id": "k", "at": 1, "skills": [1]}],
        [{"id": "near", "home": 1, "skills": [0]}, {"id": "far", "home": 5}],
    )
    assert by_visit(solve_checked(problem))["k"][0][0] == "far"


@pytest.mark.parametrize(
    ("changes", "carer"),
    [
        ({"gender_hard": True}, "max"),
        ({"gender_hard": False, "gender_penalty": 100_000}, "max"),
        ({"gender_hard": False, "gender_penalty": 0}, "fay"),
    ],
)
def test_gender_preference_hard_and_soft(changes, carer):
    """A male preference is met when hard or heavily penalised, and ignored at no penalty."""
    problem = line_pool(
        [{"id": "g", "at": 1, "gender": 1}],
        [{"id": "fay", "home": 1, "gender": 0}, {"id": "max", "home": 5, "gender": 1}],
    )
    rounds = solve_checked(problem, exact_params(**changes))
    assert by_visit(rounds)["g"][0][0] == carer


def test_split_shift_carer_is_not_routed_in_the_gap():
    """Morning and evening visits go to the two periods; the midday one is unreachable."""
    problem = line_pool(
        [
            {"id": "am", "at": 1, "window": (8, 8.5)},
            {"id": "noon", "at": 1, "window": (13, 13.5)},
            {"id": "pm", "at": 1, "window": (17, 17.5)},
        ],
        [{"id": "ann", "periods": [(7, 10), (16, 19)]}],
    )
    rounds = solve_checked(problem)
    assert reasons(rounds) == {"noon": "window unreachable"}
    periods = {r.period: [s.visit_id for s in r.steps] for r in rounds.routes}
    assert periods == {0: ["am"], 1: ["pm"]}
    assert all(16 * HOUR <= r.leave_s for r in rounds.routes if r.period == 1)


def test_unassigned_visits_come_back_with_reasons():
    """Each visit that cannot be served says why, and nothing is dropped silently."""
    problem = line_pool(
        [
            {"id": "skill", "at": 1, "skills": [1]},
            {"id": "gender", "at": 1, "gender": 1},
            {"id": "dawn", "at": 1, "window": (5, 6)},
            {"id": "pair", "at": 1, "carers": 2},
            {"id": "here", "at": 1, "window": (9, 9)},
            {"id": "there", "at": 5, "window": (9, 9)},
        ],
        [{"id": "ann", "skills": [0], "gender": 0}],
    )
    rounds = solve_checked(problem)
    got = reasons(rounds)
    assert got.pop("skill") == "no carer with the required skills"
    assert got.pop("gender") == "no carer of the preferred gender"
    assert got.pop("dawn") == "window unreachable"
    assert got.pop("pair") == "too few carers for a double-handed visit"
    assert list(got.values()) == ["no capacity"]
    assert set(got) < {"here", "there"}


def test_a_pool_without_carers_says_so():
    """With no carers at all, visits are left out because the pool has none, not for skills."""
    visits = [{"id": "plain", "at": 1}, {"id": "pair", "at": 2, "carers": 2}]
    problem = line_pool(visits, [])
    assert reasons(solve_checked(problem)) == {
        "plain": "pool has no carers",
        "pair": "pool has no carers",
    }


def test_a_pair_with_one_skilled_carer_is_short_of_skills():
    """Two carers, one with the skill both halves need: the second half lacks the skill."""
    problem = line_pool(
        [{"id": "pair", "at": 1, "carers": 2, "skills": [1]}],
        [{"id": "ann", "skills": [0, 1]}, {"id": "bob", "skills": [0]}],
    )
    assert reasons(solve_checked(problem)) == {"pair": "no carer with the required skills"}


def test_lateness_lets_a_late_visit_through():
    """A 7:00 visit 50 minutes' drive away is unreachable, or served 50 minutes late."""
    problem = line_pool([{"id": "v", "at": 5, "window": (7, 7)}], [{"id": "ann"}])
    assert reasons(solve_checked(problem)) == {"v": "window unreachable"}
    params = exact_params(allow_lateness=True, max_lateness_s=HOUR)
    rounds = solve_checked(problem, params)
    assert rounds.routes[0].steps[0].start_s == 7 * HOUR + 3000


@pytest.mark.parametrize("engine", ["insertion", "ortools"])
def test_long_period_gets_a_break(engine):
    """Six hours of visits plus travel exceed 6 h of work, so a 20-minute break is placed.

    The round waits before its last visit, where the insertion engine puts the break.
    """
    visits = [{"id": f"v{k}", "at": 1, "window": (8, 15), "minutes": 60} for k in range(5)]
    visits.append({"id": "v5", "at": 1, "window": (14.5, 15), "minutes": 60})
    problem = line_pool(visits, [{"id": "ann", "periods": [(8, 16)]}])
    rounds = solve_checked(problem, exact_params(engine=engine))
    assert rounds.unassigned == ()
    (route,) = rounds.routes
    assert [b - a for a, b in route.breaks] == [1200]
    assert route.working_s > 6 * HOUR
    no_breaks = exact_params(engine=engine, break_after_s=None)
    assert solve_checked(problem, no_breaks).routes[0].breaks == ()


def test_ortools_delays_visits_for_a_break():
    """Six back-to-back hours of visits: OR-Tools delays one to fit the break.

    (The insertion engine puts breaks only where a round waits anyway, so it leaves a visit
    out of such a round instead: README, "Rounds".)
    """
    visits = [{"id": f"v{k}", "at": 1, "window": (8, 15), "minutes": 60} for k in range(6)]
    problem = line_pool(visits, [{"id": "ann", "periods": [(8, 16)]}])
    rounds = solve_checked(problem, exact_params(engine="ortools"))
    assert rounds.unassigned == ()
    assert [b - a for a, b in rounds.routes[0].breaks] == [1200]


@pytest.mark.parametrize("periods", [[(7, 13)], [(7, 9), (9.5, 11)]])
def test_maximum_working_time_over_periods(periods):
    """One hour of work a day fits one 50-minute round, not two, in one or two periods."""
    problem = line_pool(
        [{"id": "a", "at": 1, "window": (8, 8)}, {"id": "b", "at": 1, "window": (10, 10)}],
        [{"id": "ann", "max_hours": 1, "periods": periods}],
    )
    rounds = solve_checked(problem)
    assert list(reasons(rounds).values()) == ["no capacity"]


def test_capacity_limits_a_round():
    """With capacity 1, a carer takes one of two visits of load 1."""
    problem = line_pool(
        [{"id": "a", "at": 1}, {"id": "b", "at": 2}],
        [{"id": "ann"}],
        visit_demand=[1, 1],
        carer_capacity=[1],
    )
    assert list(reasons(solve_checked(problem)).values()) == ["no capacity"]


def test_mandatory_visits_are_all_served():
    """Without an unassigned penalty every visit is served."""
    problem = line_pool(
        [{"id": "a", "at": 1}, {"id": "b", "at": 4, "carers": 2}], [{"id": "ann"}, {"id": "bob"}]
    )
    rounds = solve_checked(problem, exact_params(unassigned_penalty=None))
    assert rounds.unassigned == ()


def test_initial_routes_are_a_valid_start():
    """A start, with halves named or as bare visits, is used as it is; a search improves it."""
    problem = line_pool(
        [{"id": "a", "at": 1}, {"id": "b", "at": 3}, {"id": "c", "at": 2, "carers": 2}],
        [{"id": "ann"}, {"id": "bob"}],
    )
    start = [[(1, 0), (0, 0), (2, 0)], [(2, 1)]]
    as_started = [[("b", 0), ("a", 0), ("c", 0)], [("c", 1)]]
    first_only = RoundsParams(time_limit_s=None, solution_limit=1)
    assert halves_by_period(solve_rounds(problem, first_only, start)) == as_started
    bare = [[1, 0, 2], [2]]
    assert halves_by_period(solve_rounds(problem, first_only, bare)) == as_started
    params = exact_params()
    rounds = solve_rounds(problem, params, start)
    assert check_rounds(problem, rounds, params) == []
    assert rounds.travel_time_s == 2 * 1800 + 2 * 1200


def test_same_inputs_give_the_same_rounds():
    """Two solves with the same pool and solution limit return identical rounds."""
    rng = np.random.default_rng(0)
    visits = [
        {"id": f"v{k}", "at": int(rng.integers(6)), "window": (8 + k % 3, 10 + k % 3)}
        for k in range(10)
    ]
    visits[3]["carers"] = 2
    carers = [{"id": f"c{k}", "home": k} for k in range(3)]
    problem = line_pool(visits, carers)
    params = RoundsParams(time_limit_s=None, solution_limit=30)
    first = solve_checked(problem, params).to_json()
    assert solve_checked(problem, params).to_json() == first


def test_params_from_dict_and_toml(tmp_path):
    """Missing keys take defaults; a [rounds] table is read; unknown keys are rejected."""
    params = RoundsParams.from_dict({"solution_limit": 5, "time_limit_s": None})
    assert params.solution_limit == 5 and params.break_after_s == 6 * HOUR
    path = tmp_path / "scenario.toml"
    path.write_text("[rounds]\ntime_limit_s = 2.5\ndouble_handed_tolerance_s = 60\n")
    assert RoundsParams.from_toml(path) == RoundsParams(
        time_limit_s=2.5, double_handed_tolerance_s=60
    )
    with pytest.raises(ValueError, match="Unknown rounds parameters: colour"):
        RoundsParams.from_dict({"colour": "red"})


@pytest.mark.parametrize(
    "changes",
    [
        {"time_limit_s": None, "solution_limit": None},
        {"first_solution": "CHEAPEST_GUESS"},
        {"metaheuristic": "LUCKY"},
        {"lateness_cost_per_s": -1},
        {"improve_share": 1.0},
        {"improve_share": 0.5, "time_limit_s": None, "solution_limit": 5},
        {"warm_start_share": 1.0},
    ],
)
def test_bad_params_are_rejected(changes):
    """Never-ending searches, unknown strategies, negative costs, bad shares fail."""
    with pytest.raises(ValueError):
        RoundsParams(**changes)


def test_unknown_engines_are_rejected():
    """Only the insertion engine (the default) and the OR-Tools baseline exist."""
    assert RoundsParams().engine == "insertion"
    with pytest.raises(ValueError, match="engine"):
        RoundsParams(engine="auto")


def test_insertion_engine_solves_the_ordered_line():
    """The insertion engine finds the same 3-2-1 round as OR-Tools, with no OR-Tools at all."""
    problem = line_pool(
        [
            {"id": "v1", "at": 1, "window": (10, 10.5)},
            {"id": "v2", "at": 2, "window": (9, 9.5)},
            {"id": "v3", "at": 3, "window": (8, 8.5)},
        ],
        [{"id": "ann"}],
    )
    rounds = solve_checked(problem, exact_params(engine="insertion"))
    (route,) = rounds.routes
    assert [s.visit_id for s in route.steps] == ["v3", "v2", "v1"]
    assert rounds.travel_time_s == 3600
    assert rounds.status == "INSERTION"


def test_insertion_engine_completes_its_construction_with_no_time_left():
    """A time limit of 0 still gives every visit a place: the construction always completes."""
    problem = line_pool(
        [{"id": f"v{k}", "at": k % 5 + 1, "window": (8 + k % 4, 9 + k % 4)} for k in range(8)],
        [{"id": "ann"}, {"id": "bob", "home": 4}],
    )
    params = RoundsParams(engine="insertion", time_limit_s=0.0)
    rounds = solve_checked(problem, params)
    assert rounds.unassigned == ()


def test_insertion_engine_starts_from_initial_routes():
    """Given a start, the insertion engine keeps it and puts in what it leaves out."""
    problem = line_pool(
        [{"id": "a", "at": 1, "window": (8, 12)}, {"id": "b", "at": 2, "window": (8, 12)}],
        [{"id": "ann"}],
    )
    params = exact_params(engine="insertion")
    started = solve_rounds(problem, params, initial_routes=[[1]])
    assert check_rounds(problem, started, params) == []
    assert started.unassigned == () and started.travel_time_s == 2400  # 0-1-2-0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    lateness=st.booleans(),
    gender_hard=st.booleans(),
    iterations=st.sampled_from([0, 30]),
)
def test_insertion_engine_keeps_every_rule_on_random_pools(seed, lateness, gender_hard, iterations):
    """Pairs, skills, genders, split shifts, breaks, caps and walkers: the checker finds nothing.

    With no improvement (0 iterations) too: the construction alone keeps every rule.
    """
    problem = random_pool(np.random.default_rng(seed), visits=14, carers=4)
    params = exact_params(
        engine="insertion",
        allow_lateness=lateness,
        gender_hard=gender_hard,
        improve_iterations=iterations,
    )
    rounds = solve_checked(problem, params)
    left_out = {u.visit_id for u in rounds.unassigned}
    halves = [
        int(c)
        for v, c in zip(problem.visit_id, problem.carers_required, strict=True)
        if v not in left_out
    ]
    assert sum(len(r.steps) for r in rounds.routes) == sum(halves)


@pytest.mark.parametrize("engine_name", ["ortools", "insertion"])
def test_assignment_cost_hands_a_visit_to_the_carer_it_already_knows(engine_name):
    """Each engine pays a carer's assignment cost: a dearer carer next door loses the visit.

    Carer ``near`` lives at the visit (no travel), ``far`` 20 minutes away each way (2,400 s
    of travel); an assignment cost of 3,000 s on ``near`` (say, new to the recipient) gives the
    visit to ``far``, and the objective counts the travel alone. Without the cost, ``near``.
    """
    visits = [{"id": "a", "at": 2}]
    carers = [{"id": "near", "home": 2}, {"id": "far", "home": 0}]
    params = exact_params(engine=engine_name, improve_iterations=50)
    plain = solve_checked(line_pool(visits, carers), params)
    assert by_visit(plain)["a"][0][0] == "near"
    costly = line_pool(visits, carers, assignment_cost=[[3000, 0]])
    rounds = solve_checked(costly, params)
    assert by_visit(rounds)["a"][0][0] == "far"
    assert rounds.objective == 2400
