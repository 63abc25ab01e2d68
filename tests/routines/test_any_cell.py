"""Whatever a person types into whatever cell, the daily routine holds its promises.

Hypothesis writes arbitrary values — any unicode, numbers (NaN and infinities too), dates,
date-times, booleans, very long strings, formula-looking text, blocks blanked as a merged range
reads — into arbitrary data cells of a valid workbook, then runs the day twice and the next day
once; in the real .xlsx variant those blocks are merged for real (openpyxl's MergedCell, as a
person merging cells leaves them). Every time: the run never raises, no letter goes out twice,
nothing the run writes becomes a formula, and every row still holding personal data has its
erasure date in Status, never in the past.

And in a real .xlsx file, any value of any kind, in any number format, in any cell the run does
not write — a phone number in a row formatted as dates, a number of 17 digits, a boolean, an
error such as `#N/A`, rich text, a formula, a text of 32 000 characters — is, after the run,
exactly what the file held before, as the file stores it.

`make test` runs a small profile; `make bench` (HYPOTHESIS_PROFILE=bench) the full one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from medlemsrutiner.adapters import xlsx_file
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import LISTS_SHEET, XlsxWorkbook
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import Resolution
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.routines.any_value import XLSX_SAFE, base_grids, edited, values
from tests.support import NOW, REPO, TAB_NAMES, TODAY, make_config

DAY = dt.timedelta(days=1)
RENDERER = Renderer(REPO / "templates")
ERASURE = re.compile(r"(?:Raderas senast|raderas|sparas till) (\d{4}-\d{2}-\d{2})")
TABS = ("Intresserade", "Uppföljning", "Grupper", "Utbildningar", "Texter", "Logg")


def edits(alphabet: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[list[Any]]:
    cell = st.tuples(
        st.sampled_from(TABS),
        st.integers(min_value=1, max_value=8),
        st.integers(min_value=0, max_value=17),
        values(alphabet),
        st.integers(min_value=0, max_value=2),  # a merged block: rows below read blank
    )
    return st.lists(cell, min_size=1, max_size=12)


def day(workbook: Workbook, folder: Path, today: dt.date) -> DailyReport:
    config = make_config(folder)
    now = dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
    with workbook:
        return run_daily(workbook, Outbox(config.mail.outbox, now), RENDERER, config, today, now)


def personal_columns(headers: list[Any], tab: str) -> list[int]:
    table = NEWCOMERS if tab == "Intresserade" else FOLLOWUPS
    names = {column.header for column in table.columns if column.personal}
    return [i for i, h in enumerate(headers) if h in names]


def check_rows(grids: dict[str, list[list[Any]]], today: dt.date) -> None:
    """Every row with personal data names its erasure date in Status, never a past one."""
    for tab in ("Intresserade", "Uppföljning"):
        headers, *rows = grids[tab]
        personal = personal_columns(headers, tab)
        status = headers.index("Status")
        for row in rows:
            if all(cells.is_blank(row[c]) for c in personal if c < len(row)):
                continue
            text = cells.text(row[status]) if status < len(row) else ""
            found = ERASURE.findall(text)
            assert found, (tab, text)
            assert dt.date.fromisoformat(found[-1]) >= today, (tab, text)


def sent_once(reports: list[DailyReport]) -> None:
    seen: set[tuple[str, int | str]] = set()  # an ID, or a group by name
    for report in reports:
        for kind, ids in report.sent.items():
            for row_id in ids:
                assert (kind, row_id) not in seen, (kind, row_id)
                seen.add((kind, row_id))


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edits())
def test_any_value_in_any_cell_never_breaks_a_promise(changes: list[Any]) -> None:
    grids = edited(base_grids(), changes)
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    inputs = {v for rows in grids.values() for row in rows for v in row if isinstance(v, str)}
    with tempfile.TemporaryDirectory() as folder:
        reports = [
            day(workbook, Path(folder), TODAY),
            day(workbook, Path(folder), TODAY),
            day(workbook, Path(folder), TODAY + DAY),
        ]
    assert reports[1].sent == {}  # the same day again sends nothing
    sent_once(reports)
    for resolution in workbook.writes:
        for write in resolution.writes:
            value = write.value
            if isinstance(value, float):
                assert not math.isnan(value) and not math.isinf(value)
            if isinstance(value, str) and value.startswith("="):
                assert value in inputs  # only ever what a person typed, copied as text
    check_rows(workbook.grids, TODAY + DAY)


@settings(
    # A real file per example is slower: a third of the profile's examples.
    max_examples=max(5, settings().max_examples // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edits(XLSX_SAFE))
def test_in_a_real_xlsx_file_no_value_ever_becomes_a_formula(changes: list[Any]) -> None:
    from tests.support import write_xlsx

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "arbetsbok.xlsx"
        grids = edited(base_grids(), changes)
        write_xlsx(path, grids)
        _merge(path, changes)
        before = _formulas(path)
        reports = [day(XlsxWorkbook(path, TAB_NAMES), folder, TODAY) for _ in range(2)]
        assert reports[1].sent == {}
        assert _formulas(path) <= before
        read = XlsxWorkbook(path, TAB_NAMES).read()
        check_rows({k: [list(r) for r in v] for k, v in read.items()}, TODAY)


def _merge(path: Path, changes: list[Any]) -> None:
    """Merge each edit's block for real (a person merging cells in LibreOffice or Excel): the
    cells below the first become openpyxl's MergedCell. Overlapping blocks are left apart."""
    book = openpyxl.load_workbook(path)
    taken: dict[str, set[tuple[int, int]]] = {}
    for tab, row, column, _value, merged in changes:
        block = {(row + 1 + offset, column + 1) for offset in range(merged + 1)}
        used = taken.setdefault(tab, set())
        if merged and not block & used:
            book[tab].merge_cells(
                start_row=row + 1, start_column=column + 1,
                end_row=row + 1 + merged, end_column=column + 1,
            )  # fmt: skip
            used |= block
    book.save(path)


