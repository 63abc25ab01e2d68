"""The Google Sheets workbook backend. Does network I/O (through `client.py`, the only module
that imports gspread; the bodies of its writes come from `batch.py`).

A run costs the same number of Sheets API requests whatever the number of rows. Per spreadsheet:

* read: one metadata request (which tabs exist, their ids, grid sizes and charts) and one
  `values:batchGet` of every tab;
* each write that touches the spreadsheet: one `values:batchGet` of the touched tabs, to find
  every ID or key where it is *now* (rows people sorted, inserted or deleted meanwhile), and one
  `spreadsheets:batchUpdate` holding everything: `addSheet` for a tab the scripts create (with a
  sheetId chosen here, so the same batch writes into it), `appendDimension` where the grid is too
  small, `updateCells` (text as text, dates as dates, see `batch.py`), and what keeps the
  Statistik chart on its block (`addChart` once, `updateChartSpec` when the block changes
  shape, see `chart.py`). Google applies a batch whole or not at all; a batch refused while it
  holds chart requests is sent again without them, so the chart never costs the data.

So a daily run costs 6 requests on one spreadsheet: read 2, the markers 2, the stamps, Status and
Logg 2 (and 2 more on the rare run that logs writes which found no row). Uppföljning in a second
spreadsheet costs that spreadsheet its own read (2) and 2 for each write that touches it.

No metadata request is repeated: the batchGet before each write tells each tab's grid size now
(Google bounds the range it echoes by the grid), and the sizes this backend changes itself it
keeps. Only when Google refuses a write (HTTP 400) does the backend read the metadata again: if a
tab was renamed, deleted, created or resized by a person in the meantime, the spreadsheet's
write is resolved and sent once more (nothing of a refused batch has landed); otherwise the error
stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import requests

from medlemsrutiner.adapters.google.batch import (
    Request,
    add_sheet,
    append_dimension,
    clear_notes,
    free_sheet_id,
    row_visibility,
    update_cells,
)
from medlemsrutiner.adapters.google.chart import chart_requests, learned
from medlemsrutiner.adapters.google.client import (
    Clock,
    GoogleError,
    RetryingHTTPClient,
    RetryPolicy,
    Sheet,
    Spreadsheets,
    TabValues,
    load_credentials,
)
from medlemsrutiner.adapters.google.filters import write_requests
from medlemsrutiner.adapters.google.setup import initialise
from medlemsrutiner.config import WorkbookConfig
from medlemsrutiner.sheet.cells import date_to_serial, is_blank
from medlemsrutiner.sheet.changes import CellValue, Change, Resolution, resolve
from medlemsrutiner.sheet.presentation import header_looks, written_format
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Grid, header_key

NEW_TAB_ROWS = 1000
NEW_TAB_COLUMNS = 26
GROWTH = 100
"""Rows added beyond what a write needs when a grid grows, so that the next days' appends fit."""
BAD_REQUEST = 400


