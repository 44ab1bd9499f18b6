"""The framework provider market: market shares, provider bases, the tender rule, fragmentation."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
from scipy.spatial import cKDTree

from roster.scenario import FrameworkConfig

logger = logging.getLogger(__name__)


def market_shares(config: FrameworkConfig, seed: int) -> np.ndarray:
    """Return each provider's market share, largest first, summing to 1.

    ``"zipf"``: the k-th largest share is proportional to ``1 / k ** zipf_exponent`` (no
    randomness); ``"lognormal"``: shares proportional to lognormal draws, sorted.

    Parameters
    ----------
    config
        Number of providers and share model.
    seed
        Random seed (used by the lognormal model).
    """
    if config.share_model == "zipf":
        weights = 1.0 / np.arange(1, config.providers + 1) ** config.zipf_exponent
    else:
        rng = np.random.default_rng(seed)
        weights = np.sort(rng.lognormal(0.0, config.lognormal_sigma, config.providers))[::-1]
    return weights / weights.sum()


def draw_bases(weights: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Pick a base site for each of ``n`` providers, by site weight; sites repeat only when needed.

    Parameters
    ----------
    weights
        Weight of each candidate site (e.g. 10 for a town, 1 for a village).
    n
        Number of providers.
    seed
        Random seed.

    Returns
    -------
    np.ndarray
        Index of each provider's site.
    """
    rng = np.random.default_rng(seed)
    weights = np.asarray(weights, dtype=float)
    picks: list[int] = []
    while len(picks) < n:  # every site once before any twice
        k = min(n - len(picks), len(weights))
        picks.extend(rng.choice(len(weights), size=k, replace=False, p=weights / weights.sum()))
    return np.array(picks, dtype=np.int64)


def tender(
    home_xy: np.ndarray,
    base_xy: np.ndarray,
    shares: np.ndarray,
    config: FrameworkConfig,
    seed: int,
) -> np.ndarray:
    """Give each package (recipient) to one provider by the tender rule.

    ``"share_weighted"``: provider p wins with probability ``shares[p]``, wherever the person
    lives. ``"nearest_base"``: the provider whose base is nearest in a straight line wins.
    ``"mixture"``: a ``mixture_nearest_share`` of packages go to the nearest base, the rest
    share-weighted.

    Parameters
    ----------
    home_xy
        ``(n, 2)`` recipients' homes in metres (a local metric projection).
    base_xy
        ``(p, 2)`` provider bases in the same projection.
    shares
        Market shares of the ``p`` providers.
    config
        The tender rule.
    seed
        Random seed.

    Returns
    -------
    np.ndarray
        The winning provider's index per recipient.
    """
    rng = np.random.default_rng(seed)
    n = len(home_xy)
    weighted = rng.choice(len(shares), size=n, p=shares)
    nearest = cKDTree(base_xy).query(home_xy)[1]
    if config.tender == "share_weighted":
        return weighted
    if config.tender == "nearest_base":
        return nearest.astype(np.int64)
    return np.where(rng.random(n) < config.mixture_nearest_share, nearest, weighted)


@dataclass(frozen=True)
class Fragmentation:
    """How scattered each provider's clients are among other providers' clients.

    Parameters
    ----------
    different_neighbour_share
        Share of recipients whose nearest neighbour (straight line) has a different provider.
    mean_nearest_m
        Mean straight-line distance from a recipient to the nearest other recipient.
    mean_nearest_same_provider_m
        Mean distance to the nearest other recipient of the same provider (recipients who are
        their provider's only client are left out).
    providers_per_small_area
        Mean number of providers serving each small area with recipients.
    providers_per_street
        Mean number of providers per street (road segment between junctions) among streets
        with 2+ recipients.
    shared_street_share
        Share of streets with 2+ recipients that are served by 2+ providers.
    """

    different_neighbour_share: float
    mean_nearest_m: float
    mean_nearest_same_provider_m: float
    providers_per_small_area: float
    providers_per_street: float
    shared_street_share: float

    def as_dict(self) -> dict[str, float]:
        """Return the metrics by name."""
        return asdict(self)


def _distinct_per_group(group: np.ndarray, provider: np.ndarray, min_size: int) -> np.ndarray:
    """Count distinct providers in each group with at least ``min_size`` members."""
    pairs = np.unique(np.stack([group, provider]), axis=1)
    distinct = np.bincount(np.searchsorted(np.unique(group), pairs[0]))
    size = np.unique(group, return_counts=True)[1]
    return distinct[size >= min_size]


def fragmentation(
    xy: np.ndarray, provider: np.ndarray, small_area: np.ndarray, street: np.ndarray
) -> Fragmentation:
    """Measure how providers' clients are interleaved.

    Parameters
    ----------
    xy
        ``(n, 2)`` recipients' homes in metres, n >= 2.
    provider
        Provider index per recipient.
    small_area
        Small-area index per recipient.
    street
        Street (road segment) id per recipient.
    """
    distance, index = cKDTree(xy).query(xy, k=2)
    different = provider[index[:, 1]] != provider
    same = []
    for p in np.unique(provider):
        members = xy[provider == p]
        if len(members) >= 2:
            same.append(cKDTree(members).query(members, k=2)[0][:, 1])
    streets = _distinct_per_group(street, provider, 2)
    return Fragmentation(
        different_neighbour_share=float(different.mean()),
        mean_nearest_m=float(distance[:, 1].mean()),
        mean_nearest_same_provider_m=float(np.concatenate(same).mean()) if same else float("nan"),
        providers_per_small_area=float(_distinct_per_group(small_area, provider, 1).mean()),
        providers_per_street=float(streets.mean()) if len(streets) else float("nan"),
        shared_street_share=float((streets >= 2).mean()) if len(streets) else float("nan"),
    )
