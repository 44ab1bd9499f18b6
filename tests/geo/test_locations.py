"""Tests for geo.locations: a run's homes and travel saved and read back unchanged."""

from __future__ import annotations

import numpy as np

from roster.geo.locations import Locations, load_locations, save_locations
from roster.geo.matrix import travel_matrix
from roster.geo.snapping import snap_points


def test_saved_locations_read_back_as_they_were(line_network, tmp_path):
    """Snapped points and matrices survive the .npz file exactly, ids and coordinates too."""
    lon, lat = np.array([-0.725, -0.715, -0.73]), np.array([52.67] * 3)
    points = snap_points(line_network, lon, lat)
    matrix = travel_matrix(line_network, points)
    saved = Locations(
        ("r1", "r2", "c1"),
        lon,
        lat,
        {"drive": line_network},
        {"drive": points},
        {"drive": matrix.travel_time_s.astype(np.int32)},
        {"drive": matrix.length_m.astype(np.int32)},
    )
    back = load_locations(save_locations(tmp_path / "travel.npz", saved), {"drive": line_network})
    assert back.ids == saved.ids and back.networks["drive"] is line_network
    assert np.array_equal(back.lon, lon) and np.array_equal(back.lat, lat)
    assert np.array_equal(back.travel_time_s["drive"], saved.travel_time_s["drive"])
    assert np.array_equal(back.length_m["drive"], saved.length_m["drive"])
    for name in ("edge", "twin", "fraction", "access_m", "access_s"):
        assert np.array_equal(getattr(back.snapped["drive"], name), getattr(points, name))
