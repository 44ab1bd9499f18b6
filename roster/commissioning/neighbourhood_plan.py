"""Neighbourhoods for an instance on its road network: glue between roster and neighbourhoods."""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np

from neighbourhoods import (
    SIZE_TOLERANCE,
    TARGET_SIZE,
    QualityReport,
    evaluate,
    kmeans_labels,
    partition,
    recipient_adjacency,
)
from neighbourhoods.boundaries import (
    assign_recipients,
    neighbourhood_polygons,
    read_boundaries,
    with_quality,
)
from roster.commissioning.models import weekly_hours
from roster.geo.matrix import road_graph_s, travel_matrix
from roster.geo.network import RoadNetwork
from roster.geo.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints, nearest_nodes, snap_points
from roster.io import atomic_path
from roster.model import Instance

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class NeighbourhoodPlan:
    """Neighbourhoods of an instance's recipients, with their polygons and quality.

    Parameters
    ----------
    labels
        Neighbourhood name of each recipient (by recipient id).
    polygons
        One polygon per neighbourhood (EPSG:4326) with columns neighbourhood, recipients,
        care_hours_weekly, area_km2, mean_drive_s, p95_drive_s, diameter_s, contiguous, carers.
    quality
        The quality report (internal drive times, sizes, contiguity).
    baseline
        The same report for plain k-means on coordinates with as many clusters.
    method
        How the neighbourhoods were made, for the report.
    """

    labels: dict[str, str]
    polygons: gpd.GeoDataFrame
    quality: QualityReport
    baseline: QualityReport
    method: str


def snap_recipients(
    instance: Instance, network: RoadNetwork, max_snap_m: float = DEFAULT_MAX_SNAP_M
) -> SnappedPoints:
    """Snap every recipient's home to the network.

    A home too far from a road is an error naming the recipient, file and row.
    """
    ids = [r.id for r in instance.recipients]
    origins = [instance.origin("recipients", i) for i in ids]
    return snap_points(
        network,
        np.array([r.lon for r in instance.recipients]),
        np.array([r.lat for r in instance.recipients]),
        max_distance_m=max_snap_m,
        ids=ids,
        file=[file for file, _ in origins],
        rows=[row for _, row in origins],
    )


def plan_neighbourhoods(
    instance: Instance,
    network: RoadNetwork,
    *,
    target: float = TARGET_SIZE,
    tolerance: float = SIZE_TOLERANCE,
    seed: int = 0,
    boundaries: str | os.PathLike[str] | None = None,
    balance_hours: bool = True,
    snapped: SnappedPoints | None = None,
    travel_time_s: np.ndarray | None = None,
) -> NeighbourhoodPlan:
    """Generate neighbourhoods of about ``target`` recipients, or evaluate drawn boundaries.

    Parameters
    ----------
    instance
        Recipients (and their visits, for weekly care hours; carers, for the carers column).
    network
        The drive network: travel times between recipients and road-network contiguity.
    target, tolerance
        Wanted recipients per neighbourhood and the allowed relative deviation.
    seed
        Seed of the partition and of the k-means baseline.
    boundaries
        A commissioner's polygons (GeoJSON or GeoPackage); recipients are assigned to them
        instead of generating neighbourhoods.
    balance_hours
        Also balance weekly care hours, not only recipients.
    snapped
        The recipients already snapped to ``network`` (in instance order), if at hand.
    travel_time_s
        The drive matrix between those snapped recipients, if at hand (else computed).
    """
    recipients = instance.recipients
    ids = [r.id for r in recipients]
    lon = np.array([r.lon for r in recipients])
    lat = np.array([r.lat for r in recipients])
    if snapped is None:
        snapped = snap_recipients(instance, network)
    travel = (
        travel_matrix(network, snapped).travel_time_s if travel_time_s is None else travel_time_s
    )
    road = road_graph_s(network)
    node = nearest_nodes(network, snapped)
    adjacency = recipient_adjacency(road, node)
    weekly = weekly_hours(instance)
    hours = np.array([weekly[i] for i in ids])

    if boundaries is not None:
        drawn = read_boundaries(boundaries)
        found = assign_recipients(
            drawn, np.column_stack([lon, lat]), ids=np.array(ids), file=str(boundaries)
        )
        names = drawn["name"].astype(str).to_numpy()
        labels = found
        polygons = gpd.GeoDataFrame(
            {"neighbourhood": np.arange(len(drawn))}, geometry=drawn.geometry.values, crs=drawn.crs
        )
        method = f"drawn boundaries from {os.fspath(boundaries)}"
    else:
        weights = np.column_stack([np.ones(len(ids)), hours]) if balance_hours else None
        result = partition(
            travel, adjacency, weights, target=target, tolerance=tolerance, seed=seed
        )
        labels = np.asarray(result.labels)
        names = np.array([f"N{k + 1}" for k in range(result.n_neighbourhoods)])
        polygons = neighbourhood_polygons(
            road,
            np.column_stack([network.node_lon, network.node_lat]),
            node,
            np.column_stack([lon, lat]),
            labels,
        )
        method = (
            f"generated: {result.n_neighbourhoods} neighbourhoods of about {target:g} recipients "
            f"(+/-{tolerance:.0%}), contiguous on the road network, compact in drive time"
        )
    quality = evaluate(travel, labels, adjacency, hours)
    carers = np.array([[c.lon, c.lat] for c in instance.carers]).reshape(-1, 2)
    polygons = with_quality(polygons, quality, carer_xy=carers)
    polygons["neighbourhood"] = names[polygons["neighbourhood"].to_numpy()]

    k = len(np.unique(labels))
    x, y = network.to_metric.transform(lon, lat)
    baseline = evaluate(
        travel, kmeans_labels(np.column_stack([x, y]), k, seed=seed), adjacency, hours
    )
    logger.info(
        "neighbourhoods: %d, sizes %d-%d, mean internal drive %.0f s (k-means %.0f s)",
        k,
        quality.size_min,
        quality.size_max,
        quality.mean_internal_s,
        baseline.mean_internal_s,
    )
    return NeighbourhoodPlan(
        labels={i: str(names[label]) for i, label in zip(ids, labels, strict=True)},
        polygons=polygons,
        quality=quality,
        baseline=baseline,
        method=method,
    )


def write_quality_table(plan: NeighbourhoodPlan, out: str | os.PathLike[str]) -> list[Path]:
    """Write ``quality.csv`` (one row per neighbourhood, then k-means) and ``labels.csv``."""
    folder = Path(out)
    columns = [c for c in plan.polygons.columns if c != "geometry"]
    rows = plan.polygons[columns].to_dict("records")
    baseline = plan.baseline.summary()
    rows.append(
        {
            "neighbourhood": "k-means baseline (overall)",
            **{
                "recipients": baseline["recipients"],
                "mean_drive_s": baseline["mean_internal_s"],
                "p95_drive_s": baseline["p95_internal_s"],
                "diameter_s": baseline["diameter_s"],
                "contiguous": baseline["contiguous"],
            },
        }
    )
    quality = folder / "quality.csv"
    with atomic_path(quality) as temporary, temporary.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    labels = folder / "labels.csv"
    with atomic_path(labels) as temporary, temporary.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["recipient_id", "neighbourhood"])
        writer.writerows(plan.labels.items())
    return [quality, labels]
