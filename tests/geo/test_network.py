"""Tests for roster.geo.network: reading OSM extracts, speeds, connectivity and the cache."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from helpers import ITS_EXAMPLE, line_graph, offline, osm_as_place
from pyproj import Transformer
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from roster.data import LEEDS_PBF, RUTLAND_PBF
from roster.errors import NetworkError
from roster.geo.network import (
    MPH_TO_KPH,
    Clip,
    SpeedModel,
    _parse_maxspeed_mph,
    load_network,
    network_from_graph,
)


def _strongly_connected(network) -> bool:
    """Whether every node of the network reaches every other along its directed edges."""
    n = network.n_nodes
    edges = coo_array((np.ones(network.n_edges), (network.edge_u, network.edge_v)), shape=(n, n))
    return connected_components(edges, directed=True, connection="strong")[0] == 1


@pytest.mark.parametrize(
    ("maxspeed", "mph"),
    [
        ("30 mph", 30.0),
        ("20mph", 20.0),
        ("48", 48 / MPH_TO_KPH),
        ("50 km/h", 50 / MPH_TO_KPH),
        ("national", 60.0),
        ("GB:nsl_dual", 70.0),
        (["30 mph", "40 mph"], 35.0),
        ("variable", None),
        (None, None),
    ],
)
def test_parse_maxspeed(maxspeed, mph):
    """UK maxspeed tags read as mph: numbers are km/h unless marked mph, keywords map to limits."""
    parsed = _parse_maxspeed_mph(maxspeed)
    assert parsed == (None if mph is None else pytest.approx(mph))


def test_speed_model_urban_and_rural_factors():
    """A 30 mph road runs at the urban factor (DfT 18.4 of 30 mph), a 60 mph road at the rural."""
    speeds = SpeedModel()
    assert speeds.drive_kph("residential", "30 mph") == pytest.approx(30 * 0.61 * MPH_TO_KPH)
    assert speeds.drive_kph("primary", "60 mph") == pytest.approx(60 * 0.75 * MPH_TO_KPH)
    # no maxspeed: the class default (unclassified 30 mph) applies
    assert speeds.drive_kph("unclassified", None) == pytest.approx(30 * 0.61 * MPH_TO_KPH)
    assert speeds.drive_kph(["trunk", "primary"], None) == pytest.approx(60 * 0.75 * MPH_TO_KPH)


@pytest.mark.parametrize("factor", [0.0, 1.5, -0.1])
def test_speed_model_rejects_factor_out_of_range(factor):
    """A congestion factor must be a share of the limit in (0, 1]."""
    with pytest.raises(ValueError, match="urban_factor"):
        SpeedModel(urban_factor=factor)


def test_network_from_graph_times_and_strong_connectivity(line_network):
    """The line graph keeps all three junctions and its times are length / 10 m/s."""
    net = line_network
    assert net.n_nodes == 3 and net.n_edges == 5
    assert sorted(net.edge_time_ms.tolist()) == [50_000, 100_000, 100_000, 300_000, 300_000]
    assert net.edge_length_dm.sum() == 10 * (1000 + 1000 + 500 + 3000 + 3000)
    # the one-way B->C street has no twin; A<->B does
    one_way = int(np.flatnonzero(net.edge_time_ms == 50_000)[0])
    assert net.edge_twin[one_way] == -1
    a_to_b = int(np.flatnonzero((net.edge_u == 0) & (net.edge_v == 1))[0])
    assert net.edge_v[net.edge_twin[a_to_b]] == 0


def test_network_drops_nodes_outside_largest_strongly_connected_component():
    """A dead-end one-way spur (reachable but with no way back) is dropped."""
    graph = line_graph()
    graph.add_node(9, x=-0.70, y=52.67)
    graph.add_edge(3, 9, length=100.0, highway="residential")
    net = network_from_graph(graph, "drive")
    assert 9 not in net.node_ids.tolist()
    assert _strongly_connected(net)


@pytest.mark.parametrize("mode", ["drive", "walk"])
def test_load_extract_and_cache(tmp_path, mode):
    """A PBF extract loads for both modes, is strongly connected, and the cache gives the same."""
    first = load_network(ITS_EXAMPLE, mode, cache_dir=tmp_path)
    assert first.n_nodes > 10
    assert _strongly_connected(first)
    assert len(list(tmp_path.glob(f"*-{mode}-*.npz"))) == 1
    second = load_network(ITS_EXAMPLE, mode, cache_dir=tmp_path)
    assert np.array_equal(first.node_ids, second.node_ids)
    assert np.array_equal(first.edge_time_ms, second.edge_time_ms)


def test_walk_network_is_symmetric(tmp_path):
    """Walkers use every way in both directions, so each walk edge has a twin of equal time."""
    net = load_network(ITS_EXAMPLE, "walk", cache_dir=tmp_path)
    assert (net.edge_twin >= 0).all()
    # a road's two directions may differ by rounding (0.1 m), so by under a tenth of a second
    assert np.abs(net.edge_time_ms[net.edge_twin] - net.edge_time_ms).max() <= 100
    walked = net.edge_length_dm / 10 / (net.edge_time_ms / 1000)
    assert np.allclose(walked, 4.8 / 3.6, rtol=0.01, atol=0.01)


def test_cache_key_changes_with_settings(tmp_path):
    """Different speed settings are cached apart, and a corrupt cache is rebuilt, not trusted."""
    load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path)
    slow = load_network(ITS_EXAMPLE, "drive", SpeedModel(urban_factor=0.3), cache_dir=tmp_path)
    caches = sorted(tmp_path.glob("*.npz"))
    assert len(caches) == 2
    for cache in caches:
        cache.write_bytes(b"not a cache")
    again = load_network(ITS_EXAMPLE, "drive", SpeedModel(urban_factor=0.3), cache_dir=tmp_path)
    assert np.array_equal(again.edge_time_ms, slow.edge_time_ms)
    rebuilt = [p for p in caches if p.read_bytes() != b"not a cache"]
    assert len(rebuilt) == 1
    with np.load(rebuilt[0]) as data:
        assert np.array_equal(data["edge_time_ms"], slow.edge_time_ms)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.osm.pbf", None, "not found"),
        ("empty.osm.pbf", b"", "empty"),
        ("garbage.osm.pbf", b"this is not a protocol buffer" * 10, "cannot read"),
        ("garbage.osm", b"<html>not osm</html>", "cannot read|no drive roads"),
    ],
)
def test_bad_osm_files_name_the_file(tmp_path, name, content, message):
    """A missing, empty or unreadable OSM file is a NetworkError that names the file."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NetworkError, match=message) as error:
        load_network(path, "drive", cache_dir=tmp_path / "cache")
    assert error.value.file == str(path)


