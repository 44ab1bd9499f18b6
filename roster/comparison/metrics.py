"""Travel, contact, cost and continuity metrics of solved rounds, per model and per pool."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from scipy import stats

from roster.commissioning.week import SolvedPool
from roster.rounds.params import RoundsParams, weekly_allowance_s
from roster.rounds.problem import DRIVE
from roster.rounds.solution import REASONS

if TYPE_CHECKING:
    from roster.scenario import ComparisonConfig

METRES_PER_MILE = 1609.344

#: Confidence level of the uncertainty's intervals.
CONFIDENCE_LEVEL = 0.95


class JsonRecord:
    """Gives a frozen dataclass ``to_json`` (its fields in order, as plain data) and ``from_json``.

    Records whose JSON is not just their fields override either method.
    """

    def to_json(self) -> dict[str, Any]:
        """Return the fields, in order, as plain JSON data (records inside as their JSON)."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read what :meth:`to_json` wrote."""
        return cls(**data)


def plain(value: Any) -> Any:
    """Return a value as plain JSON data: records as their JSON, tuples as lists."""
    if isinstance(value, JsonRecord):
        return value.to_json()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class CostSettings:
    """How travel turns into money and emissions.

    Build it with :meth:`from_config`: the defaults and their sources are those of
    :class:`roster.scenario.ComparisonConfig`.

    Parameters
    ----------
    pence_per_mile
        Mileage paid per mile driven.
    co2_kg_per_km
        Emissions per km driven.
    travel_paid
        Whether travel between visits is paid, which decides paid hours and unpaid travel.
    hourly_wage_gbp
        The hourly wage the job-quality figures pay (:class:`CarerWeek`).
    weekly_hours_tolerance, weekly_hours_basis
        Share above contracted hours a week may run before a carer counts as over their
        contract, and whether contact or working time counts (the rounds' rule:
        ``RoundsParams.weekly_hours_tolerance`` and ``weekly_hours_basis``; when the rounds
        enforce no weekly cap, a carer is over as soon as they pass their contracted hours).
    """

    pence_per_mile: float
    co2_kg_per_km: float
    travel_paid: bool
    hourly_wage_gbp: float = 12.21
    weekly_hours_tolerance: float = 0.0
    weekly_hours_basis: str = "contact"

    @classmethod
    def from_config(
        cls, config: ComparisonConfig, params: RoundsParams | None = None
    ) -> CostSettings:
        """Take the comparison settings' mileage rate, emissions, travel pay and wage.

        The weekly hours rule comes from the rounds' ``params`` (default: their defaults).
        """
        params = params or RoundsParams()
        return cls(
            config.pence_per_mile,
            config.co2_kg_per_km,
            config.travel_paid,
            config.hourly_wage_gbp,
            params.weekly_hours_tolerance or 0.0,
            params.weekly_hours_basis,
        )


@dataclass(frozen=True)
class CarerWeek(JsonRecord):
    """One carer's week in one model: hours against their contract, and job quality.

    Pay by visit pays contact time (and travel between visits if it is paid); pay by shift
    pays the whole of each round, leaving home to coming back. A day's span runs from leaving
    home for the first round to coming back from the last (a split shift's gap included), and
    effective hourly pay is the week's pay over the week's spans.

    Parameters
    ----------
    carer_id, model
        Who, and under which model.
    contracted_s
        Contracted weekly time.
    contact_s, travel_s, waiting_s, working_s
        Time in visits, travelling (every leg), waiting, and from leaving home to coming back.
    span_s
        Sum over days worked of each day's span.
    days_worked
        Days with at least one round.
    paid_by_visit_s, paid_by_shift_s
        Paid time under each way of paying.
    effective_pay_by_visit_gbp, effective_pay_by_shift_gbp
        Pay per hour of span under each (0 for a carer who did not work).
    """

    carer_id: str
    model: str
    contracted_s: int
    contact_s: int
    travel_s: int
    waiting_s: int
    working_s: int
    span_s: int
    days_worked: int
    paid_by_visit_s: int
    paid_by_shift_s: int
    effective_pay_by_visit_gbp: float
    effective_pay_by_shift_gbp: float

    @property
    def unpaid_by_visit_s(self) -> int:
        """Span not paid by visit: travel and waiting (and a split shift's gap)."""
        return self.span_s - self.paid_by_visit_s

    @property
    def unpaid_by_shift_s(self) -> int:
        """Span not paid by shift: a split shift's gap between rounds."""
        return self.span_s - self.paid_by_shift_s


