"""A comparison's outputs: summary, rosters, GeoPackage and the HTML report with maps and charts."""

from roster.report.files import write_outputs
from roster.report.html import write_report

__all__ = [
    "write_outputs",
    "write_report",
]
