"""Choose each recipient's regular team of carers for the week, before any round is built."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from roster.commissioning.pools import Pool
from roster.geo.locations import Locations
from roster.model import DAYS, SECONDS_PER_DAY, Carer, Instance, Visit

logger = logging.getLogger(__name__)

#: Width of the time slices a carer's team work is counted in, for the peaks.
_SLICE_S = 900
#: Share of each slice of a carer's shift that their teams' visits may fill. A visit's load is
#: spread over its whole window, so a full slice still leaves the rounds room to move calls for
#: travel. 0.6 left fragments for the recipients chosen last and made teams larger (Rutland
#: seed 1: 3.7 members against 3.1); over seeds 1-3 it gave 0.09-0.12 more distinct carers a
#: week per recipient in each model, for 0.3-0.5% more travel (README, "The week as one roster").
_TEAM_LOAD = 1.0
#: Share of a carer's weekly allowance their teams' visits may fill (room for the rest).
_WEEK_LOAD = 0.9
#: How many of the nearest carers able to do some of a recipient's visits are weighed for each
#: place in their team (the farther ones would rarely win, and weighing them is slow).
_CANDIDATES = 20
#: Travel (s) a team member's home is charged on top of its real travel, so that one carer
#: who can do many of a recipient's visits is chosen before several near ones doing a few.
_MEMBER_S = 1800


def regular_teams(
    instance: Instance,
    pool: Pool,
    days: Sequence[int],
    locations: Locations,
    allowance_s: Callable[[Carer], int | None],
    served: Mapping[str, Counter[str]] | None = None,
) -> dict[str, frozenset[str]]:
    """Return each of the pool's recipients' regular team: few carers who can do their week.

    Recipients are taken most demanding first (most carer time a week); each one's team grows
    one carer at a time, the carer of the pool who can take the most of their visits still
    without enough team members (skills, gender, a shift that day covering the window, and
    room in that carer's week and in each quarter hour of their shift) per second of travel
    from their home plus :data:`_MEMBER_S`, until every visit has its one or two members or
    no carer has room. With ``served`` (each recipient's carer-visits by carer in a first
    roster of the week, made for travel alone) the carers who served the recipient there come
    first, scored by the visits they can take times one plus their visits there: their rounds
    already pass by, which measured better than homes alone (README, "The week as one
    roster"); the rule by homes chooses only when none of them can take more. A visit's load
    on a carer is its contact time spread over the time it could be served in (its window's
    opening to latest start plus its length) while the carer is on shift; a carer's teams
    fill at most :data:`_TEAM_LOAD` of each quarter hour of their shifts and
    :data:`_WEEK_LOAD` of ``allowance_s`` (None: the time on shift). The rounds then cost
    carers outside the team (:func:`roster.commissioning.week.week_problem`), so the team is a
    preference, not a rule: a visit no member can fit still goes to someone.
    """
    members = set(pool.recipient_ids)
    visits_of: dict[str, list[Visit]] = defaultdict(list)
    for visit in instance.visits:
        if visit.day in days and visit.recipient_id in members:
            visits_of[visit.recipient_id].append(visit)
    carers = [instance.carer_by_id[c] for c in pool.carer_ids]
    if not carers or not visits_of:
        return {}
    slices = SECONDS_PER_DAY // _SLICE_S
    room = np.zeros((len(carers), len(DAYS), slices))
    on_shift = np.zeros((len(carers), len(DAYS), slices), dtype=bool)
    week_room = np.zeros(len(carers))
    for c, carer in enumerate(carers):
        for shift in carer.shifts:
            if shift.day in days:
                first, last = shift.start_s // _SLICE_S, -(-shift.end_s // _SLICE_S)
                room[c, shift.day, first:last] = _TEAM_LOAD * _SLICE_S
                on_shift[c, shift.day, first:last] = True
                week_room[c] += shift.end_s - shift.start_s
        allowance = allowance_s(carer)
        if allowance is not None:
            week_room[c] = min(week_room[c], allowance)
        week_room[c] *= _WEEK_LOAD
    rows = locations.index([c.id for c in carers])
    shifts = np.array(
        [(c, x.day, x.start_s, x.end_s) for c, carer in enumerate(carers) for x in carer.shifts],
        dtype=np.int64,
    ).reshape(-1, 4)
    order = sorted(
        visits_of,
        key=lambda r: (-sum(v.duration_s * v.carers_required for v in visits_of[r]), r),
    )
    teams: dict[str, frozenset[str]] = {}
    for recipient in order:
        visits = visits_of[recipient]
        home = locations.index([recipient])[0]
        travel_s = np.array(
            [
                locations.travel_time_s[c.travel_mode][row, home]
                for c, row in zip(carers, rows, strict=True)
            ],
            dtype=float,
        )
        known = served.get(recipient, Counter()) if served is not None else Counter()
        weights = [known[carer.id] for carer in carers]
        team = _grow_team(
            visits, _able(carers, visits, shifts), travel_s, weights, room, on_shift, week_room
        )
        teams[recipient] = frozenset(carers[c].id for c in team)
    sizes = [len(t) for t in teams.values()]
    logger.info(
        "%s: regular teams of %.2f carers on average for %d recipients",
        pool.name,
        float(np.mean(sizes)) if sizes else 0.0,
        len(sizes),
    )
    return teams


def _grow_team(
    visits: list[Visit],
    able: np.ndarray,
    travel_s: np.ndarray,
    served: list[int],
    room: np.ndarray,
    on_shift: np.ndarray,
    week_room: np.ndarray,
) -> list[int]:
    """Grow one recipient's team, carer by carer, taking its load out of their room.

    ``able`` is :func:`_able`'s, ``travel_s`` each carer's travel from home to the recipient,
    ``served`` each carer's visits to them in the first roster (0 without one).
    """
    load = [_span(v) for v in visits]
    needed = np.array([v.carers_required for v in visits])
    team: list[int] = []

    def takes_of(c: int) -> tuple[list[tuple[int, np.ndarray]], int]:
        takes = _takes(c, visits, load, able[c], needed, room, on_shift, week_room)
        return takes, sum(visits[i].duration_s for i, _ in takes)

    while needed.any():
        open_ = able[:, needed > 0].any(axis=1)
        open_[team] = False
        candidates = np.flatnonzero(open_)
        best, best_takes = _best(
            [c for c in candidates if served[c]],
            takes_of,
            lambda c, gain_s: gain_s * (1 + served[c]),
        )
        if best < 0:
            best, best_takes = _best(
                sorted(candidates, key=lambda c: travel_s[c])[:_CANDIDATES],
                takes_of,
                lambda c, gain_s: gain_s / (travel_s[c] + _MEMBER_S),
            )
        if best < 0:
            return team
        team.append(best)
        for i, per_slice in best_takes:
            needed[i] -= 1
            day, first, last = load[i]
            room[best, day, first:last] -= per_slice
            week_room[best] -= visits[i].duration_s
    return team


def _best(
    candidates: Sequence[int],
    takes_of: Callable[[int], tuple[list[tuple[int, np.ndarray]], int]],
    score: Callable[[int, int], float],
) -> tuple[int, list[tuple[int, np.ndarray]]]:
    """Return the candidate whose score of the contact time it can take is best, and its takes.

    ``takes_of`` gives a candidate's takes (:func:`_takes`) and their contact time. -1 (and
    nothing) when no candidate can take any.
    """
    best, best_score, best_takes = -1, 0.0, []
    for c in candidates:
        takes, gain_s = takes_of(c)
        value = score(c, gain_s)
        if value > best_score:
            best, best_score, best_takes = int(c), value, takes
    return best, best_takes


def _able(carers: list[Carer], visits: list[Visit], shifts: np.ndarray) -> np.ndarray:
    """Return ``(carers, visits)``: who has each visit's skills and gender and a shift for it.

    ``shifts`` has a row (carer, day, start, end) per shift of the carers.
    """
    able = np.array(
        [
            [v.skills <= c.skills and v.gender_preference in (None, c.gender) for v in visits]
            for c in carers
        ],
        dtype=bool,
    ).reshape(len(carers), len(visits))
    day = np.array([v.day for v in visits])
    latest = np.array([v.latest_start_s for v in visits])
    ends = np.array([v.earliest_start_s + v.duration_s for v in visits])
    fits = (
        (shifts[:, 1, None] == day) & (shifts[:, 2, None] <= latest) & (shifts[:, 3, None] >= ends)
    )
    on_shift = np.zeros_like(able)
    np.logical_or.at(on_shift, shifts[:, 0], fits)
    return able & on_shift


def _span(visit: Visit) -> tuple[int, int, int]:
    """Return the slices a visit could be served in: its day, first and last (exclusive)."""
    start = visit.earliest_start_s
    end = min(SECONDS_PER_DAY, visit.latest_start_s + visit.duration_s)
    first = start // _SLICE_S
    return visit.day, first, max(first + 1, -(-end // _SLICE_S))


def _takes(
    c: int,
    visits: list[Visit],
    load: list[tuple[int, int, int]],
    able: np.ndarray,
    needed: np.ndarray,
    room: np.ndarray,
    on_shift: np.ndarray,
    week_room: np.ndarray,
) -> list[tuple[int, np.ndarray]]:
    """Which visits still short of members carer ``c`` has room for, each with its load.

    A visit's load is its contact time spread over the slices of its span the carer is on
    shift in.
    """
    takes, week_left = [], week_room[c]
    left = {}
    for i, visit in enumerate(visits):
        if not (able[i] and needed[i] > 0) or visit.duration_s > week_left:
            continue
        day, first, last = load[i]
        shift = on_shift[c, day, first:last]
        if not shift.any():
            continue
        per_slice = np.where(shift, visit.duration_s / shift.sum(), 0.0)
        if day not in left:
            left[day] = room[c, day].copy()
        if (left[day][first:last] >= per_slice - 1e-9).all():
            takes.append((i, per_slice))
            week_left -= visit.duration_s
            left[day][first:last] -= per_slice
    return takes
