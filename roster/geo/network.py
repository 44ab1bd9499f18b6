"""Load a drive or walk road network from a local OSM extract (or a place name) and cache it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

import numpy as np
import shapely
from pyproj import CRS, Transformer

from roster.errors import NetworkError
from roster.geo.costs import LENGTH_BITS
from roster.io import atomic_path
from roster.model import TRAVEL_MODES

if TYPE_CHECKING:
    import networkx as nx
    import osmium

    from roster.geo.hierarchy import Hierarchy

logger = logging.getLogger(__name__)

OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".xml")

# Bump when the processing below or the cache's arrays change, so stale caches are not reused.
_CACHE_VERSION = 6

#: A council's network keeps the roads within this distance of its boundary (metres), so that a
#: home near the edge keeps its roads and a journey between two such homes may cut through a
#: neighbour. The shipped council and MSOA boundaries are generalised and differ by up to about
#: 500 m, and Geofabrik's county extracts reach up to about 2.5 km beyond the county (Rutland's
#: does), so at 3 km Rutland's extract keeps every road.
CLIP_BUFFER_M = 3000

MPH_TO_KPH = 1.609344

# UK speed limits (mph) assumed where a way has no usable `maxspeed`. Residential and unclassified
# roads are usually in 30 mph built-up areas or narrow rural lanes; both are driven at about 30 mph.
UK_DEFAULT_MPH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 70,
        "motorway_link": 40,
        "trunk": 60,
        "trunk_link": 40,
        "primary": 60,
        "primary_link": 30,
        "secondary": 50,
        "secondary_link": 30,
        "tertiary": 40,
        "tertiary_link": 30,
        "unclassified": 30,
        "residential": 30,
        "living_street": 10,
        "service": 10,
        "road": 30,
        "busway": 30,
    }
)

# UK `maxspeed` keywords (https://wiki.openstreetmap.org/wiki/Key:maxspeed#United_Kingdom).
_UK_KEYWORD_MPH = {
    "national": 60,
    "gb:nsl_single": 60,
    "gb:nsl_dual": 70,
    "gb:motorway": 70,
    "uk:nsl_single": 60,
    "uk:nsl_dual": 70,
    "uk:motorway": 70,
    "gb:zone20": 20,
    "gb:zone30": 30,
    "walk": 4,
    "none": 70,
    "signals": 30,
}


@dataclass(frozen=True)
class SpeedModel:
    """How road speeds and walking speed are set.

    Parameters
    ----------
    default_mph
        Speed limit assumed per OSM ``highway`` class when ``maxspeed`` is missing or unreadable.
    fallback_mph
        Speed limit for a ``highway`` class not in ``default_mph``.
    urban_limit_mph
        Roads with a limit at or below this count as urban (30 mph: the UK built-up default).
    urban_factor
        Average speed as a share of the limit on urban roads. DfT: urban local A-roads average
        about 18.4 mph against a 30 mph limit (2017), hence 0.61.
    rural_factor
        Average speed as a share of the limit on faster roads. An assumption (bends, junctions,
        farm traffic), not a published figure.
    walk_kph
        Walking speed, used for walkers and for the leg between the road and the door.
    """

    default_mph: Mapping[str, float] = field(default_factory=lambda: dict(UK_DEFAULT_MPH))
    fallback_mph: float = 30.0
    urban_limit_mph: float = 30.0
    urban_factor: float = 0.61
    rural_factor: float = 0.75
    walk_kph: float = 4.8

    def __post_init__(self) -> None:
        for name in ("urban_factor", "rural_factor"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"SpeedModel.{name} must be in (0, 1], got {value}.")
        if self.walk_kph <= 0 or self.fallback_mph <= 0:
            raise ValueError("SpeedModel speeds must be positive.")
        object.__setattr__(self, "default_mph", dict(self.default_mph))

    @property
    def walk_mps(self) -> float:
        """Walking speed in metres per second."""
        return self.walk_kph / 3.6

    def cache_key(self) -> str:
        """Return a stable text form of the settings, for cache keys."""
        settings = {f.name: getattr(self, f.name) for f in fields(self)}
        settings["default_mph"] = sorted(self.default_mph.items())
        return repr(sorted(settings.items()))

    def drive_kph(self, highway: object, maxspeed: object) -> float:
        """Return the average driving speed (km/h) on a road with these OSM tags."""
        limit = _parse_maxspeed_mph(maxspeed)
        if limit is None:
            classes = highway if isinstance(highway, list) else [highway]
            limit = float(np.mean([self.default_mph.get(c, self.fallback_mph) for c in classes]))
        factor = self.urban_factor if limit <= self.urban_limit_mph else self.rural_factor
        return limit * factor * MPH_TO_KPH


def _parse_maxspeed_mph(maxspeed: object) -> float | None:
    """Read an OSM ``maxspeed`` (or a list of them, after simplification) as mph, or None."""
    values = maxspeed if isinstance(maxspeed, list) else [maxspeed]
    speeds = []
    for value in values:
        if not isinstance(value, str):
            continue
        text = value.strip().lower()
        if text in _UK_KEYWORD_MPH:
            speeds.append(float(_UK_KEYWORD_MPH[text]))
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?", text)
        if match:
            number = float(match.group(1))
            speeds.append(number if match.group(2) == "mph" else number / MPH_TO_KPH)
    return float(np.mean(speeds)) if speeds else None


@dataclass(frozen=True)
class Clip:
    """Keep only the roads within ``buffer_m`` of an outline (a council's boundary).

    Parameters
    ----------
    name
        What the outline is, for messages (e.g. ``"Leeds"``).
    outline_wkt
        The outline in lon/lat, as WKT; the cache key hashes this text, so a run's
        ``run.json`` reloads the same network.
    buffer_m
        How far beyond the outline roads are kept, in metres.
    """

    name: str
    outline_wkt: str
    buffer_m: int = CLIP_BUFFER_M

    @classmethod
    def around(cls, name: str, outline: shapely.Geometry, buffer_m: int = CLIP_BUFFER_M) -> Clip:
        """Return the clip around an outline (lon/lat), its WKT rounded to 1e-6 degrees."""
        return cls(name, shapely.to_wkt(outline, rounding_precision=6), buffer_m)

    @cached_property
    def polygon(self) -> shapely.Geometry:
        """The outline grown by ``buffer_m`` (in a local metric CRS), in lon/lat."""
        outline = shapely.from_wkt(self.outline_wkt)
        centre = shapely.centroid(outline)
        crs = _utm(shapely.get_x(centre), shapely.get_y(centre))
        there = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        grown = shapely.buffer(
            shapely.transform(outline, lambda xy: np.column_stack(there.transform(*xy.T))),
            self.buffer_m,
        )
        polygon = shapely.transform(grown, lambda xy: np.column_stack(back.transform(*xy.T)))
        shapely.prepare(polygon)
        return polygon

    def key(self) -> str:
        """Return a stable text form for cache keys."""
        return hashlib.sha256(f"{self.outline_wkt}|{self.buffer_m}".encode()).hexdigest()

    def describe(self) -> str:
        """E.g. ``"within 3 km of Leeds"``."""
        return f"within {self.buffer_m / 1000:g} km of {self.name}"

    def to_json(self) -> dict[str, object]:
        """Return the fields, for ``run.json`` and the cache."""
        return {"name": self.name, "outline_wkt": self.outline_wkt, "buffer_m": self.buffer_m}

    @classmethod
    def from_json(cls, data: Mapping[str, object] | None) -> Clip | None:
        """Read what :meth:`to_json` wrote (None stays None: the whole extract)."""
        return None if data is None else cls(**data)  # type: ignore[arg-type]


def _utm(lon: float, lat: float) -> CRS:
    """Return the CRS of the UTM zone at a point."""
    zone = int((lon + 180) // 6) + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A strongly connected road network for one travel mode, as arrays.

    Node ``i`` of the arrays is ``node_ids[i]`` in ``graph``. Each edge ``e`` runs from
    ``edge_u[e]`` to ``edge_v[e]`` with integer ``edge_time_ms`` and ``edge_length_dm``
    (decimetres, so sums stay exact); ``edge_geometry`` holds its shape in lon/lat and
    ``edge_highway`` its OSM ``highway`` class (the first, where simplification merged several),
    ``edge_name`` its OSM ``name`` ("" if none; names of merged ways joined with "/").

    Parameters
    ----------
    mode
        ``"drive"`` or ``"walk"``.
    source
        Where the network came from (file path or place name).
    speeds
        The speed model the travel times were computed with.
    clip
        The outline its roads were clipped to (None: the whole extract or place).
    """

    mode: str
    source: str
    speeds: SpeedModel
    node_ids: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_time_ms: np.ndarray
    edge_length_dm: np.ndarray
    edge_geometry: np.ndarray
    edge_highway: np.ndarray
    edge_name: np.ndarray
    clip: Clip | None = None

    @property
    def n_nodes(self) -> int:
        """Number of road nodes (junctions and dead ends)."""
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        """Number of directed road edges."""
        return len(self.edge_u)

    @property
    def length_km(self) -> float:
        """Total length of directed edges, in km (two-way roads count twice)."""
        return float(self.edge_length_dm.sum()) / 1e4

    @property
    def edge_cost(self) -> np.ndarray:
        """Each edge's packed cost, ``edge_time_ms * LENGTH_BITS + edge_length_dm``."""
        return self.edge_time_ms * LENGTH_BITS + self.edge_length_dm

    @cached_property
    def hierarchy(self) -> Hierarchy:
        """The contraction hierarchy of the packed costs (built once, kept in the cache)."""
        from roster.geo.hierarchy import Hierarchy, contract  # Numba: only when a matrix needs it

        stored = self.__dict__.pop("_hierarchy_arrays", None)
        if stored is not None:
            return Hierarchy(**stored)
        return contract(self.n_nodes, self.edge_u, self.edge_v, self.edge_cost)

    @cached_property
    def crs(self) -> CRS:
        """A local metric CRS (UTM zone) for distances."""
        return _utm(float(np.median(self.node_lon)), float(np.median(self.node_lat)))

    @cached_property
    def to_metric(self) -> Transformer:
        """Transformer from lon/lat to the local metric CRS."""
        return Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    @cached_property
    def edge_geometry_m(self) -> np.ndarray:
        """Edge shapes in the local metric CRS."""
        return shapely.transform(self.edge_geometry, self._project, interleaved=False)

    @cached_property
    def edge_twin(self) -> np.ndarray:
        """For each edge, the reverse edge of the same road (same length within 0.1 m), or -1.

        The reverse edge of ``u -> v`` with length ``l`` is the first edge (lowest index)
        ``v -> u`` of length ``l``, else ``l - 1``, else ``l + 1`` decimetres. Vectorised: each
        (u, v, length) becomes one integer, and the reversed keys are looked up in the edges'
        keys, sorted stably (so equal keys keep the lowest edge first).
        """
        n, nodes = self.n_edges, self.n_nodes
        u, v = self.edge_u.astype(np.int64), self.edge_v.astype(np.int64)
        length = self.edge_length_dm.astype(np.int64)
        span = int(length.max()) + 3  # length + step + 1 lies in 0 .. span - 1
        pair, back = u * nodes + v, v * nodes + u
        if nodes**2 * span >= 2**62:  # millions of nodes: number the node pairs first
            numbered = np.unique(np.concatenate([pair, back]), return_inverse=True)[1]
            pair, back = numbered[:n], numbered[n:]
        keys = pair * span + length + 1
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        twin = np.full(n, -1, dtype=np.int64)
        for step in (0, -1, 1):
            sought = back * span + length + step + 1
            at = np.minimum(np.searchsorted(ordered, sought), n - 1)
            found = (twin < 0) & (ordered[at] == sought)
            twin[found] = order[at[found]]
        return twin

    def _project(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.to_metric.transform(x, y)

    def describe(self) -> str:
        """One line: mode, nodes, edges and length."""
        clipped = f" ({self.clip.describe()})" if self.clip else ""
        return (
            f"{self.mode} network from {Path(self.source).name}{clipped}: {self.n_nodes:,} "
            f"nodes, {self.n_edges:,} directed edges, {self.length_km:,.0f} km"
        )


def default_cache_dir() -> Path:
    """Return the network cache folder: ``$ROSTER_CACHE_DIR`` or ``~/.cache/roster``."""
    return Path(os.environ.get("ROSTER_CACHE_DIR", Path.home() / ".cache" / "roster"))


def is_osm_file(source: str | os.PathLike[str]) -> bool:
    """Whether ``--area`` names an OSM file (by its suffix, or because it exists), not a place."""
    path = Path(source)
    return path.suffix in {".pbf", ".osm", ".bz2", ".xml"} or path.exists()


def load_network(
    source: str | os.PathLike[str],
    mode: str = "drive",
    speeds: SpeedModel | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    clip: Clip | None = None,
) -> RoadNetwork:
    """Load a road network from an OSM extract, using the on-disk cache when it is valid.

    Parameters
    ----------
    source
        A local OSM file (``.osm.pbf``, ``.osm``, ``.osm.bz2``) or, when online, a place name
        such as ``"Rutland, England"`` (downloaded with OSMnx, then cached like a file).
    mode
        ``"drive"`` or ``"walk"``.
    speeds
        Speed model; defaults to :class:`SpeedModel` ().
    cache_dir
        Folder for processed networks; ``None`` uses :func:`default_cache_dir`. The cache key is
        the file's content hash (or the place name), the mode, the speed settings and the clip.
    clip
        Keep only the roads inside this outline (nodes outside it are dropped and ways split
        there, before the graph is built). A clip that no road reaches is not applied: the
        network is then the whole extract (the caller's coverage check explains the mismatch).

    Raises
    ------
    NetworkError
        If the mode is unknown, the file is missing, unreadable, empty or has no roads, or a
        place cannot be downloaded.
    """
    if mode not in TRAVEL_MODES:
        raise NetworkError(f"unknown travel mode '{mode}'; use one of {', '.join(TRAVEL_MODES)}")
    speeds = speeds or SpeedModel()
    path = Path(source)
    is_file = is_osm_file(source)
    if is_file and not path.is_file():
        raise NetworkError("OSM file not found", file=str(path))
    if is_file and path.stat().st_size == 0:
        raise NetworkError("OSM file is empty", file=str(path))

    digest = _file_digest(path) if is_file else hashlib.sha256(str(source).encode()).hexdigest()
    clipped = clip.key() if clip else "whole"
    key = hashlib.sha256(
        f"{_CACHE_VERSION}|{digest}|{mode}|{speeds.cache_key()}|{clipped}".encode()
    ).hexdigest()[:20]
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cached = cache / f"{path.name if is_file else 'place'}-{mode}-{key}.npz"
    if cached.is_file():
        try:
            network = _read_cache(cached, speeds)
            logger.info("loaded %s from cache %s", network.describe(), cached)
            return network
        except Exception:  # a corrupt or incompatible cache is rebuilt, never trusted
            logger.warning("ignoring unreadable network cache %s", cached)

    if is_file:
        graph, clip = _graph_from_file(path, mode, clip)
    else:
        graph, clip = _graph_from_place(str(source), mode, clip, cache)
    network = network_from_graph(graph, mode, str(source), speeds, clip)
    logger.info("built %s", network.describe())
    cache.mkdir(parents=True, exist_ok=True)
    _write_cache(cached, network)
    return network


#: RoadNetwork fields stored as arrays in the cache (geometry and classes go apart).
_CACHED_ARRAYS = (
    "node_ids",
    "node_lon",
    "node_lat",
    "edge_u",
    "edge_v",
    "edge_time_ms",
    "edge_length_dm",
)


def _write_cache(path: Path, network: RoadNetwork) -> None:
    """Store the network's arrays, edge shapes and hierarchy in one .npz (written atomically).

    Plain arrays load in a fraction of the time a pickled graph takes on a city-size network.
    """
    coords, edge_of_coord = shapely.get_coordinates(network.edge_geometry, return_index=True)
    hierarchy = {f"hierarchy_{k}": v for k, v in network.hierarchy.arrays().items()}
    clip = network.clip.to_json() if network.clip else None
    meta = {"mode": network.mode, "source": network.source, "clip": clip}
    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        np.savez(
            handle,
            meta=np.array(json.dumps(meta)),
            edge_coords=coords,
            edge_of_coord=edge_of_coord,
            edge_highway=network.edge_highway.astype(str),
            edge_name=network.edge_name.astype(str),
            **{name: getattr(network, name) for name in _CACHED_ARRAYS},
            **hierarchy,
        )


def _read_cache(path: Path, speeds: SpeedModel) -> RoadNetwork:
    """Read a network written by :func:`_write_cache` (its key already matched the speeds)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        geometry = shapely.linestrings(data["edge_coords"], indices=data["edge_of_coord"])
        network = RoadNetwork(
            mode=meta["mode"],
            source=meta["source"],
            speeds=speeds,
            clip=Clip.from_json(meta["clip"]),
            edge_geometry=np.asarray(geometry, dtype=object),
            edge_highway=data["edge_highway"].astype(object),
            edge_name=data["edge_name"].astype(object),
            **{name: data[name] for name in _CACHED_ARRAYS},
        )
        prefix = "hierarchy_"
        hierarchy = {k[len(prefix) :]: data[k] for k in data.files if k.startswith(prefix)}
    if len(geometry) != network.n_edges or len(hierarchy["rank"]) != network.n_nodes:
        raise ValueError(f"inconsistent network cache {path}")
    # The hierarchy as built; it becomes a Hierarchy on first use (which imports Numba).
    network.__dict__["_hierarchy_arrays"] = hierarchy
    return network


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _way_filter(mode: str) -> list[tuple[str, re.Pattern[str] | None]]:
    """OSMnx's own Overpass filter for the mode, as (key, forbidden-values) pairs.

    ``["highway"]`` means the key must be present (None); ``["k"!~"a|b"]`` forbids values.
    """
    import osmnx as ox  # only to build a network: a cached one loads without it

    text = ox._overpass._get_network_filter(mode)
    rules: list[tuple[str, re.Pattern[str] | None]] = []
    for key, pattern in re.findall(r'\["([^"]+)"(?:!~"([^"]*)")?\]', text):
        rules.append((key, re.compile(pattern) if pattern else None))
    return rules


def _keeps(tags: osmium.osm.TagList, rules: list[tuple[str, re.Pattern[str] | None]]) -> bool:
    for key, forbidden in rules:
        value = tags.get(key)
        if forbidden is None:
            if value is None:
                return False
        elif value is not None and forbidden.search(value):
            return False
    return True


#: A way read from an extract: its id, node ids and tags.
_Way = tuple[int, list[int], dict[str, str]]


def _graph_from_file(
    path: Path, mode: str, clip: Clip | None = None, simplify: bool = True
) -> tuple[nx.MultiDiGraph, Clip | None]:
    """Read ways for the mode with pyosmium, write them as OSM XML, and let OSMnx build the graph.

    Ways are filtered first (``graph_from_xml`` would otherwise load every highway), and ways
    clipped at the extract's edge, or leaving the clip, are split where nodes are missing.
    Returns the graph (simplified unless ``simplify`` is false) and the clip applied (None
    when no road reaches the clip).
    """
    import osmium  # only to read an extract (a cached network needs none of it)
    import osmnx as ox  # only to build a network: a cached one loads without it

    rules = _way_filter(mode)
    useful = set(ox.settings.useful_tags_way)
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    try:
        entities = osmium.osm.NODE | osmium.osm.WAY
        for obj in osmium.FileProcessor(str(path), entities).with_locations():
            if not obj.is_way() or not _keeps(obj.tags, rules):
                continue
            tags = {tag.k: tag.v for tag in obj.tags if tag.k in useful}
            for piece, run in enumerate(_valid_runs(obj.nodes)):
                for ref, lon, lat in run:
                    nodes[ref] = (lon, lat)
                # Pieces of a split way get new negative ids so OSMnx keeps them apart.
                way_id = obj.id if piece == 0 else -(obj.id * 1000 + piece)
                ways.append((way_id, [ref for ref, _, _ in run], tags))
    except RuntimeError as error:
        raise NetworkError(f"cannot read OSM file: {error}", file=str(path)) from error
    if not ways:
        raise NetworkError(f"no {mode} roads found in OSM file", file=str(path))
    logger.info("read %d %s ways and %d nodes from %s", len(ways), mode, len(nodes), path)
    if clip is not None:
        nodes, ways, clip = _clip_ways(nodes, ways, clip, mode)

    with tempfile.TemporaryDirectory() as folder:
        xml = Path(folder) / "network.osm"
        _write_osm_xml(xml, nodes, ways)
        graph = ox.graph_from_xml(
            xml, bidirectional=mode == "walk", simplify=simplify, retain_all=True
        )
    return graph, clip


def _clip_ways(
    nodes: dict[int, tuple[float, float]],
    ways: list[_Way],
    clip: Clip,
    mode: str,
) -> tuple[dict[int, tuple[float, float]], list[_Way], Clip | None]:
    """Drop the nodes outside the clip and split ways there (pieces of 2+ nodes are kept).

    When no node lies inside, nothing is dropped and the clip is not applied (None).
    """
    refs = np.fromiter(nodes, dtype=np.int64, count=len(nodes))
    xy = np.array(list(nodes.values()), dtype=float).reshape(-1, 2)
    inside = shapely.contains_xy(clip.polygon, xy[:, 0], xy[:, 1])
    if not inside.any():
        logger.warning("no %s road lies %s: the network is not clipped", mode, clip.describe())
        return nodes, ways, None
    if inside.all():
        return nodes, ways, clip
    kept = set(refs[inside].tolist())
    pieces = []
    for way_id, way_refs, tags in ways:
        runs: list[list[int]] = [[]]
        for ref in way_refs:
            if ref in kept:
                runs[-1].append(ref)
            elif runs[-1]:
                runs.append([])
        runs = [run for run in runs if len(run) >= 2]
        for piece, run in enumerate(runs):
            # A piece after the first gets a new id that no other way (or piece) has.
            new_id = way_id if piece == 0 else -(abs(way_id) * 1000 + 500 + piece)
            pieces.append((new_id, run, tags))
    used = {ref for _, run, _ in pieces for ref in run}
    logger.info(
        "clipped the %s roads to %s: %d of %d nodes kept",
        mode,
        clip.describe(),
        len(used),
        len(nodes),
    )
    return {ref: nodes[ref] for ref in used}, pieces, clip


def _valid_runs(way_nodes: osmium.osm.WayNodeList) -> list[list[tuple[int, float, float]]]:
    """Split a way's nodes into runs of at least two nodes that have locations."""
    runs: list[list[tuple[int, float, float]]] = [[]]
    for node in way_nodes:
        if node.location.valid():
            runs[-1].append((node.ref, node.lon, node.lat))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def _write_osm_xml(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n')
        for ref, (lon, lat) in nodes.items():
            out.write(f'<node id="{ref}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        for way_id, refs, tags in ways:
            out.write(f'<way id="{way_id}">')
            out.write("".join(f'<nd ref="{ref}"/>' for ref in refs))
            out.write("".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()))
            out.write("</way>\n")
        out.write("</osm>\n")


@contextmanager
def osmnx_downloads(cache: Path):
    """Let OSMnx download from OpenStreetMap, keeping its HTTP cache in ``cache/osmnx``.

    (OSMnx's default is a ``cache`` folder in the working directory.) The settings are put back
    afterwards.
    """
    import osmnx as ox

    before = ox.settings.cache_folder
    ox.settings.cache_folder = str(cache / "osmnx")
    try:
        yield ox
    finally:
        ox.settings.cache_folder = before


def download_error(what: str, place: str, error: Exception) -> NetworkError:
    """Return the one-line error for a failed download from OpenStreetMap (offline, refused)."""
    first = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
    reason = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return NetworkError(
        f"cannot download {what} for {place!r} from OpenStreetMap ({reason}); is this machine "
        "online? Pass --area EXTRACT.osm.pbf, a local OSM extract, instead",
        field="area",
    )


def _graph_from_place(
    place: str, mode: str, clip: Clip | None, cache: Path
) -> tuple[nx.MultiDiGraph, Clip | None]:
    """Download a network by place name (needs internet access to Nominatim and Overpass).

    The graph is clipped as an extract is (nodes outside dropped, before simplification).
    """
    with osmnx_downloads(cache) as ox:
        try:
            graph = ox.graph_from_place(place, network_type=mode, simplify=False, retain_all=True)
        except Exception as error:  # requests' connection errors, Nominatim finding nothing
            raise download_error(f"the {mode} roads", place, error) from error
        if clip is not None:
            xy = np.array([(d["x"], d["y"]) for _, d in graph.nodes(data=True)], dtype=float)
            inside = shapely.contains_xy(clip.polygon, *xy.reshape(-1, 2).T)
            if not inside.any():
                logger.warning("no %s road lies %s: not clipped", mode, clip.describe())
                clip = None
            else:
                graph = graph.subgraph(
                    [n for n, keep in zip(graph.nodes, inside, strict=True) if keep]
                ).copy()
        return ox.simplify_graph(graph), clip


def network_from_graph(
    graph: nx.MultiDiGraph,
    mode: str,
    source: str = "graph",
    speeds: SpeedModel | None = None,
    clip: Clip | None = None,
) -> RoadNetwork:
    """Turn an OSMnx-style graph into a :class:`RoadNetwork` (largest strongly connected part).

    Nodes need ``x`` (lon) and ``y`` (lat); edges need ``length`` (metres) and, for driving,
    ``highway`` and optionally ``maxspeed``; an edge ``geometry`` (lon/lat) is optional.
    ``clip`` records the outline the graph was clipped to, if any.
    """
    import networkx as nx
    import osmnx as ox  # only to build a network: a cached one loads without it

    speeds = speeds or SpeedModel()
    if mode == "walk":
        graph = nx.MultiDiGraph(graph)
        for _, _, data in graph.edges(data=True):
            data["oneway"] = False  # walkers use one-way streets both ways
    graph = ox.truncate.largest_component(graph, strongly=True)
    if graph.number_of_nodes() < 2:
        where = f" {clip.describe()}" if clip else ""
        raise NetworkError(
            f"the {mode} network from {source}{where} has fewer than two connected nodes"
        )

    node_ids = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    index = {node: i for i, node in enumerate(node_ids)}
    node_lon = np.array([graph.nodes[n]["x"] for n in node_ids], dtype=float)
    node_lat = np.array([graph.nodes[n]["y"] for n in node_ids], dtype=float)

    edges = list(graph.edges(keys=True, data=True))
    edge_u = np.array([index[u] for u, _, _, _ in edges], dtype=np.int64)
    edge_v = np.array([index[v] for _, v, _, _ in edges], dtype=np.int64)
    length_m = np.array([data["length"] for *_, data in edges], dtype=float)
    if mode == "walk":
        kph = np.full(len(edges), speeds.walk_kph)
    else:
        kph = np.array([speeds.drive_kph(d.get("highway"), d.get("maxspeed")) for *_, d in edges])
    # Integer milliseconds and decimetres make path sums exact in any shortest-path engine;
    # a zero-weight edge would vanish from a sparse matrix, so every edge costs at least 1.
    edge_time_ms = np.maximum(np.rint(length_m / (kph / 3.6) * 1000), 1).astype(np.int64)
    edge_length_dm = np.maximum(np.rint(length_m * 10), 1).astype(np.int64)
    geometry = np.array(
        [
            data.get("geometry")
            or shapely.LineString(
                [(node_lon[index[u]], node_lat[index[u]]), (node_lon[index[v]], node_lat[index[v]])]
            )
            for u, v, _, data in edges
        ],
        dtype=object,
    )
    for (_, _, _, data), kph_value, time_ms in zip(edges, kph, edge_time_ms, strict=True):
        data["speed_kph"] = float(kph_value)
        data["travel_time"] = float(time_ms) / 1000
    return RoadNetwork(
        mode=mode,
        source=source,
        speeds=speeds,
        node_ids=node_ids,
        node_lon=node_lon,
        node_lat=node_lat,
        edge_u=edge_u,
        edge_v=edge_v,
        edge_time_ms=edge_time_ms,
        edge_length_dm=edge_length_dm,
        edge_geometry=geometry,
        edge_highway=np.array([_first(d.get("highway", "")) for *_, d in edges], dtype=object),
        edge_name=np.array([_joined(d.get("name", "")) for *_, d in edges], dtype=object),
        clip=clip,
    )


def _first(value: object) -> str:
    return str(value[0] if isinstance(value, list) else value)


def _joined(value: object) -> str:
    return "/".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


RESIDENTIAL_CLASSES = ("residential", "living_street", "unclassified")


def sample_street_points(
    network: RoadNetwork,
    n: int,
    seed: int,
    classes: tuple[str, ...] = RESIDENTIAL_CLASSES,
    edges: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points along streets of the given ``highway`` classes, weighted by length.

    Parameters
    ----------
    network
        The road network.
    n
        Number of points.
    seed
        Random seed.
    classes
        OSM ``highway`` classes to draw from (residential streets by default).
    edges
        Restrict the draw to these edge indices (e.g. the streets inside one small area).

    Returns
    -------
    lon, lat
        Point coordinates on the street centre lines.
    """
    rng = np.random.default_rng(seed)
    candidates = np.arange(network.n_edges) if edges is None else np.asarray(edges)
    wanted = np.isin(network.edge_highway[candidates], classes)
    pool = candidates[wanted] if wanted.any() else candidates
    weight = network.edge_length_dm[pool].astype(float)
    chosen = rng.choice(pool, size=n, p=weight / weight.sum())
    points = shapely.line_interpolate_point(
        network.edge_geometry[chosen], rng.random(n), normalized=True
    )
    return shapely.get_x(points), shapely.get_y(points)


#: Roads drawn as a map's background are simplified to within about this much (degrees: ~7 m
#: north-south in Britain, ~4 m east-west), and their points kept on a grid of half that.
ROAD_BACKGROUND_TOLERANCE_DEG = 1e-4


def road_lines(
    network: RoadNetwork, tolerance_deg: float = ROAD_BACKGROUND_TOLERANCE_DEG
) -> list[list[list[float]]]:
    """Return each road of a network once, simplified, as ``[[lat, lon], ...]`` lines.

    For a faint background under a map (Leaflet's order: latitude first). A two-way road is
    two directed edges; only one of them is drawn.

    Parameters
    ----------
    network
        The road network.
    tolerance_deg
        How far a simplified line may stray from the road, in degrees.

    Returns
    -------
    list
        One list of ``[lat, lon]`` pairs per road, rounded to a grid of half the tolerance.
    """
    twin = network.edge_twin
    keep = (twin < 0) | (np.arange(network.n_edges) < twin)
    shapes = shapely.simplify(network.edge_geometry[keep], tolerance_deg)
    grid = tolerance_deg / 2
    digits = max(0, int(np.ceil(-np.log10(grid))))
    lines = []
    for shape in shapes:
        xy = np.round(np.round(shapely.get_coordinates(shape) / grid) * grid, digits)
        lines.append(xy[:, ::-1].tolist())
    return lines
