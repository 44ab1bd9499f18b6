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
