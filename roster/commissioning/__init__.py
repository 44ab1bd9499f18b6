"""Commissioning models as pools of visits and carers, their neighbourhoods, a week of rounds."""

from roster.commissioning.models import Commissioning, consortium, framework, weekly_hours
from roster.commissioning.neighbourhood_plan import NeighbourhoodPlan, plan_neighbourhoods
from roster.commissioning.pools import MAX_DAILY_WORKING_S, Pool, pool_problems
from roster.commissioning.week import SolvedPool, solve_week

__all__ = [
    "Commissioning",
    "MAX_DAILY_WORKING_S",
    "NeighbourhoodPlan",
    "Pool",
    "SolvedPool",
    "consortium",
    "framework",
    "plan_neighbourhoods",
    "pool_problems",
    "solve_week",
    "weekly_hours",
]
