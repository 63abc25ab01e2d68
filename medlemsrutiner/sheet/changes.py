"""What the scripts write, and where it lands. Pure: no I/O.

Steps express writes as frozen `Change`s addressed by tab and ID — or, in a tab without IDs,
by the text of key columns (a group by its `Grupp`) — never by row number. Just before
writing, a backend reads the tabs afresh and calls `resolve`, which finds each ID or key where
it is *now*: a row that moved gets its write at its new place, a row whose ID or key is gone
(or appears twice) gets none and is reported as skipped. Rows that have no ID yet are found by
their content (`fingerprint`), so a new row that was sorted elsewhere still gets its ID, and
one that a person edited meanwhile is left for the next run. A tab the scripts own gets any
column it lacks added after its last header.

A write that blanks every personal column the row has, or empties an inbox row, *erases* the
row (`erases`): a backend removes every note, comment and link on it too (`erased_rows`).

`apply` performs a resolution on in-memory grids: the in-memory workbook of the tests and
the run's "state after" (from which Status texts are computed) use it, so they follow exactly
the same addressing as the real backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Grid, Tab, header_key, present_columns

CellValue = str | int | float | dt.date | None
"""A value to write. str is literal text (never a formula), a date is a date cell, None clears."""

Values = tuple[tuple[str, CellValue], ...]
"""(internal column name, value) pairs."""


@dataclass(frozen=True)
class SetCells:
    """Set cells of the row whose ID is `row_id`.

    With `expect`, (column, text) pairs, the write lands only if those cells still read as
    that text (`cells.text`, "" for blank) in the fresh read: compare-and-set, so a sending
    marker never overwrites a stamp that another run or a person wrote after this run's read.
    """

    tab: str
    row_id: int
    values: Values
    expect: tuple[tuple[str, str], ...] = ()


Key = tuple[tuple[str, str], ...]
"""(internal column name, text) pairs that identify a row in a tab without IDs, compared as
words (`cells.normalise_word`): `(("group", "Centrumgruppen"),)`."""


@dataclass(frozen=True)
class SetByKey:
    """Set cells of the one row whose key columns read `key` (see `Key`).

    `expect` works as in SetCells. No row, or more than one, with the key: the write is skipped
    — unless `every`, which writes to every row with the key (erasing a person everywhere).
    With `erase_rest`, every other non-blank cell of the row is blanked too, in columns the
    contract does not know as well — all but the key columns and `values`: an inbox row (a
    form answer) emptied of its personal data once it is handled.
    """

    tab: str
    key: Key
    values: Values
    expect: tuple[tuple[str, str], ...] = ()
    every: bool = False
    erase_rest: bool = False


@dataclass(frozen=True)
class AssignId:
    """Give the ID-less row whose content is `fingerprint` its ID, and set `values` there."""

    tab: str
    fingerprint: tuple[str, ...]
    row_id: int
    values: Values = ()


@dataclass(frozen=True)
class AppendRow:
    """Add a row after the last non-empty row of the tab."""

    tab: str
    values: Values


@dataclass(frozen=True)
class Chart:
    """A bar chart over a block of a tab: categories down the block's first column, one series
    per further column, series names in its first row. Backends draw it natively."""

    title: str
    y_title: str = ""
    percent: bool = False
    """The values are fractions shown as percentages."""
    note: str = ""
    """A line under the title (how to read the chart); each bar is labelled with its value, so
    a blank cell (no bar, no label) is told apart from 0 (a label on the axis)."""


@dataclass(frozen=True)
class ReplaceRows:
    """Make a script-owned tab hold exactly `rows` below its header (and `side`, a block of
    cells beside the table, e.g. what a chart shows). Only cells whose value differs from the
    fresh read are written; rows and side cells left over from before are cleared."""

    tab: str
    rows: tuple[Values, ...]
    side: tuple[tuple[CellValue, ...], ...] = ()
    chart: Chart | None = None


@dataclass(frozen=True)
class HideRows:
    """Hide the rows whose ID is in `hidden` and show every other row with content.

    A row is hidden only if its `blank` columns are blank in the fresh read (someone who typed
    into a finished row meanwhile keeps seeing it), and a row whose ID is on two rows is shown.
    Visibility is no cell value: a backend sets it by the rows' places in its fresh read, and
    every run sets it anew, so a row sorted elsewhere in the moment between is put right the
    next day. Nothing is ever deleted.
    """

    tab: str
    hidden: frozenset[int]
    blank: tuple[str, ...] = ()


Change = SetCells | SetByKey | AssignId | AppendRow | ReplaceRows | HideRows


@dataclass(frozen=True)
class CellWrite:
    """One cell to write: tab name, 0-based row and column in the grid (row 0 = headers)."""

    tab_name: str
    row: int
    column: int
    value: CellValue


@dataclass(frozen=True)
class RowVisibility:
    """One row (0-based grid index, row 0 = headers) of a tab to hide or show."""

    tab_name: str
    row: int
    hidden: bool


@dataclass(frozen=True)
class ErasedRow:
    """A row (0-based grid index) a write erases: its notes, comments and links go too."""

    tab_name: str
    row: int


@dataclass(frozen=True)
class Skipped:
    """A change that found no place to land, with the reason (Swedish, no personal data)."""

    change: Change
    reason: str


@dataclass(frozen=True)
class Resolution:
    """Where a batch of changes lands in the grids it was resolved against."""

    writes: tuple[CellWrite, ...]
    appended_rows: Mapping[str, int]
    """Tab name -> how many rows the batch appends (they are among `writes`)."""
    created_tabs: Mapping[str, tuple[str, ...]]
    """Script-owned tabs that did not exist: name -> headers to create them with."""
    landed: tuple[Change, ...]
    skipped: tuple[Skipped, ...] = field(default=())
    charts: tuple[ChartPlacement, ...] = field(default=())
    """Charts to draw (or redraw) over blocks this batch wrote."""
    visibility: tuple[RowVisibility, ...] = field(default=())
    """Rows to hide or show, by their place in the grids resolved against."""
    erased_rows: tuple[ErasedRow, ...] = field(default=())


@dataclass(frozen=True)
class ChartPlacement:
    """Where a `Chart` goes: the block it shows (0-based, row 0 = the block's header row)."""

    tab_name: str
    chart: Chart
    first_row: int
    first_column: int
    rows: int
    columns: int


def fingerprint_of(tab: Tab, record: Mapping[str, Any]) -> tuple[str, ...]:
    """A row's content over the tab's known columns, as text, for finding it again."""
    return tuple(cells.text(record.get(name)) for name in tab.column_names)


def _fingerprint_in_grid(
    tab: Tab, positions: Mapping[str, int], row: Sequence[Any]
) -> tuple[str, ...]:
    return tuple(
        cells.text(row[positions[name]]) if name in positions and positions[name] < len(row) else ""
        for name in tab.column_names
    )


def _last_nonblank(grid: Grid) -> int:
    for index in range(len(grid) - 1, -1, -1):
        if any(not cells.is_blank(value) for value in grid[index]):
            return index
    return 0


class _TabState:
    """A tab of the fresh read, indexed for resolving changes."""

    def __init__(self, tab: Tab, name: str, grid: Grid | None) -> None:
        self.tab = tab
        self.name = name
        self.created = grid is None or len(grid) == 0
        header = list(tab.headers) if self.created else list(grid[0])  # type: ignore[index]
        self.grid: Grid = [header] if self.created else grid  # type: ignore[assignment]
        self.positions = present_columns(tab, header)
        self.ids: dict[int, list[int]] = {}
        self.unnumbered: dict[tuple[str, ...], list[int]] = {}
        id_column = self.positions.get("id")
        for index in range(1, len(self.grid)):
            row = self.grid[index]
            if all(cells.is_blank(value) for value in row):
                continue
            raw = row[id_column] if id_column is not None and id_column < len(row) else None
            parsed = cells.parse_id(raw)
            if isinstance(parsed, int):
                self.ids.setdefault(parsed, []).append(index)
            elif parsed is None:
                key = _fingerprint_in_grid(tab, self.positions, row)
                self.unnumbered.setdefault(key, []).append(index)
        self.next_append = _last_nonblank(self.grid) + 1
        self.appended = 0
        self.used = False
        self.keys: dict[tuple[str, ...], dict[Key, list[int]]] = {}
        self.added_headers: list[CellWrite] = []
        if (tab.created_by_scripts or tab.adds_columns) and not self.created:
            # A tab the scripts own gets the columns a newer version writes (e.g. Logg's Brev).
            next_column = len([h for h in header if not cells.is_blank(h)])
            next_column = max(next_column, max(self.positions.values(), default=-1) + 1)
            for column in tab.columns:
                if column.name not in self.positions:
                    self.positions[column.name] = next_column
                    self.added_headers.append(CellWrite(name, 0, next_column, column.header))
                    next_column += 1

    def rows_with_key(self, key: Key) -> list[int]:
        """Rows (grid indexes) whose key columns read `key`, compared as words."""
        columns = tuple(name for name, _ in key)
        if columns not in self.keys:
            index: dict[Key, list[int]] = {}
            for row_index in range(1, len(self.grid)):
                row = self.grid[row_index]
                if all(cells.is_blank(value) for value in row):
                    continue
                found = tuple(
                    (
                        name,
                        cells.normalise_word(
                            row[self.positions[name]]
                            if name in self.positions and self.positions[name] < len(row)
                            else None
                        ),
                    )
                    for name in columns
                )
                index.setdefault(found, []).append(row_index)
            self.keys[columns] = index
        wanted = tuple((name, cells.normalise_word(text)) for name, text in key)
        return self.keys[columns].get(wanted, [])


def _erase_rest(state: _TabState, row: int, change: SetByKey) -> list[CellWrite]:
    """Blanks for every non-blank cell of `row` outside the key columns and `change.values`."""
    names = {name for name, _ in (*change.key, *change.values)}
    kept = {state.positions[name] for name in names if name in state.positions}
    current = state.grid[row] if row < len(state.grid) else ()
    return [
        CellWrite(state.name, row, column, None)
        for column, value in enumerate(current)
        if column not in kept and not cells.is_blank(value)
    ]


def erases(tab: Tab, change: SetCells | SetByKey, present: Iterable[str]) -> bool:
    """The write empties an inbox row, or blanks every personal column of the sheet's."""
    personal = set(tab.personal_columns) & set(present)
    blanked = {name for name, value in change.values if cells.is_blank(value)}
    if isinstance(change, SetByKey) and change.erase_rest:
        return True
    return bool(personal) and personal <= blanked


def resolve(
    changes: Iterable[Change],
    grids: Mapping[str, Grid | None],
    tab_names: Mapping[str, str],
) -> Resolution:
    """Find where each change lands in `grids` (a fresh read keyed by tab name)."""
    by_name = {header_key(name): grid for name, grid in grids.items()}
    states: dict[str, _TabState] = {}
    writes: list[CellWrite] = []
    landed: list[Change] = []
    skipped: list[Skipped] = []

    def state(key: str) -> _TabState | None:
        if key not in states:
            tab = TABS_BY_KEY[key]
            grid = by_name.get(header_key(tab_names[key]))
            if (grid is None or len(grid) == 0) and not tab.created_by_scripts:
                return None
            states[key] = _TabState(tab, tab_names[key], grid)
        return states[key]

    charts: list[ChartPlacement] = []
    visibility: list[RowVisibility] = []
    erased: list[ErasedRow] = []
    for change in changes:
        tab_state = state(change.tab)
        if tab_state is None:
            skipped.append(Skipped(change, f"fliken '{tab_names[change.tab]}' finns inte"))
            continue
        if isinstance(change, HideRows):
            visibility.extend(_visibility(tab_state, change))
            landed.append(change)
            continue
        if isinstance(change, ReplaceRows):
            writes.extend(_replace(tab_state, change, charts))
            tab_state.used = True
            landed.append(change)
            continue
        cell_values = change.values
        if isinstance(change, AssignId):
            cell_values = (("id", change.row_id), *change.values)
        positions = tab_state.positions
        missing = [
            name
            for name, _ in cell_values
            if name not in positions and tab_state.tab.column(name).required
        ]
        if missing:
            headers = ", ".join(tab_state.tab.column(name).header for name in missing)
            skipped.append(Skipped(change, f"kolumnen {headers} saknas"))
            continue
        # An optional column the sheet does not have holds nothing to write or erase.
        cell_values = tuple((name, value) for name, value in cell_values if name in positions)
        if isinstance(change, SetCells | SetByKey):
            if isinstance(change, SetCells):
                rows = tab_state.ids.get(change.row_id, [])
                gone, twice = "ID finns inte längre", "ID finns på flera rader"
            else:
                rows = tab_state.rows_with_key(change.key)
                gone, twice = "raden finns inte längre", "raden finns flera gånger"
            if isinstance(change, SetByKey) and change.every and rows:
                targets = rows  # a person everywhere: no compare-and-set
            elif len(rows) != 1:
                skipped.append(Skipped(change, gone if not rows else twice))
                continue
            else:
                targets = rows
                current = tab_state.grid[rows[0]] if rows[0] < len(tab_state.grid) else ()
                if any(
                    cells.text(current[positions[name]] if positions[name] < len(current) else None)
                    != expected
                    for name, expected in change.expect
                    if name in positions
                ):
                    skipped.append(Skipped(change, "cellen ändrades under körningen"))
                    continue
        elif isinstance(change, AssignId):
            candidates = tab_state.unnumbered.get(change.fingerprint, [])
            if not candidates or change.row_id in tab_state.ids:
                skipped.append(Skipped(change, "raden ändrades under körningen"))
                continue
            targets = [candidates.pop(0)]
            tab_state.ids[change.row_id] = targets
        else:
            targets = [tab_state.next_append]
            tab_state.next_append += 1
            tab_state.appended += 1
            appended_id = cells.parse_id(dict(cell_values).get("id"))
            if isinstance(appended_id, int):
                # Later changes in the same batch may address the new row by its ID.
                tab_state.ids.setdefault(appended_id, []).extend(targets)
        for row in targets:
            writes.extend(
                CellWrite(tab_state.name, row, positions[name], value)
                for name, value in cell_values
            )
            if isinstance(change, SetByKey) and change.erase_rest:
                writes.extend(_erase_rest(tab_state, row, change))
            if isinstance(change, SetCells | SetByKey) and erases(tab_state.tab, change, positions):
                erased.append(ErasedRow(tab_state.name, row))
        tab_state.used = True
        landed.append(change)

    header_writes = [write for s in states.values() for write in s.added_headers if s.used]
    return Resolution(
        writes=(*header_writes, *writes),
        appended_rows={s.name: s.appended for s in states.values() if s.appended},
        created_tabs={s.name: s.tab.headers for s in states.values() if s.created},
        landed=tuple(landed),
        skipped=tuple(skipped),
        charts=tuple(charts),
        visibility=tuple(visibility),
        erased_rows=tuple(erased),
    )


def _visibility(state: _TabState, change: HideRows) -> list[RowVisibility]:
    """Every row with content, hidden or shown as `change` says (see `HideRows`). A row
    someone is typing (no ID yet, or an unreadable one) is always in view."""
    blank = [state.positions[name] for name in change.blank if name in state.positions]
    hidden_rows = {
        rows[0] for row_id, rows in state.ids.items() if row_id in change.hidden and len(rows) == 1
    }
    found: list[RowVisibility] = []
    for index in range(1, len(state.grid)):
        values = state.grid[index]
        if all(cells.is_blank(value) for value in values):
            continue
        hidden = index in hidden_rows and all(
            cells.is_blank(values[c]) for c in blank if c < len(values)
        )
        found.append(RowVisibility(state.name, index, hidden))
    return found


def _replace(
    state: _TabState, change: ReplaceRows, charts: list[ChartPlacement]
) -> list[CellWrite]:
    """The writes that make `state`'s tab hold `change.rows` and `change.side`, no more."""
    grid, positions = state.grid, state.positions
    wanted: dict[tuple[int, int], CellValue] = {}
    for index, values in enumerate(change.rows, start=1):
        for name, value in values:
            if name in positions:
                wanted[(index, positions[name])] = value
    table_columns = set(positions.values())
    side_start = max(table_columns, default=-1) + 2
    for index, block_row in enumerate(change.side):
        for offset, cell in enumerate(block_row):
            wanted[(index, side_start + offset)] = cell
    # Clear what is left over: the table's columns below the new rows, and the side block.
    for index in range(1, len(grid)):
        row = grid[index]
        for column in table_columns:
            wanted.setdefault((index, column), None)
        for column in range(side_start, len(row)):
            wanted.setdefault((index, column), None)
    for column in range(side_start, len(grid[0]) if grid else 0):
        wanted.setdefault((0, column), None)
    writes = []
    for (index, column), value in sorted(wanted.items()):
        current = grid[index][column] if index < len(grid) and column < len(grid[index]) else None
        if cells.text(current) != cells.text(value):
            writes.append(CellWrite(state.name, index, column, value))
    if change.chart is not None:
        # An empty block (nothing to show yet) still places the chart: with no rows, so a
        # backend removes an old one.
        width = max((len(block_row) for block_row in change.side), default=0)
        charts.append(
            ChartPlacement(state.name, change.chart, 0, side_start, len(change.side), width)
        )
    return writes


def apply(grids: Mapping[str, Grid | None], resolution: Resolution) -> dict[str, list[list[Any]]]:
    """A copy of `grids` with `resolution` performed (grids must be the ones it was resolved on)."""
    result: dict[str, list[list[Any]]] = {
        name: [list(row) for row in grid] for name, grid in grids.items() if grid is not None
    }
    for name, headers in resolution.created_tabs.items():
        result[name] = [list(headers)]
    for write in resolution.writes:
        grid = result[write.tab_name]
        while len(grid) <= write.row:
            grid.append([])
        row = grid[write.row]
        while len(row) <= write.column:
            row.append(None)
        row[write.column] = write.value
    return result
