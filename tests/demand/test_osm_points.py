"""Tests for roster.demand.osm_points: buildings and places read from small OSM extracts."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ITS_EXAMPLE

from roster.data import RUTLAND_PBF
from roster.demand.osm_points import places, residential_buildings
from roster.errors import InputError


def test_buildings_filter_by_type_and_footprint():
    """Typed homes are kept; ``building=yes`` only when small; a 0 m2 limit drops all of them."""
    all_small = residential_buildings(ITS_EXAMPLE, ("house",), 1e9)
    none_untyped = residential_buildings(ITS_EXAMPLE, ("house",), 0.0)
    assert len(all_small) > len(none_untyped)
    assert set(none_untyped.kind) <= {"house"}
    assert np.all((all_small.lon > -1.57) & (all_small.lon < -1.54))


def test_rutland_towns():
    """Rutland's two towns are Oakham and Uppingham."""
    towns = places(RUTLAND_PBF, ("town",))
    assert sorted(towns.name) == ["Oakham", "Uppingham"]


def test_missing_file():
    """A missing extract is an InputError."""
    with pytest.raises(InputError, match="not found"):
        places("nope.osm.pbf", ("town",))
