"""The local .xlsx workbook (openpyxl): the embedded default, and for groups that work in Excel.

Does file I/O. Reads every tab into raw grids; writes by re-opening the file, resolving each
change by ID in what is on disk *now* (a person may have saved the file in between), setting
only the cells it must (formatting, other tabs and unknown columns stay as they were), and
replacing the file atomically (temporary file + rename). A run holds a lock file beside the
workbook, and refuses to start while LibreOffice or Excel has the file open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.adapters import xlsx_chart
from medlemsrutiner.adapters.lock import try_lock, unlock
from medlemsrutiner.adapters.workbook import grid_rows
from medlemsrutiner.errors import WorkbookBusyError, WorkbookError
from medlemsrutiner.sheet.changes import CellValue, Change, Resolution, resolve
from medlemsrutiner.sheet.schema import Grid, header_key

DATE_FORMAT = "yyyy-mm-dd"

BeforeWrite = Callable[[Path], None]
"""Called with the file's path just before each write re-reads it (tests edit the file here)."""


class XlsxWorkbook:
    """A workbook in one .xlsx file."""

    def __init__(
        self,
        path: Path,
        tab_names: Mapping[str, str],
        *,
        before_write: BeforeWrite | None = None,
    ) -> None:
        self.path = path
        self.tab_names = dict(tab_names)
        self.before_write = before_write
        self._lock: IO[bytes] | None = None

    def describe(self) -> str:
        return f"xlsx: {self.path}"

    # --- Lock ------------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.medlemsrutiner-lock")

    def __enter__(self) -> XlsxWorkbook:
        for office_lock in (
            self.path.with_name(f".~lock.{self.path.name}#"),
            self.path.with_name(f"~${self.path.name}"),
        ):
            if office_lock.exists():
                raise WorkbookBusyError(
                    f"Arbetsboken {self.path.name} är öppen i LibreOffice eller Excel. Stäng den "
                    f"och kör igen (har programmet kraschat: ta bort filen {office_lock.name})."
                )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a+b")
        if not try_lock(handle):
            handle.close()
            raise WorkbookBusyError(
                f"En annan körning arbetar redan med {self.path.name}. Vänta tills den är klar."
            )
        self._lock = handle
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._lock is not None:
            unlock(self._lock)
            self._lock.close()
            self._lock = None

    # --- Read ------------------------------------------------------------------------------

    def read(self) -> dict[str, Grid]:
        """Every tab as raw values (cached results for formulas)."""
        book = self._load(data_only=True, read_only=True)
        try:
            return {sheet.title: _sheet_grid(sheet) for sheet in book.worksheets}
        finally:
            book.close()

    # --- Write -----------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> Resolution:
        if self.before_write is not None:
            self.before_write(self.path)
        fresh = self.read()
        resolution = resolve(changes, fresh, self.tab_names)
        if not resolution.writes and not resolution.created_tabs:
            return resolution
        book = self._load(data_only=False, read_only=False)
        sheets = {header_key(sheet.title): sheet for sheet in book.worksheets}
        for name, headers in resolution.created_tabs.items():
            sheets[header_key(name)] = _create_sheet(book, name, headers)
        for write in resolution.writes:
            sheet = sheets[header_key(write.tab_name)]
            _set(sheet.cell(row=write.row + 1, column=write.column + 1), write.value)
        for placement in resolution.charts:
            xlsx_chart.draw(sheets[header_key(placement.tab_name)], placement)
        self._save(book)
        return resolution

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create the file, missing tabs and missing headers; return what was added."""
        added: list[str] = []
        if self.path.exists():
            book = self._load(data_only=False, read_only=False)
        else:
            book = openpyxl.Workbook()
            book.remove(book.active)
            added.append(f"filen {self.path.name}")
        sheets = {header_key(sheet.title): sheet for sheet in book.worksheets}
        for name, headers in tabs.items():
            sheet = sheets.get(header_key(name))
            if sheet is None:
                _create_sheet(book, name, headers)
                added.append(f"fliken {name}")
                continue
            present = {header_key(cell.value) for cell in sheet[1] if cell.value is not None}
            column = max((cell.column for cell in sheet[1] if cell.value is not None), default=0)
            for header in headers:
                if header_key(header) not in present:
                    column += 1
                    cell = sheet.cell(row=1, column=column, value=header)
                    cell.font = Font(bold=True)
                    added.append(f"kolumnen {header} i {name}")
        if added:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._save(book)
        return added

    # --- File handling ---------------------------------------------------------------------

    def _load(self, *, data_only: bool, read_only: bool) -> OpenpyxlWorkbook:
        try:
            return openpyxl.load_workbook(self.path, data_only=data_only, read_only=read_only)
        except FileNotFoundError:
            raise WorkbookError(
                f"Arbetsboken {self.path} finns inte. Skapa den med init_workbook.py "
                "(eller make_demo.py för en demo)."
            ) from None
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise WorkbookError(
                f"Arbetsboken {self.path} går inte att läsa som .xlsx ({type(error).__name__})."
            ) from None

    def _save(self, book: OpenpyxlWorkbook) -> None:
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            book.save(temporary)
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                with contextlib.suppress(OSError):
                    os.chmod(temporary, self.path.stat().st_mode)
            os.replace(temporary, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


def read_first_sheet(path: Path) -> list[list[Any]]:
    """The first tab of an .xlsx file as raw rows (a file of contacts to import)."""
    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except FileNotFoundError:
        raise WorkbookError(f"Filen {path} finns inte.") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise WorkbookError(
            f"Filen {path} går inte att läsa som .xlsx ({type(error).__name__})."
        ) from None
    try:
        return _sheet_grid(book.worksheets[0]) if book.worksheets else []
    finally:
        book.close()


def _sheet_grid(sheet: Any) -> list[list[Any]]:
    if hasattr(sheet, "reset_dimensions"):
        # Some writers record a wrong size; read every row that is really there.
        sheet.reset_dimensions()
    return grid_rows([list(row) for row in sheet.iter_rows(values_only=True)])


def _create_sheet(book: OpenpyxlWorkbook, name: str, headers: Sequence[str]) -> Worksheet:
    sheet = book.create_sheet(title=name)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _set(cell: Any, value: CellValue) -> None:
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # openpyxl makes any text starting with "=" a formula; what we write is always text.
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
