"""A plan's figures and checks, from arrays computed once: array operations per edit."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse

from neighbourhoods import evaluate
from roster.studio.plan import Plan


@dataclass(frozen=True, eq=False)
class AreaArrays:
    """What a plan's figures are computed from, per recipient (computed once at start-up).

    Parameters
    ----------
    travel_time_s
        Drive times between recipients, in seconds, shape (n, n).
    adjacency
        Which recipients touch through the road network (their network Voronoi cells share a
        road edge), shape (n, n).
    care_hours
        Weekly care hours of each recipient.
    cell_area_km2
        Area of each recipient's cell (zero for a home sharing another's cell).
    carer_cell
        For each carer, the recipient whose cell holds their home, or -1.
    provider
        Each recipient's framework provider (a number), or -1.
    target, tolerance
        Wanted recipients per neighbourhood and the allowed relative deviation from the mean
        size (the partition's bounds).
    balance_hours
        Whether weekly care hours must be within the tolerance too.
    """

    travel_time_s: np.ndarray
    adjacency: sparse.csr_array
    care_hours: np.ndarray
    cell_area_km2: np.ndarray
    carer_cell: np.ndarray
    provider: np.ndarray
    target: float
    tolerance: float
    balance_hours: bool = True

    @property
    def n(self) -> int:
        """Number of recipients."""
        return len(self.care_hours)


@dataclass(frozen=True)
class NeighbourhoodFigures:
    """One neighbourhood's figures.

    Attributes
    ----------
    name
        The neighbourhood's name.
    recipients, care_hours_weekly, area_km2, carers, providers
        Recipients, their weekly care hours, the area of their cells, carers living inside,
        framework providers serving its recipients now.
    mean_drive_s, p95_drive_s, diameter_s
        Mean, 95th percentile and longest drive between two of its recipients.
    contiguous
        Whether its recipients form one piece on the road network.
    size_ok
        Whether its recipients (and care hours, when balanced) are within the tolerance.
    """

    name: str
    recipients: int
    care_hours_weekly: float
    area_km2: float
    carers: int
    providers: int
    mean_drive_s: float
    p95_drive_s: float
    diameter_s: int
    contiguous: bool
    size_ok: bool


@dataclass(frozen=True)
class Check:
    """One of a plan's checks.

    Attributes
    ----------
    name
        What is checked.
    passed
        Whether the plan passes it.
    detail
        One sentence on the result.
    offenders
        Names of the neighbourhoods that fail it.
    """

    name: str
    passed: bool
    detail: str
    offenders: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanFigures:
    """A plan's figures, per neighbourhood and overall, and its checks.

    Attributes
    ----------
    neighbourhoods
        One entry per neighbourhood, in the plan's order.
    recipients, unassigned
        Recipients in a neighbourhood, and in none.
    mean_drive_s, p95_drive_s
        Each recipient's mean drive to the other members of its neighbourhood, averaged over
        recipients, and the 95th percentile weighted the same way.
    diameter_s
        The longest drive inside any neighbourhood.
    size_bounds
        Lowest and highest recipients a neighbourhood may have.
    hours_bounds
        The same for weekly care hours (None when they are not balanced).
    checks
        Every recipient covered once; sizes within the tolerance; contiguity.
    """

    neighbourhoods: tuple[NeighbourhoodFigures, ...]
    recipients: int
    unassigned: int
    mean_drive_s: float
    p95_drive_s: float
    diameter_s: int
    size_bounds: tuple[float, float]
    hours_bounds: tuple[float, float] | None
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Whether every check passes."""
        return all(check.passed for check in self.checks)

    def to_json(self) -> dict:
        """Return the figures as JSON-ready data."""
        return {**asdict(self), "passed": self.passed}


def plan_figures(area: AreaArrays, plan: Plan) -> PlanFigures:
    """Compute a plan's figures and checks.

    Parameters
    ----------
    area
        The arrays computed once for the area.
    plan
        The plan; its labels give one entry per recipient of the area.

    Returns
    -------
    PlanFigures
        Per neighbourhood and overall figures, and the checks with their offenders.
    """
    labels = plan.labels
    if labels.shape != (area.n,):
        raise ValueError("the plan must label every recipient of the area.")
    k = len(plan.names)
    inside = np.flatnonzero(labels >= 0)
    if k == 0:
        raise ValueError("the plan has no neighbourhood.")
    quality = evaluate(
        area.travel_time_s[np.ix_(inside, inside)],
        labels[inside],
        area.adjacency[inside][:, inside],
        area.care_hours[inside],
    )
    sizes = np.bincount(labels[inside], minlength=k)
    hours = np.bincount(labels[inside], weights=area.care_hours[inside], minlength=k)
    cell_area = np.bincount(labels[inside], weights=area.cell_area_km2[inside], minlength=k)
    carer_label = np.where(area.carer_cell >= 0, labels[np.maximum(area.carer_cell, 0)], -1)
    carers = np.bincount(carer_label[carer_label >= 0], minlength=k)
    served = area.provider[inside] >= 0
    pairs = np.unique(
        np.column_stack([labels[inside][served], area.provider[inside][served]]), axis=0
    )
    providers = np.bincount(pairs[:, 0], minlength=k) if len(pairs) else np.zeros(k, np.int64)
    tolerance = area.tolerance
    size_bounds = _bounds(sizes.sum() / k, tolerance)
    hours_bounds = _bounds(hours.sum() / k, tolerance) if area.balance_hours else None
    size_ok = _within(sizes, size_bounds)
    if hours_bounds is not None:
        size_ok &= _within(hours, hours_bounds)
    items = tuple(
        NeighbourhoodFigures(
            name=plan.names[j],
            recipients=int(sizes[j]),
            care_hours_weekly=round(float(hours[j]), 2),
            area_km2=round(float(cell_area[j]), 3),
            carers=int(carers[j]),
            providers=int(providers[j]),
            mean_drive_s=round(q.mean_internal_s, 1),
            p95_drive_s=round(q.p95_internal_s, 1),
            diameter_s=int(q.diameter_s),
            contiguous=bool(q.contiguous),
            size_ok=bool(size_ok[j]),
        )
        for j, q in enumerate(quality.neighbourhoods)
    )
    return PlanFigures(
        neighbourhoods=items,
        recipients=int(inside.size),
        unassigned=int(area.n - inside.size),
        mean_drive_s=round(quality.mean_internal_s, 1),
        p95_drive_s=round(quality.p95_internal_s, 1),
        diameter_s=int(quality.diameter_s),
        size_bounds=size_bounds,
        hours_bounds=hours_bounds,
        checks=_checks(area, items, size_bounds, hours_bounds),
    )


def _bounds(mean: float, tolerance: float) -> tuple[float, float]:
    """Return the partition's bounds: the mean size less and plus the tolerance."""
    return (round(mean * (1 - tolerance), 2), round(mean * (1 + tolerance), 2))


def _within(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """Which values lie within the bounds (rounded as the bounds are)."""
    return (values >= bounds[0] - 1e-9) & (values <= bounds[1] + 1e-9)


def _checks(
    area: AreaArrays,
    items: tuple[NeighbourhoodFigures, ...],
    size_bounds: tuple[float, float],
    hours_bounds: tuple[float, float] | None,
) -> tuple[Check, ...]:
    """Check: every recipient covered once, sizes within the tolerance, contiguity."""
    covered = sum(item.recipients for item in items)
    missing = area.n - covered
    cover = Check(
        "every recipient covered once",
        missing == 0,
        f"all {area.n} recipients are in one neighbourhood each"
        if missing == 0
        else f"{missing} of {area.n} recipients {'is' if missing == 1 else 'are'} in no "
        "neighbourhood",
    )
    low, high = size_bounds
    wrong = tuple(item.name for item in items if not item.size_ok)
    bounds = f"{low:g}-{high:g} recipients"
    if hours_bounds is not None:
        bounds += f" and {hours_bounds[0]:g}-{hours_bounds[1]:g} care hours a week"
    size = Check(
        "sizes within the tolerance",
        not wrong,
        f"every neighbourhood has {bounds} (mean +/-{area.tolerance:.0%})"
        if not wrong
        else f"{', '.join(wrong)} outside {bounds} (mean +/-{area.tolerance:.0%})",
        wrong,
    )
    broken = tuple(item.name for item in items if not item.contiguous)
    pieces = Check(
        "contiguous",
        not broken,
        "every neighbourhood is one piece on the road network"
        if not broken
        else f"{', '.join(broken)} in more than one piece on the road network",
        broken,
    )
    return (cover, size, pieces)
