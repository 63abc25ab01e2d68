"""A Google Sheet a person protected: a write into a protected range that the service account
may not edit is refused by Google (HTTP 400). The run says so in Swedish and what to do, with
exit 2 and nothing sent when the refusal comes before the letters, and as its failed last write
(exit 1, no letter twice) when it comes after them — through the real gspread client against
the local Sheets API."""

from __future__ import annotations

import pytest

from medlemsrutiner.errors import EXIT_NOTHING_DONE, WorkbookError
from tests.adapters.harness import GoogleHarness, daily_run
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import newcomer, read_outbox, workbook_grids

PROTECTED = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to "
    "remove protection if you need to edit."
)


def test_a_protected_range_refusing_the_first_write_is_exit_2_saying_what_to_do(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    before = harness.raw_bytes()
    api.inject(400, times=10, match=":batchUpdate", message=PROTECTED)
    with pytest.raises(WorkbookError, match="Skydda blad och intervall") as raised:
        daily_run(harness)
    assert raised.value.exit_code == EXIT_NOTHING_DONE
    assert "lägg till tjänstekontots adress" in str(raised.value)
    api.clear_faults()
    assert harness.raw_bytes() == before
    assert read_outbox(harness.config.mail.outbox) == []


def test_a_protected_range_refusing_the_last_write_is_the_reports_failed_write(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    api.inject(400, times=10, match=harness.spreadsheet_id + ":batchUpdate", skip=1,
               message=PROTECTED)  # fmt: skip
    report = daily_run(harness)
    assert report.exit_code == 1 and report.sent == {"welcome": [1, 2]}
    assert report.write_error is not None and "Skydda blad och intervall" in report.write_error
    api.clear_faults()
    assert daily_run(harness).sent == {}
    assert len(read_outbox(harness.config.mail.outbox)) == 2
