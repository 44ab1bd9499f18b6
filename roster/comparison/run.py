"""The end-to-end comparison: one area, the same work under framework and consortium models."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from roster.commissioning.models import Commissioning, consortium, framework
from roster.commissioning.neighbourhood_plan import NeighbourhoodPlan, plan_neighbourhoods
from roster.commissioning.week import SolvedPool, solve_week
from roster.comparison.capacity import Capacity, capacity, parse_bands
from roster.comparison.metrics import CostSettings, JsonRecord, ModelMetrics, model_metrics
from roster.comparison.stability import BudgetCheck, budget_check
from roster.comparison.tradeoff import Tradeoff, tradeoff
from roster.demand.census import council_clip
from roster.demand.generate import generate_area
from roster.geo.locations import Locations, locate
from roster.geo.network import RoadNetwork, load_network
from roster.io import read_instance
from roster.model import TRAVEL_MODES, Instance
from roster.rounds.params import RoundsParams
from roster.scenario import AreaConfig, Scenario

logger = logging.getLogger(__name__)

#: Makes a progress callback for a stage: (description, total) -> (advance by n).
ProgressFactory = Callable[[str, int], Callable[[int], None]]


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
    params
        The rounds settings every search used.
    metrics
        Model metrics by model name.
    seconds
        Wall-clock seconds per stage.
    capacity
        Work against carers on shift by pool, day and band, and the spare packages.
    settings
        What rebuilds the same rounds problems from the run's files.
    budget_check
        The same rounds re-solved at a multiple of the time budget, when asked for
        (``[comparison] budget_check``).
    tradeoff
        The same rounds re-solved at other continuity weights, when asked for
        (``[comparison] continuity_weights``).
    """

    seed: int
    instance: Instance
    locations: Locations
    plan: NeighbourhoodPlan
    models: tuple[Commissioning, Commissioning]
    solved: tuple[SolvedPool, ...]
    params: RoundsParams
    metrics: Mapping[str, ModelMetrics]
    seconds: dict[str, float]
    capacity: Capacity
    settings: RunSettings
    budget_check: BudgetCheck | None = None
    tradeoff: Tradeoff | None = None


@dataclass(frozen=True)
class RunSettings(JsonRecord):
    """What rebuilds a run's rounds problems from its instance and pools (``run.json``).

    Parameters
    ----------
    area
        The OSM extract the networks came from.
    scenario
        The scenario's name.
    seed
        The seed.
    days
        Days rostered, from Monday.
    max_snap_m
        Largest distance from a home to its road.
    max_daily_working_s
        Cap on a carer's working time in a day.
    clip
        The outline the networks were clipped to (:meth:`roster.geo.network.Clip.to_json`),
        None for the whole extract; ``roster place`` reloads the same networks with it.
    """

    area: str
    scenario: str
    seed: int
    days: int
    max_snap_m: float
    max_daily_working_s: int
    clip: dict[str, object] | None = None


@contextmanager
def _stage(name: str, seconds: dict[str, float]):
    started = time.perf_counter()
    yield
    seconds[name] = round(time.perf_counter() - started, 1)
    logger.info("stage %s done in %.1f s", name, seconds[name])


def load_networks(
    area: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None = None,
    council: AreaConfig | None = None,
) -> dict[str, RoadNetwork]:
    """Load the drive and walk networks of an area (from the cache when possible).

    With ``council`` (a scenario's area) they are clipped to that council
    (:func:`roster.demand.census.council_clip`), as :func:`run_seed` and every command expect.
    """
    clip = council_clip(council) if council is not None else None
    return {mode: load_network(area, mode, cache_dir=cache_dir, clip=clip) for mode in TRAVEL_MODES}


#: In "carers needed" mode, each working period used costs as much as this much travel (s):
#: two hours, so a carer is added only when that saves more than two hours of driving.
CARERS_NEEDED_COST = 7200


def rounds_params(scenario: Scenario) -> RoundsParams:
    """Solver settings of the comparison's searches: the scenario's rounds settings.

    In carers-needed mode each working period used costs :data:`CARERS_NEEDED_COST`, unless
    the scenario's [rounds] table sets a ``carer_fixed_cost`` of its own.
    """
    params = scenario.rounds
    if scenario.comparison.carers_needed and params.carer_fixed_cost == 0:
        return dataclasses.replace(params, carer_fixed_cost=CARERS_NEEDED_COST)
    return params


