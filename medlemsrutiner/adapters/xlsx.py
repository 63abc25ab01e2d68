"""The local .xlsx workbook (openpyxl): the embedded default, and for groups that work in Excel.

Does file I/O. A run reads the file once: its bytes are read, fingerprinted (SHA-256) and loaded
fully with openpyxl, and every tab is handed out as a raw grid. The loaded workbook is kept for
the run's writes. Each write first looks at the file again: when its bytes are still those this
run read or last wrote, the kept workbook *is* the file and no second load is needed; when a
person (or anything else) changed the file meanwhile, it is loaded afresh. Either way every
change is resolved by ID in the workbook as it is *now* (`changes.resolve`), never by a
remembered row number; only the cells it must are set (formatting, other tabs and unknown
columns stay as they were), and the file is replaced atomically (temporary file + rename).

A merge is presentation: only the top-left cell of a merged range holds a value, and the other
cells read as empty, as LibreOffice and Excel show them. A merged range that holds a cell a
write must set is unmerged first (the top-left cell keeps its value), so no merged cell can stop
a run.

A row a write erases (`Resolution.erased_rows`) loses every comment and hyperlink on it too:
they hold what a person attached to the data.

A run holds a lock file beside the workbook (`files.py`), removed when the run ends, refuses to
start while LibreOffice or Excel has the file open, and removes the temporary copies a killed
run left beside the workbook (they hold personal data). How the workbook looks is
`xlsx_look.py`; the chart over Statistik is `xlsx_chart.py`.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.adapters import xlsx_chart, xlsx_file, xlsx_look, xlsx_ranges
from medlemsrutiner.adapters.files import (
    FileLock,
    office_lock,
    remove_stale_copies,
    replace_atomically,
)
from medlemsrutiner.adapters.workbook import grid_rows
from medlemsrutiner.errors import WorkbookBusyError, WorkbookError
from medlemsrutiner.sheet.changes import CellWrite, Change, ErasedRow, Resolution, resolve
from medlemsrutiner.sheet.schema import Grid, header_key

DATE_FORMAT = xlsx_look.DATE_FORMAT
LAST_ROW = xlsx_look.LAST_ROW
LISTS_SHEET = xlsx_look.LISTS_SHEET

BeforeWrite = Callable[[Path], None]
"""Called with the file's path just before each write re-reads it (tests edit the file here)."""

_UNREADABLE: tuple[type[BaseException], ...] = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,  # xml.etree.ElementTree.ParseError: truncated XML, a control character
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
)
"""What openpyxl raises on a file that is not a readable .xlsx (every kind seen on broken files:
a truncated zip or sheet, a control character in the XML, a zip of something else)."""


