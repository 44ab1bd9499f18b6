"""Tests for roster.io: reading, writing and locating bad input in CSV, GeoPackage and GeoJSON."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from helpers import bad_output_folders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neighbourhoods import read_boundaries
from roster.errors import InputError
from roster.io import (
    MANIFEST,
    OutputFolder,
    atomic_path,
    read_instance,
    write_instance,
    write_polygons,
)
from roster.model import Carer, Instance, Provider, Recipient, Shift, Visit

SMALL = Path(__file__).parent / "data" / "instance_small"


@pytest.fixture(scope="module")
def small() -> Instance:
    """Read the hand-checkable Oakham instance: 3 recipients, 6 visits, 3 carers, 2 providers."""
    return read_instance(SMALL)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """Copy the small CSV instance to a writable directory."""
    return Path(shutil.copytree(SMALL, tmp_path / "instance"))


def _set_cell(file: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; rows count as in a spreadsheet (header = row 1)."""
    with file.open(newline="") as handle:
        table = list(csv.reader(handle))
    table[row - 1][table[0].index(column)] = value
    with file.open("w", newline="") as handle:
        csv.writer(handle).writerows(table)


def test_read_small_instance(small: Instance) -> None:
    """The fixture reads to the values a person can check against the CSV files."""
    assert [r.id for r in small.recipients] == ["r1", "r2", "r3"]
    assert small.recipient_by_id["r3"].provider_id == "p2"
    double = small.visit_by_id["v3"]
    assert (double.day, double.earliest_start_s, double.latest_start_s) == (0, 28_800, 34_200)
    assert (double.duration_s, double.carers_required) == (2_700, 2)
    assert small.visit_by_id["v2"].skills == frozenset({"medication"})
    assert small.visit_by_id["v5"].gender_preference == "female"
    assert small.visit_by_id["v6"].day == 1
    walker = small.carer_by_id["c2"]
    assert (walker.travel_mode, walker.gender, walker.skills) == ("walk", "male", frozenset())
    split = small.carer_by_id["c3"]
    assert split.shifts == (
        Shift(0, 25_200, 36_000),
        Shift(0, 57_600, 79_200),
        Shift(1, 57_600, 79_200),
    )
    assert split.contracted_s == 15 * 3600
    assert small.provider_by_id["p2"] == Provider("p2", -0.716, 52.66, "Rutland Homecare")


def _awkward() -> Instance:
    """Build an instance with values that are easy to lose on the way to a file and back."""
    return Instance(
        recipients=(Recipient("r 1", -0.7312345678912345, 52.671234567890117),),
        visits=(
            Visit("v1", "r 1", 6, 3_601, 86_399, 1, 2, frozenset({"hoist", "insulin"}), "male"),
            Visit("v2", "r 1", 0, 0, 0, 61),
        ),
        carers=(
            Carer("c1", 1e-7 / 3, -89.99999999999999, "drive", frozenset(), "male", (), 0),
            Carer(
                "c2", 0.0, 0.0, "walk", frozenset({"hoist"}), "female", (Shift(6, 0, 86_400),), 1
            ),
        ),
    )


@pytest.mark.parametrize("format", ["csv", "gpkg", "geojson"])
def test_round_trip(small: Instance, tmp_path: Path, format: str) -> None:
    """Reading what was written gives back an equal instance, in every format."""
    for name, instance in (("small", small), ("awkward", _awkward())):
        path = tmp_path / (f"{name}.gpkg" if format == "gpkg" else name)
        write_instance(instance, path, format)
        assert read_instance(path) == instance
        assert not list(tmp_path.glob(".*")), "temporary files are left behind"


def test_csv_output_is_readable(small: Instance, tmp_path: Path) -> None:
    """CSV output uses the documented spellings: days, HH:MM times, minutes and hours."""
    write_instance(small, tmp_path, "csv")
    assert (tmp_path / "visits.csv").read_text().splitlines()[3] == "v3,r2,Mon,08:00,09:30,45,2,,"
    carers = (tmp_path / "carers.csv").read_text().splitlines()
    shifts = "Mon 07:00-10:00;Mon 16:00-22:00;Tue 16:00-22:00"
    assert carers[3] == f"c3,-0.72,52.672,drive,,female,{shifts},15,p2"


