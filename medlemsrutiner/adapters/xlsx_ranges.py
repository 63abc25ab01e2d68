"""What a write does to the ranges a coordinator laid over a tab of the local workbook: its
autofilter, its tables (Excel's ListObjects, LibreOffice's database ranges) and the pivot
tables over it. No file I/O:
it changes the loaded workbook, which `xlsx.py` saves.

- **Erasure.** A filter keeps the values it shows (`<filter val="Tyra Nordvik"/>`) and the
  texts its custom conditions compare (`Tyra*`): a copy of personal data outside the cells.
  After a write that erases rows, every such criterion that names a value the write blanked
  and no value the column still holds is removed (`sheet.criteria.stale`), in the tab's
  autofilter and in each table's own; a filter column left with no criterion is no longer
  filtered. Sorting keeps no values and stays. So is a conditional format rule that names one
  in the columns it formats (a name in red: its text, or a text its formula quotes); the
  routine's own Status colours format Status, which no erasure blanks.
- **Pivot tables.** A pivot table keeps a copy of its source in the file — every value of
  every column of the range, names and addresses too, in its cache (definition and records) —
  and shows some of them in its own cells. After a write that erases rows, every text of a pivot
  cache, and of a pivot table's cells, that no cell of the workbook outside the pivot tables
  holds any more is replaced (`(raderad)`; a shared item keeps its place as `(raderad 1)`, …),
  also a value erased by an earlier run; a pivot table's cell showing such a value is blanked
  (its captions stay); and the cache is refreshed when LibreOffice or Excel next opens the
  file, from the cells as they are.
- **Appended rows.** A table (or the tab's autofilter) that ends on the last row before the
  rows a write appends grows to take them in, so a sort or filter of the table sees new
  people; one that ends elsewhere, or has a totals row, is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl.pivot.fields import Text
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import Resolution
from medlemsrutiner.sheet.criteria import (
    ColumnValues,
    appended,
    erased_by_tab,
    stale,
    stale_in_formula,
)
from medlemsrutiner.sheet.schema import Grid, header_key

_EXACT_OPERATORS = (None, "equal", "notEqual")
"""Custom filter operators that compare a text (`begins with` is `equal` to `Tyra*`); the
others compare numbers."""


def forget_erased(sheet: Worksheet, values: dict[int, ColumnValues]) -> None:
    """Remove from the tab's autofilter and its tables' every criterion naming an erased value
    (`values`: by 0-based column of the tab, as `sheet.criteria.erased_values` gives them)."""
    if not values:
        return
    for auto_filter in _filters(sheet):
        first_column = CellRange(auto_filter.ref).min_col - 1
        kept = []
        for column in auto_filter.filterColumn or ():
            found = values.get(first_column + int(column.colId))
            if found is None or _still_filters(column, found):
                kept.append(column)
        auto_filter.filterColumn = kept


def forget_in_formats(sheet: Worksheet, values: dict[int, ColumnValues]) -> None:
    """Remove every conditional format rule that names an erased value of the columns it
    formats (`Tyra Nordvik` in red: its text, or a text quoted in its formula)."""
    for formatting, rules in list(sheet.conditional_formatting._cf_rules.items()):
        columns = {
            column - 1
            for cells in formatting.sqref.ranges
            for column in range(cells.min_col, cells.max_col + 1)
        }
        found = [values[column] for column in columns if column in values]
        if not found:
            continue
        merged = ColumnValues(
            frozenset().union(*(v.erased for v in found)),
            frozenset().union(*(v.kept for v in found)),
        )
        kept = [rule for rule in rules if not _names(rule, merged)]
        if kept:
            rules[:] = kept
        else:
            del sheet.conditional_formatting._cf_rules[formatting]


def _names(rule: Any, values: ColumnValues) -> bool:
    text = getattr(rule, "text", None)
    if isinstance(text, str) and stale(text, values, partial=True):
        return True
    return any(stale_in_formula(str(formula), values) for formula in rule.formula or ())


def _filters(sheet: Worksheet) -> Iterable[Any]:
    if sheet.auto_filter.ref:
        yield sheet.auto_filter
    for table in sheet.tables.values():
        if table.autoFilter is not None and table.autoFilter.ref:
            yield table.autoFilter


def _still_filters(column: Any, values: ColumnValues) -> bool:
    """Remove the stale criteria of one filter column; whether it still filters anything."""
    shown = column.filters
    if shown is not None:
        shown.filter = [value for value in shown.filter if not stale(value, values)]
        if not shown.filter and not shown.blank and not shown.dateGroupItem:
            column.filters = None
    custom = column.customFilters
    if custom is not None:
        custom.customFilter = [
            condition
            for condition in custom.customFilter
            if condition.operator not in _EXACT_OPERATORS
            or not stale(str(condition.val), values, partial=True)
        ]
        if not custom.customFilter:
            column.customFilters = None
    return any(
        getattr(column, kind) is not None
        for kind in ("filters", "top10", "customFilters", "dynamicFilter", "colorFilter",
                     "iconFilter")
    )  # fmt: skip


def take_in(sheet: Worksheet, first: int, last: int) -> None:
    """Grow every table of the tab, and its autofilter, that ends on row `first - 1` to end on
    row `last` (1-based sheet rows: the rows a write appended)."""
    for table in sheet.tables.values():
        if table.totalsRowCount:
            continue  # new rows went below its totals row: a person moves that row
        grown = _grown(table.ref, first, last)
        if grown is not None:
            table.ref = grown
            if table.autoFilter is not None and table.autoFilter.ref:
                table.autoFilter.ref = _grown(table.autoFilter.ref, first, last) or grown
    if sheet.auto_filter.ref:
        sheet.auto_filter.ref = _grown(sheet.auto_filter.ref, first, last) or sheet.auto_filter.ref


def _grown(ref: str, first: int, last: int) -> str | None:
    """`ref` ending on `last` instead, when it ends on row `first - 1`."""
    cell_range = CellRange(ref)
    if cell_range.max_row != first - 1:
        return None
    cell_range.expand(down=last - cell_range.max_row)
    return str(cell_range.coord)


ERASED_TEXT = "(raderad)"
"""What a cached text of a pivot table reads once its value is erased."""


def forget_in_pivots(sheets: Iterable[Worksheet]) -> None:
    """Replace every text of the pivot caches, and of the pivot tables' cells, that no other
    cell of the workbook holds (see the module docstring)."""
    sheets = list(sheets)
    pivots = [(sheet, pivot) for sheet in sheets for pivot in sheet._pivots]
    if not pivots:
        return
    shown = {(sheet.title, cell) for sheet, pivot in pivots for cell in _cells_of(pivot)}
    held = {
        _text(cell.value)
        for sheet in sheets
        for place, cell in sheet._cells.items()
        if (sheet.title, place) not in shown
    }
    for sheet, pivot in pivots:
        gone = _forget_in_cache(pivot.cache, held)
        for place in _cells_of(pivot):  # its captions (`Radetiketter`) are no cached value
            cell = sheet._cells.get(place)
            if cell is not None and isinstance(cell.value, str) and _text(cell.value) in gone:
                cell.value = None


def _forget_in_cache(cache: Any, held: set[str]) -> set[str]:
    """Replace the texts of `cache` that are not `held`; return them (casefolded)."""
    gone: set[str] = set()
    if cache is None:
        return gone
    cache.refreshOnLoad = True  # rebuilt from the cells when the file is next opened
    for field in cache.cacheFields or ():
        for item in _texts(field.sharedItems):
            if _text(item.v) not in held:
                gone.add(_text(item.v))
                item.v = f"(raderad {len(gone)})"  # shared items stay distinct, in their places
    records = cache.records
    for record in records.r if records is not None else ():
        for item in _texts(record):
            if _text(item.v) not in held:
                gone.add(_text(item.v))
                item.v = ERASED_TEXT
    return gone


def _texts(items: Any) -> list[Text]:
    """The texts among a cache's shared items or a record's values (numbers, dates, indexes
    and blanks hold nothing a person typed as text)."""
    return [item for item in getattr(items, "_fields", ()) if isinstance(item, Text)]


def _cells_of(pivot: Any) -> Iterable[tuple[int, int]]:
    ref = getattr(pivot.location, "ref", None)
    if not ref:
        return
    cells = CellRange(ref)
    for row in range(cells.min_row, cells.max_row + 1):
        for column in range(cells.min_col, cells.max_col + 1):
            yield row, column


def _text(value: Any) -> str:
    return cells.text(value).casefold()


def after_write(
    sheets: Mapping[str, Worksheet], fresh: Mapping[str, Grid], resolution: Resolution
) -> None:
    """What a write's erasures and appended rows do to the filters and tables of its tabs
    (`sheets` and `fresh`, the grids it was resolved on, by `header_key` of the tab)."""
    for key, values in erased_by_tab(fresh, resolution).items():
        forget_erased(sheets[key], values)
        forget_in_formats(sheets[key], values)
    if resolution.erased_rows:
        forget_in_pivots(sheets.values())
    for name in resolution.appended_rows:
        key = header_key(name)
        rows = appended(resolution, key)
        if rows is not None:
            take_in(sheets[key], rows.start + 1, rows.stop)  # 1-based sheet rows
