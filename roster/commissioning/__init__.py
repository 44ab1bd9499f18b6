"""Commissioning models as pools of visits and carers, their neighbourhoods, a week of rounds."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "models": ["Commissioning", "consortium", "framework", "weekly_hours"],
        "neighbourhood_plan": ["NeighbourhoodPlan", "plan_neighbourhoods"],
        "pools": ["MAX_DAILY_WORKING_S", "Pool", "pool_problems"],
        "week": ["SolvedPool", "solve_week"],
    },
)
