"""Setting up a Google workbook: tabs, headers, and the look `sheet/presentation.py` describes
(bold header row, the header row and the ID and Namn columns frozen, column widths, date and
percent formats, wrapped Status and Anteckning, dropdowns, Status coloured by urgency),
warning-only protection of the columns the scripts own; and who can open the follow-up tab.
How a tab prints is not in the Sheets API: Google's print dialog fits to the page's width.

Does network I/O through `client.Spreadsheets` (gspread is imported only by client.py).
Running `initialise` twice changes nothing the second time: missing tabs and headers are
added, frozen rows and columns, protections and Status colours only when absent or different,
widths only for the columns it adds and those narrower than their look, and dropdowns and
formats are set to the same values again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from medlemsrutiner.adapters.google.client import Spreadsheets, cell_range, quote_sheet
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Owner, Tab, column_letter, header_key

PROTECTION_NOTE = "medlemsrutiner: skriptens kolumn"
NUMBER_FORMATS = {
    look.DATE_FORMAT: {"type": "DATE", "pattern": look.DATE_FORMAT},
    look.PERCENT_FORMAT: {"type": "PERCENT", "pattern": look.PERCENT_FORMAT},
}


SETUP_FIELDS = "sheets(properties,protectedRanges,conditionalFormats,data.columnMetadata.pixelSize)"
"""What init reads of each tab: its properties (frozen rows and columns), protections, rules
of colour and the columns' widths."""
DEFAULT_PIXELS = 100
"""The width of a column Google was never told a width for."""


@dataclass(frozen=True)
class _SheetInfo:
    title: str
    sheet_id: int
    frozen: int
    protected: frozenset[str]
    conditional: tuple[Mapping[str, Any], ...] = ()
    frozen_columns: int = 0
    widths: tuple[int, ...] = ()
    """Each column's width in pixels, as far as the grid goes."""

    def width(self, index: int) -> int:
        return self.widths[index] if index < len(self.widths) else DEFAULT_PIXELS


def _sheets(workbook: Spreadsheets, spreadsheet_id: str) -> dict[str, _SheetInfo]:
    metadata = workbook.metadata(spreadsheet_id, SETUP_FIELDS)
    result: dict[str, _SheetInfo] = {}
    for sheet in metadata.get("sheets", []):
        properties = sheet["properties"]
        grid = properties.get("gridProperties", {})
        notes = frozenset(str(p.get("description", "")) for p in sheet.get("protectedRanges", []))
        data: list[Mapping[str, Any]] = sheet.get("data") or [{}]
        columns = data[0].get("columnMetadata", [])
        result[header_key(properties["title"])] = _SheetInfo(
            properties["title"],
            int(properties["sheetId"]),
            int(grid.get("frozenRowCount", 0)),
            notes,
            tuple(sheet.get("conditionalFormats", [])),
            int(grid.get("frozenColumnCount", 0)),
            tuple(int(column.get("pixelSize", DEFAULT_PIXELS)) for column in columns),
        )
    return result


def _tab_of(name: str, tab_names: Mapping[str, str]) -> Tab | None:
    for key, tab_name in tab_names.items():
        if header_key(tab_name) == header_key(name):
            return TABS_BY_KEY.get(key)
    return None


