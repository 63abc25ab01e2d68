"""The .xlsx backend writes real files: read back with openpyxl, opened in LibreOffice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.cli import run_daily
from medlemsrutiner.errors import WorkbookBusyError, WorkbookError
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import AppendRow, AssignId, SetCells, fingerprint_of
from medlemsrutiner.sheet.schema import NEWCOMERS, TABS
from tests.support import (
    SOFFICE,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    soffice_csv,
    workbook_grids,
    write_xlsx,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "arbetsbok.xlsx"
    write_xlsx(file, workbook_grids(newcomers=[newcomer(1), newcomer(2), newcomer(3)]))
    return file


def rows_of(path: Path, tab: str = "Intresserade") -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book[tab].iter_rows(values_only=True)]


def test_reading_returns_every_tab_as_raw_values(path: Path) -> None:
    grids = XlsxWorkbook(path, TAB_NAMES).read()
    assert set(grids) >= {"Intresserade", "Grupper", "Uppföljning"}
    assert grids["Intresserade"][0][:3] == ["ID", "Registrerad", "Namn"]
    assert grids["Intresserade"][1][0] == 1
    assert grids["Intresserade"][1][1] == dt.datetime(2026, 11, 24)


def test_a_write_sets_only_its_cells_and_keeps_formatting_and_unknown_columns(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Intresserade"]
    sheet.cell(row=1, column=20, value="Egen kolumn")
    sheet.cell(row=3, column=20, value="behåll mig")
    sheet["C3"].font = Font(bold=True, color="FF0000")
    sheet["C3"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.column_dimensions["C"].width = 33
    book.create_sheet("Anteckningar")["A1"] = "egen flik"
    book.save(path)

    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.write([SetCells("newcomers", 2, (("status", "Ny status"), ("welcome", TODAY)))])

    after = openpyxl.load_workbook(path)
    sheet = after["Intresserade"]
    assert sheet.cell(row=3, column=14).value == "Ny status"
    assert sheet.cell(row=3, column=9).value == dt.datetime(2026, 11, 24)
    assert sheet.cell(row=3, column=9).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=3, column=20).value == "behåll mig"
    assert sheet["C3"].font.bold and sheet["C3"].fill.fgColor.rgb == "00FFFF00"
    assert sheet.column_dimensions["C"].width == 33
    assert after["Anteckningar"]["A1"].value == "egen flik"
    assert sheet.cell(row=2, column=14).value is None


def test_headers_match_whatever_their_case_spacing_and_order(tmp_path: Path) -> None:
    headers = [
        " status ",
        "e-POST",
        "Välkomstbrev",
        "id",
        "REGISTRERAD",
        "namn",
        "Telefon",
        "samtal",
        "hänvisad  till",
        "Introduktion",
    ]
    grids = workbook_grids()
    grids["Intresserade"] = [
        headers,
        [None, "a@example.se", None, 7, None, "A", None, None, None, None],
    ]
    file = tmp_path / "blandat.xlsx"
    write_xlsx(file, grids)
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        workbook.write([SetCells("newcomers", 7, (("status", "OK"),))])
    assert rows_of(file)[1][0] == "OK"


def test_text_starting_with_an_equals_sign_stays_text(path: Path, tmp_path: Path) -> None:
    formula = '=IMPORTXML("http://example.org", "//a")'
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.write([AppendRow("followups", (("id", 9), ("name", formula)))])
    book = openpyxl.load_workbook(path)
    cell = book["Uppföljning"]["B2"]
    assert cell.value == formula and cell.data_type == "s"


def test_writes_follow_the_id_when_rows_were_sorted_inserted_and_deleted(path: Path) -> None:
    def coordinator_edits(file: Path) -> None:
        book = openpyxl.load_workbook(file)
        sheet = book["Intresserade"]
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        sheet.delete_rows(2, sheet.max_row)
        rows = [r for r in rows if r[0] != 2]  # delete ID 2
        rows.sort(key=lambda r: -int(r[0]))  # sort descending
        sheet.append([None, None, "Insatt Person", "insatt@example.se"])  # insert on top
        for row in rows:
            sheet.append(row)
        book.save(file)

    workbook = XlsxWorkbook(path, TAB_NAMES, before_write=coordinator_edits)
    with workbook:
        resolution = workbook.write(
            [SetCells("newcomers", i, (("status", f"rad {i}"),)) for i in (1, 2, 3)]
        )
    by_id = {row[0]: row for row in rows_of(path)[1:]}
    assert by_id[1][13] == "rad 1" and by_id[3][13] == "rad 3"
    assert by_id[None][13] is None  # the inserted row got nothing
    assert [s.change.row_id for s in resolution.skipped] == [2]  # type: ignore[union-attr]


def test_a_new_row_gets_its_id_wherever_it_moved(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book["Intresserade"].append([None, None, "Ny Person", "ny@example.se"])
    book.save(path)
    record = {name: None for name in NEWCOMERS.column_names} | {
        "name": "Ny Person",
        "email": "ny@example.se",
    }

    def sort_new_row_to_the_top(file: Path) -> None:
        book = openpyxl.load_workbook(file)
        sheet = book["Intresserade"]
        sheet.insert_rows(2)
        for column, value in enumerate([None, None, "Ny Person", "ny@example.se"], start=1):
            sheet.cell(row=2, column=column, value=value)
        sheet.delete_rows(sheet.max_row)
        book.save(file)

    with XlsxWorkbook(path, TAB_NAMES, before_write=sort_new_row_to_the_top) as workbook:
        workbook.write(
            [AssignId("newcomers", fingerprint_of(NEWCOMERS, record), 4, (("registered", TODAY),))]
        )
    top = rows_of(path)[1]
    assert top[:4] == [4, dt.datetime(2026, 11, 24), "Ny Person", "ny@example.se"]


def test_a_missing_log_tab_is_created_on_first_write(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    del book["Logg"]
    book.save(path)
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.write(
            [AppendRow("log", (("time", "2026-11-24 07:00"), ("action", "test"), ("id", 1)))]
        )
    assert rows_of(path, "Logg") == [
        ["Tid", "Åtgärd", "ID", "Detalj", "Brev"],
        ["2026-11-24 07:00", "test", 1, None, None],
    ]


def test_a_second_run_is_refused_while_the_first_holds_the_workbook(path: Path) -> None:
    with XlsxWorkbook(path, TAB_NAMES), pytest.raises(WorkbookBusyError, match="annan körning"):
        XlsxWorkbook(path, TAB_NAMES).__enter__()
    with XlsxWorkbook(path, TAB_NAMES):
        pass  # released when the first run ended


def test_a_workbook_open_in_libreoffice_is_refused(path: Path) -> None:
    lock = path.with_name(f".~lock.{path.name}#")
    lock.write_text("någon,dator,2026", encoding="utf-8")
    with pytest.raises(WorkbookBusyError, match="öppen i LibreOffice eller Excel"):
        XlsxWorkbook(path, TAB_NAMES).__enter__()


def test_a_crash_while_saving_leaves_the_old_file_intact(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = path.read_bytes()

    def broken_save(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with (
        XlsxWorkbook(path, TAB_NAMES) as workbook,
        pytest.raises(WorkbookError, match="gick inte att spara"),
    ):
        workbook.write([SetCells("newcomers", 1, (("status", "x"),))])
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="finns inte"):
        XlsxWorkbook(tmp_path / "saknas.xlsx", TAB_NAMES).read()
    broken = tmp_path / "trasig.xlsx"
    broken.write_text("inte en arbetsbok", encoding="utf-8")
    with pytest.raises(WorkbookError, match="går inte att läsa"):
        XlsxWorkbook(broken, TAB_NAMES).read()


def test_ensure_tabs_creates_what_is_missing_and_twice_changes_nothing(tmp_path: Path) -> None:
    file = tmp_path / "ny.xlsx"
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        assert "fliken Intresserade" in workbook.ensure_tabs(tabs)
    first = file.read_bytes()
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        assert workbook.ensure_tabs(tabs) == []
    assert file.read_bytes() == first


# --- LibreOffice -----------------------------------------------------------------------------


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_after_a_run_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert config.workbook.path is not None
    formula = '=IMPORTXML("http://example.org", "//a")'
    grids = workbook_grids(
        newcomers=[
            newcomer(1, name="Åsa Ölund"),
            newcomer(None, registered=None, email="ny@example.se"),
            newcomer(2, note=formula, call=TODAY, referred_to="Centrumgruppen"),
        ]
    )
    write_xlsx(config.workbook.path, grids)
    (tmp_path / "config.toml").write_text(
        "timezone = 'Europe/Stockholm'\nstart_date = 2026-01-01\n"
        "[coordinator]\nname = 'Kim Exempelsson'\nemail = 'kim@example.org'\n"
        "[workbook]\nbackend = 'xlsx'\npath = 'arbetsbok.xlsx'\n"
        "[mail]\ntransport = 'outbox'\noutbox = 'outbox'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        run_daily, ["--config", str(tmp_path / "config.toml"), "--today", "2026-11-24"]
    )
    assert result.exit_code == 0, result.output

    intake = soffice_csv(config.workbook.path, tmp_path / "intake", sheet=1)
    assert intake[0][:3] == ["ID", "Registrerad", "Namn"]
    by_id = {row[0]: row for row in intake[1:]}
    assert by_id["1"][2] == "Åsa Ölund" and by_id["1"][8] == "2026-11-24"
    assert by_id["3"][3] == "ny@example.se" and by_id["3"][1] == "2026-11-24"
    followups = soffice_csv(config.workbook.path, tmp_path / "followups", sheet=2)
    assert followups[0][0] == "ID" and followups[1][0] == "2"
    assert formula in followups[1]  # Anteckning, copied as text, not turned into a formula


# --- The look of the workbook ----------------------------------------------------------------


def _validations(sheet: Any) -> dict[str, Any]:
    """The sheet's dropdowns by their title (the column's header)."""
    return {v.errorTitle: v for v in sheet.data_validations.dataValidation if v.type == "list"}


def _prompts(sheet: Any) -> dict[str, str]:
    """The sheet's input messages: range -> message."""
    return {
        str(v.sqref): v.prompt for v in sheet.data_validations.dataValidation if v.showInputMessage
    }


