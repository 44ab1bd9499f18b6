"""Write a comparison's files: summary.json, rounds.csv, comparison.gpkg, report.html, inputs."""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd

from roster.commissioning.models import weekly_hours
from roster.comparison.capacity import CAPACITY_COLUMNS
from roster.comparison.metrics import legs_before_visits
from roster.comparison.run import SeedRun
from roster.comparison.summary import MODELS, Summary
from roster.geo.locations import save_locations
from roster.geo.network import road_lines
from roster.io import atomic_path, write_instance
from roster.model import DAYS, Visit
from roster.report.html import write_report
from roster.report.route_lines import route_lines
from roster.rounds.solution import clock

logger = logging.getLogger(__name__)

#: Rounds drawn in the report: this many carers' rounds per model, on the first day.
REPORT_ROUNDS_PER_MODEL = 6

ROUNDS_COLUMNS = (
    "model",
    "pool",
    "day",
    "carer",
    "period",
    "order",
    "visit",
    "recipient",
    "window",
    "planned",
    "arrival",
    "start",
    "end",
    "travel_before_min",
    "length_before_m",
)

UNASSIGNED_COLUMNS = ("seed", "model", "pool", "day", "visit", "recipient", "reason")


def write_outputs(
    out: str | os.PathLike[str], summary: Summary, runs: Sequence[SeedRun]
) -> list[Path]:
    """Write every output of a comparison into ``out`` (created if needed), atomically.

    Files: ``summary.json`` (``summary.to_json()``); ``rounds.csv`` (every carer's rounds,
    first seed); ``unassigned.csv`` (every visit left out, every seed, with its reason);
    ``capacity.csv`` (work against carers on shift by pool, day and band, and
    each pool's spare packages); ``comparison.gpkg`` with layers recipients, neighbourhoods
    and rounds (the first day's rounds drawn on roads); ``report.html``; ``instance/`` with
    the inputs as CSV; and ``rounds.json``, ``run.json`` and ``travel.npz`` (the homes snapped
    and the travel between them), which with ``instance/`` rebuild the same rounds problems
    and rounds (what ``roster place`` reads).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    run = runs[0]
    written = [
        write_json(folder / "summary.json", summary.to_json()),
        _write_rounds_csv(folder / "rounds.csv", run),
        _write_unassigned_csv(folder / "unassigned.csv", runs),
        write_csv(folder / "capacity.csv", run.capacity.csv_rows(), CAPACITY_COLUMNS),
        write_json(folder / "rounds.json", rounds_json(run), indent=None),
        write_json(folder / "run.json", run_json(run)),
    ]
    recipients = _recipients_frame(run)
    neighbourhoods = _neighbourhoods_frame(run)
    first_day = min(item.day for item in run.solved)
    lines = route_lines([s for s in run.solved if s.day == first_day], run.locations)
    gpkg = folder / "comparison.gpkg"
    with atomic_path(gpkg) as temporary:
        recipients.to_file(temporary, layer="recipients", driver="GPKG")
        neighbourhoods.to_file(temporary, layer="neighbourhoods", driver="GPKG")
        lines.to_file(temporary, layer="rounds", driver="GPKG")
    written.append(gpkg)
    travel = {
        model: legs_before_visits([s for s in run.solved if s.model == model]) for model in MODELS
    }
    written.append(
        write_report(
            folder / "report.html",
            summary,
            recipients,
            neighbourhoods,
            _sample_rounds(lines),
            travel,
            run.capacity,
            road_lines(run.locations.networks["drive"]),
        )
    )
    with atomic_path(folder / "travel.npz") as temporary:
        save_locations(temporary, run.locations)
    written.append(folder / "travel.npz")
    write_instance(run.instance, folder / "instance", "csv")
    written.append(folder / "instance")
    logger.info("wrote %d files to %s", len(written), folder)
    return written


def rounds_json(run: SeedRun) -> dict:
    """Return every pool-day-session's rounds of the first seed (``rounds.json``).

    Sessions are numbered in the order :func:`roster.commissioning.pools.pool_problems`
    builds them, so the same instance, pools and settings rebuild each one's problem.
    """
    session: Counter[tuple[str, str, int]] = Counter()
    entries = []
    for item in run.solved:
        key = (item.model, item.pool, item.day)
        entries.append(
            {
                "model": item.model,
                "pool": item.pool,
                "day": item.day,
                "session": session[key],
                "rounds": item.rounds.to_json(),
            }
        )
        session[key] += 1
    return {"seed": run.seed, "entries": entries}


def run_json(run: SeedRun) -> dict:
    """Return what rebuilds the run's problems (``run.json``): settings, rules and pools.

    The neighbourhoods' polygons come too (WKT, longitude and latitude), so that ``roster
    place`` finds a new home's neighbourhood without loading the GIS stack for the GeoPackage.
    """
    polygons = run.plan.polygons.to_crs(4326)
    return {
        "settings": run.settings.to_json(),
        "rounds_params": dataclasses.asdict(run.params),
        "models": [
            {"name": model.name, "pools": [dataclasses.asdict(pool) for pool in model.pools]}
            for model in run.models
        ],
        "neighbourhoods": dict(
            zip(polygons["neighbourhood"].astype(str), polygons.geometry.to_wkt(), strict=True)
        ),
    }


def write_json(path: Path, data: dict, indent: int | None = 2) -> Path:
    """Write data as JSON, atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=indent) + "\n", encoding="utf-8")
    return path


