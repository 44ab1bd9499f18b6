"""Tests for roster.comparison.tradeoff: travel against continuity at a few weights."""

from __future__ import annotations

import json
from dataclasses import dataclass

from roster.comparison.tradeoff import Tradeoff, tradeoff


@dataclass(frozen=True)
class _Figures:
    """The three figures of a model's metrics the trade-off reads."""

    travel_time_s: int
    continuity_mean_carers: float
    visits_unassigned: int = 0


def test_points_come_by_weight_with_the_weight_used():
    """Weights given in any order come back in order, per model, with the comparison's own."""
    by_weight = {
        1200: {"framework": _Figures(40_000, 3.1), "consortium": _Figures(25_000, 3.3, 2)},
        0: {"framework": _Figures(36_000, 6.7), "consortium": _Figures(21_600, 7.5)},
    }
    curve = tradeoff(1200, by_weight)
    assert curve.weight_s == 1200
    assert [(p.weight_s, p.travel_time_s) for p in curve.curve("framework")] == [
        (0, 36_000),
        (1200, 40_000),
    ]
    assert curve.curve("consortium")[1].visits_unassigned == 2
    assert Tradeoff.from_json(json.loads(json.dumps(curve.to_json()))) == curve
