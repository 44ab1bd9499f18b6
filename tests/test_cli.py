"""Tests for roster.cli: the commands run end to end on small extracts and report bad input."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ITS_EXAMPLE, bad_output_folders

from roster.cli import _print_summary, build_parser, main
from roster.scenario import Scenario

ROOT = Path(__file__).parents[1]


def test_network_command_prints_size_and_matrix(tmp_path, capsys):
    """`roster network` prints the network size and a 5 x 5 matrix of minutes."""
    code = main(
        ["network", "--area", str(ITS_EXAMPLE), "--modes", "drive", "--cache-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "drive network from leeds-its-example.osm.pbf" in out
    assert len([line for line in out.splitlines() if line.startswith("node ")]) == 5


def test_network_command_clips_to_a_council(tmp_path, capsys):
    """`roster network --council` clips as the other commands do, and says so.

    The ITS streets lie in Leeds, so Leeds keeps them all; they are more than 3 km from
    Bradford, so that clip reaches no road and is not applied.
    """
    args = ["network", "--area", str(ITS_EXAMPLE), "--modes", "drive", "--cache-dir", str(tmp_path)]
    assert main([*args, "--council", "leeds"]) == 0
    out = capsys.readouterr().out
    assert "drive network from leeds-its-example.osm.pbf (within 3 km of Leeds): 23 nodes" in out
    assert main([*args, "--council", "Bradford"]) == 0
    assert "drive network from leeds-its-example.osm.pbf: 23 nodes" in capsys.readouterr().out


def test_bad_file_is_a_clear_error(tmp_path, capsys):
    """An empty OSM file exits with code 2 and a message naming the file."""
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    assert main(["network", "--area", str(empty), "--cache-dir", str(tmp_path)]) == 2
    assert f"roster: error: {empty}: OSM file is empty" in capsys.readouterr().err


def test_neighbourhoods_command_and_drawn_boundaries(tmp_path, capsys, network_cache):
    """`roster neighbourhoods` splits three Oakham recipients in two, then re-reads its polygons."""
    from helpers import INSTANCE_SMALL

    recipients = str(INSTANCE_SMALL / "recipients.csv")
    common = ["--recipients", recipients, "--cache-dir", str(network_cache)]
    out = tmp_path / "generated"
    assert (
        main(["neighbourhoods", *common, "--target", "2", "--tolerance", "0.5", "--out", str(out)])
        == 0
    )
    assert {p.name for p in out.iterdir()} == {
        "neighbourhoods.geojson",
        "neighbourhoods.gpkg",
        "quality.csv",
        "labels.csv",
        "manifest.json",
    }
    assert "generated: 2 neighbourhoods" in capsys.readouterr().out
    drawn = tmp_path / "drawn"
    boundaries = str(out / "neighbourhoods.geojson")
    assert main(["neighbourhoods", *common, "--boundaries", boundaries, "--out", str(drawn)]) == 0
    assert "drawn boundaries" in capsys.readouterr().out
    assert (drawn / "labels.csv").read_text().count("\n") == 4


def test_neighbourhood_size_falls_back_to_the_scenario(tmp_path, capsys, network_cache):
    """Without --target and --tolerance, the scenario's size 2 +/- 50% splits three in two."""
    from helpers import INSTANCE_SMALL

    scenario = tmp_path / "small.toml"
    scenario.write_text("[comparison]\nneighbourhood_size = 2\nneighbourhood_tolerance = 0.5\n")
    recipients = str(INSTANCE_SMALL / "recipients.csv")
    out = tmp_path / "out"
    args = ["--recipients", recipients, "--scenario", str(scenario), "--out", str(out)]
    assert main(["neighbourhoods", *args, "--cache-dir", str(network_cache)]) == 0
    assert "generated: 2 neighbourhoods of about 2 recipients" in capsys.readouterr().out


def test_options_default_to_the_scenario(capsys):
    """Options left out are None (the scenario decides); help states the scenario's defaults."""
    parser = build_parser()
    args = parser.parse_args(["neighbourhoods", "--out", "x"])
    assert (args.target, args.tolerance) == (None, None)
    assert parser.parse_args(["network"]).max_snap_m is None
    assert parser.parse_args(["demo"]).days is None
    defaults = Scenario()
    for command in ("neighbourhoods", "network"):
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    comparison = defaults.comparison
    assert f"(default: the scenario's, {comparison.neighbourhood_size:g})" in text
    assert f"(default: the scenario's, {comparison.neighbourhood_tolerance:g})" in text
    assert f"metres (default {defaults.area.max_snap_m:g})" in text


