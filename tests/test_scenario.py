"""Tests for roster.scenario: defaults, TOML overrides and errors naming the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from roster.errors import InputError
from roster.rounds.params import RoundsParams
from roster.scenario import PackageConfig, Scenario, load_scenario, parse_clock, scenario_from_dict

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_defaults_are_rutland():
    """With no file, the scenario is Rutland with the documented defaults."""
    scenario = load_scenario()
    assert scenario.area.code == "E06000017"
    assert scenario.demand.prevalence_65_plus == 0.040
    assert scenario.package.visit_length_shares == (0.02, 0.72, 0.18, 0.08)
    assert scenario.package.mean_calls_per_day == pytest.approx(2.95)


def test_toml_overrides_keep_other_defaults(tmp_path):
    """Keys in the file replace defaults; lists become tuples, tables read-only mappings."""
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\n[demand]\nprevalence_65_plus = 0.1\n'
        '[package.windows]\nmorning = ["07:30", "09:30"]\nlunch = ["12:00", "13:00"]\n'
        'tea = ["16:00", "17:00"]\nbed = ["20:00", "21:00"]\n'
        "[framework]\nproviders = 3\n"
    )
    scenario = load_scenario(path)
    assert scenario.name == "x"
    assert scenario.demand.prevalence_65_plus == 0.1
    assert scenario.demand.share_65_plus == 0.79
    assert scenario.package.windows["morning"] == ("07:30", "09:30")
    assert scenario.framework.providers == 3


def test_relative_data_paths_follow_the_file(tmp_path):
    """A relative census path in the file is resolved against the file's folder."""
    path = tmp_path / "s.toml"
    path.write_text('[area]\nlsoa_ages = "census.csv"\n')
    assert load_scenario(path).area.lsoa_ages == str(tmp_path / "census.csv")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[demand]\nprevalence_65_plus = 1.5\n", "demand.prevalence_65_plus"),
        ("[package]\ndouble_handed_share = -0.1\n", "package.double_handed_share"),
        ("[package]\ncalls_per_day = [0.5, 0.5, 0.5, 0.5]\n", "package.calls_per_day"),
        ("[workforce]\nwalk_share = 2\n", "workforce.walk_share"),
        ('[framework]\ntender = "lottery"\n', "framework.tender"),
        ("[demand]\nprevalance_65_plus = 0.1\n", "demand.prevalance_65_plus"),
        ('[package.windows]\nmorning = ["10:00", "07:00"]\n', "package.windows"),
        ('[rounds]\nmetaheuristic = "HILL_CLIMBING"\n', "rounds.metaheuristic"),
        ("[rounds]\ntime_limt_s = 5\n", "rounds.time_limt_s"),
        ("rounds = 5\n", "rounds"),
        # Strict types: no string is a boolean, numbers are finite and of the right kind.
        ('[comparison]\ntravel_paid = "false"\n', "comparison.travel_paid"),
        ('[comparison]\ncarers_needed = "no"\n', "comparison.carers_needed"),
        ("[comparison]\nbalance_hours = 1\n", "comparison.balance_hours"),
        ('[comparison]\ntime_budget_s = "fast"\n', "comparison.time_budget_s"),
        ("[comparison]\ntime_budget_s = nan\n", "comparison.time_budget_s"),
        ("[comparison]\ntime_budget_s = inf\n", "comparison.time_budget_s"),
        ("[comparison]\npence_per_mile = nan\n", "comparison.pence_per_mile"),
        ("[comparison]\nneighbourhood_tolerance = 1.0\n", "comparison.neighbourhood_tolerance"),
        ("[comparison]\ndays = 2.5\n", "comparison.days"),
        ("[comparison]\nmax_daily_working_h = 30\n", "comparison.max_daily_working_h"),
        ("[area]\nmax_snap_m = inf\n", "area.max_snap_m"),
        ('[framework]\nzipf_exponent = "1"\n', "framework.zipf_exponent"),
        ('[package.windows]\nmorning = ["07:00"]\n', "package.windows.morning"),
        ('[workforce]\npattern_shares = ["a", "b", "c"]\n', "workforce.pattern_shares"),
        ('[rounds]\ngender_hard = "yes"\n', "rounds.gender_hard"),
        ("[rounds]\ntime_limit_s = nan\n", "rounds.time_limit_s"),
        ("[rounds]\ntime_limit_s = -1\n", "rounds.time_limit_s"),
        ("[rounds]\nsolution_limit = 0\n", "rounds.solution_limit"),
        ("[rounds]\nunassigned_penalty = 1.5\n", "rounds.unassigned_penalty"),
        ("[comparison]\nbudget_check = 0.5\n", "comparison.budget_check"),
        ("[comparison]\ncontinuity_weights = [600, -1]\n", "comparison.continuity_weights"),
        ("[workforce]\nheadroom = 1.5\n", "workforce.headroom"),
        ('[rounds]\nengine = "auto"\n', "rounds.engine"),
        ('[rounds]\ncontinuity_team_from = "shifts"\n', "rounds.continuity_team_from"),
        ("name = 5\n", "name"),
        ('[package]\nflexibility = "lax"\n', "package.flexibility"),
        ("[package.tolerance_min]\nurgent = 10\n", "package.tolerance_min"),
        ("[package.tolerance_min]\nroutine = -10\n", "package.tolerance_min.routine"),
        ("[package.tolerance_min]\nroutine = 10.5\n", "package.tolerance_min.routine"),
        ("[package]\nmin_gap_min = -1\n", "package.min_gap_min"),
        ("[package]\ncare_plan_times = true\nmin_gap_min = 240\n", "package.min_gap_min"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path, text, key):
    """A bad share, type, rule or key is an error naming file and key (strings are no booleans)."""
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.field == key
    assert str(path) in str(caught.value) and f"field '{key}'" in str(caught.value)


