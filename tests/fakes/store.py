"""In-memory spreadsheets and the semantics of the Sheets v4 / Drive v3 calls the fake answers.

This module owns the state (spreadsheets, sheets, cells, protected ranges, permissions) and turns
each API call into the JSON Google would answer, or raises `ApiError` with Google's error
envelope. It does no HTTP and no locking: `sheets_api.FakeSheetsApi` serialises calls into it.

Behaviour worth knowing (each point is what Google's recorded answers show, unless marked):

* Value reads trim trailing empty cells of each row and trailing empty rows; empty rows inside the
  range come back as `[]`; a range without values has no `values` key. The `range` echoed is
  sheet-qualified, quoted only when needed and bounded by the grid (`Sheet1!A1:Z1000` for a
  whole-sheet read of a 1000×26 grid, `Sheet1!A1:Z1` for `A1:1`).
* A range that starts outside the grid is refused with 400 `Range (Sheet1!A1001) exceeds grid
  limits. Max rows: 1000, max columns: 26`; one that starts inside and ends outside is clamped.
* Writes: a one-cell range is an origin (the data may extend right and down within the grid); a
  larger range bounds the data (`Requested writing within range [...], but tried writing to row
  [N]`). Data beyond the grid is refused, except by append, which grows the grid.
* Append finds the table like Google: the non-empty cells inside the given range are seeds; each
  seed's table is its "current region" (the bounding box grown while any cell touching it,
  diagonals included, holds a value); the chosen table is the one ending lowest (ties: the one
  starting furthest right, which is what makes `[x, "", y]` in row 1 append under `y`). Values go
  to the row after the table, starting at its first column; with no table, at the range's start.
  This reproduces every recorded append; the rule itself is inferred, not documented by Google.
* `:batchUpdate` applies its requests to a copy and commits only when all succeed.
* Proto3 default values are left out of answers the way Google leaves them out (`frozenRowCount`
  0, `hidden` false, a GridRange's `sheetId` 0).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import random
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .a1 import (
    A1Error,
    A1Range,
    column_letters,
    format_grid_range,
    format_open_range,
    parse_range,
)
from .cells import (
    Cell,
    Scalar,
    cell_data,
    evaluate_formula,
    formatted_value,
    is_scalar,
    normalise_number,
    render,
    write_value,
)
from .charts import (
    ChartError,
    anchor_sheet,
    chart_json,
    check_spec,
    grid_ranges,
    stored_chart,
    stored_spec,
)

JsonDict = dict[str, Any]
Params = Mapping[str, list[str]]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error answer in Google's envelope: `{"error": {"code", "message", "status"}}`.

    `drive_reason` switches to the Drive v3 flavour, which also lists `errors[]`.
    """

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        details: list[JsonDict] | None = None,
        drive_reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.details = details
        self.drive_reason = drive_reason

    def body(self) -> JsonDict:
        """Return the JSON body Google sends with this error."""
        error: JsonDict = {"code": self.code, "message": self.message}
        if self.drive_reason is not None:
            error["errors"] = [
                {"message": self.message, "domain": "global", "reason": self.drive_reason}
            ]
        else:
            error["status"] = self.status
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class RequestError(Exception):
    """A batchUpdate request is invalid; the message follows `Invalid requests[i].kind: `."""


def not_found() -> ApiError:
    """The error Google sends for an unknown spreadsheet id."""
    return ApiError(404, "Requested entity was not found.")


def _bad_value(path: str, value: object) -> ApiError:
    text = f"Invalid value at '{path}' (type.googleapis.com/google.protobuf.ListValue), " + (
        json.dumps(value, ensure_ascii=False)
    )
    return ApiError(
        400,
        text,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": path, "description": text}],
            }
        ],
    )


# ---------------------------------------------------------------------------------------------
# Field masks


MaskTree = dict[str, "MaskTree | None"]
"""A parsed field mask: each key maps to its sub-mask, or None for the whole field."""


def parse_mask(text: str) -> MaskTree:
    """Parse a field mask (`a,b.c`, `a/b`, `a(b,c)`, `*`) into a tree."""
    position = 0

    def parse_list(nested: bool) -> MaskTree:
        nonlocal position
        tree: MaskTree = {}
        while True:
            match = re.compile(r"\s*([A-Za-z0-9_*@]+(?:[./][A-Za-z0-9_*@]+)*)\s*").match(
                text, position
            )
            if match is None:
                raise ValueError(f"bad field mask: {text!r}")
            path = re.split(r"[./]", match.group(1))
            position = match.end()
            sub: MaskTree | None = None
            if text[position : position + 1] == "(":
                position += 1
                sub = parse_list(nested=True)
                if text[position : position + 1] != ")":
                    raise ValueError(f"bad field mask: {text!r}")
                position += 1
            _insert(tree, path, sub)
            if text[position : position + 1] == ",":
                position += 1
                continue
            if nested or position == len(text):
                return tree
            raise ValueError(f"bad field mask: {text!r}")

    return parse_list(nested=False)


def _insert(tree: MaskTree, path: list[str], sub: MaskTree | None) -> None:
    node = tree
    for segment in path[:-1]:
        child = node.get(segment, {})
        if child is None:
            return
        node[segment] = child
        node = child
    leaf = path[-1]
    if sub is None or node.get(leaf, {}) is None:
        node[leaf] = None
        return
    existing = node.setdefault(leaf, {})
    assert existing is not None
    for key, value in sub.items():
        _insert(existing, [key], value)


