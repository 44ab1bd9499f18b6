"""Commissioning models as pools: framework (one pool per provider) and neighbourhood consortia."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from roster.commissioning.pools import Pool
from roster.commissioning.swaps import best_swap
from roster.errors import InputError
from roster.model import DAYS, Carer, Instance, Visit

logger = logging.getLogger(__name__)

#: Carers tried on each side of a swap between two consortia (the closest).
_SWAP_CANDIDATES = 8

#: A consortium's hours short of a kind of visit on a day that are worth a swap (a quarter of
#: an hour of calls: per day, an hour would let a small consortium's weekend go short).
_BALANCE_MIN_SHORT_H = 0.25

#: A provider keeps, to cover its remaining packages' needs, carers whose mean travel to them
#: (by their own mode) is at most this, before any farther one.
KEEP_REACH_S = 30 * 60

#: A provider keeps, for each kind of requirement and day, carers working that day whose
#: contracted hours (spread over their days) are at least this many times the day's contact
#: hours of those visits: the day's calls and the travel between the scattered packages.
KEEP_DAY_FLOOR = 1.25


@dataclass(frozen=True)
class Commissioning:
    """One commissioning model: who serves whom, as pools rostered separately.

    Parameters
    ----------
    name
        ``"framework"`` or ``"consortium"``.
    pools
        Disjoint pools covering every recipient and carer.
    description
        How recipients and carers were assigned, for the report.
    """

    name: str
    pools: tuple[Pool, ...]
    description: str


def weekly_hours(instance: Instance) -> dict[str, float]:
    """Contact hours per recipient per week (a double-handed visit counts once)."""
    hours: dict[str, float] = defaultdict(float)
    for visit in instance.visits:
        hours[visit.recipient_id] += visit.duration_s / 3600
    return {r.id: hours[r.id] for r in instance.recipients}


def carer_hours(instance: Instance) -> dict[str, float]:
    """Carer hours per recipient per week: contact hours, a double-handed visit counting twice.

    What a recipient's care asks of a workforce, so what carers follow when packages move.
    """
    hours: dict[str, float] = defaultdict(float)
    for visit in instance.visits:
        hours[visit.recipient_id] += visit.duration_s * visit.carers_required / 3600
    return {r.id: hours[r.id] for r in instance.recipients}


def framework(instance: Instance) -> Commissioning:
    """Each provider rosters its own clients with its own carers.

    Raises
    ------
    InputError
        If a recipient or carer has no provider.
    """
    for kind, people in (("recipient", instance.recipients), ("carer", instance.carers)):
        missing = [p.id for p in people if p.provider_id is None]
        if missing:
            raise InputError(
                f"{len(missing)} {kind}(s) have no provider, e.g. {', '.join(missing[:5])}; "
                "the framework model needs every package and carer to belong to a provider",
                field="provider_id",
            )
    clients: dict[str, list[str]] = defaultdict(list)
    staff: dict[str, list[str]] = defaultdict(list)
    for recipient in instance.recipients:
        clients[str(recipient.provider_id)].append(recipient.id)
    for carer in instance.carers:
        staff[str(carer.provider_id)].append(carer.id)
    providers = sorted(set(clients) | set(staff))
    pools = tuple(
        Pool(f"framework/{p}", tuple(clients[p]), tuple(staff[p]), provider_id=p) for p in providers
    )
    return Commissioning(
        "framework",
        pools,
        "Each package was tendered to one framework provider; each provider rosters only its "
        "own clients with its own carers.",
    )


def consortium(
    instance: Instance,
    neighbourhood_of: Mapping[str, str],
    carer_cost_s: np.ndarray,
    share: float,
    seed: int,
) -> Commissioning:
    """Each neighbourhood's packages go to its consortium; the rest stay on the framework.

    Carer numbers are held equal and carers follow the work (as under a TUPE transfer). Each
    framework provider keeps, for the packages it still has, the fewest of its carers who
    between them meet every need of those visits (skills, gender, a shift covering each
    window; in each window as many as the calls' time fills, a pair for double-handed
    visits), then the closest others while they bring the
    days of the week nearer their share of the provider's contracted hours (its contracted
    hours per carer hour of work, times that day's carer hours), and on any day a kind of
    visit is under :data:`KEEP_DAY_FLOOR` times its contact hours, the closest carers who work
    that day and can do them. Every other carer joins a
    consortium, the closest first, until each consortium holds contracted hours in proportion
    to its clients' carer hours (a double-handed hour counts twice); then carers are swapped
    between consortia so each holds its share of the hours each skill's (and gender's) visits
    need on each day of the week, and so each has someone for every kind of visit it has.

    Parameters
    ----------
    instance
        Recipients (with framework providers), visits and carers.
    neighbourhood_of
        Neighbourhood label of each recipient.
    carer_cost_s
        ``(carers, recipients)`` travel times from each carer's home to each recipient, in
        instance order, used to judge who lives closest.
    share
        Share of each neighbourhood's packages (recipients) that move to the consortium
        (Leeds: about 0.95); the rest stay with their framework provider.
    seed
        Chooses which packages stay on the framework.
    """
    if not 0 <= share <= 1:
        raise InputError(f"the consortium share must be in [0, 1], not {share}", field="share")
    missing = [r.id for r in instance.recipients if r.id not in neighbourhood_of]
    if missing:
        raise InputError(
            f"{len(missing)} recipient(s) are in no neighbourhood, e.g. {', '.join(missing[:5])}",
            field="neighbourhood",
        )
    framework_model = framework(instance)
    rng = np.random.default_rng(seed)
    moves = rng.random(len(instance.recipients)) < share
    moved = {r.id for r, move in zip(instance.recipients, moves, strict=True) if move}

    provider_left: dict[str, list[str]] = defaultdict(list)
    for recipient in instance.recipients:
        if recipient.id not in moved:
            provider_left[str(recipient.provider_id)].append(recipient.id)

    carer_row = {c.id: i for i, c in enumerate(instance.carers)}
    recipient_column = {r.id: j for j, r in enumerate(instance.recipients)}
    cost_s = np.asarray(carer_cost_s, dtype=float)
    if cost_s.shape != (len(instance.carers), len(instance.recipients)):
        raise ValueError("carer_cost_s must have shape (carers, recipients).")

    def closeness(carers: list[str] | tuple[str, ...], recipients: list[str]) -> np.ndarray:
        """Mean travel time from each carer's home to the recipients."""
        rows = [carer_row[c] for c in carers]
        columns = [recipient_column[r] for r in recipients]
        return cost_s[np.ix_(rows, columns)].mean(axis=1)

    by_id = {c.id: c for c in instance.carers}
    work = carer_hours(instance)
    pools: list[Pool] = []
    pooled_carers: list[str] = []
    for pool in framework_model.pools:
        left = provider_left.get(str(pool.provider_id), [])
        kept: tuple[str, ...] = ()
        if left:
            distance_s = closeness(pool.carer_ids, left)
            order = np.argsort(distance_s, kind="stable")
            ranked = [pool.carer_ids[i] for i in order]
            ratio = _hours(by_id, pool.carer_ids) / max(
                sum(work[r] for r in pool.recipient_ids), 1e-9
            )
            everyone = len(left) == len(pool.recipient_ids)
            reach = distance_s[order] <= KEEP_REACH_S
            # A call's travel, judged by the carers' own: the packages left are scattered.
            travel_s = float(np.median(distance_s))
            kept = (
                pool.carer_ids
                if everyone
                else _keep(instance, left, ranked, ratio, reach, travel_s)
            )
            pools.append(dataclasses.replace(pool, recipient_ids=tuple(left), carer_ids=kept))
        pooled_carers += [c for c in pool.carer_ids if c not in kept]

    members: dict[str, list[str]] = defaultdict(list)
    for recipient in instance.recipients:
        if recipient.id in moved:
            members[neighbourhood_of[recipient.id]].append(recipient.id)
    labels = sorted(members)
    staff: dict[int, list[str]] = defaultdict(list)
    if labels and pooled_carers:
        cost = np.stack([closeness(pooled_carers, members[n]) for n in labels], axis=1)
        target_h = _shares(
            [sum(work[r] for r in members[n]) for n in labels], _hours(by_id, pooled_carers)
        )
        _allocate(
            staff,
            pooled_carers,
            [by_id[c].contracted_s / 3600 for c in pooled_carers],
            cost,
            target_h,
        )
        _balance_skills(instance, staff, [members[n] for n in labels], cost, pooled_carers)
        _cover_needs(instance, staff, [members[n] for n in labels], cost, pooled_carers)
    pools = [
        Pool(f"consortium/{n}", tuple(members[n]), tuple(sorted(staff[i])), neighbourhood=n)
        for i, n in enumerate(labels)
    ] + pools
    logger.info(
        "consortium model: %d neighbourhood pools, %d residual framework pools, %d of %d "
        "packages moved",
        len(labels),
        len(pools) - len(labels),
        len(moved),
        len(instance.recipients),
    )
    return Commissioning(
        "consortium",
        tuple(pools),
        f"About {share:.0%} of each neighbourhood's packages (drawn at random) went to its "
        "consortium, whose carers are pooled; the rest stayed with their framework provider. "
        "Carer numbers are held equal and carers followed the work: each provider kept the "
        "fewest of its carers who could serve every kind of its remaining visits (in each "
        "window as many as the calls take), then those "
        "living closest while they brought the days of the week nearer their share of the "
        f"provider's hours, and on any day under {KEEP_DAY_FLOOR:g} times its calls' hours "
        "those working that day; every other carer joined the nearest consortium with room, each "
        "consortium getting contracted hours in proportion to its clients' carer hours; then "
        "carers were swapped between consortia so each held its share of the hours each "
        "skill's visits need on each day, and had someone for every kind of visit (skills, gender "
        "preference, a shift covering the window).",
    )


