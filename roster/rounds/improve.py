"""Improve rounds by ruin and recreate, moving both carers of a double-handed visit together.

OR-Tools moves one routing node at a time: it cannot move a synchronised pair as one, nor
put back a pair its first solution left out, and with lateness costed each of its moves
re-solves the schedule, which makes it slow. This search removes a handful of carer-visits
(both halves of a pair together), puts them back one at a time where they cost least, and
accepts a worse result now and then (simulated annealing), keeping the best.

Schedules are earliest-start: every visit starts as soon as its round, its window and its
partner allow. Inserting a visit can only delay others (travel times obey the triangle
inequality), so an insertion is priced by pushing the delays forward along rounds and across
synchronised pairs, touching only the visits that move. Every rule of
:func:`roster.rounds.solve.solve_rounds` is modelled, and every term of
:func:`roster.rounds.objective.objective` (kept up to date move by move here). Rest breaks go
where a round waits anyway, as late as the rule allows; a round whose waiting cannot hold them
is refused, which is stricter than OR-Tools (it may delay visits for a break). The kernels are
compiled with Numba: a search step is a few thousand array operations, too fine-grained for
NumPy.
"""

from __future__ import annotations

import logging
import time
from collections import namedtuple
from collections.abc import Callable

import numpy as np
from numba import njit, types
from numba.experimental import structref

from roster.rounds.objective import unassigned_cost
from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.routes import routes_from_starts
from roster.rounds.solution import Route
from roster.rounds.tasks import Tasks

logger = logging.getLogger(__name__)

#: Iterations run between two looks at the clock.
_CHUNK = 5
#: Unrouted nodes tried again per iteration, on average, beyond those near the ruin.
_RETRY_NODES = 400
#: Iterations between two progress reports.
_REPORT_EVERY = 200
#: Progress reports during a construction.
_CONSTRUCTION_REPORTS = 20
#: Candidate positions of a pair's first half tried with its second half.
_PAIR_CANDIDATES = 4
#: Chance of skipping a position during insertion (SISR's "blinks"), for diversity.
_BLINK = 0.01
#: Rises of one start in one propagation after which a cycle of synchronised pairs is assumed.
_MAX_RAISES = 16
#: Start and end temperature of the annealing, as fractions of the mean cost per visit.
_T_START, _T_END = 1.0, 0.003
#: Most carer-visits one ruin takes out (before partners), uniformly 1 to this: SISR's mean
#: of 10 (Christiaens & Vanden Berghe 2020). Fewer per ruin buy more iterations.
_RUIN_MOST = 20
#: Insertion tries only the rounds of a node's this many nearest routed nodes, and empty
#: rounds (0: every round), then every round if none of those fits. Positions far from any
#: neighbour rarely cost least. On Mankowska 300_1 at 60 s (load 10-12) 25 ran 2,555
#: iterations to every round's 1,935 (gap 6.5% against 7.5%; 200_1 8.5% against 8.7%).
#: Since the kernels take structrefs it runs some 350,000 (load 3); 40 measured mixed, within
#: one seed's noise (200_1-3: 3.7, 0.7, -1.8% against 3.4, -0.4, 1.1%; 300_2-4: -2.1% mean
#: against -2.1%).
_GRANULAR = 25

# Static data and mutable state of the search, as tuples of arrays; the kernels get each as
# one Numba structref (:func:`_kernel_view`).
_Data = namedtuple(
    "_Data",
    "travel loc dur earliest late hard partner sync_off demand allowed pen "
    "p_home p_mode p_start p_end p_carer p_cap c_periods c_capped max_work max_contact near "
    "weights",
)
_State = namedtuple("_State", "route rlen where pos start load worst")
_Scratch = namedtuple("_Scratch", "stack inq raised log_node log_old")


# A tuple of arrays passed to a kernel, even an inlined one, has every array's reference count
# raised and lowered: some 60 atomic operations, 350 ns a call, which on Mankowska 300_1 was
# nine tenths of an iteration. A structref is passed as one reference.
@structref.register
class _DataType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


@structref.register
class _StateType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