@dataclass(frozen=True)
class Spread(JsonRecord):
    """A figure over carers: its mean, and its 10th and 90th percentiles."""

    mean: float
    p10: float
    p90: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """Summarise values (all zeros for none)."""
        if not len(values):
            return cls(0.0, 0.0, 0.0)
        array = np.asarray(values, dtype=float)
        low, high = np.percentile(array, [10, 90])
        return cls(round(float(array.mean()), 3), round(float(low), 3), round(float(high), 3))


@dataclass(frozen=True)
class JobQuality(JsonRecord):
    """Job quality over the carers who worked: each figure's mean and spread (hours, £/h).

    Parameters
    ----------
    contact_hours, working_hours, span_hours_per_day
        Contact and working hours in the week, and the span of a day worked.
    unpaid_travel_hours, unpaid_waiting_hours
        Travel (every leg, less travel between visits if that is paid) and waiting in the
        week: unpaid by visit.
    unpaid_by_visit_hours, unpaid_by_shift_hours
        Span not paid under each way of paying.
    effective_pay_by_visit_gbp, effective_pay_by_shift_gbp
        Pay per hour of span under each.
    """

    contact_hours: Spread
    working_hours: Spread
    span_hours_per_day: Spread
    unpaid_travel_hours: Spread
    unpaid_waiting_hours: Spread
    unpaid_by_visit_hours: Spread
    unpaid_by_shift_hours: Spread
    effective_pay_by_visit_gbp: Spread
    effective_pay_by_shift_gbp: Spread

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JobQuality:
        """Read what :meth:`to_json` wrote."""
        return cls(**{key: Spread.from_json(value) for key, value in data.items()})


def carer_weeks(
    solved: Iterable[SolvedPool], contracted_s: Mapping[str, int], costs: CostSettings
) -> tuple[CarerWeek, ...]:
    """Each carer's week in each model, from their rounds (carers with no round: none)."""
    days: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(dict)
    sums: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in solved:
        for route in item.rounds.routes:
            key = (item.model, route.carer_id)
            first_leg = route.steps[0].travel_time_s if route.steps else 0
            between = route.travel_time_s - route.home_travel_time_s - first_leg
            sums[key].update(
                contact=route.service_s,
                travel=route.travel_time_s,
                between=between,
                waiting=route.waiting_s,
                working=route.working_s,
            )
            leave, back = days[key].get(item.day, [route.leave_s, route.return_s])
            days[key][item.day] = [min(leave, route.leave_s), max(back, route.return_s)]
    weeks = []
    for (model, carer), total in sorted(sums.items()):
        span = sum(back - leave for leave, back in days[(model, carer)].values())
        by_visit = total["contact"] + (total["between"] if costs.travel_paid else 0)
        by_shift = total["working"]
        weeks.append(
            CarerWeek(
                carer,
                model,
                int(contracted_s.get(carer, 0)),
                total["contact"],
                total["travel"],
                total["waiting"],
                total["working"],
                span,
                len(days[(model, carer)]),
                by_visit,
                by_shift,
                round(costs.hourly_wage_gbp * _ratio(by_visit, span), 2),
                round(costs.hourly_wage_gbp * _ratio(by_shift, span), 2),
            )
        )
    return tuple(weeks)


def job_quality(weeks: Sequence[CarerWeek], costs: CostSettings) -> JobQuality:
    """Means and spreads of the carers' weeks (see :class:`JobQuality`)."""
    hours = lambda values: Spread.of([v / 3600 for v in values])  # noqa: E731
    unpaid_travel = [w.travel_s - (w.paid_by_visit_s - w.contact_s) for w in weeks]
    return JobQuality(
        contact_hours=hours([w.contact_s for w in weeks]),
        working_hours=hours([w.working_s for w in weeks]),
        span_hours_per_day=hours([w.span_s / max(1, w.days_worked) for w in weeks]),
        unpaid_travel_hours=hours(unpaid_travel),
        unpaid_waiting_hours=hours([w.waiting_s for w in weeks]),
        unpaid_by_visit_hours=hours([w.unpaid_by_visit_s for w in weeks]),
        unpaid_by_shift_hours=hours([w.unpaid_by_shift_s for w in weeks]),
        effective_pay_by_visit_gbp=Spread.of([w.effective_pay_by_visit_gbp for w in weeks]),
        effective_pay_by_shift_gbp=Spread.of([w.effective_pay_by_shift_gbp for w in weeks]),
    )


