"""The body of one `spreadsheets:batchUpdate`: cells as Google's CellData, packed into
`updateCells` requests, and the `addSheet` / `appendDimension` requests that make room for them.
Pure: no I/O (`workbook.py` sends what this module builds, through `client.py`).

Why `updateCells` and not `values:batchUpdate`: one request writes every kind of value exactly as
meant, where the values endpoints need two (RAW for text, USER_ENTERED for dates):

* text is a `stringValue`, never parsed: a name starting with `=` stays text, `0042` stays `0042`;
* a number is a `numberValue`, a boolean a `boolValue`;
* a date is a `numberValue` holding its serial number (days since 1899-12-30, as Google documents
  for dates in ExtendedValue) with the `yyyy-mm-dd` date format (`DATE_FORMAT`, the format
  `init_workbook` gives date columns), a date-time likewise with `yyyy-mm-dd hh:mm:ss`: the cell
  is a real date that people see as a date and the next run reads back as the same serial;
* `None` (or `""`) clears the cell's value: the request's field mask names `userEnteredValue` and
  the cell gives none. The cell's formatting and validation stay; so does its note, except on a
  row the write erases: `clear_notes` removes every note there (a note on a person's row is
  about them), in the same batchUpdate.

Only the value is written, except for a date, whose number format is written too; a text written
into a date column keeps the column's date format (as a RAW write did).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet.changes import CellValue

DATE_FORMAT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
DATE_TIME_FORMAT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
EPOCH = dt.datetime(1899, 12, 30)
"""Day 0 of Google's serial dates."""

VALUE_ONLY = "userEnteredValue"
VALUE_AND_DATE_FORMAT = "userEnteredValue,userEnteredFormat.numberFormat"

Request = dict[str, Any]


def serial(value: dt.date) -> int | float:
    """A date (or date-time, its wall-clock time) as Google's serial number."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400
    return (value - EPOCH.date()).days


def cell_data(given: CellValue) -> dict[str, Any]:
    """The CellData that writes `given` (see the module docstring); `{}` clears the cell."""
    value: Any = given
    if hasattr(value, "item") and not isinstance(value, str | int | float | dt.date):
        value = value.item()  # a numpy scalar
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, dt.date):
        number_format = DATE_TIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
        return {
            "userEnteredValue": {"numberValue": serial(value)},
            "userEnteredFormat": {"numberFormat": dict(number_format)},
        }
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return {}  # NaN or infinity: nothing a cell could hold
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _is_date(value: CellValue) -> bool:
    return isinstance(value, dt.date)


@dataclass
class _Block:
    """Consecutive rows, each writing the same columns, all dates or none."""

    first_row: int
    first_column: int
    dated: bool
    rows: list[list[dict[str, Any]]] = field(default_factory=list)

    @property
    def next_row(self) -> int:
        return self.first_row + len(self.rows)


def update_cells(sheet_id: int, cells: Mapping[tuple[int, int], CellValue]) -> list[Request]:
    """`updateCells` requests writing `cells` ((0-based row, column) -> value) of one sheet.

    Each request writes a rectangle with no cell left out (a cell inside a request that is not
    written would be cleared), so a row's cells are split where a column is skipped and where
    dates meet other values (a date writes its number format too); rectangles of the same
    columns on consecutive rows share one request, so a column written on every row (Status)
    costs one request, not one per row.
    """
    by_row: dict[int, dict[int, CellValue]] = {}
    for (row, column), value in cells.items():
        by_row.setdefault(row, {})[column] = value
    blocks: list[_Block] = []
    open_blocks: dict[tuple[int, int, bool], _Block] = {}
    for row in sorted(by_row):
        for first, values in _runs(by_row[row]):
            dated = _is_date(values[0])
            key = (first, len(values), dated)
            block = open_blocks.get(key)
            if block is None or block.next_row != row:
                block = _Block(row, first, dated)
                open_blocks[key] = block
                blocks.append(block)
            block.rows.append([cell_data(value) for value in values])
    return [
        {
            "updateCells": {
                "start": {
                    "sheetId": sheet_id,
                    "rowIndex": block.first_row,
                    "columnIndex": block.first_column,
                },
                "rows": [{"values": values} for values in block.rows],
                "fields": VALUE_AND_DATE_FORMAT if block.dated else VALUE_ONLY,
            }
        }
        for block in blocks
    ]


def _runs(row: Mapping[int, CellValue]) -> Iterable[tuple[int, list[CellValue]]]:
    """The row's cells as (first column, values) runs of adjacent columns of one kind."""
    first: int | None = None
    values: list[CellValue] = []
    for column in sorted(row):
        value = row[column]
        if first is not None and (
            column != first + len(values) or _is_date(value) != _is_date(values[0])
        ):
            yield first, values
            first, values = None, []
        if first is None:
            first = column
        values.append(value)
    if first is not None:
        yield first, values


def clear_notes(sheet_id: int, rows: Iterable[int]) -> list[Request]:
    """`updateCells` requests removing every note on `rows` (0-based), the whole width of the
    tab: a `range` of whole rows, `fields` `note` and no data, which Google documents as
    clearing the masked field in every cell of the range. One request per run of consecutive
    rows."""
    requests: list[Request] = []
    for row in sorted(set(rows)):
        last = requests[-1]["updateCells"]["range"] if requests else None
        if last is not None and last["endRowIndex"] == row:
            last["endRowIndex"] = row + 1
            continue
        requests.append(
            {
                "updateCells": {
                    "range": {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1},
                    "fields": "note",
                }
            }
        )
    return requests


def add_sheet(sheet_id: int, title: str, rows: int, columns: int) -> Request:
    """A new tab with the header row frozen; `sheet_id` chosen by us, so that later requests of
    the same batch can write into it."""
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": title,
                "gridProperties": {
                    "rowCount": rows,
                    "columnCount": columns,
                    "frozenRowCount": 1,
                },
            }
        }
    }


def append_dimension(sheet_id: int, dimension: str, length: int) -> Request:
    """`length` more ROWS or COLUMNS at the end of a tab's grid."""
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def free_sheet_id(taken: Collection[int]) -> int:
    """The smallest positive sheetId no tab of the spreadsheet has (Google gives its own tabs
    large random ids, and the first tab 0)."""
    return next(candidate for candidate in itertools.count(1) if candidate not in taken)


def row_visibility(sheet_id: int, rows: Mapping[int, bool]) -> list[Request]:
    """`updateDimensionProperties` requests hiding or showing rows (0-based row -> hidden):
    one per run of consecutive rows with the same visibility."""
    requests: list[Request] = []
    ordered = sorted(rows.items())
    start = 0
    while start < len(ordered):
        end = start
        while (
            end + 1 < len(ordered)
            and ordered[end + 1][0] == ordered[end][0] + 1
            and ordered[end + 1][1] == ordered[start][1]
        ):
            end += 1
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": ordered[start][0],
                        "endIndex": ordered[end][0] + 1,
                    },
                    "properties": {"hiddenByUser": ordered[start][1]},
                    "fields": "hiddenByUser",
                }
            }
        )
        start = end + 1
    return requests
