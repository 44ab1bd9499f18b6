"""A plan being drawn: a frozen labelling of recipients, the edits that make new plans, undo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Label of a recipient in no neighbourhood.
UNASSIGNED = -1
#: Edits kept for undo (older ones are forgotten).
UNDO_DEPTH = 200


@dataclass(frozen=True, eq=False)
class Plan:
    """Which neighbourhood each recipient is in.

    Parameters
    ----------
    name
        What the commissioner calls the plan.
    labels
        Neighbourhood of each recipient: a position in ``names``, or :data:`UNASSIGNED`.
        Stored read-only; every neighbourhood holds at least one recipient.
    names
        The neighbourhoods' names, distinct.
    source
        Where the plan started (generated, census MSOAs, a file, a saved plan).
    """

    name: str
    labels: np.ndarray
    names: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        labels = np.array(self.labels, dtype=np.int64)
        if labels.ndim != 1 or ((labels < UNASSIGNED) | (labels >= len(self.names))).any():
            raise ValueError("labels must be positions in names, or -1.")
        if len(set(self.names)) != len(self.names):
            raise ValueError("neighbourhood names must be distinct.")
        if (
            len(self.names)
            and np.bincount(labels[labels >= 0], minlength=len(self.names)).min() == 0
        ):
            raise ValueError("every neighbourhood must hold a recipient.")
        labels.setflags(write=False)
        object.__setattr__(self, "labels", labels)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return (self.name, self.names, self.source) == (other.name, other.names, other.source) and (
            np.array_equal(self.labels, other.labels)
        )

    __hash__ = None  # type: ignore[assignment]

    def by_id(self, ids: Sequence[str]) -> dict[str, str]:
        """Neighbourhood name of each assigned recipient, by recipient id (``ids`` in order)."""
        return {i: self.names[k] for i, k in zip(ids, self.labels, strict=True) if k >= 0}


def plan_from_names(
    name: str,
    neighbourhood: Sequence[str | None],
    source: str,
    *,
    grouped: np.ndarray | None = None,
) -> Plan:
    """Make a plan from each recipient's neighbourhood name (None for none).

    Parameters
    ----------
    name, source
        As for :class:`Plan`.
    neighbourhood
        Each recipient's neighbourhood name, or None.
    grouped
        For each recipient, the recipient whose cell it shares (see :func:`move`); a
        recipient takes that one's neighbourhood, so homes at one point stay together.

    Returns
    -------
    Plan
        Neighbourhoods in sorted name order (N2 before N10).
    """
    given = [None if n is None else str(n) for n in neighbourhood]
    if grouped is not None:
        given = [given[g] for g in np.asarray(grouped)]
    names = tuple(sorted({n for n in given if n is not None}, key=_natural))
    position = {n: k for k, n in enumerate(names)}
    labels = np.array([UNASSIGNED if n is None else position[n] for n in given], dtype=np.int64)
    return Plan(name, labels, names, source)


def move(plan: Plan, recipients: Sequence[int] | np.ndarray, to: int) -> Plan:
    """Move recipients into a neighbourhood (or a new one, ``to == len(plan.names)``).

    The one edit behind a click, a brushed rectangle and a drawn polygon: each picks the
    recipients (the homes inside, found by the caller) and this labels them. A neighbourhood
    left empty disappears; the others keep their names.

    Parameters
    ----------
    plan
        The plan before.
    recipients
        Positions of the recipients to move (at least one).
    to
        The neighbourhood they join: a position in ``plan.names``, ``len(plan.names)`` for a
        new neighbourhood, or :data:`UNASSIGNED` to leave them in none.

    Returns
    -------
    Plan
        The plan after; ``plan`` itself when every recipient is already in ``to`` (so an edit
        that changes nothing leaves no step to undo).
    """
    if not UNASSIGNED <= to <= len(plan.names):
        raise ValueError(f"there is no neighbourhood {to}.")
    chosen = np.asarray(recipients, dtype=np.int64).ravel()
    if chosen.size == 0:
        raise ValueError("no recipient chosen to move.")
    if ((chosen < 0) | (chosen >= plan.labels.size)).any():
        raise ValueError(f"recipients are positions below {plan.labels.size}.")
    if (plan.labels[chosen] == to).all():
        return plan
    labels = plan.labels.copy()
    labels[chosen] = to
    names = plan.names + ((new_name(plan.names),) if to == len(plan.names) else ())
    return _compact(plan, labels, names)


def merge(plan: Plan, keep: int, absorb: int) -> Plan:
    """Merge neighbourhood ``absorb`` into ``keep`` (which keeps its name)."""
    if keep == absorb or not (0 <= keep < len(plan.names) and 0 <= absorb < len(plan.names)):
        raise ValueError("merge needs two different neighbourhoods of the plan.")
    labels = np.where(plan.labels == absorb, keep, plan.labels)
    return _compact(plan, labels, plan.names)


def split(plan: Plan, neighbourhood: int, travel_time_s: np.ndarray) -> Plan:
    """Split a neighbourhood in two halves around its two members farthest apart by drive.

    Members are ordered by how much nearer they are to the first of the two than to the
    second (drive times made symmetric, (t + t.T) / 2); the nearer half (rounded up) keeps the
    name and the rest form a new neighbourhood. The halves differ in size by one at most; they
    may not be contiguous (the plan's checks say so).

    Parameters
    ----------
    plan
        The plan before.
    neighbourhood
        Position of the neighbourhood to split; it needs two recipients or more.
    travel_time_s
        Drive times between all recipients, in seconds.
    """
    if not 0 <= neighbourhood < len(plan.names):
        raise ValueError(f"there is no neighbourhood {neighbourhood}.")
    members = np.flatnonzero(plan.labels == neighbourhood)
    if members.size < 2:
        raise ValueError(f"{plan.names[neighbourhood]} has one recipient: it cannot be split.")
    within = np.asarray(travel_time_s, dtype=np.float64)[np.ix_(members, members)]
    within = (within + within.T) / 2
    a, b = np.unravel_index(np.argmax(within), within.shape)
    order = np.argsort(within[a] - within[b], kind="stable")
    leaving = members[order[(members.size + 1) // 2 :]]
    return move(plan, leaving, len(plan.names))


def new_name(names: Sequence[str]) -> str:
    """Return the first name N1, N2, ... not among ``names``."""
    taken = set(names)
    return next(f"N{k}" for k in range(1, len(taken) + 2) if f"N{k}" not in taken)


def _compact(plan: Plan, labels: np.ndarray, names: Sequence[str]) -> Plan:
    """Drop neighbourhoods left empty and renumber the rest, keeping their order and names."""
    used = np.bincount(labels[labels >= 0], minlength=len(names)) > 0
    position = np.cumsum(used) - 1
    labels = np.where(labels >= 0, position[np.maximum(labels, 0)], UNASSIGNED)
    kept = tuple(n for n, keep in zip(names, used, strict=True) if keep)
    return Plan(plan.name, labels, kept, plan.source)


def _natural(name: str) -> tuple:
    """Sort key that puts N2 before N10."""
    digits = "".join(c for c in name if c.isdigit())
    stem = name.rstrip("0123456789")
    return (stem, int(digits) if digits and name[len(stem) :].isdigit() else -1, name)


@dataclass(frozen=True, eq=False)
class History:
    """A plan with the plans before it (for undo) and after it (for redo).

    Parameters
    ----------
    current
        The plan shown.
    past
        Earlier plans, oldest first.
    future
        Plans undone, the next one to redo first.
    """

    current: Plan
    past: tuple[Plan, ...] = ()
    future: tuple[Plan, ...] = ()

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self.past)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self.future)


def record(history: History, plan: Plan) -> History:
    """Make ``plan`` current after an edit: the old plan can be undone to, redo is forgotten."""
    return History(plan, (*history.past, history.current)[-UNDO_DEPTH:], ())


def undo(history: History) -> History:
    """Go back one edit (no change when there is none)."""
    if not history.past:
        return history
    return History(history.past[-1], history.past[:-1], (history.current, *history.future))


def redo(history: History) -> History:
    """Redo the last edit undone (no change when there is none)."""
    if not history.future:
        return history
    return History(history.future[0], (*history.past, history.current), history.future[1:])