@dataclass(frozen=True)
class _Need:
    """What a visit asks of a carer: skills, gender, and a shift that day covering its window."""

    skills: frozenset[str]
    gender: str | None
    day: int
    latest_start_s: int
    earliest_end_s: int

    def describe(self) -> str:
        """Say in words which visits these are, for a log line."""

        def clock(seconds: int) -> str:
            return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"

        carer = f"a {self.gender} carer" if self.gender else "a carer"
        if self.skills:
            carer += f" with the skills {', '.join(sorted(self.skills))},"
        start, end = clock(self.latest_start_s), clock(self.earliest_end_s)
        if self.earliest_end_s >= self.latest_start_s:
            shift = f"on shift from {start} to {end}"
        else:  # a wide window: any shift that is on somewhere in it
            shift = f"on shift at some time between {end} and {start}"
        return f"visits on {DAYS[self.day]} needing {carer} {shift}"


def _needs(
    instance: Instance,
    recipients: list[str] | tuple[str, ...],
    travel_s: float = 0.0,
) -> dict[_Need, int]:
    """Each kind of requirement in each window of the recipients' visits, and the carers it takes.

    For each kind (:func:`_kinds`: none, i.e. every visit, and each set of skills and gender
    asked for) and each day and window, the visits that ask for it take at least the most
    carers one of them needs, and as many carers as their carer time fills the window: each
    visit's length plus ``travel_s`` to reach it, once per carer it takes, over the window's
    span (its earliest start to its latest start plus the longest visit). A few scattered
    packages' insulin calls all fall in the morning; one insulin carer cannot do them all.
    """
    inside = set(recipients)
    visits = [v for v in instance.visits if v.recipient_id in inside]
    load_s: dict[tuple, float] = defaultdict(float)
    most: dict[tuple, int] = defaultdict(int)
    shortest_s: dict[tuple, int] = {}
    longest_s: dict[tuple, int] = defaultdict(int)
    kinds = _kinds(visits)
    for v in visits:
        for kind in kinds:
            if _asks(kind, v.skills, v.gender_preference):
                key = (kind, v.day, v.earliest_start_s, v.latest_start_s)
                load_s[key] += v.carers_required * (v.duration_s + travel_s)
                most[key] = max(most[key], v.carers_required)
                shortest_s[key] = min(shortest_s.get(key, v.duration_s), v.duration_s)
                longest_s[key] = max(longest_s[key], v.duration_s)
    needs: dict[_Need, int] = {}
    for key, load in load_s.items():
        (skills, gender), day, earliest_s, latest_s = key
        need = _Need(skills, gender, day, latest_s, earliest_s + shortest_s[key])
        span_s = latest_s - earliest_s + longest_s[key]
        carers = max(most[key], math.ceil(load / max(span_s, 1)))
        needs[need] = max(needs.get(need, 0), carers)
    return needs


