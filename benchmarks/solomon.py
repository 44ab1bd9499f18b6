"""Solve Solomon/Homberger VRPTW files with the rounds solver; one JSON line per instance.

Usage: python benchmarks/solomon.py --time-limit 30 [--baseline] [--solvers rounds,pyvrp,...]
[--vehicle-cost C] FILE...

The ``rounds`` rows are the product's defaults (``RoundsParams()`` with every customer
mandatory and no breaks): on these plain pools that is PyVRP's genetic search for most of the
limit, then the rounds engine's ruin and recreate from its routes. ``--solvers`` adds rows to
compare in the same run: ``baseline`` (plain OR-Tools: PATH_CHEAPEST_ARC + guided local
search; ``--baseline`` adds it too), ``pyvrp`` (PyVRP alone for the whole limit) and
``insertion`` (the homecare insertion engine alone, no PyVRP: what real homecare pools get).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _instances import (  # noqa: E402
    BENCHMARKS,
    add_solver_options,
    best_known,
    chosen_solvers,
    gap_percent,
    read_solomon,
    solomon_cost,
    solomon_problem,
    solomon_routes,
)

from roster.rounds.checker import check_rounds  # noqa: E402
from roster.rounds.params import RoundsParams  # noqa: E402
from roster.rounds.solve import solve_rounds  # noqa: E402
from roster.rounds.warm import pyvrp_routes  # noqa: E402

#: Rows a run can ask for, per file.
SOLVERS = ("rounds", "baseline", "pyvrp", "insertion")


def benchmark_params(
    time_limit_s: float, vehicle_cost: int, solver: str = "rounds"
) -> RoundsParams:
    """Every customer mandatory, no breaks: the product's defaults otherwise.

    ``solver``: ``"rounds"`` (the defaults), ``"baseline"`` (plain OR-Tools' usual start) or
    ``"insertion"`` (the insertion engine without PyVRP's start).
    """
    params = RoundsParams(
        time_limit_s=time_limit_s,
        unassigned_penalty=None,
        break_after_s=None,
        carer_fixed_cost=vehicle_cost,
    )
    if solver == "baseline":
        return replace(
            params, engine="ortools", warm_start_share=0.0, first_solution="PATH_CHEAPEST_ARC"
        )
    if solver == "insertion":
        return replace(params, engine="insertion", warm_start_share=0.0)
    return params


def run(path: Path, params: RoundsParams, solver: str, best: dict) -> dict:
    """Solve one file and describe the result (``solver`` "pyvrp": PyVRP alone)."""
    instance = read_solomon(path)
    problem = solomon_problem(instance)
    began = time.perf_counter()
    if solver == "pyvrp":
        found = pyvrp_routes(problem, params, params.time_limit_s, params.seed)
        routes = [[v + 1 for v, _ in r] for r in found or [] if r]
        errors, unassigned, status = [], not found, "PYVRP"
    else:
        rounds = solve_rounds(problem, params)
        routes, unassigned, status = solomon_routes(rounds), rounds.unassigned, rounds.status
        errors = check_rounds(problem, rounds, params)
    seconds = time.perf_counter() - began
    distance, exact = solomon_cost(instance, routes)
    feasible = exact and not errors and not unassigned
    row = best.get(instance.name.upper()) or best.get(instance.name)
    result = {
        "instance": instance.name,
        "solver": solver,
        "distance": round(distance, 2),
        "vehicles": len(routes),
        "feasible": feasible,
        "seconds": round(seconds, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "status": status,
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
    parser.add_argument(
        "--vehicle-cost",
        type=int,
        default=0,
        help="fixed cost per vehicle in scaled units (x1000), for the vehicles-first objective",
    )
    add_solver_options(parser, SOLVERS)
    args = parser.parse_args()
    objective = "hierarchical" if args.vehicle_cost else "distance"
    best = best_known(BENCHMARKS / "solomon" / "bks.csv", objective)
    best |= best_known(BENCHMARKS / "homberger" / "bks.csv")
    solvers = chosen_solvers(parser, args, SOLVERS)
    for path in args.files:
        for solver in solvers:
            params = benchmark_params(args.time_limit, args.vehicle_cost, solver)
            print(json.dumps(run(path, params, solver, best)), flush=True)


if __name__ == "__main__":
    main()
