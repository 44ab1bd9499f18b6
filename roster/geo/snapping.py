"""Snap points to the nearest road edge of a network, keeping the snap distance as travel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from roster.errors import InputError
from roster.geo.network import RoadNetwork

logger = logging.getLogger(__name__)

DEFAULT_MAX_SNAP_M = 500.0


@dataclass(frozen=True, eq=False)
class SnappedPoints:
    """Points placed on road edges.

    A point sits on directed edge ``edge[i]`` (from node ``u`` to node ``v``) at ``fraction[i]``
    of its length; ``twin[i]`` is the opposite edge of the same road (-1 on a one-way road).
    ``access_m``/``access_s`` is the leg between the point and the road, walked at walking speed.

    Parameters
    ----------
    mode
        Mode of the network the points were snapped to.
    edge, twin, fraction
        Position on the network.
    access_m, access_s
        Straight-line distance to the road (metres) and the time to walk it (integer seconds).
    """

    mode: str
    edge: np.ndarray
    twin: np.ndarray
    fraction: np.ndarray
    access_m: np.ndarray
    access_s: np.ndarray

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, index: Sequence[int] | np.ndarray) -> SnappedPoints:
        """Return the points at ``index`` (a pool's subset), in that order."""
        index = np.asarray(index, dtype=np.int64)
        return SnappedPoints(
            mode=self.mode,
            edge=self.edge[index],
            twin=self.twin[index],
            fraction=self.fraction[index],
            access_m=self.access_m[index],
            access_s=self.access_s[index],
        )


def nearest_nodes(network: RoadNetwork, points: SnappedPoints) -> np.ndarray:
    """Return the road node at the nearer end of each point's edge."""
    start = network.edge_u[points.edge]
    end = network.edge_v[points.edge]
    return np.where(points.fraction < 0.5, start, end)


def snap_points(
    network: RoadNetwork,
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    max_distance_m: float = DEFAULT_MAX_SNAP_M,
    ids: Sequence[str] | None = None,
    file: str | Sequence[str | None] | None = None,
    rows: Sequence[int | None] | None = None,
) -> SnappedPoints:
    """Snap all points to their nearest road edge in one vectorised call.

    Parameters
    ----------
    network
        The road network.
    lon, lat
        Point coordinates (WGS84).
    max_distance_m
        A point farther than this from every road is an error.
    ids, file, rows
        Used only to name the offending point in an error: its id, and its source file (one
        for all points, or one per point) and row.

    Raises
    ------
    InputError
        If a point is not finite or is farther than ``max_distance_m`` from the network.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise ValueError("lon and lat must be 1-D arrays of the same length.")

    def name(i: int) -> tuple[str, str | None, int | None]:
        label = f"point {i}" if ids is None else f"'{ids[i]}'"
        source = file if file is None or isinstance(file, str) else file[i]
        return label, source, None if rows is None else rows[i]

    bad = np.flatnonzero(~(np.isfinite(lon) & np.isfinite(lat)))
    if len(bad):
        label, source, row = name(int(bad[0]))
        raise InputError(f"{label} has no valid coordinates", file=source, row=row, field="lon/lat")

    x, y = network.to_metric.transform(lon, lat)
    points = shapely.points(x, y)
    tree = shapely.STRtree(network.edge_geometry_m)
    # With all_matches, ties (a road's two directions share a shape) come back together; the
    # first match per point is kept, and its twin is looked up below.
    (point_index, edge_index), distance = tree.query_nearest(
        points, return_distance=True, all_matches=True
    )
    first = np.unique(point_index, return_index=True)[1]
    edge = edge_index[first]
    distance = distance[first]

    far = np.flatnonzero(distance > max_distance_m)
    if len(far):
        i = int(far[0])
        label, source, row = name(i)
        raise InputError(
            f"{label} at ({lon[i]:.5f}, {lat[i]:.5f}) is {distance[i]:,.0f} m from the nearest "
            f"{network.mode} road, beyond the {max_distance_m:,.0f} m limit "
            f"({len(far)} point(s) in all)",
            file=source,
            row=row,
            field="lon/lat",
        )
    fraction = shapely.line_locate_point(network.edge_geometry_m[edge], points, normalized=True)
    access_s = np.rint(distance / network.speeds.walk_mps).astype(np.int64)
    logger.debug("snapped %d points; median access %.0f m", len(edge), np.median(distance))
    return SnappedPoints(
        mode=network.mode,
        edge=edge.astype(np.int64),
        twin=network.edge_twin[edge],
        fraction=np.clip(fraction, 0.0, 1.0),
        access_m=np.rint(distance).astype(np.int64),
        access_s=access_s,
    )