def _group_needs(
    instance: Instance, groups: list[list[str]] | list[tuple[str, ...]]
) -> list[dict[_Need, int]]:
    """:func:`_needs` of each group of recipients, in one pass over the visits."""
    group_of = {r: i for i, group in enumerate(groups) for r in group}
    needs: list[dict[_Need, int]] = [{} for _ in groups]
    for v in instance.visits:
        i = group_of.get(v.recipient_id)
        if i is not None:
            need = _Need(
                v.skills,
                v.gender_preference,
                v.day,
                v.latest_start_s,
                v.earliest_start_s + v.duration_s,
            )
            needs[i][need] = max(needs[i].get(need, 0), v.carers_required)
    return needs


def _meets(carers: list[Carer], needs: list[_Need]) -> np.ndarray:
    """Return whether each carer could serve each need (ignoring travel), ``(carers, needs)``.

    A carer meets a need if they have its skills, are of the gender it asks for (if any) and
    have a shift that day from no later than its latest start to no earlier than its end.

    By array operations, a day and a shift at a time: a dense city's consortia have tens of
    thousands of distinct needs and thousands of carers, too many pairs to ask one by one.
    """
    meets = np.zeros((len(carers), len(needs)), dtype=bool)
    if not needs or not carers:
        return meets
    day = np.array([n.day for n in needs])
    latest = np.array([n.latest_start_s for n in needs])
    earliest_end = np.array([n.earliest_end_s for n in needs])
    for today in np.unique(day):
        columns = np.flatnonzero(day == today)
        block = np.zeros((len(carers), len(columns)), dtype=bool)
        for c, carer in enumerate(carers):
            for shift in carer.shifts:
                if shift.day == today:
                    block[c] |= (shift.start_s <= latest[columns]) & (
                        earliest_end[columns] <= shift.end_s
                    )
        meets[:, columns] = block
    kinds: dict[tuple[frozenset[str], str | None], list[int]] = defaultdict(list)
    for k, need in enumerate(needs):
        kinds[(need.skills, need.gender)].append(k)
    for (skills, gender), columns in kinds.items():
        able = np.array([skills <= c.skills and gender in (None, c.gender) for c in carers])
        meets[np.ix_(~able, columns)] = False
    return meets


