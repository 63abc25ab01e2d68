"""The demo workbook looks like a workbook people want to work in: read back with openpyxl, and
printed to PDF by LibreOffice (every date a date, no `###`, the Statistik chart drawn)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import write_demo
from medlemsrutiner.routines.weekly import run_weekly
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.schema import TABS
from tests.support import NOW, REPO, TODAY, make_config

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def demo_after_a_run(folder: Path) -> Config:
    """The demo workbook as `make demo` leaves it: built, then one daily run."""
    config = make_config(folder, workbook={"backend": "xlsx", "path": "demo.xlsx"})
    assert config.workbook.path is not None
    write_demo(config.workbook.path, config, TODAY)
    with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as workbook:
        run_daily(workbook, Outbox(folder / "outbox", NOW), Renderer(REPO / "templates"),
                  config, TODAY, NOW)  # fmt: skip
    return config


def test_every_column_of_the_demo_fits_its_header_and_every_date_shows_as_a_date(
    tmp_path: Path,
) -> None:
    config = demo_after_a_run(tmp_path)
    assert config.workbook.path is not None
    book = openpyxl.load_workbook(config.workbook.path)
    dates = 0
    for tab in TABS:
        sheet = book[tab.default_name]
        header = [cell.value for cell in sheet[1]]
        assert header[: len(tab.columns)] == list(look.layout_headers(tab)), tab.key
        assert sheet.freeze_panes == look.freeze_cell(tab, header), tab.key
        for column in tab.columns:
            index = header.index(column.header) + 1
            letter = get_column_letter(index)
            wanted = look.column_look(tab, column)
            shown = sheet.column_dimensions[letter].width
            # Statistik's columns grow to their longest value (a group's name).
            assert shown == wanted.width or (tab.key == "statistics" and shown > wanted.width)
            assert sheet.cell(row=1, column=index).font.bold
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, dt.date):
                    assert column.kind == "date", (tab.key, column.header, cell.coordinate)
                    assert cell.number_format == "yyyy-mm-dd", (tab.key, cell.coordinate)
                    dates += 1
                if wanted.wrap and cell.value is not None:
                    assert cell.alignment.wrap_text, (tab.key, cell.coordinate)
    assert dates > 150


def test_the_demo_has_dropdowns_and_status_colours(tmp_path: Path) -> None:
    config = demo_after_a_run(tmp_path)
    assert config.workbook.path is not None
    book = openpyxl.load_workbook(config.workbook.path)
    intake = book["Intresserade"]
    referral = next(
        v for v in intake.data_validations.dataValidation if v.errorTitle == "Hänvisad till"
    )
    choices = referral.formula1.strip('"').split(",")
    assert choices[:2] == ["Centrumgruppen", "Studentgruppen"]
    assert "Kvinnorättsgruppen" not in choices  # resting groups are not offered
    assert choices[-2:] == ["Avböjt", "Ej nådd"]
    assert [len(f.rules) for f in intake.conditional_formatting] == [3]


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pypdf: no system tool needed beside LibreOffice)."""
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_libreoffice_prints_the_demo_with_every_date_as_a_date(tmp_path: Path) -> None:
    config = demo_after_a_run(tmp_path)
    assert config.workbook.path is not None and SOFFICE is not None
    pages = pdf_pages(print_to_pdf(config.workbook.path, tmp_path))
    text = "\n".join(pages)
    assert "###" not in text
    for tab in TABS:
        for column in tab.columns:
            assert column.header in text, column.header
    assert text.count(TODAY.isoformat()) > 20
    assert "Välkomstbrev skickat" in text and "FÖRSENAT" in text


def print_to_pdf(workbook: Path, folder: Path) -> Path:
    """Every tab of `workbook` on a page of its own, as LibreOffice prints it."""
    assert SOFFICE is not None
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'lo-profile'}",
            "--headless",
            "--convert-to",
            'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = folder / f"{workbook.stem}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr + result.stdout
    return pdf


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed here")
def test_the_statistik_chart_is_visible_when_libreoffice_opens_the_demo(tmp_path: Path) -> None:
    config = demo_after_a_run(tmp_path)
    assert config.workbook.path is not None
    pages = pdf_pages(print_to_pdf(config.workbook.path, tmp_path))
    (statistik,) = [text for text in pages if text.lstrip().startswith("Kvartal")]
    # The chart's title, its categories and its legend are drawn on the Statistik page.
    assert "Andel aktiva per grupp, senaste fyra kvartalen" in statistik
    assert all(quarter in statistik for quarter in ("2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"))
    assert "Centrumgruppen" in statistik and "Senaste 12 mån" in statistik


def test_after_make_demo_any_number_of_reruns_leave_the_outbox_as_it_is(tmp_path: Path) -> None:
    """`make demo` (the demo workbook, a daily run, the weekly emails), then three more daily
    runs the same day: the outbox keeps every letter, the weekly summary (which names people by
    ID and first name), the training letter and every re-engagement letter the run reports
    (issue 18: those four were written and erased by the same run, and the summary was taken to
    name a long-erased ID and erased by the next run)."""
    trainer = {"name": "Alex Exempelsson", "email": "utbildning@example.org"}
    config = make_config(
        tmp_path, workbook={"backend": "xlsx", "path": "demo.xlsx"}, training_coordinator=trainer
    )
    path = config.workbook.path
    assert path is not None
    write_demo(path, config, TODAY)
    renderer = Renderer(REPO / "templates")
    outbox = config.mail.outbox

    def daily(minutes: int) -> list[str]:
        now = NOW + dt.timedelta(minutes=minutes)
        with XlsxWorkbook(path, config.workbook.tab_names) as workbook:
            report = run_daily(
                workbook, Outbox(outbox, now, remove_partial=True), renderer, config, TODAY, now
            )
        return report.lines()

    first = daily(0)
    with XlsxWorkbook(path, config.workbook.tab_names) as workbook:
        weekly = run_weekly(workbook, Outbox(outbox, NOW), renderer, config, TODAY, NOW)
    assert weekly.sent == ["veckosammanfattning", "utbildningsbrev"]
    files = sorted(path.name for path in outbox.iterdir())
    (reengaged,) = [line for line in first if line.startswith("  återvärvning: ")]
    ids = reengaged.partition("(ID ")[2].removesuffix(")").split(", ")
    assert len(ids) == 4
    assert all(any(name.endswith(f"-ID{n}-reengagement.eml") for name in files) for n in ids)
    assert sum(name.endswith("-weekly_summary.eml") for name in files) == 1
    assert sum(name.endswith("-training_summary.eml") for name in files) == 1
    for minutes in (10, 20, 30):
        lines = daily(minutes)
        assert not any("utkorgen" in line for line in lines), lines
        assert sorted(path.name for path in outbox.iterdir()) == files
