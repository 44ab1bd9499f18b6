"""Contraction hierarchies: exact many-to-many shortest-path costs on city-size road networks.

A contraction hierarchy (Geisberger et al. 2008) ranks the nodes and contracts them in that
order, adding a *shortcut* u->w wherever the only shortest u->w path ran through the contracted
node. Every shortest path then climbs to a highest node and descends. The many-to-many query is
the restricted PHAST sweep (Delling et al. 2011): for a set of targets, keep the nodes from which
a descending path reaches one, sorted by rank; for each source, an upward search from the source
and one pass down over the kept nodes give its cost to every target.

Costs are non-negative integers (``int64``); sums are exact, so the answer is the same minimum a
Dijkstra search finds, whatever ties there are. Witness searches are bounded, which may add
shortcuts that were not needed but never leaves one out. Arrays in, arrays out: no geometry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numba
import numpy as np

from roster.geo.costs import UNREACHABLE

logger = logging.getLogger(__name__)

#: Nodes a witness search settles when ranking a node and when contracting it.
_RANK_SETTLE = 40
_CONTRACT_SETTLE = 400
#: Sources searched together in one downward pass (one vector of costs per node).
_BATCH = 32


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """A contraction hierarchy of a directed graph with integer arc costs.

    Parameters
    ----------
    rank
        Contraction order of each node (0 first, the least important).
    up_indptr, up_head, up_cost
        Upward arcs (to a higher rank), grouped by tail in CSR form.
    down_tail, down_head, down_cost
        Downward arcs (to a lower rank).
    """

    rank: np.ndarray
    up_indptr: np.ndarray
    up_head: np.ndarray
    up_cost: np.ndarray
    down_tail: np.ndarray
    down_head: np.ndarray
    down_cost: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.rank)

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the arrays by field name (to store with :func:`numpy.savez`)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def contract(n_nodes: int, tail: np.ndarray, head: np.ndarray, cost: np.ndarray) -> Hierarchy:
    """Build the contraction hierarchy of a graph given as arcs ``tail -> head`` with ``cost``.

    Parallel arcs keep the cheapest; self-loops are dropped (they never shorten a path).
    """
    tail = np.asarray(tail, dtype=np.int64)
    head = np.asarray(head, dtype=np.int64)
    cost = np.asarray(cost, dtype=np.int64)
    keep = tail != head
    tail, head, cost = tail[keep], head[keep], cost[keep]
    order = np.lexsort((cost, head, tail))
    tail, head, cost = tail[order], head[order], cost[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    rank, a, b, c = _contract(n_nodes, tail[first], head[first], cost[first])
    up = rank[a] < rank[b]
    order = np.argsort(a[up], kind="stable")
    up_head, up_cost = b[up][order], c[up][order]
    up_indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(a[up], minlength=n_nodes), out=up_indptr[1:])
    down = ~up
    logger.debug(
        "contraction hierarchy: %d nodes, %d arcs (%d input)", n_nodes, len(a), int(first.sum())
    )
    return Hierarchy(rank, up_indptr, up_head, up_cost, a[down], b[down], c[down])


def many_to_many(
    hierarchy: Hierarchy,
    source_node: np.ndarray,
    source_cost: np.ndarray,
    target_node: np.ndarray,
    target_cost: np.ndarray,
) -> np.ndarray:
    """Return the cheapest cost from every source to every target.

    Each source (row) may start at several nodes (columns of ``source_node``, -1 for none) at
    an initial cost each, and each target may be entered from several nodes at a final cost each:
    the answer is the minimum over both of start cost + path cost + final cost, as ``int64``
    (:data:`UNREACHABLE` where no path exists). The work runs on numba's threads.
    """
    source_node = np.ascontiguousarray(source_node, dtype=np.int64)
    target_node = np.ascontiguousarray(target_node, dtype=np.int64)
    source_cost = np.ascontiguousarray(np.where(source_node >= 0, source_cost, 0), dtype=np.int64)
    target_cost = np.ascontiguousarray(np.where(target_node >= 0, target_cost, 0), dtype=np.int64)
    h = hierarchy
    kept = _reaches(h.n_nodes, h.down_tail, h.down_head, target_node[target_node >= 0])
    nodes = np.flatnonzero(kept)
    nodes = nodes[np.argsort(-h.rank[nodes], kind="stable")]
    position = np.full(h.n_nodes, -1, dtype=np.int64)
    position[nodes] = np.arange(len(nodes))
    inside = kept[h.down_tail] & kept[h.down_head]
    tail = position[h.down_tail[inside]]
    order = np.argsort(tail, kind="stable")
    sweep_head = position[h.down_head[inside]][order]
    sweep_cost = h.down_cost[inside][order]
    sweep_indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=len(nodes)), out=sweep_indptr[1:])
    target_position = np.where(target_node >= 0, position[target_node.clip(0)], -1)
    logger.debug(
        "many-to-many: %d sources, %d targets, %d of %d nodes kept",
        len(source_node),
        len(target_node),
        len(nodes),
        h.n_nodes,
    )
    return _sweep_all(
        h.up_indptr,
        h.up_head,
        h.up_cost,
        position,
        sweep_indptr,
        sweep_head,
        sweep_cost,
        source_node,
        source_cost,
        target_position,
        target_cost,
    )


@numba.njit(cache=True)
def _reaches(n_nodes, down_tail, down_head, targets):  # pragma: no cover - compiled
    """Mark the targets and every node with a descending path to one."""
    kept = np.zeros(n_nodes, dtype=np.bool_)
    # incoming downward arcs grouped by head
    count = np.zeros(n_nodes + 1, dtype=np.int64)
    for e in range(len(down_head)):
        count[down_head[e] + 1] += 1
    for i in range(n_nodes):
        count[i + 1] += count[i]
    fill = count[:-1].copy()
    into = np.empty(len(down_head), dtype=np.int64)
    for e in range(len(down_head)):
        into[fill[down_head[e]]] = down_tail[e]
        fill[down_head[e]] += 1
    stack = np.empty(n_nodes, dtype=np.int64)
    size = 0
    for t in targets:
        if not kept[t]:
            kept[t] = True
            stack[size] = t
            size += 1
    while size > 0:
        size -= 1
        x = stack[size]
        for k in range(count[x], count[x + 1]):
            y = into[k]
            if not kept[y]:
                kept[y] = True
                stack[size] = y
                size += 1
    return kept


@numba.njit(cache=True)
def _heap_push(heap_cost, heap_node, size, cost, node):  # pragma: no cover - compiled
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if heap_cost[parent] <= cost:
            break
        heap_cost[j] = heap_cost[parent]
        heap_node[j] = heap_node[parent]
        j = parent
    heap_cost[j] = cost
    heap_node[j] = node
    return size + 1


@numba.njit(cache=True)
def _heap_pop(heap_cost, heap_node, size):  # pragma: no cover - compiled
    """Remove the minimum (read it from index 0 first); return the new size."""
    size -= 1
    last_cost = heap_cost[size]
    last_node = heap_node[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and heap_cost[child + 1] < heap_cost[child]:
            child += 1
        if heap_cost[child] >= last_cost:
            break
        heap_cost[i] = heap_cost[child]
        heap_node[i] = heap_node[child]
        i = child
    heap_cost[i] = last_cost
    heap_node[i] = last_node
    return size


@numba.njit(cache=True, parallel=True)
def _sweep_all(
    up_indptr,
    up_head,
    up_cost,
    position,
    sweep_indptr,
    sweep_head,
    sweep_cost,
    source_node,
    source_cost,
    target_position,
    target_cost,
):  # pragma: no cover - compiled
    n_nodes = len(position)
    n_kept = len(sweep_indptr) - 1
    n_sources, n_targets = source_node.shape[0], target_position.shape[0]
    result = np.empty((n_sources, n_targets), dtype=np.int64)
    n_batches = (n_sources + _BATCH - 1) // _BATCH
    for batch in numba.prange(n_batches):
        dist = np.full((n_kept, _BATCH), UNREACHABLE, dtype=np.int64)
        label = np.full(n_nodes, UNREACHABLE, dtype=np.int64)
        touched = np.empty(n_nodes, dtype=np.int64)
        heap_cost = np.empty(len(up_head) + source_node.shape[1] + 1, dtype=np.int64)
        heap_node = np.empty(len(up_head) + source_node.shape[1] + 1, dtype=np.int64)
        first = batch * _BATCH
        last = min(first + _BATCH, n_sources)
        for s in range(first, last):
            k = s - first
            # upward search from the source's start nodes
            size = 0
            n_touched = 0
            for i in range(source_node.shape[1]):
                x = source_node[s, i]
                if x >= 0 and source_cost[s, i] < label[x]:
                    if label[x] == UNREACHABLE:
                        touched[n_touched] = x
                        n_touched += 1
                    label[x] = source_cost[s, i]
                    size = _heap_push(heap_cost, heap_node, size, source_cost[s, i], x)
            while size > 0:
                c = heap_cost[0]
                x = heap_node[0]
                size = _heap_pop(heap_cost, heap_node, size)
                if c > label[x]:
                    continue
                for e in range(up_indptr[x], up_indptr[x + 1]):
                    y = up_head[e]
                    nc = c + up_cost[e]
                    if nc < label[y]:
                        if label[y] == UNREACHABLE:
                            touched[n_touched] = y
                            n_touched += 1
                        label[y] = nc
                        size = _heap_push(heap_cost, heap_node, size, nc, y)
            for i in range(n_touched):
                x = touched[i]
                if position[x] >= 0:
                    dist[position[x], k] = label[x]
                label[x] = UNREACHABLE
        # one pass down the kept nodes, highest rank first, for the whole batch
        for i in range(n_kept):
            for e in range(sweep_indptr[i], sweep_indptr[i + 1]):
                j = sweep_head[e]
                w = sweep_cost[e]
                for k in range(_BATCH):  # branch-free, so it vectorises
                    dist[j, k] = min(dist[j, k], dist[i, k] + w)
        # each target's entry nodes once per batch: a row of dist holds the whole batch's costs
        # (reading it per source instead visited each row 32 times, from all over memory)
        best = np.empty(_BATCH, dtype=np.int64)
        for t in range(n_targets):
            for k in range(_BATCH):
                best[k] = UNREACHABLE
            for i in range(target_position.shape[1]):
                p = target_position[t, i]
                if p >= 0:
                    end = target_cost[t, i]
                    for k in range(_BATCH):  # UNREACHABLE + end stays >= UNREACHABLE
                        best[k] = min(best[k], dist[p, k] + end)
            for k in range(last - first):
                result[first + k, t] = min(best[k], UNREACHABLE)
    return result


@numba.njit(cache=True)
def _witness(source, avoid, bound, settle_limit, run, graph, work):  # pragma: no cover - compiled
    """Dijkstra from ``source`` avoiding ``avoid`` up to cost ``bound``; costs in ``label``."""
    out_first, out_next, _, _, _, arc_head, arc_cost = graph
    contracted, label, stamp, heap_cost, heap_node = work
    stamp[source] = run
    label[source] = 0
    size = _heap_push(heap_cost, heap_node, 0, 0, source)
    settled = 0
    while size > 0:
        c = heap_cost[0]
        x = heap_node[0]
        size = _heap_pop(heap_cost, heap_node, size)
        if c > label[x]:
            continue
        if c > bound or settled >= settle_limit:
            break
        settled += 1
        e = out_first[x]
        while e >= 0:
            y = arc_head[e]
            if not contracted[y] and y != avoid:
                nc = c + arc_cost[e]
                if stamp[y] != run or nc < label[y]:
                    stamp[y] = run
                    label[y] = nc
                    if size < len(heap_cost):
                        size = _heap_push(heap_cost, heap_node, size, nc, y)
            e = out_next[e]


@numba.njit(cache=True)
def _shortcuts(x, settle_limit, run, new, graph, work):  # pragma: no cover - compiled
    """Shortcuts contracting x needs, and the number of its live arcs.

    ``new`` holds (tail, head, cost) buffers for the shortcuts, grown when full; ``graph`` the
    remaining graph's linked arc lists and ``work`` the witness search's arrays.
    """
    new_tail, new_head, new_cost = new
    out_first, out_next, in_first, in_next, arc_tail, arc_head, arc_cost = graph
    contracted, label, stamp, heap_cost, heap_node = work
    n_new = 0
    live = 0
    e = out_first[x]
    while e >= 0:
        if not contracted[arc_head[e]]:
            live += 1
        e = out_next[e]
    f = in_first[x]
    while f >= 0:
        a = arc_tail[f]
        if not contracted[a]:
            live += 1
            bound = np.int64(0)
            e = out_first[x]
            while e >= 0:
                b = arc_head[e]
                if not contracted[b] and b != a:
                    bound = max(bound, arc_cost[f] + arc_cost[e])
                e = out_next[e]
            if bound > 0:
                run += 1
                _witness(a, x, bound, settle_limit, run, graph, work)
                e = out_first[x]
                while e >= 0:
                    b = arc_head[e]
                    via = arc_cost[f] + arc_cost[e]
                    if not contracted[b] and b != a and (stamp[b] != run or label[b] > via):
                        if n_new == len(new_tail):
                            new_tail = np.concatenate((new_tail, np.empty_like(new_tail)))
                            new_head = np.concatenate((new_head, np.empty_like(new_head)))
                            new_cost = np.concatenate((new_cost, np.empty_like(new_cost)))
                        new_tail[n_new], new_head[n_new], new_cost[n_new] = a, b, via
                        n_new += 1
                    e = out_next[e]
        f = in_next[f]
    return n_new, live, run, (new_tail, new_head, new_cost)


@numba.njit(cache=True)
def _contract(n_nodes, tail, head, cost):  # pragma: no cover - compiled
    """Contract every node; return (rank, tail, head, cost) of all arcs of the hierarchy."""
    capacity = max(4 * len(tail), 16)
    arc_tail = np.empty(capacity, dtype=np.int64)
    arc_head = np.empty(capacity, dtype=np.int64)
    arc_cost = np.empty(capacity, dtype=np.int64)
    out_next = np.empty(capacity, dtype=np.int64)
    in_next = np.empty(capacity, dtype=np.int64)
    out_first = np.full(n_nodes, -1, dtype=np.int64)
    in_first = np.full(n_nodes, -1, dtype=np.int64)
    n_arcs = 0
    for e in range(len(tail)):
        arc_tail[e], arc_head[e], arc_cost[e] = tail[e], head[e], cost[e]
        out_next[e] = out_first[tail[e]]
        out_first[tail[e]] = e
        in_next[e] = in_first[head[e]]
        in_first[head[e]] = e
        n_arcs += 1

    contracted = np.zeros(n_nodes, dtype=np.bool_)
    gone_neighbours = np.zeros(n_nodes, dtype=np.int64)
    level = np.zeros(n_nodes, dtype=np.int64)
    label = np.zeros(n_nodes, dtype=np.int64)
    stamp = np.zeros(n_nodes, dtype=np.int64)
    heap_cost = np.empty(4 * n_nodes + 16, dtype=np.int64)
    heap_node = np.empty(4 * n_nodes + 16, dtype=np.int64)
    run = 0
    new = (np.empty(64, dtype=np.int64), np.empty(64, dtype=np.int64), np.empty(64, dtype=np.int64))
    graph = (out_first, out_next, in_first, in_next, arc_tail, arc_head, arc_cost)
    work = (contracted, label, stamp, heap_cost, heap_node)

    queue_priority = np.empty(n_nodes, dtype=np.int64)
    queue_node = np.empty(n_nodes, dtype=np.int64)
    size = 0
    for x in range(n_nodes):
        n_new, live, run, new = _shortcuts(x, _RANK_SETTLE, run, new, graph, work)
        size = _heap_push(queue_priority, queue_node, size, n_new - live, x)

    rank = np.empty(n_nodes, dtype=np.int64)
    next_rank = 0
    while size > 0:
        x = queue_node[0]
        size = _heap_pop(queue_priority, queue_node, size)
        n_new, live, run, new = _shortcuts(x, _RANK_SETTLE, run, new, graph, work)
        priority = n_new - live + gone_neighbours[x] + level[x]
        if size > 0 and priority > queue_priority[0]:
            size = _heap_push(queue_priority, queue_node, size, priority, x)
            continue
        n_new, live, run, new = _shortcuts(x, _CONTRACT_SETTLE, run, new, graph, work)
        for i in range(n_new):
            a, b, c = new[0][i], new[1][i], new[2][i]
            e = out_first[a]
            while e >= 0:
                if arc_head[e] == b:
                    break
                e = out_next[e]
            if e >= 0:
                if c < arc_cost[e]:
                    arc_cost[e] = c
                continue
            if n_arcs == capacity:
                capacity *= 2
                arc_tail = np.concatenate((arc_tail, np.empty_like(arc_tail)))
                arc_head = np.concatenate((arc_head, np.empty_like(arc_head)))
                arc_cost = np.concatenate((arc_cost, np.empty_like(arc_cost)))
                out_next = np.concatenate((out_next, np.empty_like(out_next)))
                in_next = np.concatenate((in_next, np.empty_like(in_next)))
                graph = (out_first, out_next, in_first, in_next, arc_tail, arc_head, arc_cost)
            arc_tail[n_arcs], arc_head[n_arcs], arc_cost[n_arcs] = a, b, c
            out_next[n_arcs] = out_first[a]
            out_first[a] = n_arcs
            in_next[n_arcs] = in_first[b]
            in_first[b] = n_arcs
            n_arcs += 1
        contracted[x] = True
        rank[x] = next_rank
        next_rank += 1
        e = out_first[x]
        while e >= 0:
            gone_neighbours[arc_head[e]] += 1
            level[arc_head[e]] = max(level[arc_head[e]], level[x] + 1)
            e = out_next[e]
        f = in_first[x]
        while f >= 0:
            gone_neighbours[arc_tail[f]] += 1
            level[arc_tail[f]] = max(level[arc_tail[f]], level[x] + 1)
            f = in_next[f]
    return rank, arc_tail[:n_arcs], arc_head[:n_arcs], arc_cost[:n_arcs]
