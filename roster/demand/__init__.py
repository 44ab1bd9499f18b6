"""A synthetic area from census and OSM: recipients, packages, visits, carers, provider market."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "census": ["AreaPopulation", "load_area"],
        "generate": ["GeneratedArea", "generate_area", "write_area"],
        "market": ["Fragmentation", "fragmentation", "market_shares", "tender"],
        "osm_points": ["OsmPoints", "places", "residential_buildings"],
        "packages": ["Packages", "draw_packages", "package_visits"],
        "placement": ["Homes", "place_homes"],
        "workforce": ["staff", "team_carers"],
    },
)
