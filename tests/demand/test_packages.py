"""Tests for demand.packages: recipient numbers, package distributions and the visits they make."""

from __future__ import annotations

import numpy as np
import pytest

from roster.demand.census import load_area
from roster.demand.packages import (
    apportion,
    care_plan_windows,
    draw_packages,
    package_visits,
    recipient_counts,
)
from roster.errors import InputError
from roster.scenario import SKILLS, AreaConfig, DemandConfig, PackageConfig


def test_apportion_largest_remainder():
    """10 split 1:1:1 gives 4/3/3 (the tie goes to the first); totals are exact."""
    assert apportion(10, np.array([1, 1, 1])).tolist() == [4, 3, 3]
    assert apportion(7, np.array([0, 2, 5])).tolist() == [0, 2, 5]
    assert apportion(0, np.array([1.0])).tolist() == [0]


def test_rutland_gets_a_few_hundred_recipients():
    """Rutland: round(0.040 x 10,385) = 415 aged 65+, and 110 under 65 (21% of 525)."""
    older, younger = recipient_counts(load_area(AreaConfig()), DemandConfig())
    assert older.sum() == 415
    assert younger.sum() == round(415 * 0.21 / 0.79)
    assert len(older) == 5


def test_visit_length_and_calls_match_configuration():
    """Over 4,000 packages, calls per day and the visit-length mix match the configured shares."""
    config = PackageConfig()
    packages = draw_packages(4000, config, seed=3)
    calls = packages.calls.sum(axis=1)
    observed = np.bincount(calls, minlength=5)[1:] / len(calls)
    np.testing.assert_allclose(observed, config.calls_per_day, atol=0.025)
    visits = package_visits([f"R{i}" for i in range(len(packages))], packages)
    minutes = np.array([v.duration_s // 60 for v in visits])
    shares = [(minutes == m).mean() for m in config.visit_lengths_min]
    np.testing.assert_allclose(shares, config.visit_length_shares, atol=0.015)
    hours = packages.weekly_contact_s().mean() / 3600
    assert 11 <= hours <= 13  # near 12.4 contact hours a week (2008)


def test_every_package_has_a_morning_call_inside_its_window():
    """Morning calls are always made, and start windows are the configured ones."""
    packages = draw_packages(200, PackageConfig(), seed=1)
    assert packages.calls[:, 0].all()
    visits = package_visits([f"R{i}" for i in range(200)], packages)
    morning = [v for v in visits if v.id.endswith("morning")]
    assert len(morning) == 200 * 7
    assert {(v.earliest_start_s, v.latest_start_s) for v in morning} == {(25_200, 36_000)}


def test_double_handed_visits_need_two_carers_with_hoist():
    """Every visit of a double-handed package needs two carers and the hoist skill."""
    config = PackageConfig(double_handed_share=1.0)
    visits = package_visits(["R1", "R2"], draw_packages(2, config, seed=0))
    assert all(v.carers_required == 2 and "hoist" in v.skills for v in visits)


def test_weekend_family_cover_drops_one_call():
    """With family cover, a 2+-call package loses its last call on Saturday and Sunday only."""
    config = PackageConfig(calls_per_day=(0.0, 1.0, 0.0, 0.0), weekend_family_share=1.0)
    visits = package_visits(["R1"], draw_packages(1, config, seed=0))
    per_day = np.bincount([v.day for v in visits], minlength=7)
    assert per_day.tolist() == [2, 2, 2, 2, 2, 1, 1]


def test_care_plan_times_narrow_windows_by_kind():
    """Time-critical calls get planned +- 30 min, routine ones +- 60, inside their band."""
    config = PackageConfig(care_plan_times=True, min_gap_min=0)
    packages = draw_packages(300, config, seed=2)
    critical = packages.skills[:, [SKILLS.index("medication"), SKILLS.index("insulin")]].any(1)
    width = np.where(packages.calls, packages.latest_s - packages.earliest_s, 0)
    assert width[critical].max() <= 3600 and width[~critical].max() <= 7200
    assert width[~critical].max() > 3600  # routine calls are wider than time-critical ones
    assert (packages.earliest_s[:, 0] >= 7 * 3600).all()
    assert (packages.latest_s[:, 0] <= 10 * 3600).all()
    made = packages.calls
    planned = packages.planned_s[made]
    assert ((packages.earliest_s[made] <= planned) & (planned <= packages.latest_s[made])).all()
    assert (packages.planned_s[~made] == -1).all()
    assert (planned % 300 == 0).all()  # on a 5-minute grid (no gap to push them off it)


def test_care_plan_times_keep_the_packages():
    """Care-plan times change only the windows: the calls, lengths and skills are the same."""
    plain = draw_packages(200, PackageConfig(), seed=5)
    planned = draw_packages(200, PackageConfig(care_plan_times=True), seed=5)
    np.testing.assert_array_equal(plain.duration_s, planned.duration_s)
    np.testing.assert_array_equal(plain.skills, planned.skills)
    assert (plain.planned_s == -1).all()
    assert (planned.latest_s - planned.earliest_s <= plain.latest_s - plain.earliest_s).all()


def test_min_gap_holds_for_any_starts_in_the_windows():
    """A call starting at its latest still ends 120 min before the next call's earliest start."""
    config = PackageConfig(care_plan_times=True, flexibility="flexible", min_gap_min=120)
    packages = draw_packages(400, config, seed=3)
    for i in range(len(packages)):
        slots = np.flatnonzero(packages.calls[i])
        for a, b in zip(slots, slots[1:], strict=False):
            end_s = packages.latest_s[i, a] + packages.duration_s[i, a]
            assert packages.earliest_s[i, b] - end_s >= 7200
            assert packages.earliest_s[i, b] <= packages.planned_s[i, b] <= packages.latest_s[i, b]


def test_care_plan_windows_by_hand():
    """Morning planned 09:30 (+-60, 30 min) and lunch 11:30: the gap cuts the morning's end."""
    calls = np.array([[True, True]])
    duration = np.array([[1800, 1800]])
    band_start = np.array([[7 * 3600, 11 * 3600 + 1800]])
    band_end = np.array([[10 * 3600, 14 * 3600]])

    class Fixed:
        def random(self, shape):
            # 09:30 is step 30 of 37 in 07:00-10:00; 11:30 is step 0 of lunch.
            return np.array([[30.5 / 37, 0.0]])

    planned, earliest, latest = care_plan_windows(
        calls, duration, band_start, band_end, 3600, 7200, Fixed()
    )
    # Lunch pushed to 09:30 + 30 min + 2 h = 12:00; the morning may start 08:30 to 09:30 only
    # (ending by 10:00, two hours before lunch's earliest start, 12:00); lunch 12:00-13:00.
    assert planned.tolist() == [[34200, 43200]]
    assert earliest.tolist() == [[30600, 43200]]
    assert latest.tolist() == [[34200, 46800]]


def test_min_gap_too_long_for_the_bands_is_refused():
    """A gap the bands cannot hold after a 60-minute call names package.min_gap_min."""
    with pytest.raises(InputError, match="lunch call cannot start 200 minutes") as error:
        PackageConfig(care_plan_times=True, min_gap_min=200)
    assert error.value.field == "package.min_gap_min"


def test_same_seed_same_packages():
    """The same seed draws the same packages."""
    first, second = draw_packages(50, PackageConfig(), 9), draw_packages(50, PackageConfig(), 9)
    np.testing.assert_array_equal(first.duration_s, second.duration_s)
    assert not np.array_equal(first.duration_s, draw_packages(50, PackageConfig(), 10).duration_s)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_gender_preference_share(share):
    """A share of 0 gives no preferences; 1 gives one for everyone."""
    packages = draw_packages(100, PackageConfig(gender_preference_share=share), 4)
    assert np.mean([g is not None for g in packages.gender_preference]) == share
