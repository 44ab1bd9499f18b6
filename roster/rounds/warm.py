"""Warm start for the rounds solver: PyVRP's search on pools without homecare-only rules."""

from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np

from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem

logger = logging.getLogger(__name__)


def pyvrp_can_model(problem: RoundsProblem, params: RoundsParams) -> bool:
    """Whether the pool is a plain VRPTW that PyVRP solves exactly as OR-Tools would.

    That is: one travel mode, no double-handed visits, no skill or gender restriction, one
    working period per carer, no lateness and no break the periods could need.
    """
    p = problem
    lacking = (p.visit_skills[:, None, :] & ~p.carer_skills[None, :, :]).any()
    lengths = p.period_end_s - p.period_start_s
    return bool(
        p.num_visits
        and p.num_periods
        and len(np.unique(p.carer_mode)) == 1
        and (p.carers_required == 1).all()
        and not lacking
        and (p.gender_preference == ANY_GENDER).all()
        and (np.bincount(p.period_carer, minlength=p.num_carers) <= 1).all()
        and not params.allow_lateness
        and (params.break_after_s is None or (lengths <= params.break_after_s).all())
    )


def pyvrp_routes(
    problem: RoundsProblem,
    params: RoundsParams,
    time_limit_s: float | None,
    seed: int,
    iterations: int | None = None,
) -> list[list[tuple[int, int]]] | None:
    """Solve the pool with PyVRP for a while and return its routes per period, or None.

    Parameters
    ----------
    problem
        A pool for which :func:`pyvrp_can_model` holds.
    params
        The unassigned penalty (a PyVRP prize) and the fixed cost per carer are used.
    time_limit_s
        PyVRP's run time, or None.
    seed
        Seed of PyVRP's genetic search.
    iterations
        Stop after this many iterations instead (deterministic; use in tests), or None.

    Returns
    -------
    list[list[tuple[int, int]]] | None
        ``(visit, 0)`` sequences per period, or None when PyVRP found no feasible solution.
    """
    from pyvrp import Model
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    p = problem
    travel = p.travel_time_s[int(p.carer_mode[0])]
    model = Model()
    homes = sorted({int(h) for h in p.carer_home})
    places = [model.add_location(0.0, 0.0) for _ in homes]
    depots = {h: model.add_depot(place) for h, place in zip(homes, places, strict=True)}
    visit_places = [model.add_location(0.0, 0.0) for _ in range(p.num_visits)]
    demand = p.visit_demand if p.visit_demand is not None else np.zeros(p.num_visits, int)
    for v, place in enumerate(visit_places):
        model.add_client(
            place,
            delivery=[int(demand[v])],
            service_duration=int(p.duration_s[v]),
            tw_early=int(p.earliest_start_s[v]),
            tw_late=int(p.latest_start_s[v]),
            required=params.unassigned_penalty is None,
            prize=params.unassigned_penalty or 0,
        )
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for period, carer in enumerate(p.period_carer):
        capacity = 0 if p.carer_capacity is None else int(p.carer_capacity[carer])
        key = (
            int(p.carer_home[carer]),
            int(p.period_start_s[period]),
            int(p.period_end_s[period]),
            int(p.max_working_s[carer]),
            capacity,
        )
        groups[key].append(period)
    for (home, start, end, working, capacity), periods in groups.items():
        model.add_vehicle_type(
            num_available=len(periods),
            capacity=[capacity if p.carer_capacity is not None else int(demand.sum())],
            start_depot=depots[home],
            end_depot=depots[home],
            fixed_cost=params.carer_fixed_cost,
            tw_early=start,
            tw_late=end,
            shift_duration=min(working, end - start),
        )
    locations = [*homes, *(int(v) for v in p.visit_location)]
    for a, place_a in enumerate([*places, *visit_places]):
        for b, place_b in enumerate([*places, *visit_places]):
            seconds = int(travel[locations[a], locations[b]])
            model.add_edge(place_a, place_b, distance=seconds, duration=seconds)
    stops = [MaxRuntime(time_limit_s)] if time_limit_s is not None else []
    stops += [MaxIterations(iterations)] if iterations is not None else []
    if not stops:
        raise ValueError("A warm start needs a time limit or an iteration limit.")
    result = model.solve(stop=MultipleCriteria(stops), seed=seed, display=False)
    if not result.best.is_feasible():
        logger.info("PyVRP found no feasible warm start.")
        return None
    free = [list(periods) for periods in groups.values()]
    routes: list[list[tuple[int, int]]] = [[] for _ in range(p.num_periods)]
    for route in result.best.routes():
        period = free[route.vehicle_type()].pop(0)
        routes[period] = [(int(a.idx), 0) for a in route.schedule() if a.is_client()]
    return routes