def test_geojson_layout(small: Instance, tmp_path: Path) -> None:
    """GeoJSON output has one file per located table, and visits as CSV."""
    write_instance(small, tmp_path, "geojson")
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["carers.geojson", "providers.geojson", "recipients.geojson", "visits.csv"]


def test_lenient_spellings(directory: Path) -> None:
    """Headers and enumerations ignore case, days may be spelt out, seconds are allowed."""
    _set_cell(directory / "visits.csv", 2, "day", "monday")
    _set_cell(directory / "visits.csv", 2, "earliest_start", "7:00:30")
    _set_cell(directory / "visits.csv", 1, "day", " Day ")
    _set_cell(directory / "carers.csv", 2, "travel_mode", "Drive")
    _set_cell(directory / "carers.csv", 3, "shifts", "Tue 07:00-09:00; mon 07:00-10:00")
    instance = read_instance(directory)
    assert instance.visits[0].earliest_start_s == 7 * 3600 + 30
    assert instance.carers[0].travel_mode == "drive"
    assert [shift.day for shift in instance.carers[1].shifts] == [0, 1]


def test_preferred_carers_are_read_and_written(directory: Path, tmp_path: Path) -> None:
    """A recipient's preferred carers are a ';'-separated list, and round-trip through CSV."""
    text = (directory / "recipients.csv").read_text().splitlines()
    rows = [text[0] + ",preferred_carer_ids", text[1] + ",c1; c3", *(t + "," for t in text[2:])]
    (directory / "recipients.csv").write_text("\n".join(rows) + "\n")
    instance = read_instance(directory)
    assert instance.recipients[0].preferred_carer_ids == ("c1", "c3")
    assert instance.recipients[1].preferred_carer_ids == ()
    write_instance(instance, tmp_path / "again", "csv")
    assert read_instance(tmp_path / "again") == instance


def test_optional_columns_and_files(directory: Path) -> None:
    """Optional columns and providers.csv may be left out; extra columns are ignored."""
    (directory / "providers.csv").unlink()
    (directory / "recipients.csv").write_text("recipient_id,lon,lat,notes\nr1,-0.73,52.67,x\n")
    (directory / "visits.csv").write_text(
        "visit_id,recipient_id,day,earliest_start,latest_start,duration_min\nv1,r1,Fri,09:00,10:00,7.5\n"
    )
    (directory / "carers.csv").write_text(
        "carer_id,lon,lat,travel_mode,gender,shifts,contracted_hours\nc1,-0.73,52.67,walk,male,,37.5\n"
    )
    instance = read_instance(directory)
    assert instance.recipients[0].preferred_carer_ids == ()
    assert instance.visits == (Visit("v1", "r1", 4, 32_400, 36_000, 450),)
    assert instance.carers[0].shifts == () and instance.carers[0].contracted_s == 135_000
    assert instance.providers == ()


def _care_plan_visits(directory: Path, *rows: str) -> Path:
    """Write visits.csv for recipient r1 with planned_start and tolerance_min columns."""
    header = "visit_id,recipient_id,day,earliest_start,latest_start,duration_min,"
    (directory / "visits.csv").write_text(
        header + "planned_start,tolerance_min\n" + "".join(f"{row}\n" for row in rows)
    )
    return directory


def test_planned_start_and_tolerance_give_the_window(directory: Path, tmp_path: Path) -> None:
    """08:00 +- 30 min is the window 07:30-08:30, 00:10 +- 30 is cut at midnight; both round-trip.

    The window and the planned start are written; the tolerance is the window.
    """
    _care_plan_visits(
        directory,
        "v1,r1,Mon,,,30,08:00,30",
        "v2,r1,Mon,,,30,00:10,30",
        "v3,r1,Tue,12:00,13:00,30,12:15,",
        "v4,r1,Tue,17:00,18:00,30,,",
    )
    instance = read_instance(directory)
    windows = [(v.earliest_start_s, v.latest_start_s, v.planned_start_s) for v in instance.visits]
    assert windows == [
        (27_000, 30_600, 28_800),
        (0, 2_400, 600),
        (43_200, 46_800, 44_100),
        (61_200, 64_800, None),
    ]
    write_instance(instance, tmp_path / "again", "csv")
    assert "planned_start" in (tmp_path / "again" / "visits.csv").read_text().splitlines()[0]
    assert read_instance(tmp_path / "again") == instance