def _balance_skills(
    instance: Instance,
    staff: dict[int, list[str]],
    members: list[list[str]],
    cost: np.ndarray,
    carers: list[str],
) -> None:
    """Swap carers between consortia so each has its share of the hours each skill needs each day.

    For each kind of requirement of the consortia's visits (a set of skills, and a gender when
    asked for; no requirement at all stands for every visit) and each day of the week, a
    consortium should hold as many contracted hours of carers who meet it and work that day
    (a contract spread evenly over the carer's working days), per carer hour of visits needing
    it that day, as the pooled carers hold overall: double-handed hoist visits need
    hoist-trained carers in proportion, not only the one pair on shift that
    :func:`_cover_needs` ensures, and a consortium busy on Sundays needs carers who work them
    (balanced over the week alone, seed 2's largest consortium left skilled Sunday calls out,
    its Sunday carers at their weekly cap). The shortfall is the sum of squared hours short
    over consortia, requirements and days; while some swap of two carers between two
    consortia lowers it, the one lowering it most is made (among the closest candidates, the
    nearest on a tie).
    """
    by_id = {c.id: c for c in instance.carers}
    group_of = {r: i for i, group in enumerate(members) for r in group}
    kinds = _kinds([v for v in instance.visits if v.recipient_id in group_of])
    demand = np.zeros((len(members), len(kinds), 7))
    for v in instance.visits:
        if v.recipient_id in group_of:
            wanted = [_asks(k, v.skills, v.gender_preference) for k in kinds]
            demand[group_of[v.recipient_id], wanted, v.day] += (
                v.duration_s * v.carers_required / 3600
            )
    demand = demand.reshape(len(members), len(kinds) * 7)
    hours = np.array([by_id[c].contracted_s / 3600 for c in carers])
    able = np.array(
        [[_asks(k, by_id[c].skills, by_id[c].gender) for k in kinds] for c in carers],
        dtype=float,
    ).reshape(len(carers), len(kinds))
    works = np.zeros((len(carers), 7))
    for c, name in enumerate(carers):
        days = sorted({s.day for s in by_id[name].shifts})
        works[c, days] = 1 / max(len(days), 1)
    # meets[c, (k, d)]: carer c meets kind k, as the share of their week that falls on day d.
    meets = (able[:, :, None] * works[:, None, :]).reshape(len(carers), len(kinds) * 7)
    row = {carer: k for k, carer in enumerate(carers)}
    group = np.zeros(len(carers), dtype=int)
    for i, names in staff.items():
        group[[row[c] for c in names]] = i
    # Hours of visits of each kind and day that a carer's contract carries at the pooled ratio.
    pooled = (meets * hours[:, None]).sum(axis=0) / np.maximum(demand.sum(axis=0), 1e-9)
    supply_of = meets * hours[:, None] / np.maximum(pooled, 1e-9)
    held = np.stack([supply_of[group == i].sum(axis=0) for i in range(len(members))])
    target = demand

    # A shortfall (i, k) with no swap stays so until i or some other consortium changes; then
    # only swaps with the consortia changed since need pricing again (the others still give
    # none). On a dense city this priced 213,000 shortfalls for 3,382 swaps.
    supply = csr_matrix(supply_of)  # a carer's few (kind, day) columns, sorted
    rows = (supply.indptr, supply.indices, supply.data)
    able_in = meets > 0
    changed_at = np.full(len(members), -1)  # the last swap that changed each consortium
    everyone = np.ones(len(members), dtype=bool)
    stuck: dict[tuple[int, int], int] = {}  # shortfall -> swaps made when it had none
    for swaps in range(4 * len(carers)):
        deficit = np.maximum(target - held, 0)
        best = (-1, -1)
        worst = np.unravel_index(np.argsort(-deficit, axis=None, kind="stable"), deficit.shape)
        for i, k in zip(*worst, strict=True):
            if deficit[i, k] < _BALANCE_MIN_SHORT_H:
                break
            allowed = everyone
            if (int(i), int(k)) in stuck:
                changed = changed_at >= stuck[int(i), int(k)]
                if not changed.any():
                    continue
                if not changed[i]:
                    allowed = changed
            best = best_swap(
                int(i), able_in[:, k], group, allowed, cost, *rows, held, target, _SWAP_CANDIDATES
            )
            if best[0] >= 0:
                break
            stuck[int(i), int(k)] = swaps
        if best[0] < 0:
            logger.debug("skills balanced between consortia in %d swaps", swaps)
            return
        c, d = best
        i, j = int(group[d]), int(group[c])
        changed_at[[i, j]] = swaps
        change = supply_of[c] - supply_of[d]
        held[i] += change
        held[j] -= change
        group[c], group[d] = i, j
        staff[j].remove(carers[c])
        staff[i].append(carers[c])
        staff[i].remove(carers[d])
        staff[j].append(carers[d])