def test_missing_file_is_an_error(tmp_path):
    """A scenario path that does not exist is an InputError naming it."""
    with pytest.raises(InputError, match="not found"):
        load_scenario(tmp_path / "nope.toml")


def test_parse_clock():
    """Clock times become seconds since midnight; nonsense is rejected."""
    assert parse_clock("07:30", "k") == 27_000
    with pytest.raises(InputError):
        parse_clock("7.30", "k")


@pytest.mark.parametrize("name", ["rutland.toml", "rutland_dense.toml"])
def test_example_scenarios_load(name):
    """The shipped example scenarios are valid."""
    assert isinstance(load_scenario(EXAMPLES / name), Scenario)


def test_rutland_example_is_exactly_the_defaults():
    """examples/rutland.toml repeats the built-in defaults: every field of every table is equal.

    The rounds settings are the comparison's: parallel cheapest insertion, guided local search,
    30 s a search, contracts capped at +10%, regular teams at 600 s a visit outside them, and
    the solver's defaults otherwise.
    """
    loaded, defaults = load_scenario(EXAMPLES / "rutland.toml"), Scenario()
    assert loaded.name == defaults.name == "rutland"
    for table in dataclasses.fields(Scenario):
        if table.name == "name":
            continue
        ours, theirs = getattr(loaded, table.name), getattr(defaults, table.name)
        for item in dataclasses.fields(theirs):
            key = f"{table.name}.{item.name}"
            assert (key, getattr(ours, item.name)) == (key, getattr(theirs, item.name))
    assert loaded.rounds == RoundsParams(
        first_solution="PARALLEL_CHEAPEST_INSERTION",
        continuity_cost=600,
        continuity_team=True,
        weekly_hours_tolerance=0.1,
    )
    assert (loaded.rounds.time_limit_s, loaded.rounds.metaheuristic) == (
        30.0,
        "GUIDED_LOCAL_SEARCH",
    )
    assert loaded.comparison.neighbourhood_size == 200.0
    assert loaded.area.max_snap_m == 500.0


def test_rounds_table_changes_only_its_fields():
    """A [rounds] table overrides the fields it names and keeps the comparison's others."""
    rounds = scenario_from_dict({"rounds": {"time_limit_s": 5, "carer_fixed_cost": 60}}).rounds
    assert isinstance(rounds, RoundsParams)
    assert (rounds.time_limit_s, rounds.carer_fixed_cost) == (5, 60)
    assert rounds.first_solution == "PARALLEL_CHEAPEST_INSERTION"
    assert rounds.break_after_s == 6 * 3600


def test_none_turns_off_an_optional_rounds_setting():
    """The string "none" (TOML has no null) turns off the contract cap; elsewhere it is an error."""
    assert scenario_from_dict({}).rounds.weekly_hours_tolerance == 0.1
    rounds = scenario_from_dict({"rounds": {"weekly_hours_tolerance": "none"}}).rounds
    assert rounds.weekly_hours_tolerance is None
    with pytest.raises(InputError) as caught:
        scenario_from_dict({"rounds": {"continuity_cost": "none"}})
    assert caught.value.field == "rounds.continuity_cost"


def test_a_misspelt_key_suggests_the_known_one(tmp_path):
    """An unknown key close to a known one says which was probably meant."""
    path = tmp_path / "bad.toml"
    path.write_text("[comparison]\ntime_budget = 30\n")
    with pytest.raises(InputError, match="did you mean 'time_budget_s'"):
        load_scenario(path)


def test_flexibility_levels_and_overrides_give_tolerances():
    """Each level's tolerance per kind of visit, in seconds; a per-kind override wins."""
    assert PackageConfig().tolerance_s("time_critical") == 1800
    assert PackageConfig(flexibility="strict").tolerance_s("routine") == 1800
    assert PackageConfig(flexibility="flexible").tolerance_s("routine") == 180 * 60
    changed = PackageConfig(tolerance_min=MappingProxyType({"routine": 45}))
    assert (changed.tolerance_s("routine"), changed.tolerance_s("time_critical")) == (2700, 1800)


@pytest.mark.parametrize("tolerance", [0.99, 1.0])
def test_tolerance_range_agrees_with_the_partitioner(tolerance):
    """The scenario accepts a tolerance exactly when the partitioner does (below 1)."""
    import numpy as np

    from neighbourhoods.partition import partition

    two = (np.array([[0, 60], [60, 0]]), np.array([[0, 1], [1, 0]]))
    try:
        partition(*two, target=1, tolerance=tolerance)
        accepted = True
    except ValueError:
        accepted = False
    try:
        scenario_from_dict({"comparison": {"neighbourhood_tolerance": tolerance}})
    except InputError:
        assert not accepted
    else:
        assert accepted
