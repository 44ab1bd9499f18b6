"""Tests for report.route_lines: a round on the three-junction line network, drawn on its roads.

Junctions A, B, C sit at 52.67 N, 0.73, 0.72 and 0.71 W; A-B is two-way, B-C one-way east,
and the lane C-A loops south through (0.72 W, 52.65 N) (see :func:`helpers.line_graph`).
"""

from __future__ import annotations

import numpy as np
import pytest

from roster.commissioning.pools import Pool, pool_problems
from roster.commissioning.week import SolvedPool
from roster.geo.locations import locate
from roster.model import Carer, Instance, Recipient, Shift, Visit
from roster.report.route_lines import route_lines
from roster.rounds.params import RoundsParams
from roster.rounds.solve import solve_rounds

A, B, C, LANE = (-0.73, 52.67), (-0.72, 52.67), (-0.71, 52.67), (-0.72, 52.65)
#: Ann lives 55 m north of A-B, a fifth of the way from A; Cy as far north of B-C, near C.
ANN, CY = (-0.728, 52.6705), (-0.712, 52.6705)


@pytest.fixture(scope="module")
def drawn(line_network):
    """Ann's round to Cy, in a pool without Bea (near B) or Bob: local rows differ from global."""
    shift = (Shift(0, 8 * 3600, 12 * 3600),)
    instance = Instance(
        recipients=(Recipient("bea", -0.7205, 52.6705), Recipient("cy", *CY)),
        visits=(Visit("cy-am", "cy", 0, 9 * 3600, 9 * 3600, 1800),),
        carers=(
            Carer("ann", *ANN, "drive", frozenset(), "female", shift, 4 * 3600),
            Carer("bob", -0.7205, 52.6705, "drive", frozenset(), "male", shift, 4 * 3600),
        ),
    )
    locations = locate(instance, {"drive": line_network})
    (problem,) = pool_problems(instance, Pool("p", ("cy",), ("ann",)), 0, locations)
    params = RoundsParams(time_limit_s=None, solution_limit=10, metaheuristic="GREEDY_DESCENT")
    rounds = solve_rounds(problem, params)
    return problem, route_lines([SolvedPool("framework", "p", 0, problem, rounds)], locations)


def test_the_pool_problem_keeps_global_rows(drawn):
    """Cy is row 1 of the area (after Bea) and Ann row 2; locally they are 0 and 1."""
    problem, _ = drawn
    assert problem.location_row.tolist() == [1, 2]


def test_the_line_follows_the_roads_out_and_the_lane_back(drawn):
    """Out along A-B-C to Cy, back on the lane (B-C is one-way), from and to Ann's door."""
    _, lines = drawn
    (record,) = lines.to_dict("records")
    assert (record["carer_id"], record["model"], record["pool"]) == ("ann", "framework", "p")
    assert (record["mode"], record["visits"], record["period"]) == ("drive", 1, 0)
    coords = np.asarray(record["geometry"].coords)
    out = [ANN, A, B, B, C, CY]
    back = [CY, C, LANE, A, ANN]
    np.testing.assert_allclose(coords, np.array(out + back))
