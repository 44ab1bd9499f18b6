"""Solve Mankowska et al. (2014) home-care instances with the rounds solver; one JSON line each.

Usage: python benchmarks/hhc.py --time-limit 60 [--baseline] [--solvers rounds,insertion] FILE...
(hhc/mankowska/json, hhc/kummer/instances)

The ``rounds`` rows are the product's defaults (``RoundsParams()``) with the benchmark's
problem: every service mandatory, lateness allowed and costed, no breaks. ``--solvers`` adds
rows to compare in the same run: ``baseline`` (plain OR-Tools; ``--baseline`` adds it too) and
``insertion`` (the insertion engine: since it became the default, the same as ``rounds``).
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
    mankowska_cost,
    mankowska_problem,
    read_mankowska,
)

from roster.rounds.checker import check_rounds  # noqa: E402
from roster.rounds.params import RoundsParams  # noqa: E402
from roster.rounds.solve import solve_rounds  # noqa: E402

#: Rows a run can ask for, per file.
SOLVERS = ("rounds", "baseline", "insertion")


def benchmark_params(time_limit_s: float, solver: str = "rounds") -> RoundsParams:
    """Every service mandatory; total and worst tardiness cost as much as distance."""
    params = RoundsParams(
        time_limit_s=time_limit_s,
        unassigned_penalty=None,
        allow_lateness=True,
        lateness_cost_per_s=1,
        worst_lateness_cost_per_s=1,
        max_lateness_s=None,
        break_after_s=None,
    )
    if solver == "baseline":
        return replace(params, engine="ortools")
    if solver == "insertion":
        return replace(params, engine="insertion")
    return params


def run(path: Path, params: RoundsParams, solver: str, best: dict) -> dict:
    """Solve one file and describe the result."""
    instance = read_mankowska(path)
    problem = mankowska_problem(instance)
    began = time.perf_counter()
    rounds = solve_rounds(problem, params)
    seconds = time.perf_counter() - began
    errors = check_rounds(problem, rounds, params)
    feasible = not errors and not rounds.unassigned
    result = {"instance": instance.name, "solver": solver, **mankowska_cost(instance, rounds)}
    result = {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}
    result |= {"feasible": feasible, "seconds": round(seconds, 1), "status": rounds.status}
    result["load_average"] = round(os.getloadavg()[0], 1)
    row = best.get(instance.name)
    if row and feasible:
        result["best_known"] = float(row["objective"])
        result["gap_percent"] = gap_percent(result["objective"], float(row["objective"]))
    if errors:
        result["errors"] = errors[:5]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="Udine-format JSON instance files")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    add_solver_options(parser, SOLVERS)
    args = parser.parse_args()
    solvers = chosen_solvers(parser, args, SOLVERS)
    best = best_known(BENCHMARKS / "hhc" / "mankowska" / "bks.csv")
    best |= best_known(BENCHMARKS / "hhc" / "kummer" / "bks.csv")
    for path in args.files:
        for solver in solvers:
            params = benchmark_params(args.time_limit, solver)
            print(json.dumps(run(path, params, solver, best)), flush=True)


if __name__ == "__main__":
    main()
