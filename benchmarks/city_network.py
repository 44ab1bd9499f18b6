"""Benchmark: today's network pipeline on a generated city-size network (about 100k nodes).

Run ``python benchmarks/city_network.py [--side 316] [--homes 8000] [--carers 1000]``. It
builds a deterministic grid city: ``side`` x ``side`` junctions 100 m apart (two-way streets),
every tenth row and column an arterial (primary, 40 mph), the rest residential (30 mph). It
times building the drive and walk :class:`~roster.geo.network.RoadNetwork`, a pickle round
trip (what the cache does), snapping homes and carers to each network, and the door-to-door
matrix of all of them per mode with today's engine (scipy.sparse.csgraph Dijkstra from every
origin). Peak memory is the process's maximum resident size.

With pyroutingkit installed (``pip install -e ".[bench]"``) it also times a customisable
contraction hierarchy (RoutingKit's CCH) on the same network: building the topology, customising
it with the travel times, and the many-to-many node matrix between the nodes the points snap to,
checked equal to scipy's Dijkstra on the first rows. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import time

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from roster.geo.matrix import travel_matrix
from roster.geo.network import network_from_graph
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


def cch_figures(network, points, check_rows: int = 50) -> dict:
    """Time RoutingKit's CCH on the network's travel times; check it against scipy's Dijkstra."""
    try:
        from pyroutingkit import CCH
    except ImportError:
        return {"cch": "pyroutingkit not installed"}
    nodes = np.unique(network.edge_v[points.edge]).astype(np.uint32)
    figures = {"cch_nodes_queried": len(nodes)}
    started = time.perf_counter()
    cch = CCH()
    cch.build_topology(
        network.edge_u.astype(np.uint32),
        network.edge_v.astype(np.uint32),
        network.node_lat.astype(np.float32),
        network.node_lon.astype(np.float32),
        node_count=network.n_nodes,
    )
    figures["cch_topology_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    cch.customize_weights(network.edge_time_ms.astype(np.uint32))
    figures["cch_customise_seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    fast = cch.distances_many_to_many(nodes, nodes)
    figures["cch_matrix_seconds"] = round(time.perf_counter() - started, 1)
    cheapest = {}  # csr_matrix would sum parallel arcs: keep the cheapest of each
    for u, v, w in zip(network.edge_u, network.edge_v, network.edge_time_ms, strict=True):
        cheapest[u, v] = min(w, cheapest.get((u, v), w))
    u, v = np.array(list(cheapest)).T
    graph = csr_matrix(
        (np.array(list(cheapest.values()), dtype=float), (u, v)),
        shape=(network.n_nodes, network.n_nodes),
    )
    rows = nodes[:check_rows]
    started = time.perf_counter()
    slow = dijkstra(graph, directed=True, indices=rows)[:, nodes]
    per_row = (time.perf_counter() - started) / len(rows)
    figures["scipy_node_matrix_seconds_estimated"] = round(per_row * len(nodes), 1)
    figures["cch_equals_scipy"] = bool(np.array_equal(slow.astype(np.int64), fast[: len(rows)]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=316, help="junctions per side (316: ~100k)")
    parser.add_argument("--homes", type=int, default=8000)
    parser.add_argument("--carers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    figures: dict = {"side": args.side, "homes": args.homes, "carers": args.carers}
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
        network = pickle.loads(pickle.dumps(network, protocol=pickle.HIGHEST_PROTOCOL))
        figures[f"{mode}_pickle_round_trip_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        points = snap_points(network, lon, lat)
        figures[f"{mode}_snap_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        matrix = travel_matrix(network, points)
        figures[f"{mode}_matrix_seconds"] = round(time.perf_counter() - started, 1)
        figures[f"{mode}_median_trip_s"] = int(np.median(matrix.travel_time_s))
        del matrix
        if mode == "drive":
            figures.update(cch_figures(network, points))
    matrix_seconds = figures["drive_matrix_seconds"] + figures["walk_matrix_seconds"]
    figures["matrices_seconds_drive_plus_walk"] = round(matrix_seconds, 1)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