@structref.register
class _ScratchType(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


class _DataRef(structref.StructRefProxy):
    """:class:`_Data` as the kernels take it; Python reads the arrays as attributes."""


class _StateRef(structref.StructRefProxy):
    """:class:`_State` as the kernels take it; Python reads the arrays as attributes."""


class _ScratchRef(structref.StructRefProxy):
    """:class:`_Scratch` as the kernels take it; Python reads the arrays as attributes."""


for _proxy, _type, _tuple in (
    (_DataRef, _DataType, _Data),
    (_StateRef, _StateType, _State),
    (_ScratchRef, _ScratchType, _Scratch),
):
    structref.define_constructor(_proxy, _type, _tuple._fields)
    structref.define_boxing(_type, _proxy)


@njit(cache=True)
def _new_data(*arrays):
    return _DataRef(*arrays)


@njit(cache=True)
def _new_state(*arrays):
    return _StateRef(*arrays)


@njit(cache=True)
def _new_scratch(*arrays):
    return _ScratchRef(*arrays)


def _kernel_view(arrays: tuple) -> structref.StructRefProxy:
    """Return the same arrays (not copies) as one structref; Python still reads ``view.name``."""
    new = {_Data: _new_data, _State: _new_state, _Scratch: _new_scratch}[type(arrays)]
    view = new(*arrays)
    for name, array in zip(arrays._fields, arrays, strict=True):
        setattr(view, name, array)
    return view


_NEVER = np.int64(2**62)  # a budget no change reaches
# Arguments passed typed, never as literals: Numba compiles a kernel, and every kernel it
# calls, once more for each literal (-1, 0) it is given, which doubled the first-use compile.
_NONE = np.int64(-1)  # no period or position (``other``: no partner's carer to avoid)
_LOG_START = np.int64(0)  # ``logged`` when nothing is logged yet
_EVERY_ROUND = np.int64(0)  # ``near`` when every round is tried
_MUST_GAIN = np.int64(0)  # ``bound`` when only a position that lowers the cost will do
# Indices into _Data.weights.
_LATE, _UNASSIGNED, _FIXED, _WORST, _BREAK_AFTER, _BREAK, _RUIN, _NEAR = 0, 1, 2, 3, 4, 5, 6, 7


def improve_routes(
    problem: RoundsProblem,
    params: RoundsParams,
    tasks: Tasks,
    routes: list[list[int]],
    seconds: float | None,
    iterations: int | None,
    seed: int,
    progress: Callable[[float], None] | None = None,
) -> tuple[tuple[Route, ...], int]:
    """Improve rounds of routing nodes by ruin and recreate.

    Nodes the start leaves out are first put in where they cost least, a pair as one job; from
    empty rounds, most constrained first (the construction of :func:`construct_routes`). That
    always completes, whatever the budget.

    Parameters
    ----------
    problem
        The pool.
    params
        The rules and weights the rounds are solved under.
    tasks
        The carer-visits (``roster.rounds.tasks.Tasks``): node ``n`` is half ``tasks.half[n]`` of
        visit ``tasks.visit[n]``, allowed in periods ``tasks.allowed[n]``.
    routes
        Per period, the nodes in order: a start (it may leave nodes out, never one half of a
        pair alone). If its schedule breaks a rule, the search starts from empty rounds.
    seconds
        Wall-clock budget, or None.
    iterations
        Iteration budget (deterministic, for tests), or None.
    seed
        Seed of the random choices.
    progress
        Called now and then with the share of the work done (0 to 1): the construction's
        share of the nodes it has placed, then the share of the budget spent.

    Returns
    -------
    routes
        The best rounds found, each carer leaving home as late as its first visit allows.
    cost
        Their objective value (:func:`roster.rounds.objective.objective`), as this search
        keeps it.
    """
    if seconds is None and iterations is None:
        raise ValueError("The improvement needs a time limit or an iteration limit.")
    entered = time.perf_counter()
    data = _data(problem, params, tasks)
    n, r = len(data.loc), len(data.p_home)
    state = _State(
        route=np.full((r, _width(data, routes)), -1, np.int64),
        rlen=np.zeros(r, np.int64),
        where=np.full(n, -1, np.int64),
        pos=np.full(n, -1, np.int64),
        start=np.full(n, -1, np.int64),
        load=np.zeros(r, np.int64),
        worst=np.zeros(1, np.int64),
    )
    scratch = _Scratch(
        np.zeros(n + 1, np.int64),
        np.zeros(n, np.bool_),
        np.zeros(n, np.int64),
        np.zeros(64 * n + 64, np.int64),
        np.zeros(64 * n + 64, np.int64),
    )
    best = _kernel_view(_State(*(a.copy() for a in state)))
    saved = _kernel_view(_State(*(a.copy() for a in state)))
    data, state, scratch = _kernel_view(data), _kernel_view(state), _kernel_view(scratch)
    _search(state, saved, best, data, scratch, 0, 1.0, 0, 0)  # compile (or load) before the clock
    _insert_jobs(state, data, scratch, np.zeros(0, np.int64))
    began, done = time.perf_counter(), 0
    if seconds is not None:  # loading the kernels counts: the caller's limit holds
        seconds = max(0.0, seconds - (began - entered))
    _start_from(state, data, scratch, routes)
    _seed(seed)
    constructing = not any(routes)
    if constructing:
        _construct(state, data, scratch, progress, 0.5 if seconds or iterations else 1.0)
    elif (state.where < 0).any():
        _recreate(state, data, scratch)  # put in what the start left out
    _copy(state, best)
    cost = best_cost = _cost(state, data)
    routed = max(int((state.where >= 0).sum()), 1)
    scale = max((cost - _penalties(state, data)) / routed, 1.0)
    t_start, t_end = _T_START * scale, _T_END * scale
    logger.info("Improvement starts at cost %d.", cost)
    while True:
        fraction = 0.0 if iterations is None else done / max(iterations, 1)
        if seconds is not None:
            fraction = max(fraction, (time.perf_counter() - began) / seconds if seconds else 1)
        if fraction >= 1 or (iterations is not None and done >= iterations):
            break
        if progress is not None and done % _REPORT_EVERY == 0:
            progress(0.5 + 0.5 * fraction if constructing else fraction)
        steps = _CHUNK if iterations is None else min(_CHUNK, iterations - done)
        temperature = t_start * (t_end / t_start) ** fraction
        cost, best_cost = _search(
            state, saved, best, data, scratch, steps, temperature, cost, best_cost
        )
        done += steps
    logger.info("Improvement ran %d iterations; cost %d.", done, best_cost)
    out = [[int(x) for x in best.route[p, : best.rlen[p]]] for p in range(r)]
    breaks = []
    for p in range(r):
        begins = np.empty(len(out[p]), np.int64)
        count = _breaks(best, data, p, begins)
        breaks.append([(int(b), int(b) + params.break_duration_s) for b in begins[:count]])
    routes = routes_from_starts(problem, tasks, out, _delayed_starts(best, data), breaks)
    return routes, int(best_cost)


def _width(data: _Data, routes: list[list[int]]) -> int:
    """Room for a round: the most visits a period can hold, plus one being tried, or all nodes.

    Visits of a round do not overlap, so a period of length L holds at most L / (shortest
    service) of them. Every search state is copied each iteration: in a pool of 450 periods
    and 2,200 nodes, rows of every node would be 8 MB.
    """
    n = len(data.loc)
    shortest = int(data.dur.min()) if n else 0
    if shortest <= 0 or len(data.p_home) == 0:
        return n + 1
    longest = int((data.p_end - data.p_start).max())
    given = max((len(nodes) for nodes in routes), default=0)
    return min(n + 1, max(longest // shortest, given) + 3)


def construct_routes(
    problem: RoundsProblem,
    params: RoundsParams,
    tasks: Tasks,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> tuple[tuple[Route, ...], int]:
    """Build rounds from empty rounds by pair-aware cheapest insertion, without improving them.

    Jobs (a single carer-visit, or both halves of a double-handed visit as one) go most
    constrained first (fewest periods able to serve them, then earliest start), each at the
    feasible place that costs least (a pair's first half at
    each of its few cheapest places, completed by the second's cheapest): every rule the
    improvement knows holds throughout. It scales to sessions of thousands of carer-visits
    where OR-Tools' first solution does not.

    Returns
    -------
    routes
        The rounds built (jobs with no feasible place left out).
    cost
        Their objective value.
    """
    empty = [[] for _ in range(problem.num_periods)]
    return improve_routes(problem, params, tasks, empty, None, 0, seed, progress)


def _construct(
    state: _StateRef,
    data: _DataRef,
    scratch: _ScratchRef,
    progress: Callable[[float], None] | None,
    share: float,
) -> None:
    """Put in every node left out, a job at a time, most constrained first, reporting progress.

    Jobs go in order of how few periods could serve them (skills, gender, shifts and reach
    in time), then of earliest start. On the largest rutland_dense session (2,011 visits)
    this left 0 carer-visits out and 61 h of travel, against 60 left out and 115 h in order
    of earliest start (pairs first: 27 and 87 h; random: 58 and 109 h).
    Reports ``share`` times the share of jobs placed.
    """
    jobs = np.flatnonzero(
        (state.where < 0) & ((data.partner < 0) | (np.arange(len(data.loc)) < data.partner))
    )
    able = data.allowed.sum(axis=1)
    partner = data.partner[jobs]
    able_jobs = np.where(
        partner >= 0, np.minimum(able[jobs], able[np.maximum(partner, 0)]), able[jobs]
    )
    jobs = jobs[np.lexsort((data.earliest[jobs], able_jobs))]
    chunk = max(1, -(-len(jobs) // _CONSTRUCTION_REPORTS))
    for begin in range(0, len(jobs), chunk):
        _insert_jobs(state, data, scratch, jobs[begin : begin + chunk])
        if progress is not None:
            progress(share * min(begin + chunk, len(jobs)) / len(jobs))


def _start_from(
    state: _StateRef, data: _DataRef, scratch: _ScratchRef, routes: list[list[int]]
) -> None:
    """Take in the starting rounds, leaving out any whose schedule breaks a rule here.

    OR-Tools may delay a visit, for a break or to shorten a round; this search keeps starts
    early and breaks in waiting, so such a round is left out (with the partners of its
    double-handed visits) for the search to rebuild.
    """
    for period, nodes in enumerate(routes):
        for node in nodes:
            _place(state, data, node, period, state.rlen[period])
    if _reschedule(state, data, scratch):
        return
    dropped = 0
    for node in np.flatnonzero(state.where >= 0):
        _take(state, data, node)
    for period, nodes in enumerate(routes):
        for node in nodes:
            _place(state, data, node, period, state.rlen[period])
        if not _reschedule(state, data, scratch):
            dropped += 1
            for node in nodes:
                partner = data.partner[node]
                for n in (node, partner):
                    if n >= 0 and state.where[n] >= 0:
                        _take(state, data, n)
    for node in np.flatnonzero((state.where >= 0) & (data.partner >= 0)):
        if state.where[data.partner[node]] < 0:
            _take(state, data, node)  # a half whose partner's round was left out
    if not _reschedule(state, data, scratch):  # only without the triangle inequality
        for node in np.flatnonzero(state.where >= 0):
            _take(state, data, node)
    logger.info("%d starting round(s) break a rule of this search; it rebuilds them.", dropped)


def _data(problem: RoundsProblem, params: RoundsParams, tasks: Tasks) -> _Data:
    """Gather the arrays the kernels read, one row per node, period or carer."""
    p = problem
    visit, half = tasks.visit, tasks.half
    n, r = len(visit), p.num_periods
    late_s = 0 if not params.allow_lateness else params.max_lateness_s
    horizon = int(p.period_end_s.max())
    hard = p.latest_start_s[visit] + (horizon if late_s is None else late_s)
    partner = np.full(n, -1, np.int64)
    first = {int(v): k for k, (v, h) in enumerate(zip(visit, half, strict=True)) if h == 0}
    sync_off = np.zeros(n, np.int64)
    tolerance = params.double_handed_tolerance_s
    for k, (v, h) in enumerate(zip(visit, half, strict=True)):
        if h == 1:
            a = first[int(v)]
            partner[a], partner[k] = k, a
            # start[second] >= start[first] + min gap; start[first] >= start[second] - max gap.
            sync_off[k] = p.start_gap_min_s[v] - tolerance
            sync_off[a] = -(p.start_gap_max_s[v] + tolerance)
    allowed = np.zeros((n, r), np.bool_)
    for k, periods in enumerate(tasks.allowed):
        allowed[k, list(periods)] = True
    pen = np.zeros((n, r), np.int64)
    if not params.gender_hard and params.gender_penalty:
        preference = p.gender_preference[visit][:, None]
        gender = p.carer_gender[p.period_carer][None, :]
        pen = params.gender_penalty * ((preference != ANY_GENDER) & (preference != gender))
    pen = pen + p.assignment_cost[visit][:, p.period_carer]
    periods_of = [np.flatnonzero(p.period_carer == c) for c in range(p.num_carers)]
    # A carer whose caps no rounds could reach is not checked against them on every move.
    longest = np.array([int((p.period_end_s - p.period_start_s)[q].sum()) for q in periods_of])
    c_capped = (p.max_working_s < longest) | (p.max_contact_s < int(tasks.duration_s.sum()))
    c_periods = np.full((p.num_carers, max(map(len, periods_of))), -1, np.int64)
    for c, periods in enumerate(periods_of):
        c_periods[c, : len(periods)] = periods
    loc = p.visit_location[visit]
    sym = p.travel_time_s[0][np.ix_(loc, loc)]
    near = np.argsort(sym + sym.T, axis=1, kind="stable")
    demand = np.zeros(n, np.int64) if p.visit_demand is None else p.visit_demand[visit]
    capacity = (
        np.full(r, n + 1, np.int64)
        if p.carer_capacity is None
        else p.carer_capacity[p.period_carer]
    )
    cost = params.lateness_cost_per_s if params.allow_lateness else 0
    worst_cost = params.worst_lateness_cost_per_s if params.allow_lateness else 0
    no_break = params.break_after_s is None
    breaks = (-1, 0) if no_break else (params.break_after_s, params.break_duration_s)
    as_int = lambda a: np.ascontiguousarray(a, dtype=np.int64)  # noqa: E731
    return _Data(
        travel=as_int(p.travel_time_s),
        loc=as_int(loc),
        dur=as_int(tasks.duration_s),
        earliest=as_int(p.earliest_start_s[visit]),
        late=as_int(p.latest_start_s[visit]),
        hard=as_int(np.minimum(hard, horizon)),
        partner=partner,
        sync_off=sync_off,
        demand=as_int(demand),
        allowed=allowed,
        pen=as_int(pen),
        p_home=as_int(p.carer_home[p.period_carer]),
        p_mode=as_int(p.carer_mode[p.period_carer]),
        p_start=as_int(p.period_start_s),
        p_end=as_int(p.period_end_s),
        p_carer=as_int(p.period_carer),
        p_cap=as_int(capacity),
        c_periods=c_periods,
        c_capped=np.ascontiguousarray(c_capped, dtype=np.bool_),
        max_work=as_int(p.max_working_s),
        max_contact=as_int(p.max_contact_s),
        near=as_int(near),
        weights=as_int(
            [
                cost,
                unassigned_cost(params),
                params.carer_fixed_cost,
                worst_cost,
                *breaks,
                _RUIN_MOST,
                _GRANULAR,
            ]
        ),
    )


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


@njit(cache=True)
def _place(s, d, n, r, i):
    """Put node n at position i of period r (no schedule update)."""
    length = s.rlen[r]
    for j in range(length, i, -1):
        m = s.route[r, j - 1]
        s.route[r, j] = m
        s.pos[m] = j
    s.route[r, i] = n
    s.pos[n] = i
    s.where[n] = r
    s.rlen[r] = length + 1
    s.load[r] += d.demand[n]
    s.start[n] = d.earliest[n]


@njit(cache=True)
def _take(s, d, n):
    """Take node n out of its round (no schedule update)."""
    r, i = s.where[n], s.pos[n]
    length = s.rlen[r]
    for j in range(i, length - 1):
        m = s.route[r, j + 1]
        s.route[r, j] = m
        s.pos[m] = j
    s.route[r, length - 1] = -1
    s.rlen[r] = length - 1
    s.load[r] -= d.demand[n]
    s.where[n] = -1
    s.pos[n] = -1
    s.start[n] = -1


@njit(cache=True, inline="always")
def _lateness(d, n, start):
    return d.weights[_LATE] * max(0, start - d.late[n])


@njit(cache=True)
def _worst_delta(s, d, x, nlog):
    """Cost of the rise in the largest lateness over the changes logged since the base state."""
    worst = s.worst[0]
    for k in range(nlog):
        n = x.log_node[k]
        worst = max(worst, s.start[n] - d.late[n])
    return d.weights[_WORST] * (worst - s.worst[0])


@njit(cache=True)
def _commit_worst(s, d, x, nlog):
    for k in range(nlog):
        n = x.log_node[k]
        s.worst[0] = max(s.worst[0], s.start[n] - d.late[n])


@njit(cache=True)
def _propagate(s, d, x, stacked, logged, budget):
    """Raise starts until every bound holds; return (feasible, lateness change, log size).

    The first ``stacked`` entries of the stack are the nodes to look at; every change is
    logged after position ``logged`` so that :func:`_undo` can restore it. It gives up
    (infeasible) once the lateness cost passes ``budget``: the caller needs no worse move.
    Starts only rise, so an infeasible rise (past a hard window, the period end, or round a
    cycle of synchronised pairs, which raises the same starts again and again) ends it.
    """
    top, nlog, delta = stacked, logged, 0
    feasible = True
    # The arrays taken out once and the bound written out (see _candidates: a call costs a
    # reference count on every structref).
    stack, inq, raised, log_node, log_old = x.stack, x.inq, x.raised, x.log_node, x.log_old
    route, rlen, where, pos, start = s.route, s.rlen, s.where, s.pos, s.start
    travel, loc, dur, earliest, late, hard = d.travel, d.loc, d.dur, d.earliest, d.late, d.hard
    partner, sync_off, p_home, p_mode = d.partner, d.sync_off, d.p_home, d.p_mode
    p_start, p_end, late_w = d.p_start, d.p_end, d.weights[_LATE]
    while top > 0:
        top -= 1
        n = stack[top]
        inq[n] = False
        # The earliest start of n given its predecessor, window and partner.
        r, i = where[n], pos[n]
        if i == 0:
            free, place = p_start[r], p_home[r]
        else:
            m = route[r, i - 1]
            free, place = start[m] + dur[m], loc[m]
        lb = max(earliest[n], free + travel[p_mode[r], place, loc[n]])
        q = partner[n]
        if q >= 0 and where[q] >= 0:
            lb = max(lb, start[q] + sync_off[n])
        if lb <= start[n]:
            continue
        log_node[nlog] = n
        log_old[nlog] = start[n]
        nlog += 1
        raised[n] += 1
        if raised[n] > _MAX_RAISES:
            feasible = False
            break
        delta += late_w * (max(0, lb - late[n]) - max(0, start[n] - late[n]))
        start[n] = lb
        if delta >= budget or lb > hard[n] or lb > p_end[r]:
            feasible = False
            break
        if nlog >= len(log_node) - 2:
            feasible = False
            break
        if i + 1 < rlen[r]:
            m = route[r, i + 1]
            if not inq[m]:
                stack[top] = m
                inq[m] = True
                top += 1
        if q >= 0 and where[q] >= 0 and not inq[q]:
            stack[top] = q
            inq[q] = True
            top += 1
    for k in range(top):
        x.inq[x.stack[k]] = False
    for k in range(logged, nlog):
        x.raised[x.log_node[k]] = 0
    return feasible, delta, nlog


@njit(cache=True)
def _undo(s, x, logged, nlog):
    for k in range(nlog - 1, logged - 1, -1):
        s.start[x.log_node[k]] = x.log_old[k]


@njit(cache=True)
def _leave_back(s, d, r):
    """When a non-empty period r leaves home for its first visit and gets back from its last."""
    mode, home = d.p_mode[r], d.p_home[r]
    first, last = s.route[r, 0], s.route[r, s.rlen[r] - 1]
    leave = s.start[first] - d.travel[mode, home, d.loc[first]]
    back = s.start[last] + d.dur[last] + d.travel[mode, d.loc[last], home]
    return leave, back


@njit(cache=True)
def _raw_span(s, d, r):
    """Working time of period r at its earliest starts: leave for the first visit, then home."""
    if s.rlen[r] == 0:
        return 0
    leave, back = _leave_back(s, d, r)
    return back - leave


@njit(cache=True)
def _waiting(s, d, r, i):
    """Idle time before the i-th visit of period r, beyond the travel to it."""
    n = s.route[r, i]
    if i == 0:
        return 0
    m = s.route[r, i - 1]
    return s.start[n] - s.start[m] - d.dur[m] - d.travel[d.p_mode[r], d.loc[m], d.loc[n]]


@njit(cache=True)
def _delay(s, d, r):
    """How long period r's first visit can be put off without harm.

    Putting it off by t delays each later visit by t less the waiting before it, so the
    delay is worth at most the round's total waiting; it may make no visit late and must not
    reach a synchronised visit (whose partner would move). A round that needs a break even
    so is not put off: its breaks go where it waits.
    """
    waited, slack = 0, _NEVER
    for i in range(s.rlen[r]):
        n = s.route[r, i]
        waited += _waiting(s, d, r, i)
        if d.partner[n] >= 0:
            break
        slack = min(slack, waited + max(0, d.late[n] - s.start[n]))
    delay = min(slack, waited)
    if d.weights[_BREAK_AFTER] >= 0 and _raw_span(s, d, r) - delay > d.weights[_BREAK_AFTER]:
        return 0
    return delay


@njit(cache=True)
def _span(s, d, r):
    """Working time of period r, its first visit put off by :func:`_delay` to cut waiting."""
    return _raw_span(s, d, r) - _delay(s, d, r) if s.rlen[r] else 0


@njit(cache=True)
def _breaks(s, d, r, out):
    """Place period r's breaks in its waiting, each as late as the rule allows.

    Writes the break starts to ``out`` and returns how many, or -1 if the waiting cannot
    hold them. Latest-first is optimal here: a later break leaves the least work after it.
    """
    after, duration = d.weights[_BREAK_AFTER], d.weights[_BREAK]
    length = s.rlen[r]
    if after < 0 or length == 0 or _span(s, d, r) <= after:
        return 0
    leave, back = _leave_back(s, d, r)
    stretch, count, i = leave, 0, 1
    while back - stretch > after:
        best, best_i = -1, -1
        for j in range(i, length):
            m = s.route[r, j - 1]
            free = s.start[m] + d.dur[m]
            if free > stretch + after:
                break
            if _waiting(s, d, r, j) >= duration:
                begin = min(s.start[s.route[r, j]] - duration, stretch + after)
                if begin >= max(free, stretch):
                    best, best_i = begin, j
        if best_i < 0:
            return -1
        out[count] = best
        count += 1
        stretch, i = best + duration, best_i + 1
    return count


@njit(cache=True)
def _delayed_starts(s, d):
    """Return the output schedule: starts with each round's first visit put off by its delay."""
    start = s.start.copy()
    for r in range(len(d.p_home)):
        delay, waited = _delay(s, d, r), 0
        for i in range(s.rlen[r]):
            waited += _waiting(s, d, r, i)
            if waited >= delay:
                break
            start[s.route[r, i]] += delay - waited
    return start


@njit(cache=True)
def _route_ok(s, d, r):
    """Whether period r gets home in time, fits its breaks, and its carer keeps to the caps."""
    length = s.rlen[r]
    if length == 0:
        return True
    if _leave_back(s, d, r)[1] > d.p_end[r]:
        return False
    # Without a break rule there is nothing to place (and no buffer to allocate).
    if d.weights[_BREAK_AFTER] >= 0 and _breaks(s, d, r, np.empty(length, np.int64)) < 0:
        return False
    c = d.p_carer[r]
    if not d.c_capped[c]:
        return True
    total = contact = 0
    for k in range(d.c_periods.shape[1]):
        q = d.c_periods[c, k]
        if q < 0:
            break
        total += _span(s, d, q)
        for i in range(s.rlen[q]):
            contact += d.dur[s.route[q, i]]
    return total <= d.max_work[c] and contact <= d.max_contact[c]


@njit(cache=True)
def _changed_routes_ok(s, d, x, r, logged, nlog):
    if not _route_ok(s, d, r):
        return False
    last = r
    for k in range(logged, nlog):
        q = s.where[x.log_node[k]]
        if q != last and q != r and not _route_ok(s, d, q):
            return False
        last = q
    return True


@njit(cache=True, inline="always")
def _insertion_cost(s, d, n, r, i):
    """Cost change of putting node n at position i of period r, before any lateness.

    Travel and gender costs, the unassigned penalty saved, and the fixed cost of a new round.
    """
    t = d.travel[d.p_mode[r]]
    before = d.p_home[r] if i == 0 else d.loc[s.route[r, i - 1]]
    after = d.p_home[r] if i == s.rlen[r] else d.loc[s.route[r, i]]
    cost = t[before, d.loc[n]] + t[d.loc[n], after] - t[before, after] + d.pen[n, r]
    cost -= d.weights[_UNASSIGNED]
    return cost + d.weights[_FIXED] if s.rlen[r] == 0 else cost


@njit(cache=True)
def _try(s, d, x, n, r, i, logged, budget):
    """Insert node n at (r, i) and propagate; return (feasible, cost change, log size).

    Infeasible too if the change reaches ``budget``. The node stays in place: the caller
    undoes it with :func:`_untry` or keeps it.
    """
    delta = _insertion_cost(s, d, n, r, i)
    _place(s, d, n, r, i)
    x.stack[0] = n
    x.inq[n] = True
    top = 1
    if i + 1 < s.rlen[r]:
        m = s.route[r, i + 1]
        x.stack[1] = m
        x.inq[m] = True
        top = 2
    feasible, late, nlog = _propagate(s, d, x, top, logged, budget - delta)
    if feasible:
        feasible = _changed_routes_ok(s, d, x, r, logged, nlog)
    return feasible, delta + late, nlog


@njit(cache=True)
def _untry(s, d, x, n, logged, nlog):
    _undo(s, x, logged, nlog)
    _take(s, d, n)


@njit(cache=True)
def _candidates(s, d, n, other, bound, near):
    """Positions of node n (not with the carer of period ``other``), cheapest bound first.

    Only the rounds of n's ``near`` nearest routed nodes and empty rounds count (0: every
    round). Returns (bounds, periods, positions) of every position whose O(1) lower bound
    (its lower bound, in O(1)) is below ``bound``, sorted by that bound (stably, so the same state
    gives the same order). Pricing them in this order, a search stops at the first bound no
    better than the best price found: the exact price (a propagation) is paid for a few
    positions instead of every one.
    """
    size = 0
    for r in range(len(d.p_home)):
        size += s.rlen[r] + 1
    wanted = np.ones(len(d.p_home), np.bool_)
    if near > 0:
        wanted[:] = False
        found = 0
        for k in range(len(d.loc)):
            m = d.near[n, k]
            r = s.where[m]
            if r >= 0:
                wanted[r] = True
                found += 1
                if found >= near:
                    break
        for r in range(len(d.p_home)):
            if s.rlen[r] == 0:
                wanted[r] = True
    bounds = np.empty(size, np.int64)
    rs = np.empty(size, np.int64)
    iis = np.empty(size, np.int64)
    count = 0
    # The arrays taken out once, the helpers written out: a kernel call in this loop, even an
    # inlined one, costs a reference count on every structref, which was nine tenths of it.
    route, rlen, start, load = s.route, s.rlen, s.start, s.load
    travel, loc, dur, earliest, late = d.travel, d.loc, d.dur, d.earliest, d.late
    hard, pen = d.hard, d.pen
    p_home, p_mode, p_start, p_end, p_carer = d.p_home, d.p_mode, d.p_start, d.p_end, d.p_carer
    late_w, fixed, unassigned = d.weights[_LATE], d.weights[_FIXED], d.weights[_UNASSIGNED]
    here, mine, earliest_n, hard_n = loc[n], dur[n], earliest[n], hard[n]
    for r in range(len(p_home)):
        # Whether n may go in period r at all: its skills and shifts, room, load, carer.
        if not (
            wanted[r]
            and d.allowed[n, r]
            and rlen[r] + 1 < route.shape[1]
            and load[r] + d.demand[n] <= d.p_cap[r]
            and (other < 0 or p_carer[r] != p_carer[other])
        ):
            continue
        t = travel[p_mode[r]]
        length = rlen[r]
        for i in range(length + 1):
            # A lower bound, in O(1), of the cost change of putting n at (r, i): travel and
            # gender costs, the unassigned penalty saved, a new round's fixed cost, n's own
            # lateness given its predecessor's current end, and the successor's lateness from
            # being pushed. Certainly infeasible (skipped): n would start past its hard window
            # or the period's end, or push its successor past the successor's (starts only
            # rise).
            if i == 0:
                free, before = p_start[r], p_home[r]
            else:
                m = route[r, i - 1]
                free, before = start[m] + dur[m], loc[m]
                if free > hard_n:
                    break  # ends only rise along a round: every later position too
            after = p_home[r] if i == length else loc[route[r, i]]
            # Times alone first: the travel matrix is large, and a lookup in it often misses
            # the cache.
            if i < length and max(earliest_n, free) + mine > hard[route[r, i]]:
                continue
            begin = max(earliest_n, free + t[before, here])
            if begin > hard_n or begin > p_end[r]:
                continue
            b = t[before, here] + t[here, after] - t[before, after] + pen[n, r] - unassigned
            if length == 0:
                b += fixed
            b += late_w * max(0, begin - late[n])
            if i < length:
                m = route[r, i]
                pushed = begin + mine + t[here, loc[m]]
                if pushed > hard[m]:
                    continue
                if pushed > start[m]:
                    b += late_w * (max(0, pushed - late[m]) - max(0, start[m] - late[m]))
            if b >= bound:
                continue
            bounds[count], rs[count], iis[count] = b, r, i
            count += 1
    order = np.argsort(bounds[:count], kind="mergesort")
    return bounds[:count][order], rs[:count][order], iis[:count][order]


@njit(cache=True)
def _best_single(s, d, x, n, other, logged, bound, near):
    """Cheapest feasible position of node n (not with the carer of period ``other``).

    Returns (cost change, period, position), period -1 when none beats ``bound``. Only the
    rounds near n (``near``: see :func:`_candidates`), then every round if none of them will do.
    """
    best, best_r, best_i = _best_near(s, d, x, n, other, logged, bound, near)
    if best_r < 0 and near > 0:
        return _best_near(s, d, x, n, other, logged, bound, _EVERY_ROUND)
    return best, best_r, best_i


@njit(cache=True)
def _best_near(s, d, x, n, other, logged, bound, near):
    best, best_r, best_i = bound, _NONE, _NONE
    bounds, rs, iis = _candidates(s, d, n, other, bound, near)
    for k in range(len(bounds)):
        if bounds[k] >= best:
            break  # insertion only delays visits: lateness cannot fall
        if np.random.random() < _BLINK:
            continue
        r, i = rs[k], iis[k]
        feasible, delta, nlog = _try(s, d, x, n, r, i, logged, best)
        if feasible:
            delta += _worst_delta(s, d, x, nlog)
        _untry(s, d, x, n, logged, nlog)
        if feasible and delta < best:
            best, best_r, best_i = delta, r, i
    return best, best_r, best_i


@njit(cache=True)
def _insert_job(s, d, x, a, b):
    """Insert node a (and its partner b, if b >= 0) where they cost least; False if nowhere.

    Only the rounds near each node are tried (``_GRANULAR``), then every round if none fits.
    """
    near = d.weights[_NEAR]
    if _insert_near(s, d, x, a, b, near):
        return True
    return near > 0 and _insert_near(s, d, x, a, b, _EVERY_ROUND)


@njit(cache=True)
def _insert_near(s, d, x, a, b, near):
    if b < 0:
        delta, r, i = _best_single(s, d, x, a, _NONE, _LOG_START, _MUST_GAIN, near)
        if r < 0:
            return False
        feasible, delta, nlog = _try(s, d, x, a, r, i, _LOG_START, _NEVER)
        if not feasible:  # cannot happen: the same move was feasible when priced
            _untry(s, d, x, a, _LOG_START, nlog)
            return False
        _commit_worst(s, d, x, nlog)
        return True
    # A pair: the few cheapest places for a alone, each completed by the best place for b.
    k = _PAIR_CANDIDATES
    cand_cost = np.zeros(k, np.int64)
    cand_r = np.full(k, -1, np.int64)
    cand_i = np.full(k, -1, np.int64)
    bounds, rs, iis = _candidates(s, d, a, _NONE, _NEVER, near)
    for c in range(len(bounds)):
        slot = -1
        for j in range(k):
            if cand_r[j] < 0:
                slot = j
                break
        if slot < 0:
            slot = np.argmax(cand_cost)
            if bounds[c] >= cand_cost[slot]:
                break  # sorted: no later position beats the dearest candidate
        if np.random.random() < _BLINK:
            continue
        limit = _NEVER if cand_r[slot] < 0 else cand_cost[slot]
        feasible, delta, nlog = _try(s, d, x, a, rs[c], iis[c], _LOG_START, limit)
        if feasible:
            delta += _worst_delta(s, d, x, nlog)
        _untry(s, d, x, a, _LOG_START, nlog)
        if feasible and (cand_r[slot] < 0 or delta < cand_cost[slot]):
            cand_cost[slot], cand_r[slot], cand_i[slot] = delta, rs[c], iis[c]
    best, best_ra, best_ia, best_rb, best_ib = _MUST_GAIN, _NONE, _NONE, _NONE, _NONE
    for j in range(k):
        if cand_r[j] < 0:
            continue
        feasible, delta_a, nlog = _try(s, d, x, a, cand_r[j], cand_i[j], _LOG_START, _NEVER)
        if feasible:
            # Near rounds only, even if none beats the best pair so far: scanning every round
            # then took half the time. If no pair fits near, _insert_job tries every round.
            delta_b, rb, ib = _best_near(s, d, x, b, cand_r[j], nlog, best - delta_a, near)
            if rb >= 0 and delta_a + delta_b < best:
                best = delta_a + delta_b
                best_ra, best_ia, best_rb, best_ib = cand_r[j], cand_i[j], rb, ib
        _untry(s, d, x, a, _LOG_START, nlog)
    if best_ra < 0:
        return False
    feasible, delta, nlog = _try(s, d, x, a, best_ra, best_ia, _LOG_START, _NEVER)
    if feasible:
        feasible, delta, nlog2 = _try(s, d, x, b, best_rb, best_ib, nlog, _NEVER)
        if feasible:
            _commit_worst(s, d, x, nlog2)
            return True
        _untry(s, d, x, b, nlog, nlog2)
    _untry(s, d, x, a, _LOG_START, nlog)
    return False


@njit(cache=True)
def _reschedule(s, d, x):
    """Recompute every start from scratch (after removals); False if the rounds are infeasible."""
    top = np.int64(0)
    for r in range(len(d.p_home)):
        for i in range(s.rlen[r]):
            n = s.route[r, i]
            s.start[n] = d.earliest[n]
    for r in range(len(d.p_home)):
        for i in range(s.rlen[r] - 1, -1, -1):
            n = s.route[r, i]
            x.stack[top] = n
            x.inq[n] = True
            top += 1
    feasible, _, _ = _propagate(s, d, x, top, _LOG_START, _NEVER)
    if not feasible:
        return False
    s.worst[0] = 0
    for r in range(len(d.p_home)):
        if not _route_ok(s, d, r):
            return False
        for i in range(s.rlen[r]):
            n = s.route[r, i]
            s.worst[0] = max(s.worst[0], s.start[n] - d.late[n])
    return True


@njit(cache=True)
def _cost(s, d):
    """Compute the objective of the current rounds from scratch."""
    total = 0
    for r in range(len(d.p_home)):
        length = s.rlen[r]
        if length == 0:
            continue
        total += d.weights[_FIXED]
        t = d.travel[d.p_mode[r]]
        place = d.p_home[r]
        for i in range(length):
            n = s.route[r, i]
            total += t[place, d.loc[n]] + d.pen[n, r] + _lateness(d, n, s.start[n])
            place = d.loc[n]
        total += t[place, d.p_home[r]]
    return total + _penalties(s, d) + d.weights[_WORST] * s.worst[0]


@njit(cache=True)
def _penalties(s, d):
    missing = 0
    for n in range(len(d.loc)):
        if s.where[n] < 0:
            missing += 1
    return missing * d.weights[_UNASSIGNED]


@njit(cache=True)
def _ruin(s, d):
    """Take out a few nodes, near each other or at random, with their partners.

    Returns the nodes to put back: those taken out, the unrouted nodes met while looking
    for them (room has just been made near them), and each other unrouted node with chance
    ``_RETRY_NODES / nodes`` (every one in pools of up to that many nodes). Trying every
    unrouted node in every iteration costs a scan of every round each, which in a pool of
    thousands of nodes with dozens left out took nine tenths of the time.
    """
    n_nodes = len(d.loc)
    routed = 0
    for n in range(n_nodes):
        if s.where[n] >= 0:
            routed += 1
    removed = np.zeros(n_nodes, np.bool_)
    retry = np.zeros(n_nodes, np.bool_)
    if routed == 0:
        return s.where < 0
    most = max(2, min(d.weights[_RUIN], routed // 6))
    q = np.random.randint(1, most + 1)
    pick = np.random.randint(routed)
    seed_node = -1
    for n in range(n_nodes):
        if s.where[n] >= 0:
            if pick == 0:
                seed_node = n
                break
            pick -= 1
    count = 0
    if np.random.random() < 0.7:  # related: the seed's nearest routed neighbours
        for k in range(n_nodes):
            n = d.near[seed_node, k]
            if s.where[n] < 0:
                retry[n] = True
            elif not removed[n] and np.random.random() < 0.8:
                removed[n] = True
                count += 1
                if count >= q:
                    break
    else:  # a stretch of the seed's round, then of its neighbours' rounds
        for k in range(n_nodes):
            n = d.near[seed_node, k]
            r = s.where[n]
            if r < 0:
                retry[n] = True
                continue
            if removed[n]:
                continue
            length = np.random.randint(1, max(2, min(s.rlen[r], q - count) + 1))
            begin = max(0, min(s.pos[n] - np.random.randint(length), s.rlen[r] - length))
            for j in range(begin, begin + length):
                if not removed[s.route[r, j]]:
                    removed[s.route[r, j]] = True
                    count += 1
            if count >= q:
                break
    for n in range(n_nodes):
        if removed[n] and d.partner[n] >= 0:
            removed[d.partner[n]] = True
    chance = _RETRY_NODES / n_nodes
    for n in range(n_nodes):
        if s.where[n] < 0 and (chance >= 1 or retry[n] or np.random.random() < chance):
            retry[n] = True
            if d.partner[n] >= 0:
                retry[d.partner[n]] = True
    for n in range(n_nodes):
        if removed[n]:
            _take(s, d, n)
            retry[n] = True
    return retry


@njit(cache=True)
def _recreate(s, d, x):
    """Put back every unrouted node, pairs as one job, in a random or time order."""
    _recreate_some(s, d, x, s.where < 0)


@njit(cache=True)
def _recreate_some(s, d, x, chosen):
    """Put back the chosen unrouted nodes, pairs as one job, in a random or time order."""
    n_nodes = len(d.loc)
    order = np.empty(n_nodes, np.int64)
    count = 0
    for n in range(n_nodes):
        q = d.partner[n]
        if chosen[n] and s.where[n] < 0 and (q < 0 or n < q):
            order[count] = n
            count += 1
    order = order[:count]
    if np.random.random() < 0.5:
        np.random.shuffle(order)
    else:
        keys = np.empty(len(order), np.int64)
        for k in range(len(order)):
            keys[k] = d.earliest[order[k]]
        order = order[np.argsort(keys, kind="mergesort")]
    for n in order:
        _insert_job(s, d, x, n, d.partner[n])


@njit(cache=True)
def _insert_jobs(s, d, x, jobs):
    """Put in these jobs (nodes, each with its partner), one after another."""
    for n in jobs:
        _insert_job(s, d, x, n, d.partner[n])


@njit(cache=True)
def _copy(src, dst):
    dst.route[:] = src.route
    dst.rlen[:] = src.rlen
    dst.where[:] = src.where
    dst.pos[:] = src.pos
    dst.start[:] = src.start
    dst.load[:] = src.load
    dst.worst[:] = src.worst


@njit(cache=True)
def _search(s, saved, best, d, x, steps, temperature, cost, best_cost):
    """Run ``steps`` ruin-and-recreate iterations with annealing acceptance."""
    for _ in range(steps):
        _copy(s, saved)
        chosen = _ruin(s, d)
        if not _reschedule(s, d, x):
            _copy(saved, s)
            continue
        _recreate_some(s, d, x, chosen)
        new = _cost(s, d)
        if new < cost - temperature * np.log(np.random.random()):
            cost = new
            if new < best_cost:
                best_cost = new
                _copy(s, best)
        else:
            _copy(saved, s)
    return cost, best_cost
