"""Tests for comparison.caveats: when the headline must be qualified, and served-visit travel."""

from __future__ import annotations

from types import SimpleNamespace

import report_inputs

import roster.comparison.caveats as caveats_module
from roster.comparison.capacity import Capacity, parse_bands
from roster.comparison.caveats import (
    SERVED_DIFFER,
    UNASSIGNED,
    caveats,
    served_comparison,
    served_travel,
)
from roster.scenario import ComparisonConfig


def _run(framework_visits: int, consortium_visits: int) -> SimpleNamespace:
    """Return a seed with one unassigned visit in each model, no rounds and no capacity rows."""
    room = Capacity(parse_bands(ComparisonConfig().bands), 0.75, {}, (), (), ())
    return SimpleNamespace(
        metrics={
            "framework": report_inputs._model("framework/P01", 10, 40, framework_visits),
            "consortium": report_inputs._model("consortium/N1", 6, 40, consortium_visits),
        },
        capacity=room,
        solved=(),
    )


def test_travel_on_served_visits_and_with_unserved_priced():
    """10 h over 80 served carer visits is 450 s a visit; one unserved visit adds 450 s."""
    metrics = report_inputs._model("framework/P01", 10, 40, 81)
    served = served_travel(metrics, 1)
    assert served.travel_per_carer_visit_s == 450
    assert served.travel_priced_s == 36_450
    assert served.served_share == 80 / 81


def test_one_in_a_hundred_unassigned_is_no_caveat():
    """1 of 101 (0.99%) in both models: no caveat; 1 of 81 (1.2%): one for each model."""
    assert caveats(_run(101, 101)) == ()
    found = caveats(_run(81, 81))
    assert [(c.kind, c.model) for c in found] == [
        (UNASSIGNED, "framework"),
        (UNASSIGNED, "consortium"),
    ]
    assert found[0].message.startswith("The framework rounds leave 1 of 81 visits (1.2%)")


def test_models_serving_different_shares_get_a_caveat():
    """1 of 101 against 1 of 1,000 differ by 0.89 points, more than half a point."""
    (found,) = caveats(_run(101, 1000))
    assert (found.kind, found.model, found.share) == (SERVED_DIFFER, "framework", 0.0089)
    assert "not like for like" in found.message


def test_small_run_caveats_name_day_band_and_pool(small_run, monkeypatch):
    """1 of 303 visits left out by the framework (0.33%), none by the consortium.

    With the rules at 0.3% (a model's share) and 0.25 points (the gap) the framework's caveat
    is placed on Monday; a second says the two models' totals serve different visits.
    """
    assert [m.visits_unassigned for m in small_run.metrics.values()] == [1, 0]
    monkeypatch.setattr(caveats_module, "MAX_UNASSIGNED_SHARE", 0.003)
    monkeypatch.setattr(caveats_module, "MAX_UNASSIGNED_GAP", 0.0025)
    found = caveats(small_run)
    assert [(c.kind, c.model) for c in found] == [
        (UNASSIGNED, "framework"),
        (SERVED_DIFFER, "framework"),
    ]
    for caveat in found[:1]:
        assert caveat.day == "Mon" and caveat.pool and caveat.reason == "no capacity"
        assert caveat.band in {b.name for b in small_run.capacity.bands}
        assert f"Mon {caveat.band} in {caveat.pool}" in caveat.message
    served = served_comparison(small_run)
    framework = small_run.metrics["framework"]
    assert served.framework.travel_priced_s >= framework.travel_time_s
    assert served.framework.carer_visits_unserved >= framework.visits_unassigned