def test_instances_without_planned_times_keep_their_columns(
    small: Instance, tmp_path: Path
) -> None:
    """No visit has a planned start, so visits.csv is written with today's columns."""
    write_instance(small, tmp_path / "out", "csv")
    header = (tmp_path / "out" / "visits.csv").read_text().splitlines()[0]
    assert header == (SMALL / "visits.csv").read_text().splitlines()[0]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("v1,r1,Mon,,,30,,30", "tolerance_min", "A tolerance needs a planned_start."),
        ("v1,r1,Mon,07:00,09:00,30,08:00,30", "tolerance_min", "not both"),
        ("v1,r1,Mon,,,30,08:00,-5", "tolerance_min", "The tolerance is negative."),
        ("v1,r1,Mon,,09:00,30,,", "earliest_start", "give earliest_start and latest_start"),
        ("v1,r1,Mon,07:00,,30,08:00,", "latest_start", "a planned start needs either"),
        ("v1,r1,Mon,07:00,09:00,30,09:30,", "planned_start", "outside the window"),
        ("v1,r1,Mon,,,30,8am,30", "planned_start", "8am"),
        ("v1,r1,Mon,,,30,08:00,soon", "tolerance_min", "soon"),
    ],
)
def test_bad_care_plan_times_name_file_row_and_field(
    directory: Path, row: str, field: str, message: str
) -> None:
    """A planned start and tolerance that cannot make a window are named by file, row, field."""
    _care_plan_visits(directory, "v0,r1,Mon,07:00,08:00,30,,", row)
    with pytest.raises(InputError, match=message) as caught:
        read_instance(directory)
    assert (Path(caught.value.file).name, caught.value.row, caught.value.field) == (
        "visits.csv",
        3,
        field,
    )


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "field"),
    [
        ("visits.csv", 1, "earliest_start", "earliest_strat", "earliest_start"),
        ("visits.csv", 4, "visit_id", "v1", "visit_id"),
        ("recipients.csv", 3, "recipient_id", "r1", "recipient_id"),
        ("recipients.csv", 2, "lon", "nan", "lon"),
        ("recipients.csv", 3, "lat", "", "lat"),
        ("recipients.csv", 4, "lat", "95", "lat"),
        ("recipients.csv", 2, "lon", "west", "lon"),
        ("carers.csv", 3, "travel_mode", "cycle", "travel_mode"),
        ("carers.csv", 2, "gender", "", "gender"),
        ("visits.csv", 2, "latest_start", "06:00", "latest_start"),
        ("visits.csv", 5, "duration_min", "-30", "duration_min"),
        ("visits.csv", 5, "duration_min", "inf", "duration_min"),
        ("visits.csv", 4, "carers_required", "3", "carers_required"),
        ("visits.csv", 4, "carers_required", "two", "carers_required"),
        ("visits.csv", 3, "earliest_start", "7am", "earliest_start"),
        ("visits.csv", 3, "earliest_start", "24:30", "earliest_start"),
        ("visits.csv", 6, "day", "Funday", "day"),
        ("visits.csv", 6, "gender_preference", "any", "gender_preference"),
        ("carers.csv", 4, "shifts", "Mon 7-14", "shifts"),
        ("carers.csv", 4, "shifts", "Mon 14:00-07:00", "shifts"),
        ("carers.csv", 4, "shifts", "Mon 07:00-14:00;Mon 13:00-15:00", "shifts"),
        ("carers.csv", 2, "contracted_hours", "-1", "contracted_hours"),
        ("visits.csv", 7, "recipient_id", "r9", "recipient_id"),
        ("carers.csv", 3, "provider_id", "p9", "provider_id"),
        ("recipients.csv", 4, "provider_id", "p9", "provider_id"),
        ("providers.csv", 3, "provider_id", "p1", "provider_id"),
    ],
)
def test_bad_values_name_file_row_and_field(
    directory: Path, file: str, row: int, column: str, value: str, field: str
) -> None:
    """Every bad value is an InputError naming the file, spreadsheet row and column."""
    _set_cell(directory / file, row, column, value)
    with pytest.raises(InputError) as caught:
        read_instance(directory)
    error = caught.value
    assert (Path(error.file).name, error.row, error.field) == (file, row, field)
    assert f"{file}, row {row}, field '{field}': " in str(error)


