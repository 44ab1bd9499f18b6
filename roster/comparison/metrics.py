"""Travel, contact, cost and continuity metrics of solved rounds, per model and per pool."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from roster.commissioning.week import SolvedPool
from roster.rounds.problem import DRIVE

METRES_PER_MILE = 1609.344

#: Metrics compared between models in the summary's ``difference`` and ``uncertainty`` blocks.
COMPARED = (
    "travel_time_s",
    "travel_share",
    "travel_per_visit_s",
    "distance_m",
    "mileage_cost_gbp",
    "co2_kg",
    "carers_used",
    "visits_unassigned",
    "continuity_mean_carers",
)


@dataclass(frozen=True)
class CostSettings:
    """How travel turns into money and emissions.

    Parameters
    ----------
    pence_per_mile
        Mileage paid per mile driven (45p: HMRC approved rate, the typical homecare rate).
    co2_kg_per_km
        Emissions per km driven (0.17 kg: DESNZ/DEFRA 2023 conversion factor for an average
        car of unknown fuel, about 0.166 kg CO2e per km).
    travel_paid
        Whether travel between visits is paid (about 75% of homecare workers are not paid for
        it: UNISON 2023), which decides paid hours and unpaid travel.
    """

    pence_per_mile: float = 45.0
    co2_kg_per_km: float = 0.17
    travel_paid: bool = False


def pool_metrics(
    solved: Sequence[SolvedPool], recipient_of: Mapping[str, str], costs: CostSettings
) -> dict[str, object]:
    """Totals over some solved pool-days.

    Travel counts every leg, from home to the first visit and back home included;
    ``travel_between_visits_s`` leaves out those two legs. A double-handed visit counts once in
    ``visits`` and twice in ``carer_visits`` (two carers travel to it and work there), and
    ``travel_per_visit_s`` is per carer visit. Mileage and CO2 count driven distance only.
    """
    travel = between = contact = waiting = working = driven = distance = 0
    visits = served = carer_visits = 0
    reasons: Counter[str] = Counter()
    carers: set[str] = set()
    seen: dict[str, set[str]] = defaultdict(set)
    for item in solved:
        problem, rounds = item.problem, item.rounds
        visits += problem.num_visits
        reasons.update(u.reason for u in rounds.unassigned)
        served += problem.num_visits - len(rounds.unassigned)
        for route in rounds.routes:
            drives = problem.carer_mode[problem.period_carer[route.period]] == DRIVE
            carers.add(route.carer_id)
            travel += route.travel_time_s
            between += route.travel_time_s - route.home_travel_time_s
            between -= route.steps[0].travel_time_s if route.steps else 0
            contact += route.service_s
            waiting += route.waiting_s
            working += route.working_s
            distance += route.length_m
            driven += route.length_m if drives else 0
            carer_visits += len(route.steps)
            for step in route.steps:
                seen[recipient_of[step.visit_id]].add(route.carer_id)
    travel_paid = between if costs.travel_paid else 0
    return {
        "visits": visits,
        "visits_assigned": served,
        "visits_unassigned": visits - served,
        "unassigned_reasons": dict(sorted(reasons.items())),
        "carer_visits": carer_visits,
        "travel_time_s": travel,
        "travel_between_visits_s": between,
        "contact_time_s": contact,
        "waiting_time_s": waiting,
        "working_time_s": working,
        "travel_share": _ratio(travel, travel + contact),
        "travel_share_between_visits": _ratio(between, between + contact),
        "travel_per_visit_s": _ratio(travel, carer_visits),
        "distance_m": distance,
        "driven_distance_m": driven,
        "mileage_cost_gbp": round(driven / METRES_PER_MILE * costs.pence_per_mile / 100, 2),
        "co2_kg": round(driven / 1000 * costs.co2_kg_per_km, 1),
        "carers_used": len(carers),
        "paid_hours": round((contact + travel_paid) / 3600, 1),
        "unpaid_travel_hours": round((between - travel_paid) / 3600, 1),
        "continuity_mean_carers": _ratio(sum(len(c) for c in seen.values()), len(seen)),
    }


def model_metrics(
    solved: Sequence[SolvedPool], recipient_of: Mapping[str, str], costs: CostSettings
) -> dict[str, object]:
    """Totals for one model, with the same figures per pool under ``pools``."""
    by_pool: dict[str, list[SolvedPool]] = defaultdict(list)
    for item in solved:
        by_pool[item.pool].append(item)
    totals = pool_metrics(solved, recipient_of, costs)
    totals["checker_violations"] = sum(len(item.violations) for item in solved)
    totals["pools"] = {
        name: pool_metrics(items, recipient_of, costs) for name, items in sorted(by_pool.items())
    }
    return totals


def difference(framework: Mapping[str, object], consortium: Mapping[str, object]) -> dict:
    """Consortium minus framework for each compared metric, and travel time relative."""
    diff = {key: _number(consortium[key]) - _number(framework[key]) for key in COMPARED}
    diff["travel_time_relative"] = _ratio(
        diff["travel_time_s"], _number(framework["travel_time_s"])
    )
    return diff


def uncertainty(runs: Sequence[tuple[Mapping, Mapping]], level: float = 0.95) -> dict:
    """Mean of each compared metric over seeds and a t interval for the mean difference.

    Parameters
    ----------
    runs
        One ``(framework, consortium)`` pair of model metrics per seed.
    level
        Confidence level of the interval.
    """
    if len(runs) < 2:
        return {}
    result = {}
    for key in (*COMPARED, "travel_time_relative"):
        if key == "travel_time_relative":
            f = np.array([_number(a["travel_time_s"]) for a, _ in runs])
            c = np.array([_number(b["travel_time_s"]) for _, b in runs])
            delta = (c - f) / np.where(f == 0, 1, f)
        else:
            f = np.array([_number(a[key]) for a, _ in runs])
            c = np.array([_number(b[key]) for _, b in runs])
            delta = c - f
        half = stats.t.ppf(0.5 + level / 2, len(runs) - 1) * delta.std(ddof=1) / np.sqrt(len(runs))
        result[key] = {
            "framework_mean": float(f.mean()),
            "consortium_mean": float(c.mean()),
            "difference_mean": float(delta.mean()),
            f"difference_ci{round(level * 100)}": [
                float(delta.mean() - half),
                float(delta.mean() + half),
            ],
        }
    return result


def legs_before_visits(solved: Iterable[SolvedPool]) -> np.ndarray:
    """Travel time of the leg before every carer visit (seconds), for distributions."""
    return np.array(
        [s.travel_time_s for item in solved for r in item.rounds.routes for s in r.steps],
        dtype=np.int64,
    )


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator else 0.0


def _number(value: object) -> float:
    return float(value)  # type: ignore[arg-type]
