"""Size and draw the care workforce: skills, gender, split shifts and contracted hours."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from roster.demand.packages import apportion
from roster.errors import InputError, SolverError
from roster.model import DAYS, GENDERS, Carer, Shift, Visit
from roster.scenario import (
    SHIFT_PATTERNS,
    SKILLS,
    SLOTS,
    PackageConfig,
    WorkforceConfig,
    parse_clock,
)

logger = logging.getLogger(__name__)

#: What a visit may require of a carer: skills, then gender.
ATTRIBUTES = (*SKILLS, *GENDERS)
_MAX_ROUNDS = 100_000


def slot_spans(package: PackageConfig) -> np.ndarray:
    """Return ``(4, 2)`` busy spans of the calls: window start to window end + longest visit."""
    longest_s = 60 * max(package.visit_lengths_min)
    return np.array(
        [
            [
                parse_clock(package.windows[s][0], f"package.windows.{s}"),
                parse_clock(package.windows[s][1], f"package.windows.{s}") + longest_s,
            ]
            for s in SLOTS
        ]
    )


@dataclass(frozen=True, eq=False)
class Demand:
    """Carer time needed by one provider's visits, per day and call, for each requirement set.

    Parameters
    ----------
    sets
        ``(k, len(ATTRIBUTES))`` booleans: the distinct requirement sets (row 0: none).
    slot_s
        ``(k, 7, 4)`` carer-seconds of visits whose requirements include the set.
    pair
        ``(k, 7, 4)`` whether such a visit is double-handed.
    week_s
        ``(k,)`` carer-seconds a week.
    """

    sets: np.ndarray
    slot_s: np.ndarray
    pair: np.ndarray
    week_s: np.ndarray


def visit_demand(visits: tuple[Visit, ...], spans: np.ndarray) -> Demand:
    """Summarise visits as carer time per day, call and requirement set.

    A visit belongs to the last call whose span starts at or before its earliest start.

    Parameters
    ----------
    visits
        The visits one team must cover.
    spans
        ``(4, 2)`` call spans from :func:`slot_spans`.
    """
    needs = np.array(
        [
            [a in v.skills for a in SKILLS] + [v.gender_preference == g for g in GENDERS]
            for v in visits
        ],
        dtype=bool,
    ).reshape(len(visits), len(ATTRIBUTES))
    day = np.array([v.day for v in visits], dtype=np.int64)
    start = np.array([v.earliest_start_s for v in visits], dtype=np.int64)
    slot = np.clip(np.searchsorted(spans[:, 0], start, side="right") - 1, 0, len(SLOTS) - 1)
    carers = np.array([v.carers_required for v in visits], dtype=np.int64)
    work = np.array([v.duration_s for v in visits], dtype=np.int64) * carers
    sets = np.unique(np.vstack([np.zeros((1, len(ATTRIBUTES)), bool), needs]), axis=0)
    slot_s = np.zeros((len(sets), 7, len(SLOTS)), dtype=np.int64)
    pair = np.zeros((len(sets), 7, len(SLOTS)), dtype=bool)
    for k, wanted in enumerate(sets):
        covered = (needs >= wanted).all(axis=1)
        np.add.at(slot_s[k], (day[covered], slot[covered]), work[covered])
        double = covered & (carers == 2)
        pair[k][day[double], slot[double]] = True
    return Demand(sets=sets, slot_s=slot_s, pair=pair, week_s=slot_s.sum(axis=(1, 2)))


@dataclass(frozen=True, eq=False)
class Team:
    """One provider's carers before they have homes.

    Parameters
    ----------
    attributes
        ``(n, len(ATTRIBUTES))`` booleans: skills and gender.
    pattern
        Index into ``SHIFT_PATTERNS`` (split, early, late).
    first_day
        First of the carer's consecutive working days (0 = Monday).
    contracted_s
        Contracted seconds a week.
    walks
        Whether the carer walks (else drives).
    """

    attributes: np.ndarray
    pattern: np.ndarray
    first_day: np.ndarray
    contracted_s: np.ndarray
    walks: np.ndarray

    def __len__(self) -> int:
        return len(self.pattern)


def _pattern_shifts(config: WorkforceConfig) -> list[list[tuple[int, int]]]:
    early = tuple(parse_clock(t, "workforce.early_shift") for t in config.early_shift)
    late = tuple(parse_clock(t, "workforce.late_shift") for t in config.late_shift)
    return [[early, late], [early], [late]]  # same order as SHIFT_PATTERNS


def _quota(n: int, shares: tuple[float, ...] | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly apportioned labels 0..k-1 for ``n`` items, in random order."""
    return rng.permutation(np.repeat(np.arange(len(shares)), apportion(n, np.asarray(shares))))


