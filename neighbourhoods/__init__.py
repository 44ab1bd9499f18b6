"""Split an area into neighbourhoods of about 200 care recipients on the road network."""

from __future__ import annotations

from neighbourhoods.adjacency import (
    count_components,
    network_voronoi,
    recipient_adjacency,
    road_node_labels,
)
from neighbourhoods.baseline import kmeans_labels
from neighbourhoods.errors import BoundaryError
from neighbourhoods.partition import Partition, partition
from neighbourhoods.quality import NeighbourhoodQuality, QualityReport, evaluate

__all__ = [
    "BoundaryError",
    "NeighbourhoodQuality",
    "Partition",
    "QualityReport",
    "count_components",
    "evaluate",
    "kmeans_labels",
    "network_voronoi",
    "partition",
    "recipient_adjacency",
    "road_node_labels",
]
