"""Tests for roster.demand.market: market shares, bases, tender rules and fragmentation metrics."""

from __future__ import annotations

import numpy as np
import pytest

from roster.demand.market import draw_bases, fragmentation, market_shares, tender
from roster.scenario import FrameworkConfig


def test_zipf_shares():
    """Three providers with exponent 1 have shares 6/11, 3/11, 2/11."""
    shares = market_shares(FrameworkConfig(providers=3), seed=0)
    np.testing.assert_allclose(shares, [6 / 11, 3 / 11, 2 / 11])


def test_lognormal_shares_sorted():
    """Lognormal shares sum to 1, largest first, and depend on the seed."""
    config = FrameworkConfig(providers=5, share_model="lognormal")
    shares = market_shares(config, seed=1)
    assert shares.sum() == pytest.approx(1.0) and (np.diff(shares) <= 0).all()
    assert not np.allclose(shares, market_shares(config, seed=2))


def test_bases_use_each_site_before_repeating():
    """With 3 sites and 5 providers every site is used, none more than twice."""
    counts = np.bincount(draw_bases(np.array([10.0, 1.0, 1.0]), 5, seed=0), minlength=3)
    assert counts.min() >= 1 and counts.max() <= 2


def test_tender_rules():
    """Nearest base gives each home its closest base; share-weighted follows the shares."""
    homes = np.array([[0.0, 0.0], [9.0, 0.0], [1.0, 0.0]])
    bases = np.array([[0.0, 0.0], [10.0, 0.0]])
    nearest = tender(homes, bases, np.array([0.5, 0.5]), FrameworkConfig(tender="nearest_base"), 0)
    assert nearest.tolist() == [0, 1, 0]
    many = np.zeros((5000, 2))
    won = tender(many, bases, np.array([0.8, 0.2]), FrameworkConfig(), 0)
    assert won.mean() == pytest.approx(0.2, abs=0.02)
    mixed = FrameworkConfig(tender="mixture", mixture_nearest_share=1.0)
    assert tender(homes, bases, np.array([0.5, 0.5]), mixed, 0).tolist() == [0, 1, 0]


def test_fragmentation_hand_example():
    """Two streets, each with a pair of neighbours from different providers 1 m apart.

    Every nearest neighbour is another provider's; the nearest same-provider client is 10 m
    away; each small area and each street has 2 providers.
    """
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    result = fragmentation(
        xy, np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7])
    )
    assert result.different_neighbour_share == 1.0
    assert result.mean_nearest_m == 1.0
    assert result.mean_nearest_same_provider_m == 10.0
    assert result.providers_per_small_area == 2.0
    assert result.providers_per_street == 2.0
    assert result.shared_street_share == 1.0


def test_one_provider_is_not_fragmented():
    """With a single provider nothing is shared."""
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    result = fragmentation(xy, np.zeros(3, int), np.zeros(3, int), np.array([1, 1, 2]))
    assert result.different_neighbour_share == 0.0
    assert result.providers_per_street == 1.0 and result.shared_street_share == 0.0
