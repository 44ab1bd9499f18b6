"""Tests for roster.studio.server: every endpoint, the token, uploads, saving and runs."""

from __future__ import annotations

import http.client
import json
import re
import time

import geopandas as gpd
import numpy as np
import pytest
import shapely
from studio_helpers import serve

from neighbourhoods import BoundaryError, assign_recipients, read_boundaries
from roster.studio.server import MAX_UPLOAD_BYTES, Studio, slug
from roster.studio.workspace import plan_polygons

#: Every route, with a request body that would be accepted.
ROUTES = [
    ("GET", "/", None),
    ("GET", "/api/map", None),
    ("GET", "/api/state", None),
    ("POST", "/api/load", b'{"source": "generated"}'),
    ("POST", "/api/upload", b"{}"),
    ("POST", "/api/move", b'{"recipient": 0, "to": 0}'),
    ("POST", "/api/draw", b'{"polygon": [[52.5, -0.9], [52.8, -0.9], [52.8, -0.5]], "to": 0}'),
    ("POST", "/api/merge", b'{"keep": 0, "absorb": 1}'),
    ("POST", "/api/split", b'{"neighbourhood": 0}'),
    ("POST", "/api/undo", b""),
    ("POST", "/api/redo", b""),
    ("POST", "/api/save", b'{"name": "x"}'),
    ("GET", "/api/compare?plans=current,x", None),
    ("GET", "/api/runs", None),
    ("POST", "/api/runs", b'{"plan": "x"}'),
    ("POST", "/api/runs/x/stop", b""),
    ("GET", "/api/plans/x/neighbourhoods.geojson", None),
    ("GET", "/runs/x/report.html", None),
]


@pytest.fixture(scope="module")
def served(workspace, tmp_path_factory, network_cache):
    """Serve the tiny workspace with its own output folder for this module."""
    yield from serve(workspace, tmp_path_factory.mktemp("studio"), network_cache)


def _json(served, method, path, payload=None, **options):
    """Call with a JSON body (a dict) and return the status and the decoded answer."""
    body = None if payload is None else json.dumps(payload).encode()
    status, data, _ = served.call(method, path, body, **options)
    return status, json.loads(data)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_the_token(served, method, path, body) -> None:
    """Without the token a request is refused with 401, with another token with 403."""
    assert served.call(method, path, body, token=None)[0] == 401
    assert served.call(method, path, body, token="wrong")[0] == 403
    assert served.call(method, path.split("?")[0] + "?token=wrong", body, token=None)[0] == 403


def test_the_token_may_come_in_the_address(served) -> None:
    """A link carries the token as ?token= (the report and the downloads use it)."""
    status, _, _ = served.call("GET", "/api/state?token=test-token-0123456789", token=None)
    assert status == 200


def test_another_host_name_is_refused(served) -> None:
    """A request naming another host (a rebinding attack's) is refused even with the token."""
    status, data, _ = served.call("GET", "/api/state", headers={"Host": "evil.example:80"})
    assert status == 403 and b"127.0.0.1" in data


def test_the_page_is_self_contained(served) -> None:
    """The page inlines Leaflet and its script and loads nothing from elsewhere."""
    status, page, headers = served.call("GET", "/")
    text = page.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'version="1.9.3"' in text and "async function api(" in text
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(?!data:)', text)
    assert "connect-src 'self'" in headers["Content-Security-Policy"]


def test_map_data_has_a_cell_per_home_roads_and_small_areas(served, workspace) -> None:
    """One cell per recipient, every recipient's home, the carers, the MSOAs and the roads."""
    status, data = _json(served, "GET", "/api/map")
    assert status == 200
    assert len(data["cells"]["features"]) == len(data["recipients"]) == workspace.arrays.n
    assert len(data["carers"]) == len(workspace.instance.carers)
    assert len(data["small_areas"]["features"]) == 5  # Rutland's MSOAs
    assert len(data["roads"]) == len(workspace.roads) > 1000


