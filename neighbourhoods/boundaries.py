"""Geometry adapter: neighbourhood polygons, and reading a commissioner's drawn boundaries."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse

from neighbourhoods.adjacency import road_node_labels
from neighbourhoods.errors import BoundaryError
from neighbourhoods.quality import QualityReport

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"


def neighbourhood_polygons(
    road_graph: sparse.sparray,
    node_xy: np.ndarray,
    recipient_node: np.ndarray,
    recipient_xy: np.ndarray,
    labels: np.ndarray,
    *,
    area: shapely.Geometry | None = None,
    crs: str = WGS84,
) -> gpd.GeoDataFrame:
    """Draw one polygon per neighbourhood that holds each of its recipients' homes.

    Road nodes take the label of their nearest recipient by drive time, and the Voronoi
    cells of homes and road nodes are dissolved by label, so boundaries follow the road
    network's split and every home lies in its own neighbourhood (unless two homes at the
    same point belong to different neighbourhoods).

    Parameters
    ----------
    road_graph
        Square sparse matrix of edge travel times over road nodes.
    node_xy
        Road node coordinates, shape (m, 2), in ``crs``.
    recipient_node
        Road node of each recipient.
    recipient_xy
        Home coordinates of each recipient, shape (n, 2), in ``crs``.
    labels
        Neighbourhood label of each recipient.
    area
        Outline to cover, in ``crs``; see ``label_polygons``.
    crs
        Coordinate reference system of the coordinates and the area.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``neighbourhood`` and ``geometry``, in EPSG:4326.
    """
    node_labels = road_node_labels(road_graph, recipient_node, labels)
    return label_polygons(
        np.r_[np.asarray(recipient_xy), np.asarray(node_xy)],
        np.r_[np.asarray(labels), node_labels],
        area=area,
        crs=crs,
    )


def label_polygons(
    xy: np.ndarray,
    labels: np.ndarray,
    *,
    area: shapely.Geometry | None = None,
    crs: str = WGS84,
    margin_m: float = 500.0,
) -> gpd.GeoDataFrame:
    """Dissolve the Voronoi cells of labelled points (road nodes) into one polygon per label.

    The cells tile the area, so the polygons never overlap and leave no gap inside it.
    Where several points share coordinates, the first one's label wins.

    Parameters
    ----------
    xy
        Point coordinates, shape (m, 2), in ``crs`` (longitude, latitude by default).
    labels
        Neighbourhood label of each point; points labelled -1 are left out.
    area
        Outline to cover, in ``crs``; defaults to the convex hull of the points widened by
        ``margin_m``.
    crs
        Coordinate reference system of ``xy`` and ``area``.
    margin_m
        Width of the margin around the points when no area is given, in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``neighbourhood`` and ``geometry``, in EPSG:4326.
    """
    xy = np.asarray(xy, dtype=np.float64)
    labels = np.asarray(labels)
    if xy.ndim != 2 or xy.shape[1] != 2 or labels.shape != (len(xy),):
        raise ValueError("xy must be (m, 2) with one label per point.")
    keep = labels >= 0
    if not keep.any():
        raise ValueError("no point carries a neighbourhood label.")
    points = gpd.GeoSeries(gpd.points_from_xy(xy[keep, 0], xy[keep, 1]), crs=crs)
    metric = _metric_crs(points)
    points = points.to_crs(metric)
    coords, first = np.unique(shapely.get_coordinates(points.values), axis=0, return_index=True)
    outline = (
        points.union_all().convex_hull.buffer(margin_m)
        if area is None
        else gpd.GeoSeries([area], crs=crs).to_crs(metric).iloc[0]
    )
    if len(coords) > 1:
        cells = list(
            shapely.voronoi_polygons(
                shapely.MultiPoint(coords), extend_to=outline, ordered=True
            ).geoms
        )
    else:
        cells = [outline]
    frame = gpd.GeoDataFrame(
        {"neighbourhood": labels[keep][first]},
        geometry=shapely.intersection(np.array(cells), outline),
        crs=metric,
    )
    frame = frame[~frame.geometry.is_empty]
    return frame.dissolve(by="neighbourhood", as_index=False).to_crs(WGS84)


def with_quality(
    polygons: gpd.GeoDataFrame,
    report: QualityReport,
    *,
    carer_xy: np.ndarray | None = None,
    crs: str = WGS84,
) -> gpd.GeoDataFrame:
    """Attach the quality figures, area and carers living inside to neighbourhood polygons.

    Parameters
    ----------
    polygons
        One row per neighbourhood with a ``neighbourhood`` column holding its label.
    report
        Quality report over the same labels.
    carer_xy
        Home coordinates of carers, shape (c, 2), in ``crs``; adds a ``carers`` column.
    crs
        Coordinate reference system of ``carer_xy``.

    Returns
    -------
    geopandas.GeoDataFrame
        The polygons with columns recipients, care_hours_weekly, area_km2, mean_drive_s,
        p95_drive_s, diameter_s, contiguous (and carers).
    """
    quality = {item.label: item for item in report.neighbourhoods}
    missing = sorted(set(polygons["neighbourhood"]) - set(quality))
    if missing:
        raise ValueError(f"the report has no figures for neighbourhoods {missing}.")
    rows = [quality[label] for label in polygons["neighbourhood"]]
    frame = polygons.copy()
    frame["recipients"] = [row.recipients for row in rows]
    frame["care_hours_weekly"] = [round(row.care_hours, 2) for row in rows]
    frame["area_km2"] = (frame.geometry.to_crs(_metric_crs(frame.geometry)).area / 1e6).round(3)
    frame["mean_drive_s"] = [round(row.mean_internal_s, 1) for row in rows]
    frame["p95_drive_s"] = [round(row.p95_internal_s, 1) for row in rows]
    frame["diameter_s"] = [row.diameter_s for row in rows]
    frame["contiguous"] = [row.contiguous for row in rows]
    if carer_xy is not None:
        found = polygon_of(frame, carer_xy, crs=crs)
        frame["carers"] = np.bincount(found[found >= 0], minlength=len(frame))
    return frame


def read_boundaries(
    path: str | os.PathLike[str], *, name_field: str | None = None, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read a commissioner's neighbourhood polygons from GeoJSON or GeoPackage.

    Parameters
    ----------
    path
        The boundary file, in any coordinate reference system.
    name_field
        Field holding each polygon's name; by default the first field whose name contains
        "name" or "label" or ends in "nm", else "polygon 1", "polygon 2", ...
    layer
        GeoPackage layer to read; the first by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name`` and ``geometry``, in EPSG:4326.
    """
    path = Path(path)
    if not path.is_file():
        raise BoundaryError("the boundary file does not exist.", file=str(path))
    try:
        frame = gpd.read_file(path, layer=layer)
    except Exception as error:  # pyogrio raises several types for unreadable files
        message = f"cannot be read as GeoJSON or GeoPackage ({error})."
        raise BoundaryError(message, file=str(path)) from error
    if frame.empty:
        raise BoundaryError("the file holds no polygons.", file=str(path))
    if frame.crs is None:
        raise BoundaryError("the file has no coordinate reference system.", file=str(path))
    names = _names(frame, name_field, path)
    kind = frame.geom_type.to_numpy()
    bad = [
        f"{name} ({shape})"
        for name, shape in zip(names, kind, strict=True)
        if "Polygon" not in str(shape)
    ]
    if bad:
        raise BoundaryError(f"these features are not polygons: {', '.join(bad)}.", file=str(path))
    geometry = frame.geometry
    if not geometry.is_valid.all():
        log.warning(
            "%s: repairing invalid polygons %s.", path, list(names[~geometry.is_valid.to_numpy()])
        )
        geometry = geometry.make_valid()
    return gpd.GeoDataFrame({"name": names}, geometry=geometry.to_crs(WGS84).values, crs=WGS84)