@dataclass(frozen=True)
class _Loaded:
    """The workbook as loaded (and changed by this run), and the digest of the file it is."""

    book: OpenpyxlWorkbook
    digest: bytes
    notices: tuple[str, ...] = ()
    """What openpyxl could not keep of the file (`xlsx_file.Loaded.notices`)."""


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
        self._lock: FileLock | None = None
        self._loaded: _Loaded | None = None
        self.loads = 0
        self.saves = 0
        """How many times this object parsed and saved the file (benchmarks and tests count)."""
        self.notices: tuple[str, ...] = ()
        """What the last load found that openpyxl cannot keep (Swedish, quoting no cell)."""

    def describe(self) -> str:
        return f"xlsx: {self.path}"

    # --- Lock ------------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.medlemsrutiner-lock")

    def __enter__(self) -> XlsxWorkbook:
        opened = office_lock(self.path)
        if opened is not None:
            raise WorkbookBusyError(
                f"Arbetsboken {self.path.name} är öppen i LibreOffice eller Excel. Stäng den "
                f"och kör igen (har programmet kraschat: ta bort filen {opened.name})."
            )
        self._lock = FileLock(self.lock_path)
        try:
            acquired = self._lock.acquire()
        except OSError as error:
            self._lock = None
            raise WorkbookError(
                f"Mappen {self.path.parent} för arbetsboken går inte att använda "
                f"({error.strerror or type(error).__name__}). Kontrollera workbook.path."
            ) from None
        if not acquired:
            self._lock = None
            raise WorkbookBusyError(
                f"En annan körning arbetar redan med {self.path.name}. Vänta tills den är klar."
            )
        # No run of ours holds the workbook now: a temporary copy beside it was left by a run
        # that was killed while saving, and it holds personal data the workbook may have erased.
        remove_stale_copies(self.path)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._loaded = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # --- Read ------------------------------------------------------------------------------

    def read(self) -> dict[str, Grid]:
        """Every tab as raw values. The loaded workbook is kept for this run's writes."""
        self._loaded = self._load(self._bytes())
        return _grids(self._loaded.book)

    def read_tab(self, title: str) -> Grid | None:
        """One tab as raw values, None when the workbook has none by that name; the other
        tabs are never turned into values (the national report reads only Statistik)."""
        book = self._load(self._bytes()).book
        wanted = header_key(title)
        sheet = next((s for s in book.worksheets if header_key(s.title) == wanted), None)
        return None if sheet is None else _grid(sheet)

    # --- Write -----------------------------------------------------------------------------

    def write(self, changes: Sequence[Change]) -> Resolution:
        if self.before_write is not None:
            self.before_write(self.path)
        loaded = self._current()
        # Until the save below has landed, the workbook in memory is not the file on disk.
        self._loaded = None
        book = loaded.book
        fresh = _grids(book)
        resolution = resolve(changes, fresh, self.tab_names)
        sheets = {header_key(sheet.title): sheet for sheet in book.worksheets}
        shown = [
            v
            for v in resolution.visibility
            if header_key(v.tab_name) in sheets
            and bool(sheets[header_key(v.tab_name)].row_dimensions[v.row + 1].hidden) != v.hidden
        ]
        if not resolution.writes and not resolution.created_tabs and not shown:
            self._loaded = loaded
            return resolution
        for name, headers in resolution.created_tabs.items():
            sheets[header_key(name)] = _create_sheet(book, name, headers)
        _unmerge_written(sheets, resolution.writes)
        looks = xlsx_look.Looks(self.tab_names)
        wrapped: set[tuple[str, int]] = set()
        for write in resolution.writes:
            sheet = sheets[header_key(write.tab_name)]
            cell = sheet.cell(row=write.row + 1, column=write.column + 1)
            xlsx_look.set_value(cell, write.value)
            column = looks.of(sheet, write.column + 1)
            if write.row > 0:
                xlsx_look.format_written(cell, column)
            xlsx_look.style_cell(cell, column)
            if column is not None and column.wrap and write.row > 0:
                wrapped.add((header_key(write.tab_name), write.row + 1))
        for key, row in wrapped:
            xlsx_look.fit_row(sheets[key], row, looks)
        _strip_erased(sheets, resolution.erased_rows)
        xlsx_ranges.after_write(sheets, {header_key(t): g for t, g in fresh.items()}, resolution)
        for placement in resolution.charts:
            xlsx_chart.draw(sheets[header_key(placement.tab_name)], placement)
        for visibility in shown:
            sheets[header_key(visibility.tab_name)].row_dimensions[
                visibility.row + 1
            ].hidden = visibility.hidden
        groups = fresh.get(self._sheet_name(fresh, "groups"))
        xlsx_look.refresh_referral_dropdown(book, sheets.get(self._key("newcomers")), groups)
        self._loaded = _Loaded(book, self._save(book))
        return resolution

    def _sheet_name(self, grids: Mapping[str, Grid], key: str) -> str:
        wanted = self._key(key)
        return next((name for name in grids if header_key(name) == wanted), "")

    def ensure_tabs(self, tabs: Mapping[str, Sequence[str]]) -> list[str]:
        """Create the file, missing tabs and missing headers; return what was added."""
        added: list[str] = []
        if self.path.exists():
            book = self._current().book
            self._loaded = None
        else:
            book = openpyxl.Workbook()
            book.remove(book.active)
            added.append(f"filen {self.path.name}")
        sheets = {header_key(sheet.title): sheet for sheet in book.worksheets}
        created: set[str] = set()
        for name, headers in tabs.items():
            sheet = sheets.get(header_key(name))
            if sheet is None:
                created.add(_create_sheet(book, name, headers).title)
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
        groups = next(
            (_grid(s) for s in book.worksheets if header_key(s.title) == self._key("groups")),
            None,
        )
        added.extend(
            f"format, rullistor och färger i {title}"
            for title in xlsx_look.present(book, self.tab_names, groups)
            if title not in created
        )
        if added:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._loaded = _Loaded(book, self._save(book))
        return added

    def _key(self, tab: str) -> str:
        # A workbook of other tabs (the national report's) has no such tab: matches none.
        return header_key(self.tab_names[tab]) if tab in self.tab_names else "\0"

    # --- File handling ---------------------------------------------------------------------

    def _bytes(self) -> bytes:
        """The file's bytes now, or a WorkbookError saying why they cannot be read."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise WorkbookError(
                f"Arbetsboken {self.path} finns inte. Skapa den med init_workbook.py "
                "(eller make_demo.py för en demo)."
            ) from None
        except OSError as error:
            raise WorkbookError(
                f"Arbetsboken {self.path} går inte att läsa "
                f"({error.strerror or type(error).__name__}). Kontrollera workbook.path."
            ) from None

    def _current(self) -> _Loaded:
        """The workbook as the file holds it now: the one this run kept when the file's bytes
        are those it read or wrote last, else the file loaded afresh."""
        data = self._bytes()
        kept = self._loaded
        if kept is not None and hashlib.sha256(data).digest() == kept.digest:
            return kept
        return self._load(data)

    def _load(self, data: bytes) -> _Loaded:
        self.loads += 1
        try:
            loaded = xlsx_file.load(data)
        except _UNREADABLE as error:
            instead = xlsx_file.what_else(data)
            if instead is not None:
                raise WorkbookError(
                    f"Arbetsboken {self.path} går inte att läsa: den {instead}"
                ) from None
            raise WorkbookError(
                f"Arbetsboken {self.path} går inte att läsa som .xlsx ({type(error).__name__}): "
                "filen är skadad eller inte en arbetsbok. Öppna den i LibreOffice eller Excel "
                "och spara den som .xlsx, eller ta fram en säkerhetskopia."
            ) from None
        self.notices = loaded.notices
        return _Loaded(loaded.book, hashlib.sha256(data).digest(), loaded.notices)

    def _save(self, book: OpenpyxlWorkbook) -> bytes:
        """Replace the file by `book`; the digest of the bytes now in place. WorkbookError
        when the file cannot be written (it is then as it was)."""
        self.saves += 1
        if _write_protected(self.path):
            # A rename would replace it all the same (Windows refuses): a person made it so.
            raise WorkbookError(
                f"Arbetsboken {self.path.name} är skrivskyddad, så den ändras inte: filen är som "
                "den var. Ta bort skrivskyddet (i Windows: Egenskaper → Skrivskyddad; på Mac: "
                "Visa info → Låst) och kör igen."
            )
        try:
            return replace_atomically(self.path, xlsx_file.save(book))
        except OSError as error:
            # The disk is full, the folder or the file is write-protected, or (on Windows)
            # another program holds the file: the file is as it was, and that is no bug.
            raise WorkbookError(
                f"Arbetsboken {self.path.name} gick inte att spara "
                f"({error.strerror or type(error).__name__}): filen är som den var. Kontrollera "
                "att filen och mappen inte är skrivskyddade, att inget annat program har filen "
                "öppen och att disken inte är full, och kör igen."
            ) from None


def _write_protected(path: Path) -> bool:
    """True when the file's own permissions say nobody may write it (read-only, locked)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def read_first_sheet(path: Path) -> list[list[Any]]:
    """The first tab of an .xlsx file as raw rows (a file of contacts to import)."""
    reader = XlsxWorkbook(path, {})
    book = reader._load(reader._bytes()).book
    try:
        return _grid(book.worksheets[0]) if book.worksheets else []
    finally:
        book.close()