def run_seed(
    scenario: Scenario,
    area: str | os.PathLike[str],
    networks: dict[str, RoadNetwork],
    seed: int,
    progress: ProgressFactory | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SeedRun:
    """Run the whole comparison for one seed.

    Parameters
    ----------
    scenario
        Demand, workforce, framework, comparison and solver settings.
    area
        The OSM extract or place name (for generation: buildings and places).
    networks
        Drive and walk networks of the area.
    seed
        Seed of generation, neighbourhoods and consortium allocation.
    progress
        Makes a progress callback for the rostering stage.
    cache_dir
        Where a place name's buildings and places are cached (as the networks are).
    """
    config = scenario.comparison
    seconds: dict[str, float] = {}
    with _stage("instance", seconds):
        if config.instance:
            instance, snapped = read_instance(config.instance), None
        else:
            generated = generate_area(scenario, area, seed, cache_dir, networks["drive"])
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
    # Each carer's own mode: a walker far from a package is far, however short the drive.
    carer_cost = np.stack(
        [
            locations.travel_time_s[carer.travel_mode][n_recipients + i, :n_recipients]
            for i, carer in enumerate(instance.carers)
        ]
    )
    with _stage("commissioning models", seconds):
        models = (
            framework(instance),
            consortium(instance, plan.labels, carer_cost, config.consortium_share, seed),
        )
    params = rounds_params(scenario)
    with _stage("rounds", seconds):
        solved, metrics = _roster(
            scenario,
            params,
            instance,
            models,
            locations,
            config.time_budget_s,
            "rostering visits",
            progress,
        )
    check = None
    if config.budget_check and config.time_budget_s:
        with _stage("budget check", seconds):
            budget = config.time_budget_s * config.budget_check
            _, checked = _roster(
                scenario, params, instance, models, locations, budget, "budget check", progress
            )
        check = budget_check(config.budget_check, config.time_budget_s, metrics, checked)
        logger.info("budget check: %s", check.sentence())
    curve = None
    if config.continuity_weights:
        by_weight = {params.continuity_cost: metrics}
        with _stage("continuity trade-off", seconds):
            for weight in sorted(set(config.continuity_weights) - {params.continuity_cost}):
                weighted = dataclasses.replace(params, continuity_cost=weight)
                _, by_weight[weight] = _roster(
                    scenario,
                    weighted,
                    instance,
                    models,
                    locations,
                    config.time_budget_s,
                    f"continuity weight {weight} s",
                    progress,
                )
        curve = tradeoff(params.continuity_cost, by_weight)
    settings = RunSettings(
        str(area),
        scenario.name,
        seed,
        config.days,
        scenario.area.max_snap_m,
        round(config.max_daily_working_h * 3600),
        networks["drive"].clip.to_json() if networks["drive"].clip else None,
    )
    bands = parse_bands(config.bands)
    room = capacity(
        instance, models, solved, bands, scenario.workforce.utilisation, range(config.days)
    )
    return SeedRun(
        seed,
        instance,
        locations,
        plan,
        models,
        tuple(solved),
        params,
        metrics,
        seconds,
        room,
        settings,
        check,
        curve,
    )


def _roster(
    scenario: Scenario,
    params: RoundsParams,
    instance: Instance,
    models: tuple[Commissioning, Commissioning],
    locations: Locations,
    time_budget_s: float,
    description: str,
    progress: ProgressFactory | None,
) -> tuple[list[SolvedPool], dict[str, ModelMetrics]]:
    """Solve both models' weeks with ``params`` and a time budget (0: the [rounds] limits).

    Returns the solved sessions and each model's metrics.
    """
    config = scenario.comparison
    total = sum(v.day < config.days for v in instance.visits) * len(models)
    advance = progress(description, total) if progress else None
    solved = solve_week(
        instance,
        models,
        locations,
        params,
        days=range(config.days),
        time_budget_s=time_budget_s or None,
        workers=config.workers,
        progress=advance,
        max_daily_working_s=round(config.max_daily_working_h * 3600),
        min_gap_s=min_gap_s(scenario),
    )
    costs = CostSettings.from_config(config, params)
    recipient_of = {v.id: v.recipient_id for v in instance.visits}
    contracted = {c.id: c.contracted_s for c in instance.carers}
    metrics = {
        model.name: model_metrics(
            [s for s in solved if s.model == model.name], recipient_of, costs, contracted
        )
        for model in models
    }
    return solved, metrics


def min_gap_s(scenario: Scenario) -> int:
    """Return the least gap between a recipient's calls that the checker holds the rounds to.

    The generator's ``package.min_gap_min`` when it made care-plan times; an instance read from
    files keeps the windows it gives, so no gap is imposed on it (0).
    """
    package = scenario.package
    if scenario.comparison.instance or not package.care_plan_times:
        return 0
    return package.min_gap_min * 60


def replace_comparison(scenario: Scenario, **changes: object) -> Scenario:
    """Return the scenario with some comparison settings changed (e.g. from the CLI)."""
    return dataclasses.replace(
        scenario, comparison=dataclasses.replace(scenario.comparison, **changes)
    )
