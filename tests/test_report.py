"""Tests for roster.report: the comparison page, its content, and how it renders in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from roster.errors import InputError
from roster.report import report_html, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    # Lets the page's scripts and layout finish before the DOM dump or screenshot.
    "--virtual-time-budget=5000",
)


def _model(travel_h: float, contact_h: float, visits: int, pools: dict[str, Any]) -> dict:
    """Return a model summary with round figures: travel and contact in hours."""
    travel_s, contact_s = travel_h * 3600, contact_h * 3600
    return {
        "visits": visits,
        "visits_assigned": visits - 1,
        "visits_unassigned": 1,
        "unassigned_reasons": {"no carer free in the window": 1},
        "travel_time_s": travel_s,
        "contact_time_s": contact_s,
        "travel_share": travel_s / (travel_s + contact_s),
        "travel_per_visit_s": travel_s / (visits - 1),
        "distance_m": 40_000.0 * travel_h,
        "mileage_cost_gbp": 0.45 * 40_000.0 * travel_h / 1609.344,
        "co2_kg": 0.17 * 40.0 * travel_h,
        "carers_used": 3,
        "paid_hours": contact_h,
        "unpaid_travel_hours": travel_h,
        "continuity_mean_carers": 2.5,
        "pools": pools,
    }


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    """Two models over a week: framework 10 h travel and consortium 6 h, against 40 h contact.

    So the consortium saves 4 h (40%), and travel shares are 10/50 = 20.0% and 6/46 = 13.0%.
    """
    return {
        "area": "Oakham <test>",
        "seed": 1,
        "seeds": [1],
        "days": 7,
        "models": {
            "framework": _model(
                10, 40, 81, {"framework/P01": {"travel_share": 0.25, "visits": 40}}
            ),
            "consortium": _model(6, 40, 81, {"consortium/N1": {"travel_share": 0.1, "visits": 40}}),
        },
        "difference": {"travel_time_s": -4 * 3600, "travel_share": -0.07},
        "uncertainty": {},
        "assumptions": {
            "mileage_pence_per_mile": {"value": 45, "source": "HMRC approved mileage rate"},
            "urban_speed_factor": {"value": 0.61, "source": "DfT CGN0501, 2017"},
        },
    }


@pytest.fixture(scope="module")
def neighbourhoods() -> gpd.GeoDataFrame:
    """Two adjacent squares near Oakham, N1 west and N2 east, each about 1.4 km wide."""
    return gpd.GeoDataFrame(
        {
            "neighbourhood": ["N1", "N2"],
            "recipients": [3, 3],
            "weekly_hours": [12.0, 9.5],
            "area_km2": [2.5, 2.5],
            "mean_internal_drive_s": [240, 300],
            "p95_internal_drive_s": [480, 540],
        },
        geometry=[shapely.box(-0.74, 52.66, -0.72, 52.68), shapely.box(-0.72, 52.66, -0.70, 52.68)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def recipients() -> gpd.GeoDataFrame:
    """Six recipients, three per square; three framework providers, two of them in both."""
    return gpd.GeoDataFrame(
        {
            "recipient_id": [f"R{i}" for i in range(1, 7)],
            "provider_id": ["P01", "P02", "P03", "P01", "P02", "P02"],
            "neighbourhood": ["N1", "N1", "N1", "N2", "N2", "N2"],
            "weekly_hours": [7.0, 3.5, 1.5, 5.0, 3.0, 1.5],
        },
        geometry=gpd.points_from_xy(
            [-0.735, -0.730, -0.725, -0.715, -0.710, -0.705],
            [52.665, 52.670, 52.675, 52.665, 52.670, 52.675],
        ),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def rounds() -> gpd.GeoDataFrame:
    """One framework round criss-crossing both squares and one consortium round inside N1."""
    return gpd.GeoDataFrame(
        {
            "model": ["framework", "consortium"],
            "pool": ["framework/P01", "consortium/N1"],
            "carer_id": ["C1", "C2"],
            "day": ["monday", "monday"],
            "period": ["morning", "morning"],
            "visits": [2, 3],
            "travel_time_s": [1500, 600],
            "length_m": [4200.0, 1800.0],
        },
        geometry=[
            shapely.LineString([(-0.735, 52.665), (-0.715, 52.665), (-0.73, 52.67)]),
            shapely.LineString([(-0.735, 52.665), (-0.73, 52.67), (-0.725, 52.675)]),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def travel() -> dict[str, np.ndarray]:
    """Travel before each visit: framework 5-20 minutes, consortium 2-8 minutes."""
    return {
        "framework": np.array([300, 600, 900, 1200, 600, 450]),
        "consortium": np.array([120, 240, 360, 480, 240, 180]),
    }


@pytest.fixture(scope="module")
def page(summary, recipients, neighbourhoods, rounds, travel) -> str:
    """Return the report for the hand-made inputs."""
    return report_html(summary, recipients, neighbourhoods, rounds, travel)


@pytest.fixture(scope="module")
def written(tmp_path_factory, summary, recipients, neighbourhoods, rounds, travel) -> Path:
    """Write the report to a temporary directory and return its path."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    return write_report(path, summary, recipients, neighbourhoods, rounds, travel)


