"""Erasure on request: forget.py leaves no trace of the person in the workbook or the outbox."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.sheet import cells
from tests.adapters.harness import GoogleHarness
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    traces,
    workbook_grids,
    write_xlsx,
    xlsx_config_file,
)

DAY = dt.timedelta(days=1)
ADDRESS = "kim.glomsk@example.se"
FORM = "Formulärsvar 1"
FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer", "Vad vill du göra?"]
WITH_FORM = {**TAB_NAMES, "form_answers": FORM}


def with_form(config: Config) -> Config:
    """`config` with the form-answers tab named (`[workbook.tabs] form_answers`)."""
    tabs = {**config.workbook.tab_names, "form_answers": FORM}
    return dataclasses.replace(
        config, workbook=dataclasses.replace(config.workbook, tab_names=tabs)
    )


def test_forgetting_an_address_in_both_tabs_and_the_outbox_leaves_no_trace(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    rows = [
        newcomer(
            1, email=ADDRESS.upper(), name="Kim Glömsk", call=TODAY, referred_to="Centrumgruppen"
        ),
        newcomer(2),
        newcomer(3, email=f" {ADDRESS} ", name="Kim Glömsk"),  # registered twice
    ]
    write_xlsx(path, workbook_grids(newcomers=rows))
    renderer = Renderer(REPO / "templates")
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    with XlsxWorkbook(path, TAB_NAMES) as workbook:  # a dry run keeps its own letters too
        run_daily(
            workbook, Outbox(config.mail.outbox / "dry-run", NOW), renderer, config, TODAY,
            NOW, dry_run=True,
        )  # fmt: skip
    assert traces(path, config.mail.outbox, ADDRESS)  # in Uppföljning and in the letters
    assert traces(path, config.mail.outbox, "Glömsk")

    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_forget(workbook, config, TODAY + DAY, NOW + DAY, email_address=ADDRESS)

    assert traces(path, config.mail.outbox, ADDRESS) == []
    assert traces(path, config.mail.outbox, "Glömsk") == []
    # ID 1 was moved to Uppföljning: its intake row holds nothing of the person any more.
    assert {(f.tab, f.row_id) for f in report.found} == {("newcomers", 3), ("followups", 1)}
    assert report.letters  # the welcome, the introductions (also the group's) and the dry run
    assert traces(path, config.mail.outbox, "person2@example.se")  # nobody else was touched
    text = "\n".join(report.lines(dict(TAB_NAMES)))
    assert ADDRESS not in text.casefold() and "Glömsk" not in text


def test_forget_by_id_and_an_address_that_matches_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_forget(workbook, config, TODAY, NOW, row_id=2)
    assert [(f.tab, f.row_id) for f in report.found] == [("newcomers", 2)]
    assert traces(path, tmp_path / "outbox", "person2@example.se") == []
    assert traces(path, tmp_path / "outbox", "person1@example.se")
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        nothing = run_forget(workbook, config, TODAY, NOW, email_address="ingen@example.se")
    assert nothing.found == [] and nothing.lines(dict(TAB_NAMES)) == [
        "Ingen rad och inget brev hittades (inget har ändrats)."
    ]


def test_an_address_is_found_in_a_cell_the_routine_cannot_read_as_one_address(
    tmp_path: Path,
) -> None:
    # Two addresses in one cell, a HYPERLINK formula, an address amid words: the routine flags
    # each cell, but the person who asks to be forgotten is in it all the same.
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    typed = (
        f"{ADDRESS.upper()}; annan@example.se",
        f'=HYPERLINK("mailto:{ADDRESS}";"Kim")',
        f"jobb: {ADDRESS}, privat okänd",
    )
    rows = [newcomer(i, email=cell, name="Kim Glömsk") for i, cell in enumerate(typed, start=1)]
    write_xlsx(path, workbook_grids(newcomers=[*rows, newcomer(9)]))
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_forget(workbook, config, TODAY, NOW, email_address=ADDRESS)
    assert sorted(f.row_id for f in report.found if f.row_id) == [1, 2, 3]
    assert traces(path, tmp_path / "outbox", ADDRESS) == []
    assert traces(path, tmp_path / "outbox", "Glömsk") == []
    assert traces(path, tmp_path / "outbox", "person9@example.se")  # nobody else's row


def test_the_next_daily_run_keeps_saying_the_row_was_erased_on_request(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    called = newcomer(2, TODAY - 3 * DAY, welcome=TODAY - 2 * DAY, call=TODAY - DAY)
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1), called]), TAB_NAMES)
    with workbook:
        run_forget(workbook, config, TODAY, NOW, row_id=1)
        run_forget(workbook, config, TODAY, NOW, row_id=2)
    said = f"Personuppgifterna raderade på begäran {TODAY.isoformat()}."
    renderer = Renderer(REPO / "templates")
    for day in (TODAY + DAY, TODAY + 9 * DAY):
        now = dt.datetime.combine(day, NOW.time(), NOW.tzinfo)
        with workbook:
            run_daily(workbook, Outbox(config.mail.outbox, now), renderer, config, day, now)
        assert [row["Status"] for row in workbook.tab("Intresserade")] == [said, said]


def test_the_forget_script_dry_run_changes_nothing_and_prints_no_address(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    xlsx_config_file(tmp_path)
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1)]))
    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "forget.py"), "--config", "config.toml",
         "--email", "person1@example.se", "--dry-run"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ID 1 i Intresserade: personuppgifterna skulle raderas" in done.stdout
    assert "person1" not in done.stdout + done.stderr
    assert path.read_bytes() == before
    neither = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "forget.py"), "--config", "config.toml"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert neither.returncode == 2 and "--email eller --id" in neither.stderr


# --- The form-answers tab ---------------------------------------------------------------------

KIM_PHONE = "070-174 06 31"
OTHER = [46349.8, "Rut Exempelsson", "rut@example.org", "070-174 06 32", "Skriva brev"]


def _answers() -> list[list[Any]]:
    """A form tab holding Kim's answers in every state that keeps them, and other people's."""
    return [
        [*FORM_HEADER, "Importerad"],
        # 2: refused (no name), tried again every run: still holds the address.
        [46349.4, "", ADDRESS.upper(), KIM_PHONE, "Demonstrera", "Ej importerad: namn saknas."],
        # 3: came in after the morning's run, not imported yet.
        [46349.5, "Kim Glömsk", f" {ADDRESS} ", "", "Skriva brev", None],
        # 4: another person, not imported yet: untouched.
        [*OTHER, None],
        # 5: imported long ago and emptied then: nothing of Kim is left, nothing to do.
        [46300.5, None, None, None, None, dt.date(2026, 10, 6)],
        # 6: no address, Kim's phone number (as Intresserade holds it, typed otherwise).
        [46349.6, "Kim G", "", "0701740631", "", None],
        # 7: held by a coordinator's own mark.
        [46349.7, "Kim Glömsk", ADDRESS, "", "", "Ringer själv"],
        # 8 and 9: one time stamp on two rows, one of them Kim's: no write can address it.
        [46349.9, "Kim Glömsk", ADDRESS, "", "", None],
        [46349.9, "Bo Exempelsson", "bo@example.org", "", "", None],
    ]


def _forms_workbook() -> MemoryWorkbook:
    grids = workbook_grids(newcomers=[newcomer(4, email=ADDRESS, phone=KIM_PHONE), newcomer(5)])
    grids[FORM] = _answers()
    return MemoryWorkbook(grids, WITH_FORM)


def _assert_kims_answers_erased(form: list[list[Any]], day: dt.date) -> None:
    """Rows 2, 3, 6 and 7 hold only their time stamp and the erasure mark; the rest as given."""
    given = _answers()
    mark = f"Raderad {day.isoformat()}: på begäran"
    for number in (2, 3, 6, 7):
        row = [cells.text(value) for value in form[number - 1]]
        assert row == [cells.text(given[number - 1][0]), "", "", "", "", mark], number
    for number in (4, 5, 8, 9):
        assert [cells.text(v) for v in form[number - 1]] == [
            cells.text(v) for v in given[number - 1]
        ], number


def test_forget_empties_every_answer_of_the_person_in_the_form_tab(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    workbook = _forms_workbook()
    with workbook:
        report = run_forget(workbook, config, TODAY, NOW, email_address=ADDRESS)
    _assert_kims_answers_erased(workbook.grids[FORM], TODAY)
    assert [row["E-post"] for row in workbook.tab("Intresserade")] == [None, "person5@example.se"]
    lines = report.lines(dict(WITH_FORM))
    assert lines == [
        "ID 4 i Intresserade: personuppgifterna raderade",
        f"{FORM}: 4 formulärsvar raderade",
        f"{FORM}: 1 formulärsvar kan inte raderas (Tidstämpel saknas, finns på två rader eller "
        "ändrades under körningen): radera dem för hand",
        "brev i utkorgen som raderades: 0",
    ]
    log = workbook.tab("Logg")[1:]
    assert [(row["Åtgärd"], row["ID"], row["Detalj"]) for row in log] == [
        ("raderad på begäran", 4, "Intresserade"),
        *[("raderad på begäran", None, FORM)] * 4,
    ]
    text = "\n".join([*lines, *(str(v) for row in workbook.grids["Logg"] for v in row)])
    for secret in ("glomsk", "glömsk", "06 31", "0701740631"):
        assert secret not in text.casefold()

    # The next morning imports none of the erased answers again; Rut's is imported.
    with workbook:
        daily = run_daily(
            workbook, Outbox(config.mail.outbox, NOW + DAY), Renderer(REPO / "templates"),
            config, TODAY + DAY, NOW + DAY,
        )  # fmt: skip
    assert daily.intake is not None
    addresses = [row["E-post"] for row in workbook.tab("Intresserade")]
    assert addresses == [None, "person5@example.se", "rut@example.org"]
    for number in (2, 3, 6, 7):
        assert workbook.grids[FORM][number - 1][5] == f"Raderad {TODAY.isoformat()}: på begäran"


def test_forget_by_id_empties_the_answers_with_that_rows_address(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    workbook = _forms_workbook()
    with workbook:
        dry = run_forget(workbook, config, TODAY, NOW, row_id=4, dry_run=True)
    assert workbook.writes == [] and workbook.grids[FORM] == _answers()
    assert f"{FORM}: 4 formulärsvar skulle raderas" in dry.lines(dict(WITH_FORM))
    with workbook:
        report = run_forget(workbook, config, TODAY, NOW, row_id=4)
    _assert_kims_answers_erased(workbook.grids[FORM], TODAY)
    assert report.answers == 4 and report.answers_left == 1
    with workbook:  # person 5 has no answer: the form tab is left as it is
        other = run_forget(workbook, config, TODAY, NOW, row_id=5)
    assert other.answers == 0 and f"{FORM}:" not in "\n".join(other.lines(dict(WITH_FORM)))
    _assert_kims_answers_erased(workbook.grids[FORM], TODAY)


def test_an_address_only_in_the_form_tab_is_found_and_emptied(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    workbook = _forms_workbook()
    with workbook:
        report = run_forget(workbook, config, TODAY, NOW, email_address="RUT@example.org")
    assert report.found == [] and report.answers == 1
    assert workbook.grids[FORM][3][1:5] == [None, None, None, None]
    assert report.lines(dict(WITH_FORM))[0] == f"{FORM}: 1 formulärsvar raderat"
    # Without the tab in the config, forget does not look there.
    plain = make_config(tmp_path)
    untouched = _forms_workbook()
    with untouched:
        nothing = run_forget(untouched, plain, TODAY, NOW, email_address="rut@example.org")
    assert nothing.answers == 0 and untouched.grids[FORM] == _answers()


def test_forget_empties_the_form_answers_on_google(
    tmp_path: Path, sheets_api: FakeSheetsApi
) -> None:
    harness = GoogleHarness(tmp_path, sheets_api)
    grids: dict[str, Any] = workbook_grids(
        newcomers=[newcomer(4, email=ADDRESS, phone=KIM_PHONE), newcomer(5)]
    )
    grids[FORM] = _answers()
    harness.seed(grids)
    harness.config = with_form(harness.config)
    with harness.workbook() as workbook:
        report = run_forget(workbook, harness.config, TODAY, NOW, email_address=ADDRESS)
    assert (report.answers, report.answers_left) == (4, 1)
    form = sheets_api.values(harness.spreadsheet_id, FORM)
    mark = f"Raderad {TODAY.isoformat()}: på begäran"
    for number in (2, 3, 6, 7):
        assert [cells.text(v) for v in form[number - 1][1:6]] == ["", "", "", "", mark]
    assert form[3][1:5] == OTHER[1:5]
    assert form[7][1:3] == ["Kim Glömsk", ADDRESS] and form[8][1] == "Bo Exempelsson"
    assert harness.tab("Intresserade")[0]["E-post"] is None


def test_forget_leaves_no_trace_of_a_form_answer_in_the_xlsx_file(tmp_path: Path) -> None:
    config = with_form(make_config(tmp_path))
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1)]))
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet(FORM)
    for row in [FORM_HEADER, [46349.5, "Kim Glömsk", ADDRESS, KIM_PHONE, "Skriva brev"], OTHER]:
        sheet.append(row)
    book.save(path)
    assert traces(path, config.mail.outbox, ADDRESS) and traces(path, config.mail.outbox, "06 31")

    with XlsxWorkbook(path, WITH_FORM) as workbook:
        report = run_forget(workbook, config, TODAY, NOW, email_address=ADDRESS)

    assert report.answers == 1 and report.found == []
    for secret in (ADDRESS, "Glömsk", "06 31"):
        assert traces(path, config.mail.outbox, secret) == [], secret
    assert traces(path, config.mail.outbox, "rut@example.org")  # nobody else was touched
    assert traces(path, config.mail.outbox, "person1@example.se")
