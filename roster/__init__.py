"""Homecare rostering: data model, road network, demand, rounds and commissioning comparison."""

from __future__ import annotations

__version__ = "0.1.0"
