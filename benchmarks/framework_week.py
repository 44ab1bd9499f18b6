r"""The framework model's week alone through ``solve_week``: seconds, unassigned, peak memory.

The rounds stage of the comparison without the neighbourhoods and the consortium's carer
allocation, for the model that holds the largest sessions (a city framework provider's). Prints
one JSON line: sessions, visits, unassigned, checker findings, the setup's and the week's
seconds, and the peak memory of the setup and of the week (this process and its workers
together, summed proportional set sizes; and this process's own resident peak):

    python benchmarks/framework_week.py                      # examples/rutland_dense.toml
    python benchmarks/framework_week.py --budget 75 --days 7

``--budget`` defaults to half the scenario's time budget: the framework's share of a
comparison of two models with as many visits each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
sys.path.append(str(_HERE))  # after the checkout: for _memory only

from _memory import MemorySampler  # noqa: E402

from roster.commissioning.models import framework  # noqa: E402
from roster.commissioning.week import solve_week  # noqa: E402
from roster.comparison.run import load_networks, rounds_params  # noqa: E402
from roster.data import RUTLAND_PBF  # noqa: E402
from roster.demand.generate import generate_area  # noqa: E402
from roster.geo.locations import locate  # noqa: E402
from roster.scenario import load_scenario  # noqa: E402

DENSE = _HERE.parent / "examples" / "rutland_dense.toml"


def main() -> None:
    """Generate the area, solve its framework week, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=DENSE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, help="days from Monday (default: the scenario's)")
    parser.add_argument("--budget", type=float, help="seconds of search (default: half)")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    config = scenario.comparison
    memory = MemorySampler()
    began = time.perf_counter()
    networks = load_networks(RUTLAND_PBF, council=scenario.area)
    generated = generate_area(scenario, RUTLAND_PBF, args.seed, network=networks["drive"])
    instance = generated.instance
    snapped = {"drive": generated.snapped}
    locations = locate(instance, networks, scenario.area.max_snap_m, snapped)
    setup_s, setup_gb = time.perf_counter() - began, memory.peak_gb
    memory.reset()
    budget = args.budget if args.budget is not None else config.time_budget_s / 2
    solved = solve_week(
        instance,
        [framework(instance)],
        locations,
        rounds_params(scenario),
        days=range(args.days or config.days),
        time_budget_s=budget,
        workers=config.workers,
        max_daily_working_s=round(config.max_daily_working_h * 3600),
    )
    week_s = memory.now_s()
    visits = sum(s.problem.num_visits for s in solved)
    unassigned = sum(len(s.rounds.unassigned) for s in solved)
    row = {
        "scenario": str(args.scenario),
        "seed": args.seed,
        "sessions": len(solved),
        "visits": visits,
        "unassigned": unassigned,
        "unassigned_share": round(unassigned / max(1, visits), 4),
        "checker_violations": sum(len(s.violations) for s in solved),
        "budget_s": budget,
        "workers": config.workers,
        "setup_s": round(setup_s, 1),
        "week_s": round(week_s, 1),
        "setup_peak_gb": round(setup_gb, 2),
        "week_peak_gb": {
            "run": round(memory.peak_gb, 2),
            "run_at_s": round(memory.peak_at_s),
            "main": round(memory.main_gb, 2),
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    memory.stop()
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
