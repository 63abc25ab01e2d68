"""The Google Sheets workbook backend. Does network I/O (through `client.py`, the only module
that imports gspread).

A run costs the same number of Sheets API requests whatever the number of rows:

* read: one metadata request and one `values:batchGet` of every tab, per spreadsheet;
* each write, per spreadsheet it touches: one metadata request (the grid's size now) and one
  `values:batchGet` of the touched tabs (to find every ID where it is *now*), at most one
  `:batchUpdate` (only when a tab must be created, or rows or columns added beyond the grid), one
  `values:batchUpdate` RAW (text and numbers, exactly as given: a name starting with `=` stays
  text) and one `values:batchUpdate` USER_ENTERED (dates, so Sheets stores dates).

A cell is cleared with `""` (`null` would leave the old value).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from medlemsrutiner.adapters.google.client import (
    RetryingHTTPClient,
    RetryPolicy,
    Sheet,
    Spreadsheets,
    date_entry,
    json_value,
    load_credentials,
    row_range,
)
from medlemsrutiner.adapters.google.setup import initialise
from medlemsrutiner.config import WorkbookConfig
from medlemsrutiner.sheet.changes import CellValue, Change, Resolution, resolve
from medlemsrutiner.sheet.schema import Grid, header_key


def open_google_workbook(
    config: WorkbookConfig,
    env: Mapping[str, str],
    config_path: Path | None = None,
    *,
    session: requests.Session | None = None,
    account_email: str | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> GoogleWorkbook:
    """The configured Google workbook. `session` replaces the authorised session (tests)."""
    if session is None:
        from google.auth.transport.requests import AuthorizedSession

        credentials = load_credentials(config, env)
        account_email = getattr(credentials, "service_account_email", None)
        session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    http = RetryingHTTPClient(None, session, policy=policy, sleep=sleep)
    http.set_timeout(config.timeout_seconds)
    assert config.spreadsheet_id is not None
    return GoogleWorkbook(
        http,
        config.spreadsheet_id,
        config.tab_names,
        followup_spreadsheet_id=config.followup_spreadsheet_id,
        account_email=account_email,
    )


class GoogleWorkbook(Spreadsheets):
    """A workbook in one Google spreadsheet, with Uppföljning optionally in a second one."""

    def __init__(
        self,
        http: RetryingHTTPClient,
        spreadsheet_id: str,
        tab_names: Mapping[str, str],
        *,
        followup_spreadsheet_id: str | None = None,
        account_email: str | None = None,
    ) -> None:
        super().__init__(
            http,
            spreadsheet_id,
            tab_names,
            followup_spreadsheet_id=followup_spreadsheet_id,
            account_email=account_email,
        )
        self._sheets: dict[str, Sheet] = {}

    def describe(self) -> str:
        return f"Google: {self.spreadsheet_id}"

    def __enter__(self) -> GoogleWorkbook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    # --- Read ------------------------------------------------------------------------------

    def read(self) -> dict[str, Grid]:
        """Every tab of both spreadsheets: one metadata and one batchGet request each."""
        grids: dict[str, Grid] = {}
        self._sheets = {}
        for spreadsheet_id in self.spreadsheet_ids:
            sheets = self.sheets(spreadsheet_id)
            if spreadsheet_id == self.followup_spreadsheet_id != self.spreadsheet_id:
                wanted = header_key(self.tab_names["followups"])
                sheets = [s for s in sheets if header_key(s.title) == wanted]
            elif (
                self.followup_spreadsheet_id and self.followup_spreadsheet_id != self.spreadsheet_id
            ):
                wanted = header_key(self.tab_names["followups"])
                sheets = [s for s in sheets if header_key(s.title) != wanted]
            for sheet in sheets:
                self._sheets[header_key(sheet.title)] = sheet
            grids.update(self.batch_get(spreadsheet_id, [s.title for s in sheets]))
        return grids

    # --- Write -----------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> Resolution:
        """Re-read the touched tabs, resolve by ID, then write in a constant number of requests."""
        touched = {self.tab_names[change.tab] for change in changes}
        for spreadsheet_id in {self.spreadsheet_of(name) for name in touched}:
            # Fresh sizes: people may have added or deleted rows since the read.
            for sheet in self.sheets(spreadsheet_id):
                if self.spreadsheet_of(sheet.title) == spreadsheet_id:
                    self._sheets[header_key(sheet.title)] = sheet
        fresh: dict[str, Grid] = {}
        by_spreadsheet: dict[str, list[str]] = defaultdict(list)
        for name in touched:
            known = self._sheets.get(header_key(name))
            if known is not None:
                by_spreadsheet[known.spreadsheet_id].append(known.title)
        for spreadsheet_id, titles in by_spreadsheet.items():
            fresh.update(self.batch_get(spreadsheet_id, sorted(titles)))
        resolution = resolve(changes, fresh, self.tab_names)
        self._apply(resolution, fresh)
        return resolution

    def _apply(self, resolution: Resolution, fresh: Mapping[str, Grid]) -> None:
        structural: dict[str, list[dict[str, Any]]] = defaultdict(list)
        needed: dict[str, int] = defaultdict(int)
        width: dict[str, int] = defaultdict(int)
        for write in resolution.writes:
            needed[write.tab_name] = max(needed[write.tab_name], write.row + 1)
            width[write.tab_name] = max(width[write.tab_name], write.column + 1)
        for name, headers in resolution.created_tabs.items():
            spreadsheet_id = self.spreadsheet_of(name)
            rows = max(1000, needed[name] + 100)  # big enough for every row this batch writes
            structural[spreadsheet_id].append(
                {
                    "addSheet": {
                        "properties": {
                            "title": name,
                            "gridProperties": {
                                "rowCount": rows,
                                "columnCount": max(26, len(headers)),
                                "frozenRowCount": 1,
                            },
                        }
                    }
                }
            )
            self._sheets[header_key(name)] = Sheet(spreadsheet_id, name, -1, rows, 26)
        for name, rows in needed.items():
            sheet = self._sheets[header_key(name)]
            if sheet.sheet_id >= 0 and rows > sheet.rows:
                grow = rows - sheet.rows + 100
                structural[sheet.spreadsheet_id].append(
                    {
                        "appendDimension": {
                            "sheetId": sheet.sheet_id,
                            "dimension": "ROWS",
                            "length": grow,
                        }
                    }
                )
                sheet.rows += grow
        for name, columns in width.items():
            # A column the scripts add (Importerad in a form tab Google Forms made exactly as
            # wide as its questions, Brev in Logg) may lie beyond the grid.
            sheet = self._sheets[header_key(name)]
            if sheet.sheet_id >= 0 and columns > sheet.columns:
                structural[sheet.spreadsheet_id].append(
                    {
                        "appendDimension": {
                            "sheetId": sheet.sheet_id,
                            "dimension": "COLUMNS",
                            "length": columns - sheet.columns,
                        }
                    }
                )
                sheet.columns = columns
        for spreadsheet_id, requests_ in structural.items():
            self.call(
                "Kan inte ändra kalkylarket",
                partial(self.http.batch_update, spreadsheet_id, {"requests": requests_}),
            )

        header_writes = [
            (name, 0, column, header)
            for name, headers in resolution.created_tabs.items()
            for column, header in enumerate(headers)
        ]
        cells = [
            *header_writes,
            *((w.tab_name, w.row, w.column, w.value) for w in resolution.writes),
        ]
        raw: dict[str, list[dict[str, Any]]] = defaultdict(list)
        entered: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (name, row), row_cells in _by_row(cells).items():
            title = self._sheets[header_key(name)].title
            spreadsheet_id = self.spreadsheet_of(name)
            texts = {c: v for c, v in row_cells.items() if not isinstance(v, dt.date)}
            dates = {c: v for c, v in row_cells.items() if isinstance(v, dt.date)}
            if texts:
                raw[spreadsheet_id].append(row_range(title, row, texts, json_value))
            if dates:
                entered[spreadsheet_id].append(row_range(title, row, dates, date_entry))
        for option, batches in (("RAW", raw), ("USER_ENTERED", entered)):
            for spreadsheet_id, data in batches.items():
                body = {"valueInputOption": option, "data": data}
                self.call(
                    "Kan inte skriva i kalkylarket",
                    partial(self.http.values_batch_update, spreadsheet_id, body),
                )

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create missing tabs and headers; see google_setup.initialise for formatting."""
        return initialise(self, tabs)


def _by_row(
    cells: Iterable[tuple[str, int, int, CellValue]],
) -> dict[tuple[str, int], dict[int, CellValue]]:
    rows: dict[tuple[str, int], dict[int, CellValue]] = defaultdict(dict)
    for name, row, column, value in cells:
        rows[(name, row)][column] = value
    return rows
