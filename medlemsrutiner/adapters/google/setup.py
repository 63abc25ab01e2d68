"""Setting up a Google workbook: tabs, headers, frozen header row, dropdowns, date formats and
warning-only protection of the columns the scripts own; and who can open the follow-up tab.

Does network I/O through `client.Spreadsheets` (gspread is imported only by client.py).
Running `initialise` twice changes nothing the second time: missing tabs and headers are
added, frozen rows and protections only when absent, and dropdowns and formats are set to the
same values again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from medlemsrutiner.adapters.google.batch import DATE_FORMAT
from medlemsrutiner.adapters.google.client import Spreadsheets, cell_range, quote_sheet
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import TABS, Owner, Tab, header_key
from medlemsrutiner.sheet.words import LANGUAGES, Alternative, Outcome, Result

PROTECTION_NOTE = "medlemsrutiner: skriptens kolumn"


@dataclass(frozen=True)
class _SheetInfo:
    title: str
    sheet_id: int
    frozen: int
    protected: frozenset[str]


def _sheets(workbook: Spreadsheets, spreadsheet_id: str) -> dict[str, _SheetInfo]:
    data = workbook.metadata(spreadsheet_id)
    result: dict[str, _SheetInfo] = {}
    for sheet in data.get("sheets", []):
        properties = sheet["properties"]
        notes = frozenset(str(p.get("description", "")) for p in sheet.get("protectedRanges", []))
        result[header_key(properties["title"])] = _SheetInfo(
            properties["title"],
            int(properties["sheetId"]),
            int(properties.get("gridProperties", {}).get("frozenRowCount", 0)),
            notes,
        )
    return result


def _tab_of(name: str, tab_names: Mapping[str, str]) -> Tab | None:
    for tab in TABS:
        if header_key(tab_names[tab.key]) == header_key(name):
            return tab
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
        for name in names:
            title = sheets[header_key(name)].title
            present = headers.get(title, [])
            known = {header_key(h) for h in present if not cells.is_blank(h)}
            new = [h for h in tabs[name] if header_key(h) not in known]
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
        groups = _group_names(workbook)
        for name in names:
            info = sheets[header_key(name)]
            tab = _tab_of(name, workbook.tab_names)
            if tab is None:
                continue
            if info.frozen < 1:
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": info.sheet_id,
                                "gridProperties": {"frozenRowCount": 1},
                            },
                            "fields": "gridProperties.frozenRowCount",
                        }
                    }
                )
                added.append(f"fryst rubrikrad i {name}")
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
                if column.kind == "date":
                    requests.append(
                        {
                            "repeatCell": {
                                "range": span,
                                "cell": {"userEnteredFormat": {"numberFormat": DATE_FORMAT}},
                                "fields": "userEnteredFormat.numberFormat",
                            }
                        }
                    )
                choices = _choices(tab, column.name, groups)
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


def _group_names(workbook: Spreadsheets) -> list[str]:
    """Active group names from Grupper, for the Hänvisad till dropdown (empty if unreadable)."""
    name = workbook.tab_names["groups"]
    try:
        grid = workbook.batch_get(workbook.spreadsheet_id, [name]).get(name, [])
    except WorkbookError:  # a dropdown is a convenience; init goes on without it
        return []
    if not grid:
        return []
    header = [header_key(h) for h in grid[0]]
    if "grupp" not in header:
        return []
    group_at, active_at = (
        header.index("grupp"),
        header.index("aktiv") if "aktiv" in header else None,
    )
    names = []
    for row in grid[1:]:
        group = cells.text(row[group_at]) if group_at < len(row) else ""
        active = (
            cells.parse_yes_no(row[active_at])
            if active_at is not None and active_at < len(row)
            else None
        )
        if group and active is not False:
            names.append(group)
    return names


def _choices(tab: Tab, column: str, groups: Sequence[str]) -> list[str]:
    if tab.key == "newcomers" and column == "referred_to":
        return [*groups, *(a.value for a in Alternative), *(o.value for o in Outcome)]
    if tab.key == "newcomers" and column == "language":
        return list(LANGUAGES)
    if tab.key == "followups" and column == "result":
        return [r.value for r in Result]
    if tab.key == "groups" and column == "active":
        return ["ja", "nej"]
    return []


@dataclass(frozen=True)
class Access:
    """Who can open a spreadsheet, and whether that is more than it should be."""

    spreadsheet_id: str
    people: tuple[str, ...]
    unexpected: tuple[str, ...]


def followup_access(workbook: Spreadsheets, coordinator: str, account: str | None) -> Access:
    """Who can open the spreadsheet holding Uppföljning (Drive permissions)."""
    spreadsheet_id = workbook.followup_spreadsheet_id or workbook.spreadsheet_id
    permissions = workbook.call(
        "Kan inte läsa behörigheterna (Drive)",
        lambda: workbook.http.list_permissions(spreadsheet_id),
    )
    people: list[str] = []
    unexpected: list[str] = []
    allowed = {coordinator.casefold(), (account or "").casefold()}
    for permission in permissions:
        kind = permission.get("type")
        who = str(permission.get("emailAddress") or permission.get("domain") or "")
        label = {"anyone": "alla som har länken", "domain": f"alla i domänen {who}"}.get(
            str(kind), who
        )
        label = f"{label} ({permission.get('role', '?')})"
        people.append(label)
        if kind in ("anyone", "domain", "group") or who.casefold() not in allowed:
            unexpected.append(label)
    return Access(spreadsheet_id, tuple(people), tuple(unexpected))
