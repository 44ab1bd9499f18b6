"""Read a council area's population by small area: Census 2021 counts on MSOA polygons."""

from __future__ import annotations

import difflib
import functools
import gzip
import io
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from roster.errors import InputError
from roster.geo.network import Clip
from roster.scenario import POLYGON_SUFFIXES, AreaConfig

logger = logging.getLogger(__name__)

_LSOA_NAME = re.compile(r"^(?P<msoa>.+ \d{3})[A-Z]$")
#: The study area that is the part of the council the OSM extract covers.
EXTRACT = "extract"
#: An MSOA counts as covered by an extract when this share of its area lies inside it.
COVERED_SHARE = 0.95
_AGE_COLUMNS = ("age_0_15", "age_16_24", "age_25_34", "age_35_49", "age_50_64", "age_65_plus")


@dataclass(frozen=True, eq=False)
class AreaPopulation:
    """Residents of one local authority by small area (MSOA).

    Parameters
    ----------
    code, name
        ONS local authority code and name.
    small_area_codes, small_area_names
        MSOA codes and names, one per small area.
    polygons
        Shapely (multi)polygons in lon/lat, one per small area.
    aged_65_plus, adults_under_65, total
        Residents per small area: aged 65+, aged 16-64, and all ages.
    """

    code: str
    name: str
    small_area_codes: np.ndarray
    small_area_names: np.ndarray
    polygons: np.ndarray
    aged_65_plus: np.ndarray
    adults_under_65: np.ndarray
    total: np.ndarray

    def __len__(self) -> int:
        return len(self.small_area_codes)

    @property
    def outline(self) -> shapely.Geometry:
        """Union of the small areas."""
        return shapely.union_all(self.polygons)


def _read_csv(path: str, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, thousands=",")
    except FileNotFoundError as error:
        raise InputError("Census file not found.", file=path) from error
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError("Missing column.", file=path, field=missing[0])
    return frame


def area_name(config: AreaConfig) -> str:
    """Look up the name of the local authority ``config.code``.

    Raises
    ------
    InputError
        If the code is not in the names file.
    """
    names = _read_csv(config.lad_names, ("LAD21CD", "LAD21NM"))
    match = names.loc[names["LAD21CD"] == config.code, "LAD21NM"]
    if match.empty:
        raise InputError(
            f"Unknown area code {config.code!r}.", file=config.lad_names, field="area.code"
        )
    return str(match.iloc[0])


def resolve_council(text: str, lad_names: str) -> tuple[str, str]:
    """Return the ONS code and name of a council given by name (any case) or code.

    Parameters
    ----------
    text
        A council name such as ``"leeds"`` or ``"Bristol"`` (for "Bristol, City of"), or an ONS
        local authority code such as ``"E08000035"``.
    lad_names
        CSV ``LAD21CD, LAD21NM`` of every local authority.

    Raises
    ------
    InputError
        For an unknown name or code (suggesting the closest names), or a council outside
        England and Wales (the census rows shipped cover those two nations).
    """
    names = _read_csv(lad_names, ("LAD21CD", "LAD21NM"))
    codes = names["LAD21CD"].str.upper().tolist()
    key = text.strip().casefold()
    index = {name.casefold(): i for i, name in enumerate(names["LAD21NM"])}
    index.update({name.split(",")[0].casefold(): i for i, name in enumerate(names["LAD21NM"])})
    if text.strip().upper() in codes:
        row = codes.index(text.strip().upper())
    elif key in index:
        row = index[key]
    else:
        close = difflib.get_close_matches(key, list(index), n=3, cutoff=0.6)
        hint = names["LAD21NM"].iloc[[index[c] for c in close]].drop_duplicates().tolist()
        suggestion = f" Did you mean {' or '.join(hint)}?" if hint else ""
        raise InputError(f"Unknown council {text!r}.{suggestion}", field="council")
    code, name = str(names["LAD21CD"].iloc[row]), str(names["LAD21NM"].iloc[row])
    if code[0] not in "EW":
        raise InputError(
            f"{name} ({code}) is not in England or Wales; the census shipped covers only those.",
            field="council",
        )
    return code, name


def read_polygons(path: str | Path) -> pd.DataFrame:
    """Read a polygon file (GeoJSON, GeoPackage, or gzipped GeoJSON) in lon/lat.

    Raises
    ------
    InputError
        If the file is missing or cannot be read.
    """
    try:
        if str(path).endswith(".gz"):
            with gzip.open(path) as handle:
                frame = pyogrio.read_dataframe(io.BytesIO(handle.read()))
        else:
            frame = pyogrio.read_dataframe(path)
    except Exception as error:  # pyogrio raises several kinds for a missing or bad file
        raise InputError(f"Cannot read polygons: {error}.", file=str(path)) from error
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return frame