def initialise(workbook: Spreadsheets, tabs: Mapping[str, Sequence[str]]) -> list[str]:
    """Create what is missing and (re)apply formats; return what was added, in Swedish."""
    added: list[str] = []
    by_spreadsheet: dict[str, list[str]] = {}
    for name in tabs:
        by_spreadsheet.setdefault(workbook.spreadsheet_of(name), []).append(name)

    for spreadsheet_id, names in by_spreadsheet.items():
        sheets = _sheets(workbook, spreadsheet_id)
        missing = [name for name in names if header_key(name) not in sheets]
        if missing:
            workbook.call(
                "Kan inte skapa flikar",
                partial(
                    workbook.http.batch_update,
                    spreadsheet_id,
                    {
                        "requests": [
                            {"addSheet": {"properties": {"title": name}}} for name in missing
                        ]
                    },
                ),
            )
            added.extend(f"fliken {name}" for name in missing)
            sheets = _sheets(workbook, spreadsheet_id)

        headers = _header_rows(
            workbook, spreadsheet_id, [sheets[header_key(n)].title for n in names]
        )
        data = []
        added_columns: dict[str, set[str]] = {}
        for name in names:
            title = sheets[header_key(name)].title
            present = headers.get(title, [])
            known = {header_key(h) for h in present if not cells.is_blank(h)}
            new = [h for h in tabs[name] if header_key(h) not in known]
            added_columns[title] = {header_key(h) for h in new}
            if new:
                start = len(present)
                data.append(
                    {
                        "range": cell_range(title, 0, start),
                        "majorDimension": "ROWS",
                        "values": [list(new)],
                    }
                )
                added.extend(f"kolumnen {h} i {name}" for h in new)
                headers[title] = [*present, *new]
        if data:
            workbook.call(
                "Kan inte skriva rubriker",
                partial(
                    workbook.http.values_batch_update,
                    spreadsheet_id,
                    {"valueInputOption": "RAW", "data": data},
                ),
            )

        requests: list[dict[str, Any]] = []
        groups = look.active_groups(_groups_grid(workbook))
        for name in names:
            info = sheets[header_key(name)]
            tab = _tab_of(name, workbook.tab_names)
            if tab is None:
                continue
            frozen = _freeze(info, look.frozen_columns(tab, headers[info.title]))
            if frozen is not None:
                requests.append(frozen)
                added.append(f"frysta rubriker i {name}")
            requests.append(_bold_header(info.sheet_id, len(headers[info.title])))
            widened = False
            positions = {header_key(h): i for i, h in enumerate(headers[info.title])}
            for column in tab.columns:
                index = positions.get(header_key(column.header))
                if index is None:
                    continue
                span = {
                    "sheetId": info.sheet_id,
                    "startRowIndex": 1,
                    "startColumnIndex": index,
                    "endColumnIndex": index + 1,
                }
                column_look = look.column_look(tab, column)
                requests.extend(_formats(span, column_look))
                new_column = header_key(column.header) in added_columns.get(info.title, set())
                if new_column or info.width(index) < column_look.pixels:
                    # A column narrower than its look is widened; a wider one stays as it is.
                    requests.append(_width(info.sheet_id, index, column_look.pixels))
                    widened = widened or not new_column
                choices = look.dropdown_choices(tab.key, column.name, groups)
                if choices:
                    requests.append(
                        {
                            "setDataValidation": {
                                "range": span,
                                "rule": {
                                    "condition": {
                                        "type": "ONE_OF_LIST",
                                        "values": [{"userEnteredValue": c} for c in choices],
                                    },
                                    "strict": False,
                                    "showCustomUi": True,
                                },
                            }
                        }
                    )
                if column.name == "status" and tab.key in look.STATUS_TABS:
                    colours = _status_colours(info, span)
                    if colours:
                        requests.extend(colours)
                        added.append(f"färger i {column.header} i {name}")
                note = f"{PROTECTION_NOTE} {column.header}"
                if (
                    column.owner is Owner.SCRIPT
                    and not tab.created_by_scripts
                    and note not in info.protected
                ):
                    requests.append(
                        {
                            "addProtectedRange": {
                                "protectedRange": {
                                    "range": {**span, "startRowIndex": 0},
                                    "description": note,
                                    "warningOnly": True,
                                }
                            }
                        }
                    )
                    added.append(f"varning vid ändring av {column.header} i {name}")
            if widened:
                added.append(f"bredare kolumner i {name}")
        if requests:
            workbook.call(
                "Kan inte formatera kalkylarket",
                partial(workbook.http.batch_update, spreadsheet_id, {"requests": requests}),
            )
    return added


def _header_rows(
    workbook: Spreadsheets, spreadsheet_id: str, titles: Sequence[str]
) -> dict[str, list[Any]]:
    data = workbook.call(
        "Kan inte läsa rubriker",
        lambda: workbook.http.values_batch_get(
            spreadsheet_id,
            [f"{quote_sheet(t)}!1:1" for t in titles],
            params={"valueRenderOption": "UNFORMATTED_VALUE"},
        ),
    )
    return {
        t: list((r.get("values") or [[]])[0])
        for t, r in zip(titles, data.get("valueRanges", []), strict=True)
    }


def _groups_grid(workbook: Spreadsheets) -> list[list[Any]] | None:
    """Grupper as read now, for the Hänvisad till dropdown (None if unreadable)."""
    name = workbook.tab_names.get("groups")
    if name is None:  # a workbook of other tabs (the national report's)
        return None
    try:
        grid = workbook.batch_get(workbook.spreadsheet_id, [name]).get(name)
    except WorkbookError:  # a dropdown is a convenience; init goes on without it
        return None
    return [list(row) for row in grid] if grid else None


def _freeze(info: _SheetInfo, columns: int) -> dict[str, Any] | None:
    """Freeze the header row, and `columns` columns (ID and Namn) where none are frozen yet;
    None when that is so already (a freeze a person chose stays)."""
    wanted: dict[str, int] = {}
    if info.frozen < 1:
        wanted["frozenRowCount"] = 1
    if columns and not info.frozen_columns:
        wanted["frozenColumnCount"] = columns
    if not wanted:
        return None
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": info.sheet_id, "gridProperties": wanted},
            "fields": ",".join(f"gridProperties.{key}" for key in wanted),
        }
    }


def _bold_header(sheet_id: int, width: int) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 0,
                "endRowIndex": 1,
                "startColumnIndex": 0,
                "endColumnIndex": max(1, width),
            },
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    }


