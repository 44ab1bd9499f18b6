"""Tests for roster.geo.snapping: nearest road edge, position along it, and the access leg."""

from __future__ import annotations

import numpy as np
import pytest

from roster.errors import InputError
from roster.geo.snapping import snap_points


def test_snaps_to_position_along_edge(line_network):
    """A point a quarter of the way from A to B, on the road, sits at fraction 0.25 of A-B."""
    snapped = snap_points(line_network, [-0.7275], [52.67])
    net = line_network
    edge = int(snapped.edge[0])
    # either direction of the A-B street, with the fraction measured along that direction
    along_ab = snapped.fraction[0] if net.edge_u[edge] == 0 else 1 - snapped.fraction[0]
    assert {int(net.edge_u[edge]), int(net.edge_v[edge])} == {0, 1}
    assert along_ab == pytest.approx(0.25, abs=1e-6)
    assert snapped.access_m[0] == 0 and snapped.access_s[0] == 0
    assert snapped.twin[0] >= 0


def test_access_leg_is_walked(line_network):
    """A door 100 m north of the street keeps a 100 m access leg, walked at 4.8 km/h (75 s)."""
    north_100m = 52.67 + 100 / 111_200
    snapped = snap_points(line_network, [-0.725], [north_100m])
    assert snapped.access_m[0] == pytest.approx(100, abs=1)
    assert snapped.access_s[0] == pytest.approx(75, abs=1)


def test_far_point_error_names_id_file_and_row(line_network):
    """A point beyond the snap limit is an InputError naming the point, file and row."""
    lon = [-0.72, -0.72]
    lat = [52.67, 52.70]  # the second is about 3.3 km north of every road
    with pytest.raises(InputError, match="'R2'.*beyond the 500 m limit") as error:
        snap_points(line_network, lon, lat, ids=["R1", "R2"], file="recipients.csv", rows=[2, 3])
    assert (error.value.file, error.value.row, error.value.field) == (
        "recipients.csv",
        3,
        "lon/lat",
    )
    # a larger limit accepts it
    assert len(snap_points(line_network, lon, lat, max_distance_m=5000)) == 2


def test_nan_coordinates_rejected(line_network):
    """NaN coordinates are an error naming the point."""
    with pytest.raises(InputError, match="point 1 has no valid coordinates"):
        snap_points(line_network, [-0.72, np.nan], [52.67, 52.67])


def test_take_keeps_order(line_network):
    """take() returns the chosen points in the order asked."""
    snapped = snap_points(line_network, [-0.7275, -0.715], [52.67, 52.67])
    taken = snapped.take([1, 0])
    assert taken.edge.tolist() == snapped.edge[[1, 0]].tolist()
    assert taken.fraction.tolist() == snapped.fraction[[1, 0]].tolist()


def test_nearest_nodes(line_network):
    """A point a quarter of the way from A to B is nearest A; three quarters, nearest B."""
    from roster.geo.snapping import nearest_nodes

    snapped = snap_points(line_network, [-0.7275, -0.7225], [52.67, 52.67])
    assert nearest_nodes(line_network, snapped).tolist() == [0, 1]


def test_far_point_error_names_its_own_file(line_network):
    """With one file per point (recipients, then carers), the error names the point's file."""
    lon, lat = [-0.7275, -0.7275], [52.67, 52.9]
    files = ["recipients.csv", "carers.csv"]
    with pytest.raises(InputError) as caught:
        snap_points(line_network, lon, lat, ids=["r1", "c1"], file=files, rows=[2, 2])
    assert (caught.value.file, caught.value.row) == ("carers.csv", 2)
    assert "'c1'" in str(caught.value)
