"""Tests for report.files: every output of the small comparison, read back and checked."""

from __future__ import annotations

import csv
import json
from collections import Counter

import geopandas as gpd
import pyogrio
import pytest

import roster.comparison.caveats as caveats_module
from roster.comparison.capacity import CAPACITY_COLUMNS
from roster.comparison.summary import summarise
from roster.io import read_instance
from roster.model import DAYS, Visit
from roster.report.files import ROUNDS_COLUMNS, UNASSIGNED_COLUMNS, planned_times, write_outputs
from roster.rounds.solution import Rounds
from roster.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def out(small_run, small_summary, tmp_path_factory):
    """Write the small comparison's outputs once and return the folder."""
    folder = tmp_path_factory.mktemp("outputs")
    write_outputs(folder, small_summary, [small_run])
    return folder


def test_the_folder_holds_every_output_and_nothing_else(out):
    """The outputs, the files that rebuild the rounds, and instance/ (no temporaries)."""
    assert sorted(p.name for p in out.iterdir()) == [
        "capacity.csv",
        "comparison.gpkg",
        "instance",
        "report.html",
        "rounds.csv",
        "rounds.json",
        "run.json",
        "summary.json",
        "travel.npz",
        "unassigned.csv",
    ]


def test_capacity_csv_is_the_run_capacity(out, small_run):
    """capacity.csv has the capacity's rows under its columns, day rows then week rows."""
    with (out / "capacity.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == CAPACITY_COLUMNS
    assert len(rows) == len(small_run.capacity.csv_rows())
    first = small_run.capacity.rows[0]
    assert (rows[0]["pool"], rows[0]["band"], int(rows[0]["carers_spare"])) == (
        first.pool,
        first.band,
        first.carers_spare,
    )


def test_rounds_json_holds_every_pool_day_session(out, small_run):
    """rounds.json gives back each solved pool-day-session's rounds, in order."""
    entries = json.loads((out / "rounds.json").read_text(encoding="utf-8"))["entries"]
    assert len(entries) == len(small_run.solved)
    for entry, item in zip(entries, small_run.solved, strict=True):
        assert (entry["model"], entry["pool"], entry["day"]) == (item.model, item.pool, item.day)
        assert Rounds.from_json(entry["rounds"]).routes == item.rounds.routes
        assert Rounds.from_json(entry["rounds"]).unassigned == item.rounds.unassigned
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["days"] == 1 and run["settings"]["seed"] == 3
    assert [m["name"] for m in run["models"]] == ["framework", "consortium"]


def test_a_run_with_many_unassigned_gets_a_qualified_report(
    small_run, small_tables, tmp_path, monkeypatch
):
    """With the rules at 0.3% and 0.25 points, the framework's 1 of 303 out qualifies the report."""
    monkeypatch.setattr(caveats_module, "MAX_UNASSIGNED_SHARE", 0.003)
    monkeypatch.setattr(caveats_module, "MAX_UNASSIGNED_GAP", 0.0025)
    summary = summarise(scenario_from_dict(small_tables), [small_run])
    assert summary.qualified
    write_outputs(tmp_path, summary, [small_run])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Read the figures with care" in page
    assert page.index("Read the figures with care") < page.index('class="headline"')
    assert "not like for like" in page


def test_unassigned_csv_lists_every_visit_left_out(out, small_run, small_summary):
    """Every unassigned visit, with seed, model, pool, day, recipient and reason."""
    with (out / "unassigned.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == UNASSIGNED_COLUMNS
    expected = sorted(
        (item.model, item.pool, DAYS[item.day], u.visit_id, u.reason)
        for item in small_run.solved
        for u in item.rounds.unassigned
    )
    assert sorted((r["model"], r["pool"], r["day"], r["visit"], r["reason"]) for r in rows) == (
        expected
    )
    assert {r["seed"] for r in rows} <= {str(small_run.seed)}
    by_model = Counter(r["model"] for r in rows)
    for model, metrics in small_summary.models.items():
        assert by_model[model] == metrics.visits_unassigned


def test_summary_json_is_the_summary(out, small_summary):
    """summary.json is the typed summary's JSON, key for key."""
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(small_summary.to_json())
    )


def test_rounds_csv_is_every_carer_visit_in_round_order(out, small_run):
    """One row per carer visit: the solver's rounds, with the visit's recipient and period."""
    with (out / "rounds.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == ROUNDS_COLUMNS
    expected = [
        (item.model, item.pool, DAYS[item.day], route.carer_id, str(order), step.visit_id)
        for item in sorted(small_run.solved, key=lambda s: (s.model, s.pool, s.day))
        for route in item.rounds.routes
        for order, step in enumerate(route.steps, start=1)
    ]
    assert [
        (r["model"], r["pool"], r["day"], r["carer"], r["order"], r["visit"]) for r in rows
    ] == (expected)
    recipient_of = {v.id: v.recipient_id for v in small_run.instance.visits}
    assert all(r["recipient"] == recipient_of[r["visit"]] for r in rows)
    # The period is shown as the working period's hours, e.g. "07:00-14:00".
    assert all(len(r["period"]) == 11 and r["period"][5] == "-" for r in rows)
    # The small scenario gives windows only, so no row shows a care-plan time.
    assert {r["planned"] for r in rows} == {""}


def test_planned_times_are_care_plan_clock_times_or_empty():
    """A visit with a care-plan time shows it as a clock time; a window-only visit shows ""."""
    planned = Visit("v1", "r1", 0, 7 * 3600 + 1800, 8 * 3600 + 1800, 1800, planned_start_s=8 * 3600)
    window_only = Visit("v2", "r1", 0, 12 * 3600, 14 * 3600, 1800)
    assert planned_times([planned, window_only]) == {"v1": "08:00", "v2": ""}


def test_geopackage_layers_hold_recipients_neighbourhoods_and_first_day_rounds(out, small_run):
    """Each recipient once with its neighbourhood; a polygon per neighbourhood; a line per round."""
    path = out / "comparison.gpkg"
    assert {name for name, _ in pyogrio.list_layers(path)} == {
        "recipients",
        "neighbourhoods",
        "rounds",
    }
    recipients = gpd.read_file(path, layer="recipients")
    assert list(recipients["recipient_id"]) == [r.id for r in small_run.instance.recipients]
    assert dict(zip(recipients["recipient_id"], recipients["neighbourhood"], strict=True)) == (
        small_run.plan.labels
    )
    neighbourhoods = gpd.read_file(path, layer="neighbourhoods")
    assert sorted(neighbourhoods["neighbourhood"]) == sorted(set(small_run.plan.labels.values()))
    rounds = gpd.read_file(path, layer="rounds")
    first_day = min(item.day for item in small_run.solved)
    per_model = Counter(
        item.model for item in small_run.solved if item.day == first_day for _ in item.rounds.routes
    )
    assert Counter(rounds["model"]) == per_model
    assert rounds.geometry.notna().all()


def test_instance_folder_reads_back_as_the_same_instance(out, small_run):
    """instance/ holds the inputs, so the same work can be rerun."""
    assert read_instance(out / "instance") == small_run.instance


def test_report_is_a_page(out):
    """report.html is an HTML page."""
    assert "<html" in (out / "report.html").read_text(encoding="utf-8")[:200].lower()
