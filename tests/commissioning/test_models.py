"""Tests for commissioning.models: framework pools by provider, consortia by neighbourhood."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from roster.commissioning.models import _quotas, consortium, framework, weekly_hours
from roster.errors import InputError
from roster.model import Carer, Instance, Provider, Recipient, Shift, Visit


def four_by_four() -> Instance:
    """Four recipients (r1, r2 west; r3, r4 east), two providers mixing them, four carers.

    Provider A serves r1 and r3, provider B serves r2 and r4 (clients scattered across both
    sides). Carers a1, b1 live west and a2, b2 live east. Each recipient has one 1-hour visit
    on Monday, except r4 who has two.
    """
    recipients = tuple(
        Recipient(f"r{i}", -0.73 + 0.01 * (i > 2), 52.67, provider)
        for i, provider in zip(range(1, 5), "ABAB", strict=True)
    )
    visits = [Visit(f"v{i}", f"r{i}", 0, 8 * 3600, 9 * 3600, 3600) for i in range(1, 5)]
    visits.append(Visit("v5", "r4", 0, 17 * 3600, 18 * 3600, 3600))
    shift = (Shift(0, 7 * 3600, 20 * 3600),)
    carers = tuple(
        Carer(
            name,
            -0.73 + 0.01 * (name[1] == "2"),
            52.67,
            "drive",
            frozenset(),
            "female",
            shift,
            20 * 3600,
            name[0].upper(),
        )
        for name in ("a1", "a2", "b1", "b2")
    )
    providers = (Provider("A", -0.73, 52.66), Provider("B", -0.72, 52.66))
    return Instance(recipients, tuple(visits), carers, providers)


# travel time from each carer (a1, a2, b1, b2) to each recipient (r1..r4): west is near west
COST = np.array([[1, 1, 9, 9], [9, 9, 1, 1], [1, 1, 9, 9], [9, 9, 1, 1]])
SIDES = {"r1": "West", "r2": "West", "r3": "East", "r4": "East"}


def test_framework_pools_by_provider():
    """Each provider's pool holds its own clients and carers."""
    model = framework(four_by_four())
    assert [(p.name, p.recipient_ids, p.carer_ids) for p in model.pools] == [
        ("framework/A", ("r1", "r3"), ("a1", "a2")),
        ("framework/B", ("r2", "r4"), ("b1", "b2")),
    ]
    assert [(p.provider_id, p.neighbourhood) for p in model.pools] == [("A", None), ("B", None)]


def test_full_consortium_pools_by_neighbourhood_with_local_carers():
    """With every package moved, each side's consortium gets the carers who live there."""
    model = consortium(four_by_four(), SIDES, COST, share=1.0, seed=0)
    assert [(p.name, p.recipient_ids, p.carer_ids) for p in model.pools] == [
        ("consortium/East", ("r3", "r4"), ("a2", "b2")),
        ("consortium/West", ("r1", "r2"), ("a1", "b1")),
    ]
    assert [(p.provider_id, p.neighbourhood) for p in model.pools] == [
        (None, "East"),
        (None, "West"),
    ]


def test_no_share_keeps_the_framework():
    """With a share of 0 nothing moves and every provider keeps all its carers."""
    model = consortium(four_by_four(), SIDES, COST, share=0.0, seed=0)
    assert [(p.name, p.recipient_ids, p.carer_ids) for p in model.pools] == [
        ("framework/A", ("r1", "r3"), ("a1", "a2")),
        ("framework/B", ("r2", "r4"), ("b1", "b2")),
    ]
    assert [p.provider_id for p in model.pools] == ["A", "B"]


def test_every_recipient_and_carer_in_exactly_one_pool():
    """For any share and seed, pools partition recipients and carers (carer numbers held)."""
    instance = four_by_four()
    for share in (0.3, 0.5, 0.95):
        for seed in range(5):
            model = consortium(instance, SIDES, COST, share=share, seed=seed)
            recipients = [r for p in model.pools for r in p.recipient_ids]
            carers = [c for p in model.pools for c in p.carer_ids]
            assert sorted(recipients) == ["r1", "r2", "r3", "r4"]
            assert sorted(carers) == ["a1", "a2", "b1", "b2"]


def test_weekly_hours_and_quotas():
    """r4 has two hours a week; quotas split whole carers by largest remainder."""
    assert weekly_hours(four_by_four()) == {"r1": 1.0, "r2": 1.0, "r3": 1.0, "r4": 2.0}
    assert _quotas([2.0, 1.0], 4) == [3, 1]
    assert _quotas([1.0, 1.0, 1.0], 4) == [2, 1, 1]
    assert sum(_quotas([0.2, 0.5, 0.3], 7)) == 7


def test_bad_share_and_missing_neighbourhood():
    """A share outside [0, 1] or a recipient in no neighbourhood is a clear error."""
    with pytest.raises(InputError, match="share must be in"):
        consortium(four_by_four(), SIDES, COST, share=1.5, seed=0)
    with pytest.raises(InputError, match="1 recipient.*r4"):
        consortium(four_by_four(), {k: v for k, v in SIDES.items() if k != "r4"}, COST, 1.0, 0)


def test_framework_needs_providers():
    """A recipient with no provider cannot be framework-commissioned."""
    instance = four_by_four()
    orphan = instance.replace(recipients=(Recipient("r1", -0.73, 52.67), *instance.recipients[1:]))
    with pytest.raises(InputError, match="1 recipient.*r1"):
        framework(orphan)


def test_consortium_gets_the_skills_its_visits_need():
    """West has a double-handed hoist visit but both hoist carers live east: they swap over."""
    instance = four_by_four()
    hoisting = [
        c if c.id in ("a1", "b1") else dataclasses.replace(c, skills=frozenset({"hoist"}))
        for c in instance.carers
    ]
    visits = [
        dataclasses.replace(v, carers_required=2, skills=frozenset({"hoist"}))
        if v.id == "v1"
        else v
        for v in instance.visits
    ]
    instance = instance.replace(carers=tuple(hoisting), visits=tuple(visits))
    model = consortium(instance, SIDES, COST, share=1.0, seed=0)
    staff = {p.name: set(p.carer_ids) for p in model.pools}
    assert staff == {"consortium/West": {"a2", "b2"}, "consortium/East": {"a1", "b1"}}


def test_a_need_is_described_in_words():
    """A kind of visit no consortium can staff is logged in words, not as a Python object."""
    from roster.commissioning.models import _Need

    need = _Need(frozenset({"hoist", "medication"}), "female", 0, 9 * 3600 + 1800, 10 * 3600)
    assert need.describe() == (
        "visits on Mon needing a female carer with the skills hoist, medication, "
        "on shift from 09:30 to 10:00"
    )
    assert _Need(frozenset(), None, 6, 0, 60).describe() == (
        "visits on Sun needing a carer on shift from 00:00 to 00:01"
    )
