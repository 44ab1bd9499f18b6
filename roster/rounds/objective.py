"""The objective of a pool's rounds: the one number any two answers are compared by.

How its terms are weighted (all in the same unit, one second of travel = 1):

- travel time of every leg, in seconds (the arc cost);
- ``unassigned_penalty`` for each carer-visit left out (a double-handed visit pays it twice;
  :data:`MANDATORY_PENALTY` when visits are mandatory). Only visits some carer could have
  served count: every answer leaves out those ruled out before solving;
- ``gender_penalty`` each time a carer of the other gender serves a visit with a preference,
  when the preference is soft;
- ``lateness_cost_per_s`` for each second a start falls after its window, when lateness is
  allowed (up to ``max_lateness_s``);
- ``worst_lateness_cost_per_s`` for each second of the largest lateness in the pool, when
  lateness is allowed (OR-Tools' model has no such term: only the improvement searches it);
- the problem's ``assignment_cost`` of each carer-visit's carer (e.g. continuity of care: a
  carer new to the recipient this week; :func:`roster.commissioning.week.solve_week`);
- ``carer_fixed_cost`` for each working period used, to minimise carers used (a split-shift
  carer used in both periods pays it twice).

Waiting and service time cost nothing: service is fixed, and carers leave home as late as
their first visit allows. OR-Tools' model (:mod:`roster.rounds.ortools_model`) and the
improvement (:mod:`roster.rounds.improve`) search with these weights; this function
computes the objective from the rounds themselves, to choose between their answers.
"""

from __future__ import annotations

from roster.rounds.params import RoundsParams
from roster.rounds.problem import ANY_GENDER, RoundsProblem
from roster.rounds.solution import NO_CAPACITY, Rounds

#: Cost of leaving out a carer-visit when visits are mandatory (``unassigned_penalty`` None):
#: what the improvement pays while it rebuilds rounds; OR-Tools' answers leave none out.
MANDATORY_PENALTY = 1_000_000_000


def unassigned_cost(params: RoundsParams) -> int:
    """Return the cost of leaving one carer-visit out under these settings."""
    return MANDATORY_PENALTY if params.unassigned_penalty is None else params.unassigned_penalty


def objective(problem: RoundsProblem, params: RoundsParams, rounds: Rounds) -> int:
    """Compute the objective of rounds from their routes and unassigned visits.

    Parameters
    ----------
    problem
        The pool the rounds were solved for.
    params
        The weights (see the module docstring).
    rounds
        The answer; its own ``objective`` is not read.

    Returns
    -------
    int
        The weighted sum of the module docstring's terms.
    """
    p = problem
    index = {v: i for i, v in enumerate(p.visit_id)}
    carer = {c: k for k, c in enumerate(p.carer_id)}
    soft = not params.gender_hard and params.gender_penalty > 0
    total, worst_s = 0, 0
    for route in rounds.routes:
        total += params.carer_fixed_cost + route.travel_time_s
        k = carer[route.carer_id]
        gender = p.carer_gender[k]
        for step in route.steps:
            v = index[step.visit_id]
            total += int(p.assignment_cost[v, k])
            preference = p.gender_preference[v]
            if soft and preference != ANY_GENDER and preference != gender:
                total += params.gender_penalty
            late_s = max(0, step.start_s - int(p.latest_start_s[v]))
            if params.allow_lateness:
                total += params.lateness_cost_per_s * late_s
            worst_s = max(worst_s, late_s)
    if params.allow_lateness:
        total += params.worst_lateness_cost_per_s * worst_s
    left_out = sum(
        int(p.carers_required[index[u.visit_id]])
        for u in rounds.unassigned
        if u.reason == NO_CAPACITY
    )
    return int(total + unassigned_cost(params) * left_out)
