"""The workbook seam: one Protocol, several backends (xlsx.py, google/workbook.py, and the tests'
in-memory one).

A backend reads every tab as a raw grid and writes batches of `Change`s, re-reading just
before each write so that every change lands where its ID or key is now (see changes.resolve).
Backends decide nothing about the routine. This module does no I/O itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Protocol

from medlemsrutiner.sheet.changes import Change, Resolution
from medlemsrutiner.sheet.schema import Grid


class Workbook(Protocol):
    """A store of tabs. Use as a context manager: entering takes the run's lock."""

    def describe(self) -> str:
        """A short description for messages (no secrets, no personal data)."""
        ...

    @property
    def notices(self) -> tuple[str, ...]:
        """What the last read found in the workbook that the backend cannot keep when it
        writes (Swedish, quoting no cell; check_setup lists them)."""
        ...

    def read(self) -> Mapping[str, Grid]:
        """Every tab, by its name, as rows of raw cell values (row 0 = headers)."""
        ...

    def read_tab(self, title: str) -> Grid | None:
        """One tab by its name (None when there is none), without reading the others."""
        ...

    def write(self, changes: Sequence[Change]) -> Resolution:
        """Re-read, resolve `changes` by ID, write what lands in one batch, report the rest."""
        ...

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create missing tabs and append missing headers; return what was added (for init)."""
        ...

    def __enter__(self) -> Workbook: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


def grid_rows(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows as plain lists with trailing empty cells and trailing empty rows removed."""
    result: list[list[Any]] = []
    for row in rows:
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        result.append(cells)
    while result and not result[-1]:
        result.pop()
    return result
