"""Write ``roster rounds``' files: the week's rounds, run sheets, recipients' weeks, map, figures.

Files (into a folder written as a unit by the caller, :class:`roster.io.OutputFolder`):

- ``rounds.csv``: one row per carer visit, in round order;
- ``rounds.json``: every pool-day-session's rounds, VROOM-like (summary, routes of steps);
- ``run_sheets/<carer>-<day>.html``: one printable page per carer and day, and
  ``run_sheets.html`` with all of them (page breaks between);
- ``recipients_week.csv``: each recipient's week, who comes when;
- ``map.html``: the first day's rounds drawn along the roads;
- ``unassigned.csv``: every visit left out, with its reason;
- ``metrics.json``: the comparison's figures for the week, and ``carers.csv``: each carer's
  hours against contract and job quality.
"""

from __future__ import annotations

import html
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from roster.comparison.metrics import plain
from roster.comparison.week_rounds import WeekRounds
from roster.geo.locations import Locations
from roster.io import atomic_path
from roster.model import DAYS
from roster.report.files import planned_times, write_csv, write_json
from roster.report.html import job_quality_table
from roster.report.maps import leaflet_assets, rounds_map
from roster.report.route_lines import route_lines
from roster.rounds.solution import clock

logger = logging.getLogger(__name__)

ROUNDS_COLUMNS = (
    "pool",
    "day",
    "carer",
    "period",
    "order",
    "visit",
    "recipient",
    "street",
    "window",
    "planned",
    "arrival",
    "start",
    "end",
    "travel_before_min",
    "length_before_m",
)
RECIPIENT_COLUMNS = ("recipient", "street", "day", "visit", "planned", "start", "end", "carers")
UNASSIGNED_COLUMNS = ("pool", "day", "visit", "recipient", "window", "reason")
CARER_COLUMNS = (
    "carer",
    "contracted_h",
    "contact_h",
    "working_h",
    "travel_h",
    "waiting_h",
    "span_h",
    "days_worked",
    "paid_by_visit_h",
    "paid_by_shift_h",
    "effective_pay_by_visit_gbp",
    "effective_pay_by_shift_gbp",
)

