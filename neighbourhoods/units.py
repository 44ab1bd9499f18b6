"""Carry recipients up to natural units (wards, MSOAs, any polygons) and labels back down."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def unit_weights(
    unit_of: np.ndarray, n_units: int, care_hours: np.ndarray | None = None
) -> np.ndarray:
    """Count the recipients (and sum the weekly care hours) of each unit.

    Parameters
    ----------
    unit_of
        Unit index (0..n_units-1) of each recipient.
    n_units
        Number of units, including any without recipients.
    care_hours
        Weekly care hours of each recipient, if hours should be balanced too.

    Returns
    -------
    numpy.ndarray
        Recipients per unit, shape (n_units,), or recipients and care hours, shape (n_units, 2).
    """
    unit_of = _checked(unit_of, n_units)
    recipients = np.bincount(unit_of, minlength=n_units).astype(np.float64)
    if care_hours is None:
        return recipients
    hours = np.bincount(
        unit_of, weights=np.asarray(care_hours, dtype=np.float64), minlength=n_units
    )
    return np.c_[recipients, hours]


def unit_travel_time(travel_time_s: np.ndarray, unit_of: np.ndarray, n_units: int) -> np.ndarray:
    """Average the travel time between the recipients of each pair of units.

    With these times and recipient counts as weights, the partition objective over units
    equals the one over recipients up to a constant (travel inside each unit).

    Parameters
    ----------
    travel_time_s
        Square matrix of travel times in seconds between recipients.
    unit_of
        Unit index of each recipient.
    n_units
        Number of units.

    Returns
    -------
    numpy.ndarray
        Integer seconds, shape (n_units, n_units), zero on the diagonal and for units
        without recipients.
    """
    unit_of = _checked(unit_of, n_units)
    travel = np.asarray(travel_time_s)
    if travel.shape != (unit_of.size, unit_of.size):
        raise ValueError("travel_time_s must have one row and column per recipient.")
    member = sparse.csr_array(
        (np.ones(unit_of.size), (np.arange(unit_of.size), unit_of)), shape=(unit_of.size, n_units)
    )
    total = np.asarray((member.T @ travel.astype(np.float64)) @ member)
    count = np.bincount(unit_of, minlength=n_units).astype(np.float64)
    pairs = np.outer(count, count)
    mean = np.divide(total, pairs, out=np.zeros_like(total), where=pairs > 0)
    np.fill_diagonal(mean, 0)
    return np.rint(mean).astype(np.int64)


def inherit_labels(unit_labels: np.ndarray, unit_of: np.ndarray) -> np.ndarray:
    """Give each recipient the neighbourhood label of its unit.

    Parameters
    ----------
    unit_labels
        Neighbourhood label of each unit.
    unit_of
        Unit index of each recipient.

    Returns
    -------
    numpy.ndarray
        Label of each recipient.
    """
    unit_labels = np.asarray(unit_labels)
    return unit_labels[_checked(unit_of, unit_labels.size)]


def _checked(unit_of: np.ndarray, n_units: int) -> np.ndarray:
    """Check that unit indices are integers in 0..n_units-1."""
    unit_of = np.asarray(unit_of)
    if unit_of.ndim != 1 or (unit_of.size and not np.issubdtype(unit_of.dtype, np.integer)):
        raise ValueError("unit_of must be a one-dimensional integer array.")
    if unit_of.size and (unit_of.min() < 0 or unit_of.max() >= n_units):
        raise ValueError(f"unit indices must lie in 0..{n_units - 1}.")
    return unit_of
