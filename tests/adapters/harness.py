"""One test harness per backend, so the same scenarios run on a real .xlsx file and on the
real gspread client against the local Sheets API. Each harness seeds a workbook, opens it as
the run would, lets a test edit the sheet between the run's read and its first write (as a
coordinator would), and reads tabs back as header -> value dicts with dates as dates. Also what
the Google tests share: a daily run on a harness, the kinds of request the local Sheets API
received, and a service-account key that signs nothing real; and what the tests of hostile
files share: the real daily command on an .xlsx workbook in a folder, and its one-line exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import openpyxl
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.cli import run_daily as run_daily_command
from medlemsrutiner.config import Config, WorkbookConfig
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import TABS, header_key
from tests.fakes.clock import FakeClock, WallClock
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    workbook_grids,
    write_xlsx,
)

Rows = list[list[Any]]
Edit = Callable[["Sheet"], None]

DATE_HEADERS = frozenset(
    header_key(column.header) for tab in TABS for column in tab.columns if column.kind == "date"
)


class Sheet(Protocol):
    """What a coordinator does to the Intresserade tab while a run is under way."""

    def sort_by_name_descending(self) -> None: ...

    def insert_row_on_top(self, values: list[Any]) -> None: ...

    def delete_row_with_id(self, row_id: int) -> None: ...


class Harness(Protocol):
    name: str
    config: Config

    def seed(self, grids: dict[str, Rows]) -> None: ...

    def workbook(self) -> Workbook: ...

    def tab(self, name: str) -> list[dict[str, Any]]: ...

    def raw_bytes(self) -> object:
        """Something that changes whenever the workbook changes."""
        ...

    def edit_before_first_write(self, edit: Edit) -> None: ...

    def hidden_ids(self, name: str = "Intresserade") -> set[Any]:
        """The IDs of the tab's hidden rows."""
        ...


def _hidden_ids(rows: Rows, hidden: set[int]) -> set[Any]:
    """IDs (first column) of the rows numbered in `hidden` (1-based, row 1 = headers)."""
    return {rows[n - 1][0] for n in hidden if 1 < n <= len(rows) and rows[n - 1]}


