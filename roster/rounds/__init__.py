"""Care-worker rounds of one day's pool: the array problem, its solver, an independent checker."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "checker": ["check_rounds"],
        "objective": ["objective"],
        "params": ["RoundsParams"],
        "problem": ["RoundsProblem"],
        "solution": ["REASONS", "Rounds", "Route", "Step", "Unassigned"],
        "solve": ["solve_rounds"],
    },
)