def _colour_rules(sheet: Any) -> dict[str, list[tuple[str, str]]]:
    """Conditional formats by range: (formula, fill colour) of each rule, in priority order."""
    return {
        str(formatting.sqref): [
            (rule.formula[0], str(rule.dxf.fill.start_color.rgb)[-6:])
            for rule in sorted(formatting.rules, key=lambda r: r.priority)
        ]
        for formatting in sheet.conditional_formatting
    }


def test_init_gives_a_new_workbook_widths_formats_dropdowns_and_status_colours(
    tmp_path: Path,
) -> None:
    file = tmp_path / "ny.xlsx"
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        added = workbook.ensure_tabs(tabs)
    assert "fliken Intresserade" in added

    book = openpyxl.load_workbook(file)
    for tab in TABS:
        sheet = book[tab.default_name]
        assert sheet.freeze_panes == look.freeze_cell(tab, tab.headers)
        for index, column in enumerate(tab.columns, start=1):
            header = sheet.cell(row=1, column=index)
            assert header.value == column.header and header.font.bold
            width = sheet.column_dimensions[get_column_letter(index)].width
            assert width >= len(column.header) + 4, (tab.key, column.header)
            if column.kind == "date":
                assert width >= 12
    intake = book["Intresserade"]
    assert intake.column_dimensions["N"].width == 84  # Status
    dropdowns = _validations(intake)
    assert set(dropdowns) == {"Hänvisad till", "Språk"}
    referral = dropdowns["Hänvisad till"]
    assert str(referral.sqref) == "K2:K1048576"
    assert referral.formula1 == '"Ny grupp,Blixtaktioner,På egen hand,Webbaktioner,Avböjt,Ej nådd"'
    assert referral.showErrorMessage is False  # a variant people type is accepted
    assert _validations(book["Uppföljning"])["Resultat"].formula1 == '"Aktiv,Inte aktiv,Ej nådd"'
    assert _validations(book["Grupper"])["Aktiv"].formula1 == '"ja,nej"'
    rules = _colour_rules(intake)["N2:N1048576"]
    assert [colour for _, colour in rules] == ["F4C7C3", "FCE8B2", "E7E7E7"]
    assert 'FIND("FÖRSENAT",N2)' in rules[0][0] and 'FIND("Ring senast",N2)' in rules[1][0]
    assert len(_colour_rules(book["Uppföljning"])["O2:O1048576"]) == 3  # Status


