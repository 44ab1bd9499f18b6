"""Tests for comparison.capacity: work against carers on shift, by pool, day and time band."""

from __future__ import annotations

import numpy as np
import pytest

from roster.comparison.capacity import (
    band_edges,
    band_of,
    contact_by_band,
    overlap_s,
    parse_bands,
    spare_carers,
)
from roster.errors import InputError
from roster.scenario import ComparisonConfig

HOUR = 3600
BANDS = parse_bands(ComparisonConfig().bands)
EDGES = band_edges(BANDS)


def test_default_bands_tile_the_day():
    """Early morning to 09:00, late morning to 11:30, lunch to 14:00, tea to 18:30, bed."""
    assert [b.name for b in BANDS] == ["early morning", "late morning", "lunch", "tea", "bed"]
    assert EDGES.tolist() == [0, 9 * HOUR, 41400, 14 * HOUR, 66600, 24 * HOUR]


def test_bands_that_leave_a_gap_are_refused():
    """Bands must meet end to start and cover the whole day."""
    with pytest.raises(InputError, match="must start where"):
        ComparisonConfig(bands={"am": ("00:00", "12:00"), "pm": ("13:00", "24:00")})
    with pytest.raises(InputError, match="tile the day"):
        ComparisonConfig(bands={"am": ("00:00", "12:00")})


def test_times_fall_in_their_band():
    """08:30 is early morning, 09:00 late morning, 14:00 tea, midnight the last band."""
    times = np.array([int(8.5 * HOUR), 9 * HOUR, 14 * HOUR, 24 * HOUR])
    assert band_of(times, EDGES).tolist() == [0, 1, 3, 4]


def test_a_shift_overlaps_the_bands_it_spans():
    """07:00-14:00 gives 2 h early, 2.5 h late morning, 2.5 h lunch, nothing later."""
    assert (overlap_s(np.array([7 * HOUR]), np.array([14 * HOUR]), EDGES)[0] / HOUR).tolist() == [
        2,
        2.5,
        2.5,
        0,
        0,
    ]


def test_contact_is_spread_over_the_span_a_visit_could_be_served_in():
    """A 30-minute call with a 07:00-10:00 window can be served 07:00-10:30 (3.5 h).

    2 h of that span is early morning: 30 min x 2 / 3.5; 1.5 h late morning. A double-handed
    call counts twice.
    """
    load = contact_by_band(
        np.array([7 * HOUR, 7 * HOUR]),
        np.array([10 * HOUR, 10 * HOUR]),
        np.array([1800, 1800]),
        np.array([1, 2]),
        EDGES,
    )
    assert load[:2] == pytest.approx([3 * 1800 * 2 / 3.5, 3 * 1800 * 1.5 / 3.5])
    assert load.sum() == pytest.approx(3 * 1800)


def test_carers_spare_or_short():
    """Three carers with 2 h each in the band, at 75%, give 4.5 h of contact.

    4 h of work needs 2.67 of them (none spare); 6 h needs 4 (one short); 1 h needs 0.67
    (two spare). Nobody on shift against 3 h of a 3 h band: 1.33 carers short, so 2.
    """
    assert spare_carers(4 * HOUR, 6 * HOUR, 3, 2 * HOUR, 0.75) == 0
    assert spare_carers(6 * HOUR, 6 * HOUR, 3, 2 * HOUR, 0.75) == -1
    assert spare_carers(1 * HOUR, 6 * HOUR, 3, 2 * HOUR, 0.75) == 2
    assert spare_carers(3 * HOUR, 0, 0, 3 * HOUR, 0.75) == -2


def test_small_run_capacity_adds_up(small_run):
    """Each pool-day has one row per band; visits and unserved visits add up to the metrics."""
    room = small_run.capacity
    for model, metrics in small_run.metrics.items():
        rows = [r for r in room.rows if r.model == model]
        assert sum(r.visits for r in rows) == metrics.visits
        assert sum(r.visits_unserved for r in rows) == metrics.visits_unassigned
        for pool, figures in metrics.pools.items():
            mine = [r for r in rows if r.pool == pool]
            assert [r.band for r in mine] == [b.name for b in room.bands]
            assert sum(r.visits for r in mine) == figures.visits
    for row in room.rows:
        assert row.contact_available_s == round(row.carer_time_s * room.utilisation)
        assert (
            row.extra_calls
            == max(0, row.contact_available_s - row.contact_demanded_s) // (room.call_s[row.band])
        )
    for spare in room.spare:
        assert spare.packages == min(spare.extra_calls[b] for b in room.package)
    assert {s.pool for s in room.spare if s.model == "consortium" and s.neighbourhood} == {
        f"consortium/{n}" for n in set(small_run.plan.labels.values())
    }


def test_capacity_csv_rows_have_day_rows_then_week_rows(small_run):
    """Day rows carry the figures; week rows the extra calls per band and the packages."""
    rows = small_run.capacity.csv_rows()
    days = [r for r in rows if r["day"] != "week"]
    weeks = [r for r in rows if r["day"] == "week"]
    assert len(days) == len(small_run.capacity.rows)
    assert {r["band"] for r in weeks} == {b.name for b in small_run.capacity.bands} | {
        "typical package"
    }
    assert all("packages" in r for r in weeks if r["band"] == "typical package")