def planned_times(visits: Iterable[Visit]) -> dict[str, str]:
    """Each visit's care-plan time as a clock time ("" for a visit given by a window only)."""
    return {v.id: "" if v.planned_start_s is None else clock(v.planned_start_s) for v in visits}


def _write_rounds_csv(path: Path, run: SeedRun) -> Path:
    """One row per carer visit, in round order: a roster a coordinator could hand out."""
    planned = planned_times(run.instance.visits)
    rows = [
        {"model": item.model, "pool": item.pool, **row, "planned": planned[row["visit"]]}
        for item in sorted(run.solved, key=lambda s: (s.model, s.pool, s.day))
        for row in item.rounds.to_csv_rows(item.problem, DAYS[item.day], run.locations.ids)
    ]
    return write_csv(path, rows, ROUNDS_COLUMNS)


def _write_unassigned_csv(path: Path, runs: Sequence[SeedRun]) -> Path:
    """One row per visit left out, for every seed, model, pool and day, with its reason."""
    rows = [
        {
            "seed": run.seed,
            "model": item.model,
            "pool": item.pool,
            "day": DAYS[item.day],
            "visit": unassigned.visit_id,
            "recipient": run.instance.visit_by_id[unassigned.visit_id].recipient_id,
            "reason": unassigned.reason,
        }
        for run in runs
        for item in sorted(run.solved, key=lambda s: (s.model, s.pool, s.day))
        for unassigned in item.rounds.unassigned
    ]
    return write_csv(path, rows, UNASSIGNED_COLUMNS)


def write_csv(path: Path, rows: Sequence[dict], columns: Sequence[str]) -> Path:
    """Write rows under these columns (a row's missing columns left empty), atomically."""
    with atomic_path(path) as temporary:
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return path


def _recipients_frame(run: SeedRun) -> gpd.GeoDataFrame:
    hours = weekly_hours(run.instance)
    recipients = run.instance.recipients
    return gpd.GeoDataFrame(
        {
            "recipient_id": [r.id for r in recipients],
            "provider_id": [r.provider_id or "" for r in recipients],
            "neighbourhood": [run.plan.labels[r.id] for r in recipients],
            "weekly_hours": [round(hours[r.id], 2) for r in recipients],
        },
        geometry=gpd.points_from_xy([r.lon for r in recipients], [r.lat for r in recipients]),
        crs="EPSG:4326",
    )


def _neighbourhoods_frame(run: SeedRun) -> gpd.GeoDataFrame:
    """Return the plan's polygons named as the report and the GeoPackage want."""
    return run.plan.polygons.rename(
        columns={
            "care_hours_weekly": "weekly_hours",
            "mean_drive_s": "mean_internal_drive_s",
            "p95_drive_s": "p95_internal_drive_s",
        }
    )


def _sample_rounds(lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Pick a few of the busiest carers' rounds per model, for the report's map."""
    chosen = [
        group.sort_values(["visits", "carer_id"], ascending=[False, True]).head(
            REPORT_ROUNDS_PER_MODEL
        )
        for _, group in lines[lines.geometry.notna()].groupby("model", sort=True)
    ]
    return gpd.GeoDataFrame(
        gpd.pd.concat(chosen, ignore_index=True), geometry="geometry", crs=lines.crs
    )
