"""Tests for commissioning.neighbourhood_plan: neighbourhoods of a generated Rutland."""

from __future__ import annotations

import numpy as np
import pytest

from neighbourhoods import BoundaryError
from roster.commissioning.neighbourhood_plan import plan_neighbourhoods


@pytest.fixture(scope="module")
def plan(rutland_instance, rutland_networks):
    """Return generated neighbourhoods of about 200 recipients for the Rutland instance."""
    return plan_neighbourhoods(rutland_instance, rutland_networks["drive"], seed=1)


def test_sizes_in_tolerance_and_contiguous(plan, rutland_instance):
    """525 recipients make 3 neighbourhoods, each within 15% of the mean and contiguous."""
    sizes = plan.polygons["recipients"].to_numpy()
    assert len(sizes) == 3 and sizes.sum() == len(rutland_instance.recipients)
    mean = sizes.mean()
    assert (np.abs(sizes - mean) <= 0.15 * mean + 1).all()
    assert plan.quality.contiguous
    assert set(plan.labels.values()) == {"N1", "N2", "N3"}
    assert set(plan.labels) == {r.id for r in rutland_instance.recipients}


def test_polygons_hold_their_recipients(plan, rutland_instance):
    """Every recipient's home lies inside their own neighbourhood's polygon."""
    polygons = plan.polygons.set_index("neighbourhood").geometry
    from shapely import Point

    outside = [
        r.id
        for r in rutland_instance.recipients
        if not polygons[plan.labels[r.id]].buffer(1e-9).contains(Point(r.lon, r.lat))
    ]
    assert outside == []
    assert plan.polygons["carers"].sum() <= len(rutland_instance.carers)


def test_drawn_boundaries_are_evaluated(plan, rutland_instance, rutland_networks, tmp_path):
    """Writing the generated polygons and reading them back as drawn boundaries agrees."""
    path = tmp_path / "drawn.geojson"
    plan.polygons[["neighbourhood", "geometry"]].to_file(path)
    drawn = plan_neighbourhoods(rutland_instance, rutland_networks["drive"], boundaries=path)
    assert drawn.method.startswith("drawn boundaries")
    assert sorted(drawn.polygons["recipients"]) == sorted(plan.polygons["recipients"])


def test_boundaries_missing_recipients_named(plan, rutland_instance, rutland_networks, tmp_path):
    """Boundaries that leave recipients out are an error listing them."""
    path = tmp_path / "partial.geojson"
    plan.polygons[["neighbourhood", "geometry"]].iloc[:2].to_file(path)
    with pytest.raises(BoundaryError, match="outside every polygon"):
        plan_neighbourhoods(rutland_instance, rutland_networks["drive"], boundaries=path)
