"""What a daily run asks of Google, request by request, through the real gspread client against
the local Sheets API: at most 6 requests on one spreadsheet (read 2, each of the two writes 2),
whatever the size; text as text and dates as dates in one batchUpdate; every write re-resolved
just before it lands, so people's edits between the read and a write never misdirect it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.google.batch import (
    cell_data,
    clear_notes,
    free_sheet_id,
    update_cells,
)
from medlemsrutiner.adapters.google.workbook import GoogleWorkbook
from medlemsrutiner.errors import WorkbookError
from medlemsrutiner.sheet import changes as ch
from medlemsrutiner.sheet.schema import TABS_BY_KEY
from tests.adapters.harness import (
    READ,
    WRITE,
    GoogleHarness,
    batch_requests,
    calls,
    daily_run,
)
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest, gspread_client
from tests.support import TODAY, mixed_rows, newcomer, read_outbox, workbook_grids

DAY = dt.timedelta(days=1)
DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}


def person_lines(harness: GoogleHarness) -> list[tuple[str, int]]:
    """(Åtgärd, ID) of the Logg lines about a person (not the run's own lines)."""
    return [(r["Åtgärd"], r["ID"]) for r in harness.tab("Logg") if r["ID"] is not None]


def before_write(api: FakeSheetsApi, number: int, edit: Callable[[FakeSheetsApi], None]) -> None:
    """Run `edit` just before the `number`th write of a one-spreadsheet run re-reads its tabs
    (the read's batchGet is the first batchGet, write n's the (n+1)th)."""
    seen = 0

    def hook(fake: FakeSheetsApi, request: RecordedRequest) -> None:
        nonlocal seen
        if request.method == "GET" and request.path.endswith("values:batchGet"):
            seen += 1
            if seen == number + 1:
                edit(fake)

    api.before_request(hook)


# --- The budget ------------------------------------------------------------------------------


def test_a_first_run_on_a_workbook_costs_six_requests(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(30)))
    api.reset_counts()
    report = daily_run(harness)
    assert report.sent and report.status_updates > 30
    print(calls(api))
    assert calls(api) == [*READ, *WRITE, *WRITE]
    assert "values:batchUpdate" not in calls(api)


def test_the_next_days_run_costs_six_requests_too(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=mixed_rows(30)))
    daily_run(harness)
    api.insert_rows(
        harness.spreadsheet_id, "Intresserade", 2, [[None, None, "Ny Person", "ny@example.se"]]
    )
    api.reset_counts()
    report = daily_run(harness, TODAY + DAY)
    assert report.sent == {"welcome": [35]}
    print(calls(api))
    assert calls(api) == [*READ, *WRITE, *WRITE]


@pytest.mark.parametrize("size", [10, 1_000])
def test_the_count_is_the_same_at_every_size(tmp_path: Path, size: int) -> None:
    with FakeSheetsApi() as fake:
        harness = GoogleHarness(tmp_path, fake)
        harness.seed(workbook_grids(newcomers=mixed_rows(size)))
        fake.reset_counts()
        daily_run(harness)
        assert calls(fake) == [*READ, *WRITE, *WRITE]


