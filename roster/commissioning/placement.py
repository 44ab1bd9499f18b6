"""Where a new package fits: the earliest day each provider or consortium can take it.

A discharge team asks which provider (under the framework) or which neighbourhood consortium
can take a new package, and from when. The answer comes from a finished run's folder: its
instance, pools and rounds (``instance/``, ``run.json``, ``rounds.json``) rebuild the same
rounds problems, and every call of the package is put into the existing rounds without
moving any other visit (:func:`roster.rounds.insert.insert_visit`). The rounds with the
package in are checked by the independent checker.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from roster.commissioning.pools import Pool, pool_problems
from roster.errors import InputError
from roster.geo.locations import Locations, load_locations
from roster.geo.matrix import travel_matrix
from roster.geo.network import Clip, load_network
from roster.geo.snapping import snap_points
from roster.io import read_instance
from roster.model import DAYS, Instance
from roster.rounds.checker import check_rounds
from roster.rounds.insert import add_location, add_skill, add_visit, insert_visit
from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, FEMALE, MALE, RoundsProblem
from roster.rounds.solution import Rounds, clock

logger = logging.getLogger(__name__)

#: How far either side of its asked-for time a call may start (ASSUMPTION: half an hour).
CALL_TOLERANCE_S = 30 * 60
#: A call's length when the package gives none (ASSUMPTION: the commonest visit, 30 minutes).
CALL_DURATION_S = 30 * 60

_CALL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*(?:/\s*(\d+)\s*)?$")
_GENDER = {None: ANY_GENDER, "": ANY_GENDER, "female": FEMALE, "male": MALE}


@dataclass(frozen=True)
class Package:
    """A new package of care: where, which calls each day, and what each call needs.

    Parameters
    ----------
    lon, lat
        The recipient's home.
    calls
        ``(time_s, duration_s)`` of each daily call, in time order.
    carers_required
        1, or 2 for a double-handed package.
    skills
        Skills each carer needs.
    gender_preference
        None, ``"female"`` or ``"male"``.
    tolerance_s
        How far either side of its time a call may start.
    from_day
        The first day it could start (0 = Monday).
    """

    lon: float
    lat: float
    calls: tuple[tuple[int, int], ...]
    carers_required: int = 1
    skills: frozenset[str] = frozenset()
    gender_preference: str | None = None
    tolerance_s: int = CALL_TOLERANCE_S
    from_day: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "calls", tuple(sorted(self.calls)))
        if not self.calls:
            raise InputError("A package needs at least one call.", field="calls")
        if self.carers_required not in (1, 2):
            raise InputError("A package needs 1 or 2 carers a call.", field="carers_required")
        if self.gender_preference not in _GENDER:
            raise InputError("Gender preference is female, male or none.", field="gender")
        if not 0 <= self.from_day < len(DAYS):
            raise InputError("The first day must be Mon to Sun.", field="from")


def parse_calls(text: str, duration_s: int = CALL_DURATION_S) -> tuple[tuple[int, int], ...]:
    """Read calls such as ``"08:00/30,12:30/30,17:00"`` (time/minutes; minutes optional).

    Raises
    ------
    InputError
        Naming the call that is not ``HH:MM`` or ``HH:MM/minutes``.
    """
    calls = []
    for part in text.split(","):
        match = _CALL.match(part)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise InputError(
                f"{part.strip()!r} is not a call HH:MM or HH:MM/minutes.", field="calls"
            )
        minutes = int(match[3]) * 60 if match[3] else duration_s
        if minutes <= 0:
            raise InputError(f"{part.strip()!r} has no length.", field="calls")
        calls.append((int(match[1]) * 3600 + int(match[2]) * 60, minutes))
    return tuple(calls)


@dataclass(frozen=True, eq=False)
class FinishedRun:
    """What a finished run's folder holds, enough to rebuild its rounds problems.

    Parameters
    ----------
    folder
        The run's output folder.
    instance
        Its recipients, visits, carers and providers.
    locations
        Their homes snapped, with all travel between them.
    pools
        Each model's pools, by model name.
    rounds
        Each pool-day-session's rounds, by ``(model, pool, day, session)``.
    params
        The rules the rounds were made under.
    days
        Days rostered, from Monday.
    max_daily_working_s
        Cap on a carer's working time in a day.
    max_snap_m
        Largest distance from a home to its road.
    """

    folder: Path
    instance: Instance
    locations: Locations
    pools: Mapping[str, tuple[Pool, ...]]
    rounds: Mapping[tuple[str, str, int, int], Rounds]
    params: RoundsParams
    days: int
    max_daily_working_s: int
    max_snap_m: float


def read_finished_run(
    folder: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> FinishedRun:
    """Read a run's folder (``roster demo`` or ``roster compare``) and rebuild its locations.

    The networks come from the run's area through the network cache, clipped as ``run.json``
    records.

    Raises
    ------
    InputError
        If the folder lacks ``run.json``, ``rounds.json``, ``travel.npz`` or ``instance/``.
    """
    folder = Path(folder)
    for name in ("run.json", "rounds.json", "travel.npz", "instance"):
        if not (folder / name).exists():
            raise InputError(
                f"{name} is missing: give the folder of a finished roster demo or compare run.",
                file=str(folder),
            )
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    settings = run["settings"]
    instance = read_instance(folder / "instance")
    clip = Clip.from_json(settings.get("clip"))  # None: a run of the whole extract
    networks = {
        mode: load_network(settings["area"], mode, cache_dir=cache_dir, clip=clip)
        for mode in ("drive", "walk")
    }
    locations = load_locations(folder / "travel.npz", networks)
    if locations.ids != tuple(p.id for p in (*instance.recipients, *instance.carers)):
        raise InputError("travel.npz does not match instance/.", file=str(folder))
    saved = json.loads((folder / "rounds.json").read_text(encoding="utf-8"))
    return FinishedRun(
        folder,
        instance,
        locations,
        {m["name"]: tuple(_pool(p) for p in m["pools"]) for m in run["models"]},
        {
            (e["model"], e["pool"], e["day"], e["session"]): Rounds.from_json(e["rounds"])
            for e in saved["entries"]
        },
        RoundsParams.from_dict(run["rounds_params"]),
        settings["days"],
        settings["max_daily_working_s"],
        settings["max_snap_m"],
    )


def _pool(data: Mapping) -> Pool:
    """Read a pool written with :func:`dataclasses.asdict`."""
    return Pool(
        data["name"],
        tuple(data["recipient_ids"]),
        tuple(data["carer_ids"]),
        data.get("provider_id"),
        data.get("neighbourhood"),
    )


@dataclass(frozen=True)
class CallPlaced:
    """One call of the package on one day: when it starts, who does it, what it adds.

    Parameters
    ----------
    time_s
        The time asked for.
    start_s
        When it would start.
    carer_ids
        Its carer or carers.
    extra_travel_s
        Travel it adds.
    """

    time_s: int
    start_s: int
    carer_ids: tuple[str, ...]
    extra_travel_s: int


@dataclass(frozen=True)
class DayFit:
    """Whether every call fits on one day, and how.

    Parameters
    ----------
    day
        0 (Monday) to 6.
    calls
        Each call placed (all of them when it fits).
    fits
        Whether every call fits.
    checker_violations
        Rules the independent checker finds broken in the rounds with the package in.
    """

    day: int
    calls: tuple[CallPlaced, ...]
    fits: bool
    checker_violations: int = 0

    @property
    def extra_travel_s(self) -> int:
        """Travel the package adds that day."""
        return sum(c.extra_travel_s for c in self.calls)


@dataclass(frozen=True)
class PoolFit:
    """One provider's or consortium's answer.

    Parameters
    ----------
    model, pool
        Commissioning model and pool names.
    start_day
        The earliest day from which every call fits on every day modelled, or None.
    days
        The days looked at, in order (from ``start_day``, or from the last day that fails).
    """

    model: str
    pool: str
    start_day: int | None
    days: tuple[DayFit, ...]

    @property
    def first(self) -> DayFit | None:
        """The start day's fit."""
        return next((d for d in self.days if d.day == self.start_day), None)


