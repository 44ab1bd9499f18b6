"""Solve one day's pool of visits into carers' rounds with OR-Tools routing.

How the objective is weighted (all terms in the same unit, one second of travel = 1):

- travel time of every leg, in seconds (the arc cost);
- ``unassigned_penalty`` for each carer-visit left out (a double-handed visit pays it twice);
- ``gender_penalty`` each time a carer of the other gender serves a visit with a preference,
  when the preference is soft;
- ``lateness_cost_per_s`` for each second a start falls after its window, when lateness is
  allowed (up to ``max_lateness_s``);
- ``carer_fixed_cost`` for each working period used, to minimise carers used (a split-shift
  carer used in both periods pays it twice).

Waiting and service time cost nothing: service is fixed, and carers leave home as late as
their first visit allows.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from roster.rounds.improve import improve_routes
from roster.rounds.params import FIRST_SOLUTIONS, METAHEURISTICS, RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.solution import NO_CAPACITY, Rounds, Route, Step, Unassigned
from roster.rounds.tasks import Tasks, late_bound, node_tasks, screen_visits
from roster.rounds.warm import pyvrp_can_model, pyvrp_routes

logger = logging.getLogger(__name__)

_STATUS = routing_enums_pb2.RoutingSearchStatus


def solve_rounds(
    problem: RoundsProblem,
    params: RoundsParams,
    initial_routes: list[list[tuple[int, int]]] | list[list[int]] | None = None,
) -> Rounds:
    """Build every carer period's round for one day's pool.

    Parameters
    ----------
    problem
        The pool.
    params
        Solver settings and configurable rules.
    initial_routes
        Optional start: per period, ``(visit, half)`` pairs in order, visits as indices into
        the problem (see :func:`routes_of`). Bare visit indices are accepted too: a
        double-handed visit's first listing is then its first half. Used to restart searches.

    Returns
    -------
    Rounds
        Rounds for the periods used, and every visit not served with its reason.
    """
    reasons, allowed = screen_visits(problem, params)
    tasks = node_tasks(problem, allowed, reasons)
    routed = [v for v in range(problem.num_visits) if v not in reasons]
    if len(tasks.visit) == 0 or problem.num_periods == 0:
        unassigned = {v: reasons.get(v, NO_CAPACITY) for v in range(problem.num_visits)}
        return Rounds((), _unassigned(problem, unassigned), "NOT_SOLVED", 0)
    if initial_routes is None and params.warm_start_s > 0 and pyvrp_can_model(problem, params):
        initial_routes = pyvrp_routes(problem, params, params.warm_start_s, params.seed)
        if params.time_limit_s is not None:
            rest = max(params.time_limit_s - params.warm_start_s, 0.1)
            params = replace(params, time_limit_s=rest)
    improving = bool(params.improve_share or params.improve_iterations)
    search = params
    if improving and params.time_limit_s is not None:
        search = replace(params, time_limit_s=params.time_limit_s * (1 - params.improve_share))
    model = _Model(problem, search, tasks)
    solution = model.solve(search, initial_routes)
    status = _STATUS.Value.Name(model.routing.status())
    logger.info("Rounds search ended with %s.", status)
    if improving:
        routes, objective = _improve(problem, params, tasks, model, solution)
    elif solution is None:
        for v in routed:
            reasons[v] = NO_CAPACITY
        return Rounds((), _unassigned(problem, reasons), status, 0)
    else:
        routes, objective = model.read_routes(solution), solution.ObjectiveValue()
    served = {step.visit_id for route in routes for step in route.steps}
    for v in routed:
        if problem.visit_id[v] not in served:
            reasons[v] = NO_CAPACITY
    return Rounds(routes, _unassigned(problem, reasons), status, objective)


def _improve(
    problem: RoundsProblem, params: RoundsParams, tasks: Tasks, model: _Model, solution: Any
) -> tuple[tuple[Route, ...], int]:
    """Run the ruin-and-recreate search from OR-Tools' rounds; keep whichever costs less."""
    paths = model.paths(solution) if solution is not None else [[]] * problem.num_periods
    node_routes, start_s, breaks, objective = improve_routes(
        problem,
        params,
        tasks,
        [[n for n, _ in order] for order in paths],
        seconds=(params.time_limit_s or 0) * params.improve_share or None,
        iterations=params.improve_iterations,
        seed=params.seed,
    )
    routes = _routes_from_starts(problem, tasks, node_routes, start_s, breaks)
    if solution is None:
        return routes, objective
    # The search rebuilds OR-Tools' rounds that do not fit its schedules, so it can end worse.
    plain = model.read_routes(solution)
    index = {v: i for i, v in enumerate(problem.visit_id)}
    late_s = [s.start_s - problem.latest_start_s[index[s.visit_id]] for r in plain for s in r.steps]
    worst = params.worst_lateness_cost_per_s * max([0, *late_s]) if params.allow_lateness else 0
    plain_objective = solution.ObjectiveValue() + int(worst)
    return (plain, plain_objective) if plain_objective < objective else (routes, objective)


