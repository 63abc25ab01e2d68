"""Every cell the run writes gets the number format its column needs, whatever format the cell
had: a coordinator who formats whole rows of Uppföljning as dates still sees (and the next run
still reads) the IDs the run appends as numbers, on a real .xlsx file and through the real
gspread client against the local Sheets API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from medlemsrutiner.sheet.presentation import GENERAL, PERCENT_FORMAT, ColumnLook, written_format
from tests.adapters.harness import GoogleHarness, XlsxHarness, daily_run
from tests.fakes.sheets_api import FakeSheetsApi, gspread_client
from tests.support import DAY, TODAY, newcomer, workbook_grids

DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}


def _referred(row_id: int) -> dict[str, object]:
    return newcomer(row_id, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="Centrumgruppen")


def _grids() -> dict[str, list[list[object]]]:
    return workbook_grids(newcomers=[_referred(3), _referred(4)])


def test_xlsx_ids_appended_to_rows_formatted_as_dates_stay_numbers(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(_grids())
    book = openpyxl.load_workbook(harness.path)
    for row in book["Uppföljning"].iter_rows(min_row=2, max_row=40, max_col=14):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"  # whole rows formatted as dates
    book.save(harness.path)

    daily_run(harness)
    sheet = openpyxl.load_workbook(harness.path)["Uppföljning"]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, row, strict=False)) for row in sheet.iter_rows(min_row=2)]
    ids = [row["ID"] for row in rows if row["ID"].value is not None]
    assert [(cell.value, cell.number_format) for cell in ids] == [(3, GENERAL), (4, GENERAL)]
    first = rows[0]
    assert first["Hänvisad"].value == dt.datetime.combine(TODAY, dt.time())
    assert first["Hänvisad"].number_format == "yyyy-mm-dd"
    assert first["Namn"].number_format == GENERAL and first["Namn"].value == "Testa Person3"

    second = daily_run(harness, TODAY + DAY)  # reads the IDs back as IDs: nothing to fix
    assert second.exit_code == 0, second.lines()
    assert not any("läsbart ID" in line for line in second.lines())


def test_google_ids_appended_to_rows_formatted_as_dates_stay_numbers(
    tmp_path: Path, sheets_api: FakeSheetsApi
) -> None:
    harness = GoogleHarness(tmp_path, sheets_api)
    harness.seed(_grids())
    sheet = gspread_client(sheets_api).open_by_key(harness.spreadsheet_id).worksheet("Uppföljning")
    sheet.format("A2:N40", {"numberFormat": DATE})  # whole rows formatted as dates

    daily_run(harness)
    shown = sheet.get("A1:N3")  # as the coordinator sees the tab
    headers = shown[0]
    rows = [dict(zip(headers, row, strict=False)) for row in shown[1:]]
    assert [row["ID"] for row in rows] == ["3", "4"]
    assert rows[0]["Hänvisad"] == TODAY.isoformat()
    assert rows[0]["Namn"] == "Testa Person3"
    column = {header: index for index, header in enumerate(headers)}
    stored = sheets_api.cell(harness.spreadsheet_id, "Uppföljning", "A2")
    assert stored.value == 3 and stored.number_format is None
    hänvisad = "ABCDEFGHIJKLMN"[column["Hänvisad"]]
    assert sheets_api.cell(harness.spreadsheet_id, "Uppföljning", f"{hänvisad}2").number_format == (
        DATE
    )

    second = daily_run(harness, TODAY + DAY)
    assert second.exit_code == 0, second.lines()


def _ids_as_dates() -> dict[str, list[list[object]]]:
    """People in every stage, in a workbook whose ID column someone formatted as dates."""
    return workbook_grids(
        newcomers=[
            newcomer(1),
            _referred(2),
            newcomer(74, registered=TODAY - 2 * DAY),
            newcomer(None, registered=None, email="ny@example.se"),
        ]
    )


def test_xlsx_an_id_column_formatted_as_dates_reads_as_ids_and_gets_its_numbers_back(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(_ids_as_dates())
    book = openpyxl.load_workbook(harness.path)
    for tab in ("Intresserade", "Uppföljning"):
        for row in book[tab].iter_rows(min_row=2, max_row=10, max_col=1):
            row[0].number_format = "yyyy-mm-dd"  # `74` shows as 1900-03-14
    book.save(harness.path)

    report = daily_run(harness)
    lines = "\n".join(report.lines())
    assert "ID ska vara ett heltal" not in lines and "kopia" not in lines
    assert sorted(report.sent) == ["introduction", "welcome"]
    assert sorted(report.sent["welcome"]) == [1, 74, 75]  # the new row gets 75: 74 was read
    sheet = openpyxl.load_workbook(harness.path)["Intresserade"]
    ids = [(row[0].value, row[0].number_format) for row in sheet.iter_rows(min_row=2, max_row=5)]
    assert ids == [(1, GENERAL), (2, GENERAL), (74, GENERAL), (75, GENERAL)]
    assert daily_run(harness, TODAY + DAY).sent == {}


def test_google_an_id_column_formatted_as_dates_reads_as_ids(
    tmp_path: Path, sheets_api: FakeSheetsApi
) -> None:
    harness = GoogleHarness(tmp_path, sheets_api)
    harness.seed(_ids_as_dates())
    sheet = gspread_client(sheets_api).open_by_key(harness.spreadsheet_id).worksheet("Intresserade")
    sheet.format("A2:A10", {"numberFormat": DATE})

    report = daily_run(harness)
    assert "ID ska vara ett heltal" not in "\n".join(report.lines())
    assert sorted(report.sent["welcome"]) == [1, 74, 75]
    assert [sheets_api.cell(harness.spreadsheet_id, "Intresserade", f"A{n}").value
            for n in range(2, 6)] == [1, 2, 74, 75]  # fmt: skip


def test_the_format_a_written_value_needs_follows_the_value_and_its_column() -> None:
    date_column = ColumnLook(13, False, "yyyy-mm-dd")
    percent_column = ColumnLook(12, False, PERCENT_FORMAT)
    plain_column = ColumnLook(6, False, None)
    assert written_format(7, plain_column) == GENERAL
    assert written_format(7, date_column) == GENERAL
    assert written_format(0.5, percent_column) == PERCENT_FORMAT
    assert written_format(TODAY, plain_column) == "yyyy-mm-dd"
    assert written_format("Skickar… 2026-11-24 07:00", date_column) == "yyyy-mm-dd"
    assert written_format("Testa", plain_column) == GENERAL
    assert written_format(None, date_column) is None  # a blank keeps the cell's format
    assert written_format(7, None) is None  # a column the contract does not know