def assign_recipients(
    boundaries: gpd.GeoDataFrame,
    recipient_xy: np.ndarray,
    *,
    ids: np.ndarray | None = None,
    crs: str = WGS84,
    file: str | None = None,
) -> np.ndarray:
    """Find the polygon each recipient lives in.

    A recipient exactly on a shared border goes to the first polygon touching it.

    Parameters
    ----------
    boundaries
        Polygons with a ``name`` column, as from ``read_boundaries``.
    recipient_xy
        Recipient coordinates, shape (n, 2), in ``crs``.
    ids
        Recipient ids to name in errors; positions 0..n-1 by default.
    crs
        Coordinate reference system of ``recipient_xy``.
    file
        Boundary file to name in errors.

    Returns
    -------
    numpy.ndarray
        Row position in ``boundaries`` of each recipient's polygon.

    Raises
    ------
    BoundaryError
        If any recipient is outside every polygon or inside more than one, or a polygon
        holds no recipient; the error lists them all.
    """
    points = _points(recipient_xy, crs).to_crs(boundaries.crs)
    ids = np.arange(len(points)) if ids is None else np.asarray(ids)
    if ids.shape != (len(points),):
        raise ValueError("ids must give one id per recipient.")
    tree = shapely.STRtree(boundaries.geometry.values)
    point, polygon = tree.query(points.values, predicate="within")
    inside = np.bincount(point, minlength=len(points))
    found = _first(point, polygon, len(points))
    found[inside == 0] = _containing(boundaries, points[inside == 0])
    empty = np.setdiff1d(np.arange(len(boundaries)), np.r_[polygon, found])
    if (found < 0).any() or (inside > 1).any() or empty.size:
        raise BoundaryError(
            file=file,
            outside=ids[found < 0].tolist(),
            overlapping=ids[inside > 1].tolist(),
            empty=boundaries["name"].to_numpy()[empty].tolist(),
        )
    return found


