"""Tests for report.html: the comparison page, its content, and how it renders in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import report_inputs as inputs
from matplotlib import image
from matplotlib.colors import to_rgb

from roster.comparison.capacity import BandCapacity, Capacity, PoolSpare, parse_bands
from roster.comparison.flexibility import FlexibilityLevel
from roster.comparison.metrics import MetricUncertainty, difference
from roster.comparison.stability import budget_check
from roster.comparison.summary import Summary
from roster.comparison.tradeoff import tradeoff
from roster.errors import InputError
from roster.report.charts import model_colour
from roster.report.html import report_html, write_report
from roster.scenario import ComparisonConfig

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


@pytest.fixture(scope="module")
def summary() -> Summary:
    """Return :func:`report_inputs.summary`: framework 10 h travel, consortium 6 h."""
    return inputs.summary()


@pytest.fixture(scope="module")
def neighbourhoods() -> gpd.GeoDataFrame:
    """Return :func:`report_inputs.neighbourhoods`: squares N1 and N2."""
    return inputs.neighbourhoods()


@pytest.fixture(scope="module")
def recipients() -> gpd.GeoDataFrame:
    """Return :func:`report_inputs.recipients`: six recipients, three providers."""
    return inputs.recipients()


@pytest.fixture(scope="module")
def rounds() -> gpd.GeoDataFrame:
    """Return :func:`report_inputs.rounds`: one framework and one consortium round."""
    return inputs.rounds()


@pytest.fixture(scope="module")
def travel() -> dict[str, np.ndarray]:
    """Return :func:`report_inputs.travel`: travel before each visit per model."""
    return inputs.travel()


@pytest.fixture(scope="module")
def page(summary, recipients, neighbourhoods, rounds, travel) -> str:
    """Return the report for the hand-made inputs."""
    return report_html(summary, recipients, neighbourhoods, rounds, travel)


@pytest.fixture(scope="module")
def written(tmp_path_factory, summary, recipients, neighbourhoods, rounds, travel) -> Path:
    """Write the report to a temporary directory and return its path."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    return write_report(path, summary, recipients, neighbourhoods, rounds, travel)


#: Two roads across the hand-made squares, [lat, lon] as road_lines gives them.
ROADS = [[[52.66, -0.74], [52.67, -0.72]], [[52.665, -0.75], [52.665, -0.71]]]


@pytest.fixture(scope="module")
def with_roads(tmp_path_factory, summary, recipients, neighbourhoods, rounds, travel) -> Path:
    """Write the report with two roads under its maps and return its path."""
    path = tmp_path_factory.mktemp("roads") / "report.html"
    return write_report(path, summary, recipients, neighbourhoods, rounds, travel, roads=ROADS)


def test_roads_are_in_the_page_once_and_drawn_in_every_map(with_roads: Path) -> None:
    """The road lines are written once; each of the three maps draws them."""
    page = with_roads.read_text(encoding="utf-8")
    assert page.count("[[52.66,-0.74],[52.67,-0.72]]") == 1
    assert page.count("L.polyline(roster_roads,") == 3


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
    several = replace(
        summary,
        seeds=(1, 2, 3),
        per_seed=tuple(inputs.seed_figures(seed, summary.models) for seed in (1, 2, 3)),
        uncertainty={
            "travel_time_s": MetricUncertainty(
                framework_mean=36000.0,
                consortium_mean=21600.0,
                difference_mean=-14400.0,
                difference_ci=(-18000.0, -10800.0),
                level=0.95,
            )
        },
    )
    text = _text(report_html(several, recipients, neighbourhoods, rounds, travel))
    assert "saves 4.0 hours" in text
    assert "mean of 3 seeds, 95% interval 3.0 to 5.0 hours" in text
    assert "95% interval of the difference" in text
    assert "−5.0 to −3.0" in text


def test_headline_says_when_travel_grows(summary, recipients, neighbourhoods, rounds, travel):
    """Swapping the models makes the consortium travel 4 h more, 67% of the framework's 6 h."""
    models = {"framework": summary.models["consortium"], "consortium": summary.models["framework"]}
    swapped = replace(
        summary,
        days=5,
        models=models,
        difference=difference(models["framework"], models["consortium"]),
        per_seed=(inputs.seed_figures(1, models),),
    )
    text = _text(report_html(swapped, recipients, neighbourhoods, rounds, travel))
    assert (
        "adds 4.0 hours of care workers' travel over the 5 days modelled (67% of framework travel)"
        in text
    )


