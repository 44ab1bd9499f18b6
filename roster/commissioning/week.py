"""Solve every pool of a commissioning model for each day of a week, checking each answer."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, wait

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

#: Seconds between two progress messages from one search.
_PROGRESS_EVERY_S = 0.5
#: Where a worker process sends (job, share done) messages (set by :func:`_worker_init`).
_QUEUE = None


@dataclasses.dataclass(frozen=True)
class _Job:
    """One pool-day to solve (picklable, for worker processes)."""

    model: str
    pool: str
    day: int
    problem: RoundsProblem
    params: RoundsParams
    index: int = 0


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


def _worker_init(messages) -> None:
    """Keep the queue a worker process sends its progress messages to."""
    global _QUEUE
    _QUEUE = messages


def _solve(
    job: _Job, share_done: Callable[[int, float], None] | None = None
) -> tuple[Rounds, tuple[str, ...]]:
    """Solve and check one pool-day, sending ``(job, share done)`` now and then.

    In a worker process the messages go to the queue given at its start (if any).
    """
    if share_done is None and _QUEUE is not None:
        share_done = _QUEUE.put
    progress = None
    if share_done is not None:
        last = [time.perf_counter()]

        def progress(share: float) -> None:
            now = time.perf_counter()
            if now - last[0] >= _PROGRESS_EVERY_S:
                last[0] = now
                share_done((job.index, share))

    rounds = solve_rounds(job.problem, job.params, progress=progress)
    return rounds, tuple(check_rounds(job.problem, rounds, job.params))


class _Tally:
    """Turns shares of each search done into visits for the progress callback."""

    def __init__(self, jobs: list[_Job], progress: Progress | None) -> None:
        self.jobs, self.progress = jobs, progress
        self.reported = [0] * len(jobs)
        self.finished = [False] * len(jobs)

    def share(self, message: tuple[int, float]) -> None:
        """Count a search's share done, as that share of its visits (but never all of them)."""
        i, share = message
        if self.finished[i] or self.progress is None:
            return
        visits = self.jobs[i].problem.num_visits
        self.advance(i, min(visits - 1, int(share * visits)))

    def finish(self, i: int) -> None:
        """Count every visit of a finished search."""
        self.finished[i] = True
        if self.progress is not None:
            self.advance(i, self.jobs[i].problem.num_visits)

    def advance(self, i: int, visits: int) -> None:
        """Move search ``i``'s tally up to ``visits`` (never down)."""
        if visits > self.reported[i]:
            self.progress(visits - self.reported[i])
            self.reported[i] = visits


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
        Called with a number of visits to advance a progress bar by: each search's visits
        when it ends, and within a large search (the insertion engine) its share done so far
        as that share of its visits, so that the bar moves within minutes-long searches.
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
    jobs = [dataclasses.replace(job, index=i) for i, job in enumerate(jobs)]
    # Largest first, so the parallel workers finish together.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].problem.num_visits)
    answers: dict[int, tuple[Rounds, tuple[str, ...]]] = {}
    tally = _Tally(jobs, progress)
    if workers > 1:
        # Spawned (a fork of a process that has used OR-Tools can deadlock); workers ignore
        # Ctrl-C, and on Ctrl-C (or any error) the parent stops them within seconds.
        messages = multiprocessing.get_context("spawn").Queue() if progress is not None else None
        with stoppable_pool(workers, initializer=_worker_init, initargs=(messages,)) as submit:
            futures = dict(zip(submit(_solve, [jobs[i] for i in order]), order, strict=True))
            pending = set(futures)
            while pending:
                done, pending = wait(
                    pending, timeout=_PROGRESS_EVERY_S, return_when=FIRST_COMPLETED
                )
                _drain(messages, tally)
                for future in done:
                    i = futures[future]
                    answers[i] = future.result()
                    _report(jobs[i], answers[i])
                    tally.finish(i)
    else:
        for i in order:
            answers[i] = _solve(jobs[i], tally.share if progress is not None else None)
            _report(jobs[i], answers[i])
            tally.finish(i)
    return [
        SolvedPool(job.model, job.pool, job.day, job.problem, *_on_shift(answers[i], job, staffed))
        for i, job in enumerate(jobs)
    ]


def _drain(messages, tally: _Tally) -> None:
    """Count every progress message waiting in the queue (if there is one)."""
    while messages is not None:
        try:
            tally.share(messages.get_nowait())
        except queue.Empty:
            return


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


def _report(job: _Job, answer: tuple[Rounds, tuple[str, ...]]) -> None:
    """Log what the checker found in a pool-day's rounds, if anything."""
    rounds, violations = answer
    if violations:
        logger.error(
            "%s %s: the checker found %d broken rule(s), e.g. %s",
            job.pool,
            DAYS[job.day],
            len(violations),
            violations[0],
        )