@dataclass(frozen=True)
class Placement:
    """Where a new package fits, for each candidate pool.

    Parameters
    ----------
    package
        The package.
    neighbourhood
        The neighbourhood its home is in.
    days_modelled
        Days the run rostered, from Monday.
    pools
        Framework providers, then the neighbourhood's consortium; those that can start it,
        earliest and cheapest first, then those that cannot.
    seconds
        Wall-clock seconds to answer, reading the folder included.
    """

    package: Package
    neighbourhood: str
    days_modelled: int
    pools: tuple[PoolFit, ...]
    seconds: float = field(default=0.0, compare=False)

    def to_json(self) -> dict:
        """Return the answer as plain JSON data (clock times as ``HH:MM``)."""
        return {
            "package": {
                "lon": self.package.lon,
                "lat": self.package.lat,
                "calls": [f"{clock(t)}/{d // 60}" for t, d in self.package.calls],
                "carers_required": self.package.carers_required,
                "skills": sorted(self.package.skills),
                "gender_preference": self.package.gender_preference,
                "tolerance_min": self.package.tolerance_s // 60,
                "from": DAYS[self.package.from_day],
            },
            "neighbourhood": self.neighbourhood,
            "days_modelled": list(DAYS[: self.days_modelled]),
            "pools": [
                {
                    "model": p.model,
                    "pool": p.pool,
                    "start_day": None if p.start_day is None else DAYS[p.start_day],
                    "days": [
                        {
                            "day": DAYS[d.day],
                            "fits": d.fits,
                            "extra_travel_s": d.extra_travel_s,
                            "checker_violations": d.checker_violations,
                            "calls": [
                                {
                                    "time": clock(c.time_s),
                                    "start": clock(c.start_s),
                                    "carers": list(c.carer_ids),
                                    "extra_travel_s": c.extra_travel_s,
                                }
                                for c in d.calls
                            ],
                        }
                        for d in p.days
                    ],
                }
                for p in self.pools
            ],
            "seconds": self.seconds,
        }


