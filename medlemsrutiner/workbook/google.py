"""The Google Sheets workbook: the only module that imports gspread. Does network I/O.

A run costs the same number of Sheets API requests whatever the number of rows:

* read: one metadata request and one `values:batchGet` of every tab, per spreadsheet;
* each write, per spreadsheet it touches: one metadata request (the grid's size now) and one
  `values:batchGet` of the touched tabs (to find every ID where it is *now*), at most one
  `:batchUpdate` (only when a tab must be created or rows added beyond the grid), one
  `values:batchUpdate` RAW (text and numbers, exactly as given: a name starting with `=` stays
  text) and one `values:batchUpdate` USER_ENTERED (dates, so Sheets stores dates).

Values are read UNFORMATTED with dates as serial numbers. A cell is cleared with `""`
(`null` would leave the old value). 429 and 5xx answers are retried with capped exponential
backoff and jitter, a bounded number of times within a bounded total time; anything else
fails the run with a clear Swedish message. The follow-up tab may live in a second spreadsheet
that only the coordinator can open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import rowcol_to_a1

from medlemsrutiner.changes import CellValue, Change, Resolution, resolve
from medlemsrutiner.config import WorkbookConfig
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.schema import Grid, header_key
from medlemsrutiner.workbook import grid_rows

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.metadata.readonly",
)
_RETRIED = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: `tries` attempts in all, waits doubling from `base` up to `cap`
    seconds (with full jitter), never waiting past `budget` seconds since the first try."""

    tries: int = 5
    base: float = 1.0
    cap: float = 16.0
    budget: float = 60.0


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries of 429 and 5xx.

    gspread's own BackOffHTTPClient retries a persistent error for minutes and retries
    on some errors that should fail at once; this one gives up after `policy`.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(auth, session)
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.jitter = jitter
        self.clock = clock
        self.requests_sent = 0
        self.bytes_sent = 0

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        started = self.clock()
        for attempt in range(1, self.policy.tries + 1):
            self.requests_sent += 1
            body = kwargs.get("json")
            if body is not None:
                self.bytes_sent += len(json.dumps(body, allow_nan=False).encode())
            try:
                return super().request(*args, **kwargs)
            except APIError as error:
                code = _status(error)
                if code not in _RETRIED or not self._wait(attempt, started):
                    raise
            except (requests.ConnectionError, requests.Timeout):
                if not self._wait(attempt, started):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, attempt: int, started: float) -> bool:
        """Sleep before the next attempt; False when no attempt is left in the budget."""
        if attempt >= self.policy.tries:
            return False
        delay = min(self.policy.cap, self.policy.base * 2 ** (attempt - 1)) * self.jitter()
        if self.clock() - started + delay > self.policy.budget:
            return False
        self.sleep(delay)
        return True


def _status(error: APIError) -> int:
    response = getattr(error, "response", None)
    return int(getattr(response, "status_code", 0) or 0)


def _explain(error: Exception, what: str) -> WorkbookError:
    """A Google failure as one Swedish line (no secrets, no cell contents)."""
    if isinstance(error, APIError):
        code = _status(error)
        message = ""
        with contextlib.suppress(ValueError, KeyError, TypeError):
            message = str(error.response.json()["error"]["message"])
        hints = {
            403: "kontot saknar behörighet: dela kalkylarket med tjänstekontots adress",
            404: "kalkylarket finns inte: kontrollera spreadsheet_id",
            429: "Google begränsar antalet anrop just nu: försök igen om en stund",
        }
        hint = hints.get(code, "Google svarade med ett fel" if code < 500 else "fel hos Google")
        return WorkbookError(f"{what}: {hint} (HTTP {code}{': ' + message if message else ''}).")
    if isinstance(error, requests.Timeout):
        return WorkbookError(f"{what}: Google svarade inte i tid.")
    return WorkbookError(f"{what}: ingen kontakt med Google ({type(error).__name__}).")


def load_credentials(config: WorkbookConfig, env: Mapping[str, str]) -> Any:
    """Service-account credentials from the key file, or from JSON in the environment."""
    from google.oauth2 import service_account

    raw = env.get(config.credentials_env, "").strip()
    try:
        if raw:
            info = json.loads(raw)
            return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                info, scopes=SCOPES
            )
        if config.credentials_file is not None:
            return service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(config.credentials_file), scopes=SCOPES
            )
    except FileNotFoundError:
        raise WorkbookError(f"Nyckelfilen {config.credentials_file} finns inte.") from None
    except (ValueError, KeyError) as error:
        source = config.credentials_env if raw else str(config.credentials_file)
        raise WorkbookError(
            f"Tjänstekontots nyckel i {source} går inte att läsa ({type(error).__name__})."
        ) from None
    raise WorkbookError(
        f"Inga inloggningsuppgifter för Google: sätt miljövariabeln {config.credentials_env} "
        "(tjänstekontots JSON) eller credentials_file i konfigurationen."
    )


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


@dataclass
class _Sheet:
    spreadsheet_id: str
    title: str
    sheet_id: int
    rows: int
    columns: int


