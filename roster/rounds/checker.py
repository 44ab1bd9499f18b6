"""Check solved rounds against every rule, recomputing each leg from the travel matrices.

Independent of the solver: it reads only the problem, the parameters and the result, so a
bug in how the model is built shows up here as a broken rule.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.solution import REASONS, Rounds, Route, clock

#: Day names for the checker's sentences (Monday = 0).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class PlannedVisit:
    """A visit as its care plan gives it, for :func:`check_week` (independent of the problems).

    Parameters
    ----------
    recipient_id
        Whose visit it is.
    day
        0 (Monday) to 6.
    earliest_start_s, latest_start_s
        The window on its start: the care plan's tolerance around ``planned_start_s``.
    planned_start_s
        The care plan's time, or None (a window only).
    """

    recipient_id: str
    day: int
    earliest_start_s: int
    latest_start_s: int
    planned_start_s: int | None = None


@dataclass(frozen=True)
class CarePlan:
    """What a week's rounds must keep of the care plans: visit times and the gap between calls.

    Parameters
    ----------
    visits
        Each visit id's plan.
    min_gap_s
        Least time from the end of a recipient's call to the start of their next that day.
    """

    visits: Mapping[str, PlannedVisit]
    min_gap_s: int = 0


def check_rounds(problem: RoundsProblem, rounds: Rounds, params: RoundsParams) -> list[str]:
    """List every rule the rounds break; an empty list means the rounds are valid.

    Parameters
    ----------
    problem
        The pool that was solved.
    rounds
        The solver's answer.
    params
        The rules it was solved under (lateness, tolerance, gender, breaks).

    Returns
    -------
    list[str]
        One sentence per broken rule.
    """
    if not problem.has_travel:
        raise ValueError("this problem's travel was dropped; it cannot be checked again.")
    errors: list[str] = []
    visit_index = {v: i for i, v in enumerate(problem.visit_id)}
    served: dict[int, list[tuple[int, int, int]]] = {}
    working = Counter[int]()
    contact = Counter[int]()
    periods = Counter(r.period for r in rounds.routes)
    errors += [f"Period {p} has {n} routes." for p, n in periods.items() if n > 1]
    for route in rounds.routes:
        if not 0 <= route.period < problem.num_periods:
            errors.append(f"Route of {route.carer_id} names unknown period {route.period}.")
            continue
        carer = int(problem.period_carer[route.period])
        if problem.carer_id[carer] != route.carer_id:
            errors.append(f"Period {route.period} belongs to {problem.carer_id[carer]}.")
            continue
        working[carer] += route.return_s - route.leave_s
        contact[carer] += sum(step.end_s - step.start_s for step in route.steps)
        errors += _check_route(problem, params, route, carer, visit_index, served)
    for carer, total in working.items():
        if total > problem.max_working_s[carer]:
            errors.append(
                f"{problem.carer_id[carer]} works {total} s, over {problem.max_working_s[carer]} s."
            )
    for carer, total in contact.items():
        if total > problem.max_contact_s[carer]:
            errors.append(
                f"{problem.carer_id[carer]} spends {total} s in visits, over "
                f"{problem.max_contact_s[carer]} s."
            )
    errors += _check_visits(problem, rounds, params, served)
    return errors


def check_week(
    rounds: Iterable[Rounds],
    contracted_s: Mapping[str, int],
    params: RoundsParams,
    care_plan: CarePlan | None = None,
) -> list[str]:
    """List every carer whose week passes their allowance, and every care-plan time broken.

    The week's contact or working time, as ``params.weekly_hours_basis`` says. With
    ``care_plan``: every visit served starts within its care plan's tolerance (the window;
    later by at most ``params.max_lateness_s`` where lateness is allowed), and each recipient's
    calls on a day start at least ``care_plan.min_gap_s`` after the one before ends.

    Parameters
    ----------
    rounds
        Every day's (and session's) rounds of one pool's week.
    contracted_s
        Each carer's contracted weekly time, in seconds.
    params
        The rules (``weekly_hours_tolerance``: see
        :meth:`roster.rounds.params.RoundsParams.weekly_allowance_s`).
    care_plan
        The visits' care-plan times and the least gap between calls, if checked.

    Returns
    -------
    list[str]
        One sentence per carer over their allowance and per care-plan time broken.
    """
    rounds = list(rounds)
    counted = Counter[str]()
    contact = params.weekly_hours_basis == "contact"
    for answer in rounds:
        for route in answer.routes:
            if contact:
                counted[route.carer_id] += sum(s.end_s - s.start_s for s in route.steps)
            else:
                counted[route.carer_id] += route.return_s - route.leave_s
    errors = []
    what = "spends {} s in visits" if contact else "works {} s"
    for carer, total in sorted(counted.items()):
        allowance = params.weekly_allowance_s(contracted_s.get(carer, 0))
        if allowance is not None and total > allowance:
            errors.append(
                f"{carer} {what.format(total)} in the week, over the {allowance} s their "
                "contract allows."
            )
    if care_plan is not None:
        errors += _check_care_plan(rounds, care_plan, params)
    return errors


def _check_care_plan(rounds: list[Rounds], plan: CarePlan, params: RoundsParams) -> list[str]:
    """Each visit starts within its care plan's tolerance; calls keep the gap between them."""
    errors = []
    late_s = params.max_lateness_s if params.allow_lateness else 0
    times: dict[str, tuple[int, int]] = {}  # visit -> (first start, last end) over its carers
    for answer in rounds:
        for route in answer.routes:
            for step in route.steps:
                visit = plan.visits.get(step.visit_id)
                if visit is None:
                    errors.append(f"Visit {step.visit_id} has no care plan.")
                    continue
                start, end = times.get(step.visit_id, (step.start_s, step.end_s))
                times[step.visit_id] = min(start, step.start_s), max(end, step.end_s)
                late = late_s is not None and step.start_s > visit.latest_start_s + late_s
                if step.start_s < visit.earliest_start_s or late:
                    window = f"{clock(visit.earliest_start_s)}-{clock(visit.latest_start_s)}"
                    planned = visit.planned_start_s
                    errors.append(
                        f"Visit {step.visit_id} ({route.carer_id}) starts at "
                        f"{clock(step.start_s)}, outside its care-plan tolerance {window}"
                        + ("." if planned is None else f" around {clock(planned)}.")
                    )
    calls: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
    for visit_id, (start, end) in times.items():
        visit = plan.visits[visit_id]
        calls[visit.recipient_id, visit.day].append((start, end, visit_id))
    for (recipient, day), served in sorted(calls.items()):
        served.sort()
        for (_, end, first), (start, _, second) in zip(served, served[1:], strict=False):
            if start - end < plan.min_gap_s:
                errors.append(
                    f"{recipient} {_DAYS[day]}: visit {second} starts at {clock(start)}, "
                    f"{(start - end) // 60} min after visit {first} ends ({clock(end)}); the "
                    f"care plan needs {plan.min_gap_s // 60} min between calls."
                )
    return errors


