"""Files in and out: instances (CSV, GeoJSON or GeoPackage), polygons, and the atomic writer."""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import json
import logging
import math
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from roster.errors import InputError
from roster.model import (
    DAYS,
    SECONDS_PER_DAY,
    Carer,
    Instance,
    Provider,
    Recipient,
    Shift,
    Visit,
    instance_problems,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

LOGGER = logging.getLogger(__name__)

FORMATS = ("csv", "gpkg", "geojson")
CRS = "EPSG:4326"
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
# GDAL writes 15 decimals by default, which loses the last bits of some coordinates.
_GEOJSON_OPTIONS = {"SIGNIFICANT_FIGURES": 17}


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `path` and move it onto `path` on success.

    Readers never see a half-written file: the caller writes the temporary path, which is
    renamed with `os.replace` when the block ends, or removed if the block raises.

    Parameters
    ----------
    path
        The file to create or replace; its directory must exist.

    Yields
    ------
    Path
        A path that does not exist yet, in the same directory and with the same suffix.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


#: The file in every output folder that lists what the folder holds.
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class OutputFolder:
    """An output folder written as a unit: checked before any work, moved into place at the end.

    Everything is written into a hidden temporary folder beside the target; only when the whole
    block succeeds is ``manifest.json`` added (every file with its size and SHA-256, plus what
    the caller says: seed, command, version) and the folder moved onto the target. An error or
    Ctrl-C leaves the target as it was.

    Parameters
    ----------
    path
        The folder to create or replace.
    force
        Whether a non-empty existing folder may be replaced.
    """

    path: Path
    force: bool = False

    @classmethod
    def check(
        cls,
        path: str | os.PathLike[str],
        *,
        force: bool = False,
        inputs: tuple[str | os.PathLike[str] | None, ...] = (),
    ) -> OutputFolder:
        """Check an output folder before any work is done.

        Parameters
        ----------
        path
            The folder to write (``--out``).
        force
            Allow replacing a folder that is not empty.
        inputs
            Files and folders the run reads; the output folder must not hold any of them.

        Raises
        ------
        InputError
            If the path is a file, is not empty (without ``force``), holds an input, or its
            parent cannot be written; naming the path.
        """
        target = Path(path).expanduser().absolute()
        where = str(path)
        if target.exists() and not target.is_dir():
            raise InputError("The output folder is a file; give a folder.", file=where)
        resolved = target.resolve()
        for item in inputs:
            if item and (
                resolved == Path(item).resolve() or resolved in Path(item).resolve().parents
            ):
                raise InputError(
                    f"The output folder holds an input ({item}); write somewhere else.",
                    file=where,
                )
        if target.is_dir() and any(target.iterdir()) and not force:
            raise InputError(
                "The output folder is not empty; use --force to replace it, or give another.",
                file=where,
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            probe = tempfile.mkdtemp(prefix=f".{target.name}.probe-", dir=target.parent)
            os.rmdir(probe)
        except OSError as error:
            reason = error.strerror or str(error)
            raise InputError(
                f"The output folder cannot be written ({reason}).", file=where
            ) from error
        return cls(target, force)

    @contextmanager
    def writing(self, manifest: dict[str, Any] | None = None) -> Iterator[Path]:
        """Yield a temporary folder to write into; on success, move it onto the target.

        Parameters
        ----------
        manifest
            Extra entries of ``manifest.json`` (seed, command, version); ``files`` is added.
        """
        temporary = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.tmp-", dir=self.path.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o777 & ~umask)  # as mkdir would make it, not mkdtemp's 0o700
        old = self.path.with_name(f".{self.path.name}.old-{secrets.token_hex(4)}")
        try:
            yield temporary
            files = _manifest_files(temporary)
            (temporary / MANIFEST).write_text(
                json.dumps({**(manifest or {}), "files": files}, indent=2) + "\n",
                encoding="utf-8",
            )
            if self.path.exists():
                os.rename(self.path, old)
            os.rename(temporary, self.path)
            LOGGER.info("wrote %d files to %s", len(files) + 1, self.path)
        finally:
            if old.exists() and not self.path.exists():  # interrupted between the two moves
                os.rename(old, self.path)
            shutil.rmtree(temporary, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)


def _manifest_files(folder: Path) -> list[dict[str, Any]]:
    """Every file under a folder with its size and SHA-256, in path order."""
    entries = []
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        entries.append(
            {
                "path": file.relative_to(folder).as_posix(),
                "bytes": file.stat().st_size,
                "sha256": digest.hexdigest(),
            }
        )
    return entries


def write_polygons(
    frame: gpd.GeoDataFrame, path: str | os.PathLike[str], *, layer: str = "neighbourhoods"
) -> Path:
    """Write polygons atomically: GeoJSON in EPSG:4326 for a ``.geojson`` path, else a GeoPackage.

    Parameters
    ----------
    frame
        The polygons and their attributes.
    path
        Where to write; its suffix chooses the format.
    layer
        Name of the GeoPackage layer.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    geojson = Path(path).suffix.lower() == ".geojson"
    options = {"driver": "GeoJSON"} if geojson else {"driver": "GPKG", "layer": layer}
    with atomic_path(path) as temporary:
        (frame.to_crs(CRS) if geojson else frame).to_file(temporary, engine="pyogrio", **options)
    return Path(path)


def _parse_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number.") from None


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number.") from None


def _parse_day(text: str) -> int:
    key = text.lower()
    for day, name in enumerate(_DAY_NAMES):
        if len(key) >= 3 and name.startswith(key):
            return day
    raise ValueError(f"{text!r} is not a day; use Mon to Sun.")


@cache  # an instance repeats a few dozen times of day over thousands of rows
def _parse_time(text: str) -> int:
    match = _TIME.fullmatch(text)
    if match:
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        time_s = hours * 3600 + minutes * 60 + seconds
        if minutes < 60 and seconds < 60 and time_s <= SECONDS_PER_DAY:
            return time_s
    raise ValueError(f"{text!r} is not a time of day; use HH:MM or HH:MM:SS.")


def _parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def _parse_skills(text: str) -> frozenset[str]:
    """Skills are names without case: ``Hoist`` and ``hoist`` are one skill."""
    return frozenset(item.lower() for item in _parse_list(text))


def _parse_shift(text: str) -> Shift:
    day, _, times = text.partition(" ")
    start, _, end = times.partition("-")
    try:
        day_start_end = _parse_day(day), _parse_time(start.strip()), _parse_time(end.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a shift like 'Mon 07:00-14:00'.") from None
    try:
        return Shift(*day_start_end)
    except InputError as error:
        raise ValueError(
            f"Shift {text!r}: {error.message[:1].lower()}{error.message[1:]}"
        ) from None


def _parse_shifts(text: str) -> tuple[Shift, ...]:
    shifts = (_parse_shift(item) for item in _parse_list(text))
    return tuple(sorted(shifts, key=lambda shift: (shift.day, shift.start_s)))


def _seconds_per(unit_s: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _parse_number(text) * unit_s
        if not math.isfinite(value):
            raise ValueError(f"{text!r} is not a finite number.")
        return round(value)

    return parse


def _as_is(value: Any) -> Any:
    return value


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _in_units(unit_s: int) -> Callable[[int], int | float]:
    return lambda seconds: _number(seconds / unit_s)


def _format_time(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _format_skills(skills: frozenset[str]) -> str:
    return ";".join(sorted(skills))


def _format_shifts(shifts: tuple[Shift, ...]) -> str:
    return ";".join(
        f"{DAYS[s.day]} {_format_time(s.start_s)}-{_format_time(s.end_s)}" for s in shifts
    )


_FAIL = object()  # default of a column whose empty cells are errors


@dataclass(frozen=True)
class _Column:
    """One column of a table and the model attribute it fills."""

    name: str
    attribute: str
    parse: Callable[[str], Any] = _as_is
    format: Callable[[Any], Any] = _as_is
    required: bool = True
    default: Any = _FAIL
    #: Whether the value is read without case (``Female`` is ``female``), which is reported.
    caseless: bool = False
    #: Whether the column is written: always, never (read only), or where some item has a value.
    written: Literal["always", "never", "filled"] = "always"


@dataclass(frozen=True)
class _Table:
    """One kind of item: its file or layer name, its class and its columns."""

    name: str
    kind: type
    columns: tuple[_Column, ...]
    required: bool = True
    #: Turns a row's parsed values into the class's arguments (read-only columns dropped).
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    @property
    def located(self) -> bool:
        """Whether the items have a location (point geometry in geographic formats)."""
        return any(column.attribute == "lon" for column in self.columns)

    def column(self, attribute: str | None) -> str | None:
        """Name the column that fills a model attribute."""
        names = {column.attribute: column.name for column in self.columns}
        return names.get(attribute or "", attribute)


def _visit_window(values: dict[str, Any]) -> dict[str, Any]:
    """Return a visit's window: as given, or planned start +- ``tolerance_min`` (in the day)."""
    tolerance_s = values.pop("tolerance_s")
    planned_s = values["planned_start_s"]
    window = values["earliest_start_s"], values["latest_start_s"]
    if tolerance_s is not None:
        if planned_s is None:
            raise InputError("A tolerance needs a planned_start.", field="tolerance_min")
        if window != (None, None):
            raise InputError(
                "Give a window (earliest_start, latest_start) or a tolerance around "
                "planned_start, not both.",
                field="tolerance_min",
            )
        if tolerance_s < 0:
            raise InputError("The tolerance is negative.", field="tolerance_min")
        values["earliest_start_s"] = max(0, planned_s - tolerance_s)
        values["latest_start_s"] = min(SECONDS_PER_DAY, planned_s + tolerance_s)
        return values
    for name, value in zip(("earliest_start", "latest_start"), window, strict=True):
        if value is None:
            given = "" if planned_s is None else " (a planned start needs either)"
            raise InputError(
                "The value is empty; give earliest_start and latest_start, or a tolerance_min "
                f"around planned_start{given}.",
                field=name,
            )
    return values


def _format_optional_time(seconds: int | None) -> str:
    return "" if seconds is None else _format_time(seconds)


_LOCATION = (
    _Column("lon", "lon", _parse_number, float),
    _Column("lat", "lat", _parse_number, float),
)
_PROVIDER_ID = _Column("provider_id", "provider_id", required=False, default=None)
_SKILLS = _Column("skills", "skills", _parse_skills, _format_skills, False, frozenset(), True)
_TABLES = (
    _Table(
        "recipients",
        Recipient,
        (
            _Column("recipient_id", "id"),
            *_LOCATION,
            _PROVIDER_ID,
            _Column(
                "preferred_carer_ids",
                "preferred_carer_ids",
                lambda text: tuple(_parse_list(text)),
                ";".join,
                required=False,
                default=(),
            ),
        ),
    ),
    _Table(
        "visits",
        Visit,
        (
            _Column("visit_id", "id"),
            _Column("recipient_id", "recipient_id"),
            _Column("day", "day", _parse_day, DAYS.__getitem__),
            _Column("earliest_start", "earliest_start_s", _parse_time, _format_time, False, None),
            _Column("latest_start", "latest_start_s", _parse_time, _format_time, False, None),
            _Column("duration_min", "duration_s", _seconds_per(60), _in_units(60)),
            _Column("carers_required", "carers_required", _parse_int, required=False, default=1),
            _SKILLS,
            _Column(
                "gender_preference",
                "gender_preference",
                str.lower,
                required=False,
                default=None,
                caseless=True,
            ),
            _Column(
                "planned_start",
                "planned_start_s",
                _parse_time,
                _format_optional_time,
                required=False,
                default=None,
                written="filled",
            ),
            _Column(
                "tolerance_min",
                "tolerance_s",
                _seconds_per(60),
                required=False,
                default=None,
                written="never",
            ),
        ),
        prepare=_visit_window,
    ),
    _Table(
        "carers",
        Carer,
        (
            _Column("carer_id", "id"),
            *_LOCATION,
            _Column("travel_mode", "travel_mode", str.lower, caseless=True),
            _SKILLS,
            _Column("gender", "gender", str.lower, caseless=True),
            _Column("shifts", "shifts", _parse_shifts, _format_shifts, default=()),
            _Column("contracted_hours", "contracted_s", _seconds_per(3600), _in_units(3600)),
            _PROVIDER_ID,
        ),
    ),
    _Table(
        "providers",
        Provider,
        (
            _Column("provider_id", "id"),
            *_LOCATION,
            _Column("name", "name", required=False, default=""),
        ),
        required=False,
    ),
)


@dataclass(frozen=True)
class _Records:
    """The rows of one file or layer as text, keyed by lower-case column name."""

    file: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    geometry: bool = False

    def error(self, error: ValueError, row: int | None, field: str | None) -> InputError:
        """Locate an error raised while reading this file."""
        message = error.message if isinstance(error, InputError) else str(error)
        if self.geometry and field in ("lon", "lat"):
            field = "geometry"
        return InputError(message, file=self.file, row=row, field=field)


def _text(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


#: Delimiters a CSV file may use; the header row decides which one a file uses.
DELIMITERS = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a vertical bar"}


def _delimiter(first_line: str, path: Path) -> str:
    """Pick the delimiter the header uses most (a comma when it uses none), and say so."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    found = max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))
    if counts[found] == 0:
        return ","
    if found != ",":
        LOGGER.warning(
            "%s: the columns are separated by %s (%r), not commas; reading it so.",
            path,
            DELIMITERS[found],
            found,
        )
    return found


def _read_csv(path: Path) -> _Records:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=_delimiter(text.partition("\n")[0], path)
        )
        header = tuple(name.strip().lower() for name in next(reader, []))
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[len(header) :]):
                raise InputError(
                    f"The row has {len(cells)} cells but the header names {len(header)} "
                    "columns; a cell would be lost.",
                    file=str(path),
                    row=reader.line_num,
                )
            cells_by_name = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
            rows.append((reader.line_num, cells_by_name))
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"The file is not UTF-8 CSV text ({error}).", file=str(path)) from error
    if not header:
        raise InputError("The file is empty.", file=str(path))
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise InputError("The column appears twice.", file=str(path), row=1, field=duplicates[0])
    return _Records(str(path), header, tuple(rows))


def _read_layer(path: Path, layer: str | None, located: bool) -> _Records:
    import pyogrio

    file = str(path) if layer is None else f"{path}|layername={layer}"
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataSourceError as error:
        raise InputError(f"The file cannot be read ({error}).", file=file) from error
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    rows = [
        (index + 2, {name: _text(value) for name, value in record.items()})
        for index, record in enumerate(
            frame.drop(columns="geometry", errors="ignore").to_dict("records")
        )
    ]
    if located:
        points = _points(frame, file)
        for (row, cells), point in zip(rows, points, strict=True):
            if point is None or point.geom_type != "Point" or point.is_empty:
                what = "no geometry" if point is None else f"a {point.geom_type} geometry"
                message = f"The feature has {what}, not a point."
                raise InputError(message, file=file, row=row, field="geometry")
            cells["lon"], cells["lat"] = repr(point.x), repr(point.y)
    columns = tuple(frame.columns) + (("lon", "lat") if located else ())
    return _Records(file, columns, tuple(rows), geometry=True)


def _points(frame: pd.DataFrame, file: str) -> gpd.GeoSeries:
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError("The layer has no point geometry.", file=file, row=1, field="geometry")
    points = frame.geometry
    if points.crs is None:
        LOGGER.warning("%s has no coordinate reference system; assuming %s.", file, CRS)
    elif not points.crs.equals(CRS):
        LOGGER.info("Reprojecting %s from %s to %s.", file, points.crs.to_string(), CRS)
        points = points.to_crs(CRS)
    return points


def _sources(path: Path) -> dict[str, Callable[[], _Records]]:
    """Say how to read each table of the instance at `path`; optional tables may be absent."""
    if path.is_file() and path.suffix.lower() == ".gpkg":
        import pyogrio

        try:
            layers = set(pyogrio.list_layers(path)[:, 0])
        except pyogrio.errors.DataSourceError as error:
            raise InputError(f"The file cannot be read ({error}).", file=str(path)) from error
        sources = {
            table.name: partial(_read_layer, path, table.name, table.located)
            for table in _TABLES
            if table.name in layers
        }
        missing = "The GeoPackage has no layer {name!r}."
    elif path.is_dir():
        sources = {}
        for table in _TABLES:
            files = [path / f"{table.name}.{suffix}" for suffix in ("csv", "geojson")]
            found = [file for file in files if file.is_file()]
            if len(found) > 1:
                message = f"Both {files[0].name} and {files[1].name} exist; keep one."
                raise InputError(message, file=str(path))
            if found == files[:1]:
                sources[table.name] = partial(_read_csv, files[0])
            elif found:
                sources[table.name] = partial(_read_layer, files[1], None, table.located)
        missing = "Neither {name}.csv nor {name}.geojson exists."
    else:
        raise InputError("The path is neither a directory nor a .gpkg file.", file=str(path))
    for table in _TABLES:
        if table.required and table.name not in sources:
            raise InputError(missing.format(name=table.name), file=str(path))
    return sources


def _check_columns(table: _Table, records: _Records) -> None:
    """Refuse missing or misspelt columns; warn, in one line, about other unknown columns.

    An unknown column close to a known one that is absent (``carers_requried``) is an error:
    read as unknown, it would silently turn a double-handed visit into a single-handed one.
    """
    if not records.rows:
        if table.required:
            raise InputError("The file has no data rows.", file=records.file)
        return  # an empty GeoJSON file has no columns at all
    known = {column.name for column in table.columns}
    unknown = [name for name in records.columns if name not in known and name]
    for column in table.columns:
        if column.name in records.columns:
            continue
        match = difflib.get_close_matches(column.name, unknown, n=1, cutoff=0.75)
        if column.required or match:
            kind = "required" if column.required else "optional"
            hint = f"; did you mean {match[0]!r}?" if match else "."
            message = f"The {kind} column {column.name!r} is missing{hint}"
            raise InputError(message, file=records.file, row=1, field=column.name)
    if unknown:
        LOGGER.warning(
            "%s: ignoring %d unknown column(s) %s (known: %s).",
            records.file,
            len(unknown),
            ", ".join(repr(name) for name in unknown),
            ", ".join(column.name for column in table.columns),
        )


def _parse_row(
    table: _Table,
    records: _Records,
    row: int,
    cells: dict[str, str],
    recased: list[tuple[int, str, str]] | None = None,
) -> Any:
    values = {}
    for column in table.columns:
        text = cells.get(column.name, "")
        if column.caseless and recased is not None and text != text.lower():
            recased.append((row, column.name, text))
        try:
            if text:
                values[column.attribute] = column.parse(text)
            elif column.default is not _FAIL:
                values[column.attribute] = column.default
            else:
                raise ValueError("The value is empty.")
        except ValueError as error:
            raise records.error(error, row, column.name) from error
    try:
        return table.kind(**(table.prepare(values) if table.prepare else values))
    except InputError as error:
        raise records.error(error, row, table.column(error.field)) from error


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read an instance from a directory of CSV or GeoJSON files, or from a GeoPackage.

    Parameters
    ----------
    path
        A directory holding recipients, visits, carers and (optionally) providers as
        ``<name>.csv`` or ``<name>.geojson``, or a ``.gpkg`` file with layers of those names.

    Returns
    -------
    Instance
        The validated instance, with items in file order.

    Raises
    ------
    InputError
        For a missing file or column and for every bad value, naming the file, the row
        (header = row 1; for layers, the feature's position + 1) and the field.
    """
    path = Path(path)
    sources = _sources(path)
    items: dict[str, tuple[Any, ...]] = {}
    read: dict[str, tuple[_Table, _Records]] = {}
    for table in _TABLES:
        if table.name not in sources:
            items[table.name] = ()
            continue
        records = sources[table.name]()
        items[table.name] = _read_table(table, records)
        read[table.name] = table, records
    for name, index, error in instance_problems(**items):
        table, records = read[name]
        raise records.error(error, records.rows[index][0], table.column(error.field))
    instance = Instance(**items, origins=_origins(items, read))
    LOGGER.info(
        "Read %d recipients, %d visits, %d carers and %d providers from %s.",
        *(len(items[table.name]) for table in _TABLES),
        path,
    )
    return instance


def read_recipients(path: str | os.PathLike[str]) -> Instance:
    """Read recipients alone, from a recipients CSV or GeoJSON file or an instance's path.

    A file gives an instance with recipients only (no visits, carers or providers; provider ids
    are dropped); a directory or GeoPackage is read whole with :func:`read_instance`.

    Raises
    ------
    InputError
        As :func:`read_instance`, naming the file, row and field.
    """
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".gpkg":
        return read_instance(path)
    if not path.is_file():
        raise InputError("The recipients file does not exist.", file=str(path))
    table = _TABLES[0]
    if path.suffix.lower() == ".csv":
        records = _read_csv(path)
    else:
        records = _read_layer(path, None, table.located)
    recipients = _read_table(table, records)
    if any(r.provider_id for r in recipients):
        LOGGER.info("%s: provider ids are not used when recipients are read alone.", path)
    recipients = tuple(dataclasses.replace(r, provider_id=None) for r in recipients)
    for _, index, error in instance_problems(recipients, (), (), ()):
        raise records.error(error, records.rows[index][0], table.column(error.field))
    origins = _origins({"recipients": recipients}, {"recipients": (table, records)})
    return Instance(recipients, (), (), origins=origins)


def _read_table(table: _Table, records: _Records) -> tuple[Any, ...]:
    """Check a table's columns and parse its rows, reporting values read without case."""
    _check_columns(table, records)
    recased: list[tuple[int, str, str]] = []
    items = tuple(_parse_row(table, records, *row, recased=recased) for row in records.rows)
    if recased:
        shown = "; ".join(
            f"row {row}, field '{field}': {text!r}" for row, field, text in recased[:5]
        )
        more = f" and {len(recased) - 5} more" if len(recased) > 5 else ""
        LOGGER.warning(
            "%s: read %d value(s) in lower case (skills, genders and travel modes have no "
            "case): %s%s.",
            records.file,
            len(recased),
            shown,
            more,
        )
    return items


def _origins(
    items: dict[str, tuple[Any, ...]], read: dict[str, tuple[_Table, _Records]]
) -> dict[tuple[str, str], tuple[str, int]]:
    """Where each item was read: ``(table, id)`` to ``(file, row)``, for later errors."""
    return {
        (name, item.id): (records.file, row)
        for name, (_, records) in read.items()
        for item, (row, _) in zip(items[name], records.rows, strict=True)
    }


def _written(table: _Table, items: tuple[Any, ...]) -> list[_Column]:
    """List the columns written for these items (a ``filled`` one only where some item has it)."""
    return [
        column
        for column in table.columns
        if column.written == "always"
        or (
            column.written == "filled"
            and any(getattr(item, column.attribute) is not None for item in items)
        )
    ]


def _rows(table: _Table, items: tuple[Any, ...]) -> list[dict[str, Any]]:
    columns = _written(table, items)
    return [
        {column.name: column.format(getattr(item, column.attribute)) for column in columns}
        for item in items
    ]


def _names(table: _Table, rows: list[dict[str, Any]]) -> list[str]:
    """Name the columns of written rows, in the table's order (without rows: the usual ones)."""
    present = rows[0].keys() if rows else {c.name for c in table.columns if c.written == "always"}
    return [column.name for column in table.columns if column.name in present]


def _write_csv(table: _Table, rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, _names(table, rows), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_layer(table: _Table, rows: list[dict[str, Any]], path: Path, driver: str) -> None:
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    frame = pd.DataFrame(rows, columns=_names(table, rows))
    if table.located:
        points = gpd.points_from_xy(frame["lon"], frame["lat"], crs=CRS)
        frame = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]), geometry=points)
    options = _GEOJSON_OPTIONS if driver == "GeoJSON" else {}
    pyogrio.write_dataframe(frame, path, layer=table.name, driver=driver, layer_options=options)


def write_instance(
    instance: Instance,
    path: str | os.PathLike[str],
    format: Literal["csv", "gpkg", "geojson"] = "csv",
) -> None:
    """Write an instance in a format `read_instance` reads back to an equal instance.

    Every file is written atomically, and items keep the instance's order.

    Parameters
    ----------
    instance
        The instance to write.
    path
        A directory for ``"csv"`` and ``"geojson"`` (created if missing), a file for ``"gpkg"``.
    format
        ``"csv"``: one CSV file per table; ``"geojson"``: one GeoJSON file per located table
        and ``visits.csv``; ``"gpkg"``: one GeoPackage with a layer per table.
    """
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; use one of {', '.join(FORMATS)}.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {table.name: _rows(table, getattr(instance, table.name)) for table in _TABLES}
    if format == "gpkg":
        with atomic_path(path) as temporary:
            for table in _TABLES:
                _write_layer(table, rows[table.name], temporary, "GPKG")
    else:
        path.mkdir(parents=True, exist_ok=True)
        for table in _TABLES:
            geojson = format == "geojson" and table.located
            with atomic_path(path / f"{table.name}.{'geojson' if geojson else 'csv'}") as file:
                if geojson:
                    _write_layer(table, rows[table.name], file, "GeoJSON")
                else:
                    _write_csv(table, rows[table.name], file)
    LOGGER.info("Wrote the instance to %s as %s.", path, format)