def test_a_run_that_creates_the_log_tab_costs_six_requests_and_writes_into_it_at_once(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids(
        newcomers=[newcomer(None, registered=TODAY, email="ny@example.se")], log=[]
    )
    del grids["Logg"]
    harness.seed(grids)
    api.reset_counts()
    daily_run(harness)
    print(calls(api))
    assert calls(api) == [*READ, *WRITE, *WRITE]
    added = [r["addSheet"] for r in batch_requests(api) if "addSheet" in r]
    assert [a["properties"]["title"] for a in added] == ["Logg"]
    assert api.sheet_id(harness.spreadsheet_id, "Logg") == added[0]["properties"]["sheetId"]
    assert api.sheet_properties(harness.spreadsheet_id, "Logg")["gridProperties"] == {
        "rowCount": 1000,
        "columnCount": 26,
        "frozenRowCount": 1,
    }
    assert api.values(harness.spreadsheet_id, "Logg")[0] == list(TABS_BY_KEY["log"].headers)
    assert person_lines(harness) == [
        ("ny rad", 1),
        ("välkomstbrev skickat", 1),
    ]
    api.reset_counts()
    daily_run(harness)  # a rerun finds the tab like any other; with no new row and no letter,
    assert calls(api) == [*READ, *WRITE]  # its first write is empty and costs nothing
    assert not any("addSheet" in request for request in batch_requests(api))


def test_a_write_that_creates_the_statistics_tab_costs_one_batch_update(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids()
    grids.pop("Statistik", None)
    harness.seed(grids)
    row = ch.AppendRow("statistics", (("quarter", "2026 K4"), ("referred", 12)))
    with harness.workbook() as workbook:
        workbook.read()
        api.reset_counts()
        resolution = workbook.write([row])
        assert resolution.landed == (row,)
        assert calls(api) == ["batchUpdate"]  # a tab that is not there has nothing to re-read
        api.reset_counts()
        workbook.write([ch.AppendRow("statistics", (("quarter", "2027 K1"), ("referred", 3)))])
        assert calls(api) == WRITE
    assert api.values(harness.spreadsheet_id, "Statistik")[1:] == [
        ["2026 K4", "", 12],
        ["2027 K1", "", 3],
    ]


def test_a_run_that_appends_beyond_the_grid_grows_it_in_the_same_batch(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.row_count = 3  # every grid only as large as its data
    rows = [
        newcomer(i, welcome=TODAY - DAY, call=TODAY, referred_to="Skrivargruppen")
        for i in range(1, 41)
    ]
    harness.seed(workbook_grids(newcomers=rows))
    api.reset_counts()
    daily_run(harness)
    print(calls(api))
    assert calls(api) == [*READ, *WRITE, *WRITE]
    grown = {
        r["appendDimension"]["sheetId"]
        for r in batch_requests(api)
        if "appendDimension" in r and r["appendDimension"]["dimension"] == "ROWS"
    }
    sid = harness.spreadsheet_id
    assert grown >= {api.sheet_id(sid, "Uppföljning"), api.sheet_id(sid, "Logg")}
    assert len(harness.tab("Uppföljning")) == 40 and len(person_lines(harness)) == 40


def test_a_grid_people_shrank_after_the_read_is_known_from_the_fresh_read(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.row_count = 4
    harness.seed(workbook_grids(newcomers=[newcomer(None, registered=None, email="a@example.se")]))
    before_write(api, 2, lambda fake: fake.delete_rows(harness.spreadsheet_id, "Logg", 2, 3))
    api.reset_counts()
    daily_run(harness)
    assert calls(api) == [*READ, *WRITE, *WRITE]  # no refused write, no metadata re-read
    assert person_lines(harness) == [("ny rad", 1), ("välkomstbrev skickat", 1)]


def test_uppfoljning_in_a_second_spreadsheet_costs_that_spreadsheet_its_own_requests(
    api: FakeSheetsApi, tmp_path: Path
) -> None:
    harness = GoogleHarness(tmp_path, api, followup_spreadsheet=True)
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(1),
                newcomer(2, welcome=TODAY - DAY, call=TODAY, referred_to="Centrumgruppen"),
            ]
        )
    )
    assert harness.followup_id is not None
    api.reset_counts()
    daily_run(harness)
    assert calls(api, harness.spreadsheet_id) == [*READ, *WRITE, *WRITE]
    assert calls(api, harness.followup_id) == [*READ, *WRITE]  # only the second write moves
    assert len(api.requests) == 10
    assert [r["ID"] for r in harness.tab("Uppföljning")] == [2]


def test_logging_writes_that_found_no_row_costs_two_more(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    # ID 2's row goes after the markers: its welcome stamp and Status find no row.
    before_write(api, 2, lambda fake: fake.delete_rows(harness.spreadsheet_id, "Intresserade", 3))
    api.reset_counts()
    report = daily_run(harness)
    assert report.sent == {"welcome": [1, 2]} and report.skipped_writes
    assert calls(api) == [*READ, *WRITE, *WRITE, *WRITE]
    assert "skrivning hoppades över" in {r["Åtgärd"] for r in harness.tab("Logg")}


# --- What lands ------------------------------------------------------------------------------


def test_a_formula_looking_note_is_sent_and_stored_as_text(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    formula = '=HYPERLINK("http://example.org";"klicka")'
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(4, note=formula, welcome=TODAY - DAY, call=TODAY, referred_to="Avböjt"),
                newcomer(
                    5, note="=1+1", welcome=TODAY - DAY, call=TODAY, referred_to="Blixtaktioner"
                ),
            ]
        )
    )
    daily_run(harness)
    sid = harness.spreadsheet_id
    assert api.formula_cells(sid, "Uppföljning") == {}
    followup = api.values(sid, "Uppföljning")
    note = followup[0].index("Anteckning")
    assert followup[1][note] == "=1+1"  # copied as text, not evaluated to 2
    sent = [
        cell
        for request in batch_requests(api)
        for row in request.get("updateCells", {}).get("rows", [])
        for cell in row["values"]
    ]
    assert {"userEnteredValue": {"stringValue": "=1+1"}} in sent
    assert not any("formulaValue" in cell.get("userEnteredValue", {}) for cell in sent)