def _check_route(
    problem: RoundsProblem,
    params: RoundsParams,
    route: Route,
    carer: int,
    visit_index: dict[str, int],
    served: dict[int, list[tuple[int, int, int]]],
) -> list[str]:
    """Check one route's timing, legs, skills, gender, load and breaks."""
    p, name = problem, f"{route.carer_id} period {route.period}"
    errors = []
    mode, home = int(p.carer_mode[carer]), int(p.carer_home[carer])
    start_s, end_s = int(p.period_start_s[route.period]), int(p.period_end_s[route.period])
    if not start_s <= route.leave_s <= route.return_s <= end_s:
        errors.append(f"{name} runs {route.leave_s}-{route.return_s}, outside {start_s}-{end_s}.")
    late_s = params.max_lateness_s if params.allow_lateness else 0
    gaps = []  # (from, to, travel) idle stretches where breaks may fall
    place, free, load = home, route.leave_s, 0
    for step in route.steps:
        v = visit_index.get(step.visit_id)
        if v is None:
            errors.append(f"{name} serves unknown visit {step.visit_id}.")
            continue
        where = f"{name}, visit {step.visit_id}"
        if step.location != p.visit_location[v]:
            errors.append(f"{where}: location {step.location} is not the visit's.")
        if step.half not in range(p.carers_required[v]):
            errors.append(f"{where}: half {step.half} does not exist.")
            continue
        served.setdefault(v, []).append((carer, step.half, step.start_s))
        travel = int(p.travel_time_s[mode, place, step.location])
        length = int(p.length_m[mode, place, step.location])
        if (step.travel_time_s, step.length_m) != (travel, length):
            errors.append(
                f"{where}: leg is {step.travel_time_s} s/{step.length_m} m, not {travel}/{length}."
            )
        if step.arrival_s != free + travel:
            errors.append(f"{where}: arrival {step.arrival_s} is not {free} + {travel}.")
        if step.start_s < p.earliest_start_s[v]:
            errors.append(f"{where}: starts {step.start_s}, before {p.earliest_start_s[v]}.")
        if late_s is not None and step.start_s > p.latest_start_s[v] + late_s:
            errors.append(
                f"{where}: starts {step.start_s}, after {p.latest_start_s[v]} + {late_s}."
            )
        duration = p.duration_s[v] if step.half == 0 else p.second_duration_s[v]
        if step.end_s != step.start_s + duration:
            errors.append(f"{where}: ends {step.end_s}, not {step.start_s} + {duration}.")
        skills = p.visit_skills[v] if step.half == 0 else p.second_skills[v]
        if (skills & ~p.carer_skills[carer]).any():
            errors.append(f"{where}: the carer lacks a required skill.")
        preference = p.gender_preference[v]
        if params.gender_hard and preference != ANY_GENDER and p.carer_gender[carer] != preference:
            errors.append(f"{where}: the carer is not of the preferred gender.")
        if p.visit_demand is not None:
            load += int(p.visit_demand[v])
        gaps.append((free, step.start_s, travel, step))
        place, free = step.location, step.end_s
    travel = int(p.travel_time_s[mode, place, home])
    if (route.home_travel_time_s, route.home_length_m) != (
        travel,
        int(p.length_m[mode, place, home]),
    ):
        errors.append(f"{name}: the leg home is not the matrix's.")
    gaps.append((free, route.return_s, travel, None))
    if p.carer_capacity is not None and load > p.carer_capacity[carer]:
        errors.append(f"{name}: load {load} exceeds capacity {p.carer_capacity[carer]}.")
    errors += _check_gaps(name, route, gaps)
    errors += _check_breaks(name, route, params)
    return errors


