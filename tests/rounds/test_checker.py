"""Tests for roster.rounds.checker: valid rounds pass, and every kind of corruption is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_pools import HOUR, exact_params, line_pool

from roster.rounds.checker import CarePlan, PlannedVisit, check_rounds, check_week
from roster.rounds.params import RoundsParams
from roster.rounds.solution import Rounds, Route, Step, Unassigned
from roster.rounds.solve import solve_rounds

PARAMS = exact_params()


@pytest.fixture(scope="module")
def solved():
    """Solve a pool with a double-handed visit and a skill once: (problem, rounds)."""
    problem = line_pool(
        [
            {"id": "a", "at": 1, "window": (8, 9)},
            {"id": "pair", "at": 3, "window": (9, 10), "carers": 2},
            {"id": "k", "at": 2, "window": (10, 11), "skills": [1]},
        ],
        [{"id": "ann", "skills": [0]}, {"id": "bob", "home": 5}],
    )
    rounds = solve_rounds(problem, PARAMS)
    assert rounds.unassigned == ()
    return problem, rounds


def edit_step(rounds: Rounds, carer: str, visit: str, **changes) -> Rounds:
    """Copy the rounds with one step of one carer's route changed."""
    routes = []
    for r in rounds.routes:
        steps = tuple(
            replace(s, **changes) if r.carer_id == carer and s.visit_id == visit else s
            for s in r.steps
        )
        routes.append(replace(r, steps=steps))
    return replace(rounds, routes=tuple(routes))


def route_of(rounds: Rounds, carer: str):
    """Return the route of the named carer."""
    return next(r for r in rounds.routes if r.carer_id == carer)


def test_solver_output_passes(solved):
    """The solver's own rounds break no rule."""
    problem, rounds = solved
    assert check_rounds(problem, rounds, PARAMS) == []


def test_shifted_start_breaks_synchronisation(solved):
    """Moving one carer's start of a double-handed visit by a minute is caught."""
    problem, rounds = solved
    start = next(s for s in route_of(rounds, "ann").steps if s.visit_id == "pair").start_s
    bad = edit_step(rounds, "ann", "pair", start_s=start + 60, end_s=start + 60 + 1800)
    errors = check_rounds(problem, bad, PARAMS)
    assert any("apart" in e for e in errors)
    assert any("waiting" in e for e in errors)


def test_wrong_leg_is_caught(solved):
    """A travel time that is not the matrix's is caught."""
    problem, rounds = solved
    step = route_of(rounds, "bob").steps[0]
    bad = edit_step(rounds, "bob", step.visit_id, travel_time_s=step.travel_time_s - 1)
    assert any("leg" in e for e in check_rounds(problem, bad, PARAMS))


def test_silently_dropped_visit_is_caught(solved):
    """Removing a visit from its route without listing it as unassigned is caught."""
    problem, rounds = solved
    route = route_of(rounds, "bob")
    step = next(s for s in route.steps if s.visit_id == "k")
    kept = tuple(s for s in route.steps if s.visit_id != "k")
    bad = replace(
        rounds, routes=tuple(replace(r, steps=kept) if r is route else r for r in rounds.routes)
    )
    errors = check_rounds(problem, bad, PARAMS)
    assert any("Visit k is served by halves []" in e for e in errors)
    listed = replace(bad, unassigned=(Unassigned(step.visit_id, "no capacity"),))
    assert not any("Visit k" in e for e in check_rounds(problem, listed, PARAMS))


def test_served_and_unassigned_is_caught(solved):
    """A visit both in a round and in the unassigned list is caught."""
    problem, rounds = solved
    bad = replace(rounds, unassigned=(Unassigned("a", "no capacity"),))
    assert any("both served and unassigned" in e for e in check_rounds(problem, bad, PARAMS))


def test_missing_skill_and_window_are_caught(solved):
    """Giving the skilled visit to Ann, or starting before the window, is caught."""
    problem, rounds = solved
    ann, bob = route_of(rounds, "ann"), route_of(rounds, "bob")
    swapped = replace(rounds, routes=(replace(ann, carer_id="bob"), replace(bob, carer_id="ann")))
    assert any("belongs to" in e for e in check_rounds(problem, swapped, PARAMS))
    unskilled = replace(problem, carer_skills=[[True, False], [True, False]])
    assert any("lacks a required skill" in e for e in check_rounds(unskilled, rounds, PARAMS))
    later = [int(s.start_s + 60) for r in rounds.routes for s in r.steps if s.visit_id == "a"]
    moved = replace(problem, earliest_start_s=[later[0], 9 * HOUR, 10 * HOUR])
    assert any("visit a: starts" in e for e in check_rounds(moved, rounds, PARAMS))


def test_working_time_and_shift_are_caught(solved):
    """A tighter working-time cap, or a shift ending earlier, is caught."""
    problem, rounds = solved
    capped = replace(problem, max_working_s=[HOUR, HOUR])
    assert any("works" in e for e in check_rounds(capped, rounds, PARAMS))
    short = replace(problem, period_end_s=[9 * HOUR, 9 * HOUR])
    assert any("outside" in e for e in check_rounds(short, rounds, PARAMS))


