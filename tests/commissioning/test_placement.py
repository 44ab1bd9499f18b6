"""Tests for commissioning.placement: a new package put into a finished run's rounds."""

from __future__ import annotations

import json

import pytest

from roster.cli import main
from roster.commissioning.placement import (
    NewHome,
    Package,
    insert_package,
    neighbourhood_of,
    parse_calls,
    place_package,
    read_finished_run,
)
from roster.commissioning.pools import pool_problems
from roster.errors import InputError
from roster.report.files import write_outputs
from roster.rounds.checker import check_rounds

CALLS = "09:30/30,12:30/30"
#: At R001's home (the first recipient) a double-handed package of mid-morning and lunch calls
#: fits on Monday in several pools of this small run, and a one-carer hoist package fits in its
#: neighbourhood's consortium (N2). A double-handed hoist package fits nowhere on Monday: since
#: consortia get hoist carers in proportion to their hoist work and the rounds are tighter, no
#: pool has two hoist carers free at the same time.
HOME = 0


@pytest.fixture(scope="module")
def folder(small_run, small_summary, tmp_path_factory):
    """Write the small comparison's outputs, a finished run's folder."""
    out = tmp_path_factory.mktemp("finished")
    write_outputs(out, small_summary, [small_run])
    return out


@pytest.fixture(scope="module")
def finished(folder, network_cache):
    """Read that folder back."""
    return read_finished_run(folder, network_cache)


@pytest.fixture(scope="module")
def pair(small_run):
    """Return a double-handed package, two calls a day, at R001's home."""
    home = small_run.instance.recipients[HOME]
    return Package(home.lon, home.lat, parse_calls(CALLS), 2, frozenset())


def test_calls_are_read_with_their_lengths():
    """Time/minutes, or time alone with the default length; anything else names the call."""
    assert parse_calls("08:00/30, 12:30/45,17:00", 1200) == (
        (28_800, 1800),
        (45_000, 2700),
        (61_200, 1200),
    )
    with pytest.raises(InputError, match="'8am' is not a call"):
        parse_calls("8am")


def test_the_folder_rebuilds_every_pool_days_rounds(finished, small_run):
    """The rebuilt problems are the run's, session by session: its rounds keep every rule."""
    for item in small_run.solved:
        pool = next(p for p in finished.pools[item.model] if p.name == item.pool)
        problems = pool_problems(
            finished.instance, pool, item.day, finished.locations, finished.max_daily_working_s
        )
        (k,) = [k for k, p in enumerate(problems) if p.visit_id == item.problem.visit_id]
        saved = finished.rounds[item.model, item.pool, item.day, k]
        assert saved.routes == item.rounds.routes
        assert check_rounds(problems[k], saved, finished.params) == []


def test_a_double_handed_package_fits_and_the_checker_accepts_it(finished, pair, small_run):
    """Somebody can take it on Monday; with it inserted the checker finds no broken rule.

    No visit already in the rounds moves, and each call has two different carers.
    """
    placement = place_package(
        finished, pair, small_run.plan.labels[small_run.instance.recipients[HOME].id]
    )
    fits = [p for p in placement.pools if p.start_day == 0]
    assert fits
    best = fits[0]
    pool = next(p for p in finished.pools[best.model] if p.name == best.pool)
    fit, sessions = insert_package(finished, NewHome(finished, pair), best.model, pool, 0)
    assert fit.fits and len(fit.calls) == 2 and fit.extra_travel_s == best.first.extra_travel_s
    for problem, rounds in sessions:
        assert check_rounds(problem, rounds, finished.params) == []
    before = {
        (s.visit_id, s.half): (r.carer_id, s.start_s)
        for k in range(len(sessions))
        for r in finished.rounds[best.model, best.pool, 0, k].routes
        for s in r.steps
    }
    after = {
        (s.visit_id, s.half): (r.carer_id, s.start_s)
        for _, rounds in sessions
        for r in rounds.routes
        for s in r.steps
    }
    assert {k: v for k, v in after.items() if k in before} == before
    for call in fit.calls:
        assert len(set(call.carer_ids)) == 2
        assert abs(call.start_s - call.time_s) <= pair.tolerance_s


def test_a_hoist_package_goes_to_hoist_carers(finished, small_run):
    """A one-carer hoist package fits in R001's consortium on Monday, each call a hoist carer.

    So it does wherever else it fits on Monday (with the workforce sized to contracts and
    peaks, some framework providers have room too).
    """
    home = small_run.instance.recipients[HOME]
    hoist = Package(home.lon, home.lat, parse_calls(CALLS), 1, frozenset({"hoist"}))
    placement = place_package(finished, hoist, small_run.plan.labels[home.id])
    monday = [p for p in placement.pools if p.start_day == 0]
    assert ("consortium", "consortium/N2") in {(p.model, p.pool) for p in monday}
    for best in monday:
        pool = next(p for p in finished.pools[best.model] if p.name == best.pool)
        fit, _ = insert_package(finished, NewHome(finished, hoist), best.model, pool, 0)
        for call in fit.calls:
            assert all("hoist" in finished.instance.carer_by_id[c].skills for c in call.carer_ids)


def test_the_package_is_in_its_home_neighbourhood(folder, small_run):
    """The polygon holding a recipient's home is that recipient's neighbourhood."""
    home = small_run.instance.recipients[0]
    assert neighbourhood_of(folder, home.lon, home.lat) == small_run.plan.labels[home.id]


def test_a_home_outside_every_neighbourhood_goes_to_the_nearest(folder):
    """Outside every polygon, the nearest one in metres, as geopandas finds it in the GPKG."""
    import geopandas as gpd

    polygons = gpd.read_file(folder / "comparison.gpkg", layer="neighbourhoods").to_crs(27700)
    lon, lat = -0.2, 52.6  # east of Rutland, in no neighbourhood
    here = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(27700).iloc[0]
    nearest = polygons.iloc[int(polygons.distance(here).argmin())]["neighbourhood"]
    assert not polygons.contains(here).any()
    assert neighbourhood_of(folder, lon, lat) == nearest


def test_a_run_json_without_neighbourhoods_is_a_clear_error(folder, tmp_path):
    """A folder written before run.json kept the polygons says to rerun, naming the file."""
    old = tmp_path / "old"
    old.mkdir()
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    del run["neighbourhoods"]
    (old / "run.json").write_text(json.dumps(run), encoding="utf-8")
    with pytest.raises(InputError, match="rerun") as error:
        neighbourhood_of(old, 0.0, 52.0)
    assert error.value.file == str(old / "run.json")


def test_place_command_writes_json_and_prints_a_table(folder, network_cache, small_run, capsys):
    """The place command answers from the folder: a line per provider and the consortium."""
    home = small_run.instance.recipients[0]
    args = ["place", "--out", str(folder), "--lon", str(home.lon), "--lat", str(home.lat)]
    args += ["--calls", CALLS, "--double-handed", "--skills", "hoist"]
    assert main([*args, "--cache-dir", str(network_cache)]) == 0
    out = capsys.readouterr().out
    assert "double-handed" in out and "framework/P1" in out
    data = json.loads((folder / "placement.json").read_text(encoding="utf-8"))
    assert data["package"]["calls"] == ["09:30/30", "12:30/30"]
    assert data["days_modelled"] == ["Mon"]
    assert {p["model"] for p in data["pools"]} == {"framework", "consortium"}
    assert all(d["checker_violations"] == 0 for p in data["pools"] for d in p["days"])
