"""Tests for neighbourhoods.quality: per-neighbourhood and overall measures."""

import numpy as np
import pytest
from scipy import sparse

from neighbourhoods.quality import evaluate

# Four recipients on a street 0-1-2-3; travel times are hand-picked and asymmetric.
TRAVEL = np.array(
    [
        [0, 10, 50, 60],
        [20, 0, 40, 50],
        [50, 40, 0, 30],
        [60, 50, 10, 0],
    ]
)
STREET = sparse.csr_array(np.eye(4, k=1) + np.eye(4, k=-1))


def test_two_neighbourhoods_by_hand():
    """Labels [0, 0, 1, 1] give the hand-computed sizes, hours and travel figures."""
    report = evaluate(TRAVEL, np.array([0, 0, 1, 1]), STREET, np.array([1.0, 2.0, 3.0, 4.0]))
    first, second = report.neighbourhoods
    assert (first.recipients, first.care_hours, first.contiguous) == (2, 3.0, True)
    assert (first.mean_internal_s, first.diameter_s) == (15.0, 20)
    assert first.p95_internal_s == 20
    assert (second.mean_internal_s, second.diameter_s) == (20.0, 30)
    assert (report.mean_internal_s, report.p95_internal_s) == (17.5, 30)
    assert report.summary()["size_min"] == report.summary()["size_max"] == 2
    assert report.contiguous


def test_every_recipient_counts_once_overall():
    """Sizes 3 and 1: the overall mean averages recipients' own means (zero for the loner)."""
    report = evaluate(TRAVEL, np.array([0, 0, 0, 1]), STREET)
    # Row means within {0, 1, 2}: 30, 30, 45; the loner's is 0.
    assert report.mean_internal_s == pytest.approx((30 + 30 + 45 + 0) / 4)


def test_split_neighbourhood_is_not_contiguous():
    """Alternate labels along the street leave both neighbourhoods in two pieces."""
    report = evaluate(TRAVEL, np.array([0, 1, 0, 1]), STREET)
    assert [item.contiguous for item in report.neighbourhoods] == [False, False]
    assert not report.contiguous


def test_single_member_neighbourhood_has_no_travel():
    """A neighbourhood of one recipient has zero internal travel and is contiguous."""
    report = evaluate(TRAVEL, np.array([0, 0, 0, 5]), STREET)
    last = report.neighbourhoods[-1]
    assert (last.label, last.recipients, last.mean_internal_s, last.diameter_s) == (5, 1, 0.0, 0)
    assert report.records()[-1]["contiguous"] is True


def test_mismatched_shapes_are_rejected():
    """Labels that do not match the travel matrix raise a ValueError."""
    with pytest.raises(ValueError, match="one row per label"):
        evaluate(TRAVEL, np.array([0, 0, 1]), STREET)
