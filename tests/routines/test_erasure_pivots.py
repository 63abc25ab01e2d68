"""Erasure leaves no personal data in a pivot table: a coordinator's pivot table over
Intresserade (people per group, say) keeps a copy of every value of its source range in the
.xlsx file — names and addresses in its cache's shared items and records — and shows some in
its own cells. After the run that erases a row, neither the cache nor the pivot's cells hold the
erased person's data, the kept person's data stays, the cache is refreshed when the file is
opened, and LibreOffice still opens the file."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.pivot.cache import CacheDefinition
from openpyxl.pivot.record import RecordList
from openpyxl.pivot.table import TableDefinition
from openpyxl.xml.functions import fromstring

from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from tests.support import (
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    run_day,
    soffice_csv,
    workbook_grids,
    write_xlsx,
    xlsx_traces,
)

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
PEOPLE = (("Testa Person1", "person1@example.se"), ("Tyra Nordvik", "tyra@example.se"))


def add_pivot_table(path: Path) -> None:
    """A pivot table on a tab of its own, its rows the names of Intresserade, its cache holding
    each name (shared items) and each address (records), as Excel and LibreOffice save one."""
    names = "".join(f'<s v="{name}"/>' for name, _ in PEOPLE)
    cache = CacheDefinition.from_tree(
        fromstring(
            f'<pivotCacheDefinition {MAIN} recordCount="2"><cacheSource type="worksheet">'
            '<worksheetSource ref="A1:P3" sheet="Intresserade"/></cacheSource>'
            '<cacheFields count="2"><cacheField name="Namn" numFmtId="0">'
            f'<sharedItems count="2">{names}</sharedItems></cacheField>'
            '<cacheField name="E-post" numFmtId="0"><sharedItems/></cacheField>'
            "</cacheFields></pivotCacheDefinition>"
        )
    )
    records = "".join(f'<r><x v="{i}"/><s v="{address}"/></r>' for i, (_, address) in
                      enumerate(PEOPLE))  # fmt: skip
    cache.records = RecordList.from_tree(
        fromstring(f'<pivotCacheRecords {MAIN} count="2">{records}</pivotCacheRecords>')
    )
    table = TableDefinition.from_tree(
        fromstring(
            f'<pivotTableDefinition {MAIN} name="Per person" cacheId="1" dataCaption="Värden">'
            '<location ref="A3:A5" firstHeaderRow="1" firstDataRow="1" firstDataCol="0"/>'
            '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="3">'
            '<item x="0"/><item x="1"/><item t="default"/></items></pivotField>'
            '<pivotField showAll="0"/></pivotFields><rowFields count="1"><field x="0"/>'
            "</rowFields></pivotTableDefinition>"
        )
    )
    table.cache = cache
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Översikt")
    sheet["A3"] = "Radetiketter"
    for row, (name, _) in enumerate(PEOPLE, start=4):
        sheet.cell(row, 1, name)
    sheet._pivots.append(table)
    book.save(path)


def test_erasure_leaves_no_personal_data_in_a_pivot_table(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = tmp_path / "arbetsbok.xlsx"
    kept, erased = (
        newcomer(1, name=PEOPLE[0][0], email=PEOPLE[0][1], welcome=TODAY),
        # Still in Intresserade 181 days after registration: erased today.
        newcomer(2, TODAY - dt.timedelta(days=181), name=PEOPLE[1][0], email=PEOPLE[1][1],
                 welcome=TODAY - dt.timedelta(days=180)),
    )  # fmt: skip
    write_xlsx(path, workbook_grids(newcomers=[kept, erased]))
    add_pivot_table(path)
    assert xlsx_traces(path, "Tyra") and xlsx_traces(path, "tyra@example.se")

    report = run_day(XlsxWorkbook(path, TAB_NAMES), config)

    assert report.erased == [2]
    assert xlsx_traces(path, "Tyra") == []
    assert xlsx_traces(path, "tyra@example.se") == []
    parts = zipfile.ZipFile(path)
    cache = parts.read("xl/pivotCache/pivotCacheDefinition1.xml").decode()
    assert 'refreshOnLoad="1"' in cache
    assert "Testa Person1" in cache  # the kept person's data stays, in its place
    assert "person1@example.se" in parts.read("xl/pivotCache/pivotCacheRecords1.xml").decode()
    overview = openpyxl.load_workbook(path)["Översikt"]
    assert [overview.cell(row, 1).value for row in (3, 4, 5)] == [
        "Radetiketter",
        "Testa Person1",
        None,
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_after_its_pivot_cache_was_scrubbed(tmp_path: Path) -> None:
    test_erasure_leaves_no_personal_data_in_a_pivot_table(tmp_path)
    overview = soffice_csv(tmp_path / "arbetsbok.xlsx", tmp_path / "csv", sheet=8)
    shown = " ".join(" ".join(row) for row in overview)
    # LibreOffice rebuilt the pivot table from Intresserade as it is (refreshOnLoad).
    assert "Total" in shown and "Tyra" not in shown