def draw_team(n: int, extra: np.ndarray, config: WorkforceConfig, seed: int) -> Team:
    """Draw ``n`` carers' attributes, with ``extra`` carers per attribute above the base shares.

    Skills are nested (the carers with a rarer skill also hold the commoner ones, as senior
    carers do), so adding holders of every skill in a requirement set adds holders of the set.

    Parameters
    ----------
    n
        Team size.
    extra
        ``(len(ATTRIBUTES),)`` additional holders of each skill; for genders, additional women
        and men (the shares of the two move in opposite directions).
    config
        Workforce parameters.
    seed
        Random seed.
    """
    rng = np.random.default_rng(seed)
    attributes = np.zeros((n, len(ATTRIBUTES)), dtype=bool)
    rank = rng.permutation(n)
    for a, skill in enumerate(SKILLS):
        holders = min(n, round(config.skill_shares.get(skill, 0.0) * n) + int(extra[a]))
        attributes[:, a] = rank < holders
    women = round(config.female_share * n) + int(extra[len(SKILLS)]) - int(extra[len(SKILLS) + 1])
    female = rng.permutation(n) < min(max(women, 0), n)
    attributes[:, len(SKILLS)] = female
    attributes[:, len(SKILLS) + 1] = ~female
    pattern = _quota(n, config.pattern_shares, rng)
    first_day = np.zeros(n, dtype=np.int64)
    for p in range(len(SHIFT_PATTERNS)):  # spread each pattern's working days evenly
        members = np.flatnonzero(pattern == p)
        first_day[members] = np.arange(len(members)) % 7
    hours = np.asarray(config.contracted_hours)[_quota(n, config.contracted_shares, rng)]
    shift_s = np.array([sum(end - start for start, end in s) for s in _pattern_shifts(config)])
    contracted_s = np.minimum(np.rint(hours * 3600), shift_s[pattern] * config.days_per_week)
    walks = _quota(n, (1 - config.walk_share, config.walk_share), rng) == 1
    return Team(attributes, pattern, first_day, contracted_s.astype(np.int64), walks)


def duty_capacity(team: Team, spans: np.ndarray, config: WorkforceConfig) -> np.ndarray:
    """Return ``(n, 7, 4)`` contact seconds each carer can give per day and call.

    A carer on duty gives ``utilisation`` x the overlap of their shifts with the call's span.
    """
    per_pattern = np.zeros((len(SHIFT_PATTERNS), len(SLOTS)))
    for p, shifts in enumerate(_pattern_shifts(config)):
        for start, end in shifts:
            overlap = np.minimum(end, spans[:, 1]) - np.maximum(start, spans[:, 0])
            per_pattern[p] += np.maximum(overlap, 0)
    works = np.zeros((len(team), 7), dtype=bool)
    for offset in range(config.days_per_week):
        works[np.arange(len(team)), (team.first_day + offset) % 7] = True
    return config.utilisation * works[:, :, None] * per_pattern[team.pattern][:, None, :]


def daily_capacity(team: Team, config: WorkforceConfig) -> np.ndarray:
    """Return ``(n,)`` contact seconds each carer can give on a working day, by their contract.

    Their contracted hours' share of a working day (contracted hours / ``days_per_week``) at
    ``utilisation``: a 16-hour carer on a 13-hour split shift cannot be counted on for the
    whole of every call, as capping each carer at their contracted hours will not let them.
    """
    return config.utilisation * team.contracted_s / config.days_per_week


#: Every non-empty set of calls, as (4,) masks: the day's cuts :func:`shortfall` checks.
_CALL_SETS = tuple(
    np.array([(m >> s) & 1 for s in range(len(SLOTS))], dtype=bool)
    for m in range(1, 2 ** len(SLOTS))
)


def shortfall(
    demand: Demand, team: Team, capacity: np.ndarray, config: WorkforceConfig
) -> tuple[int, str] | None:
    """Return the first requirement set the team cannot cover, and why; ``None`` if it can.

    Checks, for every requirement set: two carers on duty for a double-handed call; carer time
    for every day and every set of that day's calls, each carer on duty giving the lesser of
    their time in those calls (``capacity``, :func:`duty_capacity`) and their contract's share
    of the day (:func:`daily_capacity`), which is exactly whether the day's calls can be shared
    out among them (the cuts of that flow); and carer time per week within ``utilisation`` x
    contracted hours. The visits' time counts ``1 + headroom`` times (room for travel, pairs,
    skills and continuity when each carer is held to their contracted hours).
    """
    daily = daily_capacity(team, config)[:, None]
    grow = 1 + config.headroom
    for k, wanted in enumerate(demand.sets):
        holders = (team.attributes >= wanted).all(axis=1)
        label = "+".join(a for a, w in zip(ATTRIBUTES, wanted, strict=True) if w) or "any"
        on_duty = (capacity[holders] > 0).sum(axis=0)
        short = np.argwhere(demand.pair[k] & (on_duty < 2))
        if len(short):
            day, slot = short[0]
            return k, (
                f"{label} visits on {DAYS[day]} {SLOTS[slot]} need two carers, but"
                f" {on_duty[day, slot]} carers are on duty"
            )
        for calls in _CALL_SETS:
            need = demand.slot_s[k][:, calls].sum(axis=1) * grow
            supply = np.minimum(capacity[holders][:, :, calls].sum(axis=2), daily[holders]).sum(0)
            short = np.flatnonzero(need > supply)
            if len(short):
                day = short[0]
                names = "+".join(SLOTS[s] for s in np.flatnonzero(calls))
                return k, (
                    f"{label} visits on {DAYS[day]} {names} need"
                    f" {demand.slot_s[k][day, calls].sum() / 3600:.1f} carer-hours"
                    f" (plus {config.headroom:.0%} headroom), but the carers on duty give"
                    f" {supply[day] / 3600:.1f} h within their contracts"
                )
        weekly = config.utilisation * team.contracted_s[holders].sum()
        if demand.week_s[k] * grow > weekly:
            return k, (
                f"{label} visits need {demand.week_s[k] / 3600:.0f} carer-hours a week, but"
                f" {holders.sum()} carers give {weekly / 3600:.0f} h"
            )
    return None


