"""Price swaps of two carers between consortia, for the skill balance (a Numba kernel).

On a dense city the balance prices a shortfall about 200,000 times, each over 24 other
consortia, 8 carers in and 8 out and 217 (kind, day) columns. With NumPy each pricing built
arrays of every pair and column (2.6 ms, most of the commissioning stage's three minutes); a
carer meets few kinds on few days, so here each pair is priced over the columns its two carers
touch only.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _closest(scores: np.ndarray, names: np.ndarray, count: int) -> np.ndarray:
    """Return the ``count`` names of lowest score in order, the earlier first on a tie."""
    chosen = np.full(count, -1, np.int64)
    best = np.full(count, np.inf)
    size = 0
    for n in range(len(names)):
        x = scores[n]
        if size < count:
            place = size
            size += 1
        elif x < best[count - 1]:
            place = count - 1
        else:
            continue
        while place > 0 and best[place - 1] > x:
            best[place] = best[place - 1]
            chosen[place] = chosen[place - 1]
            place -= 1
        best[place] = x
        chosen[place] = names[n]
    return chosen


@njit(cache=True)
def _short_squared(target: float, held: float) -> float:
    short = target - held
    return short * short if short > 0 else 0.0


@njit(cache=True)
def best_swap(
    i: int,
    able: np.ndarray,
    group: np.ndarray,
    allowed: np.ndarray,
    cost: np.ndarray,
    starts: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    held: np.ndarray,
    target: np.ndarray,
    candidates: int,
) -> tuple[int, int]:
    """Return the swap (carer in, carer out) that most lowers consortia's squared hours short.

    A carer ``able`` to serve the kind short in consortium i comes from another ``allowed``
    consortium j (its ``candidates`` closest to i by ``cost``, carers x consortia); one of
    i's carers not able goes to j (its ``candidates`` closest to j). A carer's supply over the
    (kind, day) columns is row c of a CSR matrix (``starts``, ``columns``, ``values``: its
    indptr, sorted indices and data);
    ``held`` and ``target`` are each consortium's supply and demand by column. The swap
    lowering i's and j's squared hours short most (by more than 1e-6) wins, the least travel
    moved on a tie, then the first in order of j, in and out. (-1, -1) if none lowers it.
    """
    n_groups, n_columns = held.shape
    outs = np.flatnonzero((group == i) & ~able)
    if len(outs) == 0:
        return -1, -1
    # Each consortium's squared hours short by column before the swap, the same for every pair.
    before = np.empty((n_groups, n_columns))
    for g in range(n_groups):
        for f in range(n_columns):
            before[g, f] = _short_squared(target[g, f], held[g, f])
    best_gain, best_moved, best_in, best_out = 0.0, 0.0, -1, -1
    for j in range(n_groups):
        if j == i or not allowed[j]:
            continue
        ins = np.flatnonzero((group == j) & able)
        if len(ins) == 0:
            continue
        ins = _closest(cost[ins, i], ins, min(candidates, len(ins)))
        out_j = _closest(cost[outs, j], outs, min(candidates, len(outs)))
        for c in ins:
            for d in out_j:
                gain = 0.0
                p, q = starts[c], starts[d]
                while p < starts[c + 1] or q < starts[d + 1]:
                    # Both rows are sorted by column: walk them together.
                    fc = columns[p] if p < starts[c + 1] else n_columns
                    fd = columns[q] if q < starts[d + 1] else n_columns
                    if fc < fd:
                        f, change = fc, values[p]
                        p += 1
                    elif fd < fc:
                        f, change = fd, -values[q]
                        q += 1
                    else:
                        f, change = fc, values[p] - values[q]
                        p += 1
                        q += 1
                    gain += (
                        _short_squared(target[i, f], held[i, f] + change)
                        - before[i, f]
                        + _short_squared(target[j, f], held[j, f] - change)
                        - before[j, f]
                    )
                moved = cost[c, i] + cost[d, j] - cost[c, j] - cost[d, i]
                if best_in < 0:
                    if gain >= -1e-6:
                        continue
                elif gain > best_gain or (gain == best_gain and moved >= best_moved):
                    continue
                best_gain, best_moved, best_in, best_out = gain, moved, c, d
    return best_in, best_out
