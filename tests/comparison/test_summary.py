"""Tests for the comparison's summary: summary.json keeps its keys, order and values."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from roster.comparison.flexibility import FlexibilityLevel
from roster.comparison.metrics import MetricUncertainty
from roster.comparison.summary import Assumption, Summary, assumptions
from roster.geo.network import SpeedModel
from roster.rounds.params import RoundsParams
from roster.scenario import ComparisonConfig, Scenario

BEFORE = Path(__file__).parent.parent / "data" / "summary_before.json"


#: Keys added to summary.json since the stored file was written; they come after the others.
NEW_KEYS = ("caveats", "served_comparison")


def _without_timings(data: dict) -> dict:
    """Return the summary without ``stage_seconds``, the one block that varies between runs."""
    return {key: value for key, value in data.items() if key != "stage_seconds"}


def test_summary_json_is_what_it_was(small_summary):
    """The small comparison's summary has the stored file's keys, in order, and its values.

    tests/data/summary_before.json was written for the same run (seed 3 of the small
    comparison) by the code before the summary was typed, and its values written anew when the
    insertion engine became the default, when providers began keeping carers within reach,
    when the week's rules (contract cap, regular teams) came on by default and when the
    insertion priced a pair's second half in its near rounds only, and when residual providers
    began keeping each window's calls' carers and a small pool's day became one session, when
    the skill balance went day by day, when teams could fill their carers' shifts and when the
    consortium's description named the residual providers' floor under each day (keys and
    order as before);
    timings aside, it must not change. Only the new keys (:data:`NEW_KEYS`) are added, at the
    end.
    """
    before = _without_timings(json.loads(BEFORE.read_text(encoding="utf-8")))
    now = _without_timings(small_summary.to_json())
    assert list(now)[-len(NEW_KEYS) :] == list(NEW_KEYS)
    now = {key: value for key, value in now.items() if key not in NEW_KEYS}
    assert list(now) == list(before)
    assert json.dumps(now, indent=2) == json.dumps(before, indent=2)


def test_caveats_and_served_comparison_round_trip(small_summary):
    """The new keys read back as they were written."""
    data = json.loads(json.dumps(small_summary.to_json()))
    assert Summary.from_json(data).to_json() == data


def test_flexibility_sweep_round_trips_and_is_left_out_when_not_run(small_summary):
    """A summary with a flexibility sweep reads back equal; without one, summary.json has no key."""
    assert "flexibility" not in small_summary.to_json()
    both = ("framework", "consortium")
    level = FlexibilityLevel(
        "strict",
        {"time_critical": 15, "routine": 30},
        {m: 3600 for m in both},
        {m: 0.2 for m in both},
        {m: 100 for m in both},
        {"framework": 3, "consortium": 0},
        {"framework": {"lunch": 3}, "consortium": {}},
        {m: 2.5 for m in both},
        {m: 0 for m in both},
    )
    data = json.loads(json.dumps(replace(small_summary, flexibility=(level,)).to_json()))
    assert data["flexibility"][0]["unassigned_by_band"] == {
        "framework": {"lunch": 3},
        "consortium": {},
    }
    assert Summary.from_json(data).to_json() == data


def test_stored_summary_round_trips():
    """Reading the stored summary.json and writing it again gives the same data, in order."""
    stored = json.loads(BEFORE.read_text(encoding="utf-8"))
    again = Summary.from_json(stored).to_json()
    assert json.dumps(again, indent=2) == json.dumps(stored, indent=2)


def test_assumptions_read_the_settings_used():
    """Speed factors come from the speed model, the break rule and carer cost from the params."""
    needed = Scenario(comparison=ComparisonConfig(carers_needed=True))
    params = RoundsParams(break_after_s=4 * 3600, break_duration_s=15 * 60, carer_fixed_cost=60)
    table = assumptions(needed, params, SpeedModel(urban_factor=0.5, rural_factor=0.7))
    assert (table["urban_speed_factor"].value, table["rural_speed_factor"].value) == (0.5, 0.7)
    assert table["break_rule"].value == "15 min after 4 h"
    assert table["carers"].source == "a working period used costs 60 s of travel"
    assert table["mileage_pence_per_mile"] == Assumption(45.0, "HMRC approved rate")


def test_summary_refuses_inconsistent_figures():
    """A difference that is not consortium minus framework, or one seed's uncertainty, fail."""
    summary = Summary.from_json(json.loads(BEFORE.read_text(encoding="utf-8")))
    assert (summary.seed, summary.seeds, summary.days) == (3, (3,), 1)
    assert summary.models["framework"].pools["framework/P2"].visits == 46
    flipped = replace(summary.difference, travel_time_s=67000.0)
    with pytest.raises(ValueError, match="consortium minus framework"):
        replace(summary, difference=flipped)
    interval = MetricUncertainty(1.0, 1.0, 0.0, (0.0, 0.0), 0.95)
    with pytest.raises(ValueError, match="One seed"):
        replace(summary, uncertainty={"travel_time_s": interval})
    with pytest.raises(ValueError, match="models must be"):
        replace(summary, models=dict(reversed(summary.models.items())))
