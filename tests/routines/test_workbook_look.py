"""A workbook that reads at a glance: a new one (`init_workbook.py`, then typed in) and the demo
(`make_demo.py`), each after a first daily run and a run 8 days later, read back with openpyxl
and printed to PDF by LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.cli import init_workbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import write_demo
from medlemsrutiner.sheet.changes import AppendRow
from medlemsrutiner.sheet.schema import FOLLOWUPS
from tests.support import (
    NOW,
    REPO,
    SOFFICE,
    TODAY,
    default_groups,
    followup_of,
    make_config,
    newcomer,
    soffice_pdf,
)

DAY = dt.timedelta(days=1)
LATER = TODAY + 8 * DAY
CONFIG = """timezone = 'Europe/Stockholm'
start_date = 2026-01-01
[coordinator]
name = 'Kim Exempelsson'
email = 'medlemsansvarig@example.org'
[workbook]
backend = 'xlsx'
path = 'arbetsbok.xlsx'
[mail]
transport = 'outbox'
outbox = 'outbox'
"""


@dataclass(frozen=True)
class Looked:
    """A workbook after its two runs, and the Uppföljning IDs finished after the first."""

    path: Path
    finished: frozenset[int]
    kept: frozenset[int]


def run_on(config: Config, day: dt.date) -> None:
    assert config.workbook.path is not None
    now = dt.datetime.combine(day, NOW.timetz())
    with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, now), Renderer(REPO / "templates"),
                  config, day, now)  # fmt: skip


def new_workbook(folder: Path, config: Config) -> None:
    """What a coordinator does: init_workbook.py, then the groups, a year of erased follow-ups
    (as a workbook kept for a year has), people followed up lately and people still to call."""
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(init_workbook, ["--config", str(folder / "config.toml")])
    assert result.exit_code == 0, result.output
    erased = {name: None for name in FOLLOWUPS.personal_columns}
    rows: list[tuple[str, dict[str, Any]]] = [("groups", group) for group in default_groups()]
    for number in range(1, 13):
        referred = TODAY - (100 + 20 * number) * DAY
        called = referred + 60 * DAY
        result_word = ("Aktiv", "Inte aktiv", "Ej nådd")[number % 3]
        history = {**followup_of(number, referred), **erased}
        history.update(followed_up=called, result=result_word, erased=called + 7 * DAY)
        rows.append(("followups", history))
    for number in range(13, 16):  # called last week: erased by the first run
        recent = followup_of(number, TODAY - 70 * DAY)
        rows.append(("followups", {**recent, "followed_up": TODAY - 9 * DAY, "result": "Aktiv"}))
    rows.append(("followups", followup_of(16, TODAY - 20 * DAY)))  # still to call
    rows.extend(("newcomers", newcomer(n, registered=TODAY - n * DAY)) for n in range(17, 22))
    assert config.workbook.path is not None
    with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as workbook:
        workbook.write(
            [
                AppendRow(tab, tuple((k, v) for k, v in row.items() if v is not None))
                for tab, row in rows
            ]
        )


def followups_by_data(path: Path) -> tuple[frozenset[int], frozenset[int]]:
    """(IDs of Uppföljning rows without personal data, IDs of rows with it)."""
    sheet = openpyxl.load_workbook(path)["Uppföljning"]
    columns = header_columns(sheet)
    personal = [columns[FOLLOWUPS.column(n).header] for n in FOLLOWUPS.personal_columns]
    finished: set[int] = set()
    kept: set[int] = set()
    for row in sheet.iter_rows(min_row=2, values_only=True):
        row_id = row[columns["ID"] - 1]
        if row_id is not None:
            has_data = any(row[c - 1] not in (None, "") for c in personal)
            (kept if has_data else finished).add(int(row_id))
    return frozenset(finished), frozenset(kept)


@pytest.fixture(scope="module", params=["new", "demo"])
def looked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Looked:
    folder = tmp_path_factory.mktemp(request.param)
    config = make_config(folder, workbook={"backend": "xlsx", "path": "arbetsbok.xlsx"})
    assert config.workbook.path is not None
    if request.param == "demo":
        write_demo(config.workbook.path, config, TODAY)
    else:
        new_workbook(folder, config)
    run_on(config, TODAY)
    finished, kept = followups_by_data(config.workbook.path)
    run_on(config, LATER)
    return Looked(config.workbook.path, finished, kept)


def header_columns(sheet: Worksheet) -> dict[str, int]:
    """Each header of the sheet's first row, with its column (1-based)."""
    return {str(cell.value): cell.column for cell in sheet[1] if cell.value is not None}