def _cover_needs(
    instance: Instance,
    staff: dict[int, list[str]],
    members: list[list[str]],
    cost: np.ndarray,
    carers: list[str],
) -> None:
    """Swap carers between consortia until each can serve every kind of visit it has, if it can.

    A consortium needs, for each distinct need of its visits (skills, gender, a shift that day
    covering the window), one carer who meets it (two for a double-handed visit). A missing
    carer comes from the nearest consortium that can spare one, in exchange for a carer the
    receiver can spare. What each consortium holds of each need is kept as counts, updated
    swap by swap: on a dense city (3,260 carers, 25 consortia) asking carer by carer took
    longer than half an hour.
    """
    by_id = {c.id: c for c in instance.carers}
    row = {carer: k for k, carer in enumerate(carers)}
    per_group = _group_needs(instance, members)
    kinds = list(dict.fromkeys(need for needs in per_group for need in needs))
    column = {need: k for k, need in enumerate(kinds)}
    meets = _meets([by_id[c] for c in carers], kinds)
    wanted = np.zeros((len(members), len(kinds)), dtype=int)
    for i, needs in enumerate(per_group):
        for need, count in needs.items():
            wanted[i, column[need]] = count
    have = np.stack(
        [meets[[row[c] for c in staff[i]]].sum(axis=0) for i in range(len(members))]
    ).reshape(len(members), len(kinds))

    def spares(i: int, names: list[str]) -> np.ndarray:
        """Whether consortium i still has every carer it needs without each of these."""
        tight = np.flatnonzero((wanted[i] > 0) & (have[i] - 1 < wanted[i]))
        return ~meets[np.ix_([row[c] for c in names], tight)].any(axis=1)

    def move(name: str, source: int, target: int) -> None:
        staff[source].remove(name)
        staff[target].append(name)
        have[source] -= meets[row[name]]
        have[target] += meets[row[name]]

    for i in range(len(members)):
        for k in np.flatnonzero(wanted[i] > have[i]):
            while have[i, k] < wanted[i, k]:
                offers = []
                for j in range(len(members)):
                    if j != i:
                        able = [c for c in staff[j] if meets[row[c], k]]
                        spare = spares(j, able) if able else []
                        offers += [
                            (cost[row[c], i], j, c) for c, ok in zip(able, spare, strict=True) if ok
                        ]
                if not offers:
                    logger.warning("no consortium can spare a carer for %s", kinds[k].describe())
                    break
                _, j, incoming = min(offers)
                move(incoming, j, i)
                others = [c for c in staff[i] if c != incoming]
                returning = [
                    (cost[row[c], j], c)
                    for c, ok in zip(others, spares(i, others), strict=True)
                    if ok
                ]
                if returning:
                    move(min(returning)[1], i, j)


