"""Tests for roster.comparison.stability: the headline at a larger time budget."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from roster.comparison.metrics import difference
from roster.comparison.stability import BudgetCheck, budget_check, saving


@dataclass(frozen=True)
class _Figures:
    """The two figures of a model's metrics the check reads."""

    travel_time_s: int
    visits_unassigned: int = 0


def _with_travel(framework_s: int, consortium_s: int) -> dict:
    """Each model's figures, travel set by hand."""
    return {"framework": _Figures(framework_s), "consortium": _Figures(consortium_s, 2)}


def test_the_check_reports_both_budgets_and_the_change_in_points():
    """10 h against 6 h saves 40%; 9 h against 5.85 h saves 35%: 5 points less, not stable."""
    at_budget = _with_travel(36_000, 21_600)
    at_four = _with_travel(32_400, 21_060)
    check = budget_check(4, 150, at_budget, at_four)
    assert (check.saving, check.checked_saving) == (pytest.approx(0.40), pytest.approx(0.35))
    assert check.change_points == pytest.approx(-5.0)
    assert not check.stable
    assert check.travel_time_s == {"framework": 36_000, "consortium": 21_600}
    sentence = check.sentence()
    assert "At 4x the time budget (600 s) the saving is 35.0% against 40.0%" in sentence
    assert "-5.0 points: NOT stable" in sentence
    assert BudgetCheck.from_json(check.to_json()) == check


def test_half_a_point_is_stable():
    """A saving moving from 40.0% to 40.5% is within a point."""
    check = budget_check(
        4,
        150,
        _with_travel(36_000, 21_600),
        _with_travel(36_000, 21_420),
    )
    assert check.stable and check.change_points == pytest.approx(0.5)
    assert saving(_with_travel(0, 0)) == 0.0


def test_the_saving_is_the_headline(small_run):
    """On a real run the saving is minus the headline's relative travel difference."""
    headline = difference(small_run.metrics["framework"], small_run.metrics["consortium"])
    assert saving(small_run.metrics) == pytest.approx(-headline.travel_time_relative)
