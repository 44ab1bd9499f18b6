"""Benchmark: the largest session of a city-size framework provider, solved by each engine.

Usage: ``python benchmarks/large_session.py [--scenario examples/rutland_dense.toml] [--seed 0]
[--day 0] [--time-limit 60 | --per-visit S] [--baseline-cap 120] [--cache FILE] [--top K |
--sizes N...]``.

The problems come from the pipeline (:func:`roster.demand.generate.generate_area`,
:func:`roster.geo.locations.locate`, :func:`roster.commissioning.models.framework`,
:func:`roster.commissioning.pools.pool_problems`); ``--cache`` keeps them in a pickle so that a
second run skips generation. For each of the ``--top`` largest sessions of the day it runs

- ``insertion``: the default engine
  (:func:`roster.rounds.solve.solve_rounds` with ``engine = "insertion"``): the
  improvement's pair-aware insertion from empty rounds, then ruin and recreate for the rest of
  ``--time-limit``;
- ``ortools`` (unless ``--baseline-cap 0``): today's OR-Tools path, its first solution
  (parallel cheapest insertion, as the comparison uses) given ``--baseline-cap`` seconds; if it
  finishes, guided local search goes on for the rest of ``--time-limit``.

Each line printed is one JSON object: visits, carer-visits, carers, periods, seconds to the
first feasible solution, seconds in all, unassigned visits, travel hours and what the checker
found (every engine's rounds are checked).
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from roster.commissioning.models import framework  # noqa: E402
from roster.commissioning.pools import pool_problems  # noqa: E402
from roster.comparison.run import load_networks, rounds_params  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.demand.generate import generate_area  # noqa: E402
from roster.geo.locations import locate  # noqa: E402
from roster.rounds.checker import check_rounds  # noqa: E402
from roster.rounds.ortools_model import OrToolsModel  # noqa: E402
from roster.rounds.problem import RoundsProblem  # noqa: E402
from roster.rounds.solve import _answer, solve_rounds  # noqa: E402
from roster.rounds.tasks import node_tasks, screen_visits  # noqa: E402
from roster.scenario import load_scenario  # noqa: E402

DENSE = _HERE.parent / "examples" / "rutland_dense.toml"


class _Iterations(logging.Handler):
    """Keeps the iteration count the improvement logs at its end."""

    count: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Note the count from "Improvement ran N iterations"."""
        if record.msg.startswith("Improvement ran"):
            self.count = int(record.args[0])


ITERATIONS = _Iterations()


def build_sessions(scenario_path: Path, seed: int, day: int) -> tuple[list, dict]:
    """Generate the area and return every framework session of the day, with stage seconds."""
    scenario = load_scenario(scenario_path)
    seconds = {}
    began = time.perf_counter()
    networks = load_networks(RUTLAND_PBF, council=scenario.area)  # clipped, as roster compare
    seconds["networks"] = time.perf_counter() - began
    began = time.perf_counter()
    generated = generate_area(scenario, RUTLAND_PBF, seed, network=networks["drive"])
    seconds["instance"] = time.perf_counter() - began
    began = time.perf_counter()
    instance = generated.instance
    locations = locate(instance, networks, scenario.area.max_snap_m, {"drive": generated.snapped})
    seconds["travel matrices"] = time.perf_counter() - began
    began = time.perf_counter()
    cap = round(scenario.comparison.max_daily_working_h * 3600)
    sessions = [
        (pool.name, problem)
        for pool in framework(instance).pools
        for problem in pool_problems(instance, pool, day, locations, cap)
    ]
    seconds["pool problems"] = time.perf_counter() - began
    return sessions, {"seconds": seconds, "params": rounds_params(scenario)}


def _travel_h(rounds) -> float:
    return round(sum(r.travel_time_s for r in rounds.routes) / 3600, 2)


def _describe(name: str, problem: RoundsProblem) -> dict:
    return {
        "pool": name,
        "visits": problem.num_visits,
        "carer_visits": int(problem.carers_required.sum()),
        "double_handed": int((problem.carers_required == 2).sum()),
        "carers": problem.num_carers,
        "periods": problem.num_periods,
    }


def run_insertion(problem: RoundsProblem, params, time_limit: float) -> dict:
    """Run the insertion engine: construction alone (timed), then with the improvement."""
    began = time.perf_counter()
    first = solve_rounds(problem, replace(params, engine="insertion", time_limit_s=0.0))
    first_s = time.perf_counter() - began
    out = {
        "engine": "insertion",
        "first_feasible_s": round(first_s, 1),
        "first_unassigned": len(first.unassigned),
        "first_travel_h": _travel_h(first),
        "first_violations": len(check_rounds(problem, first, params)),
    }
    began = time.perf_counter()
    rounds = solve_rounds(problem, replace(params, engine="insertion", time_limit_s=time_limit))
    out |= {
        "seconds": round(time.perf_counter() - began, 1),
        "iterations": ITERATIONS.count,
        "unassigned": len(rounds.unassigned),
        "travel_h": _travel_h(rounds),
        "objective": rounds.objective,
        "violations": len(check_rounds(problem, rounds, params)),
    }
    return out


