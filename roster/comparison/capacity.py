"""Capacity by time band: work demanded against carers on shift, per pool, day and band.

A visit's contact time (twice for a double-handed visit) is spread evenly over the span in
which it could be served, from its window's opening to its latest start plus its duration, so
a 07:00-10:00 morning call loads both the early and the late morning. Carer time is each
working period's overlap with the band; at the workforce's utilisation it gives the contact
time the carers on shift could deliver (the rest goes to travel and waiting, the same rule
that sizes the generated workforce). The carers short (negative) or spare are that difference
in carers on shift for the band's average time per carer; the extra calls are how many more
calls of the band's typical length would still fit. Travel to a new client, skills and the
daily cap are not counted here: ``roster place`` checks those against the real rounds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roster.commissioning.models import Commissioning
from roster.commissioning.week import SolvedPool
from roster.comparison.metrics import JsonRecord
from roster.model import DAYS, Instance, Shift, Visit
from roster.scenario import parse_clock

#: Length of a typical call in a band that has no visits at all (seconds).
DEFAULT_CALL_S = 30 * 60


@dataclass(frozen=True)
class Band(JsonRecord):
    """A time band of the day.

    Parameters
    ----------
    name
        Such as ``"early morning"``.
    start_s, end_s
        Its start and end, seconds since midnight.
    """

    name: str
    start_s: int
    end_s: int


@dataclass(frozen=True)
class BandCapacity(JsonRecord):
    """One pool's work and carers in one band of one day.

    Parameters
    ----------
    model, pool
        Commissioning model and pool names.
    day
        0 (Monday) to 6.
    band
        The band's name.
    visits, visits_unserved
        Visits whose window's midpoint falls in the band, and how many of them the rounds left
        out (a double-handed visit once).
    carers_on_shift
        Carers with a working period overlapping the band.
    contact_demanded_s
        Contact time the band's share of the visits needs (a double-handed visit twice).
    carer_time_s
        Carers' working time inside the band.
    contact_available_s
        The contact time that working time can deliver, at the workforce's utilisation.
    carers_spare
        Carers on shift beyond those the band's work needs; negative when carers are short.
    extra_calls
        More calls of the band's typical length that would still fit (0 when short).
    """

    model: str
    pool: str
    day: int
    band: str
    visits: int
    visits_unserved: int
    carers_on_shift: int
    contact_demanded_s: int
    carer_time_s: int
    contact_available_s: int
    carers_spare: int
    extra_calls: int


@dataclass(frozen=True)
class PoolSpare(JsonRecord):
    """How many more people one pool could take this week with its carers as they are.

    Parameters
    ----------
    model, pool
        Commissioning model and pool names.
    provider_id, neighbourhood
        The framework provider or the neighbourhood whose pool it is ("" when neither).
    extra_calls
        By band: more calls of the band's typical length that fit on every day modelled.
    packages
        More typical packages (one typical call in each band of :attr:`Capacity.package`,
        every day modelled) the pool could take.
    """

    model: str
    pool: str
    provider_id: str
    neighbourhood: str
    extra_calls: Mapping[str, int]
    packages: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_calls", dict(self.extra_calls))


@dataclass(frozen=True)
class Capacity:
    """Capacity of every pool of both models, by day and band, and their spare packages.

    Parameters
    ----------
    bands
        The bands, in order.
    utilisation
        Share of carers' working time that can be contact time.
    call_s
        A typical call's length in each band (the median of the band's visits).
    package
        The bands of a typical package (the most common set of calls a recipient has in a day).
    rows
        One per model, pool, day and band, in that order.
    spare
        One per model and pool.
    """

    bands: tuple[Band, ...]
    utilisation: float
    call_s: Mapping[str, int]
    package: tuple[str, ...]
    rows: tuple[BandCapacity, ...]
    spare: tuple[PoolSpare, ...]

    def shortest(self, model: str) -> BandCapacity | None:
        """Return the model's pool, day and band shortest of carers (None if none is short)."""
        rows = [r for r in self.rows if r.model == model and r.carers_spare < 0]
        return min(rows, key=lambda r: (r.carers_spare, -r.visits_unserved)) if rows else None

    def csv_rows(self) -> list[dict[str, str | int | float]]:
        """Rows for ``capacity.csv``: each pool-day-band, then each pool's week (``day=week``).

        A week row gives, per band, the extra calls that fit on every day modelled; its
        ``band = typical package`` row gives the packages (people) the pool could take.
        """
        hours = 1 / 3600
        rows: list[dict[str, str | int | float]] = [
            {
                "model": r.model,
                "pool": r.pool,
                "day": DAYS[r.day],
                "band": r.band,
                "visits": r.visits,
                "visits_unserved": r.visits_unserved,
                "carers_on_shift": r.carers_on_shift,
                "contact_hours_demanded": round(r.contact_demanded_s * hours, 2),
                "carer_hours": round(r.carer_time_s * hours, 2),
                "contact_hours_available": round(r.contact_available_s * hours, 2),
                "carers_spare": r.carers_spare,
                "extra_calls": r.extra_calls,
                "typical_call_min": round(self.call_s[r.band] / 60, 1),
            }
            for r in self.rows
        ]
        for s in self.spare:
            week = {"model": s.model, "pool": s.pool, "day": "week"}
            for band in self.bands:
                rows.append(
                    {
                        **week,
                        "band": band.name,
                        "extra_calls": s.extra_calls[band.name],
                        "typical_call_min": round(self.call_s[band.name] / 60, 1),
                    }
                )
            rows.append({**week, "band": "typical package", "packages": s.packages})
        return rows


