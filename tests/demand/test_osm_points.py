"""Tests for roster.demand.osm_points: buildings and places read from small OSM extracts."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ITS_EXAMPLE, offline, osm_as_place

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


def _sorted(points) -> list[tuple[float, float, str, str]]:
    """Return the points as rows in lon/lat order (a download need not keep the file's)."""
    rows = zip(points.lon.round(7), points.lat.round(7), points.kind, points.name, strict=True)
    return sorted(rows)


#: Two settlements and a farmhouse's outline, as OSM XML a person can read.
HAMLETS = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
<node id="1" lat="52.6705" lon="-0.7266"><tag k="place" v="town"/><tag k="name" v="Oakham"/></node>
<node id="2" lat="52.6280" lon="-0.5536"><tag k="place" v="village"/>
<tag k="name" v="Ketton"/></node>
<node id="3" lat="52.6300" lon="-0.5500"><tag k="place" v="hamlet"/></node>
<node id="11" lat="52.6000" lon="-0.6000"/><node id="12" lat="52.6000" lon="-0.5998"/>
<node id="13" lat="52.6001" lon="-0.5998"/><node id="14" lat="52.6001" lon="-0.6000"/>
<way id="21"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
<tag k="building" v="farm"/></way>
</osm>
"""


def test_place_name_downloads_buildings_and_places_as_the_extract_has_them(monkeypatch, tmp_path):
    """A place name's buildings and places are the extract's own, downloaded once and cached.

    OSMnx answers from the ITS extract (33 small untyped buildings, 14 terraces ...) and from a
    hand-written one with a town, a village, a hamlet and a farmhouse; every setting filters a
    download as it filters the file.
    """
    calls = osm_as_place(monkeypatch, ITS_EXAMPLE, tmp_path)
    for types, limit in ((("house",), 1e9), (("terrace", "residential"), 0.0)):
        got = residential_buildings("ITS, Leeds", types, limit, cache_dir=tmp_path)
        assert _sorted(got) == _sorted(residential_buildings(ITS_EXAMPLE, types, limit))
    assert len(residential_buildings("ITS, Leeds", ("house",), 1e9, tmp_path)) == 33
    assert calls["features"] == 1  # the second and third reads came from the cache

    hamlets = tmp_path / "hamlets.osm"
    hamlets.write_text(HAMLETS, encoding="utf-8")
    osm_as_place(monkeypatch, hamlets, tmp_path)
    towns = places("Hamlets, Rutland", ("town", "village"), cache_dir=tmp_path)
    assert _sorted(towns) == _sorted(places(hamlets, ("town", "village")))
    assert sorted(towns.name) == ["Ketton", "Oakham"]
    farm = residential_buildings("Hamlets, Rutland", ("farm",), 250, cache_dir=tmp_path)
    assert _sorted(farm) == _sorted(residential_buildings(hamlets, ("farm",), 250))
    assert len(farm) == 1


def test_place_name_offline_is_one_line(monkeypatch, tmp_path):
    """Offline, a place's buildings are an InputError of one line naming them and the way out."""
    offline(monkeypatch)
    with pytest.raises(InputError) as caught:
        residential_buildings("Leeds, England", ("house",), 250, cache_dir=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert "cannot download the buildings for 'Leeds, England'" in message
    assert "--area EXTRACT.osm.pbf" in message
