"""The Google Sheets client: the only place that talks to Google (through gspread's HTTP
client). Does network I/O.

`RetryingHTTPClient` retries what may succeed when tried again, and nothing else:

* a 429 (the service account's quota, counted per minute) waits until its `Retry-After`, or
  else until just past the next minute boundary, and tries again within `quota_budget`
  seconds per request (at least 70: a quota spent now is whole again within a minute);
* a 5xx, or a connection that failed before the request was sent, waits a short, doubling,
  jittered backoff (`tries`, `base`, `cap`, `budget`);
* a timeout or a connection dropped after the request was sent *may have landed*: a request
  that is idempotent (a read, a batchUpdate that only sets cells, formats and visibility) is
  sent again, but one that is not (`appendDimension`, `addSheet`, `addChart`, …) is never
  resent blind: it fails as `GoogleError(uncertain=True)` and the caller re-reads and decides
  (`workbook.py`).

The clock, the wall clock and the sleep are injectable, so tests wait minutes in no time.
Anything else fails with a clear Swedish message (`explain`, a `GoogleError` carrying the HTTP
status). `Spreadsheets` knows which tab lives in which spreadsheet (Uppföljning may live in a
second one that only the coordinator can open), reads metadata and values (unformatted, with
dates as serial numbers, a formula as its result — what a person sees —; a whole-tab read also
tells each tab's grid size, from the range Google echoes) and sends `spreadsheets:batchUpdate`.
The workbook backend (`workbook.py`) and the set-up (`setup.py`) build on it.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from google.auth.exceptions import RefreshError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

from medlemsrutiner.adapters.google.chart import EmbeddedChart
from medlemsrutiner.adapters.google.retries import RetryPolicy as RetryPolicy  # re-exported
from medlemsrutiner.adapters.google.retries import idempotent, retry_after, was_sent
from medlemsrutiner.adapters.workbook import grid_rows
from medlemsrutiner.config import WorkbookConfig
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.sheet.schema import Grid, header_key

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.metadata.readonly",
)
_TRANSIENT = frozenset({500, 502, 503, 504})
QUOTA = 429
SHEET_FIELDS = "sheets(properties,protectedRanges,charts(chartId,spec),basicFilter,filterViews)"
"""What the run's metadata request asks for: each tab's properties (title, id, grid size), its
protected ranges, and its charts' ids and specs — no grid data, no formats, no positions."""


class MayHaveLanded(requests.RequestException):
    """A request that is not idempotent timed out or lost its connection after it was sent:
    Google may have carried it out. `late`: a timeout (it may still be under way)."""

    def __init__(self, cause: requests.RequestException, *, late: bool) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.late = late


