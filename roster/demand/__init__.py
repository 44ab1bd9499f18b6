"""A synthetic area from census and OSM: recipients, packages, visits, carers, provider market."""

from roster.demand.census import AreaPopulation, load_area
from roster.demand.generate import GeneratedArea, generate_area, write_area
from roster.demand.market import Fragmentation, fragmentation, market_shares, tender
from roster.demand.osm_points import OsmPoints, places, residential_buildings
from roster.demand.packages import Packages, draw_packages, package_visits
from roster.demand.placement import Homes, place_homes
from roster.demand.workforce import staff, team_carers

__all__ = [
    "AreaPopulation",
    "Fragmentation",
    "GeneratedArea",
    "Homes",
    "OsmPoints",
    "Packages",
    "draw_packages",
    "fragmentation",
    "generate_area",
    "load_area",
    "market_shares",
    "package_visits",
    "place_homes",
    "places",
    "residential_buildings",
    "staff",
    "team_carers",
    "tender",
    "write_area",
]
