"""Exceptions raised by the neighbourhoods package."""

from __future__ import annotations

from collections.abc import Sequence

_SHOWN = 20


def _listing(items: Sequence[object]) -> str:
    """Name the first few items, and say how many more there are."""
    shown = ", ".join(str(item) for item in items[:_SHOWN])
    more = len(items) - _SHOWN
    return shown if more <= 0 else f"{shown} and {more} more"


class BoundaryError(ValueError):
    """Drawn boundaries that do not assign every recipient to exactly one neighbourhood.

    Parameters
    ----------
    outside
        Ids of recipients inside no polygon.
    overlapping
        Ids of recipients inside more than one polygon.
    empty
        Names of polygons holding no recipient.
    file
        The boundary file, if any, to name in the message.
    """

    def __init__(
        self,
        *,
        outside: Sequence[object] = (),
        overlapping: Sequence[object] = (),
        empty: Sequence[object] = (),
        file: str | None = None,
    ) -> None:
        self.outside = tuple(outside)
        self.overlapping = tuple(overlapping)
        self.empty = tuple(empty)
        self.file = None if file is None else str(file)
        problems = [
            f"{len(ids)} {what}: {_listing(ids)}"
            for what, ids in (
                ("recipients outside every polygon", self.outside),
                ("recipients inside more than one polygon", self.overlapping),
                ("polygons with no recipient", self.empty),
            )
            if ids
        ]
        message = "; ".join(problems) or "boundaries are invalid"
        super().__init__(f"{self.file}: {message}." if self.file else f"{message}.")