def polygon_of(polygons: gpd.GeoDataFrame, xy: np.ndarray, *, crs: str = WGS84) -> np.ndarray:
    """Find the first polygon holding (or touching) each point.

    Parameters
    ----------
    polygons
        The polygons.
    xy
        Point coordinates, shape (n, 2), in ``crs``.
    crs
        Coordinate reference system of ``xy``.

    Returns
    -------
    numpy.ndarray
        Row position in ``polygons`` of each point's polygon, or -1 where there is none.
    """
    if len(xy) == 0:
        return np.full(0, -1, dtype=np.int64)
    return _containing(polygons, _points(xy, crs).to_crs(polygons.crs))


def unit_adjacency(units: gpd.GeoDataFrame) -> sparse.csr_array:
    """Find which natural units (polygons) touch, at a border or a corner.

    Parameters
    ----------
    units
        One polygon per unit.

    Returns
    -------
    scipy.sparse.csr_array
        Symmetric 0/1 matrix over units with an empty diagonal.
    """
    geometry = units.geometry.values
    first, second = shapely.STRtree(geometry).query(geometry, predicate="intersects")
    apart = first != second
    n = len(units)
    return sparse.csr_array(
        (np.ones(apart.sum(), dtype=np.int8), (first[apart], second[apart])), shape=(n, n)
    )


def _metric_crs(geometry: gpd.GeoSeries) -> object:
    """Choose a CRS in metres: the geometry's own if projected, else the local UTM zone."""
    return geometry.estimate_utm_crs() if geometry.crs.is_geographic else geometry.crs


def _points(xy: np.ndarray, crs: str) -> gpd.GeoSeries:
    """Make points from an (n, 2) coordinate array."""
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError("coordinates must be an (n, 2) array.")
    return gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)


def _containing(polygons: gpd.GeoDataFrame, points: gpd.GeoSeries) -> np.ndarray:
    """Find the first polygon touching each point: its row position, or -1."""
    point, polygon = shapely.STRtree(polygons.geometry.values).query(
        points.values, predicate="intersects"
    )
    return _first(point, polygon, len(points))


def _first(point: np.ndarray, polygon: np.ndarray, n: int) -> np.ndarray:
    """Keep the lowest polygon position matched to each of n points, or -1 for none."""
    found = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(found, point, polygon)
    return np.where(found == np.iinfo(np.int64).max, -1, found)


def _names(frame: gpd.GeoDataFrame, name_field: str | None, path: Path) -> np.ndarray:
    """Name each feature from the given field or a guessed one."""
    fields = [column for column in frame.columns if column != frame.geometry.name]
    if name_field is not None and name_field not in fields:
        raise BoundaryError(
            f"there is no field '{name_field}'; the fields are {fields}.", file=str(path)
        )
    guesses = [
        column
        for column in fields
        if "name" in column.lower() or "label" in column.lower() or column.lower().endswith("nm")
    ]
    field = name_field or (guesses[0] if guesses else None)
    if field is None:
        return np.array([f"polygon {row}" for row in range(1, len(frame) + 1)], dtype=object)
    return frame[field].astype(str).to_numpy(dtype=object)
