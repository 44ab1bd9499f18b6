"""Paths to test data and small graphs a person can check by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import shapely

from roster.geo.network import RoadNetwork, SpeedModel, network_from_graph

DATA = Path(__file__).parent / "data"
ITS_EXAMPLE = DATA / "leeds-its-example.osm.pbf"


def line_graph() -> nx.MultiDiGraph:
    """Three junctions on an east-west line near Oakham, 0.01 degrees apart.

    A-B is a two-way 1,000 m street, B-C a one-way 500 m street (east only), and C-A a two-way
    3,000 m lane that loops south of the line (through 52.65 N). With speeds of 36 km/h
    (10 m/s) every time is length / 10 in seconds. Lengths are given, not measured.
    """
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for name, lon in (("A", -0.73), ("B", -0.72), ("C", -0.71)):
        graph.add_node({"A": 1, "B": 2, "C": 3}[name], x=lon, y=52.67)
    roads = [(1, 2, 1000), (2, 1, 1000), (2, 3, 500), (3, 1, 3000), (1, 3, 3000)]
    lane = shapely.LineString([(-0.71, 52.67), (-0.72, 52.65), (-0.73, 52.67)])
    for u, v, length in roads:
        shape = {(3, 1): lane, (1, 3): lane.reverse()}.get((u, v))
        extra = {} if shape is None else {"geometry": shape}
        graph.add_edge(
            u, v, length=float(length), highway="residential", maxspeed="36 km/h", **extra
        )
    return graph


def line_networks() -> dict[str, RoadNetwork]:
    """Return :func:`line_graph` as drive (10 m/s) and walk networks, walkers using B-C both ways.

    The small Oakham instance (:data:`INSTANCE_SMALL`) lies along it: every home is within
    500 m of a road.
    """
    return {
        mode: network_from_graph(line_graph(), mode, "line", SpeedModel(urban_factor=1.0))
        for mode in ("drive", "walk")
    }


INSTANCE_SMALL = DATA / "instance_small"


def crash_once(marker, cell, cache_dir=None):
    """Run a sweep cell, but kill the worker process the first time (while ``marker`` exists).

    The marker file is removed before the worker dies, so the cell's second attempt, on
    another (or the restarted) worker, runs normally.
    """
    import os
    from pathlib import Path

    from roster.comparison.sweep import run_cell

    if Path(marker).exists():
        Path(marker).unlink()
        os._exit(1)
    return run_cell(cell, cache_dir)


def bad_output_folders(folder: Path) -> list[tuple[Path, str]]:
    """Make a file and a non-empty folder in ``folder``; return each with the refusal's words."""
    a_file = folder / "a-file"
    a_file.write_text("x")
    full = folder / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    return [(a_file, "is a file"), (full, "use --force")]


def osm_as_place(monkeypatch, extract: Path, folder: Path) -> dict[str, int]:
    """Make OSMnx's downloads by place name answer from a local extract, counting the calls.

    ``graph_from_place`` gives the extract's roads for the mode, unsimplified (as OSMnx gives
    them with ``simplify=False``); ``features_from_place`` gives the extract's features for the
    tags (read by OSMnx from the extract as OSM XML). So a place name must give what the
    extract gives, with no internet access.
    """
    import osmium
    import osmnx as ox

    from roster.geo.network import _graph_from_file

    xml = extract
    if extract.suffix != ".osm":
        xml = folder / f"{extract.name}.osm"
        with osmium.SimpleWriter(str(xml)) as writer:
            for obj in osmium.FileProcessor(str(extract)):
                writer.add(obj)
    calls = {"graph": 0, "features": 0}

    def graph_from_place(query, *, network_type, simplify, retain_all, **_):
        assert not simplify  # roster clips before it simplifies
        calls["graph"] += 1
        return _graph_from_file(extract, network_type, simplify=False)[0]

    def features_from_place(query, tags, **_):
        calls["features"] += 1
        return ox.features_from_xml(xml, tags=tags)

    monkeypatch.setattr(ox, "graph_from_place", graph_from_place)
    monkeypatch.setattr(ox, "features_from_place", features_from_place)
    return calls


#: What requests raises on a machine with no internet access (OSMnx lets it through).
OFFLINE = (
    "HTTPSConnectionPool(host='nominatim.openstreetmap.org', port=443): Max retries exceeded "
    "with url: /search?q=Leeds%2C+England\n(Caused by NameResolutionError('Failed to resolve'))"
)


def offline(monkeypatch) -> None:
    """Make OSMnx's downloads fail as they do offline: requests' ConnectionError."""
    import osmnx as ox
    import requests

    def refuse(*args, **kwargs):
        raise requests.exceptions.ConnectionError(OFFLINE)

    monkeypatch.setattr(ox, "graph_from_place", refuse)
    monkeypatch.setattr(ox, "features_from_place", refuse)