def _normalise(header: str, value: Any) -> Any:
    if cells.is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if header_key(header) in DATE_HEADERS and isinstance(value, int | float):
        return cells.serial_to_date(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _dicts(rows: Rows) -> list[dict[str, Any]]:
    if not rows:
        return []
    headers = [str(h) for h in rows[0]]
    out = []
    for row in rows[1:]:
        if all(cells.is_blank(v) for v in row):
            continue
        out.append(
            {h: _normalise(h, row[i] if i < len(row) else None) for i, h in enumerate(headers)}
        )
    return out


class XlsxHarness:
    name = "xlsx"

    def __init__(self, folder: Path) -> None:
        self.config = make_config(folder)
        assert self.config.workbook.path is not None
        self.path = self.config.workbook.path
        self._edit: Edit | None = None

    def seed(self, grids: dict[str, Rows]) -> None:
        write_xlsx(self.path, grids)

    def workbook(self) -> Workbook:
        return XlsxWorkbook(self.path, TAB_NAMES, before_write=self._before_write)

    def _before_write(self, path: Path) -> None:
        edit, self._edit = self._edit, None
        if edit is not None:
            book = openpyxl.load_workbook(path)
            edit(_XlsxSheet(book["Intresserade"]))
            book.save(path)

    def edit_before_first_write(self, edit: Edit) -> None:
        self._edit = edit

    def tab(self, name: str) -> list[dict[str, Any]]:
        book = openpyxl.load_workbook(self.path)
        return _dicts([list(r) for r in book[name].iter_rows(values_only=True)])

    def raw_bytes(self) -> object:
        return self.path.read_bytes()

    def hidden_ids(self, name: str = "Intresserade") -> set[Any]:
        sheet = openpyxl.load_workbook(self.path)[name]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        hidden = {n for n, d in sheet.row_dimensions.items() if d.hidden}
        return _hidden_ids(rows, hidden)


class _XlsxSheet:
    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet

    def _rows(self) -> Rows:
        return [[c.value for c in row] for row in self.sheet.iter_rows(min_row=2)]

    def _rewrite(self, rows: Rows) -> None:
        width = (
            max(self.sheet.max_column, *(len(r) for r in rows)) if rows else self.sheet.max_column
        )
        self.sheet.delete_rows(2, self.sheet.max_row)
        for r, values in enumerate(rows, start=2):
            for c in range(1, width + 1):
                self.sheet.cell(row=r, column=c).value = values[c - 1] if c <= len(values) else None

    def sort_by_name_descending(self) -> None:
        self._rewrite(sorted(self._rows(), key=lambda r: str(r[2] or ""), reverse=True))

    def insert_row_on_top(self, values: list[Any]) -> None:
        self._rewrite([values, *self._rows()])

    def delete_row_with_id(self, row_id: int) -> None:
        self._rewrite([r for r in self._rows() if r[0] != row_id])


class GoogleHarness:
    name = "google"

    def __init__(
        self, folder: Path, api: FakeSheetsApi, followup_spreadsheet: bool = False
    ) -> None:
        self.api = api
        self.folder = folder
        self.followup_spreadsheet = followup_spreadsheet
        self.spreadsheet_id = ""
        self.followup_id: str | None = None
        self.config = make_config(folder)
        self._edit: Edit | None = None
        self._hook_installed = False
        self.row_count = 1000
        """Rows of each seeded grid (at least as many as its data): small ones force growth."""
        self.clock: FakeClock | None = None
        """With a clock (the api's too), the run's retries wait on it, as in production."""
        self.real_time = False
        """Without `clock`: the retries wait on the machine's clock (a test that waits for a
        request landing late) rather than on a clock of their own that never waits."""

    def seed(self, grids: dict[str, Rows]) -> None:
        serial = {
            name: [
                [cells.date_to_serial(v) if isinstance(v, dt.date) else v for v in row]
                for row in rows
            ]
            for name, rows in grids.items()
        }
        followups = serial.pop("Uppföljning") if self.followup_spreadsheet else None
        self.spreadsheet_id = self.api.create_spreadsheet(
            "Medlemsrutiner", serial, row_count=self.row_count
        )
        if followups is not None:
            self.followup_id = self.api.create_spreadsheet(
                "Uppföljning", {"Uppföljning": followups}, row_count=self.row_count
            )
        workbook: dict[str, Any] = {"backend": "google", "spreadsheet_id": self.spreadsheet_id}
        if self.followup_id:
            workbook["followup_spreadsheet_id"] = self.followup_id
        self.config = make_config(self.folder, workbook=workbook)

    @property
    def workbook_config(self) -> WorkbookConfig:
        return self.config.workbook

    def workbook(self) -> Workbook:
        if self.clock is not None:
            return open_google_workbook(
                self.config.workbook,
                {},
                session=self.api.session(),
                account_email="robot@example.org",
                clock=self.clock,
            )
        return open_google_workbook(
            self.config.workbook,
            {},
            session=self.api.session(),
            account_email="robot@example.org",
            policy=RetryPolicy(tries=5, base=0.001, cap=0.01, budget=5),
            clock=WallClock() if self.real_time else FakeClock(),
        )

    def edit_before_first_write(self, edit: Edit) -> None:
        self._edit = edit
        if not self._hook_installed:
            self.api.before_request(self._maybe_edit)
            self._hook_installed = True

    def _maybe_edit(self, api: FakeSheetsApi, request: Any) -> None:
        # The run's read is a metadata GET and a values:batchGet per spreadsheet; its first
        # write begins with the next values:batchGet (the fresh read that finds every ID where
        # it is now). The edit lands just before that request is answered. The fake logs a
        # request before its hooks run, so `reads` below counts the current request too.
        if self._edit is not None and _is_batch_get(request):
            reads = [r for r in api.requests if _is_batch_get(r)]
            if len(reads) == 2 + (1 if self.followup_id else 0):
                edit, self._edit = self._edit, None
                edit(_GoogleSheet(api, self.spreadsheet_id))

    def tab(self, name: str) -> list[dict[str, Any]]:
        spreadsheet = (
            self.followup_id if name == "Uppföljning" and self.followup_id else self.spreadsheet_id
        )
        return _dicts(self.api.values(spreadsheet, name))

    def hidden_ids(self, name: str = "Intresserade") -> set[Any]:
        spreadsheet = (
            self.followup_id if name == "Uppföljning" and self.followup_id else self.spreadsheet_id
        )
        rows = self.api.values(spreadsheet, name)
        return _hidden_ids(rows, self.api.hidden_rows(spreadsheet, name))

    def raw_bytes(self) -> object:
        return [
            (s, self.api.metadata(s), [self.api.values(s, t) for t in self.api.sheet_titles(s)])
            for s in self.api.spreadsheet_ids()
        ]


def _is_batch_get(request: Any) -> bool:
    return bool(request.method == "GET" and request.path.endswith("values:batchGet"))


class _GoogleSheet:
    def __init__(self, api: FakeSheetsApi, spreadsheet_id: str) -> None:
        self.api, self.id = api, spreadsheet_id

    def sort_by_name_descending(self) -> None:
        self.api.sort_rows(self.id, "Intresserade", "C", descending=True)

    def insert_row_on_top(self, values: list[Any]) -> None:
        self.api.insert_rows(self.id, "Intresserade", 2, [values])

    def delete_row_with_id(self, row_id: int) -> None:
        rows = self.api.values(self.id, "Intresserade")
        for number, row in enumerate(rows, start=1):
            if row and row[0] == row_id:
                self.api.delete_rows(self.id, "Intresserade", number)
                return


# --- Shared by the tests of both backends and of the Google requests --------------------------


def daily_run(harness: Harness, today: dt.date = TODAY) -> DailyReport:
    """The daily run on the harness's workbook, its letters in the outbox, at 07:00 on `today`."""
    now = dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
    with harness.workbook() as workbook:
        return run_daily(
            workbook,
            Outbox(harness.config.mail.outbox, now),
            Renderer(REPO / "templates"),
            harness.config,
            today,
            now,
        )


READ = ["metadata", "values:batchGet"]
"""The requests of a run's read: the spreadsheet's metadata, then every tab's values."""
WRITE = ["values:batchGet", "batchUpdate"]
"""The requests of one write: the fresh re-read, then one batchUpdate."""


def kind(record: RecordedRequest) -> str:
    tail = record.path.rsplit("/", 1)[-1]
    if record.method == "GET" and ":" not in tail and "values" not in record.path:
        return "metadata"
    return tail.split(":", 1)[-1] if tail.startswith("values:") else tail.rsplit(":", 1)[-1]


def calls(api: FakeSheetsApi, spreadsheet_id: str | None = None) -> list[str]:
    """The kinds of request the fake received (for one spreadsheet, or all)."""
    return [
        "values:" + kind(r) if "/values:" in r.path else kind(r)
        for r in api.requests
        if spreadsheet_id is None or f"/spreadsheets/{spreadsheet_id}" in r.path
    ]


def batch_requests(api: FakeSheetsApi) -> list[dict[str, Any]]:
    """Every request inside the batchUpdates the fake received."""
    return [
        request
        for record in api.requests
        if record.path.endswith(":batchUpdate")
        for request in record.json()["requests"]
    ]


def service_account_json() -> str:
    """A service account's key file as JSON, with a fresh key that Google never saw."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "exempel",
            "private_key_id": "1",
            "private_key": pem,
            "client_email": "robot@exempel.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


# --- The real daily command on an .xlsx workbook in a folder: exit codes and one-line errors ---

CONFIG = """\
timezone = "Europe/Stockholm"
start_date = 2026-01-01
[coordinator]
name = "Kim Exempelsson"
email = "medlemsansvarig@example.org"
[workbook]
backend = "xlsx"
path = "{path}"
[mail]
transport = "outbox"
outbox = "{outbox}"
"""


def command(folder: Path, path: str = "arbetsbok.xlsx", outbox: str = "outbox") -> Result:
    (folder / "config.toml").write_text(CONFIG.format(path=path, outbox=outbox), "utf-8")
    return CliRunner().invoke(
        run_daily_command, ["--config", str(folder / "config.toml"), "--today", "2026-11-24"]
    )


def assert_one_line_exit_2(result: Result, *words: str) -> None:
    assert result.exit_code == 2, (result.exception, result.output)
    assert isinstance(result.exception, SystemExit)
    line = result.stderr
    assert line.startswith(("Fel: ", "Fel i konfigurationen ")) and line.count("\n") == 1, line
    assert "Traceback" not in result.output
    for word in words:
        assert word in line


def valid_workbook(path: Path) -> bytes:
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    return path.read_bytes()
