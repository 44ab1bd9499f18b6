"""Tests for roster.rounds.checker: valid rounds pass, and every kind of corruption is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_pools import HOUR, exact_params, line_pool

from roster.rounds.checker import check_rounds, check_week
from roster.rounds.params import RoundsParams
from roster.rounds.solution import Rounds, Unassigned
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
