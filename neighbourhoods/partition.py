"""Split units into balanced, contiguous neighbourhoods that are compact in travel time.

The method, repeated from ``n_starts`` different seeds (side by side with ``workers``):

1. Spread k seed units with k-means++ sampling on symmetric travel time, weighted by
   recipients.
2. Assign: a min-cost flow sends every recipient to a region, least total cost, each region
   taking between the lower and upper size bound. The cost of a unit in a region is its
   kernel k-means distance to the region's members in the previous round: mean travel to
   them less half their mean travel to each other (the kernel k-means assignment step, with
   capacities). Pieces cut off from their anchor's piece then join the region whose anchor
   piece they touch most, which makes every region contiguous.
3. Repair balance: move boundary units that reduce the total size violation, cheapest first;
   when no single move helps, shift one unit at a time along the shortest chain of regions
   from an oversized region to one with room (or from one with surplus to an undersized one).
4. Local search: move boundary units to the neighbouring region that most lowers the
   objective, keeping every region contiguous and within its bounds, until no move helps.
5. Repeat steps 2-4, anchoring each region at its medoid and pricing the assignment by
   the last round's regions, until three rounds in a row fail to lower the objective by
   0.01% once the bounds are met (at most ``max_rounds`` times). The first round is priced
   by a rough draft: step 2 alone, by travel time to the seeds.
6. Iterated local search, ``iterations`` times: move one region's anchor to a unit far from
   the other anchors (k-means++ sampling), price that region by travel to it, run steps
   2-5 from there, and keep the result if it is better.

The objective is the mean, over recipients, of each recipient's mean symmetric travel time
(t + t.T) / 2 to the other members of its neighbourhood: the travel-time analogue of the
k-means objective, counting every recipient once. A neighbourhood that straddles a barrier
with few crossings pays for it here, so the search avoids barriers where balance allows.
Every move keeps regions contiguous, so the result is contiguous by construction.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from neighbourhoods.adjacency import count_components
from neighbourhoods.processes import stoppable_pool

log = logging.getLogger(__name__)

_EPS = 1e-9
_GAIN = 1e-3  # seconds: smaller gains are float noise
_PATIENCE = 3  # rounds without a gain before rounds stop: one round's outcome is noisy
_REPAIR_PASSES = 50  # more means a fragmented first round, which the next round replaces
_ABANDON = 0.01  # a relocation this much worse than the incumbent after 3 rounds is dropped


@dataclass(frozen=True)
class Partition:
    """Units grouped into neighbourhoods.

    Attributes
    ----------
    labels
        Neighbourhood (0..k-1) of each unit.
    totals
        Weight of each neighbourhood per criterion, shape (k, c): recipients first, then
        weekly care hours when given.
    lower
        Smallest allowed total per criterion.
    upper
        Largest allowed total per criterion.
    mean_internal_s
        The objective minimised: each recipient's mean symmetric travel time (t + t.T) / 2
        to the other recipients of its neighbourhood, averaged over recipients.
    """

    labels: np.ndarray
    totals: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    mean_internal_s: float

    def __post_init__(self) -> None:
        if self.totals.ndim != 2 or not self.totals.shape[1] == self.lower.size == self.upper.size:
            raise ValueError("totals must have one column per balance criterion.")
        if self.labels.size and (self.labels.min() < 0 or self.labels.max() >= len(self.totals)):
            raise ValueError("labels must lie in 0..k-1.")
        for array in (self.labels, self.totals, self.lower, self.upper):
            array.flags.writeable = False

    @property
    def n_neighbourhoods(self) -> int:
        """Number of neighbourhoods."""
        return len(self.totals)

    @property
    def balanced(self) -> bool:
        """Whether every neighbourhood lies within the bounds on every criterion."""
        return bool(
            np.all(self.totals >= self.lower - _EPS) and np.all(self.totals <= self.upper + _EPS)
        )


#: Recipients per neighbourhood in the proposal (about 200), and the allowed relative
#: deviation of a neighbourhood's size from the mean (an assumption: 15%).
TARGET_SIZE = 200.0
SIZE_TOLERANCE = 0.15


def partition(
    travel_time_s: np.ndarray,
    adjacency: sparse.sparray | np.ndarray,
    weights: np.ndarray | None = None,
    *,
    target: float = TARGET_SIZE,
    tolerance: float = SIZE_TOLERANCE,
    k: int | None = None,
    seed: int = 0,
    n_starts: int = 2,
    max_rounds: int = 20,
    iterations: int = 15,
    workers: int = 1,
) -> Partition:
    """Split units into k balanced, contiguous neighbourhoods compact in travel time.

    Units are recipients, or natural units (wards, MSOAs, any polygons) weighted by the
    recipients they hold. Sizes are balanced around the mean size total / k, within
    ``tolerance`` of it, on every weight criterion.

    Parameters
    ----------
    travel_time_s
        Square matrix of travel times in seconds between units, possibly asymmetric.
    adjacency
        Square symmetric matrix; a non-zero entry means the two units touch through the
        road network. Must form one connected graph.
    weights
        Recipients per unit, shape (n,), or recipients and weekly care hours, shape (n, 2).
        Defaults to one recipient per unit.
    target
        Wanted recipients per neighbourhood; sets k when k is not given.
    tolerance
        Allowed relative deviation of each neighbourhood's total from the mean.
    k
        Number of neighbourhoods; defaults to round(total recipients / target).
    seed
        Seed for the random choices; the result depends on it but not on ``workers``.
    n_starts
        Independent starts; the best balanced result is kept.
    max_rounds
        Most assignment rounds per start or relocation; they stop early once the bounds are
        met and three rounds in a row fail to lower the objective by 0.01%.
    iterations
        Relocations tried after each start (iterated local search): one region's anchor
        moves to a new place, the rounds run again, and the result is kept if better.
    workers
        Processes running the starts side by side. Above 1 they are spawned, so a calling
        script needs an ``if __name__ == "__main__":`` guard.

    Returns
    -------
    Partition
        The labels, totals, bounds and objective of the best start.
    """
    distance, graph, weights = _validated(travel_time_s, adjacency, weights)
    if target <= 0 or not 0 <= tolerance < 1 or min(n_starts, max_rounds, workers) < 1:
        raise ValueError(
            "target must be positive, tolerance in [0, 1), "
            "n_starts, max_rounds and workers at least 1."
        )
    if iterations < 0:
        raise ValueError("iterations must not be negative.")
    recipients = weights[:, 0]
    k = max(1, round(recipients.sum() / target)) if k is None else int(k)
    if not 1 <= k <= np.count_nonzero(recipients):
        raise ValueError(
            f"k must lie between 1 and the {np.count_nonzero(recipients)} units with recipients."
        )
    mean = weights.sum(axis=0) / k
    problem = _Problem(distance, graph, weights, k, mean * (1 - tolerance), mean * (1 + tolerance))
    seeds = np.random.SeedSequence(seed).spawn(n_starts)
    jobs = ([problem] * n_starts, seeds, [max_rounds] * n_starts, [iterations] * n_starts)
    if workers > 1:
        with stoppable_pool(min(workers, n_starts)) as submit:
            found = [future.result() for future in submit(_search, *jobs)]
    else:
        found = list(map(_search, *jobs))
    best = _State(problem, found[0])
    for labels in found[1:]:
        state = _State(problem, labels)
        if _better(state, best):
            best = state
    if best.violation() > _EPS:
        log.warning("No start met every size bound; the least unbalanced result is returned.")
    return Partition(
        labels=best.labels.copy(),
        totals=best.totals.copy(),
        lower=problem.lower,
        upper=problem.upper,
        mean_internal_s=best.mean(),
    )


@dataclass(frozen=True)
class _Problem:
    """The fixed inputs of one partition: distances, adjacency, weights, k and bounds."""

    distance: np.ndarray
    graph: sparse.csr_array
    weights: np.ndarray
    k: int
    lower: np.ndarray
    upper: np.ndarray

    @cached_property
    def neighbours(self) -> list[list[int]]:
        """Neighbour lists of the adjacency graph, for fast Python loops."""
        indptr, indices = self.graph.indptr, self.graph.indices
        return [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(len(self.weights))]

    @cached_property
    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every directed adjacency edge."""
        coo = sparse.coo_array(self.graph)
        return coo.row.astype(np.int64), coo.col.astype(np.int64)

    @property
    def recipients(self) -> np.ndarray:
        """Recipients per unit (the first weight criterion)."""
        return self.weights[:, 0]

    @property
    def scale(self) -> np.ndarray:
        """Mean size per criterion, to put violations on one scale."""
        return np.where(self.upper > 0, (self.lower + self.upper) / 2, 1.0)


