"""What the studio computes once at start-up: the instance, cells, arrays and starting plans."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from neighbourhoods import (
    BoundaryError,
    assign_recipients,
    neighbourhood_polygons,
    polygon_of,
    read_boundaries,
    recipient_adjacency,
)
from roster.commissioning.models import weekly_hours
from roster.commissioning.neighbourhood_plan import plan_neighbourhoods, snap_recipients
from roster.demand.census import load_area, study_area
from roster.demand.generate import generate_area
from roster.geo.matrix import road_graph_s, travel_matrix
from roster.geo.network import RoadNetwork, road_lines
from roster.geo.snapping import nearest_nodes
from roster.io import read_instance
from roster.model import Instance
from roster.scenario import Scenario
from roster.studio.figures import AreaArrays
from roster.studio.plan import Plan, plan_from_names

logger = logging.getLogger(__name__)

#: A drawn polygon smaller than this (square degrees, about a square metre) encloses no area.
MIN_DRAWN_AREA_DEG2 = 1e-10


@dataclass(frozen=True, eq=False)
class Workspace:
    """An area ready for drawing plans: everything expensive, computed once.

    Parameters
    ----------
    scenario
        The scenario (its comparison settings give the size and tolerance).
    area
        The OSM extract.
    seed
        Seed of the generated instance and plan.
    instance
        Recipients, visits, carers and providers.
    network
        The drive network.
    arrays
        What the figures are computed from.
    cells
        One polygon per recipient (EPSG:4326; empty for a home sharing another's point):
        road nodes go to their nearest recipient by drive, as for generated neighbourhoods.
    owner
        For each recipient, the recipient whose cell holds their home (themselves, unless
        two homes share a point): an edit moves a cell with every home in it.
    small_areas
        The census small areas (MSOAs): columns code, name, geometry.
    small_area
        Each recipient's small area (a row of ``small_areas``), or -1.
    roads
        The roads as ``[lat, lon]`` lines, drawn under the map.
    generated
        The generated neighbourhoods.
    """

    scenario: Scenario
    area: str
    seed: int
    instance: Instance
    network: RoadNetwork
    arrays: AreaArrays
    cells: gpd.GeoDataFrame
    owner: np.ndarray
    small_areas: gpd.GeoDataFrame
    small_area: np.ndarray
    roads: list
    generated: Plan

    @property
    def ids(self) -> list[str]:
        """Recipient ids, in instance order."""
        return [r.id for r in self.instance.recipients]

    @property
    def recipient_xy(self) -> np.ndarray:
        """Recipients' homes, (n, 2) lon/lat."""
        return np.array([[r.lon, r.lat] for r in self.instance.recipients])


def prepare(
    scenario: Scenario,
    area: str | os.PathLike[str],
    seed: int,
    network: RoadNetwork,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Workspace:
    """Build the instance (generated or the scenario's), the drive matrix, cells and plans.

    Parameters
    ----------
    scenario
        The scenario; ``[comparison] instance`` names real files to read instead of generating.
    area
        The OSM extract (or place name).
    seed
        Seed of generation and of the generated plan.
    network
        The area's drive network.
    cache_dir
        Where a place name's download is cached (see :func:`roster.demand.generate.generate_area`).
    """
    config = scenario.comparison
    if config.instance:
        instance = read_instance(config.instance)
        population = load_area(scenario.area)
        if scenario.area.study_area:
            population = study_area(population, scenario.area.study_area)
        snapped = None
    else:
        generated = generate_area(scenario, area, seed, cache_dir, network=network)
        instance, population = generated.instance, generated.area
        snapped = generated.snapped.take(np.arange(len(generated.instance.recipients)))
    ids = [r.id for r in instance.recipients]
    xy = np.array([[r.lon, r.lat] for r in instance.recipients])
    if snapped is None:
        snapped = snap_recipients(instance, network, scenario.area.max_snap_m)
    travel = travel_matrix(network, snapped).travel_time_s
    road = road_graph_s(network)
    node = nearest_nodes(network, snapped)
    adjacency = recipient_adjacency(road, node)
    cells, owner = _cells(network, road, node, xy)
    metric = cells.estimate_utm_crs()
    cell_area = cells.geometry.to_crs(metric).area.to_numpy() / 1e6
    carers = np.array([[c.lon, c.lat] for c in instance.carers]).reshape(-1, 2)
    carer_cell = polygon_of(cells, carers)
    provider_ids = sorted({r.provider_id for r in instance.recipients if r.provider_id})
    provider = np.array(
        [provider_ids.index(r.provider_id) if r.provider_id else -1 for r in instance.recipients]
    )
    weekly = weekly_hours(instance)
    arrays = AreaArrays(
        travel_time_s=travel,
        adjacency=adjacency,
        care_hours=np.array([weekly[i] for i in ids]),
        cell_area_km2=cell_area,
        carer_cell=carer_cell,
        provider=provider,
        target=config.neighbourhood_size,
        tolerance=config.neighbourhood_tolerance,
        balance_hours=config.balance_hours,
    )
    small_areas = gpd.GeoDataFrame(
        {"code": population.small_area_codes, "name": population.small_area_names},
        geometry=list(population.polygons),
        crs="EPSG:4326",
    )
    small_area = polygon_of(small_areas, xy)
    plan = plan_neighbourhoods(
        instance,
        network,
        target=config.neighbourhood_size,
        tolerance=config.neighbourhood_tolerance,
        seed=seed,
        balance_hours=config.balance_hours,
        snapped=snapped,
        travel_time_s=travel,
    )
    generated = plan_from_names(
        "generated", [plan.labels[i] for i in ids], "generated", grouped=owner
    )
    logger.info(
        "studio: %d recipients, %d cells, %d small areas, generated plan of %d neighbourhoods",
        len(ids),
        int((owner == np.arange(len(ids))).sum()),
        len(small_areas),
        len(generated.names),
    )
    return Workspace(
        scenario=scenario,
        area=str(area),
        seed=seed,
        instance=instance,
        network=network,
        arrays=arrays,
        cells=cells,
        owner=owner,
        small_areas=small_areas,
        small_area=small_area,
        roads=road_lines(network),
        generated=generated,
    )


def census_plan(workspace: Workspace) -> Plan:
    """Make the census small areas (MSOAs) a plan; homes outside them are in none."""
    names = workspace.small_areas["name"].to_numpy()
    given = [names[k] if k >= 0 else None for k in workspace.small_area]
    return plan_from_names(
        "census MSOAs", given, "census small areas (MSOA)", grouped=workspace.owner
    )


def boundaries_plan(workspace: Workspace, path: str | os.PathLike[str], shown: str) -> Plan:
    """Read a commissioner's boundary file into a plan, with the CLI's checks and errors.

    Parameters
    ----------
    workspace
        The area.
    path
        The file (GeoJSON or GeoPackage).
    shown
        The name to give the file in errors (what the commissioner uploaded).

    Raises
    ------
    BoundaryError
        As ``roster neighbourhoods --boundaries`` raises it, naming ``shown``.
    """
    try:
        drawn = read_boundaries(path)
        found = assign_recipients(
            drawn, workspace.recipient_xy, ids=np.array(workspace.ids), file=shown
        )
    except BoundaryError as error:
        if error.file is None or error.file == shown:
            raise
        raise BoundaryError(error.message, file=shown) from None
    names = drawn["name"].astype(str).to_numpy()
    return plan_from_names(
        Path(shown).stem, list(names[found]), f"file {shown}", grouped=workspace.owner
    )


def plan_polygons(workspace: Workspace, plan: Plan) -> gpd.GeoDataFrame:
    """Join the recipients' cells into one polygon per neighbourhood of the plan.

    The cells tile the area, so their union is a coverage union (a few milliseconds on
    Rutland). Every home lies in its own neighbourhood's polygon, so reading the polygons
    back as boundaries gives the same plan.
    """
    cells = workspace.cells.geometry.to_numpy()
    shapes = [
        shapely.coverage_union_all(cells[(plan.labels == k) & ~shapely.is_empty(cells)])
        for k in range(len(plan.names))
    ]
    return gpd.GeoDataFrame(
        {"neighbourhood": list(plan.names)}, geometry=shapes, crs=workspace.cells.crs
    )


def drawn_polygon(ring: object) -> shapely.Geometry:
    """Make the polygon the page drew (``[[lat, lon], ...]``, unclosed) a valid polygon.

    A ring that crosses itself is repaired with ``shapely.make_valid`` (a figure of eight
    becomes its two loops); one that encloses no area (under :data:`MIN_DRAWN_AREA_DEG2`) is
    refused.

    Raises
    ------
    ValueError
        With a message for the page: too few corners, corners that are not numbers, no area.
    """
    try:
        corners = np.array(ring, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("A polygon is a list of [latitude, longitude] corners.") from None
    if corners.ndim != 2 or corners.shape[1:] != (2,):
        raise ValueError("A polygon is a list of [latitude, longitude] corners.")
    if not np.isfinite(corners).all() or (np.abs(corners) > [90, 180]).any():
        raise ValueError("A polygon's corners must be latitudes and longitudes.")
    if len(np.unique(corners, axis=0)) < 3:
        raise ValueError("A polygon needs at least 3 corners.")
    repaired = shapely.make_valid(shapely.Polygon(corners[:, ::-1]))
    parts = shapely.get_parts(repaired)
    area = shapely.union_all(parts[shapely.get_dimensions(parts) == 2])
    if area.is_empty or area.area < MIN_DRAWN_AREA_DEG2:
        raise ValueError("The polygon encloses no area (its corners are in a line).")
    return area


def homes_inside(xy: np.ndarray, polygon: shapely.Geometry) -> np.ndarray:
    """Return the positions of the homes (``xy``: lon, lat rows) inside or on the polygon."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return np.flatnonzero(shapely.intersects_xy(polygon, xy[:, 0], xy[:, 1]))


def _cells(
    network: RoadNetwork, road: object, node: np.ndarray, xy: np.ndarray
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """One polygon per recipient, and the recipient whose cell holds each home."""
    n = len(xy)
    _, first, inverse = np.unique(xy, axis=0, return_index=True, return_inverse=True)
    owner = first[np.ravel(inverse)]
    drawn = neighbourhood_polygons(
        road, np.column_stack([network.node_lon, network.node_lat]), node, xy, owner
    )
    geometry = np.full(n, shapely.Polygon(), dtype=object)
    geometry[drawn["neighbourhood"].to_numpy()] = drawn.geometry.to_numpy()
    return gpd.GeoDataFrame({"recipient": np.arange(n)}, geometry=geometry, crs="EPSG:4326"), owner
