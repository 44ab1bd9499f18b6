"""Solve every pool of a commissioning model for each day of a week, checking each answer."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

from neighbourhoods.processes import stoppable_pool
from roster.commissioning.models import Commissioning
from roster.commissioning.pools import MAX_DAILY_WORKING_S, pool_gaps, pool_problems
from roster.geo.locations import Locations
from roster.model import DAYS, Instance
from roster.rounds.checker import check_rounds
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import NO_CARERS, NO_SHIFT, Rounds
from roster.rounds.solve import solve_rounds

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclasses.dataclass(frozen=True)
class _Job:
    """One pool-day to solve (picklable, for worker processes)."""

    model: str
    pool: str
    day: int
    problem: RoundsProblem
    params: RoundsParams


@dataclasses.dataclass(frozen=True, eq=False)
class SolvedPool:
    """One pool's rounds for one day.

    Parameters
    ----------
    model, pool
        Commissioning model and pool names.
    day
        0 (Monday) to 6.
    problem
        The problem solved.
    rounds
        The solver's answer.
    violations
        What the independent checker found (empty when the rounds keep every rule).
    """

    model: str
    pool: str
    day: int
    problem: RoundsProblem
    rounds: Rounds
    violations: tuple[str, ...] = ()


def _solve(job: _Job) -> tuple[Rounds, tuple[str, ...]]:
    rounds = solve_rounds(job.problem, job.params)
    return rounds, tuple(check_rounds(job.problem, rounds, job.params))


def solve_week(
    instance: Instance,
    models: Sequence[Commissioning],
    locations: Locations,
    params: RoundsParams,
    days: Sequence[int] = tuple(range(7)),
    time_budget_s: float | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    max_daily_working_s: int = MAX_DAILY_WORKING_S,
) -> list[SolvedPool]:
    """Build and solve the rounds problems of every model, pool and day (one per session).

    Parameters
    ----------
    instance
        Visits and carers.
    models
        Commissioning models (their pools).
    locations
        Snapped homes.
    params
        Solver settings. With ``time_budget_s`` each solve's time limit is that budget's share
        in proportion to the visits it holds (times ``workers``, which solve side by side).
    days
        Days of the week to roster (0 = Monday).
    time_budget_s
        Total wall-clock time for all solves, or None to use ``params`` as they are.
    workers
        Processes solving in parallel (one OR-Tools search each).
    progress
        Called with the number of visits just solved, for a progress bar.
    max_daily_working_s
        Cap on a carer's working time in a day.

    Returns
    -------
    list[SolvedPool]
        One entry per model, pool, day and session with at least one visit, in that order.
    """
    jobs = []
    staffed = set()
    for model in models:
        for pool in model.pools:
            if pool.carer_ids:
                staffed.add((model.name, pool.name))
            for line in pool_gaps(instance, pool, days):
                logger.warning("%s pool %s: %s", model.name, pool.name, line)
            for day in days:
                for problem in pool_problems(instance, pool, day, locations, max_daily_working_s):
                    jobs.append(_Job(model.name, pool.name, day, problem, params))
    total_visits = sum(job.problem.num_visits for job in jobs)
    if time_budget_s is not None and jobs:
        jobs = [
            dataclasses.replace(
                job,
                params=dataclasses.replace(
                    params,
                    time_limit_s=max(
                        0.5, time_budget_s * workers * job.problem.num_visits / total_visits
                    ),
                ),
            )
            for job in jobs
        ]
    logger.info(
        "solving %d pool-days (%d visits) on %d worker(s)", len(jobs), total_visits, workers
    )
    # Largest first, so the parallel workers finish together.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].problem.num_visits)
    answers: dict[int, tuple[Rounds, tuple[str, ...]]] = {}
    if workers > 1:
        # Spawned (a fork of a process that has used OR-Tools can deadlock); workers ignore
        # Ctrl-C, and on Ctrl-C (or any error) the parent stops them within seconds.
        with stoppable_pool(workers) as submit:
            futures = dict(zip(order, submit(_solve, [jobs[i] for i in order]), strict=True))
            for i in order:
                answers[i] = futures[i].result()
                _report(jobs[i], answers[i], progress)
    else:
        for i in order:
            answers[i] = _solve(jobs[i])
            _report(jobs[i], answers[i], progress)
    return [
        SolvedPool(job.model, job.pool, job.day, job.problem, *_on_shift(answers[i], job, staffed))
        for i, job in enumerate(jobs)
    ]


def _on_shift(
    answer: tuple[Rounds, tuple[str, ...]], job: _Job, staffed: set[tuple[str, str]]
) -> tuple[Rounds, tuple[str, ...]]:
    """Say "no carer on shift that day" where a pool with carers had none working that day.

    The rounds problem of such a day has no carers at all, so the solver can only say the pool
    has none; the pool knows better.
    """
    rounds, violations = answer
    if (job.model, job.pool) not in staffed or not any(
        u.reason == NO_CARERS for u in rounds.unassigned
    ):
        return answer
    unassigned = tuple(
        dataclasses.replace(u, reason=NO_SHIFT) if u.reason == NO_CARERS else u
        for u in rounds.unassigned
    )
    return dataclasses.replace(rounds, unassigned=unassigned), violations


def _report(job: _Job, answer: tuple[Rounds, tuple[str, ...]], progress: Progress | None) -> None:
    rounds, violations = answer
    if violations:
        logger.error(
            "%s %s: the checker found %d broken rule(s), e.g. %s",
            job.pool,
            DAYS[job.day],
            len(violations),
            violations[0],
        )
    if progress is not None:
        progress(job.problem.num_visits)
