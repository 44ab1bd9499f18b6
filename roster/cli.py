"""Command-line entry point ``roster``: parses arguments, sets up logging, calls the library."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import math
import os
import re
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from neighbourhoods.errors import BoundaryError
from roster.commissioning.placement import CALL_DURATION_S, CALL_TOLERANCE_S
from roster.data import RUTLAND_PBF
from roster.errors import InputError
from roster.geo.matrix import travel_matrix
from roster.geo.network import CLIP_BUFFER_M, is_osm_file, load_network
from roster.geo.snapping import snap_points
from roster.io import OutputFolder
from roster.model import TRAVEL_MODES
from roster.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from roster.comparison.summary import Summary

logger = logging.getLogger("roster")

#: What ``--area`` takes, for every command that reads an area.
AREA_HELP = (
    'OSM extract (.osm.pbf/.osm/.osm.bz2), or a place name such as "Leeds, England" whose '
    "roads, buildings and places are downloaded once (needs internet) and cached; default: the "
    "embedded Rutland extract"
)

#: The settings an option falls back to when neither it nor a scenario file gives one.
DEFAULTS = Scenario()

# Rutland's towns and larger villages (centre points), for a sample matrix a person can judge.
RUTLAND_PLACES = {
    "Oakham": (-0.7266, 52.6705),
    "Uppingham": (-0.7234, 52.5886),
    "Ketton": (-0.5536, 52.6280),
    "Cottesmore": (-0.6661, 52.7136),
    "Empingham": (-0.5960, 52.6662),
}


def _network_command(args: argparse.Namespace) -> None:
    """Build (or load) the road network and print its size and a sample matrix."""
    area = args.area or RUTLAND_PBF
    clip, rutland = None, args.area is None
    if args.council:
        from roster.demand.census import council_clip

        council = _scenario(args).area
        clip, rutland = council_clip(council), rutland and council.code == DEFAULTS.area.code
    for mode in args.modes:
        started = time.perf_counter()
        network = load_network(area, mode, cache_dir=args.cache_dir, clip=clip)
        print(f"{network.describe()} ({time.perf_counter() - started:.1f} s)")
        if not rutland:  # Rutland's towns are not on this network: five of its nodes instead
            names = [f"node {i}" for i in range(5)]
            picks = np.linspace(0, network.n_nodes - 1, 5).astype(int)
            lon, lat = network.node_lon[picks], network.node_lat[picks]
        else:
            names = list(RUTLAND_PLACES)
            lon, lat = np.array(list(RUTLAND_PLACES.values())).T
        max_snap_m = _given(args.max_snap_m, DEFAULTS.area.max_snap_m)
        points = snap_points(network, lon, lat, ids=names, max_distance_m=max_snap_m)
        matrix = travel_matrix(network, points)
        print(f"{mode} travel time, minutes (row to column):")
        width = max(len(name) for name in names) + 2
        print(" " * width + "".join(f"{name[:10]:>11}" for name in names))
        for name, row in zip(names, matrix.travel_time_s, strict=True):
            print(f"{name:<{width}}" + "".join(f"{value / 60:>11.1f}" for value in row))


def _scenario(args: argparse.Namespace) -> Scenario:
    """Load the scenario and apply ``--council`` and ``--study-area`` to its area."""
    from roster.demand.census import resolve_council

    scenario = load_scenario(getattr(args, "scenario", None))
    area = scenario.area
    if getattr(args, "council", None):
        code, name = resolve_council(args.council, area.lad_names)
        logger.info("council %s (%s)", name, code)
        area = dataclasses.replace(area, code=code)
        if scenario.name == DEFAULTS.name and code != DEFAULTS.area.code:
            scenario = dataclasses.replace(scenario, name=name.split(",")[0].lower())
    if getattr(args, "study_area", None):
        area = dataclasses.replace(area, study_area=tuple(args.study_area))
        scenario = dataclasses.replace(scenario, name=f"{scenario.name} (study area)")
    return dataclasses.replace(scenario, area=area)


def _extract(args: argparse.Namespace) -> str | None:
    """Return ``--area`` when it is a file (an input the output folder must not hold)."""
    return args.area if args.area and is_osm_file(args.area) else None


def _drive_network(area: str | os.PathLike[str], scenario: Scenario, cache_dir: str | None):
    """Load the drive network of an extract clipped to the scenario's council."""
    from roster.demand.census import council_clip

    return load_network(area, "drive", cache_dir=cache_dir, clip=council_clip(scenario.area))