def test_missing_column_suggests_the_close_match(directory: Path) -> None:
    """A misspelt required column is reported with the spelling that was probably meant."""
    _set_cell(directory / "carers.csv", 1, "contracted_hours", "contracted_hrs")
    with pytest.raises(InputError, match="did you mean 'contracted_hrs'") as caught:
        read_instance(directory)
    assert (caught.value.row, caught.value.field) == (1, "contracted_hours")


@pytest.mark.parametrize(
    ("file", "column", "misspelt"),
    [
        ("visits.csv", "carers_required", "carers_requried"),
        ("visits.csv", "gender_preference", "gender_preferance"),
        ("visits.csv", "skills", "skils"),
        ("carers.csv", "skills", "skils"),
        ("recipients.csv", "provider_id", "provider_di"),
    ],
)
def test_misspelt_optional_column_is_an_error(
    directory: Path, file: str, column: str, misspelt: str
) -> None:
    """An optional column spelt nearly right is refused: ignored, it would change the visits."""
    _set_cell(directory / file, 1, column, misspelt)
    with pytest.raises(InputError, match=f"did you mean '{misspelt}'") as caught:
        read_instance(directory)
    assert (Path(caught.value.file).name, caught.value.row, caught.value.field) == (file, 1, column)


def test_unknown_columns_are_listed_in_one_warning(directory: Path, caplog) -> None:
    """Columns unlike any known one are ignored, and one warning per file names them all."""
    text = (directory / "visits.csv").read_text().splitlines()
    rows = [f"{text[0]},notes,colour", *(f"{line},x,red" for line in text[1:])]
    (directory / "visits.csv").write_text("\n".join(rows) + "\n")
    assert read_instance(directory) == read_instance(SMALL)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "visits.csv: ignoring 2 unknown column(s) 'notes', 'colour'" in warnings[0]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "a semicolon"), ("\t", "a tab")])
def test_other_delimiters_are_found_and_named(
    directory: Path, caplog, delimiter: str, name: str
) -> None:
    """A file separated by semicolons or tabs reads the same, with a warning saying so."""
    for table in ("recipients", "providers"):
        path = directory / f"{table}.csv"
        path.write_text(path.read_text().replace(",", delimiter))
    assert read_instance(directory) == read_instance(SMALL)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2 and all(f"separated by {name}" in w for w in warnings)


def test_a_cell_beyond_the_header_is_an_error(directory: Path) -> None:
    """A row with more filled cells than the header has columns would lose one: an error."""
    path = directory / "visits.csv"
    lines = path.read_text().splitlines()
    lines[2] += ",oops"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="a cell would be lost") as caught:
        read_instance(directory)
    assert (Path(caught.value.file).name, caught.value.row) == ("visits.csv", 3)
    lines[2] = lines[2].removesuffix("oops")  # an empty trailing cell holds nothing
    path.write_text("\n".join(lines) + "\n")
    assert read_instance(directory) == read_instance(SMALL)


def test_skills_are_lower_cased_and_said_so(directory: Path, caplog) -> None:
    """Skills have no case: ``Medication`` is ``medication``, and a warning names row and field."""
    _set_cell(directory / "visits.csv", 3, "skills", "Medication")
    _set_cell(directory / "carers.csv", 2, "gender", "Female")
    assert read_instance(directory) == read_instance(SMALL)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("visits.csv" in w and "row 3, field 'skills': 'Medication'" in w for w in warnings)
    assert any("carers.csv" in w and "row 2, field 'gender': 'Female'" in w for w in warnings)