def test_every_status_column_says_on_selection_that_the_run_writes_it_wherever_it_stands(
    tmp_path: Path,
) -> None:
    """A note typed into Status is overwritten by the next run: selecting a Status cell tells
    the person so (typing stays allowed), in every tab with a Status, in a new workbook and in
    one whose Status column a person moved; dressing it again changes nothing."""
    file = tmp_path / "ny.xlsx"
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        workbook.ensure_tabs(tabs)
    book = openpyxl.load_workbook(file)
    for tab in TABS:
        sheet = book[tab.default_name]
        headers = [cell.value for cell in sheet[1]]
        prompts = _prompts(sheet)
        if tab.key not in look.STATUS_TABS:
            assert prompts == {}, tab.key
            continue
        letter = get_column_letter(headers.index("Status") + 1)
        assert prompts == {f"{letter}2:{letter}1048576": look.STATUS_PROMPT}, tab.key
        assert all(v.showErrorMessage is False for v in sheet.data_validations.dataValidation)
    intake = book["Intresserade"]
    # ID moved far right (its used cells: a whole column is a million cells in openpyxl):
    # Status is now in another column.
    intake.move_range(f"A1:A{intake.max_row}", cols=30)
    intake.delete_cols(1)
    book.save(file)
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        workbook.ensure_tabs(tabs)
    intake = openpyxl.load_workbook(file)["Intresserade"]
    letter = get_column_letter([c.value for c in intake[1]].index("Status") + 1)
    assert _prompts(intake) == {f"{letter}2:{letter}1048576": look.STATUS_PROMPT}
    dressed = file.read_bytes()
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        assert workbook.ensure_tabs(tabs) == []
    assert file.read_bytes() == dressed