def _grids(book: OpenpyxlWorkbook) -> dict[str, Grid]:
    return {sheet.title: _grid(sheet) for sheet in book.worksheets}


def _grid(sheet: Worksheet) -> list[list[Any]]:
    # From the sheet's own store of cells: iter_rows would create an empty cell object for
    # every blank position it passes (costing time and memory on every read), and a styled but
    # empty cell far away would widen every row.
    filled = [(key, cell) for key, cell in sheet._cells.items() if cell.value is not None]
    rows: list[list[Any]] = [[] for _ in range(max((row for (row, _), _ in filled), default=0))]
    for (row, column), cell in filled:
        line = rows[row - 1]
        if len(line) < column:
            line.extend([None] * (column - len(line)))
        line[column - 1] = xlsx_file.value_of(cell)
    return grid_rows(rows)


def _create_sheet(book: OpenpyxlWorkbook, name: str, headers: Sequence[str]) -> Worksheet:
    sheet = book.create_sheet(title=name)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _strip_erased(sheets: Mapping[str, Worksheet], erased: Sequence[ErasedRow]) -> None:
    """Remove every comment (a note, Shift+F2), hyperlink and picture on the rows whose
    personal data the write erases: a comment on a person's row is about them, a `mailto:`
    link holds their address, and a picture placed on the row (a photo, a screenshot of their
    answer) shows them. openpyxl keeps none of these parts of the file once nothing has one."""
    rows: dict[str, set[int]] = {}
    for row in erased:
        rows.setdefault(header_key(row.tab_name), set()).add(row.row + 1)
    for key, numbers in rows.items():
        sheet = sheets[key]
        sheet._images = [image for image in sheet._images if _anchor_row(image) not in numbers]
        for (number, _), cell in sheets[key]._cells.items():
            # (A merged cell's comment and hyperlink are read-only Nones.)
            if number in numbers and cell.comment is not None:
                cell.comment = None
            if number in numbers and cell.hyperlink is not None:
                cell.hyperlink = None


