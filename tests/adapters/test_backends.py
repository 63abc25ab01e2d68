"""The daily routine's scenarios on both backends: a real .xlsx file, and the real gspread
client against the local Sheets API. Same scenarios, same expected state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.errors import MissingColumnError
from medlemsrutiner.sheet.changes import SetByKey
from tests.adapters.harness import GoogleHarness, Harness, Sheet, XlsxHarness, daily_run
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import (
    TODAY,
    default_groups,
    followup_of,
    grid,
    moved_row,
    newcomer,
    read_outbox,
    recipients,
    workbook_grids,
)

DAY = dt.timedelta(days=1)


@pytest.fixture(params=["xlsx", "google", "google-two-spreadsheets"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "xlsx":
        yield XlsxHarness(tmp_path)
        return
    with FakeSheetsApi() as api:
        yield GoogleHarness(tmp_path, api, followup_spreadsheet=request.param.endswith("sheets"))


def by_id(backend: Harness, tab: str = "Intresserade") -> dict[Any, dict[str, Any]]:
    return {row["ID"]: row for row in backend.tab(tab)}


def test_a_new_row_gets_an_id_a_date_and_one_welcome_letter(backend: Harness) -> None:
    backend.seed(workbook_grids(newcomers=[newcomer(None, registered=None, email="ny@example.se")]))
    report = daily_run(backend)
    row = by_id(backend)[1]
    assert row["Registrerad"] == TODAY and row["Välkomstbrev"] == TODAY
    assert row["Status"] == (
        "Välkomstbrev skickat 2026-11-24. Ring senast 2026-12-01. Raderas senast 2027-05-23."
    )
    assert recipients(read_outbox(backend.config.mail.outbox)) == ["ny@example.se"]
    assert report.exit_code == 0
    assert [(r["Åtgärd"], r["ID"]) for r in backend.tab("Logg")][1:] == [  # after yesterday's
        ("ny rad", 1),
        ("välkomstbrev skickat", 1),
        ("daglig körning klar", None),
    ]


def test_a_second_run_the_same_day_changes_and_sends_nothing(backend: Harness) -> None:
    backend.seed(
        workbook_grids(
            newcomers=[newcomer(1), newcomer(2, call=TODAY, referred_to="Skrivargruppen")]
        )
    )
    daily_run(backend)
    letters = len(read_outbox(backend.config.mail.outbox))
    tabs = {name: backend.tab(name) for name in ("Intresserade", "Uppföljning")}
    report = daily_run(backend)
    assert letters == 4 and len(read_outbox(backend.config.mail.outbox)) == 4
    assert report.sent == {} and report.status_updates == 0
    assert {name: backend.tab(name) for name in tabs} == tabs


def test_a_referral_moves_the_person_to_followup_and_a_formula_note_stays_text(
    backend: Harness,
) -> None:
    formula = '=IMPORTXML("http://example.org", "//a")'
    backend.seed(
        workbook_grids(
            newcomers=[
                newcomer(
                    7,
                    note=formula,
                    welcome=TODAY - 3 * DAY,
                    call=TODAY,
                    referred_to="Centrumgruppen",
                ),
            ]
        )
    )
    daily_run(backend)
    intake = by_id(backend)[7]
    assert intake["Namn"] is None and intake["E-post"] is None and intake["Introduktion"] == TODAY
    followup = by_id(backend, "Uppföljning")[7]
    assert followup["Anteckning"] == formula
    assert followup["Hänvisad"] == TODAY
    assert followup["Följ upp senast"] == TODAY + dt.timedelta(weeks=10)
    assert sorted(recipients(read_outbox(backend.config.mail.outbox))) == [
        "centrum@example.org",
        "person7@example.se",
    ]
    if isinstance(backend, GoogleHarness):
        spreadsheet = backend.followup_id or backend.spreadsheet_id
        assert backend.api.formula_cells(spreadsheet, "Uppföljning") == {}


def test_a_coordinator_sorting_inserting_and_deleting_mid_run_never_misdirects_a_write(
    backend: Harness,
) -> None:
    rows = [newcomer(i, name=f"Person {chr(64 + i)}") for i in range(1, 6)]
    rows.append(newcomer(None, registered=None, name="Person Z", email="utan.id@example.se"))
    backend.seed(workbook_grids(newcomers=rows))

    def coordinator(sheet: Sheet) -> None:
        sheet.sort_by_name_descending()
        sheet.insert_row_on_top([None, None, "Insatt Person", "insatt@example.se"])
        sheet.delete_row_with_id(3)

    backend.edit_before_first_write(coordinator)
    report = daily_run(backend)
    intake = backend.tab("Intresserade")
    assert [r["Namn"] for r in intake][:2] == ["Insatt Person", "Person Z"]
    for row in intake:
        if row["Namn"] == "Insatt Person":
            assert row["ID"] is None and row["Välkomstbrev"] is None and row["Status"] is None
            continue
        number = row["ID"]
        expected = (
            "utan.id@example.se" if row["Namn"] == "Person Z" else f"person{number}@example.se"
        )
        assert row["E-post"] == expected, row
        assert row["Välkomstbrev"] == TODAY and row["Status"].startswith("Välkomstbrev skickat")
    assert 3 not in {row["ID"] for row in intake}
    assert sorted(recipients(read_outbox(backend.config.mail.outbox))) == sorted(
        [
            "person1@example.se",
            "person2@example.se",
            "person4@example.se",
            "person5@example.se",
            "utan.id@example.se",
        ]
    )
    assert 3 not in report.sent["welcome"]


def test_a_missing_column_stops_the_run_before_anything_is_written(backend: Harness) -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    headers = [h for h in grids["Intresserade"][0] if h != "E-post"]
    grids["Intresserade"] = grid("newcomers", [newcomer(1)], headers=headers)
    backend.seed(grids)
    before = backend.raw_bytes()
    with pytest.raises(MissingColumnError, match="'E-post' saknas i fliken 'Intresserade'"):
        daily_run(backend)
    assert backend.raw_bytes() == before
    assert not backend.config.mail.outbox.exists()


def test_headers_in_any_case_spacing_and_order_with_extra_columns_kept(backend: Harness) -> None:
    grids = workbook_grids()
    headers = [
        " status",
        "E-POST ",
        "egen kolumn",
        "välkomstbrev",
        "Id",
        "registrerad",
        "NAMN",
        "Telefon",
        "Samtal",
        "Hänvisad  till",
        "Introduktion",
    ]
    grids["Intresserade"] = [
        headers,
        [None, "a@example.se", "behåll", None, 4, TODAY, "A", None, None, None, None],
    ]
    backend.seed(grids)
    daily_run(backend)
    (row,) = backend.tab("Intresserade")
    assert row["egen kolumn"] == "behåll" and row["välkomstbrev"] == TODAY
    assert row[" status"].startswith("Välkomstbrev skickat")


def test_declined_people_are_erased_after_thirty_days_without_trace_in_the_log(
    backend: Harness,
) -> None:
    call = TODAY - 30 * DAY
    backend.seed(
        workbook_grids(
            newcomers=[
                newcomer(
                    1,
                    registered=call - DAY,
                    welcome=call,
                    call=call,
                    referred_to="Avböjt",
                    note="privat",
                ),
            ]
        )
    )
    daily_run(backend)
    row = by_id(backend)[1]
    assert all(row[h] is None for h in ("Namn", "E-post", "Telefon", "Anteckning"))
    assert row["Status"] == f"Avböjt. Personuppgifterna raderade {TODAY}."
    log = repr(backend.tab("Logg"))
    assert "person1" not in log and "Person1" not in log and "privat" not in log


def test_many_appended_rows_grow_the_sheet_beyond_its_grid(backend: Harness) -> None:
    rows = [
        newcomer(i, welcome=TODAY - DAY, call=TODAY, referred_to="Skrivargruppen")
        for i in range(1, 41)
    ]
    if isinstance(backend, GoogleHarness):
        backend.row_count = 3  # grids only as large as their data: 40 new rows must grow them
    backend.seed(workbook_grids(newcomers=rows))
    if isinstance(backend, GoogleHarness):
        spreadsheet = backend.followup_id or backend.spreadsheet_id
        grid = backend.api.sheet_properties(spreadsheet, "Uppföljning")["gridProperties"]
        assert grid["rowCount"] == 3
    daily_run(backend)
    assert sorted(by_id(backend, "Uppföljning")) == list(range(1, 41))
    # One line per introduction, all landed, and the run's own line (after yesterday's).
    assert len(backend.tab("Logg")) == 1 + 40 + 1


def test_a_week_after_the_follow_up_call_the_personal_data_is_erased(backend: Harness) -> None:
    followup = {
        "id": 3,
        "name": "Testa Person3",
        "email": "person3@example.se",
        "phone": "070-174 06 13",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 70 * DAY,
        "follow_up_from": TODAY - 14 * DAY,
        "follow_up_by": TODAY,
        "followed_up": TODAY - 7 * DAY,
        "result": "Aktiv",
        "note": "trivs",
    }
    backend.seed(workbook_grids(followups=[followup]))
    report = daily_run(backend)
    row = by_id(backend, "Uppföljning")[3]
    assert all(row[h] is None for h in ("Namn", "E-post", "Telefon", "Anteckning"))
    assert row["Raderad"] == TODAY and row["Resultat"] == "Aktiv"
    assert row["Hänvisad till"] == "Centrumgruppen" and row["Hänvisad"] == TODAY - 70 * DAY
    assert row["Status"] == "Uppföljd: Aktiv. Personuppgifterna raderade 2026-11-24."
    assert report.erased == [3]
    assert "person3" not in repr(backend.tab("Logg"))


def test_a_group_row_written_by_its_name_lands_on_it_wherever_it_is(backend: Harness) -> None:
    backend.seed(workbook_grids(groups=list(reversed(default_groups()))))
    change = SetByKey("groups", (("group", "skrivargruppen"),), (("reminder", TODAY),))
    with backend.workbook() as workbook:
        workbook.read()
        resolution = workbook.write([change])
    assert resolution.landed == (change,)
    groups = {row["Grupp"]: row for row in backend.tab("Grupper")}
    assert groups["Skrivargruppen"]["Påminnelse"] == TODAY
    assert groups["Centrumgruppen"]["Påminnelse"] is None


# --- Finished people out of the way ----------------------------------------------------------


def test_finished_rows_are_hidden_a_week_later_and_shown_when_someone_types_in_them(
    backend: Harness,
) -> None:
    old, recent = TODAY - 10 * DAY, TODAY - 3 * DAY
    backend.seed(
        workbook_grids(
            newcomers=[
                moved_row(1, old),
                newcomer(2, welcome=TODAY - DAY),
                moved_row(3, old),
                moved_row(4, recent),
            ],
            followups=[followup_of(1, old), followup_of(3, old), followup_of(4, recent)],
        )
    )
    daily_run(backend)
    assert backend.hidden_ids() == {1, 3}
    assert sorted(by_id(backend)) == [1, 2, 3, 4]  # hidden, never deleted

    def typed_a_note(sheet: Sheet) -> None:
        sheet.sort_by_name_descending()
        sheet.delete_row_with_id(3)
        sheet.insert_row_on_top([3, None, "Åter Person", "ater@example.se"])

    if isinstance(backend, GoogleHarness):
        backend.api.reset_counts()  # the edit hook counts this run's reads
    backend.edit_before_first_write(typed_a_note)
    daily_run(backend, TODAY + 5 * DAY)
    assert backend.hidden_ids() == {1, 4}
    assert by_id(backend)[3]["E-post"] == "ater@example.se"


def test_followups_done_and_erased_are_hidden_a_week_later_and_the_rest_stay_in_view(
    backend: Harness,
) -> None:
    referred = TODAY - 100 * DAY
    erased = {"name": None, "email": None, "phone": None}

    def followed_up(row_id: int, called: dt.date, **cells: Any) -> dict[str, Any]:
        return {**followup_of(row_id, referred), "followed_up": called, "result": "Aktiv", **cells}

    backend.seed(
        workbook_grids(
            followups=[
                followed_up(5, TODAY - 60 * DAY, erased=TODAY - 53 * DAY, **erased),  # long ago
                followed_up(6, TODAY - 7 * DAY),  # erased by today's run
                followup_of(7, TODAY - 30 * DAY),  # still to be called
                followed_up(8, TODAY - 60 * DAY, consent=TODAY - 60 * DAY),  # kept by consent
                followed_up(
                    9, TODAY - 60 * DAY, result="kanske", erased=TODAY - 53 * DAY, **erased
                ),
            ]
        )
    )
    daily_run(backend)
    assert backend.hidden_ids("Uppföljning") == {5}
    daily_run(backend, TODAY + 7 * DAY)
    assert backend.hidden_ids("Uppföljning") == {5, 6}  # 9 has a result to correct: in view
    assert sorted(by_id(backend, "Uppföljning")) == [5, 6, 7, 8, 9]  # hidden, never deleted
