"""Homecare rostering: data model, road network, demand, rounds and commissioning comparison."""

import lazy_loader

__version__ = "0.1.0"

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "errors": ["InputError", "NetworkError", "SolverError"],
        "geo.matrix": ["TravelMatrix", "travel_matrix"],
        "geo.network": ["RoadNetwork", "SpeedModel", "load_network"],
        "geo.snapping": ["SnappedPoints", "snap_points"],
        "io": ["read_instance", "write_instance"],
        "model": ["Carer", "Instance", "Provider", "Recipient", "Shift", "Visit"],
    },
)
