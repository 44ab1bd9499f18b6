"""End-to-end tests of comparison.run and report.files on a small generated Rutland."""

from __future__ import annotations

import csv
import json

import pyogrio

from roster.report.files import write_outputs
from roster.scenario import scenario_from_dict


def test_summary_follows_the_contract(summary):
    """summary.json has the keys other tools read, for both models."""
    assert {"area", "seed", "days", "models", "difference", "assumptions"} <= set(summary)
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
    for model in ("framework", "consortium"):
        assert keys <= set(summary["models"][model])
    assert {"travel_time_s", "travel_share", "travel_time_relative"} <= set(summary["difference"])
    assert all("source" in item for item in summary["assumptions"].values())


def test_same_work_in_both_models(run, summary):
    """Both models roster the same Monday visits; every visit is served or given a reason."""
    monday = [v for v in run.instance.visits if v.day == 0]
    for model in ("framework", "consortium"):
        m = summary["models"][model]
        assert m["visits"] == len(monday)
        assert m["visits_assigned"] + m["visits_unassigned"] == m["visits"]
        assert sum(m["unassigned_reasons"].values()) == m["visits_unassigned"]
        assert m["checker_violations"] == 0
        assert sum(p["travel_time_s"] for p in m["pools"].values()) == m["travel_time_s"]
    carers = {c.id for c in run.instance.carers}
    for model in run.models:
        assert sorted(c for p in model.pools for c in p.carer_ids) == sorted(carers)


def test_outputs_written(run, summary, tmp_path):
    """All outputs exist: JSON, a roster CSV row per carer visit, GeoPackage layers, report."""
    files = write_outputs(tmp_path, summary, [run])
    assert {f.name for f in files} == {
        "summary.json",
        "rounds.csv",
        "comparison.gpkg",
        "report.html",
        "instance",
    }
    assert json.loads((tmp_path / "summary.json").read_text())["seed"] == 3
    with (tmp_path / "rounds.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    carer_visits = sum(summary["models"][m]["carer_visits"] for m in ("framework", "consortium"))
    assert len(rows) == carer_visits
    assert {"carer", "day", "order", "visit", "recipient", "window", "arrival", "start"} <= set(
        rows[0]
    )
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "comparison.gpkg")}
    assert layers == {"recipients", "neighbourhoods", "rounds"}
    assert (tmp_path / "instance" / "visits.csv").is_file()
    assert "<html" in (tmp_path / "report.html").read_text()[:200].lower()


def test_carers_needed_mode_sets_a_cost_per_carer(small):
    """In carers-needed mode each period used costs two hours of travel, unless [rounds] says."""
    from roster.comparison.run import CARERS_NEEDED_COST, rounds_params

    needed = {**small, "comparison": {**small["comparison"], "carers_needed": True}}
    assert rounds_params(scenario_from_dict(small)).carer_fixed_cost == 0
    assert rounds_params(scenario_from_dict(needed)).carer_fixed_cost == CARERS_NEEDED_COST
    own = {**needed, "rounds": {**small["rounds"], "carer_fixed_cost": 60}}
    assert rounds_params(scenario_from_dict(own)).carer_fixed_cost == 60
