"""Tests for demand.census: shipped national counts, councils, study areas and coverage."""

from __future__ import annotations

import dataclasses
import gzip
import json

import numpy as np
import pytest
import shapely

from roster.demand.census import (
    AreaPopulation,
    area_name,
    check_coverage,
    council_clip,
    council_outline,
    cut_to,
    load_area,
    resolve_council,
)
from roster.errors import InputError
from roster.scenario import AreaConfig

NAMES = AreaConfig().lad_names


def test_rutland_counts_match_census():
    """Rutland has 5 MSOAs, 41,043 residents and 10,385 people aged 65+ (Census 2021)."""
    area = load_area(AreaConfig())
    assert area.name == "Rutland"
    assert list(area.small_area_codes) == [f"E0200286{i}" for i in range(3, 8)]
    assert area.total.sum() == 41_043
    assert area.aged_65_plus.sum() == 10_385
    assert (area.adults_under_65 + area.aged_65_plus <= area.total).all()
    assert all(polygon.is_valid for polygon in area.polygons)


def test_unknown_area_code():
    """An area code that is not a local authority is an error naming the key."""
    config = AreaConfig(code="E99999999")
    with pytest.raises(InputError, match="Unknown area code") as caught:
        load_area(config)
    assert caught.value.field == "area.code"


def test_leeds_from_the_national_files():
    """Leeds: 107 MSOAs, 811,960 residents, 126,766 aged 65+ (SOURCES.md's check totals)."""
    config = AreaConfig(code="E08000035")
    assert area_name(config) == "Leeds"
    area = load_area(config)
    assert len(area) == 107
    assert area.total.sum() == 811_960
    assert area.aged_65_plus.sum() == 126_766


def test_council_outline_is_its_boundary_and_the_clip_grows_it():
    """Leeds' outline is its boundary, the clip that outline grown by the buffer.

    The shipped LAD boundary is within 0.5 km of the MSOAs' union; the clip is
    the outline grown by CLIP_BUFFER_M, named after the council.
    """
    from pyproj import Transformer

    from roster.geo.network import CLIP_BUFFER_M

    config = AreaConfig(code="E08000035")
    grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

    def metres(shape):
        return shapely.transform(shape, grid.transform, interleaved=False)

    outline = metres(council_outline(config))
    msoas = metres(load_area(config).outline)
    assert shapely.area(outline) / 1e6 == pytest.approx(551, abs=1)  # Leeds: 551 km2
    assert shapely.hausdorff_distance(outline.boundary, msoas.boundary) < 500
    clip = council_clip(config)
    assert (clip.name, clip.buffer_m) == ("Leeds", CLIP_BUFFER_M)
    grown = metres(clip.polygon)
    assert shapely.contains(grown, outline)
    edge = shapely.points(shapely.get_coordinates(grown.boundary))
    away = shapely.distance(outline, edge)  # every point of the clip's edge is 3 km out
    assert (away.min(), away.max()) == (
        pytest.approx(CLIP_BUFFER_M, rel=0.02),
        pytest.approx(CLIP_BUFFER_M, rel=0.02),
    )
    with pytest.raises(InputError, match="No boundary for council E99999999"):
        council_outline(AreaConfig(code="E99999999"))


def test_area_without_census_rows(tmp_path):
    """A census file without the council's rows is an error naming the council."""
    census = tmp_path / "census.csv"
    census.write_text(
        "lsoa21_code,lsoa21_name,age_0_15,age_16_24,age_25_34,age_35_49,age_50_64,age_65_plus,"
        "total\nE01000001,City of London 001A,1,1,1,1,1,1,6\n"
    )
    with pytest.raises(InputError, match="No census rows for Leeds"):
        load_area(AreaConfig(code="E08000035", lsoa_ages=str(census)))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Leeds", "E08000035"),
        ("lEEDS", "E08000035"),
        ("e06000017", "E06000017"),
        ("bristol", "E06000023"),
        ("Bristol, City of", "E06000023"),
    ],
)
def test_council_by_name_or_code(text, code):
    """A council is found by its name in any case, its name before the comma, or its code."""
    assert resolve_council(text, NAMES)[0] == code


