"""Road networks, snapping homes to roads, and travel-time matrices in integer seconds."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "locations": ["Locations", "locate"],
        "matrix": ["TravelMatrix", "road_graph_s", "travel_matrix"],
        "network": [
            "RoadNetwork",
            "SpeedModel",
            "load_network",
            "network_from_graph",
            "road_lines",
            "sample_street_points",
        ],
        "snapping": ["DEFAULT_MAX_SNAP_M", "SnappedPoints", "nearest_nodes", "snap_points"],
    },
)
