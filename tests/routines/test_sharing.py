"""Sharing checked everywhere, every week: check_setup looks at who can open every spreadsheet
the workbook uses (the main one and the follow-up's), and the weekly run does the same and puts
what is wrong in the summary's health section — by kind and count, never an address. Against
the local Sheets API's Drive permissions, through the real gspread client."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.setup import check_setup, exit_code
from medlemsrutiner.routines.weekly import WeeklyReport, run_weekly
from tests.adapters.harness import GoogleHarness
from tests.fakes.sheets_api import FakeSheetsApi
from tests.fakes.transports import RecordingTransport
from tests.routines.weekly_mail import html_section, part, text_sections
from tests.support import NOW, REPO, TODAY, workbook_grids

COORDINATOR = {"type": "user", "role": "owner", "emailAddress": "medlemsansvarig@example.org"}
ROBOT = {"type": "user", "role": "writer", "emailAddress": "robot@example.org"}
LINK = {"type": "anyone", "role": "reader"}
DOMAIN = {"type": "domain", "role": "reader", "domain": "example.org"}
COLLEAGUE = {"type": "user", "role": "writer", "emailAddress": "kollega@example.org"}


@pytest.fixture
def two_sheets(sheets_api: FakeSheetsApi, tmp_path: Path) -> GoogleHarness:
    two_sheets = GoogleHarness(tmp_path, sheets_api, followup_spreadsheet=True)
    two_sheets.seed(workbook_grids())
    return two_sheets


def share(two_sheets: GoogleHarness, main: list[Any], followup: list[Any]) -> None:
    assert two_sheets.followup_id is not None
    two_sheets.api.set_permissions(two_sheets.spreadsheet_id, [COORDINATOR, ROBOT, *main])
    two_sheets.api.set_permissions(two_sheets.followup_id, [COORDINATOR, ROBOT, *followup])


def weekly(two_sheets: GoogleHarness) -> tuple[WeeklyReport, EmailMessage]:
    transport = RecordingTransport()
    with two_sheets.workbook() as workbook:
        report = run_weekly(
            workbook, transport, Renderer(REPO / "templates"), two_sheets.config, TODAY, NOW
        )
    (summary,) = [e.message for e in transport.sent if "vecka" in str(e.message["Subject"])]
    return report, summary


def warnings(two_sheets: GoogleHarness) -> list[str]:
    checks = check_setup(two_sheets.config, two_sheets.workbook, {}, TODAY)
    return [
        check.text
        for check in checks
        if check.warning and not check.task and "exemplet" not in check.text
    ]


def test_check_setup_warns_when_the_main_spreadsheet_is_shared_by_link(
    two_sheets: GoogleHarness,
) -> None:
    share(two_sheets, [LINK], [])
    (warning,) = warnings(two_sheets)
    assert warning.startswith("Kalkylarket med Intresserade kan öppnas av alla som har länken")
    assert "Dela → Allmän åtkomst → Begränsad" in warning


def test_check_setup_warns_when_the_followup_is_shared_with_a_domain_or_a_colleague(
    two_sheets: GoogleHarness,
) -> None:
    share(two_sheets, [COLLEAGUE], [DOMAIN, COLLEAGUE])
    found = warnings(two_sheets)
    assert len(found) == 2
    assert found[0].startswith("Kalkylarket med Uppföljning kan öppnas av alla i domänen")
    assert "kollega@example.org (writer)" in found[1]  # check_setup is the coordinator's screen


def test_check_setup_is_content_with_a_spreadsheet_only_its_people_can_open(
    two_sheets: GoogleHarness,
) -> None:
    share(two_sheets, [COLLEAGUE], [])  # the main one may have more editors, the follow-up not
    assert warnings(two_sheets) == []
    checks = check_setup(two_sheets.config, two_sheets.workbook, {}, TODAY)
    assert exit_code(checks) == 1  # only because test data keeps the example's addresses


def test_the_weekly_summary_reports_a_spreadsheet_shared_by_link_without_an_address(
    two_sheets: GoogleHarness,
) -> None:
    share(two_sheets, [LINK], [COLLEAGUE])
    report, summary = weekly(two_sheets)
    assert report.exit_code == 1 and report.sharing == 2
    assert any("KONTROLLERA delningen" in line for line in report.lines())
    lines = text_sections(part(summary, "plain"))["DELNINGEN ATT RÄTTA"]
    assert lines == [
        "- Kalkylarket med Intresserade: kan öppnas av alla som har länken. Ändra under Dela → "
        "Allmän åtkomst → Begränsad.",
        "- Uppföljningens kalkylark: kan öppnas av 1 person till utöver dig och tjänstekontot. "
        "Ta bort dem under Dela.",
    ]
    html = html_section(part(summary, "html"), "Körningen")
    assert html.items[0].startswith("Kalkylarket med Intresserade: kan öppnas av alla som har")
    for text in (part(summary, "plain"), part(summary, "html"), *report.lines()):
        assert "kollega@" not in text


def test_the_weekly_summary_says_when_sharing_could_not_be_checked(
    two_sheets: GoogleHarness,
) -> None:
    two_sheets.api.inject(403, match="/permissions", message="Drive API has not been used")
    report, summary = weekly(two_sheets)
    (line,) = text_sections(part(summary, "plain"))["DELNINGEN ATT RÄTTA"]
    assert "delningen kunde inte kontrolleras (Kan inte läsa behörigheterna (Drive)" in line
    assert report.exit_code == 1


def test_a_weekly_summary_of_well_shared_spreadsheets_has_nothing_about_sharing(
    two_sheets: GoogleHarness,
) -> None:
    share(two_sheets, [COLLEAGUE], [])
    report, summary = weekly(two_sheets)
    assert report.sharing == 0 and report.exit_code == 0
    assert "DELNINGEN" not in part(summary, "plain")
    requests = [r.path for r in two_sheets.api.requests if "/permissions" in r.path]
    assert len(requests) == 2  # each spreadsheet, every week
