"""Insert new visits into finished rounds without moving any other visit.

Every visit already in the rounds keeps its carer, its order and its start time; a new visit
goes into a gap of some carer's round (or a period with no round yet) where it fits: its
window, the travel there and on to the next visit, the period's end, the carer's daily cap,
skills, gender and the break rule. Breaks are placed again in the round's waiting, each as
late as the rule allows. A double-handed visit needs two different carers starting together.
The cheapest place in extra travel wins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from roster.rounds.objective import objective
from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.routes import timed_route
from roster.rounds.solution import Rounds, Route

#: Single positions kept per half of a double-handed visit when pairing them, cheapest first.
PAIR_CANDIDATES = 200


@dataclass(frozen=True)
class Placement:
    """Where a new visit went.

    Parameters
    ----------
    visit_id
        The visit.
    carer_ids
        Its carer, or its two carers (first and second half).
    periods
        Their working periods in the problem.
    start_s
        When it starts.
    extra_travel_s
        Travel it adds to the rounds.
    """

    visit_id: str
    carer_ids: tuple[str, ...]
    periods: tuple[int, ...]
    start_s: int
    extra_travel_s: int


@dataclass(frozen=True)
class _Position:
    """A gap of a period's round a visit could go into, and its start window there."""

    period: int
    carer: int
    index: int  # the new visit goes before the step of this index (== len(steps): last)
    low_s: int
    high_s: int
    extra_travel_s: int


def add_location(
    problem: RoundsProblem,
    time_from_s: np.ndarray,
    time_to_s: np.ndarray,
    length_from_m: np.ndarray,
    length_to_m: np.ndarray,
    row: int,
) -> RoundsProblem:
    """Return the problem with one more location, last, for a new visit's home.

    Parameters
    ----------
    problem
        The pool.
    time_from_s, time_to_s
        ``(modes, locations)`` travel from the new location to each existing one, and back.
    length_from_m, length_to_m
        The same for distances.
    row
        The new location's row in the area's locations (``location_row``).
    """
    modes, n = problem.travel_time_s.shape[:2]
    time = np.zeros((modes, n + 1, n + 1), dtype=np.int64)
    length = np.zeros((modes, n + 1, n + 1), dtype=np.int64)
    time[:, :n, :n], length[:, :n, :n] = problem.travel_time_s, problem.length_m
    time[:, n, :n], time[:, :n, n] = time_from_s, time_to_s
    length[:, n, :n], length[:, :n, n] = length_from_m, length_to_m
    return dataclasses.replace(
        problem,
        travel_time_s=time,
        length_m=length,
        location_row=np.append(problem.location_row, row),
    )


def add_visit(
    problem: RoundsProblem,
    visit_id: str,
    location: int,
    window_s: tuple[int, int],
    duration_s: int,
    carers_required: int = 1,
    skills: np.ndarray | None = None,
    gender_preference: int = ANY_GENDER,
) -> RoundsProblem:
    """Return the problem with one more visit, last (both halves alike if double-handed).

    Parameters
    ----------
    problem
        The pool.
    visit_id
        A name no other visit has.
    location
        Its location index.
    window_s
        The window on its start.
    duration_s
        Its length.
    carers_required
        1, or 2 for a double-handed visit.
    skills
        Booleans over the problem's skill columns (default: none needed).
    gender_preference
        -1 (none), 0 (female) or 1 (male).
    """
    need = np.zeros(problem.num_skills, dtype=bool) if skills is None else np.asarray(skills)
    p = problem

    def grown(values: np.ndarray, value: object) -> np.ndarray:
        return np.concatenate([values, np.asarray([value], dtype=values.dtype)])

    return dataclasses.replace(
        p,
        visit_id=(*p.visit_id, visit_id),
        visit_location=grown(p.visit_location, location),
        earliest_start_s=grown(p.earliest_start_s, window_s[0]),
        latest_start_s=grown(p.latest_start_s, window_s[1]),
        duration_s=grown(p.duration_s, duration_s),
        carers_required=grown(p.carers_required, carers_required),
        visit_skills=np.vstack([p.visit_skills, need[None, :]]),
        gender_preference=grown(p.gender_preference, gender_preference),
        second_skills=np.vstack([p.second_skills, need[None, :]]),
        second_duration_s=grown(p.second_duration_s, duration_s),
        start_gap_min_s=grown(p.start_gap_min_s, 0),
        start_gap_max_s=grown(p.start_gap_max_s, 0),
        visit_demand=None if p.visit_demand is None else grown(p.visit_demand, 0),
        assignment_cost=np.vstack([p.assignment_cost, np.zeros((1, p.num_carers), np.int64)]),
    )