#: Columns of ``capacity.csv``, in order.
CAPACITY_COLUMNS = (
    "model",
    "pool",
    "day",
    "band",
    "visits",
    "visits_unserved",
    "carers_on_shift",
    "contact_hours_demanded",
    "carer_hours",
    "contact_hours_available",
    "carers_spare",
    "extra_calls",
    "typical_call_min",
    "packages",
)


def parse_bands(bands: Mapping[str, tuple[str, str]]) -> tuple[Band, ...]:
    """Turn the scenario's ``[comparison.bands]`` (name: start, end) into bands, in order."""
    return tuple(
        Band(name, parse_clock(start, f"comparison.bands.{name}"), parse_clock(end, name))
        for name, (start, end) in bands.items()
    )


def band_edges(bands: Sequence[Band]) -> np.ndarray:
    """Edges of bands in order: band ``k`` runs from edge ``k`` to edge ``k + 1``."""
    return np.array([bands[0].start_s, *(b.end_s for b in bands)], dtype=np.int64)


def band_of(time_s: np.ndarray, edges_s: np.ndarray) -> np.ndarray:
    """Index of the band holding each time (band ``k`` runs from ``edges_s[k]`` to the next)."""
    return np.clip(np.searchsorted(edges_s, time_s, side="right") - 1, 0, len(edges_s) - 2)


def overlap_s(start_s: np.ndarray, end_s: np.ndarray, edges_s: np.ndarray) -> np.ndarray:
    """``(intervals, bands)`` seconds of each interval inside each band."""
    low = np.maximum(np.asarray(start_s)[:, None], edges_s[None, :-1])
    high = np.minimum(np.asarray(end_s)[:, None], edges_s[None, 1:])
    return np.maximum(high - low, 0)


def contact_by_band(
    earliest_s: np.ndarray,
    latest_s: np.ndarray,
    duration_s: np.ndarray,
    carers: np.ndarray,
    edges_s: np.ndarray,
) -> np.ndarray:
    """Spread each visit's contact time evenly over the span it could be served in, by band.

    Parameters
    ----------
    earliest_s, latest_s
        Each visit's window on its start.
    duration_s
        Its length.
    carers
        1, or 2 for a double-handed visit (whose contact counts twice).
    edges_s
        Band edges: band ``k`` runs from ``edges_s[k]`` to ``edges_s[k + 1]``.

    Returns
    -------
    numpy.ndarray
        Contact seconds in each band (float).
    """
    earliest_s, latest_s = np.asarray(earliest_s), np.asarray(latest_s)
    end_s = latest_s + np.asarray(duration_s)
    share = overlap_s(earliest_s, end_s, edges_s) / np.maximum(end_s - earliest_s, 1)[:, None]
    return (share * (np.asarray(duration_s) * np.asarray(carers))[:, None]).sum(axis=0)


def spare_carers(
    demanded_s: float, carer_time_s: float, on_shift: int, band_s: int, utilisation: float
) -> int:
    """Carers on shift beyond those needed (negative: short), in the band's time per carer.

    Parameters
    ----------
    demanded_s
        Contact time the band's work needs.
    carer_time_s
        The working time in the band of the carers on shift.
    on_shift
        How many they are.
    band_s
        The band's length: a carer's time in it when nobody is on shift.
    utilisation
        Share of working time that can be contact time.
    """
    per_carer = carer_time_s / on_shift if on_shift else band_s
    needed = demanded_s / (utilisation * per_carer)
    return math.floor(on_shift - needed + 1e-9)


