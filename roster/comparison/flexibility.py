"""What flexibility over visit times is worth: the comparison under strict, usual, flexible times.

The report "Ready to care" (2024) asks that neighbourhood models be evaluated on how
commissioning could give providers more flexibility over visit times. Each flexibility level
(``package.flexibility``: the tolerance either side of a call's planned start, by kind of visit)
re-runs the same seed's comparison with care-plan times on: the same recipients, packages,
planned times, carers and neighbourhoods, only the windows differ. For each level and model it
keeps travel, its share of working time, the visits left out (and in which band of the day) and
continuity of care.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from roster.comparison.metrics import JsonRecord
from roster.comparison.run import ProgressFactory, SeedRun, run_seed
from roster.geo.network import RoadNetwork
from roster.scenario import FLEXIBILITY, VISIT_KINDS, Scenario

#: The levels, from the narrowest windows to the widest.
LEVELS = tuple(FLEXIBILITY)


@dataclass(frozen=True)
class FlexibilityLevel(JsonRecord):
    """Both models' week under one flexibility level.

    Parameters
    ----------
    level
        ``strict``, ``usual`` or ``flexible``.
    tolerance_min
        Its tolerance either side of the planned start, by kind of visit, in minutes.
    travel_time_s, travel_share, visits, visits_unassigned, continuity_mean_carers,
    checker_violations
        Each model's weekly travel, travel over travel plus contact time, visits, visits left
        out, mean distinct carers per recipient and the checker's findings.
    unassigned_by_band
        Each model's visits left out by band of the day (``[comparison] bands``).
    unassigned_reasons
        Each model's visits left out by reason (``no capacity``: the search could not fit them
        with the carers there; ``window unreachable``: no carer could be there in time).
    """

    level: str
    tolerance_min: Mapping[str, int]
    travel_time_s: Mapping[str, int]
    travel_share: Mapping[str, float]
    visits: Mapping[str, int]
    visits_unassigned: Mapping[str, int]
    unassigned_by_band: Mapping[str, Mapping[str, int]]
    continuity_mean_carers: Mapping[str, float]
    checker_violations: Mapping[str, int]
    unassigned_reasons: Mapping[str, Mapping[str, int]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                plain = {k: dict(v) if isinstance(v, Mapping) else v for k, v in value.items()}
                object.__setattr__(self, f.name, plain)

    def sentence(self) -> str:
        """Say the level's figures in one line, for the command line."""
        tolerances = "/".join(f"{self.tolerance_min[kind]}" for kind in VISIT_KINDS)
        models = "; ".join(
            f"{model} {self.travel_time_s[model] / 3600:,.0f} h travel "
            f"({self.travel_share[model]:.1%}), {self.visits_unassigned[model]} unassigned, "
            f"{self.continuity_mean_carers[model]:.2f} carers per recipient"
            for model in self.travel_time_s
        )
        return f"{self.level} (+-{tolerances} min): {models}"


def level_scenario(scenario: Scenario, level: str) -> Scenario:
    """Return the scenario with care-plan times on at a flexibility level (its own tolerances).

    The level's tolerances replace any per-kind override; no budget check or nested sweep runs.
    """
    package = dataclasses.replace(
        scenario.package,
        care_plan_times=True,
        flexibility=level,
        tolerance_min=MappingProxyType({}),
    )
    comparison = dataclasses.replace(scenario.comparison, budget_check=0.0, flexibility_sweep=False)
    return dataclasses.replace(scenario, package=package, comparison=comparison)


def flexibility_level(level: str, scenario: Scenario, run: SeedRun) -> FlexibilityLevel:
    """Collect one level's figures from its run."""
    unserved: dict[str, Counter[str]] = {model: Counter() for model in run.metrics}
    for row in run.capacity.rows:
        unserved[row.model][row.band] += row.visits_unserved
    bands = [band.name for band in run.capacity.bands]
    m = run.metrics
    return FlexibilityLevel(
        level,
        {kind: scenario.package.tolerance_s(kind) // 60 for kind in VISIT_KINDS},
        {model: x.travel_time_s for model, x in m.items()},
        {model: round(x.travel_share, 4) for model, x in m.items()},
        {model: x.visits for model, x in m.items()},
        {model: x.visits_unassigned for model, x in m.items()},
        {model: {b: unserved[model][b] for b in bands if unserved[model][b]} for model in m},
        {model: round(x.continuity_mean_carers, 2) for model, x in m.items()},
        {model: x.checker_violations for model, x in m.items()},
        {model: dict(x.unassigned_reasons) for model, x in m.items()},
    )


def flexibility_sweep(
    scenario: Scenario,
    area: str | os.PathLike[str],
    networks: dict[str, RoadNetwork],
    seed: int,
    levels: Sequence[str] = LEVELS,
    progress: ProgressFactory | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> tuple[FlexibilityLevel, ...]:
    """Run one seed's comparison at each flexibility level (care-plan times on).

    Parameters
    ----------
    scenario
        The comparison's scenario; each level changes only its visit times.
    area, networks, seed, progress, cache_dir
        As :func:`roster.comparison.run.run_seed`.
    levels
        Flexibility levels to run, each one of :data:`LEVELS`.
    """
    found = []
    for level in levels:
        settings = level_scenario(scenario, level)
        run = run_seed(settings, area, networks, seed, progress=progress, cache_dir=cache_dir)
        found.append(flexibility_level(level, settings, run))
    return tuple(found)
