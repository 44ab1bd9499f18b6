"""Tests for roster.studio.figures: a plan's figures and checks on four homes in a row."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from roster.studio.figures import AreaArrays, plan_figures
from roster.studio.plan import UNASSIGNED, move, plan_from_names

#: Four homes on a line, A B C D, a minute's drive apart in a row (one-way: 1 s more east).
TRAVEL = np.array([[abs(i - j) * 60 + (j > i) for j in range(4)] for i in range(4)])
#: A touches B, B touches C, C touches D.
CHAIN = sparse.csr_array(np.eye(4, k=1) + np.eye(4, k=-1))


def _area(balance_hours: bool = False) -> AreaArrays:
    """Care hours 1-4, cells of 1, 1, 2, 2 km², carers at A, D and D, providers 0, 0, 1, none."""
    return AreaArrays(
        travel_time_s=TRAVEL,
        adjacency=CHAIN,
        care_hours=np.array([1.0, 2.0, 3.0, 4.0]),
        cell_area_km2=np.array([1.0, 1.0, 2.0, 2.0]),
        carer_cell=np.array([0, 3, 3, -1]),
        provider=np.array([0, 0, 1, -1]),
        target=2,
        tolerance=0.15,
        balance_hours=balance_hours,
    )


def test_figures_per_neighbourhood() -> None:
    """N1 = A, B and N2 = C, D: sizes, hours, area, carers, providers and drive times."""
    figures = plan_figures(_area(), plan_from_names("p", ["N1", "N1", "N2", "N2"], "t"))
    first, second = figures.neighbourhoods
    assert (first.name, first.recipients, first.care_hours_weekly, first.area_km2) == (
        "N1",
        2,
        3.0,
        2.0,
    )
    assert (first.carers, first.providers) == (1, 1)
    assert (second.carers, second.providers, second.care_hours_weekly) == (2, 1, 7.0)
    # A->B 61 s, B->A 60 s: mean 60.5, 95th percentile 61, longest 61.
    assert (first.mean_drive_s, first.p95_drive_s, first.diameter_s) == (60.5, 61.0, 61)
    assert first.contiguous and second.contiguous
    assert figures.mean_drive_s == 60.5 and figures.diameter_s == 61
    assert figures.passed and figures.size_bounds == (1.7, 2.3)


def test_sizes_outside_the_tolerance_are_named() -> None:
    """A, B, C in N1 and D alone: both outside 1.7-2.3, both named as offenders."""
    figures = plan_figures(_area(), plan_from_names("p", ["N1", "N1", "N1", "N2"], "t"))
    size = {c.name: c for c in figures.checks}["sizes within the tolerance"]
    assert not size.passed and size.offenders == ("N1", "N2")
    assert not figures.neighbourhoods[0].size_ok


def test_care_hours_count_when_balanced() -> None:
    """Balanced on hours (mean 5, 4.25-5.75), N1 (3 h) and N2 (7 h) fail; unbalanced, they pass."""
    plan = plan_from_names("p", ["N1", "N1", "N2", "N2"], "t")
    size = plan_figures(_area(balance_hours=True), plan).checks[1]
    assert not size.passed and size.offenders == ("N1", "N2") and "4.25-5.75" in size.detail
    assert plan_figures(_area(), plan).checks[1].passed


def test_a_neighbourhood_in_two_pieces_fails_contiguity() -> None:
    """A and C in N1, B and D in N2: neither is one piece on the chain."""
    figures = plan_figures(_area(), plan_from_names("p", ["N1", "N2", "N1", "N2"], "t"))
    pieces = figures.checks[2]
    assert not pieces.passed and pieces.offenders == ("N1", "N2")


def test_a_recipient_in_no_neighbourhood_fails_cover() -> None:
    """D left out: 3 covered, 1 in none, and D's carers count nowhere."""
    plan = move(plan_from_names("p", ["N1", "N1", "N2", "N2"], "t"), [3], UNASSIGNED)
    figures = plan_figures(_area(), plan)
    cover = figures.checks[0]
    assert not cover.passed and "1 of 4 recipients is in no neighbourhood" in cover.detail
    assert (figures.recipients, figures.unassigned) == (3, 1)
    assert [n.carers for n in figures.neighbourhoods] == [1, 0]


def test_figures_change_after_a_move() -> None:
    """Moving C into N1 adds its hours, area and provider to N1."""
    plan = plan_from_names("p", ["N1", "N1", "N2", "N2"], "t")
    after = plan_figures(_area(), move(plan, [2], 0)).neighbourhoods[0]
    assert (after.recipients, after.care_hours_weekly, after.area_km2, after.providers) == (
        3,
        6.0,
        4.0,
        2,
    )
    with pytest.raises(ValueError, match="every recipient"):
        plan_figures(_area(), plan_from_names("p", ["N1"] * 3, "t"))


def test_to_json_holds_the_checks() -> None:
    """The JSON form has the figures, the checks and whether all passed."""
    data = plan_figures(_area(), plan_from_names("p", ["N1", "N1", "N2", "N2"], "t")).to_json()
    assert data["passed"] is True and [c["name"] for c in data["checks"]] == [
        "every recipient covered once",
        "sizes within the tolerance",
        "contiguous",
    ]