def test_unknown_mode_is_an_error():
    """Only drive and walk exist."""
    with pytest.raises(NetworkError, match="unknown travel mode 'cycle'"):
        load_network(ITS_EXAMPLE, "cycle")


def test_rutland_extract_embedded(rutland_networks):
    """The embedded Rutland extract builds a drive network of the size the design measured."""
    net = rutland_networks["drive"]
    assert net.source == str(RUTLAND_PBF)
    assert net.n_nodes == 2661
    assert math.isclose(net.length_km, 1266, rel_tol=0.01)


def _inside_length_m(network, box) -> float:
    """Metres of road (each direction counted) inside a box, measured in the network's CRS."""
    return float(shapely.length(shapely.intersection(network.edge_geometry_m, box)).sum())


def test_clip_keeps_the_roads_inside_and_drops_the_rest(tmp_path):
    """Leeds centre clipped to its west half plus 200 m: roads beyond gone, roads inside kept.

    Every node and every point of every road shape lies inside the grown outline, while the
    whole extract reaches well beyond it; the roads inside the outline itself keep (almost) all
    their length (the largest strongly connected part may lose a dead end cut at the edge).
    """
    whole = load_network(LEEDS_PBF, "drive", cache_dir=tmp_path)
    middle = float(np.median(whole.node_lon))
    west = shapely.box(-2.0, 53.0, middle, 54.0)
    clip = Clip.around("the west half", west, buffer_m=200)
    clipped = load_network(LEEDS_PBF, "drive", cache_dir=tmp_path, clip=clip)

    assert clipped.clip == clip and whole.clip is None
    assert not shapely.contains_xy(clip.polygon, whole.node_lon, whole.node_lat).all()
    assert shapely.contains_xy(clip.polygon, clipped.node_lon, clipped.node_lat).all()
    coords = shapely.get_coordinates(clipped.edge_geometry)
    assert shapely.contains_xy(clip.polygon, coords[:, 0], coords[:, 1]).all()
    assert 0.3 * whole.n_nodes < clipped.n_nodes < 0.8 * whole.n_nodes
    assert _strongly_connected(clipped)
    west_m = shapely.transform(west, clipped._project, interleaved=False)
    assert _inside_length_m(clipped, west_m) >= 0.97 * _inside_length_m(whole, west_m)

    again = load_network(LEEDS_PBF, "drive", cache_dir=tmp_path, clip=clip)  # from the cache
    assert again.clip == clip and np.array_equal(again.node_ids, clipped.node_ids)
    assert len(list(tmp_path.glob("*.npz"))) == 2  # the clip is part of the key


def test_clip_that_no_road_reaches_is_not_applied(tmp_path):
    """A clip 50 km away from the extract leaves the network whole (and says it is not clipped)."""
    far = Clip.around("somewhere else", shapely.box(-2.5, 53.3, -2.4, 53.4), buffer_m=1000)
    network = load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path, clip=far)
    whole = load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path)
    assert network.clip is None
    assert np.array_equal(network.node_ids, whole.node_ids)


