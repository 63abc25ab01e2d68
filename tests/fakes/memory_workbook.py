"""An in-memory workbook: the Workbook Protocol over plain grids, for tests. No I/O.

It resolves writes with the package's own `changes.resolve`, like the real backends, and
offers a `before_write` hook so a test can sort, insert or delete rows between the run's read
and its write, as a coordinator editing the sheet would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

from medlemsrutiner.sheet.changes import Change, Resolution, apply, resolve
from medlemsrutiner.sheet.schema import Grid, header_key

Grids = dict[str, list[list[Any]]]


class MemoryWorkbook:
    """Tabs held as lists of rows; row 0 holds the headers."""

    def __init__(
        self,
        grids: Mapping[str, Sequence[Sequence[Any]]],
        tab_names: Mapping[str, str],
        before_write: Callable[[Grids], None] | None = None,
    ) -> None:
        self.grids: Grids = {name: [list(row) for row in grid] for name, grid in grids.items()}
        self.tab_names = dict(tab_names)
        self.before_write = before_write
        self.reads = 0
        self.writes: list[Resolution] = []
        self.hidden: dict[str, set[int]] = {}
        """Tab name -> grid rows (0-based) hidden, as the last write left them."""

    notices: tuple[str, ...] = ()

    def describe(self) -> str:
        return "minne"

    def __enter__(self) -> MemoryWorkbook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def read(self) -> dict[str, Grid]:
        self.reads += 1
        return copy.deepcopy(self.grids)  # type: ignore[arg-type]

    def read_tab(self, title: str) -> Grid | None:
        self.reads += 1
        found = [grid for name, grid in self.grids.items() if header_key(name) == header_key(title)]
        return copy.deepcopy(found[0]) if found else None

    def write(self, changes: Sequence[Change]) -> Resolution:
        if self.before_write is not None:
            self.before_write(self.grids)
        resolution = resolve(changes, self.grids, self.tab_names)
        self.grids = apply(self.grids, resolution)
        for visibility in resolution.visibility:
            rows = self.hidden.setdefault(visibility.tab_name, set())
            (rows.add if visibility.hidden else rows.discard)(visibility.row)
        self.writes.append(resolution)
        return resolution

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        added: list[str] = []
        present = {header_key(name): name for name in self.grids}
        for name, headers in tabs.items():
            if header_key(name) not in present:
                self.grids[name] = [list(headers)]
                added.append(name)
        return added

    def tab(self, name: str) -> list[dict[str, Any]]:
        """Rows of a tab as header -> value dicts (empty rows left out)."""
        grid = self.grids[name]
        headers = [str(h) for h in grid[0]]
        rows = []
        for row in grid[1:]:
            if all(value is None or value == "" for value in row):
                continue
            rows.append({h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)})
        return rows
