"""Tests for roster.model: every validation rule, lookups and subsets."""

from __future__ import annotations

import dataclasses
import math

import pytest

from roster.errors import InputError
from roster.model import (
    DAYS,
    GENDERS,
    TRAVEL_MODES,
    Carer,
    Instance,
    Provider,
    Recipient,
    Shift,
    Visit,
    instance_problems,
)

RECIPIENT = {
    "id": "r1",
    "lon": -0.73,
    "lat": 52.67,
    "provider_id": "p1",
    "preferred_carer_ids": ("c1",),
}
VISIT = {
    "id": "v1",
    "recipient_id": "r1",
    "day": 0,
    "earliest_start_s": 7 * 3600,
    "latest_start_s": 9 * 3600,
    "duration_s": 1800,
    "carers_required": 1,
    "skills": frozenset({"hoist"}),
    "gender_preference": "female",
    "planned_start_s": 27_000,
}
SHIFT = {"day": 0, "start_s": 7 * 3600, "end_s": 14 * 3600}
CARER = {
    "id": "c1",
    "lon": -0.72,
    "lat": 52.66,
    "travel_mode": "walk",
    "skills": frozenset({"hoist"}),
    "gender": "female",
    "shifts": (Shift(0, 7 * 3600, 10 * 3600), Shift(0, 16 * 3600, 22 * 3600)),
    "contracted_s": 9 * 3600,
    "provider_id": "p1",
}
PROVIDER = {"id": "p1", "lon": -0.71, "lat": 52.65, "name": "Oakham Care"}


def _instance(**changes: object) -> Instance:
    parts = {
        "recipients": (Recipient(**RECIPIENT),),
        "visits": (Visit(**VISIT), Visit(**{**VISIT, "id": "v2", "day": 1})),
        "carers": (Carer(**CARER),),
        "providers": (Provider(**PROVIDER),),
    }
    return Instance(**{**parts, **changes})


def test_constants() -> None:
    """The day, travel mode and gender vocabularies are as documented."""
    assert DAYS == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert TRAVEL_MODES == ("drive", "walk")
    assert GENDERS == ("female", "male")


@pytest.mark.parametrize(
    ("kind", "valid"),
    [(Recipient, RECIPIENT), (Visit, VISIT), (Shift, SHIFT), (Carer, CARER), (Provider, PROVIDER)],
)
def test_valid_items_are_frozen(kind: type, valid: dict[str, object]) -> None:
    """Valid values construct an item whose fields cannot be reassigned."""
    item = kind(**valid)
    assert {field.name: getattr(item, field.name) for field in dataclasses.fields(item)} == valid
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.id = "other"


@pytest.mark.parametrize(
    ("kind", "valid", "changes", "field"),
    [
        (Recipient, RECIPIENT, {"id": ""}, "id"),
        (Recipient, RECIPIENT, {"id": " r1"}, "id"),
        (Recipient, RECIPIENT, {"id": 7}, "id"),
        (Recipient, RECIPIENT, {"lon": math.nan}, "lon"),
        (Recipient, RECIPIENT, {"lon": math.inf}, "lon"),
        (Recipient, RECIPIENT, {"lon": 180.5}, "lon"),
        (Recipient, RECIPIENT, {"lat": -90.1}, "lat"),
        (Recipient, RECIPIENT, {"lat": "52.6"}, "lat"),
        (Recipient, RECIPIENT, {"provider_id": ""}, "provider_id"),
        (Recipient, RECIPIENT, {"preferred_carer_ids": ["c1"]}, "preferred_carer_ids"),
        (Recipient, RECIPIENT, {"preferred_carer_ids": ("",)}, "preferred_carer_ids"),
        (Provider, PROVIDER, {"lat": math.nan}, "lat"),
        (Provider, PROVIDER, {"name": None}, "name"),
        (Visit, VISIT, {"recipient_id": ""}, "recipient_id"),
        (Visit, VISIT, {"day": 7}, "day"),
        (Visit, VISIT, {"day": -1}, "day"),
        (Visit, VISIT, {"day": 1.0}, "day"),
        (Visit, VISIT, {"earliest_start_s": -1}, "earliest_start_s"),
        (Visit, VISIT, {"latest_start_s": 86_401}, "latest_start_s"),
        (Visit, VISIT, {"earliest_start_s": 10 * 3600}, "latest_start_s"),
        (Visit, VISIT, {"duration_s": -1800}, "duration_s"),
        (Visit, VISIT, {"duration_s": 0}, "duration_s"),
        (Visit, VISIT, {"duration_s": 1800.0}, "duration_s"),
        (Visit, VISIT, {"latest_start_s": 86_000, "duration_s": 900}, "duration_s"),
        (Visit, VISIT, {"carers_required": 3}, "carers_required"),
        (Visit, VISIT, {"carers_required": 0}, "carers_required"),
        (Visit, VISIT, {"carers_required": True}, "carers_required"),
        (Visit, VISIT, {"skills": {"hoist"}}, "skills"),
        (Visit, VISIT, {"skills": frozenset({""})}, "skills"),
        (Visit, VISIT, {"skills": frozenset({"a;b"})}, "skills"),
        (Visit, VISIT, {"gender_preference": "any"}, "gender_preference"),
        (Visit, VISIT, {"planned_start_s": 9 * 3600 + 60}, "planned_start_s"),
        (Visit, VISIT, {"planned_start_s": 27_000.0}, "planned_start_s"),
        (Shift, SHIFT, {"day": 7}, "day"),
        (Shift, SHIFT, {"start_s": -60}, "start_s"),
        (Shift, SHIFT, {"end_s": 86_460}, "end_s"),
        (Shift, SHIFT, {"end_s": 7 * 3600}, "end_s"),
        (Carer, CARER, {"travel_mode": "cycle"}, "travel_mode"),
        (Carer, CARER, {"gender": "Female"}, "gender"),
        (Carer, CARER, {"skills": ["hoist"]}, "skills"),
        (Carer, CARER, {"shifts": [Shift(**SHIFT)]}, "shifts"),
        (Carer, CARER, {"shifts": (Shift(1, 0, 60), Shift(0, 0, 60))}, "shifts"),
        (Carer, CARER, {"shifts": (Shift(0, 0, 3600), Shift(0, 1800, 7200))}, "shifts"),
        (Carer, CARER, {"contracted_s": -1}, "contracted_s"),
        (Carer, CARER, {"contracted_s": 3600.5}, "contracted_s"),
        (Carer, CARER, {"lon": -181.0}, "lon"),
    ],
)
def test_invalid_values_name_the_field(
    kind: type, valid: dict[str, object], changes: dict[str, object], field: str
) -> None:
    """Each validation rule raises InputError naming the offending attribute."""
    with pytest.raises(InputError) as caught:
        kind(**{**valid, **changes})
    assert caught.value.field == field
    assert caught.value.file is None and caught.value.row is None


