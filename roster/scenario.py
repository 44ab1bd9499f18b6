"""Every setting of a run, from one TOML file, as a frozen tree of parameters with defaults.

Every default below has a source or is flagged ``ASSUMPTION``; the README table repeats them.
Sources: [C] calibration/homecare_calibration_figures.csv (row number), [D] domain-anchors.md
section 4, [B] the project brief (issue 3).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from neighbourhoods import SIZE_TOLERANCE, TARGET_SIZE
from roster.data import CENSUS_LSOA_AGES, COUNCIL_BOUNDARIES, COUNCIL_NAMES, MSOA_BOUNDARIES
from roster.errors import InputError
from roster.geo.snapping import DEFAULT_MAX_SNAP_M
from roster.rounds.params import RoundsParams

#: Names of the four daily calls, in time order.
SLOTS = ("morning", "lunch", "tea", "bed")
#: Skills a visit may need; ``hoist`` marks double-handed transfers.
SKILLS = ("hoist", "medication", "catheter", "insulin")
TENDER_RULES = ("share_weighted", "nearest_base", "mixture")
SHARE_MODELS = ("zipf", "lognormal")
SHIFT_PATTERNS = ("split", "early", "late")
#: Kinds of visit for care-plan tolerances: time-critical visits (medication or insulin, which
#: must be given near their time) and the rest.
VISIT_KINDS = ("time_critical", "routine")
#: Skills that make a visit time-critical.
TIME_CRITICAL_SKILLS = ("medication", "insulin")
#: Flexibility over visit times (``package.flexibility``): each level's tolerance either side of
#: a call's planned start, in minutes, by kind of visit; the window never leaves the call's band,
#: so 180 minutes (the longest band) is the whole band. ASSUMPTION: contracts commonly allow about
#: 30 minutes (issue 12); time-critical visits half that when strict, routine ones the whole band
#: when flexible.
FLEXIBILITY = MappingProxyType(
    {
        "strict": MappingProxyType({"time_critical": 15, "routine": 30}),
        "usual": MappingProxyType({"time_critical": 30, "routine": 60}),
        "flexible": MappingProxyType({"time_critical": 60, "routine": 180}),
    }
)

#: Suffixes of polygon files a study area may be given as.
POLYGON_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")

_TIME = re.compile(r"(\d{1,2}):(\d{2})")

#: The comparison's solver settings unless the scenario's [rounds] table says otherwise:
#: parallel cheapest insertion starts large pools in seconds where cost-based insertion cannot;
#: each search's time limit is the solver's own default (30 s). The week is a roster a
#: coordinator could hand out: carers within contracted hours + 10% (contact time), and each
#: recipient a regular team, a carer-visit outside it costing 600 s of travel (the best measured
#: within 10% more travel in both models: README, "The week as one roster").
DEFAULT_ROUNDS = RoundsParams(
    first_solution="PARALLEL_CHEAPEST_INSERTION",
    continuity_cost=600,
    continuity_team=True,
    weekly_hours_tolerance=0.1,
)


def _fail(message: str, key: str) -> None:
    raise InputError(message, field=key)


def _check_share(value: object, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        _fail(f"{value!r} is not a share in [0, 1].", key)


def _check_positive(value: object, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        _fail(f"{value!r} is not a positive number.", key)


def _check_type(value: object, hint: Any, key: str) -> None:
    """Refuse a TOML value of the wrong type, naming its key: no string is taken as a boolean.

    Booleans must be ``true``/``false``, whole numbers must be whole, numbers must be finite
    (TOML allows ``nan`` and ``inf``), strings must be strings; lists and tables are checked
    item by item, naming the item (``package.windows.morning``).
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):  # X | None (None only from Python, not TOML)
        if value is None:
            return
        hint = next(arg for arg in args if arg is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        ok, what = isinstance(value, bool), "true or false"
    elif hint is int:
        ok, what = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        ok, what = ok and math.isfinite(value), "a finite number"
    elif hint is str:
        ok, what = isinstance(value, str), "a string"
    elif origin is tuple:
        if not isinstance(value, list | tuple):
            _fail(f"{value!r} is not a list.", key)
        if len(args) == 2 and args[1] is Ellipsis:
            args = (args[0],) * len(value)
        elif len(value) != len(args):
            _fail(f"{list(value)!r} is not a list of {len(args)} items.", key)
        for item, item_hint in zip(value, args, strict=True):
            _check_type(item, item_hint, key)
        return
    elif origin is MappingProxyType:
        if not isinstance(value, dict | MappingProxyType):
            _fail(f"{value!r} is not a table.", key)
        for name, item in value.items():
            _check_type(item, args[1], f"{key}.{name}")
        return
    else:
        return
    if not ok:
        _fail(f"{value!r} is not {what}.", key)


def _check_known(key: str, known: set[str], table: str) -> None:
    if key not in known:
        match = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {match[0]!r}? The keys are" if match else "use one of"
        _fail(f"Unknown key; {hint} {', '.join(sorted(known))}.", f"{table}.{key}")


def _check_distribution(shares: tuple[float, ...], size: int, key: str) -> None:
    if len(shares) != size:
        _fail(f"Expected {size} shares, got {len(shares)}.", key)
    for share in shares:
        _check_share(share, key)
    if not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
        _fail(f"The shares sum to {sum(shares):.4f}, not 1.", key)


def parse_clock(text: str, key: str) -> int:
    """Return seconds since midnight for ``"HH:MM"``.

    Parameters
    ----------
    text
        A clock time from 00:00 to 24:00.
    key
        The TOML key, named in the error.

    Raises
    ------
    InputError
        If the text is not a clock time.
    """
    match = _TIME.fullmatch(str(text))
    if match is None or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > 24 * 60:
        raise InputError(f"{text!r} is not a clock time HH:MM.", field=key)
    return int(match[1]) * 3600 + int(match[2]) * 60


def _check_window(window: tuple[str, str], key: str) -> None:
    if len(window) != 2 or parse_clock(window[0], key) >= parse_clock(window[1], key):
        _fail(f"{list(window)!r} is not a window [start, end] with start before end.", key)


def _check_bands(bands: Mapping[str, tuple[str, str]], key: str) -> None:
    """Bands must be windows that, in order, tile the day from 00:00 to 24:00."""
    edge = 0
    for name, window in bands.items():
        _check_window(window, f"{key}.{name}")
        if parse_clock(window[0], key) != edge:
            start = f"{edge // 3600:02d}:{edge % 3600 // 60:02d}"
            _fail(f"Band {name!r} must start where the one before ends, at {start}.", key)
        edge = parse_clock(window[1], key)
    if edge != 24 * 3600:
        _fail("The bands must tile the day from 00:00 to 24:00.", key)


@dataclass(frozen=True)
class AreaConfig:
    """Which area, and where its census counts and small-area boundaries come from.

    Parameters
    ----------
    code
        ONS local authority code (default Rutland, E06000017).
    lad_names
        CSV ``LAD21CD, LAD21NM`` naming every local authority (default: shipped, all 374).
    lad_boundaries
        Local authority polygons with ``LAD21CD`` (default: the shipped UK ones, ultra-
        generalised): the council's outline, to which its road network is clipped.
    lsoa_ages
        Census 2021 usual residents by 6 age bands per LSOA (default: the shipped England and
        Wales file, gzipped; any file with the same columns will do).
    msoa_boundaries
        MSOA (2011) polygons with ``msoa11cd``/``msoa11nm`` (default: the shipped England and
        Wales ones, gzipped GeoJSON).
    study_area
        Part of the council to study: MSOA codes or names (``"E02002330"``, ``"Leeds 111"``), or
        one polygon file (GeoJSON or GeoPackage, e.g. a pilot's wards); empty for the whole
        council. A polygon file keeps the MSOAs it overlaps, cut to it, with their census counts
        scaled by the share of each MSOA's area inside it.
    max_snap_m
        Homes and bases must lie within this distance of the drive network [B].
    """

    code: str = "E06000017"
    lad_names: str = str(COUNCIL_NAMES)
    lad_boundaries: str = str(COUNCIL_BOUNDARIES)
    lsoa_ages: str = str(CENSUS_LSOA_AGES)
    msoa_boundaries: str = str(MSOA_BOUNDARIES)
    study_area: tuple[str, ...] = ()
    max_snap_m: float = DEFAULT_MAX_SNAP_M

    def __post_init__(self) -> None:
        _check_positive(self.max_snap_m, "area.max_snap_m")
        if isinstance(self.study_area, str):
            object.__setattr__(self, "study_area", (self.study_area,))


@dataclass(frozen=True)
class DemandConfig:
    """How many people receive homecare and where they live.

    Parameters
    ----------
    prevalence_65_plus
        Share of people aged 65+ receiving council-funded homecare: 470,000 users x 0.79 aged
        65+ = 371,300 [C17], over about 9.3 million people aged 65+ in England in 2013
        (ONS mid-year estimate; 9.2 million in England and Wales at Census 2011), = 0.040.
    share_65_plus
        Share of recipients aged 65+, 0.79 [C17]; the rest are adults aged 16-64.
    building_types
        OSM ``building`` values taken as homes (ASSUMPTION: the residential types).
    max_unspecified_building_m2
        ``building=yes`` counts as a home when its footprint is at most this (ASSUMPTION: 250 m2,
        a large house; larger untyped buildings are barns, halls and sheds).
    people_per_household
        Residents per household, to compare mapped buildings with households (Census 2021
        England and Wales mean household size, about 2.4; not in the shipped files).
    """

    prevalence_65_plus: float = 0.040
    share_65_plus: float = 0.79
    building_types: tuple[str, ...] = (
        "house",
        "residential",
        "terrace",
        "semidetached_house",
        "detached",
        "bungalow",
        "apartments",
        "cottage",
        "farm",
    )
    max_unspecified_building_m2: float = 250.0
    people_per_household: float = 2.4

    def __post_init__(self) -> None:
        _check_share(self.prevalence_65_plus, "demand.prevalence_65_plus")
        _check_share(self.share_65_plus, "demand.share_65_plus")
        if self.share_65_plus == 0:
            _fail("At least some recipients must be aged 65+.", "demand.share_65_plus")
        if self.max_unspecified_building_m2 < 0:
            _fail("The footprint limit is negative.", "demand.max_unspecified_building_m2")
        _check_positive(self.people_per_household, "demand.people_per_household")


@dataclass(frozen=True)
class PackageConfig:
    """What each recipient's weekly care package looks like.

    Parameters
    ----------
    calls_per_day
        Shares of packages with 1, 2, 3 and 4 calls a day (ASSUMPTION, chosen so that the mean
        package is about 12 contact hours a week [D: 12.4 h/household/week, 2008]).
    windows
        Window on the START of each call: morning 07:00-10:00, lunch 11:30-14:00, tea 16:00-18:00,
        bed 19:00-22:00 [B; D: Southwark call windows].
    extra_call_weights
        Beyond the morning call (always made), how likely each other call is chosen (ASSUMPTION:
        bed 0.5, lunch 0.3, tea 0.2).
    visit_lengths_min, visit_length_shares
        Visit lengths and their shares: Torbay median provider 2/72/18/8 % [C12].
    double_handed_share
        Share of recipients whose every visit needs two carers with the hoist skill (ASSUMPTION:
        no national figure is published [D]).
    skill_shares
        Share of recipients needing a skill on every visit (ASSUMPTION): medication 0.3,
        catheter 0.03, insulin 0.03.
    gender_preference_share
        Share of recipients who ask for carers of one gender (ASSUMPTION: 0.1).
    female_preference_share
        Of those, the share asking for women (ASSUMPTION: 0.9).
    weekend_family_share
        Share of recipients with 2+ calls whose last non-morning call is left out on Saturday and
        Sunday, covered by family (ASSUMPTION: 0.1). Otherwise every day is the same.
    care_plan_times
        Whether each call gets a planned start inside its band (on a 5-minute grid) and a window
        of that start +- its kind's tolerance, kept inside the band, with consecutive calls of a
        recipient ``min_gap_min`` apart; off: every call's window is its whole band (today's).
    flexibility
        ``strict``, ``usual`` or ``flexible``: the tolerances of :data:`FLEXIBILITY` by kind of
        visit (ASSUMPTION).
    tolerance_min
        Per kind of visit (``time_critical``, ``routine``), a tolerance in minutes that
        overrides the flexibility level's.
    min_gap_min
        Least time from the end of one call to the start of the recipient's next call that day
        (ASSUMPTION: 120 minutes, so that meals and doses are spaced). Kept by the windows: a
        later call's window starts no earlier than the earlier call's latest end plus the gap.
    """

    calls_per_day: tuple[float, ...] = (0.15, 0.20, 0.20, 0.45)
    windows: MappingProxyType[str, tuple[str, str]] = field(
        default_factory=lambda: MappingProxyType(
            {
                "morning": ("07:00", "10:00"),
                "lunch": ("11:30", "14:00"),
                "tea": ("16:00", "18:00"),
                "bed": ("19:00", "22:00"),
            }
        )
    )
    extra_call_weights: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType({"lunch": 0.3, "tea": 0.2, "bed": 0.5})
    )
    visit_lengths_min: tuple[int, ...] = (15, 30, 45, 60)
    visit_length_shares: tuple[float, ...] = (0.02, 0.72, 0.18, 0.08)
    double_handed_share: float = 0.10
    skill_shares: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"medication": 0.3, "catheter": 0.03, "insulin": 0.03}
        )
    )
    gender_preference_share: float = 0.10
    female_preference_share: float = 0.9
    weekend_family_share: float = 0.10
    care_plan_times: bool = False
    flexibility: str = "usual"
    tolerance_min: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))
    min_gap_min: int = 120

    def __post_init__(self) -> None:
        _check_distribution(self.calls_per_day, 4, "package.calls_per_day")
        if set(self.windows) != set(SLOTS):
            _fail(f"Give a window for each of {', '.join(SLOTS)}.", "package.windows")
        for slot in SLOTS:
            _check_window(self.windows[slot], f"package.windows.{slot}")
        if set(self.extra_call_weights) != set(SLOTS[1:]):
            _fail(
                f"Give a weight for each of {', '.join(SLOTS[1:])}.", "package.extra_call_weights"
            )
        for slot, weight in self.extra_call_weights.items():
            _check_positive(weight, f"package.extra_call_weights.{slot}")
        if len(self.visit_lengths_min) != len(self.visit_length_shares):
            _fail("Give one share per visit length.", "package.visit_length_shares")
        for minutes in self.visit_lengths_min:
            if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 120:
                _fail(
                    f"{minutes!r} is not a whole number of minutes in 1..120.",
                    "package.visit_lengths_min",
                )
        _check_distribution(
            self.visit_length_shares, len(self.visit_lengths_min), "package.visit_length_shares"
        )
        for name in (
            "double_handed_share",
            "gender_preference_share",
            "female_preference_share",
            "weekend_family_share",
        ):
            _check_share(getattr(self, name), f"package.{name}")
        for skill, share in self.skill_shares.items():
            if skill not in SKILLS or skill == "hoist":
                _fail(
                    f"Unknown skill {skill!r}; use medication, catheter or insulin.",
                    "package.skill_shares",
                )
            _check_share(share, f"package.skill_shares.{skill}")
        if self.flexibility not in FLEXIBILITY:
            _fail(f"Use one of {', '.join(FLEXIBILITY)}.", "package.flexibility")
        for kind, minutes in self.tolerance_min.items():
            if kind not in VISIT_KINDS:
                _fail(
                    f"Unknown kind of visit; use {' or '.join(VISIT_KINDS)}.",
                    "package.tolerance_min",
                )
            if not 0 <= minutes <= 24 * 60:
                _fail(
                    f"{minutes} is not a whole number of minutes in 0..1440.",
                    f"package.tolerance_min.{kind}",
                )
        if not 0 <= self.min_gap_min <= 24 * 60:
            _fail(
                f"{self.min_gap_min} is not a whole number of minutes in 0..1440.",
                "package.min_gap_min",
            )
        if self.care_plan_times:
            self._check_gap_fits()

    def _check_gap_fits(self) -> None:
        """Refuse a gap that the bands cannot hold after the longest visit."""
        ends = [parse_clock(self.windows[s][1], f"package.windows.{s}") for s in SLOTS]
        longest_s = max(self.visit_lengths_min) * 60
        for i, j in zip(range(len(SLOTS) - 1), range(1, len(SLOTS)), strict=True):
            room_s = ends[j] - ends[i] - longest_s
            if self.min_gap_min * 60 > room_s:
                _fail(
                    f"A {SLOTS[j]} call cannot start {self.min_gap_min} minutes after a "
                    f"{max(self.visit_lengths_min)}-minute {SLOTS[i]} call starting at the end "
                    f"of its band (at most {max(0, room_s) // 60}).",
                    "package.min_gap_min",
                )

    def tolerance_s(self, kind: str) -> int:
        """Seconds either side of a planned start for a kind of visit (``VISIT_KINDS``)."""
        return 60 * self.tolerance_min.get(kind, FLEXIBILITY[self.flexibility][kind])

    @property
    def mean_calls_per_day(self) -> float:
        """Expected calls per package per day (before weekend family cover)."""
        return sum((k + 1) * share for k, share in enumerate(self.calls_per_day))

    @property
    def mean_visit_min(self) -> float:
        """Expected visit length in minutes."""
        return sum(
            m * s for m, s in zip(self.visit_lengths_min, self.visit_length_shares, strict=True)
        )


