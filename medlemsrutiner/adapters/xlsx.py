"""The local .xlsx workbook (openpyxl): the embedded default, and for groups that work in Excel.

Does file I/O. Reads every tab into raw grids; writes by re-opening the file, resolving each
change by ID in what is on disk *now* (a person may have saved the file in between), setting
only the cells it must (formatting, other tabs and unknown columns stay as they were), and
replacing the file atomically (temporary file + rename). A run holds a lock file beside the
workbook (`files.py`), removed when the run ends, and refuses to start while LibreOffice or
Excel has the file open.

`ensure_tabs` (init_workbook, make_demo) gives the workbook the look `sheet/presentation.py`
describes: bold frozen headers, column widths, date formats, wrapped Status and Anteckning,
dropdowns and Status colours. openpyxl keeps all of it through every later load and save; each
written cell gets its column's format, and the `Hänvisad till` dropdown follows Grupper.
"""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.adapters import xlsx_chart
from medlemsrutiner.adapters.files import FileLock, office_lock, replace_atomically
from medlemsrutiner.adapters.workbook import grid_rows
from medlemsrutiner.errors import WorkbookBusyError, WorkbookError
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import CellValue, Change, Resolution, resolve
from medlemsrutiner.sheet.schema import NEWCOMERS, TABS, Grid, Tab, header_key, present_columns

