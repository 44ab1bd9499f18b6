"""Tests for demand.census: the shipped Rutland counts and errors for unknown or missing areas."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from roster.demand.census import area_name, load_area
from roster.errors import InputError
from roster.scenario import AreaConfig


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


def test_area_without_census_rows():
    """Leeds is a known area, but the shipped census file only has Rutland's rows."""
    config = AreaConfig(code="E08000035")
    assert area_name(config) == "Leeds"
    with pytest.raises(InputError, match="No census rows for Leeds"):
        load_area(config)


def test_bad_count_names_row_and_column(tmp_path):
    """A negative count is reported with its file, spreadsheet row and column."""
    source = AreaConfig().lsoa_ages
    lines = Path(source).read_text().splitlines()
    cells = lines[3].split(",")
    cells[7] = "-5"
    lines[3] = ",".join(cells)
    bad = tmp_path / "census.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        load_area(dataclasses.replace(AreaConfig(), lsoa_ages=str(bad)))
    assert (caught.value.row, caught.value.field) == (4, "age_65_plus")
