"""The filters and tables a coordinator lays over a tab of a real .xlsx file: an erasure leaves
no erased value in a filter's criteria (the tab's autofilter, a table's own), and rows a run
appends are taken into the table above them, so a sort or a filter of it sees new people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.utils
import pytest
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.filters import (
    AutoFilter,
    CustomFilter,
    CustomFilters,
    FilterColumn,
    Filters,
)
from openpyxl.worksheet.table import Table, TableStyleInfo

from medlemsrutiner.routines.forget import run_forget
from medlemsrutiner.sheet.criteria import ColumnValues, erased_values, stale
from medlemsrutiner.sheet.schema import TABS
from tests.adapters.harness import XlsxHarness, daily_run
from tests.support import (
    DAY,
    NOW,
    SOFFICE,
    TODAY,
    newcomer,
    soffice_csv,
    workbook_grids,
    xlsx_traces,
)

TYRA = "Tyra Nordvik"


def _column(sheet: Any, header: str) -> int:
    """The 0-based column of `header` in row 1."""
    return int(next(c.column for c in sheet[1] if c.value == header)) - 1


def _seed(harness: XlsxHarness) -> None:
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(1, name=TYRA, town="Göteborg"),
                newcomer(2, name="Anna Berg", town="Göteborg"),
                newcomer(3, name="Kim Olsson", town="Malmö"),
            ]
        )
    )


def _seeded(tmp_path: Path) -> tuple[XlsxHarness, Any, Any]:
    """Three people in a real file, the file loaded as a coordinator opens it, and its
    Intresserade tab."""
    harness = XlsxHarness(tmp_path)
    _seed(harness)
    book = openpyxl.load_workbook(harness.path)
    return harness, book, book["Intresserade"]


def test_forget_removes_the_name_from_the_tabs_filter_and_a_tables_filter(
    tmp_path: Path,
) -> None:
    harness, book, sheet = _seeded(tmp_path)
    name, town = _column(sheet, "Namn"), _column(sheet, "Ort")
    sheet.auto_filter.ref = sheet.dimensions  # Data → Filter, then ticked two names
    sheet.auto_filter.filterColumn.append(
        FilterColumn(colId=name, filters=Filters(filter=[TYRA, "Anna Berg"]))
    )
    sheet.auto_filter.filterColumn.append(
        FilterColumn(colId=town, filters=Filters(filter=["Göteborg"]))  # others live there
    )
    followups = book["Uppföljning"]
    followups.append([7, TYRA, "tyra@example.org"])
    table = Table(displayName="Tabell1", ref=f"A1:P{followups.max_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    table.autoFilter = AutoFilter(ref=table.ref)  # as Excel makes every table
    followups.add_table(table)
    table.autoFilter.filterColumn.append(
        FilterColumn(
            colId=_column(followups, "Namn"),
            customFilters=CustomFilters(customFilter=[CustomFilter(operator="equal", val="Tyra*")]),
        )
    )
    book.save(harness.path)
    assert xlsx_traces(harness.path, "Nordvik") and xlsx_traces(harness.path, "Tyra*")

    with harness.workbook() as workbook:
        run_forget(workbook, harness.config, TODAY, NOW, row_id=1)
    with harness.workbook() as workbook:
        run_forget(workbook, harness.config, TODAY, NOW, row_id=7)

    assert xlsx_traces(harness.path, "Nordvik") == []
    assert xlsx_traces(harness.path, "Tyra*") == []
    after = openpyxl.load_workbook(harness.path)
    kept = after["Intresserade"].auto_filter
    assert kept.ref is not None
    assert [(c.colId, list(c.filters.filter)) for c in kept.filterColumn] == [
        (name, ["Anna Berg"]),
        (town, ["Göteborg"]),
    ]
    (tabell,) = after["Uppföljning"].tables.values()
    assert tabell.autoFilter.filterColumn == []  # nothing left to filter by: shows every row


def test_a_daily_erasure_removes_the_name_from_a_filter_too(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(
                    1,
                    TODAY - 40 * DAY,
                    name=TYRA,
                    welcome=TODAY - 39 * DAY,
                    call=TODAY - 31 * DAY,
                    referred_to="Avböjt",
                ),
                newcomer(2, name="Anna Berg"),
            ]
        )
    )
    book = openpyxl.load_workbook(harness.path)
    sheet = book["Intresserade"]
    sheet.auto_filter.ref = sheet.dimensions
    sheet.auto_filter.filterColumn.append(
        FilterColumn(colId=_column(sheet, "Namn"), filters=Filters(filter=[TYRA]))
    )
    book.save(harness.path)
    report = daily_run(harness)
    assert report.erased == [1]
    assert xlsx_traces(harness.path, "Nordvik") == []


def test_rows_a_run_appends_are_taken_into_the_table_and_the_filter_above_them(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    referred: dict[str, Any] = {
        "welcome": TODAY - 3 * DAY,
        "call": TODAY,
        "referred_to": "Centrumgruppen",
    }
    harness.seed(workbook_grids(newcomers=[newcomer(1, **referred), newcomer(2, **referred)]))
    book = openpyxl.load_workbook(harness.path)
    followups = book["Uppföljning"]
    followups.append([9, "Testa Tidigare", "tidigare@example.org"])
    followups.add_table(Table(displayName="Uppfoljning", ref="A1:P2"))
    intake = book["Intresserade"]
    intake.auto_filter.ref = "A1:P3"
    book.save(harness.path)

    daily_run(harness)

    after = openpyxl.load_workbook(harness.path)
    (table,) = after["Uppföljning"].tables.values()
    assert after["Uppföljning"].max_row == 4
    assert table.ref == "A1:P4" and table.autoFilter.ref == "A1:P4"
    assert after["Intresserade"].auto_filter.ref == "A1:P3"  # no row appended there
    if SOFFICE is not None:  # LibreOffice opens it, the table and its rows
        rows = soffice_csv(harness.path, tmp_path / "csv", sheet=2)
        assert [row[0] for row in rows[1:]] == ["9", "1", "2"]


def test_a_table_ending_elsewhere_or_with_a_totals_row_is_left_as_it_is(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    referred: dict[str, Any] = {
        "welcome": TODAY - 3 * DAY,
        "call": TODAY,
        "referred_to": "Centrumgruppen",
    }
    harness.seed(workbook_grids(newcomers=[newcomer(1, **referred)]))
    book = openpyxl.load_workbook(harness.path)
    followups = book["Uppföljning"]
    followups.append([9, "Testa Tidigare", "tidigare@example.org"])
    followups.append([10, "Testa Tidigare", "tidigare2@example.org"])
    followups.add_table(Table(displayName="Bara", ref="A1:C2"))  # ends a row early
    book.save(harness.path)
    daily_run(harness)
    (table,) = openpyxl.load_workbook(harness.path)["Uppföljning"].tables.values()
    assert table.ref == "A1:C2"


VALUES = ColumnValues(
    erased=frozenset({"tyra nordvik", "göteborg"}),
    kept=frozenset({"anna berg", "göteborg", "malmö"}),
)


@pytest.mark.parametrize(
    ("criterion", "partial", "gone"),
    [
        ("Tyra Nordvik", False, True),
        ("TYRA NORDVIK", False, True),
        ("Göteborg", False, False),  # others live there: the filter still means something
        ("Tyra*", True, True),
        ("*Nordvik", True, True),
        ("*a*", True, False),  # as short as that, it names a kept value too
        ("Malmö", False, False),
        ("", True, False),
    ],
)
def test_a_criterion_goes_when_it_names_an_erased_value_and_no_kept_one(
    criterion: str, partial: bool, gone: bool
) -> None:
    assert stale(criterion, VALUES, partial=partial) is gone


def test_the_erased_values_are_what_the_write_blanked_in_the_erased_rows() -> None:
    before: list[list[Any]] = [
        ["ID", "Namn", "Ort"],
        [1, TYRA, "Göteborg"],
        [2, "Anna Berg", "Göteborg"],
    ]
    after: list[list[Any]] = [["ID", "Namn", "Ort"], [1, None, None], [2, "Anna Berg", "Göteborg"]]
    assert erased_values(before, after, [1]) == {
        1: ColumnValues(frozenset({"tyra nordvik"}), frozenset({"anna berg"})),
        2: ColumnValues(frozenset({"göteborg"}), frozenset({"göteborg"})),
    }


def test_a_conditional_format_naming_an_erased_person_goes_and_the_status_colours_stay(
    tmp_path: Path,
) -> None:
    harness, book, sheet = _seeded(tmp_path)
    name = openpyxl.utils.get_column_letter(_column(sheet, "Namn") + 1)
    town = openpyxl.utils.get_column_letter(_column(sheet, "Ort") + 1)
    red = PatternFill(start_color="FF0000", end_color="FF0000", fill_type="solid")
    sheet.conditional_formatting.add(
        f"{name}2:{name}100", CellIsRule(operator="equal", formula=[f'"{TYRA}"'], fill=red)
    )
    sheet.conditional_formatting.add(
        f"{name}2:{name}100",
        FormulaRule(formula=[f'ISNUMBER(SEARCH("Nordvik",{name}2))'], fill=red),
    )
    sheet.conditional_formatting.add(
        f"{town}2:{town}100", CellIsRule(operator="equal", formula=['"Göteborg"'], fill=red)
    )
    book.save(harness.path)
    with harness.workbook() as workbook:  # init_workbook: the Status colours
        workbook.ensure_tabs({tab.default_name: tab.headers for tab in TABS})
    with harness.workbook() as workbook:
        run_forget(workbook, harness.config, TODAY, NOW, row_id=1)
    daily_run(harness)
    assert xlsx_traces(harness.path, "Nordvik") == []
    after = openpyxl.load_workbook(harness.path)["Intresserade"]
    formulas = [
        rule.formula for rules in after.conditional_formatting._cf_rules.values() for rule in rules
    ]
    assert ['"Göteborg"'] in formulas  # Anna lives there too
    assert any("FÖRSENAT" in str(formula) for formula in formulas)  # the Status colours