@dataclass(frozen=True)
class PoolMetrics(JsonRecord):
    """Totals over some solved pool-days (see :func:`pool_metrics`).

    Parameters
    ----------
    visits, visits_assigned, visits_unassigned
        Visits rostered, and how many were served or left out (a double-handed visit once).
    unassigned_reasons
        Visits left out by reason, each one of :data:`roster.rounds.solution.REASONS`.
    carer_visits
        Visits made by a carer (a double-handed visit twice).
    travel_time_s, travel_between_visits_s
        Travel time, all legs and between visits only (without the legs from and to home).
    contact_time_s, waiting_time_s, working_time_s
        Time in visits, waiting, and from leaving home to coming back.
    travel_share, travel_share_between_visits
        Travel over travel plus contact time, all legs and between visits only.
    travel_per_visit_s
        Travel per carer visit.
    distance_m, driven_distance_m
        Distance travelled, and driven (walkers' legs left out).
    mileage_cost_gbp, co2_kg
        Mileage paid and emissions, on driven distance.
    carers_used
        Carers with at least one round.
    paid_hours, unpaid_travel_hours
        Contact hours (plus travel between visits if it is paid), and unpaid travel.
    continuity_mean_carers
        Distinct carers per recipient served.
    continuity_p90_carers
        The 90th percentile of distinct carers per recipient served.
    top_carer_share, top_two_carers_share
        Mean over recipients of the share of their carer-visits made by their most frequent
        carer, and by their two most frequent.
    carers_over_contract
        Carers whose week (contact or working time, as the rounds' rule counts it) passes their
        contracted hours plus the tolerance.
    carers_contact_over_contract
        Carers whose contact time alone passes their contracted hours.
    overtime_hours, undertime_hours
        Working time above contracted hours, and contracted hours not worked, summed over
        the carers who worked.
    job_quality
        The carers' weeks: pay by visit and by shift (:class:`JobQuality`).
    """

    visits: int
    visits_assigned: int
    visits_unassigned: int
    unassigned_reasons: Mapping[str, int]
    carer_visits: int
    travel_time_s: int
    travel_between_visits_s: int
    contact_time_s: int
    waiting_time_s: int
    working_time_s: int
    travel_share: float
    travel_share_between_visits: float
    travel_per_visit_s: float
    distance_m: int
    driven_distance_m: int
    mileage_cost_gbp: float
    co2_kg: float
    carers_used: int
    paid_hours: float
    unpaid_travel_hours: float
    continuity_mean_carers: float
    continuity_p90_carers: float
    top_carer_share: float
    top_two_carers_share: float
    carers_over_contract: int
    carers_contact_over_contract: int
    overtime_hours: float
    undertime_hours: float
    job_quality: JobQuality

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read what :meth:`to_json` wrote (job quality as its record)."""
        return cls(**{**data, "job_quality": JobQuality.from_json(data["job_quality"])})

    def __post_init__(self) -> None:
        object.__setattr__(self, "unassigned_reasons", dict(self.unassigned_reasons))
        unknown = sorted(set(self.unassigned_reasons) - set(REASONS))
        if unknown:
            raise ValueError(f"Unknown unassigned reasons {unknown}; use one of {REASONS}.")
        if self.visits_assigned + self.visits_unassigned != self.visits:
            raise ValueError("Assigned and unassigned visits do not add up to the visits.")
        if sum(self.unassigned_reasons.values()) != self.visits_unassigned:
            raise ValueError("Unassigned visits by reason do not add up to the unassigned.")
        if min(self.visits_assigned, self.visits_unassigned, self.carer_visits) < 0:
            raise ValueError("Visit counts cannot be negative.")
        for name in ("travel_share", "travel_share_between_visits"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} is not a share in [0, 1].")
        if self.driven_distance_m > self.distance_m:
            raise ValueError("More distance driven than travelled.")


@dataclass(frozen=True)
class ModelMetrics(PoolMetrics):
    """A model's totals over all its pools, the same figures per pool, and checker findings.

    Parameters
    ----------
    checker_violations
        Rule breaches the independent checker found in the model's rounds.
    pools
        Each pool's figures, by pool name; their visits and travel add up to the model's.
    """

    checker_violations: int
    pools: Mapping[str, PoolMetrics]

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "pools", dict(self.pools))
        if self.checker_violations < 0:
            raise ValueError("Checker violations cannot be negative.")
        for name in ("visits", "visits_unassigned", "travel_time_s", "carer_visits"):
            if sum(getattr(p, name) for p in self.pools.values()) != getattr(self, name):
                raise ValueError(f"The pools' {name} do not add up to the model's.")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelMetrics:
        """Read a model's figures written by :meth:`to_json`."""
        pools = {name: PoolMetrics.from_json(pool) for name, pool in data["pools"].items()}
        quality = JobQuality.from_json(data["job_quality"])
        return cls(**{**data, "pools": pools, "job_quality": quality})