def test_a_date_lands_as_a_formatted_date_the_next_run_reads_as_the_same_date(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(None, registered=None, name="0042 Nollsson")]))
    daily_run(harness)
    sid = harness.spreadsheet_id
    for label in ("B2", "I2"):  # Registrerad (first seen) and the welcome stamp
        cell = api.cell(sid, "Intresserade", label)
        assert cell.value == 46350 and cell.number_format == DATE
    formatted = api.values(sid, "Intresserade", render_option="FORMATTED_VALUE")[1]
    assert formatted[1] == formatted[8] == "2026-11-24"
    assert api.values(sid, "Intresserade")[1][2] == "0042 Nollsson"  # text, not the number 42
    (row,) = harness.tab("Intresserade")
    assert row["Registrerad"] == row["Välkomstbrev"] == TODAY
    report = daily_run(harness, TODAY + 2 * DAY)
    welcomes = [m for m in read_outbox(harness.config.mail.outbox) if "person" in str(m["To"])]
    assert report.sent.get("welcome") is None and len(welcomes) == 1
    (row,) = harness.tab("Intresserade")
    assert row["Status"].startswith("Välkomstbrev skickat 2026-11-24. Ring senast 2026-12-01.")


def test_numbers_stay_numbers_and_a_cleared_cell_holds_nothing(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    call = TODAY - 30 * DAY
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(
                    1, registered=call - DAY, welcome=call, call=call, referred_to="Avböjt",
                    note="privat",
                ),
                newcomer(None, registered=None, email="ny@example.se"),
            ]
        )
    )  # fmt: skip
    daily_run(harness)
    sid = harness.spreadsheet_id
    rows = api.values(sid, "Intresserade")
    assert rows[2][0] == 2 and isinstance(rows[2][0], int)  # a new ID is a number
    for label in ("C2", "D2", "E2", "O2"):  # Namn, E-post, Telefon, Anteckning erased
        assert api.cell(sid, "Intresserade", label).value is None
    letters = [r["Brev"] for r in harness.tab("Logg") if r["Åtgärd"] == "välkomstbrev skickat"]
    assert letters == [1]


def test_cell_data_keeps_each_kind_of_value_as_it_is() -> None:
    numpy = pytest.importorskip("numpy")
    assert cell_data(True) == {"userEnteredValue": {"boolValue": True}}
    assert cell_data(numpy.int64(7)) == {"userEnteredValue": {"numberValue": 7}}
    assert cell_data(numpy.bool_(False)) == {"userEnteredValue": {"boolValue": False}}
    assert cell_data(2.5) == {"userEnteredValue": {"numberValue": 2.5}}
    assert cell_data(float("nan")) == cell_data(None) == cell_data("") == {}
    assert cell_data("=A1") == {"userEnteredValue": {"stringValue": "=A1"}}
    assert cell_data(dt.datetime(2026, 11, 24, 18, 0)) == {
        "userEnteredValue": {"numberValue": 46350.75},
        "userEnteredFormat": {
            "numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
        },
    }