def _search(
    problem: _Problem, seed: np.random.SeedSequence, max_rounds: int, iterations: int
) -> np.ndarray:
    """Run one start and its relocations; return the labels of the best state found."""
    rng = np.random.default_rng(seed)
    best = _relocate(problem, _start(problem, rng, max_rounds), rng, iterations, max_rounds)
    return best.labels


def _start(problem: _Problem, rng: np.random.Generator, max_rounds: int) -> _State:
    """Run one start: seeds, a rough draft, then assignment rounds; return its best round."""
    seeds = _spread_seeds(problem.distance, problem.recipients, problem.k, rng)
    # The draft (travel to the seeds, no repair) only prices the first full round.
    draft = _State(problem, _assign(problem, problem.distance[:, seeds], seeds))
    best = _converge(problem, _round(problem, draft), max_rounds - 1)
    log.debug("start: violation %.4f, mean internal %.1f s", best.violation(), best.mean())
    return best


def _relocate(
    problem: _Problem, state: _State, rng: np.random.Generator, iterations: int, max_rounds: int
) -> _State:
    """Move one region's anchor elsewhere, rerun the rounds, keep gains (iterated local search).

    The new anchor is drawn like a k-means++ seed, far from the other anchors, and the moved
    region is first priced by travel to it; the other regions keep their pricing. A trial
    still 1% worse than the incumbent after three rounds is dropped early.
    """
    best = state
    for _ in range(iterations if problem.k > 1 else 0):
        anchors = best.medoids()
        moved = int(rng.integers(problem.k))
        nearest = problem.distance[anchors[:moved] + anchors[moved + 1 :]].min(axis=0)
        score = problem.recipients * nearest.astype(np.float64) ** 2
        if score.sum() <= 0:
            break
        anchors[moved] = int(rng.choice(score.size, p=score / score.sum()))
        travel = _pricing(best)
        travel[:, moved] = problem.distance[:, anchors[moved]]
        trial = _State(problem, _assign(problem, travel, anchors))
        _repair(trial)
        _improve(trial)
        trial = _converge(problem, trial, max_rounds, give_up=best.mean() * (1 + _ABANDON))
        if _better(trial, best):
            best = trial
        log.debug("relocation: %.2f s, best %.2f s", trial.mean(), best.mean())
    return best


