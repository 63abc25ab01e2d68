"""How the local .xlsx workbook looks (openpyxl): part of the xlsx adapter. No I/O of its own.

Applies what `sheet/presentation.py` describes to an openpyxl workbook in memory: bold headers,
the header row and the ID and Namn columns frozen, column widths, date and percent formats,
wrapped Status and Anteckning with rows as high as their text, dropdowns (with a hidden tab for
words too many for a dropdown), Status colours, and each tab printed landscape fitted to the
page's width. Also owns how one value is put into a cell (`set_value`: text always as text),
which the dropdown lists and the workbook writes share.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import CellValue
from medlemsrutiner.sheet.schema import (
    NEWCOMERS,
    TABS_BY_KEY,
    Grid,
    Tab,
    header_key,
    present_columns,
)

DATE_FORMAT = look.DATE_FORMAT
LAST_ROW = 1048576
"""The last row of an .xlsx sheet: dropdowns and colours cover every row below the header."""
LISTS_SHEET = "Listor (medlemsrutiner)"
"""A hidden tab holding a dropdown's words when they do not fit in the dropdown itself."""


class Looks:
    """The look of each column of the sheets a write touches, found by header."""

    def __init__(self, tab_names: Mapping[str, str]) -> None:
        self.tabs = {header_key(name): TABS_BY_KEY[key] for key, name in tab_names.items()}
        self.cache: dict[tuple[str, int], look.ColumnLook | None] = {}
        self.wrapping: dict[str, list[tuple[int, look.ColumnLook]]] = {}

    def of(self, sheet: Worksheet, column: int) -> look.ColumnLook | None:
        key = (sheet.title, column)
        if key not in self.cache:
            tab = self.tabs.get(header_key(sheet.title))
            header = sheet.cell(row=1, column=column).value
            self.cache[key] = None if tab is None else look.look_of_header(tab, header)
        return self.cache[key]

    def wrapped(self, sheet: Worksheet) -> list[tuple[int, look.ColumnLook]]:
        """The columns of `sheet` whose text wraps, with their look (found once per sheet:
        `max_column` looks at every cell, so asking for each row made fitting rows quadratic)."""
        if sheet.title not in self.wrapping:
            found = [(i, self.of(sheet, i)) for i in range(1, sheet.max_column + 1)]
            self.wrapping[sheet.title] = [
                (i, column) for i, column in found if column is not None and column.wrap
            ]
        return self.wrapping[sheet.title]


def fit_row(sheet: Worksheet, row: int, looks: Looks) -> bool:
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


def format_written(cell: Any, column: look.ColumnLook | None) -> None:
    """Give a cell the run has just written the number format its value needs
    (`presentation.written_format`), whatever format it had. In a column the contract does not
    know, a number only loses a date format: openpyxl would read it back as a date."""
    value = cell.value
    needed = look.written_format(value, column)
    if needed is None and isinstance(value, int | float) and cell.is_date:
        needed = look.GENERAL
    if needed is not None and cell.number_format != needed:
        cell.number_format = needed


def style_cell(cell: Any, column: look.ColumnLook | None) -> bool:
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


def present(book: OpenpyxlWorkbook, tab_names: Mapping[str, str], groups: Grid | None) -> list[str]:
    """Give every known tab its look (`groups`: the Grupper tab, for the dropdown); return the
    tabs whose look changed (empty: all in place)."""
    tabs = {header_key(name): TABS_BY_KEY[key] for key, name in tab_names.items()}
    active = look.active_groups(groups)
    changed: list[str] = []
    looks = Looks(tab_names)
    for sheet in book.worksheets:
        tab = tabs.get(header_key(sheet.title))
        if tab is None:
            continue
        heights = [fit_row(sheet, row, looks) for row in range(2, sheet.max_row + 1)]
        if _present_sheet(book, sheet, tab, active) or any(heights):
            changed.append(sheet.title)
    return changed


