"""Write the framework-versus-consortium comparison as one self-contained HTML page."""

from __future__ import annotations

import html
import json
import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from roster.comparison.capacity import BandCapacity, Capacity
from roster.comparison.caveats import ServedComparison
from roster.comparison.metrics import MetricUncertainty, ModelMetrics, PoolMetrics, plain
from roster.comparison.summary import MODELS, Assumption, Summary
from roster.io import atomic_path
from roster.report.charts import (
    capacity_svg,
    tradeoff_svg,
    travel_per_visit_svg,
    travel_share_svg,
)
from roster.report.maps import (
    MapHtml,
    leaflet_assets,
    recipients_map,
    require_columns,
    roads_script,
    rounds_map,
)

LOGGER = logging.getLogger(__name__)

_DAYS_IN_WEEK = 7
_MODEL_FIGURES = frozenset(f.name for f in fields(ModelMetrics))


@dataclass(frozen=True)
class Metric:
    """How the report shows one figure of a model.

    Attributes
    ----------
    attribute
        The figure's attribute of :class:`~roster.comparison.metrics.ModelMetrics`.
    label
        Row label, with the unit shown.
    scale
        Multiplier from the summary's unit to the shown unit.
    decimals
        Decimal places shown.
    points
        True for shares, whose difference is in percentage points rather than a ratio.
    """

    attribute: str
    label: str
    scale: float = 1.0
    decimals: int = 0
    points: bool = False

    def __post_init__(self) -> None:
        if self.attribute not in _MODEL_FIGURES:
            raise ValueError(f"A model has no figure {self.attribute!r}.")

    def of(self, figures: ModelMetrics | PoolMetrics) -> float:
        """Return this figure of a model's (or a pool's) metrics, in the summary's unit."""
        return getattr(figures, self.attribute)


METRICS = (
    Metric("visits", "Visits"),
    Metric("visits_assigned", "Visits assigned"),
    Metric("visits_unassigned", "Visits unassigned"),
    Metric("carer_visits", "Carer visits (a double-handed visit counts twice)"),
    Metric("travel_time_s", "Travel time (hours)", 1 / 3600, 1),
    Metric("travel_between_visits_s", "Travel between visits (hours)", 1 / 3600, 1),
    Metric("contact_time_s", "Contact time (hours)", 1 / 3600, 1),
    Metric("waiting_time_s", "Waiting time (hours)", 1 / 3600, 1),
    Metric("working_time_s", "Working time (hours)", 1 / 3600, 1),
    Metric("travel_share", "Travel share of working time (%)", 100, 1, points=True),
    Metric("travel_share_between_visits", "Travel share, between visits only (%)", 100, 1, True),
    Metric("travel_per_visit_s", "Travel per carer visit (minutes)", 1 / 60, 1),
    Metric("distance_m", "Distance travelled (km)", 1 / 1000, 0),
    Metric("driven_distance_m", "Distance driven (km)", 1 / 1000, 0),
    Metric("mileage_cost_gbp", "Mileage cost (£)", 1, 0),
    Metric("co2_kg", "CO2 (kg)", 1, 0),
    Metric("carers_used", "Carers used"),
    Metric("paid_hours", "Paid hours", 1, 0),
    Metric("unpaid_travel_hours", "Unpaid travel (hours)", 1, 1),
    Metric("continuity_mean_carers", "Distinct carers per recipient per week", 1, 2),
    Metric("continuity_p90_carers", "Distinct carers per recipient, 90th percentile", 1, 1),
    Metric("top_carer_share", "Share of a recipient's visits by their main carer (%)", 100, 1),
    Metric("top_two_carers_share", "Share by their two main carers (%)", 100, 1),
    Metric("carers_over_contract", "Carers over contracted hours (+ tolerance)"),
    Metric("carers_contact_over_contract", "Carers with contact hours over their contract"),
    Metric("overtime_hours", "Working hours above contracts", 1, 1),
    Metric("undertime_hours", "Contracted hours not worked", 1, 1),
    Metric("checker_violations", "Rule breaches found by the independent checker"),
)
_POOL_METRICS = tuple(
    m
    for m in METRICS
    if m.attribute
    in {
        "visits",
        "visits_unassigned",
        "travel_time_s",
        "travel_share",
        "travel_per_visit_s",
        "distance_m",
        "carers_used",
        "continuity_mean_carers",
    }
)
_NEIGHBOURHOOD_COLUMNS = (
    ("recipients", "Recipients", 1, 0),
    ("weekly_hours", "Hours a week", 1, 1),
    ("area_km2", "Area (km²)", 1, 1),
    ("mean_internal_drive_s", "Mean drive inside (min)", 1 / 60, 1),
    ("p95_internal_drive_s", "95th percentile drive inside (min)", 1 / 60, 1),
)
_ATTRIBUTION = (
    "Roads and places: © OpenStreetMap contributors (ODbL). There are no map tiles: the report "
    "is read offline, so the maps draw the area's roads faintly under the boundaries, recipients "
    "and rounds."
)


