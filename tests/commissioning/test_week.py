"""Tests for commissioning.week: a model's pools solved day by day, checked, in parallel or not."""

from __future__ import annotations

import dataclasses
import multiprocessing
import time

import pytest
from helpers import INSTANCE_SMALL, line_networks
from tiny_pools import line_pool

from roster.commissioning import week
from roster.commissioning.models import Commissioning, framework
from roster.commissioning.pools import Pool, pool_problems, pool_sessions, session_problem
from roster.commissioning.week import solve_week
from roster.geo.locations import locate
from roster.io import read_instance
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem

# Greedy descent stops at a local optimum by itself; guided local search might not reach a
# solution limit on a pool this small.
PARAMS = RoundsParams(time_limit_s=None, solution_limit=100, metaheuristic="GREEDY_DESCENT")


@pytest.fixture(scope="module")
def setting():
    """Return the small Oakham instance, its framework model and homes on the line network."""
    instance = read_instance(INSTANCE_SMALL)
    return instance, framework(instance), locate(instance, line_networks())


def test_every_visit_served_or_unassigned_once(setting):
    """Each visit of the week appears in exactly one pool-day, served or with a reason."""
    instance, model, locations = setting
    solved = solve_week(instance, [model], locations, PARAMS, days=range(7))
    assert {(s.pool, s.day) for s in solved} == {
        ("framework/p1", 0),
        ("framework/p2", 0),
        ("framework/p2", 1),
    }
    listed = [v for s in solved for v in s.problem.visit_id]
    assert sorted(listed) == sorted(v.id for v in instance.visits)
    assert all(s.violations == () for s in solved)


def test_parallel_matches_serial(setting):
    """Two worker processes give the same rounds as one (solution limits are deterministic)."""
    instance, model, locations = setting
    serial = solve_week(instance, [model], locations, PARAMS, days=[0])
    parallel = solve_week(instance, [model], locations, PARAMS, days=[0], workers=2)
    assert [s.rounds for s in serial] == [s.rounds for s in parallel]


def test_progress_counts_visits(setting):
    """The progress callback receives every visit once."""
    instance, model, locations = setting
    counted: list[int] = []
    solve_week(instance, [model], locations, PARAMS, days=[0, 1], progress=counted.append)
    assert sum(counted) == 6


def test_progress_moves_within_a_search(setting, monkeypatch):
    """With the insertion engine a search reports parts of its visits as it goes: still 6 in all.

    Messages are sent every 0 s here (0.5 s by default), so even these small searches report
    a part of their visits before they end.
    """
    instance, model, locations = setting
    monkeypatch.setattr(week, "_PROGRESS_EVERY_S", 0.0)
    params = dataclasses.replace(PARAMS, engine="insertion", improve_iterations=20)
    counted: list[int] = []
    solved = solve_week(instance, [model], locations, params, days=[0, 1], progress=counted.append)
    assert sum(counted) == 6
    assert len(counted) > len(solved)
    assert all(s.violations == () for s in solved)


def test_a_day_without_shifts_is_not_a_pool_without_carers(setting, caplog):
    """Visits on a day no carer works say so; a pool with no carers at all says that."""
    instance, _, locations = setting
    pools = (
        Pool("nobody", ("r1",), ()),  # r1: v1 and v2 on Monday
        Pool("c2", ("r3",), ("c2",)),  # r3: v5 on Monday, v6 on Tuesday; c2 works Monday only
    )
    solved = solve_week(instance, [Commissioning("test", pools, "")], locations, PARAMS)
    reasons = {u.visit_id: u.reason for s in solved for u in s.rounds.unassigned}
    assert reasons["v1"] == reasons["v2"] == "pool has no carers"
    assert reasons["v6"] == "no carer on shift that day"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "test pool nobody: 2 visit(s) but no carers; every one will be left out" in warnings
    assert any("test pool c2: 1 visit(s) ask for a female carer" in w for w in warnings)


