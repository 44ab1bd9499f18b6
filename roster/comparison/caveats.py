"""When the headline says more than the rosters support: caveats, and travel on served visits.

Two models that serve different numbers of visits do not have comparable travel totals, and
a model that leaves many visits out is not a roster anyone could run. The rule (one home for
its thresholds): a caveat is raised when either model leaves more than
:data:`MAX_UNASSIGNED_SHARE` of its visits unassigned, or when the models' unassigned shares
differ by more than :data:`MAX_UNASSIGNED_GAP`. Each caveat names the cause and where it falls
(day, time band, pool, reason). The comparison on served visits is always given: travel per
served carer visit, and travel with each model's unserved carer visits priced at that model's
mean travel per carer visit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from roster.comparison.capacity import BandCapacity, Capacity, band_edges, band_of
from roster.comparison.metrics import JsonRecord, ModelMetrics
from roster.comparison.run import SeedRun
from roster.model import DAYS

#: A model leaving more than this share of its visits unassigned gets a caveat.
MAX_UNASSIGNED_SHARE = 0.01
#: Models whose unassigned shares differ by more than this get a caveat.
MAX_UNASSIGNED_GAP = 0.005

#: Kinds of caveat.
UNASSIGNED, SERVED_DIFFER = "unassigned", "served differ"


@dataclass(frozen=True)
class Caveat(JsonRecord):
    """Why the headline must be qualified, and where the trouble lies.

    Parameters
    ----------
    kind
        :data:`UNASSIGNED` (one model leaves too many visits out) or :data:`SERVED_DIFFER`
        (the models serve different shares of the visits).
    model
        The model concerned (for :data:`SERVED_DIFFER`: the one serving fewer).
    share
        Its unassigned share, or the gap between the models' shares.
    reason
        The commonest reason its visits were left out.
    day, band, pool
        Where most of them fall.
    visits_there
        How many of its unassigned visits fall there.
    carers_short
        Carers short in that pool, day and band (0 when its carer hours suffice).
    message
        The caveat as a sentence, cause and place named.
    """

    kind: str
    model: str
    share: float
    reason: str
    day: str
    band: str
    pool: str
    visits_there: int
    carers_short: int
    message: str


@dataclass(frozen=True)
class ServedTravel(JsonRecord):
    """One model's travel on the visits it served, and with its unserved visits priced.

    Parameters
    ----------
    served_share
        Share of visits served.
    carer_visits_unserved
        Carer visits left out (a double-handed visit twice).
    travel_per_carer_visit_s
        Travel per served carer visit.
    travel_priced_s
        Travel plus each unserved carer visit at the model's mean travel per carer visit.
    """

    served_share: float
    carer_visits_unserved: int
    travel_per_carer_visit_s: float
    travel_priced_s: int


@dataclass(frozen=True)
class ServedComparison(JsonRecord):
    """The comparison on served visits (``served_comparison`` in summary.json).

    Parameters
    ----------
    framework, consortium
        Each model's figures.
    travel_per_carer_visit_difference_s
        Consortium minus framework, travel per served carer visit.
    travel_priced_difference_s
        Consortium minus framework, travel with unserved visits priced.
    travel_priced_relative
        That difference over the framework's priced travel.
    """

    framework: ServedTravel
    consortium: ServedTravel
    travel_per_carer_visit_difference_s: float
    travel_priced_difference_s: int
    travel_priced_relative: float

    @classmethod
    def from_json(cls, data: dict) -> ServedComparison:
        """Read what :meth:`to_json` wrote."""
        return cls(
            ServedTravel.from_json(data["framework"]),
            ServedTravel.from_json(data["consortium"]),
            data["travel_per_carer_visit_difference_s"],
            data["travel_priced_difference_s"],
            data["travel_priced_relative"],
        )


def served_travel(metrics: ModelMetrics, carer_visits_unserved: int) -> ServedTravel:
    """Return a model's travel per served carer visit, and with unserved visits priced."""
    per_visit = metrics.travel_time_s / metrics.carer_visits if metrics.carer_visits else 0.0
    return ServedTravel(
        metrics.visits_assigned / metrics.visits if metrics.visits else 1.0,
        carer_visits_unserved,
        per_visit,
        round(metrics.travel_time_s + carer_visits_unserved * per_visit),
    )