def _generate_command(args: argparse.Namespace) -> None:
    """Generate recipients, visits, carers and providers for an area and write them."""
    from roster.demand.generate import generate_area, write_area

    scenario = _scenario(args)
    folder = OutputFolder.check(args.out, force=args.force, inputs=(args.scenario, _extract(args)))
    generated = generate_area(scenario, args.area or RUTLAND_PBF, args.seed, args.cache_dir)
    with folder.writing(_manifest(args, [args.seed])) as temporary:
        files = write_area(generated, temporary)
    summary = generated.summary
    print(
        f"{summary['area']['name']} ({summary['area']['code']}): {summary['recipients']} "
        f"recipients, {summary['visits_per_week']} visits a week, {summary['carers']} carers, "
        f"{summary['providers']} providers"
    )
    for name, value in summary["fragmentation"].items():
        print(f"  {name}: {value}")
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")


def _neighbourhoods_command(args: argparse.Namespace) -> None:
    """Generate neighbourhoods (or evaluate drawn ones) and write polygons and a quality table."""
    from roster.commissioning.neighbourhood_plan import plan_neighbourhoods, write_quality_table
    from roster.demand.generate import generate_area
    from roster.io import read_recipients, write_polygons

    area = args.area or RUTLAND_PBF
    scenario = _scenario(args)
    inputs = (args.recipients, args.boundaries, args.scenario, _extract(args))
    folder = OutputFolder.check(args.out, force=args.force, inputs=inputs)
    network = _drive_network(area, scenario, args.cache_dir)
    if args.recipients:
        instance = read_recipients(args.recipients)
    else:
        instance = generate_area(scenario, area, args.seed, args.cache_dir, network).instance
    plan = plan_neighbourhoods(
        instance,
        network,
        target=_given(args.target, scenario.comparison.neighbourhood_size),
        tolerance=_given(args.tolerance, scenario.comparison.neighbourhood_tolerance),
        seed=args.seed,
        boundaries=args.boundaries,
        balance_hours=scenario.comparison.balance_hours,
    )
    with folder.writing(_manifest(args, [args.seed])) as out:
        files = [
            write_polygons(plan.polygons, out / "neighbourhoods.geojson"),
            write_polygons(plan.polygons, out / "neighbourhoods.gpkg"),
            *write_quality_table(plan, out),
        ]
    print(plan.method)
    print(f"{'':26}{'neighbourhoods':>16}{'k-means':>10}")
    ours, kmeans = plan.quality.summary(), plan.baseline.summary()
    for key in (
        "neighbourhoods",
        "size_min",
        "size_max",
        "contiguous",
        "mean_internal_s",
        "p95_internal_s",
        "diameter_s",
    ):
        print(f"{key:26}{ours[key]!s:>16}{kmeans[key]!s:>10}")
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")


def _manifest(args: argparse.Namespace, seeds: list[int]) -> dict[str, object]:
    """Return what ``manifest.json`` records besides the files: seeds, command and version."""
    from roster import __version__

    return {
        "command": ["roster", *args.argv],
        "seed": seeds[0],
        "seeds": seeds,
        "version": __version__,
    }


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """Return an option type for a whole number in ``low..high``."""
    span = f">= {low}" if high is None else f"from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is not a whole number {span}")
        return value

    return parse


