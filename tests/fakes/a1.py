"""A1 notation for the fake Sheets API: parsing the ranges clients send, formatting the ranges
Google sends back.

This module owns the textual side of ranges only. It knows nothing about spreadsheets: a parsed
range names its sheet as text and leaves open ends open; `tests.fakes.store` resolves it against a
sheet's grid.

Behaviour (as observed in Google's recorded answers):

* `Sheet1!A1:C3`, `'It''s'!A1:B2` (quotes, `''` escapes a quote), `A1`, `A:C`, `A2:C` (open end),
  `2:5`, `A1:1`, `$A$1` (dollars ignored), lower-case letters, and reversed corners (`C3:A1`).
* A range with no `!` is a sheet title when a sheet of that title exists, otherwise cells of the
  first sheet (`store` decides, because it knows the titles).
* Responses name the sheet quoted only when needed: `Sheet1!A1:Z1000`, `'Sheet 1'!A1:C3`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?")
_SIMPLE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


class A1Error(ValueError):
    """The text is not A1 notation."""


def column_letters(index: int) -> str:
    """Return the letters of the 0-based column `index` (0 → `A`, 26 → `AA`)."""
    if index < 0:
        raise ValueError(f"negative column index {index}")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """Return the 0-based index of column `letters` (`A` → 0, case-insensitive)."""
    if not letters or not letters.isalpha() or not letters.isascii():
        raise A1Error(f"not a column: {letters!r}")
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number - 1


def cell_label(row: int, col: int) -> str:
    """Return the A1 label of the 0-based cell (`row`, `col`), e.g. (0, 2) → `C1`."""
    return f"{column_letters(col)}{row + 1}"


@dataclass(frozen=True)
class Endpoint:
    """One side of an A1 range; either part may be absent (`A`, `5`, `A5`). Indexes are 0-based."""

    col: int | None
    row: int | None

    def label(self) -> str:
        """Return the endpoint as A1 text, leaving out the absent parts."""
        letters = "" if self.col is None else column_letters(self.col)
        digits = "" if self.row is None else str(self.row + 1)
        return letters + digits


@dataclass(frozen=True)
class CellPart:
    """The cell part of a range, after the `!`: a start and, for a multi-cell range, an end."""

    start: Endpoint
    end: Endpoint | None

    @property
    def is_single_cell(self) -> bool:
        """True for a one-cell reference such as `B2` (which a write treats as an origin)."""
        return self.end is None


@dataclass(frozen=True)
class A1Range:
    """A parsed range: the sheet title as written (None: not given) and the cell part (None:
    the whole sheet). `text` is the range exactly as the client sent it."""

    text: str
    sheet: str | None
    cells: CellPart | None


def parse_endpoint(text: str) -> Endpoint:
    """Parse `A1`, `A`, `1`, `$A$1`; raise A1Error for anything else."""
    match = _ENDPOINT.fullmatch(text)
    if match is None or not text or (match.group(1) is None and match.group(2) is None):
        raise A1Error(f"not an A1 endpoint: {text!r}")
    letters, digits = match.group(1), match.group(2)
    col = None if letters is None else column_index(letters)
    row = None
    if digits is not None:
        row = int(digits) - 1
        if row < 0:
            raise A1Error(f"row 0 does not exist: {text!r}")
    return Endpoint(col=col, row=row)


def parse_cells(text: str) -> CellPart:
    """Parse the cell part of a range (`A1`, `A1:B2`, `A:C`, `2:5`, `A2:C`, `A1:1`).

    A lone endpoint must name a cell (`A1`); a lone column or row (`A`, `5`) is refused. Both
    endpoints of a pair must be given. Reversed corners are normalised (`C3:A1` is `A1:C3`).
    """
    if ":" not in text:
        endpoint = parse_endpoint(text)
        if endpoint.col is None or endpoint.row is None:
            raise A1Error(f"a single reference must name a cell: {text!r}")
        return CellPart(start=endpoint, end=None)
    first, _, second = text.partition(":")
    start, end = parse_endpoint(first), parse_endpoint(second)
    start_col, end_col = _ordered(start.col, end.col)
    start_row, end_row = _ordered(start.row, end.row)
    return CellPart(start=Endpoint(start_col, start_row), end=Endpoint(end_col, end_row))


def _ordered(first: int | None, second: int | None) -> tuple[int | None, int | None]:
    if first is not None and second is not None and first > second:
        return second, first
    return first, second


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """Split `text` into (sheet title, cell part); either may be None.

    `'It''s'!A1` → (`It's`, `A1`); `'Sheet1'` → (`Sheet1`, None); `Sheet1!A1` → (`Sheet1`, `A1`);
    `A1:B2` → (None, `A1:B2`) and `Sheet1` → (None, `Sheet1`): without a `!` the caller decides
    whether the text is a title or cells.
    """
    if text.startswith("'"):
        title_chars: list[str] = []
        index = 1
        while index < len(text):
            char = text[index]
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    title_chars.append("'")
                    index += 2
                    continue
                rest = text[index + 1 :]
                title = "".join(title_chars)
                if rest == "":
                    return title, None
                if rest.startswith("!"):
                    return title, rest[1:]
                raise A1Error(f"unexpected text after the quoted sheet name: {text!r}")
            title_chars.append(char)
            index += 1
        raise A1Error(f"unterminated quoted sheet name: {text!r}")
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse_range(text: str) -> A1Range:
    """Parse a range as sent by a client. Raise A1Error when it cannot be A1 notation.

    Without `!`, text that is not valid cells is taken to be a sheet title (`Sheet 1`); text that
    is valid cells is kept as cells with `sheet=None`, and `store` checks whether a sheet of that
    title exists first.
    """
    if not text:
        raise A1Error("empty range")
    sheet, cells_text = split_sheet(text)
    if sheet is not None:
        if cells_text is None:
            return A1Range(text=text, sheet=sheet, cells=None)
        return A1Range(text=text, sheet=sheet, cells=parse_cells(cells_text))
    assert cells_text is not None
    try:
        cells = parse_cells(cells_text)
    except A1Error:
        return A1Range(text=text, sheet=cells_text, cells=None)
    return A1Range(text=text, sheet=None, cells=cells)


def needs_quotes(title: str) -> bool:
    """True when Google quotes `title` in a range (anything but a plain identifier that cannot
    be mistaken for a cell: `Sheet1` stays bare, `Sheet 1`, `A1` and `2024` are quoted).

    Non-ASCII titles are quoted too: the recordings do not show one, but a test suite run against
    Google asserts `'Лист1'!A1:B2`, so `Medlemmar` stays bare and `'Händelser'` is quoted.
    """
    return _SIMPLE_TITLE.fullmatch(title) is None or _CELL_LIKE.fullmatch(title) is not None


def quote_title(title: str) -> str:
    """Return the sheet title as it appears before `!` in Google's answers."""
    if needs_quotes(title):
        return "'" + title.replace("'", "''") + "'"
    return title