def open_google_workbook(
    config: WorkbookConfig,
    env: Mapping[str, str],
    config_path: Path | None = None,
    *,
    session: requests.Session | None = None,
    account_email: str | None = None,
    policy: RetryPolicy | None = None,
    clock: Clock,
) -> GoogleWorkbook:
    """The configured Google workbook. `clock`: what the retries wait on (the system's, from the
    CLI; a test's own). `session` replaces the authorised session (tests)."""
    if session is None:
        from google.auth.transport.requests import AuthorizedSession

        credentials = load_credentials(config, env)
        account_email = getattr(credentials, "service_account_email", None)
        session = AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    http = RetryingHTTPClient(None, session, policy=policy, clock=clock)
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
        """The workbook's tabs by header_key(title): where each lives, its id, its grid now."""
        self._taken: dict[str, set[int]] = {}
        """Every sheetId of each spreadsheet read (other tabs included), for a new tab's id."""

    notices: tuple[str, ...] = ()
    """Google keeps every part of a spreadsheet a run does not write: nothing to say."""

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
            sheets = self._load(spreadsheet_id)
            tabs = self.read_tabs(spreadsheet_id, [sheet.title for sheet in sheets])
            self._learn(tabs)
            grids.update({title: tab.grid for title, tab in tabs.items()})
        return grids

    def read_tab(self, title: str) -> Grid | None:
        """One tab of the main spreadsheet, nothing else (the national report reads only
        Statistik): one metadata and one batchGet request; None when there is no such tab."""
        sheets = self._load(self.spreadsheet_id)
        wanted = header_key(title)
        found = next((sheet.title for sheet in sheets if header_key(sheet.title) == wanted), None)
        if found is None:
            return None
        return self.read_tabs(self.spreadsheet_id, [found])[found].grid

    def _load(self, spreadsheet_id: str) -> list[Sheet]:
        """Read a spreadsheet's metadata: its tabs that belong to the workbook (in the main
        spreadsheet every tab but a separately kept Uppföljning, in the follow-up spreadsheet
        only Uppföljning) and every sheetId it holds."""
        every = self.sheets(spreadsheet_id)
        self._taken[spreadsheet_id] = {sheet.sheet_id for sheet in every}
        mine = [sheet for sheet in every if self.spreadsheet_of(sheet.title) == spreadsheet_id]
        for key in [k for k, s in self._sheets.items() if s.spreadsheet_id == spreadsheet_id]:
            del self._sheets[key]
        self._sheets.update({header_key(sheet.title): sheet for sheet in mine})
        return mine

    def _learn(self, tabs: Mapping[str, TabValues]) -> None:
        """Keep the grid sizes a batchGet just showed."""
        for title, tab in tabs.items():
            key = header_key(title)
            known = self._sheets.get(key)
            if known is not None and tab.size is not None:
                rows, columns = tab.size
                self._sheets[key] = dataclasses.replace(known, rows=rows, columns=columns)

    # --- Write -----------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> Resolution:
        """Per spreadsheet touched: re-read the touched tabs, resolve by ID or key, and write
        what lands in one batchUpdate.

        A separate follow-up spreadsheet is written first: a person moved to Uppföljning is
        copied there before their cells in Intresserade are blanked, so a run stopped between
        the two spreadsheets leaves them in both (the next run finishes the move), never in
        neither."""
        groups: dict[str, list[Change]] = {}
        for change in changes:
            spreadsheet_id = self.spreadsheet_of(self.tab_names[change.tab])
            groups.setdefault(spreadsheet_id, []).append(change)
        order = sorted(groups, key=lambda spreadsheet_id: spreadsheet_id == self.spreadsheet_id)
        results = [
            self._write_to(spreadsheet_id, groups[spreadsheet_id]) for spreadsheet_id in order
        ]
        if len(results) == 1:
            return results[0]
        return _combined(changes, results)

    def _write_to(self, spreadsheet_id: str, changes: Sequence[Change]) -> Resolution:
        if spreadsheet_id not in self._taken:  # written before it was read
            self._load(spreadsheet_id)
        try:
            return self._attempt(spreadsheet_id, changes)
        except _NotLanded:
            # A batch that may have landed did not: resolve against the spreadsheet as it is
            # now and send it once more.
            pass
        except GoogleError as error:
            # Nothing of a refused batch landed. If a person renamed, deleted, added or resized
            # a tab meanwhile, resolve against the spreadsheet as it is now and try once more.
            if error.status != BAD_REQUEST or not self._tabs_changed(spreadsheet_id):
                raise
        try:
            return self._attempt(spreadsheet_id, changes)
        except _NotLanded as again:
            raise again.error from None  # twice lost, twice not landed: the write failed

    def _tabs_changed(self, spreadsheet_id: str) -> bool:
        def state() -> tuple[dict[str, Sheet], set[int]]:
            mine = {k: s for k, s in self._sheets.items() if s.spreadsheet_id == spreadsheet_id}
            return mine, set(self._taken.get(spreadsheet_id, set()))

        before = state()
        self._load(spreadsheet_id)
        return state() != before

    def _attempt(self, spreadsheet_id: str, changes: Sequence[Change]) -> Resolution:
        known = {
            self._sheets[key].title
            for key in {header_key(self.tab_names[change.tab]) for change in changes}
            if key in self._sheets
        }
        tabs = self.read_tabs(spreadsheet_id, sorted(known))
        self._learn(tabs)
        fresh = {title: tab.grid for title, tab in tabs.items()}
        resolution = resolve(changes, fresh, self.tab_names)
        requests_, sheets, charts = self._plan(spreadsheet_id, resolution, fresh)
        before = {key: sheet for key, sheet in self._sheets.items()}
        try:
            self._send(spreadsheet_id, requests_, charts, sheets)
        except GoogleError as error:
            if not error.uncertain:
                raise
            # The batch timed out or lost its connection after it was sent, and it was not one
            # to send twice (it grows a grid, adds a tab or a chart): re-read and decide.
            if error.late:
                self.http.wait_for_landing()
            if not self._landed(spreadsheet_id, requests_, charts, resolution, before):
                raise _NotLanded(error) from error
            return resolution
        # Only once the batch has landed: the new tabs, grid sizes and charts are what Google
        # now has.
        self._sheets.update(sheets)
        self._taken[spreadsheet_id].update(sheet.sheet_id for sheet in sheets.values())
        return resolution

    def _landed(
        self,
        spreadsheet_id: str,
        requests_: Sequence[Request],
        charts: Sequence[tuple[str, Request]],
        resolution: Resolution,
        before: Mapping[str, Sheet],
    ) -> bool:
        """Whether a batch that may have landed did, from a fresh read (Google applies a batch
        whole or not at all, so one sure sign is enough). The surest sign first: a tab it adds
        exists (by its id and title); else the cells it writes read as written — those beyond
        the grid as it was, which nothing else can have filled, when there are any; else a tab
        it gives a chart has one. Afterwards the backend knows the spreadsheet as it is now."""
        self._load(spreadsheet_id)
        added = [
            request["addSheet"]["properties"] for request in requests_ if "addSheet" in request
        ]
        if added:
            now = {(s.sheet_id, header_key(s.title)) for s in self._sheets.values()}
            return all((p["sheetId"], header_key(p["title"])) in now for p in added)
        writes = resolution.writes
        if writes:
            known = before.get
            beyond = [
                w
                for w in writes
                if (sheet := known(header_key(w.tab_name))) is not None
                and (w.row >= sheet.rows or w.column >= sheet.columns)
            ]
            tabs = self.read_tabs(
                spreadsheet_id,
                sorted({self._sheets[header_key(w.tab_name)].title for w in writes}),
            )
            grids = {header_key(title): tab.grid for title, tab in tabs.items()}
            return all(
                _reads_as(grids.get(header_key(w.tab_name), ()), w.row, w.column, w.value)
                for w in beyond or writes
            )
        keys = {key for key, request in charts if "addChart" in request}
        return bool(keys) and all(self._sheets[key].charts for key in keys if key in self._sheets)

    def _send(
        self,
        spreadsheet_id: str,
        requests_: Sequence[Request],
        charts: Sequence[tuple[str, Request]],
        sheets: dict[str, Sheet],
    ) -> None:
        """Send the writes and the chart requests (by tab) in one batchUpdate, and learn the
        charts in `sheets`. The data comes first: should Google refuse the batch (HTTP 400)
        while it holds chart requests, the writes go again without them, and the chart waits
        for the next run."""
        if not requests_ and not charts:
            return
        try:
            replies = self.update(spreadsheet_id, [*requests_, *(r for _, r in charts)])
        except GoogleError as error:
            if error.status != BAD_REQUEST or not charts:
                raise
            if requests_:
                self.update(spreadsheet_id, requests_)
            return
        for (key, request), reply in zip(charts, replies[len(requests_) :], strict=False):
            sheet = sheets.get(key) or self._sheets[key]
            sheets[key] = dataclasses.replace(sheet, charts=learned(sheet.charts, request, reply))

    def _plan(
        self, spreadsheet_id: str, resolution: Resolution, fresh: Mapping[str, Grid]
    ) -> tuple[list[Request], dict[str, Sheet], list[tuple[str, Request]]]:
        """The batchUpdate requests that perform `resolution` (on the tabs read as `fresh`),
        the tabs as they will be, and the requests (by tab) that keep the charts of
        `resolution.charts` on their blocks."""
        cells: dict[str, dict[tuple[int, int], CellValue]] = defaultdict(dict)
        for name, headers in resolution.created_tabs.items():
            for column, header in enumerate(headers):
                cells[header_key(name)][(0, column)] = header
        for write in resolution.writes:
            cells[header_key(write.tab_name)][(write.row, write.column)] = write.value
        formats = self._formats(cells, fresh)

        structural: list[Request] = []
        sheets: dict[str, Sheet] = {}
        taken = set(self._taken[spreadsheet_id])
        for name, headers in resolution.created_tabs.items():
            key = header_key(name)
            if key in self._sheets:
                continue  # the tab is there but empty: it gets its headers, no new tab
            rows, columns = _extent(cells[key])
            sheet_id = free_sheet_id(taken)
            taken.add(sheet_id)
            sheet = Sheet(
                spreadsheet_id,
                name,
                sheet_id,
                max(NEW_TAB_ROWS, rows + GROWTH),
                max(NEW_TAB_COLUMNS, len(headers), columns),
            )
            structural.append(add_sheet(sheet.sheet_id, name, sheet.rows, sheet.columns))
            sheets[key] = sheet
        extents = {key: _extent(written) for key, written in cells.items()}
        charts: list[tuple[str, Request]] = []
        for placement in resolution.charts:
            key = header_key(placement.tab_name)
            sheet = sheets.get(key) or self._sheets[key]
            wanted = chart_requests(placement, sheet.sheet_id, sheet.charts)
            charts.extend((key, request) for request in wanted.requests)
            rows, columns = extents.get(key, (0, 0))
            extents[key] = (max(rows, wanted.grid[0]), max(columns, wanted.grid[1]))
        for key, (rows, columns) in extents.items():
            sheet = sheets.get(key) or self._sheets[key]
            if rows > sheet.rows:
                grow = rows - sheet.rows + GROWTH
                structural.append(append_dimension(sheet.sheet_id, "ROWS", grow))
                sheet = dataclasses.replace(sheet, rows=sheet.rows + grow)
            if columns > sheet.columns:
                grow = columns - sheet.columns
                structural.append(append_dimension(sheet.sheet_id, "COLUMNS", grow))
                sheet = dataclasses.replace(sheet, columns=sheet.columns + grow)
            sheets[key] = sheet
        updates = [
            request
            for key, written in cells.items()
            for request in update_cells(sheets[key].sheet_id, written, formats[key])
        ]
        # Notes on the rows the batch erases go with the data (a row of the fresh read).
        erased: dict[str, set[int]] = defaultdict(set)
        for gone in resolution.erased_rows:
            erased[header_key(gone.tab_name)].add(gone.row)
        notes = [
            request
            for key, numbers in erased.items()
            for request in clear_notes((sheets.get(key) or self._sheets[key]).sheet_id, numbers)
        ]
        # The erased values out of the filters, and appended rows into them.
        filters = write_requests(
            lambda key: sheets.get(key) or self._sheets.get(key), fresh, resolution
        )
        # Last, once appended rows exist: hide or show rows at their places in the fresh read.
        visibility: dict[str, dict[int, bool]] = defaultdict(dict)
        for row in resolution.visibility:
            visibility[header_key(row.tab_name)][row.row] = row.hidden
        shown = [
            request
            for key, rows in visibility.items()
            if key in sheets or key in self._sheets
            for request in row_visibility((sheets.get(key) or self._sheets[key]).sheet_id, rows)
        ]
        return [*structural, *updates, *notes, *filters, *shown], sheets, charts

    def _formats(
        self, cells: Mapping[str, Mapping[tuple[int, int], CellValue]], fresh: Mapping[str, Grid]
    ) -> dict[str, dict[tuple[int, int], str | None]]:
        """The number format each written cell below the headers gets, by tab: its column's,
        found by the header the tab has (or is given by this write)."""
        tabs = {header_key(name): TABS_BY_KEY.get(key) for key, name in self.tab_names.items()}
        grids = {header_key(title): grid for title, grid in fresh.items()}
        formats: dict[str, dict[tuple[int, int], str | None]] = {}
        for key, written in cells.items():
            header = list(grids[key][0]) if grids.get(key) else []
            for (row, column), value in written.items():
                if row == 0:
                    header.extend([None] * (column + 1 - len(header)))
                    header[column] = value
            looks = header_looks(tabs.get(key), header)
            formats[key] = {
                (row, column): written_format(value, looks.get(column))
                for (row, column), value in written.items()
                if row > 0
            }
        return formats

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create missing tabs and headers; see google_setup.initialise for formatting."""
        return initialise(self, tabs)


class _NotLanded(Exception):
    """A batch that may have landed did not (the backend sends it again, once)."""

    def __init__(self, error: GoogleError) -> None:
        super().__init__(str(error))
        self.error = error


def _reads_as(grid: Grid, row: int, column: int, value: CellValue) -> bool:
    """Whether the cell of a fresh read (unformatted, dates as serial numbers) holds `value`
    as a write of it leaves it."""
    current = grid[row][column] if row < len(grid) and column < len(grid[row]) else None
    if value is None or value == "":
        return is_blank(current)
    if isinstance(value, dt.date):
        return isinstance(current, int | float) and current == date_to_serial(value)
    return bool(current == value)


def _extent(cells: Mapping[tuple[int, int], CellValue]) -> tuple[int, int]:
    """(rows, columns) a grid needs to hold `cells`."""
    return (
        max((row + 1 for row, _ in cells), default=0),
        max((column + 1 for _, column in cells), default=0),
    )


def _combined(changes: Sequence[Change], results: Sequence[Resolution]) -> Resolution:
    """The resolutions of several spreadsheets as one, changes in the order they were given."""
    order = {id(change): index for index, change in enumerate(changes)}
    return Resolution(
        writes=tuple(write for result in results for write in result.writes),
        appended_rows={k: v for result in results for k, v in result.appended_rows.items()},
        created_tabs={k: v for result in results for k, v in result.created_tabs.items()},
        landed=tuple(
            sorted(
                (change for result in results for change in result.landed),
                key=lambda change: order[id(change)],
            )
        ),
        skipped=tuple(
            sorted(
                (skip for result in results for skip in result.skipped),
                key=lambda skip: order[id(skip.change)],
            )
        ),
        charts=tuple(chart for result in results for chart in result.charts),
        visibility=tuple(row for result in results for row in result.visibility),
        erased_rows=tuple(row for result in results for row in result.erased_rows),
    )
