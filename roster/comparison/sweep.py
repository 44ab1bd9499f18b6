"""Many comparisons for an evaluation: seeds x scenario changes x councils, as Dask tasks.

A sweep file (TOML) names the seeds, the scenario changes to cross (``[grid]``: each
``"table.key"`` with a list of values; every combination is a *variant*) and the councils;
each (council, variant, seed) *cell* is one comparison, run as one task on a Dask cluster.
A finished cell is written to ``cells/<key>.json`` at once, so a rerun skips it and a worker
that dies loses only the cell it was running, which the scheduler runs again elsewhere.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import itertools
import json
import logging
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from roster.comparison.metrics import CONFIDENCE_LEVEL
from roster.comparison.run import load_networks, run_seed
from roster.comparison.summary import summarise
from roster.demand.census import resolve_council
from roster.errors import InputError
from roster.geo.network import is_osm_file
from roster.io import atomic_path
from roster.scenario import scenario_from_dict

logger = logging.getLogger(__name__)

#: Each model's figures kept per cell (from the summary's ``models``).
CELL_METRICS = (
    "travel_time_s",
    "travel_share",
    "driven_distance_m",
    "mileage_cost_gbp",
    "co2_kg",
    "carers_used",
    "visits_unassigned",
    "continuity_mean_carers",
)


@dataclass(frozen=True)
class Council:
    """A council of a sweep and the road network it is compared on.

    Parameters
    ----------
    council
        Name (any case) or ONS code.
    area
        OSM extract.
    study_area
        Part of the council (see :class:`roster.scenario.AreaConfig`); empty for all of it.
    """

    council: str
    area: str
    study_area: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One comparison of a sweep: a council, a variant of the scenario and a seed.

    Parameters
    ----------
    council
        The council and its extract.
    variant
        The variant's name (its changes, ``"table.key=value"`` joined by ``", "``).
    changes
        ``("table.key", value)`` pairs applied to the base scenario.
    seed
        The seed.
    base
        The base scenario's tables (as read from TOML).
    base_dir
        Folder that relative paths in the base scenario are resolved against.
    """

    council: Council
    variant: str
    changes: tuple[tuple[str, Any], ...]
    seed: int
    base: dict[str, Any]
    base_dir: str

    def to_json(self) -> dict[str, Any]:
        """Return the cell as JSON-ready data (the base scenario left out)."""
        return {
            "council": self.council.council,
            "area": self.council.area,
            "study_area": list(self.council.study_area),
            "variant": self.variant,
            "changes": dict(self.changes),
            "seed": self.seed,
        }

    @property
    def key(self) -> str:
        """Return a name for the cell that changes when anything the result depends on does."""
        text = json.dumps([self.to_json(), self.base, self.base_dir], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def scenario_tables(self) -> dict[str, Any]:
        """Return the base scenario's tables with this cell's changes applied."""
        tables = copy.deepcopy(self.base)
        comparison = tables.setdefault("comparison", {})
        comparison.setdefault("workers", 1)  # the cluster runs cells side by side
        for name, value in self.changes:
            table, _, key = name.partition(".")
            tables.setdefault(table, {})[key] = value
        return tables


@dataclass(frozen=True)
class Sweep:
    """A sweep: its cells in order, and its name.

    Parameters
    ----------
    name
        The sweep's name (from the file, else its stem).
    cells
        Every (council, variant, seed) cell.
    """

    name: str
    cells: tuple[Cell, ...]


def _variants(grid: dict[str, Any], file: str) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """Return every combination of the grid's values as (name, changes)."""
    for name, values in grid.items():
        if "." not in name:
            raise InputError("Grid keys are 'table.key'.", file=file, field=f"grid.{name}")
        if not isinstance(values, list) or not values:
            raise InputError("Expected a list of values.", file=file, field=f"grid.{name}")
    if not grid:
        return [("base", ())]
    names = list(grid)
    variants = []
    for values in itertools.product(*(grid[name] for name in names)):
        changes = tuple(zip(names, values, strict=True))
        variants.append((", ".join(f"{k}={v}" for k, v in changes), changes))
    return variants


def read_sweep(path: str | os.PathLike[str], default_area: str | os.PathLike[str]) -> Sweep:
    """Read a sweep file.

    The file has ``seeds`` (a list), optional ``name``, ``scenario`` (a scenario TOML,
    relative to the sweep file) or an inline ``[base]`` scenario, ``[grid]`` (``"table.key" =
    [values]``) and ``[[council]]`` tables (``council``, optional ``area``, ``study_area``;
    default: Rutland on ``default_area``).

    Raises
    ------
    InputError
        If the file is missing or not TOML, or a key is missing or of the wrong kind; every
        scenario variant is checked before anything runs.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError("Sweep file not found.", file=str(path)) from error
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"Not valid TOML: {error}.", file=str(path)) from error
    known = {"name", "seeds", "scenario", "base", "grid", "council"}
    for key in data:
        if key not in known:
            raise InputError(
                f"Unknown key; use one of {', '.join(sorted(known))}.", file=str(path), field=key
            )
    seeds = data.get("seeds")
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) for s in seeds):
        raise InputError("Expected a list of integer seeds.", file=str(path), field="seeds")
    base, base_dir = dict(data.get("base", {})), path.parent
    if "scenario" in data:
        scenario_path = path.parent / data["scenario"]
        try:
            base = {**tomllib.loads(scenario_path.read_text(encoding="utf-8")), **base}
        except (FileNotFoundError, tomllib.TOMLDecodeError) as error:
            raise InputError(
                f"Cannot read the scenario: {error}.", file=str(scenario_path)
            ) from error
        base_dir = scenario_path.parent
    councils = []
    for i, table in enumerate(data.get("council", [{"council": "Rutland"}])):
        if not isinstance(table, dict) or "council" not in table:
            raise InputError(
                "Each [[council]] needs 'council'.", file=str(path), field=f"council[{i}]"
            )
        area = str(table.get("area", default_area))
        if "area" in table and is_osm_file(path.parent / area):  # a place name stays as it is
            area = str(path.parent / area)
        study = table.get("study_area", ())
        councils.append(
            Council(
                str(table["council"]), area, tuple([study] if isinstance(study, str) else study)
            )
        )
    cells = tuple(
        Cell(council, name, changes, seed, base, str(base_dir.resolve()))
        for council in councils
        for name, changes in _variants(dict(data.get("grid", {})), str(path))
        for seed in seeds
    )
    for cell in cells[:: len(seeds)]:  # each variant once: bad keys fail before the cluster starts
        try:
            scenario_from_dict(cell.scenario_tables(), Path(cell.base_dir))
        except InputError as error:
            raise InputError(
                f"Variant {cell.variant!r}: {error.message}", file=str(path), field=error.field
            ) from error
    return Sweep(str(data.get("name", path.stem)), cells)


def run_cell(cell: Cell, cache_dir: str | None = None) -> dict[str, Any]:
    """Run one cell's comparison and return its figures (what ``cells/<key>.json`` holds).

    Parameters
    ----------
    cell
        The cell.
    cache_dir
        Road network cache folder (see :func:`roster.geo.network.load_network`).
    """
    started = time.perf_counter()
    scenario = scenario_from_dict(cell.scenario_tables(), Path(cell.base_dir))
    code, name = resolve_council(cell.council.council, scenario.area.lad_names)
    area = dataclasses.replace(scenario.area, code=code, study_area=cell.council.study_area)
    scenario = dataclasses.replace(scenario, area=area)
    networks = load_networks(cell.council.area, cache_dir, scenario.area)
    run = run_seed(scenario, cell.council.area, networks, cell.seed, cache_dir=cache_dir)
    summary = summarise(scenario, [run])
    result = {
        **cell.to_json(),
        "key": cell.key,
        "council_code": code,
        "council_name": name,
        "recipients": summary.recipients,
        "visits": summary.models["framework"].visits,
        "travel_saved": -summary.difference.travel_time_relative,
        "seconds": round(time.perf_counter() - started, 1),
    }
    for model, metrics in summary.models.items():
        for metric in CELL_METRICS:
            result[f"{model}_{metric}"] = getattr(metrics, metric)
    return result


def finished_cells(out: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Return the finished cells kept in ``out/cells``, by key."""
    folder = Path(out) / "cells"
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep run did.

    Parameters
    ----------
    results
        Every finished cell's figures, in the sweep's order.
    skipped
        Cells already finished before this run.
    ran
        Cells this run finished.
    failed
        ``(cell, error)`` for cells that failed (kept out of ``cells/``, so a rerun tries them).
    """

    results: tuple[dict[str, Any], ...]
    skipped: int
    ran: int
    failed: tuple[tuple[Cell, str], ...]


def run_sweep(
    sweep: Sweep,
    out: str | os.PathLike[str],
    client: Any,
    cache_dir: str | None = None,
    runner: Callable[[Cell, str | None], dict[str, Any]] = run_cell,
    retries: int = 2,
    progress: Callable[[int], None] | None = None,
) -> SweepOutcome:
    """Run every unfinished cell of a sweep on a Dask cluster, keeping each result on disk.

    Parameters
    ----------
    sweep
        The cells.
    out
        Output folder; finished cells go to ``out/cells/<key>.json`` as they finish.
    client
        A ``dask.distributed.Client``.
    cache_dir
        Road network cache the workers share (they must see the same files).
    runner
        Runs one cell (:func:`run_cell`; tests pass one that kills its worker once).
    retries
        How often a cell that raises is run again; a cell whose worker dies is rescheduled by
        the scheduler (up to ``distributed.scheduler.allowed-failures`` times).
    progress
        Called with the number of cells finished (skipped cells count at once).
    """
    from distributed import as_completed

    folder = Path(out) / "cells"
    folder.mkdir(parents=True, exist_ok=True)
    done = finished_cells(out)
    todo = [cell for cell in sweep.cells if cell.key not in done]
    skipped = len(sweep.cells) - len(todo)
    if progress and skipped:
        progress(skipped)
    logger.info(
        "sweep %s: %d cells, %d finished before, %d to run",
        sweep.name,
        len(sweep.cells),
        skipped,
        len(todo),
    )
    futures = {
        client.submit(
            runner, cell, cache_dir, key=f"cell-{cell.key}", pure=False, retries=retries
        ): cell
        for cell in todo
    }
    failed = []
    for future in as_completed(futures):
        cell = futures[future]
        try:
            result = future.result()
        except Exception as error:  # a failed cell must not lose the others
            logger.error(
                "cell %s (%s, seed %d) failed: %s", cell.key, cell.variant, cell.seed, error
            )
            failed.append((cell, f"{type(error).__name__}: {error}"))
        else:
            with atomic_path(folder / f"{cell.key}.json") as path:
                path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            done[cell.key] = result
        if progress:
            progress(1)
    results = tuple(done[cell.key] for cell in sweep.cells if cell.key in done)
    return SweepOutcome(results, skipped, len(todo) - len(failed), tuple(failed))


def variant_table(results: Sequence[dict[str, Any]], level: float = CONFIDENCE_LEVEL) -> list[dict]:
    """Return the mean travel saved and its t interval per (council, variant).

    Parameters
    ----------
    results
        Finished cells' figures.
    level
        Confidence level of the interval (0.95).

    Returns
    -------
    list of dict
        ``council``, ``variant``, ``cells``, ``travel_saved_mean``, ``travel_saved_low``,
        ``travel_saved_high`` (the interval is empty, ``None``, with a single cell), and the
        mean of each model's travel share, in order of first appearance.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for result in results:
        groups.setdefault((result["council_name"], result["variant"]), []).append(result)
    rows = []
    for (council, variant), cells in groups.items():
        saved = np.array([c["travel_saved"] for c in cells], dtype=float)
        mean = float(saved.mean())
        low = high = None
        if len(saved) > 1:
            half = stats.t.ppf(0.5 + level / 2, len(saved) - 1) * saved.std(ddof=1)
            half /= np.sqrt(len(saved))
            low, high = mean - float(half), mean + float(half)
        rows.append(
            {
                "council": council,
                "variant": variant,
                "cells": len(cells),
                "travel_saved_mean": mean,
                "travel_saved_low": low,
                "travel_saved_high": high,
                "framework_travel_share_mean": float(
                    np.mean([c["framework_travel_share"] for c in cells])
                ),
                "consortium_travel_share_mean": float(
                    np.mean([c["consortium_travel_share"] for c in cells])
                ),
            }
        )
    return rows
