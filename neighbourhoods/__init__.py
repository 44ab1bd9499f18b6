"""Split an area into neighbourhoods of about 200 care recipients on the road network."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "adjacency": [
            "count_components",
            "network_voronoi",
            "recipient_adjacency",
            "road_node_labels",
        ],
        "baseline": ["kmeans_labels"],
        "boundaries": [
            "assign_recipients",
            "label_polygons",
            "neighbourhood_polygons",
            "polygon_of",
            "read_boundaries",
            "unit_adjacency",
            "with_quality",
        ],
        "errors": ["BoundaryError"],
        "partition": ["SIZE_TOLERANCE", "TARGET_SIZE", "Partition", "partition"],
        "quality": ["NeighbourhoodQuality", "QualityReport", "evaluate"],
        "units": ["inherit_labels", "unit_travel_time", "unit_weights"],
    },
)