class Clock(Protocol):
    """What the retries wait on and measure: a sleep, a monotonic clock and the wall clock
    (seconds since the epoch). The CLI gives the system's (`cli.shell.SYSTEM_CLOCK`, the only
    reader of the clock); tests give their own, on which a wait of minutes takes no time."""

    def sleep(self, seconds: float) -> None: ...

    def monotonic(self) -> float: ...

    def time(self) -> float: ...


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded, quota-aware retries (see the module docstring).

    gspread's own BackOffHTTPClient retries a persistent error for minutes, resends whatever
    timed out, and retries some errors that should fail at once; this one does not.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth, session)
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.jitter = jitter
        self.requests_sent = 0

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        started = self.clock.monotonic()
        transient = quota = 0
        method = str(kwargs.get("method", args[0] if args else "GET"))
        endpoint = str(kwargs.get("endpoint", args[1] if len(args) > 1 else ""))
        body = kwargs.get("json")
        repeatable = idempotent(method, endpoint, body)
        while True:
            self.requests_sent += 1
            try:
                return super().request(*args, **kwargs)
            except APIError as error:
                code = _status(error)
                if code == QUOTA:
                    quota += 1
                    delay = self._quota_wait(error, quota, started)
                elif code in _TRANSIENT:
                    transient += 1
                    delay = self._backoff(transient, started)
                else:
                    raise
                if delay is None:
                    raise
            except (requests.ConnectionError, requests.Timeout) as error:
                sent = was_sent(error)
                if sent and not repeatable:
                    raise MayHaveLanded(error, late=isinstance(error, requests.Timeout)) from error
                transient += 1
                delay = self._backoff(transient, started)
                if delay is None:
                    raise
            self.clock.sleep(delay)

    def _backoff(self, attempt: int, started: float) -> float | None:
        """The wait before another try after a transient error; None when none is left."""
        if attempt >= self.policy.tries:
            return None
        delay = min(self.policy.cap, self.policy.base * 2.0 ** (attempt - 1)) * self.jitter()
        if self.clock.monotonic() - started + delay > self.policy.budget:
            return None
        return delay

    def _quota_wait(self, error: APIError, attempt: int, started: float) -> float | None:
        """The wait after a 429: its Retry-After, or until just past the next minute boundary
        of the wall clock; None when that would pass the quota budget."""
        if attempt >= self.policy.quota_tries:
            return None
        delay = retry_after(getattr(error.response, "headers", None), self.clock.time())
        if delay is None:
            now = self.clock.time()
            delay = (now // 60 + 1) * 60 - now + 1 + self.policy.quota_spread * self.jitter()
        if self.clock.monotonic() - started + delay > self.policy.quota_budget:
            return None
        return delay

    def wait_for_landing(self) -> None:
        """After a request timed out: give it as long again to land at Google before the
        caller re-reads to decide whether it did."""
        if self.timeout:
            timeout = self.timeout if isinstance(self.timeout, int | float) else max(self.timeout)
            self.clock.sleep(float(timeout))


def _status(error: APIError) -> int:
    response = getattr(error, "response", None)
    return int(getattr(response, "status_code", 0) or 0)


class GoogleError(WorkbookError):
    """Google refused a request, or could not be reached (`status` 0). `uncertain`: a write
    that may have landed (see MayHaveLanded), `late` when it timed out."""

    def __init__(
        self, message: str, status: int = 0, *, uncertain: bool = False, late: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.uncertain = uncertain
        self.late = late


_PROTECTED = "protected cell or object"
"""What Google answers (HTTP 400) to a write into a range a person protected (*Data → Protect
sheets and ranges*) that the service account may not edit."""


def explain(error: Exception, what: str) -> GoogleError:
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
        if _PROTECTED in message.casefold():
            hint = (
                "en cell som körningen skriver är skyddad (Data → Skydda blad och intervall), "
                "och tjänstekontot får inte redigera den: lägg till tjänstekontots adress bland "
                "dem som får redigera skyddet, eller ta bort skyddet"
            )
        return GoogleError(
            f"{what}: {hint} (HTTP {code}{': ' + message if message else ''}).", code
        )
    if isinstance(error, MayHaveLanded):
        why = "Google svarade inte i tid" if error.late else "förbindelsen med Google bröts"
        return GoogleError(
            f"{what}: {why}, och det är okänt om ändringen hann göras: kör igen, så läses "
            "kalkylarket på nytt.",
            uncertain=True,
            late=error.late,
        )
    if isinstance(error, RefreshError):
        return GoogleError(
            f"{what}: Google godtar inte tjänstekontots nyckel (den kan ha tagits bort eller "
            "gått ut): skapa en ny nyckel och byt ut den."
        )
    if isinstance(error, requests.Timeout):
        return GoogleError(f"{what}: Google svarade inte i tid.")
    return GoogleError(f"{what}: ingen kontakt med Google ({type(error).__name__}).")


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


@dataclass(frozen=True)
class Sheet:
    """A tab as the metadata describes it: where it lives, its id, its grid's size, the
    charts overlaid on it, and its filters (the basic filter and the filter views, as
    Google's JSON: their criteria may hold values a write erases, `filters.py`)."""

    spreadsheet_id: str
    title: str
    sheet_id: int
    rows: int
    columns: int
    charts: tuple[EmbeddedChart, ...] = ()
    basic_filter: Mapping[str, Any] | None = None
    filter_views: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class TabValues:
    """One tab read whole: its values, and its grid's size as Google echoed it (None when the
    echoed range could not be read)."""

    grid: Grid
    size: tuple[int, int] | None


class Spreadsheets:
    """The spreadsheet(s) of one workbook through a retrying client: which tab lives where,
    metadata, and reading values. GoogleWorkbook and the set-up build on it."""

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

    # --- Which tab lives where -------------------------------------------------------------

    def spreadsheet_of(self, tab_name: str) -> str:
        followups = self.tab_names.get("followups")
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
        except (APIError, requests.RequestException, RefreshError) as error:
            raise explain(error, what) from None

    # --- Reading ---------------------------------------------------------------------------

    def sheets(self, spreadsheet_id: str) -> list[Sheet]:
        """Every tab of one spreadsheet: one metadata request, which also brings each tab's
        charts (their ids and specs: what keeping the Statistik chart on its block needs) and
        filters (what an erasure must clear of the values it erases)."""
        data = self.call(
            "Kan inte öppna kalkylarket",
            lambda: self.http.fetch_sheet_metadata(
                spreadsheet_id,
                params={"includeGridData": "false", "fields": SHEET_FIELDS},
            ),
        )
        sheets = []
        for sheet in data.get("sheets", []):
            properties = sheet["properties"]
            grid = properties.get("gridProperties", {})
            sheets.append(
                Sheet(
                    spreadsheet_id,
                    properties["title"],
                    int(properties["sheetId"]),
                    int(grid.get("rowCount", 0)),
                    int(grid.get("columnCount", 0)),
                    tuple(EmbeddedChart.from_json(chart) for chart in sheet.get("charts", [])),
                    sheet.get("basicFilter"),
                    tuple(sheet.get("filterViews", ())),
                )
            )
        return sheets

    def metadata(self, spreadsheet_id: str, fields: str | None = None) -> Mapping[str, Any]:
        """The raw metadata of one spreadsheet (for init), only `fields` when given (a field
        mask, which may ask for parts of each tab's grid data, such as column widths)."""
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "includeGridData": "false"
        }
        if fields:
            params["fields"] = fields
        return self.call(  # type: ignore[no-any-return]
            "Kan inte öppna kalkylarket",
            lambda: self.http.fetch_sheet_metadata(spreadsheet_id, params=params),
        )

    def batch_get(self, spreadsheet_id: str, titles: Sequence[str]) -> dict[str, Grid]:
        """The values of whole tabs, in one request."""
        return {title: tab.grid for title, tab in self.read_tabs(spreadsheet_id, titles).items()}

    def read_tabs(self, spreadsheet_id: str, titles: Sequence[str]) -> dict[str, TabValues]:
        """Whole tabs in one `values:batchGet`: values, and each grid's size (Google bounds the
        range it echoes for a whole tab by the grid: `'Logg'!A1:E1000` is 1000 rows, 5 columns),
        so no metadata request is needed to learn the size now."""
        if not titles:
            return {}
        data = self.call(
            "Kan inte läsa kalkylarket",
            lambda: self.http.values_batch_get(
                spreadsheet_id,
                [quote_sheet(title) for title in titles],
                params={
                    # What a person sees, unformatted: a formula's result (an error as `#REF!`).
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS",
                },
            ),
        )
        ranges = data.get("valueRanges", [])
        return {
            title: TabValues(grid_rows(r.get("values", [])), grid_size(str(r.get("range", ""))))
            for title, r in zip(titles, ranges, strict=True)
        }

    def update(
        self, spreadsheet_id: str, requests_: Sequence[Mapping[str, Any]]
    ) -> list[Mapping[str, Any]]:
        """One `spreadsheets:batchUpdate`: every request lands, or none does (Google applies a
        batch atomically). Returns the replies, one per request (`{}` for most kinds)."""
        answer = self.call(
            "Kan inte skriva i kalkylarket",
            lambda: self.http.batch_update(spreadsheet_id, {"requests": list(requests_)}),
        )
        replies = answer.get("replies") if isinstance(answer, Mapping) else None
        return list(replies or [{} for _ in requests_])


def grid_size(echoed: str) -> tuple[int, int] | None:
    """(rows, columns) of the grid from the range Google echoes for a whole-tab read."""
    cells = echoed.rpartition("!")[2]
    try:
        grid = a1_range_to_grid_range(cells)
    except (ValueError, TypeError, AttributeError):
        return None
    if grid.get("startRowIndex", 0) != 0 or grid.get("startColumnIndex", 0) != 0:
        return None
    rows, columns = grid.get("endRowIndex"), grid.get("endColumnIndex")
    if not isinstance(rows, int) or not isinstance(columns, int):
        return None
    return rows, columns


def cell_range(title: str, row: int, column: int) -> str:
    """An A1 range of one cell, 0-based row and column: `'Logg'!C5`."""
    return f"{quote_sheet(title)}!{rowcol_to_a1(row + 1, column + 1)}"


def quote_sheet(title: str) -> str:
    """A sheet name as an A1 range: `'Uppföljning'`, with `'` doubled."""
    return "'" + title.replace("'", "''") + "'"
