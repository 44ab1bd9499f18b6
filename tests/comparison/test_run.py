"""End-to-end tests of comparison.run on a small generated Rutland (the session fixture)."""

from __future__ import annotations

import numpy as np
import pytest

from roster.scenario import scenario_from_dict


def test_summary_follows_the_contract(small_summary):
    """summary.json has the keys other tools read, and its figures are consistent.

    Counts add up, shares and per-visit figures follow from the totals, pools add up to their
    model, and each difference is consortium minus framework.
    """
    data = small_summary.to_json()
    assert {"area", "seed", "days", "models", "difference", "assumptions"} <= set(data)
    assert (data["area"], data["seed"], data["seeds"], data["days"]) == ("rutland-small", 3, [3], 1)
    keys = {
        "visits",
        "visits_assigned",
        "visits_unassigned",
        "travel_time_s",
        "contact_time_s",
        "travel_share",
        "travel_per_visit_s",
        "distance_m",
        "carers_used",
        "mileage_cost_gbp",
        "co2_kg",
    }
    models = data["models"]
    for m in (models["framework"], models["consortium"]):
        assert keys <= set(m)
        assert m["visits"] == m["visits_assigned"] + m["visits_unassigned"]
        travel, contact = m["travel_time_s"], m["contact_time_s"]
        assert m["travel_share"] == pytest.approx(travel / (travel + contact))
        between = m["travel_between_visits_s"]
        assert m["travel_share_between_visits"] == pytest.approx(between / (between + contact))
        assert m["travel_per_visit_s"] == pytest.approx(travel / m["carer_visits"])
        miles = m["driven_distance_m"] / 1609.344
        assert m["mileage_cost_gbp"] == pytest.approx(0.45 * miles, abs=0.005)
        assert m["co2_kg"] == pytest.approx(0.17 * m["driven_distance_m"] / 1000, abs=0.05)
        for key in ("visits", "carer_visits", "travel_time_s", "distance_m", "contact_time_s"):
            assert sum(p[key] for p in m["pools"].values()) == m[key]
    framework, consortium = models["framework"], models["consortium"]
    difference = data["difference"]
    for key in set(difference) - {"travel_time_relative"}:
        assert difference[key] == pytest.approx(consortium[key] - framework[key])
    assert difference["travel_time_relative"] == pytest.approx(
        (consortium["travel_time_s"] - framework["travel_time_s"]) / framework["travel_time_s"]
    )
    assert data["uncertainty"] == {}
    assert data["per_seed"] == [
        {
            "seed": 3,
            "framework_travel_time_s": framework["travel_time_s"],
            "consortium_travel_time_s": consortium["travel_time_s"],
            "framework_travel_share": framework["travel_share"],
            "consortium_travel_share": consortium["travel_share"],
        }
    ]
    assert data["neighbourhoods"]["recipients"] == data["recipients"]
    assert all(set(item) == {"value", "source"} for item in data["assumptions"].values())


def test_same_work_in_both_models(small_run, small_summary):
    """Both models roster the same Monday visits; every visit is served or given a reason."""
    monday = [v for v in small_run.instance.visits if v.day == 0]
    for m in small_summary.models.values():
        assert m.visits == len(monday)
        assert m.visits_assigned + m.visits_unassigned == m.visits
        assert sum(m.unassigned_reasons.values()) == m.visits_unassigned
        assert m.checker_violations == 0
        assert sum(p.travel_time_s for p in m.pools.values()) == m.travel_time_s
    assert small_run.metrics == small_summary.models
    carers = {c.id for c in small_run.instance.carers}
    for model in small_run.models:
        assert sorted(c for p in model.pools for c in p.carer_ids) == sorted(carers)


def test_carers_needed_mode_sets_a_cost_per_carer(small_tables):
    """In carers-needed mode each period used costs two hours of travel, unless [rounds] says."""
    from roster.comparison.run import CARERS_NEEDED_COST, rounds_params

    needed = {**small_tables, "comparison": {**small_tables["comparison"], "carers_needed": True}}
    assert rounds_params(scenario_from_dict(small_tables)).carer_fixed_cost == 0
    assert rounds_params(scenario_from_dict(needed)).carer_fixed_cost == CARERS_NEEDED_COST
    own = {**needed, "rounds": {**small_tables["rounds"], "carer_fixed_cost": 60}}
    assert rounds_params(scenario_from_dict(own)).carer_fixed_cost == 60


def test_run_records_the_clip_and_place_reloads_the_same_networks(
    small_run, small_summary, rutland_networks, network_cache, tmp_path
):
    """run.json keeps the networks' clip; a finished run reloads the same clipped networks.

    The clip is Rutland + 3 km; roster place finds those networks in the cache, and the homes
    saved in travel.npz match them.
    """
    import json

    from roster.commissioning.placement import read_finished_run
    from roster.report.files import write_outputs

    clip = rutland_networks["drive"].clip
    assert clip is not None and clip.name == "Rutland"
    write_outputs(tmp_path, small_summary, [small_run])
    settings = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["settings"]
    assert settings["clip"] == clip.to_json()
    finished = read_finished_run(tmp_path, network_cache)
    for mode, network in rutland_networks.items():
        reloaded = finished.locations.networks[mode]
        assert reloaded.clip == clip
        assert np.array_equal(reloaded.node_ids, network.node_ids)
