"""Read Solomon/Homberger VRPTW and Mankowska home-care instances and map them to RoundsProblem."""

from __future__ import annotations

import argparse
import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import Rounds

BENCHMARKS = Path("/work/shared/benchmarks")
#: Benchmark times and distances are doubles; the solver works on integers scaled by this.
SCALE = 1000


@dataclass(frozen=True)
class Solomon:
    """A Solomon-format VRPTW instance; row 0 is the depot."""

    name: str
    vehicles: int
    capacity: int
    x: np.ndarray
    y: np.ndarray
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray

    @property
    def distance(self) -> np.ndarray:
        """Euclidean distances as doubles (also the travel times)."""
        return np.hypot(self.x[:, None] - self.x[None, :], self.y[:, None] - self.y[None, :])


def read_solomon(path: str | Path) -> Solomon:
    """Read a Solomon or Gehring-Homberger text file."""
    lines = [line.split() for line in Path(path).read_text().splitlines()]
    vehicles, capacity = (int(v) for v in lines[lines.index(["VEHICLE"]) + 2])
    rows = np.array(
        [[float(v) for v in line] for line in lines if len(line) == 7 and line[0].isdigit()]
    )
    return Solomon(
        name=Path(path).stem,
        vehicles=vehicles,
        capacity=capacity,
        x=rows[:, 1],
        y=rows[:, 2],
        demand=rows[:, 3].astype(np.int64),
        ready=rows[:, 4],
        due=rows[:, 5],
        service=rows[:, 6],
    )


def solomon_problem(instance: Solomon, scale: int = SCALE) -> RoundsProblem:
    """Map a VRPTW instance to a pool: customers are visits, vehicles are carers at the depot.

    Travel times are rounded up after scaling, so a round feasible for the solver is feasible
    in exact arithmetic too; distances (the reported length) are rounded to nearest.
    """
    d = instance.distance
    n = len(d) - 1
    travel = np.ceil(d * scale - 1e-9).astype(np.int64)
    return RoundsProblem(
        travel_time_s=travel[None],
        length_m=np.rint(d * scale).astype(np.int64)[None],
        visit_id=[str(i) for i in range(1, n + 1)],
        visit_location=np.arange(1, n + 1),
        earliest_start_s=np.rint(instance.ready[1:] * scale),
        latest_start_s=np.rint(instance.due[1:] * scale),
        duration_s=np.rint(instance.service[1:] * scale),
        carers_required=np.ones(n),
        visit_skills=np.zeros((n, 0), bool),
        gender_preference=np.full(n, -1),
        carer_id=[f"v{k}" for k in range(instance.vehicles)],
        carer_home=np.zeros(instance.vehicles),
        carer_mode=np.zeros(instance.vehicles),
        carer_skills=np.zeros((instance.vehicles, 0), bool),
        carer_gender=np.full(instance.vehicles, -1),
        max_working_s=np.full(instance.vehicles, int(instance.due[0] * scale)),
        period_carer=np.arange(instance.vehicles),
        period_start_s=np.full(instance.vehicles, int(instance.ready[0] * scale)),
        period_end_s=np.full(instance.vehicles, int(instance.due[0] * scale)),
        visit_demand=instance.demand[1:],
        carer_capacity=np.full(instance.vehicles, instance.capacity),
    )


def solomon_routes(rounds: Rounds) -> list[list[int]]:
    """Return the customer numbers of each route, in order."""
    return [[int(s.visit_id) for s in r.steps] for r in rounds.routes]


def solomon_cost(instance: Solomon, routes: list[list[int]]) -> tuple[float, bool]:
    """Distance in double precision, and whether every window holds in exact arithmetic."""
    d, total, feasible = instance.distance, 0.0, True
    for route in routes:
        t, place = instance.ready[0], 0
        for c in route:
            t = max(t + d[place, c], instance.ready[c])
            feasible &= t <= instance.due[c] + 1e-6
            total += d[place, c]
            t, place = t + instance.service[c], c
        total += d[place, 0]
        feasible &= t + d[place, 0] <= instance.due[0] + 1e-6
        feasible &= instance.demand[route].sum() <= instance.capacity
    return total, bool(feasible)


def best_known(path: str | Path, objective: str | None = None) -> dict[str, dict[str, str]]:
    """Rows of a ``bks.csv`` by instance name, optionally only one objective kind."""
    with open(path, newline="") as file:
        rows = [r for r in csv.DictReader(file) if objective in (None, r.get("objective"))]
    return {r["instance"]: r for r in rows}


@dataclass(frozen=True)
class Mankowska:
    """A Mankowska et al. (2014) instance as given in the Udine JSON format."""

    name: str
    distance: np.ndarray  # office first, then patients in order
    window: np.ndarray  # (patients, 2)
    services: tuple[tuple[tuple[int, float], ...], ...]  # per patient: (service, duration)
    gap: np.ndarray  # (patients, 2) second service start minus first; 0/0 simultaneous
    abilities: np.ndarray  # (caregivers, services) bool
    caregiver_id: tuple[str, ...]
    patient_id: tuple[str, ...]


