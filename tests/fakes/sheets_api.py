"""A local fake of the Google Sheets v4 REST API (plus the sliver of Drive v3 gspread needs),
served over HTTP on 127.0.0.1 so tests drive the real gspread client against it.

This module owns the server, the routing of Google's URLs to `store.Store`, the test controls
(seeding, inspection, direct edits, a request log, fault injection, hooks) and the
`requests.Session` that sends `https://sheets.googleapis.com/...` and
`https://www.googleapis.com/drive/v3/...` to the fake instead of Google. What the answers
contain — values semantics, trimming, append's table detection, error texts — is documented in
`store` and `cells`.

Usage::

    with FakeSheetsApi() as api:
        sid = api.create_spreadsheet("Medlemmar", {"Blad1": [["Namn", "E-post"]]})
        gc = gspread_client(api)                      # the real gspread.Client
        gc.open_by_key(sid).sheet1.append_row(["Ada", "ada@example.org"])
        assert api.values(sid, "Blad1")[1] == ["Ada", "ada@example.org"]

Every request is answered under one lock; hooks and injected delays run outside it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote

import gspread
import requests
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest, Response

from .a1 import cell_label, parse_cells
from .cells import Cell, Scalar, render
from .charts import chart_json
from .store import (
    ApiError,
    Box,
    JsonDict,
    Params,
    Sheet,
    Store,
    conditional_format_json,
    sort_block,
)

SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLEAPIS_HOST = "https://www.googleapis.com"
ORIGINAL_URL_HEADER = "X-Fake-Original-Url"

DEFAULT_OWNER = "owner@example.org"
DEFAULT_SERVICE_ACCOUNT = "robot@example.org"

_FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
    "minute per user' of service 'sheets.googleapis.com' for consumer "
    "'project_number:000000000000'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


@dataclass
class RecordedRequest:
    """One request the fake received: `path` is percent-decoded (`/v4/spreadsheets/ID/values/
    'Blad1'!A1:append`), `query` maps each parameter to its values, `body` is the raw bytes,
    `url` the URL the client asked for (`https://sheets.googleapis.com/...`) and `raw_path` the
    path as sent (still percent-encoded). `status` is the status answered (None until then)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    url: str
    raw_path: str = ""
    status: int | None = None
    injected: bool = False
    at: float = 0.0
    """When it arrived, by the fake's clock."""

    @property
    def body_length(self) -> int:
        """Size of the request body in bytes."""
        return len(self.body)

    @property
    def is_write(self) -> bool:
        """True for requests that may change state (everything but GET)."""
        return self.method != "GET"

    def json(self) -> Any:
        """The body parsed as JSON (None when there is no body)."""
        return json.loads(self.body) if self.body else None

    def describe(self) -> str:
        """`METHOD path?query` as fault matching sees it."""
        query = "&".join(f"{key}={value}" for key, values in self.query.items() for value in values)
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


Matcher = Callable[[RecordedRequest], bool] | str | None
Hook = Callable[["FakeSheetsApi", RecordedRequest], None]


@dataclass
class Fault:
    """An injected failure or delay. The first `skip` matching requests pass untouched; the next
    `times` are affected: delayed by `delay` seconds, then answered with `status` (when set).
    With `after_commit`, the request is carried out before the error is sent (a lost answer)."""

    status: int | None
    times: int
    match: Matcher = None
    delay: float = 0.0
    skip: int = 0
    after_commit: bool = False
    message: str | None = None
    drop: bool = False
    """Close the connection instead of answering (a dropped connection)."""
    for_seconds: float | None = None
    """An outage: the fault answers every matching request from the first one it meets until
    this many seconds (by the fake's clock) have passed; then never again."""
    retry_after: str | None = None
    """The `Retry-After` header of the fault's answer."""
    seen: int = 0
    hits: int = 0
    began: float | None = None

    @property
    def remaining(self) -> int:
        """How many more requests this fault will affect."""
        return self.times - self.hits

    def matches(self, record: RecordedRequest) -> bool:
        """True when the request is one this fault targets."""
        if self.match is None:
            return True
        if isinstance(self.match, str):
            return self.match in record.describe()
        return self.match(record)


@dataclass(frozen=True)
class CellSnapshot:
    """What the fake stores for one cell (for assertions on formats, rules and formulas)."""

    value: Scalar | None
    formula: str | None
    number_format: JsonDict | None
    user_entered_format: JsonDict | None
    data_validation: JsonDict | None
    note: str | None


