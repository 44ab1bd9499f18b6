"""Travel against continuity of care at a few continuity weights (``continuity_weights``).

Continuity of care costs travel: keeping a recipient's visits to a small team sends carers
further. The trade-off re-solves the first seed's rounds, on the same instance, pools and
neighbourhoods and with every other setting the same, at each weight asked for, so the report
can chart each model's travel against the mean number of distinct carers per recipient, and
the weight the comparison used is seen on its curve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from roster.comparison.metrics import JsonRecord, ModelMetrics


@dataclass(frozen=True)
class TradeoffPoint(JsonRecord):
    """One model's week at one continuity weight.

    Parameters
    ----------
    weight_s
        ``[rounds] continuity_cost``: seconds of travel a visit by a carer outside the
        recipient's team (and new to them that week) costs.
    model
        The commissioning model.
    travel_time_s
        Its weekly travel.
    continuity_mean_carers
        Its mean number of distinct carers per recipient in the week.
    visits_unassigned
        Its visits left out.
    """

    weight_s: int
    model: str
    travel_time_s: int
    continuity_mean_carers: float
    visits_unassigned: int


@dataclass(frozen=True)
class Tradeoff(JsonRecord):
    """Each model's travel and continuity at each weight, and the weight the comparison used.

    Parameters
    ----------
    weight_s
        The comparison's own weight (both models used it).
    points
        Every (weight, model) measured, the comparison's own included, by weight then model.
    """

    weight_s: int
    points: tuple[TradeoffPoint, ...]

    def __post_init__(self) -> None:
        points = tuple(
            p if isinstance(p, TradeoffPoint) else TradeoffPoint(**p) for p in self.points
        )
        object.__setattr__(self, "points", tuple(sorted(points, key=lambda p: p.weight_s)))

    def curve(self, model: str) -> list[TradeoffPoint]:
        """Return one model's points, by weight."""
        return [p for p in self.points if p.model == model]


def tradeoff(weight_s: int, by_weight: Mapping[int, Mapping[str, ModelMetrics]]) -> Tradeoff:
    """Collect each model's figures at each weight (``by_weight``: weight -> model metrics)."""
    return Tradeoff(
        weight_s,
        tuple(
            TradeoffPoint(
                weight,
                model,
                figures.travel_time_s,
                figures.continuity_mean_carers,
                figures.visits_unassigned,
            )
            for weight, metrics in by_weight.items()
            for model, figures in metrics.items()
        ),
    )
