"""Write a sweep's outputs: every cell's figures, each variant's mean and interval, a chart."""

from __future__ import annotations

import csv
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from roster.comparison.sweep import variant_table
from roster.io import atomic_path
from roster.report.charts import MODEL_COLOURS

_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "roster-sweep", "font.size": 10}


def saving_chart(variants: Sequence[dict[str, Any]]) -> Figure:
    """Draw the mean travel saved per variant with its 95% interval, one row per variant.

    Parameters
    ----------
    variants
        Rows of :func:`roster.comparison.sweep.variant_table`.
    """
    with rc_context(_SETTINGS):
        figure = Figure(figsize=(7, 0.5 * len(variants) + 1.2))
        axes = figure.add_subplot()
        labels = [f"{v['council']}: {v['variant']}" for v in variants]
        means = [100 * v["travel_saved_mean"] for v in variants]
        errors = [
            [
                0
                if v["travel_saved_low"] is None
                else 100 * (v["travel_saved_mean"] - v["travel_saved_low"]),
                0
                if v["travel_saved_high"] is None
                else 100 * (v["travel_saved_high"] - v["travel_saved_mean"]),
            ]
            for v in variants
        ]
        rows = list(range(len(variants)))[::-1]
        axes.errorbar(
            means,
            rows,
            xerr=list(zip(*errors, strict=True)) if errors else None,
            fmt="o",
            color=MODEL_COLOURS["consortium"],
            capsize=4,
        )
        axes.set_yticks(rows, labels)
        axes.axvline(0, color="#999999", linewidth=0.8)
        axes.set_xlabel("travel saved by neighbourhood commissioning (%, mean and 95% interval)")
        figure.tight_layout()
    return figure


def _svg_text(figure: Figure) -> str:
    """Return the figure as an inline ``<svg>`` element (no prolog, no date)."""
    import io

    buffer = io.StringIO()
    with rc_context(_SETTINGS):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _cell(value: Any) -> str:
    """Format a table value for the HTML page."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def write_sweep_outputs(
    out: str | os.PathLike[str], name: str, results: Sequence[dict[str, Any]]
) -> list[Path]:
    """Write ``sweep.csv``, ``sweep.json``, ``saving.png``, ``saving.svg`` and ``sweep.html``.

    Parameters
    ----------
    out
        Output folder (created if needed).
    name
        The sweep's name, for the page title.
    results
        Every finished cell's figures (see :func:`roster.comparison.sweep.run_cell`).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    variants = variant_table(results)
    columns = list(dict.fromkeys(key for result in results for key in result))
    written = []
    with atomic_path(folder / "sweep.csv") as path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            for result in results:
                writer.writerow(
                    {
                        k: json.dumps(v) if isinstance(v, dict | list) else v
                        for k, v in result.items()
                    }
                )
    written.append(folder / "sweep.csv")
    with atomic_path(folder / "sweep.json") as path:
        path.write_text(
            json.dumps({"name": name, "variants": variants, "cells": list(results)}, indent=2)
            + "\n",
            encoding="utf-8",
        )
    written.append(folder / "sweep.json")
    figure = saving_chart(variants)
    for suffix in ("png", "svg"):
        with atomic_path(folder / f"saving.{suffix}") as path:
            with rc_context(_SETTINGS):
                figure.savefig(
                    path,
                    format=suffix,
                    metadata={"Date": None} if suffix == "svg" else None,
                    dpi=120,
                    bbox_inches="tight",
                )
        written.append(folder / f"saving.{suffix}")
    heads = [
        "council",
        "variant",
        "cells",
        "travel_saved_mean",
        "travel_saved_low",
        "travel_saved_high",
        "framework_travel_share_mean",
        "consortium_travel_share_mean",
    ]
    table = "".join(
        "<tr>" + "".join(f"<td>{_cell(v[h])}</td>" for h in heads) + "</tr>" for v in variants
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Sweep {html.escape(name)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}"
        "</style></head><body>"
        f"<h1>Sweep {html.escape(name)}: travel saved by neighbourhood commissioning</h1>"
        f"<p>{len(results)} comparisons; per variant the mean over seeds and its 95% "
        "t-interval.</p>"
        f"{_svg_text(figure)}"
        "<table><tr>" + "".join(f"<th>{h}</th>" for h in heads) + f"</tr>{table}</table>"
        "<p>Every cell's figures: sweep.csv and sweep.json.</p></body></html>\n"
    )
    with atomic_path(folder / "sweep.html") as path:
        path.write_text(page, encoding="utf-8")
    written.append(folder / "sweep.html")
    return written
