"""Read homes (residential buildings) and settlements (place nodes) from an OSM extract.

Or, for a place name such as ``"Leeds, England"``, download them from OpenStreetMap with OSMnx
(once: the rows are cached beside the road networks, see :func:`_downloaded`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import shapely

from roster.errors import InputError
from roster.geo.network import default_cache_dir, download_error, is_osm_file, osmnx_downloads
from roster.io import atomic_path

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


def _is_home(kind: str, closed: bool, footprint_m2: float, wanted: set[str], max_m2: float) -> bool:
    """Whether a building way is a home: ``yes`` closed and small enough, or a wanted type."""
    if kind == "yes":
        return closed and footprint_m2 <= max_m2
    return kind in wanted


def residential_buildings(
    source: str | os.PathLike[str],
    building_types: tuple[str, ...],
    max_unspecified_m2: float,
    cache_dir: str | os.PathLike[str] | None = None,
) -> OsmPoints:
    """Return the centres of buildings that are homes.

    Parameters
    ----------
    source
        An OSM extract (``.osm.pbf``), or a place name (downloaded once, then cached).
    building_types
        ``building`` values that are homes.
    max_unspecified_m2
        A ``building=yes`` way also counts when its footprint is at most this many square metres.
    cache_dir
        Where a place's download is cached (default: the road networks' cache).

    Raises
    ------
    InputError
        If the file does not exist, or a place cannot be downloaded.
    """
    wanted = set(building_types)
    if not is_osm_file(source):
        rows = _downloaded(str(source), "buildings", cache_dir)
        keep = [
            _is_home(kind, bool(closed), area, wanted, max_unspecified_m2)
            for kind, closed, area in zip(
                rows["kind"], rows["closed"], rows["footprint_m2"], strict=True
            )
        ]
        index = np.flatnonzero(keep)
        found = OsmPoints(
            rows["lon"][index], rows["lat"][index], rows["kind"][index], rows["name"][index]
        )
        logger.info("%d residential buildings in %s (downloaded)", len(found), source)
        return found
    rows = []
    processor = osmium.FileProcessor(_check_file(source), osmium.osm.NODE | osmium.osm.WAY)
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
        area = _footprint_m2(lon, lat) if kind == "yes" else 0.0
        if not _is_home(kind, way.is_closed(), area, wanted, max_unspecified_m2):
            continue
        ring = slice(0, -1) if way.is_closed() else slice(None)
        rows.append(
            (float(lon[ring].mean()), float(lat[ring].mean()), kind, way.tags.get("name", ""))
        )
    logger.info("read %d residential buildings from %s", len(rows), source)
    return _points(rows)


def places(
    source: str | os.PathLike[str],
    kinds: tuple[str, ...],
    cache_dir: str | os.PathLike[str] | None = None,
) -> OsmPoints:
    """Return the place nodes (e.g. towns and villages) of the given kinds.

    Parameters
    ----------
    source
        An OSM extract (``.osm.pbf``), or a place name (downloaded once, then cached).
    kinds
        ``place`` values to keep, such as ``("town", "village")``.
    cache_dir
        Where a place's download is cached (default: the road networks' cache).

    Raises
    ------
    InputError
        If the file does not exist, or a place cannot be downloaded.
    """
    wanted = set(kinds)
    if not is_osm_file(source):
        rows = _downloaded(str(source), "places", cache_dir)
        index = np.flatnonzero([kind in wanted for kind in rows["kind"]])
        found = OsmPoints(
            rows["lon"][index], rows["lat"][index], rows["kind"][index], rows["name"][index]
        )
        logger.info("%d places in %s (downloaded)", len(found), source)
        return found
    rows = []
    processor = osmium.FileProcessor(_check_file(source), osmium.osm.NODE)
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
    logger.info("read %d places from %s", len(rows), source)
    return _points(rows)


#: Bump when the rows a download keeps change, so stale caches are not reused.
_DOWNLOAD_VERSION = 1
#: The OSM tags each download asks for: every building, every place.
_DOWNLOAD_TAGS = {"buildings": {"building": True}, "places": {"place": True}}


def _downloaded(
    place: str, what: str, cache_dir: str | os.PathLike[str] | None
) -> dict[str, np.ndarray]:
    """Return a place's buildings or places as rows, downloaded once with OSMnx and cached.

    The rows are what the extract's readers see, before any setting filters them: buildings
    are ways (centre of the outline's corners, ``building`` value, name, closed or not, and
    footprint), places are nodes. Cached as ``place-{what}-KEY.npz`` (key: the place name).

    Raises
    ------
    InputError
        If the download fails (offline, or the place is unknown): one line, naming what could
        not be downloaded and suggesting a local extract.
    """
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = hashlib.sha256(f"{_DOWNLOAD_VERSION}|{what}|{place}".encode()).hexdigest()[:20]
    cached = cache / f"place-{what}-{key}.npz"
    if cached.is_file():
        with np.load(cached, allow_pickle=False) as data:
            rows = {name: data[name] for name in data.files}
        for name in ("kind", "name"):
            rows[name] = rows[name].astype(object)
        logger.info("loaded the %s of %s from cache %s", what, place, cached)
        return rows
    with osmnx_downloads(cache) as ox:
        try:
            features = ox.features_from_place(place, tags=_DOWNLOAD_TAGS[what])
        except ox._errors.InsufficientResponseError:  # the place has none
            features = None
        except Exception as error:  # requests' connection errors, Nominatim finding nothing
            raise download_error(f"the {what}", place, error) from error
    rows = _rows(features, what)
    cache.mkdir(parents=True, exist_ok=True)
    with atomic_path(cached) as temporary, temporary.open("wb") as handle:
        np.savez(handle, **{k: v.astype(str) if v.dtype == object else v for k, v in rows.items()})
    logger.info("downloaded %d %s of %s", len(rows["lon"]), what, place)
    return rows


def _rows(features, what: str) -> dict[str, np.ndarray]:
    """Turn OSMnx features into the rows :func:`_downloaded` keeps (ways or nodes, as a file)."""
    element = "way" if what == "buildings" else "node"
    tag = "building" if what == "buildings" else "place"
    lon, lat, kind, name, closed, footprint = [], [], [], [], [], []
    if features is not None and len(features):
        chosen = features[features.index.get_level_values("element") == element]
        names = chosen["name"] if "name" in chosen.columns else [None] * len(chosen)
        for geometry, value, label in zip(chosen.geometry, chosen[tag], names, strict=True):
            if not isinstance(value, str):
                continue
            if what == "places":
                if not isinstance(geometry, shapely.Point):
                    continue
                x, y, ring_closed, area = geometry.x, geometry.y, False, 0.0
            else:
                is_polygon = isinstance(geometry, shapely.Polygon)
                ring = geometry.exterior if is_polygon else geometry
                xy = shapely.get_coordinates(ring)
                if len(xy) < 3:
                    continue
                corners = xy[:-1] if is_polygon else xy
                x, y = corners[:, 0].mean(), corners[:, 1].mean()
                ring_closed, area = is_polygon, _footprint_m2(xy[:, 0], xy[:, 1])
            lon.append(float(x))
            lat.append(float(y))
            kind.append(value)
            name.append(label if isinstance(label, str) else "")
            closed.append(ring_closed)
            footprint.append(area)
    return {
        "lon": np.array(lon, dtype=float),
        "lat": np.array(lat, dtype=float),
        "kind": np.array(kind, dtype=object),
        "name": np.array(name, dtype=object),
        "closed": np.array(closed, dtype=bool),
        "footprint_m2": np.array(footprint, dtype=float),
    }
