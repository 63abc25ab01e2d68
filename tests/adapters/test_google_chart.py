"""The Statistik chart in a Google Sheet, through the real gspread client against the local
Sheets API: created once by a daily run, in the batch that writes the block, then left alone
while only its data changes; its ranges follow the block when the block grows; it comes back
when a coordinator deletes it; every other chart is left as it is; and it never costs a request
of its own."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.google import chart as google_chart
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import Chart, ChartPlacement
from tests.adapters.harness import READ, WRITE, GoogleHarness, batch_requests, calls, daily_run
from tests.fakes.a1 import cell_label
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest, gspread_client
from tests.support import TODAY, grid, newcomer, workbook_grids

DAY = dt.timedelta(days=1)
PERCENT = {"type": "PERCENT", "pattern": "0 %"}
BLOCK_TITLE = "Andel aktiva per grupp"


def followed_up(row_id: int, group: str, result: str, referred: dt.date) -> dict[str, Any]:
    """An Uppföljning row whose follow-up is done and whose personal data is gone."""
    return {
        "id": row_id,
        "referred_to": group,
        "referred": referred,
        "follow_up_from": referred + 56 * DAY,
        "follow_up_by": referred + 70 * DAY,
        "followed_up": referred + 60 * DAY,
        "result": result,
        "erased": referred + 67 * DAY,
    }


HISTORY = [
    followed_up(1, "Centrumgruppen", "Aktiv", dt.date(2026, 8, 3)),
    followed_up(2, "Centrumgruppen", "Inte aktiv", dt.date(2026, 5, 11)),
    followed_up(3, "Skrivargruppen", "Aktiv", dt.date(2026, 2, 16)),
]


def seed(harness: GoogleHarness, followups: list[dict[str, Any]] = HISTORY) -> str:
    harness.seed(workbook_grids(followups=followups))
    return harness.spreadsheet_id


def add_followup(api: FakeSheetsApi, spreadsheet_id: str, row: dict[str, Any]) -> None:
    """A follow-up row typed below the others, as a coordinator would."""
    (values,) = grid("followups", [row])[1:]
    serial = [cells.date_to_serial(v) if isinstance(v, dt.date) else v for v in values]
    below = len(api.values(spreadsheet_id, "Uppföljning")) + 1
    api.set_values(spreadsheet_id, "Uppföljning", f"A{below}", [serial])


def block(api: FakeSheetsApi, spreadsheet_id: str) -> tuple[int, int, int]:
    """(first column, rows, columns) of the block beside the Statistik table, as it reads."""
    rows = api.values(spreadsheet_id, "Statistik", pad=True)
    first = rows[0].index(BLOCK_TITLE)
    columns = len([h for h in rows[0][first:] if h != ""])
    height = len([row for row in rows if row[first] != ""])
    return first, height, columns


def column(sheet_id: int, index: int, rows: int) -> dict[str, int]:
    """A source range as Google renders it (no sheetId of 0)."""
    grid_range = {"startRowIndex": 0, "endRowIndex": rows, "startColumnIndex": index}
    grid_range["endColumnIndex"] = index + 1
    return {"sheetId": sheet_id, **grid_range} if sheet_id else grid_range


def sources(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data["sourceRange"]["sources"])


def reads_the_block(chart: dict[str, Any], api: FakeSheetsApi, spreadsheet_id: str) -> bool:
    """True when the chart's domain is the block's first column and it has one series per
    further column, header row included."""
    first, rows, columns = block(api, spreadsheet_id)
    sheet_id = api.sheet_id(spreadsheet_id, "Statistik")
    basic = chart["spec"]["basicChart"]
    (domain,) = basic["domains"]
    return sources(domain["domain"]) == [column(sheet_id, first, rows)] and [
        sources(series["series"]) for series in basic["series"]
    ] == [[column(sheet_id, first + offset, rows)] for offset in range(1, columns)]


def chart_requests(api: FakeSheetsApi) -> list[dict[str, Any]]:
    kinds = ("addChart", "updateChartSpec", "deleteEmbeddedObject")
    return [request for request in batch_requests(api) if next(iter(request)) in kinds]


def quiet_day() -> list[str]:
    """What a day with no new row and no letter costs: the read, and one write."""
    return [*READ, *WRITE]


# --- Created once ------------------------------------------------------------------------------


def test_the_first_daily_run_creates_one_chart_over_the_statistik_block(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    api.reset_counts()
    daily_run(harness)
    assert calls(api) == quiet_day()  # the chart rides in the batch that writes the block
    (chart,) = api.charts(sid, "Statistik")
    assert reads_the_block(chart, api, sid)
    basic = chart["spec"]["basicChart"]
    assert basic["chartType"] == "COLUMN" and basic["headerCount"] == 1
    assert chart["spec"]["title"] == "Andel aktiva per grupp, senaste fyra kvartalen"
    first, _, columns = block(api, sid)
    anchor = chart["position"]["overlayPosition"]["anchorCell"]
    assert (anchor["rowIndex"], anchor["columnIndex"]) == (0, first + columns + 1)  # beside it
    assert api.cell(sid, "Statistik", cell_label(1, first + 1)).number_format == PERCENT
    for tab in api.sheet_titles(sid):
        assert tab == "Statistik" or api.charts(sid, tab) == []


def test_the_next_days_run_creates_none_and_costs_what_an_ordinary_day_costs(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    daily_run(harness)
    (created,) = api.charts(sid, "Statistik")
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    assert calls(api) == quiet_day()
    assert chart_requests(api) == []
    assert api.charts(sid, "Statistik") == [created]
    api.insert_rows(sid, "Intresserade", 2, [[None, None, "Ny Person", "ny@example.se"]])
    api.reset_counts()
    report = daily_run(harness, TODAY + 2 * DAY)
    assert report.sent == {"welcome": [4]}
    assert calls(api) == [*READ, *WRITE, *WRITE]  # the six of a day with a letter, as before
    assert chart_requests(api) == []


def test_the_metadata_the_run_reads_anyway_is_what_finds_the_chart(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    seed(harness)
    daily_run(harness)
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    metadata = [r for r in api.requests if r.method == "GET" and "values" not in r.path]
    assert len(metadata) == 1
    assert metadata[0].query["fields"] == [
        "sheets(properties,protectedRanges,charts(chartId,spec),basicFilter,filterViews)"
    ]


def test_a_statistik_tab_the_run_creates_gets_its_chart_in_the_same_batch(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids(followups=HISTORY)
    del grids["Statistik"]
    harness.seed(grids)
    api.reset_counts()
    daily_run(harness)
    assert calls(api) == quiet_day()
    (update,) = [r for r in api.requests if r.path.endswith(":batchUpdate")]
    kinds = [next(iter(request)) for request in update.json()["requests"]]
    assert kinds.index("addSheet") < kinds.index("addChart")
    (chart,) = api.charts(harness.spreadsheet_id, "Statistik")
    assert reads_the_block(chart, api, harness.spreadsheet_id)


def test_a_workbook_without_statistics_yet_gets_its_chart_with_the_first_follow_up(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness, followups=[])
    daily_run(harness)
    assert api.charts(sid, "Statistik") == []
    add_followup(api, sid, HISTORY[0])
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    assert calls(api) == quiet_day()
    (chart,) = api.charts(sid, "Statistik")
    assert reads_the_block(chart, api, sid)


# --- Kept on the block -------------------------------------------------------------------------


def test_a_block_that_grows_gets_the_charts_ranges_updated_and_keeps_its_look(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    daily_run(harness)
    (chart,) = api.charts(sid, "Statistik")
    restyled = {**chart["spec"], "title": "Våra grupper"}
    restyled["basicChart"] = {**restyled["basicChart"], "chartType": "BAR"}
    gspread_client(api).open_by_key(sid).batch_update(
        {"requests": [{"updateChartSpec": {"chartId": chart["chartId"], "spec": restyled}}]}
    )
    _, rows_before, _ = block(api, sid)
    add_followup(api, sid, followed_up(4, "Blixtaktioner", "Aktiv", dt.date(2026, 9, 7)))
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    assert calls(api) == quiet_day()
    assert [next(iter(r)) for r in chart_requests(api)] == ["updateChartSpec"]
    (grown,) = api.charts(sid, "Statistik")
    assert block(api, sid)[1] == rows_before + 1
    assert reads_the_block(grown, api, sid)
    assert grown["chartId"] == chart["chartId"] and grown["position"] == chart["position"]
    assert grown["spec"]["title"] == "Våra grupper"
    assert grown["spec"]["basicChart"]["chartType"] == "BAR"
    first, rows, _ = block(api, sid)
    assert api.cell(sid, "Statistik", cell_label(rows - 1, first + 1)).number_format == PERCENT
    api.reset_counts()
    daily_run(harness, TODAY + 2 * DAY)
    assert chart_requests(api) == []


def test_a_chart_a_coordinator_deleted_is_back_after_the_next_run(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    daily_run(harness)
    (chart,) = api.charts(sid, "Statistik")
    api.delete_chart(sid, chart["chartId"])
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    assert calls(api) == quiet_day()
    (back,) = api.charts(sid, "Statistik")
    assert reads_the_block(back, api, sid)
    assert back["chartId"] != chart["chartId"]


def test_a_chart_a_coordinator_added_on_another_tab_is_left_as_it_is(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    groups = api.sheet_id(sid, "Grupper")
    own = {
        "title": "Mina grupper",
        "pieChart": {
            "domain": {"sourceRange": {"sources": [column(groups, 0, 3)]}},
            "series": {"sourceRange": {"sources": [column(groups, 1, 3)]}},
        },
    }
    api.add_chart(sid, "Grupper", own, row=5, column=2)
    (before,) = api.charts(sid, "Grupper")
    daily_run(harness)
    add_followup(api, sid, followed_up(4, "Blixtaktioner", "Aktiv", dt.date(2026, 9, 7)))
    daily_run(harness, TODAY + DAY)  # creates, then grows the Statistik chart
    assert api.charts(sid, "Grupper") == [before]
    (chart,) = api.charts(sid, "Statistik")
    assert reads_the_block(chart, api, sid)


def test_a_tab_with_a_chart_of_the_coordinators_own_gets_no_second_one(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    statistik = api.sheet_id(sid, "Statistik")
    totals = {
        "title": "Hänvisade",
        "pieChart": {
            "domain": {"sourceRange": {"sources": [column(statistik, 1, 5)]}},
            "series": {"sourceRange": {"sources": [column(statistik, 2, 5)]}},
        },
    }
    api.add_chart(sid, "Statistik", totals, row=10, column=0)
    before = api.charts(sid, "Statistik")
    api.reset_counts()
    daily_run(harness)
    assert chart_requests(api) == []
    assert api.charts(sid, "Statistik") == before


# --- Never at the cost of the day's writes -----------------------------------------------------


def _holds_a_chart(request: RecordedRequest) -> bool:
    return request.path.endswith(":batchUpdate") and b'"addChart"' in request.body


def test_a_chart_google_refuses_is_left_out_and_the_days_writes_land(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    sid = seed(harness)
    api.inject(400, match=_holds_a_chart, message="Invalid requests[9].addChart: nej")
    api.insert_rows(sid, "Intresserade", 2, [[None, None, "Ny Person", "ny@example.se"]])
    api.reset_counts()
    report = daily_run(harness)
    assert report.write_error is None and report.sent == {"welcome": [4]}
    assert calls(api) == [*READ, *WRITE, *WRITE, "batchUpdate"]  # the same batch, once more
    assert api.charts(sid, "Statistik") == []
    assert block(api, sid)[1] == 3 and harness.tab("Logg")[-1]["Åtgärd"] == "daglig körning klar"
    api.reset_counts()
    daily_run(harness, TODAY + DAY)
    assert calls(api) == quiet_day()
    (chart,) = api.charts(sid, "Statistik")
    assert reads_the_block(chart, api, sid)


@pytest.mark.parametrize("size", [10, 300])
def test_the_first_run_costs_what_it_cost_before_the_chart_at_every_size(
    tmp_path: Path, size: int
) -> None:
    with FakeSheetsApi() as fake:
        harness = GoogleHarness(tmp_path, fake)
        rows = [newcomer(i) for i in range(5, 5 + size)]
        harness.seed(workbook_grids(newcomers=rows, followups=HISTORY))
        fake.reset_counts()
        daily_run(harness)
        assert calls(fake) == [*READ, *WRITE, *WRITE]
        assert len(fake.charts(harness.spreadsheet_id, "Statistik")) == 1


# --- The requests, as values ---------------------------------------------------------------


def test_only_a_basic_chart_whose_domain_is_on_the_tab_is_kept_on_the_block() -> None:
    placement = ChartPlacement("Statistik", Chart("Andel aktiva", percent=True), 0, 11, 3, 5)
    ours = google_chart.add_chart(placement, 7)["addChart"]["chart"]["spec"]
    assert google_chart.with_block(ours, placement, 7) is None  # reads the block: nothing to do
    for rows in (4, 2):  # a group more, a group fewer
        moved = google_chart.with_block(ours, dataclasses.replace(placement, rows=rows), 7)
        assert moved is not None and moved["title"] == "Andel aktiva"
        ranges = [sources(s["series"])[0]["endRowIndex"] for s in moved["basicChart"]["series"]]
        assert ranges == [rows] * 4
    elsewhere = copy.deepcopy(ours)
    elsewhere["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]["sheetId"] = 8
    assert google_chart.with_block(elsewhere, dataclasses.replace(placement, rows=4), 7) is None
    pie = {"pieChart": {"domain": ours["basicChart"]["domains"][0]["domain"]}}
    assert google_chart.with_block(pie, dataclasses.replace(placement, rows=4), 7) is None


def test_an_empty_block_asks_for_no_chart() -> None:
    empty = ChartPlacement("Statistik", Chart("Andel aktiva"), 0, 11, 0, 0)
    assert google_chart.chart_requests(empty, 7, ()) == google_chart.ChartRequests()