_SHEET_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; font-size: 0.95em; }
th { background: #eee; }
.sheet { page-break-after: always; break-after: page; }
.note { color: #555; font-size: 0.9em; }
@media print { body { margin: 0.5cm; } }
"""


def street_names(locations: Locations, mode: str = "drive") -> list[str]:
    """Name the street each home is snapped to, from the OSM ``name`` of its road ("" if none).

    Parameters
    ----------
    locations
        Snapped homes (row ``i`` is ``locations.ids[i]``).
    mode
        Whose network to read.
    """
    network = locations.networks[mode]
    return [str(name) for name in network.edge_name[locations.snapped[mode].edge]]


def write_rounds_outputs(folder: Path, week: WeekRounds) -> list[Path]:
    """Write every ``roster rounds`` file (the module docstring lists them) into ``folder``.

    Returns the files and folders written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    streets = street_names(week.locations)
    written = [
        write_csv(folder / "rounds.csv", _round_rows(week, streets), ROUNDS_COLUMNS),
        write_json(folder / "rounds.json", _rounds_json(week), indent=None),
        write_csv(
            folder / "recipients_week.csv", _recipient_rows(week, streets), RECIPIENT_COLUMNS
        ),
        write_csv(folder / "unassigned.csv", _unassigned_rows(week), UNASSIGNED_COLUMNS),
        write_json(folder / "metrics.json", plain(week.metrics.to_json())),
        write_csv(folder / "carers.csv", _carer_rows(week), CARER_COLUMNS),
    ]
    written += _write_run_sheets(folder, week, streets)
    written.append(_write_map(folder / "map.html", week))
    logger.info("wrote %d files to %s", len(written), folder)
    return written


def _ordered(week: WeekRounds):
    """Solved pool-days in day, pool order."""
    return sorted(week.solved, key=lambda s: (s.day, s.pool))


def _round_rows(week: WeekRounds, streets: Sequence[str]) -> list[dict]:
    rows = []
    street_of = dict(zip(week.locations.ids, streets, strict=True))
    planned = planned_times(week.instance.visits)
    for item in _ordered(week):
        for row in item.rounds.to_csv_rows(item.problem, DAYS[item.day], week.locations.ids):
            street, plan = street_of.get(row["recipient"], ""), planned[row["visit"]]
            rows.append({"pool": item.pool, **row, "street": street, "planned": plan})
    return rows


def _rounds_json(week: WeekRounds) -> dict:
    """Each pool-day-session's rounds, VROOM-like, numbered as ``rounds.json`` of a comparison."""
    session: Counter[tuple[str, int]] = Counter()
    entries = []
    for item in week.solved:
        entries.append(
            {
                "pool": item.pool,
                "day": item.day,
                "session": session[item.pool, item.day],
                "rounds": item.rounds.to_json(),
            }
        )
        session[item.pool, item.day] += 1
    return {"days": list(week.days), "entries": entries}


def _recipient_rows(week: WeekRounds, streets: Sequence[str]) -> list[dict]:
    """Each recipient's visits in the week, with who comes (both carers of a double-handed one)."""
    street_of = dict(zip(week.locations.ids, streets, strict=True))
    carers: dict[str, list[str]] = defaultdict(list)
    times: dict[str, tuple[int, int]] = {}
    planned = planned_times(week.instance.visits)
    for item in week.solved:
        for route in item.rounds.routes:
            for step in route.steps:
                carers[step.visit_id].append(route.carer_id)
                times.setdefault(step.visit_id, (step.start_s, step.end_s))
    rows = []
    visits = sorted(
        (v for v in week.instance.visits if v.day in week.days),
        key=lambda v: (v.recipient_id, v.day, v.earliest_start_s),
    )
    for visit in visits:
        start, end = times.get(visit.id, (None, None))
        rows.append(
            {
                "recipient": visit.recipient_id,
                "street": street_of.get(visit.recipient_id, ""),
                "day": DAYS[visit.day],
                "visit": visit.id,
                "planned": planned[visit.id],
                "start": "" if start is None else clock(start),
                "end": "" if end is None else clock(end),
                "carers": ";".join(carers.get(visit.id, [])) or "unassigned",
            }
        )
    return rows


def _unassigned_rows(week: WeekRounds) -> list[dict]:
    rows = []
    for item in _ordered(week):
        for unassigned in item.rounds.unassigned:
            visit = week.instance.visit_by_id[unassigned.visit_id]
            rows.append(
                {
                    "pool": item.pool,
                    "day": DAYS[item.day],
                    "visit": visit.id,
                    "recipient": visit.recipient_id,
                    "window": f"{clock(visit.earliest_start_s)}-{clock(visit.latest_start_s)}",
                    "reason": unassigned.reason,
                }
            )
    return rows


def _carer_rows(week: WeekRounds) -> list[dict]:
    hours = lambda seconds: round(seconds / 3600, 2)  # noqa: E731
    return [
        {
            "carer": w.carer_id,
            "contracted_h": hours(w.contracted_s),
            "contact_h": hours(w.contact_s),
            "working_h": hours(w.working_s),
            "travel_h": hours(w.travel_s),
            "waiting_h": hours(w.waiting_s),
            "span_h": hours(w.span_s),
            "days_worked": w.days_worked,
            "paid_by_visit_h": hours(w.paid_by_visit_s),
            "paid_by_shift_h": hours(w.paid_by_shift_s),
            "effective_pay_by_visit_gbp": w.effective_pay_by_visit_gbp,
            "effective_pay_by_shift_gbp": w.effective_pay_by_shift_gbp,
        }
        for w in week.carers
    ]


def _run_sheets(week: WeekRounds, streets: Sequence[str]) -> dict[tuple[str, int], str]:
    """One printable sheet (an HTML fragment) per carer and day worked, by (carer, day)."""
    street_of = dict(zip(week.locations.ids, streets, strict=True))
    planned = planned_times(week.instance.visits)
    routes: dict[tuple[str, int], list] = defaultdict(list)
    for item in week.solved:
        for route in item.rounds.routes:
            routes[route.carer_id, item.day].append((item, route))
    sheets = {}
    for (carer, day), items in sorted(routes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rows = []
        travel = contact = 0
        for item, route in sorted(items, key=lambda pair: pair[1].leave_s):
            ids = week.locations.ids
            rows.append(f"<tr><td>{clock(route.leave_s)}</td><td colspan='6'>Leave home</td></tr>")
            for step in route.steps:
                who = ids[int(item.problem.location_row[step.location])]
                half = " (with a second carer)" if step.half or _paired(item, step) else ""
                plan = planned[step.visit_id] and f" (care plan {planned[step.visit_id]})"
                rows.append(
                    "<tr>"
                    f"<td>{clock(step.arrival_s)}</td>"
                    f"<td>{clock(step.start_s)}–{clock(step.end_s)}{plan}</td>"
                    f"<td>{html.escape(who)}{half}</td>"
                    f"<td>{html.escape(street_of.get(who, ''))}</td>"
                    f"<td>{step.travel_time_s / 60:.0f} min</td>"
                    f"<td>{step.length_m / 1000:.1f} km</td>"
                    f"<td>{step.waiting_s / 60:.0f} min</td>"
                    "</tr>"
                )
                contact += step.end_s - step.start_s
            rows.append(
                f"<tr><td>{clock(route.return_s)}</td><td colspan='3'>Home</td>"
                f"<td>{route.home_travel_time_s / 60:.0f} min</td>"
                f"<td>{route.home_length_m / 1000:.1f} km</td><td></td></tr>"
            )
            for begin, end in route.breaks:
                rows.append(
                    f"<tr><td>{clock(begin)}</td><td colspan='6'>Break to {clock(end)}</td></tr>"
                )
            travel += route.travel_time_s
        sheets[carer, day] = (
            f'<section class="sheet"><h1>{html.escape(carer)}: {DAYS[day]}</h1>'
            f'<p class="note">{len(items)} round(s); {contact / 3600:.1f} h of visits, '
            f"{travel / 60:.0f} min of travel.</p>"
            "<table><thead><tr><th>Arrive</th><th>Visit</th><th>Recipient</th><th>Street</th>"
            "<th>Travel before</th><th>Distance</th><th>Wait</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
    return sheets


def _paired(item, step) -> bool:
    """Whether a step's visit is double-handed."""
    index = item.problem.visit_id.index(step.visit_id)
    return int(item.problem.carers_required[index]) == 2


def _sheet_page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_SHEET_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _write_run_sheets(folder: Path, week: WeekRounds, streets: Sequence[str]) -> list[Path]:
    sheets = _run_sheets(week, streets)
    directory = folder / "run_sheets"
    directory.mkdir(exist_ok=True)
    for (carer, day), body in sheets.items():
        path = directory / f"{carer}-{DAYS[day]}.html"
        _write_text(path, _sheet_page(f"{carer}: {DAYS[day]}", body))
    everything = folder / "run_sheets.html"
    _write_text(everything, _sheet_page("Run sheets", "".join(sheets.values())))
    return [directory, everything]


def _write_map(path: Path, week: WeekRounds) -> Path:
    """Write a page of the first day's rounds along the roads, with the week's figures."""
    first = min((s.day for s in week.solved), default=0)
    lines = route_lines([s for s in week.solved if s.day == first], week.locations)
    lines = lines[lines.geometry.notna()]
    empty = gpd.GeoDataFrame({"neighbourhood": []}, geometry=[], crs="EPSG:4326")
    page = rounds_map(lines, empty, key="rounds")
    figures = week.metrics
    body = (
        f"<h1>Rounds: {DAYS[first]}</h1>{page.body}"
        f"<p>{figures.visits} visits in the week, {figures.visits_unassigned} unassigned; "
        f"{figures.travel_time_s / 3600:.1f} h of travel; a recipient sees "
        f"{figures.continuity_mean_carers:.2f} different carers on average "
        f"(90th percentile {figures.continuity_p90_carers:g}).</p>"
        f"{job_quality_table({'rounds': figures})}"
    )
    text = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Rounds</title>{leaflet_assets()}{page.head}</head>"
        f"<body>{body}<script>{page.script}</script></body></html>\n"
    )
    return _write_text(path, text)


def _write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path