def served_comparison(run: SeedRun) -> ServedComparison:
    """Compare the models of one seed on the visits they served (see the module's notes)."""
    unserved: Counter[str] = Counter()
    for item in run.solved:
        index = {v: i for i, v in enumerate(item.problem.visit_id)}
        for u in item.rounds.unassigned:
            unserved[item.model] += int(item.problem.carers_required[index[u.visit_id]])
    f, c = (served_travel(run.metrics[m], unserved[m]) for m in ("framework", "consortium"))
    priced = c.travel_priced_s - f.travel_priced_s
    return ServedComparison(
        f,
        c,
        c.travel_per_carer_visit_s - f.travel_per_carer_visit_s,
        priced,
        priced / f.travel_priced_s if f.travel_priced_s else 0.0,
    )


def unassigned_share(metrics: ModelMetrics) -> float:
    """Share of a model's visits left unassigned."""
    return metrics.visits_unassigned / metrics.visits if metrics.visits else 0.0


def caveats(run: SeedRun) -> tuple[Caveat, ...]:
    """Return the caveats one seed's rounds put on the headline (empty when none applies)."""
    shares = {name: unassigned_share(m) for name, m in run.metrics.items()}
    found = [
        _caveat(run, UNASSIGNED, name, share)
        for name, share in shares.items()
        if share > MAX_UNASSIGNED_SHARE
    ]
    (a, share_a), (b, share_b) = shares.items()
    if abs(share_a - share_b) > MAX_UNASSIGNED_GAP:
        fewer = a if share_a > share_b else b
        named = any(c.model == fewer for c in found)
        found.append(_caveat(run, SERVED_DIFFER, fewer, abs(share_a - share_b), not named))
    return tuple(found)


def _caveat(run: SeedRun, kind: str, model: str, share: float, place: bool = True) -> Caveat:
    """Name where the model's unassigned visits fall and why, as a caveat of this kind.

    With ``place`` False (another caveat already says it) the message leaves the place out.
    """
    room = run.capacity
    metrics = run.metrics[model]
    reason, day, band, pool, there = _where(run, model, room)
    short = _row(room, model, pool, day, band)
    carers_short = max(0, -short.carers_spare) if short else 0
    where = f"{DAYS[day]} {band} in {pool}" if pool else ""
    if kind == UNASSIGNED:
        text = (
            f"The {model} rounds leave {metrics.visits_unassigned:,} of {metrics.visits:,} visits "
            f"({share:.1%}) unassigned"
        )
    else:
        other = next(m for m in run.metrics if m != model)
        text = (
            f"The {model} rounds serve {share:.1%} fewer of the visits than the {other} rounds "
            f"({unassigned_share(metrics):.1%} against {unassigned_share(run.metrics[other]):.1%}"
            " unassigned), so their travel totals are not like for like"
        )
    if pool and place:
        text += f"; most are '{reason}', and most fall on {where} ({there:,} visits)"
        if carers_short:
            text += (
                f", where the work needs about {carers_short} more carer(s) than the "
                f"{short.carers_on_shift} on shift"
            )
        elif short is not None:
            text += (
                ", where carer hours would suffice, so travel and visit windows are what the "
                "rounds could not fit"
            )
        short_bands = sum(
            1 for r in room.rows if r.model == model and r.carers_spare < 0 and r.visits
        )
        if short_bands:
            text += f"; {short_bands} pool-day-band(s) of this model are short of carers"
    return Caveat(
        kind,
        model,
        round(share, 4),
        reason,
        DAYS[day] if pool else "",
        band,
        pool,
        there,
        carers_short,
        text + ".",
    )


def _where(run: SeedRun, model: str, room: Capacity) -> tuple[str, int, str, str, int]:
    """Return the commonest reason, and the day, band and pool with most unassigned."""
    edges = band_edges(room.bands)
    reasons: Counter[str] = Counter()
    places: Counter[tuple[int, str, str]] = Counter()
    for item in run.solved:
        if item.model != model or not item.rounds.unassigned:
            continue
        p, index = item.problem, {v: i for i, v in enumerate(item.problem.visit_id)}
        rows = np.array([index[u.visit_id] for u in item.rounds.unassigned])
        middle = (p.earliest_start_s[rows] + p.latest_start_s[rows]) // 2
        for u, k in zip(item.rounds.unassigned, band_of(middle, edges), strict=True):
            reasons[u.reason] += 1
            places[item.day, room.bands[int(k)].name, item.pool] += 1
    if not places:
        return "", 0, "", "", 0
    (day, band, pool), there = max(places.items(), key=lambda kv: (kv[1], kv[0]))
    return reasons.most_common(1)[0][0], day, band, pool, there


def _row(room: Capacity, model: str, pool: str, day: int, band: str) -> BandCapacity | None:
    """Return the capacity row of a model's pool, day and band, if there is one."""
    return next(
        (r for r in room.rows if (r.model, r.pool, r.day, r.band) == (model, pool, day, band)),
        None,
    )