def staff(
    demand: Demand,
    spans: np.ndarray,
    config: WorkforceConfig,
    seed: int,
    count: int | None = None,
    label: str = "",
) -> Team:
    """Return the smallest team (or a team of ``count``) that covers the demand.

    Starting from the weekly hours needed at ``utilisation``, the team grows one carer at a time
    (or trains one more carer in a missing skill, or shifts the gender mix) until
    :func:`shortfall` finds nothing.

    Parameters
    ----------
    demand
        Visits to cover, from :func:`visit_demand`.
    spans
        Call spans, from :func:`slot_spans`.
    config
        Workforce parameters.
    seed
        Random seed.
    count
        A fixed team size; a demand it cannot cover is an error.
    label
        Names the team (provider) in errors.

    Raises
    ------
    InputError
        If a fixed-size team cannot cover the demand (e.g. too many double-handed visits).
    """
    mean_hours = float(np.dot(config.contracted_hours, config.contracted_shares))
    needed = demand.week_s[0] * (1 + config.headroom) / (config.utilisation * mean_hours * 3600)
    n = count if count is not None else max(1, math.ceil(needed))
    extra = np.zeros(len(ATTRIBUTES), dtype=np.int64)
    female, male = len(SKILLS), len(SKILLS) + 1
    for _ in range(_MAX_ROUNDS):
        team = draw_team(n, extra, config, seed)
        found = shortfall(demand, team, duty_capacity(team, spans, config), config)
        if found is None:
            return team
        k, reason = found
        wanted = demand.sets[k]
        skills = [a for a in range(len(SKILLS)) if wanted[a] and team.attributes[:, a].sum() < n]
        gender = female if wanted[female] else male if wanted[male] else None
        opposite = {female: male, male: female}.get(gender)
        if skills:
            extra[skills] += 1
        elif gender is not None and extra[opposite] == 0 and team.attributes[:, gender].sum() < n:
            extra[gender] += 1
        elif count is None:
            n += 1
        else:
            team_name = f"{count} carers{' of ' + label if label else ''}"
            raise InputError(
                f"{team_name} cannot cover the demand: {reason}.",
                field="workforce.count",
            )
    raise SolverError(f"Could not size the workforce{' of ' + label if label else ''}.")


def team_carers(
    teams: list[Team],
    provider_ids: list[str | None],
    lon: np.ndarray,
    lat: np.ndarray,
    config: WorkforceConfig,
) -> tuple[Carer, ...]:
    """Turn teams and home locations into carers with ids ``C001``... in team order.

    Parameters
    ----------
    teams
        One team per provider.
    provider_ids
        The provider of each team.
    lon, lat
        One home per carer, in team order.
    config
        Workforce parameters (for the shifts).
    """
    width = len(str(sum(len(t) for t in teams)))
    patterns = _pattern_shifts(config)
    carers = []
    for team, provider in zip(teams, provider_ids, strict=True):
        for i in range(len(team)):
            days = sorted((int(team.first_day[i]) + d) % 7 for d in range(config.days_per_week))
            shifts = tuple(
                Shift(day, start, end) for day in days for start, end in patterns[team.pattern[i]]
            )
            j = len(carers)
            carers.append(
                Carer(
                    id=f"C{j + 1:0{width}d}",
                    lon=float(lon[j]),
                    lat=float(lat[j]),
                    travel_mode="walk" if team.walks[i] else "drive",
                    skills=frozenset(s for a, s in enumerate(SKILLS) if team.attributes[i, a]),
                    gender=GENDERS[0] if team.attributes[i, len(SKILLS)] else GENDERS[1],
                    shifts=shifts,
                    contracted_s=int(team.contracted_s[i]),
                    provider_id=provider,
                )
            )
    return tuple(carers)
