"""Tests for the studio's drawn polygons: checking the page's corners, finding the homes inside."""

from __future__ import annotations

import numpy as np
import pytest

from roster.studio.workspace import drawn_polygon, homes_inside

#: Four homes on a line of latitude 52.6, A B C D at longitudes -0.8, -0.7, -0.6, -0.5.
HOMES = np.array([[-0.8, 52.6], [-0.7, 52.6], [-0.6, 52.6], [-0.5, 52.6]])


def test_a_triangle_holds_the_homes_under_it() -> None:
    """A triangle over B and C (corners as the page sends them, lat first) holds B and C."""
    triangle = drawn_polygon([[52.5, -0.75], [52.5, -0.55], [52.8, -0.65]])
    assert homes_inside(HOMES, triangle).tolist() == [1, 2]
    assert homes_inside(HOMES, drawn_polygon([[52.0, 0.0], [52.1, 0.0], [52.0, 0.1]])).size == 0


def test_a_home_on_the_edge_is_inside() -> None:
    """A rectangle whose west edge passes through A holds A (and B), not C."""
    box = drawn_polygon([[52.5, -0.8], [52.7, -0.8], [52.7, -0.65], [52.5, -0.65]])
    assert homes_inside(HOMES, box).tolist() == [0, 1]


def test_a_ring_crossing_itself_is_repaired() -> None:
    """A figure of eight (a bow tie) becomes its two loops: B and D inside, C at the crossing."""
    bow = drawn_polygon([[52.5, -0.75], [52.7, -0.45], [52.5, -0.45], [52.7, -0.75]])
    assert bow.geom_type == "MultiPolygon" and bow.is_valid
    assert homes_inside(HOMES, bow).tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ([[52.5, -0.7], [52.6, -0.7]], "at least 3 corners"),
        ([[52.5, -0.7], [52.6, -0.7], [52.5, -0.7]], "at least 3 corners"),
        ([[52.5, -0.8], [52.6, -0.7], [52.7, -0.6]], "encloses no area"),
        ([[52.5, -0.8], [52.6], [52.7, -0.6]], "list of \\[latitude, longitude\\]"),
        ("52.5,-0.8", "list of \\[latitude, longitude\\]"),
        ([[52.5, "west"], [52.6, -0.7], [52.7, -0.6]], "list of \\[latitude, longitude\\]"),
        ([[52.5, -0.8], [95.0, -0.7], [52.7, -0.6]], "latitudes and longitudes"),
        ([[52.5, -0.8], [float("nan"), -0.7], [52.7, -0.6]], "latitudes and longitudes"),
    ],
)
def test_bad_polygons_are_refused_with_a_message(corners, message) -> None:
    """Too few corners, corners in a line, or corners that are not coordinates: ValueError."""
    with pytest.raises(ValueError, match=message):
        drawn_polygon(corners)