def test_a_session_knows_the_week_before_it(setting):
    """Caps shrink to what contracts leave; a carer new to a recipient costs the continuity weight.

    c1 (14 h contract, 10% tolerance: 15.4 h) has spent 13 h in visits, so may spend 2.4 h more
    (c3, none yet, all 16.5 h of theirs; the daily cap on working time is unchanged); c3 has
    served r1 before, so r1's visits cost nothing with c3 and ``continuity_cost`` with others;
    a preferred carer (c2 for r2) costs nothing either.
    """
    instance, _, locations = setting
    pool = Pool("all", ("r1", "r2", "r3"), ("c1", "c2", "c3"))
    (problem, *_) = pool_problems(instance, pool, 0, locations)
    params = dataclasses.replace(PARAMS, continuity_cost=900, weekly_hours_tolerance=0.1)
    job = week._Job(
        "m",
        "all",
        ((0, problem, params),),
        {v.id: v.recipient_id for v in instance.visits},
        {c.id: c.contracted_s for c in instance.carers},
        preferred={"r2": frozenset({"c2"})},
    )
    worked = {"c1": 13 * 3600}
    known = week.week_problem(problem, params, job, 0, worked, worked, {"r1": {"c3"}})
    column = {c: k for k, c in enumerate(problem.carer_id)}
    assert known.max_contact_s[column["c1"]] == int(14 * 3600 * 1.1) - 13 * 3600
    assert known.max_contact_s[column["c3"]] == int(15 * 3600 * 1.1)
    assert (known.max_working_s == problem.max_working_s).all()
    for v, visit in enumerate(problem.visit_id):
        recipient = instance.visit_by_id[visit].recipient_id
        for carer, c in column.items():
            free = (recipient, carer) in {("r1", "c3"), ("r2", "c2")}
            assert known.assignment_cost[v, c] == (0 if free else 900)


@pytest.mark.parametrize("basis", ["contact", "working"])
def test_no_carer_works_past_their_contract_over_the_week(setting, basis):
    """With no tolerance, every carer's week stays within contracted hours cut to 1.5 h.

    Counted as contact or as working time. Their shifts alone would let them work far longer
    (c1: two 7-hour days), and the visits ask for it: without the weekly cap the same rounds
    run past 1.5 h.
    """
    instance, _, locations = setting
    carers = tuple(dataclasses.replace(c, contracted_s=5400) for c in instance.carers)
    instance = instance.replace(carers=carers)
    params = dataclasses.replace(PARAMS, weekly_hours_tolerance=0.0, weekly_hours_basis=basis)
    model = framework(instance)

    def weeks(solved):
        counted: dict[str, int] = {}
        for s in solved:
            for r in s.rounds.routes:
                time_s = r.service_s if basis == "contact" else r.return_s - r.leave_s
                counted[r.carer_id] = counted.get(r.carer_id, 0) + time_s
        return counted

    loose = dataclasses.replace(params, weekly_hours_tolerance=None)
    assert max(weeks(solve_week(instance, [model], locations, loose)).values()) > 5400
    solved = solve_week(instance, [model], locations, params)
    assert all(s.violations == () for s in solved)
    counted = weeks(solved)
    assert counted and max(counted.values()) <= 5400


def _session(carers_required: list[int], minutes: int, shift_hours: float) -> RoundsProblem:
    """Build a session on the line: visits of ``minutes``; carer a works ``shift_hours``, b 1 h."""
    visits = [
        {"id": f"v{k}", "at": 1, "minutes": minutes, "carers": n, "window": (8, 20)}
        for k, n in enumerate(carers_required)
    ]
    carers = [{"id": "a", "periods": [(8, 8 + shift_hours)]}, {"id": "b", "periods": [(8, 9)]}]
    return line_pool(visits, carers)


def test_workers_map_the_same_matrices(setting, tmp_path):
    """The matrices written once for the workers map back read-only, equal to the area's.

    A session's problem built from them is the one built from the area's own locations.
    """
    instance, model, locations = setting
    mapped = week._attach(week._share(locations, str(tmp_path)))
    for mode in locations.travel_time_s:
        assert not mapped.travel_time_s[mode].flags.writeable
        assert (mapped.travel_time_s[mode] == locations.travel_time_s[mode]).all()
        assert (mapped.length_m[mode] == locations.length_m[mode]).all()
    (session, *_) = pool_sessions(instance, model.pools[0], 0)
    ours, theirs = session_problem(session, locations), session_problem(session, mapped)
    assert (ours.travel_time_s == theirs.travel_time_s).all()
    assert (ours.length_m == theirs.length_m).all()
    assert (ours.location_row == theirs.location_row).all()


def test_a_session_weighs_its_carer_visits_and_how_busy_its_carers_are():
    """Two 60-min visits (one double-handed: 3 carer-visits, 3 h) on 3 h of shifts: 3 x (1 + 1)."""
    assert week.session_weight(_session([1, 2], 60, 2)) == pytest.approx(6.0)
    # The same visits on 11 h of shifts: busy 3/11.
    assert week.session_weight(_session([1, 2], 60, 10)) == pytest.approx(3 * (1 + 3 / 11))