def add_skill(problem: RoundsProblem, holders: np.ndarray) -> RoundsProblem:
    """Return the problem with one more skill column, last, held by these carers only.

    No visit needs it yet: give it to a new visit (:func:`add_visit`) whose needs are met only
    by these carers, such as a package's set of skills.
    """
    p = problem
    none = np.zeros((p.num_visits, 1), dtype=bool)
    return dataclasses.replace(
        p,
        visit_skills=np.hstack([p.visit_skills, none]),
        second_skills=np.hstack([p.second_skills, none]),
        carer_skills=np.hstack([p.carer_skills, np.asarray(holders, dtype=bool)[:, None]]),
    )


def insert_visit(
    problem: RoundsProblem, rounds: Rounds, params: RoundsParams, visit: int
) -> tuple[Rounds, Placement] | None:
    """Put one visit into the rounds where it adds least travel, moving no other visit.

    Parameters
    ----------
    problem
        The pool, holding the visit (see :func:`add_visit`).
    rounds
        Rounds of the pool's other visits; the visit is in no route (it may be listed as
        unassigned, which it stops being).
    params
        The rules (break rule, gender, double-handed tolerance).
    visit
        The visit's index.

    Returns
    -------
    tuple or None
        The new rounds and where the visit went, or None if it fits nowhere.
    """
    by_period = {r.period: r for r in rounds.routes}
    working = np.zeros(problem.num_carers, dtype=np.int64)
    contact = np.zeros(problem.num_carers, dtype=np.int64)
    for route in rounds.routes:
        working[problem.period_carer[route.period]] += route.working_s
        contact[problem.period_carer[route.period]] += route.service_s
    halves = [_positions(problem, params, by_period, visit, half) for half in range(2)]
    if problem.carers_required[visit] == 1:
        options = [((p,), p.extra_travel_s) for p in halves[0]]
    else:
        options = _pairs(*halves)
    options.sort(key=lambda item: (item[1], min(p.low_s for p in item[0])))
    for positions, extra in options:
        low = max(p.low_s for p in positions)
        high = min(p.high_s for p in positions)
        for start in dict.fromkeys((low, high)):
            built = [
                _inserted(
                    problem,
                    params,
                    by_period.get(p.period),
                    p,
                    visit,
                    half,
                    start,
                    working,
                    contact,
                )
                for half, p in enumerate(positions)
            ]
            if all(route is not None for route in built):
                changed = _with_routes(problem, params, rounds, built, problem.visit_id[visit])
                return changed, Placement(
                    problem.visit_id[visit],
                    tuple(route.carer_id for route in built),
                    tuple(p.period for p in positions),
                    start,
                    int(extra),
                )
    return None


def _positions(
    problem: RoundsProblem,
    params: RoundsParams,
    by_period: dict[int, Route],
    visit: int,
    half: int,
) -> list[_Position]:
    """Return each gap of each able carer's period where the visit's half can start in time."""
    p = problem
    if half >= p.carers_required[visit]:
        return []
    skills = p.visit_skills[visit] if half == 0 else p.second_skills[visit]
    duration = int(p.duration_s[visit] if half == 0 else p.second_duration_s[visit])
    able = ~(skills[None, :] & ~p.carer_skills).any(axis=1)
    preference = int(p.gender_preference[visit])
    if params.gender_hard and preference != ANY_GENDER:
        able &= p.carer_gender == preference
    here = int(p.visit_location[visit])
    earliest, latest = int(p.earliest_start_s[visit]), int(p.latest_start_s[visit])
    found = []
    for period in range(p.num_periods):
        carer = int(p.period_carer[period])
        if not able[carer]:
            continue
        mode, home = int(p.carer_mode[carer]), int(p.carer_home[carer])
        times = p.travel_time_s[mode]
        route = by_period.get(period)
        steps = route.steps if route else ()
        places = [home, *(s.location for s in steps), home]
        for index in range(len(steps) + 1):
            before, after = places[index], places[index + 1]
            free = steps[index - 1].end_s if index else int(p.period_start_s[period])
            low = max(earliest, free + int(times[before, here]))
            limit = steps[index].start_s if index < len(steps) else int(p.period_end_s[period])
            high = min(latest, limit - duration - int(times[here, after]))
            if low > high:
                continue
            extra = times[before, here] + times[here, after] - times[before, after]
            found.append(_Position(period, carer, index, low, high, int(extra)))
    return found


