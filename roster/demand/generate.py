"""Generate a whole synthetic area from a scenario: recipients, visits, providers and carers."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from roster.demand.census import (
    EXTRACT,
    AreaPopulation,
    check_coverage,
    council_clip,
    cut_to,
    load_area,
)
from roster.demand.market import Fragmentation, draw_bases, fragmentation, market_shares, tender
from roster.demand.osm_points import places, residential_buildings
from roster.demand.packages import apportion, draw_packages, package_visits, recipient_counts
from roster.demand.placement import near_network, place_homes
from roster.demand.workforce import slot_spans, staff, team_carers, visit_demand
from roster.geo.network import RoadNetwork, load_network
from roster.geo.snapping import SnappedPoints, snap_points
from roster.io import atomic_path, write_instance
from roster.model import Instance, Provider, Recipient
from roster.scenario import Scenario

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class GeneratedArea:
    """A generated instance with the facts needed to judge it.

    Parameters
    ----------
    instance
        Recipients (with their framework provider), a week of visits, carers and providers.
    fragmentation
        How providers' clients interleave under the tender rule.
    area
        The census population the recipients were drawn from.
    snapped
        Every recipient's, then every carer's home (instance order) on the drive network, as
        checked during generation; the comparison reuses it instead of snapping again.
    summary
        Headline figures (counts, hours, shares) by name.
    """

    instance: Instance
    fragmentation: Fragmentation
    area: AreaPopulation
    snapped: SnappedPoints
    summary: dict[str, Any]


def _ids(prefix: str, n: int) -> list[str]:
    width = len(str(n))
    return [f"{prefix}{i + 1:0{width}d}" for i in range(n)]


def _metric(network: RoadNetwork, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.column_stack(network.to_metric.transform(lon, lat))


def _base_sites(
    scenario: Scenario,
    source: str | os.PathLike[str],
    area: AreaPopulation,
    network: RoadNetwork,
    cache_dir: str | os.PathLike[str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate provider bases: OSM places in the area near a road, else small-area centres."""
    weights = scenario.framework.place_weights
    found = places(source, tuple(weights), cache_dir)
    inside = shapely.contains_xy(area.outline, found.lon, found.lat)
    inside &= near_network(network, found.lon, found.lat, scenario.area.max_snap_m)
    if inside.any():
        found = found.take(np.flatnonzero(inside))
        return found.lon, found.lat, found.name, np.array([weights[k] for k in found.kind])
    logger.warning("no OSM places in %s; using small-area centres as bases", area.name)
    centres = shapely.point_on_surface(area.polygons)
    return (
        shapely.get_x(centres),
        shapely.get_y(centres),
        area.small_area_names.astype(object),
        np.ones(len(centres)),
    )


def _fit_extract(
    area: AreaPopulation, network: RoadNetwork, study: tuple[str, ...]
) -> AreaPopulation:
    """Check the network covers the area, or cut it to the network for ``--study-area extract``.

    An extract reaching beyond the area is clipped: homes, carers and bases stay inside (and
    the network itself was clipped to the council, see :func:`roster.demand.census.council_clip`).
    """
    nodes = np.column_stack([network.node_lon, network.node_lat])
    extent = shapely.convex_hull(shapely.multipoints(nodes))
    if study == (EXTRACT,):
        area = cut_to(area, extent, EXTRACT)
    else:
        check_coverage(area, extent, bool(study))
    outside = shapely.area(shapely.difference(extent, area.outline)) / shapely.area(extent)
    if outside > 0.05:
        kept = network.clip.describe() if network.clip else "in the extract"
        logger.info(
            "the network reaches beyond %s (%.0f%% of its extent lies outside): homes, carers "
            "and bases are placed inside %s; the roads %s stay for journeys",
            area.name,
            100 * outside,
            area.name,
            kept,
        )
    return area


