"""Solve every pool of a commissioning model for each day of a week, checking each answer."""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
import queue
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

import numpy as np

from neighbourhoods.processes import stoppable_pool
from roster.commissioning.models import Commissioning
from roster.commissioning.pools import (
    MAX_DAILY_WORKING_S,
    Session,
    pool_gaps,
    pool_sessions,
    session_problem,
)
from roster.commissioning.teams import regular_teams
from roster.geo.locations import Locations
from roster.model import DAYS, Carer, Instance
from roster.rounds.checker import CarePlan, PlannedVisit, check_rounds, check_week
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem, without_travel
from roster.rounds.solution import NO_CARERS, NO_SHIFT, Rounds
from roster.rounds.solve import solve_rounds

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]

#: Seconds between two progress messages from one search.
_PROGRESS_EVERY_S = 0.5
#: How far ahead of an even pace a carer may use their week's hours on one day: a day's share
#: of what their contract has left is its share of their shift time left, times this. Without
#: pacing, the first days use up short contracts and the last days' visits go unplaced. At 1.25
#: the skilled carers of a consortium were at their week's cap by Sunday (Rutland seed 2: 5 of 7
#: insulin carers on shift); 1.1 left fewer visits out over seeds 1-5 (README, "A floor under
#: each kept day").
_PACE = 1.1
#: Share of the time budget (or of each session's limit, without one) that the first roster of
#: the week, made for travel alone, takes when regular teams come from its rounds
#: (``RoundsParams.continuity_team_from = "rounds"``); the rest goes on the roster itself.
FIRST_ROSTER_SHARE = 1 / 3
#: Least time a session gets from a time budget, in seconds, by engine: OR-Tools needs about
#: this to build its model and find a first solution on a small pool; the insertion engine
#: constructs a small session in milliseconds and then runs thousands of iterations in this.
MIN_SESSION_S = {"insertion": 0.05, "ortools": 0.5}
#: Where a worker process sends (job, share done) messages (set by :func:`_worker_init`).
_QUEUE = None
#: The rounds stage's deadline, in a worker process (set by :func:`_worker_init`).
_DEADLINE = None
#: The area's locations in a worker process, matrices mapped from the parent's files (the same).
_LOCATIONS: Locations | None = None