class GoogleWorkbook:
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
        self.http = http
        self.account_email = account_email
        """The service account the scripts act as (for the access check)."""
        self.spreadsheet_id = spreadsheet_id
        self.followup_spreadsheet_id = followup_spreadsheet_id
        self.tab_names = dict(tab_names)
        self._sheets: dict[str, _Sheet] = {}

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

    # --- Which tab lives where -------------------------------------------------------------

    def spreadsheet_of(self, tab_name: str) -> str:
        followups = self.tab_names["followups"]
        if self.followup_spreadsheet_id and header_key(tab_name) == header_key(followups):
            return self.followup_spreadsheet_id
        return self.spreadsheet_id

    @property
    def spreadsheet_ids(self) -> list[str]:
        ids = [self.spreadsheet_id]
        if self.followup_spreadsheet_id and self.followup_spreadsheet_id != self.spreadsheet_id:
            ids.append(self.followup_spreadsheet_id)
        return ids

    def call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except (APIError, requests.RequestException) as error:
            raise _explain(error, what) from None

    # --- Read ------------------------------------------------------------------------------

    def _metadata(self, spreadsheet_id: str) -> list[_Sheet]:
        data = self.call(
            "Kan inte öppna kalkylarket",
            lambda: self.http.fetch_sheet_metadata(
                spreadsheet_id,
                params={"includeGridData": "false", "fields": "sheets(properties,protectedRanges)"},
            ),
        )
        sheets = []
        for sheet in data.get("sheets", []):
            properties = sheet["properties"]
            grid = properties.get("gridProperties", {})
            sheets.append(
                _Sheet(
                    spreadsheet_id,
                    properties["title"],
                    int(properties["sheetId"]),
                    int(grid.get("rowCount", 0)),
                    int(grid.get("columnCount", 0)),
                )
            )
        return sheets

    def metadata(self, spreadsheet_id: str) -> Mapping[str, Any]:
        """The raw metadata of one spreadsheet (for init and check_setup)."""
        return self.call(  # type: ignore[no-any-return]
            "Kan inte öppna kalkylarket",
            lambda: self.http.fetch_sheet_metadata(spreadsheet_id),
        )

    def batch_get(self, spreadsheet_id: str, titles: Sequence[str]) -> dict[str, Grid]:
        if not titles:
            return {}
        data = self.call(
            "Kan inte läsa kalkylarket",
            lambda: self.http.values_batch_get(
                spreadsheet_id,
                [quote_sheet(title) for title in titles],
                params={
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS",
                },
            ),
        )
        ranges = data.get("valueRanges", [])
        return {
            title: grid_rows(r.get("values", [])) for title, r in zip(titles, ranges, strict=True)
        }

    def read(self) -> dict[str, Grid]:
        """Every tab of both spreadsheets: one metadata and one batchGet request each."""
        grids: dict[str, Grid] = {}
        self._sheets = {}
        for spreadsheet_id in self.spreadsheet_ids:
            sheets = self._metadata(spreadsheet_id)
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
            for sheet in self._metadata(spreadsheet_id):
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
        for write in resolution.writes:
            needed[write.tab_name] = max(needed[write.tab_name], write.row + 1)
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
            self._sheets[header_key(name)] = _Sheet(spreadsheet_id, name, -1, rows, 26)
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
                raw[spreadsheet_id].append(_row_range(title, row, texts, json_value))
            if dates:
                entered[spreadsheet_id].append(_row_range(title, row, dates, _date_entry))
        for option, batches in (("RAW", raw), ("USER_ENTERED", entered)):
            for spreadsheet_id, data in batches.items():
                body = {"valueInputOption": option, "data": data}
                self.call(
                    "Kan inte skriva i kalkylarket",
                    partial(self.http.values_batch_update, spreadsheet_id, body),
                )

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create missing tabs and headers; see google_setup.initialise for formatting."""
        from medlemsrutiner.workbook.google_setup import initialise

        return initialise(self, tabs)


def cell_range(title: str, row: int, column: int) -> str:
    """An A1 range of one cell, 0-based row and column: `'Logg'!C5`."""
    return f"{quote_sheet(title)}!{rowcol_to_a1(row + 1, column + 1)}"


def quote_sheet(title: str) -> str:
    """A sheet name as an A1 range: `'Uppföljning'`, with `'` doubled."""
    return "'" + title.replace("'", "''") + "'"


def _by_row(
    cells: Iterable[tuple[str, int, int, CellValue]],
) -> dict[tuple[str, int], dict[int, CellValue]]:
    rows: dict[tuple[str, int], dict[int, CellValue]] = defaultdict(dict)
    for name, row, column, value in cells:
        rows[(name, row)][column] = value
    return rows


def _row_range(
    title: str, row: int, values: Mapping[int, CellValue], convert: Callable[[CellValue], Any]
) -> dict[str, Any]:
    """One ValueRange for a row: the span of written columns, `null` where nothing is written."""
    first, last = min(values), max(values)
    span = [convert(values[c]) if c in values else None for c in range(first, last + 1)]
    start = rowcol_to_a1(row + 1, first + 1)
    end = rowcol_to_a1(row + 1, last + 1)
    return {
        "range": f"{quote_sheet(title)}!{start}:{end}",
        "majorDimension": "ROWS",
        "values": [span],
    }


def json_value(value: CellValue) -> Any:
    """A value as JSON for RAW input: plain str/int/float, "" to clear; never NaN or numpy."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | int | float):
        value = value.item()  # numpy scalar
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return "" if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int | str):
        return value
    return str(value)


def _date_entry(value: CellValue) -> str:
    assert isinstance(value, dt.date)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()
