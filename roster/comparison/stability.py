"""How far the headline moves when the rounds get more search time (``--budget-check``).

A comparison between commissioning models is only worth its solver's gap: if four times the
search time changed the saving by several points, the headline would measure the search as much
as the commissioning. The check re-solves the first seed's rounds, on the same instance, pools and
neighbourhoods, at a multiple of the time budget and reports both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from roster.comparison.metrics import JsonRecord, ModelMetrics

#: Saving moving more than this (in percentage points) at the larger budget is worth a caveat.
STABLE_POINTS = 1.0


@dataclass(frozen=True)
class BudgetCheck(JsonRecord):
    """Each model's travel and unserved visits, and the saving, at the budget and at a multiple.

    Parameters
    ----------
    multiple
        How many times the run's time budget the check's rounds had.
    time_budget_s
        The run's time budget (the check had ``multiple`` times it).
    travel_time_s, checked_travel_time_s
        Each model's weekly travel at the budget and at the multiple.
    visits_unassigned, checked_visits_unassigned
        Each model's visits left out at the budget and at the multiple.
    saving, checked_saving
        The consortium's travel saving (a share) at the budget and at the multiple.
    """

    multiple: float
    time_budget_s: float
    travel_time_s: Mapping[str, int]
    checked_travel_time_s: Mapping[str, int]
    visits_unassigned: Mapping[str, int]
    checked_visits_unassigned: Mapping[str, int]
    saving: float
    checked_saving: float

    def __post_init__(self) -> None:
        for name in (
            "travel_time_s",
            "checked_travel_time_s",
            "visits_unassigned",
            "checked_visits_unassigned",
        ):
            object.__setattr__(self, name, dict(getattr(self, name)))

    @property
    def change_points(self) -> float:
        """How far the saving moved, in percentage points (positive: more saved)."""
        return 100 * (self.checked_saving - self.saving)

    @property
    def stable(self) -> bool:
        """Whether the saving moved by at most :data:`STABLE_POINTS`."""
        return abs(self.change_points) <= STABLE_POINTS

    def sentence(self) -> str:
        """Say the check in one sentence, for the command line and the report."""
        hours = ", ".join(
            f"{model} {self.travel_time_s[model] / 3600:,.0f} h to "
            f"{self.checked_travel_time_s[model] / 3600:,.0f} h"
            for model in self.travel_time_s
        )
        verdict = "stable" if self.stable else f"NOT stable (more than {STABLE_POINTS:g} point)"
        return (
            f"At {self.multiple:g}x the time budget ({self.multiple * self.time_budget_s:g} s) "
            f"the saving is {self.checked_saving:.1%} against {self.saving:.1%} "
            f"({self.change_points:+.1f} points: {verdict}); travel {hours}."
        )


def budget_check(
    multiple: float,
    time_budget_s: float,
    metrics: Mapping[str, ModelMetrics],
    checked: Mapping[str, ModelMetrics],
) -> BudgetCheck:
    """Compare a run's model metrics with those of its rounds re-solved at ``multiple`` x budget."""
    return BudgetCheck(
        multiple,
        time_budget_s,
        {model: m.travel_time_s for model, m in metrics.items()},
        {model: m.travel_time_s for model, m in checked.items()},
        {model: m.visits_unassigned for model, m in metrics.items()},
        {model: m.visits_unassigned for model, m in checked.items()},
        saving(metrics),
        saving(checked),
    )


def saving(metrics: Mapping[str, ModelMetrics]) -> float:
    """Return the consortium's travel saving against the framework, as a share (0: no travel).

    The headline's figure: minus ``Difference.travel_time_relative``.
    """
    framework, consortium = metrics["framework"].travel_time_s, metrics["consortium"].travel_time_s
    return 1 - consortium / framework if framework else 0.0
