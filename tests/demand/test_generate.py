"""Tests for demand.generate: a whole Rutland instance, its files, round trip and determinism."""

from __future__ import annotations

import dataclasses
import json

import pytest
import shapely
from helpers import offline, osm_as_place

from roster.cli import main
from roster.data import LEEDS_PBF, RUTLAND_PBF
from roster.demand.generate import generate_area, write_area
from roster.io import read_instance
from roster.scenario import Scenario


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """Return a network cache folder shared by this module's tests."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def rutland(cache):
    """Return Rutland generated at default settings with seed 1."""
    return generate_area(Scenario(), RUTLAND_PBF, seed=1, cache_dir=cache)


def test_rutland_has_a_realistic_week(rutland):
    """A few hundred recipients, ~3 calls a day, ~12 contact hours a week, every id linked."""
    summary = rutland.summary
    assert 300 <= summary["recipients"] <= 800
    assert summary["area"]["aged_65_plus"] == 10_385
    assert 2.5 <= summary["calls_per_recipient_per_day"] <= 3.5
    assert 10 <= summary["contact_hours_per_recipient_per_week"] <= 14
    instance = rutland.instance
    assert {r.provider_id for r in instance.recipients} <= {p.id for p in instance.providers}
    assert all(c.provider_id is not None for c in instance.carers)
    assert 0.05 <= summary["double_handed_visit_share"] <= 0.15


def test_framework_scatters_providers(rutland):
    """Share-weighted tendering puts several providers on one street (the pathology)."""
    fragments = rutland.fragmentation
    assert fragments.different_neighbour_share > 0.5
    assert fragments.mean_nearest_same_provider_m > 2 * fragments.mean_nearest_m
    assert fragments.providers_per_street > 1.5


def test_nearest_base_tender_is_less_fragmented(rutland, cache):
    """Giving every package to the nearest base leaves fewer providers per small area."""
    scenario = Scenario(framework=dataclasses.replace(Scenario().framework, tender="nearest_base"))
    nearest = generate_area(scenario, RUTLAND_PBF, seed=1, cache_dir=cache)
    assert nearest.fragmentation.different_neighbour_share < (
        rutland.fragmentation.different_neighbour_share
    )


def test_round_trip_and_same_seed_same_files(rutland, cache, tmp_path, capsys):
    """`roster generate` with the same seed writes the same CSVs; files read back equal.

    The command prints the totals and writes the four tables, a GeoPackage and a summary.
    """
    write_area(rutland, tmp_path / "a")
    out = tmp_path / "b"
    code = main(["generate", "--seed", "1", "--out", str(out), "--cache-dir", str(cache)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Rutland (E06000017)" in printed and "different_neighbour_share" in printed
    assert {p.name for p in out.iterdir()} == {
        "recipients.csv",
        "visits.csv",
        "carers.csv",
        "providers.csv",
        "instance.gpkg",
        "summary.json",
        "manifest.json",
    }
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        p.name for p in out.iterdir() if p.name != "manifest.json"
    )
    assert manifest["seed"] == 1 and manifest["command"][:3] == ["roster", "generate", "--seed"]
    for name in ("recipients.csv", "visits.csv", "carers.csv", "providers.csv", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (out / name).read_bytes()
    assert read_instance(out) == rutland.instance
    assert read_instance(out / "instance.gpkg") == rutland.instance


def test_generate_command_bad_scenario(tmp_path, capsys):
    """A share outside [0, 1] in the scenario exits with code 2 and names the key."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[package]\ndouble_handed_share = 1.2\n")
    code = main(["generate", "--seed", "1", "--out", str(tmp_path), "--scenario", str(bad)])
    assert code == 2
    assert "package.double_handed_share" in capsys.readouterr().err


def test_partial_extract_says_what_it_covers(tmp_path, capsys, cache):
    """The Leeds centre extract with the whole of Leeds: exit 2 naming the one MSOA covered."""
    args = ["generate", "--seed", "1", "--out", str(tmp_path), "--cache-dir", str(cache)]
    code = main([*args, "--council", "leeds", "--area", str(LEEDS_PBF)])
    assert code == 2
    err = capsys.readouterr().err
    assert "covers 1 of Leeds' 107 MSOAs (and part of 5 more)" in err
    assert "--study-area E02002392" in err
    code = main([*args, "--area", str(LEEDS_PBF)])  # Rutland's census by default
    assert code == 2
    assert "census defaults are Rutland's" in capsys.readouterr().err


def test_leeds_study_area_uses_leeds_census(cache):
    """The MSOA the Leeds extract covers gives a Leeds instance, all homes inside it."""
    area = dataclasses.replace(Scenario().area, code="E08000035", study_area=("E02002392",))
    generated = generate_area(Scenario(area=area), LEEDS_PBF, seed=1, cache_dir=cache)
    assert generated.summary["area"]["name"] == "Leeds (study area)"
    assert generated.summary["area"]["small_areas"] == 1
    polygon = generated.area.polygons[0]
    homes = [*generated.instance.recipients, *generated.instance.carers]
    assert shapely.contains_xy(polygon, [h.lon for h in homes], [h.lat for h in homes]).all()


def test_larger_extract_is_clipped_to_the_study_area(cache):
    """Rutland's extract with a study area of Rutland 001: every home lies inside that MSOA."""
    area = dataclasses.replace(Scenario().area, study_area=("Rutland 001",))
    generated = generate_area(Scenario(area=area), RUTLAND_PBF, seed=1, cache_dir=cache)
    polygon = generated.area.polygons[0]
    homes = [*generated.instance.recipients, *generated.instance.carers]
    assert shapely.contains_xy(polygon, [h.lon for h in homes], [h.lat for h in homes]).all()
    bases = generated.instance.providers
    assert shapely.contains_xy(polygon, [b.lon for b in bases], [b.lat for b in bases]).all()


def test_place_name_generates_what_its_extract_generates(monkeypatch, tmp_path, cache, capsys):
    """--area "Leeds, England" writes the instance --area with the same extract writes.

    It downloads roads, buildings and places; OSMnx answers from the Leeds centre extract here.
    """
    calls = osm_as_place(monkeypatch, LEEDS_PBF, tmp_path)
    common = ["generate", "--seed", "1", "--council", "Leeds", "--study-area", "extract"]
    common += ["--cache-dir", str(cache)]
    assert main([*common, "--area", "Leeds, England", "--out", str(tmp_path / "place")]) == 0
    assert main([*common, "--area", str(LEEDS_PBF), "--out", str(tmp_path / "file")]) == 0
    assert calls == {"graph": 1, "features": 2}  # drive roads; buildings and places
    for name in ("recipients.csv", "visits.csv", "carers.csv", "providers.csv"):
        place = (tmp_path / "place" / name).read_bytes()
        assert place == (tmp_path / "file" / name).read_bytes(), name


def test_place_name_offline_exits_2_with_one_line(monkeypatch, tmp_path, capsys):
    """Offline, --area "Leeds, England" exits 2 with one line, and nothing is written.

    The line says what could not be downloaded, and to pass a local extract instead.
    """
    offline(monkeypatch)
    out = tmp_path / "out"
    args = ["generate", "--seed", "1", "--council", "Leeds", "--area", "Leeds, England"]
    assert main([*args, "--out", str(out), "--cache-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "cannot download the drive roads for 'Leeds, England'" in err
    assert "--area EXTRACT.osm.pbf" in err
    assert not out.exists()
