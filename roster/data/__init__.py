"""Paths to the small real data sets shipped inside the package (see README for attribution)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA_DIR = Path(str(files("roster") / "data"))

#: All of Rutland (unitary authority E06000017), Geofabrik extract of 2022-07-20. ODbL.
RUTLAND_PBF = DATA_DIR / "rutland-2022-07-20.osm.pbf"

#: Leeds city centre and university, about 2.5 km x 2.4 km, highways only. ODbL.
LEEDS_PBF = DATA_DIR / "leeds-university-small.osm.pbf"
