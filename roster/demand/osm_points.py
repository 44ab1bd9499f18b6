"""Read homes (residential buildings) and settlements (place nodes) from an OSM extract."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import osmium

from roster.errors import InputError

logger = logging.getLogger(__name__)

_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, eq=False)
class OsmPoints:
    """Points of interest read from OSM.

    Parameters
    ----------
    lon, lat
        Locations (WGS 84); a building's is the mean of its outline's corners.
    kind
        The OSM ``building`` or ``place`` value.
    name
        The OSM ``name`` (empty if none).
    """

    lon: np.ndarray
    lat: np.ndarray
    kind: np.ndarray
    name: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)

    def take(self, index: np.ndarray) -> OsmPoints:
        """Return the points at ``index``."""
        return OsmPoints(self.lon[index], self.lat[index], self.kind[index], self.name[index])


def _footprint_m2(lon: np.ndarray, lat: np.ndarray) -> float:
    """Area of a closed ring by the shoelace formula on a local equirectangular projection."""
    x = np.radians(lon) * _EARTH_RADIUS_M * np.cos(np.radians(lat.mean()))
    y = np.radians(lat) * _EARTH_RADIUS_M
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _points(rows: list[tuple[float, float, str, str]]) -> OsmPoints:
    lon, lat, kind, name = zip(*rows, strict=True) if rows else ((), (), (), ())
    return OsmPoints(
        np.array(lon, dtype=float),
        np.array(lat, dtype=float),
        np.array(kind, dtype=object),
        np.array(name, dtype=object),
    )


def _check_file(path: str | os.PathLike[str]) -> str:
    if not os.path.isfile(path):
        raise InputError("OSM file not found.", file=str(path))
    return str(path)


def residential_buildings(
    path: str | os.PathLike[str],
    building_types: tuple[str, ...],
    max_unspecified_m2: float,
) -> OsmPoints:
    """Return the centres of buildings that are homes.

    Parameters
    ----------
    path
        An OSM extract (``.osm.pbf``).
    building_types
        ``building`` values that are homes.
    max_unspecified_m2
        A ``building=yes`` way also counts when its footprint is at most this many square metres.

    Raises
    ------
    InputError
        If the file does not exist.
    """
    rows = []
    wanted = set(building_types)
    processor = osmium.FileProcessor(_check_file(path), osmium.osm.NODE | osmium.osm.WAY)
    for way in processor.with_locations().with_filter(osmium.filter.KeyFilter("building")):
        if not way.is_way():
            continue
        kind = way.tags["building"]
        if kind not in wanted and kind != "yes":
            continue
        nodes = [n for n in way.nodes if n.location.valid()]
        if len(nodes) < 3:
            continue
        lon = np.array([n.location.lon for n in nodes])
        lat = np.array([n.location.lat for n in nodes])
        if kind == "yes" and (not way.is_closed() or _footprint_m2(lon, lat) > max_unspecified_m2):
            continue
        ring = slice(0, -1) if way.is_closed() else slice(None)
        rows.append(
            (float(lon[ring].mean()), float(lat[ring].mean()), kind, way.tags.get("name", ""))
        )
    logger.info("read %d residential buildings from %s", len(rows), path)
    return _points(rows)


def places(path: str | os.PathLike[str], kinds: tuple[str, ...]) -> OsmPoints:
    """Return the place nodes (e.g. towns and villages) of the given kinds.

    Parameters
    ----------
    path
        An OSM extract (``.osm.pbf``).
    kinds
        ``place`` values to keep, such as ``("town", "village")``.

    Raises
    ------
    InputError
        If the file does not exist.
    """
    rows = []
    wanted = set(kinds)
    processor = osmium.FileProcessor(_check_file(path), osmium.osm.NODE)
    for node in processor.with_filter(osmium.filter.KeyFilter("place")):
        if node.tags["place"] in wanted and node.location.valid():
            rows.append(
                (
                    node.location.lon,
                    node.location.lat,
                    node.tags["place"],
                    node.tags.get("name", ""),
                )
            )
    logger.info("read %d places from %s", len(rows), path)
    return _points(rows)