def test_a_new_tab_gets_the_smallest_free_sheet_id() -> None:
    assert free_sheet_id({0, 1, 2, 1_234_567_890}) == 3
    assert free_sheet_id(set()) == 1


def test_update_cells_packs_a_column_of_consecutive_rows_into_one_request() -> None:
    cells: dict[tuple[int, int], Any] = {(row, 13): f"Status {row}" for row in range(1, 1001)}
    cells.update({(5, 8): TODAY, (6, 8): TODAY, (5, 9): "x", (5, 11): None})
    requests = [r["updateCells"] for r in update_cells(0, cells)]
    shapes = sorted(
        (r["start"]["columnIndex"], r["start"]["rowIndex"], len(r["rows"]), r["fields"])
        for r in requests
    )
    assert shapes == [
        (8, 5, 2, "userEnteredValue,userEnteredFormat.numberFormat"),
        (9, 5, 1, "userEnteredValue"),
        (11, 5, 1, "userEnteredValue"),
        (13, 1, 1000, "userEnteredValue"),
    ]


def test_notes_of_consecutive_erased_rows_go_in_one_request_across_the_whole_row() -> None:
    assert [r["updateCells"] for r in clear_notes(7, [5, 3, 4, 9])] == [
        {"range": {"sheetId": 7, "startRowIndex": 3, "endRowIndex": 6}, "fields": "note"},
        {"range": {"sheetId": 7, "startRowIndex": 9, "endRowIndex": 10}, "fields": "note"},
    ]


