"""Tests for comparison.sweep and report.sweep_files: a tiny grid on a two-worker LocalCluster."""

from __future__ import annotations

import functools
import json

import pytest
from helpers import crash_once

from roster.cli import main
from roster.comparison.sweep import read_sweep, run_sweep, variant_table
from roster.data import RUTLAND_PBF
from roster.errors import InputError
from roster.report.sweep_files import write_sweep_outputs

# About 25 Rutland recipients, Monday only, a search that stops by itself: a few seconds a cell.
TINY = """
name = "tiny"
seeds = [1, 2]

[base]
name = "rutland-tiny"
[base.demand]
prevalence_65_plus = 0.002
[base.comparison]
neighbourhood_size = 12
days = 1
time_budget_s = 0
[base.rounds]
improve_iterations = 50
solution_limit = 10
metaheuristic = "GREEDY_DESCENT"

[grid]
"framework.providers" = [4, 8]
"""


@pytest.fixture(scope="module")
def client():
    """Return a client of a LocalCluster of two single-threaded worker processes."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        with Client(cluster) as connected:
            yield connected
        cluster.close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Return the tiny sweep: 2 seeds x 2 variants (4 or 8 providers) on Rutland."""
    path = tmp_path_factory.mktemp("sweep") / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def swept(tiny, client, network_cache, tmp_path_factory):
    """Run the tiny sweep once; return its output folder and outcome."""
    out = tmp_path_factory.mktemp("swept")
    return out, run_sweep(read_sweep(tiny, RUTLAND_PBF), out, client, str(network_cache))


def _never(cell, cache_dir=None):
    """Fail: a runner that must not be called (every cell is finished)."""
    raise AssertionError(f"cell {cell.key} ran again")


def test_grid_gives_every_cell(tiny):
    """Two seeds x two values of one key: four cells with their own keys, one worker each."""
    cells = read_sweep(tiny, RUTLAND_PBF).cells
    assert [(c.variant, c.seed) for c in cells][:2] == [
        ("framework.providers=4", 1),
        ("framework.providers=4", 2),
    ]
    assert len({c.key for c in cells}) == 4
    assert cells[3].scenario_tables()["framework"] == {"providers": 8}
    assert cells[3].scenario_tables()["comparison"]["workers"] == 1


def test_sweep_runs_every_cell_on_two_workers(swept):
    """All four cells finish; each has both models' travel and the saving."""
    out, outcome = swept
    assert (outcome.skipped, outcome.ran, outcome.failed) == (0, 4, ())
    assert [(r["variant"], r["seed"]) for r in outcome.results] == [
        ("framework.providers=4", 1),
        ("framework.providers=4", 2),
        ("framework.providers=8", 1),
        ("framework.providers=8", 2),
    ]
    for result in outcome.results:
        saved = 1 - result["consortium_travel_time_s"] / result["framework_travel_time_s"]
        assert result["travel_saved"] == pytest.approx(saved)
    assert len(list((out / "cells").glob("*.json"))) == 4


def test_rerun_skips_finished_cells(swept, tiny, client, network_cache):
    """A second run finds every cell on disk and runs none (the runner would fail)."""
    out, first = swept
    again = run_sweep(read_sweep(tiny, RUTLAND_PBF), out, client, str(network_cache), runner=_never)
    assert (again.skipped, again.ran, again.failed) == (4, 0, ())
    assert again.results == first.results


def test_killed_worker_loses_nothing(tiny, client, network_cache, tmp_path):
    """A worker that dies mid-cell: the cell runs again elsewhere, every cell finishes."""
    sweep = read_sweep(tiny, RUTLAND_PBF)
    one = type(sweep)(sweep.name, sweep.cells[:1])
    marker = tmp_path / "kill-once"
    marker.touch()
    outcome = run_sweep(
        one, tmp_path, client, str(network_cache), runner=functools.partial(crash_once, marker)
    )
    assert not marker.exists()  # a worker did die
    assert (outcome.ran, outcome.failed) == (1, ())
    assert len(list((tmp_path / "cells").glob("*.json"))) == 1


def test_outputs_table_chart_and_page(swept, tmp_path):
    """The table has every cell, the JSON each variant's mean and interval; chart and page."""
    _, outcome = swept
    files = write_sweep_outputs(tmp_path, "tiny", outcome.results)
    assert {f.name for f in files} == {
        "sweep.csv",
        "sweep.json",
        "saving.png",
        "saving.svg",
        "sweep.html",
    }
    assert len((tmp_path / "sweep.csv").read_text().splitlines()) == 5
    variants = json.loads((tmp_path / "sweep.json").read_text())["variants"]
    assert [v["cells"] for v in variants] == [2, 2]
    assert all(
        v["travel_saved_low"] <= v["travel_saved_mean"] <= v["travel_saved_high"] for v in variants
    )
    assert "<svg" in (tmp_path / "sweep.html").read_text()


def test_cli_rerun_does_nothing(swept, tiny, network_cache, capsys):
    """`roster sweep` on a finished folder starts a LocalCluster, runs nothing, exits 0."""
    out, _ = swept
    code = main(["sweep", str(tiny), "--out", str(out), "--cache-dir", str(network_cache)])
    assert code == 0
    assert "4 cells: 4 finished before, 0 run now, 0 failed" in capsys.readouterr().out
    assert (out / "sweep.html").exists()


def test_variant_interval_by_hand():
    """Savings 40% and 60%: mean 50%, half-width t(0.975, 1) x 0.1414 / sqrt(2) = 127%."""
    cells = [
        {
            "council_name": "A",
            "variant": "v",
            "travel_saved": s,
            "framework_travel_share": 0.2,
            "consortium_travel_share": 0.1,
        }
        for s in (0.4, 0.6)
    ]
    (row,) = variant_table(cells)
    assert row["travel_saved_mean"] == pytest.approx(0.5)
    assert row["travel_saved_high"] - 0.5 == pytest.approx(12.7062 * 0.1, rel=1e-4)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("seeds = []\n", "seeds"),
        ("seeds = [1]\n[grid]\nproviders = [1, 2]\n", "grid.providers"),
        ('seeds = [1]\n[grid]\n"framework.providers" = [0]\n', "framework.providers"),
        ('seeds = [1]\ncolour = "red"\n', "colour"),
    ],
)
def test_bad_sweep_file_names_the_key(tmp_path, text, field):
    """Bad seeds, a grid key without its table, a bad value or an unknown key: named."""
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_sweep(path, RUTLAND_PBF)
    assert caught.value.field == field
