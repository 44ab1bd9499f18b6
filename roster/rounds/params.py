"""Settings of the rounds solver and the configurable rules of the rounds."""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ortools.constraint_solver import routing_enums_pb2

from roster.errors import InputError

FIRST_SOLUTIONS = routing_enums_pb2.FirstSolutionStrategy
METAHEURISTICS = routing_enums_pb2.LocalSearchMetaheuristic
#: Rounds engines: the insertion engine (the default) and plain OR-Tools (the baseline).
ENGINES = ("insertion", "ortools")
#: Where regular teams come from (``RoundsParams.continuity_team_from``).
TEAM_SOURCES = ("rounds", "homes")
#: What contracted weekly hours count (``RoundsParams.weekly_hours_basis``).
HOURS_BASES = ("contact", "working")


def weekly_allowance_s(contracted_s: int, tolerance: float | None) -> int | None:
    """Return contracted weekly time plus ``tolerance`` of it, or None for no weekly cap.

    None when the tolerance is None or the contract has no hours (a zero-hours contract).
    """
    if tolerance is None or contracted_s <= 0:
        return None
    return int(contracted_s * (1 + tolerance))


@dataclass(frozen=True)
class RoundsParams:
    """Solver settings and the rules that are configurable.

    Parameters
    ----------
    time_limit_s
        Wall-clock limit of the search, or None for no limit.
    solution_limit
        Stop after this many solutions (deterministic; use in tests), or None.
    first_solution
        OR-Tools first-solution strategy name. Cost-aware insertion is the default because
        ``PATH_CHEAPEST_ARC`` often finds no feasible start on tight windows.
    metaheuristic
        OR-Tools local search metaheuristic name.
    unassigned_penalty
        Cost of leaving one carer-visit out, or None to make every visit mandatory.
    gender_hard
        Whether a gender preference is a hard rule; otherwise ``gender_penalty`` applies.
    gender_penalty
        Cost of serving a visit with a carer of the non-preferred gender, when soft.
    allow_lateness
        Whether a visit may start after its window closes, at ``lateness_cost_per_s``.
    lateness_cost_per_s
        Cost per second of lateness.
    max_lateness_s
        Largest lateness allowed, or None for unbounded.
    worst_lateness_cost_per_s
        Cost per second of the largest lateness in the pool, so that no one visit is very
        late. Only the improvement searches with it (``improve_share``): OR-Tools' model has no
        such term; the objective that compares answers counts it.
    carer_fixed_cost
        Cost of each working period used (0: carers used are not minimised).
    double_handed_tolerance_s
        How far apart (either way) the two carers of a double-handed visit may start.
    break_after_s
        Longest stretch of work without a break (UK Working Time Regulations: a 20-minute
        break when working more than 6 h), or None for no break rule.
    break_duration_s
        Length of that break.
    log_search
        Let OR-Tools log its search.
    warm_start_share
        Share of ``time_limit_s`` given to PyVRP's genetic search (HGS) on pools PyVRP can model
        exactly (plain time-window pools with no homecare-only rule: see
        :func:`roster.rounds.warm.pyvrp_can_model`); the rest goes on the engine's search from
        PyVRP's routes (ruin and recreate by default). 0, or no time limit, never does.
        Real homecare pools (breaks, double-handed visits, skills, split shifts) never qualify:
        there the rounds engine carries alone. A share, so that it holds when a budget sets each
        pool's time limit.
    seed
        Seed of the warm start's and the improvement's searches (OR-Tools' own has none).
    improve_share
        Share of ``time_limit_s`` given to a ruin-and-recreate improvement after OR-Tools,
        which moves both halves of a double-handed visit together (:mod:`roster.rounds.improve`);
        0 never does. A share, so that it holds when a budget sets each pool's time limit.
    improve_iterations
        Stop the improvement after this many iterations (deterministic; use in tests), or
        None. Either this or a share turns the improvement on.
    engine
        ``"insertion"`` (the default, for every pool): the improvement's pair-aware cheapest
        insertion from empty rounds (:func:`roster.rounds.improve.construct_routes`), then
        ruin and recreate for the rest of the time limit (or ``improve_iterations``); no
        OR-Tools model is built. Measured better than OR-Tools on Rutland's pools (less
        travel and fewer visits left out in both models, in less time) and the only one that
        scales to 2,000-visit sessions (README, "Engines"). ``"ortools"``: OR-Tools' first
        solution and search (then the improvement, if asked for), the path before: kept as
        the baseline that benchmarks compare against.
    continuity_cost
        The week's continuity of care, in seconds of travel: what a carer-visit costs when its
        carer has not served the recipient earlier in the week (nor is one of their preferred
        carers). A pool's days are solved in order, each knowing the days before
        (:func:`roster.commissioning.week.solve_week`), so a recipient is served by a small
        team; 0 (the default here, for one problem) rosters for travel alone. A week's roster
        (the comparison, ``roster rounds``) defaults to 600 with ``continuity_team`` and
        contracts capped at +10% (:data:`roster.scenario.DEFAULT_ROUNDS`): on the Rutland week
        4.45 carers per recipient in the framework and 4.71 in the consortium (from 7.01 and
        7.96) for about 5% more travel than the capped travel-only roster; 1500 gave 3.85 and
        4.25 for 14-16% (README, "The week as one roster"), short of issue 12's target of 3.0.
    continuity_team
        Whether each recipient gets a regular team before the week is rostered
        (:func:`roster.commissioning.teams.regular_teams`: the few carers of the pool who can
        do their week, with room in their shifts and contracts, from a first roster or near
        their home: ``continuity_team_from``); a visit by a
        carer outside the team costs ``continuity_cost`` (unless that carer has served them
        earlier in the week) from the week's first session on. False: only carers who served
        them earlier are free, so the first day picks a team by travel alone.
    weekly_hours_tolerance
        How far above their contracted weekly hours a carer's week may go, as a share of those
        hours: each session's cap is what the week has left (and the daily cap still holds). A
        carer with no contracted hours (a zero-hours contract) has no weekly cap. None (the
        default here): contracted hours are not enforced; a week's roster defaults to 0.1.
    weekly_hours_basis
        What contracted hours count: ``"contact"`` (time in visits, how most homecare is paid
        and contracted: pay by visit) or ``"working"`` (leaving home to coming back, travel and
        waiting included: pay by shift). Generated workforces are sized on contact time, so
        ``"working"`` leaves visits out unless carers are added.
    """

    time_limit_s: float | None = 30.0
    solution_limit: int | None = None
    first_solution: str = "LOCAL_CHEAPEST_COST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    unassigned_penalty: int | None = 1_000_000
    gender_hard: bool = True
    gender_penalty: int = 3_600
    allow_lateness: bool = False
    lateness_cost_per_s: int = 10
    max_lateness_s: int | None = 1_800
    worst_lateness_cost_per_s: int = 0
    carer_fixed_cost: int = 0
    double_handed_tolerance_s: int = 0
    break_after_s: int | None = 6 * 3600
    break_duration_s: int = 20 * 60
    log_search: bool = False
    warm_start_share: float = 0.9
    seed: int = 0
    improve_share: float = 0.0
    improve_iterations: int | None = None
    engine: str = "insertion"
    continuity_cost: int = 0
    continuity_team: bool = False
    continuity_team_from: str = "rounds"
    weekly_hours_tolerance: float | None = None
    weekly_hours_basis: str = "contact"

    def __post_init__(self) -> None:
        def fail(message: str, name: str) -> None:
            raise InputError(message, field=name)

        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                if not math.isfinite(value) or value < 0:
                    fail(f"{value!r} is not a finite number >= 0.", item.name)
        if self.weekly_hours_basis not in HOURS_BASES:
            fail(
                f"Unknown weekly hours basis {self.weekly_hours_basis!r}: one of {HOURS_BASES}.",
                "weekly_hours_basis",
            )
        if self.continuity_team_from not in TEAM_SOURCES:
            fail(
                f"Unknown team source {self.continuity_team_from!r}: one of {TEAM_SOURCES}.",
                "continuity_team_from",
            )
        if self.engine not in ENGINES:
            fail(f"Unknown rounds engine {self.engine!r}: one of {ENGINES}.", "engine")
        if self.first_solution not in FIRST_SOLUTIONS.Value.keys():
            fail(f"Unknown first-solution strategy {self.first_solution!r}.", "first_solution")
        if self.metaheuristic not in METAHEURISTICS.Value.keys():
            fail(f"Unknown local search metaheuristic {self.metaheuristic!r}.", "metaheuristic")
        stops = self.metaheuristic in ("GREEDY_DESCENT", "AUTOMATIC")
        if not stops and self.time_limit_s is None and self.solution_limit is None:
            fail("A metaheuristic needs a time limit or a solution limit to stop.", "time_limit_s")
        if self.solution_limit is not None and self.solution_limit < 1:
            fail("A solution limit must be at least 1.", "solution_limit")
        if self.break_after_s is not None and self.break_after_s <= 0:
            fail("The longest stretch without a break must be positive.", "break_after_s")
        if not 0 <= self.warm_start_share < 1:
            fail("The warm start share must lie in [0, 1).", "warm_start_share")
        if not 0 <= self.improve_share < 1:
            fail("The improvement share must lie in [0, 1).", "improve_share")
        if self.improve_share and self.time_limit_s is None and self.improve_iterations is None:
            fail("An improvement share needs a time limit.", "improve_share")

    def search_described(self) -> str:
        """Describe the search in a few words, for reports (engine and strategies)."""
        if self.engine == "insertion":
            return "insertion engine: pair-aware cheapest insertion, then ruin and recreate"
        return f"OR-Tools {self.first_solution} + {self.metaheuristic}"

    def weekly_allowance_s(self, contracted_s: int) -> int | None:
        """Return the most working time a carer on this contract may do in a week, or None.

        Contracted hours plus ``weekly_hours_tolerance`` of them; None (no weekly cap) when the
        tolerance is None or the contract has no hours (zero-hours).
        """
        return weekly_allowance_s(contracted_s, self.weekly_hours_tolerance)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RoundsParams:
        """Build from a dict; missing keys take their defaults, unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            match = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f"; did you mean {match[0]!r}?" if match else "."
            raise InputError(
                f"Unknown rounds parameters: {', '.join(unknown)}{hint}", field=unknown[0]
            )
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | Path) -> RoundsParams:
        """Read the ``[rounds]`` table of a TOML file (or the whole file if it has none)."""
        with open(path, "rb") as file:
            data = tomllib.load(file)
        return cls.from_dict(data.get("rounds", data))
