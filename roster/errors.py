"""Exceptions and warnings raised by the roster package."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input data, with the file, row and field that caused it.

    Parameters
    ----------
    message
        One sentence saying what is wrong.
    file
        The file the bad value came from, if any.
    row
        The 1-based row in that file (the header is row 1, as in a spreadsheet).
    field
        The column or attribute that holds the bad value.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.field = field
        where = [
            part
            for part in (
                self.file,
                None if row is None else f"row {row}",
                None if field is None else f"field '{field}'",
            )
            if part
        ]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class NetworkError(InputError):
    """A road network that cannot be read, is empty, or cannot serve a point."""


class SolverError(RuntimeError):
    """The routing solver failed in a way that is not the input's fault."""