def test_a_qualified_headline_says_so_in_the_same_sentence(
    summary, recipients, neighbourhoods, rounds, travel
):
    """With a caveat the headline names the visits unserved and the like-for-like figures.

    The report opens with the caveat, cause and place named, before the headline.
    """
    text = _text(report_html(inputs.qualified(summary), recipients, neighbourhoods, rounds, travel))
    sentence = next(s for s in text.split(". ") if "saves 4.0 hours" in s)
    assert "but the rounds leave 1.2% of framework visits and 1.2% of consortium visits" in sentence
    assert "not like for like" in sentence
    assert "7.5 min (framework) against 4.5 min (consortium)" in sentence
    assert "priced at its mean travel per visit it saves 4.2 hours a week (40%)" in sentence
    warning = text.index("Read the figures with care")
    assert warning < text.index("saves 4.0 hours")
    assert "Mon early morning in framework/P01 (20 visits)" in text[warning:]
    assert "Travel with unserved carer visits priced" in text


def test_an_unqualified_headline_has_no_warning(page: str) -> None:
    """Without caveats (a summary from before them) the page reads as it did."""
    assert "Read the figures with care" not in page and "not like for like" not in page


def test_capacity_section_shows_bands_pools_and_people(
    summary, recipients, neighbourhoods, rounds, travel
):
    """One pool short of two carers on Monday morning, with room for three more people."""
    bands = parse_bands(ComparisonConfig().bands)
    row = BandCapacity(
        "framework", "framework/P01", 0, "early morning", 30, 5, 4, 36_000, 28_800, 21_600, -2, 0
    )
    spare = PoolSpare(
        "framework", "framework/P01", "P01", "", {b.name: 3 for b in bands}, packages=3
    )
    room = Capacity(
        bands, 0.75, {b.name: 1800 for b in bands}, ("early morning",), (row,), (spare,)
    )
    page = report_html(summary, recipients, neighbourhoods, rounds, travel, room)
    text = _text(page)
    assert "Capacity by time band" in text
    assert "−2 carers, 3 calls" in text and 'class="short"' in page
    assert "Demanded (narrow bars) against what carers on shift can give" in page


def test_metrics_table_shows_models_and_differences(page: str) -> None:
    """Travel time row: 10.0 and 6.0 hours, −4.0 hours, −40.0%; the share differs in points.

    Contact time is equal in both, and its difference is shown unsigned.
    """
    text = _text(page)
    assert "Travel time (hours) 10.0 6.0 −4.0 −40.0%" in text
    assert "Contact time (hours) 40.0 40.0 0.0 0.0%" in text
    assert "Travel share of working time (%) 20.0 13.0 −7.0 points" in text
    assert "no capacity: 1" in text


def test_pools_assumptions_and_neighbourhoods_are_listed(page: str) -> None:
    """Pools sit in collapsible sections; assumptions carry sources; N1 has three providers."""
    text = _text(page)
    assert "<details><summary>Framework: 1 pool</summary>" in page
    assert "mileage_pence_per_mile 45.0 HMRC approved rate" in text
    assert "visit_length_shares [0.02, 0.72, 0.18, 0.08]" in text
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