def test_move_changes_the_figures_and_undo_redo_walk_back(served, workspace) -> None:
    """Moving one home into the other neighbourhood changes both sizes; undo and redo."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    status, before = _json(served, "GET", "/api/state")
    assert status == 200 and before["plan"]["names"] == ["N1", "N2"]
    home = before["plan"]["labels"].index(0)
    status, after = _json(served, "POST", "/api/move", {"recipient": home, "to": 1})
    sizes = [
        [n["recipients"] for n in s["plan"]["figures"]["neighbourhoods"]] for s in (before, after)
    ]
    assert status == 200 and sizes[1] == [sizes[0][0] - 1, sizes[0][1] + 1]
    assert after["can_undo"] and not after["can_redo"]
    status, back = _json(served, "POST", "/api/undo")
    assert back["plan"]["labels"] == before["plan"]["labels"] and back["can_redo"]
    status, again = _json(served, "POST", "/api/redo")
    assert again["plan"]["labels"] == after["plan"]["labels"]


def test_move_a_small_area_moves_every_home_in_it(served, workspace) -> None:
    """Moving with scope small_area puts all of the home's MSOA into the new neighbourhood."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    area = workspace.small_area[0]
    status, state = _json(
        served, "POST", "/api/move", {"recipient": 0, "to": 2, "scope": "small_area"}
    )
    labels = np.array(state["plan"]["labels"])
    assert status == 200 and state["plan"]["names"][-1] == "N3"
    assert (labels[workspace.small_area == area] == 2).all()
    assert (labels[workspace.small_area != area] != 2).all()


def test_draw_a_polygon_moves_every_home_inside_and_undo_restores(served, workspace) -> None:
    """A box over the west of the area moves the homes in it (and no other) into a new one."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    _, before = _json(served, "GET", "/api/state")
    xy = workspace.recipient_xy
    west = np.median(xy[:, 0])
    south, north = xy[:, 1].min() - 0.01, xy[:, 1].max() + 0.01
    corners = [[south, west - 1], [north, west - 1], [north, west], [south, west]]
    status, state = _json(served, "POST", "/api/draw", {"polygon": corners, "to": 2})
    labels = np.array(state["plan"]["labels"])
    assert status == 200 and state["plan"]["names"] == ["N1", "N2", "N3"]
    assert ((labels == 2) == (xy[:, 0] <= west)).all()
    assert state["can_undo"]
    _, back = _json(served, "POST", "/api/undo")
    assert back["plan"]["labels"] == before["plan"]["labels"]


def test_drawing_over_homes_already_there_records_no_step(served, workspace) -> None:
    """A polygon round an N1 home, drawn with N1 chosen, changes nothing and adds no step.

    So undo after it undoes the edit before it (a move of an N2 home), not the drawing.
    """
    generated = workspace.generated.labels.tolist()
    _json(served, "POST", "/api/load", {"source": "generated"})
    _, moved = _json(served, "POST", "/api/move", {"recipient": generated.index(1), "to": 0})
    lon, lat = workspace.recipient_xy[generated.index(0)]
    corners = [[lat - 1e-4, lon - 1e-4], [lat + 1e-4, lon - 1e-4], [lat, lon + 1e-4]]
    status, state = _json(served, "POST", "/api/draw", {"polygon": corners, "to": 0})
    assert status == 200 and state["plan"]["labels"] == moved["plan"]["labels"] != generated
    _, undone = _json(served, "POST", "/api/undo")
    assert undone["plan"]["labels"] == generated


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ([[52.6, -0.7], [52.7, -0.6]], "A polygon needs at least 3 corners."),
        ([[52.6, -0.7], [52.65, -0.65], [52.7, -0.6]], "The polygon encloses no area"),
        ({"lat": 52.6}, "A polygon is a list of [latitude, longitude] corners."),
        ([[52.6, -0.7], [52.7, None], [52.7, -0.6]], "A polygon's corners must be latitudes"),
        ([[10.0, 10.0], [10.1, 10.0], [10.0, 10.1]], "No home lies inside the polygon."),
    ],
)
def test_a_bad_polygon_is_refused_with_a_message(served, workspace, polygon, message) -> None:
    """Too few corners, no area, not coordinates or no home inside: 400 saying which, no edit."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    status, data = _json(served, "POST", "/api/draw", {"polygon": polygon, "to": 0})
    assert status == 400 and data["error"].startswith(message)
    _, state = _json(served, "GET", "/api/state")
    assert state["plan"]["labels"] == workspace.generated.labels.tolist()


