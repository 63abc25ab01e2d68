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

Every other cell gets the number format its column needs (`presentation.written_format`),
whatever format it had: people format whole rows as dates, and an ID written into one would show
as 1900-03-19. The request's field mask then names `userEnteredFormat.numberFormat` too, and a
cell that needs no format of its own (`GENERAL`) gives none, so Google clears it (automatic).
Only the number format: the cell's colours, font, validation and note stay.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import CellValue

DATE_FORMAT = {"type": "DATE", "pattern": look.DATE_FORMAT}
DATE_TIME_FORMAT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
NUMBER_FORMATS: Mapping[str, Mapping[str, str] | None] = {
    look.DATE_FORMAT: DATE_FORMAT,
    look.DATE_TIME_FORMAT: DATE_TIME_FORMAT,
    look.PERCENT_FORMAT: {"type": "PERCENT", "pattern": look.PERCENT_FORMAT},
    look.GENERAL: None,
}
"""`presentation`'s number formats as Google's NumberFormat (None: automatic)."""
EPOCH = dt.datetime(1899, 12, 30)
"""Day 0 of Google's serial dates."""

VALUE_ONLY = "userEnteredValue"
VALUE_AND_NUMBER_FORMAT = "userEnteredValue,userEnteredFormat.numberFormat"

Request = dict[str, Any]


def serial(value: dt.date) -> int | float:
    """A date (or date-time, its wall-clock time) as Google's serial number."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EPOCH
        return delta.days + delta.seconds / 86400
    return (value - EPOCH.date()).days


def cell_data(given: CellValue, number_format: str | None = None) -> dict[str, Any]:
    """The CellData that writes `given` (see the module docstring), with `number_format`
    (`presentation`'s; None: the default for the value, a date's date format); `{}` clears
    the cell's value."""
    value: Any = given
    if hasattr(value, "item") and not isinstance(value, str | int | float | dt.date):
        value = value.item()  # a numpy scalar
    if value is None or value == "":
        return {}
    if number_format is None and isinstance(value, dt.date):
        number_format = look.written_format(value, None)
    entered = _entered(value)
    if entered is None:
        return {}
    data: dict[str, Any] = {"userEnteredValue": entered}
    google = NUMBER_FORMATS.get(number_format) if number_format is not None else None
    if google is not None:
        data["userEnteredFormat"] = {"numberFormat": dict(google)}
    return data


def _entered(value: Any) -> dict[str, Any] | None:
    """The ExtendedValue of a value (None: nothing a cell could hold)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, dt.date):
        return {"numberValue": serial(value)}
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None  # NaN or infinity
        return {"numberValue": value}
    return {"stringValue": str(value)}


def _formatted(value: CellValue, number_format: str | None) -> bool:
    """True when the cell's write names its number format (a blank's never does)."""
    if value is None or value == "":
        return False
    return number_format is not None or isinstance(value, dt.date)


@dataclass
class _Block:
    """Consecutive rows, each writing the same columns, all with a number format or none."""

    first_row: int
    first_column: int
    formatted: bool
    rows: list[list[dict[str, Any]]] = field(default_factory=list)

    @property
    def next_row(self) -> int:
        return self.first_row + len(self.rows)


def update_cells(
    sheet_id: int,
    cells: Mapping[tuple[int, int], CellValue],
    formats: Mapping[tuple[int, int], str | None] | None = None,
) -> list[Request]:
    """`updateCells` requests writing `cells` ((0-based row, column) -> value) of one sheet,
    each with its number format in `formats` (`presentation.written_format`; a cell not in it:
    a date its date format, anything else only its value).

    Each request writes a rectangle with no cell left out (a cell inside a request that is not
    written would be cleared), so a row's cells are split where a column is skipped and where
    cells that write a number format meet cells that do not (the field mask is the request's);
    rectangles of the same columns on consecutive rows share one request, so a column written
    on every row (Status) costs one request, not one per row.
    """
    given = formats or {}
    by_row: dict[int, dict[int, tuple[CellValue, str | None]]] = {}
    for (row, column), value in cells.items():
        number_format = given.get((row, column))
        by_row.setdefault(row, {})[column] = (value, number_format)
    blocks: list[_Block] = []
    open_blocks: dict[tuple[int, int, bool], _Block] = {}
    for row in sorted(by_row):
        for first, values in _runs(by_row[row]):
            formatted = _formatted(*values[0])
            key = (first, len(values), formatted)
            block = open_blocks.get(key)
            if block is None or block.next_row != row:
                block = _Block(row, first, formatted)
                open_blocks[key] = block
                blocks.append(block)
            block.rows.append([cell_data(value, number_format) for value, number_format in values])
    return [
        {
            "updateCells": {
                "start": {
                    "sheetId": sheet_id,
                    "rowIndex": block.first_row,
                    "columnIndex": block.first_column,
                },
                "rows": [{"values": values} for values in block.rows],
                "fields": VALUE_AND_NUMBER_FORMAT if block.formatted else VALUE_ONLY,
            }
        }
        for block in blocks
    ]


def _runs(
    row: Mapping[int, tuple[CellValue, str | None]],
) -> Iterable[tuple[int, list[tuple[CellValue, str | None]]]]:
    """The row's cells as (first column, cells) runs of adjacent columns of one kind."""
    first: int | None = None
    values: list[tuple[CellValue, str | None]] = []
    for column in sorted(row):
        cell = row[column]
        if first is not None and (
            column != first + len(values) or _formatted(*cell) != _formatted(*values[0])
        ):
            yield first, values
            first, values = None, []
        if first is None:
            first = column
        values.append(cell)
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
