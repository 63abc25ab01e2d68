"""The values a filter holds, and which of them a write erases. Pure: no I/O.

A coordinator who filters a tab by a name leaves that name in the workbook's filter settings,
not only in a cell: an .xlsx autofilter (the tab's, and each table's own) keeps the values it
shows and the texts its custom conditions compare (`Tyra*`); a Google basic filter or filter
view keeps the values it hides (every *other* name in the column) and the texts its conditions
compare. When a write erases a row, each such criterion that names a value the write blanked —
and no value still in the column — goes with it (`stale`); a criterion that still names a kept
value (a town others live in) stays. And the rows a write appends (`appended`) are taken into
a table or filter that ends just above them. Both backends use these rules on their own
filters and tables (`adapters/xlsx_ranges.py`, `adapters/google/filters.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellWrite, Resolution
from medlemsrutiner.sheet.schema import Grid, header_key

_WILDCARDS = str.maketrans("", "", "*?")


@dataclass(frozen=True)
class ColumnValues:
    """One column of a tab around a write that erases rows: the texts the write blanked in the
    erased rows, and every text the column still holds after it (casefolded)."""

    erased: frozenset[str]
    kept: frozenset[str]


def erased_values(before: Grid, after: Grid, erased_rows: Iterable[int]) -> dict[int, ColumnValues]:
    """By column (0-based), what a write blanked in the `erased_rows` (0-based grid rows of
    `before`, the grid it was resolved on; `after` is the grid once it landed); columns where
    it blanked nothing are left out."""
    found: dict[int, set[str]] = {}
    for index in erased_rows:
        old = before[index] if index < len(before) else ()
        new = after[index] if index < len(after) else ()
        for column, value in enumerate(old):
            text = _key(value)
            if text and not _key(new[column] if column < len(new) else None):
                found.setdefault(column, set()).add(text)
    return {
        column: ColumnValues(frozenset(texts), frozenset(_column(after, column)))
        for column, texts in found.items()
    }


def erased_by_tab(
    grids: Mapping[str, Grid], resolution: Resolution
) -> dict[str, dict[int, ColumnValues]]:
    """`erased_values` of every tab in which `resolution` erases rows, by `header_key` of the
    tab (`grids`: the grids it was resolved on, by `header_key`)."""
    erased: dict[str, set[int]] = {}
    for row in resolution.erased_rows:
        erased.setdefault(header_key(row.tab_name), set()).add(row.row)
    written: dict[str, list[CellWrite]] = {}
    for write in resolution.writes:
        written.setdefault(header_key(write.tab_name), []).append(write)
    found: dict[str, dict[int, ColumnValues]] = {}
    for key, rows in erased.items():
        before = grids.get(key) or []
        values = erased_values(before, _written(before, written.get(key, ())), rows)
        if values:
            found[key] = values
    return found


def _written(grid: Grid, writes: Iterable[CellWrite]) -> list[list[Any]]:
    """`grid` with `writes` performed (as `changes.apply` does, for one tab)."""
    result = [list(row) for row in grid]
    for write in writes:
        while len(result) <= write.row:
            result.append([])
        row = result[write.row]
        row.extend([None] * (write.column + 1 - len(row)))
        row[write.column] = write.value
    return result


def _column(grid: Grid, column: int) -> Iterable[str]:
    for row in grid[1:]:
        text = _key(row[column] if column < len(row) else None)
        if text:
            yield text


def _key(value: Any) -> str:
    return cells.text(value).casefold()


def stale(criterion: str, values: ColumnValues, *, partial: bool = False) -> bool:
    """True when `criterion` names a value the write erased and no value the column keeps.

    Exactly (a value a filter shows or hides, a condition `equals`), or with `partial` as part
    of one (a condition `contains`, `begins with`, `ends with`: a custom filter's wildcards
    `*` and `?` are left out): a criterion as short as `a` names some kept value too, and
    stays."""
    wanted = _key(criterion.translate(_WILDCARDS) if partial else criterion)
    if not wanted:
        return False
    if partial:
        named = any(wanted in value for value in values.erased)
        return named and not any(wanted in value for value in values.kept)
    return wanted in values.erased and wanted not in values.kept


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def stale_in_formula(formula: str, values: ColumnValues) -> bool:
    """True when a text quoted in `formula` (a custom condition, `=B2="Tyra Nordvik"`) is a
    `stale` criterion, compared as part of a value."""
    return any(
        stale(text.replace('""', '"'), values, partial=True) for text in _QUOTED.findall(formula)
    )


def appended(resolution: Resolution, key: str) -> range | None:
    """The grid rows (0-based, row 0 = headers) `resolution` appends to the tab whose
    `header_key` is `key`, None when it appends none: the last rows it writes there."""
    count = sum(n for name, n in resolution.appended_rows.items() if header_key(name) == key)
    if not count:
        return None
    last = max(w.row for w in resolution.writes if header_key(w.tab_name) == key)
    return range(last - count + 1, last + 1)
