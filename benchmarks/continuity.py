r"""Trade-off of travel against continuity of care on Rutland: a few continuity weights, one run.

Each weight (``[rounds] continuity_cost``, seconds of travel per visit by a carer new to the
recipient that week) rosters the same generated week for both models; 0 is the travel-only
roster, the baseline measured in the same run. Prints one JSON line per weight and model:
travel hours and its rise over the travel-only roster, mean and 90th percentile distinct carers
per recipient, unassigned visits and checker findings:

    python benchmarks/continuity.py --weights 0 600 1200 2400 --days 7 --time-budget 60
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

# Run as a script, this folder leads sys.path and benchmarks/neighbourhoods.py would hide the
# package; the checkout's roster comes first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from roster.comparison.run import load_networks, replace_comparison, run_seed  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.scenario import load_scenario  # noqa: E402


def main() -> None:
    """Run each weight and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, nargs="+", default=[0, 600, 1200, 2400])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-budget", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = replace_comparison(load_scenario(), days=args.days, time_budget_s=args.time_budget)
    networks = load_networks(RUTLAND_PBF, council=base.area)  # clipped, as roster compare
    travel_only: dict[str, float] = {}
    for weight in args.weights:
        rounds = dataclasses.replace(base.rounds, continuity_cost=weight)
        run = run_seed(dataclasses.replace(base, rounds=rounds), RUTLAND_PBF, networks, args.seed)
        for model, figures in run.metrics.items():
            travel_h = figures.travel_time_s / 3600
            travel_only.setdefault(model, travel_h)
            print(
                json.dumps(
                    {
                        "weight_s": weight,
                        "model": model,
                        "travel_h": round(travel_h, 1),
                        "travel_vs_first_weight": round(travel_h / travel_only[model] - 1, 4),
                        "mean_carers": round(figures.continuity_mean_carers, 2),
                        "p90_carers": figures.continuity_p90_carers,
                        "unassigned": figures.visits_unassigned,
                        "checker_violations": figures.checker_violations,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