def run_ortools(problem: RoundsProblem, params, time_limit: float, cap: float) -> dict:
    """Run today's OR-Tools path: its first solution under a cap, then guided local search.

    The search goes on from the first solution on the same model for what is left of
    ``time_limit`` (as :func:`roster.rounds.solve.solve_rounds` does, but with the first
    solution capped, so that the benchmark ends).
    """
    began = time.perf_counter()
    plain = replace(params, engine="ortools", improve_share=0.0)
    reasons, allowed = screen_visits(problem, plain)
    tasks = node_tasks(problem, allowed, reasons)
    model = OrToolsModel(problem, plain, tasks)
    build_s = time.perf_counter() - began
    first = model.solve(replace(plain, time_limit_s=cap, solution_limit=1), None)
    first_s = time.perf_counter() - began
    out = {
        "engine": "ortools",
        "model_build_s": round(build_s, 1),
        "first_solution_cap_s": cap,
        "first_status": model.status,
    }
    if first is None or not any(model.paths(first)):
        return out | {"first_feasible_s": None, "seconds": round(first_s, 1)}
    start = _answer(problem, plain, model.read_routes(first), reasons, model.status)
    out |= {
        "first_feasible_s": round(first_s, 1),
        "first_unassigned": len(start.unassigned),
        "first_travel_h": _travel_h(start),
    }
    left = max(1.0, time_limit - first_s)
    better = model.search_from(first, replace(plain, time_limit_s=left))
    rounds = start
    if better is not None:
        rounds = _answer(problem, plain, model.read_routes(better), reasons, model.status)
    return out | {
        "seconds": round(time.perf_counter() - began, 1),
        "unassigned": len(rounds.unassigned),
        "travel_h": _travel_h(rounds),
        "objective": rounds.objective,
        "violations": len(check_rounds(problem, rounds, plain)),
    }


def main() -> None:
    """Build (or load) the sessions and run each engine on the largest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DENSE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--day", type=int, default=0, help="0 = Monday")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per engine")
    parser.add_argument("--baseline-cap", type=float, default=120.0, help="0: no OR-Tools")
    parser.add_argument("--top", type=int, default=1, help="how many of the largest sessions")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="instead of the largest: the sessions closest to these numbers of visits",
    )
    parser.add_argument(
        "--per-visit",
        type=float,
        help="time limit per visit (as the comparison shares its budget) instead of --time-limit",
    )
    parser.add_argument("--cache", type=Path, help="pickle of the built sessions")
    parser.add_argument("--engines", nargs="+", default=["insertion", "ortools"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    improve_log = logging.getLogger("roster.rounds.improve")
    improve_log.setLevel(logging.INFO)
    improve_log.addHandler(ITERATIONS)
    improve_log.propagate = False
    if args.cache and args.cache.exists():
        sessions, info = pickle.loads(args.cache.read_bytes())
        info = info | {"seconds": {"loaded from cache": 0.0}}
    else:
        sessions, info = build_sessions(args.scenario, args.seed, args.day)
        if args.cache:
            args.cache.write_bytes(pickle.dumps((sessions, info)))
    stages = {k: round(v, 1) for k, v in info["seconds"].items()}
    print(json.dumps({"scenario": args.scenario.name, "seed": args.seed, "stages_s": stages}))
    params = info["params"]
    began = time.perf_counter()
    smallest = min(sessions, key=lambda s: s[1].num_visits)[1]
    solve_rounds(smallest, replace(params, engine="insertion", time_limit_s=0.0))
    warm_up = {"numba_load_or_compile_s": round(time.perf_counter() - began, 1)}
    print(json.dumps(warm_up), flush=True)
    chosen = sorted(sessions, key=lambda s: -s[1].num_visits)[: args.top]
    if args.sizes:
        chosen = [min(sessions, key=lambda s: abs(s[1].num_visits - size)) for size in args.sizes]
    for name, problem in chosen:
        row = _describe(name, problem)
        limit = args.time_limit
        if args.per_visit:
            limit = args.per_visit * problem.num_visits
        row["time_limit_s"] = round(limit, 1)
        if "insertion" in args.engines:
            print(json.dumps(row | run_insertion(problem, params, limit)), flush=True)
        if "ortools" in args.engines and args.baseline_cap > 0:
            result = run_ortools(problem, params, limit, args.baseline_cap)
            print(json.dumps(row | result), flush=True)


if __name__ == "__main__":
    main()
