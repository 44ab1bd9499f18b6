"""The small comparison on generated Rutland, run once for the comparison tests."""

from __future__ import annotations

import pytest

from roster.comparison.run import run_seed, summarise
from roster.data import RUTLAND_PBF
from roster.scenario import scenario_from_dict

# About 100 recipients (a fifth of Rutland's prevalence), neighbourhoods of about 50, Monday
# only, and a search that stops by itself (greedy descent with a solution limit).
SMALL = {
    "name": "rutland-small",
    "demand": {"prevalence_65_plus": 0.008},
    "comparison": {"neighbourhood_size": 50, "days": 1, "workers": 1, "time_budget_s": 0},
    "rounds": {"time_limit_s": None, "solution_limit": 10, "metaheuristic": "GREEDY_DESCENT"},
}


@pytest.fixture(scope="session")
def small() -> dict:
    """Return the small comparison's scenario tables (a fresh copy for each use)."""
    return {key: dict(value) if isinstance(value, dict) else value for key, value in SMALL.items()}


@pytest.fixture(scope="session")
def run(rutland_networks):
    """Return seed 3 of the small comparison (the run tests/data/summary_before.json records)."""
    return run_seed(scenario_from_dict(SMALL), RUTLAND_PBF, rutland_networks, seed=3)


@pytest.fixture(scope="session")
def summary(run):
    """Return the summary of that seed."""
    return summarise(scenario_from_dict(SMALL), [run])