def test_visit_limits_are_inclusive() -> None:
    """A window may be a single instant, and a visit may end exactly at midnight."""
    visit = Visit("v", "r", 6, 86_400 - 900, 86_400 - 900, 900, carers_required=2)
    assert visit.latest_start_s + visit.duration_s == 86_400


def test_touching_shifts_do_not_overlap() -> None:
    """A shift may start when the previous one on the same day ends."""
    shifts = (Shift(0, 0, 3600), Shift(0, 3600, 7200), Shift(1, 0, 3600))
    assert Carer(**{**CARER, "shifts": shifts}).shifts == shifts


def test_instance_lookups() -> None:
    """Items are found by id, and the lookups cannot be changed."""
    instance = _instance()
    assert instance.visit_by_id["v2"].day == 1
    assert instance.recipient_by_id["r1"].lat == 52.67
    assert instance.carer_by_id["c1"].travel_mode == "walk"
    assert instance.provider_by_id["p1"].name == "Oakham Care"
    with pytest.raises(TypeError):
        instance.visit_by_id["v3"] = instance.visits[0]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"visits": (Visit(**VISIT), Visit(**VISIT))}, "id", "'v1'"),
        ({"recipients": (Recipient(**RECIPIENT),) * 2}, "id", "'r1'"),
        ({"carers": (Carer(**CARER),) * 2}, "id", "'c1'"),
        ({"providers": (Provider(**PROVIDER),) * 2}, "id", "'p1'"),
        ({"visits": (Visit(**{**VISIT, "recipient_id": "r9"}),)}, "recipient_id", "'r9'"),
        ({"providers": ()}, "provider_id", "'p1'"),
        ({"visits": [Visit(**VISIT)]}, "visits", "tuple"),
    ],
)
def test_instance_checks_ids_and_references(
    changes: dict[str, object], field: str, words: str
) -> None:
    """Duplicate ids and unknown references are errors that name the id."""
    with pytest.raises(InputError) as caught:
        _instance(**changes)
    assert caught.value.field == field
    assert words in caught.value.message


def test_instance_problems_give_positions() -> None:
    """Each problem comes with its collection and the 0-based position of the item."""
    visits = (Visit(**VISIT), Visit(**{**VISIT, "id": "v2", "recipient_id": "r9"}))
    problems = list(instance_problems((Recipient(**RECIPIENT),), visits, (), ()))
    assert [(name, index, error.field) for name, index, error in problems] == [
        ("recipients", 0, "provider_id"),
        ("visits", 1, "recipient_id"),
    ]


def test_replace_validates_again() -> None:
    """Replace returns a new instance and checks the references again."""
    instance = _instance()
    assert instance.replace(carers=()).carers == ()
    assert instance.carers
    with pytest.raises(InputError):
        instance.replace(recipients=())


def test_subset_keeps_order_and_visited_recipients() -> None:
    """A subset keeps the chosen visits and carers in order, and only visited recipients."""
    other = Recipient("r2", -0.74, 52.68)
    instance = _instance(recipients=(Recipient(**RECIPIENT), other))
    subset = instance.subset(visit_ids=["v2"], carer_ids=[])
    assert [v.id for v in subset.visits] == ["v2"]
    assert subset.carers == ()
    assert [r.id for r in subset.recipients] == ["r1"]
    assert subset.providers == instance.providers
    assert instance.subset() == instance.replace(recipients=(Recipient(**RECIPIENT),))
    with pytest.raises(InputError) as caught:
        instance.subset(carer_ids=["c9"])
    assert caught.value.field == "carer_ids"
