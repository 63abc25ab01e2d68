"""Importing people, as the shell does it: a register export into a workbook (twice), and the
form-answers tab emptied into Intresserade by the daily run — in memory and through the real
gspread client against the local Sheets API. Invented data only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL, ImportFileError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.intake import import_contacts, import_form_answers
from medlemsrutiner.sheet import cells
from tests.adapters.harness import GoogleHarness
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import NOW, REPO, TAB_NAMES, TODAY, make_config, newcomer, workbook_grids

SECRETS = ("Åsa", "Öberg", "asa@", "par@", "06 55", "06 56", "Exempelsson")

EXPORT = [
    ["Förnamn", "Efternamn", "Mejl", "Mobil", "Datum"],
    ["Åsa", "Öberg", "asa@example.se", "070-174 06 55", "2026-11-03"],
    ["Pär", "Exempelsson", "par@example.se", "", "2026-11-04"],
    ["Bo", "Exempelsson", "bo(at)example.se", "", ""],
    ["Kim", "Exempelsson", "person1@example.se", "", ""],
]


def with_form(config: Config) -> Config:
    tabs = {**config.workbook.tab_names, "form_answers": "Formulärsvar 1"}
    return dataclasses.replace(
        config, workbook=dataclasses.replace(config.workbook, tab_names=tabs)
    )


def names(workbook: MemoryWorkbook) -> list[Any]:
    return [row["Namn"] for row in workbook.tab("Intresserade")]


def test_a_register_export_adds_its_new_people_once_however_often_it_is_imported(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1)]), TAB_NAMES)
    first = import_contacts(workbook, EXPORT, "export.csv", config, TODAY, NOW)
    assert names(workbook) == ["Testa Person1", "Åsa Öberg", "Pär Exempelsson"]
    assert first.exit_code == EXIT_PARTIAL  # row 4 could not be imported
    added = workbook.tab("Intresserade")[1]
    assert added["ID"] is None and added["Registrerad"] == dt.date(2026, 11, 3)
    assert added["Telefon"] == "070-174 06 55"

    before = workbook.grids
    second = import_contacts(workbook, EXPORT, "export.csv", config, TODAY, NOW)
    assert workbook.grids == before  # nothing added, not even a Logg line
    assert [line.strip() for line in second.lines()][2:4] == [
        "importerade: 0",
        "fanns redan: 3 (rad 2–3, 5)",
    ]


def test_the_report_and_logg_name_rows_and_headers_never_a_person(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1)]), TAB_NAMES)
    report = import_contacts(workbook, EXPORT, "export.csv", config, TODAY, NOW)
    assert report.lines() == [
        "Import från export.csv",
        "  kolumner: Namn ← Förnamn + Efternamn; E-post ← Mejl; Telefon ← Mobil; "
        "Registrerad ← Datum",
        "  importerade: 2 (rad 2–3)",
        "  fanns redan: 1 (rad 5)",
        "    rad 5: finns redan: ID 1 i Intresserade",
        "  kunde inte importeras: 1",
        "    rad 4: e-postadressen går inte att läsa",
        "  De nya raderna får ID och välkomstbrev vid nästa dagliga körning.",
    ]
    (log,) = [row for row in workbook.tab("Logg") if row["Åtgärd"] == "import från fil"]
    assert log["ID"] is None
    assert log["Detalj"] == "2 importerade, 1 fanns redan, 1 kunde inte importeras"
    for secret in SECRETS:
        assert secret not in "\n".join(report.lines()) + str(log)


def test_a_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(), TAB_NAMES)
    report = import_contacts(workbook, EXPORT, "export.csv", config, TODAY, NOW, dry_run=True)
    assert workbook.writes == []
    assert "  skulle importeras: 3 (rad 2–3, 5)" in report.lines()


def test_a_file_without_usable_columns_stops_before_anything_is_written(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(), TAB_NAMES)
    with pytest.raises(ImportFileError, match="ingen kolumn för e-post eller telefon"):
        import_contacts(
            workbook, [["Namn", "Ort"], ["Kim", "Exempelby"]], "x.csv", config, TODAY, NOW
        )
    assert workbook.writes == []


def test_the_next_daily_run_gives_imported_people_ids_and_welcome_letters(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1, welcome=TODAY)]), TAB_NAMES)
    import_contacts(workbook, EXPORT, "export.csv", config, TODAY, NOW)
    with workbook:
        report = daily(workbook, config, tmp_path)
    assert report.new_ids == [2, 3]
    assert report.sent["welcome"] == [2, 3]


# --- the form-answers tab, in the daily run ---------------------------------------------------

FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer", "Vad vill du göra?"]


def answer(serial: float, name: str, email: str, phone: str = "", wish: str = "") -> list[Any]:
    return [serial, name, email, phone, wish]


def daily(workbook: Any, config: Config, folder: Path, today: dt.date = TODAY) -> Any:
    now = dt.datetime.combine(today, dt.time(7), tzinfo=config.zone)
    outbox = Outbox(folder / "outbox", now)
    return run_daily(workbook, outbox, Renderer(REPO / "templates"), config, today, now)


def form_workbook(*answers: list[Any], **tabs: Any) -> MemoryWorkbook:
    grids = workbook_grids(**tabs)
    grids["Formulärsvar 1"] = [FORM_HEADER, *answers]
    return MemoryWorkbook(grids, {**TAB_NAMES, "form_answers": "Formulärsvar 1"})


def test_the_daily_run_imports_new_answers_first_and_welcomes_them_the_same_morning(
    tmp_path: Path,
) -> None:
    config = with_form(make_config(tmp_path))
    workbook = form_workbook(
        answer(46349.4375, "Kim Exempelsson", "kim@example.org", "070-174 06 05", "Skriva brev"),
        answer(46349.5, "Rut Exempelsson", "person1@example.se"),
        answer(46349.6, "Bo Exempelsson", "bo(at)example.se"),
        newcomers=[newcomer(1, welcome=TODAY)],
    )
    with workbook:
        report = daily(workbook, config, tmp_path)
    assert report.sent["welcome"] == [2]
    assert report.exit_code == EXIT_PARTIAL  # Bo's address must be corrected
    lines = report.lines()
    assert lines[1:5] == [
        "  formulärsvar i 'Formulärsvar 1': 1 importerat (rad 2); 1 fanns redan (rad 3)",
        "  formulärsvar som inte kunde importeras: 1",
        "    Formulärsvar 1 rad 4: e-postadressen går inte att läsa",
        "  frågor som inte importeras (svaren raderas ur fliken): Vad vill du göra?",
    ]
    form = workbook.grids["Formulärsvar 1"]
    assert form[0][-1] == "Importerad"
    assert form[1] == [46349.4375, None, None, None, None, TODAY]
    assert [cells.text(value) for value in form[2]] == [
        "46349.5", "", "", "", "", "2026-11-24: finns redan: ID 1 i Intresserade"
    ]  # fmt: skip
    assert form[3][:3] == [46349.6, "Bo Exempelsson", "bo(at)example.se"]
    assert str(form[3][5]).startswith("Ej importerad: e-postadressen går inte att läsa.")
    kim = workbook.tab("Intresserade")[1]
    assert (kim["ID"], kim["E-post"]) == (2, "kim@example.org")
    assert kim["Registrerad"] == TODAY - dt.timedelta(days=1)  # the answer's day
    for secret in ("Kim", "kim@", "Bo Ex", "bo(at)", "06 05"):
        assert secret not in "\n".join(lines)


def test_an_answer_is_never_imported_twice_even_after_the_person_was_erased(
    tmp_path: Path,
) -> None:
    config = with_form(make_config(tmp_path))
    workbook = form_workbook(answer(46349.4375, "Kim Exempelsson", "kim@example.org"))
    with workbook:
        daily(workbook, config, tmp_path)
    # The person declined; 31 days later the daily run erases their details in Intresserade.
    row = workbook.grids["Intresserade"][1]
    headers = workbook.grids["Intresserade"][0]
    row[headers.index("Samtal")] = TODAY
    row[headers.index("Hänvisad till")] = "Avböjt"
    later = TODAY + dt.timedelta(days=31)
    with workbook:
        erased = daily(workbook, config, tmp_path, later)
    assert erased.erased == [1]
    assert workbook.tab("Intresserade")[0]["E-post"] is None
    with workbook:
        again = daily(workbook, config, tmp_path, later + dt.timedelta(days=1))
    assert again.new_ids == [] and len(workbook.tab("Intresserade")) == 1
    assert again.intake is not None and not again.intake.lines()


def test_a_dry_run_shows_what_would_be_imported_and_writes_nothing(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    workbook = form_workbook(answer(46349.4375, "Kim Exempelsson", "kim@example.org"))
    report = daily_dry(workbook, config, tmp_path)
    assert workbook.writes == []
    assert report.lines()[1] == "  formulärsvar i 'Formulärsvar 1': 1 skulle importeras (rad 2)"


def daily_dry(workbook: Any, config: Config, folder: Path) -> Any:
    return run_daily(
        workbook,
        Outbox(folder / "outbox", NOW),
        Renderer(REPO / "templates"),
        config,
        TODAY,
        NOW,
        dry_run=True,
    )


def test_a_missing_form_tab_is_flagged_and_the_rest_of_the_run_goes_on(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1)]), TAB_NAMES)
    with workbook:
        report = daily(workbook, config, tmp_path)
    assert report.sent["welcome"] == [1]
    assert report.exit_code == EXIT_PARTIAL
    assert "finns inte i arbetsboken" in report.lines()[1]


def test_without_a_form_tab_in_the_config_the_run_reads_no_form(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = form_workbook(answer(46349.4375, "Kim Exempelsson", "kim@example.org"))
    with workbook:
        report = daily(workbook, config, tmp_path)
    assert report.intake is None and report.exit_code == EXIT_OK
    assert workbook.reads == 1


def test_form_answers_through_google_cost_a_read_and_one_write_batch(
    tmp_path: Path, sheets_api: FakeSheetsApi
) -> None:
    harness = GoogleHarness(tmp_path, sheets_api)
    grids: dict[str, Any] = workbook_grids(newcomers=[newcomer(1, welcome=TODAY)])
    grids["Formulärsvar 1"] = [
        FORM_HEADER,
        answer(46349.4375, "Kim Exempelsson", "kim@example.org", "070-174 06 05", "Skriva brev"),
    ]
    harness.seed(grids)
    plain = harness.config
    harness.config = with_form(plain)
    config = harness.config
    intake = requests_of(
        harness, lambda w: import_form_answers(w, config, TODAY, NOW, dry_run=False)
    )
    assert intake == 2 + 2  # metadata and batchGet; batchGet and batchUpdate
    form = sheets_api.values(harness.spreadsheet_id, "Formulärsvar 1")
    assert form[1][0] == 46349.4375 and form[1][1:5] == ["", "", "", ""]
    assert cells.serial_to_date(float(str(form[1][5]))) == TODAY
    # A quiet day: the form costs its read, nothing more.
    requests_of(harness, lambda w: daily(w, plain, tmp_path))
    without = requests_of(harness, lambda w: daily(w, plain, tmp_path))
    with_form_tab = requests_of(harness, lambda w: daily(w, harness.config, tmp_path))
    assert with_form_tab == without + 2
    (kim,) = [row for row in harness.tab("Intresserade") if row["E-post"] == "kim@example.org"]
    assert kim["ID"] == 2 and kim["Välkomstbrev"] == TODAY


def requests_of(harness: GoogleHarness, run: Callable[[Any], object]) -> int:
    """Sheets API requests of `run` on a freshly opened workbook."""
    harness.api.reset_counts()
    workbook = harness.workbook()
    with workbook:
        run(workbook)
    return len(harness.api.requests)


def test_a_form_tab_exactly_as_wide_as_its_questions_grows_a_column_for_importerad(
    tmp_path: Path, sheets_api: FakeSheetsApi
) -> None:
    harness = GoogleHarness(tmp_path, sheets_api)
    harness.seed(workbook_grids(newcomers=[newcomer(1, welcome=TODAY)]))
    rows = [FORM_HEADER, answer(46349.4375, "Kim Exempelsson", "kim@example.org")]
    sheets_api.add_sheet(harness.spreadsheet_id, "Formulärsvar 1", rows, column_count=5)
    harness.config = with_form(harness.config)
    with harness.workbook() as workbook:
        report = daily(workbook, harness.config, tmp_path)
    assert report.intake is not None and report.intake.exit_code == EXIT_OK
    form = sheets_api.values(harness.spreadsheet_id, "Formulärsvar 1")
    assert form[0][-1] == "Importerad" and form[1][:5] == [46349.4375, "", "", "", ""]