def place_package(run: FinishedRun, package: Package, neighbourhood: str) -> Placement:
    """Find, for each framework provider and the neighbourhood's consortium, where it fits.

    Parameters
    ----------
    run
        The finished run.
    package
        The new package.
    neighbourhood
        The neighbourhood its home lies in (whose consortium is asked).
    """
    started = time.perf_counter()
    new = NewHome(run, package)
    candidates = [("framework", p) for p in run.pools.get("framework", ()) if p.provider_id]
    candidates += [
        ("consortium", p)
        for p in run.pools.get("consortium", ())
        if p.neighbourhood == neighbourhood
    ]
    fits = []
    for model, pool in candidates:
        days: list[DayFit] = []
        for day in range(run.days - 1, package.from_day - 1, -1):
            fit, _ = insert_package(run, new, model, pool, day)
            days.insert(0, fit)
            if not fit.fits:
                break
        start = next((d.day for d in days if all(e.fits for e in days if e.day >= d.day)), None)
        fits.append(PoolFit(model, pool.name, start, tuple(days)))
    fits.sort(
        key=lambda f: (
            f.start_day is None,
            f.start_day or 0,
            f.first.extra_travel_s if f.first else 0,
            f.pool,
        )
    )
    seconds = round(time.perf_counter() - started, 2)
    return Placement(package, neighbourhood, run.days, tuple(fits), seconds)


class NewHome:
    """A new package's home snapped to each network, with travel to and from every home.

    Parameters
    ----------
    run
        The finished run (its homes and networks).
    package
        The package.
    """

    def __init__(self, run: FinishedRun, package: Package) -> None:
        locations = run.locations
        self.package = package
        self.row = len(locations.ids)
        self.time_from, self.time_to, self.length_from, self.length_to = {}, {}, {}, {}
        for mode, network in locations.networks.items():
            point = snap_points(
                network,
                [package.lon],
                [package.lat],
                max_distance_m=run.max_snap_m,
                ids=["the new package"],
            )
            out = travel_matrix(network, point, locations.snapped[mode])
            back = travel_matrix(network, locations.snapped[mode], point)
            self.time_from[mode], self.length_from[mode] = out.travel_time_s[0], out.length_m[0]
            self.time_to[mode], self.length_to[mode] = back.travel_time_s[:, 0], back.length_m[:, 0]
        self.modes = list(locations.networks)

    def extend(self, problem: RoundsProblem) -> RoundsProblem:
        """Return the problem with the new home as its last location."""
        rows = problem.location_row
        pick = [m for m in ("drive", "walk") if m in self.modes][: problem.travel_time_s.shape[0]]
        return add_location(
            problem,
            np.stack([self.time_from[m][rows] for m in pick]),
            np.stack([self.time_to[m][rows] for m in pick]),
            np.stack([self.length_from[m][rows] for m in pick]),
            np.stack([self.length_to[m][rows] for m in pick]),
            self.row,
        )


