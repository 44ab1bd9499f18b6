"""Write a comparison's files: summary.json, rounds.csv, comparison.gpkg, report.html, inputs."""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from roster.commissioning.models import weekly_hours
from roster.comparison.metrics import legs_before_visits
from roster.comparison.run import SeedRun
from roster.comparison.summary import MODELS, Summary
from roster.io import atomic_path, write_instance
from roster.model import DAYS
from roster.report.html import write_report
from roster.report.route_lines import route_lines

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
    ``comparison.gpkg`` with layers recipients, neighbourhoods and rounds (the
    first day's rounds drawn on roads); ``report.html``; and ``instance/`` with the inputs as
    CSV, so the same work can be rerun or inspected.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    run = runs[0]
    written = [
        _write_json(folder / "summary.json", summary.to_json()),
        _write_rounds_csv(folder / "rounds.csv", run),
        _write_unassigned_csv(folder / "unassigned.csv", runs),
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
        )
    )
    write_instance(run.instance, folder / "instance", "csv")
    written.append(folder / "instance")
    logger.info("wrote %d files to %s", len(written), folder)
    return written


def _write_json(path: Path, data: dict) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def _write_rounds_csv(path: Path, run: SeedRun) -> Path:
    """One row per carer visit, in round order: a roster a coordinator could hand out."""
    rows = [
        {"model": item.model, "pool": item.pool, **row}
        for item in sorted(run.solved, key=lambda s: (s.model, s.pool, s.day))
        for row in item.rounds.to_csv_rows(item.problem, DAYS[item.day], run.locations.ids)
    ]
    return _write_csv(path, ROUNDS_COLUMNS, rows)


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
    return _write_csv(path, UNASSIGNED_COLUMNS, rows)


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
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