def council_outline(config: AreaConfig) -> shapely.Geometry:
    """Return the council's boundary (lon/lat): its polygon in ``config.lad_boundaries``.

    The one home of a council's outline: its road network is clipped to it (see
    :func:`council_clip`). The population comes from its MSOAs, whose generalised union differs
    from this outline by up to about 500 m; the clip's buffer covers that.

    Raises
    ------
    InputError
        If the file lacks ``LAD21CD`` or has no polygon for the council's code.
    """
    boundaries = _boundaries(config.lad_boundaries)
    if "LAD21CD" not in boundaries.columns:
        raise InputError("Missing column.", file=config.lad_boundaries, field="LAD21CD")
    rows = boundaries.loc[boundaries["LAD21CD"] == config.code]
    if rows.empty:
        raise InputError(
            f"No boundary for council {config.code}.", file=config.lad_boundaries, field="LAD21CD"
        )
    return shapely.union_all(shapely.make_valid(rows.geometry.to_numpy()))


def council_clip(config: AreaConfig) -> Clip:
    """Return the clip of the council's road networks: its outline plus ``CLIP_BUFFER_M``.

    Every command that loads a council's networks passes this clip, so they share one cached
    network; ``run.json`` records it for ``roster place``.
    """
    return Clip.around(area_name(config).split(",")[0], council_outline(config))


@functools.lru_cache(maxsize=4)
def _boundaries(path: str) -> pd.DataFrame:
    """Read a boundary file once per process (the national MSOA one takes about 2 s)."""
    return read_polygons(path)


