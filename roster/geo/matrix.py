"""Many-to-many travel-time and distance matrices between snapped points, in integer s and m."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from roster.geo.costs import LENGTH_BITS as _LENGTH_BITS
from roster.geo.costs import UNREACHABLE
from roster.geo.network import RoadNetwork
from roster.geo.snapping import SnappedPoints

if TYPE_CHECKING:
    import networkx as nx

logger = logging.getLogger(__name__)

ENGINES = ("auto", "hierarchy", "scipy", "networkx")
#: With fewer distinct origin or destination roads than 1/64 of the other side, "auto" runs that
#: many Dijkstra searches (scipy) instead of the hierarchy: the same answer, faster for a row or
#: a column.
_FEW_SEARCHES = 64
#: Origins converted from packed costs to seconds and metres at a time (bounds temporaries).
_UNPACK_ROWS = 512


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Travel times and distances from every origin (row) to every destination (column).

    Parameters
    ----------
    mode
        Travel mode of the network used.
    travel_time_s
        Door-to-door travel time in integer seconds.
    length_m
        Door-to-door distance in integer metres, along the fastest route.
    """

    mode: str
    travel_time_s: np.ndarray
    length_m: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(origins, destinations)."""
        return self.travel_time_s.shape

    def take(self, index: Sequence[int] | np.ndarray) -> TravelMatrix:
        """Return the square sub-matrix among ``index`` (e.g. one pool's locations)."""
        index = np.asarray(index, dtype=np.int64)
        block = np.ix_(index, index)
        return TravelMatrix(self.mode, self.travel_time_s[block], self.length_m[block])


def travel_matrix(
    network: RoadNetwork,
    origins: SnappedPoints,
    destinations: SnappedPoints | None = None,
    engine: str = "auto",
) -> TravelMatrix:
    """Compute door-to-door travel times and distances on the road network.

    A trip walks from the door to the road, drives (or walks) along the fastest route from the
    snapped position to the destination's snapped position, and walks to the door. Two points
    at the same place are 0 apart. One-way streets make the matrix asymmetric.

    Parameters
    ----------
    network
        The road network the points were snapped to.
    origins, destinations
        Snapped points; ``destinations`` defaults to ``origins`` (a square matrix).
    engine
        ``"auto"`` (the default: the hierarchy, or for a few destinations and many origins
        scipy's backward search from the destinations), ``"hierarchy"`` (the network's
        contraction hierarchy, searched from each origin's two exits to every destination's two
        entries at once, on numba's threads),
        ``"scipy"`` (scipy.sparse.csgraph Dijkstra from every exit node to the whole network) or
        ``"networkx"`` (per-source Dijkstra). All give the same matrix; the last two are
        kept as baselines for the tests and benchmarks.
    """
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine '{engine}'; use one of {ENGINES}.")
    destinations = origins if destinations is None else destinations
    for points in (origins, destinations):
        if points.mode != network.mode:
            raise ValueError(f"Points snapped to a {points.mode} network, not {network.mode}.")

    exit_node, exit_cost = _exits(network, origins)
    entry_node, entry_cost = _entries(network, destinations)
    if engine == "auto":
        # A new home's row or column: a few Dijkstra searches (forward from few origins,
        # backward from few destinations) beat the hierarchy's sweep.
        searches = min(len(np.unique(exit_node)), len(np.unique(entry_node)))
        few = searches * _FEW_SEARCHES < max(len(origins), len(destinations))
        engine = "scipy" if few else "hierarchy"
    if engine == "hierarchy":
        from roster.geo.hierarchy import many_to_many  # Numba: imported only when used

        packed = many_to_many(network.hierarchy, exit_node, exit_cost, entry_node, entry_cost)
    else:
        packed = _dijkstra_packed(network, exit_node, exit_cost, entry_node, entry_cost, engine)
    _same_edge_direct(network, origins, destinations, packed)
    travel_time_s, length_m = _door_to_door(packed, origins, destinations)
    return TravelMatrix(network.mode, travel_time_s, length_m)


def _dijkstra_packed(
    network: RoadNetwork,
    exit_node: np.ndarray,
    exit_cost: np.ndarray,
    entry_node: np.ndarray,
    entry_cost: np.ndarray,
    engine: str,
) -> np.ndarray:
    """Packed door-to-door road costs by Dijkstra from every exit node (the baseline engines)."""
    sources, row = _compact(exit_node)
    targets, column = _compact(entry_node)
    if engine == "scipy" and len(targets) < len(sources):
        # Few destinations (a new home): search backwards from them on the reversed roads.
        # Costs are whole numbers well below 2**53, so the sums are the same either way.
        reverse = _csr(network).transpose().tocsr()
        road = dijkstra(reverse, directed=True, indices=targets)[:, sources].T
    else:
        road = _node_costs(network, sources, engine)[:, targets]

    packed = np.full((len(exit_node), len(entry_node)), np.inf)
    for i in range(exit_node.shape[1]):
        has_exit = row[:, i] >= 0
        for j in range(entry_node.shape[1]):
            block = road[np.ix_(row[has_exit, i], column[:, j].clip(0))]
            block = block + exit_cost[has_exit, i, None] + entry_cost[None, :, j]
            packed[has_exit] = np.minimum(packed[has_exit], block)
    return np.where(np.isfinite(packed), packed, UNREACHABLE).astype(np.int64)


def _door_to_door(
    packed: np.ndarray, origins: SnappedPoints, destinations: SnappedPoints
) -> tuple[np.ndarray, np.ndarray]:
    """Whole seconds and metres door to door from packed road costs, a block of rows at a time.

    The seconds overwrite ``packed`` (a city-size matrix is then held twice, not three times);
    the walks between the doors and the roads are added, and two visits at one address are 0.
    """
    travel_time_s = packed
    length_m = np.empty(packed.shape, dtype=np.int64)
    for start in range(0, len(packed), _UNPACK_ROWS):
        rows = slice(start, start + _UNPACK_ROWS)
        time_ms, length_dm = np.divmod(packed[rows], _LENGTH_BITS)
        same = _same_place(origins.take(np.arange(len(origins))[rows]), destinations)
        travel_time_s[rows] = np.rint(time_ms / 1000)
        travel_time_s[rows] += origins.access_s[rows, None] + destinations.access_s[None, :]
        travel_time_s[rows][same] = 0
        length_m[rows] = np.rint(length_dm / 10)
        length_m[rows] += origins.access_m[rows, None] + destinations.access_m[None, :]
        length_m[rows][same] = 0
    return travel_time_s, length_m


def _compact(nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct nodes (-1 left out) and each entry's index among them (-1 stays)."""
    unique, index = np.unique(nodes[nodes >= 0], return_inverse=True)
    position = np.full(nodes.shape, -1, dtype=np.int64)
    position[nodes >= 0] = index
    return unique, position


def _packed(network: RoadNetwork, edges: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Packed cost of travelling ``share`` of each edge (inf where the edge is -1)."""
    safe = edges.clip(0)
    time_ms = np.rint(share * network.edge_time_ms[safe])
    length_dm = np.rint(share * network.edge_length_dm[safe])
    return np.where(edges >= 0, time_ms * _LENGTH_BITS + length_dm, np.inf)


def _exits(network: RoadNetwork, points: SnappedPoints) -> tuple[np.ndarray, np.ndarray]:
    """Nodes a point can leave by (ahead along its edge, or back along the twin) and the cost."""
    f = points.fraction
    node = np.stack([network.edge_v[points.edge], network.edge_v[points.twin.clip(0)]], axis=1)
    node[points.twin < 0, 1] = -1
    cost = np.stack([_packed(network, points.edge, 1 - f), _packed(network, points.twin, f)], 1)
    return node, cost


def _entries(network: RoadNetwork, points: SnappedPoints) -> tuple[np.ndarray, np.ndarray]:
    """Nodes a point can be reached from (start of its edge, or of the twin) and the cost."""
    f = points.fraction
    node = np.stack([network.edge_u[points.edge], network.edge_u[points.twin.clip(0)]], axis=1)
    node[points.twin < 0, 1] = -1
    cost = np.stack([_packed(network, points.edge, f), _packed(network, points.twin, 1 - f)], 1)
    return node, cost


def _node_costs(network: RoadNetwork, sources: np.ndarray, engine: str) -> np.ndarray:
    """Packed shortest-path costs from each source node to every node."""
    if engine == "networkx":
        import networkx as nx  # a baseline engine: imported only when asked for

        graph = _digraph(network)
        road = np.full((len(sources), network.n_nodes), np.inf)
        for k, source in enumerate(sources):
            lengths = nx.single_source_dijkstra_path_length(graph, int(source), weight="w")
            road[k, list(lengths)] = list(lengths.values())
        return road
    return dijkstra(_csr(network), directed=True, indices=sources)


def _cheapest_edges(network: RoadNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, v, packed cost) with only the cheapest of parallel edges kept (CSR would sum them)."""
    packed = network.edge_cost
    order = np.lexsort((packed, network.edge_v, network.edge_u))
    u, v, w = network.edge_u[order], network.edge_v[order], packed[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    return u[first], v[first], w[first].astype(float)


def _csr(network: RoadNetwork) -> csr_matrix:
    u, v, w = _cheapest_edges(network)
    return csr_matrix((w, (u, v)), shape=(network.n_nodes, network.n_nodes))


def road_graph_s(network: RoadNetwork) -> csr_matrix:
    """Return the road network as a sparse matrix of edge travel times in seconds.

    Parallel edges keep the fastest; every entry is positive.
    """
    u, v, w = _cheapest_edges(network)
    seconds = np.maximum(np.floor_divide(w, _LENGTH_BITS) / 1000, 1e-3)
    return csr_matrix((seconds, (u, v)), shape=(network.n_nodes, network.n_nodes))


def _digraph(network: RoadNetwork) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(network.n_nodes))
    u, v, w = _cheapest_edges(network)
    graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True), "w")
    return graph


def _canonical(network: RoadNetwork, points: SnappedPoints) -> tuple[np.ndarray, np.ndarray]:
    """Each point's road as the lower of its edge and twin, and its position along that edge."""
    use_twin = (points.twin >= 0) & (points.twin < points.edge)
    edge = np.where(use_twin, points.twin, points.edge)
    position = np.where(use_twin, 1 - points.fraction, points.fraction)
    return edge, position


def _same_edge_direct(
    network: RoadNetwork, origins: SnappedPoints, destinations: SnappedPoints, packed: np.ndarray
) -> None:
    """Lower ``packed`` where two points share a road and can go straight along it."""
    edge_a, pos_a = _canonical(network, origins)
    edge_b, pos_b = _canonical(network, destinations)
    twin = network.edge_twin
    for edge in np.intersect1d(edge_a, edge_b):
        ia = np.flatnonzero(edge_a == edge)
        ib = np.flatnonzero(edge_b == edge)
        ahead = pos_b[None, ib] - pos_a[ia, None]
        forward = _packed(network, np.full(ahead.shape, edge), ahead.clip(0))
        backward = _packed(network, np.full(ahead.shape, twin[edge]), (-ahead).clip(0))
        direct = np.where(ahead >= 0, forward, backward)
        direct = np.where(np.isfinite(direct), direct, UNREACHABLE).astype(np.int64)
        block = np.ix_(ia, ib)
        packed[block] = np.minimum(packed[block], direct)


def _same_place(origins: SnappedPoints, destinations: SnappedPoints) -> np.ndarray:
    """Pairs snapped to the same spot at the same distance from the road: the same address."""
    return (
        (origins.edge[:, None] == destinations.edge[None, :])
        & (origins.fraction[:, None] == destinations.fraction[None, :])
        & (origins.access_m[:, None] == destinations.access_m[None, :])
    )