@dataclass(frozen=True)
class Difference(JsonRecord):
    """Consortium minus framework for each compared metric (see :func:`difference`).

    Parameters
    ----------
    travel_time_s, travel_share, travel_per_visit_s, distance_m, mileage_cost_gbp, co2_kg, \
carers_used, visits_unassigned, continuity_mean_carers
        The difference of the model metric of that name.
    travel_time_relative
        The travel time difference over the framework's travel time (0 if it has none).
    """

    travel_time_s: float
    travel_share: float
    travel_per_visit_s: float
    distance_m: float
    mileage_cost_gbp: float
    co2_kg: float
    carers_used: float
    visits_unassigned: float
    continuity_mean_carers: float
    travel_time_relative: float


#: Metrics compared between the models, in the summary's ``difference`` and ``uncertainty``.
COMPARED = tuple(f.name for f in fields(Difference) if f.name != "travel_time_relative")


@dataclass(frozen=True)
class MetricUncertainty(JsonRecord):
    """One compared metric over seeds: means and an interval for the mean difference.

    Parameters
    ----------
    framework_mean, consortium_mean
        The metric's mean over seeds in each model.
    difference_mean
        Mean of consortium minus framework.
    difference_ci
        Low and high ends of the t interval for the mean difference.
    level
        Its confidence level (written in the key: ``difference_ci95`` for 0.95).
    """

    framework_mean: float
    consortium_mean: float
    difference_mean: float
    difference_ci: tuple[float, float]
    level: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "difference_ci", tuple(self.difference_ci))
        if not 0 < self.level < 1:
            raise ValueError(f"The confidence level {self.level} is not in (0, 1).")
        low, high = self.difference_ci
        if not low <= self.difference_mean <= high:
            raise ValueError("The interval does not contain the mean difference.")

    @property
    def _ci_key(self) -> str:
        return f"difference_ci{round(self.level * 100)}"

    def to_json(self) -> dict[str, Any]:
        """Return means and interval as plain JSON data (the interval as a list)."""
        return {
            "framework_mean": self.framework_mean,
            "consortium_mean": self.consortium_mean,
            "difference_mean": self.difference_mean,
            self._ci_key: list(self.difference_ci),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MetricUncertainty:
        """Read what :meth:`to_json` wrote; the level comes from the interval's key."""
        (key,) = (k for k in data if k.startswith("difference_ci"))
        return cls(
            data["framework_mean"],
            data["consortium_mean"],
            data["difference_mean"],
            tuple(data[key]),
            int(key.removeprefix("difference_ci")) / 100,
        )


def pool_metrics(
    solved: Sequence[SolvedPool],
    recipient_of: Mapping[str, str],
    costs: CostSettings,
    contracted_s: Mapping[str, int] | None = None,
) -> PoolMetrics:
    """Totals over some solved pool-days.

    Travel counts every leg, from home to the first visit and back home included;
    ``travel_between_visits_s`` leaves out those two legs. A double-handed visit counts once in
    ``visits`` and twice in ``carer_visits`` (two carers travel to it and work there), and
    ``travel_per_visit_s`` is per carer visit. Mileage and CO2 count driven distance only.
    ``contracted_s`` gives each carer's contracted weekly time (none given: no contract, so no
    one is over it).
    """
    return PoolMetrics(**_totals(solved, recipient_of, costs, contracted_s or {}))


def _totals(
    solved: Sequence[SolvedPool],
    recipient_of: Mapping[str, str],
    costs: CostSettings,
    contracted_s: Mapping[str, int],
) -> dict[str, Any]:
    """Return :class:`PoolMetrics`' fields by name, for a pool or for a whole model."""
    travel = between = contact = waiting = working = driven = distance = 0
    visits = served = carer_visits = 0
    reasons: Counter[str] = Counter()
    carers: set[str] = set()
    seen: dict[str, Counter[str]] = defaultdict(Counter)
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
                seen[recipient_of[step.visit_id]][route.carer_id] += 1
    travel_paid = between if costs.travel_paid else 0
    weeks = carer_weeks(solved, contracted_s, costs)
    team = [len(c) for c in seen.values()]
    tops = [sorted(c.values(), reverse=True) for c in seen.values()]
    allowance = {
        w.carer_id: weekly_allowance_s(w.contracted_s, costs.weekly_hours_tolerance) for w in weeks
    }
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
        "continuity_mean_carers": _ratio(sum(team), len(seen)),
        "continuity_p90_carers": float(np.percentile(team, 90)) if team else 0.0,
        "top_carer_share": _mean([t[0] / sum(t) for t in tops]),
        "top_two_carers_share": _mean([sum(t[:2]) / sum(t) for t in tops]),
        "carers_over_contract": sum(
            allowance[w.carer_id] is not None
            and (w.contact_s if costs.weekly_hours_basis == "contact" else w.working_s)
            > allowance[w.carer_id]
            for w in weeks
        ),
        "carers_contact_over_contract": sum(0 < w.contracted_s < w.contact_s for w in weeks),
        "overtime_hours": round(
            sum(max(0, w.working_s - w.contracted_s) for w in weeks if w.contracted_s) / 3600, 1
        ),
        "undertime_hours": round(
            sum(max(0, w.contracted_s - w.working_s) for w in weeks) / 3600, 1
        ),
        "job_quality": job_quality(weeks, costs),
    }


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else 0.0


