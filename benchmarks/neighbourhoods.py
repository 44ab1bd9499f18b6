"""Benchmark: road-network neighbourhoods against plain k-means, on one set of recipients.

Run ``python benchmarks/neighbourhoods.py [--source generated|synthetic|rutland|MODULE:FUNC]``.
A source is a callable ``(n_recipients, seed) -> Scenario`` giving the arrays the algorithms
take: the road graph (sparse edge travel times in seconds), each recipient's road node, the
recipient travel matrix, projected coordinates and weekly care hours. ``generated`` (the
default, the issue's scale target) runs the demand generator on ``examples/rutland_dense.toml``
(about 5,000 recipients on the Rutland drive network, weekly care hours from their visits;
``--recipients`` is not used); ``synthetic`` is a 60 x 60 grid road network with towns and a
river crossed by two bridges; ``rutland`` puts ``--recipients`` recipients on Rutland's
residential streets. ``seconds`` times the method itself (road-network adjacency plus
partition), not the demand generator or the travel matrix. The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

# Run as a script, this file's folder leads sys.path and its name would hide the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
DENSE_SCENARIO = _HERE.parent / "examples" / "rutland_dense.toml"

from neighbourhoods import evaluate, kmeans_labels, partition, recipient_adjacency  # noqa: E402
from neighbourhoods.synthetic import (  # noqa: E402
    CARE_HOURS,
    CARE_HOURS_SHARE,
    grid_area,
    travel_time_matrix,
)


@dataclass(frozen=True)
class Scenario:
    """Recipients on a road network, as arrays.

    Attributes
    ----------
    name
        What the scenario is, for the log.
    road_graph
        Square sparse matrix of edge travel times in seconds over road nodes.
    recipient_node
        Road node nearest each recipient.
    travel_time_s
        Travel times in seconds between recipients, shape (n, n).
    xy_m
        Projected recipient coordinates in metres, shape (n, 2), for k-means.
    care_hours
        Weekly care hours of each recipient.
    matrix_seconds
        Time taken to compute the travel matrix.
    """

    name: str
    road_graph: sparse.csr_array
    recipient_node: np.ndarray
    travel_time_s: np.ndarray
    xy_m: np.ndarray
    care_hours: np.ndarray
    matrix_seconds: float


def synthetic(n: int, seed: int) -> Scenario:
    """Scatter recipients over a 60 x 60 grid town with a river and two bridges."""
    area = grid_area(60, 60, n, seed=seed)
    started = time.perf_counter()
    travel = travel_time_matrix(area.road_graph, area.recipient_node)
    return Scenario(
        name="synthetic 60x60 grid (12 km x 12 km) with a river",
        road_graph=area.road_graph,
        recipient_node=area.recipient_node,
        travel_time_s=travel,
        xy_m=area.recipient_xy_m,
        care_hours=area.care_hours,
        matrix_seconds=time.perf_counter() - started,
    )


def on_rutland(name: str, lon: np.ndarray, lat: np.ndarray, care_hours: np.ndarray) -> Scenario:
    """Recipients at (lon, lat) on Rutland's drive network, with the project's drive matrices."""
    from roster.data import RUTLAND_PBF
    from roster.geo.matrix import road_graph_s, travel_matrix
    from roster.geo.network import load_network
    from roster.geo.snapping import nearest_nodes, snap_points

    network = load_network(RUTLAND_PBF)
    points = snap_points(network, lon, lat)
    started = time.perf_counter()
    travel = travel_matrix(network, points).travel_time_s
    matrix_seconds = time.perf_counter() - started
    x, y = network.to_metric.transform(lon, lat)
    return Scenario(
        name=f"{name} ({network.describe()})",
        road_graph=sparse.csr_array(road_graph_s(network)),
        recipient_node=nearest_nodes(network, points).astype(np.int64),
        travel_time_s=travel,
        xy_m=np.c_[x, y],
        care_hours=np.asarray(care_hours, dtype=float),
        matrix_seconds=matrix_seconds,
    )


def rutland(n: int, seed: int) -> Scenario:
    """Place recipients on Rutland's residential streets, with drawn care hours."""
    from roster.data import RUTLAND_PBF
    from roster.geo.network import load_network, sample_street_points

    lon, lat = sample_street_points(load_network(RUTLAND_PBF), n, seed)
    rng = np.random.default_rng(seed + 1)
    hours = rng.choice(CARE_HOURS, size=n, p=CARE_HOURS_SHARE)
    return on_rutland("Rutland residential streets", lon, lat, hours)


