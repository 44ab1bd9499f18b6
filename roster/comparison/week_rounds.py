"""Roster one provider's or consortium's week from an instance, with no comparison.

What ``roster rounds`` runs: the same weekly engine as the comparison
(:func:`roster.commissioning.week.solve_week`: each pool's days in order, contracted hours and
continuity of care), on the instance's own pools, and the comparison's metrics of the result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from roster.commissioning.models import Commissioning, framework
from roster.commissioning.pools import Pool
from roster.commissioning.week import SolvedPool, solve_week
from roster.comparison.metrics import (
    CarerWeek,
    CostSettings,
    ModelMetrics,
    carer_weeks,
    model_metrics,
)
from roster.errors import InputError
from roster.geo.locations import Locations, locate
from roster.geo.network import RoadNetwork
from roster.model import Instance
from roster.rounds.params import RoundsParams

logger = logging.getLogger(__name__)

#: How ``roster rounds`` groups the instance into pools rostered together.
POOLINGS = ("providers", "one")

#: The name of the rostered model in the outputs.
MODEL = "rounds"


@dataclass(frozen=True)
class WeekRounds:
    """One week rostered for an instance's own pools, and its figures.

    Parameters
    ----------
    instance
        The visits and carers.
    locations
        Their homes, snapped, and the travel between them.
    model
        The pools rostered (named :data:`MODEL`).
    solved
        Every pool-day-session's rounds, checked.
    params
        The solver's settings and rules.
    metrics
        The comparison's figures for the week (one model).
    carers
        Each carer's week: hours against contract, pay by visit and by shift.
    days
        Days rostered (0 = Monday).
    seconds
        Wall-clock seconds per stage.
    """

    instance: Instance
    locations: Locations
    model: Commissioning
    solved: tuple[SolvedPool, ...]
    params: RoundsParams
    metrics: ModelMetrics
    carers: tuple[CarerWeek, ...]
    days: tuple[int, ...]
    seconds: Mapping[str, float]


def instance_pools(instance: Instance, pooling: str = "providers") -> Commissioning:
    """Group the instance into pools: each provider's own (``"providers"``), or one for all.

    ``"one"`` is a consortium's week (or a single provider's): every recipient and carer in
    one pool. ``"providers"`` needs every recipient and carer to name a provider.
    """
    if pooling not in POOLINGS:
        raise InputError(f"Unknown pooling {pooling!r}: one of {POOLINGS}.", field="pooling")
    if pooling == "providers":
        pools = tuple(
            Pool(
                p.name.replace("framework/", "provider/"),
                p.recipient_ids,
                p.carer_ids,
                p.provider_id,
            )
            for p in framework(instance).pools
        )
        return Commissioning(MODEL, pools, "Each provider rosters its own clients.")
    pool = Pool(
        "all", tuple(r.id for r in instance.recipients), tuple(c.id for c in instance.carers)
    )
    return Commissioning(MODEL, (pool,), "One pool: every recipient and carer together.")


def roster_week(
    instance: Instance,
    networks: Mapping[str, RoadNetwork],
    params: RoundsParams,
    costs: CostSettings,
    days: Sequence[int] = tuple(range(7)),
    pooling: str = "providers",
    time_budget_s: float | None = None,
    workers: int = 1,
    max_snap_m: float | None = None,
    max_daily_working_s: int | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
) -> WeekRounds:
    """Snap homes, roster the week of each pool, and compute its figures.

    Parameters
    ----------
    instance
        The visits and carers (e.g. an instance folder ``roster demo`` wrote).
    networks
        Road networks by travel mode.
    params
        Solver settings and rules (continuity weight, weekly hours tolerance, ...).
    costs
        Mileage, emissions, wage and the hours tolerance of the figures.
    days
        Days to roster (0 = Monday).
    pooling
        One of :data:`POOLINGS` (:func:`instance_pools`).
    time_budget_s
        Wall-clock seconds for all the searches, shared by visits; None for ``params``' limits.
    workers
        Searches side by side.
    max_snap_m, max_daily_working_s
        The farthest a home may lie from a road, and the daily cap (defaults: the library's).
    progress
        Makes a progress callback from a description and a total of visits.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    extra = {} if max_snap_m is None else {"max_snap_m": max_snap_m}
    locations = locate(instance, networks, **extra)
    seconds["travel matrices"] = round(time.perf_counter() - started, 1)
    model = instance_pools(instance, pooling)
    wanted = set(days)
    total = sum(v.day in wanted for v in instance.visits)
    advance = progress("rostering visits", total) if progress else None
    started = time.perf_counter()
    cap = {} if max_daily_working_s is None else {"max_daily_working_s": max_daily_working_s}
    solved = solve_week(
        instance,
        [model],
        locations,
        params,
        days=sorted(wanted),
        time_budget_s=time_budget_s,
        workers=workers,
        progress=advance,
        **cap,
    )
    seconds["rounds"] = round(time.perf_counter() - started, 1)
    recipient_of = {v.id: v.recipient_id for v in instance.visits}
    contracted = {c.id: c.contracted_s for c in instance.carers}
    metrics = model_metrics(solved, recipient_of, costs, contracted)
    weeks = carer_weeks(solved, contracted, costs)
    logger.info(
        "rostered %d visits: %d unassigned, %.1f h of travel",
        metrics.visits,
        metrics.visits_unassigned,
        metrics.travel_time_s / 3600,
    )
    return WeekRounds(
        instance,
        locations,
        model,
        tuple(solved),
        params,
        metrics,
        weeks,
        tuple(sorted(wanted)),
        seconds,
    )