def test_the_budget_gives_each_model_the_same_time_per_visit(setting):
    """Each model gets its visits' share; within it, the tighter session gets more per visit."""
    tight, slack = _session([1, 1], 60, 1), _session([1, 1], 60, 10)
    jobs = [
        week._Job("framework", "p1", ((0, tight, PARAMS), (1, slack, PARAMS)), {}, {}),
        week._Job("consortium", "n1", ((0, slack, PARAMS),), {}, {}),
    ]
    budgeted = week._budgeted(jobs, 60.0)
    limits = [[p.time_limit_s for _, _, p in job.steps] for job in budgeted]
    # 6 visits: the framework's 4 get 40 s, the consortium's 2 get 20 s.
    assert sum(limits[0]) == pytest.approx(40.0)
    assert limits[1] == [pytest.approx(20.0)]
    assert limits[0][0] > limits[0][1]


def test_the_floor_on_a_session_comes_out_of_the_budget():
    """Weights 1, 1 and 8 sharing 10 s get 1, 1 and 8 s: no share is under the 0.5 s floor."""
    assert week.shares_with_floor([1, 1, 8], 10.0, 0.5) == pytest.approx([1.0, 1.0, 8.0])
    # 2 s: the two light sessions sit at the 0.5 s floor, the heavy one gets the 1 s left.
    assert week.shares_with_floor([1, 1, 8], 2.0, 0.5) == pytest.approx([0.5, 0.5, 1.0])
    # Too little for the floors: every session gets the floor.
    assert week.shares_with_floor([1, 1, 8], 1.0, 0.5) == pytest.approx([0.5, 0.5, 0.5])


def _deadline(seconds_left: float, workers: int, planned_s: float) -> week._Deadline:
    """Build a deadline ``seconds_left`` away, with ``planned_s`` of sessions not yet started."""
    counter = multiprocessing.get_context("spawn").Value("d", planned_s)
    return week._Deadline(time.time() + seconds_left, workers, counter)


def test_a_session_is_paced_to_what_the_deadline_leaves():
    """20 s of sessions left, 10 s on one worker: a 4 s session gets 2 s; the counter drops."""
    deadline = _deadline(10.0, 1, 20.0)
    paced = deadline.paced(dataclasses.replace(PARAMS, time_limit_s=4.0))
    assert paced.time_limit_s == pytest.approx(2.0, rel=0.01)
    assert deadline.planned.value == pytest.approx(16.0)
    # Two workers give 24 s in 12 s: room for everything, the limit stands.
    roomy = _deadline(12.0, 2, 20.0).paced(dataclasses.replace(PARAMS, time_limit_s=4.0))
    assert roomy.time_limit_s == 4.0
    # Past the deadline, the engine's floor.
    late = _deadline(-1.0, 1, 20.0).paced(dataclasses.replace(PARAMS, time_limit_s=4.0))
    assert late.time_limit_s == week.MIN_SESSION_S[PARAMS.engine]


def test_a_regular_team_is_free_from_the_first_session(setting):
    """With ``continuity_team`` Monday's morning already costs carers outside the team.

    r1's team is c1 (who can do both of r1's calls, lunch needing medication), so r1's morning
    call costs nothing with c1 and the weight with c2; without the team no one has served r1
    yet, so every carer costs the weight alike.
    """
    instance, model, locations = setting
    for team, c1_cost in ((True, 0), (False, 900)):
        params = dataclasses.replace(PARAMS, continuity_cost=900, continuity_team=team)
        solved = solve_week(instance, [model], locations, params, days=[0])
        (first, *_) = [s for s in solved if s.pool == "framework/p1"]
        v = first.problem.visit_id.index("v1")
        column = {c: k for k, c in enumerate(first.problem.carer_id)}
        assert first.problem.assignment_cost[v, column["c1"]] == c1_cost
        assert first.problem.assignment_cost[v, column["c2"]] == 900
        assert all(s.violations == () for s in solved)


def test_teams_from_a_first_roster_fill_the_progress_bar_once(setting):
    """With teams from a first roster the week is rostered twice; the bar still counts it once.

    The team (from the first roster, for travel alone) is free from the first session: in the
    week's first session of p1 some carer serves r1's morning call at no continuity cost.
    """
    instance, model, locations = setting
    params = dataclasses.replace(PARAMS, continuity_cost=900, continuity_team=True)
    counted: list[int] = []
    solved = solve_week(instance, [model], locations, params, days=[0, 1], progress=counted.append)
    assert sum(counted) == len(instance.visits)
    assert all(s.violations == () for s in solved)
    (first, *_) = [s for s in solved if s.pool == "framework/p1"]
    assert (first.problem.assignment_cost[first.problem.visit_id.index("v1")] == 0).any()