def format_grid_range(
    title: str, start_row: int, end_row: int, start_col: int, end_col: int
) -> str:
    """Format a bounded 0-based, end-exclusive range as Google does: `Sheet1!A1:C3`, and a
    single cell without the colon: `Sheet1!B2`."""
    start = cell_label(start_row, start_col)
    prefix = f"{quote_title(title)}!"
    if end_row - start_row == 1 and end_col - start_col == 1:
        return prefix + start
    return prefix + start + ":" + cell_label(end_row - 1, end_col - 1)


def format_open_range(
    title: str,
    start_row: int | None,
    end_row: int | None,
    start_col: int | None,
    end_col: int | None,
) -> str:
    """Format a possibly open range the way Google's error messages do: the start always names a
    cell (absent indexes count as 0), the end leaves out what is open (`T!A1001:B`, `T!AA1:2`)."""
    start = cell_label(start_row or 0, start_col or 0)
    end = Endpoint(
        col=None if end_col is None else end_col - 1,
        row=None if end_row is None else end_row - 1,
    ).label()
    single = (
        end_row is not None
        and end_col is not None
        and end_row - (start_row or 0) == 1
        and end_col - (start_col or 0) == 1
    )
    text = start if single or not end else f"{start}:{end}"
    return f"{quote_title(title)}!{text}"