def width(sheet: Worksheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    return float(dimension.width) if dimension is not None and dimension.width else 8.43


def test_every_followup_finished_on_the_first_day_is_hidden_eight_days_later(
    looked: Looked,
) -> None:
    assert len(looked.finished) >= 10 and looked.kept
    sheet = openpyxl.load_workbook(looked.path)["Uppföljning"]
    column = header_columns(sheet)["ID"]
    hidden = {
        int(row_id): bool(sheet.row_dimensions[row].hidden)
        for row in range(2, sheet.max_row + 1)
        if (row_id := sheet.cell(row=row, column=column).value) is not None
    }
    assert {row_id for row_id in looked.finished if not hidden[row_id]} == set()
    assert {row_id for row_id in looked.kept if hidden[row_id]} == set()


def test_grupper_status_is_at_least_40_wide_wrapped_and_coloured(looked: Looked) -> None:
    sheet = openpyxl.load_workbook(looked.path)["Grupper"]
    column = header_columns(sheet)["Status"]
    letter = get_column_letter(column)
    assert width(sheet, column) >= 40
    statuses = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert statuses and all(cell.alignment.wrap_text for cell in statuses if cell.value)
    rules = [
        rule
        for formatting in sheet.conditional_formatting
        if str(formatting.sqref) == f"{letter}2:{letter}1048576"
        for rule in formatting.rules
    ]
    assert len(rules) == 3 and all(f"{letter}2))" in rule.formula[0] for rule in rules)


def test_statistik_shows_every_share_as_a_percentage(looked: Looked) -> None:
    sheet = openpyxl.load_workbook(looked.path)["Statistik"]
    share_column = header_columns(sheet)["Andel aktiva"]
    shares = [
        cell
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, float) or (cell.column == share_column and cell.value is not None)
    ]
    in_block = [cell for cell in shares if cell.column > share_column + 1]
    assert len(shares) > len(in_block) > 0
    assert {cell.number_format for cell in shares} == {"0 %"}
    names = [cell.value for cell in sheet[get_column_letter(share_column + 3)][1:] if cell.value]
    assert width(sheet, share_column + 3) >= max(len(str(name)) for name in names)


@pytest.mark.parametrize("tab", ["Intresserade", "Uppföljning"])
def test_id_and_name_stay_in_view_and_status_is_on_a_1366_pixel_screen(
    looked: Looked, tab: str
) -> None:
    sheet = openpyxl.load_workbook(looked.path)[tab]
    assert sheet.freeze_panes is not None
    letters, row = coordinate_from_string(sheet.freeze_panes)
    assert row == 2 and column_index_from_string(letters) >= 3  # C2 or further right
    columns = header_columns(sheet)
    assert column_index_from_string(letters) > max(columns["ID"], columns["Namn"])
    left_of_status = sum(width(sheet, column) for column in range(1, columns["Status"]))
    assert left_of_status <= 140


def test_every_tab_prints_landscape_fitted_to_the_page_width(looked: Looked) -> None:
    book = openpyxl.load_workbook(looked.path)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert sheet.print_title_rows == "$1:$1", sheet.title  # the header row on every page


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_libreoffice_prints_each_tab_one_page_wide_and_the_workbook_on_15_pages(
    looked: Looked, tmp_path: Path
) -> None:
    pdf = PdfReader(soffice_pdf(looked.path, tmp_path))
    pages = [page.extract_text() or "" for page in pdf.pages]
    book = openpyxl.load_workbook(looked.path)
    tabs = [
        [str(cell.value) for cell in sheet[1] if cell.value is not None]
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    ]
    assert len(pages) <= 15
    # Every page starts with a tab's first header: a page that starts elsewhere holds columns
    # further right, the tab more than one page wide.
    assert all(any(page.lstrip().startswith(headers[0]) for headers in tabs) for page in pages)
    for headers in tabs:  # and every tab is printed, its header row on its pages
        assert any(all(header in page for header in headers) for page in pages), headers[0]
    grupper = "\n".join(page for page in pages if page.lstrip().startswith("Grupp"))
    groups = book["Grupper"]
    status = get_column_letter(header_columns(groups)["Status"])
    statuses = [cell.value for cell in groups[status][1:] if cell.value]
    # Wrapped at word boundaries: no word broken in two, no date broken at its hyphen.
    for word in {word for status in statuses for word in str(status).split()}:
        assert word in grupper, word
    assert not re.search(r"\d{4}-\s*\n", grupper)