def read_mankowska(path: str | Path) -> Mankowska:
    """Read one instance of the Udine JSON format."""
    data = json.loads(Path(path).read_text())
    service_index = {s["id"]: k for k, s in enumerate(data["services"])}
    patients = data["patients"]
    gap = np.zeros((len(patients), 2))
    for i, p in enumerate(patients):
        sync = p.get("synchronization", {"type": "simultaneous"})
        if sync["type"] == "sequential":
            gap[i] = sync["distance"]
    abilities = np.zeros((len(data["caregivers"]), len(service_index)), bool)
    for c, carer in enumerate(data["caregivers"]):
        abilities[c, [service_index[s] for s in carer["abilities"]]] = True
    return Mankowska(
        name=Path(path).stem,
        distance=np.array(data["distances"], dtype=float),
        window=np.array([p["time_window"] for p in patients], dtype=float),
        services=tuple(
            tuple(
                (service_index[r["service"]], float(r["duration"]))
                for r in p["required_caregivers"]
            )
            for p in patients
        ),
        gap=gap,
        abilities=abilities,
        caregiver_id=tuple(c["id"] for c in data["caregivers"]),
        patient_id=tuple(p["id"] for p in patients),
    )


def mankowska_problem(instance: Mankowska, scale: int = SCALE) -> RoundsProblem:
    """Map to a pool: patients are visits (double services double-handed), caregivers carers.

    Each service of a double-service patient is one carer's half, with its own skill and
    duration; the start gap bounds come from the synchronisation. Lateness is unbounded.
    """
    n, skills = len(instance.patient_id), instance.abilities.shape[1]
    carers = len(instance.caregiver_id)
    first = np.zeros((n, skills), bool)
    second = np.zeros((n, skills), bool)
    for i, services in enumerate(instance.services):
        first[i, services[0][0]] = True
        second[i, services[-1][0]] = True
    horizon = int(
        (instance.window[:, 1].max() + instance.distance.max() * (n + 2) + 100 * n) * scale
    )
    return RoundsProblem(
        travel_time_s=np.ceil(instance.distance * scale - 1e-9).astype(np.int64)[None],
        length_m=np.rint(instance.distance * scale).astype(np.int64)[None],
        visit_id=instance.patient_id,
        visit_location=np.arange(1, n + 1),
        earliest_start_s=np.rint(instance.window[:, 0] * scale),
        latest_start_s=np.rint(instance.window[:, 1] * scale),
        duration_s=[round(s[0][1] * scale) for s in instance.services],
        second_duration_s=[round(s[-1][1] * scale) for s in instance.services],
        carers_required=[len(s) for s in instance.services],
        visit_skills=first,
        second_skills=second,
        start_gap_min_s=np.rint(instance.gap[:, 0] * scale),
        start_gap_max_s=np.rint(instance.gap[:, 1] * scale),
        gender_preference=np.full(n, -1),
        carer_id=instance.caregiver_id,
        carer_home=np.zeros(carers),
        carer_mode=np.zeros(carers),
        carer_skills=instance.abilities,
        carer_gender=np.full(carers, -1),
        max_working_s=np.full(carers, horizon),
        period_carer=np.arange(carers),
        period_start_s=np.zeros(carers),
        period_end_s=np.full(carers, horizon),
    )


def mankowska_cost(instance: Mankowska, rounds: Rounds, scale: int = SCALE) -> dict[str, float]:
    """Distance (doubles, from the routes), total and maximum tardiness, and the objective."""
    index = {p: i + 1 for i, p in enumerate(instance.patient_id)}
    distance, tardiness = 0.0, []
    for route in rounds.routes:
        places = [0, *(index[s.visit_id] for s in route.steps), 0]
        distance += sum(instance.distance[a, b] for a, b in zip(places, places[1:], strict=False))
        for s in route.steps:
            late = s.start_s / scale - instance.window[index[s.visit_id] - 1, 1]
            tardiness.append(max(0.0, late))
    total, worst = sum(tardiness), max(tardiness, default=0.0)
    return {
        "objective": (distance + total + worst) / 3,
        "distance": distance,
        "total_tardiness": total,
        "max_tardiness": worst,
    }


def gap_percent(value: float, best: float) -> float | None:
    """Relative gap to a best-known value, in percent (None if unknown)."""
    if not best or math.isnan(best):
        return None
    return round(100 * (value - best) / best, 3)


def add_solver_options(parser: argparse.ArgumentParser, known: tuple[str, ...]) -> None:
    """Add ``--solvers`` (rows per file, the defaults' ``rounds`` first) and ``--baseline``."""
    parser.add_argument("--baseline", action="store_true", help="also run plain OR-Tools")
    parser.add_argument(
        "--solvers",
        default="rounds",
        help=f"comma-separated rows per file: {', '.join(known)} (rounds: the defaults)",
    )


def chosen_solvers(
    parser: argparse.ArgumentParser, args: argparse.Namespace, known: tuple[str, ...]
) -> list[str]:
    """Return the rows asked for by ``--solvers`` and ``--baseline`` (an unknown one: error)."""
    solvers = args.solvers.split(",") + (["baseline"] if args.baseline else [])
    unknown = set(solvers) - set(known)
    if unknown:
        parser.error(f"unknown solvers: {', '.join(sorted(unknown))}")
    return solvers
