"""Retries that respect Google's quota and never repeat what may have landed: a 429 waits past
the next minute (or its Retry-After), for at least 70 seconds per request; other passing errors
keep short backoffs; a write that grows a grid, adds a tab or a chart and loses its answer is
re-read and decided, never resent blind. Through the real gspread client against the local
Sheets API, on a clock the test owns (minutes pass in no time, the same for client and fake)."""

from __future__ import annotations

import dataclasses
import email.utils
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.auth.exceptions import RefreshError
from gspread.exceptions import APIError

from medlemsrutiner.adapters.google.client import (
    GoogleError,
    RetryingHTTPClient,
    RetryPolicy,
    Spreadsheets,
    explain,
)
from medlemsrutiner.adapters.google.retries import idempotent
from medlemsrutiner.errors import WorkbookError
from tests.adapters.harness import GoogleHarness, daily_run
from tests.fakes.clock import FakeClock
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest
from tests.support import mixed_rows, read_outbox, workbook_grids


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(into_minute=30)


@pytest.fixture
def timed_api(clock: FakeClock) -> Iterator[FakeSheetsApi]:
    with FakeSheetsApi(clock=clock.monotonic) as api:
        yield api


def client(
    api: FakeSheetsApi, clock: FakeClock, policy: RetryPolicy | None = None, jitter: float = 0.0
) -> RetryingHTTPClient:
    return RetryingHTTPClient(
        None,
        api.session(),
        policy=policy or RetryPolicy(),
        jitter=lambda: jitter,
        clock=clock,
    )


# --- the quota ----------------------------------------------------------------------------------


@pytest.mark.parametrize("into_minute", [0.0, 30.0, 59.5])
def test_a_429_is_tried_again_just_past_the_next_minute(into_minute: float) -> None:
    clock = FakeClock(into_minute=into_minute)
    with FakeSheetsApi(clock=clock.monotonic) as api:
        spreadsheet = api.create_spreadsheet("x")
        api.inject(429, times=1)
        client(api, clock).fetch_sheet_metadata(spreadsheet)
        first, second = api.requests
    assert (first.status, second.status) == (429, 200)
    assert clock.minute(second.at) == clock.minute(first.at) + 1
    assert second.at - first.at <= 60 - into_minute + 1


def test_a_429_waits_as_long_as_its_retry_after_says(
    timed_api: FakeSheetsApi, clock: FakeClock
) -> None:
    spreadsheet = timed_api.create_spreadsheet("x")
    timed_api.outage(429, seconds=1, retry_after="7")
    client(timed_api, clock).fetch_sheet_metadata(spreadsheet)
    first, second = timed_api.requests
    assert second.at - first.at == 7 and second.status == 200


def test_a_retry_after_given_as_a_date_is_honoured(
    timed_api: FakeSheetsApi, clock: FakeClock
) -> None:
    spreadsheet = timed_api.create_spreadsheet("x")
    when = email.utils.formatdate(clock.time() + 20, usegmt=True)
    timed_api.outage(429, seconds=1, retry_after=when)
    client(timed_api, clock).fetch_sheet_metadata(spreadsheet)
    first, second = timed_api.requests
    assert 19 <= second.at - first.at <= 20


def test_the_quota_gets_at_least_seventy_seconds_per_request_then_a_clear_error(
    timed_api: FakeSheetsApi, clock: FakeClock, harness: GoogleHarness
) -> None:
    timed_api.outage(429, seconds=10_000)
    harness.api, harness.clock = timed_api, clock
    harness.seed(workbook_grids())
    with pytest.raises(WorkbookError, match="Google begränsar antalet anrop just nu"):
        harness.workbook().read()
    assert RetryPolicy().quota_budget >= 70
    assert 70 <= clock.monotonic() <= RetryPolicy().quota_budget
    assert len(timed_api.requests) >= 2