def routes_of(problem: RoundsProblem, rounds: Rounds) -> list[list[tuple[int, int]]]:
    """List every period's ``(visit, half)`` sequence, to restart a search from these rounds."""
    index = {v: i for i, v in enumerate(problem.visit_id)}
    routes: list[list[tuple[int, int]]] = [[] for _ in range(problem.num_periods)]
    for route in rounds.routes:
        routes[route.period] = [(index[s.visit_id], s.half) for s in route.steps]
    return routes


def _unassigned(problem: RoundsProblem, reasons: dict[int, str]) -> tuple[Unassigned, ...]:
    return tuple(Unassigned(problem.visit_id[v], reasons[v]) for v in sorted(reasons))


class _Model:
    """The OR-Tools routing model of one pool: nodes are carer-visits, vehicles are periods."""

    def __init__(self, problem: RoundsProblem, params: RoundsParams, tasks: Tasks) -> None:
        p = problem
        self.problem, self.params, self.tasks = p, params, tasks
        n_tasks, n_periods = len(tasks.visit), p.num_periods
        homes = list(range(n_tasks, n_tasks + n_periods))
        self.manager = pywrapcp.RoutingIndexManager(n_tasks + n_periods, n_periods, homes, homes)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.node_location = np.concatenate([tasks.location, p.carer_home[p.period_carer]])
        self.node_service_s = np.concatenate([tasks.duration_s, np.zeros(n_periods, np.int64)])
        self.period_mode = p.carer_mode[p.period_carer]
        self._arc_costs()
        self._time_dimension()
        self._visit_rules()
        self._carer_rules()
        if p.visit_demand is not None:
            self._capacity()

    def _travel(self, mode: int) -> np.ndarray:
        loc = self.node_location
        return self.problem.travel_time_s[mode][np.ix_(loc, loc)]

    def _arc_costs(self) -> None:
        """Travel time, plus the soft gender penalty on arcs into a visit with a preference."""
        p, params, routing = self.problem, self.params, self.routing
        preference = np.concatenate(
            [p.gender_preference[self.tasks.visit], np.full(p.num_periods, ANY_GENDER)]
        )
        soft = not params.gender_hard and params.gender_penalty > 0
        registered: dict[tuple[int, int], int] = {}
        for v in range(p.num_periods):
            gender = int(p.carer_gender[p.period_carer[v]]) if soft else ANY_GENDER
            key = (int(self.period_mode[v]), gender)
            if key not in registered:
                cost = self._travel(key[0])
                if soft:
                    miss = (preference != ANY_GENDER) & (preference != gender)
                    cost = cost + params.gender_penalty * miss[None, :]
                registered[key] = routing.RegisterTransitMatrix(cost.tolist())
            routing.SetArcCostEvaluatorOfVehicle(registered[key], v)
        if params.carer_fixed_cost:
            routing.SetFixedCostOfAllVehicles(params.carer_fixed_cost)

    def _time_dimension(self) -> None:
        p, params, routing, tasks = self.problem, self.params, self.routing, self.tasks
        evaluators = {
            m: routing.RegisterTransitMatrix(
                (self._travel(m) + self.node_service_s[:, None]).tolist()
            )
            for m in np.unique(self.period_mode)
        }
        late_s = late_bound(params)
        horizon = int(max(p.period_end_s.max(), p.latest_start_s.max()) + 1)
        routing.AddDimensionWithVehicleTransits(
            [evaluators[m] for m in self.period_mode], horizon, horizon, False, "time"
        )
        self.time = time = routing.GetDimensionOrDie("time")
        for node, v in enumerate(tasks.visit):
            index = self.manager.NodeToIndex(node)
            latest = p.latest_start_s[v] + min(late_s, horizon)
            time.CumulVar(index).SetRange(int(p.earliest_start_s[v]), int(min(latest, horizon)))
            if params.allow_lateness and params.lateness_cost_per_s:
                time.SetCumulVarSoftUpperBound(
                    index, int(p.latest_start_s[v]), params.lateness_cost_per_s
                )
        # Start every visit as early as its round allows (leaving home as late as possible is
        # done when reading the routes: see _tighten).
        for node in range(len(tasks.visit)):
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(self.manager.NodeToIndex(node)))
        for v in range(p.num_periods):
            for index in (routing.Start(v), routing.End(v)):
                time.CumulVar(index).SetRange(int(p.period_start_s[v]), int(p.period_end_s[v]))

    def _visit_rules(self) -> None:
        """Restrict each visit to its periods, make it optional, synchronise double-handed pairs."""
        p, params, routing, tasks = self.problem, self.params, self.routing, self.tasks
        solver = routing.solver()
        index = [self.manager.NodeToIndex(n) for n in range(len(tasks.visit))]
        for node, periods in enumerate(tasks.allowed):
            routing.VehicleVar(index[node]).SetValues([*periods, -1])
        carer_of = [int(c) for c in p.period_carer]
        split = np.bincount(p.period_carer, minlength=p.num_carers) > 1
        pairs: dict[int, list[int]] = {}
        for node, v in enumerate(tasks.visit):
            pairs.setdefault(int(v), []).append(index[node])
        doubles = [(v, nodes) for v, nodes in pairs.items() if len(nodes) == 2]
        for nodes in pairs.values():
            if params.unassigned_penalty is not None:
                # Paid once if either half is out, so serving one half alone never pays.
                penalty = params.unassigned_penalty * len(nodes)
                routing.AddDisjunction(nodes, penalty, len(nodes), routing.PENALIZE_ONCE)
        # One visit type per half: the route filters then keep both halves off one period.
        policy = routing.TYPE_SIMULTANEOUSLY_ADDED_AND_REMOVED
        for k, (_, (first, second)) in enumerate(doubles):
            routing.SetVisitType(first, 2 * k, policy)
            routing.SetVisitType(second, 2 * k + 1, policy)
        for k in range(len(doubles)):
            routing.AddHardTypeIncompatibility(2 * k, 2 * k + 1)
        for v, (first, second) in doubles:
            tolerance = params.double_handed_tolerance_s
            lo = int(p.start_gap_min_s[v]) - tolerance
            hi = int(p.start_gap_max_s[v]) + tolerance
            # Both directions, so that insertion and local search see the synchronisation.
            self.time.AddNodePrecedence(first, second, lo)
            self.time.AddNodePrecedence(second, first, -hi)
            # The visit types keep the halves off one period; a carer with several periods
            # also needs different carers, not merely periods (-1/-2 when inactive).
            node_a, node_b = self.manager.IndexToNode(first), self.manager.IndexToNode(second)
            allowed = {*tasks.allowed[node_a], *tasks.allowed[node_b]}
            if split[[carer_of[period] for period in allowed]].any():
                carer_a = solver.Element([-1, *carer_of], (routing.VehicleVar(first) + 1).Var())
                carer_b = solver.Element([-2, *carer_of], (routing.VehicleVar(second) + 1).Var())
                solver.Add(carer_a != carer_b)

    def _carer_rules(self) -> None:
        """Maximum working time (per carer, over periods) and rest breaks."""
        p, params, routing, time = self.problem, self.params, self.routing, self.time
        solver = routing.solver()
        for c in range(p.num_carers):
            periods = np.flatnonzero(p.period_carer == c)
            spans = []
            for v in periods:
                v = int(v)
                time.SetSpanUpperBoundForVehicle(int(p.max_working_s[c]), v)
                spans.append(time.CumulVar(routing.End(v)) - time.CumulVar(routing.Start(v)))
            if len(spans) > 1:
                solver.Add(solver.Sum(spans) <= int(p.max_working_s[c]))
        self.breaks: dict[int, list] = {}
        if params.break_after_s is None:
            return
        service = [
            int(self.node_service_s[self.manager.IndexToNode(i)]) for i in range(routing.Size())
        ]
        duration = params.break_duration_s
        for v in range(p.num_periods):
            length = int(p.period_end_s[v] - p.period_start_s[v])
            count = (length - 1) // params.break_after_s
            if count <= 0:
                continue
            start, end = int(p.period_start_s[v]), int(p.period_end_s[v])
            intervals = [
                solver.FixedDurationIntervalVar(start, end - duration, duration, False, f"b{v}.{k}")
                for k in range(count)
            ]
            for a, b in zip(intervals, intervals[1:], strict=False):
                solver.Add(a.EndExpr() <= b.StartExpr())
            time.SetBreakIntervalsOfVehicle(intervals, v, service)
            time.SetBreakDistanceDurationOfVehicle(params.break_after_s, duration, v)
            self.breaks[v] = intervals

    def _capacity(self) -> None:
        p, routing = self.problem, self.routing
        demand = np.concatenate([p.visit_demand[self.tasks.visit], np.zeros(p.num_periods)])
        callback = routing.RegisterUnaryTransitVector([int(d) for d in demand])
        capacity = [int(p.carer_capacity[c]) for c in p.period_carer]
        routing.AddDimensionWithVehicleCapacity(callback, 0, capacity, True, "load")

    def search_parameters(self, params: RoundsParams) -> Any:
        search = pywrapcp.DefaultRoutingSearchParameters()
        search.first_solution_strategy = FIRST_SOLUTIONS.Value.Value(params.first_solution)
        search.local_search_metaheuristic = METAHEURISTICS.Value.Value(params.metaheuristic)
        if params.time_limit_s is not None:
            search.time_limit.FromMilliseconds(int(params.time_limit_s * 1000))
        if params.solution_limit is not None:
            search.solution_limit = params.solution_limit
        search.log_search = params.log_search
        return search

    def solve(
        self, params: RoundsParams, initial_routes: list[list[tuple[int, int]]] | None
    ) -> Any:
        search = self.search_parameters(params)
        if initial_routes is None:
            return self.routing.SolveWithParameters(search)
        self.routing.CloseModelWithParameters(search)
        start = self.routing.ReadAssignmentFromRoutes(self.index_routes(initial_routes), True)
        if start is None:
            logger.warning("The initial routes are infeasible; solving from scratch.")
            return self.routing.SolveWithParameters(search)
        return self.routing.SolveFromAssignmentWithParameters(start, search)

    def index_routes(
        self, visit_routes: list[list[tuple[int, int]] | list[int]]
    ) -> list[list[int]]:
        """Translate routes of ``(visit, half)`` pairs into routes of routing indices.

        A bare visit index stands for its first half where first listed, its second after.
        """
        pairs = zip(self.tasks.visit, self.tasks.half, strict=True)
        node_of = {(int(v), int(h)): n for n, (v, h) in enumerate(pairs)}
        seen: set[int] = set()
        routes = []
        for route in visit_routes:
            nodes = []
            for key in route:
                if not isinstance(key, tuple):
                    visit = int(key)
                    key = (visit, 1 if visit in seen else 0)
                    seen.add(visit)
                if key in node_of:
                    nodes.append(self.manager.NodeToIndex(node_of[key]))
            routes.append(nodes)
        return routes

    def paths(self, solution: Any) -> list[list[tuple[int, int]]]:
        """Each period's ``(node, start)`` sequence in a solution, without lone halves.

        A half of a double-handed visit served without the other is taken out (the search
        may leave one, as equal activity is a penalty rather than a constraint); with
        shortest-path travel times the rest of its round stays feasible.
        """
        routing, manager, time = self.routing, self.manager, self.time
        paths = []
        for v in range(self.problem.num_periods):
            index, order = routing.Start(v), []
            while not routing.IsEnd(index := solution.Value(routing.NextVar(index))):
                order.append((manager.IndexToNode(index), solution.Value(time.CumulVar(index))))
            paths.append(order)
        halves = Counter(int(self.tasks.visit[n]) for order in paths for n, _ in order)
        lone = {v for v, count in halves.items() if count < self.problem.carers_required[v]}
        return [
            [(n, t) for n, t in order if int(self.tasks.visit[n]) not in lone] for order in paths
        ]

    def read_routes(self, solution: Any) -> tuple[Route, ...]:
        """Turn an OR-Tools assignment into :class:`Route` objects, recomputing each leg."""
        p, routing, time = self.problem, self.routing, self.time
        routes = []
        for v, order in enumerate(self.paths(solution)):
            if not order:
                continue
            leave = solution.Value(time.CumulVar(routing.Start(v)))
            back = solution.Value(time.CumulVar(routing.End(v)))
            breaks = [
                (solution.StartValue(b), solution.EndValue(b))
                for b in self.breaks.get(v, ())
                if solution.PerformedValue(b)
            ]
            routes.append(_route(p, self.tasks, v, leave, back, order, breaks))
        return tuple(routes)