def _formats(span: Mapping[str, Any], column: look.ColumnLook) -> list[dict[str, Any]]:
    """The number format and wrapping of a column's data cells (none: no request)."""
    fmt: dict[str, Any] = {}
    if column.number_format is not None:
        fmt["numberFormat"] = NUMBER_FORMATS[column.number_format]
    if column.wrap:
        fmt["wrapStrategy"] = "WRAP"
    if not fmt:
        return []
    fields = ",".join(f"userEnteredFormat.{key}" for key in fmt)
    return [{"repeatCell": {"range": span, "cell": {"userEnteredFormat": fmt}, "fields": fields}}]


def _width(sheet_id: int, index: int, pixels: int) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": index,
                "endIndex": index + 1,
            },
            "properties": {"pixelSize": pixels},
            "fields": "pixelSize",
        }
    }


def _rgb(hex_colour: str) -> dict[str, float]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": red, "green": green, "blue": blue}


_RANGE_KEYS = ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")


def _rule_key(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two conditional format rules the same: their ranges, formula and colour."""
    ranges = tuple(tuple(grid.get(k) for k in _RANGE_KEYS) for grid in rule.get("ranges", []))
    boolean = rule.get("booleanRule", {})
    values = boolean.get("condition", {}).get("values", [])
    colour = boolean.get("format", {}).get("backgroundColor", {})
    rgb = tuple(round(float(colour.get(c, 0)) * 255) for c in ("red", "green", "blue"))
    return ranges, tuple(v.get("userEnteredValue") for v in values), rgb


def _status_colours(info: _SheetInfo, span: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Requests that make the Status column's colours those of look.STATUS_COLOURS, first in
    the sheet's rules so that they win over a person's own; none when they already are."""
    cell = f"{column_letter(int(span['startColumnIndex']))}2"
    wanted = [
        {
            "ranges": [dict(span)],
            "booleanRule": {
                "condition": {
                    "type": "CUSTOM_FORMULA",
                    "values": [{"userEnteredValue": "=" + look.status_formula(colour, cell)}],
                },
                "format": {"backgroundColor": _rgb(colour.background)},
            },
        }
        for colour in look.STATUS_COLOURS
    ]
    area = _rule_key(wanted[0])[0]
    ours = [i for i, rule in enumerate(info.conditional) if _rule_key(rule)[0] == area]
    if ours == list(range(len(wanted))) and [_rule_key(info.conditional[i]) for i in ours] == [
        _rule_key(rule) for rule in wanted
    ]:
        return []
    deletes = [
        {"deleteConditionalFormatRule": {"sheetId": info.sheet_id, "index": i}}
        for i in reversed(ours)
    ]
    adds = [
        {"addConditionalFormatRule": {"rule": rule, "index": i}} for i, rule in enumerate(wanted)
    ]
    return [*deletes, *adds]


@dataclass(frozen=True)
class Permission:
    """One Drive permission of a spreadsheet: `kind` is user, group, domain or anyone (with the
    link); `who` the address or the domain."""

    kind: str
    role: str
    who: str

    @property
    def public(self) -> bool:
        """Anyone with the link, or everyone in a domain: an id in a config opens it."""
        return self.kind in ("anyone", "domain")

    @property
    def label(self) -> str:
        """How check_setup names it (in Swedish; an address only to the coordinator)."""
        who = {"anyone": "alla som har länken", "domain": f"alla i domänen {self.who}"}
        return f"{who.get(self.kind, self.who)} ({self.role or '?'})"


@dataclass(frozen=True)
class Access:
    """Who can open one of the workbook's spreadsheets, and whether that is more than it
    should be: no spreadsheet may be open to anyone with the link or to a whole domain, and
    the one holding Uppföljning (`followup`) to nobody but the coordinator and the service
    account."""

    spreadsheet_id: str
    followup: bool
    permissions: tuple[Permission, ...]
    allowed: frozenset[str]

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(permission.label for permission in self.permissions)

    @property
    def public(self) -> tuple[Permission, ...]:
        return tuple(permission for permission in self.permissions if permission.public)

    @property
    def others(self) -> tuple[Permission, ...]:
        """Besides the coordinator and the service account (for the follow-up only)."""
        if not self.followup:
            return ()
        return tuple(
            permission
            for permission in self.permissions
            if not permission.public
            and (permission.kind == "group" or permission.who.casefold() not in self.allowed)
        )


def access(workbook: Spreadsheets, coordinator: str, account: str | None) -> list[Access]:
    """Who can open each spreadsheet of the workbook (Drive permissions: one request each)."""
    allowed = frozenset({coordinator.casefold(), (account or "").casefold()})
    holder = workbook.spreadsheet_of(workbook.tab_names.get("followups", ""))
    found = []
    for spreadsheet_id in workbook.spreadsheet_ids:
        listed = workbook.call(
            "Kan inte läsa behörigheterna (Drive)",
            partial(workbook.http.list_permissions, spreadsheet_id),
        )
        permissions = tuple(
            Permission(
                str(item.get("type", "")),
                str(item.get("role", "")),
                str(item.get("emailAddress") or item.get("domain") or ""),
            )
            for item in listed
        )
        found.append(Access(spreadsheet_id, spreadsheet_id == holder, permissions, allowed))
    return found