def test_break_rule_is_caught():
    """A round of more than 6 h with its break removed breaks the rule."""
    visits = [{"id": f"v{k}", "at": 1, "window": (8, 15), "minutes": 60} for k in range(6)]
    problem = line_pool(visits, [{"id": "ann", "periods": [(8, 16)]}])
    # OR-Tools delays a visit to fit the break into these back-to-back visits.
    rounds = solve_rounds(problem, exact_params(engine="ortools"))
    assert check_rounds(problem, rounds, PARAMS) == []
    (route,) = rounds.routes
    bad = replace(rounds, routes=(replace(route, breaks=()),))
    assert any("no break" in e for e in check_rounds(problem, bad, PARAMS))
    ((a, b),) = route.breaks
    short = replace(rounds, routes=(replace(route, breaks=((a, b - 60),)),))
    assert any("shorter" in e for e in check_rounds(problem, short, PARAMS))


def test_weekly_hours_over_the_contract_are_caught(solved):
    """A week over the contract plus tolerance is caught, counted as contact or working time.

    The day's rounds, counted twice as a two-day week, set the contract at one day's time; a
    zero-hours contract, or no tolerance at all, has no weekly cap.
    """
    _, rounds = solved
    route = rounds.routes[0]
    for basis, day_s, verb in (
        ("working", route.return_s - route.leave_s, "works"),
        ("contact", route.service_s, "spends"),
    ):
        tight = RoundsParams(weekly_hours_tolerance=0.1, weekly_hours_basis=basis)
        contract = {route.carer_id: day_s}
        found = check_week([rounds, rounds], contract, tight)
        assert len(found) == 1
        assert found[0].startswith(f"{route.carer_id} {verb} {2 * day_s} s")
        assert check_week([rounds], contract, tight) == []
        assert check_week([rounds, rounds], {route.carer_id: 0}, tight) == []
        loose = replace(tight, weekly_hours_tolerance=None)
        assert check_week([rounds, rounds], contract, loose) == []


def test_contact_cap_is_caught(solved):
    """Time in visits over a carer's contact cap is a broken rule."""
    problem, rounds = solved
    route = rounds.routes[0]
    carer = problem.carer_id.index(route.carer_id)
    caps = problem.max_contact_s.copy()
    caps[carer] = route.service_s - 1
    found = check_rounds(replace(problem, max_contact_s=caps), rounds, PARAMS)
    assert found == [
        f"{route.carer_id} spends {route.service_s} s in visits, over {route.service_s - 1} s."
    ]


def _round(carer: str, *visits: tuple[str, int, int]) -> Route:
    """Make a route of ``(visit, start hour, end hour)`` steps (no travel)."""
    steps = tuple(
        Step(v, 0, 0, int(a * HOUR), int(a * HOUR), int(b * HOUR), 0, 0, 0) for v, a, b in visits
    )
    return Route(carer, 0, steps[0].start_s, steps[-1].end_s, steps, 0, 0)


def _answer(*routes: Route) -> Rounds:
    """Make rounds of these routes, nothing unassigned."""
    return Rounds(routes, (), "ROUTING_SUCCESS", 0)


# r1's morning call planned 08:00 +- 30 min, lunch 12:30 +- 30 min, on Monday; gap 2 h.
CARE_PLAN = CarePlan(
    {
        "m": PlannedVisit("r1", 0, int(7.5 * HOUR), int(8.5 * HOUR), 8 * HOUR),
        "l": PlannedVisit("r1", 0, 12 * HOUR, 13 * HOUR, int(12.5 * HOUR)),
        "t": PlannedVisit("r2", 0, 16 * HOUR, 18 * HOUR),
    },
    min_gap_s=2 * HOUR,
)


def test_care_plan_times_kept_pass():
    """Morning 08:15-08:45 and lunch 12:00 (3 h 15 min later) keep the plan: nothing found."""
    rounds = _answer(_round("ann", ("m", 8.25, 8.75), ("l", 12, 12.5)))
    assert check_week([rounds], {}, PARAMS, CARE_PLAN) == []


def test_start_outside_the_care_plan_tolerance_is_reported_as_such():
    """Starting the morning call at 08:45, past 08:00 + 30 min, breaks its care-plan tolerance."""
    rounds = _answer(_round("ann", ("m", 8.75, 9.25), ("l", 12.5, 13)))
    assert check_week([rounds], {}, PARAMS, CARE_PLAN) == [
        "Visit m (ann) starts at 08:45, outside its care-plan tolerance 07:30-08:30 around 08:00."
    ]
    early = _answer(_round("bob", ("t", 15.5, 16)))
    assert check_week([early], {}, PARAMS, CARE_PLAN) == [
        "Visit t (bob) starts at 15:30, outside its care-plan tolerance 16:00-18:00."
    ]
    assert check_week([early], {}, PARAMS) == []  # without a care plan, not checked here


def test_calls_too_close_break_the_min_gap():
    """Morning 08:30-09:00, lunch 12:00 by another carer: 3 h apart, fine under a 2 h gap rule.

    Under a 4 h rule it is found, across two carers' rounds.
    """
    rounds = [_answer(_round("ann", ("m", 8.5, 9))), _answer(_round("bob", ("l", 12, 12.5)))]
    assert check_week(rounds, {}, PARAMS, CARE_PLAN) == []
    strict = replace(CARE_PLAN, min_gap_s=4 * HOUR)
    assert check_week(rounds, {}, PARAMS, strict) == [
        "r1 Mon: visit l starts at 12:00, 180 min after visit m ends (09:00); the care plan "
        "needs 240 min between calls."
    ]