def _check_gaps(name: str, route: Route, gaps: list) -> list[str]:
    """Each gap between visits must hold the travel and any breaks taken in it."""
    errors = []
    placed = 0
    for begin, finish, travel, step in gaps:
        rest = sum(b - a for a, b in route.breaks if begin <= a and b <= finish)
        placed += sum(1 for a, b in route.breaks if begin <= a and b <= finish)
        if finish - begin < travel + rest:
            errors.append(
                f"{name}: {finish - begin} s between {begin} and {finish} cannot hold "
                f"{travel} s of travel and {rest} s of break."
            )
        if step is not None and step.waiting_s != finish - begin - travel - rest:
            errors.append(f"{name}, visit {step.visit_id}: waiting {step.waiting_s} s is wrong.")
    if placed != len(route.breaks):
        errors.append(f"{name}: a break overlaps a visit or lies outside the round.")
    return errors


def _check_breaks(name: str, route: Route, params: RoundsParams) -> list[str]:
    """No stretch of work longer than ``break_after_s`` without a long enough break."""
    if params.break_after_s is None:
        return []
    errors = []
    edges = [route.leave_s]
    for a, b in sorted(route.breaks):
        if b - a < params.break_duration_s:
            errors.append(f"{name}: break {a}-{b} is shorter than {params.break_duration_s} s.")
        edges += [a, b]
    edges.append(route.return_s)
    for begin, finish in zip(edges[::2], edges[1::2], strict=True):
        if finish - begin > params.break_after_s:
            errors.append(f"{name}: works {begin}-{finish} with no break.")
    return errors


def _check_visits(
    problem: RoundsProblem,
    rounds: Rounds,
    params: RoundsParams,
    served: dict[int, list[tuple[int, int, int]]],
) -> list[str]:
    """Every visit is served by the right number of different carers, or unassigned once."""
    p, errors = problem, []
    dropped = Counter(u.visit_id for u in rounds.unassigned)
    for u in rounds.unassigned:
        if u.reason not in REASONS:
            errors.append(f"Visit {u.visit_id} is unassigned for an unknown reason.")
    for visit_id, count in dropped.items():
        if visit_id not in p.visit_id:
            errors.append(f"Unknown visit {visit_id} is listed as unassigned.")
        if count > 1:
            errors.append(f"Visit {visit_id} is listed as unassigned {count} times.")
    for v, visit_id in enumerate(p.visit_id):
        visits = served.get(v, [])
        if visit_id in dropped:
            if visits:
                errors.append(f"Visit {visit_id} is both served and unassigned.")
            continue
        halves = sorted(h for _, h, _ in visits)
        if halves != list(range(p.carers_required[v])):
            errors.append(
                f"Visit {visit_id} is served by halves {halves}, needs {p.carers_required[v]}."
            )
            continue
        if len({c for c, _, _ in visits}) != len(visits):
            errors.append(f"Visit {visit_id} is served twice by one carer.")
        if len(visits) == 2:
            start = {h: s for _, h, s in visits}
            gap = start[1] - start[0]
            tolerance = params.double_handed_tolerance_s
            low, high = p.start_gap_min_s[v] - tolerance, p.start_gap_max_s[v] + tolerance
            if not low <= gap <= high:
                errors.append(
                    f"Visit {visit_id}: carers start {gap} s apart, not in {low}..{high}."
                )
    return errors