def test_bad_scenario_value_is_a_one_line_error(tmp_path, capsys):
    """A scenario value out of range exits with code 2 and one line naming file and key."""
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[comparison]\nneighbourhood_tolerance = 2\n")
    assert main(["neighbourhoods", "--scenario", str(scenario), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("roster: error: ") and err.count("\n") == 1
    assert "comparison.neighbourhood_tolerance" in err and str(scenario) in err


def test_print_summary_reads_the_summary(capsys):
    """The headline table gives each model's figures and the 40% travel saved."""
    import report_inputs

    _print_summary(report_inputs.summary())
    lines = capsys.readouterr().out.splitlines()
    assert "Oakham <test>: 7 day(s), seed 1" in lines
    assert ["travel", "(hours)", "10", "6"] in [line.split() for line in lines]
    assert "travel saved by neighbourhood commissioning: 40.0%" in lines


def test_print_summary_gives_the_caveats_and_served_figures(capsys):
    """A summary with a caveat prints it, marks the saving not like for like, and prices it."""
    import report_inputs

    _print_summary(report_inputs.qualified(report_inputs.summary()))
    lines = capsys.readouterr().out.splitlines()
    saved = "travel saved by neighbourhood commissioning: 40.0%"
    assert f"{saved} (not like for like: see the caveats)" in lines
    assert any(line.startswith("caveat: The framework rounds leave 27 of 81") for line in lines)
    assert ["travel", "per", "served", "carer", "visit", "(min)", "7.5", "4.5"] in [
        line.split() for line in lines
    ]
    assert any(line.endswith("priced at its mean travel per visit: 40.0%") for line in lines)


def test_print_summary_gives_each_flexibility_level(capsys):
    """A summary with a flexibility sweep prints one line per level; --flexibility-sweep parses."""
    import report_inputs

    from roster.comparison.flexibility import FlexibilityLevel

    both = ("framework", "consortium")
    level = FlexibilityLevel(
        "strict",
        {"time_critical": 15, "routine": 30},
        {"framework": 36_000, "consortium": 18_000},
        {"framework": 0.2, "consortium": 0.1},
        {m: 100 for m in both},
        {"framework": 3, "consortium": 0},
        {"framework": {"lunch": 3}, "consortium": {}},
        {m: 2.5 for m in both},
        {m: 0 for m in both},
    )
    summary = dataclasses.replace(report_inputs.summary(), flexibility=(level,))
    _print_summary(summary)
    assert (
        "flexibility: strict (+-15/30 min): framework 10 h travel (20.0%), 3 unassigned, 2.50 "
        "carers per recipient; consortium 5 h travel (10.0%), 0 unassigned, 2.50 carers per "
        "recipient"
    ) in capsys.readouterr().out.splitlines()
    parser = build_parser()
    assert parser.parse_args(["demo", "--flexibility-sweep"]).flexibility_sweep is True
    assert parser.parse_args(["demo"]).flexibility_sweep is False


def test_compare_council_rutland_is_the_demo():
    """`compare --council rutland` runs the very scenario `demo` runs; Leeds gets its name."""
    from roster.cli import _scenario

    parser = build_parser()
    demo = _scenario(parser.parse_args(["demo"]))
    assert _scenario(parser.parse_args(["compare", "--out", "x", "--council", "rutland"])) == demo
    leeds = _scenario(
        parser.parse_args(
            ["compare", "--out", "x", "--council", "E08000035", "--study-area", "extract"]
        )
    )
    assert (leeds.area.code, leeds.area.study_area) == ("E08000035", ("extract",))
    assert leeds.name == "leeds (study area)"


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["demo", "--seeds", "0"], "--seeds"),
        (["demo", "--seed", "-1"], "--seed"),
        (["demo", "--days", "8"], "--days"),
        (["demo", "--time-budget", "inf"], "--time-budget"),
        (["demo", "--time-budget", "nan"], "--time-budget"),
        (["demo", "--workers", "0"], "--workers"),
        (["neighbourhoods", "--out", "x", "--target", "nan"], "--target"),
        (["neighbourhoods", "--out", "x", "--tolerance", "1.0"], "--tolerance"),
        (["network", "--max-snap-m", "-1"], "--max-snap-m"),
        (["generate", "--out", "x", "--seed", "-1"], "--seed"),
    ],
)
def test_bad_options_are_one_line_naming_the_option(capsys, argv, option):
    """A nonsense option value exits with code 2 and one line naming the option."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert err.startswith(f"roster: error: argument {option}: ") and err.count("\n") == 1


def test_output_folder_is_refused_before_any_work(tmp_path, capsys):
    """An --out that is a file, or a non-empty folder without --force, fails in one line."""
    for out, message in bad_output_folders(tmp_path):
        # "--area" does not exist: reaching the network stage would be a different error.
        argv = ["generate", "--seed", "1", "--out", str(out), "--area", str(tmp_path / "none")]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err and str(out) in err
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]


def test_a_bug_exits_1_with_a_log_of_the_traceback(monkeypatch, capsys):
    """An unexpected exception is one line naming a log file, which holds the traceback."""
    import roster.cli

    def broken(args):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(roster.cli, "_network_command", broken)
    assert main(["network"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (ZeroDivisionError: oops)" in err
    log = Path(err.rsplit(" ", 1)[1].strip())
    assert "Traceback" in log.read_text() and "ZeroDivisionError" in log.read_text()
    log.unlink()


def test_ctrl_c_stops_the_workers_and_writes_nothing(tmp_path, network_cache):
    """Ctrl-C during the rounds: exit 130, one line, no worker left, no output folder.

    The searches have iteration and solution limits they cannot reach soon, so only the
    interrupt (or each search's 30 s time limit) stops them; waiting for the command is
    bounded so that a hang fails the test.
    """
    scenario = tmp_path / "endless.toml"
    scenario.write_text(
        "[demand]\nprevalence_65_plus = 0.008\n"
        "[comparison]\nneighbourhood_size = 50\ndays = 1\nworkers = 2\ntime_budget_s = 0\n"
        "[rounds]\nimprove_iterations = 1000000000\nsolution_limit = 1000000000\n"
    )
    out = tmp_path / "out"
    argv = ["compare", "--scenario", str(scenario), "--out", str(out)]
    command = [sys.executable, "-m", "roster.cli", *argv, "--cache-dir", str(network_cache)]
    log = tmp_path / "stderr.txt"
    with log.open("w") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stderr=handle,
            stdout=handle,
            start_new_session=True,
            # Ctrl-C as at a terminal, whatever this process's own handler is.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            while "pool-weeks" not in log.read_text() and process.poll() is None:
                time.sleep(0.2)
            assert process.poll() is None, log.read_text()
            time.sleep(2)
            os.killpg(process.pid, signal.SIGINT)
            try:
                assert process.wait(timeout=120) == 130
            except subprocess.TimeoutExpired:
                pytest.fail(f"no exit 120 s after Ctrl-C; the command said:\n{log.read_text()}")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    text = log.read_text()
    assert "Traceback" not in text
    assert text.rstrip().splitlines()[-1] == "roster: interrupted; nothing was written"
    with pytest.raises(ProcessLookupError):  # no process of the run's group is left
        for _ in range(50):
            os.killpg(process.pid, 0)
            time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["endless.toml", "stderr.txt"]


def test_studio_refuses_a_bad_port_or_an_output_file(tmp_path, capsys):
    """`roster studio` checks its options before building anything: exit 2, one line each."""
    with pytest.raises(SystemExit) as port:
        main(["studio", "--port", "70000"])
    assert port.value.code == 2 and "70000 is not a whole number from 0 to 65535" in (
        capsys.readouterr().err
    )
    taken = tmp_path / "plans.txt"
    taken.write_text("not a folder")
    assert main(["studio", "--out", str(taken)]) == 2
    assert "The output folder is a file" in capsys.readouterr().err


def test_rounds_command_writes_a_week_for_the_instance(tmp_path, capsys, network_cache):
    """`roster rounds` rosters the small Oakham instance: every output, a run sheet per carer-day.

    Each visit is either in rounds.csv or in unassigned.csv; each recipient's week lists every
    visit. Visit v2 is given by its care-plan time (12:30 +- 30 min), which the files show.
    """
    import csv
    import shutil

    from helpers import INSTANCE_SMALL

    instance = tmp_path / "instance"
    shutil.copytree(INSTANCE_SMALL, instance)
    lines = (instance / "visits.csv").read_text().splitlines()
    lines[0] += ",planned_start,tolerance_min"
    lines[1:] = [
        "v2,r1,Mon,,,30,1,medication,,12:30,30" if line.startswith("v2,") else line + ",,"
        for line in lines[1:]
    ]
    (instance / "visits.csv").write_text("\n".join(lines) + "\n")

    scenario = tmp_path / "exact.toml"
    # 50 iterations of the improvement stop by itself, well inside the time limit.
    scenario.write_text(
        '[rounds]\nimprove_iterations = 50\nsolution_limit = 10\nmetaheuristic = "GREEDY_DESCENT"\n'
        "[comparison]\ntime_budget_s = 0\nworkers = 1\n"
    )
    out = tmp_path / "week"
    argv = ["rounds", "--instance", str(instance), "--out", str(out)]
    argv += ["--scenario", str(scenario), "--cache-dir", str(network_cache)]
    assert main(argv) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {
        "rounds.csv",
        "rounds.json",
        "run_sheets",
        "run_sheets.html",
        "recipients_week.csv",
        "map.html",
        "unassigned.csv",
        "metrics.json",
        "carers.csv",
        "manifest.json",
    }
    rounds = list(csv.DictReader((out / "rounds.csv").read_text().splitlines()))
    left = list(csv.DictReader((out / "unassigned.csv").read_text().splitlines()))
    assert {r["visit"] for r in rounds} | {r["visit"] for r in left} == {
        f"v{k}" for k in range(1, 7)
    }
    sheets = sorted(p.name for p in (out / "run_sheets").iterdir())
    assert sheets == sorted({f"{r['carer']}-{r['day']}.html" for r in rounds})
    week = list(csv.DictReader((out / "recipients_week.csv").read_text().splitlines()))
    assert len(week) == 6
    assert {r["visit"]: r["planned"] for r in week} == {
        f"v{k}": "12:30" if k == 2 else "" for k in range(1, 7)
    }
    assert all(r["planned"] == ("12:30" if r["visit"] == "v2" else "") for r in rounds)
    assert "(care plan 12:30)" in (out / "run_sheets.html").read_text()
    assert "checker: 0 broken rule(s)" in capsys.readouterr().out