def _converge(problem: _Problem, state: _State, max_rounds: int, give_up: float = np.inf) -> _State:
    """Run assignment rounds from a state until they stop improving; return the best state.

    Rounds stop after ``_PATIENCE`` rounds without a gain once the bounds are met, or after
    three rounds if the best objective is still above ``give_up``.
    """
    best = state
    stale = 0
    for done in range(max_rounds):
        if done >= 3 and best.mean() > give_up:
            break
        state = _round(problem, state)
        if _better(state, best):
            best, stale = state, 0
        elif best.violation() <= _EPS:
            stale += 1
            if stale >= _PATIENCE:
                break
    return best


def _round(problem: _Problem, previous: _State) -> _State:
    """Assign by kernel distance to the previous regions, then repair and improve."""
    state = _State(problem, _assign(problem, _pricing(previous), previous.medoids()))
    _repair(state)
    _improve(state)
    return state


def _pricing(state: _State) -> np.ndarray:
    """Cost (n, k) of each unit in each region: its kernel k-means distance to the region.

    That is the mean travel to the members less half the mean travel between members, so
    a spread-out region is not priced as if each newcomer were as far as its members are
    from each other.
    """
    size = state.totals[:, 0]
    spread = state.inner / (np.maximum(size, 1) * _others(size))
    return (state.pull / _others(size)[:, None] - spread[:, None] / 2).T