@dataclasses.dataclass(frozen=True)
class _Job:
    """One pool's week to solve, day by day and session by session (picklable, for workers).

    ``recipient_of`` names each visit's recipient, ``contracted_s`` each carer's contracted
    weekly time, ``shift_s`` their time on shift on each day rostered (0 on the others),
    ``preferred`` each recipient's preferred carers (the rules' inputs), ``care_plan`` the
    visits' care-plan times and the gap between calls (what :func:`check_week` holds the week
    to); ``steps`` holds each session's day, session (its problem is built from the area's
    matrices when it is solved, so a job stays light) or problem, and settings, in time order.
    """

    model: str
    pool: str
    steps: tuple[tuple[int, Session | RoundsProblem, RoundsParams], ...]
    recipient_of: Mapping[str, str]
    contracted_s: Mapping[str, int]
    shift_s: Mapping[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    preferred: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    care_plan: CarePlan | None = None
    index: int = 0

    @property
    def num_visits(self) -> int:
        """Visits over the week."""
        return sum(session.num_visits for _, session, _ in self.steps)


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
        The problem solved, its travel dropped (:func:`without_travel`): the area's matrices
        hold it, and a city's week of sessions would hold gigabytes of copies.
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


@dataclasses.dataclass(frozen=True)
class _Deadline:
    """Keeps the sessions of a time budget to its wall clock, shared by the workers.

    Each session's limit is its share of the budget (:func:`_budgeted`); but starting the
    worker processes, building problems and checking answers take time too (on one Rutland
    day with a 20 s budget: 6 s to start two workers, 3 s to build the problems, about 4%
    per session), which took the rounds stage 60% past its budget. So each session, as it
    starts, gets its limit scaled down by what the workers can still give before the deadline
    over the planned time of the sessions not yet started (``planned``, a shared counter).
    """

    deadline: float  # time.time() by which every session should have ended
    workers: int
    planned: object  # multiprocessing Value("d"): planned seconds of sessions not yet started

    def paced(self, params: RoundsParams) -> RoundsParams:
        """Return a session's settings with its limit cut to what the deadline leaves."""
        planned_s = params.time_limit_s or 0.0
        with self.planned.get_lock():
            waiting = self.planned.value
            self.planned.value = max(0.0, waiting - planned_s)
        room = max(0.0, (self.deadline - time.time()) * self.workers)
        if waiting <= room:
            return params
        floor_s = MIN_SESSION_S[params.engine]
        return dataclasses.replace(params, time_limit_s=max(floor_s, planned_s * room / waiting))


@dataclasses.dataclass(frozen=True)
class _SharedLocations:
    """The area's locations for worker processes: the matrices as ``.npy`` files in ``folder``.

    Written once by the parent (:func:`_share`), mapped read-only by every worker
    (:func:`_attach`): the operating system keeps one copy of their pages for all, and no job
    carries a slice of them.
    """

    ids: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    folder: str
    modes: tuple[str, ...]


def _share(locations: Locations, folder: str) -> _SharedLocations:
    """Write the locations' matrices into ``folder`` for the workers to map."""
    for mode in locations.travel_time_s:
        np.save(Path(folder, f"{mode}.travel_time_s.npy"), locations.travel_time_s[mode])
        np.save(Path(folder, f"{mode}.length_m.npy"), locations.length_m[mode])
    modes = tuple(locations.travel_time_s)
    return _SharedLocations(locations.ids, locations.lon, locations.lat, folder, modes)


def _attach(shared: _SharedLocations) -> Locations:
    """Map the matrices :func:`_share` wrote (no networks: rounds problems need only travel)."""

    def mapped(name: str) -> dict[str, np.ndarray]:
        folder = Path(shared.folder)
        return {m: np.load(folder / f"{m}.{name}.npy", mmap_mode="r") for m in shared.modes}

    return Locations(
        shared.ids, shared.lon, shared.lat, {}, {}, mapped("travel_time_s"), mapped("length_m")
    )


def _worker_init(
    messages, shared: _SharedLocations | None = None, deadline: _Deadline | None = None
) -> None:
    """Keep the queue a worker sends its progress messages to and the deadline; map the matrices."""
    global _QUEUE, _LOCATIONS, _DEADLINE
    _QUEUE, _DEADLINE = messages, deadline
    _LOCATIONS = _attach(shared) if shared is not None else None


def _solve(
    job: _Job,
    share_done: Callable[[tuple[int, float]], None] | None = None,
    locations: Locations | None = None,
    deadline: _Deadline | None = None,
) -> list[tuple[RoundsProblem, Rounds, tuple[str, ...]]]:
    """Solve and check one pool's week in order, sending ``(job, share done)`` now and then.

    Each session is solved knowing the ones before it: its carers' caps are cut to what their
    contracts leave of the week, and a carer new to a recipient this week costs
    ``continuity_cost`` per visit (:func:`week_problem`). The checker then verifies each
    session, and the last one also carries the week's hours (:func:`check_week`). A session's
    problem is built from ``locations`` (in a worker process, the mapped matrices) only when
    its turn comes; with a ``deadline`` its limit is paced to it. In a worker process the
    messages go to the queue, and the deadline is the one, given at its start (if any).
    """
    if share_done is None and _QUEUE is not None:
        share_done = _QUEUE.put
    locations = locations or _LOCATIONS
    deadline = deadline or _DEADLINE
    total, done = max(1, job.num_visits), 0
    last = [time.perf_counter()]

    def progress(share: float) -> None:
        now = time.perf_counter()
        if share_done is not None and now - last[0] >= _PROGRESS_EVERY_S:
            last[0] = now
            share_done((job.index, (done + share * size) / total))

    worked_s: Counter[str] = Counter()
    day_start_s: Counter[str] = Counter()
    served: dict[str, set[str]] = defaultdict(set)
    answers = []
    today = None
    for day, session, params in job.steps:
        if day != today:
            today, day_start_s = day, Counter(worked_s)
        size = session.num_visits
        if isinstance(session, Session):
            if locations is None:
                raise ValueError("a session's problem needs the area's locations")
            problem = session_problem(session, locations)
        else:
            problem = session
        if deadline is not None:
            params = deadline.paced(params)
        problem = week_problem(problem, params, job, day, worked_s, day_start_s, served)
        rounds = solve_rounds(problem, params, progress=progress)
        violations = tuple(check_rounds(problem, rounds, params))
        # Solved and checked: only the area's matrices need the travel now.
        answers.append((without_travel(problem), rounds, violations))
        for route in rounds.routes:
            if params.weekly_hours_basis == "contact":
                worked_s[route.carer_id] += route.service_s
            else:
                worked_s[route.carer_id] += route.return_s - route.leave_s
            for step in route.steps:
                served[job.recipient_of[step.visit_id]].add(route.carer_id)
        done += size
        progress(0.0)
    if answers:
        params = job.steps[-1][2]
        weekly = check_week(
            [rounds for _, rounds, _ in answers], job.contracted_s, params, job.care_plan
        )
        problem, rounds, violations = answers[-1]
        answers[-1] = (problem, rounds, violations + tuple(weekly))
    return answers


def week_problem(
    problem: RoundsProblem,
    params: RoundsParams,
    job: _Job,
    day: int,
    worked_s: Mapping[str, int],
    day_start_s: Mapping[str, int],
    served: Mapping[str, set[str]],
) -> RoundsProblem:
    """Return a session's problem given the week so far: contracted hours and continuity.

    Each carer's cap on contact or working time (``params.weekly_hours_basis``) is what their
    weekly allowance (:meth:`RoundsParams.weekly_allowance_s`) leaves after ``worked_s``, paced:
    on ``day`` they may use what was left at its start (``day_start_s`` counted) times that
    day's share of their shift time left, times :data:`_PACE` (the session's share of the daily
    cap on working time still holds); a
    visit costs ``params.continuity_cost`` with a carer who is neither in ``served`` for its
    recipient (earlier this week) nor among the recipient's preferred carers.
    """
    basis = "max_contact_s" if params.weekly_hours_basis == "contact" else "max_working_s"
    cap = getattr(problem, basis).copy()
    for c, carer in enumerate(problem.carer_id):
        allowance = params.weekly_allowance_s(job.contracted_s.get(carer, 0))
        if allowance is not None:
            left_s = max(0, allowance - day_start_s.get(carer, 0))
            shifts = job.shift_s.get(carer, ())
            ahead = sum(shifts[day:])
            if ahead > 0:
                left_s = min(left_s, math.ceil(left_s * _PACE * shifts[day] / ahead))
            used_s = worked_s.get(carer, 0) - day_start_s.get(carer, 0)
            cap[c] = min(cap[c], max(0, left_s - used_s))
    costs = None
    if params.continuity_cost:
        costs = np.full((problem.num_visits, problem.num_carers), params.continuity_cost)
        column = {carer: c for c, carer in enumerate(problem.carer_id)}
        for v, visit in enumerate(problem.visit_id):
            recipient = job.recipient_of[visit]
            known = served.get(recipient, set()) | job.preferred.get(recipient, frozenset())
            costs[v, [column[c] for c in known if c in column]] = 0
    return dataclasses.replace(problem, **{basis: cap}, assignment_cost=costs)


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
        visits = self.jobs[i].num_visits
        self.advance(i, min(visits - 1, int(share * visits)))

    def finish(self, i: int) -> None:
        """Count every visit of a finished search."""
        self.finished[i] = True
        if self.progress is not None:
            self.advance(i, self.jobs[i].num_visits)

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
    min_gap_s: int = 0,
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
        (times ``workers``, which solve side by side): each model the same time per visit, and
        within it each session in proportion to its :func:`session_weight`.
    days
        Days of the week to roster (0 = Monday).
    time_budget_s
        Wall-clock time for the whole call (building, solving and checking), or None to use
        ``params`` as they are: each session's limit is also paced to that deadline
        (:class:`_Deadline`), the cut falling alike on the sessions of both models as they
        start.
    workers
        Processes solving in parallel (one OR-Tools search each).
    progress
        Called with a number of visits to advance a progress bar by: each search's visits
        when it ends, and within a large search (the insertion engine) its share done so far
        as that share of its visits, so that the bar moves within minutes-long searches.
    max_daily_working_s
        Cap on a carer's working time in a day.
    min_gap_s
        Least time from the end of a recipient's call to the start of their next that day,
        which the checker verifies with every visit's care-plan time (the windows carry it:
        see :func:`roster.demand.packages.care_plan_windows`).

    Returns
    -------
    list[SolvedPool]
        One entry per model, pool, day and session with at least one visit, in that order.
    """
    began = time.time()
    recipient_of = {visit.id: visit.recipient_id for visit in instance.visits}
    served: dict[tuple[str, str], dict[str, Counter[str]]] = {}
    teams = params.continuity_cost and params.continuity_team
    if teams and params.continuity_team_from == "rounds":
        halves = _Halves(progress) if progress is not None else None
        first = solve_week(
            instance,
            models,
            locations,
            _first_roster_params(params, time_budget_s is None),
            days,
            None if time_budget_s is None else time_budget_s * FIRST_ROSTER_SHARE,
            workers,
            halves,
            max_daily_working_s,
            min_gap_s,
        )
        progress = halves
        for solved in first:
            counts = served.setdefault((solved.model, solved.pool), defaultdict(Counter))
            for route in solved.rounds.routes:
                for step in route.steps:
                    counts[recipient_of[step.visit_id]][route.carer_id] += 1
        if time_budget_s is not None:
            time_budget_s = max(0.0, time_budget_s - (time.time() - began))
            began = time.time()
        else:
            params = _scaled(params, 1 - FIRST_ROSTER_SHARE)
    jobs = []
    staffed = set()
    planned = {
        v.id: PlannedVisit(
            v.recipient_id, v.day, v.earliest_start_s, v.latest_start_s, v.planned_start_s
        )
        for v in instance.visits
    }
    for model in models:
        for pool in model.pools:
            if pool.carer_ids:
                staffed.add((model.name, pool.name))
            for line in pool_gaps(instance, pool, days):
                logger.warning("%s pool %s: %s", model.name, pool.name, line)
            steps = tuple(
                (day, session, params)
                for day in sorted(days)
                for session in pool_sessions(instance, pool, day, max_daily_working_s)
            )
            if not steps:
                continue
            members = {v.id for _, session, _ in steps for v in session.visits}
            preferred = _preferred(instance, pool.recipient_ids)
            if teams:
                chosen = regular_teams(
                    instance,
                    pool,
                    days,
                    locations,
                    lambda carer: params.weekly_allowance_s(carer.contracted_s),
                    served.get((model.name, pool.name)),
                )
                for recipient, team in chosen.items():
                    preferred[recipient] = preferred.get(recipient, frozenset()) | team
            jobs.append(
                _Job(
                    model.name,
                    pool.name,
                    steps,
                    {v: recipient_of[v] for v in members},
                    {c: instance.carer_by_id[c].contracted_s for c in pool.carer_ids},
                    {c: _shift_days(instance.carer_by_id[c], days) for c in pool.carer_ids},
                    preferred,
                    CarePlan({v: planned[v] for v in members}, min_gap_s),
                    index=len(jobs),
                )
            )
    total_visits = sum(job.num_visits for job in jobs)
    deadline = None
    if time_budget_s is not None:
        jobs = _budgeted(jobs, time_budget_s * workers)
        planned_s = sum(params.time_limit_s for job in jobs for _, _, params in job.steps)
        counter = multiprocessing.get_context("spawn").Value("d", planned_s)
        deadline = _Deadline(began + time_budget_s, workers, counter)
    logger.info(
        "solving %d pool-weeks (%d sessions, %d visits) on %d worker(s)",
        len(jobs),
        sum(len(job.steps) for job in jobs),
        total_visits,
        workers,
    )
    # Largest first, so the parallel workers finish together.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].num_visits)
    answers: dict[int, list[tuple[RoundsProblem, Rounds, tuple[str, ...]]]] = {}
    tally = _Tally(jobs, progress)
    if workers > 1:
        # Spawned (a fork of a process that has used OR-Tools can deadlock); workers ignore
        # Ctrl-C, and on Ctrl-C (or any error) the parent stops them within seconds.
        messages = multiprocessing.get_context("spawn").Queue() if progress is not None else None
        with (
            tempfile.TemporaryDirectory(prefix="roster-matrices-") as folder,
            stoppable_pool(
                workers,
                initializer=_worker_init,
                initargs=(messages, _share(locations, folder), deadline),
            ) as submit,
        ):
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
            answers[i] = _solve(
                jobs[i], tally.share if progress is not None else None, locations, deadline
            )
            _report(jobs[i], answers[i])
            tally.finish(i)
    return [
        SolvedPool(job.model, job.pool, day, problem, *_on_shift((rounds, found), job, staffed))
        for i, job in enumerate(jobs)
        for (day, _, _), (problem, rounds, found) in zip(job.steps, answers[i], strict=True)
    ]


def _first_roster_params(params: RoundsParams, unbudgeted: bool) -> RoundsParams:
    """Return the settings of the first roster of the week: travel alone, the same hours rule.

    Without a time budget it takes :data:`FIRST_ROSTER_SHARE` of each session's limits.
    """
    first = dataclasses.replace(params, continuity_cost=0, continuity_team=False)
    return _scaled(first, FIRST_ROSTER_SHARE) if unbudgeted else first


def _scaled(params: RoundsParams, share: float) -> RoundsParams:
    """Return settings with ``share`` of the time limit and of the improvement's iterations."""
    limit = None if params.time_limit_s is None else params.time_limit_s * share
    iterations = params.improve_iterations
    if iterations is not None:
        iterations = max(1, round(iterations * share))
    return dataclasses.replace(params, time_limit_s=limit, improve_iterations=iterations)


