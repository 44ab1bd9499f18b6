"""Tests for demand.placement: homes at buildings where mapped, else on residential streets."""

from __future__ import annotations

import numpy as np
import shapely

from roster.demand.placement import near_network, place_homes

# A box around the line network's A-B-C street (52.67 N, -0.73 to -0.71), not reaching the lane.
BOX = shapely.box(-0.735, 52.665, -0.705, 52.675)


def test_near_network(line_network):
    """A point on the street is near; one 2 km north is not (limit 500 m)."""
    mask = near_network(line_network, np.array([-0.72, -0.72]), np.array([52.67, 52.688]), 500.0)
    assert mask.tolist() == [True, False]


def test_street_points_when_no_buildings(line_network):
    """With no buildings, every home lies on a street inside the small area."""
    homes = place_homes(
        line_network,
        np.array([BOX]),
        np.array([20]),
        np.array([10.0]),
        np.array([]),
        np.array([]),
        1,
    )
    assert len(homes) == 20 and not homes.at_building.any()
    np.testing.assert_allclose(homes.lat, 52.67, atol=1e-9)
    assert shapely.contains_xy(BOX, homes.lon, homes.lat).all()


def test_buildings_used_when_they_cover_households(line_network):
    """With as many buildings as households, homes are distinct buildings."""
    lon = np.linspace(-0.729, -0.711, 10)
    lat = np.full(10, 52.6705)
    homes = place_homes(line_network, np.array([BOX]), np.array([6]), np.array([10.0]), lon, lat, 2)
    assert homes.at_building.all()
    assert len(set(homes.lon)) == 6


def test_same_seed_same_homes(line_network):
    """The same seed places the same homes."""
    args = (line_network, np.array([BOX]), np.array([5]), np.array([4.0]))
    lon, lat = np.array([-0.72, -0.715]), np.array([52.6702, 52.6702])
    first, second = place_homes(*args, lon, lat, 7), place_homes(*args, lon, lat, 7)
    np.testing.assert_array_equal(first.lon, second.lon)
