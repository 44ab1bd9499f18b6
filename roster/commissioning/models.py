"""Commissioning models as pools: framework (one pool per provider) and neighbourhood consortia."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from roster.commissioning.pools import Pool
from roster.errors import InputError
from roster.model import DAYS, Carer, Instance

logger = logging.getLogger(__name__)


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

    Carer numbers are held equal. Each framework provider keeps as many of its carers as its
    remaining packages need (in proportion to weekly care hours, at least one while it has
    work), choosing those who live closest to those packages; every other carer joins a
    consortium: carers are taken in order of how close they live to a neighbourhood that
    still has room, each consortium's quota being proportional to its weekly care hours.

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
    hours = weekly_hours(instance)
    rng = np.random.default_rng(seed)
    moves = rng.random(len(instance.recipients)) < share
    moved = {r.id for r, move in zip(instance.recipients, moves, strict=True) if move}

    provider_total: dict[str, float] = defaultdict(float)
    provider_left: dict[str, list[str]] = defaultdict(list)
    for recipient in instance.recipients:
        provider_total[str(recipient.provider_id)] += hours[recipient.id]
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
    pools: list[Pool] = []
    pooled_carers: list[str] = []
    for pool in framework_model.pools:
        provider = str(pool.provider_id)
        left = provider_left.get(provider, [])
        total = provider_total.get(provider, 0.0)
        left_hours = sum(hours[r] for r in left)
        keep = 0 if not left else max(1, round(len(pool.carer_ids) * left_hours / max(total, 1e-9)))
        order = np.argsort(closeness(pool.carer_ids, left), kind="stable") if left else []
        ranked = [pool.carer_ids[i] for i in order]
        # First the closest carers who can serve each kind of remaining visit, then the closest.
        chosen: list[str] = []
        for need, count in _needs(instance, left).items():
            able = [c for c in ranked if need.met_by(by_id[c])]
            have = sum(need.met_by(by_id[c]) for c in chosen)
            chosen += [c for c in able if c not in chosen][: max(0, count - have)]
        chosen += [c for c in ranked if c not in chosen][: max(0, keep - len(chosen))]
        kept = tuple(chosen)
        pooled_carers += [c for c in pool.carer_ids if c not in kept]
        if left:
            pools.append(dataclasses.replace(pool, recipient_ids=tuple(left), carer_ids=kept))

    members: dict[str, list[str]] = defaultdict(list)
    for recipient in instance.recipients:
        if recipient.id in moved:
            members[neighbourhood_of[recipient.id]].append(recipient.id)
    labels = sorted(members)
    quota = _quotas([sum(hours[r] for r in members[n]) for n in labels], len(pooled_carers))
    staff: dict[int, list[str]] = defaultdict(list)
    if labels and pooled_carers:
        cost = np.stack([closeness(pooled_carers, members[n]) for n in labels], axis=1)
        placed: set[int] = set()
        for flat in np.argsort(cost, axis=None, kind="stable"):
            c, i = divmod(int(flat), len(labels))
            if c not in placed and len(staff[i]) < quota[i]:
                staff[i].append(pooled_carers[c])
                placed.add(c)
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
        "Carer numbers are held equal: each provider kept the carers living closest to its "
        "remaining packages (in proportion to their weekly hours), and every other carer joined "
        "the nearest consortium with room, quotas being proportional to weekly care hours; "
        "then carers were swapped between consortia where one had no carer able to serve some "
        "kind of its visits (skills, gender preference, a shift covering the window).",
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
        shift = f"on shift from {clock(self.latest_start_s)} to {clock(self.earliest_end_s)}"
        return f"visits on {DAYS[self.day]} needing {carer} {shift}"

    def met_by(self, carer: Carer) -> bool:
        """Whether this carer could serve it (ignoring travel)."""
        return (
            self.skills <= carer.skills
            and self.gender in (None, carer.gender)
            and any(
                s.day == self.day
                and s.start_s <= self.latest_start_s
                and self.earliest_end_s <= s.end_s
                for s in carer.shifts
            )
        )


def _needs(instance: Instance, recipients: list[str] | tuple[str, ...]) -> dict[_Need, int]:
    """Each distinct need of the recipients' visits, and how many carers it takes (1 or 2)."""
    inside = set(recipients)
    needs: dict[_Need, int] = {}
    for v in instance.visits:
        if v.recipient_id in inside:
            need = _Need(
                v.skills,
                v.gender_preference,
                v.day,
                v.latest_start_s,
                v.earliest_start_s + v.duration_s,
            )
            needs[need] = max(needs.get(need, 0), v.carers_required)
    return needs


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
    receiver can spare.
    """
    by_id = {c.id: c for c in instance.carers}
    row = {carer: k for k, carer in enumerate(carers)}
    per_group = [_needs(instance, group) for group in members]
    kinds = list(dict.fromkeys(need for needs in per_group for need in needs))
    column = {need: k for k, need in enumerate(kinds)}
    meets = np.array([[need.met_by(by_id[c]) for need in kinds] for c in carers], dtype=bool)
    meets = meets.reshape(len(carers), len(kinds))
    wanted = np.zeros((len(members), len(kinds)), dtype=int)
    for i, needs in enumerate(per_group):
        for need, count in needs.items():
            wanted[i, column[need]] = count

    def held(i: int) -> np.ndarray:
        return meets[[row[c] for c in staff[i]]].sum(axis=0)

    def spare(i: int, carer: str, have: np.ndarray) -> bool:
        """Whether consortium i still has every carer it needs without this one."""
        mine = meets[row[carer]]
        return bool(np.all(have[mine] - 1 >= wanted[i, mine]))

    for i in range(len(members)):
        for k in np.flatnonzero(wanted[i]):
            while held(i)[k] < wanted[i, k]:
                offers = []
                for j in range(len(members)):
                    if j != i:
                        have_j = held(j)
                        offers += [
                            (cost[row[c], i], j, c)
                            for c in staff[j]
                            if meets[row[c], k] and spare(j, c, have_j)
                        ]
                if not offers:
                    logger.warning("no consortium can spare a carer for %s", kinds[k].describe())
                    break
                _, j, incoming = min(offers)
                staff[j].remove(incoming)
                staff[i].append(incoming)
                have_i = held(i)
                returning = [
                    (cost[row[c], j], c) for c in staff[i] if c != incoming and spare(i, c, have_i)
                ]
                if returning:
                    outgoing = min(returning)[1]
                    staff[i].remove(outgoing)
                    staff[j].append(outgoing)


def _quotas(weights: list[float], total: int) -> list[int]:
    """Split ``total`` whole carers in proportion to ``weights`` (largest remainders)."""
    if not weights:
        return []
    weight = np.asarray(weights, dtype=float)
    exact = total * weight / max(weight.sum(), 1e-9)
    quota = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quota), kind="stable")[: total - quota.sum()]:
        quota[i] += 1
    return quota.tolist()
