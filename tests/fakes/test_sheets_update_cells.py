"""The fake's `spreadsheets:batchUpdate` for writing cells, driven through the real gspread client:
`updateCells` (from a start coordinate and within a range), `addSheet` with a chosen sheetId,
`appendDimension`, all-or-nothing batches, and the grid size a whole-tab read echoes.

What each test relies on is what Google documents for these requests (CellData, ExtendedValue,
field masks, GridCoordinate) or what its recorded answers show; the beyond-the-grid message is
the one Google answers (`Attempting to write row: 1000, beyond the last requested row of: 999`).
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.utils import ValueRenderOption

from .sheets_api import FakeSheetsApi

DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}


@pytest.fixture
def cells_book(sheets_api: FakeSheetsApi) -> str:
    return sheets_api.create_spreadsheet(
        "Bok",
        {"Blad1": [["Namn", "Datum", "Antal"], ["Ada", 46329, 3]]},
        row_count=10,
        column_count=5,
    )


def update(client: gspread.Client, spreadsheet_id: str, *requests: dict[str, Any]) -> Any:
    return client.open_by_key(spreadsheet_id).batch_update({"requests": list(requests)})


def cells_at(sheet_id: int, row: int, column: int, rows: list[list[Any]], fields: str) -> Any:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
            "rows": [{"values": values} for values in rows],
            "fields": fields,
        }
    }


def test_update_cells_writes_strings_numbers_booleans_and_dates_as_such(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    answer = update(
        client,
        cells_book,
        cells_at(
            0,
            2,
            0,
            [
                [
                    {"userEnteredValue": {"stringValue": '=IMPORTXML("http://example.org")'}},
                    {
                        "userEnteredValue": {"numberValue": 46350},
                        "userEnteredFormat": {"numberFormat": DATE},
                    },
                    {"userEnteredValue": {"numberValue": 2.5}},
                    {"userEnteredValue": {"boolValue": False}},
                    {"userEnteredValue": {"stringValue": "0042"}},
                ]
            ],
            "userEnteredValue,userEnteredFormat.numberFormat",
        ),
    )
    assert answer["replies"] == [{}]
    assert sheets_api.formula_cells(cells_book, "Blad1") == {}
    assert sheets_api.values(cells_book, "Blad1")[2] == [
        '=IMPORTXML("http://example.org")',
        46350,
        2.5,
        False,
        "0042",
    ]
    sheet = client.open_by_key(cells_book).worksheet("Blad1")
    assert sheet.get("A3:E3")[0][1:] == ["2026-11-24", "2.5", "FALSE", "0042"]
    assert sheets_api.cell(cells_book, "Blad1", "B3").number_format == DATE
    assert sheets_api.cell(cells_book, "Blad1", "C3").number_format is None  # none given, none set


def test_rows_from_a_start_may_differ_in_length_and_touch_only_their_cells(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    text = [{"userEnteredValue": {"stringValue": "x"}}]
    update(client, cells_book, cells_at(0, 1, 1, [text * 2, text], "userEnteredValue"))
    assert sheets_api.values(cells_book, "Blad1")[1:3] == [["Ada", "x", "x"], ["", "x"]]


def test_a_masked_value_the_cell_data_leaves_out_is_cleared_and_the_format_stays(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    sheet = client.open_by_key(cells_book).worksheet("Blad1")
    sheet.format("B2", {"numberFormat": DATE, "textFormat": {"bold": True}})
    update(client, cells_book, cells_at(0, 1, 0, [[{}, {}]], "userEnteredValue"))
    assert sheets_api.values(cells_book, "Blad1")[1] == ["", "", 3]
    kept = sheets_api.cell(cells_book, "Blad1", "B2").user_entered_format
    assert kept is not None and kept["numberFormat"] == DATE and kept["textFormat"]["bold"]


def test_a_number_format_mask_replaces_only_the_number_format(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    client.open_by_key(cells_book).worksheet("Blad1").format("C2", {"textFormat": {"bold": True}})
    cell = {"userEnteredValue": {"numberValue": 46350}, "userEnteredFormat": {"numberFormat": DATE}}
    update(
        client,
        cells_book,
        cells_at(0, 1, 2, [[cell]], "userEnteredValue,userEnteredFormat.numberFormat"),
    )
    stored = sheets_api.cell(cells_book, "Blad1", "C2")
    assert stored.value == 46350 and stored.number_format == DATE
    assert stored.user_entered_format is not None
    assert stored.user_entered_format["textFormat"]["bold"] is True


def test_update_cells_within_a_range_clears_what_its_rows_do_not_cover(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    update(
        client,
        cells_book,
        {
            "updateCells": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 1,
                    "endRowIndex": 2,
                    "startColumnIndex": 0,
                    "endColumnIndex": 3,
                },
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "Bo"}}]}],
                "fields": "userEnteredValue",
            }
        },
    )
    assert sheets_api.values(cells_book, "Blad1")[1:] == [["Bo"]]


def test_a_range_of_whole_rows_without_data_clears_their_notes_and_nothing_else(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    # A GridRange without column indexes spans every column (Google: unbounded); with no rows,
    # nothing covers the range, so the masked field is cleared in every cell of it.
    sheet = client.open_by_key(cells_book).worksheet("Blad1")
    sheet.update([["Bo", 46330, 4]], "A3")
    sheet.update_notes({"A2": "ring efter 18", "C2": "Ada ville ha brev", "A3": "Bo: kvar"})
    update(
        client,
        cells_book,
        {
            "updateCells": {
                "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2},
                "fields": "note",
            }
        },
    )
    assert sheet.get_note("A2") == "" and sheet.get_note("C2") == ""
    assert sheet.get_note("A3") == "Bo: kvar"
    assert sheets_api.values(cells_book, "Blad1")[1:] == [["Ada", 46329, 3], ["Bo", 46330, 4]]


def test_writing_below_the_grid_is_refused_with_googles_message_and_nothing_lands(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    before = sheets_api.values(cells_book, "Blad1")
    text = [{"userEnteredValue": {"stringValue": "x"}}]
    with pytest.raises(gspread.exceptions.APIError) as raised:
        update(
            client,
            cells_book,
            cells_at(0, 2, 0, [text], "userEnteredValue"),
            cells_at(0, 10, 0, [text], "userEnteredValue"),
        )
    assert raised.value.code == 400
    assert raised.value.error["message"] == (
        "Invalid requests[1].updateCells: Attempting to write row: 10, beyond the last "
        "requested row of: 9"
    )
    assert sheets_api.values(cells_book, "Blad1") == before


def test_append_dimension_makes_room_for_cells_later_in_the_same_batch(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    text = [{"userEnteredValue": {"stringValue": "x"}}]
    update(
        client,
        cells_book,
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
        {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 1}},
        cells_at(0, 14, 5, [text], "userEnteredValue"),
    )
    grid = sheets_api.sheet_properties(cells_book, "Blad1")["gridProperties"]
    assert (grid["rowCount"], grid["columnCount"]) == (15, 6)
    assert sheets_api.values(cells_book, "Blad1")[14] == ["", "", "", "", "", "x"]


def test_add_sheet_with_a_chosen_id_can_be_written_in_the_same_batch(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    answer = update(
        client,
        cells_book,
        {
            "addSheet": {
                "properties": {
                    "sheetId": 7,
                    "title": "Logg",
                    "gridProperties": {"rowCount": 20, "columnCount": 3, "frozenRowCount": 1},
                }
            }
        },
        cells_at(7, 0, 0, [[{"userEnteredValue": {"stringValue": "Tid"}}]], "userEnteredValue"),
    )
    assert answer["replies"][0]["addSheet"]["properties"]["sheetId"] == 7
    assert sheets_api.sheet_id(cells_book, "Logg") == 7
    assert sheets_api.values(cells_book, "Logg") == [["Tid"]]
    with pytest.raises(gspread.exceptions.APIError) as taken:
        update(client, cells_book, {"addSheet": {"properties": {"sheetId": 7, "title": "Annan"}}})
    assert taken.value.code == 400
    assert sheets_api.sheet_titles(cells_book) == ["Blad1", "Logg"]


def test_a_refused_batch_leaves_every_cell_it_had_changed_as_it_was(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    before = sheets_api.cell(cells_book, "Blad1", "A2")
    with pytest.raises(gspread.exceptions.APIError):
        update(
            client,
            cells_book,
            cells_at(0, 1, 0, [[{"userEnteredValue": {"stringValue": "Bo"}}]], "userEnteredValue"),
            {"appendDimension": {"sheetId": 99, "dimension": "ROWS", "length": 1}},
        )
    assert sheets_api.cell(cells_book, "Blad1", "A2") == before
    assert sheets_api.values(cells_book, "Blad1")[1] == ["Ada", 46329, 3]
    update(
        client,
        cells_book,
        cells_at(0, 1, 0, [[{"userEnteredValue": {"stringValue": "Bo"}}]], "userEnteredValue"),
    )
    assert sheets_api.values(cells_book, "Blad1")[1] == ["Bo", 46329, 3]
    sheets_api.set_values(cells_book, "Blad1", "A2", [["Cy"]])  # a later edit reaches the new state
    assert sheets_api.values(cells_book, "Blad1")[1] == ["Cy", 46329, 3]


def test_a_whole_tab_read_echoes_the_grid_as_it_is_now(
    sheets_api: FakeSheetsApi, client: gspread.Client, cells_book: str
) -> None:
    def echoed() -> str:
        answer = client.open_by_key(cells_book).values_batch_get(
            ["'Blad1'"], params={"valueRenderOption": ValueRenderOption.unformatted}
        )
        return str(answer["valueRanges"][0]["range"])

    assert echoed() == "Blad1!A1:E10"
    sheets_api.insert_rows(cells_book, "Blad1", 2, count=3)
    assert echoed() == "Blad1!A1:E13"
    sheets_api.delete_rows(cells_book, "Blad1", 2, count=5)
    assert echoed() == "Blad1!A1:E8"
