"""Place homes in small areas: at residential buildings where mapped, else along streets."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import shapely

from roster.errors import InputError
from roster.geo.network import RoadNetwork, sample_street_points

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Homes:
    """Home locations and the small area each lies in.

    Parameters
    ----------
    lon, lat
        Locations (WGS 84).
    small_area
        Index of the small area of each home.
    at_building
        Whether the home is an OSM building (else a point on a residential street).
    """

    lon: np.ndarray
    lat: np.ndarray
    small_area: np.ndarray
    at_building: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)


def near_network(
    network: RoadNetwork, lon: np.ndarray, lat: np.ndarray, max_distance_m: float
) -> np.ndarray:
    """Return a boolean mask of the points within ``max_distance_m`` of a road of the network."""
    x, y = network.to_metric.transform(np.asarray(lon, float), np.asarray(lat, float))
    tree = shapely.STRtree(network.edge_geometry_m)
    hits = tree.query(shapely.points(x, y), predicate="dwithin", distance=max_distance_m)[0]
    mask = np.zeros(len(x), dtype=bool)
    mask[hits] = True
    return mask


def place_homes(
    network: RoadNetwork,
    polygons: np.ndarray,
    counts: np.ndarray,
    households: np.ndarray,
    building_lon: np.ndarray,
    building_lat: np.ndarray,
    seed: int,
) -> Homes:
    """Place ``counts[i]`` homes in each small area ``polygons[i]``.

    In a small area with ``b`` mapped homes (buildings) and ``h`` households, each home is a
    distinct building with probability ``min(1, b / h)`` and otherwise a point on a residential
    street in the area (weighted by street length), so areas where OSM maps few buildings are
    not emptied of people. Buildings should already be filtered to those near the network.

    Parameters
    ----------
    network
        The road network whose streets homes may lie on.
    polygons
        Small-area shapes in lon/lat.
    counts
        Homes to place per small area.
    households
        Households per small area (sets the building share).
    building_lon, building_lat
        Candidate home buildings.
    seed
        Random seed.

    Raises
    ------
    InputError
        If a small area that needs homes has no road in it.
    """
    rng = np.random.default_rng(seed)
    in_area = [shapely.contains_xy(polygon, building_lon, building_lat) for polygon in polygons]
    middles = shapely.line_interpolate_point(network.edge_geometry, 0.5, normalized=True)
    mid_lon, mid_lat = shapely.get_x(middles), shapely.get_y(middles)
    parts = []
    for i, (polygon, count) in enumerate(zip(polygons, counts, strict=True)):
        buildings = np.flatnonzero(in_area[i])
        share = min(1.0, len(buildings) / max(float(households[i]), 1.0))
        n_buildings = min(int(rng.binomial(count, share)), len(buildings))
        chosen = rng.choice(buildings, size=n_buildings, replace=False)
        n_street = int(count) - n_buildings
        lon, lat = building_lon[chosen], building_lat[chosen]
        if n_street:
            edges = np.flatnonzero(shapely.contains_xy(polygon, mid_lon, mid_lat))
            if len(edges) == 0:
                raise InputError(f"Small area {i} has no {network.mode} road in it.", field="area")
            street_lon, street_lat = sample_street_points(
                network, n_street, int(rng.integers(2**32)), edges=edges
            )
            lon, lat = np.concatenate([lon, street_lon]), np.concatenate([lat, street_lat])
        order = rng.permutation(int(count))  # buildings and street points interleaved
        parts.append((lon[order], lat[order], np.full(count, i), (order < n_buildings)))
    lon, lat, area, at_building = (np.concatenate(column) for column in zip(*parts, strict=True))
    logger.debug("placed %d homes, %.0f%% at buildings", len(lon), 100 * at_building.mean())
    return Homes(lon, lat, area.astype(np.int64), at_building)