def test_init_dresses_an_old_workbook_keeps_wider_columns_and_twice_changes_nothing(
    path: Path,
) -> None:
    book = openpyxl.load_workbook(path)
    book["Intresserade"].column_dimensions["C"].width = 40  # a person made Namn wider
    book.save(path)
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        assert "format, rullistor och färger i Intresserade" in workbook.ensure_tabs(tabs)
    dressed = path.read_bytes()
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        assert workbook.ensure_tabs(tabs) == []
    assert path.read_bytes() == dressed

    sheet = openpyxl.load_workbook(path)["Intresserade"]
    assert sheet.column_dimensions["C"].width == 40
    assert sheet.column_dimensions["B"].width == 15
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    referral = _validations(sheet)["Hänvisad till"].formula1
    assert referral.startswith('"Centrumgruppen,Skrivargruppen,Ny grupp')


def test_a_run_keeps_the_look_and_gives_what_it_writes_its_column_format(path: Path) -> None:
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.ensure_tabs(tabs)
    long_status = "Välkomstbrev skickat 2026-11-24. " + "FÖRSENAT: ring (senast 2026-11-01). " * 4
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.write(
            [
                SetCells("newcomers", 1, (("status", long_status), ("welcome", TODAY))),
                SetCells("newcomers", 2, (("status", "Ring senast 2026-12-01."),)),
                AppendRow("followups", (("id", 1), ("referred", TODAY), ("status", "Klar."))),
            ]
        )
    book = openpyxl.load_workbook(path)
    sheet = book["Intresserade"]
    assert set(_validations(sheet)) == {"Hänvisad till", "Språk"}
    assert len(_colour_rules(sheet)["N2:N1048576"]) == 3
    # ID, Registrerad and Namn stay in view (the contract's order: an older workbook's).
    assert sheet.column_dimensions["N"].width == 84 and sheet.freeze_panes == "D2"
    assert sheet["I2"].number_format == "yyyy-mm-dd"
    assert sheet["N2"].alignment.wrap_text and sheet["N3"].alignment.wrap_text
    assert sheet.row_dimensions[2].height == 2 * 15 and sheet.row_dimensions[3].height is None
    assert book["Uppföljning"]["G2"].number_format == "yyyy-mm-dd"


