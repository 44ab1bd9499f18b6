"""The end-to-end comparison: one area, the same work under framework and consortium models."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from roster.commissioning.models import Commissioning, consortium, framework, weekly_hours
from roster.commissioning.neighbourhood_plan import NeighbourhoodPlan, plan_neighbourhoods
from roster.commissioning.week import solve_week
from roster.comparison.metrics import (
    CostSettings,
    SolvedPool,
    difference,
    model_metrics,
    uncertainty,
)
from roster.demand.generate import generate_area
from roster.geo.locations import Locations, locate
from roster.geo.network import RoadNetwork, load_network
from roster.io import read_instance
from roster.model import TRAVEL_MODES, Instance
from roster.rounds.solve import RoundsParams
from roster.scenario import Scenario

logger = logging.getLogger(__name__)

#: Makes a progress callback for a stage: (description, total) -> (advance by n).
ProgressFactory = Callable[[str, int], Callable[[int], None]]

#: Solver settings for the comparison unless the scenario's [rounds] table says otherwise:
#: parallel cheapest insertion starts large pools in seconds where cost-based insertion cannot.
COMPARISON_ROUNDS = {"first_solution": "PARALLEL_CHEAPEST_INSERTION", "time_limit_s": 30.0}


@dataclass(frozen=True, eq=False)
class SeedRun:
    """Everything one seed produced.

    Parameters
    ----------
    seed
        The seed of generation, neighbourhoods and allocation.
    instance
        Recipients, visits, carers and providers.
    locations
        Snapped homes and their travel matrices.
    plan
        The neighbourhoods.
    models
        Framework and consortium pools.
    solved
        Every pool-day-session's rounds.
    metrics
        Model metrics by model name.
    seconds
        Wall-clock seconds per stage.
    """

    seed: int
    instance: Instance
    locations: Locations
    plan: NeighbourhoodPlan
    models: tuple[Commissioning, Commissioning]
    solved: tuple[SolvedPool, ...]
    metrics: dict[str, dict]
    seconds: dict[str, float]

    def recipient_of(self) -> dict[str, str]:
        """Recipient of each visit id."""
        return _recipient_of(self.instance)


def _recipient_of(instance: Instance) -> dict[str, str]:
    return {v.id: v.recipient_id for v in instance.visits}


@contextmanager
def _stage(name: str, seconds: dict[str, float]):
    started = time.perf_counter()
    yield
    seconds[name] = round(time.perf_counter() - started, 1)
    logger.info("stage %s done in %.1f s", name, seconds[name])


def load_networks(
    area: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> dict[str, RoadNetwork]:
    """Load the drive and walk networks of an area (from the cache when possible)."""
    return {mode: load_network(area, mode, cache_dir=cache_dir) for mode in TRAVEL_MODES}


#: In "carers needed" mode, each working period used costs as much as this much travel (s):
#: two hours, so a carer is added only when that saves more than two hours of driving.
CARERS_NEEDED_COST = 7200


def rounds_params(scenario: Scenario) -> RoundsParams:
    """Solver settings: the comparison defaults overridden by the scenario's [rounds] table."""
    defaults = dict(COMPARISON_ROUNDS)
    if scenario.comparison.carers_needed:
        defaults["carer_fixed_cost"] = CARERS_NEEDED_COST
    return RoundsParams.from_dict({**defaults, **dict(scenario.rounds)})


def run_seed(
    scenario: Scenario,
    area: str | os.PathLike[str],
    networks: dict[str, RoadNetwork],
    seed: int,
    progress: ProgressFactory | None = None,
) -> SeedRun:
    """Run the whole comparison for one seed.

    Parameters
    ----------
    scenario
        Demand, workforce, framework, comparison and solver settings.
    area
        The OSM extract (for generation: buildings and places).
    networks
        Drive and walk networks of the area.
    seed
        Seed of generation, neighbourhoods and consortium allocation.
    progress
        Makes a progress callback for the rostering stage.
    """
    config = scenario.comparison
    seconds: dict[str, float] = {}
    with _stage("instance", seconds):
        if config.instance:
            instance, snapped = read_instance(config.instance), None
        else:
            generated = generate_area(scenario, area, seed, network=networks["drive"])
            instance, snapped = generated.instance, {"drive": generated.snapped}
    with _stage("travel matrices", seconds):
        locations = locate(instance, networks, scenario.area.max_snap_m, snapped)
    n_recipients = len(instance.recipients)
    with _stage("neighbourhoods", seconds):
        plan = plan_neighbourhoods(
            instance,
            networks["drive"],
            target=config.neighbourhood_size,
            tolerance=config.neighbourhood_tolerance,
            seed=seed,
            boundaries=config.boundaries or None,
            balance_hours=config.balance_hours,
            snapped=locations.snapped["drive"].take(np.arange(n_recipients)),
            travel_time_s=locations.travel_time_s["drive"][:n_recipients, :n_recipients],
        )
    carer_cost = locations.travel_time_s["drive"][n_recipients:, :n_recipients]
    models = (
        framework(instance),
        consortium(instance, plan.labels, carer_cost, config.consortium_share, seed),
    )
    with _stage("rounds", seconds):
        total = sum(v.day < config.days for v in instance.visits) * len(models)
        advance = progress("rostering visits", total) if progress else None
        solved = solve_week(
            instance,
            models,
            locations,
            rounds_params(scenario),
            days=range(config.days),
            time_budget_s=config.time_budget_s or None,
            workers=config.workers,
            progress=advance,
            max_daily_working_s=round(config.max_daily_working_h * 3600),
        )
    costs = CostSettings(config.pence_per_mile, config.co2_kg_per_km, config.travel_paid)
    recipient_of = _recipient_of(instance)
    metrics = {
        model.name: model_metrics([s for s in solved if s.model == model.name], recipient_of, costs)
        for model in models
    }
    return SeedRun(seed, instance, locations, plan, models, tuple(solved), metrics, seconds)