def _text(page: str) -> str:
    """Return the page's visible text with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_headline_states_the_saving_absolute_and_relative(page: str) -> None:
    """10 h of framework travel against 6 h is a saving of 4.0 hours a week, 40%."""
    assert "saves 4.0 hours of care workers' travel a week (40% of framework travel)" in _text(page)
    assert "20.0% → 13.0%" in page


def test_headline_gives_the_interval_over_seeds(
    summary, recipients, neighbourhoods, rounds, travel
):
    """With several seeds the headline uses the mean difference and its 95% interval, as savings."""
    several = dict(
        summary,
        seeds=[1, 2, 3],
        uncertainty={
            "travel_time_s": {
                "framework_mean": 36000.0,
                "consortium_mean": 21600.0,
                "difference_mean": -14400.0,
                "difference_ci95": [-18000.0, -10800.0],
            }
        },
    )
    text = _text(report_html(several, recipients, neighbourhoods, rounds, travel))
    assert "saves 4.0 hours" in text
    assert "mean of 3 seeds, 95% interval 3.0 to 5.0 hours" in text
    assert "95% interval of the difference" in text
    assert "−5.0 to −3.0" in text


def test_metrics_table_shows_models_and_differences(page: str) -> None:
    """Travel time row: 10.0 and 6.0 hours, −4.0 hours, −40.0%; the share differs in points."""
    text = _text(page)
    assert "Travel time (hours) 10.0 6.0 −4.0 −40.0%" in text
    assert "Travel share of working time (%) 20.0 13.0 −7.0 points" in text
    assert "no carer free in the window 1" in text


def test_pools_assumptions_and_neighbourhoods_are_listed(page: str) -> None:
    """Pools sit in collapsible sections; assumptions carry sources; N1 has three providers."""
    text = _text(page)
    assert "<details><summary>Framework: 1 pools</summary>" in page
    assert "mileage_pence_per_mile 45 HMRC approved mileage rate" in text
    assert "N1 3 12.0 2.5 4.0 8.0 3" in text
    assert "3 providers serve 6 recipients" in text


def test_page_is_self_contained(page: str) -> None:
    """Nothing is loaded from elsewhere: no external scripts, stylesheets or images."""
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page)
    assert "<link" not in page
    assert "url(images/" not in page
    assert "sourceMappingURL" not in page
    assert "L.map(" in page and "<svg" in page


def test_input_text_is_escaped(page: str) -> None:
    """The area name goes into the page as text, not markup."""
    assert "Oakham &lt;test&gt;" in page
    assert "Oakham <test>" not in page


def test_same_input_gives_the_same_page(page, summary, recipients, neighbourhoods, rounds, travel):
    """Element ids and chart ids do not change from run to run."""
    assert report_html(summary, recipients, neighbourhoods, rounds, travel) == page


def test_write_report_writes_the_page(written: Path, page: str) -> None:
    """write_report returns the path it wrote, holding the same page, with no temporary left."""
    assert written.read_text(encoding="utf-8") == page
    assert [p.name for p in written.parent.iterdir()] == ["report.html"]


def test_missing_column_is_named(summary, recipients, neighbourhoods, rounds, travel) -> None:
    """A recipients table without provider_id is refused with the column named."""
    with pytest.raises(InputError, match="provider_id"):
        report_html(summary, recipients.drop(columns="provider_id"), neighbourhoods, rounds, travel)


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on `page` with a fresh profile."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); cannot check the page.")
    return subprocess.run(
        [
            CHROMIUM,
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=True,
    )


def test_chromium_draws_maps_and_charts_without_console_errors(
    written: Path, tmp_path: Path
) -> None:
    """Leaflet ran in all three maps (panes, SVG layers, labels, layer control) with no errors."""
    run = _chromium(written, tmp_path, "--dump-dom")
    dom = run.stdout
    maps = re.findall(r'<div class="folium-map leaflet-container[^"]*"', dom)
    assert len(maps) == 3
    assert dom.count('class="leaflet-pane leaflet-map-pane"') == 3
    # 2 squares in each map, 6 recipients in two maps, 2 rounds.
    assert dom.count('class="leaflet-interactive"') == 3 * 2 + 2 * 6 + 2
    assert "Framework rounds" in dom and "Consortium rounds" in dom
    assert dom.count('class="map-label"') == 3 * 2
    assert dom.count("<svg") >= 2 + 3
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    assert console == []


def test_chromium_screenshot(written: Path, tmp_path: Path) -> None:
    """A full-page screenshot is written and is not blank."""
    shot = tmp_path / "report.png"
    _chromium(written, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    assert shot.stat().st_size > 50_000
