"""Paths to the small real data sets shipped inside the package (see README for attribution)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA_DIR = Path(str(files("roster") / "data"))

#: All of Rutland (unitary authority E06000017), Geofabrik extract of 2022-07-20. ODbL.
RUTLAND_PBF = DATA_DIR / "rutland-2022-07-20.osm.pbf"

#: Leeds city centre and university, about 2.5 km x 2.4 km, highways only. ODbL.
LEEDS_PBF = DATA_DIR / "leeds-university-small.osm.pbf"

#: Census 2021 usual residents by 6 age bands, every LSOA (2021) in England and Wales. OGL v3.
CENSUS_LSOA_AGES = DATA_DIR / "census2021_lsoa_age6_ew.csv.gz"

#: Every MSOA (2011) in England and Wales, super-generalised clipped boundaries. OGL v3.
MSOA_BOUNDARIES = DATA_DIR / "msoa2011_ew_vsimple.geojson.gz"

#: Every UK local authority district (December 2021), ultra-generalised boundaries. OGL v3.
COUNCIL_BOUNDARIES = DATA_DIR / "lad2021_uk_buc.geojson.gz"

#: Codes and names of every UK local authority district (December 2021). OGL v3.
COUNCIL_NAMES = DATA_DIR / "lad2021_names.csv"
