"""The OR-Tools routing model of one pool: carer-visits as nodes, working periods as vehicles.

Its costs are the objective's terms (:mod:`roster.rounds.objective`) but the worst lateness,
which a routing model cannot express. Built once per search: the search may stop after its
first solution and go on from it (:meth:`OrToolsModel.search_from`).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from roster.rounds.params import FIRST_SOLUTIONS, METAHEURISTICS, RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.routes import build_route
from roster.rounds.solution import Route
from roster.rounds.tasks import Tasks, late_bound, node_routes

logger = logging.getLogger(__name__)

_STATUS = routing_enums_pb2.RoutingSearchStatus


class OrToolsModel:
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
        """Travel time, plus each node's costs with the period's carer, on the arcs into it.

        Those are the soft gender penalty (a visit with a preference, a carer of the other
        gender) and the problem's assignment costs (e.g. continuity). Periods whose carers
        share a travel mode and the same costs share one registered matrix: on a week's first
        day every carer is new to everyone, so one matrix serves all.
        """
        p, params, routing = self.problem, self.params, self.routing
        preference = np.concatenate(
            [p.gender_preference[self.tasks.visit], np.full(p.num_periods, ANY_GENDER)]
        )
        soft = not params.gender_hard and params.gender_penalty > 0
        assignment = np.vstack(
            [p.assignment_cost[self.tasks.visit], np.zeros((p.num_periods, p.num_carers), np.int64)]
        )
        registered: dict[tuple[int, bytes], int] = {}
        for v in range(p.num_periods):
            carer = int(p.period_carer[v])
            extra = assignment[:, carer].copy()
            if soft:
                miss = (preference != ANY_GENDER) & (preference != int(p.carer_gender[carer]))
                extra += params.gender_penalty * miss
            key = (int(self.period_mode[v]), extra.tobytes())
            if key not in registered:
                cost = self._travel(key[0]) + extra[None, :]
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
        self._contact_caps()
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

    def _contact_caps(self) -> None:
        """Cap each carer's time in visits, over their periods, where a cap can bind."""
        p, routing = self.problem, self.routing
        most = int(self.node_service_s.sum())
        binding = [c for c in range(p.num_carers) if p.max_contact_s[c] < most]
        if not binding:
            return
        callback = routing.RegisterUnaryTransitVector([int(s) for s in self.node_service_s])
        # Each period's capacity is its carer's cap (the routing filters prune with it); a
        # carer with several periods also gets a constraint on their sum.
        capacity = [int(min(p.max_contact_s[c], most + 1)) for c in p.period_carer]
        routing.AddDimensionWithVehicleCapacity(callback, 0, capacity, True, "contact")
        contact = routing.GetDimensionOrDie("contact")
        solver = routing.solver()
        for c in binding:
            periods = np.flatnonzero(p.period_carer == c)
            if len(periods) > 1:
                ends = [contact.CumulVar(routing.End(int(v))) for v in periods]
                solver.Add(solver.Sum(ends) <= int(p.max_contact_s[c]))

    def _capacity(self) -> None:
        p, routing = self.problem, self.routing
        demand = np.concatenate([p.visit_demand[self.tasks.visit], np.zeros(p.num_periods)])
        callback = routing.RegisterUnaryTransitVector([int(d) for d in demand])
        capacity = [int(p.carer_capacity[c]) for c in p.period_carer]
        routing.AddDimensionWithVehicleCapacity(callback, 0, capacity, True, "load")

    def search_parameters(self, params: RoundsParams) -> Any:
        """Return OR-Tools' search parameters for these settings: strategies and limits."""
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
        self,
        params: RoundsParams,
        initial_routes: list[list[tuple[int, int]]] | list[list[int]] | None,
    ) -> Any:
        """Search from scratch, or from ``initial_routes`` if they are feasible.

        Returns the best assignment found, or None.
        """
        search = self.search_parameters(params)
        if initial_routes is None:
            return self.routing.SolveWithParameters(search)
        self.routing.CloseModelWithParameters(search)
        start = self.routing.ReadAssignmentFromRoutes(self.index_routes(initial_routes), True)
        if start is None:
            logger.warning("The initial routes are infeasible; solving from scratch.")
            return self.routing.SolveWithParameters(search)
        return self.routing.SolveFromAssignmentWithParameters(start, search)

    def search_from(self, assignment: Any, params: RoundsParams) -> Any:
        """Go on searching from an assignment of this model, such as its first solution.

        The model is closed already (by the search that found ``assignment``): OR-Tools sets
        up a new search on it with these parameters. Returns the best assignment, or None.
        Read ``assignment`` first: the model may reuse it for the answer.
        """
        search = self.search_parameters(params)
        return self.routing.SolveFromAssignmentWithParameters(assignment, search)

    @property
    def status(self) -> str:
        """The name of the last search's routing status, such as ``ROUTING_SUCCESS``."""
        return _STATUS.Value.Name(self.routing.status())

    def index_routes(
        self, visit_routes: list[list[tuple[int, int]]] | list[list[int]]
    ) -> list[list[int]]:
        """Translate routes of ``(visit, half)`` pairs (or bare visits) into routing indices."""
        return [
            [self.manager.NodeToIndex(n) for n in nodes]
            for nodes in node_routes(self.tasks, visit_routes)
        ]

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
            routes.append(build_route(p, self.tasks, v, leave, back, order, breaks))
        return tuple(routes)