def test_erasing_rows_clears_their_notes_where_they_are_now_at_no_extra_request(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    stale = TODAY - 181 * DAY
    harness.seed(
        workbook_grids(
            newcomers=[newcomer(1, stale), newcomer(2, TODAY - 2 * DAY), newcomer(3, stale)]
        )
    )
    sheet = gspread_client(api).open_by_key(harness.spreadsheet_id).worksheet("Intresserade")
    sheet.update_notes({"C2": "om ID 1", "J2": "ring ID 1", "C3": "om ID 2", "O4": "om ID 3"})
    # A coordinator sorts the tab between the run's read and its first write.
    before_write(
        api,
        1,
        lambda fake: fake.sort_rows(harness.spreadsheet_id, "Intresserade", "A", descending=True),
    )
    api.reset_counts()
    daily_run(harness)
    assert calls(api) == [*READ, *WRITE, *WRITE]
    notes = {(n, note) for n, row in enumerate(sheet.get_notes(), 1) for note in row if note}
    assert notes == {(3, "om ID 2")}  # rows: 3, 2, 1 after the sort
    assert [row[0] for row in api.values(harness.spreadsheet_id, "Intresserade")[1:]] == [3, 2, 1]
    clearing = [r for r in batch_requests(api) if r.get("updateCells", {}).get("fields") == "note"]
    assert len(clearing) == 2  # rows 2 and 4 after the sort: not consecutive


# --- People at work between the read and each write -----------------------------------------


def _coordinator(spreadsheet_id: str) -> Callable[[FakeSheetsApi], None]:
    def edit(fake: FakeSheetsApi) -> None:
        fake.sort_rows(spreadsheet_id, "Intresserade", "C", descending=True)
        fake.insert_rows(
            spreadsheet_id, "Intresserade", 2, [[None, None, "Insatt Person", "insatt@example.se"]]
        )
        rows = fake.values(spreadsheet_id, "Intresserade")
        number = next(n for n, row in enumerate(rows, start=1) if row and row[0] == 3)
        fake.delete_rows(spreadsheet_id, "Intresserade", number)

    return edit


@pytest.mark.parametrize("write", [1, 2], ids=["before the markers", "before the stamps"])
def test_sorting_inserting_and_deleting_before_a_write_never_misdirects_it(
    api: FakeSheetsApi, harness: GoogleHarness, write: int
) -> None:
    rows = [newcomer(i, name=f"Person {chr(64 + i)}") for i in range(1, 6)]
    rows.append(newcomer(None, registered=None, name="Person Z", email="utan.id@example.se"))
    harness.seed(workbook_grids(newcomers=rows))
    before_write(api, write, _coordinator(harness.spreadsheet_id))
    api.reset_counts()
    report = daily_run(harness)
    assert calls(api)[:6] == [*READ, *WRITE, *WRITE]
    intake = harness.tab("Intresserade")
    assert intake[0]["Namn"] == "Insatt Person" and intake[0]["ID"] is None
    assert intake[0]["Välkomstbrev"] is None and intake[0]["Status"] is None
    for row in intake[1:]:
        expected = "utan.id@example.se" if row["Namn"] == "Person Z" else None
        assert row["E-post"] == (expected or f"person{row['ID']}@example.se"), row
        assert row["ID"] != 3
        assert row["Välkomstbrev"] == TODAY and row["Status"].startswith("Välkomstbrev skickat")
    if write == 1:  # the markers found no row for ID 3: nothing was sent to it
        assert 3 not in report.sent["welcome"]
    else:  # ID 3 got its letter; its stamp found no row and the log says so
        assert 3 in report.sent["welcome"]
        assert any(s.reason == "ID finns inte längre" for s in report.skipped_writes)


def test_a_tab_a_person_creates_while_the_run_would_create_it_is_written_on_a_second_try(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids(
        newcomers=[newcomer(None, registered=TODAY, email="ny@example.se")], log=[]
    )
    del grids["Logg"]
    harness.seed(grids)

    def person_adds_log(fake: FakeSheetsApi) -> None:
        fake.add_sheet(harness.spreadsheet_id, "Logg", [["Tid", "Åtgärd", "ID", "Detalj", "Brev"]])

    before_write(api, 2, person_adds_log)
    api.reset_counts()
    report = daily_run(harness)
    assert report.write_error is None
    assert calls(api) == [*READ, *WRITE, *WRITE, "metadata", *WRITE]
    assert person_lines(harness) == [
        ("ny rad", 1),
        ("välkomstbrev skickat", 1),
    ]


def test_a_refused_write_with_the_tabs_unchanged_fails_clearly_without_a_second_try(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(workbook_grids(newcomers=[newcomer(1)]))
    with harness.workbook() as workbook:
        assert isinstance(workbook, GoogleWorkbook)
        workbook.read()
        api.inject(400, match=":batchUpdate", message="Invalid requests[0].updateCells: nej")
        api.reset_counts()
        with pytest.raises(WorkbookError, match="HTTP 400"):
            workbook.write([ch.SetCells("newcomers", 1, (("note", "x"),))])
    assert calls(api) == [*WRITE, "metadata"]
    assert harness.tab("Intresserade")[0]["Anteckning"] is None


def test_a_tab_renamed_after_the_read_is_found_missing_on_a_second_try(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    harness.seed(
        workbook_grids(newcomers=[newcomer(None, registered=TODAY, email="ny@example.se")], log=[])
    )
    before_write(
        api, 2, lambda fake: fake.rename_sheet(harness.spreadsheet_id, "Logg", "Gammal logg")
    )
    api.reset_counts()
    report = daily_run(harness)
    assert report.write_error is None
    # The re-read of 'Logg' is refused; the metadata shows the rename; Logg is made anew.
    assert calls(api) == [*READ, *WRITE, "values:batchGet", "metadata", *WRITE]
    assert person_lines(harness) == [("ny rad", 1), ("välkomstbrev skickat", 1)]
    assert api.values(harness.spreadsheet_id, "Gammal logg") == [list(TABS_BY_KEY["log"].headers)]


def test_an_empty_log_tab_gets_its_headers_and_lines_without_a_new_tab(
    api: FakeSheetsApi, harness: GoogleHarness
) -> None:
    grids = workbook_grids(
        newcomers=[newcomer(None, registered=TODAY, email="ny@example.se")], log=[]
    )
    grids["Logg"] = []
    harness.seed(grids)
    api.reset_counts()
    report = daily_run(harness)
    assert report.write_error is None
    print(calls(api))
    assert calls(api) == [*READ, *WRITE, *WRITE]
    assert not any("addSheet" in request for request in batch_requests(api))
    assert api.values(harness.spreadsheet_id, "Logg")[0] == list(TABS_BY_KEY["log"].headers)
    assert person_lines(harness) == [("ny rad", 1), ("välkomstbrev skickat", 1)]
