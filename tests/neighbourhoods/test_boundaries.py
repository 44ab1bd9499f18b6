"""Tests for neighbourhoods.boundaries: polygons, files and drawn boundaries."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from numpy.testing import assert_array_equal
from shapely.geometry import Point, box

from neighbourhoods.adjacency import recipient_adjacency, road_node_labels
from neighbourhoods.boundaries import (
    assign_recipients,
    label_polygons,
    neighbourhood_polygons,
    polygon_of,
    read_boundaries,
    unit_adjacency,
    with_quality,
)
from neighbourhoods.errors import BoundaryError
from neighbourhoods.quality import evaluate
from neighbourhoods.synthetic import grid_road_graph, travel_time_matrix

BNG = "EPSG:27700"  # British National Grid, in metres
ORIGIN = np.array([490_000.0, 305_000.0])  # near Oakham


@pytest.fixture(scope="module")
def banks():
    """Label a 6x6 grid (200 m spacing, near Oakham) by river bank; build polygons and report."""
    graph, xy = grid_road_graph(6, 6, river_after_column=2, bridge_rows=(0,))
    nodes = np.arange(36)
    labels = (nodes % 6 >= 3).astype(np.int64)
    report = evaluate(
        travel_time_matrix(graph, nodes),
        labels,
        recipient_adjacency(graph, nodes),
        np.full(36, 7.0),
    )
    node_labels = road_node_labels(graph, nodes, labels)
    polygons = label_polygons(xy + ORIGIN, node_labels, crs=BNG, margin_m=100)
    return xy + ORIGIN, labels, report, polygons


def test_polygons_tile_the_area(banks):
    """Two polygons, no overlap, covering the grid plus its margin, each holding its nodes."""
    xy, labels, _, polygons = banks
    metric = polygons.to_crs(BNG)
    west, east = metric.geometry
    assert list(polygons["neighbourhood"]) == [0, 1]
    assert west.intersection(east).area < 1e-3
    assert (west.area + east.area) / 1e6 == pytest.approx(
        shapely.MultiPoint(xy).convex_hull.buffer(100).area / 1e6, rel=1e-6
    )
    assert all(metric.geometry[label].covers(Point(p)) for p, label in zip(xy, labels, strict=True))


def test_homes_lie_in_their_own_neighbourhood():
    """Homes set off the street still fall inside their own neighbourhood's polygon."""
    graph, xy = grid_road_graph(6, 6, river_after_column=2, bridge_rows=(0,))
    nodes = np.arange(36)
    labels = (nodes % 6 >= 3).astype(np.int64)
    homes = xy + ORIGIN + [150, 60]  # nearer the next node east: across the river for column 2
    polygons = neighbourhood_polygons(graph, xy + ORIGIN, nodes, homes, labels, crs=BNG)
    found = assign_recipients(polygons.assign(name=polygons["neighbourhood"]), homes, crs=BNG)
    assert_array_equal(polygons["neighbourhood"].to_numpy()[found], labels)


def test_quality_attributes(banks):
    """Attributes: 18 recipients and 126 hours each, area, drive times, carers inside."""
    _, _, report, polygons = banks
    carers = np.array([[0, 0], [1000, 0], [1000, 1000]]) + ORIGIN
    frame = with_quality(polygons, report, carer_xy=carers, crs=BNG)
    assert list(frame["recipients"]) == [18, 18]
    assert list(frame["care_hours_weekly"]) == [126.0, 126.0]
    assert list(frame["carers"]) == [1, 2]
    assert frame["contiguous"].all()
    assert frame["area_km2"].sum() == pytest.approx(1.0 * 1.0 + 4 * 1.0 * 0.1 + np.pi * 0.01, 0.01)


@pytest.fixture
def squares(tmp_path):
    """Write two 1 km squares side by side (west, east) and an overlapping one, in BNG."""
    x, y = ORIGIN
    frame = gpd.GeoDataFrame(
        {"ward_name": ["West", "East", "Middle"]},
        geometry=[
            box(x, y, x + 1000, y + 1000),
            box(x + 1000, y, x + 2000, y + 1000),
            box(x + 500, y, x + 1500, y + 1000),
        ],
        crs=BNG,
    )
    path = tmp_path / "drawn.gpkg"
    frame.to_file(path)
    return path


def test_drawn_boundaries_are_reprojected_and_named(squares):
    """Reading guesses the name field and returns longitude and latitude."""
    drawn = read_boundaries(squares)
    assert list(drawn["name"]) == ["West", "East", "Middle"]
    assert drawn.crs == "EPSG:4326"
    assert -1 < drawn.geometry[0].centroid.x < 0 and 52 < drawn.geometry[0].centroid.y < 53


def test_recipients_are_assigned(squares):
    """West and east recipients go to their squares; one on the shared border to the first."""
    drawn = read_boundaries(squares).iloc[:2]
    homes = np.array([[100, 500], [1900, 500], [1000, 500]]) + ORIGIN
    assert_array_equal(assign_recipients(drawn, homes, crs=BNG), [0, 1, 0])


def test_assignment_errors_list_every_problem(squares):
    """Outside, overlapping and empty are all named in one BoundaryError."""
    drawn = read_boundaries(squares)
    homes = np.array([[100, 500], [700, 500], [5000, 5000]]) + ORIGIN
    with pytest.raises(BoundaryError) as caught:
        assign_recipients(drawn, homes, ids=np.array(["r1", "r2", "r3"]), crs=BNG, file="x.gpkg")
    error = caught.value
    assert (error.outside, error.overlapping, error.empty) == (("r3",), ("r2",), ("East",))
    assert str(error).startswith("x.gpkg: recipients outside every polygon (1): r3;")


def test_file_without_crs_is_rejected(tmp_path):
    """A GeoJSON without a CRS cannot be placed, and says so."""
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]).to_file(path)
    with pytest.raises(BoundaryError, match="no coordinate reference system"):
        read_boundaries(path)


def test_points_are_not_boundaries(tmp_path):
    """Point features raise a BoundaryError naming them."""
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"name": ["Oakham"]}, geometry=[Point(-0.7, 52.7)], crs=4326).to_file(path)
    with pytest.raises(BoundaryError, match=r"Oakham \(Point\)"):
        read_boundaries(path)


def test_unknown_name_field_is_rejected(squares):
    """Asking for a field the file lacks lists the fields it has."""
    with pytest.raises(BoundaryError, match="no field 'ward'"):
        read_boundaries(squares, name_field="ward")


def test_unit_adjacency_of_a_row_of_squares():
    """Three squares in a row: each touches its neighbours only."""
    units = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)])
    assert_array_equal(unit_adjacency(units).toarray(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_polygon_of_finds_each_points_first_polygon():
    """A point in the west square is in 0, one on the shared border in 0 (first), one outside -1."""
    squares = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs="EPSG:4326"
    )
    found = polygon_of(squares, np.array([[0.5, 0.5], [1.0, 0.5], [1.5, 0.5], [3.0, 0.5]]))
    assert found.tolist() == [0, 0, 1, -1]
    assert polygon_of(squares, np.zeros((0, 2))).tolist() == []
