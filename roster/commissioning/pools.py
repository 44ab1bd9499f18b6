"""Turn one day's pool of an instance (its visits and carers) into an array rounds problem."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from roster.geo.locations import Locations
from roster.model import DAYS, Carer, Instance, Shift, Visit
from roster.rounds.problem import ANY_GENDER, DRIVE, FEMALE, MALE, WALK, RoundsProblem

logger = logging.getLogger(__name__)

_GENDER_CODE = {None: ANY_GENDER, "female": FEMALE, "male": MALE}
_MODE_CODE = {"drive": DRIVE, "walk": WALK}

#: Default cap on a carer's working time in one day (leaving home to returning), an assumption:
#: a long split-shift day in homecare (domain anchors: 7am-10pm days with unpaid gaps).
MAX_DAILY_WORKING_S = 10 * 3600

#: A pool's day with at most this many visits is solved as one session: small enough to search
#: whole, and then a carer's daily cap holds over their split shift as a whole instead of being
#: shared out by the length of its periods (which left a residual provider's few carers, whose
#: mornings run on into lunch, short: seed 4, 19 calls left out in those pools; 7 whole).
WHOLE_DAY_MAX_VISITS = 400


@dataclass(frozen=True)
class Pool:
    """Visits and carers rostered together: one provider's, or one neighbourhood consortium's.

    Parameters
    ----------
    name
        A label such as ``"framework/P03"`` or ``"consortium/N2"``.
    recipient_ids
        Whose visits belong to the pool.
    carer_ids
        Who works in it.
    provider_id
        The framework provider whose pool it is, if it is one provider's.
    neighbourhood
        The neighbourhood whose consortium's pool it is, if it is a consortium's.
    """

    name: str
    recipient_ids: tuple[str, ...]
    carer_ids: tuple[str, ...]
    provider_id: str | None = None
    neighbourhood: str | None = None


def pool_gaps(instance: Instance, pool: Pool, days: Sequence[int] = range(7)) -> list[str]:
    """Say, in words, what the pool's visits on these days need that none of its carers has.

    Checked before solving, so a reader learns early why visits will be left out: a pool
    without carers, a skill or a gender no carer in it has, double-handed visits with one carer.

    Returns
    -------
    list[str]
        One sentence per gap (empty when the pool's carers cover every kind of visit).
    """
    members = set(pool.recipient_ids)
    visits = [v for v in instance.visits if v.recipient_id in members and v.day in days]
    carers = [instance.carer_by_id[c] for c in pool.carer_ids]
    if not visits:
        return []
    if not carers:
        return [f"{len(visits)} visit(s) but no carers; every one will be left out"]
    gaps = []
    held = set().union(*(c.skills for c in carers))
    for skill in sorted(set().union(*(v.skills for v in visits)) - held):
        count = sum(skill in v.skills for v in visits)
        gaps.append(f"{count} visit(s) need the skill '{skill}', which no carer in the pool has")
    genders = {c.gender for c in carers}
    for gender in sorted({v.gender_preference for v in visits if v.gender_preference} - genders):
        count = sum(v.gender_preference == gender for v in visits)
        gaps.append(f"{count} visit(s) ask for a {gender} carer, and no carer in the pool is one")
    doubles = sum(v.carers_required == 2 for v in visits)
    if doubles and len(carers) < 2:
        gaps.append(f"{doubles} double-handed visit(s), but the pool has only one carer")
    return gaps


@dataclass(frozen=True, eq=False)
class Session:
    """One session of a pool's day: its visits and working periods, before any travel is taken.

    Light (no matrices), so a whole week of sessions can be planned and budgeted at once and
    each turned into its rounds problem (:func:`session_problem`) only when it is solved.

    Parameters
    ----------
    pool
        The pool's name.
    visits
        The session's visits.
    periods
        Its working periods, each with its carer.
    cap_s
        Each carer's cap on working time in the session.
    """

    pool: str
    visits: tuple[Visit, ...]
    periods: tuple[tuple[Carer, Shift], ...] = ()
    cap_s: Mapping[str, int] = field(default_factory=dict)

    @property
    def num_visits(self) -> int:
        """Number of visits in the session."""
        return len(self.visits)

    @property
    def carers_required(self) -> np.ndarray:
        """1, or 2 for a double-handed visit (as :attr:`RoundsProblem.carers_required`)."""
        return np.array([v.carers_required for v in self.visits], dtype=np.int64)

    @property
    def duration_s(self) -> np.ndarray:
        """Each visit's service time."""
        return np.array([v.duration_s for v in self.visits], dtype=np.int64)

    @property
    def period_start_s(self) -> np.ndarray:
        """When each working period starts."""
        return np.array([s.start_s for _, s in self.periods], dtype=np.int64)

    @property
    def period_end_s(self) -> np.ndarray:
        """When each working period ends."""
        return np.array([s.end_s for _, s in self.periods], dtype=np.int64)


def pool_problems(
    instance: Instance,
    pool: Pool,
    day: int,
    locations: Locations,
    max_daily_working_s: int = MAX_DAILY_WORKING_S,
    whole_day_max_visits: int = WHOLE_DAY_MAX_VISITS,
) -> list[RoundsProblem]:
    """Build the rounds problems for one day of a pool: one per session of the day.

    The problems of :func:`pool_sessions`, each built by :func:`session_problem`.
    """
    sessions = pool_sessions(instance, pool, day, max_daily_working_s, whole_day_max_visits)
    return [session_problem(session, locations) for session in sessions]


def pool_sessions(
    instance: Instance,
    pool: Pool,
    day: int,
    max_daily_working_s: int = MAX_DAILY_WORKING_S,
    whole_day_max_visits: int = WHOLE_DAY_MAX_VISITS,
) -> list[Session]:
    """Split one day of a pool into its sessions, in time order (none without visits).

    A session is a set of working periods that overlap in time (with early 07:00-14:00 and
    late 16:00-22:00 shifts: the morning and the evening), with the visits those periods can
    serve. Sessions are solved apart, which keeps each search small; a visit that fits periods
    of two sessions joins them into one. A carer's daily cap on working time is shared between
    their sessions in proportion to the length of their periods in each (an approximation: the
    cap binds only on long split-shift days). A visit no period can serve goes to the session
    closest in time, where the solver reports it unassigned. A day of at most
    ``whole_day_max_visits`` visits is one session, its caps exact.

    Parameters
    ----------
    instance
        The whole instance.
    pool
        Whose visits and which carers.
    day
        0 (Monday) to 6.
    max_daily_working_s
        Cap on a carer's working time that day (never more than their periods allow).
    whole_day_max_visits
        The most visits a day may have to be solved whole (0: always split).
    """
    members = set(pool.recipient_ids)
    visits = [v for v in instance.visits if v.day == day and v.recipient_id in members]
    periods = [
        (carer, shift)
        for carer in (instance.carer_by_id[c] for c in pool.carer_ids)
        for shift in carer.shifts
        if shift.day == day
    ]
    if not visits:
        return []
    if not periods:
        return [Session(pool.name, tuple(visits))]
    session_of_period, session_of_visit = _sessions(visits, periods)
    if len(visits) <= whole_day_max_visits:  # the sessions with visits, as one
        busy = set(session_of_visit)
        session_of_period = [0 if g in busy else -1 for g in session_of_period]
        session_of_visit = [0] * len(visits)
    on_shift: dict[str, int] = defaultdict(int)
    for carer, shift in periods:
        on_shift[carer.id] += shift.end_s - shift.start_s
    sessions = []
    for session in sorted(set(session_of_visit)):
        chosen = [p for p, g in zip(periods, session_of_period, strict=True) if g == session]
        cap: dict[str, int] = defaultdict(int)
        for carer, shift in chosen:
            length = shift.end_s - shift.start_s
            share = max_daily_working_s * length // on_shift[carer.id]
            cap[carer.id] += min(length, share)
        mine = [v for v, g in zip(visits, session_of_visit, strict=True) if g == session]
        sessions.append(Session(pool.name, tuple(mine), tuple(chosen), dict(cap)))
    logger.debug("%s %s: %d session(s)", pool.name, DAYS[day], len(sessions))
    return sessions


def session_problem(session: Session, locations: Locations) -> RoundsProblem:
    """Build a session's rounds problem, taking its rows of the area's travel matrices.

    Locations of the problem are the pool's recipients with visits in the session, then its
    carers' homes, each with its row in ``locations`` (``location_row``); matrices come from
    each mode's matrices in ``locations`` (int32, as there). A walker needs the walk matrices.
    """
    return _problem(
        list(session.visits), list(session.periods), session.cap_s, locations, session.pool
    )


def _sessions(visits: list[Visit], periods: list[tuple[Carer, Shift]]) -> tuple[list, list]:
    """Group periods overlapping in time, join groups sharing a visit; label both."""
    order = sorted(range(len(periods)), key=lambda i: periods[i][1].start_s)
    group = [0] * len(periods)
    current, end = -1, -1
    for i in order:
        shift = periods[i][1]
        if shift.start_s >= end:
            current += 1
        end = max(end, shift.end_s) if shift.start_s < end else shift.end_s
        group[i] = current
    parent = list(range(current + 1))

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    # Which periods each visit's window fits (visits x periods), then which groups.
    starts = np.array([s.start_s for _, s in periods])
    ends = np.array([s.end_s for _, s in periods])
    earliest = np.array([v.earliest_start_s for v in visits]).reshape(-1, 1)
    latest = np.array([v.latest_start_s for v in visits]).reshape(-1, 1)
    durations = np.array([v.duration_s for v in visits]).reshape(-1, 1)
    fits = (starts <= latest) & (earliest + durations <= ends)
    labels = np.array(group)
    fits_group = np.stack([fits[:, labels == g].any(axis=1) for g in range(current + 1)], axis=1)
    # A visit no period fits joins the group of the period nearest its window.
    gap = np.maximum(np.maximum(starts - latest, earliest - ends), 0)
    nearest = labels[np.argmin(gap, axis=1)]
    visit_group = np.where(fits_group.any(axis=1), np.argmax(fits_group, axis=1), nearest)
    for v in np.flatnonzero(fits_group.sum(axis=1) > 1):
        for other in np.flatnonzero(fits_group[v])[1:]:
            parent[root(int(other))] = root(int(visit_group[v]))
    return [root(g) for g in group], [root(int(g)) for g in visit_group]


def _problem(
    visits: list[Visit],
    periods: list[tuple[Carer, Shift]],
    cap: Mapping[str, int],
    locations: Locations,
    name: str,
) -> RoundsProblem:
    """Build the array problem for these visits and working periods."""
    carers = list({carer.id: carer for carer, _ in periods}.values())
    recipients = list(dict.fromkeys(v.recipient_id for v in visits))
    place_ids = recipients + [c.id for c in carers]
    rows = locations.index(place_ids)
    modes = ["drive", "walk"] if "walk" in locations.travel_time_s else ["drive"]
    if any(c.travel_mode == "walk" for c in carers) and "walk" not in locations.travel_time_s:
        raise ValueError(f"pool {name} has walkers but no walk network was given.")
    block = np.ix_(rows, rows)
    time_s = [locations.travel_time_s[mode][block] for mode in modes]
    length_m = [locations.length_m[mode][block] for mode in modes]

    skills = sorted(set().union(*(v.skills for v in visits), *(c.skills for c in carers)))
    place = {name: i for i, name in enumerate(place_ids)}
    carer_index = {c.id: k for k, c in enumerate(carers)}
    return RoundsProblem(
        travel_time_s=np.stack(time_s),
        length_m=np.stack(length_m),
        visit_id=tuple(v.id for v in visits),
        visit_location=[place[v.recipient_id] for v in visits],
        earliest_start_s=[v.earliest_start_s for v in visits],
        latest_start_s=[v.latest_start_s for v in visits],
        duration_s=[v.duration_s for v in visits],
        carers_required=[v.carers_required for v in visits],
        visit_skills=_skill_matrix([v.skills for v in visits], skills),
        gender_preference=[_GENDER_CODE[v.gender_preference] for v in visits],
        carer_id=tuple(c.id for c in carers),
        carer_home=[place[c.id] for c in carers],
        carer_mode=[_MODE_CODE[c.travel_mode] for c in carers],
        carer_skills=_skill_matrix([c.skills for c in carers], skills),
        carer_gender=[_GENDER_CODE[c.gender] for c in carers],
        max_working_s=[cap[c.id] for c in carers],
        period_carer=[carer_index[c.id] for c, _ in periods],
        period_start_s=[s.start_s for _, s in periods],
        period_end_s=[s.end_s for _, s in periods],
        location_row=rows,
    )


def _skill_matrix(sets: Sequence[frozenset[str]], skills: Sequence[str]) -> np.ndarray:
    """Boolean ``(rows, skills)`` matrix: row i has skill j."""
    matrix = np.zeros((len(sets), len(skills)), dtype=bool)
    column = {skill: j for j, skill in enumerate(skills)}
    for i, owned in enumerate(sets):
        matrix[i, [column[s] for s in owned]] = True
    return matrix
