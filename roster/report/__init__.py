"""A comparison's outputs: summary, rosters, GeoPackage and the HTML report with maps and charts."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "files": ["write_outputs"],
        "html": ["write_report"],
    },
)
