"""Homecare rostering: data model, road network, demand, rounds and commissioning comparison."""

from __future__ import annotations

from roster.errors import InputError, NetworkError, SolverError
from roster.geo.matrix import TravelMatrix, travel_matrix
from roster.geo.network import RoadNetwork, SpeedModel, load_network
from roster.geo.snapping import SnappedPoints, snap_points
from roster.io import read_instance, write_instance
from roster.model import Carer, Instance, Provider, Recipient, Shift, Visit

__version__ = "0.1.0"

__all__ = [
    "Carer",
    "InputError",
    "Instance",
    "NetworkError",
    "Provider",
    "Recipient",
    "RoadNetwork",
    "Shift",
    "SnappedPoints",
    "SolverError",
    "SpeedModel",
    "TravelMatrix",
    "Visit",
    "load_network",
    "read_instance",
    "snap_points",
    "travel_matrix",
    "write_instance",
]