def _validated(
    travel_time_s: np.ndarray,
    adjacency: sparse.sparray | np.ndarray,
    weights: np.ndarray | None,
) -> tuple[np.ndarray, sparse.csr_array, np.ndarray]:
    """Check the inputs; return symmetric distances, the adjacency graph and (n, c) weights."""
    travel = np.asarray(travel_time_s)
    if travel.ndim != 2 or travel.shape[0] != travel.shape[1] or travel.shape[0] == 0:
        raise ValueError("travel_time_s must be a non-empty square matrix.")
    n = travel.shape[0]
    if not np.all(np.isfinite(travel)) or travel.min() < 0:
        raise ValueError("travel_time_s must hold finite, non-negative times.")
    distance = travel.astype(np.float32)
    distance += travel.T
    distance *= 0.5
    np.fill_diagonal(distance, 0)
    graph = sparse.csr_array(adjacency)
    if graph.shape != (n, n):
        raise ValueError(f"adjacency must be {n} x {n} like travel_time_s.")
    graph = (graph != 0).astype(np.int8)
    graph = (graph + graph.T).tocsr()
    graph.setdiag(0)
    graph.eliminate_zeros()
    pieces = count_components(graph)
    if pieces > 1:
        raise ValueError(
            f"adjacency splits the units into {pieces} separate pieces, so neighbourhoods "
            "cannot all be contiguous; join the pieces first."
        )
    weights = np.ones((n, 1)) if weights is None else np.asarray(weights, dtype=np.float64)
    weights = weights.reshape(n, -1) if weights.ndim == 1 else weights
    if weights.shape[0] != n or weights.ndim != 2:
        raise ValueError(f"weights must have {n} rows, one per unit.")
    if not np.all(np.isfinite(weights)) or weights.min() < 0 or weights[:, 0].sum() <= 0:
        raise ValueError("weights must be finite, non-negative and hold some recipients.")
    return distance, graph, weights


def _spread_seeds(
    distance: np.ndarray, recipients: np.ndarray, k: int, rng: np.random.Generator
) -> list[int]:
    """Pick k distinct seed units by k-means++ sampling on travel time."""
    n = len(recipients)
    seeds = [int(rng.choice(n, p=recipients / recipients.sum()))]
    nearest = distance[seeds[0]].astype(np.float64)
    for _ in range(1, k):
        score = recipients * nearest**2
        score[seeds] = 0
        if score.sum() > 0:
            chosen = int(rng.choice(n, p=score / score.sum()))
        else:
            chosen = int(rng.choice(np.setdiff1d(np.flatnonzero(recipients), seeds)))
        seeds.append(chosen)
        nearest = np.minimum(nearest, distance[chosen])
    return seeds


def _assign(problem: _Problem, travel: np.ndarray, seeds: list[int]) -> np.ndarray:
    """Assign units to regions within the size bounds, then make every region contiguous.

    ``travel`` (n, k) is the cost of putting each unit in each region; ``seeds`` holds one
    unit per region that anchors it.
    """
    labels = _cheapest_within_bounds(travel, problem.recipients, problem.lower[0], problem.upper[0])
    labels[seeds] = np.arange(len(seeds))  # each region keeps its anchor
    return _contiguous(labels, problem.graph, seeds)


def _cheapest_within_bounds(
    travel: np.ndarray, recipients: np.ndarray, lower: float, upper: float
) -> np.ndarray:
    """Send every recipient to a region, total cost least, each region taking lower..upper.

    A min-cost flow from units through regions to one sink; the first ``lower`` recipients
    into each region are rewarded so that every region reaches its lower bound when it can.
    """
    k = travel.shape[1]
    to_seed = np.rint(travel).astype(np.int64)
    labels = np.argmin(to_seed, axis=1)
    supply = np.rint(recipients).astype(np.int64)
    units = np.flatnonzero(supply > 0)
    m = units.size
    flow = min_cost_flow.SimpleMinCostFlow()
    reward = int(to_seed.max()) * 2 + 1
    floor, ceiling = int(np.floor(lower)), int(np.floor(upper + _EPS))
    tails = np.r_[np.repeat(np.arange(m), k), m + np.arange(k), m + np.arange(k)]
    heads = np.r_[m + np.tile(np.arange(k), m), np.full(2 * k, m + k)]
    capacity = np.r_[np.repeat(supply[units], k), np.full(k, floor), np.full(k, ceiling - floor)]
    cost = np.r_[to_seed[units].ravel(), np.full(k, -reward), np.zeros(k, dtype=np.int64)]
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, cost)
    flow.set_nodes_supplies(np.arange(m + k + 1), np.r_[supply[units], np.zeros(k), -supply.sum()])
    if flow.solve() != flow.OPTIMAL:
        log.debug("Size-bounded assignment infeasible; using nearest seeds.")
        return labels
    sent = flow.flows(arcs[: m * k]).reshape(m, k)
    labels[units] = np.argmax(sent, axis=1)
    return labels