def _anchor_row(image: Any) -> int | None:
    """The sheet row (1-based) a picture's top-left corner is placed on (`A5`, or an anchor
    object's `_from.row`, 0-based); None when it cannot be told."""
    anchor = image.anchor
    if isinstance(anchor, str):
        return int("".join(ch for ch in anchor if ch.isdigit()) or 0) or None
    start = getattr(anchor, "_from", None)
    row = getattr(start, "row", None)
    return row + 1 if isinstance(row, int) else None


def _unmerge_written(sheets: Mapping[str, Worksheet], writes: Sequence[CellWrite]) -> None:
    """Unmerge every merged range that holds a cell in `writes`: a merge is presentation, and
    a value written into it would be hidden (or, in openpyxl, refused). The top-left cell keeps
    its value; the others were empty, as a merge shows them."""
    targets: dict[str, set[tuple[int, int]]] = {}
    for write in writes:
        targets.setdefault(header_key(write.tab_name), set()).add((write.row + 1, write.column + 1))
    for key, cells in targets.items():
        sheet = sheets[key]
        for merge in list(sheet.merged_cells.ranges):
            low_row, high_row, low_col, high_col = (
                merge.min_row,
                merge.max_row,
                merge.min_col,
                merge.max_col,
            )
            if (high_row - low_row + 1) * (high_col - low_col + 1) <= len(cells):
                hit = any(cell in cells for cell in merge.cells)
            else:
                hit = any(
                    low_row <= row <= high_row and low_col <= column <= high_col
                    for row, column in cells
                )
            if hit:
                sheet.unmerge_cells(merge.coord)
