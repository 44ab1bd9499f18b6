r"""Trade-off of travel against continuity of care on Rutland: a few continuity weights, one run.

Each weight (``[rounds] continuity_cost``, seconds of travel per visit by a carer outside the
recipient's team and new to them that week) rosters the same generated week for both models;
the travel-only roster (weight 0, no team, no contract cap: the rounds of ``continuity_cost =
0``) is the baseline, measured first in the same run. Prints one JSON line per run and model
(and appends it to ``--out``): travel hours and its rise over the travel-only roster, mean and
90th percentile distinct carers per recipient, unassigned visits, carers over contract plus
the tolerance, checker findings and the load average:

    python benchmarks/continuity.py --weights 600 1200 2400 --team on off --days 7 \
        --time-budget 150 --out benchmarks/results/continuity.jsonl

A weight of 0 with the hours rule (``--tolerance``) is the capped travel-only roster, run once;
``--team-from rounds homes`` runs each weight with the team from each source.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

# Run as a script, this folder leads sys.path and benchmarks/neighbourhoods.py would hide the
# package; the checkout's roster comes first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from roster.comparison.run import load_networks, replace_comparison, run_seed  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.rounds.params import TEAM_SOURCES  # noqa: E402
from roster.scenario import load_scenario  # noqa: E402


def main() -> None:
    """Run the travel-only roster, then each weight, and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=int, nargs="+", default=[600, 1200, 2400])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-budget", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=0.1, help="weekly_hours_tolerance")
    parser.add_argument(
        "--team",
        choices=("on", "off"),
        nargs="+",
        default=["on"],
        help="continuity_team with each weight (both: every weight with and without)",
    )
    parser.add_argument(
        "--team-from",
        choices=TEAM_SOURCES,
        nargs="+",
        default=["rounds"],
        help="where the teams come from (continuity_team_from); several: each, in one run",
    )
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="append the JSON lines here")
    parser.add_argument(
        "--chart",
        type=Path,
        nargs=2,
        metavar=("JSONL", "SVG"),
        help="only draw a run's lines (JSONL) as the report's trade-off chart (SVG), per "
        "model and team setting, and stop",
    )
    args = parser.parse_args()
    if args.chart:
        draw(*args.chart)
        return
    base = replace_comparison(
        load_scenario(args.scenario) if args.scenario else load_scenario(),
        days=args.days,
        time_budget_s=args.time_budget,
        workers=args.workers,
    )
    networks = load_networks(RUTLAND_PBF, council=base.area)  # clipped, as roster compare
    travel_only = dataclasses.replace(
        base.rounds, continuity_cost=0, continuity_team=False, weekly_hours_tolerance=None
    )
    runs = [("travel only", travel_only)]
    for source in args.team_from:
        for team in args.team:
            for weight in args.weights:
                if weight == 0 and any(r.continuity_cost == 0 for _, r in runs[1:]):
                    continue  # weight 0 has no team: one roster serves every setting
                name = "capped, weight 0" if weight == 0 else f"weight {weight}, team {team}"
                if weight and team == "on" and len(args.team_from) > 1:
                    name += f" from {source}"
                rounds = dataclasses.replace(
                    base.rounds,
                    continuity_cost=weight,
                    continuity_team=team == "on",
                    continuity_team_from=source,
                    weekly_hours_tolerance=args.tolerance,
                )
                runs.append((name, rounds))
    baseline: dict[str, float] = {}
    for name, rounds in runs:
        started = time.perf_counter()
        run = run_seed(dataclasses.replace(base, rounds=rounds), RUTLAND_PBF, networks, args.seed)
        for model, figures in run.metrics.items():
            travel_h = figures.travel_time_s / 3600
            baseline.setdefault(model, travel_h)
            line = json.dumps(
                {
                    "run": name,
                    "weight_s": rounds.continuity_cost,
                    "team": rounds.continuity_team,
                    "team_from": rounds.continuity_team_from if rounds.continuity_team else None,
                    "tolerance": rounds.weekly_hours_tolerance,
                    "model": model,
                    "seed": args.seed,
                    "days": args.days,
                    "time_budget_s": args.time_budget,
                    "travel_h": round(travel_h, 1),
                    "travel_vs_travel_only": round(travel_h / baseline[model] - 1, 4),
                    "travel_share": round(figures.travel_share, 4),
                    "mean_carers": round(figures.continuity_mean_carers, 2),
                    "p90_carers": figures.continuity_p90_carers,
                    "top_two_share": round(figures.top_two_carers_share, 3),
                    "visits": figures.visits,
                    "unassigned": figures.visits_unassigned,
                    "unassigned_share": round(figures.visits_unassigned / figures.visits, 4),
                    "carers_over_contract": figures.carers_over_contract,
                    "checker_violations": figures.checker_violations,
                    "rounds_s": run.seconds.get("rounds"),
                    "wall_s": round(time.perf_counter() - started, 1),
                    "load_1min": round(os.getloadavg()[0], 1),
                }
            )
            print(line, flush=True)
            if args.out is not None:
                with args.out.open("a", encoding="utf-8") as file:
                    file.write(line + "\n")


def draw(lines: Path, svg: Path) -> None:
    """Draw a run's lines as the report's chart: travel against distinct carers, per weight.

    One curve per model and team setting, each starting from the travel-only roster.
    """
    from roster.report.charts import tradeoff_svg

    runs = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    curves: dict[str, list[tuple[int, float, float]]] = {}
    for team in sorted({run["team"] for run in runs if run["weight_s"]}):
        for run in runs:
            if run["weight_s"] == 0 or run["team"] == team:
                name = f"{run['model']}{', team' if team else ''}"
                point = (run["weight_s"], run["mean_carers"], run["travel_h"])
                curves.setdefault(name, []).append(point)
    svg.write_text(tradeoff_svg(curves) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
