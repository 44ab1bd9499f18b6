"""Benchmark: the network pipeline on a generated city-size network (about 100k nodes).

Run ``python benchmarks/city_network.py [--side 316] [--homes 8000] [--carers 1000]``. It
builds a deterministic grid city: ``side`` x ``side`` junctions 100 m apart (two-way streets),
every tenth row and column an arterial (primary, 40 mph), the rest residential (30 mph). Per mode
(drive, walk) it times building the :class:`~roster.geo.network.RoadNetwork` and its contraction
hierarchy, writing and reading the network cache (``.npz``), snapping homes and carers, and the
door-to-door matrix among all of them with the default engine (the contraction hierarchy).

Today's method before this change, scipy.sparse.csgraph Dijkstra from every exit node, is timed
in the same run on the first ``--baseline-rows`` origins (scaled up to all of them; a full run
takes many minutes), and its rows must equal the default's exactly. Peak memory is the process's
maximum resident size; CPU seconds (all threads) are given beside the wall time of the default's
matrix, since on a shared machine the wall time depends on the load. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

from roster.geo.matrix import travel_matrix
from roster.geo.network import _read_cache, _write_cache, network_from_graph
from roster.geo.snapping import snap_points

#: Grid origin (Leeds) and spacing in degrees of about 100 m.
LON0, LAT0 = -1.70, 53.70
DLON, DLAT = 100 / 65_900, 100 / 111_200


def grid_city(side: int, arterial_every: int = 10) -> nx.MultiDiGraph:
    """Return a ``side`` x ``side`` grid of two-way streets with arterials every few blocks."""
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for i in range(side):
        for j in range(side):
            graph.add_node(i * side + j, x=LON0 + j * DLON, y=LAT0 + i * DLAT)
    for i in range(side):
        for j in range(side):
            for di, dj, line in ((0, 1, i), (1, 0, j)):
                if i + di >= side or j + dj >= side:
                    continue
                arterial = line % arterial_every == 0
                tags = {
                    "length": 100.0,
                    "highway": "primary" if arterial else "residential",
                    "maxspeed": "40 mph" if arterial else "30 mph",
                }
                u, v = i * side + j, (i + di) * side + j + dj
                graph.add_edge(u, v, **tags)
                graph.add_edge(v, u, **tags)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=316, help="junctions per side (316: ~100k)")
    parser.add_argument("--homes", type=int, default=8000)
    parser.add_argument("--carers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-rows", type=int, default=200, help="origins timed for today")
    args = parser.parse_args()

    figures: dict = {"side": args.side, "homes": args.homes, "carers": args.carers}
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    graph = grid_city(args.side)
    figures["graph_seconds"] = round(time.perf_counter() - started, 1)
    rng = np.random.default_rng(args.seed)
    n = args.homes + args.carers
    extent = args.side - 1
    lon = LON0 + rng.uniform(0, extent, n) * DLON
    lat = LAT0 + rng.uniform(0, extent, n) * DLAT
    for mode in ("drive", "walk"):
        started = time.perf_counter()
        network = network_from_graph(graph, mode, "grid city")
        figures[f"{mode}_nodes"] = network.n_nodes
        figures[f"{mode}_build_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        network.hierarchy  # noqa: B018 - built once per network, then kept in the cache
        figures[f"{mode}_hierarchy_seconds"] = round(time.perf_counter() - started, 1)
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder) / "network.npz"
            started = time.perf_counter()
            _write_cache(cache, network)
            figures[f"{mode}_cache_write_seconds"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            network = _read_cache(cache, network.speeds)
            figures[f"{mode}_cache_read_seconds"] = round(time.perf_counter() - started, 2)
            figures[f"{mode}_cache_mb"] = round(cache.stat().st_size / 2**20)
        started = time.perf_counter()
        points = snap_points(network, lon, lat)
        figures[f"{mode}_snap_seconds"] = round(time.perf_counter() - started, 2)
        started, cpu = time.perf_counter(), time.process_time()
        matrix = travel_matrix(network, points)
        figures[f"{mode}_matrix_seconds"] = round(time.perf_counter() - started, 1)
        figures[f"{mode}_matrix_cpu_seconds"] = round(time.process_time() - cpu, 1)
        figures[f"{mode}_median_trip_s"] = int(np.median(matrix.travel_time_s))
        rows = np.arange(min(args.baseline_rows, n))
        started = time.perf_counter()
        today = travel_matrix(network, points.take(rows), points, engine="scipy")
        per_row = (time.perf_counter() - started) / len(rows)
        figures[f"{mode}_today_matrix_seconds_estimated"] = round(per_row * n, 1)
        figures[f"{mode}_equals_today"] = bool(
            np.array_equal(today.travel_time_s, matrix.travel_time_s[rows])
            and np.array_equal(today.length_m, matrix.length_m[rows])
        )
        del matrix, today
    for engine, key in (("default", "matrix_seconds"), ("today", "today_matrix_seconds_estimated")):
        total = figures[f"drive_{key}"] + figures[f"walk_{key}"]
        figures[f"{engine}_matrices_seconds_drive_plus_walk"] = round(total, 1)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