def write_report(
    path: str | os.PathLike[str],
    summary: Summary,
    recipients: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    rounds: gpd.GeoDataFrame,
    travel_per_visit_s: Mapping[str, np.ndarray],
    capacity: Capacity | None = None,
    roads: Sequence[Sequence[Sequence[float]]] | None = None,
) -> Path:
    """Write the comparison report, a page that reads offline, atomically to `path`.

    Differences are consortium minus framework, so a negative travel difference is a saving;
    the uncertainty's ``difference_ci95`` is read with the same sign.

    Parameters
    ----------
    path
        The HTML file to write; its directory must exist.
    summary
        The run's summary: area, seed, seeds, days, models, uncertainty and assumptions.
    recipients
        Points with columns recipient_id, provider_id, neighbourhood and weekly_hours.
    neighbourhoods
        Polygons with columns neighbourhood, recipients, weekly_hours, area_km2,
        mean_internal_drive_s and p95_internal_drive_s.
    rounds
        A few carers' rounds as LineStrings along the roads, with columns model, pool, carer_id,
        day, period, visits, travel_time_s and length_m.
    travel_per_visit_s
        The travel leg before each assigned visit, in seconds, for each model.
    capacity
        Work against carers on shift by pool, day and band, and the spare packages (the
        capacity section is left out without it).
    roads
        The area's roads as ``[lat, lon]`` lines (:func:`roster.geo.network.road_lines`),
        drawn faintly under every map; without them the maps have a blank background.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputError
        If a table lacks a column the report needs, or there is nothing to draw.
    """
    page = report_html(
        summary, recipients, neighbourhoods, rounds, travel_per_visit_s, capacity, roads
    )
    with atomic_path(path) as temporary:
        temporary.write_text(page, encoding="utf-8")
    LOGGER.info("Wrote the report to %s (%.1f MB)", path, len(page.encode()) / 1e6)
    return Path(path)


