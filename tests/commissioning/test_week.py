"""Tests for commissioning.week: a model's pools solved day by day, checked, in parallel or not."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import INSTANCE_SMALL, line_networks

from roster.commissioning import week
from roster.commissioning.models import Commissioning, framework
from roster.commissioning.pools import Pool
from roster.commissioning.week import solve_week
from roster.geo.locations import locate
from roster.io import read_instance
from roster.rounds.params import RoundsParams

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
