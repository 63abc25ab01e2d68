"""The fake's embedded charts, driven through the real gspread client: `addChart`,
`updateChartSpec` and `deleteEmbeddedObject` in `spreadsheets:batchUpdate`, and `sheets[].charts`
in `spreadsheets.get` under a field mask.

What each test relies on is what Google's reference documents for EmbeddedChart, ChartSpec,
BasicChartSpec, ChartSourceRange and EmbeddedObjectPosition (see `charts.py`); no chart traffic
is recorded, so error texts are not compared.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from .sheets_api import FakeSheetsApi


@pytest.fixture
def book(sheets_api: FakeSheetsApi) -> str:
    return sheets_api.create_spreadsheet(
        "Bok",
        {
            "Blad1": [["Grupp", "Q1", "Q2"], ["Centrum", 0.5, 0.75], ["Skrivare", 1, 0.25]],
            "Blad2": [["Annat"]],
        },
        row_count=20,
        column_count=8,
    )


def update(client: gspread.Client, spreadsheet_id: str, *requests: dict[str, Any]) -> Any:
    return client.open_by_key(spreadsheet_id).batch_update({"requests": list(requests)})


def column(sheet_id: int, index: int, rows: int = 3) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": 0,
        "endRowIndex": rows,
        "startColumnIndex": index,
        "endColumnIndex": index + 1,
    }


def column_chart(sheet_id: int, rows: int = 3, title: str = "Andel aktiva") -> dict[str, Any]:
    return {
        "title": title,
        "basicChart": {
            "chartType": "COLUMN",
            "domains": [{"domain": {"sourceRange": {"sources": [column(sheet_id, 0, rows)]}}}],
            "series": [
                {"series": {"sourceRange": {"sources": [column(sheet_id, c, rows)]}}}
                for c in (1, 2)
            ],
            "headerCount": 1,
        },
    }


def add_chart(sheet_id: int, spec: dict[str, Any], row: int = 0, col: int = 4) -> dict[str, Any]:
    anchor = {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col}
    return {
        "addChart": {
            "chart": {"spec": spec, "position": {"overlayPosition": {"anchorCell": anchor}}}
        }
    }


def charts_of(client: gspread.Client, spreadsheet_id: str, fields: str) -> Any:
    return client.open_by_key(spreadsheet_id).fetch_sheet_metadata(
        params={"includeGridData": "false", "fields": fields}
    )


def test_an_added_chart_is_answered_with_its_id_and_shown_on_its_sheet(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    answer = update(client, book, add_chart(0, column_chart(0)))
    chart = answer["replies"][0]["addChart"]["chart"]
    assert isinstance(chart["chartId"], int)
    assert chart["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"] == [
        {"startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 1}
    ]  # a sheetId of 0 is left out, as Google leaves it out
    assert chart["position"] == {
        "overlayPosition": {
            "anchorCell": {"rowIndex": 0, "columnIndex": 4},
            "widthPixels": 600,
            "heightPixels": 371,
        }
    }
    assert sheets_api.charts(book, "Blad1") == [chart]
    assert sheets_api.charts(book, "Blad2") == []


def test_metadata_lists_charts_per_sheet_under_a_field_mask(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    other = sheets_api.sheet_id(book, "Blad2")
    assert "charts" not in charts_of(client, book, "sheets(properties,charts)")["sheets"][0]
    update(client, book, add_chart(0, column_chart(0)), add_chart(other, column_chart(0), col=1))
    first, second = (c["chartId"] for s in ("Blad1", "Blad2") for c in sheets_api.charts(book, s))
    ids = charts_of(client, book, "sheets(charts(chartId))")
    assert ids == {"sheets": [{"charts": [{"chartId": first}]}, {"charts": [{"chartId": second}]}]}
    titles = charts_of(client, book, "sheets(properties(title),charts(spec(title)))")
    assert titles["sheets"][0] == {
        "properties": {"title": "Blad1"},
        "charts": [{"spec": {"title": "Andel aktiva"}}],
    }


def test_a_chart_id_that_is_taken_an_anchor_outside_the_grid_or_a_two_dimensional_source_is_refused(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    answer = update(client, book, add_chart(0, column_chart(0)))
    taken = answer["replies"][0]["addChart"]["chart"]["chartId"]
    wide = column_chart(0)
    wide["basicChart"]["series"][0]["series"]["sourceRange"]["sources"][0]["endColumnIndex"] = 3
    refused = [
        {
            "addChart": {
                "chart": {**add_chart(0, column_chart(0))["addChart"]["chart"], "chartId": taken}
            }
        },
        add_chart(0, column_chart(0), col=8),
        add_chart(0, wide),
        add_chart(0, column_chart(99)),
        add_chart(0, {"title": "ingen sorts diagram"}),
    ]
    for request in refused:
        with pytest.raises(gspread.exceptions.APIError) as error:
            update(client, book, request)
        assert error.value.code == 400, request
    assert len(sheets_api.charts(book, "Blad1")) == 1


def test_a_refused_chart_leaves_the_rest_of_its_batch_undone(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    write = {
        "updateCells": {
            "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "Norr"}}]}],
            "fields": "userEnteredValue",
        }
    }
    with pytest.raises(gspread.exceptions.APIError):
        update(client, book, write, add_chart(0, column_chart(0), col=8))
    assert sheets_api.values(book, "Blad1")[1][0] == "Centrum"
    assert sheets_api.charts(book, "Blad1") == []


def test_update_chart_spec_replaces_the_spec_and_keeps_the_position(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    chart_id = sheets_api.add_chart(book, "Blad1", column_chart(0), row=2, column=5)
    position = sheets_api.charts(book, "Blad1")[0]["position"]
    update(
        client,
        book,
        {"updateChartSpec": {"chartId": chart_id, "spec": column_chart(0, 4, "Ny")}},
    )
    (chart,) = sheets_api.charts(book, "Blad1")
    assert chart["chartId"] == chart_id and chart["position"] == position
    assert chart["spec"]["title"] == "Ny"
    series = chart["spec"]["basicChart"]["series"][1]["series"]["sourceRange"]["sources"][0]
    assert series["endRowIndex"] == 4
    with pytest.raises(gspread.exceptions.APIError) as error:
        update(
            client,
            book,
            {"updateChartSpec": {"chartId": chart_id + 1, "spec": column_chart(0)}},
        )
    assert error.value.code == 400


def test_delete_embedded_object_removes_the_chart_and_only_that(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    first = sheets_api.add_chart(book, "Blad1", column_chart(0))
    second = sheets_api.add_chart(book, "Blad2", column_chart(0))
    update(client, book, {"deleteEmbeddedObject": {"objectId": first}})
    assert sheets_api.charts(book, "Blad1") == []
    assert [c["chartId"] for c in sheets_api.charts(book, "Blad2")] == [second]
    with pytest.raises(gspread.exceptions.APIError) as error:
        update(client, book, {"deleteEmbeddedObject": {"objectId": first}})
    assert error.value.code == 400


def test_rows_inserted_inside_a_charts_range_widen_it(
    sheets_api: FakeSheetsApi, client: gspread.Client, book: str
) -> None:
    sheets_api.add_chart(book, "Blad1", column_chart(0))
    sheets_api.insert_rows(book, "Blad1", 3, [["Norr", 0.5, 0.5]])
    domain = sheets_api.charts(book, "Blad1")[0]["spec"]["basicChart"]["domains"][0]
    assert domain["domain"]["sourceRange"]["sources"][0]["endRowIndex"] == 4


def test_a_chart_on_a_sheet_of_its_own_is_not_implemented(
    client: gspread.Client, book: str
) -> None:
    request = {"addChart": {"chart": {"spec": column_chart(0), "position": {"newSheet": True}}}}
    with pytest.raises(gspread.exceptions.APIError) as error:
        update(client, book, request)
    assert error.value.code == 501
