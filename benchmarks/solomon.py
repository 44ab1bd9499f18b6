"""Solve Solomon/Homberger VRPTW files with the rounds solver; one JSON line per instance.

Usage: python benchmarks/solomon.py --time-limit 30 [--baseline] [--vehicle-cost C]
[--warm-start S] FILE...
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _instances import (  # noqa: E402
    BENCHMARKS,
    best_known,
    gap_percent,
    read_solomon,
    solomon_cost,
    solomon_problem,
    solomon_routes,
)

from roster.rounds.checker import check_rounds  # noqa: E402
from roster.rounds.params import RoundsParams  # noqa: E402
from roster.rounds.solve import solve_rounds  # noqa: E402


def benchmark_params(
    time_limit_s: float, baseline: bool, vehicle_cost: int, warm_start_s: float = 0.0
) -> RoundsParams:
    """Every customer mandatory, no breaks; the baseline is plain OR-Tools' usual start."""
    return RoundsParams(
        time_limit_s=time_limit_s,
        warm_start_s=0.0 if baseline else warm_start_s,
        first_solution="PATH_CHEAPEST_ARC" if baseline else "LOCAL_CHEAPEST_COST_INSERTION",
        unassigned_penalty=None,
        break_after_s=None,
        carer_fixed_cost=vehicle_cost,
    )


def run(path: Path, params: RoundsParams, solver: str, best: dict) -> dict:
    """Solve one file and describe the result."""
    instance = read_solomon(path)
    problem = solomon_problem(instance)
    began = time.perf_counter()
    rounds = solve_rounds(problem, params)
    seconds = time.perf_counter() - began
    distance, exact = solomon_cost(instance, solomon_routes(rounds))
    errors = check_rounds(problem, rounds, params)
    feasible = exact and not errors and not rounds.unassigned
    row = best.get(instance.name.upper()) or best.get(instance.name)
    result = {
        "instance": instance.name,
        "solver": solver,
        "distance": round(distance, 2),
        "vehicles": len(rounds.routes),
        "feasible": feasible,
        "seconds": round(seconds, 1),
        "status": rounds.status,
    }
    if row and feasible:
        result["best_known"] = float(row["distance"])
        result["best_known_objective"] = row["objective"]
        result["gap_percent"] = gap_percent(distance, float(row["distance"]))
    if errors:
        result["errors"] = errors[:5]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="Solomon-format instance files")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--baseline", action="store_true", help="also run PATH_CHEAPEST_ARC + GLS")
    parser.add_argument(
        "--vehicle-cost",
        type=int,
        default=0,
        help="fixed cost per vehicle in scaled units (x1000), for the vehicles-first objective",
    )
    parser.add_argument(
        "--warm-start",
        type=float,
        default=0.0,
        help="seconds of the time limit spent on a PyVRP start (0: OR-Tools alone)",
    )
    args = parser.parse_args()
    objective = "hierarchical" if args.vehicle_cost else "distance"
    best = best_known(BENCHMARKS / "solomon" / "bks.csv", objective)
    best |= best_known(BENCHMARKS / "homberger" / "bks.csv")
    for path in args.files:
        solvers = [("rounds", False)] + ([("baseline", True)] if args.baseline else [])
        for name, baseline in solvers:
            params = benchmark_params(args.time_limit, baseline, args.vehicle_cost, args.warm_start)
            print(json.dumps(run(path, params, name, best)), flush=True)


if __name__ == "__main__":
    main()