def generate_area(
    scenario: Scenario,
    pbf: str | os.PathLike[str],
    seed: int,
    cache_dir: str | os.PathLike[str] | None = None,
    network: RoadNetwork | None = None,
) -> GeneratedArea:
    """Generate recipients, a week of visits, framework providers and carers for an area.

    Parameters
    ----------
    scenario
        All parameters (area code and data files, prevalence, packages, workforce, framework).
    pbf
        OSM extract covering the area (roads, buildings, places), or a place name such as
        ``"Leeds, England"``: its roads, buildings and places are downloaded once with OSMnx
        (needs internet access) and cached.
    seed
        Random seed; the same seed gives the same instance.
    cache_dir
        Road network cache folder (see :func:`roster.geo.network.load_network`); a place
        name's buildings and places are cached there too.
    network
        The area's drive network, when the caller has loaded it already; else it is loaded,
        clipped to the council (:func:`roster.demand.census.council_clip`).

    Raises
    ------
    InputError
        For bad census data, an unknown area, a home or base beyond the snap limit, or a fixed
        workforce that cannot cover the visits.
    """
    s = scenario
    seeds = [int(x) for x in np.random.SeedSequence(seed).generate_state(8 + s.framework.providers)]
    area = load_area(s.area)
    if network is None:
        network = load_network(pbf, "drive", cache_dir=cache_dir, clip=council_clip(s.area))
    area = _fit_extract(area, network, s.area.study_area)

    buildings = residential_buildings(
        pbf, s.demand.building_types, s.demand.max_unspecified_building_m2, cache_dir
    )
    usable = shapely.contains_xy(area.outline, buildings.lon, buildings.lat)
    usable &= near_network(network, buildings.lon, buildings.lat, s.area.max_snap_m)
    buildings = buildings.take(np.flatnonzero(usable))
    households = area.total / s.demand.people_per_household

    def homes(counts: np.ndarray, seed: int) -> Any:
        return place_homes(
            network, area.polygons, counts, households, buildings.lon, buildings.lat, seed
        )

    older, younger = recipient_counts(area, s.demand)
    parts = [homes(older, seeds[0]), homes(younger, seeds[1])]
    lon = np.concatenate([h.lon for h in parts])
    lat = np.concatenate([h.lat for h in parts])
    small_area = np.concatenate([h.small_area for h in parts])
    n = len(lon)
    packages = draw_packages(n, s.package, seeds[2])

    site_lon, site_lat, site_name, site_weight = _base_sites(s, pbf, area, network, cache_dir)
    shares = market_shares(s.framework, seeds[3])
    site = draw_bases(site_weight, s.framework.providers, seeds[4])
    provider_ids = _ids("P", s.framework.providers)
    providers = tuple(
        Provider(pid, float(site_lon[k]), float(site_lat[k]), f"Provider {i + 1} ({site_name[k]})")
        for i, (pid, k) in enumerate(zip(provider_ids, site, strict=True))
    )
    home_xy = _metric(network, lon, lat)
    winner = tender(
        home_xy, _metric(network, site_lon[site], site_lat[site]), shares, s.framework, seeds[5]
    )

    recipient_ids = _ids("R", n)
    recipients = tuple(
        Recipient(rid, float(x), float(y), provider_ids[p])
        for rid, x, y, p in zip(recipient_ids, lon, lat, winner, strict=True)
    )
    visits = package_visits(recipient_ids, packages)

    spans = slot_spans(s.package)
    owner = {rid: p for rid, p in zip(recipient_ids, winner, strict=True)}
    by_provider: list[list] = [[] for _ in providers]
    for visit in visits:
        by_provider[owner[visit.recipient_id]].append(visit)
    work = np.array([sum(v.duration_s * v.carers_required for v in vs) for vs in by_provider])
    fixed = apportion(s.workforce.count, work) if s.workforce.count else [None] * len(providers)
    teams = [
        staff(visit_demand(tuple(vs), spans), spans, s.workforce, seeds[8 + p], fixed[p], pid)
        for p, (pid, vs) in enumerate(zip(provider_ids, by_provider, strict=True))
        if vs
    ]
    team_ids = [pid for pid, vs in zip(provider_ids, by_provider, strict=True) if vs]
    n_carers = sum(len(t) for t in teams)
    carer_homes = homes(apportion(n_carers, area.total), seeds[6])
    order = np.random.default_rng(seeds[7]).permutation(n_carers)  # providers recruit anywhere
    carers = team_carers(
        teams, team_ids, carer_homes.lon[order], carer_homes.lat[order], s.workforce
    )

    instance = Instance(recipients, visits, carers, providers)
    # Every home must snap to the road network within the limit.
    people = [*instance.recipients, *instance.carers]
    snapped = snap_points(
        network,
        np.array([p.lon for p in people]),
        np.array([p.lat for p in people]),
        max_distance_m=s.area.max_snap_m,
        ids=[p.id for p in people],
    )
    homes_snapped = snapped.take(np.arange(n))
    street = np.where(
        homes_snapped.twin >= 0,
        np.minimum(homes_snapped.edge, homes_snapped.twin),
        homes_snapped.edge,
    )
    fragments = fragmentation(home_xy, winner, small_area, street)

    summary = _summary(s, seed, area, instance, packages.weekly_contact_s(), older, fragments)
    logger.info(
        "generated %d recipients, %d visits, %d carers, %d providers for %s",
        n,
        len(visits),
        len(carers),
        len(providers),
        area.name,
    )
    return GeneratedArea(instance, fragments, area, snapped, summary)


