"""Tests for commissioning.teams: each recipient's regular team, chosen before the week."""

from __future__ import annotations

from collections import Counter

import pytest
from helpers import INSTANCE_SMALL, line_networks

from roster.commissioning.models import framework
from roster.commissioning.teams import regular_teams
from roster.geo.locations import locate
from roster.io import read_instance


@pytest.fixture(scope="module")
def setting():
    """Return the small Oakham instance, its framework pools by name and homes on the line."""
    instance = read_instance(INSTANCE_SMALL)
    pools = {pool.name: pool for pool in framework(instance).pools}
    return instance, pools, locate(instance, line_networks())


def test_a_team_covers_each_visit_with_the_carers_it_needs(setting):
    """r1 needs medication at lunch: c1 does both calls; r2's double-handed call takes c1 and c2.

    r2's tea-time call has no carer of p1 on shift, so no one is added for it; r3's calls
    (female preferred, Monday morning and Tuesday evening) are all c3's.
    """
    instance, pools, locations = setting
    teams = regular_teams(instance, pools["framework/p1"], range(7), locations, lambda c: None)
    assert teams == {"r1": frozenset({"c1"}), "r2": frozenset({"c1", "c2"})}
    teams = regular_teams(instance, pools["framework/p2"], range(7), locations, lambda c: None)
    assert teams == {"r3": frozenset({"c3"})}


def test_a_carer_whose_week_is_full_joins_no_more_teams(setting):
    """With room for 45 minutes a week, c1 joins r2's team (done first: more care) and not r1's.

    r1's morning call then goes to c2 (no medication needed); its lunch call, which needs
    medication, has no one with room, so the team stops short.
    """
    instance, pools, locations = setting
    teams = regular_teams(
        instance,
        pools["framework/p1"],
        range(7),
        locations,
        lambda c: 3000 if c.id == "c1" else None,
    )
    assert teams == {"r2": frozenset({"c1", "c2"}), "r1": frozenset({"c2"})}


def test_only_the_days_rostered_count(setting):
    """Rostering Tuesday only, r3's team is the carer on shift on Tuesday evening; p1 has none."""
    instance, pools, locations = setting
    assert regular_teams(instance, pools["framework/p2"], [1], locations, lambda c: None) == {
        "r3": frozenset({"c3"})
    }
    assert regular_teams(instance, pools["framework/p1"], [1], locations, lambda c: None) == {}


def test_carers_who_served_the_recipient_in_a_first_roster_come_first(setting):
    """Served by c2 in a first roster, r1 gets c2 for its morning call, then c1 for lunch.

    c2 has no medication, so it cannot take r1's lunch call; no one else served r1 there, so
    the nearest able carer by home (c1) takes it. Without the first roster c1, who can do
    both calls, is the whole team.
    """
    instance, pools, locations = setting
    pool = pools["framework/p1"]
    served = {"r1": Counter({"c2": 1})}
    teams = regular_teams(instance, pool, range(7), locations, lambda c: None, served)
    assert teams["r1"] == frozenset({"c1", "c2"})
    assert regular_teams(instance, pool, range(7), locations, lambda c: None)["r1"] == {"c1"}
