"""A local web page where a commissioner draws, checks, saves and compares neighbourhood plans."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "figures": ["AreaArrays", "Check", "NeighbourhoodFigures", "PlanFigures", "plan_figures"],
        "plan": ["History", "Plan", "merge", "move", "plan_from_names", "redo", "split", "undo"],
        "workspace": ["Workspace", "boundaries_plan", "census_plan", "plan_polygons", "prepare"],
    },
)
