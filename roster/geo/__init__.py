"""Road networks, snapping homes to roads, and travel-time matrices in integer seconds."""

from roster.geo.locations import Locations, locate
from roster.geo.matrix import TravelMatrix, road_graph_s, travel_matrix
from roster.geo.network import (
    RoadNetwork,
    SpeedModel,
    load_network,
    network_from_graph,
    road_lines,
    sample_street_points,
)
from roster.geo.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints, nearest_nodes, snap_points

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "Locations",
    "RoadNetwork",
    "SnappedPoints",
    "SpeedModel",
    "TravelMatrix",
    "load_network",
    "locate",
    "nearest_nodes",
    "network_from_graph",
    "road_graph_s",
    "road_lines",
    "sample_street_points",
    "snap_points",
    "travel_matrix",
]