DATE_FORMAT = look.DATE_FORMAT
LAST_ROW = 1048576
"""The last row of an .xlsx sheet: dropdowns and colours cover every row below the header."""
LISTS_SHEET = "Listor (medlemsrutiner)"
"""A hidden tab holding a dropdown's words when they do not fit in the dropdown itself."""

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
        self._lock: FileLock | None = None

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
        if not self._lock.acquire():
            self._lock = None
            raise WorkbookBusyError(
                f"En annan körning arbetar redan med {self.path.name}. Vänta tills den är klar."
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._lock is not None:
            self._lock.release()
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
        if not resolution.writes and not resolution.created_tabs and not resolution.visibility:
            return resolution
        book = self._load(data_only=False, read_only=False)
        sheets = {header_key(sheet.title): sheet for sheet in book.worksheets}
        for name, headers in resolution.created_tabs.items():
            sheets[header_key(name)] = _create_sheet(book, name, headers)
        looks = _Looks(self.tab_names)
        wrapped: set[tuple[str, int]] = set()
        for write in resolution.writes:
            sheet = sheets[header_key(write.tab_name)]
            cell = sheet.cell(row=write.row + 1, column=write.column + 1)
            _set(cell, write.value)
            column = looks.of(sheet, write.column + 1)
            _style_cell(cell, column)
            if column is not None and column.wrap and write.row > 0:
                wrapped.add((header_key(write.tab_name), write.row + 1))
        for key, row in wrapped:
            _fit_row(sheets[key], row, looks)
        for placement in resolution.charts:
            xlsx_chart.draw(sheets[header_key(placement.tab_name)], placement)
        for visibility in resolution.visibility:
            dimension = sheets[header_key(visibility.tab_name)].row_dimensions[visibility.row + 1]
            if bool(dimension.hidden) != visibility.hidden:
                dimension.hidden = visibility.hidden
        groups = fresh.get(self._sheet_name(fresh, "groups"))
        _refresh_referral_dropdown(
            book, sheets.get(header_key(self.tab_names["newcomers"])), groups
        )
        self._save(book)
        return resolution

    def _sheet_name(self, grids: Mapping[str, Grid], key: str) -> str:
        wanted = header_key(self.tab_names[key])
        return next((name for name in grids if header_key(name) == wanted), "")

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
        added.extend(
            f"format, rullistor och färger i {title}"
            for title in _present(book, self.tab_names)
            if title not in created
        )
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
        replace_atomically(self.path, book.save)


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


# --- Presentation (the facts are in sheet/presentation.py) -----------------------------------


class _Looks:
    """The look of each column of the sheets a write touches, found by header."""

    def __init__(self, tab_names: Mapping[str, str]) -> None:
        self.tabs = {header_key(tab_names[tab.key]): tab for tab in TABS}
        self.cache: dict[tuple[str, int], look.ColumnLook | None] = {}

    def of(self, sheet: Worksheet, column: int) -> look.ColumnLook | None:
        key = (sheet.title, column)
        if key not in self.cache:
            tab = self.tabs.get(header_key(sheet.title))
            header = sheet.cell(row=1, column=column).value
            self.cache[key] = None if tab is None else look.look_of_header(tab, header)
        return self.cache[key]

    def wrapped(self, sheet: Worksheet) -> list[tuple[int, look.ColumnLook]]:
        """The columns of `sheet` whose text wraps, with their look."""
        found = ((i, self.of(sheet, i)) for i in range(1, sheet.max_column + 1))
        return [(i, column) for i, column in found if column is not None and column.wrap]


def _fit_row(sheet: Worksheet, row: int, looks: _Looks) -> bool:
    """Make `row` as high as its wrapped text needs; True when its height changed."""
    lines = max(
        (
            look.text_lines(str(sheet.cell(row=row, column=i).value), column.width)
            for i, column in looks.wrapped(sheet)
            if sheet.cell(row=row, column=i).value is not None
        ),
        default=1,
    )
    height = look.row_height(lines)
    if sheet.row_dimensions[row].height == height:
        return False
    sheet.row_dimensions[row].height = height
    return True


def _style_cell(cell: Any, column: look.ColumnLook | None) -> bool:
    """Give a cell its column's number format and wrapping; True when something changed."""
    if column is None or cell.value is None:
        return False
    changed = False
    value = cell.value
    fits = (column.number_format == look.DATE_FORMAT and isinstance(value, dt.date)) or (
        column.number_format == look.PERCENT_FORMAT
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    )
    # A format a person chose stays; only the defaults are replaced.
    if fits and cell.number_format in ("General", "yyyy-mm-dd h:mm:ss", "mm-dd-yy"):
        cell.number_format = column.number_format
        changed = True
    if column.wrap and not cell.alignment.wrap_text:
        alignment = copy.copy(cell.alignment)
        alignment.wrap_text = True
        cell.alignment = alignment
        changed = True
    return changed


def _present(book: OpenpyxlWorkbook, tab_names: Mapping[str, str]) -> list[str]:
    """Give every known tab its look; return the tabs whose look changed (empty: all in place)."""
    tabs = {header_key(tab_names[tab.key]): tab for tab in TABS}
    groups_sheet = next(
        (s for s in book.worksheets if header_key(s.title) == header_key(tab_names["groups"])),
        None,
    )
    groups = look.active_groups(_sheet_grid(groups_sheet)) if groups_sheet is not None else []
    changed: list[str] = []
    for sheet in book.worksheets:
        tab = tabs.get(header_key(sheet.title))
        if tab is None:
            continue
        looks = _Looks(tab_names)
        heights = [_fit_row(sheet, row, looks) for row in range(2, sheet.max_row + 1)]
        if _present_sheet(book, sheet, tab, groups) or any(heights):
            changed.append(sheet.title)
    return changed


def _present_sheet(book: OpenpyxlWorkbook, sheet: Worksheet, tab: Tab, groups: list[str]) -> bool:
    changed = False
    if sheet.freeze_panes is None:
        sheet.freeze_panes = "A2"
        changed = True
    header = [cell.value for cell in sheet[1]]
    for index, text in enumerate(header, start=1):
        if text is None:
            continue
        cell = sheet.cell(row=1, column=index)
        if not cell.font.bold:
            font = copy.copy(cell.font)
            font.bold = True
            cell.font = font
            changed = True
        column_look = look.look_of_header(tab, text)
        if column_look is None:
            continue
        dimension = _single_column(sheet, index)
        if (dimension.width or 0) < column_look.width:
            dimension.width = column_look.width
            changed = True
        for (data_cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            changed = _style_cell(data_cell, column_look) or changed
    positions = present_columns(tab, header)
    for column in look.dropdown_columns(tab):
        if column.name in positions:
            choices = look.dropdown_choices(tab.key, column.name, groups)
            at = positions[column.name] + 1
            changed = _dropdown(book, sheet, at, column.header, choices) or changed
    if tab.key in look.STATUS_TABS and "status" in positions:
        changed = _status_colours(sheet, positions["status"] + 1) or changed
    return changed


def _single_column(sheet: Worksheet, index: int) -> Any:
    """The column dimension of column `index` alone: a group of columns (as LibreOffice saves
    them) is split, so that a width set for one never overlaps another."""
    dimensions = sheet.column_dimensions
    for key, dimension in list(dimensions.items()):
        low, high = dimension.min or 0, dimension.max or 0
        if low <= index <= high and high > low:
            del dimensions[key]
            for part_low, part_high in ((low, index - 1), (index, index), (index + 1, high)):
                if part_low <= part_high:
                    part = copy.copy(dimension)
                    part.index, part.min, part.max = (
                        get_column_letter(part_low),
                        part_low,
                        part_high,
                    )
                    dimensions[part.index] = part
            break
    letter = get_column_letter(index)
    if letter not in dimensions:
        dimensions[letter] = ColumnDimension(sheet, index=letter, width=0, min=index, max=index)
    return dimensions[letter]


def _dropdown(
    book: OpenpyxlWorkbook, sheet: Worksheet, column: int, header: str, choices: Sequence[str]
) -> bool:
    """Give `column` a dropdown of `choices` that accepts any other value too; True if changed.

    The dropdown is recognised by its title (the column's header), so it is replaced, never
    added twice, when the choices change.
    """
    letter = get_column_letter(column)
    area = f"{letter}2:{letter}{LAST_ROW}"
    formula = _list_formula(book, header, choices)
    ours = [v for v in sheet.data_validations.dataValidation if v.errorTitle == header]
    if len(ours) == 1 and ours[0].formula1 == formula and str(ours[0].sqref) == area:
        return False
    for validation in ours:
        sheet.data_validations.dataValidation.remove(validation)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=False,  # not strict: a variant people type is accepted
        errorTitle=header,
    )
    validation.add(area)
    sheet.add_data_validation(validation)
    return True


def _list_formula(book: OpenpyxlWorkbook, header: str, choices: Sequence[str]) -> str:
    """The words of a dropdown: in the dropdown itself when they fit (255 characters, no comma
    or quote), else in a column of the hidden tab LISTS_SHEET."""
    inline = ",".join(choices)
    if len(inline) <= 255 and not any("," in c or '"' in c for c in choices):
        return f'"{inline}"'
    if LISTS_SHEET in book.sheetnames:
        lists = book[LISTS_SHEET]
    else:
        lists = book.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
    titles = [cell.value for cell in lists[1]]
    column = titles.index(header) + 1 if header in titles else len([t for t in titles if t]) + 1
    lists.cell(row=1, column=column, value=header)
    for row in range(2, lists.max_row + 1):
        lists.cell(row=row, column=column).value = None
    for row, choice in enumerate(choices, start=2):
        _set(lists.cell(row=row, column=column), choice)
    letter = get_column_letter(column)
    end = max(2, len(choices) + 1)
    return f"'{LISTS_SHEET}'!${letter}$2:${letter}${end}"


def _refresh_referral_dropdown(
    book: OpenpyxlWorkbook, sheet: Worksheet | None, groups: Grid | None
) -> None:
    """Keep the groups in an existing `Hänvisad till` dropdown as Grupper is now."""
    if sheet is None:
        return
    header = NEWCOMERS.column("referred_to").header
    ours = [v for v in sheet.data_validations.dataValidation if v.errorTitle == header]
    if len(ours) != 1:
        return
    choices = look.dropdown_choices("newcomers", "referred_to", look.active_groups(groups))
    ours[0].formula1 = _list_formula(book, header, choices)


def _status_colours(sheet: Worksheet, column: int) -> bool:
    """Colour the Status column by urgency (look.STATUS_COLOURS); True when something changed."""
    letter = get_column_letter(column)
    area = f"{letter}2:{letter}{LAST_ROW}"
    wanted = [
        (look.status_formula(colour, f"{letter}2"), colour.background)
        for colour in look.STATUS_COLOURS
    ]
    rules = sheet.conditional_formatting
    present = [
        (rule.formula[0] if rule.formula else "", _fill_colour(rule))
        for formatting in rules
        if str(formatting.sqref) == area
        for rule in formatting.rules
    ]
    if present == wanted:
        return False
    kept = ConditionalFormattingList()
    for formatting in rules:
        if str(formatting.sqref) != area:
            for rule in formatting.rules:
                kept.add(str(formatting.sqref), rule)
    for formula, background in wanted:
        fill = PatternFill(fill_type="solid", start_color=background, end_color=background)
        kept.add(
            area,
            Rule(
                type="expression",
                formula=[formula],
                stopIfTrue=True,
                dxf=DifferentialStyle(fill=fill),
            ),
        )
    sheet.conditional_formatting = kept
    return True


def _fill_colour(rule: Any) -> str:
    fill = rule.dxf.fill if rule.dxf is not None else None
    colour = getattr(getattr(fill, "start_color", None), "rgb", None)
    return str(colour)[-6:] if isinstance(colour, str) else ""


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