def generated(n: int, seed: int) -> Scenario:
    """Generate the dense scenario (``examples/rutland_dense.toml``) and take its recipients.

    Homes, and weekly care hours from the generated visits, come from the demand generator;
    the scenario fixes the number of recipients (about 5,000), so ``n`` is not used.
    """
    from roster.commissioning.models import weekly_hours
    from roster.data import RUTLAND_PBF
    from roster.demand.generate import generate_area
    from roster.scenario import load_scenario

    instance = generate_area(load_scenario(DENSE_SCENARIO), RUTLAND_PBF, seed).instance
    hours = weekly_hours(instance)
    recipients = instance.recipients
    return on_rutland(
        "generated dense Rutland (examples/rutland_dense.toml)",
        np.array([r.lon for r in recipients]),
        np.array([r.lat for r in recipients]),
        np.array([hours[r.id] for r in recipients]),
    )


SOURCES: dict[str, Callable[[int, int], Scenario]] = {
    "generated": generated,
    "synthetic": synthetic,
    "rutland": rutland,
}


def measure(
    scenario: Scenario,
    *,
    target: float,
    tolerance: float,
    seed: int,
    n_starts: int,
    iterations: int,
    workers: int = 1,
    balance_hours: bool = False,
) -> dict[str, object]:
    """Partition and k-means on one scenario; return the summary the issue asks for.

    Neighbourhoods are balanced on recipients, and also on weekly care hours when
    ``balance_hours``; care hours are reported either way.
    """
    n = len(scenario.recipient_node)
    started = time.perf_counter()
    adjacency = recipient_adjacency(scenario.road_graph, scenario.recipient_node)
    weights = np.c_[np.ones(n), scenario.care_hours] if balance_hours else np.ones(n)
    result = partition(
        scenario.travel_time_s,
        adjacency,
        weights,
        target=target,
        tolerance=tolerance,
        seed=seed,
        n_starts=n_starts,
        iterations=iterations,
        workers=workers,
    )
    seconds = time.perf_counter() - started
    ours = evaluate(scenario.travel_time_s, result.labels, adjacency, scenario.care_hours)
    baseline = kmeans_labels(scenario.xy_m, result.n_neighbourhoods, seed=seed)
    theirs = evaluate(scenario.travel_time_s, baseline, adjacency, scenario.care_hours)
    hours = [item.care_hours for item in ours.neighbourhoods]
    kmeans_hours = [item.care_hours for item in theirs.neighbourhoods]
    return {
        "recipients": n,
        "neighbourhoods": result.n_neighbourhoods,
        "seconds": round(seconds, 2),
        "size_min": ours.size_min,
        "size_max": ours.size_max,
        "contiguous": ours.contiguous,
        "mean_internal_drive_s": round(ours.mean_internal_s, 1),
        "kmeans_mean_internal_drive_s": round(theirs.mean_internal_s, 1),
        "kmeans_size_min": theirs.size_min,
        "kmeans_size_max": theirs.size_max,
        "kmeans_contiguous": theirs.contiguous,
        "kmeans_neighbourhoods": len(theirs.neighbourhoods),
        "balanced": result.balanced,
        "size_bounds": [round(float(result.lower[0]), 1), round(float(result.upper[0]), 1)],
        "care_hours_min": round(min(hours), 1),
        "care_hours_max": round(max(hours), 1),
        "care_hours_bounds": (
            [round(float(result.lower[1]), 1), round(float(result.upper[1]), 1)]
            if balance_hours
            else None
        ),
        "kmeans_care_hours_min": round(min(kmeans_hours), 1),
        "kmeans_care_hours_max": round(max(kmeans_hours), 1),
        "p95_internal_drive_s": round(ours.p95_internal_s, 1),
        "kmeans_p95_internal_drive_s": round(theirs.p95_internal_s, 1),
        "diameter_s": ours.diameter_s,
        "kmeans_diameter_s": theirs.diameter_s,
        "matrix_seconds": round(scenario.matrix_seconds, 2),
    }


def source_callable(name: str) -> Callable[[int, int], Scenario]:
    """Resolve a built-in source name or a ``module:function`` path."""
    if name in SOURCES:
        return SOURCES[name]
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", default="generated", help="generated, synthetic, rutland or MODULE:FUNC"
    )
    parser.add_argument(
        "--recipients", type=int, default=5000, help="not used by generated (~5,000)"
    )
    parser.add_argument("--target", type=float, default=200)
    parser.add_argument("--tolerance", type=float, default=0.15)
    parser.add_argument("--starts", type=int, default=2, help="independent partition starts")
    parser.add_argument(
        "--iterations", type=int, default=30, help="relocations tried after each start"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="processes running the starts side by side"
    )
    parser.add_argument(
        "--balance-hours",
        action="store_true",
        help="balance weekly care hours too, not only recipients",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    scenario = source_callable(args.source)(args.recipients, args.seed)
    print(f"{scenario.name}: {len(scenario.recipient_node)} recipients")
    summary = measure(
        scenario,
        target=args.target,
        tolerance=args.tolerance,
        seed=args.seed,
        n_starts=args.starts,
        iterations=args.iterations,
        workers=args.workers,
        balance_hours=args.balance_hours,
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