def test_council_did_you_mean():
    """A misspelt council is an error suggesting the closest names."""
    with pytest.raises(InputError, match="Did you mean Leeds") as caught:
        resolve_council("Leds", NAMES)
    assert caught.value.field == "council"


def test_council_outside_england_and_wales():
    """A Scottish council is known but has no census rows shipped: the error says so."""
    with pytest.raises(InputError, match="not in England or Wales"):
        resolve_council("Glasgow City", NAMES)


def test_study_area_by_msoa_codes_and_names():
    """A study area of two Rutland MSOAs (one by code, one by name) keeps just their counts."""
    whole = load_area(AreaConfig())
    part = load_area(AreaConfig(study_area=("E02002863", "rutland 005")))
    assert list(part.small_area_codes) == ["E02002863", "E02002867"]
    assert part.total.sum() == whole.total[[0, 4]].sum()
    assert part.name == "Rutland (study area)"


def test_study_area_unknown_msoa():
    """An MSOA code that is not the council's is an error naming it."""
    with pytest.raises(InputError, match="Not MSOAs of Rutland: E02002392"):
        load_area(AreaConfig(study_area=("E02002392",)))


def _squares() -> AreaPopulation:
    """Two unit squares side by side, 100 and 40 residents (20 and 8 aged 65+)."""
    return AreaPopulation(
        code="E00000000",
        name="Squares",
        small_area_codes=np.array(["A", "B"]),
        small_area_names=np.array(["Squares 001", "Squares 002"]),
        polygons=np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]),
        aged_65_plus=np.array([20, 8]),
        adults_under_65=np.array([60, 24]),
        total=np.array([100, 40]),
    )


def test_polygon_study_area_scales_the_census(tmp_path):
    """A polygon over the right half of square A and all of B: A's counts halve, B's stay."""
    shape = shapely.box(0.5, 0, 2, 1)
    path = tmp_path / "pilot.geojson"
    feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(shape)}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    cut = cut_to(_squares(), shape, str(path))
    assert list(cut.total) == [50, 40]
    assert list(cut.aged_65_plus) == [10, 8]
    assert shapely.area(cut.polygons[0]) == pytest.approx(0.5)
    with pytest.raises(InputError, match="overlaps none of Rutland's MSOAs"):
        load_area(AreaConfig(study_area=(str(path),)))


def test_bad_count_names_row_and_column(tmp_path):
    """A negative count is reported with its file, spreadsheet row and column."""
    source = AreaConfig().lsoa_ages
    with gzip.open(source, "rt") as handle:
        header, *rows = handle.read().splitlines()
    lines = [header, *(row for row in rows if ",Rutland " in row)]
    cells = lines[3].split(",")
    cells[7] = "-5"
    lines[3] = ",".join(cells)
    bad = tmp_path / "census.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        load_area(dataclasses.replace(AreaConfig(), lsoa_ages=str(bad)))
    assert (caught.value.row, caught.value.field) == (4, "age_65_plus")


def test_coverage_whole_partial_and_none():
    """Covering both squares passes; one and a half names the one; none says so."""
    area = _squares()
    check_coverage(area, shapely.box(-1, -1, 3, 2), studied=False)
    with pytest.raises(
        InputError, match="covers 1 of Squares' 2 MSOAs .and part of 1 more.; pass --study-area A"
    ):
        check_coverage(area, shapely.box(0, 0, 1.5, 1), studied=False)
    with pytest.raises(InputError, match="covers none of Squares' 2 MSOAs; is it the right"):
        check_coverage(area, shapely.box(5, 5, 6, 6), studied=False)
