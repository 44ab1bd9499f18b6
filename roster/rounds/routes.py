"""Turn each period's carer-visits and start times into :class:`Route` objects.

Both readers of a search use these: the OR-Tools model (:mod:`roster.rounds.ortools_model`)
and the ruin-and-recreate improvement (:mod:`roster.rounds.improve`), so a round is timed
the same way whichever search found it.
"""

from __future__ import annotations

import numpy as np

from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import Route, Step
from roster.rounds.tasks import Tasks


def routes_from_starts(
    problem: RoundsProblem,
    tasks: Tasks,
    node_routes: list[list[int]],
    start_s: np.ndarray,
    breaks: list[list[tuple[int, int]]],
) -> tuple[Route, ...]:
    """Turn node sequences, start times and breaks per period into :class:`Route` objects."""
    p = problem
    return tuple(
        build_route(p, tasks, v, int(p.period_start_s[v]), int(p.period_end_s[v]), order, breaks[v])
        for v, order in enumerate([(n, int(start_s[n])) for n in nodes] for nodes in node_routes)
        if order
    )


def build_route(
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
    timed = [
        (
            p.visit_id[tasks.visit[node]],
            int(tasks.half[node]),
            int(tasks.location[node]),
            start,
            start + int(tasks.duration_s[node]),
        )
        for node, start in order
    ]
    return timed_route(p, period, leave, back, timed, kept)


def timed_route(
    problem: RoundsProblem,
    period: int,
    leave: int,
    back: int,
    order: list[tuple[str, int, int, int, int]],
    breaks: tuple[tuple[int, int], ...],
) -> Route:
    """Build a period's route from its visits in order, recomputing each leg and its waiting.

    Parameters
    ----------
    problem
        The pool.
    period
        The working period.
    leave, back
        When the carer leaves home and gets back.
    order
        ``(visit_id, half, location, start, end)`` of each carer visit, in order.
    breaks
        The round's breaks, each inside the waiting before a visit (or before getting home).
    """
    p = problem
    carer = int(p.period_carer[period])
    mode, home = int(p.carer_mode[carer]), int(p.carer_home[carer])
    steps = []
    place, free = home, leave
    for visit_id, half, loc, start, end in order:
        travel = int(p.travel_time_s[mode, place, loc])
        rest = sum(b - a for a, b in breaks if free <= a and b <= start)
        steps.append(
            Step(
                visit_id=visit_id,
                half=half,
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
        breaks=tuple(breaks),
    )