def test_items_remember_their_file_and_row(small: Instance) -> None:
    """Each item read knows its file and spreadsheet row, for errors found later."""
    file, row = small.origin("carers", "c3")
    assert (Path(file).name, row) == ("carers.csv", 4)
    assert small.origin("carers", "nobody") == (None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("visit_id,recipient_id,day,earliest_start,latest_start,duration_min\n", "no data"),
    ],
)
def test_empty_files(directory: Path, text: str, message: str) -> None:
    """An empty file, or one with only a header, is an error naming the file."""
    (directory / "visits.csv").write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_instance(directory)
    assert Path(caught.value.file).name == "visits.csv"


def test_blank_lines_keep_spreadsheet_rows(directory: Path) -> None:
    """Blank lines are skipped but still counted, so rows match what a spreadsheet shows."""
    lines = (directory / "visits.csv").read_text().splitlines()
    (directory / "visits.csv").write_text("\n".join([lines[0], "", *lines[1:3]]) + "\n")
    _set_cell(directory / "visits.csv", 4, "earliest_start", "7am")
    with pytest.raises(InputError) as caught:
        read_instance(directory)
    assert (caught.value.row, caught.value.field) == (4, "earliest_start")


def test_missing_and_ambiguous_tables(directory: Path) -> None:
    """A required table that is missing, or given twice, is an error naming the directory."""
    (directory / "carers.geojson").write_text("{}")
    with pytest.raises(InputError, match="carers.csv and carers.geojson exist") as caught:
        read_instance(directory)
    assert caught.value.file == str(directory)
    (directory / "carers.csv").unlink()
    (directory / "carers.geojson").unlink()
    with pytest.raises(InputError, match="Neither carers.csv nor carers.geojson exists"):
        read_instance(directory)


@pytest.mark.parametrize("name", ["visits.csv", "absent"])
def test_paths_that_are_not_instances(directory: Path, name: str) -> None:
    """A path that is neither a directory nor a GeoPackage is an error naming it."""
    with pytest.raises(InputError, match="neither a directory nor a .gpkg file") as caught:
        read_instance(directory / name)
    assert caught.value.file == str(directory / name)


def test_geojson_rows_and_geometry(small: Instance, tmp_path: Path) -> None:
    """GeoJSON features count from row 2, and a missing point is an error on 'geometry'."""
    write_instance(small, tmp_path, "geojson")
    carers = gpd.read_file(tmp_path / "carers.geojson")
    carers.loc[1, "travel_mode"] = "cycle"
    carers.to_file(tmp_path / "carers.geojson")
    with pytest.raises(InputError) as caught:
        read_instance(tmp_path)
    error = caught.value
    assert (Path(error.file).name, error.row, error.field) == ("carers.geojson", 3, "travel_mode")
    recipients = gpd.read_file(tmp_path / "recipients.geojson")
    recipients.loc[2, "geometry"] = None
    recipients.to_file(tmp_path / "recipients.geojson")
    with pytest.raises(InputError, match="not a point") as caught:
        read_instance(tmp_path)
    assert (caught.value.row, caught.value.field) == (4, "geometry")


def test_geopackage_reprojects_and_names_layers(small: Instance, tmp_path: Path) -> None:
    """Layers in British National Grid are read back in degrees; errors name the layer."""
    path = tmp_path / "instance.gpkg"
    write_instance(small, path, "gpkg")
    recipients = gpd.read_file(path, layer="recipients").to_crs("EPSG:27700")
    pyogrio.write_dataframe(recipients, path, layer="recipients")
    r3 = read_instance(path).recipient_by_id["r3"]
    assert (r3.lon, r3.lat) == (pytest.approx(-0.722, abs=1e-6), pytest.approx(52.665, abs=1e-6))
    recipients.loc[0, "recipient_id"] = ""
    pyogrio.write_dataframe(recipients, path, layer="recipients")
    with pytest.raises(InputError) as caught:
        read_instance(path)
    error = caught.value
    assert (error.file, error.row, error.field) == (
        f"{path}|layername=recipients",
        2,
        "recipient_id",
    )


