"""Benchmark: N x N drive matrices on Rutland, scipy engine against the networkx baseline.

Run ``python benchmarks/matrix.py``. It builds (or loads from cache) the Rutland drive network,
draws N random points along residential streets, times the full N x N matrix with the scipy
engine, and times the networkx per-source Dijkstra baseline on a subset of origins (scaled up to
N rows), checking that both agree exactly on the rows they share. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from roster.data import RUTLAND_PBF
from roster.geo.matrix import travel_matrix
from roster.geo.network import load_network, sample_street_points
from roster.geo.snapping import snap_points


def measure(network, n: int, baseline_rows: int, seed: int) -> dict:
    lon, lat = sample_street_points(network, n, seed)
    # doors stand back from the street centre line by up to 20 m
    rng = np.random.default_rng(seed + 1)
    lat = lat + rng.uniform(-20, 20, n) / 111_200
    started = time.perf_counter()
    points = snap_points(network, lon, lat)
    snap_seconds = time.perf_counter() - started

    started = time.perf_counter()
    fast = travel_matrix(network, points)
    seconds = time.perf_counter() - started

    rows = np.arange(min(baseline_rows, n))
    started = time.perf_counter()
    slow = travel_matrix(network, points.take(rows), points, engine="networkx")
    baseline_seconds = (time.perf_counter() - started) * n / len(rows)
    diff = np.abs(slow.travel_time_s - fast.travel_time_s[rows]).max()
    diff_m = np.abs(slow.length_m - fast.length_m[rows]).max()
    return {
        "n": n,
        "seconds": round(seconds, 3),
        "snap_seconds": round(snap_seconds, 3),
        "baseline_seconds": round(baseline_seconds, 2),
        "baseline_rows_timed": len(rows),
        "speedup": round(baseline_seconds / seconds, 1),
        "max_abs_diff_s": int(diff),
        "max_abs_diff_m": int(diff_m),
        "median_trip_s": int(np.median(fast.travel_time_s)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--baseline-rows", type=int, default=200, help="origins timed by networkx")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    network = load_network(RUTLAND_PBF, "drive")
    print(f"{network.describe()} (loaded in {time.perf_counter() - started:.1f} s)")
    for n in args.sizes:
        print(json.dumps(measure(network, n, args.baseline_rows, args.seed)))


if __name__ == "__main__":
    main()