def test_merge_and_split(served) -> None:
    """Merging the two gives one neighbourhood; splitting it gives two again."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    status, merged = _json(served, "POST", "/api/merge", {"keep": 0, "absorb": 1})
    assert status == 200 and merged["plan"]["names"] == ["N1"]
    status, halves = _json(served, "POST", "/api/split", {"neighbourhood": 0})
    assert status == 200 and halves["plan"]["names"] == ["N1", "N2"]
    sizes = [n["recipients"] for n in halves["plan"]["figures"]["neighbourhoods"]]
    assert abs(sizes[0] - sizes[1]) <= 1
    assert _json(served, "POST", "/api/merge", {"keep": 0, "absorb": 0})[0] == 400


def test_census_plan_has_the_msoas(served, workspace) -> None:
    """The census plan has one neighbourhood per MSOA holding a home; its checks are shown."""
    status, state = _json(served, "POST", "/api/load", {"source": "census"})
    expected = set(workspace.small_areas["name"].to_numpy()[np.unique(workspace.small_area)])
    assert status == 200 and set(state["plan"]["names"]) == expected
    assert [c["name"] for c in state["plan"]["figures"]["checks"]] == [
        "every recipient covered once",
        "sizes within the tolerance",
        "contiguous",
    ]


def test_upload_a_geojson_plan(served, workspace, tmp_path) -> None:
    """An uploaded GeoJSON becomes the plan, named after the file, its polygons' names kept."""
    polygons = plan_polygons(workspace, workspace.generated).assign(
        name=lambda f: f["neighbourhood"].map({"N1": "West", "N2": "East"})
    )
    body = polygons.to_json().encode()
    status, data, _ = served.call(
        "POST", "/api/upload", body, headers={"X-Filename": "pilot.geojson"}
    )
    state = json.loads(data)
    assert status == 200 and state["plan"]["name"] == "pilot"
    assert sorted(state["plan"]["names"]) == ["East", "West"]
    assert state["plan"]["figures"]["unassigned"] == 0


def test_upload_a_geopackage_plan(served, workspace, tmp_path) -> None:
    """A GeoPackage (recognised by its first bytes) is read the same way."""
    path = tmp_path / "plan.gpkg"
    polygons = plan_polygons(workspace, workspace.generated)
    polygons.assign(name=polygons["neighbourhood"]).to_file(path, driver="GPKG")
    status, data, _ = served.call(
        "POST", "/api/upload", path.read_bytes(), headers={"X-Filename": "drawn.gpkg"}
    )
    assert status == 200 and json.loads(data)["plan"]["names"] == ["N1", "N2"]


def test_upload_errors_are_the_clis(served, workspace, tmp_path) -> None:
    """A file leaving homes outside gets the message --boundaries gives, naming the upload."""
    west = shapely.box(-0.9, 52.5, -0.65, 52.8)
    path = tmp_path / "half.geojson"
    gpd.GeoDataFrame({"name": ["West"]}, geometry=[west], crs="EPSG:4326").to_file(path)
    with pytest.raises(BoundaryError) as cli:
        assign_recipients(
            read_boundaries(path),
            workspace.recipient_xy,
            ids=np.array(workspace.ids),
            file="half.geojson",
        )
    status, data, _ = served.call(
        "POST", "/api/upload", path.read_bytes(), headers={"X-Filename": "../../half.geojson"}
    )
    assert status == 400 and json.loads(data)["error"] == str(cli.value)
    assert "recipients outside every polygon" in str(cli.value)
    status, data, _ = served.call(
        "POST", "/api/upload", b"not a map", headers={"X-Filename": "x.geojson"}
    )
    assert status == 400 and json.loads(data)["error"].startswith("x.geojson: cannot be read")