def summarise(scenario: Scenario, runs: Sequence[SeedRun]) -> dict:
    """Build ``summary.json``: first seed's models, differences, uncertainty, assumptions."""
    first = runs[0]
    framework_m, consortium_m = first.metrics["framework"], first.metrics["consortium"]
    hours = weekly_hours(first.instance)
    config = scenario.comparison
    return {
        "area": scenario.name,
        "seed": first.seed,
        "seeds": [run.seed for run in runs],
        "days": config.days,
        "recipients": len(first.instance.recipients),
        "carers": len(first.instance.carers),
        "providers": len({r.provider_id for r in first.instance.recipients}),
        "weekly_contact_hours": round(sum(hours.values()), 1),
        "models": {"framework": framework_m, "consortium": consortium_m},
        "difference": difference(framework_m, consortium_m),
        "uncertainty": uncertainty(
            [(r.metrics["framework"], r.metrics["consortium"]) for r in runs]
        ),
        "per_seed": [
            {
                "seed": run.seed,
                "framework_travel_time_s": run.metrics["framework"]["travel_time_s"],
                "consortium_travel_time_s": run.metrics["consortium"]["travel_time_s"],
                "framework_travel_share": run.metrics["framework"]["travel_share"],
                "consortium_travel_share": run.metrics["consortium"]["travel_share"],
            }
            for run in runs
        ],
        "neighbourhoods": {
            "method": first.plan.method,
            **first.plan.quality.summary(),
            "kmeans_baseline": first.plan.baseline.summary(),
        },
        "models_described": {model.name: model.description for model in first.models},
        "stage_seconds": first.seconds,
        "assumptions": assumptions(scenario),
    }


def assumptions(scenario: Scenario) -> dict[str, dict[str, object]]:
    """List the figures the comparison rests on, with their sources."""
    c, d, p, w, f = (
        scenario.comparison,
        scenario.demand,
        scenario.package,
        scenario.workforce,
        scenario.framework,
    )
    params = rounds_params(scenario)
    return {
        "prevalence_65_plus": {
            "value": d.prevalence_65_plus,
            "source": "470,000 council-funded homecare users in England 2013-14, 79% aged 65+, "
            "over about 9.3 million people aged 65+ (approximate denominator)",
        },
        "visit_length_shares": {
            "value": list(p.visit_length_shares),
            "source": "Torbay median provider 2022 (15/30/45/60 min)",
        },
        "double_handed_share": {
            "value": p.double_handed_share,
            "source": "ASSUMPTION: no national figure is published",
        },
        "framework_providers": {
            "value": f.providers,
            "source": "ASSUMPTION for this area (the Leeds pilot area had about 30)",
        },
        "tender_rule": {"value": f.tender, "source": "ASSUMPTION: share-weighted random"},
        "carer_utilisation": {"value": w.utilisation, "source": "ASSUMPTION"},
        "walkers_share": {"value": w.walk_share, "source": "ASSUMPTION"},
        "consortium_share": {
            "value": c.consortium_share,
            "source": "Leeds pilot: about 95% of packages to the consortium",
        },
        "neighbourhood_size": {
            "value": c.neighbourhood_size,
            "source": "about 200 recipients per neighbourhood (the proposal)",
        },
        "urban_speed_factor": {
            "value": 0.61,
            "source": "DfT: urban local A-roads average 18.4 mph against a 30 mph limit (2017)",
        },
        "rural_speed_factor": {"value": 0.75, "source": "ASSUMPTION"},
        "mileage_pence_per_mile": {"value": c.pence_per_mile, "source": "HMRC approved rate"},
        "co2_kg_per_km": {
            "value": c.co2_kg_per_km,
            "source": "ASSUMPTION from DESNZ/DEFRA 2023 average-car factor",
        },
        "travel_paid": {"value": c.travel_paid, "source": "about 75% of carers are not paid"},
        "max_daily_working_h": {"value": c.max_daily_working_h, "source": "ASSUMPTION"},
        "break_rule": {
            "value": f"{params.break_duration_s // 60} min after "
            f"{(params.break_after_s or 0) / 3600:g} h",
            "source": "UK Working Time Regulations (20 min when working more than 6 h)",
        },
        "solver": {
            "value": f"OR-Tools {params.first_solution} + {params.metaheuristic}, "
            f"time budget {c.time_budget_s:g} s per seed",
            "source": "the same search for both models; same budget per visit",
        },
        "carers": {
            "value": "carers needed (each search minimises carers used)"
            if c.carers_needed
            else "held equal between the models",
            "source": f"a working period used costs {CARERS_NEEDED_COST} s of travel"
            if c.carers_needed
            else "the same carers, reassigned by where they live",
        },
        "sessions": {
            "value": "each day is rostered as a morning and an evening session",
            "source": "early (07:00-14:00) and late (16:00-22:00) periods never share a visit; "
            "the daily working cap is shared between them",
        },
    }


def replace_comparison(scenario: Scenario, **changes: object) -> Scenario:
    """Return the scenario with some comparison settings changed (e.g. from the CLI)."""
    return dataclasses.replace(
        scenario, comparison=dataclasses.replace(scenario.comparison, **changes)
    )