def report_html(
    summary: Summary,
    recipients: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    rounds: gpd.GeoDataFrame,
    travel_per_visit_s: Mapping[str, np.ndarray],
    capacity: Capacity | None = None,
    roads: Sequence[Sequence[Sequence[float]]] | None = None,
) -> str:
    """Return the comparison report as one HTML page; see :func:`write_report`.

    Parameters
    ----------
    summary
        The run's summary.
    recipients
        Recipients as points.
    neighbourhoods
        Neighbourhoods as polygons.
    rounds
        A few carers' rounds as LineStrings.
    travel_per_visit_s
        The travel leg before each assigned visit, in seconds, for each model.
    capacity
        Capacity by pool, day and band, or None.
    roads
        The area's roads as ``[lat, lon]`` lines, drawn under every map, or None.

    Returns
    -------
    str
        The page.
    """
    require_columns(neighbourhoods, ("neighbourhood",), "neighbourhoods")
    models = summary.models
    drawn = roads is not None
    maps = [
        recipients_map(
            recipients,
            neighbourhoods,
            "provider_id",
            "Framework provider",
            key="providers",
            roads=drawn,
        ),
        recipients_map(
            recipients,
            neighbourhoods,
            "neighbourhood",
            "Neighbourhood",
            key="neighbourhoods",
            roads=drawn,
        ),
        rounds_map(rounds, neighbourhoods, key="rounds", roads=drawn),
    ]
    pools = {
        name: np.array([p.travel_share for p in m.pools.values()]) for name, m in models.items()
    }
    share_chart = travel_share_svg({n: m.travel_share for n, m in models.items()}, pools)
    travel_chart = travel_per_visit_svg(travel_per_visit_s)
    area = html.escape(summary.area)
    body = "\n".join(
        [
            f"<h1>Framework or neighbourhood commissioning: {area}</h1>",
            _warning(summary),
            _run_line(summary),
            _headline(summary, models),
            "<h2>Who serves whom</h2>",
            _mixing_paragraph(recipients),
            f'<div class="pair"><figure>{maps[0].body}</figure>'
            f"<figure>{maps[1].body}</figure></div>",
            _neighbourhood_table(neighbourhoods, recipients),
            "<h2>A few carers' rounds</h2>",
            "<p>Each line is one carer's run, drawn along the roads; use the control at the top "
            "right to show either model's rounds or both. Hover for the carer's day.</p>",
            f"<figure>{maps[2].body}</figure>",
            "<h2>Travel</h2>",
            f'<div class="pair"><figure class="chart">{share_chart}</figure>'
            f'<figure class="chart">{travel_chart}</figure></div>',
            "<h2>Metrics</h2>",
            _metrics_table(models, summary.uncertainty),
            _unassigned_list(models),
            _served_table(summary.served_comparison),
            *(_pool_table(name, model) for name, model in models.items()),
            job_quality_table(models),
            *(_capacity_section(capacity) if capacity is not None else ()),
            *_continuity_section(summary),
            *_solver_section(summary),
            *_flexibility_section(summary),
            "<h2>Assumptions</h2>",
            _assumptions_table(summary.assumptions),
            f'<p class="note">{html.escape(_ATTRIBUTION)}</p>',
        ]
    )
    data = roads_script(roads) if roads is not None else ""
    return _page(f"Commissioning comparison: {area}", maps, body, data)


def _continuity_section(summary: Summary) -> tuple[str, ...]:
    """Say which continuity weight and hours rule both models used, and chart the trade-off."""
    lines = ["<h2>Continuity of care and travel</h2>"]
    for name in ("continuity_cost", "weekly_hours"):
        rule = summary.assumptions.get(name)
        if rule is not None:
            label = "Continuity of care" if name == "continuity_cost" else "Contracted hours"
            lines.append(
                f"<p>{label}: {html.escape(str(rule.value))}. Both models were rostered with "
                "this same rule (held equal).</p>"
            )
    curve = summary.continuity_tradeoff
    if curve is None:
        lines.append(
            "<p>The trade-off of travel against distinct carers per recipient was not measured "
            "in this run: <code>--continuity-weights 0 600 2400</code> re-solves the first "
            "seed's rounds at those weights and charts it here (<code>benchmarks/"
            "continuity.py</code> measures it on Rutland; README, \u201cThe week as one "
            "roster\u201d).</p>"
        )
        return tuple(lines)
    curves = {
        model: [
            (p.weight_s, p.continuity_mean_carers, p.travel_time_s / 3600)
            for p in curve.curve(model)
        ]
        for model in summary.models
    }
    lines.append(
        f'<figure class="chart">{tradeoff_svg(curves, curve.weight_s)}</figure>'
        "<p>The first seed's rounds re-solved at each weight, every other setting the same "
        f"(the comparison used {curve.weight_s:g} s for both models). A weight is the travel, "
        "in seconds, a visit by a carer outside the recipient's team costs the search.</p>"
    )
    rows = "".join(
        f"<tr><td>{p.weight_s:,}</td><td>{p.model}</td><td>{p.travel_time_s / 3600:,.1f}</td>"
        f"<td>{p.continuity_mean_carers:.2f}</td><td>{p.visits_unassigned:,}</td></tr>"
        for p in curve.points
    )
    lines.append(
        "<table><tr><th>weight (s)</th><th>model</th><th>travel (h)</th>"
        "<th>distinct carers per recipient</th><th>unassigned visits</th></tr>"
        f"{rows}</table>"
    )
    return tuple(lines)