def test_geopackage_without_recipients_layer(tmp_path: Path) -> None:
    """A GeoPackage lacking a required layer is an error naming that layer."""
    path = tmp_path / "instance.gpkg"
    other = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([0], [0]), crs="EPSG:4326")
    pyogrio.write_dataframe(other, path, layer="other")
    with pytest.raises(InputError, match="no layer 'recipients'"):
        read_instance(path)


def test_atomic_path_replaces_on_success_only(tmp_path: Path) -> None:
    """The target changes only when the block succeeds, and no temporary file is left."""
    target = tmp_path / "report.json"
    target.write_text("old")
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".json"
        assert not temporary.exists()
        temporary.write_text("new")
    assert target.read_text() == "new"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("writer failed")
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


def test_polygons_round_trip_through_both_formats(tmp_path: Path) -> None:
    """Two named 1 km squares in BNG write atomically and read back in EPSG:4326, same order."""
    squares = [
        shapely.box(500_000, 300_000, 501_000, 301_000),
        shapely.box(501_000, 300_000, 502_000, 301_000),
    ]
    frame = gpd.GeoDataFrame(
        {"neighbourhood": ["west", "east"]}, geometry=squares, crs="EPSG:27700"
    )
    for path in (
        write_polygons(frame, tmp_path / "n.geojson"),
        write_polygons(frame, tmp_path / "n.gpkg"),
    ):
        back = read_boundaries(path, name_field="neighbourhood")
        assert list(back["name"]) == ["west", "east"]
        assert back.crs == "EPSG:4326"
        area_km2 = back.to_crs("EPSG:27700").area / 1e6
        assert area_km2.round(6).tolist() == [1.0, 1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.geojson", "n.gpkg"]


def test_write_rejects_unknown_format(small: Instance, tmp_path: Path) -> None:
    """An unknown output format is refused before anything is written."""
    with pytest.raises(ValueError, match="Unknown format"):
        write_instance(small, tmp_path / "out", "xlsx")
    assert not (tmp_path / "out").exists()


def test_visits_as_geojson_and_bom(small: Instance, tmp_path: Path) -> None:
    """Visits may be GeoJSON with null geometry, and CSV files may start with a byte-order mark."""
    write_instance(small, tmp_path, "geojson")
    visits = gpd.read_file(tmp_path / "visits.csv").drop(columns="geometry", errors="ignore")
    nowhere = gpd.GeoSeries([None] * len(visits), crs="EPSG:4326")
    gpd.GeoDataFrame(visits, geometry=nowhere).to_file(tmp_path / "visits.geojson")
    (tmp_path / "visits.csv").unlink()
    assert read_instance(tmp_path) == small
    bom = tmp_path / "bom"
    write_instance(small, bom, "csv")
    text = (bom / "carers.csv").read_text(encoding="utf-8")
    (bom / "carers.csv").write_text(text, encoding="utf-8-sig")
    assert read_instance(bom) == small


#: For each column, text that can never be a valid value there (so reading must fail on it).
_JUNK = {
    "recipient_id": [""],
    "visit_id": [""],
    "carer_id": [""],
    "lon": ["", "west", "nan", "inf", "181", "-1e999", "0x1"],
    "lat": ["", "north", "nan", "-inf", "90.5", "1e400"],
    "day": ["", "Funday", "Mo", "8", "Mon Tue"],
    "earliest_start": ["", "7am", "24:01", "12:60", "-1:00", "7"],
    "latest_start": ["", "noon", "25:00", "09:5"],
    "duration_min": ["", "0", "-15", "nan", "inf", "half", "1e999"],
    "carers_required": ["0", "3", "1.5", "two", "-1"],
    "gender_preference": ["any", "f", "both"],
    "travel_mode": ["", "cycle", "car"],
    "gender": ["", "f", "other"],
    "shifts": ["Mon 7-14", "Mon 14:00-07:00", "Funday 07:00-08:00", "Mon 07:00-25:00"],
    "contracted_hours": ["", "-1", "many", "nan", "inf"],
}


def _same_value(column: str, text: str) -> list[str]:
    """Other spellings of a cell that must read to the same value."""
    spellings = [f"  {text} "]
    if column in ("gender_preference", "gender", "travel_mode", "skills") and text:
        spellings.append(text.upper())
    if column == "day":
        spellings += [{"Mon": "monday", "Tue": "TUESDAY"}.get(text, text)]
    if column in ("earliest_start", "latest_start"):
        spellings.append(f"{text}:00")
    if column in ("duration_min", "contracted_hours") and "." not in text:
        spellings.append(f"{text}.0")
    if column == "skills":
        spellings.append(f";{text};")
    return spellings


def _table_cells(name: str) -> tuple[list[str], list[list[str]]]:
    with (SMALL / name).open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_corrupted_cell_is_named_or_harmless(tmp_path_factory, data) -> None:
    """Corrupt one cell of the small instance: reading names its row and field, or is unchanged.

    The corruption is either text that can never be valid in that column (then the error must
    name that file, row and field) or another spelling of the same value (then the instance
    read must equal the original).
    """
    name = data.draw(st.sampled_from(["recipients.csv", "visits.csv", "carers.csv"]))
    header, rows = _table_cells(name)
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from([c for c in header if c in _JUNK or c == "skills"]))
    original = rows[index][header.index(column)]
    junk = data.draw(st.booleans()) and column in _JUNK
    text = data.draw(st.sampled_from(_JUNK[column] if junk else _same_value(column, original)))
    directory = Path(shutil.copytree(SMALL, tmp_path_factory.mktemp("corrupt") / "instance"))
    _set_cell(directory / name, index + 2, column, text)
    if junk:
        with pytest.raises(InputError) as caught:
            read_instance(directory)
        error = caught.value
        assert (Path(error.file).name, error.row, error.field) == (name, index + 2, column)
    else:
        assert read_instance(directory) == read_instance(SMALL)


