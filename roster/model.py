"""Immutable data model of a rostering instance, validated on construction."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TypeVar

from roster.errors import InputError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TRAVEL_MODES = ("drive", "walk")
GENDERS = ("female", "male")
SECONDS_PER_DAY = 86_400


def _require(condition: bool, message: str, field: str) -> None:
    if not condition:
        raise InputError(message, field=field)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_id(value: object, field: str) -> None:
    _require(isinstance(value, str) and value != "", "An id must be a non-empty string.", field)
    _require(value == value.strip(), f"Id {value!r} has surrounding whitespace.", field)


def _check_optional_id(value: object, field: str) -> None:
    if value is not None:
        _check_id(value, field)


def _check_location(lon: object, lat: object) -> None:
    for value, field, limit in ((lon, "lon", 180), (lat, "lat", 90)):
        _require(
            isinstance(value, int | float) and not isinstance(value, bool),
            f"Coordinate {value!r} is not a number.",
            field,
        )
        _require(math.isfinite(value), f"Coordinate {value!r} is not finite.", field)
        _require(-limit <= value <= limit, f"Coordinate {value} is outside ±{limit}.", field)


def _check_int_range(value: object, low: int, high: int, field: str) -> None:
    _require(_is_int(value), f"{value!r} is not an integer.", field)
    _require(low <= value <= high, f"{value} is outside {low}..{high}.", field)


def _check_choice(value: object, choices: tuple[str, ...], field: str) -> None:
    _require(value in choices, f"{value!r} is not one of {', '.join(choices)}.", field)


def _check_skills(skills: object, field: str = "skills") -> None:
    _require(isinstance(skills, frozenset), "Skills must be a frozenset of names.", field)
    for skill in skills:
        _check_id(skill, field)
        _require(";" not in skill, f"Skill {skill!r} contains ';', the list separator.", field)


@dataclass(frozen=True)
class Recipient:
    """A person who receives care at home.

    Parameters
    ----------
    id
        Pseudonymous identifier.
    lon, lat
        Home location in degrees (WGS 84).
    provider_id
        The framework provider currently serving this person, if known.
    preferred_carer_ids
        Their regular carers, if any: serving them costs no continuity of care (see
        ``continuity_cost`` in :class:`roster.rounds.params.RoundsParams`). Ids of carers not
        in the instance (or not in the recipient's pool) match no one, so a subset of carers
        stays valid.
    """

    id: str
    lon: float
    lat: float
    provider_id: str | None = None
    preferred_carer_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_id(self.id, "id")
        _check_location(self.lon, self.lat)
        _check_optional_id(self.provider_id, "provider_id")
        _require(
            isinstance(self.preferred_carer_ids, tuple),
            "Preferred carers must be a tuple of ids.",
            "preferred_carer_ids",
        )
        for carer_id in self.preferred_carer_ids:
            _check_id(carer_id, "preferred_carer_ids")


@dataclass(frozen=True)
class Visit:
    """One call at a recipient's home on one day of the week.

    Parameters
    ----------
    id
        Identifier of the visit.
    recipient_id
        The recipient visited.
    day
        Day of the week, Monday = 0 to Sunday = 6.
    earliest_start_s, latest_start_s
        Window for the start of the visit, in seconds since midnight.
    duration_s
        Time spent at the home, in seconds; the visit ends by midnight.
    carers_required
        1, or 2 for a double-handed visit (both carers start together).
    skills
        Skills every attending carer must have.
    gender_preference
        Required gender of the carers, if any.
    planned_start_s
        The care plan's time for the visit, if it has one; it lies in the window, which is then
        the plan's tolerance around it.
    """

    id: str
    recipient_id: str
    day: int
    earliest_start_s: int
    latest_start_s: int
    duration_s: int
    carers_required: int = 1
    skills: frozenset[str] = frozenset()
    gender_preference: str | None = None
    planned_start_s: int | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "id")
        _check_id(self.recipient_id, "recipient_id")
        _check_int_range(self.day, 0, len(DAYS) - 1, "day")
        _check_int_range(self.earliest_start_s, 0, SECONDS_PER_DAY, "earliest_start_s")
        _check_int_range(self.latest_start_s, 0, SECONDS_PER_DAY, "latest_start_s")
        _require(
            self.earliest_start_s <= self.latest_start_s,
            "The window ends before it starts.",
            "latest_start_s",
        )
        _require(_is_int(self.duration_s), f"{self.duration_s!r} is not an integer.", "duration_s")
        _require(self.duration_s > 0, "The duration must be positive.", "duration_s")
        _require(
            self.latest_start_s + self.duration_s <= SECONDS_PER_DAY,
            "A visit starting at the latest start would end after midnight.",
            "duration_s",
        )
        _require(
            self.carers_required in (1, 2) and _is_int(self.carers_required),
            f"A visit needs 1 or 2 carers, not {self.carers_required!r}.",
            "carers_required",
        )
        _check_skills(self.skills)
        if self.gender_preference is not None:
            _check_choice(self.gender_preference, GENDERS, "gender_preference")
        if self.planned_start_s is not None:
            _check_int_range(self.planned_start_s, 0, SECONDS_PER_DAY, "planned_start_s")
            _require(
                self.earliest_start_s <= self.planned_start_s <= self.latest_start_s,
                "The planned start lies outside the window.",
                "planned_start_s",
            )


@dataclass(frozen=True)
class Shift:
    """One working period of a carer on one day of the week.

    Parameters
    ----------
    day
        Day of the week, Monday = 0 to Sunday = 6.
    start_s, end_s
        Start and end in seconds since midnight; the shift ends by midnight.
    """

    day: int
    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        _check_int_range(self.day, 0, len(DAYS) - 1, "day")
        _check_int_range(self.start_s, 0, SECONDS_PER_DAY, "start_s")
        _check_int_range(self.end_s, 0, SECONDS_PER_DAY, "end_s")
        _require(self.start_s < self.end_s, "The shift ends before it starts.", "end_s")


@dataclass(frozen=True)
class Carer:
    """A care worker who starts and ends each shift at home.

    Parameters
    ----------
    id
        Pseudonymous identifier.
    lon, lat
        Home location in degrees (WGS 84).
    travel_mode
        One of `TRAVEL_MODES`.
    skills
        Skills the carer has.
    gender
        One of `GENDERS`.
    shifts
        Working periods sorted by day and start, not overlapping.
    contracted_s
        Contracted working time per week, in seconds.
    provider_id
        The provider employing the carer, if known.
    """

    id: str
    lon: float
    lat: float
    travel_mode: str
    skills: frozenset[str]
    gender: str
    shifts: tuple[Shift, ...]
    contracted_s: int
    provider_id: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "id")
        _check_location(self.lon, self.lat)
        _check_choice(self.travel_mode, TRAVEL_MODES, "travel_mode")
        _check_skills(self.skills)
        _check_choice(self.gender, GENDERS, "gender")
        _require(
            isinstance(self.shifts, tuple) and all(isinstance(s, Shift) for s in self.shifts),
            "Shifts must be a tuple of Shift.",
            "shifts",
        )
        for before, after in zip(self.shifts, self.shifts[1:], strict=False):
            _require(
                (before.day, before.start_s) <= (after.day, after.start_s),
                "Shifts are not sorted by day and start.",
                "shifts",
            )
            _require(
                before.day != after.day or before.end_s <= after.start_s,
                f"Two shifts overlap on {DAYS[after.day]}.",
                "shifts",
            )
        _require(_is_int(self.contracted_s), "Contracted time is not an integer.", "contracted_s")
        _require(self.contracted_s >= 0, "Contracted time is negative.", "contracted_s")
        _check_optional_id(self.provider_id, "provider_id")


@dataclass(frozen=True)
class Provider:
    """A homecare provider and its base (office) location.

    Parameters
    ----------
    id
        Identifier of the provider.
    lon, lat
        Base location in degrees (WGS 84).
    name
        Display name.
    """

    id: str
    lon: float
    lat: float
    name: str = ""

    def __post_init__(self) -> None:
        _check_id(self.id, "id")
        _check_location(self.lon, self.lat)
        _require(isinstance(self.name, str), "The name must be a string.", "name")


_Item = TypeVar("_Item", Recipient, Visit, Carer, Provider)


def instance_problems(
    recipients: tuple[Recipient, ...],
    visits: tuple[Visit, ...],
    carers: tuple[Carer, ...],
    providers: tuple[Provider, ...],
) -> Iterator[tuple[str, int, InputError]]:
    """Find duplicate ids and references to unknown recipients or providers.

    Parameters
    ----------
    recipients, visits, carers, providers
        The collections of an instance.

    Yields
    ------
    tuple
        The collection name (e.g. ``"visits"``), the 0-based position of the offending item in
        it, and the error, whose field is the item's attribute.
    """
    collections = {
        "recipients": recipients,
        "visits": visits,
        "carers": carers,
        "providers": providers,
    }
    for name, items in collections.items():
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                yield name, index, InputError(f"Duplicate id {item.id!r}.", field="id")
            seen.add(item.id)
    known = {
        "recipient_id": {r.id for r in recipients},
        "provider_id": {p.id for p in providers},
    }
    references = (
        ("recipients", "provider_id"),
        ("visits", "recipient_id"),
        ("carers", "provider_id"),
    )
    for name, field in references:
        for index, item in enumerate(collections[name]):
            value = getattr(item, field)
            if value is not None and value not in known[field]:
                kind = field.removesuffix("_id")
                message = f"Unknown {kind} {value!r}."
                yield name, index, InputError(message, field=field)


def _by_id(items: Iterable[_Item]) -> Mapping[str, _Item]:
    return MappingProxyType({item.id: item for item in items})


def _keep(items: tuple[_Item, ...], ids: Iterable[str] | None, field: str) -> tuple[_Item, ...]:
    if ids is None:
        return items
    wanted = set(ids)
    unknown = wanted - {item.id for item in items}
    _require(not unknown, f"Unknown ids {sorted(unknown)}.", field)
    return tuple(item for item in items if item.id in wanted)


@dataclass(frozen=True)
class Instance:
    """Everything one rostering problem needs: who is visited when, and who can visit.

    Parameters
    ----------
    recipients
        People receiving care; ids unique.
    visits
        Calls to make; ids unique, each at a known recipient.
    carers
        Care workers; ids unique.
    providers
        Providers referenced by recipients and carers; ids unique.
    origins
        Where items were read, ``(table, id)`` to ``(file, row)``, so that a problem found
        later (a home far from any road) can name its file and row; not part of equality.
    """

    recipients: tuple[Recipient, ...]
    visits: tuple[Visit, ...]
    carers: tuple[Carer, ...]
    providers: tuple[Provider, ...] = ()
    origins: Mapping[tuple[str, str], tuple[str, int]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def origin(self, table: str, item_id: str) -> tuple[str | None, int | None]:
        """Return the file and row an item was read from, or ``(None, None)``."""
        return self.origins.get((table, item_id), (None, None))

    def __post_init__(self) -> None:
        kinds = (
            ("recipients", Recipient),
            ("visits", Visit),
            ("carers", Carer),
            ("providers", Provider),
        )
        for name, kind in kinds:
            items = getattr(self, name)
            _require(
                isinstance(items, tuple) and all(isinstance(item, kind) for item in items),
                f"{name.capitalize()} must be a tuple of {kind.__name__}.",
                name,
            )
        for _, _, error in instance_problems(
            self.recipients, self.visits, self.carers, self.providers
        ):
            raise error

    @cached_property
    def recipient_by_id(self) -> Mapping[str, Recipient]:
        """Recipients keyed by id."""
        return _by_id(self.recipients)

    @cached_property
    def visit_by_id(self) -> Mapping[str, Visit]:
        """Visits keyed by id."""
        return _by_id(self.visits)

    @cached_property
    def carer_by_id(self) -> Mapping[str, Carer]:
        """Carers keyed by id."""
        return _by_id(self.carers)

    @cached_property
    def provider_by_id(self) -> Mapping[str, Provider]:
        """Providers keyed by id."""
        return _by_id(self.providers)

    def replace(self, **changes: object) -> Instance:
        """Return a copy with some collections replaced, validated again.

        Parameters
        ----------
        **changes
            New values for ``recipients``, ``visits``, ``carers`` or ``providers``.
        """
        return dataclasses.replace(self, **changes)

    def subset(
        self, visit_ids: Iterable[str] | None = None, carer_ids: Iterable[str] | None = None
    ) -> Instance:
        """Keep only some visits and carers, and the recipients of the kept visits.

        Parameters
        ----------
        visit_ids
            Visits to keep (all if None); the instance's order is kept.
        carer_ids
            Carers to keep (all if None); the instance's order is kept.

        Raises
        ------
        InputError
            If an id is not in the instance.
        """
        visits = _keep(self.visits, visit_ids, "visit_ids")
        carers = _keep(self.carers, carer_ids, "carer_ids")
        visited = {visit.recipient_id for visit in visits}
        recipients = tuple(r for r in self.recipients if r.id in visited)
        return self.replace(recipients=recipients, visits=visits, carers=carers)
