"""The studio's web server: 127.0.0.1 only, a token on every request, a small JSON API.

Written on the standard library's ``http.server`` (threaded): a dozen routes, JSON in and out,
one page; a framework would add a dependency and little else.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import shapely

from neighbourhoods import BoundaryError
from roster.errors import InputError
from roster.io import OutputFolder, write_polygons
from roster.report.maps import ROAD_STYLE, leaflet_assets, palette
from roster.studio.figures import plan_figures
from roster.studio.jobs import ComparisonJob, RunStatus, finished_runs, run_folder_name
from roster.studio.plan import (
    History,
    Plan,
    merge,
    move,
    plan_from_names,
    record,
    redo,
    split,
    undo,
)
from roster.studio.workspace import (
    Workspace,
    boundaries_plan,
    census_plan,
    drawn_polygon,
    homes_inside,
    plan_polygons,
)

logger = logging.getLogger(__name__)

#: Largest boundary file the page may upload (bytes).
MAX_UPLOAD_BYTES = 16 * 1024 * 1024
#: Largest JSON request body (bytes).
MAX_JSON_BYTES = 64 * 1024
#: The header the page sends the token in (or ``?token=`` in a link).
TOKEN_HEADER = "X-Roster-Token"
#: Coordinates sent to the page are rounded to this grid (degrees, about 1 m).
PAGE_GRID_DEG = 1e-5
_GEOPACKAGE_MAGIC = b"SQLite format 3\x00"
_EXPORTS = {
    "neighbourhoods.geojson": "application/geo+json",
    "neighbourhoods.gpkg": "application/geopackage+sqlite3",
}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self' 'unsafe-inline' data: blob:; "
    "connect-src 'self'; frame-ancestors 'self'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class RequestError(Exception):
    """A request the studio refuses, with the HTTP status and a message for the page."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    """What the server sends back."""

    status: HTTPStatus
    body: bytes
    content_type: str = "application/json"
    filename: str | None = None


@dataclass(frozen=True)
class SavedPlan:
    """A plan saved in the output folder's ``plans/<slug>/``."""

    slug: str
    name: str
    folder: Path


