"""The comparison's summary (the content of summary.json) and the assumptions it rests on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from roster.commissioning.models import weekly_hours
from roster.comparison.caveats import Caveat, ServedComparison, caveats, served_comparison
from roster.comparison.flexibility import FlexibilityLevel
from roster.comparison.metrics import (
    Difference,
    JsonRecord,
    MetricUncertainty,
    ModelMetrics,
    difference,
    uncertainty,
)
from roster.comparison.run import SeedRun
from roster.comparison.stability import BudgetCheck
from roster.comparison.tradeoff import Tradeoff
from roster.geo.network import SpeedModel
from roster.rounds.params import RoundsParams
from roster.scenario import VISIT_KINDS, Scenario

#: The two commissioning models compared, in the order they are shown.
MODELS = ("framework", "consortium")


@dataclass(frozen=True)
class Assumption(JsonRecord):
    """A figure the comparison rests on, and where it comes from.

    Parameters
    ----------
    value
        The figure (a list of shares is kept as a tuple).
    source
        Its source, or ``ASSUMPTION`` and why.
    """

    value: str | bool | int | float | tuple[float, ...]
    source: str

    def __post_init__(self) -> None:
        if isinstance(self.value, list):
            object.__setattr__(self, "value", tuple(self.value))


@dataclass(frozen=True)
class SeedFigures(JsonRecord):
    """One seed's headline travel figures, for the summary's ``per_seed`` list.

    Parameters
    ----------
    seed
        The seed.
    framework_travel_time_s, consortium_travel_time_s
        Each model's travel time.
    framework_travel_share, consortium_travel_share
        Each model's travel share.
    """

    seed: int
    framework_travel_time_s: int
    consortium_travel_time_s: int
    framework_travel_share: float
    consortium_travel_share: float


@dataclass(frozen=True)
class PlanQuality(JsonRecord):
    """Overall figures of a set of neighbourhoods (``QualityReport.summary()``).

    Parameters
    ----------
    neighbourhoods, recipients
        How many neighbourhoods, and recipients in them.
    size_min, size_max
        Recipients in the smallest and the largest.
    contiguous
        Whether every one is contiguous.
    mean_internal_s, p95_internal_s
        Mean and 95th percentile of travel between members, each recipient counted once.
    diameter_s
        Longest travel between two members of one neighbourhood.
    """

    neighbourhoods: int
    recipients: int
    size_min: int
    size_max: int
    contiguous: bool
    mean_internal_s: float
    p95_internal_s: float
    diameter_s: int

    def __post_init__(self) -> None:
        if not 0 <= self.size_min <= self.size_max <= self.recipients:
            raise ValueError("Neighbourhood sizes do not fit the recipients.")


@dataclass(frozen=True)
class NeighbourhoodSummary(JsonRecord):
    """How the neighbourhoods were made and how they measure up against k-means.

    Parameters
    ----------
    method
        Generated (with the target size) or drawn boundaries (with their file).
    quality
        The neighbourhoods' figures.
    kmeans_baseline
        The same figures for k-means clusters of the same number.
    """

    method: str
    quality: PlanQuality
    kmeans_baseline: PlanQuality

    def to_json(self) -> dict[str, Any]:
        """Return method, figures and baseline as plain JSON data (the figures inline)."""
        return {
            "method": self.method,
            **self.quality.to_json(),
            "kmeans_baseline": self.kmeans_baseline.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NeighbourhoodSummary:
        """Read what :meth:`to_json` wrote."""
        names = {f.name for f in fields(PlanQuality)}
        return cls(
            data["method"],
            PlanQuality.from_json({k: v for k, v in data.items() if k in names}),
            PlanQuality.from_json(data["kmeans_baseline"]),
        )


@dataclass(frozen=True)
class Summary(JsonRecord):
    """A comparison's results: the first seed's models and the figures over every seed.

    ``to_json()`` is summary.json (the fields in order), whose keys, order and values other
    tools read.

    Parameters
    ----------
    area
        The scenario's name.
    seed, seeds
        The first seed (whose models are given) and every seed run.
    days
        Days rostered, from Monday.
    recipients, carers, providers
        How many of each in the first seed's instance.
    weekly_contact_hours
        Care hours a week over all recipients.
    models
        Each model's metrics, by name, in the order of :data:`MODELS`.
    difference
        Consortium minus framework, first seed.
    uncertainty
        Each compared metric over seeds, by name; empty for one seed.
    per_seed
        Each seed's travel figures.
    neighbourhoods
        The first seed's neighbourhoods.
    models_described
        What each model means, by name.
    stage_seconds
        Wall-clock seconds per stage, first seed.
    assumptions
        The figures the comparison rests on, by name.
    caveats
        What qualifies the headline (first seed; see :mod:`roster.comparison.caveats`): empty
        when nothing does, None in a summary written before caveats existed (then left out of
        the JSON, as is ``served_comparison`` when None).
    served_comparison
        The models compared on the visits they served (first seed).
    budget_check
        The first seed's rounds re-solved at a multiple of the time budget, when asked for
        (None otherwise, and then left out of the JSON).
    flexibility
        The first seed at each flexibility level over visit times, when asked for
        (``[comparison] flexibility_sweep``; None otherwise, and then left out of the JSON).
    continuity_tradeoff
        The first seed's rounds at other continuity weights, when asked for (None otherwise,
        and then left out of the JSON).
    """

    area: str
    seed: int
    seeds: tuple[int, ...]
    days: int
    recipients: int
    carers: int
    providers: int
    weekly_contact_hours: float
    models: Mapping[str, ModelMetrics]
    difference: Difference
    uncertainty: Mapping[str, MetricUncertainty]
    per_seed: tuple[SeedFigures, ...]
    neighbourhoods: NeighbourhoodSummary
    models_described: Mapping[str, str]
    stage_seconds: Mapping[str, float]
    assumptions: Mapping[str, Assumption]
    caveats: tuple[Caveat, ...] | None = None
    served_comparison: ServedComparison | None = None
    budget_check: BudgetCheck | None = None
    flexibility: tuple[FlexibilityLevel, ...] | None = None
    continuity_tradeoff: Tradeoff | None = None

    def __post_init__(self) -> None:
        if self.caveats is not None:
            object.__setattr__(self, "caveats", tuple(self.caveats))
        if self.flexibility is not None:
            object.__setattr__(self, "flexibility", tuple(self.flexibility))
        for name in ("seeds", "per_seed"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("models", "uncertainty", "models_described", "stage_seconds", "assumptions"):
            object.__setattr__(self, name, dict(getattr(self, name)))
        if tuple(self.models) != MODELS:
            raise ValueError(f"The models must be {', '.join(MODELS)}, in that order.")
        if not self.seeds or self.seed != self.seeds[0]:
            raise ValueError("The seed must be the first of the seeds.")
        if tuple(row.seed for row in self.per_seed) != self.seeds:
            raise ValueError("per_seed must have one row per seed, in order.")
        if self.difference != difference(*self.models.values()):
            raise ValueError("The difference is not consortium minus framework.")
        unknown = set(self.uncertainty) - {f.name for f in fields(Difference)}
        if unknown:
            raise ValueError(f"Uncertainty of unknown metrics {sorted(unknown)}.")
        if len(self.seeds) < 2 and self.uncertainty:
            raise ValueError("One seed gives no uncertainty.")

    def to_json(self) -> dict[str, Any]:
        """Return summary.json's content: the fields in order, leaving out those that are None."""
        return {key: value for key, value in super().to_json().items() if value is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Summary:
        """Read summary.json's content, checking it as when it was made."""
        caveats = data.get("caveats")
        served = data.get("served_comparison")
        check = data.get("budget_check")
        sweep = data.get("flexibility")
        curve = data.get("continuity_tradeoff")
        return cls(
            area=data["area"],
            seed=data["seed"],
            seeds=tuple(data["seeds"]),
            days=data["days"],
            recipients=data["recipients"],
            carers=data["carers"],
            providers=data["providers"],
            weekly_contact_hours=data["weekly_contact_hours"],
            models={name: ModelMetrics.from_json(m) for name, m in data["models"].items()},
            difference=Difference.from_json(data["difference"]),
            uncertainty={
                name: MetricUncertainty.from_json(item)
                for name, item in data["uncertainty"].items()
            },
            per_seed=tuple(SeedFigures.from_json(row) for row in data["per_seed"]),
            neighbourhoods=NeighbourhoodSummary.from_json(data["neighbourhoods"]),
            models_described=data["models_described"],
            stage_seconds=data["stage_seconds"],
            assumptions={
                name: Assumption.from_json(item) for name, item in data["assumptions"].items()
            },
            caveats=None if caveats is None else tuple(Caveat.from_json(c) for c in caveats),
            served_comparison=None if served is None else ServedComparison.from_json(served),
            budget_check=None if check is None else BudgetCheck.from_json(check),
            flexibility=None
            if sweep is None
            else tuple(FlexibilityLevel.from_json(level) for level in sweep),
            continuity_tradeoff=None if curve is None else Tradeoff.from_json(curve),
        )

    @property
    def qualified(self) -> bool:
        """Whether the headline must be qualified (some caveat applies)."""
        return bool(self.caveats)


def summarise(
    scenario: Scenario,
    runs: Sequence[SeedRun],
    flexibility: Sequence[FlexibilityLevel] | None = None,
) -> Summary:
    """Summarise a comparison: first seed's models, differences, uncertainty, assumptions.

    ``flexibility`` is the first seed at each flexibility level, if it was run
    (:func:`roster.comparison.flexibility.flexibility_sweep`).
    """
    first = runs[0]
    framework_m, consortium_m = (first.metrics[name] for name in MODELS)
    hours = weekly_hours(first.instance)
    return Summary(
        area=scenario.name,
        seed=first.seed,
        seeds=tuple(run.seed for run in runs),
        days=scenario.comparison.days,
        recipients=len(first.instance.recipients),
        carers=len(first.instance.carers),
        providers=len({r.provider_id for r in first.instance.recipients}),
        weekly_contact_hours=round(sum(hours.values()), 1),
        models={name: first.metrics[name] for name in MODELS},
        difference=difference(framework_m, consortium_m),
        uncertainty=uncertainty([(r.metrics["framework"], r.metrics["consortium"]) for r in runs]),
        per_seed=tuple(
            SeedFigures(
                run.seed,
                run.metrics["framework"].travel_time_s,
                run.metrics["consortium"].travel_time_s,
                run.metrics["framework"].travel_share,
                run.metrics["consortium"].travel_share,
            )
            for run in runs
        ),
        neighbourhoods=NeighbourhoodSummary(
            first.plan.method,
            PlanQuality.from_json(first.plan.quality.summary()),
            PlanQuality.from_json(first.plan.baseline.summary()),
        ),
        models_described={model.name: model.description for model in first.models},
        stage_seconds=first.seconds,
        assumptions=assumptions(scenario, first.params, first.locations.networks["drive"].speeds),
        caveats=caveats(first),
        served_comparison=served_comparison(first),
        budget_check=first.budget_check,
        flexibility=None if flexibility is None else tuple(flexibility),
        continuity_tradeoff=first.tradeoff,
    )


def visit_times(scenario: Scenario) -> str:
    """Say in words what windows the calls have (the ``visit_times`` assumption)."""
    package = scenario.package
    if scenario.comparison.instance:
        return "as the instance's visits give them"
    if not package.care_plan_times:
        return "each call's window is its whole band (morning 07:00-10:00, ...)"
    tolerances = ", ".join(
        f"{kind.replace('_', '-')} +-{package.tolerance_s(kind) // 60} min" for kind in VISIT_KINDS
    )
    return (
        f"care-plan times ({package.flexibility}): a planned start in the band, {tolerances}, "
        f"at least {package.min_gap_min} min from the end of one call to the next"
    )


def assumptions(
    scenario: Scenario, params: RoundsParams, speeds: SpeedModel
) -> dict[str, Assumption]:
    """List the figures the comparison rests on, with their sources.

    Parameters
    ----------
    scenario
        The scenario compared.
    params
        The rounds settings the searches used (break rule, search strategy, cost per carer).
    speeds
        The drive network's speed model (urban and rural speed factors).
    """
    c, d, p, w, f = (
        scenario.comparison,
        scenario.demand,
        scenario.package,
        scenario.workforce,
        scenario.framework,
    )
    table = {
        "prevalence_65_plus": (
            d.prevalence_65_plus,
            "470,000 council-funded homecare users in England 2013-14, 79% aged 65+, "
            "over about 9.3 million people aged 65+ (approximate denominator)",
        ),
        "visit_length_shares": (
            p.visit_length_shares,
            "Torbay median provider 2022 (15/30/45/60 min)",
        ),
        "double_handed_share": (
            p.double_handed_share,
            "ASSUMPTION: no national figure is published",
        ),
        "framework_providers": (
            f.providers,
            "ASSUMPTION for this area (the Leeds pilot area had about 30)",
        ),
        "tender_rule": (f.tender, "ASSUMPTION: share-weighted random"),
        "carer_utilisation": (w.utilisation, "ASSUMPTION"),
        "walkers_share": (w.walk_share, "ASSUMPTION"),
        "consortium_share": (
            c.consortium_share,
            "Leeds pilot: about 95% of packages to the consortium",
        ),
        "neighbourhood_size": (
            c.neighbourhood_size,
            "about 200 recipients per neighbourhood (the proposal)",
        ),
        "urban_speed_factor": (
            speeds.urban_factor,
            "DfT: urban local A-roads average 18.4 mph against a 30 mph limit (2017)",
        ),
        "rural_speed_factor": (speeds.rural_factor, "ASSUMPTION"),
        "mileage_pence_per_mile": (c.pence_per_mile, "HMRC approved rate"),
        "co2_kg_per_km": (c.co2_kg_per_km, "ASSUMPTION from DESNZ/DEFRA 2023 average-car factor"),
        "travel_paid": (c.travel_paid, "about 75% of carers are not paid"),
        "max_daily_working_h": (c.max_daily_working_h, "ASSUMPTION"),
        "visit_times": (
            visit_times(scenario),
            "ASSUMPTION (README: care-plan times); the same visits and times for both models",
        ),
        "break_rule": (
            f"{params.break_duration_s // 60} min after {(params.break_after_s or 0) / 3600:g} h",
            "UK Working Time Regulations (20 min when working more than 6 h)",
        ),
        "solver": (
            f"{params.search_described()}, time budget {c.time_budget_s:g} s per seed",
            "the same search for both models; the same budget per visit for each model, "
            "shared among its sessions by size and how busy their carers are",
        ),
        "carers": (
            "carers needed (each search minimises carers used)"
            if c.carers_needed
            else "held equal between the models",
            f"a working period used costs {params.carer_fixed_cost} s of travel"
            if c.carers_needed
            else "the same carers, reassigned by where they live",
        ),
        "continuity_cost": (
            f"{params.continuity_cost} s of travel per visit by a carer "
            + (
                "outside the recipient's regular team (chosen from "
                + (
                    "a first roster of the week for travel alone"
                    if params.continuity_team_from == "rounds"
                    else "the carers living nearest"
                )
                + ") and "
                if params.continuity_team
                else ""
            )
            + "new to the recipient that week"
            if params.continuity_cost
            else "none: the rounds are built for travel alone",
            "ASSUMPTION (trade-off in the README); the same weight for both models, whose "
            "weeks are rostered day by day, each day knowing who served whom before",
        ),
        "weekly_hours": (
            "no limit"
            if params.weekly_hours_tolerance is None
            else f"{params.weekly_hours_basis} time within contracted hours + "
            f"{params.weekly_hours_tolerance:.0%}",
            "ASSUMPTION; the same rule for both models, checked over the week",
        ),
        "sessions": (
            "each day is rostered as a morning and an evening session",
            "early (07:00-14:00) and late (16:00-22:00) periods never share a visit; "
            "the daily working cap is shared between them",
        ),
    }
    return {name: Assumption(value, source) for name, (value, source) in table.items()}
