"""Generate care recipients' numbers and weekly care packages, and turn packages into visits."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from roster.demand.census import AreaPopulation
from roster.model import DAYS, Visit
from roster.scenario import (
    SKILLS,
    SLOTS,
    TIME_CRITICAL_SKILLS,
    DemandConfig,
    PackageConfig,
    parse_clock,
)

logger = logging.getLogger(__name__)

#: Saturday and Sunday, when family may cover one call.
WEEKEND = (5, 6)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder method).

    Parameters
    ----------
    total
        The whole to split.
    weights
        Non-negative weights, not all zero (unless ``total`` is 0).
    """
    weights = np.asarray(weights, dtype=float)
    if total == 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    # Ties go to the earlier entry, so the split is deterministic.
    extra = np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]
    counts[extra] += 1
    return counts


def recipient_counts(area: AreaPopulation, config: DemandConfig) -> tuple[np.ndarray, np.ndarray]:
    """Return recipients per small area: aged 65+, and aged 16-64.

    The 65+ total is ``round(prevalence x people aged 65+)``, split in proportion to each small
    area's 65+ count; the under-65 total makes them ``1 - share_65_plus`` of all recipients and
    is split in proportion to residents aged 16-64.
    """
    older = int(round(config.prevalence_65_plus * int(area.aged_65_plus.sum())))
    younger = int(round(older * (1 - config.share_65_plus) / config.share_65_plus))
    return apportion(older, area.aged_65_plus), apportion(younger, area.adults_under_65)


@dataclass(frozen=True, eq=False)
class Packages:
    """Weekly care packages, one row per recipient.

    Parameters
    ----------
    calls
        ``(n, 4)`` booleans: whether the morning, lunch, tea and bed calls are made.
    duration_s
        ``(n, 4)`` visit length of each call (0 where no call).
    earliest_s, latest_s
        ``(n, 4)`` window on the start of each call, seconds since midnight.
    double_handed
        Whether every visit needs two carers (with the hoist skill).
    skills
        ``(n, len(SKILLS))`` booleans: skills every visit needs.
    gender_preference
        ``"female"``, ``"male"`` or ``None``.
    weekend_skip
        The call left to family on Saturday and Sunday (slot index), or -1.
    planned_s
        ``(n, 4)`` the care plan's start of each call, seconds since midnight, or -1 (no care
        plan times, or no call).
    """

    calls: np.ndarray
    duration_s: np.ndarray
    earliest_s: np.ndarray
    latest_s: np.ndarray
    double_handed: np.ndarray
    skills: np.ndarray
    gender_preference: np.ndarray
    weekend_skip: np.ndarray
    planned_s: np.ndarray

    def __len__(self) -> int:
        return len(self.calls)

    def weekly_contact_s(self) -> np.ndarray:
        """Contact time per recipient per week in seconds (one carer's time, not two)."""
        daily = self.duration_s.sum(axis=1) * 7
        rows = np.arange(len(self))
        skipped = np.where(self.weekend_skip >= 0, self.duration_s[rows, self.weekend_skip], 0)
        return daily - len(WEEKEND) * skipped


def draw_packages(n: int, config: PackageConfig, seed: int) -> Packages:
    """Draw ``n`` weekly packages from the configured distributions.

    Each package has 1-4 calls a day (the morning call always, the others drawn by
    ``extra_call_weights``), a visit length per call from the length mix, the same every day
    except that a ``weekend_family_share`` of packages with 2+ calls leave their last call to
    family at weekends.

    Parameters
    ----------
    n
        Number of recipients.
    config
        The package distributions.
    seed
        Random seed.
    """
    rng = np.random.default_rng(seed)
    n_calls = rng.choice(4, size=n, p=config.calls_per_day) + 1
    weights = np.array([config.extra_call_weights[slot] for slot in SLOTS[1:]])
    calls = np.zeros((n, len(SLOTS)), dtype=bool)
    calls[:, 0] = True
    for i, k in enumerate(n_calls):
        calls[i, 1 + rng.choice(3, size=k - 1, replace=False, p=weights / weights.sum())] = True
    lengths = rng.choice(config.visit_lengths_min, size=calls.shape, p=config.visit_length_shares)
    duration_s = np.where(calls, lengths * 60, 0).astype(np.int64)

    windows = np.array(
        [[parse_clock(t, f"package.windows.{s}") for t in config.windows[s]] for s in SLOTS]
    )
    earliest_s = np.broadcast_to(windows[:, 0], calls.shape).copy()
    latest_s = np.broadcast_to(windows[:, 1], calls.shape).copy()

    double_handed = rng.random(n) < config.double_handed_share
    skills = np.zeros((n, len(SKILLS)), dtype=bool)
    skills[:, SKILLS.index("hoist")] = double_handed
    for skill, share in config.skill_shares.items():
        skills[:, SKILLS.index(skill)] = rng.random(n) < share
    prefers = rng.random(n) < config.gender_preference_share
    female = rng.random(n) < config.female_preference_share
    gender = np.where(prefers, np.where(female, "female", "male"), None).astype(object)
    last_extra = np.where(calls[:, 1:].any(axis=1), 3 - np.argmax(calls[:, :0:-1], axis=1), -1)
    family = (rng.random(n) < config.weekend_family_share) & (n_calls >= 2)
    weekend_skip = np.where(family, last_extra, -1)
    planned_s = np.full(calls.shape, -1, dtype=np.int64)
    if config.care_plan_times:
        # Drawn last, so that the packages are the same with and without care-plan times.
        critical = skills[:, [SKILLS.index(s) for s in TIME_CRITICAL_SKILLS]].any(axis=1)
        tolerance_s = np.where(
            critical, config.tolerance_s("time_critical"), config.tolerance_s("routine")
        )[:, None]
        planned_s, earliest_s, latest_s = care_plan_windows(
            calls, duration_s, earliest_s, latest_s, tolerance_s, config.min_gap_min * 60, rng
        )
    return Packages(
        calls=calls,
        duration_s=duration_s,
        earliest_s=earliest_s,
        latest_s=latest_s,
        double_handed=double_handed,
        skills=skills,
        gender_preference=gender,
        weekend_skip=weekend_skip,
        planned_s=planned_s,
    )