def test_chromium_screenshot_shows_maps_and_charts(written: Path, tmp_path: Path) -> None:
    """The screenshot shows the maps, neighbourhoods Leaflet filled, and both models' bars.

    Leaflet fills each neighbourhood with a 4% grey wash over the maps' canvas colour.
    """
    shot = tmp_path / "report.png"
    _chromium(written, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    pixels = np.round(image.imread(shot)[..., :3] * 255)

    def count(rgb: np.ndarray) -> int:
        return int((np.abs(pixels - rgb).max(axis=-1) <= 2).sum())

    canvas, wash = np.array(to_rgb("#f2f0eb")) * 255, np.array(to_rgb("#999999")) * 255
    assert count(canvas) > 100_000
    assert count(0.96 * canvas + 0.04 * wash) > 100_000
    for model in ("framework", "consortium"):
        assert count(np.array(to_rgb(model_colour(model))) * 255) > 2_000


def test_chromium_draws_the_roads_on_a_canvas_under_each_map(with_roads: Path, tmp_path) -> None:
    """Each map has its roads pane holding one canvas, and the page logs no errors."""
    run = _chromium(with_roads, tmp_path, "--dump-dom")
    assert run.stdout.count("leaflet-pane leaflet-roads-pane") == 3
    assert len(re.findall(r'leaflet-roads-pane"[^>]*><canvas', run.stdout)) == 3
    assert [line for line in run.stderr.splitlines() if "CONSOLE" in line] == []


def test_solver_section_states_the_search_and_the_budget_check(
    page: str, summary, recipients, neighbourhoods, rounds, travel
) -> None:
    """Without a check the page says how to run one; with one it gives its sentence."""
    text = _text(page)
    assert "Solver settings and stability" in text
    assert "was not checked in this run" in text and "--budget-check 4" in text
    check = budget_check(
        4,
        150,
        {"framework": summary.models["framework"], "consortium": summary.models["consortium"]},
        {"framework": summary.models["framework"], "consortium": summary.models["consortium"]},
    )
    checked = _text(
        report_html(
            replace(summary, budget_check=check), recipients, neighbourhoods, rounds, travel
        )
    )
    assert "At 4x the time budget (600 s) the saving is 40.0% against 40.0%" in checked
    assert "(+0.0 points: stable)" in checked


def test_flexibility_section_says_how_to_run_it_or_shows_the_levels(
    page: str, summary, recipients, neighbourhoods, rounds, travel
) -> None:
    """Without a sweep the section says how to run one; with one it tabulates each level."""
    text = _text(page)
    assert "What flexibility over visit times is worth" in text
    assert "--flexibility-sweep" in text and "benchmarks/flexibility.py" in text
    both = ("framework", "consortium")
    levels = tuple(
        FlexibilityLevel(
            name,
            {"time_critical": critical, "routine": routine},
            {"framework": travel_s, "consortium": travel_s // 2},
            {"framework": 0.2, "consortium": 0.1},
            {m: 1000 for m in both},
            {"framework": unassigned, "consortium": 0},
            {"framework": {"lunch": unassigned} if unassigned else {}, "consortium": {}},
            {m: 3.5 for m in both},
            {m: 0 for m in both},
        )
        for name, critical, routine, travel_s, unassigned in (
            ("strict", 15, 30, 36_000, 12),
            ("flexible", 60, 180, 18_000, 0),
        )
    )
    shown = _text(
        report_html(
            replace(summary, flexibility=levels), recipients, neighbourhoods, rounds, travel
        )
    )
    assert (
        "strict (\u00b115 / \u00b130 min) 10.0 20.0% 12 (lunch 12) 3.50 5.0 10.0% 0 (none)" in shown
    )
    assert "flexible (\u00b160 / \u00b1180 min) 5.0 20.0% 0 (none)" in shown
    assert "--flexibility-sweep" not in shown


def test_continuity_section_names_the_weight_and_charts_the_tradeoff(
    page: str, summary, recipients, neighbourhoods, rounds, travel
) -> None:
    """Without a trade-off the page says how to run one; with one it draws and tabulates it."""
    text = _text(page)
    assert "Continuity of care and travel" in text
    assert "was not measured in this run" in text and "--continuity-weights" in text
    assert "Both models were rostered with this same rule (held equal)" in text
    models = {"framework": summary.models["framework"], "consortium": summary.models["consortium"]}
    curve = tradeoff(0, {0: models, 2400: models})
    drawn = report_html(
        replace(summary, continuity_tradeoff=curve), recipients, neighbourhoods, rounds, travel
    )
    assert "the comparison used 0 s for both models" in _text(drawn)
    section = drawn[drawn.index("Continuity of care and travel") :]
    assert "<svg" in section[: section.index("</table>")]
    assert "<td>2,400</td><td>consortium</td>" in section
