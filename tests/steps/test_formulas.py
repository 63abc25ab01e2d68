"""A formula in a cell a letter shows holds the letter, on a real .xlsx file and through the
real gspread client against the local Sheets API: a name typed as `=T2&" "&U2` must never
greet `Hej =T2&"!`, and the coordinator is told on the row what to do."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import GROUPS, NEWCOMERS, TEXTS, TRAININGS
from medlemsrutiner.steps import formulas
from tests.adapters.harness import GoogleHarness, Harness, XlsxHarness, daily_run
from tests.fakes.sheets_api import FakeSheetsApi, gspread_client
from tests.support import (
    DAY,
    TODAY,
    default_groups,
    followup_of,
    newcomer,
    read_outbox,
    readable_text,
    records_of,
    workbook_grids,
)

NAME = '=T2&" "&U2'


@pytest.fixture(params=["xlsx", "google"])
def xlsx_or_google(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "xlsx":
        yield XlsxHarness(tmp_path)
        return
    with FakeSheetsApi() as api:
        yield GoogleHarness(tmp_path, api)


def put_formula(backend: Harness, tab: str, row: int, header: str, formula: str) -> None:
    """Type into a cell as a coordinator does in LibreOffice, Excel or Google: a text that
    begins with `=` becomes a formula."""
    if isinstance(backend, XlsxHarness):
        book = openpyxl.load_workbook(backend.path)
        sheet = book[tab]
        column = next(c.column for c in sheet[1] if c.value == header)
        sheet.cell(row, column).value = formula  # openpyxl stores `=…` as a formula
        assert (sheet.cell(row, column).data_type == "f") == formula.startswith("=")
        book.save(backend.path)
        return
    assert isinstance(backend, GoogleHarness)
    sheet = gspread_client(backend.api).open_by_key(backend.spreadsheet_id).worksheet(tab)
    column = sheet.row_values(1).index(header) + 1
    sheet.update_cell(row, column, formula)  # gspread enters it as typed: a formula


def _film(**cells: Any) -> list[dict[str, Any]]:
    return [
        *default_groups(),
        {"group": "Filmgruppen", "contact": "Bo Demosson", "email": "film@example.org",
         "active": "ja", "confirmed": TODAY - 30 * DAY, **cells},
    ]  # fmt: skip


def test_a_formula_in_a_cell_a_letter_shows_holds_that_letter_and_says_what_to_do(
    xlsx_or_google: Harness,
) -> None:
    xlsx_or_google.seed(
        workbook_grids(
            newcomers=[
                newcomer(1),  # its Namn becomes a formula
                newcomer(2, welcome=TODAY - DAY, call=TODAY, referred_to="Centrumgruppen"),
                newcomer(3, welcome=TODAY - DAY, call=TODAY, referred_to="Filmgruppen"),
                newcomer(4),
            ],
            followups=[
                {**followup_of(9, TODAY - 60 * DAY), "result": "Inte aktiv"}
                | {"followed_up": TODAY - DAY}
            ],
            groups=_film(meets="Onsdagar"),
            trainings=[
                {"date": TODAY + 10 * DAY, "title": "Grundkurs"},
                {"date": TODAY + 12 * DAY, "title": "Kvällskurs"},
            ],
            texts=[{"key": "lokal_information", "text": "Vi ses!"}],
        )
    )
    put_formula(xlsx_or_google, "Intresserade", 2, "Namn", NAME)
    put_formula(xlsx_or_google, "Uppföljning", 2, "E-post", '=A1&"@example.se"')
    put_formula(xlsx_or_google, "Grupper", 4, "Träffas", '=A1&" kl. 18"')
    put_formula(xlsx_or_google, "Utbildningar", 3, "Titel", "=B2")
    put_formula(xlsx_or_google, "Texter", 2, "Text", "=Blad2!A1")

    report = daily_run(xlsx_or_google)

    assert report.sent == {"introduction": [2], "welcome": [4]}
    letters = read_outbox(xlsx_or_google.config.mail.outbox)
    assert len(letters) == 3
    texts = [
        html.unescape(str(part.get_content()))
        for letter in letters
        for part in letter.walk()
        if part.get_content_maintype() == "text"
    ]
    for text in texts:
        for shown in ("T2&", "A1&", "=B2", "Blad2", "#NAME?"):
            assert shown not in text  # no formula, no error value anywhere
    assert any("Grundkurs" in text for text in texts)  # the other training still shows
    lines = "\n".join(report.lines())
    assert report.exit_code == 1
    assert "ID 1: Rätta Namn: cellen innehåller en formel" in lines
    assert "ID 9: Rätta E-post: cellen innehåller en formel" in lines
    assert "ID 3: Gruppen 'Filmgruppen' har en formel i Grupper (Träffas)" in lines
    assert "Grupper rad 4: Rätta Träffas" in lines
    assert "Utbildningar rad 3: Rätta Titel" in lines
    assert "Texter rad 2: Rätta Text" in lines
    status = {row["ID"]: row["Status"] for row in xlsx_or_google.tab("Intresserade")}
    # On xlsx the cell reads as its formula; on Google as its result, here an error value.
    assert status[1].startswith(
        "Rätta Namn: cellen innehåller en formel (den börjar med =), ett fel (som #REF!) eller "
        "SANT/FALSKT (en kryssruta), och ett brev kan inte visa det. Skriv in texten själv; "
        "inga brev skickas från raden tills dess."
    )
    film = next(row for row in xlsx_or_google.tab("Grupper") if row["Grupp"] == "Filmgruppen")
    assert film["Status"].startswith("Rätta Träffas: cellen innehåller en formel")


def test_on_google_a_letter_shows_what_a_formula_makes_as_a_person_sees_it(
    sheets_api: FakeSheetsApi, tmp_path: Path
) -> None:
    """Google computes a formula, and a person sees its result in the cell: the letter shows the
    same. (On xlsx no computed value survives a save: there the formula holds the letter.)"""
    google = GoogleHarness(tmp_path, sheets_api)
    google.seed(workbook_grids(newcomers=[newcomer(1)]))
    put_formula(google, "Intresserade", 2, "Namn", '="Testa"&" "&"Formelsson"')
    assert daily_run(google).sent == {"welcome": [1]}
    (letter,) = read_outbox(google.config.mail.outbox)
    assert "Testa Formelsson" in str(letter["To"])


def test_an_error_value_in_a_cell_a_letter_shows_holds_the_letter() -> None:
    for error in ("#REF!", "#NAME?", "#N/A", " #error! ", "#DIV/0!"):
        assert cells.is_error_value(error)
        assert formulas.headers(NEWCOMERS, {"name": error}) == ("Namn",)
    assert not cells.is_error_value("#1 i kön") and not cells.is_error_value(404)


def test_a_checkbox_in_a_cell_a_letter_shows_holds_that_letter_never_hej_ja(
    xlsx_or_google: Harness,
) -> None:
    # TRUE typed in Google Sheets or LibreOffice is a boolean, as a checkbox is.
    xlsx_or_google.seed(
        workbook_grids(
            newcomers=[
                newcomer(1, name=True),
                newcomer(2, call=TODAY, referred_to="Filmgruppen"),
                newcomer(3),
            ],
            groups=_film(contact=False),
        )
    )
    report = daily_run(xlsx_or_google)
    assert report.sent == {"welcome": [2, 3]}  # not ID 1's, and no introduction to Filmgruppen
    status = {row["ID"]: row["Status"] for row in xlsx_or_google.tab("Intresserade")}
    assert status[1].startswith("Rätta Namn: cellen innehåller en formel")
    assert "SANT/FALSKT (en kryssruta)" in status[1]
    film = next(row for row in xlsx_or_google.tab("Grupper") if row["Grupp"] == "Filmgruppen")
    assert film["Status"].startswith("Rätta Kontaktperson: ")
    letters = sorted(xlsx_or_google.config.mail.outbox.glob("*.eml"))
    assert len(letters) == 2
    assert all("hej ja" not in readable_text(letter.read_bytes()) for letter in letters)


def test_once_the_text_is_written_the_letter_goes(xlsx_or_google: Harness) -> None:
    xlsx_or_google.seed(workbook_grids(newcomers=[newcomer(1)]))
    put_formula(xlsx_or_google, "Intresserade", 2, "Namn", NAME)
    assert daily_run(xlsx_or_google).sent == {}
    put_formula(xlsx_or_google, "Intresserade", 2, "Namn", "Testa Person1")  # the text, typed
    assert daily_run(xlsx_or_google).sent == {"welcome": [1]}


def test_a_text_that_begins_with_an_equals_sign_is_a_formula_in_either_backend() -> None:
    assert cells.is_formula("=SUMMA(A1:A3)") and cells.is_formula(" \u200b=A1")
    assert not cells.is_formula("Anna = Berg") and not cells.is_formula(3)


def test_the_cells_letters_show_are_named_by_the_contract() -> None:
    shown = {
        tab.default_name: [c.header for c in tab.columns if c.in_letters]
        for tab in (NEWCOMERS, GROUPS, TRAININGS, TEXTS)
    }
    assert shown == {
        "Intresserade": ["Namn", "E-post", "Telefon", "Ort", "Intressen"],
        "Grupper": ["Grupp", "Kontaktperson", "E-post", "Telefon", "Träffas", "Arbetar med",
                    "Träffas (en)", "Arbetar med (en)"],
        "Utbildningar": ["Tid", "Titel", "Plats", "Anmälan", "Beskrivning", "Titel (en)",
                         "Beskrivning (en)"],
        "Texter": ["Text", "Text (en)"],
    }  # fmt: skip


def test_an_erased_follow_up_with_a_formula_left_needs_nothing(tmp_path: Path) -> None:
    from tests.support import make_config

    erased = {"id": 5, "referred_to": "Centrumgruppen", "referred": TODAY - 90 * DAY,
              "erased": TODAY - 10 * DAY, "note": "=A1"}  # fmt: skip
    records = records_of(make_config(tmp_path), followups=[erased])
    assert records.followups[0].problems == ()
    assert formulas.headers(NEWCOMERS, {"name": "=A1", "note": "=B1"}) == ("Namn",)


def test_a_day_later_nothing_has_changed_but_the_date(xlsx_or_google: Harness) -> None:
    xlsx_or_google.seed(workbook_grids(newcomers=[newcomer(1)]))
    put_formula(xlsx_or_google, "Intresserade", 2, "Namn", NAME)
    daily_run(xlsx_or_google)
    assert daily_run(xlsx_or_google, TODAY + dt.timedelta(days=1)).sent == {}


def test_a_phone_number_google_made_a_formula_says_how_to_type_it(tmp_path: Path) -> None:
    from tests.support import make_config

    records = records_of(make_config(tmp_path), newcomers=[newcomer(1, phone="=+46 70 174 06 55")])
    (problem,) = records.newcomers[0].problems
    assert problem.startswith("Rätta Telefon: cellen innehåller en formel")
    assert problem.endswith("skriver du med en apostrof först ('+46 70 …).")