def _solver_section(summary: Summary) -> tuple[str, ...]:
    """Describe the search that built the rounds and how far more time moves the headline."""
    solver = summary.assumptions.get("solver")
    lines = ["<h2>Solver settings and stability</h2>"]
    if solver is not None:
        lines.append(
            f"<p>Rounds: {html.escape(str(solver.value))} ({html.escape(solver.source)}).</p>"
        )
    check = summary.budget_check
    if check is None:
        lines.append(
            "<p>How far the headline depends on the search time was not checked in this run: "
            "<code>--budget-check 4</code> re-solves the first seed's rounds at four times the "
            "budget and reports the change (<code>benchmarks/week.py</code> measures it on "
            "Rutland; README, \u201cSolver stability\u201d).</p>"
        )
    else:
        lines.append(f"<p>{html.escape(check.sentence())}</p>")
    return tuple(lines)


def _flexibility_section(summary: Summary) -> tuple[str, ...]:
    """Travel, unserved visits and continuity under strict, usual and flexible visit times."""
    lines = [
        "<h2>What flexibility over visit times is worth</h2>",
        "<p>Care plans give each call a time; contracts allow a tolerance around it. The report "
        "\u201cReady to care\u201d (2024) asks that neighbourhood models be evaluated on how "
        "commissioning could give providers more flexibility over visit times. Each level below "
        "gives every call a planned start in its band and a window of that start plus or minus "
        "a tolerance (time-critical visits, with medication or insulin, / the others), the "
        "same visits and planned times for both models.</p>",
    ]
    sweep = summary.flexibility
    if not sweep:
        lines.append(
            "<p>Not run with this comparison: <code>--flexibility-sweep</code> (or "
            "<code>[comparison] flexibility_sweep = true</code>) runs the first seed again at "
            "strict, usual and flexible times and shows the result here; "
            "<code>benchmarks/flexibility.py</code> measures it on Rutland (README, "
            "\u201cCare-plan times and flexibility\u201d).</p>"
        )
        return tuple(lines)
    head = "".join(
        f"<th>{html.escape(m)} travel (h)</th><th>{html.escape(m)} travel share</th>"
        f"<th>{html.escape(m)} unassigned</th><th>{html.escape(m)} carers per recipient</th>"
        for m in MODELS
    )
    rows = []
    for level in sweep:
        tolerance = " / ".join(f"\u00b1{minutes}" for minutes in level.tolerance_min.values())
        cells = "".join(
            f"<td>{level.travel_time_s[m] / 3600:,.1f}</td><td>{level.travel_share[m]:.1%}</td>"
            f"<td>{level.visits_unassigned[m]:,} ({_bands(level.unassigned_by_band[m])})</td>"
            f"<td>{level.continuity_mean_carers[m]:.2f}</td>"
            for m in MODELS
        )
        rows.append(f"<tr><th>{html.escape(level.level)} ({tolerance} min)</th>{cells}</tr>")
    lines += [
        f"<table><tr><th>flexibility</th>{head}</tr>{''.join(rows)}</table>",
        "<p>Published: care workers spend about a fifth of their working day travelling "
        "(UKHCA/UNISON); the framework's share above is from optimised rounds, which a real "
        "coordinator's rounds do not reach. Unassigned visits are shown by band of the day.</p>",
    ]
    return tuple(lines)


def _bands(unserved: Mapping[str, int]) -> str:
    """Name the bands where visits were left out, with how many (or say none)."""
    shown = [f"{html.escape(band)} {count:,}" for band, count in unserved.items() if count]
    return ", ".join(shown) if shown else "none"