def _routes_from_starts(
    problem: RoundsProblem,
    tasks: Tasks,
    node_routes: list[list[int]],
    start_s: np.ndarray,
    breaks: list[list[tuple[int, int]]],
) -> tuple[Route, ...]:
    """Turn node sequences, start times and breaks per period into :class:`Route` objects."""
    p = problem
    return tuple(
        _route(p, tasks, v, int(p.period_start_s[v]), int(p.period_end_s[v]), order, breaks[v])
        for v, order in enumerate([(n, int(start_s[n])) for n in nodes] for nodes in node_routes)
        if order
    )


def _route(
    problem: RoundsProblem,
    tasks: Tasks,
    period: int,
    leave: int,
    back: int,
    order: list[tuple[int, int]],
    breaks: list[tuple[int, int]],
) -> Route:
    """Build a period's route from its ``(node, start)`` sequence, recomputing each leg.

    The carer leaves home as late as the first visit allows and returns as early as
    possible, within ``leave`` and ``back``: OR-Tools' finalizer cannot do this reliably
    (synchronised visits make it set times with a global optimiser). Breaks already placed
    between home and the first (or after the last) visit stay inside the working period.
    """
    p = problem
    carer = int(p.period_carer[period])
    mode, home = int(p.carer_mode[carer]), int(p.carer_home[carer])
    times = p.travel_time_s[mode]
    (first, first_start), (last, last_start) = order[0], order[-1]
    last_end = last_start + int(tasks.duration_s[last])
    before = [(a, b) for a, b in breaks if leave <= a and b <= first_start]
    after = [(a, b) for a, b in breaks if last_end <= a and b <= back]
    latest = first_start - int(times[home, tasks.location[first]])
    latest -= sum(b - a for a, b in before)
    earliest = last_end + int(times[tasks.location[last], home])
    earliest += sum(b - a for a, b in after)
    latest = min([latest, *(a for a, _ in before)])
    earliest = max([earliest, *(b for _, b in after)])
    leave, back = max(leave, latest), min(back, earliest)
    kept = tuple((a, b) for a, b in breaks if leave <= a and b <= back)
    steps = []
    place, free = home, leave
    for node, start in order:
        loc = int(tasks.location[node])
        travel = int(p.travel_time_s[mode, place, loc])
        rest = sum(b - a for a, b in kept if free <= a and b <= start)
        end = start + int(tasks.duration_s[node])
        steps.append(
            Step(
                visit_id=p.visit_id[tasks.visit[node]],
                half=int(tasks.half[node]),
                location=loc,
                arrival_s=free + travel,
                start_s=start,
                end_s=end,
                waiting_s=start - free - travel - rest,
                travel_time_s=travel,
                length_m=int(p.length_m[mode, place, loc]),
            )
        )
        place, free = loc, end
    return Route(
        carer_id=p.carer_id[carer],
        period=period,
        leave_s=leave,
        return_s=back,
        steps=tuple(steps),
        home_travel_time_s=int(p.travel_time_s[mode, place, home]),
        home_length_m=int(p.length_m[mode, place, home]),
        breaks=kept,
    )