def _pairs(
    first: list[_Position], second: list[_Position]
) -> list[tuple[tuple[_Position, ...], int]]:
    """Return pairs of positions on two different carers whose start windows meet."""
    first = sorted(first, key=lambda p: p.extra_travel_s)[:PAIR_CANDIDATES]
    second = sorted(second, key=lambda p: p.extra_travel_s)[:PAIR_CANDIDATES]
    if not first or not second:
        return []
    a_low, a_high, a_carer, a_cost = (
        np.array([getattr(p, k) for p in first])
        for k in ("low_s", "high_s", "carer", "extra_travel_s")
    )
    b_low, b_high, b_carer, b_cost = (
        np.array([getattr(p, k) for p in second])
        for k in ("low_s", "high_s", "carer", "extra_travel_s")
    )
    meet = np.maximum(a_low[:, None], b_low[None, :]) <= np.minimum(
        a_high[:, None], b_high[None, :]
    )
    meet &= a_carer[:, None] != b_carer[None, :]  # both start at the same second
    i, j = np.nonzero(meet)
    cost = a_cost[i] + b_cost[j]
    return [((first[a], second[b]), int(c)) for a, b, c in zip(i, j, cost, strict=True)]


def _inserted(
    problem: RoundsProblem,
    params: RoundsParams,
    route: Route | None,
    position: _Position,
    visit: int,
    half: int,
    start: int,
    working: np.ndarray,
    contact_s: np.ndarray,
) -> Route | None:
    """Return the round with the visit's half put in at this start (None: it breaks a rule)."""
    p = problem
    period, carer = position.period, position.carer
    mode, home = int(p.carer_mode[carer]), int(p.carer_home[carer])
    times = p.travel_time_s[mode]
    duration = int(p.duration_s[visit] if half == 0 else p.second_duration_s[visit])
    here = int(p.visit_location[visit])
    old = list(route.steps) if route else []
    order = [(s.visit_id, s.half, s.location, s.start_s, s.end_s) for s in old]
    order.insert(position.index, (p.visit_id[visit], half, here, start, start + duration))
    last = order[-1]
    if route is not None and position.index > 0:
        leave = route.leave_s
    else:
        leave = start - int(times[home, here])
    if route is not None and position.index < len(old):
        back = route.return_s
    else:
        back = last[4] + int(times[last[2], home])
    if leave < p.period_start_s[period] or back > p.period_end_s[period]:
        return None
    previous = route.working_s if route else 0
    if working[carer] - previous + back - leave > p.max_working_s[carer]:
        return None
    if contact_s[carer] + duration > p.max_contact_s[carer]:
        return None
    gaps, place, free = [], home, leave
    for _, _, location, begin, end in order:
        gaps.append((free, begin, int(times[place, location])))
        place, free = location, end
    gaps.append((free, back, int(times[place, home])))
    if any(finish - begin < travel for begin, finish, travel in gaps):
        return None
    breaks = place_breaks(leave, back, gaps, params)
    if breaks is None:
        return None
    return timed_route(p, period, leave, back, order, tuple(breaks))


def place_breaks(
    leave_s: int, return_s: int, gaps: list[tuple[int, int, int]], params: RoundsParams
) -> list[tuple[int, int]] | None:
    """Place a round's breaks in its waiting, each as late as the break rule allows.

    Parameters
    ----------
    leave_s, return_s
        When the carer leaves home and gets back.
    gaps
        ``(begin, finish, travel)`` for each stretch between visits (and home), in order: a
        break fits in what the travel leaves, after it.
    params
        The break rule (``break_after_s``, ``break_duration_s``).

    Returns
    -------
    list or None
        The breaks as ``(start, end)``, or None when the waiting cannot hold them. Latest
        first is optimal: a later break leaves the least work after it.
    """
    if params.break_after_s is None:
        return []
    limit, rest = params.break_after_s, params.break_duration_s
    breaks: list[tuple[int, int]] = []
    since = leave_s
    while return_s - since > limit:
        best = None
        for begin, finish, travel in gaps:
            latest = min(finish - rest, since + limit)
            if latest >= max(begin + travel, since) and (best is None or latest > best):
                best = latest
        if best is None:
            return None
        breaks.append((best, best + rest))
        since = best + rest
    return breaks


def _with_routes(
    problem: RoundsProblem, params: RoundsParams, rounds: Rounds, routes: list, visit_id: str
) -> Rounds:
    """Return the rounds with these periods' routes replaced (or added), the visit not out."""
    changed = {r.period: r for r in routes}
    kept = [changed.pop(r.period, r) for r in rounds.routes]
    result = Rounds(
        routes=tuple(sorted([*kept, *changed.values()], key=lambda r: r.period)),
        unassigned=tuple(u for u in rounds.unassigned if u.visit_id != visit_id),
        status=rounds.status,
        objective=0,
    )
    return dataclasses.replace(result, objective=objective(problem, params, result))
