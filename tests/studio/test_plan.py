"""Tests for roster.studio.plan: plans as labels, moves, merges, splits, undo and redo."""

from __future__ import annotations

import numpy as np
import pytest

from roster.studio.plan import (
    UNASSIGNED,
    History,
    Plan,
    merge,
    move,
    new_name,
    plan_from_names,
    record,
    redo,
    split,
    undo,
)

#: Four homes on a line, A B C D, a minute's drive apart in a row (one-way: 1 s more east).
TRAVEL = np.array([[abs(i - j) * 60 + (j > i) for j in range(4)] for i in range(4)])


def _plan() -> Plan:
    """Return a plan with A and B in N1, C and D in N2."""
    return plan_from_names("p", ["N1", "N1", "N2", "N2"], "test")


def test_names_are_sorted_naturally_and_none_is_unassigned() -> None:
    """N2 comes before N10; a recipient without a name is in no neighbourhood."""
    plan = plan_from_names("p", ["N10", "N2", None, "N2"], "test")
    assert plan.names == ("N2", "N10")
    assert plan.labels.tolist() == [1, 0, UNASSIGNED, 0]
    assert plan.by_id(["a", "b", "c", "d"]) == {"a": "N10", "b": "N2", "d": "N2"}


def test_homes_sharing_a_cell_take_its_owners_neighbourhood() -> None:
    """With C's home at B's point (owner B), C joins B's neighbourhood."""
    plan = plan_from_names("p", ["N1", "N1", "N2", "N2"], "test", grouped=np.array([0, 1, 1, 3]))
    assert plan.labels.tolist() == [0, 0, 0, 1]


def test_labels_are_read_only_and_checked() -> None:
    """A plan cannot be changed in place, and labels must point at its names."""
    plan = _plan()
    with pytest.raises(ValueError):
        plan.labels[0] = 1
    with pytest.raises(ValueError, match="positions in names"):
        Plan("p", np.array([0, 2]), ("N1", "N2"), "test")
    with pytest.raises(ValueError, match="every neighbourhood"):
        Plan("p", np.array([0, 0]), ("N1", "N2"), "test")


def test_move_to_another_neighbourhood_returns_a_new_plan() -> None:
    """Moving C into N1 leaves the old plan as it was."""
    plan = _plan()
    moved = move(plan, [2], 0)
    assert moved.labels.tolist() == [0, 0, 0, 1]
    assert plan.labels.tolist() == [0, 0, 1, 1]


def test_a_neighbourhood_left_empty_disappears() -> None:
    """Moving C and D into N1 leaves one neighbourhood."""
    moved = move(_plan(), [2, 3], 0)
    assert moved.names == ("N1",) and moved.labels.tolist() == [0, 0, 0, 0]


def test_move_into_a_new_neighbourhood_names_it() -> None:
    """The position after the last neighbourhood makes a new one, N3."""
    moved = move(_plan(), [3], 2)
    assert moved.names == ("N1", "N2", "N3") and moved.labels.tolist() == [0, 0, 1, 2]
    assert new_name(["N1", "N3"]) == "N2"


def test_move_out_of_every_neighbourhood_and_to_a_missing_one() -> None:
    """-1 leaves recipients in none; a position beyond the next new one is refused."""
    assert move(_plan(), [0], UNASSIGNED).labels.tolist() == [UNASSIGNED, 0, 1, 1]
    with pytest.raises(ValueError, match="no neighbourhood 3"):
        move(_plan(), [0], 3)


def test_move_the_homes_a_polygon_holds_into_a_new_neighbourhood() -> None:
    """B and C (inside a drawn polygon) into a new neighbourhood: N1 A, N2 D, N3 B and C."""
    moved = move(_plan(), np.array([1, 2]), 2)
    assert moved.names == ("N1", "N2", "N3") and moved.labels.tolist() == [0, 2, 2, 1]
    into_n2 = move(_plan(), [1, 2], 1)
    assert into_n2.names == ("N1", "N2") and into_n2.labels.tolist() == [0, 1, 1, 1]


def test_a_move_that_changes_nothing_returns_the_same_plan() -> None:
    """C and D are already in N2: the plan comes back as it was, so no step is recorded."""
    plan = _plan()
    assert move(plan, [2, 3], 1) is plan
    assert record(History(plan), move(plan, [2, 3], 1)).current is plan


def test_a_move_needs_recipients_of_the_plan() -> None:
    """An empty selection and positions outside the plan are refused, not ignored."""
    with pytest.raises(ValueError, match="no recipient chosen"):
        move(_plan(), [], 0)
    with pytest.raises(ValueError, match="positions below 4"):
        move(_plan(), [-1], 0)
    with pytest.raises(ValueError, match="positions below 4"):
        move(_plan(), [4], 0)


def test_merge_keeps_the_first_name() -> None:
    """Merging N2 into N1 gives one neighbourhood N1; merging one into itself is refused."""
    merged = merge(_plan(), 0, 1)
    assert merged.names == ("N1",) and merged.labels.tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        merge(_plan(), 1, 1)


def test_split_halves_around_the_farthest_pair() -> None:
    """One neighbourhood of A-D splits into A, B (nearer A) and C, D (the new N2)."""
    whole = plan_from_names("p", ["N1"] * 4, "test")
    halves = split(whole, 0, TRAVEL)
    assert halves.names == ("N1", "N2") and halves.labels.tolist() == [0, 0, 1, 1]
    odd = split(plan_from_names("p", ["N1"] * 3 + ["N2"], "test"), 0, TRAVEL)
    assert odd.labels.tolist() == [0, 0, 2, 1]  # A, B stay (half rounded up), C is new N3
    with pytest.raises(ValueError, match="one recipient"):
        split(move(_plan(), [1], 1), 0, TRAVEL)


def test_undo_and_redo_walk_the_history() -> None:
    """Undo returns the plan before an edit, redo the edit; a new edit forgets redo."""
    first = _plan()
    second = move(first, [2], 0)
    history = record(History(first), second)
    assert history.can_undo and not history.can_redo
    back = undo(history)
    assert back.current is first and back.can_redo and not back.can_undo
    assert redo(back).current is second
    assert undo(back) is back and redo(history) is history
    third = move(first, [1], 1)
    assert not record(back, third).can_redo