def _summary(
    scenario: Scenario,
    seed: int,
    area: AreaPopulation,
    instance: Instance,
    contact_s: np.ndarray,
    older: np.ndarray,
    fragments: Fragmentation,
) -> dict[str, Any]:
    visits, carers = instance.visits, instance.carers
    lengths = np.array([v.duration_s // 60 for v in visits])
    per_day = len(visits) / 7 / max(len(instance.recipients), 1)
    return {
        "scenario": scenario.name,
        "seed": seed,
        "area": {
            "code": area.code,
            "name": area.name,
            "small_areas": len(area),
            "residents": int(area.total.sum()),
            "aged_65_plus": int(area.aged_65_plus.sum()),
        },
        "recipients": len(instance.recipients),
        "recipients_aged_65_plus": int(older.sum()),
        "visits_per_week": len(visits),
        "calls_per_recipient_per_day": round(per_day, 3),
        "contact_hours_per_recipient_per_week": round(float(contact_s.mean()) / 3600, 2),
        "visit_length_shares": {
            f"{m} min": round(float((lengths == m).mean()), 4)
            for m in scenario.package.visit_lengths_min
        },
        "double_handed_visit_share": round(
            float(np.mean([v.carers_required == 2 for v in visits])), 4
        ),
        "carers": len(carers),
        "walking_carers": sum(c.travel_mode == "walk" for c in carers),
        "contracted_hours_per_week": round(sum(c.contracted_s for c in carers) / 3600, 1),
        "providers": len(instance.providers),
        "fragmentation": {k: round(v, 4) for k, v in asdict(fragments).items()},
    }


def write_area(generated: GeneratedArea, out: str | os.PathLike[str]) -> list[Path]:
    """Write the instance as CSV files and a GeoPackage, plus ``summary.json``.

    Parameters
    ----------
    generated
        The generated area.
    out
        Output folder (created if missing).

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out)
    write_instance(generated.instance, out, "csv")
    write_instance(generated.instance, out / "instance.gpkg", "gpkg")
    with atomic_path(out / "summary.json") as path:
        path.write_text(json.dumps(generated.summary, indent=2) + "\n", encoding="utf-8")
    names = ("recipients.csv", "visits.csv", "carers.csv", "providers.csv", "instance.gpkg")
    return [out / name for name in (*names, "summary.json")]
