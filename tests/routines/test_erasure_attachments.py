"""Erasure leaves nothing attached to an erased row: no cell comment (a note, Shift+F2) and no
hyperlink in the .xlsx file, no note in the Google Sheet — after every kind of erasure (the
stale intake, a declined person, the move to Uppföljning, the follow-up, a form answer, and
forget.py), on both backends, read back from the real file and through the real gspread."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.forget import run_forget
from tests.adapters.harness import GoogleHarness
from tests.fakes.clock import FakeClock
from tests.fakes.sheets_api import FakeSheetsApi, gspread_client
from tests.support import (
    DAY,
    NOW,
    REPO,
    TODAY,
    followup_of,
    make_config,
    newcomer,
    workbook_grids,
    write_xlsx,
    xlsx_traces,
)

FORM = "Formulärsvar 1"
FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer", "Vad vill du göra?"]

# Intresserade's columns as `workbook_grids` lays them out (the contract's order).
NAME, EMAIL, PHONE, TOWN, CALL, NOTE, CONSENT = "C", "D", "E", "G", "J", "O", "P"
ATTACHED = (NAME, EMAIL, PHONE, TOWN, CALL, NOTE, CONSENT)
"""Cells of each person's row that get a comment (a note) of their own."""


def _people() -> dict[str, Any]:
    """One row per kind of erasure, and one person whose row is kept."""
    newcomers = [
        # Still in Intresserade 180 days after registration: erased today.
        newcomer(1, TODAY - 181 * DAY, name="Stina Gammal", email="stina@example.se",
                 welcome=TODAY - 180 * DAY, town="Exempelby"),
        # Declined 31 days ago: erased today.
        newcomer(2, TODAY - 40 * DAY, name="Dag Avböjd", email="dag@example.se",
                 welcome=TODAY - 39 * DAY, call=TODAY - 31 * DAY, referred_to="Avböjt"),
        # Referred today: moved to Uppföljning, blanked in Intresserade.
        newcomer(3, TODAY - 5 * DAY, name="Mona Flytt", email="mona@example.se",
                 welcome=TODAY - 4 * DAY, call=TODAY, referred_to="Centrumgruppen"),
        # Kept: nothing of hers is touched.
        newcomer(5, TODAY - 3 * DAY, name="Kim Kvar", email="kim@example.se",
                 welcome=TODAY - 2 * DAY),
        # Erased on request the next day (forget.py).
        newcomer(6, TODAY - 3 * DAY, name="Vera Glöms", email="vera@example.se",
                 welcome=TODAY - 2 * DAY),
    ]  # fmt: skip
    followed = {
        **followup_of(4, TODAY - 70 * DAY),
        "name": "Ulf Klar",
        "email": "ulf@example.se",
        "phone": "070-174 06 44",
        "followed_up": TODAY - 8 * DAY,
        "result": "Aktiv",
        "note": "Ulf vill bli kontaktad igen",
    }
    grids = workbook_grids(newcomers=newcomers, followups=[followed])
    grids[FORM] = [
        [*FORM_HEADER, "Importerad"],
        # A new answer: imported today, then emptied in the form tab.
        [46349.4, "Frida Formulär", "frida@example.se", "070-174 06 51", "Skriva brev", None],
        # No name, 200 days old: cannot be imported, erased.
        [46150.4, "", "gammal@example.se", "070-174 06 52", "Demonstrera",
         "Ej importerad: namn saknas. Försöker igen vid nästa körning."],
        # Held by a coordinator's own mark: never touched.
        [46349.5, "Bo Behållen", "bo@example.se", "070-174 06 53", "", "Ringer själv"],
    ]  # fmt: skip
    return grids


ERASED = ("Stina Gammal", "stina@example.se", "Dag Avböjd", "dag@example.se", "Ulf Klar",
          "ulf@example.se", "Vera Glöms", "vera@example.se", "gammal@example.se")  # fmt: skip
"""What must be found nowhere once the run and forget.py are done."""

INTRESSERADE_ROWS = {1: 2, 2: 3, 3: 4, 5: 5, 6: 6}
"""ID -> the sheet's row number, as seeded."""


def _note(row_id: int, column: str) -> str:
    return f"kommentar {column} om ID {row_id}"


def _with_form(config: Config) -> Config:
    tabs = {**config.workbook.tab_names, "form_answers": FORM}
    return dataclasses.replace(
        config, workbook=dataclasses.replace(config.workbook, tab_names=tabs)
    )


def _run_and_forget(config: Config, open_workbook: Any) -> None:
    """The daily run on TODAY, then forget.py for Vera the next day."""
    renderer = Renderer(REPO / "templates")
    workbook: Workbook
    with open_workbook() as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    with open_workbook() as workbook:
        run_forget(workbook, config, TODAY + DAY, NOW + DAY, email_address="vera@example.se")