class _Halves:
    """Passes on half of each advance: the two rosters of the week fill the bar once."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.owed = progress, 0.0

    def __call__(self, visits: int) -> None:
        self.owed += visits / 2
        whole = int(self.owed)
        if whole:
            self.owed -= whole
            self.progress(whole)


def session_weight(problem: RoundsProblem | Session) -> float:
    """Return a session's claim on the time budget: its difficulty, not only its size.

    Its carer-visits (a double-handed visit counts twice) times one plus how busy its carers'
    shifts would be with its visits' contact time (capped at 1): a session whose carers are
    nearly full is where visits are left out and where search time places them, so it gets up
    to twice the time a visit of a slack session gets.
    """
    carer_visits = float(problem.carers_required.sum())
    contact_s = float((problem.duration_s * problem.carers_required).sum())
    shift_s = float((problem.period_end_s - problem.period_start_s).sum())
    busy = min(1.0, contact_s / shift_s) if shift_s > 0 else 1.0
    return carer_visits * (1.0 + busy)


def _budgeted(jobs: list[_Job], seconds: float) -> list[_Job]:
    """Share ``seconds`` of search among the sessions: each its time limit.

    Each model gets the same time per visit (the comparison's fairness rule); within a model
    a session's share follows its :func:`session_weight`, so tight sessions get more. No
    session gets less than its engine's :data:`MIN_SESSION_S`, and that floor comes out of its
    model's share (:func:`shares_with_floor`): a floor of 0.5 s added on top, as it was, took
    one Rutland day's limits to 28.1 s of a 20 s budget (23 of its 36 sessions at the floor,
    20 of them the consortium's residual framework sessions of 1 to 24 visits).
    """
    weights = [[session_weight(session) for _, session, _ in job.steps] for job in jobs]
    visits: Counter[str] = Counter()
    for job in jobs:
        visits[job.model] += job.num_visits
    all_visits = max(1, sum(visits.values()))
    limits: dict[str, list[float]] = {}
    for model in visits:
        steps = [
            (weight, params)
            for job, ws in zip(jobs, weights, strict=True)
            if job.model == model
            for weight, (_, _, params) in zip(ws, job.steps, strict=True)
        ]
        limits[model] = shares_with_floor(
            [w for w, _ in steps],
            seconds * visits[model] / all_visits,
            max(MIN_SESSION_S[params.engine] for _, params in steps),
        )
    taken: Counter[str] = Counter()
    budgeted = []
    for job in jobs:
        steps = []
        for day, problem, params in job.steps:
            limit = limits[job.model][taken[job.model]]
            taken[job.model] += 1
            steps.append((day, problem, dataclasses.replace(params, time_limit_s=limit)))
        budgeted.append(dataclasses.replace(job, steps=tuple(steps)))
    return budgeted


def shares_with_floor(weights: Sequence[float], seconds: float, floor_s: float) -> list[float]:
    """Share ``seconds`` in proportion to ``weights``, none below ``floor_s``.

    Sessions whose share would fall below the floor get the floor; the rest share what is
    left in proportion (water-filling), so the total is ``seconds`` whenever the floors fit
    in it (otherwise every session gets the floor).
    """
    order = sorted(range(len(weights)), key=lambda i: weights[i])
    shares = [floor_s] * len(weights)
    rest = float(sum(weights))
    for k, i in enumerate(order):
        left = seconds - floor_s * k
        if rest > 0 and left > 0 and left * weights[i] / rest >= floor_s:
            for j in order[k:]:
                shares[j] = left * weights[j] / rest
            break
        rest -= weights[i]
    return shares


def _shift_days(carer: Carer, days: Sequence[int]) -> tuple[int, ...]:
    """Return a carer's time on shift on each day of the week rostered (0 on the others)."""
    shift_s = [0] * len(DAYS)
    for shift in carer.shifts:
        if shift.day in days:
            shift_s[shift.day] += shift.end_s - shift.start_s
    return tuple(shift_s)


def _preferred(instance: Instance, recipient_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Each recipient's preferred carers, where the instance names any."""
    found = {}
    for r in recipient_ids:
        preferred = instance.recipient_by_id[r].preferred_carer_ids
        if preferred:
            found[r] = frozenset(preferred)
    return found


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


def _report(job: _Job, answers: list[tuple[RoundsProblem, Rounds, tuple[str, ...]]]) -> None:
    """Log what the checker found in a pool's week of rounds, if anything."""
    for (day, _, _), (_, _, violations) in zip(job.steps, answers, strict=True):
        if violations:
            logger.error(
                "%s %s: the checker found %d broken rule(s), e.g. %s",
                job.pool,
                DAYS[day],
                len(violations),
                violations[0],
            )
