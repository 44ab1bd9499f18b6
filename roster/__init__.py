"""Homecare rostering: data model, road network, demand, rounds and commissioning comparison."""

from __future__ import annotations

from roster.errors import InputError, NetworkError, SolverError
from roster.io import read_instance, write_instance
from roster.matrix import TravelMatrix, travel_matrix
from roster.model import Carer, Instance, Provider, Recipient, Shift, Visit
from roster.network import RoadNetwork, SpeedModel, load_network
from roster.snapping import SnappedPoints, snap_points

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
