"""The array-level rounds problem: one day's pool of visits, carers and travel matrices."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from roster.errors import InputError

#: Codes for :attr:`RoundsProblem.carer_mode`: which travel matrix a carer uses.
DRIVE, WALK = 0, 1
#: Codes for genders and gender preferences (-1: no preference, or not recorded).
ANY_GENDER, FEMALE, MALE = -1, 0, 1
#: :attr:`RoundsProblem.max_contact_s` of a carer with no bound on time in visits.
NO_CONTACT_CAP_S = 2**40


@dataclass(frozen=True)
class RoundsProblem:
    """One day's pool of visits and carers, as integer numpy arrays.

    Locations are indices into the travel matrices; every time is in seconds since midnight
    of the day solved. Arrays are converted (int64, booleans for skills; the two travel
    matrices int32 when every value fits, which halves a large session's memory), checked,
    and made read-only on construction; derive variants with :func:`dataclasses.replace`
    (read-only arrays of the right type are kept, not copied).

    Parameters
    ----------
    travel_time_s
        ``(modes, locations, locations)`` travel times; mode 0 drives, mode 1 walks. Empty,
        ``(modes, 0, 0)`` with ``location_row`` naming the locations, once the travel has been
        dropped (:func:`without_travel`): the problem then still describes the visits, carers
        and periods rounds were made for, for reading them, but cannot be solved or checked.
    length_m
        Same shape: the length of each trip in metres.
    visit_id
        One unique name per visit.
    visit_location
        Location index of each visit.
    earliest_start_s, latest_start_s
        The window on the *start* of service.
    duration_s
        Service time of each visit (of its first carer, if double-handed).
    carers_required
        1, or 2 for a double-handed visit (two different carers, starting together).
    visit_skills
        ``(visits, skills)`` booleans: the skills the (first) carer must have.
    gender_preference
        -1 for none, 0 female, 1 male.
    carer_id
        One unique name per carer.
    carer_home
        Location index of each carer's home, where every working period starts and ends.
    carer_mode
        0 drives, 1 walks: the first index into the travel matrices.
    carer_skills
        ``(carers, skills)`` booleans.
    carer_gender
        0 female, 1 male, -1 not recorded (never matches a preference).
    max_working_s
        Upper bound on the sum, over a carer's periods, of time from leaving home to returning.
    period_carer, period_start_s, period_end_s
        Working periods: a carer with a split shift has several, each starting and ending at
        home. Periods of one carer must not overlap.
    second_skills
        Optional ``(visits, skills)``: the skills of the second carer of a double-handed visit
        (default: same as ``visit_skills``).
    second_duration_s
        Optional service time of the second carer (default: ``duration_s``).
    start_gap_min_s, start_gap_max_s
        Optional bounds on the second carer's start minus the first carer's start (default 0:
        both start together; the solver's tolerance widens them on both sides).
    visit_demand, carer_capacity
        Optional load of each visit and capacity of each carer per period (benchmarks only).
    max_contact_s
        Optional upper bound on the sum, over a carer's periods, of their time in visits (e.g.
        what their contracted weekly hours leave; default: no bound).
    assignment_cost
        Optional ``(visits, carers)``: a cost (in seconds-equivalent, like travel) of carer ``c``
        serving visit ``v`` (each half pays it), e.g. for continuity of care: a carer new to
        the recipient this week costs more (default: zeros). Both engines search with it and
        :func:`roster.rounds.objective.objective` counts it.
    location_row
        Optional: for each location, its row in the whole area's locations (in the pipeline,
        :class:`roster.geo.locations.Locations`, whose ``ids`` name who lives there). Default:
        the locations are the area's, in order.
    """

    travel_time_s: np.ndarray
    length_m: np.ndarray
    visit_id: tuple[str, ...]
    visit_location: np.ndarray
    earliest_start_s: np.ndarray
    latest_start_s: np.ndarray
    duration_s: np.ndarray
    carers_required: np.ndarray
    visit_skills: np.ndarray
    gender_preference: np.ndarray
    carer_id: tuple[str, ...]
    carer_home: np.ndarray
    carer_mode: np.ndarray
    carer_skills: np.ndarray
    carer_gender: np.ndarray
    max_working_s: np.ndarray
    period_carer: np.ndarray
    period_start_s: np.ndarray
    period_end_s: np.ndarray
    second_skills: np.ndarray | None = None
    second_duration_s: np.ndarray | None = None
    start_gap_min_s: np.ndarray | None = None
    start_gap_max_s: np.ndarray | None = None
    visit_demand: np.ndarray | None = None
    carer_capacity: np.ndarray | None = None
    location_row: np.ndarray | None = None
    assignment_cost: np.ndarray | None = None
    max_contact_s: np.ndarray | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in ("visit_id", "carer_id"):
                object.__setattr__(self, field.name, tuple(str(v) for v in value))
            elif field.name in _MATRICES:
                object.__setattr__(self, field.name, _matrix(value))
            elif value is not None:
                dtype = bool if field.name.endswith("skills") else np.int64
                object.__setattr__(self, field.name, _frozen(value, dtype))
        if self.second_skills is None:
            object.__setattr__(self, "second_skills", self.visit_skills)
        if self.second_duration_s is None:
            object.__setattr__(self, "second_duration_s", self.duration_s)
        if self.location_row is None:
            rows = np.arange(self.num_locations, dtype=np.int64)
            rows.flags.writeable = False
            object.__setattr__(self, "location_row", rows)
        if self.max_contact_s is None:
            unbounded = np.full(self.num_carers, NO_CONTACT_CAP_S, dtype=np.int64)
            unbounded.flags.writeable = False
            object.__setattr__(self, "max_contact_s", unbounded)
        if self.assignment_cost is None:
            costs = np.zeros((self.num_visits, self.num_carers), dtype=np.int64)
            costs.flags.writeable = False
            object.__setattr__(self, "assignment_cost", costs)
        zeros = np.zeros(self.num_visits, dtype=np.int64)
        zeros.flags.writeable = False
        for name in ("start_gap_min_s", "start_gap_max_s"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, zeros)
        _validate(self)

    @property
    def num_visits(self) -> int:
        """Number of visits in the pool."""
        return len(self.visit_id)

    @property
    def num_locations(self) -> int:
        """Number of locations (rows of each travel matrix, unless the travel was dropped)."""
        if self.location_row is not None:
            return len(self.location_row)
        return self.travel_time_s.shape[1] if self.travel_time_s.ndim == 3 else 0

    @property
    def has_travel(self) -> bool:
        """Whether the travel matrices are held (not dropped by :func:`without_travel`)."""
        return self.travel_time_s.shape[1] == self.num_locations

    @property
    def num_carers(self) -> int:
        """Number of carers."""
        return len(self.carer_id)

    @property
    def num_periods(self) -> int:
        """Number of working periods over all carers."""
        return len(self.period_carer)

    @property
    def num_skills(self) -> int:
        """Number of skill columns."""
        return self.visit_skills.shape[1]


def without_travel(problem: RoundsProblem) -> RoundsProblem:
    """Return the problem with its travel matrices dropped, once its rounds are solved.

    Everything else stays, so the rounds can still be read (reports, metrics); a week of a
    city's sessions would otherwise hold gigabytes of matrices. Travel between any two
    locations is still in the area's matrices, at the rows in ``location_row``.
    """
    empty = np.zeros((problem.travel_time_s.shape[0], 0, 0), dtype=np.int32)
    empty.flags.writeable = False
    return replace(problem, travel_time_s=empty, length_m=empty)


#: The fields held as int32 when their values fit.
_MATRICES = ("travel_time_s", "length_m")
_INT32 = np.iinfo(np.int32)


def _frozen(value: object, dtype: type) -> np.ndarray:
    """Return ``value`` as a read-only array of ``dtype`` (itself if it is one already)."""
    if isinstance(value, np.ndarray) and value.dtype == dtype and not value.flags.writeable:
        return value
    array = np.array(value, dtype=dtype)
    array.flags.writeable = False
    return array


def _matrix(value: object) -> np.ndarray:
    """Return a travel matrix read-only: int32 if every value fits, else int64."""
    if isinstance(value, np.ndarray) and value.dtype == np.int32:
        return _frozen(value, np.int32)
    array = _frozen(value, np.int64)
    if array.size == 0 or (_INT32.min <= array.min() and array.max() <= _INT32.max):
        return _frozen(array, np.int32)
    return array


def _fail(message: str, field: str) -> None:
    raise InputError(message, field=field)


def _validate(p: RoundsProblem) -> None:
    """Raise :class:`InputError` naming the first field that breaks a rule."""
    if p.travel_time_s.ndim != 3 or p.travel_time_s.shape[1] != p.travel_time_s.shape[2]:
        _fail("travel times must have shape (modes, locations, locations).", "travel_time_s")
    if p.length_m.shape != p.travel_time_s.shape:
        _fail("lengths must have the same shape as travel times.", "length_m")
    for name in ("travel_time_s", "length_m"):
        if (getattr(p, name) < 0).any():
            _fail("travel matrices cannot hold negative values.", name)
    modes, locations = p.travel_time_s.shape[0], p.num_locations
    if p.travel_time_s.shape[1] not in (0, locations):
        _fail(f"expected {p.travel_time_s.shape[1]} locations, got {locations}.", "location_row")
    v, c = p.num_visits, p.num_carers
    if len(set(p.visit_id)) != v:
        _fail("visit ids must be unique.", "visit_id")
    if len(set(p.carer_id)) != c:
        _fail("carer ids must be unique.", "carer_id")
    shapes = {
        "visit_location": (v,),
        "earliest_start_s": (v,),
        "latest_start_s": (v,),
        "duration_s": (v,),
        "carers_required": (v,),
        "gender_preference": (v,),
        "second_duration_s": (v,),
        "start_gap_min_s": (v,),
        "start_gap_max_s": (v,),
        "carer_home": (c,),
        "carer_mode": (c,),
        "carer_gender": (c,),
        "max_working_s": (c,),
        "max_contact_s": (c,),
        "period_start_s": (p.num_periods,),
        "period_end_s": (p.num_periods,),
    }
    if p.visit_skills.ndim != 2 or p.visit_skills.shape[0] != v:
        _fail("visit skills must have shape (visits, skills).", "visit_skills")
    shapes["second_skills"] = (v, p.num_skills)
    shapes["carer_skills"] = (c, p.num_skills)
    if (p.visit_demand is None) != (p.carer_capacity is None):
        _fail("visit demand and carer capacity must be given together.", "carer_capacity")
    if p.visit_demand is not None:
        shapes["visit_demand"] = (v,)
        shapes["carer_capacity"] = (c,)
    shapes["location_row"] = (locations,)
    shapes["assignment_cost"] = (v, c)
    for name, shape in shapes.items():
        if getattr(p, name).shape != shape:
            _fail(f"expected shape {shape}, got {getattr(p, name).shape}.", name)
    for name, size in (("visit_location", locations), ("carer_home", locations)):
        values = getattr(p, name)
        if ((values < 0) | (values >= size)).any():
            _fail(f"location indices must lie in 0..{size - 1}.", name)
    if (p.location_row < 0).any():
        _fail("location rows cannot be negative.", "location_row")
    if ((p.carer_mode < 0) | (p.carer_mode >= modes)).any():
        _fail(f"carer modes must lie in 0..{modes - 1}.", "carer_mode")
    if ((p.period_carer < 0) | (p.period_carer >= c)).any():
        _fail(f"period carers must lie in 0..{c - 1}.", "period_carer")
    if (p.earliest_start_s > p.latest_start_s).any():
        _fail("a visit window closes before it opens.", "latest_start_s")
    if (p.start_gap_min_s > p.start_gap_max_s).any():
        _fail("a start gap has its minimum above its maximum.", "start_gap_max_s")
    if (p.period_start_s > p.period_end_s).any():
        _fail("a working period ends before it starts.", "period_end_s")
    names = (
        "earliest_start_s",
        "duration_s",
        "second_duration_s",
        "max_working_s",
        "max_contact_s",
    )
    for name in (*names, "assignment_cost"):
        if (getattr(p, name) < 0).any():
            _fail("values cannot be negative.", name)
    if not np.isin(p.carers_required, (1, 2)).all():
        _fail("a visit needs 1 or 2 carers.", "carers_required")
    if not np.isin(p.gender_preference, (ANY_GENDER, FEMALE, MALE)).all():
        _fail("gender preference must be -1 (none), 0 (female) or 1 (male).", "gender_preference")
    if not np.isin(p.carer_gender, (ANY_GENDER, FEMALE, MALE)).all():
        _fail("carer gender must be -1 (not recorded), 0 (female) or 1 (male).", "carer_gender")
    order = np.lexsort((p.period_start_s, p.period_carer))
    same = p.period_carer[order][1:] == p.period_carer[order][:-1]
    if (same & (p.period_start_s[order][1:] < p.period_end_s[order][:-1])).any():
        _fail("two working periods of one carer overlap.", "period_start_s")
