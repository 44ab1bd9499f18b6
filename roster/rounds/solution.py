"""Solved rounds: ordered visits per carer period, unassigned visits, and their JSON/CSV forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roster.rounds.problem import RoundsProblem

#: Why a visit was left out; all but "no capacity" come from checks made before solving.
NO_SKILLS = "no carer with the required skills"
NO_GENDER = "no carer of the preferred gender"
UNREACHABLE = "window unreachable"
NO_CAPACITY = "no capacity"
NO_CARERS = "pool has no carers"
NO_SHIFT = "no carer on shift that day"
TOO_FEW_CARERS = "too few carers for a double-handed visit"
REASONS = (NO_SKILLS, NO_GENDER, UNREACHABLE, NO_CAPACITY, NO_CARERS, NO_SHIFT, TOO_FEW_CARERS)


@dataclass(frozen=True)
class Step:
    """One visit in a round, with the leg travelled to reach it.

    Parameters
    ----------
    visit_id
        The visit served.
    half
        0 for a single-handed visit or the first carer of a double-handed one, 1 for the second.
    location
        Location index of the visit.
    arrival_s
        When the carer arrives, setting off as soon as the previous visit (or home) is left.
    start_s, end_s
        Start and end of service.
    waiting_s
        Idle time before the start, not counting any break taken in the same gap.
    travel_time_s, length_m
        The leg from the previous visit (or home) to this one.
    """

    visit_id: str
    half: int
    location: int
    arrival_s: int
    start_s: int
    end_s: int
    waiting_s: int
    travel_time_s: int
    length_m: int


@dataclass(frozen=True)
class Route:
    """One working period of one carer: leave home, serve the steps in order, return.

    Parameters
    ----------
    carer_id
        The carer.
    period
        Index of the working period in the problem.
    leave_s, return_s
        When the carer leaves home and gets back; ``return_s - leave_s`` is working time.
    steps
        The visits in order.
    home_travel_time_s, home_length_m
        The final leg home.
    breaks
        Rest breaks taken between leaving and returning, as ``(start_s, end_s)`` pairs.
    """

    carer_id: str
    period: int
    leave_s: int
    return_s: int
    steps: tuple[Step, ...]
    home_travel_time_s: int
    home_length_m: int
    breaks: tuple[tuple[int, int], ...] = ()

    @property
    def travel_time_s(self) -> int:
        """Total travel time of the round, including the leg home."""
        return sum(s.travel_time_s for s in self.steps) + self.home_travel_time_s

    @property
    def length_m(self) -> int:
        """Total distance of the round, including the leg home."""
        return sum(s.length_m for s in self.steps) + self.home_length_m

    @property
    def service_s(self) -> int:
        """Total time spent serving visits."""
        return sum(s.end_s - s.start_s for s in self.steps)

    @property
    def waiting_s(self) -> int:
        """Total idle time before visits."""
        return sum(s.waiting_s for s in self.steps)

    @property
    def working_s(self) -> int:
        """Time from leaving home to returning."""
        return self.return_s - self.leave_s


@dataclass(frozen=True)
class Unassigned:
    """A visit left out of every round, with one of :data:`REASONS`."""

    visit_id: str
    reason: str

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"Unknown reason for an unassigned visit: {self.reason!r}.")


@dataclass(frozen=True)
class Rounds:
    """The solver's answer for one pool.

    Parameters
    ----------
    routes
        One route per working period that serves at least one visit.
    unassigned
        Every visit not served, with the reason.
    status
        The OR-Tools routing status name (e.g. ``ROUTING_SUCCESS``), or ``NOT_SOLVED`` when
        there was nothing to route.
    objective
        Their objective value (:func:`roster.rounds.objective.objective`).
    """

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    status: str
    objective: int

    @property
    def travel_time_s(self) -> int:
        """Total travel time over all routes."""
        return sum(r.travel_time_s for r in self.routes)

    @property
    def length_m(self) -> int:
        """Total distance over all routes."""
        return sum(r.length_m for r in self.routes)

    @property
    def carers_used(self) -> int:
        """Number of distinct carers with at least one visit."""
        return len({r.carer_id for r in self.routes})

    def summary(self) -> dict[str, int | str]:
        """Totals over all routes, as a plain dict."""
        return {
            "status": self.status,
            "objective": self.objective,
            "routes": len(self.routes),
            "carers": self.carers_used,
            "visits": sum(len(r.steps) for r in self.routes),
            "unassigned": len(self.unassigned),
            "travel_time_s": self.travel_time_s,
            "length_m": self.length_m,
            "service_s": sum(r.service_s for r in self.routes),
            "waiting_s": sum(r.waiting_s for r in self.routes),
            "working_s": sum(r.working_s for r in self.routes),
        }

    def to_json(self) -> dict:
        """VROOM-like dict: ``summary``, ``routes`` with ``steps``, ``unassigned`` with reasons."""
        routes = []
        for r in self.routes:
            steps = [{"type": "start", "arrival": r.leave_s, "travel_time_s": 0, "length_m": 0}]
            steps += [
                {
                    "type": "job",
                    "id": s.visit_id,
                    "half": s.half,
                    "location": s.location,
                    "arrival": s.arrival_s,
                    "start": s.start_s,
                    "end": s.end_s,
                    "service": s.end_s - s.start_s,
                    "waiting_time": s.waiting_s,
                    "travel_time_s": s.travel_time_s,
                    "length_m": s.length_m,
                }
                for s in r.steps
            ]
            steps.append(
                {
                    "type": "end",
                    "arrival": r.return_s,
                    "travel_time_s": r.home_travel_time_s,
                    "length_m": r.home_length_m,
                }
            )
            routes.append(
                {
                    "carer": r.carer_id,
                    "period": r.period,
                    "travel_time_s": r.travel_time_s,
                    "length_m": r.length_m,
                    "service_s": r.service_s,
                    "waiting_s": r.waiting_s,
                    "working_s": r.working_s,
                    "breaks": [{"start": a, "end": b} for a, b in r.breaks],
                    "steps": steps,
                }
            )
        return {
            "summary": self.summary(),
            "routes": routes,
            "unassigned": [{"id": u.visit_id, "reason": u.reason} for u in self.unassigned],
        }

    @classmethod
    def from_json(cls, data: dict) -> Rounds:
        """Read what :meth:`to_json` wrote (the summary's totals are recomputed, not read)."""
        routes = []
        for r in data["routes"]:
            start, *jobs, end = r["steps"]
            steps = tuple(
                Step(
                    visit_id=j["id"],
                    half=j["half"],
                    location=j["location"],
                    arrival_s=j["arrival"],
                    start_s=j["start"],
                    end_s=j["end"],
                    waiting_s=j["waiting_time"],
                    travel_time_s=j["travel_time_s"],
                    length_m=j["length_m"],
                )
                for j in jobs
            )
            routes.append(
                Route(
                    carer_id=r["carer"],
                    period=r["period"],
                    leave_s=start["arrival"],
                    return_s=end["arrival"],
                    steps=steps,
                    home_travel_time_s=end["travel_time_s"],
                    home_length_m=end["length_m"],
                    breaks=tuple((b["start"], b["end"]) for b in r["breaks"]),
                )
            )
        return cls(
            routes=tuple(routes),
            unassigned=tuple(Unassigned(u["id"], u["reason"]) for u in data["unassigned"]),
            status=data["summary"]["status"],
            objective=data["summary"]["objective"],
        )

    def to_csv_rows(
        self, problem: RoundsProblem, day: str = "", location_ids: Sequence[str] | None = None
    ) -> list[dict[str, str | int | float]]:
        """One row per visit per carer, in round order, for a coordinator to hand out.

        Columns: day, carer, period (the working period's hours), order, visit, recipient,
        window, arrival, start, end (clock times), travel_before_min, length_before_m (the leg
        to the visit).

        Parameters
        ----------
        problem
            The problem solved, for each visit's window and each period's hours.
        day
            Label for the day solved (e.g. an ISO date), copied into every row.
        location_ids
            Who lives at each of the area's locations (such as
            :attr:`roster.geo.locations.Locations.ids`), indexed by ``problem.location_row``:
            the recipient column. Without it the column is empty.
        """
        index = {v: i for i, v in enumerate(problem.visit_id)}
        rows: list[dict[str, str | int | float]] = []
        for r in self.routes:
            hours = f"{clock(int(problem.period_start_s[r.period]))}-"
            hours += clock(int(problem.period_end_s[r.period]))
            for order, s in enumerate(r.steps, start=1):
                i = index[s.visit_id]
                row = int(problem.location_row[s.location])
                rows.append(
                    {
                        "day": day,
                        "carer": r.carer_id,
                        "period": hours,
                        "order": order,
                        "visit": s.visit_id,
                        "recipient": "" if location_ids is None else location_ids[row],
                        "window": f"{clock(int(problem.earliest_start_s[i]))}-"
                        f"{clock(int(problem.latest_start_s[i]))}",
                        "arrival": clock(s.arrival_s),
                        "start": clock(s.start_s),
                        "end": clock(s.end_s),
                        "travel_before_min": round(s.travel_time_s / 60, 1),
                        "length_before_m": s.length_m,
                    }
                )
        return rows


def clock(seconds: int) -> str:
    """Format seconds since midnight as ``HH:MM``."""
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
