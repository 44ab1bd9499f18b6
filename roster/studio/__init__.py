"""A local web page where a commissioner draws, checks, saves and compares neighbourhood plans."""

from roster.studio.figures import AreaArrays, Check, NeighbourhoodFigures, PlanFigures, plan_figures
from roster.studio.plan import History, Plan, merge, move, plan_from_names, redo, split, undo
from roster.studio.workspace import Workspace, boundaries_plan, census_plan, plan_polygons, prepare

__all__ = [
    "AreaArrays",
    "Check",
    "History",
    "NeighbourhoodFigures",
    "Plan",
    "PlanFigures",
    "Workspace",
    "boundaries_plan",
    "census_plan",
    "merge",
    "move",
    "plan_figures",
    "plan_from_names",
    "plan_polygons",
    "prepare",
    "redo",
    "split",
    "undo",
]
