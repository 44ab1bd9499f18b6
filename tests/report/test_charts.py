"""Tests for roster.report.charts: the travel share and travel-per-visit charts as inline SVG."""

from __future__ import annotations

import numpy as np

from roster.report.charts import MODEL_COLOURS, model_colour, travel_per_visit_svg, travel_share_svg

SHARES = {"framework": 0.2, "consortium": 0.13}
POOLS = {"framework": np.array([0.25, 0.15]), "consortium": np.array([0.1])}


def test_travel_share_chart_labels_each_model() -> None:
    """The chart is an inline <svg> with each model's share written as text, in its colour."""
    svg = travel_share_svg(SHARES, POOLS)
    assert svg.startswith("<svg")
    assert "20.0%" in svg and "13.0%" in svg
    for colour in MODEL_COLOURS.values():
        assert colour in svg


def test_travel_per_visit_chart_gives_medians() -> None:
    """The legend gives each model's median travel before a visit in minutes."""
    svg = travel_per_visit_svg(
        {"framework": np.array([300, 600, 900]), "consortium": np.array([120, 240, 360, 480])}
    )
    assert "Framework (median 10.0 min)" in svg
    assert "Consortium (median 5.0 min)" in svg


def test_charts_repeat_exactly() -> None:
    """The same figures give the same SVG (no dates, no random ids)."""
    assert travel_share_svg(SHARES, POOLS) == travel_share_svg(SHARES, POOLS)
    travel = {"framework": np.array([60, 120])}
    assert travel_per_visit_svg(travel) == travel_per_visit_svg(travel)


def test_no_visits_is_said_not_drawn() -> None:
    """Without any assigned visit the chart says so instead of failing."""
    assert "No visits were assigned." in travel_per_visit_svg({"framework": np.array([])})


def test_unknown_model_gets_a_colour() -> None:
    """A model other than the two known ones still gets a colour of its own."""
    assert model_colour("other") not in MODEL_COLOURS.values()
