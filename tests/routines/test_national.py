"""The national report over three demo districts: one table and one chart, no personal data in
them, the districts' workbooks untouched and nothing but their Statistik read — into an .xlsx
file and into a Google Sheet (the real gspread client against the local Sheets API)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import openpyxl
import pytest

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.reports.national import COUNTRY
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.demo import write_demo
from medlemsrutiner.routines.national import NATIONAL_TAB_NAMES, run_national
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import FOLLOWUPS, GROUPS, NEWCOMERS
from tests.adapters.harness import GoogleHarness
from tests.fakes.clock import FakeClock
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import NOW, REPO, TODAY, make_config

DISTRICTS = ("mitt", "norr", "syd")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Three demo workbooks (different invented people), each after one daily run."""
    folder = tmp_path_factory.mktemp("districts")
    books = {}
    for seed, name in enumerate(DISTRICTS):
        config = make_config(folder, workbook={"backend": "xlsx", "path": f"{name}.xlsx"})
        assert config.workbook.path is not None
        write_demo(config.workbook.path, config, TODAY, seed=2026 + seed)
        with XlsxWorkbook(config.workbook.path, config.workbook.tab_names) as book:
            run_daily(book, Outbox(folder / name, NOW), Renderer(REPO / "templates"),
                      config, TODAY, NOW)  # fmt: skip
        books[name] = config.workbook.path.read_bytes()
    return books


@pytest.fixture
def districts(tmp_path: Path, demo_books: dict[str, bytes]) -> list[Path]:
    """The three demo districts in `tmp_path`, each with a config file of its own in
    `tmp_path/configs`."""
    configs = tmp_path / "configs"
    configs.mkdir()
    districts = []
    for name, data in demo_books.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
        path = configs / f"{name}.toml"
        path.write_text(
            'timezone = "Europe/Stockholm"\nstart_date = 2026-01-01\n'
            '[coordinator]\nname = "Kim Exempelsson"\nemail = "medlemsansvarig@example.org"\n'
            'phone = "070-174 06 99"\norganisation = "Amnesty Exempelstad"\n'
            f'[workbook]\nbackend = "xlsx"\npath = "../{name}.xlsx"\n'
            f'[mail]\ntransport = "outbox"\noutbox = "../{name}"\n',
            encoding="utf-8",
        )
        districts.append(path)
    return districts


def personal_texts(districts: list[Path]) -> set[str]:
    """Every name, address and phone number (and the groups' contacts) the districts hold."""
    found: set[str] = set()
    for path in districts:
        book = openpyxl.load_workbook(path.parent.parent / f"{path.stem}.xlsx")
        for tab, columns in (
            (NEWCOMERS, NEWCOMERS.personal_columns),
            (FOLLOWUPS, FOLLOWUPS.personal_columns),
            (GROUPS, ("contact", "email", "phone")),
        ):
            sheet = book[tab.default_name]
            header = [cell.value for cell in sheet[1]]
            indexes = [header.index(tab.column(name).header) for name in columns]
            for row in sheet.iter_rows(min_row=2, values_only=True):
                found |= {str(row[i]).strip() for i in indexes if not cells.is_blank(row[i])}
    assert len(found) > 100  # the demo has people: the check below means something
    return found


def open_district(config: Config) -> Workbook:
    assert config.workbook.path is not None
    return XlsxWorkbook(config.workbook.path, config.workbook.tab_names)


def run(
    paths: list[Path], output: Workbook, chart: Path, opener: Callable[[Config], Workbook]
) -> tuple[int, list[str]]:
    from medlemsrutiner.config import load

    lines: list[str] = []
    code = run_national(
        paths, load, opener, output, chart, TODAY, lines.append, lines.append,
        clock=lambda: 0.0, sleep=lambda _: None,
    )  # fmt: skip
    return code, lines