def _number(low: float, *, above: bool = False, below: float | None = None) -> Callable:
    """Return an option type for a finite number ``>= low`` (``> low``), below ``below``."""
    span = f"{'>' if above else '>='} {low:g}" + ("" if below is None else f" and < {below:g}")

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        too_low = value <= low if above else value < low
        if not math.isfinite(value) or too_low or (below is not None and value >= below):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number {span}")
        return value

    return parse


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with code 2."""

    def error(self, message: str) -> None:
        """Print the message on one line and exit with code 2."""
        self.exit(2, f"roster: error: {message} (see {self.prog} --help)\n")


def _given(value: float | None, default: float) -> float:
    """Return an option's value, or the scenario's when the option was not given."""
    return default if value is None else value


#: Progress bars still open, closed before an error or interruption is reported.
_BARS: list = []


def _progress_bars(description: str, total: int):
    """Return a callback advancing a tqdm progress bar (closed when it reaches the total)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="visit", leave=True)
    _BARS.append(bar)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= bar.total:
            bar.close()

    return advance


def _compare_command(args: argparse.Namespace) -> None:
    """Run the framework vs consortium comparison and write its outputs."""
    from roster.comparison.run import load_networks, replace_comparison, run_seed
    from roster.comparison.summary import summarise
    from roster.report.files import write_outputs

    scenario = _scenario(args)
    changes = {
        key: value
        for key, value in (
            ("days", args.days),
            ("time_budget_s", args.time_budget),
            ("budget_check", args.budget_check),
            (
                "continuity_weights",
                tuple(args.continuity_weights) if args.continuity_weights else None,
            ),
            ("workers", args.workers),
            ("boundaries", args.boundaries),
            ("carers_needed", args.carers_needed or None),
            ("flexibility_sweep", args.flexibility_sweep or None),
        )
        if value is not None
    }
    scenario = replace_comparison(scenario, **changes)
    config = scenario.comparison
    inputs = (args.scenario, config.instance, config.boundaries, _extract(args))
    folder = OutputFolder.check(args.out, force=args.force, inputs=inputs)
    area = args.area or RUTLAND_PBF
    started = time.perf_counter()
    networks = load_networks(area, args.cache_dir, scenario.area)
    logger.info("stage networks done in %.1f s", time.perf_counter() - started)
    seeds = [args.seed + k for k in range(args.seeds)]
    runs = []
    for seed in seeds:
        logger.info("seed %d of %d (%d)", len(runs) + 1, len(seeds), seed)
        # The budget check and the continuity trade-off re-solve the first seed only.
        settings = (
            replace_comparison(scenario, budget_check=0.0, continuity_weights=())
            if runs
            else scenario
        )
        runs.append(
            run_seed(
                settings, area, networks, seed, progress=_progress_bars, cache_dir=args.cache_dir
            )
        )
    sweep = None
    if config.flexibility_sweep:
        from roster.comparison.flexibility import flexibility_sweep

        logger.info("flexibility sweep: seed %d at each flexibility level", seeds[0])
        sweep = flexibility_sweep(
            scenario, area, networks, seeds[0], progress=_progress_bars, cache_dir=args.cache_dir
        )
    summary = summarise(scenario, runs, flexibility=sweep)
    with folder.writing(_manifest(args, seeds)) as temporary:
        files = write_outputs(temporary, summary, runs)
    _print_summary(summary)
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")
    print(f"total {time.perf_counter() - started:.0f} s")


