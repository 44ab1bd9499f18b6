"""Turn one day's pool of an instance (its visits and carers) into an array rounds problem."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roster.matrix import travel_matrix
from roster.model import DAYS, Instance
from roster.network import RoadNetwork
from roster.problem import ANY_GENDER, DRIVE, FEMALE, MALE, WALK, RoundsProblem
from roster.snapping import SnappedPoints, snap_points

logger = logging.getLogger(__name__)

_GENDER_CODE = {None: ANY_GENDER, "female": FEMALE, "male": MALE}
_MODE_CODE = {"drive": DRIVE, "walk": WALK}

#: Default cap on a carer's working time in one day (leaving home to returning), an assumption:
#: a long split-shift day in homecare (domain anchors: 7am-10pm days with unpaid gaps).
MAX_DAILY_WORKING_S = 10 * 3600


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
    """

    name: str
    recipient_ids: tuple[str, ...]
    carer_ids: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Locations:
    """Every recipient's and carer's home, snapped once to each network.

    Row ``i`` is ``ids[i]``: recipients first (instance order), then carers.

    Parameters
    ----------
    ids
        Recipient ids, then carer ids.
    networks
        Road network per travel mode.
    snapped
        The points snapped to each mode's network.
    """

    ids: tuple[str, ...]
    networks: Mapping[str, RoadNetwork]
    snapped: Mapping[str, SnappedPoints]

    def index(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of these ids."""
        row = {name: i for i, name in enumerate(self.ids)}
        return np.array([row[name] for name in ids], dtype=np.int64)


def locate(
    instance: Instance, networks: Mapping[str, RoadNetwork], max_snap_m: float = 500.0
) -> Locations:
    """Snap every recipient's and carer's home to each network (errors name the id).

    Carers' and recipients' homes are snapped to the walk network only if it is given; walkers
    then use it.
    """
    people = [*instance.recipients, *instance.carers]
    ids = tuple(p.id for p in people)
    lon = np.array([p.lon for p in people])
    lat = np.array([p.lat for p in people])
    snapped = {
        mode: snap_points(network, lon, lat, max_distance_m=max_snap_m, ids=ids)
        for mode, network in networks.items()
    }
    return Locations(ids, dict(networks), snapped)


def pool_problem(
    instance: Instance,
    pool: Pool,
    day: int,
    locations: Locations,
    max_daily_working_s: int = MAX_DAILY_WORKING_S,
) -> RoundsProblem:
    """Build the rounds problem for one day of a pool.

    Locations of the problem are the pool's recipients who have visits that day, then its
    carers' homes; matrices come from each mode's network. Carers without a working period that
    day are left out. A walker needs the walk network in ``locations``.

    Parameters
    ----------
    instance
        The whole instance.
    pool
        Whose visits and which carers.
    day
        0 (Monday) to 6.
    locations
        Snapped homes (from :func:`locate`).
    max_daily_working_s
        Cap on a carer's working time that day (never more than their periods allow).
    """
    members = set(pool.recipient_ids)
    visits = [v for v in instance.visits if v.day == day and v.recipient_id in members]
    carers = [
        instance.carer_by_id[c]
        for c in pool.carer_ids
        if any(s.day == day for s in instance.carer_by_id[c].shifts)
    ]
    recipients = list(dict.fromkeys(v.recipient_id for v in visits))
    place_ids = recipients + [c.id for c in carers]
    rows = locations.index(place_ids)
    modes = ["drive", "walk"] if "walk" in locations.networks else ["drive"]
    if any(c.travel_mode == "walk" for c in carers) and "walk" not in locations.networks:
        raise ValueError(f"pool {pool.name} has walkers but no walk network was given.")
    time_s, length_m = [], []
    for mode in modes:
        matrix = travel_matrix(locations.networks[mode], locations.snapped[mode].take(rows))
        time_s.append(matrix.travel_time_s)
        length_m.append(matrix.length_m)

    skills = sorted(set().union(*(v.skills for v in visits), *(c.skills for c in carers)))
    place = {name: i for i, name in enumerate(place_ids)}
    periods = [(k, s) for k, c in enumerate(carers) for s in c.shifts if s.day == day]
    logger.debug(
        "%s %s: %d visits, %d carers, %d periods",
        pool.name,
        DAYS[day],
        len(visits),
        len(carers),
        len(periods),
    )
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
        max_working_s=[
            min(max_daily_working_s, sum(s.end_s - s.start_s for s in c.shifts if s.day == day))
            for c in carers
        ],
        period_carer=[k for k, _ in periods],
        period_start_s=[s.start_s for _, s in periods],
        period_end_s=[s.end_s for _, s in periods],
    )


def _skill_matrix(sets: Sequence[frozenset[str]], skills: Sequence[str]) -> np.ndarray:
    """Boolean ``(rows, skills)`` matrix: row i has skill j."""
    matrix = np.zeros((len(sets), len(skills)), dtype=bool)
    column = {skill: j for j, skill in enumerate(skills)}
    for i, owned in enumerate(sets):
        matrix[i, [column[s] for s in owned]] = True
    return matrix
