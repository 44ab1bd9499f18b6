"""Read a council area's population by small area: Census 2021 counts on MSOA polygons."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyogrio
import shapely

from roster.errors import InputError
from roster.scenario import AreaConfig

logger = logging.getLogger(__name__)

_LSOA_NAME = re.compile(r"^(?P<msoa>.+ \d{3})[A-Z]$")
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

    try:
        boundaries = pyogrio.read_dataframe(config.msoa_boundaries)
    except Exception as error:  # pyogrio raises several kinds for a missing or bad file
        raise InputError(
            f"Cannot read boundaries: {error}.", file=config.msoa_boundaries
        ) from error
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
    logger.info(
        "%s (%s): %d small areas, %d residents, %d aged 65+",
        name,
        config.code,
        len(area),
        area.total.sum(),
        area.aged_65_plus.sum(),
    )
    return area