def _rounds_command(args: argparse.Namespace) -> None:
    """Roster one provider's or consortium's week from an instance, with no comparison."""
    from roster.comparison.metrics import CostSettings
    from roster.comparison.run import load_networks
    from roster.comparison.week_rounds import roster_week
    from roster.io import read_instance
    from roster.report.rounds_files import write_rounds_outputs

    scenario = _scenario(args)
    config = scenario.comparison
    folder = OutputFolder.check(
        args.out, force=args.force, inputs=(args.instance, args.scenario, _extract(args))
    )
    started = time.perf_counter()
    instance = read_instance(args.instance)
    area = args.area or RUTLAND_PBF
    networks = load_networks(area, args.cache_dir, scenario.area)
    budget = _given(args.time_budget, config.time_budget_s)
    week = roster_week(
        instance,
        networks,
        scenario.rounds,
        CostSettings.from_config(config, scenario.rounds),
        days=range(args.days or config.days),
        pooling=args.pooling,
        time_budget_s=budget or None,
        workers=args.workers or config.workers,
        max_snap_m=scenario.area.max_snap_m,
        max_daily_working_s=round(config.max_daily_working_h * 3600),
        progress=_progress_bars,
    )
    with folder.writing({"command": "rounds", "argv": args.argv}) as temporary:
        files = write_rounds_outputs(temporary, week)
    m = week.metrics
    print(
        f"{m.visits} visits: {m.visits_unassigned} unassigned "
        f"({m.visits_unassigned / max(1, m.visits):.1%}); travel {m.travel_time_s / 3600:.1f} h "
        f"({m.travel_share:.1%} of travel and contact); {m.continuity_mean_carers:.2f} carers per "
        f"recipient (90th percentile {m.continuity_p90_carers:g}); {m.carers_used} carers used, "
        f"{m.carers_over_contract} over contract; checker: {m.checker_violations} broken rule(s)"
    )
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")
    print(f"total {time.perf_counter() - started:.0f} s")


def _place_command(args: argparse.Namespace) -> None:
    """Say where a new package fits in a finished run's rounds, and from which day."""
    import json

    from roster.commissioning.placement import (
        Package,
        neighbourhood_of,
        parse_calls,
        place_package,
        placement_table,
        read_finished_run,
    )
    from roster.io import atomic_path
    from roster.model import DAYS

    started = time.perf_counter()
    skills = frozenset(s.strip() for s in re.split(r"[;,]", args.skills or "") if s.strip())
    day = args.from_day.strip().capitalize()[:3]
    if day not in DAYS:
        raise InputError(f"{args.from_day!r} is not a day Mon..Sun.", field="--from")
    package = Package(
        args.lon,
        args.lat,
        parse_calls(args.calls, round(args.duration * 60)),
        2 if args.double_handed else 1,
        skills,
        args.gender,
        round(args.tolerance * 60),
        DAYS.index(day),
    )
    run = read_finished_run(args.out, args.cache_dir)
    placement = place_package(run, package, neighbourhood_of(args.out, args.lon, args.lat))
    seconds = round(time.perf_counter() - started, 2)
    data = {**placement.to_json(), "seconds": seconds}
    path = Path(args.json or Path(args.out) / "placement.json")
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    days = placement.days_modelled
    print(
        f"new package at {args.lon:.5f}, {args.lat:.5f} (neighbourhood "
        f"{placement.neighbourhood}): {len(package.calls)} call(s) a day"
        f"{', double-handed' if package.carers_required == 2 else ''}; "
        f"the run rostered {days} day(s) from Monday"
    )
    for line in placement_table(placement):
        print(line)
    print(f"wrote {path} ({seconds:.1f} s)")


def _sweep_command(args: argparse.Namespace) -> int:
    """Run a sweep's cells on a Dask cluster and write its table, chart and page."""
    import dask
    from distributed import Client, LocalCluster
    from tqdm import tqdm

    from roster.comparison.sweep import read_sweep, run_sweep
    from roster.report.sweep_files import write_sweep_outputs

    sweep = read_sweep(args.file, RUTLAND_PBF)
    started = time.perf_counter()
    with dask.config.set({"distributed.worker.daemon": False}):  # cells may start processes
        if args.scheduler:
            cluster, client = None, Client(args.scheduler)
        else:
            cluster = LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            client = Client(cluster)
        try:
            with tqdm(total=len(sweep.cells), desc=f"sweep {sweep.name}", unit="cell") as bar:
                outcome = run_sweep(sweep, args.out, client, args.cache_dir, progress=bar.update)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    files = write_sweep_outputs(args.out, sweep.name, outcome.results)
    print(
        f"{len(sweep.cells)} cells: {outcome.skipped} finished before, {outcome.ran} run now, "
        f"{len(outcome.failed)} failed ({time.perf_counter() - started:.0f} s)"
    )
    for cell, error in outcome.failed:
        print(f"  failed: {cell.council.council}, {cell.variant}, seed {cell.seed}: {error}")
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")
    return 1 if outcome.failed else 0


