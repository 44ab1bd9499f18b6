"""Tests for roster.rounds.solution: totals, VROOM-like JSON and coordinator CSV rows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_pools import exact_params, line_pool

from roster.rounds.solution import Rounds, Unassigned, clock
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


def test_json_reads_back_as_the_same_rounds(solved):
    """Routes, steps, breaks, unassigned visits, status and objective survive the JSON."""
    _, rounds = solved
    assert Rounds.from_json(rounds.to_json()) == rounds


def test_csv_rows_for_a_coordinator(solved):
    """One row per visit, every column: Ann (7:00-13:00) leaves at 7:50 for a, then b.

    The recipients come from the area's ids by each location's row: locations 1 and 2 are
    the area's rows 5 and 4 here.
    """
    problem, rounds = solved
    problem = replace(problem, location_row=[6, 5, 4, 3, 2, 1])
    area = ("-", "z", "y", "x", "ben", "ada", "ann")
    rows = rounds.to_csv_rows(problem, "Mon", area)
    same = {"day": "Mon", "carer": "ann", "period": "07:00-13:00"}
    assert rows == [
        same
        | {"order": 1, "visit": "a", "recipient": "ada", "window": "08:00-08:00"}
        | {"arrival": "08:00", "start": "08:00", "end": "08:30"}
        | {"travel_before_min": 10.0, "length_before_m": 5000},
        same
        | {"order": 2, "visit": "b", "recipient": "ben", "window": "09:00-09:00"}
        | {"arrival": "08:40", "start": "09:00", "end": "09:30"}
        | {"travel_before_min": 10.0, "length_before_m": 5000},
    ]
    assert {r["recipient"] for r in rounds.to_csv_rows(problem)} == {""}


def test_clock_and_reasons():
    """Seconds format as HH:MM; an unknown reason is refused."""
    assert clock(7 * 3600 + 5 * 60 + 59) == "07:05"
    with pytest.raises(ValueError, match="Unknown reason"):
        Unassigned("v", "tired")
