"""Command-line entry point ``roster``: parses arguments, sets up logging, calls the library."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence

import numpy as np

from roster.datasets import RUTLAND_PBF
from roster.errors import InputError
from roster.generate import generate_area, write_area
from roster.matrix import travel_matrix
from roster.network import TRAVEL_MODES, load_network
from roster.scenario import load_scenario
from roster.snapping import snap_points

logger = logging.getLogger("roster")

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
    for mode in args.modes:
        started = time.perf_counter()
        network = load_network(area, mode, cache_dir=args.cache_dir)
        print(f"{network.describe()} ({time.perf_counter() - started:.1f} s)")
        if area != RUTLAND_PBF and args.area is not None:
            names = [f"node {i}" for i in range(5)]
            picks = np.linspace(0, network.n_nodes - 1, 5).astype(int)
            lon, lat = network.node_lon[picks], network.node_lat[picks]
        else:
            names = list(RUTLAND_PLACES)
            lon, lat = np.array(list(RUTLAND_PLACES.values())).T
        points = snap_points(network, lon, lat, ids=names, max_distance_m=args.max_snap_m)
        matrix = travel_matrix(network, points)
        print(f"{mode} travel time, minutes (row to column):")
        width = max(len(name) for name in names) + 2
        print(" " * width + "".join(f"{name[:10]:>11}" for name in names))
        for name, row in zip(names, matrix.travel_time_s, strict=True):
            print(f"{name:<{width}}" + "".join(f"{value / 60:>11.1f}" for value in row))


def _generate_command(args: argparse.Namespace) -> None:
    """Generate recipients, visits, carers and providers for an area and write them."""
    scenario = load_scenario(args.scenario)
    generated = generate_area(scenario, args.area or RUTLAND_PBF, args.seed, args.cache_dir)
    files = write_area(generated, args.out)
    summary = generated.summary
    print(
        f"{summary['area']['name']} ({summary['area']['code']}): {summary['recipients']} "
        f"recipients, {summary['visits_per_week']} visits a week, {summary['carers']} carers, "
        f"{summary['providers']} providers"
    )
    for name, value in summary["fragmentation"].items():
        print(f"  {name}: {value}")
    print(f"wrote {', '.join(path.name for path in files)} to {args.out}")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for the ``roster`` command."""
    parser = argparse.ArgumentParser(
        prog="roster",
        description="Homecare neighbourhood rostering: road networks, rounds and comparisons.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    commands = parser.add_subparsers(dest="command", required=True)

    def add_network_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--area", help="OSM extract (.osm.pbf/.osm/.osm.bz2) or a place name (needs internet)"
        )
        command.add_argument("--modes", nargs="+", choices=TRAVEL_MODES, default=list(TRAVEL_MODES))
        command.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
        command.add_argument("--max-snap-m", type=float, default=500.0)

    network = commands.add_parser(
        "network", help="build the road network and print its size and a sample travel matrix"
    )
    add_network_options(network)
    network.set_defaults(run=_network_command)

    demo = commands.add_parser(
        "demo", help="run the main job on the embedded Rutland data (for now: the network)"
    )
    add_network_options(demo)
    demo.add_argument("--out", help="output folder (used once the comparison exists)")
    demo.set_defaults(run=_network_command)

    generate = commands.add_parser(
        "generate", help="generate recipients, visits, carers and providers for an area"
    )
    generate.add_argument("--area", help="OSM extract (.osm.pbf); default: embedded Rutland")
    generate.add_argument("--scenario", help="scenario TOML (default: Rutland defaults)")
    generate.add_argument("--seed", type=int, required=True, help="random seed")
    generate.add_argument("--out", required=True, help="output folder")
    generate.add_argument("--cache-dir", help="network cache (default ~/.cache/roster)")
    generate.set_defaults(run=_generate_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``roster`` command; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        args.run(args)
    except InputError as error:
        print(f"roster: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
