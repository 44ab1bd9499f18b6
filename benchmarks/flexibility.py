r"""What flexibility over visit times is worth on Rutland: each flexibility level, one run.

Each level (``[package] flexibility``: strict, usual, flexible) rosters the comparison's week
with care-plan times on (both models, default settings otherwise, the same seed), and, first,
today's whole-band windows as the baseline measured in the same run (``--no-today`` skips it).
Prints one JSON line per level: each model's travel hours and share of working time, visits
left out (and by band of the day), mean distinct carers per recipient and checker findings:

    PYTHONPATH=. python benchmarks/flexibility.py --days 1
    PYTHONPATH=. python benchmarks/flexibility.py --levels usual --time-budget 150
    PYTHONPATH=. python benchmarks/flexibility.py --days 1 --levels flexible --min-gap 0 --no-today
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

# Run as a script, this folder leads sys.path and benchmarks/neighbourhoods.py would hide the
# package; the checkout's roster comes first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from roster.comparison.flexibility import (  # noqa: E402
    LEVELS,
    FlexibilityLevel,
    flexibility_level,
    flexibility_sweep,
)
from roster.comparison.run import load_networks, replace_comparison, run_seed  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.scenario import load_scenario  # noqa: E402


def _line(level: FlexibilityLevel, min_gap_min: int | None, seconds: float) -> str:
    """Return one level's figures as a JSON line."""
    models = {
        model: {
            "travel_h": round(level.travel_time_s[model] / 3600, 1),
            "travel_share": level.travel_share[model],
            "visits": level.visits[model],
            "unassigned": level.visits_unassigned[model],
            "unassigned_share": round(level.visits_unassigned[model] / level.visits[model], 4),
            "unassigned_by_band": level.unassigned_by_band[model],
            "unassigned_reasons": level.unassigned_reasons.get(model, {}),
            "mean_carers": level.continuity_mean_carers[model],
            "checker_violations": level.checker_violations[model],
        }
        for model in level.travel_time_s
    }
    saving = 1 - level.travel_time_s["consortium"] / level.travel_time_s["framework"]
    return json.dumps(
        {
            "level": level.level,
            "tolerance_min": level.tolerance_min,
            "min_gap_min": min_gap_min,
            **models,
            "saving": round(saving, 4),
            "seconds": round(seconds),
        }
    )


def main() -> None:
    """Run today's windows and each level, printing each one's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", nargs="+", choices=LEVELS, default=list(LEVELS))
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-budget", type=float, default=None, help="default: scenario's")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-today", action="store_true", help="skip the whole-band baseline")
    parser.add_argument(
        "--min-gap", type=int, default=None, help="package.min_gap_min (default: scenario's)"
    )
    args = parser.parse_args()
    changes = {"days": args.days}
    if args.time_budget is not None:
        changes["time_budget_s"] = args.time_budget
    scenario = replace_comparison(load_scenario(), **changes)
    if args.min_gap is not None:
        package = dataclasses.replace(scenario.package, min_gap_min=args.min_gap)
        scenario = dataclasses.replace(scenario, package=package)
    networks = load_networks(RUTLAND_PBF, council=scenario.area)  # clipped, as roster compare
    if not args.no_today:
        started = time.perf_counter()
        run = run_seed(scenario, RUTLAND_PBF, networks, args.seed)
        today = flexibility_level("today (whole band)", scenario, run)
        today = dataclasses.replace(today, tolerance_min={})
        print(_line(today, None, time.perf_counter() - started), flush=True)
    for level in args.levels:
        started = time.perf_counter()
        (found,) = flexibility_sweep(scenario, RUTLAND_PBF, networks, args.seed, (level,))
        gap = scenario.package.min_gap_min
        print(_line(found, gap, time.perf_counter() - started), flush=True)


if __name__ == "__main__":
    main()
