"""Tests for neighbourhoods.units: natural units up, labels down."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from neighbourhoods.partition import partition
from neighbourhoods.synthetic import grid_road_graph, travel_time_matrix
from neighbourhoods.units import inherit_labels, unit_travel_time, unit_weights

TRAVEL = np.array([[0, 10, 20], [30, 0, 40], [50, 60, 0]])


def test_weights_count_recipients_and_hours():
    """Units 0, 0, 2 give counts [2, 0, 1] and summed hours; unit 1 is empty."""
    unit_of = np.array([0, 0, 2])
    assert_array_equal(unit_weights(unit_of, 3), [2, 0, 1])
    assert_array_equal(
        unit_weights(unit_of, 3, np.array([1.0, 2.0, 4.0])), [[2, 3], [0, 0], [1, 4]]
    )


def test_travel_is_the_mean_over_member_pairs():
    """From unit {0, 1} to unit {2}: (20 + 40) / 2; back: (50 + 60) / 2; empty units 0."""
    assert_array_equal(
        unit_travel_time(TRAVEL, np.array([0, 0, 1]), 3), [[0, 30, 0], [55, 0, 0], [0, 0, 0]]
    )


def test_labels_are_inherited():
    """Each recipient takes its unit's label."""
    assert_array_equal(inherit_labels(np.array([5, 7]), np.array([1, 0, 1])), [7, 5, 7])


def test_unit_out_of_range_is_rejected():
    """A unit index beyond the units raises a ValueError."""
    with pytest.raises(ValueError, match="0..1"):
        inherit_labels(np.array([5, 7]), np.array([2]))


def test_partition_of_units_keeps_recipients_balanced():
    """Nine 2x2 blocks of a 6x6 grid as units: 4 + 5 blocks, so 16 and 20 recipients."""
    graph, _ = grid_road_graph(6, 6)
    nodes = np.arange(36)
    unit_of = (nodes // 12) * 3 + (nodes % 6) // 2
    block_graph, _ = grid_road_graph(3, 3)
    result = partition(
        unit_travel_time(travel_time_matrix(graph, nodes), unit_of, 9),
        block_graph,
        unit_weights(unit_of, 9),
        k=2,
        seed=0,
    )
    labels = inherit_labels(result.labels, unit_of)
    assert sorted(np.bincount(labels)) == [16, 20]
    assert_array_equal(np.sort(result.totals.ravel()), [16, 20])
