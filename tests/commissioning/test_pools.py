"""Tests for commissioning.pools: a day of the small Oakham instance becomes a rounds problem.

Homes are snapped to the three-junction line network (:func:`helpers.line_networks`).
"""

from __future__ import annotations

import pytest
from helpers import INSTANCE_SMALL, line_networks

from roster.commissioning.pools import Pool, pool_gaps, pool_problems, pool_sessions
from roster.geo.locations import locate
from roster.io import read_instance
from roster.rounds.checker import check_rounds
from roster.rounds.params import RoundsParams
from roster.rounds.problem import FEMALE
from roster.rounds.solve import solve_rounds


@pytest.fixture(scope="module")
def small():
    """Return the small Oakham instance (3 recipients, 6 visits, 3 carers)."""
    return read_instance(INSTANCE_SMALL)


@pytest.fixture(scope="module")
def located(small):
    """Return the small instance's homes snapped to the line network, driving and walking."""
    return locate(small, line_networks())


@pytest.fixture(scope="module")
def everyone(small):
    """Return one pool holding every recipient and carer of the small instance."""
    return Pool("all", tuple(r.id for r in small.recipients), tuple(c.id for c in small.carers))


def test_monday_splits_into_morning_and_evening(small, everyone, located):
    """Monday's morning periods serve v1, v2, v3, v5; c3's evening period serves v4 alone.

    (Split however few its visits: ``whole_day_max_visits=0``.)
    """
    morning, evening = pool_problems(small, everyone, 0, located, whole_day_max_visits=0)
    assert morning.visit_id == ("v1", "v2", "v3", "v5")
    assert morning.carer_id == ("c1", "c2", "c3")
    assert morning.period_start_s.tolist() == [7 * 3600] * 3
    assert morning.carers_required.tolist() == [1, 1, 2, 1]
    assert morning.gender_preference[3] == FEMALE
    # one skill column, 'medication': v2 needs it and c1 has it
    assert morning.visit_skills[:, 0].tolist() == [False, True, False, False]
    assert morning.carer_skills[:, 0].tolist() == [True, False, False]
    # three recipients then three carer homes; the walker (c2) walks
    assert morning.travel_time_s.shape == (2, 6, 6)
    assert morning.carer_mode.tolist() == [0, 1, 0]
    # walking the same trip takes longer than driving it
    assert (morning.travel_time_s[1] >= morning.travel_time_s[0]).all()
    assert evening.visit_id == ("v4",) and evening.carer_id == ("c3",)
    # each location's row in the area's locations (r1, r2, r3, c1, c2, c3): r2 and c3 at night
    assert morning.location_row.tolist() == [0, 1, 2, 3, 4, 5]
    assert evening.location_row.tolist() == [1, 5]
    assert evening.travel_time_s[0, 0, 1] == located.travel_time_s["drive"][1, 5]
    # c3 is on shift 3 h + 6 h; the 10 h daily cap is shared 3:6 but never exceeds a period
    assert morning.max_working_s.tolist() == [7 * 3600, 3 * 3600, 3 * 3600]
    assert evening.max_working_s.tolist() == [6 * 3600]


def test_a_small_day_is_one_session_with_the_daily_cap_whole(small, everyone, located):
    """Monday's five visits are few: one session, c3's 3 h + 6 h periods under one 5 h cap."""
    (day,) = pool_problems(small, everyone, 0, located, max_daily_working_s=5 * 3600)
    assert day.visit_id == ("v1", "v2", "v3", "v4", "v5")
    assert day.period_carer.tolist() == [0, 1, 2, 2]
    assert day.max_working_s[2] == 5 * 3600


def test_tuesday_has_only_the_evening(small, everyone, located):
    """On Tuesday only v6 (19:00-21:00) is due, so only the evening session is built."""
    (problem,) = pool_problems(small, everyone, 1, located)
    assert problem.visit_id == ("v6",)
    assert problem.carer_id == ("c3",)


def test_daily_cap_shared_between_sessions(small, everyone, located):
    """A 5 h daily cap is shared 3:6 between c3's sessions (1 h 40 min and 3 h 20 min)."""
    morning, evening = pool_problems(
        small, everyone, 0, located, max_daily_working_s=5 * 3600, whole_day_max_visits=0
    )
    assert morning.max_working_s[2] == 5 * 3600 * 3 // 9
    assert evening.max_working_s[0] == 5 * 3600 * 6 // 9


def test_monday_solves_and_passes_the_checker(small, everyone, located):
    """The Monday pool solves with a solution limit, every visit is served, the checker agrees."""
    params = RoundsParams(time_limit_s=None, solution_limit=100, metaheuristic="GREEDY_DESCENT")
    served = []
    for problem in pool_problems(small, everyone, 0, located):
        rounds = solve_rounds(problem, params)
        assert check_rounds(problem, rounds, params) == []
        assert rounds.unassigned == ()
        assert rounds.travel_time_s > 0
        served += [step.visit_id for route in rounds.routes for step in route.steps]
    assert sorted(served) == ["v1", "v2", "v3", "v3", "v4", "v5"]


def test_sessions_are_planned_without_travel(small, everyone, located):
    """A day's sessions hold visits and periods only; each one's problem is built on demand.

    The morning session's weight inputs (carers required, durations, period hours) are its
    problem's.
    """
    morning, evening = pool_sessions(small, everyone, 0, whole_day_max_visits=0)
    problem = pool_problems(small, everyone, 0, located, whole_day_max_visits=0)[0]
    assert [v.id for v in morning.visits] == list(problem.visit_id)
    assert morning.num_visits == problem.num_visits and evening.num_visits == 1
    for name in ("carers_required", "duration_s", "period_start_s", "period_end_s"):
        assert getattr(morning, name).tolist() == getattr(problem, name).tolist()


def test_gaps_are_said_in_words(small):
    """What a pool's visits need that none of its carers has is named before solving."""
    assert pool_gaps(small, Pool("empty", ("r1", "r2"), ())) == [
        "4 visit(s) but no carers; every one will be left out"
    ]
    # c2 alone: a man without skills; r1 needs medication, r2 a double-handed visit.
    gaps = pool_gaps(small, Pool("c2", ("r1", "r2", "r3"), ("c2",)))
    assert gaps == [
        "1 visit(s) need the skill 'medication', which no carer in the pool has",
        "1 visit(s) ask for a female carer, and no carer in the pool is one",
        "1 double-handed visit(s), but the pool has only one carer",
    ]
    assert pool_gaps(small, Pool("c2", ("r1", "r2", "r3"), ("c2",)), days=[1]) == []
    everyone = Pool("all", ("r1", "r2", "r3"), ("c1", "c2", "c3"))
    assert pool_gaps(small, everyone) == []
