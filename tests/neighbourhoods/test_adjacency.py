"""Tests for neighbourhoods.adjacency: network Voronoi cells and recipient adjacency."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from neighbourhoods.adjacency import (
    count_components,
    network_voronoi,
    recipient_adjacency,
    road_node_labels,
)
from neighbourhoods.synthetic import grid_road_graph


def path_graph(times: list[int], isolated: int = 0) -> sparse.csr_array:
    """One-way path 0 -> 1 -> ... with the given edge times, plus isolated nodes at the end."""
    n = len(times) + 1 + isolated
    tail = np.arange(len(times))
    return sparse.csr_array((times, (tail, tail + 1)), shape=(n, n))


def test_voronoi_gives_each_node_its_nearest_source():
    """On 0-1-2-3-4 with a slow edge 2-3, node 2 belongs to the source at 0; 5 is unreachable."""
    graph = path_graph([1, 1, 5, 1], isolated=1)
    assert_array_equal(network_voronoi(graph, np.array([0, 4])), [0, 0, 0, 1, 1, -1])


def test_voronoi_names_the_first_source_on_a_shared_node():
    """Sources listed twice on one node report the first position."""
    graph = path_graph([1, 1, 5, 1])
    assert_array_equal(network_voronoi(graph, np.array([4, 0, 0])), [1, 1, 1, 0, 0])


def test_adjacent_only_through_touching_cells():
    """Recipients at 0, 3 and 6 of a path: neighbours touch, the two ends do not."""
    adjacency = recipient_adjacency(path_graph([1] * 6), np.array([0, 3, 6]))
    assert_array_equal(adjacency.toarray(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_recipients_on_one_node_are_adjacent():
    """Two recipients at node 0 touch each other and the recipient at node 4."""
    adjacency = recipient_adjacency(path_graph([1, 1, 5, 1]), np.array([0, 0, 4]))
    assert_array_equal(adjacency.toarray(), [[0, 1, 1], [1, 0, 1], [1, 1, 0]])


def test_river_is_crossed_only_at_the_bridge():
    """On a 6x6 grid with a river after column 2 and a bridge on row 0, one pair touches across."""
    graph, _ = grid_road_graph(6, 6, river_after_column=2, bridge_rows=(0,))
    nodes = np.arange(36)
    adjacency = sparse.coo_array(sparse.triu(recipient_adjacency(graph, nodes)))
    west = nodes % 6 <= 2
    crossing = west[adjacency.row] != west[adjacency.col]
    assert_array_equal(np.c_[adjacency.row, adjacency.col][crossing], [[2, 3]])
    assert count_components(adjacency) == 1


def test_road_nodes_take_their_nearest_recipients_label():
    """Road nodes inherit the label of the recipient whose cell they fall in."""
    labels = road_node_labels(path_graph([1, 1, 5, 1]), np.array([0, 4]), np.array([7, 9]))
    assert_array_equal(labels, [7, 7, 7, 9, 9])


def test_node_outside_graph_is_rejected():
    """A recipient node index beyond the graph raises a ValueError naming the range."""
    with pytest.raises(ValueError, match="0..4"):
        recipient_adjacency(path_graph([1, 1, 1, 1]), np.array([0, 5]))
