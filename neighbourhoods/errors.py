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
    """Boundaries that cannot be read, or that do not give every recipient exactly one home.

    Parameters
    ----------
    message
        One sentence saying what is wrong; built from the lists below when not given.
    file
        The boundary file, if any, to name in the message.
    outside
        Ids of recipients inside no polygon.
    overlapping
        Ids of recipients inside more than one polygon.
    empty
        Names of polygons holding no recipient.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        file: str | None = None,
        outside: Sequence[object] = (),
        overlapping: Sequence[object] = (),
        empty: Sequence[object] = (),
    ) -> None:
        self.file = None if file is None else str(file)
        self.outside = tuple(outside)
        self.overlapping = tuple(overlapping)
        self.empty = tuple(empty)
        problems = [
            f"{what} ({len(ids)}): {_listing(ids)}"
            for what, ids in (
                ("recipients outside every polygon", self.outside),
                ("recipients inside more than one polygon", self.overlapping),
                ("polygons with no recipient", self.empty),
            )
            if ids
        ]
        self.message = message or ("; ".join(problems) + ".")
        super().__init__(f"{self.file}: {self.message}" if self.file else self.message)
