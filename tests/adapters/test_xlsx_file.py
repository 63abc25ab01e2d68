"""A run changes no cell it does not write, and nothing from a cell reaches the screen.

People format whole rows as dates and then type a phone number or a birth date as digits in
them. openpyxl, left to itself, turns such a number into a date while it loads the file —
`701740655` is beyond 9999-12-31, so it warns on stderr with the number in the warning and
the save writes `#VALUE!` in its place. These tests write real .xlsx files as LibreOffice or
Excel leave them (numbers with a date format, rich text, error values), run the real routine
on them, and read the file's cells back as stored.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import MAC_EPOCH

from medlemsrutiner.adapters import xlsx_file
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.routines.setup import check_setup
from medlemsrutiner.sheet import cells
from tests.adapters.harness import XlsxHarness, daily_run
from tests.support import (
    DAY,
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    newcomer,
    workbook_grids,
    xlsx_config_file,
)

PHONE = 701740655  # typed as 0701740655; the cell keeps a number, the zero is gone
BIRTH = 19750612  # a birth date typed as digits in Anteckning
FRACTION = 46000.123456789012  # more digits than a millisecond holds


def stored(path: Path, tab: str) -> dict[str, tuple[Any, str, str]]:
    """Every cell of a tab as the file stores it: (value, type, number format), rich text as
    its runs; no number turned into a date."""
    book = xlsx_file.load(path.read_bytes()).book
    return {
        cell.coordinate: (_runs(cell.value), cell.data_type, cell.number_format)
        for row in book[tab].iter_rows()
        for cell in row
        if cell.value is not None
    }


def _runs(value: Any) -> Any:
    if isinstance(value, CellRichText):
        return tuple((str(part), getattr(getattr(part, "font", None), "b", None)) for part in value)
    return value


def _column(path: Path, header: str, tab: str = "Intresserade") -> str:
    sheet = xlsx_file.load(path.read_bytes()).book[tab]
    return str(next(cell.column_letter for cell in sheet[1] if cell.value == header))


def _seed_dated_row(harness: XlsxHarness) -> int:
    """Row 2 of Intresserade is a new person in a row formatted as dates, with a phone number
    and a birth date typed as digits; returns the sheet row."""
    harness.seed(workbook_grids(newcomers=[newcomer(None, registered=None)]))
    book = openpyxl.load_workbook(harness.path)
    sheet = book["Intresserade"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for column in range(1, sheet.max_column + 1):
        sheet.cell(2, column).number_format = "yyyy-mm-dd"  # the whole row as dates
    sheet.cell(2, headers["Telefon"]).value = PHONE
    sheet.cell(2, headers["Anteckning"]).value = BIRTH
    sheet.cell(2, headers["Intressen"]).value = FRACTION
    book.save(harness.path)
    return 2


def test_numbers_no_date_can_hold_in_a_row_formatted_as_dates_survive_a_run(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    row = _seed_dated_row(harness)
    phone, note = _column(harness.path, "Telefon"), _column(harness.path, "Anteckning")
    interests = _column(harness.path, "Intressen")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = daily_run(harness)
    assert [str(w.message) for w in caught] == []
    assert report.sent == {"welcome": [1]}
    after = stored(harness.path, "Intresserade")
    assert after[f"{phone}{row}"] == (PHONE, "n", "yyyy-mm-dd")
    assert after[f"{note}{row}"] == (BIRTH, "n", "yyyy-mm-dd")
    assert after[f"{interests}{row}"] == (FRACTION, "n", "yyyy-mm-dd")
    assert not any(value == "#VALUE!" for value, _, _ in after.values())
    # The routine reads the phone number as the number it is, not as a date.
    read = XlsxWorkbook(harness.path, TAB_NAMES).read()["Intresserade"]
    assert read[1][read[0].index("Telefon")] == PHONE
    assert cells.format_phone(PHONE) == "070-174 06 55"


def test_the_real_command_prints_nothing_from_those_cells(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    _seed_dated_row(harness)
    xlsx_config_file(tmp_path)
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "run_daily.py"), "--config", "config.toml",
         "--today", TODAY.isoformat()],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    for digits in (str(PHONE), str(BIRTH), "46000"):
        assert digits not in done.stdout
    assert stored(harness.path, "Intresserade")[f"{_column(harness.path, 'Telefon')}2"][0] == PHONE


def test_forget_keeps_the_numbers_of_other_rows(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    book = openpyxl.load_workbook(harness.path)
    sheet = book["Intresserade"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(3, headers["Telefon"]).value = PHONE
    sheet.cell(3, headers["Telefon"]).number_format = "yyyy-mm-dd"
    book.save(harness.path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with harness.workbook() as workbook:
            run_forget(workbook, harness.config, TODAY, NOW, row_id=1)
    assert [str(w.message) for w in caught] == []
    after = stored(harness.path, "Intresserade")
    assert after[f"{_column(harness.path, 'Telefon')}3"] == (PHONE, "n", "yyyy-mm-dd")
    assert f"{_column(harness.path, 'Telefon')}2" not in after  # ID 1's, erased


def test_rich_text_booleans_errors_and_huge_numbers_survive_a_run(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(workbook_grids(newcomers=[newcomer(1, welcome=TODAY - DAY)]))
    book = openpyxl.load_workbook(harness.path)
    sheet = book["Intresserade"]
    extra = sheet.max_column + 1
    sheet.cell(1, extra).value = "Egen kolumn"
    sheet.cell(2, extra).value = CellRichText(["Ring ", TextBlock(InlineFont(b=True), "efter 17")])
    sheet.cell(2, extra + 1).value = True
    sheet.cell(2, extra + 2).value = "#N/A"
    sheet.cell(2, extra + 3).value = 12345678901234567890
    sheet.cell(2, extra + 4).value = -36000
    sheet.cell(2, extra + 4).number_format = "yyyy-mm-dd"
    sheet.cell(2, extra + 5).value = "x" * 32000
    book.save(harness.path)
    before = stored(harness.path, "Intresserade")
    daily_run(harness)
    after = stored(harness.path, "Intresserade")
    coordinates = [sheet.cell(2, column).coordinate for column in range(extra, extra + 6)]
    assert [after[c] for c in coordinates] == [before[c] for c in coordinates]
    assert after[coordinates[0]][0] == (("Ring ", None), ("efter 17", True))
    assert after[coordinates[2]][:2] == ("#N/A", "e")


def test_a_warning_while_loading_is_a_swedish_notice_and_never_printed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    harness = XlsxHarness(tmp_path)
    harness.seed(workbook_grids(newcomers=[newcomer(1)]))
    _add_extension(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        workbook = XlsxWorkbook(path, TAB_NAMES)
        with workbook:
            workbook.read()
    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr().err == ""
    assert workbook.notices == (
        "Arbetsboken har tillägg av nyare slag (t.ex. rullistor eller villkorsstyrd "
        "formatering som Excel sparar som tillägg, minidiagram), som skripten inte kan spara: "
        "det försvinner när en körning sparar filen.",
    )


def _add_extension(path: Path) -> None:
    """An Excel extension list in the first sheet (x14 data validations, as Excel saves a
    dropdown whose list is on another tab): openpyxl warns that it drops it."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</worksheet>",
                    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                    b"</ext></extLst></worksheet>",
                )
            target.writestr(item, content)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize(
    ("serial", "number_format", "read"),
    [
        (46350, "yyyy-mm-dd", dt.datetime(2026, 11, 24)),
        (74, "yyyy-mm-dd", dt.datetime(1900, 3, 14)),
        (60, "yyyy-mm-dd", dt.datetime(1900, 2, 28)),
        (59, "yyyy-mm-dd", dt.datetime(1900, 2, 27)),
        (0.75, "hh:mm", dt.time(18, 0)),
        (1.5, "[h]:mm", dt.timedelta(days=1.5)),
        (2958465, "yyyy-mm-dd", dt.datetime(9999, 12, 31)),
        (2958466, "yyyy-mm-dd", 2958466),
        (PHONE, "yyyy-mm-dd", PHONE),
        (-700000, "yyyy-mm-dd", -700000),
        (PHONE, "General", PHONE),
    ],
)
def test_a_number_in_a_date_format_reads_as_the_date_it_holds_or_as_itself(
    serial: float, number_format: str, read: Any
) -> None:
    book = openpyxl.Workbook()
    cell = book.active.cell(1, 1)
    cell.value = serial
    cell.number_format = number_format
    assert xlsx_file.value_of(cell) == read


def test_every_whole_number_in_a_date_format_reads_back_as_that_number() -> None:
    book = openpyxl.Workbook()
    cell = book.active.cell(1, 1)
    cell.number_format = "yyyy-mm-dd"
    for serial in (*range(1, 400), 46350, 2958465):
        cell.value = serial
        assert cells.parse_id(xlsx_file.value_of(cell)) == serial


def test_a_workbook_in_the_1904_date_system_reads_its_dates_right() -> None:
    assert xlsx_file.from_serial(44888, MAC_EPOCH) == dt.datetime(2026, 11, 24)


def test_check_setup_says_what_a_save_would_lose(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(workbook_grids(newcomers=[newcomer(1)]))
    _add_extension(harness.path)
    checks = check_setup(harness.config, lambda: XlsxWorkbook(harness.path, TAB_NAMES), {}, TODAY)
    (lost,) = [c for c in checks if "som skripten inte kan spara" in c.text]
    assert lost.warning and not lost.ok
