"""Tests for roster.rounds.solution: totals, VROOM-like JSON and coordinator CSV rows."""

from __future__ import annotations

import pytest
from tiny_pools import exact_params, line_pool

from roster.rounds.solution import Unassigned, clock
from roster.rounds.solve import solve_rounds


@pytest.fixture(scope="module")
def solved():
    """One carer serving two visits on the line; a third visit needs a skill nobody has."""
    problem = line_pool(
        [
            {"id": "a", "at": 1, "window": (8, 8)},
            {"id": "b", "at": 2, "window": (9, 9)},
            {"id": "c", "at": 1, "skills": [1]},
        ],
        [{"id": "ann", "skills": [0]}],
    )
    return problem, solve_rounds(problem, exact_params())


def test_json_has_summary_routes_and_unassigned(solved):
    """Totals add up and every step of the route is listed, start and end included."""
    _, rounds = solved
    data = rounds.to_json()
    assert data["summary"]["travel_time_s"] == 600 + 600 + 1200
    assert data["summary"]["visits"] == 2 and data["summary"]["carers"] == 1
    (route,) = data["routes"]
    assert [s["type"] for s in route["steps"]] == ["start", "job", "job", "end"]
    assert [s.get("id") for s in route["steps"][1:3]] == ["a", "b"]
    assert route["steps"][2]["waiting_time"] == 3600 - 1800 - 600
    assert data["unassigned"] == [{"id": "c", "reason": "no carer with the required skills"}]


def test_csv_rows_for_a_coordinator(solved):
    """One row per visit with clock times and the window."""
    problem, rounds = solved
    rows = rounds.to_csv_rows(problem, day="2025-01-06")
    assert [(r["order"], r["visit"], r["start"], r["window"]) for r in rows] == [
        (1, "a", "08:00", "08:00-08:00"),
        (2, "b", "09:00", "09:00-09:00"),
    ]
    assert rows[1]["travel_before_min"] == 10.0 and rows[0]["day"] == "2025-01-06"


def test_clock_and_reasons():
    """Seconds format as HH:MM; an unknown reason is refused."""
    assert clock(7 * 3600 + 5 * 60 + 59) == "07:05"
    with pytest.raises(ValueError, match="Unknown reason"):
        Unassigned("v", "tired")