def _present_sheet(book: OpenpyxlWorkbook, sheet: Worksheet, tab: Tab, groups: list[str]) -> bool:
    header = [cell.value for cell in sheet[1]]
    changed = _freeze(sheet, look.freeze_cell(tab, header))
    changed = print_fitted(sheet) or changed
    body_font = book._fonts[0].name if book._fonts else None
    for index, text in enumerate(header, start=1):
        if text is None:
            continue
        cell = sheet.cell(row=1, column=index)
        if not cell.font.bold or cell.font.name is None:
            # A font without a name shows in another typeface than the rows below it.
            font = copy.copy(cell.font)
            font.bold = True
            font.name = font.name or body_font
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
            changed = style_cell(data_cell, column_look) or changed
    positions = present_columns(tab, header)
    for column in look.dropdown_columns(tab):
        if column.name in positions:
            choices = look.dropdown_choices(tab.key, column.name, groups)
            at = positions[column.name] + 1
            changed = _dropdown(book, sheet, at, column.header, choices) or changed
    if tab.key in look.STATUS_TABS and "status" in positions:
        changed = _status_colours(sheet, positions["status"] + 1) or changed
        changed = _status_prompt(sheet, positions["status"] + 1) or changed
    return changed


def _status_prompt(sheet: Worksheet, column: int) -> bool:
    """Give the Status column the input message that says the scripts write it (typing stays
    allowed); recognised by its title, so it is moved with the column, never added twice.
    True if changed."""
    letter = get_column_letter(column)
    area = f"{letter}2:{letter}{LAST_ROW}"
    ours = [
        v
        for v in sheet.data_validations.dataValidation
        if v.promptTitle == look.STATUS_PROMPT_TITLE
    ]
    if len(ours) == 1 and str(ours[0].sqref) == area and ours[0].prompt == look.STATUS_PROMPT:
        return False
    for validation in ours:
        sheet.data_validations.dataValidation.remove(validation)
    validation = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=False,
        promptTitle=look.STATUS_PROMPT_TITLE,
        prompt=look.STATUS_PROMPT,
    )
    validation.add(area)
    sheet.add_data_validation(validation)
    return True


def _freeze(sheet: Worksheet, wanted: str) -> bool:
    """Freeze the header row and the columns before `wanted`; a freeze a person chose (other
    than the header row alone, which earlier versions set) stays. True when it changed."""
    if sheet.freeze_panes not in (None, f"A{look.FIRST_DATA_ROW}") or sheet.freeze_panes == wanted:
        return False
    sheet.freeze_panes = wanted
    return True


def print_fitted(sheet: Worksheet) -> bool:
    """Print `sheet` as `presentation` says (landscape A4, fitted to the page's width, the header
    row on every page) unless it is already fitted to pages; True when something changed."""
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    if properties.pageSetUpPr.fitToPage:
        return False
    properties.pageSetUpPr.fitToPage = True
    setup = sheet.page_setup
    setup.fitToWidth = look.PRINT_PAGES_WIDE
    setup.fitToHeight = look.PRINT_PAGES_TALL
    setup.orientation = "landscape" if look.PRINT_LANDSCAPE else "portrait"
    setup.paperSize = {"A4": sheet.PAPERSIZE_A4}[look.PAPER]
    if not sheet.print_title_rows:
        sheet.print_title_rows = look.PRINT_TITLE_ROWS
    return True


def widen_to_content(sheet: Worksheet, first: int, last: int, most: int = 40) -> None:
    """Make columns `first`..`last` (1-based) as wide as their longest value (at most `most`
    characters; a wider column a person chose stays). For tabs the scripts fill, whose
    values, such as group names, are not known ahead."""
    longest: dict[int, int] = {}
    for (_, column), cell in sheet._cells.items():
        if first <= column <= last and cell.value is not None:
            shown = _shown_length(cell.value, cell.number_format)
            longest[column] = max(longest.get(column, 0), shown)
    for column, length in longest.items():
        dimension = _single_column(sheet, column)
        width = min(most, length + look.CONTENT_PADDING)
        if (dimension.width or 0) < width:
            dimension.width = width


def _shown_length(value: Any, number_format: str) -> int:
    """About how many characters a cell shows (a share as `100 %`, a date as 10)."""
    if isinstance(value, dt.date):
        return len("2026-11-24")
    if isinstance(value, float) and "%" in number_format:
        return len("100 %")
    return len(str(value))


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
        set_value(lists.cell(row=row, column=column), choice)
    letter = get_column_letter(column)
    end = max(2, len(choices) + 1)
    return f"'{LISTS_SHEET}'!${letter}$2:${letter}${end}"


def refresh_referral_dropdown(
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


def set_value(cell: Any, value: CellValue) -> None:
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