def _formulas(path: Path) -> set[tuple[str, str]]:
    book = openpyxl.load_workbook(path)
    return {
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


NUMBER_FORMATS = (
    "General", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "hh:mm", "[h]:mm:ss", "0.00%", "@", "0",
)  # fmt: skip
"""Number formats people give cells (whole rows as dates, a column as text or as times)."""

ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!")


def typed() -> st.SearchStrategy[tuple[str, Any]]:
    """A value as LibreOffice or Excel stores it, with its kind."""
    short = st.text(XLSX_SAFE, max_size=40)
    return st.one_of(
        st.tuples(st.just("number"), st.integers(-(10**22), 10**22)),
        st.tuples(st.just("number"), st.floats(allow_nan=False, allow_infinity=False)),
        st.tuples(st.just("number"), st.integers(2_958_466, 10**12)),  # beyond 9999-12-31
        st.tuples(st.just("text"), short),
        st.tuples(
            st.just("text"),
            st.builds(lambda n, c: c * n, st.integers(1000, 32767), st.sampled_from("aé€=")),
        ),
        st.tuples(st.just("bool"), st.booleans()),
        st.tuples(st.just("error"), st.sampled_from(ERRORS)),
        st.tuples(st.just("formula"), st.sampled_from(["=1+1", "=A1&B1", '=IF(1,"ja","nej")'])),
        st.tuples(
            st.just("rich"),
            st.tuples(short.filter(bool), short.filter(bool)),
        ),
        st.tuples(st.just("date"), st.datetimes(min_value=dt.datetime(1900, 3, 1))),
    )


def typed_cells() -> st.SearchStrategy[list[Any]]:
    cell = st.tuples(
        st.sampled_from(TABS),
        st.integers(min_value=1, max_value=8),
        st.integers(min_value=0, max_value=22),  # columns the contract knows, and beyond
        typed(),
        st.sampled_from(NUMBER_FORMATS),
    )
    return st.lists(cell, min_size=1, max_size=12)


class RecordingXlsx(XlsxWorkbook):
    """The real .xlsx backend, noting every cell its writes set (tab, 1-based row, column)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, TAB_NAMES)
        self.written: set[tuple[str, int, int]] = set()

    def write(self, changes: Any) -> Resolution:
        resolution = super().write(changes)
        self.written |= {(w.tab_name, w.row + 1, w.column + 1) for w in resolution.writes}
        return resolution


def _put(cell: Any, kind: str, value: Any, number_format: str) -> None:
    if kind == "rich":
        cell.value = CellRichText([value[0], TextBlock(InlineFont(b=True), value[1])])
    else:
        cell.value = value
    if kind == "text":
        cell.data_type = "s"  # a text that starts with "=" too
    cell.number_format = number_format


def _stored(path: Path) -> dict[tuple[str, int, int], tuple[Any, str, str]]:
    """Every cell of the file as stored (xlsx_file.load converts no number into a date)."""
    book = xlsx_file.load(path.read_bytes()).book
    found: dict[tuple[str, int, int], tuple[Any, str, str]] = {}
    for sheet in book.worksheets:
        for (row, column), cell in sheet._cells.items():
            if cell.value is None or sheet.title == LISTS_SHEET:
                continue  # the dropdown's list is the scripts' own tab
            value = cell.value
            if isinstance(value, CellRichText):
                value = tuple((str(p), getattr(getattr(p, "font", None), "b", None)) for p in value)
            found[(sheet.title, row, column)] = (value, cell.data_type, cell.number_format)
    return found


@settings(
    max_examples=max(5, settings().max_examples // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(typed_cells())
def test_in_a_real_xlsx_file_a_run_changes_no_cell_it_does_not_write(changes: list[Any]) -> None:
    from tests.support import write_xlsx

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "arbetsbok.xlsx"
        write_xlsx(path, base_grids())
        book = openpyxl.load_workbook(path)
        for tab, row, column, (kind, value), number_format in changes:
            _put(book[tab].cell(row + 1, column + 1), kind, value, number_format)
        xlsx_file.save(book)(path)  # every digit, as LibreOffice and Excel store numbers
        before = _stored(path)
        workbook = RecordingXlsx(path)
        day(workbook, folder, TODAY)
        after = _stored(path)
    written = workbook.written
    changed = {
        place: (before.get(place), after.get(place))
        for place in before.keys() | after.keys()
        if place not in written and before.get(place) != after.get(place)
    }
    assert changed == {}
