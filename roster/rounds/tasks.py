"""The routing nodes of a pool: each carer-visit with the working periods that could serve it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.solution import (
    NO_CARERS,
    NO_GENDER,
    NO_SKILLS,
    TOO_FEW_CARERS,
    UNREACHABLE,
)


@dataclass(frozen=True)
class Tasks:
    """What each carer-visit (a routing node) is: its visit, half, place and service time."""

    visit: np.ndarray
    half: np.ndarray
    location: np.ndarray
    duration_s: np.ndarray
    allowed: tuple[tuple[int, ...], ...]


def screen_visits(
    problem: RoundsProblem, params: RoundsParams
) -> tuple[dict[int, str], dict[tuple[int, int], tuple[int, ...]]]:
    """Find visits no carer can serve, and the periods that could serve each visit half.

    Returns
    -------
    reasons
        Visit index to the reason it cannot be served, for visits ruled out before solving, in
        this order: the pool has no carers; a double-handed visit in a pool of one carer; no
        carer (or second carer) with the skills; none of the preferred gender; none who can
        reach the window within a working period.
    allowed
        ``(visit, half)`` to the periods whose carer has the skills (and gender, if hard) and
        can reach the visit within its window and get home by the end of the period.
    """
    p = problem
    reasons: dict[int, str] = {}
    allowed: dict[tuple[int, int], tuple[int, ...]] = {}
    late_s = late_bound(params)
    home, mode = p.carer_home[p.period_carer], p.carer_mode[p.period_carer]
    for v in range(p.num_visits):
        loc = p.visit_location[v]
        halves = range(p.carers_required[v])
        skills = [p.visit_skills[v], p.second_skills[v]]
        durations = [p.duration_s[v], p.second_duration_s[v]]
        if p.num_carers < len(halves):
            reasons[v] = NO_CARERS if p.num_carers == 0 else TOO_FEW_CARERS
            continue
        capable = [np.all(p.carer_skills >= skills[h], axis=1) for h in halves]
        if not _two_carers(capable):
            reasons[v] = NO_SKILLS
            continue
        if params.gender_hard and p.gender_preference[v] != ANY_GENDER:
            capable = [c & (p.carer_gender == p.gender_preference[v]) for c in capable]
            if not _two_carers(capable):
                reasons[v] = NO_GENDER
                continue
        there = p.travel_time_s[mode, home, loc]
        back = p.travel_time_s[mode, loc, home]
        start = np.maximum(p.period_start_s + there, p.earliest_start_s[v])
        on_time = start <= p.latest_start_s[v] + late_s
        reachable = []
        for h in halves:
            fits = on_time & (start + durations[h] + back <= p.period_end_s)
            fits &= there + durations[h] + back <= p.max_working_s[p.period_carer]
            fits &= durations[h] <= p.max_contact_s[p.period_carer]
            reachable.append(fits & capable[h][p.period_carer])
        by_carer = []
        for fits in reachable:
            carers = np.zeros(p.num_carers, bool)
            carers[p.period_carer[fits]] = True
            by_carer.append(carers)
        if not _two_carers(by_carer):
            reasons[v] = UNREACHABLE
            continue
        for h in halves:
            allowed[v, h] = tuple(int(i) for i in np.flatnonzero(reachable[h]))
    return reasons, allowed


def _two_carers(capable: list[np.ndarray]) -> bool:
    """Whether every half has a capable carer, and two halves have two different ones."""
    if not all(c.any() for c in capable):
        return False
    if len(capable) == 1:
        return True
    first, second = (np.flatnonzero(c) for c in capable)
    return len(first) > 1 or len(second) > 1 or first[0] != second[0]


def late_bound(params: RoundsParams) -> int | float:
    """Largest lateness a start may have (0 when lateness is not allowed)."""
    if not params.allow_lateness:
        return 0
    return np.inf if params.max_lateness_s is None else params.max_lateness_s


def node_tasks(
    problem: RoundsProblem,
    allowed: dict[tuple[int, int], tuple[int, ...]],
    reasons: dict[int, str],
) -> Tasks:
    """List the routing nodes: each half of each visit that some period could serve."""
    keys = [(v, h) for v in range(problem.num_visits) if v not in reasons for h in (0, 1)]
    keys = [k for k in keys if k in allowed]
    visit = np.array([v for v, _ in keys], dtype=np.int64)
    half = np.array([h for _, h in keys], dtype=np.int64)
    duration = np.where(half == 0, problem.duration_s[visit], problem.second_duration_s[visit])
    return Tasks(
        visit=visit,
        half=half,
        location=problem.visit_location[visit],
        duration_s=duration.astype(np.int64),
        allowed=tuple(allowed[k] for k in keys),
    )


def node_routes(
    tasks: Tasks, routes: list[list[tuple[int, int]]] | list[list[int]]
) -> list[list[int]]:
    """Translate routes of ``(visit, half)`` pairs into routes of routing nodes.

    A bare visit index stands for its first half where first listed, its second after; a
    half that is not a node (ruled out before solving) is left out.
    """
    pairs = zip(tasks.visit, tasks.half, strict=True)
    node_of = {(int(v), int(h)): n for n, (v, h) in enumerate(pairs)}
    seen: set[int] = set()
    nodes = []
    for route in routes:
        order = []
        for key in route:
            if not isinstance(key, tuple):
                visit = int(key)
                key = (visit, 1 if visit in seen else 0)
                seen.add(visit)
            if key in node_of:
                order.append(node_of[key])
        nodes.append(order)
    return nodes
