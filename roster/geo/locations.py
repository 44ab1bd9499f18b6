"""Every recipient's and carer's home snapped to each network, with all travel between them."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from roster.geo.matrix import travel_matrix
from roster.geo.network import RoadNetwork
from roster.geo.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints, snap_points
from roster.model import Instance

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Locations:
    """Every recipient's and carer's home, snapped to each network, with all travel between them.

    Row ``i`` is ``ids[i]``: recipients first (instance order), then carers. Matrices are
    computed once for everyone, so a pool's problem only takes its rows.

    Parameters
    ----------
    ids
        Recipient ids, then carer ids.
    lon, lat
        Their home coordinates.
    networks
        Road network per travel mode.
    snapped
        The points snapped to each mode's network.
    travel_time_s, length_m
        Door-to-door matrices per mode (int32 to halve the memory of large areas).
    """

    ids: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    networks: Mapping[str, RoadNetwork]
    snapped: Mapping[str, SnappedPoints]
    travel_time_s: Mapping[str, np.ndarray]
    length_m: Mapping[str, np.ndarray]

    def index(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of these ids."""
        row = {name: i for i, name in enumerate(self.ids)}
        return np.array([row[name] for name in ids], dtype=np.int64)


def locate(
    instance: Instance,
    networks: Mapping[str, RoadNetwork],
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    snapped: Mapping[str, SnappedPoints] | None = None,
) -> Locations:
    """Snap every recipient's and carer's home to each network and compute all travel.

    Errors name the person whose home is too far from a road.

    Parameters
    ----------
    instance
        Whose homes.
    networks
        Road network per travel mode.
    max_snap_m
        Largest distance from a home to its road.
    snapped
        Homes already snapped to some of the networks (recipients then carers, instance order,
        as generation leaves them), which are used as they are.
    """
    people = [*instance.recipients, *instance.carers]
    ids = tuple(p.id for p in people)
    tables = ["recipients"] * len(instance.recipients) + ["carers"] * len(instance.carers)
    origins = [instance.origin(table, i) for table, i in zip(tables, ids, strict=True)]
    files, rows = [file for file, _ in origins], [row for _, row in origins]
    lon = np.array([p.lon for p in people])
    lat = np.array([p.lat for p in people])
    given = dict(snapped or {})
    points, time_s, length_m = {}, {}, {}
    for mode, network in networks.items():
        if mode in given:
            if len(given[mode]) != len(ids):
                raise ValueError(f"snapped {mode} homes do not match the instance's people")
            points[mode] = given[mode]
        else:
            points[mode] = snap_points(
                network, lon, lat, max_distance_m=max_snap_m, ids=ids, file=files, rows=rows
            )
        matrix = travel_matrix(network, points[mode])
        time_s[mode] = matrix.travel_time_s.astype(np.int32)
        length_m[mode] = matrix.length_m.astype(np.int32)
        logger.info("%s matrix for %d homes", mode, len(ids))
    return Locations(ids, lon, lat, dict(networks), points, time_s, length_m)


#: The arrays of :class:`SnappedPoints`, in the order it takes them.
_SNAPPED = ("edge", "twin", "fraction", "access_m", "access_s")


def save_locations(path: str | os.PathLike[str], locations: Locations) -> Path:
    """Write the homes' snapped points and travel matrices to a compressed ``.npz`` file.

    With the networks they were snapped to, :func:`load_locations` gives them back without
    computing a matrix again (a run's folder keeps them for ``roster place``).
    """
    arrays: dict[str, np.ndarray] = {
        "ids": np.array(locations.ids, dtype=str),
        "lon": locations.lon,
        "lat": locations.lat,
    }
    for mode, points in locations.snapped.items():
        for name in _SNAPPED:
            arrays[f"{mode}.{name}"] = getattr(points, name)
        arrays[f"{mode}.travel_time_s"] = locations.travel_time_s[mode]
        arrays[f"{mode}.length_m"] = locations.length_m[mode]
    path = Path(path)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    return path


def load_locations(path: str | os.PathLike[str], networks: Mapping[str, RoadNetwork]) -> Locations:
    """Read what :func:`save_locations` wrote, for these networks (one per mode saved)."""
    with np.load(Path(path)) as data:
        snapped = {
            mode: SnappedPoints(mode, *(data[f"{mode}.{name}"] for name in _SNAPPED))
            for mode in networks
        }
        return Locations(
            tuple(str(i) for i in data["ids"]),
            data["lon"],
            data["lat"],
            dict(networks),
            snapped,
            {mode: data[f"{mode}.travel_time_s"] for mode in networks},
            {mode: data[f"{mode}.length_m"] for mode in networks},
        )