def test_the_referral_dropdown_follows_grupper_on_every_run(path: Path) -> None:
    tabs = {TAB_NAMES[tab.key]: tab.headers for tab in TABS}
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.ensure_tabs(tabs)
    book = openpyxl.load_workbook(path)
    book["Grupper"].append(["Nygruppen", "Ny Kontakt", "ny@example.org"])
    active = [cell.value for cell in book["Grupper"][1]].index("Aktiv") + 1
    book["Grupper"].cell(row=2, column=active, value="nej")  # Centrumgruppen rests
    book.save(path)
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        workbook.write([SetCells("newcomers", 1, (("status", "Ring senast 2026-12-01."),))])
    referral = _validations(openpyxl.load_workbook(path)["Intresserade"])["Hänvisad till"]
    assert referral.formula1.startswith('"Skrivargruppen,Nygruppen,Ny grupp,')


def test_groups_too_many_for_a_dropdown_are_listed_in_a_hidden_tab(tmp_path: Path) -> None:
    file = tmp_path / "manga.xlsx"
    groups = [
        {"group": f"Amnestygrupp nummer {n} i Exempelstad", "email": f"g{n}@example.org"}
        for n in range(12)
    ]
    write_xlsx(file, workbook_grids(groups=groups))
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        workbook.ensure_tabs({TAB_NAMES[tab.key]: tab.headers for tab in TABS})
    book = openpyxl.load_workbook(file)
    referral = _validations(book["Intresserade"])["Hänvisad till"]
    assert referral.formula1 == "'Listor (medlemsrutiner)'!$A$2:$A$19"
    lists = book["Listor (medlemsrutiner)"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in (1, 2, 14, 19)] == [
        "Hänvisad till",
        "Amnestygrupp nummer 0 i Exempelstad",
        "Ny grupp",
        "Ej nådd",
    ]
    with XlsxWorkbook(file, TAB_NAMES) as workbook:
        grids = workbook.read()
    assert "Listor (medlemsrutiner)" in grids  # an unknown tab the routine leaves alone


def test_the_lock_file_is_removed_when_the_run_ends_even_after_an_error(path: Path) -> None:
    workbook = XlsxWorkbook(path, TAB_NAMES)
    with workbook:
        assert workbook.lock_path.exists()
    assert not workbook.lock_path.exists()
    with pytest.raises(RuntimeError), workbook:
        raise RuntimeError("något gick fel")
    assert not workbook.lock_path.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_lock_file_left_by_a_crash_does_not_stop_the_next_run(path: Path) -> None:
    workbook = XlsxWorkbook(path, TAB_NAMES)
    workbook.lock_path.write_bytes(b"")
    with workbook:
        pass
    assert not workbook.lock_path.exists()
