"""A Google Sheet's basic filter and filter views after an erasure, through the real gspread
client against the local Sheets API: the values a filter hides (every other name, when a
coordinator shows one person) and the texts its conditions compare lose every erased value,
in the batchUpdate that erases; and a filter that ends just above rows a run appends takes
them in."""

from __future__ import annotations

from typing import Any

from medlemsrutiner.routines.forget import run_forget
from tests.adapters.harness import WRITE, GoogleHarness, daily_run, kind
from tests.fakes.sheets_api import FakeSheetsApi, gspread_client
from tests.support import DAY, NOW, TODAY, newcomer, workbook_grids

TYRA, ANNA, KIM = "Tyra Nordvik", "Anna Berg", "Kim Olsson"


def _seed(harness: GoogleHarness) -> None:
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(1, name=TYRA, town="Göteborg"),
                newcomer(2, name=ANNA, town="Göteborg"),
                newcomer(3, name=KIM, town="Malmö"),
            ]
        )
    )


def _sheet(api: FakeSheetsApi, harness: GoogleHarness, tab: str) -> Any:
    return gspread_client(api).open_by_key(harness.spreadsheet_id).worksheet(tab)


def _filters(api: FakeSheetsApi, harness: GoogleHarness, tab: str) -> dict[str, Any]:
    book = gspread_client(api).open_by_key(harness.spreadsheet_id)
    data = book.fetch_sheet_metadata({"fields": "sheets(properties,basicFilter,filterViews)"})
    (sheet,) = [s for s in data["sheets"] if s["properties"]["title"] == tab]
    return {"basic": sheet.get("basicFilter"), "views": sheet.get("filterViews", [])}


def _column(api: FakeSheetsApi, harness: GoogleHarness, header: str) -> int:
    return int(_sheet(api, harness, "Intresserade").row_values(1).index(header))


def test_forget_clears_the_name_from_the_basic_filter_and_the_filter_views(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    _seed(harness)
    sheet = _sheet(api, harness, "Intresserade")
    name, town = _column(api, harness, "Namn"), _column(api, harness, "Ort")
    span = {"sheetId": sheet.id, "startRowIndex": 0, "endRowIndex": 4}
    sheet.spreadsheet.batch_update(
        {
            "requests": [
                {  # Show only Tyra: Google keeps the names it hides.
                    "setBasicFilter": {
                        "filter": {
                            "range": span,
                            "filterSpecs": [
                                {
                                    "columnIndex": name,
                                    "filterCriteria": {"hiddenValues": [ANNA, KIM]},
                                },
                                {
                                    "columnIndex": town,
                                    "filterCriteria": {"hiddenValues": ["Malmö"]},
                                },
                            ],
                        }
                    }
                },
                {
                    "addFilterView": {
                        "filter": {
                            "title": "Tyras rad",
                            "range": span,
                            "filterSpecs": [
                                {
                                    "columnIndex": name,
                                    "filterCriteria": {
                                        "condition": {
                                            "type": "TEXT_CONTAINS",
                                            "values": [{"userEnteredValue": "Nordvik"}],
                                        }
                                    },
                                }
                            ],
                        }
                    }
                },
                {
                    "addFilterView": {
                        "filter": {
                            "title": "Formel",
                            "range": span,
                            "filterSpecs": [
                                {
                                    "columnIndex": name,
                                    "filterCriteria": {
                                        "condition": {
                                            "type": "CUSTOM_FORMULA",
                                            "values": [{"userEnteredValue": '=C2="Anna Berg"'}],
                                        }
                                    },
                                }
                            ],
                        }
                    }
                },
            ]
        }
    )
    requests_before = len(api.requests)

    with harness.workbook() as workbook:
        run_forget(workbook, harness.config, TODAY, NOW, row_id=2)  # Anna
    with harness.workbook() as workbook:
        run_forget(workbook, harness.config, TODAY, NOW, row_id=1)  # Tyra

    filters = _filters(api, harness, "Intresserade")
    text = repr(filters)
    assert ANNA not in text and "Nordvik" not in text and TYRA not in text
    assert filters["basic"]["filterSpecs"] == [
        {"columnIndex": name, "filterCriteria": {"hiddenValues": [KIM]}},
        {"columnIndex": town, "filterCriteria": {"hiddenValues": ["Malmö"]}},
    ]
    assert filters["basic"]["range"]["endRowIndex"] == 4
    assert [view["title"] for view in filters["views"]] == ["Tyras rad", "Formel"]
    assert all(not view.get("filterSpecs") for view in filters["views"])
    # No request of its own: each forget is a read and one write.
    kinds = [kind(r) for r in api.requests[requests_before:]]
    assert kinds.count("batchUpdate") == 2


def test_a_daily_erasure_clears_a_hidden_name_too(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    declined: dict[str, Any] = {
        "welcome": TODAY - 39 * DAY,
        "call": TODAY - 31 * DAY,
        "referred_to": "Avböjt",
    }
    harness.seed(
        workbook_grids(
            newcomers=[newcomer(1, TODAY - 40 * DAY, name=ANNA, **declined), newcomer(2)]
        )
    )
    sheet = _sheet(api, harness, "Intresserade")
    sheet.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "setBasicFilter": {
                        "filter": {
                            "range": {"sheetId": sheet.id, "startRowIndex": 0, "endRowIndex": 3},
                            "criteria": {  # the older form: a map by column index
                                str(_column(api, harness, "Namn")): {"hiddenValues": [ANNA]}
                            },
                        }
                    }
                }
            ]
        }
    )
    report = daily_run(harness)
    assert report.erased == [1]
    assert ANNA not in repr(_filters(api, harness, "Intresserade"))


def test_rows_a_run_appends_are_taken_into_the_filter_above_them(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    referred: dict[str, Any] = {
        "welcome": TODAY - 3 * DAY,
        "call": TODAY,
        "referred_to": "Centrumgruppen",
    }
    harness.seed(workbook_grids(newcomers=[newcomer(1, **referred)]))
    followups = _sheet(api, harness, "Uppföljning")
    followups.update([[9, "Testa Tidigare", "tidigare@example.org"]], "A2")
    followups.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "setBasicFilter": {
                        "filter": {
                            "range": {"sheetId": followups.id, "startRowIndex": 0, "endRowIndex": 2}
                        }
                    }
                }
            ]
        }
    )
    before = [kind(r) for r in api.requests]
    daily_run(harness)
    assert _filters(api, harness, "Uppföljning")["basic"]["range"]["endRowIndex"] == 3
    writes = [kind(r) for r in api.requests[len(before) :]]
    assert writes.count("batchUpdate") == WRITE.count("batchUpdate") * 2