def test_uploads_are_size_limited(served) -> None:
    """A body larger than the limit is refused from its length, before it is sent or read."""
    connection = http.client.HTTPConnection(served.base.removeprefix("http://"), timeout=30)
    connection.putrequest("POST", "/api/upload")
    connection.putheader("X-Roster-Token", "test-token-0123456789")
    connection.putheader("Content-Length", str(MAX_UPLOAD_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and b"larger than the studio takes (16 MB)" in response.read()
    connection.close()


def test_save_export_and_reopen(served, workspace, tmp_path) -> None:
    """A saved plan is written in plans/<slug>/ and exports as files that read back the same.

    GeoJSON and GeoPackage give every home its neighbourhood again, and a studio started
    later on the same folder lists the plan.
    """
    _json(served, "POST", "/api/load", {"source": "generated"})
    status, state = _json(served, "POST", "/api/save", {"name": "Plan A (draft)"})
    assert status == 200 and {"slug": "plan-a-draft", "name": "Plan A (draft)"} in state["saved"]
    folder = served.studio.out / "plans" / "plan-a-draft"
    assert {p.name for p in folder.iterdir()} >= {
        "plan.json",
        "neighbourhoods.geojson",
        "manifest.json",
    }
    for name in ("neighbourhoods.geojson", "neighbourhoods.gpkg"):
        status, body, headers = served.call("GET", f"/api/plans/plan-a-draft/{name}")
        assert status == 200 and "attachment" in headers["Content-Disposition"]
        path = tmp_path / name
        path.write_bytes(body)
        drawn = read_boundaries(path)
        found = assign_recipients(drawn, workspace.recipient_xy)
        assert (
            drawn["name"].to_numpy()[found]
            == np.array(workspace.generated.names)[workspace.generated.labels]
        ).all()
    assert served.call("GET", "/api/plans/plan-a-draft/../../x")[0] == 404
    assert served.call("GET", "/api/plans/plan-a-draft/plan.json")[0] == 404
    again = Studio(workspace, served.studio.out, token="t")
    assert {"slug": "plan-a-draft", "name": "Plan A (draft)"} in again.state()["saved"]
    status, state = _json(served, "POST", "/api/load", {"source": "saved", "name": "plan-a-draft"})
    assert status == 200 and state["plan"]["name"] == "Plan A (draft)"
    assert _json(served, "POST", "/api/save", {"name": "?!"})[0] == 400


def test_compare_two_plans(served) -> None:
    """Two plans come back side by side with their figures; one plan alone is refused."""
    _json(served, "POST", "/api/load", {"source": "census"})
    _json(served, "POST", "/api/save", {"name": "census"})
    _json(served, "POST", "/api/load", {"source": "generated"})
    status, data = _json(served, "GET", "/api/compare?plans=census,current")
    assert status == 200 and [p["slug"] for p in data["plans"]] == ["census", "current"]
    assert len(data["plans"][0]["names"]) == 5 and data["plans"][1]["names"] == ["N1", "N2"]
    assert _json(served, "GET", "/api/compare?plans=census")[0] == 400
    assert _json(served, "GET", "/api/compare?plans=census,nothing")[0] == 404


def test_a_run_starts_reports_progress_and_stops(served) -> None:
    """A comparison starts in the background, is listed as running, and stops when asked."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    _json(served, "POST", "/api/save", {"name": "to run"})
    status, run = _json(served, "POST", "/api/runs", {"plan": "to-run"})
    assert status == 200 and run["state"] == "running" and run["plan"] == "to run"
    status, runs = _json(served, "GET", "/api/runs")
    assert runs[0]["run_id"] == run["run_id"] and 0 <= runs[0]["progress"] <= 1
    time.sleep(1)
    status, stopped = _json(served, "POST", f"/api/runs/{run['run_id']}/stop")
    assert status == 200 and stopped["state"] == "stopped"
    assert served.call("GET", f"/runs/{run['run_id']}/report.html")[0] == 404
    assert _json(served, "POST", "/api/runs", {"plan": "nothing"})[0] == 404
    assert _json(served, "POST", "/api/runs/nothing/stop")[0] == 404


def test_a_plan_leaving_homes_out_cannot_be_run(served) -> None:
    """A comparison needs every recipient in a neighbourhood."""
    _json(served, "POST", "/api/load", {"source": "generated"})
    _json(served, "POST", "/api/move", {"recipient": 0, "to": -1})
    _json(served, "POST", "/api/save", {"name": "gap"})
    status, data = _json(served, "POST", "/api/runs", {"plan": "gap"})
    assert status == 400 and "in no neighbourhood" in data["error"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/api/move", b"not json", 400),
        ("POST", "/api/move", b'{"recipient": 0}', 400),
        ("POST", "/api/move", b'{"recipient": 0, "to": 0, "path": "/etc"}', 400),
        ("POST", "/api/move", b'{"recipient": 100000, "to": 0}', 400),
        ("POST", "/api/move", b'{"recipient": 0, "to": 0, "scope": "county"}', 400),
        ("POST", "/api/load", b'{"source": "/etc/passwd"}', 400),
        ("POST", "/api/load", b'{"source": "saved", "name": "../../etc"}', 404),
        ("GET", "/api/nothing", None, 404),
        ("GET", "/api/move", None, 405),
    ],
)
def test_bad_requests_are_refused(served, method, path, body, status) -> None:
    """Malformed, unknown or out-of-range requests get a 4xx with a message, never a 500."""
    got, data, _ = served.call(method, path, body)
    assert got == status and json.loads(data)["error"]


def test_slug() -> None:
    """Plan names become folder names of letters, digits and hyphens only."""
    assert slug("Plan A (draft)") == "plan-a-draft" and slug("../../etc/passwd") == "etc-passwd"
