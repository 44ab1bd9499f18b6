"""Care-worker rounds of one day's pool: the array problem, its solver, an independent checker."""

from roster.rounds.checker import check_rounds
from roster.rounds.objective import objective
from roster.rounds.params import RoundsParams
from roster.rounds.problem import RoundsProblem
from roster.rounds.solution import REASONS, Rounds, Route, Step, Unassigned
from roster.rounds.solve import solve_rounds

__all__ = [
    "REASONS",
    "Rounds",
    "RoundsParams",
    "RoundsProblem",
    "Route",
    "Step",
    "Unassigned",
    "check_rounds",
    "objective",
    "solve_rounds",
]