def slug(name: str) -> str:
    """Return the folder name for a plan's name: letters, digits and hyphens, 40 at most."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    if not text:
        raise RequestError(HTTPStatus.BAD_REQUEST, "A plan's name needs a letter or a digit.")
    return text


def _json(data: Any, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return Response(status, json.dumps(data, separators=(",", ":")).encode())


class Studio:
    """The studio's state and API, independent of HTTP.

    Parameters
    ----------
    workspace
        The prepared area.
    out
        The output folder: ``plans/`` and ``runs/`` are kept there.
    token
        The access token every request must carry (a random one by default).
    cache_dir
        Network cache for the comparisons.
    """

    def __init__(
        self,
        workspace: Workspace,
        out: str | Path,
        token: str | None = None,
        cache_dir: str | None = None,
    ) -> None:
        self.workspace = workspace
        self.out = Path(out)
        self.token = token or secrets.token_urlsafe(24)
        self.cache_dir = cache_dir
        (self.out / "plans").mkdir(parents=True, exist_ok=True)
        (self.out / "runs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._history = History(workspace.generated)
        self._jobs: dict[str, ComparisonJob] = {}
        self._saved = self._find_saved()
        self._map: bytes | None = None

    # -- safety ---------------------------------------------------------------------------

    def check_token(self, given: str | None) -> None:
        """Refuse a request without the token (401) or with another (403)."""
        if not given:
            raise RequestError(HTTPStatus.UNAUTHORIZED, "This page needs its access token.")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise RequestError(HTTPStatus.FORBIDDEN, "Wrong access token.")

    # -- routes ---------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: bytes, headers
    ) -> Response:
        """Answer one request (the token already checked)."""
        routes = {
            ("GET", "/"): lambda: Response(HTTPStatus.OK, self.page(), "text/html; charset=utf-8"),
            ("GET", "/api/map"): lambda: Response(HTTPStatus.OK, self.map_data()),
            ("GET", "/api/state"): lambda: _json(self.state()),
            ("POST", "/api/load"): lambda: _json(
                self.load(**_fields(body, "source", optional=("name",)))
            ),
            ("POST", "/api/upload"): lambda: _json(self.upload(body, headers.get("X-Filename"))),
            ("POST", "/api/move"): lambda: _json(
                self.move(**_fields(body, "recipient", "to", optional=("scope",)))
            ),
            ("POST", "/api/draw"): lambda: _json(self.draw(**_fields(body, "polygon", "to"))),
            ("POST", "/api/merge"): lambda: _json(self.merge(**_fields(body, "keep", "absorb"))),
            ("POST", "/api/split"): lambda: _json(self.split(**_fields(body, "neighbourhood"))),
            ("POST", "/api/undo"): lambda: _json(self.step(undo)),
            ("POST", "/api/redo"): lambda: _json(self.step(redo)),
            ("POST", "/api/save"): lambda: _json(self.save(**_fields(body, "name"))),
            ("GET", "/api/compare"): lambda: _json(self.compare(query.get("plans", ""))),
            ("GET", "/api/runs"): lambda: _json(self.runs()),
            ("POST", "/api/runs"): lambda: _json(self.start_run(**_fields(body, "plan"))),
        }
        route = routes.get((method, path))
        if route is not None:
            return route()
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 4 and parts[:2] == ["api", "plans"]:
            return self.export(parts[2], parts[3])
        if (
            method == "POST"
            and len(parts) == 4
            and parts[:2] == ["api", "runs"]
            and (parts[3] == "stop")
        ):
            return _json(self.stop_run(parts[2]))
        if method == "GET" and len(parts) == 3 and parts[0] == "runs" and parts[2] == "report.html":
            return self.report(parts[1])
        if any(path == p for m, p in routes):
            raise RequestError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed here.")
        raise RequestError(HTTPStatus.NOT_FOUND, "No such page.")

    def page(self) -> bytes:
        """Return the studio's page: Leaflet, the style and the script inlined."""
        folder = resources.files("roster.studio")
        page = (folder / "page.html").read_text(encoding="utf-8")
        script = (folder / "page.js").read_text(encoding="utf-8")
        page = page.replace("<!--LEAFLET-->", leaflet_assets()).replace("/*PAGE_JS*/", script)
        return page.encode()

    def map_data(self) -> bytes:
        """Return what the map draws and never changes: cells, homes, areas, roads (JSON)."""
        if self._map is None:
            ws = self.workspace
            cells = ws.cells.assign(
                geometry=shapely.set_precision(ws.cells.geometry.values, PAGE_GRID_DEG)
            )
            counts = np.bincount(ws.small_area[ws.small_area >= 0], minlength=len(ws.small_areas))
            areas = ws.small_areas.assign(
                recipients=counts,
                geometry=shapely.set_precision(ws.small_areas.geometry.values, PAGE_GRID_DEG),
            )
            xy = np.round(ws.recipient_xy, 5)
            carers = np.round(np.array([[c.lat, c.lon] for c in ws.instance.carers]), 5)
            west, south, east, north = ws.cells.total_bounds
            data = {
                "area": ws.scenario.name,
                "cells": cells.to_geo_dict(show_bbox=False),
                "owner": ws.owner.tolist(),
                "recipients": xy[:, ::-1].tolist(),
                "recipient_ids": ws.ids,
                "small_area": ws.small_area.tolist(),
                "small_areas": areas.to_geo_dict(show_bbox=False),
                "carers": carers.reshape(-1, 2).tolist(),
                "roads": ws.roads,
                "road_style": ROAD_STYLE,
                "bounds": [[south, west], [north, east]],
                "target": ws.arrays.target,
                "tolerance": ws.arrays.tolerance,
                "max_upload_bytes": MAX_UPLOAD_BYTES,
            }
            self._map = json.dumps(data, separators=(",", ":")).encode()
        return self._map

    def state(self) -> dict[str, Any]:
        """Return the current plan, its figures and checks, undo/redo, saved plans, runs."""
        with self._lock:
            history = self._history
            return {
                "plan": self._plan_json(history.current),
                "can_undo": history.can_undo,
                "can_redo": history.can_redo,
                "saved": [{"slug": s.slug, "name": s.name} for s in self._saved.values()],
                "runs": [asdict(r) for r in self._statuses()],
            }

    def load(self, source: str, name: str | None = None) -> dict[str, Any]:
        """Start from the generated plan, the census small areas or a saved plan."""
        if source == "generated":
            plan = self.workspace.generated
        elif source == "census":
            plan = census_plan(self.workspace)
        elif source == "saved":
            plan = self._read_saved(self._saved_plan(name))
        else:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"Unknown plan source {source!r}.")
        return self._edit(lambda _: plan)

    def upload(self, body: bytes, filename: str | None) -> dict[str, Any]:
        """Start from an uploaded GeoJSON or GeoPackage, checked as ``--boundaries`` is."""
        shown = re.sub(r"[^\w.() -]+", "_", Path(filename or "upload").name)[:80] or "upload"
        suffix = ".gpkg" if body.startswith(_GEOPACKAGE_MAGIC) else ".geojson"
        with tempfile.TemporaryDirectory(prefix="roster-studio-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(body)
            try:
                plan = boundaries_plan(self.workspace, path, shown)
            except (BoundaryError, InputError) as error:
                raise RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
        return self._edit(lambda _: plan)

    def move(self, recipient: int, to: int, scope: str = "cell") -> dict[str, Any]:
        """Move a recipient's cell (with every home in it) or small area to a neighbourhood."""
        ws = self.workspace
        index = _index(recipient, ws.arrays.n, "recipient")
        owner = ws.owner[index]
        if scope == "cell":
            chosen = np.flatnonzero(ws.owner == owner)
        elif scope == "small_area":
            area = ws.small_area[index]
            if area < 0:
                raise RequestError(HTTPStatus.BAD_REQUEST, "That home is in no small area.")
            chosen = np.flatnonzero(ws.small_area[ws.owner] == area)
        else:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"Unknown scope {scope!r}.")
        return self._edit(lambda plan: move(plan, chosen, _index(to, len(plan.names) + 1, "to")))

    def draw(self, polygon: Any, to: int) -> dict[str, Any]:
        """Move every home inside a drawn polygon (or a brushed rectangle) to a neighbourhood.

        ``polygon`` is the page's ``[[lat, lon], ...]`` corners; a home sharing a cell moves
        with it, as for a click.
        """
        ws = self.workspace
        try:
            inside = homes_inside(ws.recipient_xy, drawn_polygon(polygon))
        except ValueError as error:
            raise RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
        if inside.size == 0:
            raise RequestError(HTTPStatus.BAD_REQUEST, "No home lies inside the polygon.")
        chosen = np.flatnonzero(np.isin(ws.owner, ws.owner[inside]))
        return self._edit(lambda plan: move(plan, chosen, _index(to, len(plan.names) + 1, "to")))

    def merge(self, keep: int, absorb: int) -> dict[str, Any]:
        """Merge one neighbourhood into another."""
        return self._edit(
            lambda plan: merge(
                plan,
                _index(keep, len(plan.names), "keep"),
                _index(absorb, len(plan.names), "absorb"),
            )
        )

    def split(self, neighbourhood: int) -> dict[str, Any]:
        """Split a neighbourhood in two."""
        travel = self.workspace.arrays.travel_time_s
        return self._edit(
            lambda plan: split(
                plan, _index(neighbourhood, len(plan.names), "neighbourhood"), travel
            )
        )

    def step(self, how) -> dict[str, Any]:
        """Undo or redo."""
        with self._lock:
            self._history = how(self._history)
        return self.state()

    def save(self, name: str) -> dict[str, Any]:
        """Name the current plan and save it (plan.json, GeoJSON, GeoPackage) in ``plans/``."""
        if not isinstance(name, str):
            raise RequestError(HTTPStatus.BAD_REQUEST, "A plan's name is text.")
        name = name.strip()[:80]
        key = slug(name)
        with self._lock:
            plan = self._history.current
            plan = Plan(name, plan.labels, plan.names, plan.source)
            self._history = History(plan, self._history.past, self._history.future)
        polygons = plan_polygons(self.workspace, plan)
        figures = {n.name: n for n in plan_figures(self.workspace.arrays, plan).neighbourhoods}
        polygons.insert(0, "name", polygons["neighbourhood"])
        for column in ("recipients", "care_hours_weekly", "area_km2", "carers", "providers"):
            polygons[column] = [getattr(figures[n], column) for n in polygons["neighbourhood"]]
        for column in ("mean_drive_s", "p95_drive_s", "diameter_s", "contiguous"):
            polygons[column] = [getattr(figures[n], column) for n in polygons["neighbourhood"]]
        folder = OutputFolder.check(self.out / "plans" / key, force=True)
        with folder.writing({"plan": name, "source": plan.source}) as temporary:
            data = {
                "name": name,
                "source": plan.source,
                "neighbourhoods": list(plan.names),
                "labels": plan.by_id(self.workspace.ids),
            }
            (temporary / "plan.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
            write_polygons(polygons, temporary / "neighbourhoods.geojson")
            write_polygons(polygons, temporary / "neighbourhoods.gpkg")
        with self._lock:
            self._saved[key] = SavedPlan(key, name, folder.path)
        logger.info("saved plan %r in %s", name, folder.path)
        return self.state()

    def compare(self, plans: str) -> dict[str, Any]:  # noqa: D417
        """Figures and labels of two or more plans (saved slugs, or ``current``), side by side."""
        keys = [k for k in plans.split(",") if k]
        if len(keys) < 2:
            raise RequestError(HTTPStatus.BAD_REQUEST, "Choose two plans or more to compare.")
        chosen = []
        for key in keys:
            if key == "current":
                with self._lock:
                    chosen.append(("current", self._history.current))
            else:
                chosen.append((key, self._read_saved(self._saved_plan(key))))
        return {"plans": [{"slug": key, **self._plan_json(plan)} for key, plan in chosen]}

    def export(self, key: str, filename: str) -> Response:
        """Return a saved plan's GeoJSON or GeoPackage, as a download."""
        saved = self._saved_plan(key)
        if filename not in _EXPORTS:
            raise RequestError(HTTPStatus.NOT_FOUND, "Plans export as GeoJSON or GeoPackage.")
        body = (saved.folder / filename).read_bytes()
        return Response(HTTPStatus.OK, body, _EXPORTS[filename], f"{saved.slug}-{filename}")

    def runs(self) -> list[dict[str, Any]]:
        """Every run, this session's and those finished before (newest first)."""
        return [asdict(r) for r in self._statuses()]

    def start_run(self, plan: str) -> dict[str, Any]:
        """Start the full comparison for a saved plan in the background."""
        saved = self._saved_plan(plan)
        figures = plan_figures(self.workspace.arrays, self._read_saved(saved))
        if figures.unassigned:
            raise RequestError(
                HTTPStatus.BAD_REQUEST,
                f"{figures.unassigned} recipients are in no neighbourhood: a comparison needs "
                "every recipient in one.",
            )
        with self._lock:
            taken = set(self._jobs) | {p.name for p in (self.out / "runs").iterdir()}
            run_id = run_folder_name(saved.slug, taken)
            ws = self.workspace
            self._jobs[run_id] = ComparisonJob(
                run_id,
                saved.name,
                ws.scenario,
                ws.area,
                ws.seed,
                saved.folder / "neighbourhoods.gpkg",
                self.out / "runs" / run_id,
                self.cache_dir,
            )
        logger.info("started comparison %s for plan %r", run_id, saved.name)
        return asdict(self._jobs[run_id].status())

    def stop_run(self, run_id: str) -> dict[str, Any]:
        """Stop a running comparison."""
        job = self._jobs.get(run_id)
        if job is None:
            raise RequestError(HTTPStatus.NOT_FOUND, "No such run in this session.")
        job.stop()
        return asdict(job.status())

    def report(self, run_id: str) -> Response:
        """Return a finished run's report.html."""
        known = {r.run_id for r in self._statuses() if r.state == "finished"}
        if run_id not in known:
            raise RequestError(HTTPStatus.NOT_FOUND, "No finished run of that name.")
        page = (self.out / "runs" / run_id / "report.html").read_bytes()
        return Response(HTTPStatus.OK, page, "text/html; charset=utf-8")

    def close(self) -> None:
        """Stop every running comparison (when the server stops)."""
        for job in list(self._jobs.values()):
            job.stop()

    # -- helpers --------------------------------------------------------------------------

    def _edit(self, change) -> dict[str, Any]:
        """Apply an edit to the current plan, record it for undo, and return the new state."""
        with self._lock:
            try:
                plan = change(self._history.current)
            except ValueError as error:
                raise RequestError(HTTPStatus.BAD_REQUEST, str(error)) from None
            if plan is not self._history.current:
                self._history = record(self._history, plan)
        return self.state()

    def _plan_json(self, plan: Plan) -> dict[str, Any]:
        figures = plan_figures(self.workspace.arrays, plan)
        outlines = plan_polygons(self.workspace, plan)
        outlines = outlines.assign(
            geometry=shapely.set_precision(
                shapely.simplify(outlines.geometry.values, 2 * PAGE_GRID_DEG), PAGE_GRID_DEG
            )
        )
        return {
            "outlines": outlines.to_geo_dict(show_bbox=False),
            "name": plan.name,
            "source": plan.source,
            "names": list(plan.names),
            "colours": [palette(plan.names)[n] for n in plan.names],
            "labels": plan.labels.tolist(),
            "figures": figures.to_json(),
        }

    def _statuses(self) -> list[RunStatus]:
        current = [job.status() for job in reversed(list(self._jobs.values()))]
        seen = {r.run_id for r in current}
        return current + [r for r in finished_runs(self.out / "runs") if r.run_id not in seen]

    def _find_saved(self) -> dict[str, SavedPlan]:
        found = {}
        for path in sorted((self.out / "plans").glob("*/plan.json")):
            try:
                name = str(json.loads(path.read_text(encoding="utf-8"))["name"])
            except (OSError, ValueError, KeyError, TypeError):
                logger.warning("%s: not a saved plan; left out", path)
                continue
            found[path.parent.name] = SavedPlan(path.parent.name, name, path.parent)
        return found

    def _saved_plan(self, key: str | None) -> SavedPlan:
        with self._lock:
            saved = self._saved.get(str(key))
        if saved is None:
            raise RequestError(HTTPStatus.NOT_FOUND, f"No saved plan {key!r}.")
        return saved

    def _read_saved(self, saved: SavedPlan) -> Plan:
        data = json.loads((saved.folder / "plan.json").read_text(encoding="utf-8"))
        labels = data["labels"]
        return plan_from_names(
            data["name"],
            [labels.get(i) for i in self.workspace.ids],
            data.get("source", "saved"),
            grouped=self.workspace.owner,
        )


def _fields(body: bytes, *names: str, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return a JSON body's fields: all of ``names``, any of ``optional``, no others."""
    if len(body) > MAX_JSON_BYTES:
        raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The request is too large.")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise RequestError(HTTPStatus.BAD_REQUEST, "The request is not JSON.") from None
    if not isinstance(data, dict) or set(data) - {*names, *optional} or set(names) - set(data):
        takes = ", ".join([*names, *(f"{n} (optional)" for n in optional)])
        raise RequestError(HTTPStatus.BAD_REQUEST, f"The request takes {takes}.")
    return data


def _index(value: Any, n: int, what: str) -> int:
    """Return a whole number in -1..n-1 from the page, or refuse it (400)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -1 <= value < n:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"{what} must be a whole number below {n}.")
    return value


class _Handler(BaseHTTPRequestHandler):
    """Checks the host and the token, reads the body, and hands the request to the Studio."""

    studio: Studio
    port: int
    protocol_version = "HTTP/1.1"
    server_version = "roster-studio"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """Answer a GET."""
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        """Answer a POST."""
        self._answer("POST")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            host = self.headers.get("Host", "")
            if host not in {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}:
                raise RequestError(HTTPStatus.FORBIDDEN, "The studio answers only 127.0.0.1.")
            self.studio.check_token(self.headers.get(TOKEN_HEADER) or query.get("token"))
            length = int(self.headers.get("Content-Length") or 0)
            limit = MAX_UPLOAD_BYTES if url.path == "/api/upload" else MAX_JSON_BYTES
            if length > limit:
                self.close_connection = True
                raise RequestError(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    f"The file is larger than the studio takes ({limit // 1024 // 1024} MB)."
                    if url.path == "/api/upload"
                    else "The request is too large.",
                )
            body = self.rfile.read(length) if length else b""
            response = self.studio.handle(method, url.path, query, body, self.headers)
        except RequestError as error:
            response = _json({"error": str(error)}, error.status)
        except Exception:  # a bug: logged with its traceback, the page gets one line
            logger.exception("studio: %s %s failed", method, url.path)
            response = _json(
                {"error": "Internal error; the studio's log has the details."},
                HTTPStatus.INTERNAL_SERVER_ERROR,
            )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for key, value in _SECURITY_HEADERS.items():
            self.send_header(key, value)
        if response.filename:
            self.send_header("Content-Disposition", f'attachment; filename="{response.filename}"')
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Log requests at debug level (never the token: only the path is logged)."""
        logger.debug("%s %s", self.command, urlsplit(self.path).path)


class _Server(ThreadingHTTPServer):
    """A threaded server that logs a failed request instead of printing its traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple) -> None:
        """Log the error; a browser that closed the connection early is no error."""
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            logger.debug("studio: %s closed the connection early", client_address[0])
        else:
            logger.exception("studio: a request from %s failed", client_address[0])


def make_server(studio: Studio, port: int = 0) -> ThreadingHTTPServer:
    """Bind the studio to 127.0.0.1 (``port`` 0: any free port); call ``serve_forever``."""
    handler = type("StudioHandler", (_Handler,), {"studio": studio, "port": 0})
    server = _Server(("127.0.0.1", port), handler)
    handler.port = server.server_address[1]
    return server


def address(server: ThreadingHTTPServer, studio: Studio) -> str:
    """Return the page's address with its token, to print (as Jupyter does)."""
    return f"http://127.0.0.1:{server.server_address[1]}/?token={studio.token}"
