"""Build synthetic grid road networks with recipients, for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

# Weekly care hours of a package, and how common each is (a plausible spread, not calibrated).
CARE_HOURS = np.array([2.5, 5.0, 7.0, 10.5, 14.0, 21.0])
CARE_HOURS_SHARE = np.array([0.15, 0.25, 0.25, 0.15, 0.12, 0.08])


@dataclass(frozen=True)
class SyntheticArea:
    """A grid road network with recipients living on its nodes.

    Attributes
    ----------
    road_graph
        Square sparse matrix of edge travel times in seconds over road nodes.
    node_xy_m
        Easting and northing of each road node in metres, shape (m, 2).
    recipient_node
        Road node of each recipient.
    care_hours
        Weekly care hours of each recipient.
    """

    road_graph: sparse.csr_array
    node_xy_m: np.ndarray
    recipient_node: np.ndarray
    care_hours: np.ndarray

    @property
    def recipient_xy_m(self) -> np.ndarray:
        """Coordinates of each recipient in metres."""
        return self.node_xy_m[self.recipient_node]


def grid_road_graph(
    rows: int,
    cols: int,
    *,
    edge_time_s: int = 24,
    spacing_m: float = 200.0,
    river_after_column: int | None = None,
    bridge_rows: Sequence[int] = (),
    jitter: float = 0.0,
    seed: int = 0,
) -> tuple[sparse.csr_array, np.ndarray]:
    """Build a rows x cols grid of two-way streets, optionally cut by a north-south river.

    Node ``r * cols + c`` sits at (c * spacing_m, r * spacing_m).

    Parameters
    ----------
    rows, cols
        Grid size in nodes.
    edge_time_s
        Travel time of one street segment in seconds before jitter.
    spacing_m
        Distance between neighbouring nodes in metres.
    river_after_column
        If given, a river runs between this column and the next; only ``bridge_rows``
        cross it.
    bridge_rows
        Rows whose east-west street crosses the river.
    jitter
        Each direction of each segment takes edge_time_s times a uniform factor in
        [1, 1 + jitter], making travel times asymmetric.
    seed
        Seed for the jitter.

    Returns
    -------
    tuple
        The road graph (sparse travel times in seconds) and node coordinates in metres.
    """
    node = np.arange(rows * cols).reshape(rows, cols)
    east = np.stack([node[:, :-1].ravel(), node[:, 1:].ravel()], axis=1)
    if river_after_column is not None:
        crossing = (east[:, 0] % cols) == river_after_column
        bridge = np.isin(east[:, 0] // cols, list(bridge_rows))
        east = east[~crossing | bridge]
    north = np.stack([node[:-1, :].ravel(), node[1:, :].ravel()], axis=1)
    pairs = np.concatenate([east, north])
    tail = np.concatenate([pairs[:, 0], pairs[:, 1]])
    head = np.concatenate([pairs[:, 1], pairs[:, 0]])
    factor = 1 + jitter * np.random.default_rng(seed).random(tail.size)
    time_s = np.maximum(np.rint(edge_time_s * factor), 1)
    graph = sparse.csr_array((time_s, (tail, head)), shape=(rows * cols, rows * cols))
    xy = np.stack([node.ravel() % cols, node.ravel() // cols], axis=1) * spacing_m
    return graph, xy.astype(np.float64)


def grid_area(
    rows: int,
    cols: int,
    n_recipients: int,
    *,
    seed: int,
    towns: int = 6,
    town_share: float = 0.7,
    river: bool = True,
    jitter: float = 0.2,
) -> SyntheticArea:
    """Scatter recipients over a grid road network, mostly clustered in towns.

    Parameters
    ----------
    rows, cols
        Grid size in nodes.
    n_recipients
        How many recipients to place.
    seed
        Seed for towns, recipients, care hours and jitter.
    towns
        Number of town centres.
    town_share
        Share of recipients placed around a town; the rest are spread uniformly.
    river
        Whether a river with two bridges splits the grid down the middle.
    jitter
        Asymmetry of street travel times, as in ``grid_road_graph``.

    Returns
    -------
    SyntheticArea
        The network and its recipients.
    """
    rng = np.random.default_rng(seed)
    graph, xy = grid_road_graph(
        rows,
        cols,
        river_after_column=cols // 2 - 1 if river else None,
        bridge_rows=(rows // 4, 3 * rows // 4),
        jitter=jitter,
        seed=seed,
    )
    centre = rng.random((towns, 2)) * [rows - 1, cols - 1]
    in_town = rng.random(n_recipients) < town_share
    spread = np.array([rows, cols]) / 10
    home = np.where(
        in_town[:, None],
        centre[rng.integers(towns, size=n_recipients)]
        + rng.normal(size=(n_recipients, 2)) * spread,
        rng.random((n_recipients, 2)) * [rows - 1, cols - 1],
    )
    row = np.clip(np.rint(home[:, 0]), 0, rows - 1).astype(np.int64)
    col = np.clip(np.rint(home[:, 1]), 0, cols - 1).astype(np.int64)
    care_hours = rng.choice(CARE_HOURS, size=n_recipients, p=CARE_HOURS_SHARE)
    return SyntheticArea(graph, xy, row * cols + col, care_hours)


def travel_time_matrix(road_graph: sparse.sparray, nodes: np.ndarray) -> np.ndarray:
    """Shortest travel times in whole seconds between the given road nodes.

    Parameters
    ----------
    road_graph
        Square sparse matrix of edge travel times in seconds (directed).
    nodes
        Road node of each point; duplicates allowed.

    Returns
    -------
    numpy.ndarray
        Integer matrix (len(nodes), len(nodes)); entry (i, j) is the time from i to j.
    """
    unique, inverse = np.unique(np.asarray(nodes), return_inverse=True)
    between = dijkstra(road_graph, directed=True, indices=unique)[:, unique]
    if not np.all(np.isfinite(between)):
        raise ValueError("some points cannot reach each other on the road graph.")
    return np.rint(between).astype(np.int32)[np.ix_(inverse, inverse)]
