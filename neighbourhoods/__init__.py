"""Split an area into neighbourhoods of about 200 care recipients on the road network."""

from __future__ import annotations

from neighbourhoods.adjacency import (
    count_components,
    network_voronoi,
    recipient_adjacency,
    road_node_labels,
)
from neighbourhoods.baseline import kmeans_labels
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
from neighbourhoods.partition import SIZE_TOLERANCE, TARGET_SIZE, Partition, partition
from neighbourhoods.quality import NeighbourhoodQuality, QualityReport, evaluate
from neighbourhoods.units import inherit_labels, unit_travel_time, unit_weights

__all__ = [
    "SIZE_TOLERANCE",
    "TARGET_SIZE",
    "BoundaryError",
    "NeighbourhoodQuality",
    "Partition",
    "QualityReport",
    "assign_recipients",
    "count_components",
    "evaluate",
    "inherit_labels",
    "kmeans_labels",
    "label_polygons",
    "neighbourhood_polygons",
    "network_voronoi",
    "partition",
    "polygon_of",
    "read_boundaries",
    "recipient_adjacency",
    "road_node_labels",
    "unit_adjacency",
    "unit_travel_time",
    "unit_weights",
    "with_quality",
]
