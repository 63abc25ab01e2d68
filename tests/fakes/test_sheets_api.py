"""Behaviour of the fake Sheets API, driven through the real gspread client.

Each test states one behaviour the project may rely on (what Google does, as far as the
recordings show it) or one test control of the fake (request log, faults, hooks, direct edits).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import gspread
import pytest
import requests
from gspread.utils import (
    DateTimeOption,
    InsertDataOption,
    ValidationConditionType,
    ValueInputOption,
    ValueRenderOption,
)

from .sheets_api import FakeSheetsApi, RecordedRequest, gspread_client

MEMBERS = [
    ["Namn", "E-post", "Medlem sedan", "Avgift"],
    ["Ada Lind", "ada@example.org", "2024-01-15", "200"],
    ["Bo Ek", "bo@example.org", "2025-03-01", "100"],
]


@pytest.fixture
def members(sheets_api: FakeSheetsApi) -> str:
    return sheets_api.create_spreadsheet("Medlemsregister", {"Medlemmar": MEMBERS})


def worksheet(client: gspread.Client, spreadsheet_id: str, title: str = "Medlemmar") -> Any:
    return client.open_by_key(spreadsheet_id).worksheet(title)


# -- reading -----------------------------------------------------------------------------------


def test_get_all_values_returns_the_seeded_rows(client: gspread.Client, members: str) -> None:
    assert worksheet(client, members).get_all_values() == MEMBERS


def test_a_whole_sheet_read_echoes_the_grid_as_its_range_and_trims_the_values(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Trimning", {"Blad1": [["a", "", "c", ""], ["", ""], [], ["d"], ["", ""]]}
    )
    answer = client.open_by_key(spreadsheet_id).values_get("Blad1")
    assert answer == {
        "range": "Blad1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], [], ["d"]],
    }


def test_an_empty_range_answers_without_a_values_key(client: gspread.Client, members: str) -> None:
    answer = client.open_by_key(members).values_get("Medlemmar!F10:G12")
    assert answer == {"range": "Medlemmar!F10:G12", "majorDimension": "ROWS"}


def test_a_sheet_title_that_needs_quotes_is_quoted_in_answers(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet("Citat", {"Ada's lista": [["x", "y"]]})
    sheet = worksheet(client, spreadsheet_id, "Ada's lista")
    assert sheet.get("A1:B1").range == "'Ada''s lista'!A1:B1"
    assert sheet.get_all_values() == [["x", "y"]]


def test_a_sheet_title_with_swedish_letters_is_quoted_but_a_plain_one_is_not(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Titlar", {"Medlemmar": [["a"]], "Händelser": [["b"]]}
    )
    spreadsheet = client.open_by_key(spreadsheet_id)
    assert spreadsheet.values_get("Medlemmar!A1")["range"] == "Medlemmar!A1"
    assert spreadsheet.values_get("Händelser!A1")["range"] == "'Händelser'!A1"
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.values_get("Л1:K1")
    assert raised.value.error["message"] == "Unable to parse range: Л1:K1"


def test_a_range_without_a_sheet_name_reads_the_first_sheet(
    client: gspread.Client, members: str
) -> None:
    answer = client.open_by_key(members).values_get("A2:B2")
    assert answer["range"] == "Medlemmar!A2:B2"
    assert answer["values"] == [["Ada Lind", "ada@example.org"]]


def test_open_ended_ranges_are_bounded_by_the_grid(client: gspread.Client, members: str) -> None:
    spreadsheet = client.open_by_key(members)
    assert spreadsheet.values_get("Medlemmar!A2:B")["range"] == "Medlemmar!A2:B1000"
    assert spreadsheet.values_get("Medlemmar!2:3")["range"] == "Medlemmar!A2:Z3"
    assert spreadsheet.values_get("Medlemmar!B:B")["values"] == [
        ["E-post"],
        ["ada@example.org"],
        ["bo@example.org"],
    ]


def test_batch_get_answers_one_value_range_per_range(client: gspread.Client, members: str) -> None:
    ranges = worksheet(client, members).batch_get(["A1:A2", "D2:D3"])
    assert [value_range.range for value_range in ranges] == ["Medlemmar!A1:A2", "Medlemmar!D2:D3"]
    assert ranges[0] == [["Namn"], ["Ada Lind"]]
    assert ranges[1] == [["200"], ["100"]]


def test_columns_as_major_dimension_transposes_the_answer(
    client: gspread.Client, members: str
) -> None:
    answer = client.open_by_key(members).values_get(
        "Medlemmar!A1:B2", params={"majorDimension": "COLUMNS"}
    )
    assert answer["values"] == [["Namn", "Ada Lind"], ["E-post", "ada@example.org"]]


def test_a_range_starting_outside_the_grid_is_refused_with_googles_message(
    client: gspread.Client, members: str
) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        client.open_by_key(members).values_get("Medlemmar!A1001:B1002")
    assert raised.value.code == 400
    assert raised.value.error["status"] == "INVALID_ARGUMENT"
    assert raised.value.error["message"] == (
        "Range (Medlemmar!A1001:B1002) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_an_unknown_sheet_name_is_an_unparsable_range(client: gspread.Client, members: str) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        client.open_by_key(members).values_get("'Saknas'!A1")
    assert raised.value.error["message"] == "Unable to parse range: 'Saknas'!A1"


def test_an_unknown_spreadsheet_is_not_found(client: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("1" + "x" * 43)


# -- writing -----------------------------------------------------------------------------------


def test_a_raw_write_keeps_a_formula_text_as_text(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.update([['=HYPERLINK("https://example.org")', "=1+1"]], "A5")
    assert sheets_api.formula_cells(members, "Medlemmar") == {}
    assert sheets_api.values(members, "Medlemmar")[4] == [
        '=HYPERLINK("https://example.org")',
        "=1+1",
    ]
    assert sheet.get("A5:B5", value_render_option=ValueRenderOption.formula) == [
        ['=HYPERLINK("https://example.org")', "=1+1"]
    ]


def test_a_raw_write_keeps_a_leading_apostrophe_and_digits_as_text(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    worksheet(client, members).update([["'0701740605", "0042"]], "A5")
    assert sheets_api.values(members, "Medlemmar")[4] == ["'0701740605", "0042"]


def test_a_user_entered_write_parses_numbers_booleans_and_iso_dates(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.update(
        [["0042", "12.5", "TRUE", "2026-11-03", "2026-11-03 14:05", "ja"]],
        "A5",
        value_input_option=ValueInputOption.user_entered,
    )
    assert sheets_api.values(members, "Medlemmar")[4] == [
        42,
        12.5,
        True,
        46329,
        pytest.approx(46329 + (14 * 60 + 5) / 1440),
        "ja",
    ]
    assert sheet.get("A5:F5") == [["42", "12.5", "TRUE", "2026-11-03", "2026-11-03 14:05", "ja"]]
    assert sheets_api.cell(members, "Medlemmar", "D5").number_format == {
        "type": "DATE",
        "pattern": "yyyy-mm-dd",
    }


def test_dates_come_back_as_serials_unless_formatted_strings_are_asked_for(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Datum", {"Blad1": [["2020-01-01", 53]]}, user_entered=True
    )
    sheet = worksheet(client, spreadsheet_id, "Blad1")
    assert sheet.get("A1:B1", value_render_option=ValueRenderOption.unformatted) == [[43831, 53]]
    assert sheet.get(
        "A1:B1",
        value_render_option=ValueRenderOption.unformatted,
        date_time_render_option=DateTimeOption.formatted_string,
    ) == [["2020-01-01", 53]]
    assert sheet.get("A1:B1") == [["2020-01-01", "53"]]


def test_seeded_python_dates_are_date_cells(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Seed", {"Blad1": [[dt.date(2026, 11, 3), dt.datetime(2026, 11, 3, 12, 0)]]}
    )
    assert worksheet(client, spreadsheet_id, "Blad1").get("A1:B1") == [
        ["2026-11-03", "2026-11-03 12:00:00"]
    ]
    assert sheets_api.values(spreadsheet_id, "Blad1") == [[46329, 46329.5]]


def test_a_user_entered_apostrophe_forces_text_and_is_dropped(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    worksheet(client, members).update(
        [["'0042", "'=1+1"]], "A5", value_input_option=ValueInputOption.user_entered
    )
    assert sheets_api.values(members, "Medlemmar")[4] == ["0042", "=1+1"]
    assert sheets_api.formula_cells(members, "Medlemmar") == {}


def test_a_user_entered_formula_is_stored_as_a_formula(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.update([["=4/2", "=SUM(D2:D3)"]], "A5", value_input_option=ValueInputOption.user_entered)
    assert sheets_api.formula_cells(members, "Medlemmar") == {"A5": "=4/2", "B5": "=SUM(D2:D3)"}
    assert sheet.get("A5:B5") == [["2", "#NAME?"]]
    assert sheet.get("A5:B5", value_render_option=ValueRenderOption.formula) == [
        ["=4/2", "=SUM(D2:D3)"]
    ]


def test_null_leaves_a_cell_unchanged_and_an_empty_string_clears_it(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    client.open_by_key(members).values_update(
        "Medlemmar!A2:D2",
        params={"valueInputOption": "RAW"},
        body={"values": [[None, "", None, "300"]]},
    )
    assert sheets_api.values(members, "Medlemmar")[1] == ["Ada Lind", "", "2024-01-15", "300"]


def test_an_update_answer_counts_the_rows_columns_and_cells_written(
    client: gspread.Client, members: str
) -> None:
    answer = worksheet(client, members).update([["a", "b", "c"], ["d"]], "B5")
    assert answer == {
        "spreadsheetId": members,
        "updatedRange": "Medlemmar!B5:D6",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 4,
    }


def test_a_one_cell_range_is_an_origin_but_a_larger_range_bounds_the_data(
    client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    assert sheet.update([["a", "b"], ["c", "d"]], "F1")["updatedRange"] == "Medlemmar!F1:G2"
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.update([["a", "b", "c"]], "F1:G1")
    assert raised.value.error["message"] == (
        "Requested writing within range ['Medlemmar'!F1:G1], but tried writing to column [H]"
    )


def test_writing_past_the_last_row_of_the_grid_is_refused(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet("Litet", {"Blad1": []}, row_count=3)
    sheet = worksheet(client, spreadsheet_id, "Blad1")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.update([["a"], ["b"]], "A3")
    assert raised.value.code == 400
    assert "tried writing to row [4]" in raised.value.error["message"]
    assert sheets_api.values(spreadsheet_id, "Blad1") == []


def test_a_plain_text_column_keeps_user_entered_digits_as_text(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.format("E:E", {"numberFormat": {"type": "TEXT"}})
    sheet.update(
        [["0701740605", "0701740605"]], "E2", value_input_option=ValueInputOption.user_entered
    )
    assert sheets_api.values(members, "Medlemmar")[1][4:] == ["0701740605", 701740605]


def test_a_write_without_a_value_input_option_is_refused(
    client: gspread.Client, members: str
) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        client.open_by_key(members).values_update("Medlemmar!A5", body={"values": [["x"]]})
    assert raised.value.error["message"] == "'valueInputOption' is required but not specified"


def test_notes_round_trip_through_update_cells_and_grid_data(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.update_note("B2", "Betalt via Swish")
    assert sheet.get_note("B2") == "Betalt via Swish"
    assert sheets_api.cell(members, "Medlemmar", "B2").note == "Betalt via Swish"
    assert sheets_api.cell(members, "Medlemmar", "B2").value == "ada@example.org"


def test_a_values_batch_update_writes_every_range_or_none(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    with pytest.raises(gspread.exceptions.APIError):
        sheet.batch_update(
            [{"range": "A5", "values": [["skrivs inte"]]}, {"range": "B1001", "values": [["x"]]}]
        )
    assert sheets_api.values(members, "Medlemmar") == MEMBERS
    answer = sheet.batch_update(
        [{"range": "A5:B5", "values": [["x", "y"]]}, {"range": "A7", "values": [["z"]]}]
    )
    assert answer["totalUpdatedCells"] == 3
    assert answer["totalUpdatedRows"] == 2
    assert answer["totalUpdatedColumns"] == 2


def test_a_date_number_format_changes_how_a_number_is_formatted(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet("Format", {"Blad1": [[46329, 0.5]]})
    sheet = worksheet(client, spreadsheet_id, "Blad1")
    sheet.format("A1", {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}})
    sheet.format("B1", {"numberFormat": {"type": "PERCENT", "pattern": "0%"}})
    assert sheet.get("A1:B1") == [["2026-11-03", "50%"]]
    assert sheet.get("A1:B1", value_render_option=ValueRenderOption.unformatted) == [[46329, 0.5]]


# -- appending ---------------------------------------------------------------------------------


def test_append_row_writes_after_the_last_row_of_the_table(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    answer = worksheet(client, members).append_row(["Cia Berg", "cia@example.org"])
    assert answer["tableRange"] == "Medlemmar!A1:D3"
    assert answer["updates"]["updatedRange"] == "Medlemmar!A4:B4"
    assert sheets_api.values(members, "Medlemmar")[3] == ["Cia Berg", "cia@example.org"]


def test_append_continues_below_rows_that_have_empty_cells(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Luckor", {"Blad1": [["Namn", "E-post", "Ort"], ["Ada", "", "Lund"], ["", "", "Umeå"]]}
    )
    worksheet(client, spreadsheet_id, "Blad1").append_row(["Bo", "bo@example.org", "Visby"])
    assert sheets_api.values(spreadsheet_id, "Blad1")[3] == ["Bo", "bo@example.org", "Visby"]


def test_append_after_a_gap_row_writes_below_the_lower_table(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Glapp", {"Blad1": [["Namn"], ["Ada"], [], ["Bo"]]}
    )
    answer = worksheet(client, spreadsheet_id, "Blad1").append_row(["Cia"])
    assert answer["tableRange"] == "Blad1!A4"
    assert sheets_api.values(spreadsheet_id, "Blad1") == [["Namn"], ["Ada"], [], ["Bo"], ["Cia"]]


def test_append_under_a_lone_last_column_shifts_right_unless_the_table_starts_at_a1(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet("Skift", {"Blad1": [["x", "", "y"]]})
    sheet = worksheet(client, spreadsheet_id, "Blad1")
    assert sheet.append_row(["a"])["updates"]["updatedRange"] == "Blad1!C2"
    assert sheet.append_row(["b"], table_range="A1")["updates"]["updatedRange"] == "Blad1!A2"


def test_append_past_the_last_row_grows_the_grid(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Fullt", {"Blad1": [["a"], ["b"]]}, row_count=2, column_count=1
    )
    worksheet(client, spreadsheet_id, "Blad1").append_rows([["c", "d"]])
    properties = sheets_api.sheet_properties(spreadsheet_id, "Blad1")
    assert properties["gridProperties"] == {"rowCount": 3, "columnCount": 2}
    assert sheets_api.values(spreadsheet_id, "Blad1") == [["a"], ["b"], ["c", "d"]]


def test_append_with_insert_rows_pushes_the_rows_below_down(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Infoga", {"Blad1": [["Namn"], ["Ada"], [], ["Summa"]]}
    )
    worksheet(client, spreadsheet_id, "Blad1").append_row(
        ["Bo"], insert_data_option=InsertDataOption.insert_rows, table_range="A1:A2"
    )
    assert sheets_api.values(spreadsheet_id, "Blad1") == [
        ["Namn"],
        ["Ada"],
        ["Bo"],
        [],
        ["Summa"],
    ]
    assert sheets_api.sheet_properties(spreadsheet_id, "Blad1")["gridProperties"]["rowCount"] == (
        1001
    )


# -- clearing ----------------------------------------------------------------------------------


def test_batch_clear_empties_the_ranges_and_keeps_their_formats(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.format("A2", {"textFormat": {"bold": True}})
    answer = sheet.batch_clear(["A2:B2", "D3"])
    assert answer["clearedRanges"] == ["Medlemmar!A2:B2", "Medlemmar!D3"]
    assert sheets_api.values(members, "Medlemmar")[1:] == [
        ["", "", "2024-01-15", "200"],
        ["Bo Ek", "bo@example.org", "2025-03-01"],
    ]
    assert sheets_api.cell(members, "Medlemmar", "A2").user_entered_format == {
        "textFormat": {"bold": True}
    }


def test_clear_empties_the_whole_sheet(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    assert worksheet(client, members).clear()["clearedRange"] == "Medlemmar!A1:Z1000"
    assert sheets_api.values(members, "Medlemmar") == []


# -- structure ---------------------------------------------------------------------------------


def test_add_worksheet_answers_its_properties_and_del_worksheet_removes_it(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    added = spreadsheet.add_worksheet("Logg", rows=10, cols=3)
    assert (added.title, added.index, added.row_count, added.col_count) == ("Logg", 1, 10, 3)
    assert added.id == sheets_api.sheet_id(members, "Logg") != 0
    spreadsheet.del_worksheet(added)
    assert sheets_api.sheet_titles(members) == ["Medlemmar"]


def test_adding_a_worksheet_with_a_taken_title_is_refused(
    client: gspread.Client, members: str
) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        client.open_by_key(members).add_worksheet("medlemmar", rows=1, cols=1)
    assert raised.value.error["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "medlemmar" already exists. '
        "Please enter another name."
    )


def test_freeze_sets_the_frozen_row_count_and_unfreezing_leaves_it_out(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.freeze(rows=1)
    assert worksheet(client, members).frozen_row_count == 1
    sheet.freeze(rows=0)
    grid = sheets_api.sheet_properties(members, "Medlemmar")["gridProperties"]
    assert grid == {"rowCount": 1000, "columnCount": 26}


def test_add_validation_puts_the_rule_on_each_cell_of_the_range(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    worksheet(client, members).add_validation(
        "E2:E3", ValidationConditionType.one_of_list, ["Ja", "Nej"], strict=True, showCustomUi=True
    )
    rule = sheets_api.cell(members, "Medlemmar", "E3").data_validation
    assert rule == {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "Ja"}, {"userEnteredValue": "Nej"}],
        },
        "showCustomUi": True,
        "strict": True,
    }
    assert sheets_api.cell(members, "Medlemmar", "E4").data_validation is None


def test_a_protected_range_lists_the_service_account_as_editor(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    worksheet(client, members).add_protected_range("A1:D1", warning_only=True)
    [protected] = client.open_by_key(members).list_protected_ranges(0)
    assert protected["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": 4,
    }
    assert protected["editors"] == {"users": [sheets_api.service_account_email]}
    assert protected["warningOnly"] is True


def test_insert_row_and_delete_rows_move_the_rows_below(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.insert_row(["Cia Berg", "cia@example.org"], index=2)
    assert [row[0] for row in sheets_api.values(members, "Medlemmar")] == [
        "Namn",
        "Cia Berg",
        "Ada Lind",
        "Bo Ek",
    ]
    sheet.delete_rows(3)
    assert [row[0] for row in sheets_api.values(members, "Medlemmar")] == [
        "Namn",
        "Cia Berg",
        "Bo Ek",
    ]
    assert sheets_api.sheet_properties(members, "Medlemmar")["gridProperties"]["rowCount"] == 1000


def _red_when(text: str, column: int = 0) -> dict[str, Any]:
    """A conditional format rule: cells of `column` (rows 2 and down) containing `text` go red."""
    return {
        "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": column,
                    "endColumnIndex": column + 1}],
        "booleanRule": {
            "condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": text}]},
            "format": {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}},
        },
    }  # fmt: skip


def test_conditional_format_rules_are_inserted_at_their_index_and_listed_in_order(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    spreadsheet.batch_update(
        {
            "requests": [
                {"addConditionalFormatRule": {"rule": _red_when("Ada"), "index": 0}},
                {"addConditionalFormatRule": {"rule": _red_when("Bo"), "index": 0}},
            ]
        }
    )
    rules = spreadsheet.fetch_sheet_metadata()["sheets"][0]["conditionalFormats"]
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules] == [
        "Bo",
        "Ada",
    ]
    assert rules[0]["ranges"] == [{"startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}]
    assert rules[0]["booleanRule"]["format"]["backgroundColorStyle"] == {
        "rgbColor": {"red": 1, "green": 0.8, "blue": 0.8}
    }
    assert sheets_api.conditional_formats(members, "Medlemmar") == rules


def test_deleting_a_conditional_format_rule_moves_the_later_ones_up(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    spreadsheet.batch_update(
        {
            "requests": [
                {"addConditionalFormatRule": {"rule": _red_when(t), "index": i}}
                for i, t in enumerate(("Ada", "Bo", "Cia"))
            ]
        }
    )
    answer = spreadsheet.batch_update(
        {"requests": [{"deleteConditionalFormatRule": {"sheetId": 0, "index": 1}}]}
    )
    deleted = answer["replies"][0]["deleteConditionalFormatRule"]["rule"]
    assert deleted["booleanRule"]["condition"]["values"] == [{"userEnteredValue": "Bo"}]
    remaining = sheets_api.conditional_formats(members, "Medlemmar")
    assert [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in remaining] == [
        "Ada",
        "Cia",
    ]
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.batch_update(
            {"requests": [{"deleteConditionalFormatRule": {"sheetId": 0, "index": 2}}]}
        )
    assert raised.value.code == 400


def test_a_conditional_format_rule_moves_with_inserted_columns(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    spreadsheet.batch_update(
        {"requests": [{"addConditionalFormatRule": {"rule": _red_when("Ada", 1), "index": 0}}]}
    )
    spreadsheet.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0,
                                  "endIndex": 2},
                    }
                }
            ]
        }
    )  # fmt: skip
    [rule] = sheets_api.conditional_formats(members, "Medlemmar")
    assert rule["ranges"][0]["startColumnIndex"] == 3 and rule["ranges"][0]["endColumnIndex"] == 4


def test_a_conditional_format_rule_needs_a_range_and_one_kind_of_rule(
    client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    for rule in ({**_red_when("Ada"), "ranges": []}, {"ranges": _red_when("Ada")["ranges"]}):
        with pytest.raises(gspread.exceptions.APIError) as raised:
            spreadsheet.batch_update({"requests": [{"addConditionalFormatRule": {"rule": rule}}]})
        assert raised.value.code == 400


def test_column_widths_are_kept_by_column(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    client.open_by_key(members).batch_update(
        {
            "requests": [
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1,
                                  "endIndex": 3},
                        "properties": {"pixelSize": 240},
                        "fields": "pixelSize",
                    }
                }
            ]
        }
    )  # fmt: skip
    assert sheets_api.column_pixels(members, "Medlemmar") == {1: 240, 2: 240}


def test_sort_puts_numbers_before_text_and_blanks_last(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet_id = sheets_api.create_spreadsheet(
        "Sortera", {"Blad1": [["Värde"], ["beta"], [None], [10], ["Alfa"], [2]]}
    )
    worksheet(client, spreadsheet_id, "Blad1").sort((1, "asc"), range="A2:A6")
    assert sheets_api.values(spreadsheet_id, "Blad1") == [["Värde"], [2], [10], ["Alfa"], ["beta"]]


def test_resizing_drops_the_cells_outside_the_grid(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    worksheet(client, members).resize(rows=2, cols=2)
    assert sheets_api.values(members, "Medlemmar") == [
        ["Namn", "E-post"],
        ["Ada Lind", "ada@example.org"],
    ]


def test_a_batch_update_with_one_bad_request_applies_none_of_them(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    spreadsheet = client.open_by_key(members)
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Ny"}}},
                    {"deleteSheet": {"sheetId": 12345}},
                ]
            }
        )
    assert raised.value.error["message"] == (
        "Invalid requests[1].deleteSheet: No sheet with id: 12345"
    )
    assert sheets_api.sheet_titles(members) == ["Medlemmar"]


def test_an_unimplemented_batch_request_fails_loudly(client: gspread.Client, members: str) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        client.open_by_key(members).batch_update({"requests": [{"findReplace": {"find": "a"}}]})
    assert raised.value.code == 501


def test_metadata_fields_masks_select_what_gspread_asks_for(
    client: gspread.Client, members: str
) -> None:
    answer = client.open_by_key(members).fetch_sheet_metadata(
        params={"fields": "sheets.properties(title,sheetId)"}
    )
    assert answer == {"sheets": [{"properties": {"sheetId": 0, "title": "Medlemmar"}}]}


# -- Drive -------------------------------------------------------------------------------------


def test_create_and_del_spreadsheet_go_through_drive(
    sheets_api: FakeSheetsApi, client: gspread.Client
) -> None:
    spreadsheet = client.create("Ny lista")
    assert spreadsheet.title == "Ny lista"
    assert sheets_api.sheet_titles(spreadsheet.id) == ["Sheet1"]
    client.del_spreadsheet(spreadsheet.id)
    assert spreadsheet.id not in sheets_api.spreadsheet_ids()


def test_list_permissions_answers_the_owner_and_the_service_account(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    permissions = client.open_by_key(members).list_permissions()
    assert [(item["emailAddress"], item["role"]) for item in permissions] == [
        ("owner@example.org", "owner"),
        (sheets_api.service_account_email, "writer"),
    ]


def test_seeded_permissions_are_what_list_permissions_answers(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheets_api.set_permissions(
        members, [{"type": "user", "role": "reader", "emailAddress": "kim@example.org"}]
    )
    [permission] = client.list_permissions(members)
    assert permission["emailAddress"] == "kim@example.org"
    assert permission["role"] == "reader"


def test_a_spreadsheet_can_be_opened_by_its_title(client: gspread.Client, members: str) -> None:
    assert client.open("Medlemsregister").id == members
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open("Finns inte")


# -- request log -------------------------------------------------------------------------------


def test_every_request_is_logged_with_its_method_path_query_and_body(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheets_api.reset_counts()
    sheet.append_row(["Cia"], value_input_option=ValueInputOption.user_entered)
    [record] = sheets_api.requests
    assert record.method == "POST"
    assert record.path == f"/v4/spreadsheets/{members}/values/'Medlemmar':append"
    assert record.query["valueInputOption"] == ["USER_ENTERED"]
    assert record.json() == {"values": [["Cia"]]}
    assert record.body_length == len(b'{"values": [["Cia"]]}')
    assert record.status == 200
    assert record.url.startswith("https://sheets.googleapis.com/v4/spreadsheets/")


def test_request_count_filters_by_substring_or_predicate(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheet.get_all_values()
    sheet.update([["x"]], "A5")
    assert sheets_api.request_count("GET /v4/") == 3
    assert sheets_api.request_count(lambda record: record.is_write) == 1
    sheets_api.reset_counts()
    assert sheets_api.request_count() == 0


# -- faults ------------------------------------------------------------------------------------


def test_an_injected_429_fails_the_first_matching_request_in_googles_envelope(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    fault = sheets_api.inject(429, match=":append")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.append_row(["Cia"])
    assert raised.value.code == 429
    assert raised.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert raised.value.error["message"].startswith("Quota exceeded for quota metric 'Write")
    assert sheets_api.values(members, "Medlemmar") == MEMBERS
    sheet.append_row(["Cia"])
    assert fault.remaining == 0
    assert sheets_api.values(members, "Medlemmar")[3] == ["Cia"]


@pytest.mark.parametrize(("status", "name"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
def test_injected_server_errors_carry_googles_status_names(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str, status: int, name: str
) -> None:
    sheet = worksheet(client, members)
    sheets_api.inject(status, times=2, match="GET")
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as raised:
            sheet.get_all_values()
        assert (raised.value.code, raised.value.error["status"]) == (status, name)
    assert sheet.get_all_values() == MEMBERS
    assert [record.injected for record in sheets_api.requests[-3:]] == [True, True, False]


def test_a_fault_can_let_the_first_matching_requests_through(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheets_api.inject(503, match=lambda record: record.method == "PUT", skip=1)
    sheet.update([["ett"]], "A5")
    with pytest.raises(gspread.exceptions.APIError):
        sheet.update([["två"]], "A6")
    assert sheets_api.values(members, "Medlemmar")[4:] == [["ett"]]


def test_a_fault_after_commit_applies_the_write_but_loses_the_answer(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheets_api.inject(503, match=":append", after_commit=True)
    with pytest.raises(gspread.exceptions.APIError):
        sheet.append_row(["Cia"])
    assert sheets_api.values(members, "Medlemmar")[3] == ["Cia"]


def test_an_injected_delay_can_make_a_client_time_out(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    sheets_api.inject(delay=0.5, match="GET")
    client.set_timeout(0.1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        sheet.get_all_values()
    client.set_timeout(None)
    assert sheet.get_all_values() == MEMBERS


# -- hooks and direct edits --------------------------------------------------------------------


def test_an_after_request_hook_can_sort_the_sheet_between_two_requests(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)

    def coordinator_sorts(api: FakeSheetsApi, record: RecordedRequest) -> None:
        if record.method == "GET" and "/values/" in record.path:
            api.sort_rows(members, "Medlemmar", "A", descending=True)

    sheets_api.after_request(coordinator_sorts)
    read = sheet.get_all_values()
    assert read[1][0] == "Ada Lind"
    assert sheets_api.values(members, "Medlemmar")[1][0] == "Bo Ek"


def test_a_before_request_hook_runs_before_the_request_is_answered(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)
    hook = sheets_api.before_request(
        lambda api, record: (
            api.delete_rows(members, "Medlemmar", 2)
            if record.method == "GET" and "/values/" in record.path
            else None
        )
    )
    assert [row[0] for row in sheet.get_all_values()] == ["Namn", "Bo Ek"]
    sheets_api.remove_hook(hook)
    assert [row[0] for row in sheet.get_all_values()] == ["Namn", "Bo Ek"]


def test_a_failing_hook_answers_500_and_is_kept_for_the_test(
    sheets_api: FakeSheetsApi, client: gspread.Client, members: str
) -> None:
    sheet = worksheet(client, members)

    def broken(api: FakeSheetsApi, record: RecordedRequest) -> None:
        raise RuntimeError("hook bug")

    sheets_api.before_request(broken)
    with pytest.raises(gspread.exceptions.APIError) as raised:
        sheet.get_all_values()
    assert raised.value.code == 500
    assert [str(error) for error in sheets_api.hook_errors] == ["hook bug"]


def test_direct_edits_insert_delete_sort_and_rename(
    sheets_api: FakeSheetsApi, members: str
) -> None:
    sheets_api.insert_rows(members, "Medlemmar", 2, [["Cia Berg", "cia@example.org"]])
    sheets_api.set_values(members, "Medlemmar", "D2", [["50"]])
    sheets_api.sort_rows(members, "Medlemmar", 0)
    assert [row[0] for row in sheets_api.values(members, "Medlemmar")] == [
        "Namn",
        "Ada Lind",
        "Bo Ek",
        "Cia Berg",
    ]
    sheets_api.delete_rows(members, "Medlemmar", 2, count=2)
    sheets_api.rename_sheet(members, "Medlemmar", "Medlemmar 2026")
    assert sheets_api.values(members, "Medlemmar 2026", pad=True) == [
        ["Namn", "E-post", "Medlem sedan", "Avgift"],
        ["Cia Berg", "cia@example.org", "", "50"],
    ]


def test_concurrent_appends_are_serialised(sheets_api: FakeSheetsApi, members: str) -> None:
    errors: list[BaseException] = []

    def append_many(worker: int) -> None:
        try:
            sheet = worksheet(gspread_client(sheets_api), members)
            for number in range(5):
                sheet.append_row([f"medlem-{worker}-{number}"])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=append_many, args=(worker,)) for worker in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert time.monotonic() - started < 30
    names = [str(row[0]) for row in sheets_api.values(members, "Medlemmar")[3:]]
    assert sorted(names) == sorted(f"medlem-{w}-{n}" for w in range(6) for n in range(5))


def test_an_injected_drop_closes_the_connection_without_an_answer(
    sheets_api: FakeSheetsApi,
) -> None:
    spreadsheet = sheets_api.create_spreadsheet("Släpp", {"Blad1": [["A"]]})
    session = sheets_api.session()
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{spreadsheet}"
    sheets_api.inject(drop=True, match="GET")
    with pytest.raises(requests.ConnectionError):
        session.get(url, timeout=5)
    assert session.get(url, timeout=5).status_code == 200