@dataclass
class _Answer:
    status: int
    body: JsonDict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    dropped: bool = False
    """No answer at all: the connection is closed."""


class FakeSheetsApi:
    """An in-memory Google Sheets v4 / Drive v3 server on 127.0.0.1 for tests.

    Seed with `create_spreadsheet`, inspect with `values`, `formula_cells`, `cell`,
    `metadata`, `charts`, edit behind the client's back with `set_values`, `insert_rows`,
    `delete_rows`, `sort_rows`, `add_sheet`, `rename_sheet`, `add_chart`, `delete_chart`;
    observe traffic with `requests`; break it with
    `inject`; interleave edits with `before_request` / `after_request` hooks.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        owner_email: str = DEFAULT_OWNER,
        service_account_email: str = DEFAULT_SERVICE_ACCOUNT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        """What time it is for the fake (outages, `RecordedRequest.at`): a test's FakeClock
        keeps it the client's."""
        self._lock = threading.RLock()
        self._store = Store(
            seed=seed, owner_email=owner_email, service_account_email=service_account_email
        )
        self._requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._before: list[Hook] = []
        self._after: list[Hook] = []
        self.hook_errors: list[BaseException] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSheetsApi:
        """Start serving on a free port of 127.0.0.1 (idempotent); return self."""
        if self._server is not None:
            return self
        api = self

        class Handler(_Handler):
            fake = api

        server = _QuietServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="FakeSheetsApi",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSheetsApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeSheetsApi is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def service_account_email(self) -> str:
        """The account the fake acts as (editor of every spreadsheet, owner of new files)."""
        return self._store.service_account_email

    def session(self) -> requests.Session:
        """A requests session whose Google URLs reach this fake; other URLs are refused."""
        session = requests.Session()
        session.mount(SHEETS_HOST + "/", _RewritingAdapter(self, SHEETS_HOST))
        session.mount(GOOGLEAPIS_HOST + "/", _RewritingAdapter(self, GOOGLEAPIS_HOST))
        session.mount("https://", _RefusingAdapter())
        session.mount("http://", _RefusingAdapter())
        session.mount(self.base_url + "/", HTTPAdapter())
        return session

    # -- seeding and inspection ----------------------------------------------------------------

    def create_spreadsheet(
        self,
        title: str,
        sheets: Mapping[str, Sequence[Sequence[object]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
        row_count: int = 1000,
        column_count: int = 26,
        user_entered: bool = False,
        locale: str = "en_US",
        time_zone: str = "Etc/GMT",
    ) -> str:
        """Create a spreadsheet and return its id.

        `sheets` maps tab titles (in order) to rows of values; the first tab gets sheetId 0.
        Values are stored as given (RAW: `"=x"` stays text, `None` leaves a cell empty; a Python
        `date` becomes a date cell) unless `user_entered`, which parses strings as the Sheets UI
        would (`"2026-11-03"` → a date). Each
        grid is at least `row_count` × `column_count` and large enough for its values. Without
        `sheets` there is one empty `Sheet1`. The file's permissions are an owner
        (`owner@example.org`) and the service account as writer.
        """
        with self._lock:
            spreadsheet = self._store.create(
                title,
                sheets,
                spreadsheet_id=spreadsheet_id,
                row_count=row_count,
                column_count=column_count,
                user_entered=user_entered,
                locale=locale,
                time_zone=time_zone,
            )
            return spreadsheet.spreadsheet_id

    def spreadsheet_ids(self) -> list[str]:
        """Ids of every spreadsheet the fake holds."""
        with self._lock:
            return list(self._store.spreadsheets)

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        """The tab titles in order."""
        with self._lock:
            return [sheet.title for sheet in self._store.spreadsheet(spreadsheet_id).sheets]

    def sheet_id(self, spreadsheet_id: str, sheet_title: str) -> int:
        """The sheetId (gid) of a tab."""
        with self._lock:
            return self._store.sheet(spreadsheet_id, sheet_title).sheet_id

    def metadata(self, spreadsheet_id: str) -> JsonDict:
        """The Spreadsheet resource spreadsheets.get would answer (without grid data)."""
        with self._lock:
            return self._store.metadata(self._store.spreadsheet(spreadsheet_id))

    def sheet_properties(self, spreadsheet_id: str, sheet_title: str) -> JsonDict:
        """The tab's SheetProperties as Google renders them (gridProperties, frozen rows...)."""
        with self._lock:
            spreadsheet = self._store.spreadsheet(spreadsheet_id)
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            return sheet.properties_json(spreadsheet.sheets.index(sheet))

    def protected_ranges(self, spreadsheet_id: str, sheet_title: str) -> list[JsonDict]:
        """The tab's protected ranges as spreadsheets.get renders them."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            return sheet.protected_ranges_json(self._store.service_account_email)

    def conditional_formats(self, spreadsheet_id: str, sheet_title: str) -> list[JsonDict]:
        """The tab's conditional format rules as spreadsheets.get renders them, in order."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            return [conditional_format_json(rule) for rule in sheet.conditional_formats]

    def charts(self, spreadsheet_id: str, sheet_title: str) -> list[JsonDict]:
        """The charts overlaid on the tab, as spreadsheets.get renders them (`chartId`, `spec`,
        `position`), in the order they were added."""
        with self._lock:
            return [
                chart_json(chart) for chart in self._store.sheet(spreadsheet_id, sheet_title).charts
            ]

    def column_pixels(self, spreadsheet_id: str, sheet_title: str) -> dict[int, int]:
        """The widths set with updateDimensionProperties, by 0-based column index."""
        with self._lock:
            return dict(self._store.sheet(spreadsheet_id, sheet_title).column_pixels)

    def values(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        *,
        render_option: str = "UNFORMATTED_VALUE",
        pad: bool = False,
    ) -> list[list[object]]:
        """The tab's values, typed (str/int/float/bool; dates as serial numbers; formulas as
        their results), each row trimmed of trailing empty cells ("" marks an empty cell inside
        a row) and trailing empty rows dropped — or padded to a rectangle with `pad`."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            rows: list[list[object]] = []
            for stored in sheet.rows:
                row: list[object] = [render(cell, value_render=render_option) for cell in stored]
                while row and row[-1] == "":
                    row.pop()
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            if pad:
                width = max((len(row) for row in rows), default=0)
                rows = [row + [""] * (width - len(row)) for row in rows]
            return rows

    def formula_cells(self, spreadsheet_id: str, sheet_title: str) -> dict[str, str]:
        """Every cell of the tab that holds a formula, as {A1 label: formula text}."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            return {
                cell_label(row, col): cell.formula
                for row, stored in enumerate(sheet.rows)
                for col, cell in enumerate(stored)
                if cell is not None and cell.formula is not None
            }

    def hidden_rows(self, spreadsheet_id: str, sheet_title: str) -> set[int]:
        """Rows (1-based, as the sheet numbers them) hidden by `hiddenByUser`."""
        with self._lock:
            return {row + 1 for row in self._store.sheet(spreadsheet_id, sheet_title).hidden_rows}

    def cell(self, spreadsheet_id: str, sheet_title: str, label: str) -> CellSnapshot:
        """What the fake stores at one cell (`B2`)."""
        part = parse_cells(label)
        assert part.start.row is not None and part.start.col is not None
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            cell = sheet.get(part.start.row, part.start.col) or Cell()
            return CellSnapshot(
                value=cell.value,
                formula=cell.formula,
                number_format=dict(cell.number_format) if cell.number_format else None,
                user_entered_format=json.loads(json.dumps(cell.fmt)) if cell.fmt else None,
                data_validation=json.loads(json.dumps(cell.validation))
                if cell.validation
                else None,
                note=cell.note,
            )

    def permissions(self, spreadsheet_id: str) -> list[JsonDict]:
        """The file's Drive permissions."""
        with self._lock:
            permissions: list[JsonDict] = json.loads(
                json.dumps(self._store.drive_file(spreadsheet_id).permissions)
            )
            return permissions

    def set_permissions(self, spreadsheet_id: str, permissions: Sequence[JsonDict]) -> None:
        """Replace the file's Drive permissions. Each item needs `type` and `role`, and
        `emailAddress` or `domain` as Drive has them; `kind`, `id`, `deleted` are filled in."""
        with self._lock:
            spreadsheet = self._store.drive_file(spreadsheet_id)
            spreadsheet.permissions = []
            for item in permissions:
                permission = self._store.permission(
                    str(item["type"]), str(item["role"]), item.get("emailAddress"),
                    item.get("domain"),
                )  # fmt: skip
                permission.update(item)
                spreadsheet.permissions.append(permission)

    # -- direct edits (a coordinator at work) --------------------------------------------------

    def set_values(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        start: str,
        values: Sequence[Sequence[object]],
        *,
        user_entered: bool = False,
    ) -> None:
        """Write a block of values with its top-left at `start` (`A2`), growing the grid when
        needed. `None` leaves a cell as it is, `""` clears it; RAW unless `user_entered`."""
        part = parse_cells(start)
        assert part.start.row is not None and part.start.col is not None
        row, col = part.start.row, part.start.col
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            height = len(values)
            width = max((len(row_values) for row_values in values), default=0)
            sheet.grid["rowCount"] = max(sheet.row_count, row + height)
            sheet.grid["columnCount"] = max(sheet.column_count, col + width)
            self._store.write_rows(sheet, row, col, values, user_entered=user_entered)
            self._store.touch(self._store.spreadsheet(spreadsheet_id))

    def insert_rows(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        row_number: int,
        values: Sequence[Sequence[object]] | None = None,
        *,
        count: int | None = None,
    ) -> None:
        """Insert rows before 1-based `row_number` (the grid grows), filled with `values` (RAW);
        without values, insert `count` empty rows."""
        how_many = len(values) if values is not None else (count or 1)
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            sheet.insert("ROWS", row_number - 1, how_many, inherit_from=None)
            if values:
                self._store.write_rows(sheet, row_number - 1, 0, values, user_entered=False)
            self._store.touch(self._store.spreadsheet(spreadsheet_id))

    def delete_rows(
        self, spreadsheet_id: str, sheet_title: str, row_number: int, count: int = 1
    ) -> None:
        """Delete `count` rows starting at 1-based `row_number` (the grid shrinks)."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            sheet.delete("ROWS", row_number - 1, row_number - 1 + count)
            self._store.touch(self._store.spreadsheet(spreadsheet_id))

    def sort_rows(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        column: int | str,
        *,
        descending: bool = False,
        header_rows: int = 1,
    ) -> None:
        """Sort the tab's rows below `header_rows` by one column (0-based index or letter), as
        Data > Sort range does: whole rows move, blanks go last, numbers before text."""
        col = column if isinstance(column, int) else parse_cells(f"{column}1").start.col
        assert col is not None
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            width = max(sheet.stored_width(), col + 1)
            box = Box(header_rows, max(len(sheet.rows), header_rows), 0, width)
            sort_block(sheet, box, [(col, descending)])
            self._store.touch(self._store.spreadsheet(spreadsheet_id))

    def add_sheet(
        self,
        spreadsheet_id: str,
        title: str,
        values: Sequence[Sequence[object]] | None = None,
        *,
        row_count: int = 1000,
        column_count: int = 26,
    ) -> int:
        """Add a tab at the end (with RAW values); return its sheetId."""
        with self._lock:
            spreadsheet = self._store.spreadsheet(spreadsheet_id)
            if spreadsheet.sheet_by_title(title) is not None:
                raise ValueError(f"a sheet titled {title!r} exists")
            rows = max(row_count, len(values or []))
            cols = max(column_count, max((len(row) for row in values or []), default=0))
            sheet = Sheet(self._store.new_sheet_id(spreadsheet), title, rows, cols)
            spreadsheet.sheets.append(sheet)
            self._store.write_rows(sheet, 0, 0, values or [], user_entered=False)
            self._store.touch(spreadsheet)
            return sheet.sheet_id

    def add_chart(
        self,
        spreadsheet_id: str,
        sheet_title: str,
        spec: JsonDict,
        *,
        row: int = 0,
        column: int = 0,
    ) -> int:
        """Overlay a chart on a tab with its top-left corner at the 0-based cell (`row`,
        `column`), as a coordinator would with Insert > Chart; return its chartId. The spec
        is checked as addChart checks it."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, sheet_title)
            position = {
                "overlayPosition": {
                    "anchorCell": {
                        "sheetId": sheet.sheet_id,
                        "rowIndex": row,
                        "columnIndex": column,
                    }
                }
            }
            reply = self._store.batch_update(
                spreadsheet_id,
                {"requests": [{"addChart": {"chart": {"spec": spec, "position": position}}}]},
            )
            return int(reply["replies"][0]["addChart"]["chart"]["chartId"])

    def delete_chart(self, spreadsheet_id: str, chart_id: int) -> None:
        """Delete a chart, as a coordinator would (select it, press Delete)."""
        with self._lock:
            self._store.batch_update(
                spreadsheet_id, {"requests": [{"deleteEmbeddedObject": {"objectId": chart_id}}]}
            )

    def rename_sheet(self, spreadsheet_id: str, old_title: str, new_title: str) -> None:
        """Rename a tab, as a coordinator might."""
        with self._lock:
            sheet = self._store.sheet(spreadsheet_id, old_title)
            sheet.props["title"] = new_title
            self._store.touch(self._store.spreadsheet(spreadsheet_id))

    # -- request log ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the start or the last `reset_counts`, oldest first."""
        with self._lock:
            return list(self._requests)

    def request_count(self, match: Matcher = None) -> int:
        """How many received requests match (a substring of `METHOD path?query`, a predicate,
        or None for all)."""
        probe = Fault(status=None, times=0, match=match)
        with self._lock:
            return sum(1 for record in self._requests if probe.matches(record))

    def reset_counts(self) -> None:
        """Forget the request log (faults and hooks stay)."""
        with self._lock:
            self._requests.clear()

    # -- faults and hooks ----------------------------------------------------------------------

    def inject(
        self,
        status: int | None = None,
        *,
        times: int = 1,
        match: Matcher = None,
        delay: float = 0.0,
        skip: int = 0,
        after_commit: bool = False,
        message: str | None = None,
        drop: bool = False,
    ) -> Fault:
        """Make the next `times` matching requests (after `skip` matching ones) fail with
        `status` in Google's envelope (429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE, …)
        and/or wait `delay` seconds first. `match`: substring of `METHOD path?query` (decoded
        path, e.g. `":append"`, `"GET /v4/"`), a predicate on the RecordedRequest, or None (all).
        With `after_commit`, the request takes effect and only its answer is lost. With `drop`,
        the connection is closed instead of answering (before or, with `after_commit`, after
        the request took effect).
        Faults are consulted in the order they were injected; the first that applies wins."""
        if status is None and delay <= 0 and not drop:
            raise ValueError("inject needs a status, a delay, a drop or a combination")
        fault = Fault(
            status=status,
            times=times,
            match=match,
            delay=delay,
            skip=skip,
            after_commit=after_commit,
            message=message,
            drop=drop,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def outage(
        self,
        status: int = 429,
        *,
        seconds: float,
        match: Matcher = None,
        retry_after: str | None = None,
    ) -> Fault:
        """Answer every matching request with `status` from the first one for `seconds` of the
        fake's clock, then recover (Google's per-minute quota, spent). With `retry_after`, each
        answer carries that `Retry-After` header."""
        fault = Fault(
            status=status, times=10**9, match=match, for_seconds=seconds, retry_after=retry_after
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def before_request(self, hook: Hook) -> Hook:
        """Run `hook(api, request)` before each request is handled (outside the lock, so the
        hook may use the direct-edit methods). Return the hook, for `remove_hook`."""
        with self._lock:
            self._before.append(hook)
        return hook

    def after_request(self, hook: Hook) -> Hook:
        """Run `hook(api, request)` after each request is handled and before its answer is
        sent, so an edit made by the hook is in place before the client's next request."""
        with self._lock:
            self._after.append(hook)
        return hook

    def remove_hook(self, hook: Hook) -> None:
        """Unregister a hook added with `before_request` or `after_request`."""
        with self._lock:
            for hooks in (self._before, self._after):
                while hook in hooks:
                    hooks.remove(hook)

    # -- request handling ----------------------------------------------------------------------

    def _run_hooks(self, hooks: list[Hook], record: RecordedRequest) -> None:
        with self._lock:
            current = list(hooks)
        for hook in current:
            try:
                hook(self, record)
            except Exception as error:  # a failing hook must reach the test, not the server
                self.hook_errors.append(error)
                raise

    def _pick_fault(self, record: RecordedRequest) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining <= 0 or not fault.matches(record):
                    continue
                if fault.for_seconds is not None:
                    fault.began = record.at if fault.began is None else fault.began
                    if record.at >= fault.began + fault.for_seconds:
                        fault.times = fault.hits  # over: never again
                        continue
                if fault.seen < fault.skip:
                    fault.seen += 1
                    continue
                fault.hits += 1
                return fault
        return None

    def _fault_answer(self, fault: Fault, record: RecordedRequest) -> _Answer:
        assert fault.status is not None
        kind = "Read" if record.method == "GET" else "Write"
        message = fault.message or _FAULT_MESSAGES.get(fault.status, "").format(kind=kind)
        details = None
        if fault.status == 429:
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "service": "sheets.googleapis.com",
                        "quota_metric": f"sheets.googleapis.com/{kind.lower()}_requests",
                        "quota_limit": f"{kind}RequestsPerMinutePerUser",
                        "consumer": "projects/000000000000",
                    },
                }
            ]
        error = ApiError(fault.status, message or f"Injected error {fault.status}", details=details)
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        return _Answer(fault.status, error.body(), headers)

    def handle(self, record: RecordedRequest) -> _Answer:
        """Answer one request: log it, run hooks, apply faults, dispatch to the store."""
        with self._lock:
            record.at = self.clock()
            self._requests.append(record)
        try:
            self._run_hooks(self._before, record)
        except Exception as error:
            return self._hook_failure(record, error)
        fault = self._pick_fault(record)
        if fault is not None and fault.delay > 0:
            time.sleep(fault.delay)
        if fault is not None and fault.drop:
            if fault.after_commit:
                self._dispatch(record)
            record.injected = True
            record.status = 0
            return _Answer(0, dropped=True)
        if fault is not None and fault.status is not None and not fault.after_commit:
            record.injected = True
            answer = self._fault_answer(fault, record)
        else:
            answer = self._dispatch(record)
            if fault is not None and fault.status is not None:
                record.injected = True
                answer = self._fault_answer(fault, record)
        record.status = answer.status
        try:
            self._run_hooks(self._after, record)
        except Exception as error:
            return self._hook_failure(record, error)
        return answer

    @staticmethod
    def _hook_failure(record: RecordedRequest, error: Exception) -> _Answer:
        record.status = 500
        message = f"FakeSheetsApi hook raised {type(error).__name__}: {error}"
        return _Answer(500, ApiError(500, message).body())

    def _dispatch(self, record: RecordedRequest) -> _Answer:
        try:
            body = record.json() if record.body else {}
        except ValueError:
            return _Answer(400, ApiError(400, "Invalid JSON payload received.").body())
        if body is None:
            body = {}
        if not isinstance(body, dict):
            return _Answer(400, ApiError(400, "Invalid JSON payload received.").body())
        with self._lock:
            try:
                return _route(self._store, record, body)
            except ApiError as error:
                return _Answer(error.code, error.body())