def _contiguous(labels: np.ndarray, graph: sparse.csr_array, seeds: list[int]) -> np.ndarray:
    """Hand every piece cut off from its seed's piece to a touching region, until none is left."""
    labels = labels.copy()
    edges = sparse.coo_array(graph)
    while True:
        same = labels[edges.row] == labels[edges.col]
        within = sparse.coo_array(
            (np.ones(same.sum()), (edges.row[same], edges.col[same])), shape=graph.shape
        )
        _, piece = connected_components(within, directed=False)
        main = np.zeros(piece.max() + 1, dtype=bool)
        main[piece[seeds]] = True
        if main[piece].all():
            return labels
        # An orphan piece joins the region whose seed piece it touches most.
        cross = ~main[piece[edges.row]] & main[piece[edges.col]]
        pairs, count = np.unique(
            np.c_[piece[edges.row[cross]], labels[edges.col[cross]]], axis=0, return_counts=True
        )
        order = np.lexsort((-count, pairs[:, 0]))
        orphan, first = np.unique(pairs[order, 0], return_index=True)
        new_label = np.full(main.size, -1)
        new_label[orphan] = pairs[order[first], 1]
        moving = new_label[piece] >= 0
        labels[moving] = new_label[piece[moving]]


class _State:
    """A partition being improved: labels, totals and each unit's pull towards each region."""

    def __init__(self, problem: _Problem, labels: np.ndarray) -> None:
        self.distance = problem.distance
        self.neighbours = problem.neighbours
        self.source, self.target = problem.edges
        self.weights = problem.weights
        self.recipients = problem.recipients
        self.k = problem.k
        self.lower, self.upper, self.scale = problem.lower, problem.upper, problem.scale
        n = len(labels)
        self.labels = labels.copy()
        self.label_list = labels.tolist()
        self.totals = np.zeros((self.k, self.weights.shape[1]))
        np.add.at(self.totals, labels, self.weights)
        members = sparse.csr_array(
            (self.recipients.astype(np.float32), (labels, np.arange(n))), shape=(self.k, n)
        )
        # pull[r, i]: recipient-weighted travel from unit i to the members of region r;
        # inner[r]: travel summed over the ordered pairs of recipients within region r.
        self.pull = np.asarray(members @ self.distance, dtype=np.float64)
        self.inner = np.bincount(
            labels, weights=self.recipients * self.pull[labels, np.arange(n)], minlength=self.k
        )

    def medoids(self) -> list[int]:
        """Find the member of each region with the least weighted travel to the rest of it."""
        # Units without recipients sit at no distance from anyone: never a medoid.
        member = (self.labels == np.arange(self.k)[:, None]) & (self.recipients > 0)
        inside = np.where(member, self.pull, np.inf)
        return np.argmin(inside, axis=1).tolist()

    def mean(self) -> float:
        """Objective: each recipient's mean travel to the others in its region, averaged."""
        return float(np.sum(self.inner / _others(self.totals[:, 0])) / self.recipients.sum())

    def excess(self, totals: np.ndarray) -> np.ndarray:
        """Size violation per row of totals, in multiples of the mean size, summed over criteria."""
        over = np.maximum(totals - self.upper, 0) + np.maximum(self.lower - totals, 0)
        return (over / self.scale).sum(axis=-1)

    def violation(self) -> float:
        """Total size violation of the current partition."""
        return float(self.excess(self.totals).sum())

    def move(self, unit: int, region: int) -> None:
        """Move one unit to another region, updating totals and pulls."""
        old = self.labels[unit]
        self.labels[unit] = region
        self.label_list[unit] = region
        self.totals[old] -= self.weights[unit]
        self.totals[region] += self.weights[unit]
        if self.recipients[unit]:
            self.inner[old] -= 2 * self.recipients[unit] * self.pull[old, unit]
            self.inner[region] += 2 * self.recipients[unit] * self.pull[region, unit]
            row = self.recipients[unit] * self.distance[unit]
            self.pull[old] -= row
            self.pull[region] += row

    def boundary_moves(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (unit, neighbouring region) pair where the unit touches another region."""
        theirs = self.labels[self.target]
        cross = self.labels[self.source] != theirs
        key = np.unique(self.source[cross] * self.k + theirs[cross])
        return key // self.k, key % self.k

    def gain(self, units: np.ndarray | int, regions: np.ndarray | int) -> np.ndarray:
        """Fall in the objective (times the recipients) if each unit moved to its region."""
        own = self.labels[units]
        weight = self.recipients[units]
        inner, size = self.inner[own], self.totals[own, 0]
        inner_to, size_to = self.inner[regions], self.totals[regions, 0]
        before = inner / _others(size) + inner_to / _others(size_to)
        after = (inner - 2 * weight * self.pull[own, units]) / _others(size - weight) + (
            inner_to + 2 * weight * self.pull[regions, units]
        ) / _others(size_to + weight)
        return before - after

    def balance_change(self, units: np.ndarray | int, regions: np.ndarray | int) -> np.ndarray:
        """Change in size violation if each unit moved to the matching region."""
        own = self.labels[units]
        weight = self.weights[units]
        return (
            self.excess(self.totals[own] - weight)
            + self.excess(self.totals[regions] + weight)
            - self.excess(self.totals[own])
            - self.excess(self.totals[regions])
        )

    def touches(self, unit: int, region: int) -> bool:
        """Whether the unit has a neighbour in the region."""
        return any(self.label_list[other] == region for other in self.neighbours[unit])

    def can_leave(self, unit: int) -> bool:
        """Whether the unit's region stays contiguous and non-empty without it.

        One search starts from each neighbour in the region and they advance in turn, merging
        where they meet: a piece cut off by the unit is usually small, so a refusal costs the
        size of that piece rather than of the whole region.
        """
        label = self.label_list  # list lookups: this loop is the search's hot spot
        neighbours = self.neighbours
        region = label[unit]
        same = [other for other in neighbours[unit] if label[other] == region]
        if len(same) <= 1:
            return len(same) == 1
        owner = {start: search for search, start in enumerate(same)}
        owner[unit] = -1
        group = list(range(len(same)))  # union-find over the searches
        queues = [deque([start]) for start in same]
        groups = len(same)
        while True:
            for search, queue in enumerate(queues):
                if not queue:
                    continue
                for other in neighbours[queue.popleft()]:
                    if label[other] != region:
                        continue
                    found = owner.get(other)
                    if found is None:
                        owner[other] = search
                        queue.append(other)
                    elif found != search and found >= 0:
                        a, b = _root(group, found), _root(group, search)
                        if a != b:
                            group[a] = b
                            groups -= 1
                            if groups == 1:
                                return True
            # A group whose searches have all run dry is a piece the unit cuts off.
            if len({_root(group, s) for s, queue in enumerate(queues) if queue}) < groups:
                return False


def _root(parent: list[int], item: int) -> int:
    """Find the representative of an item in a union-find forest, halving the path."""
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _others(size: np.ndarray | float) -> np.ndarray | float:
    """Recipients each member of a region of this size shares it with (at least one)."""
    return np.maximum(size - 1, 1)


def _better(state: _State, other: _State) -> bool:
    """Whether a state is less unbalanced, or as balanced and 0.01% more compact, than another."""
    if abs(state.violation() - other.violation()) > _EPS:
        return state.violation() < other.violation()
    return state.mean() < other.mean() * (1 - 1e-4)


def _repair(state: _State) -> None:
    """Move units until every region is within its bounds or no progress is possible.

    Gives up after ``_REPAIR_PASSES`` passes.
    """
    for _ in range(_REPAIR_PASSES):
        if (before := state.violation()) <= _EPS:
            return
        units, regions = state.boundary_moves()
        change = state.balance_change(units, regions)
        helpful = np.flatnonzero(change < -_EPS)
        helpful = helpful[
            np.lexsort((-state.gain(units[helpful], regions[helpful]), change[helpful]))
        ]
        moved = False
        off = (state.excess(state.totals) > _EPS).tolist()
        for unit, region in zip(units[helpful].tolist(), regions[helpful].tolist(), strict=True):
            own = state.labels[unit]
            if (
                own != region
                and (off[own] or off[region])  # a move between two fine regions cannot help
                and state.balance_change(unit, region) < -_EPS
                and state.touches(unit, region)
                and state.can_leave(unit)
            ):
                state.move(unit, region)
                moved = True
                off[own], off[region] = (state.excess(state.totals[[own, region]]) > _EPS).tolist()
        if not moved and not (_shift_along_chain(state) and state.violation() < before - _EPS):
            log.debug("Balance repair stuck at violation %.4f.", state.violation())
            return


def _shift_along_chain(state: _State) -> bool:
    """Pass one unit per step along the shortest chain of regions that relieves a bad region.

    Regions are tried from the most violated; a chain only uses steps where some unit can
    move without cutting its region in two.
    """
    excess = state.excess(state.totals)
    units, regions = state.boundary_moves()
    touching: dict[int, set[int]] = {}
    for a, b in zip(state.labels[units].tolist(), regions.tolist(), strict=True):
        touching.setdefault(a, set()).add(b)
    found: dict[tuple[int, int], int] = {}

    def movable(giver: int, taker: int) -> int:
        if (giver, taker) not in found:
            found[giver, taker] = _movable(state, units, regions, giver, taker)
        return found[giver, taker]

    for worst in np.argsort(-excess, kind="stable").tolist():
        if excess[worst] <= _EPS:
            return False
        oversized = bool(np.any(state.totals[worst] > state.upper + _EPS))
        sign = 1 if oversized else -1
        ends = np.all(sign * (state.totals - state.scale) < 0, axis=1)
        previous = {worst: worst}
        queue = deque([worst])
        while queue:
            region = queue.popleft()
            for other in sorted(touching.get(region, ())):
                step = (region, other) if oversized else (other, region)
                if other in previous or movable(*step) < 0:
                    continue
                previous[other] = region
                if ends[other]:
                    chain = [other]
                    while chain[-1] != worst:
                        chain.append(previous[chain[-1]])
                    if oversized:
                        chain.reverse()  # units flow from the worst region to the end
                    return all(
                        _pass_unit(state, giver, taker)
                        for giver, taker in zip(chain, chain[1:], strict=False)
                    )
                queue.append(other)
    return False


def _movable(state: _State, units: np.ndarray, regions: np.ndarray, giver: int, taker: int) -> int:
    """Find the cheapest unit of one region that can move into a touching one, or -1."""
    mine = np.flatnonzero((state.labels[units] == giver) & (regions == taker))
    for index in mine[np.argsort(-state.gain(units[mine], regions[mine]), kind="stable")]:
        if state.recipients[units[index]] > 0 and state.can_leave(units[index]):
            return int(units[index])
    return -1


def _pass_unit(state: _State, giver: int, taker: int) -> bool:
    """Move the cheapest unit of one region that can go into a touching one."""
    units, regions = state.boundary_moves()
    unit = _movable(state, units, regions, giver, taker)
    if unit >= 0:
        state.move(unit, taker)
    return unit >= 0


def _improve(state: _State) -> None:
    """Move boundary units while a move lowers the objective and keeps bounds and contiguity."""
    while True:
        units, regions = state.boundary_moves()
        gain = state.gain(units, regions)
        own = state.labels[units]
        weight = state.weights[units]
        fits = np.all(state.totals[own] - weight >= state.lower - _EPS, axis=1) & np.all(
            state.totals[regions] + weight <= state.upper + _EPS, axis=1
        )
        candidates = np.flatnonzero((gain > _GAIN) & fits)
        moved = 0
        for index in candidates[np.argsort(-gain[candidates], kind="stable")]:
            unit, region = int(units[index]), int(regions[index])
            own_region = state.labels[unit]
            if (
                own_region != region
                and state.gain(unit, region) > _GAIN
                and np.all(state.totals[own_region] - state.weights[unit] >= state.lower - _EPS)
                and np.all(state.totals[region] + state.weights[unit] <= state.upper + _EPS)
                and state.touches(unit, region)
                and state.can_leave(unit)
            ):
                state.move(unit, region)
                moved += 1
        if not moved:
            return