def test_no_erased_persons_comment_link_or_data_is_left_in_any_part_of_the_xlsx(
    tmp_path: Path,
) -> None:
    config = _with_form(make_config(tmp_path))
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, _people())
    book = openpyxl.load_workbook(path)
    sheet = book["Intresserade"]
    for row_id, row in INTRESSERADE_ROWS.items():
        for column in ATTACHED:
            sheet[f"{column}{row}"].comment = Comment(_note(row_id, column), "Kim Exempelsson")
        address = sheet[f"{EMAIL}{row}"].value
        sheet[f"{EMAIL}{row}"].hyperlink = f"mailto:{address}"  # as Excel makes of an address
    followups = book["Uppföljning"]
    for column in ("B", "C", "D", "O"):  # Namn, E-post, Telefon, Anteckning
        followups[f"{column}2"].comment = Comment(_note(4, column), "Kim Exempelsson")
    followups["C2"].hyperlink = "mailto:ulf@example.se"
    form = book[FORM]
    for row in (2, 3, 4):
        form[f"B{row}"].comment = Comment(f"kommentar om formulärsvar {row}", "Kim Exempelsson")
    form["C3"].hyperlink = "mailto:gammal@example.se"
    book.save(path)
    tabs = config.workbook.tab_names

    _run_and_forget(config, lambda: XlsxWorkbook(path, tabs))

    for needle in ERASED:
        assert xlsx_traces(path, needle) == [], needle
    for row_id in (1, 2, 3, 4, 6):  # erased or moved: every comment on the row went
        for column in (*ATTACHED, "B"):
            assert xlsx_traces(path, _note(row_id, column)) == [], (row_id, column)
    assert xlsx_traces(path, "kommentar om formulärsvar 2") == []  # imported and emptied
    assert xlsx_traces(path, "kommentar om formulärsvar 3") == []  # erased as too old
    # What is kept keeps its comments and links; the moved person's details are in Uppföljning.
    assert xlsx_traces(path, _note(5, NAME)) and xlsx_traces(path, "kommentar om formulärsvar 4")
    assert any("rels" in part for part in xlsx_traces(path, "mailto:kim@example.se"))
    assert xlsx_traces(path, "Mona Flytt") and xlsx_traces(path, "Frida Formulär")
    after = openpyxl.load_workbook(path)
    assert after["Intresserade"]["C5"].comment is not None
    assert after["Intresserade"]["C4"].comment is None and after["Intresserade"]["C4"].value is None


def _notes_by_row(api: FakeSheetsApi, spreadsheet_id: str, tab: str) -> dict[int, list[str]]:
    """Every note on the tab, by the sheet's row number, read through gspread."""
    sheet = gspread_client(api).open_by_key(spreadsheet_id).worksheet(tab)
    return {
        number: [note for note in row if note]
        for number, row in enumerate(sheet.get_notes(), start=1)
        if any(row)
    }


@pytest.mark.parametrize("separate", [False, True], ids=["one spreadsheet", "follow-up apart"])
def test_erasure_removes_every_note_on_the_erased_rows_of_the_google_sheet(
    sheets_api: FakeSheetsApi, tmp_path: Path, separate: bool
) -> None:
    api = sheets_api
    harness = GoogleHarness(tmp_path, api, followup_spreadsheet=separate)
    harness.seed(_people())
    harness.config = config = _with_form(harness.config)
    followups_id = harness.followup_id or harness.spreadsheet_id
    book = gspread_client(api).open_by_key(harness.spreadsheet_id)
    book.worksheet("Intresserade").update_notes(
        {
            f"{column}{row}": _note(row_id, column)
            for row_id, row in INTRESSERADE_ROWS.items()
            for column in ATTACHED
        }
    )
    gspread_client(api).open_by_key(followups_id).worksheet("Uppföljning").update_notes(
        {"B2": _note(4, "B"), "O2": _note(4, "O")}
    )
    book.worksheet(FORM).update_notes(
        {f"B{row}": f"kommentar om formulärsvar {row}" for row in (2, 3, 4)}
    )

    def open_workbook() -> Workbook:
        return open_google_workbook(
            config.workbook,
            {},
            session=api.session(),
            account_email="robot@example.org",
            policy=RetryPolicy(tries=5, base=0.001, cap=0.01, budget=5),
            clock=FakeClock(),
        )

    _run_and_forget(config, open_workbook)

    notes = _notes_by_row(api, harness.spreadsheet_id, "Intresserade")
    assert notes == {5: [_note(5, column) for column in ATTACHED]}
    assert _notes_by_row(api, followups_id, "Uppföljning") == {}
    assert _notes_by_row(api, harness.spreadsheet_id, FORM) == {4: ["kommentar om formulärsvar 4"]}
    everything = str(
        [api.values(s, t) for s in api.spreadsheet_ids() for t in api.sheet_titles(s)]
    ).casefold()
    for needle in ERASED:
        assert needle.casefold() not in everything, needle