def every_text(book: openpyxl.Workbook) -> set[str]:
    return {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


def test_three_demo_districts_give_one_table_and_one_chart_with_no_personal_data(
    tmp_path: Path,
    districts: list[Path],
) -> None:
    before = {path: (tmp_path / f"{path.stem}.xlsx").read_bytes() for path in districts}
    output = tmp_path / "nationellt.xlsx"
    chart = tmp_path / "nationellt.png"

    code, lines = run(districts, XlsxWorkbook(output, NATIONAL_TAB_NAMES), chart, open_district)

    assert code == 0, lines
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Nationellt", "Problemgrupper"]
    table = book["Nationellt"]
    rows = [row for row in table.iter_rows(min_row=2, values_only=True) if row[0] is not None]
    assert {row[0] for row in rows} == {*DISTRICTS, COUNTRY}
    quarters = {row[1] for row in rows}
    for quarter in quarters:  # every district once per period it has figures, the country too
        names = [row[0] for row in rows if row[1] == quarter]
        assert len(names) == len(set(names)) and names[-1] == COUNTRY
    # The country's row is the sum of the districts' rows, column by column.
    for quarter in quarters:
        inside = [row for row in rows if row[1] == quarter and row[0] != COUNTRY]
        (country,) = [row for row in rows if row[1] == quarter and row[0] == COUNTRY]
        assert list(country[2:8]) == [sum(row[i] for row in inside) for i in range(2, 8)]
    assert len(table._charts) == 1
    assert chart.read_bytes().startswith(PNG)
    # No personal data anywhere in the national workbook, nor in what was printed.
    personal = personal_texts(districts)
    assert not every_text(book) & personal
    printed = "\n".join(lines)
    assert not [text for text in personal if text in printed]
    # The districts' workbooks are exactly as they were.
    assert all((tmp_path / f"{path.stem}.xlsx").read_bytes() == before[path] for path in districts)
    assert any("3 distrikt" in line for line in lines)


def test_a_second_report_rewrites_the_table_and_keeps_one_chart(
    tmp_path: Path, districts: list[Path]
) -> None:
    output = tmp_path / "nationellt.xlsx"
    chart = tmp_path / "nationellt.png"
    run(districts, XlsxWorkbook(output, NATIONAL_TAB_NAMES), chart, open_district)
    first = every_text(openpyxl.load_workbook(output))
    code, _ = run(districts[:2], XlsxWorkbook(output, NATIONAL_TAB_NAMES), chart, open_district)
    assert code == 0
    book = openpyxl.load_workbook(output)
    assert "syd" in first and "syd" not in every_text(book)  # a table of what was read now
    assert len(book["Nationellt"]._charts) == 1


class OnlyStatistik(MemoryWorkbook):
    """A district's workbook that fails the test if all its tabs are read, and notes which
    single tabs are."""

    asked: ClassVar[list[str]] = []

    def read(self) -> Any:
        raise AssertionError("the national report read every tab")

    def read_tab(self, title: str) -> Any:
        self.asked.append(title)
        return super().read_tab(title)


def grids_of(path: Path) -> dict[str, list[list[Any]]]:
    """Every tab of an .xlsx file, dates as dates."""
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [
            [v.date() if isinstance(v, dt.datetime) else v for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def test_only_the_statistik_tab_of_a_district_is_read(
    tmp_path: Path, districts: list[Path]
) -> None:

    def opener(config: Config) -> Workbook:
        assert config.workbook.path is not None
        return OnlyStatistik(grids_of(config.workbook.path), config.workbook.tab_names)

    code, _ = run(districts, MemoryWorkbook({}, NATIONAL_TAB_NAMES), tmp_path / "n.png", opener)
    assert code == 0 and OnlyStatistik.asked == ["Statistik"] * 3


def test_a_district_that_cannot_be_read_is_named_and_the_others_are_reported(
    tmp_path: Path,
    districts: list[Path],
) -> None:
    (tmp_path / "syd.xlsx").unlink()
    output = tmp_path / "nationellt.xlsx"
    code, lines = run(districts, XlsxWorkbook(output, NATIONAL_TAB_NAMES), tmp_path / "n.png",
                      open_district)  # fmt: skip
    assert code == 2  # the worst district: its workbook is missing
    assert any(line.startswith("[syd] Fel:") for line in lines)
    assert any("1 distrikt gick inte att läsa" in line for line in lines)
    assert {"mitt", "norr"} <= every_text(openpyxl.load_workbook(output))


def test_a_district_whose_statistik_was_typed_into_is_flagged_and_its_bad_rows_left_out(
    tmp_path: Path,
    districts: list[Path],
) -> None:
    book = openpyxl.load_workbook(tmp_path / "norr.xlsx")
    book["Statistik"].append(["2026 Q4", "kim@example.org", 1, 1, 1, 0, 0, 0])
    book.save(tmp_path / "norr.xlsx")
    output = tmp_path / "nationellt.xlsx"
    code, lines = run(districts, XlsxWorkbook(output, NATIONAL_TAB_NAMES), tmp_path / "n.png",
                      open_district)  # fmt: skip
    assert code == 1
    assert any(line.startswith("[norr] 1 rad i Statistik") for line in lines)
    assert "kim@example.org" not in every_text(openpyxl.load_workbook(output))


def test_nothing_read_leaves_the_national_workbook_alone(
    tmp_path: Path, districts: list[Path]
) -> None:
    for name in DISTRICTS:
        (tmp_path / f"{name}.xlsx").unlink()
    output = tmp_path / "nationellt.xlsx"
    code, lines = run(districts, XlsxWorkbook(output, NATIONAL_TAB_NAMES), tmp_path / "n.png",
                      open_district)  # fmt: skip
    assert code == 2 and not output.exists()
    assert "orörd" in lines[-1]


def test_the_national_table_goes_into_a_google_sheet_with_its_chart(
    tmp_path: Path, districts: list[Path], sheets_api: FakeSheetsApi
) -> None:
    spreadsheet = sheets_api.create_spreadsheet("Nationellt", {"Blad1": [[]]})
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": spreadsheet})
    output = open_google_workbook(
        dataclasses.replace(config.workbook, tab_names=NATIONAL_TAB_NAMES),
        {},
        session=sheets_api.session(),
        account_email="robot@example.org",
        policy=RetryPolicy(tries=5, base=0.001, cap=0.01, budget=5),
        clock=FakeClock(),
    )
    code, lines = run(districts, output, tmp_path / "n.png", open_district)
    assert code == 0, lines
    values = sheets_api.values(spreadsheet, "Nationellt")
    assert values[0][:2] == ["Distrikt", "Kvartal"]
    assert {row[0] for row in values[1:] if row} == {*DISTRICTS, COUNTRY}
    assert len(sheets_api.charts(spreadsheet, "Nationellt")) == 1
    assert sheets_api.values(spreadsheet, "Problemgrupper")[0][:2] == ["Distrikt", "Grupp"]
    # Again: the same table, still one chart.
    code, _ = run(districts, output, tmp_path / "n.png", open_district)
    assert code == 0 and len(sheets_api.charts(spreadsheet, "Nationellt")) == 1
    assert sheets_api.values(spreadsheet, "Nationellt") == values


def test_a_google_district_is_read_with_two_requests_and_only_its_statistik(
    tmp_path: Path, districts: list[Path], sheets_api: FakeSheetsApi
) -> None:
    district = GoogleHarness(tmp_path, sheets_api)
    district.seed(grids_of(tmp_path / "norr.xlsx"))

    def opener(config: Config) -> Workbook:
        return district.workbook()

    sheets_api.reset_counts()
    output = tmp_path / "nationellt.xlsx"
    code, _ = run(districts[1:2], XlsxWorkbook(output, NATIONAL_TAB_NAMES), tmp_path / "n.png",
                  opener)  # fmt: skip
    assert code == 0
    described = [request.describe() for request in sheets_api.requests]
    assert len(described) == 2, described  # the metadata and one batchGet
    assert not [d for d in described if "Intresserade" in d or "Uppf" in d or "Grupper" in d]
    assert "Statistik" in described[1]
    assert "norr" in every_text(openpyxl.load_workbook(output))


@pytest.mark.parametrize("options", [["--output", "a.xlsx", "--spreadsheet", "x"]])
def test_the_script_refuses_two_places_for_the_table(
    tmp_path: Path, districts: list[Path], options: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts/national_report.py"), "--config",
         str(districts[0].parent), *options],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "inte båda" in done.stderr


def test_the_script_reports_a_folder_of_districts(tmp_path: Path, districts: list[Path]) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts/national_report.py"), "--config",
         str(districts[0].parent), "--today", "2026-11-24"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "nationellt.xlsx").is_file()
    assert (tmp_path / "nationell-andel-aktiva.png").read_bytes().startswith(PNG)
    assert [line[:6] for line in done.stdout.splitlines()[:3]] == ["[mitt]", "[norr]", "[syd] "]


@pytest.mark.filterwarnings("error")  # matplotlib's English warnings would reach stderr
def test_districts_without_statistics_yet_say_so_and_print_no_warning(
    tmp_path: Path, districts: list[Path], capfd: pytest.CaptureFixture[str]
) -> None:
    for name in DISTRICTS:  # as make_demo leaves them: no daily run, no Statistik tab
        book = openpyxl.load_workbook(tmp_path / f"{name}.xlsx")
        del book["Statistik"]
        book.save(tmp_path / f"{name}.xlsx")
    code, lines = run(districts, XlsxWorkbook(tmp_path / "n.xlsx", NATIONAL_TAB_NAMES),
                      tmp_path / "n.png", open_district)  # fmt: skip
    assert code == 0
    assert sum("ingen statistik ännu" in line for line in lines) == 3
    assert "inget distrikt har statistik ännu" in lines[-1]
    assert (tmp_path / "n.png").read_bytes().startswith(PNG)
    assert capfd.readouterr().err == ""
