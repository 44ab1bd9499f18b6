"""Draw solved rounds as lines along the roads each carer travels."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from roster.commissioning.week import SolvedPool
from roster.geo.locations import Locations
from roster.geo.matrix import road_graph_s
from roster.geo.network import RoadNetwork
from roster.geo.snapping import nearest_nodes
from roster.rounds.problem import WALK

_MODES = {0: "drive", WALK: "walk"}


def route_lines(solved: Sequence[SolvedPool], locations: Locations) -> gpd.GeoDataFrame:
    """One LineString per route (home, visits in order, home), following the fastest roads.

    Each problem's locations are found in ``locations`` by their ``location_row``.
    Columns: model, pool, carer_id, day, period, mode, visits, travel_time_s, length_m.
    """
    legs: dict[str, list[tuple[int, int]]] = {"drive": [], "walk": []}
    routes = []
    for item in solved:
        for route in item.rounds.routes:
            carer = int(item.problem.period_carer[route.period])
            mode = _MODES[int(item.problem.carer_mode[carer])]
            home = int(item.problem.carer_home[carer])
            stops = [home, *(step.location for step in route.steps), home]
            rows = item.problem.location_row[stops]
            pairs = list(zip(rows[:-1].tolist(), rows[1:].tolist(), strict=True))
            legs[mode] += pairs
            routes.append((item, route, mode, pairs))
    shapes = {
        mode: _leg_shapes(locations.networks[mode], locations, sorted(set(pairs)), mode)
        for mode, pairs in legs.items()
        if pairs
    }
    records, geometry = [], []
    for item, route, mode, pairs in routes:
        coords = np.concatenate([shapes[mode][pair] for pair in pairs])
        records.append(
            {
                "model": item.model,
                "pool": item.pool,
                "carer_id": route.carer_id,
                "day": item.day,
                "period": route.period,
                "mode": mode,
                "visits": len(route.steps),
                "travel_time_s": route.travel_time_s,
                "length_m": route.length_m,
            }
        )
        geometry.append(shapely.LineString(coords) if len(coords) > 1 else None)
    return gpd.GeoDataFrame(records, geometry=geometry, crs="EPSG:4326")


def _leg_shapes(
    network: RoadNetwork, locations: Locations, pairs: list[tuple[int, int]], mode: str
) -> dict[tuple[int, int], np.ndarray]:
    """Return the coordinates of the fastest road path between pairs of homes, door to door."""
    snapped = locations.snapped[mode]
    node = nearest_nodes(network, snapped)
    sources = np.unique([node[a] for a, _ in pairs])
    _, predecessors = dijkstra(
        road_graph_s(network), directed=True, indices=sources, return_predecessors=True
    )
    source_row = {int(s): k for k, s in enumerate(sources)}
    edge_shape = _edge_shapes(network)
    people = np.column_stack([locations.lon, locations.lat])
    shapes = {}
    for a, b in pairs:
        path = [int(node[b])]
        tree = predecessors[source_row[int(node[a])]]
        while path[-1] != node[a] and tree[path[-1]] >= 0:
            path.append(int(tree[path[-1]]))
        path.reverse()
        coords = [people[a]]
        for u, v in zip(path[:-1], path[1:], strict=True):
            coords.extend(edge_shape[u, v])
        if len(path) == 1:
            coords.append([network.node_lon[path[0]], network.node_lat[path[0]]])
        coords.append(people[b])
        shapes[a, b] = np.asarray(coords, dtype=float)
    return shapes


def _edge_shapes(network: RoadNetwork) -> dict[tuple[int, int], np.ndarray]:
    """Return the coordinates of the fastest edge between each pair of adjacent nodes."""
    shapes: dict[tuple[int, int], np.ndarray] = {}
    best: dict[tuple[int, int], int] = {}
    edges = zip(network.edge_u, network.edge_v, network.edge_time_ms, strict=True)
    for e, (u, v, t) in enumerate(edges):
        key = (int(u), int(v))
        if key not in best or t < best[key]:
            best[key] = int(t)
            shapes[key] = shapely.get_coordinates(network.edge_geometry[e])
    return shapes