def test_output_folder_is_checked_before_any_work(tmp_path: Path) -> None:
    """A file, a non-empty folder (without force), an input's folder are refused, by path."""
    for path, message in bad_output_folders(tmp_path):
        with pytest.raises(InputError, match=message) as caught:
            OutputFolder.check(path)
        assert caught.value.file == str(path)
    full = tmp_path / "full"
    assert OutputFolder.check(full, force=True).path == full
    with pytest.raises(InputError, match="holds an input"):
        OutputFolder.check(tmp_path, force=True, inputs=(full / "keep.txt",))
    with pytest.raises(InputError, match="cannot be written"):
        OutputFolder.check("/proc/roster-output")
    assert not list(tmp_path.glob(".*")), "the write probe is left behind"


def test_output_folder_appears_whole_with_a_manifest(tmp_path: Path) -> None:
    """Files appear only when the block ends; manifest.json lists each with size and hash."""
    target = tmp_path / "out"
    folder = OutputFolder.check(target)
    with folder.writing({"seed": 3, "command": ["roster", "demo"]}) as temporary:
        (temporary / "a.txt").write_text("hello")
        (temporary / "sub").mkdir()
        (temporary / "sub" / "b.txt").write_text("")
        assert not target.exists()
    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest["seed"] == 3 and manifest["command"] == ["roster", "demo"]
    assert manifest["files"] == [
        {"path": "a.txt", "bytes": 5, "sha256": hashlib.sha256(b"hello").hexdigest()},
        {"path": "sub/b.txt", "bytes": 0, "sha256": hashlib.sha256(b"").hexdigest()},
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_folder_is_untouched_by_a_failed_or_interrupted_write(tmp_path: Path) -> None:
    """An error or Ctrl-C while writing leaves the old folder as it was, and no temporaries."""
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    for failure in (ValueError("bug"), KeyboardInterrupt()):
        with pytest.raises(type(failure)):
            with OutputFolder.check(target, force=True).writing() as temporary:
                (temporary / "new.txt").write_text("new")
                raise failure
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
        assert [p.name for p in target.iterdir()] == ["old.txt"]
    with OutputFolder.check(target, force=True).writing() as temporary:
        (temporary / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