def test_other_passing_errors_keep_short_doubling_backoffs(
    timed_api: FakeSheetsApi, clock: FakeClock
) -> None:
    spreadsheet = timed_api.create_spreadsheet("x")
    timed_api.inject(503, times=4)
    policy = RetryPolicy(tries=5, base=1, cap=3, budget=60)
    client(timed_api, clock, policy, jitter=1.0).fetch_sheet_metadata(spreadsheet)
    assert clock.sleeps == [1, 2, 3, 3]


def test_retrying_a_passing_error_stops_when_its_time_budget_is_spent(
    timed_api: FakeSheetsApi, clock: FakeClock
) -> None:
    spreadsheet = timed_api.create_spreadsheet("x")
    timed_api.inject(500, times=100)
    policy = RetryPolicy(tries=50, base=4, cap=16, budget=30)
    with pytest.raises(APIError):
        client(timed_api, clock, policy, jitter=1.0).fetch_sheet_metadata(spreadsheet)
    assert sum(clock.sleeps) <= 30 and len(clock.sleeps) < 10


def test_a_daily_run_through_sixty_five_seconds_of_429_ends_as_a_run_without_it(
    timed_api: FakeSheetsApi, clock: FakeClock, tmp_path: Path
) -> None:
    """Google answers 429 from the run's first request for 65 s, then recovers: the run waits
    twice past a minute and ends exactly as the same run on a quiet day."""
    runs = {}
    for name in ("quiet", "quota"):
        harness = GoogleHarness(tmp_path / name, timed_api)
        harness.clock = clock
        harness.seed(workbook_grids(newcomers=mixed_rows(10)))
        if name == "quota":
            started = clock.monotonic()
            outage = timed_api.outage(429, seconds=65, match=harness.spreadsheet_id)
        report = daily_run(harness)
        runs[name] = (
            report.exit_code,
            report.sent,
            report.write_error,
            {tab: harness.tab(tab) for tab in ("Intresserade", "Uppföljning", "Logg")},
            sorted(str(m["To"]) for m in read_outbox(harness.config.mail.outbox)),
        )
    assert runs["quota"] == runs["quiet"]
    assert runs["quota"][1]["welcome"]  # letters went out, once each
    assert outage.hits >= 2 and clock.monotonic() - started >= 65
    answered = [r for r in timed_api.requests if harness.spreadsheet_id in r.path]
    assert [r.status for r in answered if r.at >= started + 65] == [200] * len(
        [r for r in answered if r.at >= started + 65]
    )


def test_an_expired_or_deleted_key_is_one_clear_line() -> None:
    error = explain(RefreshError("invalid_grant: Invalid JWT Signature."), "Kan inte öppna")  # type: ignore[no-untyped-call]
    assert "Google godtar inte tjänstekontots nyckel" in str(error)
    assert "JWT" not in str(error)

    def refused() -> None:
        raise RefreshError("invalid_grant")  # type: ignore[no-untyped-call]

    sheets = Spreadsheets(None, "x", {})  # type: ignore[arg-type]
    with pytest.raises(GoogleError, match="skapa en ny nyckel"):
        sheets.call("Kan inte öppna kalkylarket", refused)


# --- what may have landed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["updateCells", "updateDimensionProperties", "updateChartSpec", "repeatCell"], True),
        (["updateCells", "appendDimension"], False),
        (["addSheet", "updateCells"], False),
        (["addChart"], False),
        (["addConditionalFormatRule"], False),
        (["addProtectedRange"], False),
    ],
)
def test_a_batch_update_is_idempotent_only_when_every_request_sets_something(
    kinds: list[str], expected: bool
) -> None:
    body: dict[str, Any] = {"requests": [{kind: {}} for kind in kinds]}
    url = "https://sheets.googleapis.com/v4/spreadsheets/x:batchUpdate"
    assert idempotent("post", url, body) is expected
    assert idempotent("GET", "https://sheets.googleapis.com/v4/spreadsheets/x", None)
    assert idempotent("get", url.replace(":batchUpdate", "/values:batchGet"), None)