def model_metrics(
    solved: Sequence[SolvedPool],
    recipient_of: Mapping[str, str],
    costs: CostSettings,
    contracted_s: Mapping[str, int] | None = None,
) -> ModelMetrics:
    """Totals for one model, with the same figures per pool under ``pools``."""
    contracted_s = contracted_s or {}
    by_pool: dict[str, list[SolvedPool]] = defaultdict(list)
    for item in solved:
        by_pool[item.pool].append(item)
    return ModelMetrics(
        **_totals(solved, recipient_of, costs, contracted_s),
        checker_violations=sum(len(item.violations) for item in solved),
        pools={
            name: pool_metrics(items, recipient_of, costs, contracted_s)
            for name, items in sorted(by_pool.items())
        },
    )


def difference(framework: PoolMetrics, consortium: PoolMetrics) -> Difference:
    """Consortium minus framework for each compared metric, and travel time relative."""
    diff = {k: float(getattr(consortium, k)) - float(getattr(framework, k)) for k in COMPARED}
    relative = _ratio(diff["travel_time_s"], float(framework.travel_time_s))
    return Difference(**diff, travel_time_relative=relative)


def uncertainty(
    runs: Sequence[tuple[PoolMetrics, PoolMetrics]], level: float = CONFIDENCE_LEVEL
) -> dict[str, MetricUncertainty]:
    """Mean of each compared metric over seeds and a t interval for the mean difference.

    Parameters
    ----------
    runs
        One ``(framework, consortium)`` pair of model metrics per seed.
    level
        Confidence level of the interval.

    Returns
    -------
    dict
        By metric name (each of :data:`COMPARED`, then ``travel_time_relative``); empty for
        fewer than two seeds.
    """
    if len(runs) < 2:
        return {}
    result = {}
    for key in (*COMPARED, "travel_time_relative"):
        if key == "travel_time_relative":
            f = np.array([float(a.travel_time_s) for a, _ in runs])
            c = np.array([float(b.travel_time_s) for _, b in runs])
            delta = (c - f) / np.where(f == 0, 1, f)
        else:
            f = np.array([float(getattr(a, key)) for a, _ in runs])
            c = np.array([float(getattr(b, key)) for _, b in runs])
            delta = c - f
        half = stats.t.ppf(0.5 + level / 2, len(runs) - 1) * delta.std(ddof=1) / np.sqrt(len(runs))
        result[key] = MetricUncertainty(
            framework_mean=float(f.mean()),
            consortium_mean=float(c.mean()),
            difference_mean=float(delta.mean()),
            difference_ci=(float(delta.mean() - half), float(delta.mean() + half)),
            level=level,
        )
    return result


def legs_before_visits(solved: Iterable[SolvedPool]) -> np.ndarray:
    """Travel time of the leg before every carer visit (seconds), for distributions."""
    return np.array(
        [s.travel_time_s for item in solved for r in item.rounds.routes for s in r.steps],
        dtype=np.int64,
    )


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator else 0.0