def _studio_command(args: argparse.Namespace) -> int:
    """Serve the boundary studio on 127.0.0.1 until Ctrl-C."""
    from roster.comparison.run import replace_comparison
    from roster.studio.server import Studio, address, make_server
    from roster.studio.workspace import prepare

    scenario = _scenario(args)
    if args.instance:
        scenario = replace_comparison(scenario, instance=args.instance)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError("The output folder is a file; give a folder.", file=args.out)
    area = args.area or RUTLAND_PBF
    started = time.perf_counter()
    network = _drive_network(area, scenario, args.cache_dir)
    workspace = prepare(scenario, area, args.seed, network, args.cache_dir)
    studio = Studio(workspace, out, cache_dir=args.cache_dir)
    server = make_server(studio, args.port)
    print(
        f"{workspace.scenario.name}: {workspace.arrays.n} recipients, "
        f"{len(workspace.generated.names)} generated neighbourhoods "
        f"(ready in {time.perf_counter() - started:.0f} s); plans and runs go to {out}"
    )
    print("Open the studio in a browser on this machine (Ctrl-C stops it):")
    print(f"    {address(server, studio)}", flush=True)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a kill stops the comparisons too, as Ctrl-C does
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("roster: stopping the studio", file=sys.stderr)
    finally:
        server.server_close()
        studio.close()
    return 0