def _hours(by_id: Mapping[str, Carer], carers: list[str] | tuple[str, ...]) -> float:
    """Contracted hours a week of these carers."""
    return sum(by_id[c].contracted_s for c in carers) / 3600


def _kinds(visits: list[Visit]) -> list[tuple[frozenset[str], str | None]]:
    """Return the kinds of requirement of these visits, fewest skills first.

    No requirement (every visit), then each set of skills and gender preference asked for.
    """
    return sorted(
        {(v.skills, v.gender_preference) for v in visits} | {(frozenset(), None)},
        key=lambda k: (len(k[0]), sorted(k[0]), k[1] or ""),
    )


def _asks(
    kind: tuple[frozenset[str], str | None], skills: frozenset[str], gender: str | None
) -> bool:
    """Whether a visit or carer with these skills and gender has what ``kind`` asks for."""
    return kind[0] <= skills and kind[1] in (None, gender)


def _keep(
    instance: Instance,
    recipients: list[str],
    ranked: list[str],
    ratio: float,
    within_reach: np.ndarray | None = None,
    travel_s: float = 0.0,
) -> tuple[str, ...]:
    """Choose the carers a provider keeps for the packages it still has.

    First the fewest carers who, between them, meet every need of those packages' visits
    (:func:`_needs`: for each kind of requirement, day and window, as many carers with its
    skills and gender and a shift covering the window as the calls' carer time, with
    ``travel_s`` to reach each, fills; two at least for a double-handed visit):
    greedily, the carer meeting most of the needs still open, the closest on a tie; first among
    the carers ``within_reach`` (by default all), then among all for any need still open, so a
    far walker is not kept as the only cover of a need a nearer carer could meet. Then, the
    closest first, each other carer with whom the kept hours fall short of the days' targets by
    less over the week: a day's target is ``ratio`` (the provider's contracted hours per carer
    hour of work) times that day's carer hours of visits, for each kind of requirement
    (:func:`_kinds`: none, i.e. all visits, and each set of skills and gender asked for; met
    only by carers who have it); a carer brings their contracted hours spread evenly over the
    days they work (the sum over targets and days of hours short or over falls). With contracts
    capped, a residual pool held to its target over all visits alone left its medication calls
    out (seed 4: 77 of one pool's 84 calls needed medication, which two 16-hour contracts could
    not cover). Last, for each kind and day still under :data:`KEEP_DAY_FLOOR` times its
    contact hours, the closest carers who work that day and have that kind, until it is not.
    ``ranked`` is the provider's carers, closest to those packages first.
    """
    by_id = {c.id: c for c in instance.carers}
    needs = _needs(instance, recipients, travel_s)
    meets = _meets([by_id[c] for c in ranked], list(needs)).astype(int)
    wanted = np.array(list(needs.values()), dtype=int)
    chosen: list[int] = []
    free = np.ones(len(ranked), dtype=bool)
    near = np.ones(len(ranked), dtype=bool) if within_reach is None else within_reach
    for candidates in (near, np.ones(len(ranked), dtype=bool)):
        while wanted.any() and (free & candidates).any():
            gain = np.where(free & candidates, meets @ (wanted > 0), -1)
            best = int(np.argmax(gain))
            if gain[best] <= 0:
                break
            chosen.append(best)
            free[best] = False
            wanted = np.maximum(wanted - meets[best], 0)
    if wanted.any():
        k = int(np.flatnonzero(wanted)[0])
        need, asked = list(needs.items())[k]
        able = int(meets[:, k].sum())
        logger.warning(
            "%d of the provider's carers can serve %s, which take %d",
            able,
            need.describe(),
            asked,
        )
    # Hours each day, for every visit and for each kind of requirement: a pool whose
    # medication calls only two short contracts could take left them out, all hours met.
    inside = set(recipients)
    visits = [v for v in instance.visits if v.recipient_id in inside]
    kinds = _kinds(visits)
    contact_h = np.zeros((len(kinds), 7))
    for v in visits:
        for k, kind in enumerate(kinds):
            if _asks(kind, v.skills, v.gender_preference):
                contact_h[k, v.day] += v.duration_s * v.carers_required / 3600
    need_h = ratio * contact_h
    daily_h = np.zeros((len(ranked), len(kinds), 7))
    for i, name in enumerate(ranked):
        carer = by_id[name]
        days = sorted({s.day for s in carer.shifts})
        able = [_asks(kind, carer.skills, carer.gender) for kind in kinds]
        daily_h[i][np.ix_(able, days)] = carer.contracted_s / 3600 / max(len(days), 1)
    kept_h = daily_h[chosen].sum(axis=0)
    for i in np.flatnonzero(free):
        gap_h = np.abs(need_h - kept_h).sum()
        if not chosen or np.abs(need_h - kept_h - daily_h[i]).sum() < gap_h:
            chosen.append(int(i))
            free[i] = False
            kept_h += daily_h[i]
    # The balance weighs a day over as much as a day short, so a provider whose carers work
    # other days could keep less than a day's calls (seed 4: 16.7 h for 22.2 h on a Wednesday).
    floor_h = KEEP_DAY_FLOOR * contact_h
    for k, day in zip(*np.nonzero(floor_h > kept_h), strict=True):
        while kept_h[k, day] < floor_h[k, day]:
            able = np.flatnonzero(free & (daily_h[:, k, day] > 0))
            if not len(able):
                break
            chosen.append(int(able[0]))
            free[able[0]] = False
            kept_h += daily_h[able[0]]
    return tuple(ranked[i] for i in sorted(chosen))


