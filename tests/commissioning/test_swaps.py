"""Tests for the pricing of swaps between consortia (roster.commissioning.swaps)."""

import numpy as np
from scipy.sparse import csr_matrix

from roster.commissioning.swaps import best_swap

# Three carers, two consortia, two (kind, day) columns. Consortium 0 holds carers 0 and 1 and
# is 2 hours short in column 1; consortium 1 holds carer 2, who alone supplies column 1.
SUPPLY = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
GROUP = np.array([0, 0, 1])
COST = np.array([[0.0, 9.0], [0.0, 5.0], [5.0, 0.0]])


def _swap(able, target, allowed=(True, True)):
    """Price consortium 0's best swap with the fixture's supply."""
    held = np.stack([SUPPLY[GROUP == g].sum(axis=0) for g in (0, 1)])
    supply = csr_matrix(SUPPLY)
    return best_swap(
        0,
        np.asarray(able),
        GROUP,
        np.asarray(allowed),
        COST,
        supply.indptr,
        supply.indices,
        supply.data,
        held,
        np.asarray(target, dtype=float),
        8,
    )


def test_the_supply_rows_the_kernel_walks_are_sorted_nonzeros():
    """A CSR matrix of the dense supply gives each row's nonzeros sorted, as the kernel needs.

    The kernel walks two rows together by column: row r is indices[indptr[r]:indptr[r + 1]].
    """
    supply = csr_matrix(SUPPLY)
    assert supply.has_sorted_indices
    assert supply.indptr.tolist() == [0, 1, 2, 3]
    assert supply.indices.tolist() == [0, 0, 1]
    assert supply.data.tolist() == [1.0, 1.0, 2.0]


def test_a_swap_that_lowers_the_shortfall_is_found_and_the_nearer_carer_goes_out():
    """Carer 2 comes in for column 1; carer 1 goes out, being nearer consortium 1 than carer 0.

    Before: consortium 0 is 2 hours short in column 1 (4 squared), consortium 1 needs nothing.
    After either swap neither is short (a gain of -4): the gains tie, and the least travel
    moved wins (carer 1: 5 + 5 against carer 0: 5 + 9).
    """
    assert _swap([False, False, True], [[0, 2], [0, 0]]) == (2, 1)


def test_no_swap_is_returned_when_none_lowers_the_shortfall():
    """If consortium 1 needs its carer as much as consortium 0 does, a swap only moves the gap."""
    assert _swap([False, False, True], [[0, 2], [0, 2]]) == (-1, -1)


def test_only_allowed_consortia_are_priced():
    """With consortium 1 not allowed there is nobody to swap with."""
    assert _swap([False, False, True], [[0, 2], [0, 0]], allowed=(True, False)) == (-1, -1)


def test_a_consortium_whose_carers_all_meet_the_need_has_nobody_to_give():
    """Only carers not able to serve the short kind go out: here every carer of 0 is able."""
    assert _swap([True, True, True], [[0, 2], [0, 0]]) == (-1, -1)
