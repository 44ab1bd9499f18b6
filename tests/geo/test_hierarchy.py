"""Tests for geo.hierarchy: contraction hierarchy costs equal Dijkstra's, with several starts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from roster.geo.hierarchy import UNREACHABLE, contract, many_to_many


def _random_graph(seed: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Return a small random directed graph with parallel arcs, self-loops and unreachable nodes."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    m = int(rng.integers(1, 4 * n))
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    cost = rng.integers(1, 20, m) * (1 << 24) + rng.integers(1, 5, m)  # ties on the first part
    return n, tail, head, cost


def _dijkstra(n, tail, head, cost) -> np.ndarray:
    """Return all-pairs costs by scipy's Dijkstra (cheapest parallel arc, self-loops dropped)."""
    keep = tail != head
    cheapest: dict[tuple[int, int], int] = {}
    for a, b, c in zip(tail[keep], head[keep], cost[keep], strict=True):
        cheapest[a, b] = min(c, cheapest.get((a, b), c))
    if not cheapest:
        return np.where(np.eye(n, dtype=bool), 0.0, np.inf)
    (a, b), c = np.array(list(cheapest)).T, np.array(list(cheapest.values()), dtype=float)
    return dijkstra(csr_array((c, (a, b)), shape=(n, n)), directed=True)


@pytest.mark.parametrize("seed", range(20))
def test_node_to_node_costs_equal_dijkstra(seed):
    """Every node to every node: the hierarchy's costs are Dijkstra's, unreachable included."""
    n, tail, head, cost = _random_graph(seed)
    nodes = np.arange(n)[:, None]
    got = many_to_many(
        contract(n, tail, head, cost), nodes, np.zeros((n, 1)), nodes, np.zeros((n, 1))
    )
    expected = _dijkstra(n, tail, head, cost)
    assert np.array_equal(np.where(got == UNREACHABLE, np.inf, got), expected)


def test_several_starts_and_ends_take_the_cheapest_combination():
    """A source starting at two nodes and a target entered from two: the cheapest of the four."""
    n, tail, head, cost = _random_graph(3)
    full = _dijkstra(n, tail, head, cost)
    rng = np.random.default_rng(1)
    start, start_cost = rng.integers(0, n, (7, 2)), rng.integers(0, 1000, (7, 2))
    end, end_cost = rng.integers(0, n, (5, 2)), rng.integers(0, 1000, (5, 2))
    start[0, 1] = -1  # a one-way street: one way out only
    got = many_to_many(contract(n, tail, head, cost), start, start_cost, end, end_cost)
    for s in range(7):
        for t in range(5):
            options = [
                start_cost[s, i] + full[start[s, i], end[t, j]] + end_cost[t, j]
                for i in range(2)
                for j in range(2)
                if start[s, i] >= 0
            ]
            best = min(options)
            assert got[s, t] == (UNREACHABLE if np.isinf(best) else best)