def _page(title: str, maps: Sequence[MapHtml], body: str, data: str = "") -> str:
    """Wrap the body with Leaflet, the maps' data, styles and scripts, and the page's style."""
    head = "\n".join(dict.fromkeys(m.head for m in maps))
    scripts = "\n".join(m.script for m in maps)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{leaflet_assets()}
{head}
<style>{_STYLE}</style>
</head>
<body>
<main>
{body}
</main>
<script>
{data}
{scripts}
</script>
</body>
</html>
"""


def _run_line(summary: Summary) -> str:
    """Say what was run: days, seeds."""
    seeds, days = summary.seeds, summary.days
    seed_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"{len(seeds)} seeds ({_join(seeds)})"
    return (
        f'<p class="note">Rosters for {_plural(days, "day")}, {seed_text}. '
        "The same visits, carers and rules go into both models; only who serves whom "
        "changes. Differences are neighbourhood (consortium) minus framework.</p>"
    )


def _headline(summary: Summary, models: Mapping[str, ModelMetrics]) -> str:
    """State the travel saved, absolute and relative, with its 95% interval over seeds."""
    framework, consortium = (models[m].travel_time_s for m in MODELS)
    uncertainty = summary.uncertainty.get("travel_time_s")
    difference = uncertainty.difference_mean if uncertainty else consortium - framework
    base = uncertainty.framework_mean if uncertainty else framework
    days = summary.days
    period = "a week" if days == _DAYS_IN_WEEK else f"over the {days} days modelled"
    verb = "saves" if difference <= 0 else "adds"
    relative = f" ({abs(difference) / base:.0%} of framework travel)" if base else ""
    text = (
        f"Neighbourhood commissioning {verb} <b>{abs(difference) / 3600:,.1f} hours</b> of "
        f"care workers' travel {period}{relative}"
    )
    if uncertainty:
        low, high = sorted(-x / 3600 for x in uncertainty.difference_ci)
        seeds = len(summary.seeds)
        text += f"; saving, mean of {seeds} seeds, 95% interval {low:,.1f} to {high:,.1f} hours"
    if summary.qualified:
        text += _qualification(summary, period)
    shares = " → ".join(f"{100 * models[m].travel_share:.1f}%" for m in MODELS)
    return (
        f'<p class="headline">{text}.</p>'
        f'<p class="note">Travel share of working time, framework → consortium: {shares}.</p>'
    )


def _qualification(summary: Summary, period: str) -> str:
    """Return the clause qualifying the headline: visits unserved, like-for-like figures."""
    unserved = " and ".join(
        f"{100 * m.visits_unassigned / m.visits:.1f}% of {name} visits"
        for name, m in summary.models.items()
        if m.visits
    )
    text = f", but the rounds leave {unserved} unserved, so the totals are not like for like"
    served = summary.served_comparison
    if served is not None:
        f, c = served.framework, served.consortium
        delta = served.travel_priced_difference_s
        verb = "saves" if delta <= 0 else "adds"
        text += (
            f": travel per served carer visit is {f.travel_per_carer_visit_s / 60:.1f} min "
            f"(framework) against {c.travel_per_carer_visit_s / 60:.1f} min (consortium), and "
            f"with each model's unserved visits priced at its mean travel per visit it "
            f"{verb} {abs(delta) / 3600:,.1f} hours {period} "
            f"({abs(served.travel_priced_relative):.0%})"
        )
    return text


def _warning(summary: Summary) -> str:
    """Open the report with the caveats, if any: cause and place of each."""
    if not summary.caveats:
        return ""
    items = "".join(f"<li>{html.escape(c.message)}</li>" for c in summary.caveats)
    return (
        '<div class="warning"><p><b>Read the figures with care: the rosters do not serve the '
        "same work in both models.</b></p>"
        f"<ul>{items}</ul><p>The comparison on the visits served is under Metrics, and the "
        "carers on shift against the work in each time band under Capacity.</p></div>"
    )


def _served_table(served: ServedComparison | None) -> str:
    """Tabulate the comparison on served visits: per served carer visit, and priced."""
    if served is None:
        return ""
    rows = [
        (
            "Visits served (%)",
            [100 * m.served_share for m in (served.framework, served.consortium)],
            1,
        ),
        (
            "Carer visits left out (a double-handed visit counts twice)",
            [m.carer_visits_unserved for m in (served.framework, served.consortium)],
            0,
        ),
        (
            "Travel per served carer visit (minutes)",
            [m.travel_per_carer_visit_s / 60 for m in (served.framework, served.consortium)],
            1,
        ),
        (
            "Travel with unserved carer visits priced at the model's mean travel per carer "
            "visit (hours)",
            [m.travel_priced_s / 3600 for m in (served.framework, served.consortium)],
            1,
        ),
    ]
    body = "".join(
        f"<tr><th>{html.escape(label)}</th>"
        + "".join(f"<td>{_number(v, decimals)}</td>" for v in values)
        + f"<td>{_number(values[1] - values[0], decimals, signed=True)}</td></tr>"
        for label, values, decimals in rows
    )
    return (
        "<h3>On the visits served</h3>"
        '<p class="note">When the models leave different visits out, their travel totals do not '
        "measure the same work. These figures compare them on what each served.</p>"
        "<table><thead><tr><th>Metric</th><th>Framework</th><th>Consortium</th>"
        f"<th>Difference</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _capacity_section(capacity: Capacity) -> tuple[str, ...]:
    """Return the capacity chart, the table by pool and band, and the spare packages."""
    bands = [b.name for b in capacity.bands]
    models = list(dict.fromkeys(r.model for r in capacity.rows))
    demanded, available, short = {}, {}, {}
    for model in models:
        rows = [r for r in capacity.rows if r.model == model]
        demanded[model] = np.array(
            [sum(r.contact_demanded_s for r in rows if r.band == b) / 3600 for b in bands]
        )
        available[model] = np.array(
            [sum(r.contact_available_s for r in rows if r.band == b) / 3600 for b in bands]
        )
        short[model] = np.array(
            [sum(1 for r in rows if r.band == b and r.carers_spare < 0) for b in bands]
        )
    chart = capacity_svg(bands, demanded, available, short)
    header = "".join(f"<th>{html.escape(b)}</th>" for b in bands)
    worst = {}
    for r in capacity.rows:
        key = (r.model, r.pool, r.band)
        if key not in worst or r.carers_spare < worst[key].carers_spare:
            worst[key] = r
    rows = []
    for spare in capacity.spare:
        cells = "".join(
            _capacity_cell(worst.get((spare.model, spare.pool, b)), spare.extra_calls[b])
            for b in bands
        )
        rows.append(
            f"<tr><th>{html.escape(spare.model.capitalize())}</th>"
            f"<th>{html.escape(spare.pool)}</th>{cells}<td><b>{spare.packages}</b></td></tr>"
        )
    package = " + ".join(capacity.package) or "none"
    calls = ", ".join(f"{b} {capacity.call_s[b] // 60} min" for b in bands)
    return (
        "<h2>Capacity by time band</h2>",
        f'<figure class="chart">{chart}</figure>',
        '<p class="note">Each visit\'s contact time is spread over the span it could be served '
        "in; carers on shift can give "
        f"{capacity.utilisation:.0%} of their time in the band as contact (the rest is travel "
        "and waiting). Each cell: carers spare on the worst day modelled (negative: short), "
        "then how many more calls of the band's typical length fit on every day modelled "
        f"({html.escape(calls)}). <i>People</i>: how many more typical packages "
        f"({html.escape(package)}, one call in each, every day) each pool could take this "
        "week with no new carers. These count hours only, so they are an upper bound: "
        "<code>roster place</code> checks a real package against the rounds' travel, windows "
        "and breaks; <code>capacity.csv</code> has every pool, day and band.</p>",
        f"<table><thead><tr><th>Model</th><th>Pool</th>{header}<th>People (at most)</th>"
        "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
    )


def _capacity_cell(row: BandCapacity | None, extra_calls: int) -> str:
    """Return a capacity table cell: carers spare or short on the worst day, and extra calls."""
    if row is None:
        return "<td>–</td>"
    style = ' class="short"' if row.carers_spare < 0 else ""
    spare = _number(row.carers_spare, 0, signed=True)
    return f"<td{style}>{spare} carers, {extra_calls} calls</td>"


def _mixing_paragraph(recipients: gpd.GeoDataFrame) -> str:
    """Say how many framework providers serve each neighbourhood."""
    providers = recipients.groupby("neighbourhood")["provider_id"].nunique()
    if providers.empty:
        return ""
    worst = providers.idxmax()
    return (
        f"<p>Under the framework, {recipients['provider_id'].nunique()} providers serve "
        f"{len(recipients)} recipients; a neighbourhood is served by {providers.mean():.1f} "
        f"providers on average, and {html.escape(str(worst))} by {providers.max()}. Zoom in on "
        "the left map to see several providers' clients on one street; on the right, each "
        "neighbourhood's clients go to one consortium.</p>"
    )


def _neighbourhood_table(neighbourhoods: gpd.GeoDataFrame, recipients: gpd.GeoDataFrame) -> str:
    """Tabulate each neighbourhood's size, compactness and framework providers."""
    providers = recipients.groupby("neighbourhood")["provider_id"].nunique()
    columns = [c for c in _NEIGHBOURHOOD_COLUMNS if c[0] in neighbourhoods.columns]
    header = "".join(f"<th>{html.escape(label)}</th>" for _, label, _, _ in columns)
    rows = []
    for _, row in neighbourhoods.sort_values("neighbourhood").iterrows():
        label = row["neighbourhood"]
        cells = "".join(
            f"<td>{_number(row[key] * scale, decimals)}</td>" for key, _, scale, decimals in columns
        )
        rows.append(
            f"<tr><th>{html.escape(str(label))}</th>{cells}<td>{providers.get(label, 0)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Neighbourhood</th>"
        f"{header}<th>Framework providers</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _metrics_table(
    models: Mapping[str, ModelMetrics], uncertainty: Mapping[str, MetricUncertainty]
) -> str:
    """Tabulate every metric per model, with the difference absolute and relative."""
    header = "".join(f"<th>{m.capitalize()}</th>" for m in models)
    header += "<th>Difference</th><th>Relative</th>"
    if uncertainty:
        header += "<th>95% interval of the difference</th>"
    rows = []
    for metric in METRICS:
        values = [metric.of(models[m]) for m in models]
        cells = "".join(f"<td>{_shown(metric, v)}</td>" for v in values)
        cells += _difference_cells(metric, *values)
        if uncertainty:
            interval = uncertainty.get(metric.attribute)
            cells += f"<td>{_interval(metric, interval.difference_ci if interval else None)}</td>"
        rows.append(f"<tr><th>{html.escape(metric.label)}</th>{cells}</tr>")
    return (
        f"<table><thead><tr><th>Metric</th>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _difference_cells(metric: Metric, framework: float, consortium: float) -> str:
    """Return the absolute and relative difference cells (consortium minus framework)."""
    difference = (consortium - framework) * metric.scale
    absolute = _number(difference, metric.decimals, signed=True)
    if metric.points:
        return f"<td>{absolute} points</td><td>–</td>"
    relative = (
        f"{_number(100 * (consortium - framework) / framework, 1, signed=True)}%"
        if framework
        else "–"
    )
    return f"<td>{absolute}</td><td>{relative}</td>"


#: Job-quality figures shown, with their labels.
_JOB_QUALITY = (
    ("contact_hours", "Contact hours a week"),
    ("working_hours", "Working hours a week"),
    ("span_hours_per_day", "Span of a working day (hours)"),
    ("unpaid_travel_hours", "Unpaid travel a week (hours)"),
    ("unpaid_waiting_hours", "Unpaid waiting a week (hours)"),
    ("unpaid_by_visit_hours", "Unpaid span a week, paid by visit (hours)"),
    ("unpaid_by_shift_hours", "Unpaid span a week, paid by shift (hours)"),
    ("effective_pay_by_visit_gbp", "Effective hourly pay, paid by visit (£)"),
    ("effective_pay_by_shift_gbp", "Effective hourly pay, paid by shift (£)"),
)


def job_quality_table(models: Mapping[str, PoolMetrics]) -> str:
    """Tabulate job quality per model: each figure's mean over carers, and its spread."""
    header = "".join(f"<th>{html.escape(m.capitalize())}</th>" for m in models)
    rows = []
    for attribute, label in _JOB_QUALITY:
        cells = ""
        for figures in models.values():
            spread = getattr(figures.job_quality, attribute)
            cells += f"<td>{spread.mean:.2f} ({spread.p10:.2f}–{spread.p90:.2f})</td>"
        rows.append(f"<tr><th>{html.escape(label)}</th>{cells}</tr>")
    return (
        "<h3>Job quality</h3><p>Per carer who worked: the mean, and in brackets the 10th to "
        "90th percentiles. Paid by visit, carers are paid for contact time; paid by shift, "
        "for each round from leaving home to coming back. A day's span runs from the first "
        "departure to the last return; effective pay is pay over span.</p>"
        f"<table><thead><tr><th>Figure</th>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _unassigned_list(models: Mapping[str, ModelMetrics]) -> str:
    """List why visits went unassigned, per model, if any did."""
    items = [
        f"<li>{name.capitalize()}: "
        + ", ".join(
            f"{html.escape(str(reason))}: {count}"
            for reason, count in model.unassigned_reasons.items()
        )
        + "</li>"
        for name, model in models.items()
        if model.unassigned_reasons
    ]
    return f"<p>Unassigned visits by reason:</p><ul>{''.join(items)}</ul>" if items else ""


def _pool_table(name: str, model: ModelMetrics) -> str:
    """Tabulate a model's pools (providers or neighbourhoods) in a collapsible section."""
    pools = model.pools
    if not pools:
        return ""
    header = "".join(f"<th>{html.escape(m.label)}</th>" for m in _POOL_METRICS)
    rows = "".join(
        f"<tr><th>{html.escape(str(pool))}</th>"
        + "".join(f"<td>{_shown(m, m.of(figures))}</td>" for m in _POOL_METRICS)
        + "</tr>"
        for pool, figures in sorted(pools.items())
    )
    return (
        f"<details><summary>{name.capitalize()}: {_plural(len(pools), 'pool')}</summary>"
        f"<table><thead><tr><th>Pool</th>{header}</tr></thead><tbody>{rows}</tbody></table>"
        "</details>"
    )


def _assumptions_table(assumptions: Mapping[str, Assumption]) -> str:
    """Tabulate each assumption's value and source."""
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th>"
        f"<td>{html.escape(_value(entry.value))}</td>"
        f"<td>{html.escape(entry.source)}</td></tr>"
        for name, entry in assumptions.items()
    )
    return (
        '<table class="text"><thead><tr><th>Assumption</th><th>Value</th><th>Source</th></tr>'
        "</thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _shown(metric: Metric, value: float) -> str:
    """Format a metric's value in its shown unit."""
    return _number(value * metric.scale, metric.decimals)


def _interval(metric: Metric, interval: Sequence[float] | None) -> str:
    """Format a 95% interval in the metric's shown unit."""
    if not interval:
        return "–"
    low, high = (_number(x * metric.scale, metric.decimals, signed=True) for x in interval)
    return f"{low} to {high}"


def _number(value: float, decimals: int, signed: bool = False) -> str:
    """Format a number with thousands separators, or a dash if it is not a number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value, decimals) == 0:
        value, signed = 0.0, False  # "0", not "+0" or "−0"
    return f"{value:{'+' if signed else ''},.{decimals}f}".replace("-", "−")


def _value(value: Any) -> str:
    """Format an assumption's value: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(plain(value))


def _plural(count: int, noun: str) -> str:
    """Return "1 pool", "2 pools"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _join(items: Sequence[Any]) -> str:
    """Join a short list with commas."""
    return ", ".join(str(item) for item in items)


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0;
       background: #fafafa; line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.headline { font-size: 1.3rem; background: #eef6f2; border-left: 6px solid #1b9e77;
            padding: 0.8rem 1rem; }
.note { color: #555; font-size: 0.9rem; }
.warning { background: #fdf0e6; border-left: 6px solid #d95f02; padding: 0.4rem 1rem; }
td.short { background: #fbe3d3; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
figure { margin: 0; }
figure.chart svg { width: 100%; height: auto; }
.folium-map { border: 1px solid #ccc; background: #f2f0eb; }
.legend { font-size: 0.85rem; margin-top: 0.3rem; }
.legend span { display: inline-block; margin-right: 0.8rem; white-space: nowrap; }
.legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
            margin-right: 0.25rem; vertical-align: -0.1rem; border: 1px solid #222; }
.map-label { transform: translate(-50%, -50%); font-weight: bold; font-size: 0.85rem;
             background: rgba(255, 255, 255, 0.8); padding: 0 0.2rem; width: max-content; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; background: white; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; }
td { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f0f0f0; }
tbody th { text-align: left; font-weight: normal; }
table.text td { text-align: left; }
details { margin: 0.6rem 0; }
summary { cursor: pointer; font-weight: bold; }
"""
