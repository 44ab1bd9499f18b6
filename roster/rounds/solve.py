"""Solve one day's pool of visits into carers' rounds: the rounds solver's one entry point.

Two engines (``RoundsParams.engine``). The default, ``"insertion"``, builds every pool's rounds
by the improvement's pair-aware cheapest insertion from empty rounds, which scales where
OR-Tools' first solution does not, and improves them by ruin and recreate for the rest of the
time limit (:mod:`roster.rounds.improve`).

The baseline, ``"ortools"``, builds one OR-Tools model (:mod:`roster.rounds.ortools_model`).
With a time limit its search runs in two phases on that model: the first solution always
completes, however long it takes (a limit that ran out during it would leave every visit
unplaced), and local search then goes on from it for what remains of the limit. A
ruin-and-recreate improvement (:mod:`roster.rounds.improve`) may follow OR-Tools. Answers
are compared by :func:`roster.rounds.objective.objective`, whose docstring lists the weights.

A pool PyVRP can model exactly (a plain time-window pool: no homecare-only rule, see
:func:`roster.rounds.warm.pyvrp_can_model`) starts, by default, with PyVRP's genetic search
for ``warm_start_share`` of the time limit; the engine's search then goes on from its routes.
Real homecare pools never qualify; the published VRPTW benchmarks do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from roster.rounds.improve import improve_routes
from roster.rounds.objective import objective
from roster.rounds.ortools_model import OrToolsModel
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import NO_CAPACITY, Rounds, Route, Unassigned
from roster.rounds.tasks import Tasks, node_routes, node_tasks, screen_visits
from roster.rounds.warm import pyvrp_can_model, pyvrp_routes

logger = logging.getLogger(__name__)

#: Least time worth a second phase, in seconds.
_MIN_SECOND_PHASE_S = 0.1


def solve_rounds(
    problem: RoundsProblem,
    params: RoundsParams,
    initial_routes: list[list[tuple[int, int]]] | list[list[int]] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Rounds:
    """Build every carer period's round for one day's pool.

    The engine is ``params.engine``. The insertion engine (the default) completes its
    construction whatever the limit, then improves for the time left.

    With OR-Tools and ``params.time_limit_s`` the first solution is completed without a limit,
    then the search goes on from it, on the same model, for the rest of the limit; if that
    serves fewer visits or costs more, the first solution is kept. Without a time limit there
    is a single search (stopped by the solution limit or the metaheuristic).

    Parameters
    ----------
    problem
        The pool.
    params
        Solver settings and configurable rules.
    initial_routes
        Optional start: per period, ``(visit, half)`` pairs in order, visits as indices into
        the problem. Bare visit indices are accepted too: a double-handed visit's first listing
        is then its first half. Used to restart searches.
    progress
        Called now and then with the share of the solve done (0 to 1), by the insertion
        engine only (OR-Tools' search reports nothing until it ends).

    Returns
    -------
    Rounds
        Rounds for the periods used, and every visit not served with its reason.
    """
    if not problem.has_travel:
        raise ValueError("this problem's travel was dropped; it cannot be solved again.")
    started = time.perf_counter()
    reasons, allowed = screen_visits(problem, params)
    tasks = node_tasks(problem, allowed, reasons)
    if len(tasks.visit) == 0 or problem.num_periods == 0:
        return _answer(problem, params, (), reasons, "NOT_SOLVED")
    if initial_routes is None and warm_starts(problem, params):
        warm_s = params.warm_start_share * params.time_limit_s
        initial_routes = pyvrp_routes(problem, params, warm_s, params.seed)
    if params.engine == "insertion":
        return _insertion(problem, params, tasks, reasons, started, initial_routes, progress)
    model = OrToolsModel(problem, params, tasks)
    if params.time_limit_s is None:
        return _search(problem, params, tasks, reasons, model, initial_routes=initial_routes)
    first_only = replace(
        params, time_limit_s=None, solution_limit=1, improve_share=0.0, improve_iterations=None
    )
    start = model.solve(first_only, initial_routes)
    first = _read(problem, params, model, start, reasons)
    left = params.time_limit_s - (time.perf_counter() - started)
    if left < _MIN_SECOND_PHASE_S or not first.routes:
        return first
    rest = replace(params, time_limit_s=left, solution_limit=None)
    better = _search(problem, rest, tasks, reasons, model, start=start)
    if _served(better) < _served(first) or not better.routes:
        return first
    return better if better.objective <= first.objective else first


def warm_starts(problem: RoundsProblem, params: RoundsParams) -> bool:
    """Whether the pool starts from PyVRP's search (a plain pool, a share and a time limit)."""
    return bool(
        params.warm_start_share and params.time_limit_s and pyvrp_can_model(problem, params)
    )


def _insertion(
    problem: RoundsProblem,
    params: RoundsParams,
    tasks: Tasks,
    reasons: dict[int, str],
    started: float,
    initial_routes: list[list[tuple[int, int]]] | list[list[int]] | None,
    progress: Callable[[float], None] | None,
) -> Rounds:
    """Construct by insertion (from ``initial_routes`` if given), then ruin and recreate.

    The improvement runs for what is left of the time limit, or ``improve_iterations``
    iterations (none without either).
    """
    seconds = None
    if params.time_limit_s is not None:
        seconds = max(0.0, params.time_limit_s - (time.perf_counter() - started))
    iterations = params.improve_iterations
    if seconds is None and iterations is None:
        iterations = 0
    start = [[] for _ in range(problem.num_periods)]
    if initial_routes is not None:
        start = node_routes(tasks, initial_routes)
    routes, _ = improve_routes(
        problem, params, tasks, start, seconds, iterations, params.seed, progress
    )
    logger.info("Insertion engine: %d carer-visits, %d routes.", len(tasks.visit), len(routes))
    return _answer(problem, params, routes, reasons, "INSERTION")


def _search(
    problem: RoundsProblem,
    params: RoundsParams,
    tasks: Tasks,
    reasons: dict[int, str],
    model: OrToolsModel,
    start: Any = None,
    initial_routes: list[list[tuple[int, int]]] | list[list[int]] | None = None,
) -> Rounds:
    """Search with OR-Tools (from ``start``, an assignment of the model, if given), then improve.

    The improvement, if asked for, gets ``improve_share`` of the time limit; of OR-Tools'
    rounds and the improvement's, the ones that cost less are kept.
    """
    improving = bool(params.improve_share or params.improve_iterations)
    search = params
    if improving and params.time_limit_s is not None:
        search = replace(params, time_limit_s=params.time_limit_s * (1 - params.improve_share))
    if start is None:
        solution = model.solve(search, initial_routes)
    else:
        solution = model.search_from(start, search)
    logger.info("Rounds search ended with %s.", model.status)
    if not improving:
        return _read(problem, params, model, solution, reasons)
    paths = model.paths(solution) if solution is not None else [[]] * problem.num_periods
    routes, _ = improve_routes(
        problem,
        params,
        tasks,
        [[n for n, _ in order] for order in paths],
        seconds=(params.time_limit_s or 0) * params.improve_share or None,
        iterations=params.improve_iterations,
        seed=params.seed,
    )
    improved = _answer(problem, params, routes, reasons, model.status)
    if solution is None:
        return improved
    # The improvement rebuilds OR-Tools' rounds that do not fit its schedules: it can end worse.
    plain = _read(problem, params, model, solution, reasons)
    return plain if plain.objective < improved.objective else improved


def _read(
    problem: RoundsProblem,
    params: RoundsParams,
    model: OrToolsModel,
    solution: Any,
    reasons: dict[int, str],
) -> Rounds:
    """Read OR-Tools' answer (None: no solution, so no rounds) into :class:`Rounds`."""
    routes = () if solution is None else model.read_routes(solution)
    return _answer(problem, params, routes, reasons, model.status)


def _answer(
    problem: RoundsProblem,
    params: RoundsParams,
    routes: tuple[Route, ...],
    reasons: dict[int, str],
    status: str,
) -> Rounds:
    """Put rounds together with every visit they leave out, and compute their objective.

    A visit left out has the reason it was ruled out before solving, or else no capacity.
    """
    served = {step.visit_id for route in routes for step in route.steps}
    unassigned = tuple(
        Unassigned(visit_id, reasons.get(v, NO_CAPACITY))
        for v, visit_id in enumerate(problem.visit_id)
        if visit_id not in served
    )
    rounds = Rounds(routes, unassigned, status, 0)
    return replace(rounds, objective=objective(problem, params, rounds))


def _served(rounds: Rounds) -> int:
    """Count the visits the rounds serve."""
    return len({step.visit_id for route in rounds.routes for step in route.steps})
