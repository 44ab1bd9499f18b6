"""Tests for neighbourhoods.baseline: k-means on coordinates."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from neighbourhoods.adjacency import recipient_adjacency
from neighbourhoods.baseline import kmeans_labels
from neighbourhoods.partition import partition
from neighbourhoods.quality import evaluate
from neighbourhoods.synthetic import grid_area, travel_time_matrix


def test_two_blobs_are_separated():
    """Two tight groups of points far apart come out as the two clusters."""
    rng = np.random.default_rng(0)
    xy = np.r_[rng.normal(0, 1, (20, 2)), rng.normal(100, 1, (20, 2))]
    labels = kmeans_labels(xy, 2, seed=0)
    assert len(set(labels[:20])) == len(set(labels[20:])) == 1
    assert labels[0] != labels[-1]


def test_same_seed_same_labels():
    """The baseline is repeatable for one seed."""
    xy = np.random.default_rng(1).random((200, 2))
    assert_array_equal(kmeans_labels(xy, 5, seed=3), kmeans_labels(xy, 5, seed=3))


def test_bad_k_is_rejected():
    """Asking for more clusters than points raises a ValueError."""
    with pytest.raises(ValueError, match="between 1 and the 3 points"):
        kmeans_labels(np.zeros((3, 2)), 4, seed=0)


def test_partition_beats_kmeans_across_a_river():
    """On a river town, road-aware neighbourhoods have less internal travel than k-means."""
    area = grid_area(20, 20, 400, seed=5)
    travel = travel_time_matrix(area.road_graph, area.recipient_node)
    adjacency = recipient_adjacency(area.road_graph, area.recipient_node)
    ours = evaluate(travel, partition(travel, adjacency, target=50, seed=0).labels, adjacency)
    theirs = evaluate(travel, kmeans_labels(area.recipient_xy_m, 8, seed=0), adjacency)
    assert ours.contiguous
    assert ours.mean_internal_s < theirs.mean_internal_s
