"""Decide which recipients touch through the road network, by network Voronoi cells."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra


def network_voronoi(road_graph: sparse.sparray, source_nodes: np.ndarray) -> np.ndarray:
    """Give every road node to its nearest source node by travel time.

    Multi-source Dijkstra over the road graph taken as undirected, so that a one-way street
    still joins the cells on either side of it.

    Parameters
    ----------
    road_graph
        Square sparse matrix over road nodes; entry (u, v) is the travel time of edge u -> v.
    source_nodes
        Road node index of each source (duplicates allowed).

    Returns
    -------
    numpy.ndarray
        For each road node, the position in ``source_nodes`` of its nearest source
        (the first such position when several sources share a node), or -1 where no
        source can be reached.
    """
    source_nodes = _node_indices(road_graph, source_nodes)
    if source_nodes.size == 0:
        return np.full(road_graph.shape[0], -1, dtype=np.int64)
    unique, first = np.unique(source_nodes, return_index=True)
    _, _, nearest = dijkstra(
        road_graph, directed=False, indices=unique, min_only=True, return_predecessors=True
    )
    position = np.full(road_graph.shape[0], -1, dtype=np.int64)
    position[unique] = first
    cell = np.full(road_graph.shape[0], -1, dtype=np.int64)
    reached = nearest >= 0
    cell[reached] = position[nearest[reached]]
    return cell


def road_node_labels(
    road_graph: sparse.sparray, recipient_node: np.ndarray, labels: np.ndarray
) -> np.ndarray:
    """Label every road node with the neighbourhood of its nearest recipient.

    Parameters
    ----------
    road_graph
        Square sparse matrix of edge travel times over road nodes.
    recipient_node
        Road node index of each recipient.
    labels
        Neighbourhood label of each recipient.

    Returns
    -------
    numpy.ndarray
        Label per road node, -1 where no recipient can be reached. Recipients sharing a
        node share its label only if they share a neighbourhood; the first one wins.
    """
    labels = np.asarray(labels)
    if labels.shape != np.shape(recipient_node):
        raise ValueError("labels must give one label per recipient node.")
    cell = network_voronoi(road_graph, recipient_node)
    return np.where(cell >= 0, labels[np.maximum(cell, 0)], -1)


def recipient_adjacency(road_graph: sparse.sparray, recipient_node: np.ndarray) -> sparse.csr_array:
    """Find which recipients touch through the road network.

    Two recipients are adjacent when their network Voronoi cells share a road edge, or
    when they live at the same road node. A barrier with few crossings (motorway, railway,
    river) then separates cells except at its crossings.

    Parameters
    ----------
    road_graph
        Square sparse matrix of edge travel times over road nodes.
    recipient_node
        Road node index of each recipient.

    Returns
    -------
    scipy.sparse.csr_array
        Symmetric 0/1 matrix over recipients with an empty diagonal.
    """
    recipient_node = _node_indices(road_graph, recipient_node)
    unique, node_of = np.unique(recipient_node, return_inverse=True)
    cell = network_voronoi(road_graph, unique)
    edges = sparse.coo_array(road_graph)
    a, b = cell[edges.row], cell[edges.col]
    cross = (a >= 0) & (b >= 0) & (a != b)
    m = unique.size
    touching = sparse.coo_array(
        (np.ones(2 * cross.sum()), (np.r_[a[cross], b[cross]], np.r_[b[cross], a[cross]])),
        shape=(m, m),
    ).tocsr()
    touching = touching + sparse.eye_array(m, format="csr")
    member = sparse.csr_array(
        (np.ones(recipient_node.size), (np.arange(recipient_node.size), node_of)),
        shape=(recipient_node.size, m),
    )
    adjacency = (member @ touching @ member.T).tocsr()
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    adjacency.data[:] = 1
    return adjacency.astype(np.int8)


def count_components(adjacency: sparse.sparray) -> int:
    """Count the connected pieces of an undirected adjacency graph.

    Parameters
    ----------
    adjacency
        Square sparse symmetric matrix; any non-zero entry joins two units.

    Returns
    -------
    int
        Number of connected components.
    """
    return int(connected_components(adjacency, directed=False)[0])


def _node_indices(road_graph: sparse.sparray, nodes: np.ndarray) -> np.ndarray:
    """Check that node indices are integers inside the road graph."""
    if road_graph.ndim != 2 or road_graph.shape[0] != road_graph.shape[1]:
        raise ValueError("road_graph must be a square sparse matrix.")
    nodes = np.asarray(nodes)
    if nodes.ndim != 1 or (nodes.size and not np.issubdtype(nodes.dtype, np.integer)):
        raise ValueError("node indices must be a one-dimensional integer array.")
    if nodes.size and (nodes.min() < 0 or nodes.max() >= road_graph.shape[0]):
        raise ValueError(f"node indices must lie in 0..{road_graph.shape[0] - 1}.")
    return nodes.astype(np.int64)
