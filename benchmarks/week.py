r"""The comparison's week as a user runs it: the default engine, a baseline, budget sensitivity.

Runs the whole comparison (generation, matrices, neighbourhoods, both models' rounds) for each
seed with the scenario's settings as they are (the product), and in the same invocation the
variants asked for: ``--baseline`` the plain OR-Tools path (``[rounds] engine = "ortools"``),
``--budget-multiples 1 4`` the same seed at several multiples of the default time budget.
Prints one JSON line per run: each model's travel hours and unassigned visits (and share), the
headline saving, checker findings, each stage's seconds, end-to-end seconds and peak memory:
the whole run's (this process and every process under it together, sampled every second as
the sum of their proportional set sizes, so pages they share count once), and the peak
resident memory of this process and of its largest solver worker:

    python benchmarks/week.py --seeds 1 2 3 4 5 --baseline
    python benchmarks/week.py --seeds 1 --budget-multiples 1 4
    python benchmarks/week.py --scenario examples/rutland_dense.toml --seeds 1
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import time
from pathlib import Path

# Run as a script, this folder leads sys.path and benchmarks/neighbourhoods.py would hide the
# package; the checkout's roster comes first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
sys.path.append(str(_HERE))  # after the checkout: for _memory only

from _memory import MemorySampler  # noqa: E402

from roster.comparison.run import load_networks, replace_comparison, run_seed  # noqa: E402
from roster.comparison.stability import saving  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.scenario import Scenario, load_scenario  # noqa: E402


def variants(scenario: Scenario, baseline: bool, multiples: list[float]) -> list[tuple]:
    """Return (name, scenario) pairs: the product at each budget multiple, then the baseline."""
    budget = scenario.comparison.time_budget_s
    runs = []
    for multiple in multiples:
        name = "default" if multiple == 1 else f"default x{multiple:g} budget"
        runs.append((name, replace_comparison(scenario, time_budget_s=budget * multiple)))
    if baseline:
        rounds = dataclasses.replace(scenario.rounds, engine="ortools")
        runs.append(("ortools baseline", dataclasses.replace(scenario, rounds=rounds)))
    return runs


def figures(name: str, seed: int, run, seconds: float, memory: MemorySampler) -> dict:
    """Describe one run."""
    models = {}
    for model, m in run.metrics.items():
        models[model] = {
            "travel_h": round(m.travel_time_s / 3600, 1),
            "travel_share": round(m.travel_share, 4),
            "unassigned": m.visits_unassigned,
            "unassigned_share": round(m.visits_unassigned / max(1, m.visits), 4),
            "checker_violations": m.checker_violations,
        }
    peak_gb = {
        "run": round(memory.peak_gb, 2),
        "run_at_s": round(memory.peak_at_s),
        "main": round(memory.main_gb, 2),
        # Of processes ended so far (the largest one), since the benchmark started.
        "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 2),
    }
    return {
        "variant": name,
        "seed": seed,
        "engine": run.params.engine,
        "models": models,
        "saving": round(saving(run.metrics), 4),
        "stage_seconds": {k: round(v, 1) for k, v in run.seconds.items()},
        "seconds": round(seconds, 1),
        "peak_gb": peak_gb,
    }


def main() -> None:
    """Run every seed and variant and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, help="scenario TOML on Rutland's extract")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--days", type=int, help="days from Monday (default: the scenario's)")
    parser.add_argument("--baseline", action="store_true", help="also run engine = 'ortools'")
    parser.add_argument("--budget-multiples", type=float, nargs="+", default=[1.0])
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    if args.days:
        scenario = replace_comparison(scenario, days=args.days)
    memory = MemorySampler()
    began = time.perf_counter()
    networks = load_networks(RUTLAND_PBF)
    seconds = round(time.perf_counter() - began, 1)
    print(json.dumps({"networks_s": seconds, "peak_gb": round(memory.peak_gb, 2)}), flush=True)
    for seed in args.seeds:
        for name, variant in variants(scenario, args.baseline, args.budget_multiples):
            memory.reset()
            began = time.perf_counter()
            run = run_seed(variant, RUTLAND_PBF, networks, seed)
            row = figures(name, seed, run, time.perf_counter() - began, memory)
            row["time_budget_s"] = variant.comparison.time_budget_s
            row["load_average"] = [round(x, 2) for x in os.getloadavg()]
            print(json.dumps(row), flush=True)
    memory.stop()


if __name__ == "__main__":
    main()