# ---------------------------------------------------------------------------------------------
# Routing


_SHEETS_PREFIX = "/v4/spreadsheets"
_DRIVE_PREFIX = "/drive/v3/files"


def _route(store: Store, record: RecordedRequest, body: JsonDict) -> _Answer:
    raw_path = record.raw_path or record.path
    method = record.method
    params: Params = record.query
    if raw_path.startswith(_SHEETS_PREFIX):
        return _route_sheets(store, method, raw_path[len(_SHEETS_PREFIX) :], params, body)
    if raw_path.startswith(_DRIVE_PREFIX):
        return _route_drive(store, method, raw_path[len(_DRIVE_PREFIX) :], params, body)
    return _unimplemented(method, record.path)


def _unimplemented(method: str, path: str) -> _Answer:
    error = ApiError(501, f"FakeSheetsApi does not implement {method} {path}")
    return _Answer(501, error.body())


def _route_sheets(store: Store, method: str, rest: str, params: Params, body: JsonDict) -> _Answer:
    if rest in ("", "/"):
        if method == "POST":
            return _Answer(200, store.create_v4(body))
        return _unimplemented(method, _SHEETS_PREFIX + rest)
    segments = rest.lstrip("/").split("/")
    head = unquote(segments[0])
    if len(segments) == 1:
        spreadsheet_id, _, action = head.partition(":")
        if action == "" and method == "GET":
            return _Answer(200, store.get_spreadsheet(spreadsheet_id, params))
        if action == "batchUpdate" and method == "POST":
            return _Answer(200, store.batch_update(spreadsheet_id, body))
        return _unimplemented(method, _SHEETS_PREFIX + rest)
    spreadsheet_id = head
    tail = "/".join(segments[1:])
    if tail.startswith("values:"):
        action = tail[len("values:") :]
        if action == "batchGet" and method == "GET":
            return _Answer(200, store.values_batch_get(spreadsheet_id, params))
        if action == "batchUpdate" and method == "POST":
            return _Answer(200, store.values_batch_update(spreadsheet_id, body))
        if action == "batchClear" and method == "POST":
            return _Answer(200, store.values_batch_clear(spreadsheet_id, body))
        return _unimplemented(method, _SHEETS_PREFIX + rest)
    if tail.startswith("values/"):
        encoded = tail[len("values/") :]
        for suffix, handler in ((":append", "append"), (":clear", "clear")):
            if encoded.endswith(suffix):
                range_text = unquote(encoded[: -len(suffix)])
                if method != "POST":
                    return _unimplemented(method, _SHEETS_PREFIX + rest)
                if handler == "append":
                    return _Answer(
                        200, store.values_append(spreadsheet_id, range_text, params, body)
                    )
                return _Answer(200, store.values_clear(spreadsheet_id, range_text))
        range_text = unquote(encoded)
        if method == "GET":
            return _Answer(200, store.values_get(spreadsheet_id, range_text, params))
        if method == "PUT":
            return _Answer(200, store.values_update(spreadsheet_id, range_text, params, body))
    return _unimplemented(method, _SHEETS_PREFIX + rest)


