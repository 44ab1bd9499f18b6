"""Tests for roster.rounds.problem: the array pool is converted, frozen and validated."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tiny_pools import line_pool

from roster.errors import InputError
from roster.rounds.checker import check_rounds
from roster.rounds.params import RoundsParams
from roster.rounds.problem import without_travel
from roster.rounds.solution import Rounds
from roster.rounds.solve import solve_rounds


@pytest.fixture
def pool():
    """Two visits (one double-handed) and one carer with a split shift."""
    return line_pool(
        [{"id": "a", "at": 1}, {"id": "b", "at": 2, "carers": 2}],
        [{"id": "ann", "periods": [(7, 10), (16, 19)]}, {"id": "bob"}],
    )


def test_arrays_are_converted_and_read_only(pool):
    """Lists become read-only int arrays; optional halves default to the first carer's."""
    assert pool.visit_location.dtype == np.int64
    assert not pool.visit_location.flags.writeable
    assert pool.second_skills is pool.visit_skills
    assert (pool.second_duration_s == pool.duration_s).all()
    assert (pool.start_gap_min_s == 0).all() and (pool.start_gap_max_s == 0).all()
    assert (pool.num_visits, pool.num_carers, pool.num_periods, pool.num_skills) == (2, 2, 3, 2)
    assert pool.visit_id == ("a", "b")
    # without the area's rows, the six line locations are the area's, in order
    assert pool.location_row.tolist() == [0, 1, 2, 3, 4, 5] and pool.num_locations == 6


def test_travel_matrices_are_int32_when_they_fit(pool):
    """Travel is held in int32 (half the memory); a value past its range keeps int64.

    A variant made with ``replace`` shares its unchanged read-only arrays instead of copying.
    """
    assert pool.travel_time_s.dtype == pool.length_m.dtype == np.int32
    assert not pool.travel_time_s.flags.writeable
    variant = replace(pool, max_working_s=pool.max_working_s - 1)
    assert variant.travel_time_s is pool.travel_time_s
    assert variant.visit_location is pool.visit_location
    far = np.array(pool.length_m, dtype=np.int64)
    far[0, 0, 1] = 2**31
    assert replace(pool, length_m=far).length_m.dtype == np.int64


def test_a_problem_without_travel_still_describes_its_rounds(pool):
    """Dropping the travel keeps every other field and refuses a new solve or check."""
    light = without_travel(pool)
    assert pool.has_travel and not light.has_travel
    assert light.travel_time_s.shape == light.length_m.shape == (2, 0, 0)
    assert light.num_locations == pool.num_locations == 6
    assert (light.location_row == pool.location_row).all() and light.visit_id == pool.visit_id
    with pytest.raises(ValueError, match="dropped"):
        solve_rounds(light, RoundsParams(time_limit_s=None, solution_limit=1))
    with pytest.raises(ValueError, match="dropped"):
        check_rounds(light, Rounds((), (), "NOT_SOLVED", 0), RoundsParams())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"visit_id": ["a", "a"]}, "visit_id"),
        ({"visit_location": [1, 9]}, "visit_location"),
        ({"latest_start_s": [0, 0]}, "latest_start_s"),
        ({"carers_required": [1, 3]}, "carers_required"),
        ({"duration_s": [60]}, "duration_s"),
        ({"gender_preference": [2, -1]}, "gender_preference"),
        ({"carer_mode": [0, 2]}, "carer_mode"),
        ({"period_start_s": [7 * 3600, 9 * 3600, 7 * 3600]}, "period_start_s"),
        ({"period_end_s": [7 * 3600, 19 * 3600, 6 * 3600]}, "period_end_s"),
        ({"visit_demand": [1, 1]}, "carer_capacity"),
        ({"start_gap_min_s": [5, 5], "start_gap_max_s": [0, 0]}, "start_gap_max_s"),
        ({"location_row": [0, 1]}, "location_row"),
        ({"location_row": [7, 8, -1, 9, 10, 11]}, "location_row"),
    ],
)
def test_bad_values_name_their_field(pool, changes, field):
    """Each broken rule raises an InputError naming the field."""
    with pytest.raises(InputError) as caught:
        replace(pool, **changes)
    assert caught.value.field == field


def test_negative_travel_is_rejected(pool):
    """A negative travel time is an error."""
    travel = np.array(pool.travel_time_s)
    travel[0, 0, 1] = -1
    with pytest.raises(InputError, match="negative"):
        replace(pool, travel_time_s=travel)