def insert_package(
    run: FinishedRun, new: NewHome, model: str, pool: Pool, day: int
) -> tuple[DayFit, tuple[tuple[RoundsProblem, Rounds], ...]]:
    """Put every call of the package into one pool's rounds on one day.

    Each call goes where it adds least travel, in any session of the day; calls are placed in
    time order, each into the rounds with the earlier ones in.

    Parameters
    ----------
    run
        The finished run.
    new
        The package's home, located (:class:`NewHome`).
    model, pool
        Whose rounds.
    day
        0 (Monday) to 6.

    Returns
    -------
    tuple
        How it fits, and each session's problem and rounds with the calls placed so far (the
        problems hold the package's home and those calls).
    """
    package = new.package
    problems = pool_problems(run.instance, pool, day, run.locations, run.max_daily_working_s)
    sessions = []
    for k, problem in enumerate(problems):
        rounds = run.rounds.get((model, pool.name, day, k))
        if rounds is None:
            raise InputError(
                f"rounds.json has no rounds for {pool.name} {DAYS[day]} session {k}: the folder "
                "does not match its run.",
                file=str(run.folder / "rounds.json"),
            )
        problem = new.extend(problem)
        if package.skills:
            holders = [
                package.skills <= run.instance.carer_by_id[c].skills for c in problem.carer_id
            ]
            problem = add_skill(problem, np.array(holders, dtype=bool))
        sessions.append([problem, rounds])
    placed = []
    for number, (time_s, duration_s) in enumerate(package.calls, start=1):
        best = None
        for session in sessions:
            grown = _with_call(session[0], package, number, time_s, duration_s)
            answer = insert_visit(grown, session[1], run.params, grown.num_visits - 1)
            if answer and (best is None or answer[1].extra_travel_s < best[2][1].extra_travel_s):
                best = (session, grown, answer)
        if best is None:
            return DayFit(day, tuple(placed), False), _pairs(sessions)
        session, grown, (rounds, where) = best
        session[0], session[1] = grown, rounds
        placed.append(CallPlaced(time_s, where.start_s, where.carer_ids, where.extra_travel_s))
    broken = sum(len(check_rounds(p, r, run.params)) for p, r in sessions)
    if broken:
        logger.error("%s %s: the checker finds %d broken rule(s)", pool.name, DAYS[day], broken)
    return DayFit(day, tuple(placed), not broken, broken), _pairs(sessions)


def _pairs(sessions: list[list]) -> tuple[tuple[RoundsProblem, Rounds], ...]:
    """Return the sessions' problems and rounds as pairs."""
    return tuple((problem, rounds) for problem, rounds in sessions)


def _with_call(
    problem: RoundsProblem, package: Package, number: int, time_s: int, duration_s: int
) -> RoundsProblem:
    """Return the problem with one call of the package as its last visit."""
    skills = None
    if package.skills:
        skills = np.zeros(problem.num_skills, dtype=bool)
        skills[-1] = True
    window = (
        max(0, time_s - package.tolerance_s),
        min(86_400 - duration_s, time_s + package.tolerance_s),
    )
    return add_visit(
        problem,
        f"new package call {number}",
        problem.num_locations - 1,
        window,
        duration_s,
        package.carers_required,
        skills,
        _GENDER[package.gender_preference],
    )


def neighbourhood_of(folder: str | os.PathLike[str], lon: float, lat: float) -> str:
    """Return the run's neighbourhood whose polygon holds a point, else the nearest one.

    The polygons are the ones ``run.json`` keeps (as the GeoPackage's layer ``neighbourhoods``).
    """
    import shapely
    from pyproj import Transformer

    try:
        run = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
        names, wkt = zip(*run["neighbourhoods"].items(), strict=True)
    except (OSError, ValueError, KeyError) as error:
        message = "run.json has no neighbourhoods: rerun roster demo or compare with this version."
        raise InputError(message, file=str(Path(folder) / "run.json")) from error
    polygons = shapely.from_wkt(list(wkt))
    point = shapely.Point(lon, lat)
    inside = np.flatnonzero(shapely.contains(polygons, point))
    if len(inside):
        return names[int(inside[0])]
    # Nearest in metres (British National Grid), not in degrees.
    to_grid = Transformer.from_crs(4326, 27700, always_xy=True).transform
    metric = shapely.transform(polygons, lambda xy: np.column_stack(to_grid(xy[:, 0], xy[:, 1])))
    here = shapely.Point(to_grid(lon, lat))
    return names[int(np.argmin(shapely.distance(metric, here)))]


def placement_table(placement: Placement) -> list[str]:
    """Return the answer as a short table, one line per pool, for the command line."""
    lines = [f"{'pool':24}{'from':>6}{'extra travel':>14}  carers (first day)"]
    for fit in placement.pools:
        first = fit.first
        if first is None:
            lines.append(f"{fit.pool:24}{'-':>6}{'-':>14}  does not fit in the days modelled")
            continue
        carers = "; ".join(f"{clock(c.start_s)} {' + '.join(c.carer_ids)}" for c in first.calls)
        extra = f"{first.extra_travel_s / 60:.0f} min/day"
        lines.append(f"{fit.pool:24}{DAYS[first.day]:>6}{extra:>14}  {carers}")
    return lines