def _route_drive(store: Store, method: str, rest: str, params: Params, body: JsonDict) -> _Answer:
    segments = [unquote(segment) for segment in rest.strip("/").split("/") if segment]
    if not segments:
        if method == "POST":
            return _Answer(200, store.drive_create(params, body))
        if method == "GET":
            return _Answer(200, store.drive_list(params))
    elif len(segments) == 1:
        file_id = segments[0]
        if method == "GET":
            return _Answer(200, store.drive_get(file_id, params))
        if method == "DELETE":
            store.drive_delete(file_id)
            return _Answer(204)
        if method == "PATCH":
            return _Answer(200, store.drive_update(file_id, params, body))
    elif len(segments) == 2:
        file_id, resource = segments
        if resource == "copy" and method == "POST":
            return _Answer(200, store.drive_copy(file_id, params, body))
        if resource == "permissions" and method == "GET":
            return _Answer(200, store.permissions_list(file_id, params))
        if resource == "permissions" and method == "POST":
            return _Answer(200, store.permissions_create(file_id, body))
        if resource == "comments" and method == "GET":
            store.drive_file(file_id)
            return _Answer(200, {"kind": "drive#commentList", "comments": []})
    elif len(segments) == 3 and segments[1] == "permissions" and method == "DELETE":
        store.permissions_delete(segments[0], segments[2])
        return _Answer(204)
    return _unimplemented(method, _DRIVE_PREFIX + rest)


