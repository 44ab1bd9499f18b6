"""The studio's page in a real browser: headless Chromium driven through WebDriver."""

from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pytest
import shapely
from studio_helpers import TOKEN, serve

from roster.studio.workspace import plan_polygons

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMEDRIVER = shutil.which("chromedriver")
#: Seconds the tiny comparison may take from the button to its report (it takes about 40).
RUN_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def browser():
    """Return headless Chromium under chromedriver (skipped without Debian's chromium-driver)."""
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed (apt-get install chromium-driver).")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(browser, workspace, tmp_path_factory, network_cache):
    """Open the studio's page on a fresh output folder; wait until it has drawn the plan."""
    for served in serve(workspace, tmp_path_factory.mktemp("studio-page"), network_cache):
        browser.get(f"{served.base}/?token={TOKEN}")
        WebDriverWait(browser, 30).until(
            lambda d: d.execute_script("return document.body.dataset.ready")
        )
        yield browser, served


def _script_errors(driver) -> list[dict]:
    """Errors the page's scripts logged (refused requests, such as a bad upload's, aside)."""
    logs = driver.get_log("browser")
    return [e for e in logs if e["level"] == "SEVERE" and e["source"] != "network"]


def _sizes(driver) -> dict[str, int]:
    """Recipients per neighbourhood, as the figures table shows them (read in one go)."""
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#figures tr[data-name]')]"
        ".map((row) => [row.dataset.name, Number(row.cells[1].textContent)]));"
    )


def test_page_draws_the_map_and_the_figures(page, workspace) -> None:
    """The map has its roads canvas and a shape per home; the checks all pass; no errors."""
    driver, _ = page
    assert driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-roads-pane canvas")
    assert (
        len(driver.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive"))
        == 2 * workspace.arrays.n
    )
    assert _sizes(driver) == {
        name: int((workspace.generated.labels == k).sum())
        for k, name in enumerate(workspace.generated.names)
    }
    checks = driver.find_elements(By.CSS_SELECTOR, "#checks li")
    assert [c.get_attribute("data-passed") for c in checks] == ["true"] * 3
    assert _script_errors(driver) == []


def test_clicking_a_home_moves_it_and_the_figures_follow(page, workspace) -> None:
    """With N2 chosen, a click on an N1 home moves it: N1 loses one, N2 gains one; undo."""
    driver, _ = page
    before = _sizes(driver)
    xy = workspace.recipient_xy
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 1e9
    members = np.flatnonzero(workspace.generated.labels == 0)
    home = int(members[np.argmax(gaps[members].min(axis=1))])  # the N1 home farthest from others
    driver.find_element(By.CSS_SELECTOR, '#palette button[data-k="1"]').click()
    marker = driver.execute_script("return homeLayers[arguments[0]]._path", home)
    ActionChains(driver).move_to_element(marker).click().perform()
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) != before)
    assert _sizes(driver) == {"N1": before["N1"] - 1, "N2": before["N2"] + 1}
    driver.find_element(By.ID, "undo").click()
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) == before)


def _box_on_screen(driver, x: tuple[float, float], y: tuple[float, float]) -> tuple:
    """Return a rectangle on the map whose edges pass no home, and the homes inside it.

    ``x`` and ``y`` are the edges wanted as fractions of the map's width and height; each is
    moved to the nearest whole pixel 4 px or more from every home. Returns the edges (left,
    right, top, bottom, in pixels from the map's top left) and a mask of the homes inside.
    """
    points, size = driver.execute_script(
        "const p = homeLayers.map((m) => MAP.latLngToContainerPoint(m.getLatLng()));"
        "const s = MAP.getSize(); return [p.map((q) => [q.x, q.y]), [s.x, s.y]];"
    )
    points = np.array(points)
    edges = [
        next(
            t
            for t in sorted(range(int(near) - 60, int(near) + 61), key=lambda t: abs(t - near))
            if np.abs(points[:, axis] - t).min() >= 4
        )
        for axis, fractions in enumerate((x, y))
        for near in (fractions[0] * size[axis], fractions[1] * size[axis])
    ]
    left, right, top, bottom = edges
    inside = (points[:, 0] > left) & (points[:, 0] < right)
    inside &= (points[:, 1] > top) & (points[:, 1] < bottom)
    return (left, right, top, bottom), inside


def _expected_sizes(workspace, labels: np.ndarray) -> dict[str, int]:
    """Recipients per neighbourhood after moving homes: new labels of the generated plan."""
    names = [*workspace.generated.names, "N3"]
    return {names[k]: int((labels == k).sum()) for k in range(len(names)) if (labels == k).any()}


def _at(driver, x: int, y: int) -> ActionChains:
    """ActionChains with the pointer at pixel (x, y) of the map (offsets are from its centre)."""
    width, height = driver.execute_script("const s = MAP.getSize(); return [s.x, s.y];")
    element = driver.find_element(By.ID, "map")
    return ActionChains(driver).move_to_element_with_offset(
        element, x - int(width) // 2, y - int(height) // 2
    )


def test_draw_a_polygon_and_its_homes_move_into_a_new_neighbourhood(page, workspace) -> None:
    """Four corners clicked, a double-click on the last: the homes inside form N3; undo.

    The polygon is a rectangle in the middle of the map whose edges pass no home, so which
    homes it holds is known from their positions on the screen.
    """
    driver, served = page
    before = _sizes(driver)
    (left, right, top, bottom), inside = _box_on_screen(driver, (0.25, 0.55), (0.2, 0.8))
    assert 0 < inside.sum() < inside.size
    driver.find_element(By.CSS_SELECTOR, '#palette button[data-k="2"]').click()
    driver.find_element(By.ID, "draw-start").click()
    for x, y in [(left, top), (right, top), (right, bottom)]:
        _at(driver, x, y).click().perform()
    assert driver.find_element(By.ID, "draw-hint").text == "3 corners"
    _at(driver, left, bottom).double_click().perform()
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) != before)
    labels = np.where(inside, 2, workspace.generated.labels)
    assert _sizes(driver) == _expected_sizes(workspace, labels)
    assert served.studio.state()["plan"]["labels"] == labels.tolist()
    assert driver.execute_script("return DRAW") is None
    driver.find_element(By.ID, "undo").click()
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) == before)