def capacity(
    instance: Instance,
    models: Sequence[Commissioning],
    solved: Sequence[SolvedPool],
    bands: Sequence[Band],
    utilisation: float,
    days: Sequence[int],
) -> Capacity:
    """Capacity of every pool of every model by day and band, and the packages it could take.

    Parameters
    ----------
    instance
        Visits and carers.
    models
        Framework and consortium pools.
    solved
        Their rounds, for the visits left out.
    bands
        Bands tiling the day, in order.
    utilisation
        Share of working time that can be contact time (the workforce's utilisation).
    days
        The days modelled.
    """
    edges = band_edges(bands)
    names = [b.name for b in bands]
    unserved = {(s.model, s.pool, s.day, u.visit_id) for s in solved for u in s.rounds.unassigned}
    visits_of: dict[tuple[str, int], list] = defaultdict(list)
    for visit in instance.visits:
        visits_of[visit.recipient_id, visit.day].append(visit)
    mid = band_of(
        np.array([(v.earliest_start_s + v.latest_start_s) // 2 for v in instance.visits]), edges
    )
    band_index = {v.id: int(k) for v, k in zip(instance.visits, mid, strict=True)}
    call_s = _typical_calls(instance, band_index, names)
    package = _typical_package(instance, band_index, names)
    rows, spare = [], []
    for model in models:
        for pool in model.pools:
            mine = []
            for day in days:
                visits = [v for r in pool.recipient_ids for v in visits_of[r, day]]
                periods = [
                    (c, s)
                    for c in pool.carer_ids
                    for s in instance.carer_by_id[c].shifts
                    if s.day == day
                ]
                if visits or periods:
                    left = {v.id for v in visits if (model.name, pool.name, day, v.id) in unserved}
                    mine += _day_rows(
                        (model.name, pool.name, day),
                        visits,
                        periods,
                        left,
                        band_index,
                        bands,
                        utilisation,
                        call_s,
                    )
            rows += mine
            extra = {n: min([r.extra_calls for r in mine if r.band == n] or [0]) for n in names}
            spare.append(
                PoolSpare(
                    model.name,
                    pool.name,
                    pool.provider_id or "",
                    pool.neighbourhood or "",
                    extra,
                    min(extra[b] for b in package) if package else 0,
                )
            )
    return Capacity(tuple(bands), utilisation, call_s, package, tuple(rows), tuple(spare))


def _day_rows(
    where: tuple[str, str, int],
    visits: Sequence[Visit],
    periods: Sequence[tuple[str, Shift]],
    unserved: set[str],
    band_index: Mapping[str, int],
    bands: Sequence[Band],
    utilisation: float,
    call_s: Mapping[str, int],
) -> list[BandCapacity]:
    """One pool-day's rows: ``where`` is (model, pool, day); ``unserved`` the visits left out."""
    edges = band_edges(bands)
    demanded = contact_by_band(
        np.array([v.earliest_start_s for v in visits], dtype=np.int64),
        np.array([v.latest_start_s for v in visits], dtype=np.int64),
        np.array([v.duration_s for v in visits], dtype=np.int64),
        np.array([v.carers_required for v in visits], dtype=np.int64),
        edges,
    )
    inside = overlap_s(
        np.array([s.start_s for _, s in periods], dtype=np.int64),
        np.array([s.end_s for _, s in periods], dtype=np.int64),
        edges,
    )
    count = Counter(band_index[v.id] for v in visits)
    left = Counter(band_index[v] for v in unserved)
    rows = []
    for k, band in enumerate(bands):
        on_shift = len({c for (c, _), t in zip(periods, inside[:, k], strict=True) if t > 0})
        carer_time = int(inside[:, k].sum())
        need = int(round(demanded[k]))
        available = int(round(carer_time * utilisation))
        spare = spare_carers(need, carer_time, on_shift, band.end_s - band.start_s, utilisation)
        rows.append(
            BandCapacity(
                *where,
                band=band.name,
                visits=count[k],
                visits_unserved=left[k],
                carers_on_shift=on_shift,
                contact_demanded_s=need,
                carer_time_s=carer_time,
                contact_available_s=available,
                carers_spare=spare,
                extra_calls=max(0, available - need) // call_s[band.name],
            )
        )
    return rows


def _typical_calls(instance: Instance, band_index: Mapping[str, int], names) -> dict[str, int]:
    """Return the median visit length of each band (:data:`DEFAULT_CALL_S` for an empty band)."""
    lengths: dict[int, list[int]] = defaultdict(list)
    for visit in instance.visits:
        lengths[band_index[visit.id]].append(visit.duration_s)
    return {
        name: int(np.median(lengths[k])) if lengths[k] else DEFAULT_CALL_S
        for k, name in enumerate(names)
    }


def _typical_package(instance: Instance, band_index: Mapping[str, int], names) -> tuple[str, ...]:
    """Return the commonest set of bands a recipient has calls in on a day (ties: fewer)."""
    days: dict[tuple[str, int], set[int]] = defaultdict(set)
    for visit in instance.visits:
        days[visit.recipient_id, visit.day].add(band_index[visit.id])
    counts = Counter(tuple(sorted(bands)) for bands in days.values())
    if not counts:
        return ()
    best = min(counts, key=lambda key: (-counts[key], len(key), key))
    return tuple(names[k] for k in best)
