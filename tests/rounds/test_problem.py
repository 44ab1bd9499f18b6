"""Tests for roster.rounds.problem: the array pool is converted, frozen and validated."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tiny_pools import line_pool

from roster.errors import InputError


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