@dataclass(frozen=True)
class WorkforceConfig:
    """Who the care workers are and when they work.

    Parameters
    ----------
    utilisation
        Share of a carer's time on duty in a call window, and of contracted time, spent in
        contact; workforce size is the smallest that covers demand at this rate. Default 0.75
        (ASSUMPTION: travel is about 0.195 of contact time [C4], so at most 1/1.195 = 0.84 is
        contact; 0.75 gives about 20 contact hours per carer-week, the low end of [D]).
    walk_share
        Share of carers who walk rather than drive (ASSUMPTION: 0.1).
    female_share
        Share of carers who are women (ASSUMPTION: about four in five care workers are women).
    pattern_shares
        Shares of the shift patterns split / early / late (ASSUMPTION: 0.6 / 0.2 / 0.2).
    early_shift, late_shift
        The two halves of a split shift [B]: 07:00-14:00 and 16:00-22:00.
    days_per_week
        Working days a week, with days off rotated evenly (ASSUMPTION: 5).
    contracted_hours, contracted_shares
        Contracted hours a week and their shares (ASSUMPTION: 16/24/30/37.5 h at
        0.2/0.3/0.25/0.25; about half full-time [D]), capped by the hours on shift.
    skill_shares
        Share of carers trained for each skill before demand adds more (ASSUMPTION).
    count
        Total carers; 0 sizes the workforce to demand. A set count that cannot cover demand
        (e.g. double-handed visits) is an error.
    headroom
        How much more carer time than the visits need the workforce must give, in every day
        and call and over the week, counting each carer's time on a working day as their
        contracted hours' share of that day (ASSUMPTION: 0.15, so that capping each carer at
        contracted hours plus a small tolerance leaves room for travel, skills, double-handed
        pairs and continuity; 0 sizes to the bare need).
    """

    utilisation: float = 0.75
    walk_share: float = 0.10
    female_share: float = 0.80
    pattern_shares: tuple[float, ...] = (0.6, 0.2, 0.2)
    early_shift: tuple[str, str] = ("07:00", "14:00")
    late_shift: tuple[str, str] = ("16:00", "22:00")
    days_per_week: int = 5
    contracted_hours: tuple[float, ...] = (16.0, 24.0, 30.0, 37.5)
    contracted_shares: tuple[float, ...] = (0.2, 0.3, 0.25, 0.25)
    skill_shares: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"hoist": 0.3, "medication": 0.6, "catheter": 0.1, "insulin": 0.1}
        )
    )
    count: int = 0
    headroom: float = 0.15

    def __post_init__(self) -> None:
        _check_share(self.utilisation, "workforce.utilisation")
        _check_share(self.headroom, "workforce.headroom")
        if self.utilisation == 0:
            _fail("Utilisation must be above 0.", "workforce.utilisation")
        _check_share(self.walk_share, "workforce.walk_share")
        _check_share(self.female_share, "workforce.female_share")
        _check_distribution(self.pattern_shares, len(SHIFT_PATTERNS), "workforce.pattern_shares")
        _check_window(self.early_shift, "workforce.early_shift")
        _check_window(self.late_shift, "workforce.late_shift")
        if parse_clock(self.early_shift[1], "workforce.early_shift") > parse_clock(
            self.late_shift[0], "workforce.late_shift"
        ):
            _fail("The late shift starts before the early shift ends.", "workforce.late_shift")
        if self.days_per_week not in range(1, 8):
            _fail(f"{self.days_per_week!r} is not 1..7 days.", "workforce.days_per_week")
        for hours in self.contracted_hours:
            _check_positive(hours, "workforce.contracted_hours")
        _check_distribution(
            self.contracted_shares, len(self.contracted_hours), "workforce.contracted_shares"
        )
        for skill, share in self.skill_shares.items():
            if skill not in SKILLS:
                _fail(
                    f"Unknown skill {skill!r}; use one of {', '.join(SKILLS)}.",
                    "workforce.skill_shares",
                )
            _check_share(share, f"workforce.skill_shares.{skill}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            _fail(f"{self.count!r} is not a whole number >= 0.", "workforce.count")


@dataclass(frozen=True)
class FrameworkConfig:
    """How packages are tendered to framework providers.

    Parameters
    ----------
    providers
        Number of providers (ASSUMPTION for Rutland: 8; the Leeds pilot area had about 30 [C18]).
    share_model
        ``"zipf"`` (share of the k-th largest proportional to 1 / k ** zipf_exponent) or
        ``"lognormal"`` (shares proportional to lognormal draws with ``lognormal_sigma``).
    zipf_exponent, lognormal_sigma
        Inequality of market shares (ASSUMPTION: 1.0, 1.0).
    tender
        ``"share_weighted"`` (default [B]: a package goes to provider p with probability share p),
        ``"nearest_base"`` (to the provider whose base is closest), or ``"mixture"``.
    mixture_nearest_share
        Under ``"mixture"``, the share of packages that go to the nearest base (ASSUMPTION: 0.5).
    place_weights
        Bases are drawn from OSM place nodes with these weights (ASSUMPTION: city 20, town 10,
        village 1); where the area has none, from small-area centres.
    """

    providers: int = 8
    share_model: str = "zipf"
    zipf_exponent: float = 1.0
    lognormal_sigma: float = 1.0
    tender: str = "share_weighted"
    mixture_nearest_share: float = 0.5
    place_weights: MappingProxyType[str, float] = field(
        default_factory=lambda: MappingProxyType({"city": 20.0, "town": 10.0, "village": 1.0})
    )

    def __post_init__(self) -> None:
        if (
            isinstance(self.providers, bool)
            or not isinstance(self.providers, int)
            or self.providers < 1
        ):
            _fail(f"{self.providers!r} is not a whole number >= 1.", "framework.providers")
        if self.share_model not in SHARE_MODELS:
            _fail(
                f"{self.share_model!r} is not one of {', '.join(SHARE_MODELS)}.",
                "framework.share_model",
            )
        if self.tender not in TENDER_RULES:
            _fail(f"{self.tender!r} is not one of {', '.join(TENDER_RULES)}.", "framework.tender")
        if self.zipf_exponent < 0:
            _fail("The exponent is negative.", "framework.zipf_exponent")
        if self.lognormal_sigma < 0:
            _fail("Sigma is negative.", "framework.lognormal_sigma")
        _check_share(self.mixture_nearest_share, "framework.mixture_nearest_share")
        for kind, weight in self.place_weights.items():
            _check_positive(weight, f"framework.place_weights.{kind}")


@dataclass(frozen=True)
class ComparisonConfig:
    """How the two commissioning models are built, rostered and costed.

    Parameters
    ----------
    instance
        A folder of CSV/GeoJSON files or a GeoPackage with real (anonymised) recipients,
        visits, carers and providers; empty to generate them from the scenario.
    consortium_share
        Share of each neighbourhood's packages that go to its consortium (Leeds pilot: about
        95% [C19]); the rest stay with their framework provider.
    neighbourhood_size, neighbourhood_tolerance
        Recipients per neighbourhood (about 200 in the proposal [B]) and the allowed relative
        deviation (ASSUMPTION: 15%).
    balance_hours
        Also balance weekly care hours between neighbourhoods.
    boundaries
        A commissioner's neighbourhood polygons (GeoJSON/GeoPackage) to use instead of
        generated neighbourhoods; empty to generate.
    days
        Days rostered, from Monday (7: a whole week).
    time_budget_s
        Wall-clock seconds for all the rostering searches of one seed: each model gets the same
        time per visit, shared among its sessions by size and how busy their carers are; 0 to
        use each search's own ``[rounds]`` limits.
    budget_check
        Re-solve the first seed's rounds at this multiple of ``time_budget_s`` (e.g. 4) and
        report how far each model's travel and the saving move; 0 (the default) skips it.
    flexibility_sweep
        Also run the first seed with care-plan times at each flexibility level (strict, usual,
        flexible; three more comparisons' time) for the report's "What flexibility over visit
        times is worth".
    continuity_weights
        Re-solve the first seed's rounds at each of these continuity weights (``[rounds]
        continuity_cost``, seconds), every other setting the same, so the report charts each
        model's travel against distinct carers per recipient; empty (the default) skips it.
    workers
        Searches run side by side (one per core).
    max_daily_working_h
        Cap on a carer's working time in a day (ASSUMPTION: 10 h, a long split-shift day).
    pence_per_mile
        Mileage paid per mile driven (45p: HMRC approved rate, typical in homecare [D]).
    co2_kg_per_km
        Emissions per km driven (ASSUMPTION from DESNZ/DEFRA 2023 factors: about 0.17 kg CO2e
        per km for an average car).
    travel_paid
        Whether travel between visits is paid (about 75% of workers are not [C2]).
    hourly_wage_gbp
        Carers' hourly wage for the job-quality figures (pay by visit and by shift): the
        National Living Wage from April 2025, £12.21, which much homecare pay sits at.
    carers_needed
        "Carers needed" mode: instead of holding carers equal and using them freely, each search
        also minimises the carers it uses (a fixed cost per working period used, see
        ``CARERS_NEEDED_COST``), so ``carers_used`` is how many each model needs.
    bands
        Time bands of the day for the capacity tables, by name, each ``(start, end)``; in
        order, they tile the day from 00:00 to 24:00 (ASSUMPTION: early morning to 09:00,
        late morning to 11:30, lunch to 14:00, tea to 18:30, bed to midnight, around the
        package windows).
    """

    instance: str = ""
    consortium_share: float = 0.95
    neighbourhood_size: float = TARGET_SIZE
    neighbourhood_tolerance: float = SIZE_TOLERANCE
    balance_hours: bool = True
    boundaries: str = ""
    days: int = 7
    time_budget_s: float = 150.0
    budget_check: float = 0.0
    flexibility_sweep: bool = False
    continuity_weights: tuple[int, ...] = ()
    workers: int = 2
    max_daily_working_h: float = 10.0
    pence_per_mile: float = 45.0
    co2_kg_per_km: float = 0.17
    travel_paid: bool = False
    hourly_wage_gbp: float = 12.21
    carers_needed: bool = False
    bands: MappingProxyType[str, tuple[str, str]] = field(
        default_factory=lambda: MappingProxyType(
            {
                "early morning": ("00:00", "09:00"),
                "late morning": ("09:00", "11:30"),
                "lunch": ("11:30", "14:00"),
                "tea": ("14:00", "18:30"),
                "bed": ("18:30", "24:00"),
            }
        )
    )

    def __post_init__(self) -> None:
        _check_bands(self.bands, "comparison.bands")
        _check_share(self.consortium_share, "comparison.consortium_share")
        _check_share(self.neighbourhood_tolerance, "comparison.neighbourhood_tolerance")
        if self.neighbourhood_tolerance == 1:
            # The partitioner's range: a tolerance of 1 would allow empty neighbourhoods.
            _fail("1 is not a tolerance below 1.", "comparison.neighbourhood_tolerance")
        _check_positive(self.neighbourhood_size, "comparison.neighbourhood_size")
        _check_positive(self.max_daily_working_h, "comparison.max_daily_working_h")
        if self.max_daily_working_h > 24:
            _fail("A day has 24 hours.", "comparison.max_daily_working_h")
        for name in ("days", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                _fail(f"{value!r} is not a whole number >= 1.", f"comparison.{name}")
        if self.days > 7:
            _fail("A week has 7 days.", "comparison.days")
        for name in (
            "time_budget_s",
            "budget_check",
            "pence_per_mile",
            "co2_kg_per_km",
            "hourly_wage_gbp",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                _fail(f"{value!r} is not a number.", f"comparison.{name}")
            if not 0 <= value < math.inf:
                _fail(f"{value!r} is not a finite number >= 0.", f"comparison.{name}")
        for weight in self.continuity_weights:
            if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
                _fail(f"{weight!r} is not a whole number >= 0.", "comparison.continuity_weights")
        if 0 < self.budget_check <= 1:
            _fail("A budget check needs a multiple above 1 (0: none).", "comparison.budget_check")


@dataclass(frozen=True)
class Scenario:
    """All parameters of a generated area: demand, packages, workforce and framework.

    Parameters
    ----------
    name
        Label used in logs and outputs.
    area, demand, package, workforce, framework, comparison
        The parameter groups (TOML tables of the same names).
    rounds
        Solver settings: :data:`DEFAULT_ROUNDS` with the fields the ``[rounds]`` table sets (the
        string ``"none"`` for a field that may be None, e.g. ``weekly_hours_tolerance``)
        (any field of :class:`roster.rounds.params.RoundsParams`).
    """

    name: str = "rutland"
    area: AreaConfig = field(default_factory=AreaConfig)
    demand: DemandConfig = field(default_factory=DemandConfig)
    package: PackageConfig = field(default_factory=PackageConfig)
    workforce: WorkforceConfig = field(default_factory=WorkforceConfig)
    framework: FrameworkConfig = field(default_factory=FrameworkConfig)
    comparison: ComparisonConfig = field(default_factory=ComparisonConfig)
    rounds: RoundsParams = DEFAULT_ROUNDS


_GROUPS = {
    "area": AreaConfig,
    "demand": DemandConfig,
    "package": PackageConfig,
    "workforce": WorkforceConfig,
    "framework": FrameworkConfig,
    "comparison": ComparisonConfig,
}


def _convert(value: Any, default: Any) -> Any:
    """Give a TOML value the shape of the field's default (tuples, read-only mappings)."""
    if isinstance(default, MappingProxyType) and isinstance(value, dict):
        return MappingProxyType({k: _convert(v, default.get(k)) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_convert(item, None) for item in value)
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _group(kind: type, values: dict[str, Any], base: Path | None) -> Any:
    name = next(key for key, group in _GROUPS.items() if group is kind)
    if not isinstance(values, dict):
        _fail("Expected a table.", name)
    defaults = kind()
    hints = typing.get_type_hints(kind)
    changes = {}
    for key, value in values.items():
        _check_known(key, set(hints), name)
        _check_type(value, hints[key], f"{name}.{key}")
        changes[key] = _convert(value, getattr(defaults, key))
    if kind is ComparisonConfig and base is not None:
        for key in ("instance", "boundaries"):
            if changes.get(key):
                changes[key] = str(base / os.path.expanduser(changes[key]))
    if kind is AreaConfig and base is not None:
        # Data paths in a scenario file are relative to that file.
        for key in ("lad_names", "lad_boundaries", "lsoa_ages", "msoa_boundaries"):
            if key in changes:
                changes[key] = str(base / os.path.expanduser(changes[key]))
        study = changes.get("study_area", ())
        study = (study,) if isinstance(study, str) else study
        if len(study) == 1 and Path(study[0]).suffix.lower() in POLYGON_SUFFIXES:
            changes["study_area"] = (str(base / os.path.expanduser(study[0])),)
    try:
        return kind(**changes)
    except TypeError as error:
        raise InputError(f"Bad value: {error}.", field=name) from error


def _rounds_table(values: Any) -> RoundsParams:
    """Return :data:`DEFAULT_ROUNDS` with the fields a ``[rounds]`` table sets."""
    if not isinstance(values, dict):
        _fail("Expected a table.", "rounds")
    hints = typing.get_type_hints(RoundsParams)
    values = dict(values)
    for key, value in values.items():
        _check_known(key, set(hints), "rounds")
        if value == "none" and type(None) in typing.get_args(hints[key]):
            values[key] = None  # TOML has no null: "none" turns off an optional rule or limit
            continue
        _check_type(value, hints[key], f"rounds.{key}")
    try:
        return RoundsParams.from_dict({**dataclasses.asdict(DEFAULT_ROUNDS), **values})
    except InputError as error:
        raise InputError(error.message, field=f"rounds.{error.field}") from error
    except (TypeError, ValueError) as error:
        raise InputError(f"{error}", field="rounds") from error


def scenario_from_dict(data: dict[str, Any], base: Path | None = None) -> Scenario:
    """Build a scenario from nested tables; missing keys keep their defaults.

    Parameters
    ----------
    data
        ``{"name": ..., "area": {...}, "demand": {...}, ...}`` as read from TOML.
    base
        Folder that relative data paths in ``area`` are resolved against.

    Raises
    ------
    InputError
        For an unknown table or key, or a value out of range, naming the TOML key.
    """
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "name":
            _check_type(value, str, "name")
            changes["name"] = value
        elif key == "rounds":
            changes["rounds"] = _rounds_table(value)
        elif key in _GROUPS:
            changes[key] = _group(_GROUPS[key], value, base)
        else:
            _fail(f"Unknown table; use name, rounds or one of {', '.join(_GROUPS)}.", key)
    return Scenario(**changes)


def load_scenario(path: str | os.PathLike[str] | None = None) -> Scenario:
    """Read a scenario TOML file (or return the defaults: Rutland).

    Parameters
    ----------
    path
        The TOML file; ``None`` gives the default scenario.

    Raises
    ------
    InputError
        If the file is missing or not TOML, or a key or value is bad; names the file and key.
    """
    if path is None:
        return Scenario()
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as error:
        raise InputError("Scenario file not found.", file=str(path)) from error
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"Not valid TOML: {error}.", file=str(path)) from error
    try:
        return scenario_from_dict(data, path.parent)
    except InputError as error:
        raise InputError(error.message, file=str(path), field=error.field) from error
