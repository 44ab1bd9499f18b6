"""Measure neighbourhoods: size, care hours, contiguity and internal travel time."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse

from neighbourhoods.adjacency import count_components


@dataclass(frozen=True)
class NeighbourhoodQuality:
    """How one neighbourhood measures up.

    Attributes
    ----------
    label
        The neighbourhood's label.
    recipients
        Number of recipients in it.
    care_hours
        Their weekly care hours.
    contiguous
        Whether its recipients form one connected piece of the adjacency graph.
    mean_internal_s
        Mean travel time between two different recipients in it, over ordered pairs.
    p95_internal_s
        95th percentile of the same travel times (a time that occurs among them).
    diameter_s
        Longest travel time between two of its recipients.
    """

    label: int
    recipients: int
    care_hours: float
    contiguous: bool
    mean_internal_s: float
    p95_internal_s: float
    diameter_s: int


@dataclass(frozen=True)
class QualityReport:
    """Quality of every neighbourhood, with the overall figures.

    Attributes
    ----------
    neighbourhoods
        One entry per neighbourhood, in label order.
    mean_internal_s
        Each recipient's mean travel time to the other members of its neighbourhood,
        averaged over recipients, so that every recipient counts once whatever the size of
        their neighbourhood (pooling all pairs instead would weight big neighbourhoods by
        the square of their size).
    p95_internal_s
        95th percentile of the travel times from recipients to the other members, with each
        recipient's times weighted to count once, as for the mean.
    """

    neighbourhoods: tuple[NeighbourhoodQuality, ...]
    mean_internal_s: float
    p95_internal_s: float

    @property
    def size_min(self) -> int:
        """Recipients in the smallest neighbourhood."""
        return min(item.recipients for item in self.neighbourhoods)

    @property
    def size_max(self) -> int:
        """Recipients in the largest neighbourhood."""
        return max(item.recipients for item in self.neighbourhoods)

    @property
    def contiguous(self) -> bool:
        """Whether every neighbourhood is contiguous."""
        return all(item.contiguous for item in self.neighbourhoods)

    @property
    def diameter_s(self) -> int:
        """Largest diameter of any neighbourhood."""
        return max(item.diameter_s for item in self.neighbourhoods)

    def summary(self) -> dict[str, float | int | bool]:
        """Overall figures as a flat dictionary."""
        return {
            "neighbourhoods": len(self.neighbourhoods),
            "recipients": sum(item.recipients for item in self.neighbourhoods),
            "size_min": self.size_min,
            "size_max": self.size_max,
            "contiguous": self.contiguous,
            "mean_internal_s": round(self.mean_internal_s, 1),
            "p95_internal_s": round(self.p95_internal_s, 1),
            "diameter_s": self.diameter_s,
        }

    def records(self) -> list[dict[str, float | int | bool]]:
        """One flat dictionary per neighbourhood, for a table."""
        return [asdict(item) for item in self.neighbourhoods]


def evaluate(
    travel_time_s: np.ndarray,
    labels: np.ndarray,
    adjacency: sparse.sparray | np.ndarray,
    care_hours: np.ndarray | None = None,
) -> QualityReport:
    """Measure every neighbourhood of a labelling of recipients.

    Parameters
    ----------
    travel_time_s
        Square matrix of travel times in seconds between recipients (directed).
    labels
        Neighbourhood label of each recipient (any integers).
    adjacency
        Square symmetric matrix; non-zero where two recipients touch through the road network.
    care_hours
        Weekly care hours of each recipient; zero when not given.

    Returns
    -------
    QualityReport
        Per-neighbourhood and overall figures.
    """
    travel = np.asarray(travel_time_s)
    labels = np.asarray(labels)
    n = labels.size
    if labels.ndim != 1 or n == 0 or travel.shape != (n, n):
        raise ValueError("travel_time_s must be square with one row per label.")
    if sparse.csr_array(adjacency).shape != (n, n):
        raise ValueError("adjacency must have one row per label.")
    hours = np.zeros(n) if care_hours is None else np.asarray(care_hours, dtype=np.float64)
    if hours.shape != (n,):
        raise ValueError("care_hours must give one value per recipient.")
    graph = sparse.csr_array(adjacency)
    times: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    items = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        within = travel[np.ix_(members, members)]
        pairs = within[~np.eye(members.size, dtype=bool)].astype(np.float64)
        times.append(pairs)
        shares.append(np.full(pairs.size, 1 / max(members.size - 1, 1)))
        items.append(
            NeighbourhoodQuality(
                label=int(label),
                recipients=int(members.size),
                care_hours=float(hours[members].sum()),
                contiguous=count_components(graph[members][:, members]) == 1,
                mean_internal_s=float(pairs.mean()) if pairs.size else 0.0,
                p95_internal_s=_percentile(pairs, np.ones(pairs.size), 95),
                diameter_s=int(pairs.max()) if pairs.size else 0,
            )
        )
    every, share = np.concatenate(times), np.concatenate(shares)
    return QualityReport(
        neighbourhoods=tuple(items),
        mean_internal_s=float(np.dot(every, share) / n),
        p95_internal_s=_percentile(every, share, 95),
    )


def _percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Find the smallest value with at least q% of the weight at or below it (0 if none)."""
    if values.size == 0:
        return 0.0
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q / 100 * cumulative[-1])])
