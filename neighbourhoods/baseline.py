"""Baseline neighbourhoods: plain k-means on coordinates, blind to roads and balance."""

from __future__ import annotations

import logging
import warnings

import numpy as np
from scipy.cluster.vq import kmeans2

log = logging.getLogger(__name__)


def kmeans_labels(xy: np.ndarray, k: int, *, seed: int) -> np.ndarray:
    """Cluster points into k groups by k-means (k-means++ start) on their coordinates.

    Parameters
    ----------
    xy
        Point coordinates, shape (n, 2), in a projected CRS (metres) so that distances
        mean the same in every direction.
    k
        Number of clusters wanted.
    seed
        Seed for the k-means++ start.

    Returns
    -------
    numpy.ndarray
        Label 0..k'-1 of each point, where k' <= k if some clusters came out empty.
    """
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[0] == 0 or not np.all(np.isfinite(xy)):
        raise ValueError("xy must be a non-empty (n, d) array of finite coordinates.")
    if not 1 <= k <= xy.shape[0]:
        raise ValueError(f"k must lie between 1 and the {xy.shape[0]} points.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, labels = kmeans2(xy, k, minit="++", seed=np.random.default_rng(seed))
    for warning in caught:
        log.info("k-means: %s", warning.message)
    return np.unique(labels, return_inverse=True)[1]
