"""Fixtures of the studio tests: the tiny Rutland scenario prepared once."""

from __future__ import annotations

import pytest
from studio_helpers import TINY

from roster.data import RUTLAND_PBF
from roster.scenario import scenario_from_dict
from roster.studio.workspace import Workspace, prepare


@pytest.fixture(scope="session")
def workspace(rutland_networks) -> Workspace:
    """Return the tiny Rutland scenario prepared for the studio (seed 1)."""
    return prepare(scenario_from_dict(TINY), RUTLAND_PBF, 1, rutland_networks["drive"])
