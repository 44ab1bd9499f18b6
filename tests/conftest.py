"""Shared fixtures: small road networks a person can check by hand, and the embedded extracts."""

from __future__ import annotations

import pytest
from helpers import ITS_EXAMPLE, line_graph

from roster.data import RUTLAND_PBF
from roster.geo.network import RoadNetwork, SpeedModel, load_network, network_from_graph


@pytest.fixture(scope="session")
def line_network() -> RoadNetwork:
    """Return :func:`line_graph` as a drive network at 10 m/s (urban factor 1)."""
    return network_from_graph(line_graph(), "drive", "line", SpeedModel(urban_factor=1.0))


@pytest.fixture(scope="session")
def its_drive(tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    """Return the drive network of the tiny Leeds ITS extract (a few streets)."""
    return load_network(ITS_EXAMPLE, "drive", cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def network_cache(tmp_path_factory: pytest.TempPathFactory):
    """Return a network cache folder shared by the whole test session."""
    return tmp_path_factory.mktemp("network-cache")


@pytest.fixture(scope="session")
def rutland_networks(network_cache) -> dict[str, RoadNetwork]:
    """Return the embedded Rutland drive and walk networks (built once per test session)."""
    return {
        mode: load_network(RUTLAND_PBF, mode, cache_dir=network_cache) for mode in ("drive", "walk")
    }


@pytest.fixture(scope="session")
def rutland_instance(rutland_networks, network_cache):
    """Return the default generated Rutland instance for seed 1 (525 recipients, 356 carers)."""
    from roster.demand.generate import generate_area
    from roster.scenario import load_scenario

    return generate_area(load_scenario(), RUTLAND_PBF, 1, cache_dir=network_cache).instance
