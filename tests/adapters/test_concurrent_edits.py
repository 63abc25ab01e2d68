"""Coordinators edit while a run is under way (issue 13), property-based: sequences of edits —
sort, insert a row, delete a row, edit a cell, add a newcomer — land between the run's read and
each of its writes, on the .xlsx backend and on the local Sheets API. Every write lands on the
row with its ID (new rows: found by content), and nothing else changes.

How: every row carries a tag in a column of its own (`Rad`, a column the scripts do not know, so
they never write it). A run without edits gives, per tag, the cells the run changes. With edits,
every row that was there when the run read must end as the coordinator left it plus exactly
those cells; a row added meanwhile stays as it was typed; a deleted row stays deleted.

`make test` tries a few sequences per backend; `HYPOTHESIS_PROFILE=bench` (in `make bench`)
tries many more.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import NEWCOMERS
from tests.adapters.harness import GoogleHarness, _normalise
from tests.fakes.sheets_api import FakeSheetsApi, RecordedRequest
from tests.support import NOW, REPO, TAB_NAMES, TODAY, make_config, newcomer, workbook_grids

BENCH = os.environ.get("HYPOTHESIS_PROFILE") == "bench"
EXAMPLES = 60 if BENCH else 4
DAY = dt.timedelta(days=1)
HEADERS = [*NEWCOMERS.headers, "Egen", "Rad"]
TAG = len(HEADERS) - 1
EDITABLE = ("Egen", "Utbildning")
"""Cells a coordinator edits here: ones the run never writes (an edit of a cell the run writes
is overwritten by design, and the `Skickar…` marker is compare-and-set). A row without an ID at
the read is found again by its content, so there only `Egen` (unknown to the scripts) is
edited: a changed row is a new row, on purpose."""
NEW_AT_READ = ("rad-7", "rad-8")


def initial_rows() -> list[list[Any]]:
    people = [
        newcomer(1),
        newcomer(2, welcome=TODAY - 3 * DAY, registered=TODAY - 4 * DAY),
        newcomer(3, welcome=TODAY - DAY, call=TODAY, referred_to="Centrumgruppen"),
        newcomer(4, welcome=TODAY - DAY, call=TODAY, referred_to="Blixtaktioner"),
        newcomer(5, registered=TODAY - 30 * DAY, welcome=TODAY - 29 * DAY),
        newcomer(6, welcome=TODAY - 2 * DAY, call=TODAY - DAY, referred_to="Avböjt"),
        newcomer(None, registered=None, email="ny1@example.se", name="Ny Ettan"),
        newcomer(None, registered=None, email="ny2@example.se", name="Ny Tvåan"),
    ]
    grid = workbook_grids(newcomers=people)["Intresserade"]
    return [[*row, None, f"rad-{number}"] for number, row in enumerate(grid[1:], start=1)]


# --- Edits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    kind: str  # sort, insert, delete, edit, add
    at: int = 0
    column: str = "Egen"
    text: str = ""
    descending: bool = False


edits = st.lists(
    st.one_of(
        # Sorted by what neither the run nor these edits change before the last write, so that
        # the model below and the sheet agree on every position.
        st.builds(
            Edit,
            kind=st.just("sort"),
            column=st.sampled_from(["Namn", "Rad"]),
            descending=st.booleans(),
        ),
        st.builds(Edit, kind=st.just("insert"), at=st.integers(0, 20)),
        st.builds(Edit, kind=st.just("delete"), at=st.integers(0, 20)),
        st.builds(
            Edit,
            kind=st.just("edit"),
            at=st.integers(0, 20),
            column=st.sampled_from(EDITABLE),
            text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
        ),
        st.builds(Edit, kind=st.just("add")),
    ),
    max_size=3,
)


def apply(rows: list[list[Any]], edit: Edit, counter: Iterator[int]) -> list[list[Any]]:
    """The rows below the header after `edit` (a model of what the coordinator did)."""
    rows = [list(row) for row in rows]
    if edit.kind == "sort":
        index = HEADERS.index(edit.column)
        rows.sort(key=lambda r: (r[index] is None, str(r[index] or "")), reverse=edit.descending)
    elif edit.kind in ("insert", "add"):
        number = next(counter)
        row: list[Any] = [None] * len(HEADERS)
        row[2], row[3], row[TAG] = (
            f"Tillagd Person{number}",
            f"tillagd{number}@example.se",
            f"ny-{number}",
        )
        if edit.kind == "add":
            rows.append(row)
        else:
            rows.insert(edit.at % (len(rows) + 1), row)
    elif rows and edit.kind == "delete":
        del rows[edit.at % len(rows)]
    elif rows and edit.kind == "edit":
        row = rows[edit.at % len(rows)]
        column = "Egen" if row[TAG] in NEW_AT_READ else edit.column
        row[HEADERS.index(column)] = edit.text or None
    return rows


# --- Backends --------------------------------------------------------------------------------


class XlsxSide:
    def __init__(self, folder: Path) -> None:
        self.config = make_config(folder)
        assert self.config.workbook.path is not None
        self.path = self.config.workbook.path

    def seed(self, rows: list[list[Any]]) -> None:
        grids = workbook_grids()
        grids["Intresserade"] = [HEADERS, *rows]
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, grid in grids.items():
            sheet = book.create_sheet(name)
            for row in grid:
                sheet.append(row)
        book.save(self.path)

    def rows(self) -> list[list[Any]]:
        sheet = openpyxl.load_workbook(self.path)["Intresserade"]
        return [list(r) for r in sheet.iter_rows(min_row=2, max_col=len(HEADERS), values_only=True)]

    def put(self, rows: list[list[Any]]) -> None:
        book = openpyxl.load_workbook(self.path)
        sheet = book["Intresserade"]
        sheet.delete_rows(2, sheet.max_row)
        for row in rows:
            sheet.append(row)
        book.save(self.path)

    def workbook(self, before_write: Callable[[], None]) -> Workbook:
        return XlsxWorkbook(self.path, TAB_NAMES, before_write=lambda _: before_write())


class GoogleSide:
    def __init__(self, folder: Path, api: FakeSheetsApi) -> None:
        self.api = api
        self.harness = GoogleHarness(folder, api)
        self.config = self.harness.config
        self.reads = 0
        self.hook: Callable[[], None] | None = None

    def seed(self, rows: list[list[Any]]) -> None:
        grids = workbook_grids()
        grids["Intresserade"] = [HEADERS, *rows]
        self.harness.seed(grids)
        self.config = self.harness.config
        self.api.before_request(self._before)

    def _before(self, api: FakeSheetsApi, request: RecordedRequest) -> None:
        # The run's read is one batchGet; each write begins with another (the fresh read).
        if request.method == "GET" and request.path.endswith("values:batchGet"):
            self.reads += 1
            if self.reads > 1 and self.hook is not None:
                self.hook()

    def rows(self) -> list[list[Any]]:
        values = self.api.values(self.harness.spreadsheet_id, "Intresserade", pad=True)
        return [
            [(None if v == "" else v) for v in (row + [None] * len(HEADERS))[: len(HEADERS)]]
            for row in values[1:]
        ]

    def put(self, rows: list[list[Any]]) -> None:
        sid = self.harness.spreadsheet_id
        present = len(self.api.values(sid, "Intresserade"))
        if present > 1:
            self.api.delete_rows(sid, "Intresserade", 2, present - 1)
        if rows:
            self.api.insert_rows(
                sid, "Intresserade", 2, [["" if v is None else _serial(v) for v in r] for r in rows]
            )

    def workbook(self, before_write: Callable[[], None]) -> Workbook:
        self.reads = 0
        self.hook = before_write
        return self.harness.workbook()


def _serial(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value.date()
    return cells.date_to_serial(value) if isinstance(value, dt.date) else value


Side = XlsxSide | GoogleSide


def normalised(rows: list[list[Any]]) -> dict[str, list[Any]]:
    return {
        str(row[TAG]): [_normalise(h, v) for h, v in zip(HEADERS, row, strict=True)]
        for row in rows
        if row[TAG] is not None
    }


def run(side: Side, between: list[list[Edit]]) -> None:
    """The daily run, with each list of edits applied just before the write of that number."""
    counter = iter(range(1000))
    queue = list(between)

    def before_write() -> None:
        if queue:
            rows = side.rows()
            for edit in queue.pop(0):
                rows = apply(rows, edit, counter)
            side.put(rows)

    with side.workbook(before_write) as workbook:
        run_daily(
            workbook,
            Outbox(side.config.mail.outbox, NOW),
            Renderer(REPO / "templates"),
            side.config,
            TODAY,
            NOW,
        )


def check(side: Side, baseline: dict[str, dict[int, Any]], between: list[list[Edit]]) -> None:
    """Every row as the coordinator left it, plus exactly what the run writes to that row."""
    counter = iter(range(1000))
    expected_rows = initial_rows()
    for batch in between:
        for edit in batch:
            expected_rows = apply(expected_rows, edit, counter)
    expected = normalised(expected_rows)
    for tag, changes in baseline.items():
        if tag in expected:
            for column, value in changes.items():
                expected[tag][column] = value
    assert normalised(side.rows()) == expected


def baseline_of(side: Side) -> dict[str, dict[int, Any]]:
    """Per tag, the cells a run without edits changes."""
    before = normalised(initial_rows())
    run(side, [])
    after = normalised(side.rows())
    return {
        tag: {i: value for i, value in enumerate(after[tag]) if value != before[tag][i]}
        for tag in before
    }


def make_side(backend: str, folder: Path, api: FakeSheetsApi) -> Side:
    return XlsxSide(folder) if backend == "xlsx" else GoogleSide(folder, api)


_BASELINES: dict[str, dict[str, dict[int, Any]]] = {}


@pytest.mark.parametrize("backend", ["xlsx", "google"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not BENCH,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=edits, second=edits)
def test_edits_between_the_read_and_each_write_never_misplace_a_write(
    backend: str, tmp_path_factory: pytest.TempPathFactory, first: list[Edit], second: list[Edit]
) -> None:
    if backend not in _BASELINES:  # the same for every example: computed once
        with FakeSheetsApi() as fake:
            reference = make_side(backend, tmp_path_factory.mktemp("referens"), fake)
            reference.seed(initial_rows())
            _BASELINES[backend] = baseline_of(reference)
    with FakeSheetsApi() as fake:
        folder = tmp_path_factory.mktemp("kors")
        side = make_side(backend, folder, fake)
        side.seed(initial_rows())
        run(side, [first, second])
        check(side, _BASELINES[backend], [first, second])
    shutil.rmtree(folder, ignore_errors=True)