def holding(kind: str) -> Any:
    def matches(record: RecordedRequest) -> bool:
        return record.path.endswith(":batchUpdate") and kind in record.body.decode()

    return matches


def growing(tmp_path: Path, api: FakeSheetsApi, name: str) -> GoogleHarness:
    """A district whose Logg grid is full, so the day's first write appends rows to it."""
    harness = GoogleHarness(tmp_path / name, api)
    harness.row_count = 1
    harness.seed(workbook_grids(newcomers=mixed_rows(10)))
    return harness


def outcome(harness: GoogleHarness) -> Any:
    report = daily_run(harness)
    spreadsheet = harness.spreadsheet_id
    return (
        report.exit_code,
        report.sent,
        report.write_error,
        {tab: harness.tab(tab) for tab in ("Intresserade", "Uppföljning", "Logg", "Statistik")},
        {
            tab: harness.api.sheet_properties(spreadsheet, tab)["gridProperties"]
            for tab in ("Logg", "Statistik", "Intresserade")
        },
        len(harness.api.charts(spreadsheet, "Statistik")),
        sorted(str(m["To"]) for m in read_outbox(harness.config.mail.outbox)),
    )


@pytest.mark.parametrize("kind", ["appendDimension", "addChart"])
@pytest.mark.parametrize("landed", [True, False], ids=["after it landed", "before it landed"])
def test_a_write_that_lost_its_connection_is_re_read_and_decided_never_resent_blind(
    api: FakeSheetsApi, tmp_path: Path, kind: str, landed: bool
) -> None:
    quiet = outcome(growing(tmp_path, api, "quiet"))
    harness = growing(tmp_path, api, "dropped")
    fault = api.inject(drop=True, after_commit=landed, match=holding(kind))
    dropped = outcome(harness)
    assert fault.hits == 1
    # Exactly what a run without the fault leaves: the grid grown once, one chart, each Logg
    # row and each letter once.
    assert dropped == quiet
    batches = [r for r in api.requests if harness.spreadsheet_id in r.path]
    sent_twice = sum(holding(kind)(r) for r in batches)
    assert sent_twice == (1 if landed else 2)


def test_a_write_that_timed_out_is_given_time_to_land_before_it_is_decided(
    api: FakeSheetsApi, tmp_path: Path
) -> None:
    quiet = outcome(growing(tmp_path, api, "quiet"))
    harness = growing(tmp_path, api, "late")
    harness.real_time = True  # the write lands 0.5 s later in real time; the run waits for it
    workbook = dataclasses.replace(harness.config.workbook, timeout_seconds=0.3)
    harness.config = dataclasses.replace(harness.config, workbook=workbook)
    fault = api.inject(delay=0.5, match=holding("appendDimension"))  # lands after 0.5 s
    assert outcome(harness) == quiet
    assert fault.hits == 1
    assert sum(holding("appendDimension")(r) for r in api.requests) == 2  # quiet's, and this


def test_a_write_that_only_sets_cells_is_simply_sent_again(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(10)))
    fault = api.inject(drop=True, match=":batchUpdate")
    daily_run(harness)
    assert fault.hits == 1
    first, again = [i for i, r in enumerate(api.requests) if r.path.endswith(":batchUpdate")][:2]
    assert again == first + 1  # no re-read in between
    assert api.requests[first].body == api.requests[again].body


def test_a_write_lost_twice_before_it_landed_fails_as_a_write_and_nothing_goes_twice(
    api: FakeSheetsApi, tmp_path: Path
) -> None:
    harness = growing(tmp_path, api, "twice")
    fault = api.inject(drop=True, times=2, match=holding("appendDimension"))
    report = daily_run(harness)  # the day's last write grows Logg: lost, re-read, lost again
    assert fault.hits == 2
    assert report.write_error is not None and "förbindelsen med Google bröts" in report.write_error
    letters = len(read_outbox(harness.config.mail.outbox))
    assert letters > 0
    again = daily_run(harness)
    assert again.write_error is None
    assert len(read_outbox(harness.config.mail.outbox)) == letters  # markers: never resent
