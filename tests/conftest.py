"""Shared fixtures: small road networks a person can check by hand, and the embedded extracts."""

from __future__ import annotations

import signal

import pytest
from helpers import ITS_EXAMPLE, line_graph

from roster.comparison.run import run_seed
from roster.comparison.summary import summarise
from roster.data import RUTLAND_PBF
from roster.geo.network import RoadNetwork, SpeedModel, load_network, network_from_graph
from roster.scenario import scenario_from_dict


@pytest.fixture(autouse=True)
def _sigint_restored():
    """Give each test back the Ctrl-C handler it started with.

    Code under test may ignore SIGINT on purpose (the CLI as it exits on Ctrl-C, a studio job
    process); run in the test process, that would leak into later tests, and every command
    they start would inherit SIGINT ignored (the Ctrl-C test then waited in vain).
    """
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


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
    """Return the embedded Rutland drive and walk networks (built once per test session).

    Clipped to Rutland, as every command clips them (it drops no road of this extract), so the
    commands the tests run find them in the same cache.
    """
    from roster.comparison.run import load_networks
    from roster.scenario import Scenario

    return load_networks(RUTLAND_PBF, network_cache, Scenario().area)


@pytest.fixture(scope="session")
def rutland_instance(rutland_networks, network_cache):
    """Return the default generated Rutland instance for seed 1 (525 recipients, 356 carers)."""
    from roster.demand.generate import generate_area
    from roster.scenario import load_scenario

    return generate_area(load_scenario(), RUTLAND_PBF, 1, cache_dir=network_cache).instance


# About 100 recipients (a fifth of Rutland's prevalence), neighbourhoods of about 50, Monday
# only, and a search that stops by itself: the default engine's construction and 200 iterations
# of its improvement (with engine = "ortools", greedy descent with a solution limit).
SMALL = {
    "name": "rutland-small",
    "demand": {"prevalence_65_plus": 0.008},
    "comparison": {"neighbourhood_size": 50, "days": 1, "workers": 1, "time_budget_s": 0},
    "rounds": {
        "time_limit_s": None,
        "improve_iterations": 200,
        "solution_limit": 10,
        "metaheuristic": "GREEDY_DESCENT",
    },
}


@pytest.fixture(scope="session")
def small_tables() -> dict:
    """Return the small comparison's scenario tables (a fresh copy for each use)."""
    return {key: dict(value) if isinstance(value, dict) else value for key, value in SMALL.items()}


@pytest.fixture(scope="session")
def small_run(rutland_networks):
    """Return seed 3 of the small comparison (the run tests/data/summary_before.json records)."""
    return run_seed(scenario_from_dict(SMALL), RUTLAND_PBF, rutland_networks, seed=3)


@pytest.fixture(scope="session")
def small_summary(small_run):
    """Return the summary of that seed."""
    return summarise(scenario_from_dict(SMALL), [small_run])