def _counts(path: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Parse the age columns as non-negative integers, naming the first bad cell."""
    for column in (*_AGE_COLUMNS, "total"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = np.flatnonzero(~(values >= 0) | (values % 1 != 0))
        if len(bad):
            row = int(frame.index[bad[0]]) + 2  # header is row 1
            raise InputError("Not a count.", file=path, row=row, field=column)
        frame[column] = values.astype(np.int64)
    return frame


def load_area(config: AreaConfig) -> AreaPopulation:
    """Read population by MSOA for the area: LSOA counts summed into the area's MSOA polygons.

    LSOA (2021) names such as ``"Rutland 005A"`` name their MSOA (``"Rutland 005"``); counts are
    summed per MSOA and joined to the boundary file by name. People in an MSOA without a
    polygon are spread over the whole area (a warning says how many).

    Parameters
    ----------
    config
        The area code and data files.

    Raises
    ------
    InputError
        For an unknown area code, an area with no census rows or no boundaries, or a bad count.
    """
    name = area_name(config)
    prefixes = {name, name.split(",")[0]}  # "Bristol, City of" -> LSOAs "Bristol 001A"
    census = _read_csv(config.lsoa_ages, ("lsoa21_code", "lsoa21_name", *_AGE_COLUMNS, "total"))
    msoa = census["lsoa21_name"].str.extract(_LSOA_NAME)["msoa"]
    mine = msoa.str.rsplit(" ", n=1).str[0].isin(prefixes)
    if not mine.any():
        raise InputError(
            f"No census rows for {name} ({config.code}).",
            file=config.lsoa_ages,
            field="lsoa21_name",
        )
    rows = _counts(config.lsoa_ages, census[mine].copy())
    rows["msoa"] = msoa[mine]
    rows["adults_under_65"] = rows[["age_16_24", "age_25_34", "age_35_49", "age_50_64"]].sum(axis=1)
    by_msoa = rows.groupby("msoa", sort=True)[["age_65_plus", "adults_under_65", "total"]].sum()

    boundaries = _boundaries(config.msoa_boundaries)
    for column in ("msoa11cd", "msoa11nm"):
        if column not in boundaries.columns:
            raise InputError("Missing column.", file=config.msoa_boundaries, field=column)
    boundaries = boundaries[boundaries["msoa11nm"].isin(by_msoa.index)].sort_values("msoa11nm")
    if boundaries.empty:
        raise InputError(
            f"No MSOA boundaries for {name}.", file=config.msoa_boundaries, field="msoa11nm"
        )
    polygons = shapely.make_valid(boundaries.geometry.to_numpy())
    counts = by_msoa.loc[boundaries["msoa11nm"]].to_numpy(dtype=np.int64)
    orphans = by_msoa.drop(index=boundaries["msoa11nm"])
    if not orphans.empty:
        logger.warning(
            "%d MSOAs (%d people) have no boundary; spreading them over %s",
            len(orphans),
            int(orphans["total"].sum()),
            name,
        )
        extra = orphans.to_numpy(dtype=np.int64).sum(axis=0)
        weights = counts / np.maximum(counts.sum(axis=0), 1)
        counts = counts + np.floor(weights * extra).astype(np.int64)
        counts[0] += extra - np.floor(weights * extra).astype(np.int64).sum(axis=0)
    area = AreaPopulation(
        code=config.code,
        name=name,
        small_area_codes=boundaries["msoa11cd"].to_numpy(dtype=str),
        small_area_names=boundaries["msoa11nm"].to_numpy(dtype=str),
        polygons=polygons,
        aged_65_plus=counts[:, 0],
        adults_under_65=counts[:, 1],
        total=counts[:, 2],
    )
    if config.study_area:
        area = study_area(area, config.study_area)
    logger.info(
        "%s (%s): %d small areas, %d residents, %d aged 65+",
        name,
        config.code,
        len(area),
        area.total.sum(),
        area.aged_65_plus.sum(),
    )
    return area


def _take(area: AreaPopulation, keep: np.ndarray, **changes) -> AreaPopulation:
    """Return the small areas ``keep`` of an area, with any field replaced."""
    fields = ("small_area_codes", "small_area_names", "polygons")
    counts = ("aged_65_plus", "adults_under_65", "total")
    return replace(
        area,
        **{f: getattr(area, f)[keep] for f in (*fields, *counts)},
        **changes,
    )


def cut_to(area: AreaPopulation, shape: shapely.Geometry, source: str) -> AreaPopulation:
    """Keep the part of an area inside a polygon, scaling each MSOA's counts by its area share.

    Parameters
    ----------
    area
        The council.
    shape
        The study area (lon/lat).
    source
        Where the shape came from (a file, or ``"extract"``), for the error message.

    Raises
    ------
    InputError
        If the shape overlaps none of the area's MSOAs.
    """
    cut = shapely.intersection(area.polygons, shape)
    share = shapely.area(cut) / np.maximum(shapely.area(area.polygons), 1e-15)
    keep = np.flatnonzero(share > 0.001)
    if not len(keep):
        raise InputError(f"The study area overlaps none of {_owner(area.name)} MSOAs.", file=source)
    scaled = {
        key: np.rint(getattr(area, key)[keep] * share[keep]).astype(np.int64)
        for key in ("aged_65_plus", "adults_under_65", "total")
    }
    studied = _take(area, keep, name=f"{area.name} (study area)")
    logger.info(
        "study area: %d of %s MSOAs, %.1f MSOAs' worth of area",
        len(keep),
        _owner(area.name),
        share[keep].sum(),
    )
    return replace(studied, polygons=cut[keep], **scaled)


def _owner(name: str) -> str:
    """Return the possessive of a name: "Leeds'", "Rutland's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def study_area(area: AreaPopulation, study: tuple[str, ...]) -> AreaPopulation:
    """Cut a council's population to a study area inside it.

    Parameters
    ----------
    area
        The whole council.
    study
        MSOA codes or names of the council (any case), or one polygon file: the MSOAs it
        overlaps are kept, cut to it, with every count scaled by the share of the MSOA's area
        inside the polygon (rounded to whole people). ``("extract",)`` leaves the area whole
        here; the generator cuts it to the road network's extent.

    Raises
    ------
    InputError
        For a code or name that is not one of the council's MSOAs, or a polygon file that
        overlaps none of them.
    """
    if study == (EXTRACT,):
        return area  # cut to the network's extent by :func:`cut_to` once the network is loaded
    if len(study) == 1 and Path(study[0]).suffix.lower() in POLYGON_SUFFIXES:
        shape = shapely.union_all(shapely.make_valid(read_polygons(study[0]).geometry.to_numpy()))
        return cut_to(area, shape, study[0])
    lookup = {code.casefold(): i for i, code in enumerate(area.small_area_codes)}
    lookup.update({name.casefold(): i for i, name in enumerate(area.small_area_names)})
    unknown = [item for item in study if item.strip().casefold() not in lookup]
    if unknown:
        raise InputError(
            f"Not MSOAs of {area.name}: {', '.join(unknown)}.", field="area.study_area"
        )
    keep = np.unique([lookup[item.strip().casefold()] for item in study])
    return _take(area, keep, name=f"{area.name} (study area)")


def check_coverage(area: AreaPopulation, covered: shapely.Geometry, studied: bool) -> None:
    """Check that a road network's extent covers every small area of the area studied.

    Parameters
    ----------
    area
        The council, or the study area inside it.
    covered
        The extent of the road network (lon/lat), e.g. the hull of its nodes.
    studied
        Whether ``area`` is a study area (the message then asks for a smaller one).

    Raises
    ------
    InputError
        If some small area has less than :data:`COVERED_SHARE` of its area inside the extent;
        the message says how many are covered and which, so the user can pass ``--study-area``.
    """
    share = shapely.area(shapely.intersection(area.polygons, covered)) / np.maximum(
        shapely.area(area.polygons), 1e-15
    )
    inside = share >= COVERED_SHARE
    if inside.all():
        return
    codes = area.small_area_codes[inside]
    part = int(((share > 0.05) & ~inside).sum())
    whose = f"{_owner(area.name)} {len(area)} MSOAs"
    partly = f" (and part of {part} more)" if part else ""
    if not len(codes):
        if part:
            raise InputError(
                f"The extract covers none of {whose} whole, only part of {part}; pass "
                "--study-area extract to compare the part it covers.",
                field="area",
            )
        hint = (
            "the census defaults are Rutland's: pass --council NAME for another council"
            if area.code == "E06000017"
            else "is it the right council?"
        )
        raise InputError(f"The extract covers none of {whose}; {hint}.", field="area")
    listed = " ".join(codes)
    advice = "make the study area" if studied else "pass"
    raise InputError(
        f"The extract covers {len(codes)} of {whose}{partly}; {advice} --study-area {listed} "
        "to compare just those, or --study-area extract for all it covers.",
        field="area",
    )
