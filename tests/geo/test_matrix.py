"""Tests for geo.matrix: door-to-door times on the line graph, one-way streets, engines agree."""

from __future__ import annotations

import numpy as np
import pytest

from roster.geo.matrix import ENGINES, travel_matrix
from roster.geo.snapping import snap_points

# Points on the line graph (A at -0.73, B at -0.72, C at -0.71; 10 m/s everywhere):
# P at the middle of A-B, Q at the middle of B-C (one-way eastward), and A itself.
LON = [-0.725, -0.715, -0.73]
LAT = [52.67, 52.67, 52.67]


def test_hand_checked_times_and_one_way(line_network):
    """P->Q drives 500 m + 250 m (75 s); Q->P must go on to C and back round (250+3000+500 m)."""
    m = travel_matrix(line_network, snap_points(line_network, LON, LAT))
    assert m.travel_time_s[0, 1] == 75
    assert m.length_m[0, 1] == 750
    assert m.travel_time_s[1, 0] == 375  # 250 m to C, 3,000 m C->A, 500 m A->P
    assert m.length_m[1, 0] == 3750
    assert m.travel_time_s[0, 2] == 50 and m.travel_time_s[2, 0] == 50
    assert m.travel_time_s[2, 1] == 125  # A->B 1,000 m then 250 m along B->C
    assert np.all(np.diag(m.travel_time_s) == 0)


def test_same_edge_direct_and_same_place(line_network):
    """Two doors on one street go straight along it; two visits at one address are 0 apart."""
    snapped = snap_points(line_network, [-0.728, -0.722, -0.722], [52.67] * 3)
    m = travel_matrix(line_network, snapped)
    # 0.2 and 0.8 of the 1,000 m A-B street: 600 m each way (the street is two-way)
    assert m.length_m[0, 1] == 600 and m.length_m[1, 0] == 600
    assert m.travel_time_s[0, 1] == 60
    assert m.travel_time_s[1, 2] == 0 and m.length_m[1, 2] == 0


def test_access_legs_added_at_both_ends(line_network):
    """A door 100 m off the road adds its walk (75 s, 100 m) to trips from and to it."""
    north_100m = 52.67 + 100 / 111_200
    snapped = snap_points(line_network, [-0.725, -0.715], [north_100m, 52.67])
    m = travel_matrix(line_network, snapped)
    assert m.length_m[0, 1] == pytest.approx(750 + 100, abs=1)
    assert m.travel_time_s[0, 1] == pytest.approx(75 + 75, abs=1)


def test_rectangular_matrix_and_take(line_network):
    """Origins and destinations may differ; take() gives a pool's square sub-matrix."""
    snapped = snap_points(line_network, LON, LAT)
    rect = travel_matrix(line_network, snapped.take([0]), snapped)
    full = travel_matrix(line_network, snapped)
    assert rect.shape == (1, 3)
    assert np.array_equal(rect.travel_time_s[0], full.travel_time_s[0])
    pool = full.take([2, 1])
    assert pool.travel_time_s.tolist() == [[0, 125], [full.travel_time_s[1, 2], 0]]


def test_few_destinations_search_backwards_with_the_same_answer(line_network):
    """Many origins to one destination (searched on the reversed roads) match the full matrix.

    Q -> P has to go round by C on the one-way street, so the reversed search must follow it.
    """
    snapped = snap_points(line_network, LON, LAT)
    full = travel_matrix(line_network, snapped)
    for k in range(3):
        column = travel_matrix(line_network, snapped, snapped.take([k]))
        assert np.array_equal(column.travel_time_s[:, 0], full.travel_time_s[:, k])
        assert np.array_equal(column.length_m[:, 0], full.length_m[:, k])


@pytest.mark.parametrize("baseline", ["scipy", "networkx"])
def test_engines_agree_exactly_on_real_streets(its_drive, baseline):
    """The hierarchy (the default), scipy and networkx give identical matrices on real streets."""
    rng = np.random.default_rng(0)
    pick = rng.integers(0, its_drive.n_nodes, 30)
    lon = its_drive.node_lon[pick] + rng.normal(0, 2e-4, 30)
    lat = its_drive.node_lat[pick] + rng.normal(0, 2e-4, 30)
    snapped = snap_points(its_drive, lon, lat)
    fast = travel_matrix(its_drive, snapped)
    slow = travel_matrix(its_drive, snapped, engine=baseline)
    assert np.array_equal(fast.travel_time_s, slow.travel_time_s)
    assert np.array_equal(fast.length_m, slow.length_m)
    assert (fast.travel_time_s[~np.eye(30, dtype=bool)] > 0).mean() > 0.9


def test_engines_agree_on_the_one_way_line(line_network):
    """On the line graph's one-way street, rectangular queries agree across all engines."""
    snapped = snap_points(line_network, LON, LAT)
    for origins, destinations in ((snapped, snapped), (snapped.take([1]), snapped)):
        matrices = [travel_matrix(line_network, origins, destinations, engine=e) for e in ENGINES]
        for other in matrices[1:]:
            assert np.array_equal(matrices[0].travel_time_s, other.travel_time_s)
            assert np.array_equal(matrices[0].length_m, other.length_m)


def test_unknown_engine(line_network):
    """Only the named engines exist."""
    with pytest.raises(ValueError, match="Unknown engine"):
        travel_matrix(line_network, snap_points(line_network, LON, LAT), engine="magic")


def test_road_graph_in_seconds(line_network):
    """The node-to-node graph holds each street's time in seconds (100 s for 1,000 m)."""
    from roster.geo.matrix import road_graph_s

    graph = road_graph_s(line_network).toarray()
    assert graph[0, 1] == 100 and graph[1, 0] == 100
    assert graph[1, 2] == 50 and graph[2, 1] == 0  # one-way B -> C


def test_one_destination_from_many_origins_matches_the_hierarchy(its_drive):
    """A column for 200 origins (searched backwards by default) equals the hierarchy's own."""
    rng = np.random.default_rng(1)
    pick = rng.integers(0, its_drive.n_nodes, 200)
    lon = its_drive.node_lon[pick] + rng.normal(0, 2e-4, 200)
    lat = its_drive.node_lat[pick] + rng.normal(0, 2e-4, 200)
    snapped = snap_points(its_drive, lon, lat)
    column = travel_matrix(its_drive, snapped, snapped.take([0]))
    forced = travel_matrix(its_drive, snapped, snapped.take([0]), engine="hierarchy")
    assert np.array_equal(column.travel_time_s, forced.travel_time_s)
    assert np.array_equal(column.length_m, forced.length_m)