# ---------------------------------------------------------------------------------------------
# HTTP plumbing


class _QuietServer(ThreadingHTTPServer):
    """A server that stays silent when a client hangs up before its answer (a client that
    timed out on an injected delay); any other error is still printed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into RecordedRequests for `FakeSheetsApi.handle`."""

    fake: FakeSheetsApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; the request log is `FakeSheetsApi.requests`."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        raw_path, _, raw_query = self.path.partition("?")
        record = RecordedRequest(
            method=self.command,
            path=unquote(raw_path),
            query=parse_qs(raw_query, keep_blank_values=True),
            body=body,
            url=self.headers.get(ORIGINAL_URL_HEADER) or self.path,
            raw_path=raw_path,
        )
        answer = self.fake.handle(record)
        if answer.dropped:
            self.close_connection = True
            return
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve


class _RewritingAdapter(HTTPAdapter):
    """Sends requests for one Google host to the fake, keeping path and query."""

    def __init__(self, fake: FakeSheetsApi, host: str) -> None:
        super().__init__()
        self._fake = fake
        self._host = host

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Any = None,
    ) -> Response:
        """Rewrite `https://<google host>/...` to the fake's base URL and send it there."""
        original = request.url or ""
        request.url = self._fake.base_url + original[len(self._host) :]
        request.headers[ORIGINAL_URL_HEADER] = original
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert)


class _RefusingAdapter(HTTPAdapter):
    """Refuses every URL the fake does not serve, so a test can never reach the network."""

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Any = None,
    ) -> Response:
        """Raise ConnectionError naming the URL."""
        raise requests.ConnectionError(
            f"FakeSheetsApi session refuses to contact {request.url}", request=request
        )


def gspread_client(api: FakeSheetsApi) -> gspread.Client:
    """A real `gspread.Client` whose requests all go to `api` (no credentials involved)."""
    return gspread.Client(auth=None, session=api.session())  # type: ignore[arg-type]