def _print_summary(summary: Summary) -> None:
    """Print the headline figures of a comparison as a small table."""
    rows = [
        ("visits", "visits", "{:,.0f}"),
        ("unassigned visits", "visits_unassigned", "{:,.0f}"),
        ("travel (hours)", "travel_time_s", "{:,.0f}"),
        ("travel share of working time", "travel_share", "{:.1%}"),
        ("travel per carer visit (min)", "travel_per_visit_s", "{:.1f}"),
        ("mileage cost (GBP)", "mileage_cost_gbp", "{:,.0f}"),
        ("CO2 (kg)", "co2_kg", "{:,.0f}"),
        ("carers used", "carers_used", "{:,.0f}"),
        ("distinct carers per recipient", "continuity_mean_carers", "{:.2f}"),
    ]
    scale = {"travel_time_s": 1 / 3600, "travel_per_visit_s": 1 / 60}
    print(f"\n{summary.area}: {summary.days} day(s), seed {summary.seed}")
    print(f"{'':32}" + "".join(f"{name:>12}" for name in summary.models))
    for label, name, form in rows:
        values = [getattr(m, name) * scale.get(name, 1) for m in summary.models.values()]
        print(f"{label:32}" + "".join(f"{form.format(v):>12}" for v in values))
    served = summary.served_comparison
    if summary.qualified and served is not None:
        f, c = served.framework, served.consortium
        print(
            f"{'travel per served carer visit (min)':32}"
            f"{f.travel_per_carer_visit_s / 60:>12.1f}{c.travel_per_carer_visit_s / 60:>12.1f}"
        )
        print(
            f"{'travel, unserved priced (hours)':32}"
            f"{f.travel_priced_s / 3600:>12,.0f}{c.travel_priced_s / 3600:>12,.0f}"
        )
    saved = -summary.difference.travel_time_relative
    qualifier = " (not like for like: see the caveats)" if summary.qualified else ""
    print(f"travel saved by neighbourhood commissioning: {saved:.1%}{qualifier}")
    if summary.qualified and served is not None:
        print(
            "  with each model's unserved visits priced at its mean travel per visit: "
            f"{-served.travel_priced_relative:.1%}"
        )
    for caveat in summary.caveats or ():
        print(f"caveat: {caveat.message}")
    interval = summary.uncertainty.get("travel_time_relative")
    if interval:
        low, high = interval.difference_ci
        print(f"  95% interval over {len(summary.seeds)} seeds: {-high:.1%} to {-low:.1%}")
    if summary.budget_check is not None:
        print(f"budget check: {summary.budget_check.sentence()}")
    for level in summary.flexibility or ():
        print(f"flexibility: {level.sentence()}")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for the ``roster`` command."""
    parser = _Parser(
        prog="roster",
        description="Homecare neighbourhood rostering: road networks, rounds and comparisons.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    comparison = DEFAULTS.comparison
    commands = parser.add_subparsers(dest="command", required=True)

    def add_network_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--area", help="OSM extract (.osm.pbf/.osm/.osm.bz2) or a place name (needs internet)"
        )
        command.add_argument("--modes", nargs="+", choices=TRAVEL_MODES, default=list(TRAVEL_MODES))
        command.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
        command.add_argument(
            "--max-snap-m",
            type=_number(0, above=True),
            help="farthest a place may lie from the road network, in metres "
            f"(default {DEFAULTS.area.max_snap_m:g})",
        )

    network = commands.add_parser(
        "network", help="build the road network and print its size and a sample travel matrix"
    )
    add_network_options(network)
    network.add_argument(
        "--council",
        help="clip the roads to this council (name or ONS code) plus "
        f"{CLIP_BUFFER_M / 1000:g} km, as the other commands do (default: the whole extract)",
    )
    network.set_defaults(run=_network_command)

    def add_council_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--council",
            help="council by name (any case) or ONS code, e.g. Leeds or E08000035: its census "
            "and boundaries come from the shipped England and Wales data (default: the "
            "scenario's, Rutland)",
        )
        command.add_argument(
            "--study-area",
            nargs="+",
            metavar="MSOA_OR_FILE",
            help="study just part of the council: MSOA codes or names, a polygon file "
            "(GeoJSON/GeoPackage; census scaled by area), or 'extract' for what the OSM "
            "extract covers",
        )

    def add_force(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--force",
            action="store_true",
            help="replace the output folder if it is not empty (by default it is refused)",
        )

    def add_rostering(command: argparse.ArgumentParser, budget: str) -> None:
        """Days, time budget and workers: what a week of rounds needs to be told."""
        command.add_argument(
            "--days",
            type=_whole(1, 7),
            help=f"days rostered from Monday (default: the scenario's, {comparison.days})",
        )
        command.add_argument(
            "--time-budget",
            type=_number(0),
            help=f"seconds of rostering search {budget} "
            f"(default: the scenario's, {comparison.time_budget_s:g}; 0: the [rounds] limits)",
        )
        command.add_argument(
            "--workers",
            type=_whole(1),
            help=f"parallel searches (default: the scenario's, {comparison.workers})",
        )

    def add_compare_options(command: argparse.ArgumentParser, out_default: str | None) -> None:
        command.add_argument("--out", required=out_default is None, default=out_default)
        add_force(command)
        command.add_argument("--seed", type=_whole(0), default=1, help="first seed (default 1)")
        command.add_argument(
            "--seeds", type=_whole(1), default=1, help="number of seeds (default 1)"
        )
        add_rostering(command, "per seed")
        command.add_argument(
            "--budget-check",
            type=_number(1, above=True),
            metavar="MULTIPLE",
            help="also re-solve the first seed's rounds at MULTIPLE x the time budget (e.g. 4) "
            "and report how far travel and the saving move",
        )
        command.add_argument(
            "--continuity-weights",
            type=_whole(0),
            nargs="+",
            metavar="SECONDS",
            help="also re-solve the first seed's rounds at these continuity weights (e.g. 0 "
            "600 2400) and chart travel against distinct carers per recipient in the report",
        )
        command.add_argument("--boundaries", help="a commissioner's neighbourhood polygons")
        command.add_argument(
            "--carers-needed",
            action="store_true",
            help="minimise carers used in each search, to compare how many each model needs",
        )
        command.add_argument(
            "--flexibility-sweep",
            action="store_true",
            help="also run the first seed with care-plan times at strict, usual and flexible "
            "tolerances (three more comparisons), for the report",
        )
        command.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")

    demo = commands.add_parser(
        "demo", help="compare framework and neighbourhood commissioning on embedded Rutland"
    )
    add_compare_options(demo, "out")
    demo.set_defaults(run=_compare_command, scenario=None, area=None)

    neighbourhoods = commands.add_parser(
        "neighbourhoods",
        help=f"split recipients into ~{comparison.neighbourhood_size:g}-recipient "
        "neighbourhoods, or evaluate drawn boundaries",
    )
    neighbourhoods.add_argument(
        "--recipients",
        help="recipients CSV/GeoJSON, or an instance folder/GeoPackage (visits give care hours); "
        "default: generate the scenario",
    )
    neighbourhoods.add_argument("--boundaries", help="a commissioner's polygons to evaluate")
    neighbourhoods.add_argument(
        "--target",
        type=_number(0, above=True),
        help=f"recipients each (default: the scenario's, {comparison.neighbourhood_size:g})",
    )
    neighbourhoods.add_argument(
        "--tolerance",
        type=_number(0, below=1),
        help="allowed relative deviation from the target "
        f"(default: the scenario's, {comparison.neighbourhood_tolerance:g})",
    )
    neighbourhoods.add_argument("--area", help=AREA_HELP)
    neighbourhoods.add_argument(
        "--scenario",
        help="scenario TOML: the recipients generated, neighbourhood size and tolerance",
    )
    add_council_options(neighbourhoods)
    neighbourhoods.add_argument("--seed", type=_whole(0), default=1)
    neighbourhoods.add_argument("--out", required=True, help="output folder")
    add_force(neighbourhoods)
    neighbourhoods.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    neighbourhoods.set_defaults(run=_neighbourhoods_command)

    compare = commands.add_parser(
        "compare", help="compare framework and neighbourhood commissioning for any area"
    )
    compare.add_argument("--scenario", help="scenario TOML (default: Rutland defaults)")
    compare.add_argument("--area", help=AREA_HELP)
    add_council_options(compare)
    add_compare_options(compare, None)
    compare.set_defaults(run=_compare_command)

    rounds = commands.add_parser(
        "rounds",
        help="roster one provider's or consortium's week from an instance, with no comparison",
    )
    rounds.add_argument(
        "--instance",
        required=True,
        help="instance folder (CSV) or GeoPackage, e.g. the instance/ folder roster demo writes",
    )
    rounds.add_argument("--area", help=AREA_HELP)
    rounds.add_argument(
        "--council",
        help="the council the homes are in (name or ONS code): the roads are clipped to it plus "
        f"{CLIP_BUFFER_M / 1000:g} km (default: the scenario's, Rutland)",
    )
    rounds.add_argument("--scenario", help="scenario TOML ([rounds] and [comparison] settings)")
    rounds.add_argument("--out", required=True)
    add_force(rounds)
    add_rostering(rounds, "in all")
    rounds.add_argument(
        "--pooling",
        choices=("providers", "one"),
        default="providers",
        help="each provider rosters its own clients (default), or one pool for everyone "
        "(a consortium's week)",
    )
    rounds.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    rounds.set_defaults(run=_rounds_command)

    place = commands.add_parser(
        "place",
        help="where a new package fits in a finished run's rounds, and from which day",
    )
    place.add_argument("--out", required=True, help="the folder of a finished demo or compare run")
    place.add_argument("--lon", type=float, required=True, help="the recipient's home")
    place.add_argument("--lat", type=float, required=True)
    place.add_argument(
        "--calls", required=True, help='daily calls, e.g. "08:00/30,12:30/30,17:00/30" (HH:MM/min)'
    )
    place.add_argument(
        "--duration",
        type=float,
        default=CALL_DURATION_S / 60,
        help=f"minutes of a call given without /min (default {CALL_DURATION_S // 60})",
    )
    place.add_argument("--double-handed", action="store_true", help="two carers every call")
    place.add_argument("--skills", help='skills each carer needs, e.g. "hoist;medication"')
    place.add_argument("--gender", choices=("female", "male"), help="carer gender preference")
    place.add_argument(
        "--tolerance",
        type=float,
        default=CALL_TOLERANCE_S / 60,
        help=f"minutes a call may start either side of its time (default {CALL_TOLERANCE_S // 60})",
    )
    place.add_argument("--from", dest="from_day", default="Mon", help="first day (default Mon)")
    place.add_argument("--json", help="where to write the answer (default OUT/placement.json)")
    place.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    place.set_defaults(run=_place_command)

    generate = commands.add_parser(
        "generate", help="generate recipients, visits, carers and providers for an area"
    )
    generate.add_argument("--area", help=AREA_HELP)
    generate.add_argument("--scenario", help="scenario TOML (default: Rutland defaults)")
    add_council_options(generate)
    generate.add_argument("--seed", type=_whole(0), required=True, help="random seed")
    generate.add_argument("--out", required=True, help="output folder")
    add_force(generate)
    generate.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    generate.set_defaults(run=_generate_command)

    sweep = commands.add_parser(
        "sweep", help="run many comparisons (seeds x scenario changes x councils) on Dask"
    )
    sweep.add_argument("file", help="sweep TOML: seeds, [grid] of changes, [[council]] tables")
    sweep.add_argument("--out", required=True, help="output folder (finished cells are kept)")
    sweep.add_argument(
        "--scheduler", help="address of an existing Dask scheduler (default: a LocalCluster)"
    )
    sweep.add_argument(
        "--workers", type=int, default=2, help="LocalCluster worker processes (default 2)"
    )
    sweep.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    sweep.set_defaults(run=_sweep_command)

    studio = commands.add_parser(
        "studio",
        help="a local web page to draw, check, save and compare neighbourhood plans",
    )
    studio.add_argument("--area", help=AREA_HELP)
    studio.add_argument("--scenario", help="scenario TOML (default: Rutland defaults)")
    add_council_options(studio)
    studio.add_argument(
        "--instance", help="real instance files (folder or GeoPackage) instead of generating"
    )
    studio.add_argument("--seed", type=_whole(0), default=1, help="seed of the generated instance")
    studio.add_argument(
        "--port", type=_whole(0, 65535), default=0, help="port on 127.0.0.1 (default: any free one)"
    )
    studio.add_argument(
        "--out", default="studio", help="folder for saved plans and runs (default studio)"
    )
    studio.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    studio.set_defaults(run=_studio_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``roster`` command; return the exit code.

    0 on success; 2 with one line for bad input (options, files, scenario, output folder);
    130 with one line on Ctrl-C (nothing is written); 1 with one line and the path of a log
    file holding the traceback for anything else, which is a bug.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        code = args.run(args)
    except (InputError, BoundaryError) as error:
        _close_bars()
        print(f"roster: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the exit
        _close_bars()
        print("roster: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: keep the traceback, show one line
        _close_bars()
        log = _write_crash_log(argv)
        print(
            f"roster: internal error ({type(error).__name__}: {error}); the traceback is in {log}",
            file=sys.stderr,
        )
        return 1
    return code or 0


def _close_bars() -> None:
    """Close open progress bars, so that the message printed next is the last line."""
    while _BARS:
        _BARS.pop().close()


def _write_crash_log(argv: Sequence[str]) -> Path:
    """Write the current exception's traceback, with the command line, to a log file."""
    handle, name = tempfile.mkstemp(prefix="roster-error-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as log:
        log.write("roster " + " ".join(argv) + "\n\n" + traceback.format_exc())
    return Path(name)


if __name__ == "__main__":
    sys.exit(main())