def test_escape_cancels_a_polygon_being_drawn(page) -> None:
    """Two corners, then Escape: no polygon, nothing moved, the draw button ready again."""
    driver, _ = page
    before = _sizes(driver)
    driver.find_element(By.ID, "draw-start").click()
    _at(driver, 300, 300).click().perform()
    _at(driver, 400, 300).click().perform()
    assert driver.find_element(By.ID, "draw-finish").get_attribute("disabled")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert driver.execute_script("return DRAW") is None
    assert driver.find_element(By.ID, "draw-start").is_enabled()
    assert _sizes(driver) == before


def test_brush_a_rectangle_with_shift_drag(page, workspace) -> None:
    """Shift-drag over the east of the map moves every home in the rectangle to one; undo.

    The neighbourhood chosen is the one fewer of those homes are in, so some move.
    """
    driver, served = page
    before = _sizes(driver)
    (left, right, top, bottom), inside = _box_on_screen(driver, (0.5, 0.85), (0.15, 0.85))
    target = int(np.argmin(np.bincount(workspace.generated.labels[inside], minlength=2)))
    labels = np.where(inside, target, workspace.generated.labels)
    assert (labels != workspace.generated.labels).any()
    driver.find_element(By.CSS_SELECTOR, f'#palette button[data-k="{target}"]').click()
    (
        _at(driver, left, top)
        .key_down(Keys.SHIFT)
        .click_and_hold()
        .move_by_offset((right - left) // 2, (bottom - top) // 2)
        .move_by_offset(right - left - (right - left) // 2, bottom - top - (bottom - top) // 2)
        .release()
        .key_up(Keys.SHIFT)
        .perform()
    )
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) != before)
    assert served.studio.state()["plan"]["labels"] == labels.tolist()
    assert _sizes(driver) == _expected_sizes(workspace, labels)
    driver.find_element(By.ID, "undo").click()
    WebDriverWait(driver, 10).until(lambda d: _sizes(d) == before)
    assert _script_errors(driver) == []


def test_upload_a_boundaries_file(page, workspace, tmp_path) -> None:
    """A GeoJSON chosen in the file input becomes the plan; a bad one shows the CLI's error."""
    driver, _ = page
    polygons = plan_polygons(workspace, workspace.generated)
    path = tmp_path / "pilot.geojson"
    polygons.assign(name=polygons["neighbourhood"].map({"N1": "West", "N2": "East"})).to_file(path)
    driver.find_element(By.ID, "upload").send_keys(str(path))
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "plan-name").text == "pilot")
    assert set(_sizes(driver)) == {"East", "West"}
    bad = tmp_path / "half.geojson"
    west = shapely.box(-0.9, 52.5, -0.65, 52.8)
    gpd.GeoDataFrame({"name": ["West"]}, geometry=[west], crs="EPSG:4326").to_file(bad)
    driver.find_element(By.ID, "upload").send_keys(str(bad))
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "error").text)
    assert driver.find_element(By.ID, "error").text.startswith(
        "half.geojson: recipients outside every polygon"
    )
    assert driver.find_element(By.ID, "plan-name").text == "pilot"


def test_save_compare_and_run_a_comparison_to_its_report(page) -> None:
    """Save the plan, compare it with the generated one, run the comparison, open its report."""
    driver, served = page
    driver.find_element(By.ID, "save-name").send_keys("Studio test")
    driver.find_element(By.ID, "save").click()
    WebDriverWait(driver, 20).until(
        lambda d: "Studio test" in d.find_element(By.ID, "saved-list").text
    )
    assert (served.studio.out / "plans" / "studio-test" / "neighbourhoods.gpkg").is_file()
    driver.find_element(By.ID, "load-generated").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "plan-name").text == "generated"
    )

    driver.find_element(By.ID, "tab-compare").click()
    for box in driver.find_elements(By.CSS_SELECTOR, "#compare-choices input"):
        box.click()
    driver.find_element(By.ID, "compare").click()
    WebDriverWait(driver, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".mini canvas")) == 2
    )
    headings = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#compare-table th")]
    assert headings == ["", "generated", "Studio test"]

    driver.find_element(By.ID, "tab-runs").click()
    Select(driver.find_element(By.ID, "run-plan")).select_by_value("studio-test")
    driver.find_element(By.ID, "run").click()
    WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-state="running"] progress')
    )
    WebDriverWait(driver, RUN_TIMEOUT_S, poll_frequency=1).until(
        lambda d: d.find_elements(
            By.CSS_SELECTOR, "#runs tr[data-state=finished] button[data-open]"
        )
    )
    driver.find_element(By.CSS_SELECTOR, "#runs button[data-open]").click()
    frame = driver.find_element(By.ID, "report-frame")
    driver.switch_to.frame(frame)
    try:
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith(
            "Framework or neighbourhood commissioning"
        )
        assert len(driver.find_elements(By.CSS_SELECTOR, ".leaflet-roads-pane canvas")) == 3
    finally:
        driver.switch_to.default_content()
    assert _script_errors(driver) == []