def mask_filter(value: Any, tree: MaskTree | None) -> Any:
    """Keep only the fields of `value` the mask selects (lists are filtered element-wise)."""
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [mask_filter(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: mask_filter(value[key], sub) for key, sub in tree.items() if key in value}
    return value


def mask_assign(target: JsonDict, source: Mapping[str, Any], tree: MaskTree) -> None:
    """Copy the masked fields of `source` into `target`; a masked field absent from `source`
    is removed from `target` (Google's update semantics)."""
    for key, sub in tree.items():
        if key == "*":
            target.clear()
            target.update(copy.deepcopy(dict(source)))
            continue
        if sub is None:
            if source.get(key) is not None:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        source_child = source.get(key)
        target_child = target.get(key)
        child: JsonDict = target_child if isinstance(target_child, dict) else {}
        mask_assign(child, source_child if isinstance(source_child, dict) else {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)


# ---------------------------------------------------------------------------------------------
# Model


def _prune_defaults(props: JsonDict) -> JsonDict:
    """Drop the proto3 default values Google leaves out of SheetProperties."""
    out = copy.deepcopy(props)
    for key in ("hidden", "rightToLeft"):
        if not out.get(key):
            out.pop(key, None)
    grid = out.get("gridProperties")
    if isinstance(grid, dict):
        for key in (
            "frozenRowCount",
            "frozenColumnCount",
            "hideGridlines",
            "rowGroupControlAfter",
            "columnGroupControlAfter",
        ):
            if not grid.get(key):
                grid.pop(key, None)
    return out


def conditional_format_json(rule: Mapping[str, Any]) -> JsonDict:
    """A stored ConditionalFormatRule as Google renders it: ranges without a zero sheetId, and
    each colour also as a ColorStyle (`backgroundColor` with `backgroundColorStyle`)."""
    out = copy.deepcopy(dict(rule))
    out["ranges"] = [grid_range_json(grid) for grid in out.get("ranges", [])]
    fmt = out.get("booleanRule", {}).get("format")
    if isinstance(fmt, dict):
        for name in ("backgroundColor", "foregroundColor"):
            if isinstance(fmt.get(name), dict):
                fmt.setdefault(f"{name}Style", {"rgbColor": dict(fmt[name])})
    return out


def grid_range_json(grid: Mapping[str, Any]) -> JsonDict:
    """Render a stored GridRange as Google does (a `sheetId` of 0 is left out)."""
    out = dict(grid)
    if not out.get("sheetId"):
        out.pop("sheetId", None)
    return out


class Sheet:
    """One sheet (tab): properties as Google's JSON, cells as a ragged list of rows, and the
    range-bearing metadata that insert/delete must move (protected ranges, merges, filter)."""

    def __init__(self, sheet_id: int, title: str, row_count: int, column_count: int) -> None:
        self.props: JsonDict = {
            "sheetId": sheet_id,
            "title": title,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": row_count, "columnCount": column_count},
        }
        self.rows: list[list[Cell | None]] = []
        self.protected_ranges: list[JsonDict] = []
        self.merges: list[JsonDict] = []
        self.basic_filter: JsonDict | None = None
        self.filter_views: list[JsonDict] = []
        """Filter views as stored (`filterViewId`, `title`, `range`, `criteria`,
        `filterSpecs`, `sortSpecs`)."""
        self.conditional_formats: list[JsonDict] = []
        self.column_pixels: dict[int, int] = {}
        self.hidden_rows: set[int] = set()
        """Rows (0-based) hidden by `updateDimensionProperties` `hiddenByUser`."""
        self.charts: list[JsonDict] = []
        """The charts overlaid on this sheet, as `charts.stored_chart` keeps them."""
        self.owned: set[int] | None = None
        """In a draft (see `draft`): `id()`s of the cells it has made its own; None otherwise."""

    @property
    def sheet_id(self) -> int:
        """The sheet's id (`gid`)."""
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        """The sheet's title."""
        return str(self.props["title"])

    @property
    def grid(self) -> JsonDict:
        """The gridProperties object."""
        grid = self.props["gridProperties"]
        assert isinstance(grid, dict)
        return grid

    @property
    def row_count(self) -> int:
        """Rows in the grid."""
        return int(self.grid["rowCount"])

    @property
    def column_count(self) -> int:
        """Columns in the grid."""
        return int(self.grid["columnCount"])

    def clone(self) -> Sheet:
        """Return an independent copy."""
        twin = self.draft()
        twin.rows = [[cell.clone() if cell else None for cell in row] for row in self.rows]
        twin.owned = None
        return twin

    def draft(self) -> Sheet:
        """A copy for a batchUpdate whose cells are copied on write: the rows are new lists
        holding this sheet's cells, and `ensure` clones a cell the first time the draft changes
        it, so this sheet stays as it was until the draft is committed (`commit`). Every change
        a request makes to a cell goes through `ensure`."""
        twin = Sheet(self.sheet_id, self.title, self.row_count, self.column_count)
        twin.props = copy.deepcopy(self.props)
        twin.rows = [list(row) for row in self.rows]
        twin.protected_ranges = copy.deepcopy(self.protected_ranges)
        twin.merges = copy.deepcopy(self.merges)
        twin.basic_filter = copy.deepcopy(self.basic_filter)
        twin.filter_views = copy.deepcopy(self.filter_views)
        twin.conditional_formats = copy.deepcopy(self.conditional_formats)
        twin.column_pixels = dict(self.column_pixels)
        twin.hidden_rows = set(self.hidden_rows)
        twin.charts = copy.deepcopy(self.charts)
        twin.owned = set()
        return twin

    def commit(self) -> None:
        """End copy-on-write: the sheet this draft was made from is dropped."""
        self.owned = None

    def get(self, row: int, col: int) -> Cell | None:
        """Return the stored cell, or None."""
        if row < len(self.rows):
            cells = self.rows[row]
            if col < len(cells):
                return cells[col]
        return None

    def ensure(self, row: int, col: int) -> Cell:
        """Return the stored cell, creating it (and the storage before it) when missing."""
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cell = cells[col]
        if cell is None:
            cell = Cell()
            cells[col] = cell
            if self.owned is not None:
                self.owned.add(id(cell))
        elif self.owned is not None and id(cell) not in self.owned:
            cell = cell.clone()  # copy on write: the original sheet keeps its cell
            cells[col] = cell
            self.owned.add(id(cell))
        return cell

    def has_value(self, row: int, col: int) -> bool:
        """True when the cell holds a value or formula."""
        if row < 0 or col < 0:
            return False
        cell = self.get(row, col)
        return cell is not None and cell.has_value()

    def stored_width(self) -> int:
        """The widest stored row (cells beyond it are certainly empty)."""
        return max((len(row) for row in self.rows), default=0)

    def resize(self, rows: int, cols: int) -> None:
        """Set the grid size, dropping cells outside it."""
        self.grid["rowCount"] = rows
        self.grid["columnCount"] = cols
        del self.rows[rows:]
        for cells in self.rows:
            del cells[cols:]

    def insert(self, dimension: str, start: int, count: int, inherit_from: int | None) -> None:
        """Insert `count` empty rows/columns before index `start`; copy formats and validation
        from the row/column at index `inherit_from` (taken before the insertion) when given."""
        if dimension == "ROWS":
            template = (
                [cell.clone() if cell else None for cell in self.rows[inherit_from]]
                if inherit_from is not None and inherit_from < len(self.rows)
                else None
            )
            if start <= len(self.rows):
                self.rows[start:start] = [[] for _ in range(count)]
            if template is not None:
                for offset in range(count):
                    for col, cell in enumerate(template):
                        if cell is not None and (cell.fmt or cell.validation):
                            target = self.ensure(start + offset, col)
                            target.fmt = copy.deepcopy(cell.fmt)
                            target.validation = copy.deepcopy(cell.validation)
            self.grid["rowCount"] = self.row_count + count
            self.hidden_rows = {r + count if r >= start else r for r in self.hidden_rows}
        else:
            for row_index, cells in enumerate(self.rows):
                source = (
                    cells[inherit_from]
                    if inherit_from is not None and inherit_from < len(cells)
                    else None
                )
                if start <= len(cells):
                    cells[start:start] = [None] * count
                if source is not None and (source.fmt or source.validation):
                    for offset in range(count):
                        target = self.ensure(row_index, start + offset)
                        target.fmt = copy.deepcopy(source.fmt)
                        target.validation = copy.deepcopy(source.validation)
            self.grid["columnCount"] = self.column_count + count
            self.column_pixels = {
                (c + count if c >= start else c): size for c, size in self.column_pixels.items()
            }
        for grid in self._ranges():
            _shift_insert(grid, dimension, start, count)

    def delete(self, dimension: str, start: int, end: int) -> None:
        """Delete rows/columns `start` to `end` (exclusive)."""
        if dimension == "ROWS":
            del self.rows[start:end]
            self.grid["rowCount"] = self.row_count - (end - start)
            self.hidden_rows = {
                r - (end - start) if r >= end else r
                for r in self.hidden_rows
                if not start <= r < end
            }
        else:
            for cells in self.rows:
                del cells[start:end]
            self.grid["columnCount"] = self.column_count - (end - start)
            self.column_pixels = {
                (c - (end - start) if c >= end else c): size
                for c, size in self.column_pixels.items()
                if not start <= c < end
            }
        for grid in self._ranges():
            _shift_delete(grid, dimension, start, end)

    def _ranges(self) -> Iterator[JsonDict]:
        for protected in self.protected_ranges:
            grid = protected.get("range")
            if isinstance(grid, dict):
                yield grid
        yield from self.merges
        if self.basic_filter is not None and isinstance(self.basic_filter.get("range"), dict):
            yield self.basic_filter["range"]
        for rule in self.conditional_formats:
            yield from rule["ranges"]
        for chart in self.charts:  # a chart's sources on its own sheet move with the rows
            yield from (g for g in grid_ranges(chart) if g.get("sheetId", 0) == self.sheet_id)

    def properties_json(self, index: int) -> JsonDict:
        """SheetProperties as Google renders them."""
        props = _prune_defaults(self.props)
        ordered: JsonDict = {"sheetId": props.pop("sheetId"), "title": props.pop("title")}
        ordered["index"] = index
        ordered.update(props)
        return ordered

    def protected_ranges_json(self, service_account: str) -> list[JsonDict]:
        """The sheet's protected ranges as spreadsheets.get renders them."""
        out = []
        for protected in self.protected_ranges:
            item = copy.deepcopy(protected)
            item["range"] = grid_range_json(item.get("range", {}))
            editors = item.pop("editors", None) or {}
            users = [service_account, *[u for u in editors.get("users", []) if u]]
            rendered: JsonDict = {"users": list(dict.fromkeys(users))}
            if editors.get("groups"):
                rendered["groups"] = list(editors["groups"])
            if editors.get("domainUsersCanEdit"):
                rendered["domainUsersCanEdit"] = True
            item["editors"] = rendered
            out.append(item)
        return out


def _shift_insert(grid: JsonDict, dimension: str, at: int, count: int) -> None:
    start_key, end_key = _range_keys(dimension)
    start, end = grid.get(start_key), grid.get(end_key)
    if isinstance(start, int) and start >= at:
        grid[start_key] = start + count
    if isinstance(end, int) and end > at:
        grid[end_key] = end + count


def _shift_delete(grid: JsonDict, dimension: str, start: int, end: int) -> None:
    removed = end - start
    for key in _range_keys(dimension):
        index = grid.get(key)
        if isinstance(index, int):
            if index >= end:
                grid[key] = index - removed
            elif index > start:
                grid[key] = start


def _range_keys(dimension: str) -> tuple[str, str]:
    if dimension == "ROWS":
        return "startRowIndex", "endRowIndex"
    return "startColumnIndex", "endColumnIndex"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Spreadsheet:
    """One spreadsheet file: properties, sheets in order, Drive permissions and timestamps."""

    spreadsheet_id: str
    props: JsonDict
    sheets: list[Sheet]
    permissions: list[JsonDict] = field(default_factory=list)
    created: dt.datetime = field(default_factory=_now)
    modified: dt.datetime = field(default_factory=_now)
    shared: set[int] = field(default_factory=set)
    """`id()`s of the sheets a draft still shares with its original (see `draft`)."""

    @property
    def title(self) -> str:
        """The file name / spreadsheet title."""
        return str(self.props["title"])

    def clone(self) -> Spreadsheet:
        """Return an independent copy."""
        return Spreadsheet(
            spreadsheet_id=self.spreadsheet_id,
            props=copy.deepcopy(self.props),
            sheets=[sheet.clone() for sheet in self.sheets],
            permissions=copy.deepcopy(self.permissions),
            created=self.created,
            modified=self.modified,
        )

    def draft(self) -> Spreadsheet:
        """A copy that a batchUpdate changes and commits only when every request succeeded
        (atomicity). Its sheets are copied on write: `own` clones a sheet the first time a
        request changes it, so a batch that writes one tab does not copy the others."""
        return Spreadsheet(
            spreadsheet_id=self.spreadsheet_id,
            props=copy.deepcopy(self.props),
            sheets=list(self.sheets),
            permissions=copy.deepcopy(self.permissions),
            created=self.created,
            modified=self.modified,
            shared={id(sheet) for sheet in self.sheets},
        )

    def own(self, sheet: Sheet) -> Sheet:
        """The draft's private copy of one of its sheets, made on first use."""
        if id(sheet) not in self.shared:
            return sheet
        twin = sheet.draft()
        self.sheets[self.sheets.index(sheet)] = twin
        self.shared.discard(id(sheet))
        return twin

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """Return the sheet with this id, or None."""
        return next((sheet for sheet in self.sheets if sheet.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Return the sheet with this title (exact match first, then ignoring case)."""
        exact = next((sheet for sheet in self.sheets if sheet.title == title), None)
        if exact is not None:
            return exact
        folded = title.casefold()
        return next((sheet for sheet in self.sheets if sheet.title.casefold() == folded), None)


@dataclass(frozen=True)
class Target:
    """A range resolved against a sheet: 0-based, end-exclusive and clamped to the grid."""

    sheet: Sheet
    parsed: A1Range
    start_row: int
    end_row: int
    start_col: int
    end_col: int

    @property
    def is_origin(self) -> bool:
        """True when a write may extend from the range's start (one cell, or a whole sheet)."""
        return self.parsed.cells is None or self.parsed.cells.is_single_cell

    def a1(self) -> str:
        """The bounded range as Google echoes it (`Sheet1!A1:C3`)."""
        return format_grid_range(
            self.sheet.title, self.start_row, self.end_row, self.start_col, self.end_col
        )


def _whole(sheet: Sheet) -> A1Range:
    return A1Range(text=sheet.title, sheet=sheet.title, cells=None)


@dataclass(frozen=True)
class Box:
    """A rectangle of cells, 0-based and end-exclusive."""

    start_row: int
    end_row: int
    start_col: int
    end_col: int

    def contains(self, row: int, col: int) -> bool:
        """True when the cell lies inside the box."""
        return self.start_row <= row < self.end_row and self.start_col <= col < self.end_col


# ---------------------------------------------------------------------------------------------
# Parameters


def _param(params: Params, name: str, default: str) -> str:
    values = params.get(name)
    return values[-1] if values else default


def _flag(params: Params, name: str) -> bool:
    return _param(params, name, "false").lower() == "true"


def _check_option(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ApiError(
            400,
            f"Invalid value at '{name}' (type.googleapis.com/google.apps.sheets.v4.{name}), "
            f'"{value}"',
        )
    return value


def _value_input(value: object, field_name: str = "value_input_option") -> bool:
    """Return True for USER_ENTERED, False for RAW; refuse anything else."""
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise ApiError(
            400,
            f"Invalid value at '{field_name}' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{value}"',
        )
    return value == "USER_ENTERED"


def _int(payload: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        raise RequestError(f"{key} must be an integer, got {value!r}")
    return value


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """All spreadsheets of one fake server and the API operations on them (not thread-safe)."""

    def __init__(self, *, seed: int, owner_email: str, service_account_email: str) -> None:
        self.random = random.Random(seed)
        self.owner_email = owner_email
        self.service_account_email = service_account_email
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._batch_handlers: dict[str, Callable[[Spreadsheet, JsonDict], JsonDict]] = {
            "addSheet": self._add_sheet,
            "deleteSheet": self._delete_sheet,
            "updateSheetProperties": self._update_sheet_properties,
            "updateSpreadsheetProperties": self._update_spreadsheet_properties,
            "insertDimension": self._insert_dimension,
            "deleteDimension": self._delete_dimension,
            "appendDimension": self._append_dimension,
            "setDataValidation": self._set_data_validation,
            "addProtectedRange": self._add_protected_range,
            "deleteProtectedRange": self._delete_protected_range,
            "repeatCell": self._repeat_cell,
            "updateCells": self._update_cells,
            "sortRange": self._sort_range,
            "mergeCells": self._merge_cells,
            "unmergeCells": self._unmerge_cells,
            "setBasicFilter": self._set_basic_filter,
            "clearBasicFilter": self._clear_basic_filter,
            "addFilterView": self._add_filter_view,
            "updateFilterView": self._update_filter_view,
            "deleteFilterView": self._delete_filter_view,
            "updateDimensionProperties": self._update_dimension_properties,
            "addConditionalFormatRule": self._add_conditional_format_rule,
            "deleteConditionalFormatRule": self._delete_conditional_format_rule,
            "addChart": self._add_chart,
            "updateChartSpec": self._update_chart_spec,
            "deleteEmbeddedObject": self._delete_embedded_object,
            "autoResizeDimensions": self._auto_resize_dimensions,
            "updateBorders": self._accept_on_sheet,
        }

    # -- ids and lookup ------------------------------------------------------------------------

    def new_spreadsheet_id(self) -> str:
        """A fresh 44-character id shaped like Google's."""
        alphabet = string.ascii_letters + string.digits + "-_"
        while True:
            candidate = "1" + "".join(self.random.choice(alphabet) for _ in range(43))
            if candidate not in self.spreadsheets:
                return candidate

    def new_sheet_id(self, spreadsheet: Spreadsheet) -> int:
        """A fresh sheet id (9-10 digits, like Google's)."""
        while True:
            candidate = self.random.randint(10**8, 2**31 - 1)
            if spreadsheet.sheet_by_id(candidate) is None:
                return candidate

    def _new_small_id(self) -> int:
        return self.random.randint(10**8, 2**31 - 1)

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """Return the spreadsheet or raise Google's 404."""
        found = self.spreadsheets.get(spreadsheet_id)
        if found is None:
            raise not_found()
        return found

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        """Return the sheet with this title, or raise KeyError (for the test-side helpers)."""
        found = self.spreadsheet(spreadsheet_id).sheet_by_title(title)
        if found is None:
            raise KeyError(f"no sheet titled {title!r} in {spreadsheet_id}")
        return found

    def touch(self, spreadsheet: Spreadsheet) -> None:
        """Record a modification (Drive's modifiedTime)."""
        spreadsheet.modified = _now()

    # -- creation ------------------------------------------------------------------------------

    def create(
        self,
        title: str,
        sheets: Mapping[str, Sequence[Sequence[object]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
        row_count: int = DEFAULT_ROWS,
        column_count: int = DEFAULT_COLUMNS,
        user_entered: bool = False,
        locale: str = "en_US",
        time_zone: str = "Etc/GMT",
        owner_email: str | None = None,
    ) -> Spreadsheet:
        """Create a spreadsheet; each sheet gets at least the requested grid and its values."""
        spreadsheet_id = spreadsheet_id or self.new_spreadsheet_id()
        if spreadsheet_id in self.spreadsheets:
            raise ValueError(f"spreadsheet {spreadsheet_id} exists")
        spreadsheet = Spreadsheet(
            spreadsheet_id=spreadsheet_id,
            props={
                "title": title,
                "locale": locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": time_zone,
            },
            sheets=[],
        )
        spreadsheet.permissions = self._default_permissions(owner_email)
        for index, (sheet_title, values) in enumerate((sheets or {"Sheet1": []}).items()):
            rows = max(row_count, len(values))
            cols = max(column_count, max((len(row) for row in values), default=0))
            sheet_id = 0 if index == 0 else self.new_sheet_id(spreadsheet)
            sheet = Sheet(sheet_id, sheet_title, rows, cols)
            spreadsheet.sheets.append(sheet)
            self.write_rows(sheet, 0, 0, values, user_entered=user_entered)
        self.spreadsheets[spreadsheet_id] = spreadsheet
        return spreadsheet

    def _default_permissions(self, owner_email: str | None) -> list[JsonDict]:
        permissions = []
        if owner_email != self.service_account_email:
            permissions.append(self.permission("user", "owner", owner_email or self.owner_email))
        role = "owner" if owner_email == self.service_account_email else "writer"
        permissions.append(self.permission("user", role, self.service_account_email))
        return permissions

    def permission(
        self, kind: str, role: str, email: str | None = None, domain: str | None = None
    ) -> JsonDict:
        """A Drive permission resource."""
        permission: JsonDict = {
            "kind": "drive#permission",
            "id": str(self.random.randint(10**19, 10**20 - 1)) if kind != "anyone" else "anyone",
            "type": kind,
            "role": role,
        }
        if email is not None:
            permission["emailAddress"] = email
            permission["displayName"] = email.split("@")[0]
        if domain is not None:
            permission["domain"] = domain
        permission["deleted"] = False
        return permission

    def write_rows(
        self,
        sheet: Sheet,
        row: int,
        col: int,
        values: Sequence[Sequence[object]],
        *,
        user_entered: bool,
    ) -> int:
        """Write a block of values at (row, col); return how many values were written."""
        written = 0
        for row_offset, row_values in enumerate(values):
            for col_offset, value in enumerate(row_values):
                if value is None:
                    continue
                written += 1
                if value == "" and sheet.get(row + row_offset, col + col_offset) is None:
                    continue
                cell = sheet.ensure(row + row_offset, col + col_offset)
                try:
                    write_value(cell, value, user_entered=user_entered)
                except TypeError as error:
                    raise ApiError(400, str(error)) from error
        return written

    # -- ranges --------------------------------------------------------------------------------

    def resolve(self, spreadsheet: Spreadsheet, text: str) -> Target:
        """Resolve A1 text to a sheet and a grid-clamped range, or raise Google's 400."""
        try:
            parsed = parse_range(text)
        except A1Error as error:
            raise ApiError(400, f"Unable to parse range: {text}") from error
        sheet: Sheet | None
        if parsed.sheet is None:
            sheet = spreadsheet.sheet_by_title(text) if parsed.cells is not None else None
            if sheet is not None:
                parsed = A1Range(text=text, sheet=sheet.title, cells=None)
            else:
                sheet = spreadsheet.sheets[0]
        else:
            sheet = spreadsheet.sheet_by_title(parsed.sheet)
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        rows, cols = sheet.row_count, sheet.column_count
        if parsed.cells is None:
            return Target(sheet, parsed, 0, rows, 0, cols)
        start, end = parsed.cells.start, parsed.cells.end
        start_row = start.row or 0
        start_col = start.col or 0
        if end is None:
            end_row, end_col = start_row + 1, start_col + 1
            open_end_row: int | None = end_row
            open_end_col: int | None = end_col
        else:
            open_end_row = None if end.row is None else end.row + 1
            open_end_col = None if end.col is None else end.col + 1
            end_row = rows if open_end_row is None else open_end_row
            end_col = cols if open_end_col is None else open_end_col
        if start_row >= rows or start_col >= cols:
            raise self.grid_limit_error(sheet, start_row, open_end_row, start_col, open_end_col)
        return Target(sheet, parsed, start_row, min(end_row, rows), start_col, min(end_col, cols))

    @staticmethod
    def grid_limit_error(
        sheet: Sheet,
        start_row: int | None,
        end_row: int | None,
        start_col: int | None,
        end_col: int | None,
        prefix: str = "",
    ) -> ApiError:
        """Google's 400 for a range that starts outside the grid."""
        label = format_open_range(sheet.title, start_row, end_row, start_col, end_col)
        return ApiError(
            400,
            f"{prefix}Range ({label}) exceeds grid limits. Max rows: {sheet.row_count}, "
            f"max columns: {sheet.column_count}",
        )

    # -- values: reading -----------------------------------------------------------------------

    def rendered_rows(
        self, target: Target, value_render: str, date_render: str
    ) -> list[list[Scalar]]:
        """The range's rendered values, each row trimmed, trailing empty rows dropped."""
        sheet = target.sheet
        rows: list[list[Scalar]] = []
        last_row = min(target.end_row, len(sheet.rows))
        for row_index in range(target.start_row, last_row):
            stored = sheet.rows[row_index]
            last_col = min(target.end_col, len(stored))
            row = [
                render(stored[col], value_render=value_render, date_render=date_render)
                for col in range(target.start_col, last_col)
            ]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def value_range(
        self, target: Target, major: str, value_render: str, date_render: str
    ) -> JsonDict:
        """A ValueRange answer for a resolved range."""
        rows = self.rendered_rows(target, value_render, date_render)
        values: list[list[Scalar]] = rows
        if major == "COLUMNS" and rows:
            width = max(len(row) for row in rows)
            values = []
            for col in range(width):
                column = [row[col] if col < len(row) else "" for row in rows]
                while column and column[-1] == "":
                    column.pop()
                values.append(column)
            while values and not values[-1]:
                values.pop()
        answer: JsonDict = {"range": target.a1(), "majorDimension": major}
        if values:
            answer["values"] = values
        return answer

    @staticmethod
    def _render_options(params: Params) -> tuple[str, str, str]:
        major = _check_option(
            _param(params, "majorDimension", "ROWS"), ("ROWS", "COLUMNS"), "Dimension"
        )
        value_render = _check_option(
            _param(params, "valueRenderOption", "FORMATTED_VALUE"),
            ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"),
            "ValueRenderOption",
        )
        date_render = _check_option(
            _param(params, "dateTimeRenderOption", "SERIAL_NUMBER"),
            ("SERIAL_NUMBER", "FORMATTED_STRING"),
            "DateTimeRenderOption",
        )
        return major, value_render, date_render

    def values_get(self, spreadsheet_id: str, range_text: str, params: Params) -> JsonDict:
        """spreadsheets.values.get"""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        major, value_render, date_render = self._render_options(params)
        target = self.resolve(spreadsheet, range_text)
        return self.value_range(target, major, value_render, date_render)

    def values_batch_get(self, spreadsheet_id: str, params: Params) -> JsonDict:
        """spreadsheets.values.batchGet"""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        major, value_render, date_render = self._render_options(params)
        targets = [self.resolve(spreadsheet, text) for text in params.get("ranges", [])]
        answer: JsonDict = {"spreadsheetId": spreadsheet_id}
        if targets:
            answer["valueRanges"] = [
                self.value_range(target, major, value_render, date_render) for target in targets
            ]
        return answer

    # -- values: writing -----------------------------------------------------------------------

    @staticmethod
    def _block(body: Mapping[str, Any], path: str) -> tuple[list[list[object]], str]:
        """Validate a ValueRange body; return its values as rows and its major dimension."""
        values = body.get("values")
        if values is None:
            values = []
        if not isinstance(values, list):
            raise _bad_value(path, values)
        for index, row in enumerate(values):
            if not isinstance(row, list):
                raise _bad_value(f"{path}[{index}]", row)
            for col, item in enumerate(row):
                if item is not None and not is_scalar(item):
                    raise _bad_value(f"{path}[{index}][{col}]", item)
        major = body.get("majorDimension") or "ROWS"
        if major not in ("ROWS", "COLUMNS"):
            raise ApiError(
                400,
                "Invalid value at 'data.major_dimension' "
                f'(type.googleapis.com/google.apps.sheets.v4.Dimension), "{major}"',
            )
        if major == "COLUMNS":
            height = max((len(column) for column in values), default=0)
            values = [
                [column[row] if row < len(column) else None for column in values]
                for row in range(height)
            ]
        return values, str(major)

    @staticmethod
    def _check_fits(target: Target, text: str, rows: int, cols: int) -> None:
        sheet = target.sheet
        limit_rows = sheet.row_count if target.is_origin else target.end_row
        limit_cols = sheet.column_count if target.is_origin else target.end_col
        if target.start_row + rows > limit_rows:
            raise ApiError(
                400,
                f"Requested writing within range [{text}], but tried writing to row "
                f"[{limit_rows + 1}]",
            )
        if target.start_col + cols > limit_cols:
            raise ApiError(
                400,
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{column_letters(limit_cols)}]",
            )

    def _update_answer(
        self,
        spreadsheet_id: str,
        sheet: Sheet,
        row: int,
        col: int,
        values: list[list[object]],
        written: int,
        response_params: tuple[bool, str, str] | None,
    ) -> JsonDict:
        height = len(values)
        width = max((len(row_values) for row_values in values), default=0)
        answer: JsonDict = {"spreadsheetId": spreadsheet_id}
        if height and width:
            answer["updatedRange"] = format_grid_range(
                sheet.title, row, row + height, col, col + width
            )
            answer["updatedRows"] = height
            answer["updatedColumns"] = width
            answer["updatedCells"] = written
            if not written:
                del answer["updatedCells"]
        if response_params is not None and response_params[0] and height and width:
            target = Target(sheet, _whole(sheet), row, row + height, col, col + width)
            answer["updatedData"] = self.value_range(
                target, "ROWS", response_params[1], response_params[2]
            )
        return answer

    @staticmethod
    def _response_params(params: Mapping[str, Any]) -> tuple[bool, str, str]:
        def get(name: str, default: str) -> str:
            value = params.get(name)
            if isinstance(value, list):
                value = value[-1] if value else None
            return default if value is None else str(value)

        return (
            get("includeValuesInResponse", "false").lower() == "true",
            get("responseValueRenderOption", "FORMATTED_VALUE"),
            get("responseDateTimeRenderOption", "SERIAL_NUMBER"),
        )

    def values_update(
        self, spreadsheet_id: str, range_text: str, params: Params, body: JsonDict
    ) -> JsonDict:
        """spreadsheets.values.update (PUT values/{range})"""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        user_entered = _value_input(_param(params, "valueInputOption", ""))
        target = self.resolve(spreadsheet, range_text)
        values, _ = self._block(body, "data.values")
        height = len(values)
        width = max((len(row) for row in values), default=0)
        self._check_fits(target, range_text, height, width)
        written = self.write_rows(
            target.sheet, target.start_row, target.start_col, values, user_entered=user_entered
        )
        self.touch(spreadsheet)
        return self._update_answer(
            spreadsheet_id,
            target.sheet,
            target.start_row,
            target.start_col,
            values,
            written,
            self._response_params(params),
        )

    def values_batch_update(self, spreadsheet_id: str, body: JsonDict) -> JsonDict:
        """spreadsheets.values.batchUpdate: every range is checked before anything is written."""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        user_entered = _value_input(body.get("valueInputOption"))
        data = body.get("data") or []
        if not isinstance(data, list):
            raise ApiError(400, "Invalid value at 'data' (ValueRange), " + json.dumps(data))
        planned: list[tuple[Target, list[list[object]]]] = []
        for index, item in enumerate(data):
            if not isinstance(item, dict) or not isinstance(item.get("range"), str):
                raise ApiError(400, f"Invalid data[{index}]: range is required")
            target = self.resolve(spreadsheet, item["range"])
            values, _ = self._block(item, f"data[{index}].values")
            height = len(values)
            width = max((len(row) for row in values), default=0)
            try:
                self._check_fits(target, item["range"], height, width)
            except ApiError as error:
                raise ApiError(400, f"Invalid data[{index}]: {error.message}") from error
            planned.append((target, values))
        responses = []
        rows: set[tuple[int, int]] = set()
        cols: set[tuple[int, int]] = set()
        sheets: set[int] = set()
        total_cells = 0
        response_params = self._response_params(body)
        for target, values in planned:
            written = self.write_rows(
                target.sheet, target.start_row, target.start_col, values, user_entered=user_entered
            )
            total_cells += written
            height = len(values)
            width = max((len(row) for row in values), default=0)
            if height and width:
                sheets.add(target.sheet.sheet_id)
                rows.update((target.sheet.sheet_id, target.start_row + r) for r in range(height))
                cols.update((target.sheet.sheet_id, target.start_col + c) for c in range(width))
            responses.append(
                self._update_answer(
                    spreadsheet_id,
                    target.sheet,
                    target.start_row,
                    target.start_col,
                    values,
                    written,
                    response_params,
                )
            )
        self.touch(spreadsheet)
        answer: JsonDict = {"spreadsheetId": spreadsheet_id}
        totals = {
            "totalUpdatedRows": len(rows),
            "totalUpdatedColumns": len(cols),
            "totalUpdatedCells": total_cells,
            "totalUpdatedSheets": len(sheets),
        }
        answer.update({key: value for key, value in totals.items() if value})
        if responses:
            answer["responses"] = responses
        return answer

    def find_table(self, target: Target) -> Box | None:
        """The table an append to `target` extends (see the module docstring), or None."""
        sheet = target.sheet
        best: Box | None = None
        boxes: list[Box] = []
        last_row = min(target.end_row, len(sheet.rows))
        for row in range(target.start_row, last_row):
            stored = sheet.rows[row]
            for col in range(target.start_col, min(target.end_col, len(stored))):
                cell = stored[col]
                if cell is None or not cell.has_value():
                    continue
                if any(box.contains(row, col) for box in boxes):
                    continue
                box = self._current_region(sheet, row, col)
                boxes.append(box)
                if best is None or (box.end_row, box.start_col) > (best.end_row, best.start_col):
                    best = box
        return best

    @staticmethod
    def _current_region(sheet: Sheet, row: int, col: int) -> Box:
        top, bottom, left, right = row, row + 1, col, col + 1

        def any_in_row(row_index: int) -> bool:
            return any(sheet.has_value(row_index, c) for c in range(left - 1, right + 1))

        def any_in_col(col_index: int) -> bool:
            return any(sheet.has_value(r, col_index) for r in range(top - 1, bottom + 1))

        changed = True
        while changed:
            changed = False
            while bottom < len(sheet.rows) and any_in_row(bottom):
                bottom += 1
                changed = True
            while top > 0 and any_in_row(top - 1):
                top -= 1
                changed = True
            while any_in_col(right):
                right += 1
                changed = True
            while left > 0 and any_in_col(left - 1):
                left -= 1
                changed = True
        return Box(top, bottom, left, right)

    def values_append(
        self, spreadsheet_id: str, range_text: str, params: Params, body: JsonDict
    ) -> JsonDict:
        """spreadsheets.values.append: find the table, write after it, grow the grid."""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        user_entered = _value_input(_param(params, "valueInputOption", ""))
        insert_option = _check_option(
            _param(params, "insertDataOption", "OVERWRITE"),
            ("OVERWRITE", "INSERT_ROWS"),
            "InsertDataOption",
        )
        target = self.resolve(spreadsheet, range_text)
        values, _ = self._block(body, "data.values")
        sheet = target.sheet
        table = self.find_table(target)
        if table is None:
            row, col = target.start_row, target.start_col
        else:
            row, col = table.end_row, table.start_col
        height = len(values)
        width = max((len(row_values) for row_values in values), default=0)
        if insert_option == "INSERT_ROWS" and height:
            sheet.insert("ROWS", min(row, sheet.row_count), height, inherit_from=None)
        if row + height > sheet.row_count:
            sheet.grid["rowCount"] = row + height
        if col + width > sheet.column_count:
            sheet.grid["columnCount"] = col + width
        written = self.write_rows(sheet, row, col, values, user_entered=user_entered)
        self.touch(spreadsheet)
        answer: JsonDict = {"spreadsheetId": spreadsheet_id}
        if table is not None:
            answer["tableRange"] = format_grid_range(
                sheet.title, table.start_row, table.end_row, table.start_col, table.end_col
            )
        answer["updates"] = self._update_answer(
            spreadsheet_id, sheet, row, col, values, written, self._response_params(params)
        )
        return answer

    def values_clear(self, spreadsheet_id: str, range_text: str) -> JsonDict:
        """spreadsheets.values.clear: values and formulas go, formats and rules stay."""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        target = self.resolve(spreadsheet, range_text)
        self._clear(target)
        self.touch(spreadsheet)
        return {"spreadsheetId": spreadsheet_id, "clearedRange": target.a1()}

    def values_batch_clear(self, spreadsheet_id: str, body: JsonDict) -> JsonDict:
        """spreadsheets.values.batchClear"""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        ranges = body.get("ranges") or []
        if not isinstance(ranges, list) or not all(isinstance(text, str) for text in ranges):
            raise ApiError(400, "Invalid value at 'ranges', " + json.dumps(ranges))
        targets = [self.resolve(spreadsheet, text) for text in ranges]
        for target in targets:
            self._clear(target)
        self.touch(spreadsheet)
        answer: JsonDict = {"spreadsheetId": spreadsheet_id}
        if targets:
            answer["clearedRanges"] = [target.a1() for target in targets]
        return answer

    @staticmethod
    def _clear(target: Target) -> None:
        sheet = target.sheet
        for row in range(target.start_row, min(target.end_row, len(sheet.rows))):
            stored = sheet.rows[row]
            for col in range(target.start_col, min(target.end_col, len(stored))):
                cell = stored[col]
                if cell is not None:
                    cell.clear_value()

    # -- spreadsheets.get ----------------------------------------------------------------------

    def metadata(self, spreadsheet: Spreadsheet, with_data: list[Target] | None = None) -> JsonDict:
        """The Spreadsheet resource; with `with_data`, only those ranges' sheets, with grid data
        (an empty list means every sheet with all its data)."""
        sheets_json = []
        for index, sheet in enumerate(spreadsheet.sheets):
            targets: list[Target] = []
            if with_data is not None:
                targets = [target for target in with_data if target.sheet is sheet]
                if with_data and not targets:
                    continue
                if not with_data:
                    targets = [
                        Target(sheet, _whole(sheet), 0, sheet.row_count, 0, sheet.column_count)
                    ]
            item: JsonDict = {"properties": sheet.properties_json(index)}
            if targets:
                item["data"] = [self.grid_data(target) for target in targets]
            if sheet.merges:
                item["merges"] = [grid_range_json(merge) for merge in sheet.merges]
            if sheet.protected_ranges:
                item["protectedRanges"] = sheet.protected_ranges_json(self.service_account_email)
            if sheet.basic_filter is not None:
                basic = copy.deepcopy(sheet.basic_filter)
                basic["range"] = grid_range_json(basic.get("range", {}))
                item["basicFilter"] = basic
            if sheet.filter_views:
                views = copy.deepcopy(sheet.filter_views)
                for view in views:
                    view["range"] = grid_range_json(view.get("range", {}))
                item["filterViews"] = views
            if sheet.conditional_formats:
                item["conditionalFormats"] = [
                    conditional_format_json(rule) for rule in sheet.conditional_formats
                ]
            if sheet.charts:
                item["charts"] = [chart_json(chart) for chart in sheet.charts]
            sheets_json.append(item)
        return {
            "spreadsheetId": spreadsheet.spreadsheet_id,
            "properties": copy.deepcopy(spreadsheet.props),
            "sheets": sheets_json,
            "spreadsheetUrl": (
                f"https://docs.google.com/spreadsheets/d/{spreadsheet.spreadsheet_id}/edit"
            ),
        }

    @staticmethod
    def grid_data(target: Target) -> JsonDict:
        """GridData for a range: rowData with CellData, trailing empty cells/rows trimmed."""
        sheet = target.sheet
        row_data: list[JsonDict] = []
        for row in range(target.start_row, min(target.end_row, len(sheet.rows))):
            stored = sheet.rows[row]
            values = [
                cell_data(stored[col])
                for col in range(target.start_col, min(target.end_col, len(stored)))
            ]
            while values and not values[-1]:
                values.pop()
            row_data.append({"values": values} if values else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        data: JsonDict = {}
        if target.start_row:
            data["startRow"] = target.start_row
        if target.start_col:
            data["startColumn"] = target.start_col
        if row_data:
            data["rowData"] = row_data
        return data

    def get_spreadsheet(self, spreadsheet_id: str, params: Params) -> JsonDict:
        """spreadsheets.get with `ranges`, `includeGridData` and a `fields` mask."""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        fields = _param(params, "fields", "")
        try:
            mask = parse_mask(fields) if fields else None
        except ValueError as error:
            raise ApiError(400, f"Invalid field selection {fields}") from error
        ranges = [self.resolve(spreadsheet, text) for text in params.get("ranges", [])]
        if mask is None:
            wants_data = _flag(params, "includeGridData")
        else:
            sheets_mask = mask.get("sheets", {})
            wants_data = "*" in mask or sheets_mask is None or "data" in sheets_mask
        answer = self.metadata(spreadsheet, ranges if (wants_data or ranges) else None)
        if ranges and not wants_data:
            for item in answer["sheets"]:
                item.pop("data", None)
        if mask is None:
            return answer
        data_mask = (mask.get("sheets") or {}).get("data") or {}
        if "columnMetadata" in data_mask:
            self._add_column_metadata(spreadsheet, answer)
        filtered: JsonDict = mask_filter(answer, mask)
        return filtered

    @staticmethod
    def _add_column_metadata(spreadsheet: Spreadsheet, answer: JsonDict) -> None:
        """Each GridData's `columnMetadata` (the widths, 100 pixels unless set), as Google gives
        it for a mask that names it (widths are not kept otherwise: only what init reads)."""
        by_title = {sheet.title: sheet for sheet in spreadsheet.sheets}
        for item in answer["sheets"]:
            sheet = by_title[item["properties"]["title"]]
            for data in item.get("data", []):
                start = int(data.get("startColumn", 0))
                data["columnMetadata"] = [
                    {"pixelSize": sheet.column_pixels.get(column, 100)}
                    for column in range(start, sheet.column_count)
                ]

    # -- spreadsheets.batchUpdate ----------------------------------------------------------

    def batch_update(self, spreadsheet_id: str, body: JsonDict) -> JsonDict:
        """spreadsheets.batchUpdate: all requests or none."""
        spreadsheet = self.spreadsheet(spreadsheet_id)
        requests = body.get("requests") or []
        if not isinstance(requests, list):
            raise ApiError(400, "Invalid value at 'requests', " + json.dumps(requests))
        work = spreadsheet.draft()
        replies: list[JsonDict] = []
        for index, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise ApiError(
                    400, f"Invalid requests[{index}]: exactly one request kind must be set"
                )
            kind, payload = next(iter(request.items()))
            handler = self._batch_handlers.get(kind)
            if handler is None:
                raise ApiError(
                    501, f"FakeSheetsApi does not implement the batchUpdate request {kind!r}"
                )
            if not isinstance(payload, dict):
                raise ApiError(400, f"Invalid requests[{index}].{kind}: not an object")
            try:
                replies.append(handler(work, payload))
            except RequestError as error:
                raise ApiError(400, f"Invalid requests[{index}].{kind}: {error}") from error
            except ApiError as error:
                raise ApiError(
                    error.code, f"Invalid requests[{index}].{kind}: {error.message}"
                ) from error
        self.touch(work)
        work.shared.clear()  # the original is dropped: what the draft shares is now its own
        for sheet in work.sheets:
            sheet.commit()
        self.spreadsheets[spreadsheet_id] = work
        answer: JsonDict = {"spreadsheetId": spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            answer["updatedSpreadsheet"] = self.metadata(work)
        return answer

    def _sheet_for(self, work: Spreadsheet, sheet_id: object) -> Sheet:
        sheet_int = 0 if sheet_id is None else sheet_id
        if isinstance(sheet_int, bool) or not isinstance(sheet_int, int):
            raise RequestError(f"sheetId must be an integer, got {sheet_id!r}")
        sheet = work.sheet_by_id(sheet_int)
        if sheet is None:
            raise RequestError(f"No grid with id: {sheet_int}")
        return work.own(sheet)

    def _grid(self, work: Spreadsheet, grid: object) -> tuple[Sheet, Box]:
        """Resolve a GridRange: absent indexes are open; refuse a start outside the grid."""
        if not isinstance(grid, dict):
            raise RequestError("range is required")
        sheet = self._sheet_for(work, grid.get("sheetId"))
        start_row = grid.get("startRowIndex")
        end_row = grid.get("endRowIndex")
        start_col = grid.get("startColumnIndex")
        end_col = grid.get("endColumnIndex")
        for value in (start_row, end_row, start_col, end_col):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise RequestError(f"invalid range index {value!r}")
        if (start_row or 0) >= sheet.row_count or (start_col or 0) >= sheet.column_count:
            raise self.grid_limit_error(sheet, start_row, end_row, start_col, end_col)
        box = Box(
            start_row or 0,
            min(sheet.row_count, sheet.row_count if end_row is None else end_row),
            start_col or 0,
            min(sheet.column_count, sheet.column_count if end_col is None else end_col),
        )
        return sheet, box

    def _add_sheet(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        props = payload.get("properties") or {}
        if not isinstance(props, dict):
            raise RequestError("properties must be an object")
        title = props.get("title")
        if title is None:
            number = len(work.sheets) + 1
            while work.sheet_by_title(f"Sheet{number}") is not None:
                number += 1
            title = f"Sheet{number}"
        title = str(title)
        if work.sheet_by_title(title) is not None:
            raise RequestError(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self.new_sheet_id(work)
        elif not isinstance(sheet_id, int) or sheet_id < 0:
            raise RequestError(f"invalid sheetId {sheet_id!r}")
        elif work.sheet_by_id(sheet_id) is not None:
            raise RequestError(f"A sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        sheet = Sheet(
            sheet_id,
            title,
            _int(grid, "rowCount", DEFAULT_ROWS),
            _int(grid, "columnCount", DEFAULT_COLUMNS),
        )
        for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
            if key in grid:
                sheet.grid[key] = grid[key]
        for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
            if key in props:
                sheet.props[key] = copy.deepcopy(props[key])
        index = props.get("index")
        if isinstance(index, int) and 0 <= index < len(work.sheets):
            work.sheets.insert(index, sheet)
        else:
            work.sheets.append(sheet)
        return {"addSheet": {"properties": sheet.properties_json(work.sheets.index(sheet))}}

    def _delete_sheet(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet_id = payload.get("sheetId", 0)
        sheet = work.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
        if sheet is None:
            raise RequestError(f"No sheet with id: {sheet_id}")
        if len(work.sheets) == 1:
            raise RequestError("You can't remove all the sheets in a document.")
        work.sheets.remove(sheet)
        return {}

    def _update_sheet_properties(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        props = payload.get("properties") or {}
        fields = payload.get("fields")
        if not isinstance(props, dict):
            raise RequestError("properties must be an object")
        if not fields:
            raise RequestError("At least one field must be updated, but none were specified.")
        sheet_id = props.get("sheetId", 0)
        sheet = work.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
        if sheet is None:
            raise RequestError(f"No sheet with id: {sheet_id}")
        sheet = work.own(sheet)
        try:
            mask = parse_mask(str(fields))
        except ValueError as error:
            raise RequestError(str(error)) from error
        updated = copy.deepcopy(sheet.props)
        updated["index"] = work.sheets.index(sheet)
        mask_assign(updated, props, mask)
        updated["sheetId"] = sheet.sheet_id
        updated.setdefault("sheetType", "GRID")
        title = updated.get("title")
        if not isinstance(title, str) or not title:
            raise RequestError("A sheet's title must not be empty.")
        clash = work.sheet_by_title(title)
        if clash is not None and clash is not sheet:
            raise RequestError(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        grid = updated.get("gridProperties")
        if not isinstance(grid, dict):
            raise RequestError("gridProperties are required")
        rows = _int(grid, "rowCount", sheet.row_count)
        cols = _int(grid, "columnCount", sheet.column_count)
        if rows < 1 or cols < 1:
            raise RequestError("A sheet needs at least one row and one column.")
        if _int(grid, "frozenRowCount", 0) >= rows:
            raise RequestError("You can't freeze all visible rows on the sheet.")
        if _int(grid, "frozenColumnCount", 0) >= cols:
            raise RequestError("You can't freeze all visible columns on the sheet.")
        new_index = updated.pop("index", None)
        sheet.props = updated
        sheet.resize(rows, cols)
        if isinstance(new_index, int) and new_index != work.sheets.index(sheet):
            work.sheets.remove(sheet)
            work.sheets.insert(max(0, min(new_index, len(work.sheets))), sheet)
        return {}

    def _update_spreadsheet_properties(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        props = payload.get("properties") or {}
        fields = payload.get("fields")
        if not isinstance(props, dict) or not fields:
            raise RequestError("At least one field must be updated, but none were specified.")
        try:
            mask_assign(work.props, props, parse_mask(str(fields)))
        except ValueError as error:
            raise RequestError(str(error)) from error
        return {}

    def _dimension_range(self, work: Spreadsheet, payload: JsonDict) -> tuple[Sheet, str, int, int]:
        grid = payload.get("range")
        if not isinstance(grid, dict):
            raise RequestError("range is required")
        sheet = self._sheet_for(work, grid.get("sheetId"))
        dimension = grid.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise RequestError(f"dimension must be ROWS or COLUMNS, got {dimension!r}")
        start = _int(grid, "startIndex", 0)
        size = sheet.row_count if dimension == "ROWS" else sheet.column_count
        end = _int(grid, "endIndex", size)
        if start < 0 or end <= start:
            raise RequestError(f"Invalid dimension range {start}..{end}")
        return sheet, str(dimension), start, end

    def _insert_dimension(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, dimension, start, end = self._dimension_range(work, payload)
        size = sheet.row_count if dimension == "ROWS" else sheet.column_count
        if start > size:
            raise RequestError(f"range.startIndex ({start}) must be <= the grid's size ({size})")
        inherit = payload.get("inheritFromBefore")
        if inherit and start == 0:
            raise RequestError("Cannot inherit from before the first row or column.")
        inherit_from = None
        if inherit is True:
            inherit_from = start - 1
        elif inherit is False and start < size:
            inherit_from = start
        sheet.insert(dimension, start, end - start, inherit_from)
        return {}

    def _delete_dimension(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, dimension, start, end = self._dimension_range(work, payload)
        size = sheet.row_count if dimension == "ROWS" else sheet.column_count
        if start >= size:
            raise self.grid_limit_error(
                sheet,
                start if dimension == "ROWS" else None,
                end if dimension == "ROWS" else None,
                start if dimension == "COLUMNS" else None,
                end if dimension == "COLUMNS" else None,
            )
        end = min(end, size)
        if end - start >= size:
            noun = "rows" if dimension == "ROWS" else "columns"
            raise RequestError(f"You can't delete all the {noun} on the sheet.")
        sheet.delete(dimension, start, end)
        return {}

    def _append_dimension(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet = self._sheet_for(work, payload.get("sheetId"))
        length = _int(payload, "length", 0)
        if length < 1:
            raise RequestError("length must be positive")
        if payload.get("dimension") == "COLUMNS":
            sheet.grid["columnCount"] = sheet.column_count + length
        elif payload.get("dimension") == "ROWS":
            sheet.grid["rowCount"] = sheet.row_count + length
        else:
            raise RequestError("dimension must be ROWS or COLUMNS")
        return {}

    def _cells_of(self, sheet: Sheet, box: Box) -> Iterator[Cell]:
        for row in range(box.start_row, box.end_row):
            for col in range(box.start_col, box.end_col):
                yield sheet.ensure(row, col)

    def _set_data_validation(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, box = self._grid(work, payload.get("range"))
        rule = payload.get("rule")
        if rule is not None and not isinstance(rule, dict):
            raise RequestError("rule must be an object")
        if rule is not None:
            rule = {key: value for key, value in rule.items() if value is not None}
            if rule.get("showCustomUi") is False:
                del rule["showCustomUi"]
            if rule.get("strict") is False:
                del rule["strict"]
        for cell in self._cells_of(sheet, box):
            cell.validation = copy.deepcopy(rule) if rule else None
        return {}

    def _add_protected_range(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        protected = payload.get("protectedRange")
        if not isinstance(protected, dict):
            raise RequestError("protectedRange is required")
        sheet = self._grid(work, protected.get("range"))[0]
        stored_range: JsonDict = {"sheetId": sheet.sheet_id}
        for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
            if isinstance(protected.get("range", {}).get(key), int):
                stored_range[key] = protected["range"][key]
        stored: JsonDict = {"protectedRangeId": self._new_small_id(), "range": stored_range}
        if protected.get("description"):
            stored["description"] = str(protected["description"])
        if protected.get("warningOnly"):
            stored["warningOnly"] = True
        stored["requestingUserCanEdit"] = True
        editors = protected.get("editors") or {}
        stored["editors"] = {key: value for key, value in editors.items() if value}
        sheet.protected_ranges.append(stored)
        reply = copy.deepcopy(stored)
        reply["range"] = grid_range_json(stored_range)
        return {"addProtectedRange": {"protectedRange": reply}}

    def _delete_protected_range(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        wanted = payload.get("protectedRangeId")
        for sheet in work.sheets:
            for index, protected in enumerate(sheet.protected_ranges):
                if protected["protectedRangeId"] == wanted:
                    del work.own(sheet).protected_ranges[index]
                    return {}
        raise RequestError(f"No protected range with id: {wanted}")

    def _apply_cell(self, cell: Cell, source: Mapping[str, Any], mask: MaskTree) -> None:
        current: JsonDict = {}  # copies: a cell's format and rule are never changed in place
        if cell.fmt:
            current["userEnteredFormat"] = copy.deepcopy(cell.fmt)
        if cell.validation:
            current["dataValidation"] = copy.deepcopy(cell.validation)
        if cell.note:
            current["note"] = cell.note
        replaced = "*" in mask or ("userEnteredValue" in mask and mask["userEnteredValue"] is None)
        if cell.has_value() and not replaced:  # (a value the mask replaces is not needed)
            current["userEnteredValue"] = cell_data(cell).get("userEnteredValue")
        mask_assign(current, source, mask)
        fmt = current.get("userEnteredFormat")
        cell.fmt = copy.deepcopy(fmt) if isinstance(fmt, dict) and fmt else None
        validation = current.get("dataValidation")
        cell.validation = copy.deepcopy(validation) if isinstance(validation, dict) else None
        note = current.get("note")
        cell.note = str(note) if note else None
        if "userEnteredValue" in mask or "*" in mask:
            entered = current.get("userEnteredValue")
            cell.clear_value()
            if isinstance(entered, dict):
                if "formulaValue" in entered:
                    cell.formula = str(entered["formulaValue"])
                    cell.value, cell.error = evaluate_formula(cell.formula)
                elif "numberValue" in entered:
                    cell.value = normalise_number(entered["numberValue"])
                elif "boolValue" in entered:
                    cell.value = bool(entered["boolValue"])
                elif "stringValue" in entered:
                    cell.value = str(entered["stringValue"]) or None

    def _mask_of(self, payload: JsonDict) -> MaskTree:
        fields = payload.get("fields")
        if not fields:
            raise RequestError("At least one field must be updated, but none were specified.")
        try:
            return parse_mask(str(fields))
        except ValueError as error:
            raise RequestError(str(error)) from error

    def _repeat_cell(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, box = self._grid(work, payload.get("range"))
        source = payload.get("cell") or {}
        mask = self._mask_of(payload)
        for cell in self._cells_of(sheet, box):
            self._apply_cell(cell, source, mask)
        return {}

    def _update_cells(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """updateCells: each CellData of `rows` is applied with the `fields` mask (a field the
        mask names and the CellData leaves out is cleared: `{}` under `userEnteredValue` empties
        the cell). From a `start` coordinate rows may differ in length and must stay inside the
        grid (Google: `Attempting to write row: 1000, beyond the last requested row of: 999`,
        0-based; the message for a column is worded the same way here, unrecorded); within a
        `range`, the range's cells the rows do not cover are cleared of the
        masked fields, as Google documents."""
        mask = self._mask_of(payload)
        rows = payload.get("rows") or []
        if "start" in payload:
            start = payload["start"]
            sheet = self._sheet_for(work, start.get("sheetId"))
            row0, col0 = _int(start, "rowIndex", 0), _int(start, "columnIndex", 0)
            limit = Box(row0, sheet.row_count, col0, sheet.column_count)
        else:
            sheet, limit = self._grid(work, payload.get("range"))
            row0, col0 = limit.start_row, limit.start_col
        covered: set[tuple[int, int]] = set()
        for row_offset, row in enumerate(rows):
            for col_offset, source in enumerate((row or {}).get("values") or []):
                row_index, col_index = row0 + row_offset, col0 + col_offset
                if row_index >= limit.end_row:
                    raise RequestError(
                        f"Attempting to write row: {row_index}, beyond the last requested row "
                        f"of: {limit.end_row - 1}"
                    )
                if col_index >= limit.end_col:
                    raise RequestError(
                        f"Attempting to write column: {col_index}, beyond the last requested "
                        f"column of: {limit.end_col - 1}"
                    )
                self._apply_cell(sheet.ensure(row_index, col_index), source or {}, mask)
                covered.add((row_index, col_index))
        if "start" not in payload:
            for row_index in range(limit.start_row, min(limit.end_row, len(sheet.rows))):
                stored = sheet.rows[row_index]
                for col_index in range(limit.start_col, min(limit.end_col, len(stored))):
                    if stored[col_index] is not None and (row_index, col_index) not in covered:
                        self._apply_cell(sheet.ensure(row_index, col_index), {}, mask)
        return {}

    def _sort_range(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, box = self._grid(work, payload.get("range"))
        specs = payload.get("sortSpecs") or []
        if not isinstance(specs, list) or not specs:
            raise RequestError("sortSpecs are required")
        keys: list[tuple[int, bool]] = []
        for spec in specs:
            column = _int(spec, "dimensionIndex", 0)
            if not box.start_col <= column < box.end_col:
                raise RequestError(f"sort column {column} lies outside the range")
            keys.append((column - box.start_col, spec.get("sortOrder") == "DESCENDING"))
        sort_block(sheet, box, keys)
        return {}

    def _merge_cells(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, box = self._grid(work, payload.get("range"))
        sheet.merges.append(
            {
                "sheetId": sheet.sheet_id,
                "startRowIndex": box.start_row,
                "endRowIndex": box.end_row,
                "startColumnIndex": box.start_col,
                "endColumnIndex": box.end_col,
            }
        )
        return {}

    def _unmerge_cells(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, box = self._grid(work, payload.get("range"))
        sheet.merges = [
            merge
            for merge in sheet.merges
            if not (
                box.start_row <= merge["startRowIndex"]
                and merge["endRowIndex"] <= box.end_row
                and box.start_col <= merge["startColumnIndex"]
                and merge["endColumnIndex"] <= box.end_col
            )
        ]
        return {}

    def _set_basic_filter(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        basic = payload.get("filter")
        if not isinstance(basic, dict):
            raise RequestError("filter is required")
        sheet, box = self._grid(work, basic.get("range"))
        stored = copy.deepcopy(basic)
        stored["range"] = _stored_range(sheet, box)
        sheet.basic_filter = stored
        return {}

    def _clear_basic_filter(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        self._sheet_for(work, payload.get("sheetId")).basic_filter = None
        return {}

    def _add_filter_view(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """A filter view on the sheet of its `range`; Google gives it an id when none is set."""
        view = payload.get("filter")
        if not isinstance(view, dict):
            raise RequestError("filter is required")
        sheet, box = self._grid(work, view.get("range"))
        sheet = work.own(sheet)
        stored = copy.deepcopy(view)
        taken = {v.get("filterViewId") for s in work.sheets for v in s.filter_views}
        view_id = stored.get("filterViewId")
        if view_id is None:
            view_id = self.random.randint(10**8, 2**31 - 1)
        if view_id in taken:
            raise RequestError(f"A filter view with id {view_id} already exists.")
        stored["filterViewId"] = view_id
        stored["range"] = _stored_range(sheet, box)
        sheet.filter_views.append(stored)
        return {"addFilterView": {"filter": copy.deepcopy(stored)}}

    def _filter_view(self, work: Spreadsheet, view_id: Any) -> tuple[Sheet, int]:
        for sheet in work.sheets:
            for index, view in enumerate(sheet.filter_views):
                if view.get("filterViewId") == view_id:
                    return work.own(sheet), index
        raise RequestError(f"No filter view with id: {view_id}")

    def _update_filter_view(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """The masked fields of a filter view replaced (Google's update semantics)."""
        view = payload.get("filter")
        fields = payload.get("fields")
        if not isinstance(view, dict) or not fields:
            raise RequestError("filter and fields are required")
        sheet, index = self._filter_view(work, view.get("filterViewId"))
        try:
            mask_assign(sheet.filter_views[index], view, parse_mask(str(fields)))
        except ValueError as error:
            raise RequestError(str(error)) from error
        return {}

    def _delete_filter_view(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        sheet, index = self._filter_view(work, payload.get("filterId"))
        del sheet.filter_views[index]
        return {}

    def _update_dimension_properties(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """Column widths (`pixelSize`) and hidden rows (`hiddenByUser`) are kept; other
        dimension properties are accepted."""
        span = payload.get("range")
        if not isinstance(span, dict):
            raise RequestError("range is required")
        sheet = self._sheet_for(work, span.get("sheetId"))
        props = payload.get("properties") or {}
        mask = self._mask_of(payload)
        if span.get("dimension") == "COLUMNS" and "pixelSize" in mask:
            start = _int(span, "startIndex", 0)
            end = _int(span, "endIndex", sheet.column_count)
            size = _int(props, "pixelSize", 100)
            for column in range(start, min(end, sheet.column_count)):
                sheet.column_pixels[column] = size
        if span.get("dimension") == "ROWS" and "hiddenByUser" in mask:
            start = _int(span, "startIndex", 0)
            end = _int(span, "endIndex", sheet.row_count)
            if not 0 <= start < end <= sheet.row_count:
                raise RequestError(
                    f"Invalid requests[0].updateDimensionProperties: rows {start}-{end} are "
                    f"outside the grid of {sheet.row_count} rows."
                )
            rows = set(range(start, end))
            if props.get("hiddenByUser"):
                sheet.hidden_rows |= rows
            else:
                sheet.hidden_rows -= rows
        return {}

    def _add_conditional_format_rule(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """AddConditionalFormatRuleRequest: insert `rule` at `index` of its sheet's rules."""
        rule = payload.get("rule")
        if not isinstance(rule, dict):
            raise RequestError("rule is required")
        ranges = rule.get("ranges")
        if not isinstance(ranges, list) or not ranges:
            raise RequestError("ConditionalFormatRule must have at least one range.")
        sheets = {self._grid(work, grid)[0].sheet_id for grid in ranges}
        if len(sheets) != 1:
            raise RequestError("All ranges of a conditional format rule must be on the same grid.")
        if ("booleanRule" in rule) == ("gradientRule" in rule):
            raise RequestError(
                "A conditional format rule needs exactly one of booleanRule or gradientRule."
            )
        sheet = self._sheet_for(work, sheets.pop())
        index = _int(payload, "index", 0)
        if not 0 <= index <= len(sheet.conditional_formats):
            raise RequestError(f"index {index} is out of range of the sheet's conditional formats")
        stored = copy.deepcopy(rule)
        stored["ranges"] = [
            {"sheetId": sheet.sheet_id, **{k: v for k, v in grid.items() if k != "sheetId"}}
            for grid in ranges
        ]
        sheet.conditional_formats.insert(index, stored)
        return {}

    def _delete_conditional_format_rule(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """DeleteConditionalFormatRuleRequest: remove the rule at `index`; later ones move up."""
        sheet = self._sheet_for(work, payload.get("sheetId"))
        index = _int(payload, "index", 0)
        if not 0 <= index < len(sheet.conditional_formats):
            raise RequestError(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
        removed = sheet.conditional_formats.pop(index)
        return {"deleteConditionalFormatRule": {"rule": conditional_format_json(removed)}}

    def _auto_resize_dimensions(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """Columns as wide as their longest shown value (7 pixels a character and a margin,
        near enough to Google's fit for tests that ask whether a text has room); rows as they
        are (row heights are not modelled)."""
        span = payload.get("dimensions") or {}
        sheet = self._sheet_for(work, span.get("sheetId"))
        if span.get("dimension") != "COLUMNS":
            return {}
        start = _int(span, "startIndex", 0)
        end = _int(span, "endIndex", sheet.column_count)
        for column in range(start, min(end, sheet.column_count)):
            shown = [
                len(formatted_value(cell))
                for row in sheet.rows
                if column < len(row) and (cell := row[column]) is not None
            ]
            sheet.column_pixels[column] = max(shown, default=0) * 7 + 14
        return {}

    def _accept_on_sheet(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """Requests that change only what the fake does not model (sizes, borders)."""
        grid = payload.get("range") or payload.get("dimensions") or {}
        if isinstance(grid, dict):
            self._sheet_for(work, grid.get("sheetId"))
        return {}

    # -- embedded charts (see charts.py) -------------------------------------------------------

    def _size_of(self, work: Spreadsheet) -> Callable[[int], tuple[int, int] | None]:
        def size(sheet_id: int) -> tuple[int, int] | None:
            sheet = work.sheet_by_id(sheet_id)
            return None if sheet is None else (sheet.row_count, sheet.column_count)

        return size

    def _chart(self, work: Spreadsheet, chart_id: object) -> tuple[Sheet, int] | None:
        """The sheet holding the chart with this id, and its index there."""
        for sheet in work.sheets:
            for index, chart in enumerate(sheet.charts):
                if chart["chartId"] == chart_id:
                    return sheet, index
        return None

    def _add_chart(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """AddChartRequest: the chart goes on the sheet its overlay is anchored to; its id is
        the one given (refused when an embedded object has it) or a new random one."""
        chart = payload.get("chart")
        if not isinstance(chart, dict):
            raise RequestError("chart is required")
        try:
            check_spec(chart.get("spec"), self._size_of(work))
            sheet_id = anchor_sheet(chart.get("position"), self._size_of(work))
        except ChartError as error:
            raise RequestError(str(error)) from error
        except NotImplementedError as error:
            raise ApiError(501, f"FakeSheetsApi does not implement {error}") from error
        chart_id = chart.get("chartId")
        if chart_id is None:
            chart_id = self._new_small_id()
            while self._chart(work, chart_id) is not None:
                chart_id = self._new_small_id()
        elif isinstance(chart_id, bool) or not isinstance(chart_id, int) or chart_id < 0:
            raise RequestError(f"invalid chartId {chart_id!r}")
        elif self._chart(work, chart_id) is not None:
            raise RequestError(f"An embedded object with id {chart_id} already exists.")
        stored = stored_chart(chart_id, chart["spec"], chart["position"])
        self._sheet_for(work, sheet_id).charts.append(stored)
        return {"addChart": {"chart": chart_json(stored)}}

    def _update_chart_spec(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """UpdateChartSpecRequest: the chart's whole spec is replaced (position unchanged)."""
        found = self._chart(work, payload.get("chartId"))
        if found is None:
            raise RequestError(f"No chart with id: {payload.get('chartId')}")
        try:
            check_spec(payload.get("spec"), self._size_of(work))
        except ChartError as error:
            raise RequestError(str(error)) from error
        sheet, index = found
        work.own(sheet).charts[index]["spec"] = stored_spec(payload["spec"])
        return {}

    def _delete_embedded_object(self, work: Spreadsheet, payload: JsonDict) -> JsonDict:
        """DeleteEmbeddedObjectRequest (charts are the only embedded objects the fake keeps)."""
        found = self._chart(work, payload.get("objectId"))
        if found is None:
            raise RequestError(f"No embedded object with id: {payload.get('objectId')}")
        sheet, index = found
        del work.own(sheet).charts[index]
        return {}

    # -- spreadsheets.create (Sheets v4) --------------------------------------------------------

    def create_v4(self, body: JsonDict) -> JsonDict:
        """spreadsheets.create: title and sheet titles/sizes are honoured."""
        props = body.get("properties") or {}
        sheets: dict[str, list[list[object]]] = {}
        sizes: list[tuple[int, int]] = []
        for number, item in enumerate(body.get("sheets") or [], start=1):
            sheet_props = (item or {}).get("properties") or {}
            sheets[str(sheet_props.get("title") or f"Sheet{number}")] = []
            grid = sheet_props.get("gridProperties") or {}
            sizes.append(
                (int(grid.get("rowCount", DEFAULT_ROWS)), int(grid.get("columnCount", 26)))
            )
        spreadsheet = self.create(
            str(props.get("title") or "Untitled spreadsheet"),
            sheets or None,
            locale=str(props.get("locale") or "en_US"),
            time_zone=str(props.get("timeZone") or "Etc/GMT"),
            owner_email=self.service_account_email,
        )
        for sheet, (rows, cols) in zip(spreadsheet.sheets, sizes, strict=False):
            sheet.resize(rows, cols)
        return self.metadata(spreadsheet)

    # -- Drive v3 ------------------------------------------------------------------------------

    def drive_file(self, file_id: str) -> Spreadsheet:
        """Return the file or raise Drive's 404."""
        found = self.spreadsheets.get(file_id)
        if found is None:
            raise ApiError(404, f"File not found: {file_id}.", drive_reason="notFound")
        return found

    @staticmethod
    def file_json(spreadsheet: Spreadsheet) -> JsonDict:
        """The Drive File resource of a spreadsheet (every field the fake knows)."""
        return {
            "kind": "drive#file",
            "id": spreadsheet.spreadsheet_id,
            "name": spreadsheet.title,
            "mimeType": SPREADSHEET_MIME,
            "createdTime": _timestamp(spreadsheet.created),
            "modifiedTime": _timestamp(spreadsheet.modified),
        }

    @staticmethod
    def _drive_fields(resource: JsonDict, params: Params, default: tuple[str, ...]) -> JsonDict:
        fields = _param(params, "fields", "")
        if not fields:
            return {key: resource[key] for key in default if key in resource}
        try:
            return dict(mask_filter(resource, parse_mask(fields)))
        except ValueError as error:
            raise ApiError(
                400, f"Invalid field selection {fields}", drive_reason="invalidParameter"
            ) from error

    def drive_create(self, params: Params, body: JsonDict) -> JsonDict:
        """files.create of a Google Sheets file: a new spreadsheet with one 1000×26 Sheet1."""
        mime = body.get("mimeType")
        if mime != SPREADSHEET_MIME:
            raise ApiError(
                501,
                f"FakeSheetsApi only creates spreadsheets, not {mime!r}",
                status="UNIMPLEMENTED",
            )
        spreadsheet = self.create(
            str(body.get("name") or "Untitled spreadsheet"),
            owner_email=self.service_account_email,
        )
        return self._drive_fields(
            self.file_json(spreadsheet), params, ("kind", "id", "name", "mimeType")
        )

    def drive_copy(self, file_id: str, params: Params, body: JsonDict) -> JsonDict:
        """files.copy: a deep copy under a new id (and the given name)."""
        source = self.drive_file(file_id)
        twin = source.clone()
        twin.spreadsheet_id = self.new_spreadsheet_id()
        twin.props["title"] = str(body.get("name") or f"Copy of {source.title}")
        twin.created = twin.modified = _now()
        twin.permissions = self._default_permissions(self.service_account_email)
        self.spreadsheets[twin.spreadsheet_id] = twin
        return self._drive_fields(self.file_json(twin), params, ("kind", "id", "name", "mimeType"))

    def drive_get(self, file_id: str, params: Params) -> JsonDict:
        """files.get (metadata only)."""
        return self._drive_fields(
            self.file_json(self.drive_file(file_id)), params, ("kind", "id", "name", "mimeType")
        )

    def drive_delete(self, file_id: str) -> None:
        """files.delete"""
        self.drive_file(file_id)
        del self.spreadsheets[file_id]

    def drive_update(self, file_id: str, params: Params, body: JsonDict) -> JsonDict:
        """files.update: renaming only."""
        spreadsheet = self.drive_file(file_id)
        if "name" in body:
            spreadsheet.props["title"] = str(body["name"])
            self.touch(spreadsheet)
        return self._drive_fields(
            self.file_json(spreadsheet), params, ("kind", "id", "name", "mimeType")
        )

    def drive_list(self, params: Params) -> JsonDict:
        """files.list honouring `name = '...'` in `q`; everything else in `q` is ignored."""
        query = _param(params, "q", "")
        names = [
            match.group(2).replace("\\'", "'")
            for match in re.finditer(r"name\s*=\s*(['\"])((?:\\.|(?!\1).)*)\1", query)
        ]
        files = [
            self.file_json(spreadsheet)
            for spreadsheet in self.spreadsheets.values()
            if not names or spreadsheet.title in names
        ]
        resource: JsonDict = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
        fields = _param(params, "fields", "")
        if not fields:
            resource["files"] = [
                {key: item[key] for key in ("kind", "id", "name", "mimeType")} for item in files
            ]
            return resource
        return self._drive_fields(resource, params, ())

    def permissions_list(self, file_id: str, params: Params) -> JsonDict:
        """permissions.list"""
        spreadsheet = self.drive_file(file_id)
        resource: JsonDict = {
            "kind": "drive#permissionList",
            "permissions": copy.deepcopy(spreadsheet.permissions),
        }
        fields = _param(params, "fields", "")
        return resource if not fields else self._drive_fields(resource, params, ())

    def permissions_create(self, file_id: str, body: JsonDict) -> JsonDict:
        """permissions.create (no e-mail is sent)."""
        spreadsheet = self.drive_file(file_id)
        kind, role = body.get("type"), body.get("role")
        if kind not in ("user", "group", "domain", "anyone") or not role:
            raise ApiError(
                400, "The permission type and role are required.", drive_reason="required"
            )
        permission = self.permission(
            str(kind), str(role), body.get("emailAddress"), body.get("domain")
        )
        spreadsheet.permissions.append(permission)
        return permission

    def permissions_delete(self, file_id: str, permission_id: str) -> None:
        """permissions.delete"""
        spreadsheet = self.drive_file(file_id)
        for permission in spreadsheet.permissions:
            if permission["id"] == permission_id:
                spreadsheet.permissions.remove(permission)
                return
        raise ApiError(404, f"Permission not found: {permission_id}.", drive_reason="notFound")


# ---------------------------------------------------------------------------------------------
# Sorting


def _sort_class(cell: Cell | None) -> tuple[int, Any] | None:
    """Google's ascending order: numbers, then text (ignoring case), then booleans, then errors;
    blanks are not ranked (they always go last)."""
    if cell is None or not cell.has_value() or cell.value is None:
        return None
    value = cell.value
    if cell.error is not None:
        return (3, str(value))
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    return (1, value.casefold())


def sort_block(sheet: Sheet, box: Box, keys: list[tuple[int, bool]]) -> None:
    """Sort the rows of `box` by (column offset, descending) keys; stable; blanks last."""
    block: list[list[Cell | None]] = []
    for row in range(box.start_row, box.end_row):
        block.append([sheet.get(row, col) for col in range(box.start_col, box.end_col)])

    def compare(first: list[Cell | None], second: list[Cell | None]) -> int:
        for offset, descending in keys:
            a, b = _sort_class(first[offset]), _sort_class(second[offset])
            if a is None and b is None:
                continue
            if a is None:
                return 1
            if b is None:
                return -1
            if a != b:
                result = -1 if a < b else 1
                return -result if descending else result
        return 0

    ordered = sorted(block, key=functools.cmp_to_key(compare))
    for row_offset, cells in enumerate(ordered):
        for col_offset, cell in enumerate(cells):
            row, col = box.start_row + row_offset, box.start_col + col_offset
            if cell is None and sheet.get(row, col) is None:
                continue
            sheet.ensure(row, col)
            sheet.rows[row][col] = cell


def _stored_range(sheet: Sheet, box: Box) -> JsonDict:
    """A filter's range as the store keeps it: every index set."""
    return {
        "sheetId": sheet.sheet_id,
        "startRowIndex": box.start_row,
        "endRowIndex": box.end_row,
        "startColumnIndex": box.start_col,
        "endColumnIndex": box.end_col,
    }