def care_plan_windows(
    calls: np.ndarray,
    duration_s: np.ndarray,
    band_start_s: np.ndarray,
    band_end_s: np.ndarray,
    tolerance_s: np.ndarray,
    min_gap_s: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw each call's planned start in its band and its window: the start +- a tolerance.

    Planned starts fall on a 5-minute grid in the band, each pushed later where needed so that
    a recipient's call starts ``min_gap_s`` after their previous call ends (the scenario checks
    the bands leave room). The window is the planned start +- ``tolerance_s``, inside the band;
    then each call's window starts no earlier than the previous call's latest end plus the gap
    (where that would pass its planned start, the earlier window ends sooner instead), so that
    any starts within the windows keep the gap, whatever solver builds the rounds.

    Parameters
    ----------
    calls, duration_s, band_start_s, band_end_s
        ``(n, slots)``: which calls are made, their lengths and their bands' start and end.
    tolerance_s
        Seconds either side of the planned start, broadcast against ``calls``.
    min_gap_s
        Least time from the end of one call to the start of the next.
    rng
        Draws the planned starts.

    Returns
    -------
    tuple[np.ndarray, np.ndarray, np.ndarray]
        Planned start (-1 where no call), earliest and latest start of each call.
    """
    steps = (band_end_s - band_start_s) // 300 + 1
    planned = band_start_s + 300 * np.floor(rng.random(calls.shape) * steps).astype(np.int64)
    rows = np.arange(len(calls))
    previous = np.full(len(calls), -1)
    for slot in range(calls.shape[1]):
        after = calls[:, slot] & (previous >= 0)
        p = previous[after]
        earliest_next = planned[after, p] + duration_s[after, p] + min_gap_s
        planned[after, slot] = np.maximum(planned[after, slot], earliest_next)
        previous = np.where(calls[:, slot], slot, previous)
    earliest = np.maximum(band_start_s, planned - tolerance_s)
    latest = np.minimum(band_end_s, planned + tolerance_s)
    previous = np.full(len(calls), -1)
    for slot in range(calls.shape[1]):
        after = calls[:, slot] & (previous >= 0)
        r, p = rows[after], previous[after]
        bound = latest[r, p] + duration_s[r, p] + min_gap_s
        late = bound > planned[r, slot]
        latest[r[late], p[late]] = planned[r[late], slot] - min_gap_s - duration_s[r[late], p[late]]
        earliest[r, slot] = np.maximum(earliest[r, slot], np.minimum(bound, planned[r, slot]))
        previous = np.where(calls[:, slot], slot, previous)
    planned = np.where(calls, planned, -1)
    return planned, earliest, latest


def package_visits(recipient_ids: list[str], packages: Packages) -> tuple[Visit, ...]:
    """Turn packages into a week of visits, ordered by recipient, day and call.

    Visit ids are ``<recipient>-<Day>-<call>``, e.g. ``R001-Mon-morning``.

    Parameters
    ----------
    recipient_ids
        The recipient of each package, in package order.
    packages
        The packages.
    """
    visits = []
    for i, recipient in enumerate(recipient_ids):
        skills = frozenset(
            s for s, needed in zip(SKILLS, packages.skills[i], strict=True) if needed
        )
        for day, day_name in enumerate(DAYS):
            for slot, slot_name in enumerate(SLOTS):
                skipped = day in WEEKEND and packages.weekend_skip[i] == slot
                if not packages.calls[i, slot] or skipped:
                    continue
                visits.append(
                    Visit(
                        id=f"{recipient}-{day_name}-{slot_name}",
                        recipient_id=recipient,
                        day=day,
                        earliest_start_s=int(packages.earliest_s[i, slot]),
                        latest_start_s=int(packages.latest_s[i, slot]),
                        duration_s=int(packages.duration_s[i, slot]),
                        carers_required=2 if packages.double_handed[i] else 1,
                        skills=skills,
                        gender_preference=packages.gender_preference[i],
                        planned_start_s=planned
                        if (planned := int(packages.planned_s[i, slot])) >= 0
                        else None,
                    )
                )
    return tuple(visits)
