"""Tests for roster.rounds.insert: new visits go into finished rounds, moving no other visit."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_pools import HOUR, STEP_S, exact_params, line_pool

from roster.rounds.checker import check_rounds
from roster.rounds.insert import add_location, add_visit, insert_visit, place_breaks
from roster.rounds.params import RoundsParams
from roster.rounds.solve import solve_rounds


@pytest.fixture(scope="module")
def ann():
    """Ann (home 0, 07:00-13:00) serves a at location 1 at 08:00 and b at location 2 at 09:00."""
    problem = line_pool(
        [{"id": "a", "at": 1, "window": (8, 8)}, {"id": "b", "at": 2, "window": (9, 9)}],
        [{"id": "ann"}],
    )
    return problem, solve_rounds(problem, exact_params())


def _starts(rounds) -> dict[str, int]:
    """Return each carer visit's start by (visit, half)."""
    return {(s.visit_id, s.half): s.start_s for r in rounds.routes for s in r.steps}


def test_a_visit_goes_after_the_round_moving_nothing(ann):
    """New at location 3, 10:00-10:30: after b (ends 09:30, 10 min away), starting 10:00.

    Extra travel: 2->3 and 3->home instead of 2->home, 600 + 1800 - 1200 = 1200 s.
    """
    problem, rounds = ann
    grown = add_visit(problem, "new", 3, (10 * HOUR, int(10.5 * HOUR)), 1800)
    answer = insert_visit(grown, rounds, exact_params(), grown.num_visits - 1)
    assert answer is not None
    after, placed = answer
    assert (placed.carer_ids, placed.start_s, placed.extra_travel_s) == (("ann",), 36000, 1200)
    assert {k: v for k, v in _starts(after).items() if k[0] != "new"} == _starts(rounds)
    assert [s.visit_id for s in after.routes[0].steps] == ["a", "b", "new"]
    assert check_rounds(grown, after, exact_params()) == []


def test_a_visit_that_fits_no_gap_is_refused(ann):
    """Between a (ends 08:30) and b (09:00) there is no room for 30 minutes plus travel."""
    problem, rounds = ann
    grown = add_visit(problem, "new", 1, (int(8.5 * HOUR), int(8.5 * HOUR)), 1800)
    assert insert_visit(grown, rounds, exact_params(), grown.num_visits - 1) is None


def test_a_new_location_has_its_travel(ann):
    """A location added last takes the given travel both ways and its row in the area."""
    problem, _ = ann
    modes, n = problem.travel_time_s.shape[:2]
    out, back = np.full((modes, n), 60), np.full((modes, n), 90)
    grown = add_location(problem, out, back, out * 10, back * 10, row=99)
    assert grown.num_locations == n + 1 and grown.location_row[-1] == 99
    assert grown.travel_time_s[0, n, 2] == 60 and grown.travel_time_s[0, 2, n] == 90
    assert grown.length_m[1, 2, n] == 900 and grown.travel_time_s[0, n, n] == 0


def test_a_double_handed_visit_needs_two_carers_at_once():
    """Two carers with empty days both go to the pair at 10:00; the checker accepts it."""
    problem = line_pool(
        [{"id": "a", "at": 1, "window": (8, 8)}], [{"id": "ann"}, {"id": "bob", "home": 2}]
    )
    rounds = solve_rounds(problem, exact_params())
    grown = add_visit(problem, "pair", 4, (10 * HOUR, 11 * HOUR), 1800, carers_required=2)
    after, placed = insert_visit(grown, rounds, exact_params(), grown.num_visits - 1)
    assert sorted(placed.carer_ids) == ["ann", "bob"]
    starts = [s.start_s for r in after.routes for s in r.steps if s.visit_id == "pair"]
    assert len(starts) == 2 and len(set(starts)) == 1
    assert check_rounds(grown, after, exact_params()) == []


def test_a_double_handed_visit_with_one_able_carer_is_refused():
    """Only one carer holds the skill, so the pair cannot be staffed."""
    problem = line_pool(
        [{"id": "a", "at": 1, "window": (8, 8)}],
        [{"id": "ann", "skills": [0, 1]}, {"id": "bob", "skills": [0]}],
    )
    rounds = solve_rounds(problem, exact_params())
    skills = np.array([False, True])
    grown = add_visit(problem, "pair", 4, (10 * HOUR, 11 * HOUR), 1800, 2, skills)
    assert insert_visit(grown, rounds, exact_params(), grown.num_visits - 1) is None


def test_breaks_go_as_late_as_the_rule_allows():
    """07:00-14:00 with waiting 12:00-12:40 (after 10 min travel): the break is 12:20-12:40."""
    params = RoundsParams(break_after_s=6 * HOUR, break_duration_s=20 * 60)
    # Leave 07:00 (an hour to the first visit, 10 min of it travel); a visit ends 12:00 and the
    # next starts 12:40, 10 min away; the last ends 13:00, an hour from home.
    gaps = [(7 * HOUR, 8 * HOUR, STEP_S), (12 * HOUR, 12 * HOUR + 2400, STEP_S)]
    gaps.append((13 * HOUR, 14 * HOUR, HOUR))
    assert place_breaks(7 * HOUR, 14 * HOUR, gaps, params) == [(44400, 45600)]
    # One long visit 07:10-13:50 with travel either side and no waiting: nowhere for a break.
    tight = [(7 * HOUR, 7 * HOUR + STEP_S, STEP_S), (14 * HOUR - STEP_S, 14 * HOUR, STEP_S)]
    assert place_breaks(7 * HOUR, 14 * HOUR, tight, params) is None
    assert place_breaks(7 * HOUR, 12 * HOUR, tight, params) == []
