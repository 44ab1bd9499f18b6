"""Tiny hand-checkable pools for the rounds solver and checker tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from roster.rounds.objective import objective
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import NO_CAPACITY, Rounds, Route, Unassigned

HOUR = 3600
#: Locations 0..5 sit on a straight road, 10 minutes' drive (30 walking) apart.
STEP_S = 600


def line_matrices(count: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Drive and walk travel times and lengths between points on a line."""
    position = np.arange(count)
    hops = np.abs(position[:, None] - position[None, :])
    travel = np.stack([hops * STEP_S, hops * STEP_S * 3])
    length = np.stack([hops * 5_000, hops * 2_500])
    return travel, length


def line_pool(visits: list[dict[str, Any]], carers: list[dict[str, Any]], **extra) -> RoundsProblem:
    """Build a pool on the line from short per-visit and per-carer dicts.

    A visit dict has ``id``, ``at`` (location) and optionally ``window`` (hours),
    ``minutes``, ``carers``, ``skills`` (list of skill indices), ``gender``. A carer dict has
    ``id`` and optionally ``home``, ``mode``, ``skills``, ``gender``, ``periods`` (hours) and
    ``max_hours``. Two skill columns exist.
    """
    travel, length = line_matrices()
    skills = 2

    def mask(indices: list[int]) -> list[bool]:
        return [k in indices for k in range(skills)]

    periods = [(c, p) for c, carer in enumerate(carers) for p in carer.get("periods", [(7, 13)])]
    return RoundsProblem(
        travel_time_s=travel,
        length_m=length,
        visit_id=[v["id"] for v in visits],
        visit_location=[v["at"] for v in visits],
        earliest_start_s=[int(v.get("window", (8, 11))[0] * HOUR) for v in visits],
        latest_start_s=[int(v.get("window", (8, 11))[1] * HOUR) for v in visits],
        duration_s=[v.get("minutes", 30) * 60 for v in visits],
        carers_required=[v.get("carers", 1) for v in visits],
        visit_skills=np.array([mask(v.get("skills", [])) for v in visits]).reshape(-1, skills),
        gender_preference=[v.get("gender", -1) for v in visits],
        carer_id=[c["id"] for c in carers],
        carer_home=[c.get("home", 0) for c in carers],
        carer_mode=[c.get("mode", 0) for c in carers],
        carer_skills=np.array([mask(c.get("skills", [0, 1])) for c in carers]).reshape(-1, skills),
        carer_gender=[c.get("gender", 0) for c in carers],
        max_working_s=[int(c.get("max_hours", 10) * HOUR) for c in carers],
        period_carer=[c for c, _ in periods],
        period_start_s=[int(p[0] * HOUR) for _, p in periods],
        period_end_s=[int(p[1] * HOUR) for _, p in periods],
        **extra,
    )


def exact_params(**changes) -> RoundsParams:
    """Deterministic settings for tests: no time limit; a fixed number of iterations.

    The default engine (insertion) then improves for 200 iterations; with
    ``engine="ortools"``, greedy descent stops at a local optimum (guided local search on a
    pool this small can run out of new solutions before any solution limit is reached and
    then never stops, so only larger pools use it in tests).
    """
    settings = {
        "time_limit_s": None,
        "solution_limit": 1000,
        "metaheuristic": "GREEDY_DESCENT",
        "improve_iterations": 200 if changes.get("engine", "insertion") == "insertion" else None,
    }
    return RoundsParams(**(settings | changes))


def rounds_of(
    problem: RoundsProblem, params: RoundsParams, reasons: dict[int, str], routes: tuple[Route, ...]
) -> Rounds:
    """Wrap routes as rounds with their objective; every visit they leave out is unassigned.

    A visit left out has its screening reason (``reasons``), or else no capacity.
    """
    served = {s.visit_id for r in routes for s in r.steps}
    unassigned = tuple(
        Unassigned(v, reasons.get(k, NO_CAPACITY))
        for k, v in enumerate(problem.visit_id)
        if v not in served
    )
    rounds = Rounds(routes, unassigned, "", 0)
    return replace(rounds, objective=objective(problem, params, rounds))


#: A split shift, a 6-hour one and an 8-hour one that needs a break.
SHIFTS = ([(7, 10.5), (11, 13)], [(7, 13)], [(7, 15)])


def random_pool(rng: np.random.Generator, visits: int, carers: int, **extra):
    """Build a pool on the line with windows, durations, skills, genders and pairs."""
    visit_dicts = []
    for k in range(visits):
        opens = 8 + rng.integers(0, 4) * 0.5
        visit_dicts.append(
            {
                "id": f"v{k}",
                "at": int(rng.integers(6)),
                "window": (opens, opens + rng.choice([0, 0.5, 1, 2])),
                "minutes": int(rng.choice([15, 30, 45])),
                "carers": int(rng.choice([1, 1, 1, 2])),
                "skills": [int(s) for s in rng.choice(2, rng.integers(0, 2), replace=False)],
                "gender": int(rng.choice([-1, -1, 0, 1])),
            }
        )
    carer_dicts = [
        {
            "id": f"c{k}",
            "home": int(rng.integers(6)),
            "mode": int(rng.integers(2)),
            "skills": [int(s) for s in rng.choice(2, rng.integers(1, 3), replace=False)],
            "gender": int(rng.integers(2)),
            "periods": SHIFTS[rng.choice(3, p=[0.3, 0.4, 0.3])],
            "max_hours": float(rng.choice([4, 10])),
        }
        for k in range(carers)
    ]
    return line_pool(visit_dicts, carer_dicts, **extra)