def test_clip_polygon_grows_the_outline_by_the_buffer():
    """A 1 km square grown by 500 m: 2 km across, with rounded corners (in metres, via UTM)."""
    square_m = shapely.box(500_000, 5_960_000, 501_000, 5_961_000)  # UTM 30N, near Leeds
    there = Transformer.from_crs("EPSG:32630", "EPSG:4326", always_xy=True)
    square = shapely.transform(square_m, there.transform, interleaved=False)
    clip = Clip.around("a square", square, buffer_m=500)
    back = Transformer.from_crs("EPSG:4326", "EPSG:32630", always_xy=True)
    grown = shapely.transform(clip.polygon, back.transform, interleaved=False)
    x0, y0, x1, y1 = shapely.bounds(grown)
    assert (x1 - x0, y1 - y0) == (pytest.approx(2000, abs=2), pytest.approx(2000, abs=2))
    assert shapely.area(grown) == pytest.approx(1e6 + 4 * 500 * 1000 + math.pi * 500**2, rel=0.01)
    assert Clip.from_json(clip.to_json()) == clip and Clip.from_json(None) is None


def _edge_twin_loop(network) -> np.ndarray:
    """Return the edge twins as the Python loop before vectorising found them (the reference)."""
    first: dict[tuple[int, int, int], int] = {}
    for e, key in enumerate(
        zip(network.edge_u, network.edge_v, network.edge_length_dm, strict=True)
    ):
        first.setdefault(tuple(int(k) for k in key), e)
    twin = np.full(network.n_edges, -1, dtype=np.int64)
    for e, (u, v, length) in enumerate(
        zip(network.edge_u, network.edge_v, network.edge_length_dm, strict=True)
    ):
        for near in (length, length - 1, length + 1):
            match = first.get((int(v), int(u), int(near)))
            if match is not None:
                twin[e] = match
                break
    return twin


def test_edge_twins_match_the_loop(its_drive, line_network):
    """The vectorised twins equal the old loop's, on real streets and on awkward lengths.

    The awkward copy of the ITS streets has one-way edges, reverse edges 1 dm longer or
    shorter, and parallel edges of the same road (the lowest index wins); one edge of 2**53 dm
    makes the keys too wide for node pairs as they are, so they are numbered first.
    """
    import dataclasses

    rng = np.random.default_rng(5)
    awkward = dataclasses.replace(
        its_drive, edge_length_dm=its_drive.edge_length_dm + rng.integers(-1, 2, its_drive.n_edges)
    )
    doubled = dataclasses.replace(
        line_network,
        edge_u=np.concatenate([line_network.edge_u, line_network.edge_u]),
        edge_v=np.concatenate([line_network.edge_v, line_network.edge_v]),
        edge_length_dm=np.concatenate([line_network.edge_length_dm] * 2),
    )
    huge = dataclasses.replace(
        its_drive,
        edge_length_dm=np.where(np.arange(its_drive.n_edges) == 3, 2**53, its_drive.edge_length_dm),
    )
    for network in (its_drive, line_network, awkward, doubled, huge):
        expected = _edge_twin_loop(network)
        assert np.array_equal(network.edge_twin, expected)
    assert (awkward.edge_twin >= 0).sum() < (its_drive.edge_twin >= 0).sum()  # some lost twins
    assert (doubled.edge_twin < line_network.n_edges).all()  # the first copy's edges


def _same_roads(a, b) -> bool:
    """Whether two networks have the same nodes and edges, in the same order."""
    names = ("node_ids", "edge_u", "edge_v", "edge_time_ms", "edge_length_dm")
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in names)


def test_place_name_downloads_once_and_matches_the_extract(monkeypatch, tmp_path):
    """A place name gives the roads OSMnx downloads for it, as the same extract gives them.

    OSMnx answers from the ITS extract here (no internet); the network, whole or clipped to
    its west half, equals the extract's, and a second load comes from the cache.
    """
    calls = osm_as_place(monkeypatch, ITS_EXAMPLE, tmp_path)
    by_place = load_network("Leeds ITS, England", "drive", cache_dir=tmp_path)
    from_file = load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path)
    assert by_place.n_nodes == 23 and _same_roads(by_place, from_file)
    assert by_place.source == "Leeds ITS, England" and calls["graph"] == 1
    again = load_network("Leeds ITS, England", "drive", cache_dir=tmp_path)
    assert calls["graph"] == 1 and _same_roads(again, by_place)

    west = shapely.box(-2.0, 53.0, float(np.median(from_file.node_lon)), 54.0)
    clip = Clip.around("the west half", west, buffer_m=20)
    clipped_place = load_network("Leeds ITS, England", "drive", cache_dir=tmp_path, clip=clip)
    clipped_file = load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path, clip=clip)
    assert clipped_place.clip == clip and clipped_place.n_nodes < by_place.n_nodes
    assert _same_roads(clipped_place, clipped_file)


def test_place_name_offline_is_one_line_naming_the_download(monkeypatch, tmp_path):
    """Offline, a place name is a NetworkError of one line.

    It says what could not be downloaded, for which place, and to pass a local extract.
    """
    offline(monkeypatch)
    with pytest.raises(NetworkError) as caught:
        load_network("Leeds, England", "walk", cache_dir=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert "cannot download the walk roads for 'Leeds, England'" in message
    assert "ConnectionError" in message and "--area EXTRACT.osm.pbf" in message
    assert not list(tmp_path.glob("*.npz"))