def _shares(weights: list[float], total: float) -> list[float]:
    """Split ``total`` in proportion to ``weights``."""
    weight = np.asarray(weights, dtype=float)
    return (total * weight / max(weight.sum(), 1e-9)).tolist()


def _allocate(
    staff: dict[int, list[str]],
    carers: list[str],
    hours: list[float],
    cost: np.ndarray,
    target_h: list[float],
) -> None:
    """Give each group carers, the closest first, until its contracted hours reach its target.

    Pairs (carer, group) are taken in order of ``cost`` (``(carers, groups)``); a carer joins
    a group while the group's hours are nearer its target with them than without. A carer
    left over joins the group furthest below its target, so every group ends within about
    one carer's hours of its target.
    """
    held = np.zeros(len(target_h))
    target = np.asarray(target_h, dtype=float)
    placed = np.zeros(len(carers), dtype=bool)
    for flat in np.argsort(cost, axis=None, kind="stable"):
        c, i = divmod(int(flat), len(target))
        if not placed[c] and held[i] + hours[c] / 2 <= target[i]:
            staff[i].append(carers[c])
            held[i] += hours[c]
            placed[c] = True
    for c in np.flatnonzero(~placed):
        i = int(np.argmax(target - held))
        staff[i].append(carers[c])
        held[i] += hours[c]
