"""How the workbook looks, as data: column widths, wrapped columns, number formats, dropdowns
and the colours of Status. Pure: no I/O.

Both backends apply these facts — the local workbook (`adapters/xlsx.py`) and a Google Sheet
(`adapters/google/setup.py`) — so the two look alike: a bold, frozen header row, and in the
tabs about people the ID and Namn columns frozen too; columns wide enough for their header and
typical content, or wrapped; dates as `yyyy-mm-dd`, shares as `0 %`; dropdowns where a cell
takes a word from a list (never strict: a variant people type is still accepted, the routine
reads it leniently); Status red when something is overdue or must be fixed, yellow when it is
a person's next step, grey when the row is done; every tab printed fitted to the page's width
in landscape, with the header row on every page. It also says in which order a new workbook's
columns come (`layout`): the columns a coordinator works in first, Status in view beside the
name. Column order is free in the contract: an existing workbook keeps its own.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellValue
from medlemsrutiner.sheet.schema import (
    TABS,
    TABS_BY_KEY,
    Column,
    Grid,
    Tab,
    column_letter,
    header_key,
    present_columns,
)
from medlemsrutiner.sheet.words import LANGUAGES, Alternative, Outcome, Result

DATE_FORMAT = "yyyy-mm-dd"
DATE_TIME_FORMAT = "yyyy-mm-dd h:mm:ss"
PERCENT_FORMAT = "0 %"
"""A share as a whole percentage, the Swedish way (`33 %`)."""
GENERAL = "General"
"""No number format of its own: a number shows as a number, a text as itself."""

FIRST_DATA_ROW = 2
"""Row 1 holds the headers (1-based, as people count rows)."""

_KIND_WIDTHS: Mapping[str, int] = {
    "date": 13,
    "id": 6,
    "email": 30,
    "phone": 15,
    "number": 9,
    "percent": 12,
    "text": 12,
}
"""The width (characters) a column of each kind needs for typical content."""

_WIDTHS: Mapping[tuple[str, str], int] = {
    ("newcomers", "name"): 24,
    ("newcomers", "town"): 14,
    ("newcomers", "interests"): 30,
    ("newcomers", "referred_to"): 20,
    ("newcomers", "status"): 84,
    ("newcomers", "note"): 36,
    ("followups", "name"): 24,
    ("followups", "referred_to"): 20,
    ("followups", "status"): 84,
    ("followups", "note"): 36,
    ("groups", "group"): 22,
    ("groups", "contact"): 22,
    ("groups", "meets"): 34,
    ("groups", "works_on"): 34,
    ("groups", "meets_en"): 34,
    ("groups", "works_on_en"): 34,
    ("groups", "status"): 60,
    ("trainings", "time"): 13,
    ("trainings", "title"): 30,
    ("trainings", "place"): 28,
    ("trainings", "signup"): 36,
    ("trainings", "description"): 40,
    ("trainings", "title_en"): 30,
    ("trainings", "description_en"): 40,
    ("texts", "key"): 22,
    ("texts", "text"): 60,
    ("texts", "text_en"): 60,
    ("texts", "explanation"): 50,
    ("statistics", "quarter"): 16,
    ("statistics", "group"): 22,
    ("statistics", "alert"): 40,
    ("log", "time"): 18,
    ("log", "action"): 30,
    ("log", "detail"): 50,
}
"""Columns whose typical content is wider than their header and kind suggest."""

_WRAPPED: frozenset[str] = frozenset({"status", "note", "text", "text_en", "explanation"})
"""Columns of long text that wrap inside the column instead of running over the next one."""

_WRAPPED_IN: Mapping[str, frozenset[str]] = {
    "trainings": frozenset({"title", "description", "title_en", "description_en"}),
    "groups": frozenset({"meets", "works_on", "meets_en", "works_on_en"}),
}
"""Texts people type that may be longer than their column, and texts that letters show with
their line breaks: wrapped, so that nothing is cut off and a break shows in the cell."""

_HEADER_PADDING = 4
"""Characters beside a bold header (and a dropdown arrow) so that it is never cut."""
CONTENT_PADDING = 2
"""Characters beside the longest value of a column sized to its content (Statistik)."""


@dataclass(frozen=True)
class ColumnLook:
    """How one column looks: width in characters, wrapping, and a number format (or None)."""

    width: int
    wrap: bool
    number_format: str | None

    @property
    def pixels(self) -> int:
        """The width in screen pixels (Google sizes columns in pixels)."""
        return self.width * 7 + 12


LINE_HEIGHT = 15.0
"""Points per line of text in the default font: a row with wrapped text is this times its
lines high (neither LibreOffice nor Excel fits a row to its text when opening an .xlsx)."""


_CHAR_WIDTHS: Mapping[str, float] = {
    char: width
    for width, chars in (
        (0.45, "ijlIJ'"), (0.5, " .,"), (0.55, "f:;-/"), (0.6, "()["), (0.65, "rt!]"),
        (0.75, '–"*'), (0.8, "s_"), (0.85, "cz?"), (0.9, "kFL"), (0.95, "aeovxyåäöéPTY"),
        (1.0, "bdghnpquüESÉ0123456789"), (1.05, "KVXZ"), (1.1, "ABCRÅÄ"), (1.15, "NUÜ"),
        (1.2, "DGH"), (1.25, "OQÖ&"), (1.3, "w#"), (1.35, "M+="), (1.5, "%"), (1.55, "mW—@"),
    )
    for char in chars
}  # fmt: skip
"""How wide each character is, in widths of a digit (a column's width counts digits), in
DejaVu Sans: the widest of the fonts a workbook is shown in (LibreOffice's stand-in for Calibri
where Carlito is not installed). Any other character counts as `_WIDE`."""
_WIDE = 1.3

_PIECES = re.compile(r"[^\s-]*(?:-+|\s+|$)")
"""A word with what ends it: the spaces after it, or a hyphen (`2026-` of `2026-11-24`), where
LibreOffice, Excel and Google may break a line too."""


def _width_of(text: str) -> float:
    return sum(_CHAR_WIDTHS.get(char, _WIDE) for char in text)


def text_lines(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide.

    Wraps as LibreOffice does, in its widest font: a line holds `width - 1` digits; a line is
    broken after a space or a hyphen, and a word longer than a line is broken inside it. In a
    narrower font (Calibri, Carlito, Arial) the estimate errs towards a line too many: a row a
    little too high is better than the end of a Status cut off.
    """
    room = max(3.0, width - 1.0)
    return sum(_lines(part, room) for part in text.split("\n"))


def _lines(text: str, room: float) -> int:
    lines, used = 1, 0.0
    for piece in _PIECES.findall(text):
        if not piece:
            continue
        word = _width_of(piece.rstrip())  # spaces may hang past the edge
        if used and used + word > room:
            lines, used = lines + 1, 0.0
        while word > room:  # broken inside the word
            lines, word = lines + 1, word - room
        used += word + _width_of(piece) - _width_of(piece.rstrip())
    return lines


def row_height(lines: int) -> float | None:
    """The height of a row holding `lines` lines of wrapped text; None for one line (default)."""
    return None if lines <= 1 else lines * LINE_HEIGHT


def column_look(tab: Tab, column: Column) -> ColumnLook:
    """The look of `column` of `tab`."""
    width = _WIDTHS.get((tab.key, column.name), _KIND_WIDTHS.get(column.kind, 12))
    width = max(width, len(column.header) + _HEADER_PADDING)
    number_format = {"date": DATE_FORMAT, "percent": PERCENT_FORMAT}.get(column.kind)
    wrap = column.name in _WRAPPED or column.name in _WRAPPED_IN.get(tab.key, frozenset())
    return ColumnLook(width=width, wrap=wrap, number_format=number_format)


def look_of_header(tab: Tab, header: object) -> ColumnLook | None:
    """The look of the column of `tab` whose header reads `header`; None for unknown columns."""
    wanted = header_key(header)
    for column in tab.columns:
        if header_key(column.header) == wanted:
            return column_look(tab, column)
    return None


def header_looks(tab: Tab | None, header: Sequence[object]) -> dict[int, ColumnLook]:
    """The look of each column (0-based) of a tab whose first row is `header`, for the
    columns the contract knows (none when `tab` is None: a tab it does not know)."""
    if tab is None:
        return {}
    found = {index: look_of_header(tab, name) for index, name in enumerate(header)}
    return {index: column for index, column in found.items() if column is not None}


def written_format(value: CellValue, column: ColumnLook | None) -> str | None:
    """The number format a cell the run writes gets, whatever format the cell had: a date (or
    date-time) its date format; in a column the contract knows, a number a plain number's
    (`GENERAL`; a share in a percent column, a percentage) and a text its column's date format
    in a date column (so that a date a person types over it later reads as one), else
    `GENERAL`. None keeps the cell's format: a blank, or a column the contract does not know.

    Why: people format whole rows as dates, and an ID the run writes into such a row would show
    (and, in an .xlsx file, read back) as 1900-03-19."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return DATE_TIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if column is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return PERCENT_FORMAT if column.number_format == PERCENT_FORMAT else GENERAL
    return DATE_FORMAT if column.number_format == DATE_FORMAT else GENERAL


# --- Where columns go, what stays in view, how a tab prints ----------------------------------

_LAYOUT: Mapping[str, tuple[str, ...]] = {
    "newcomers": (
        "id", "name", "status", "phone", "call", "referred_to", "town", "interests", "email",
        "language", "registered", "welcome", "introduction", "training", "note", "consent",
    ),
    "followups": (
        "id", "name", "status", "phone", "referred_to", "followed_up", "result", "training",
        "email", "language", "referred", "follow_up_from", "follow_up_by", "reengagement",
        "erased", "note", "consent",
    ),
}  # fmt: skip
"""The order of a new workbook's columns in the tabs about people: who, what is next (Status),
then what a coordinator needs for the call and types after it; the letters' stamps, dates and
the rest further right. Tabs not named here (and columns a tab gains later) keep the contract's
order."""


def layout(tab: Tab) -> tuple[Column, ...]:
    """The columns of `tab` in the order a new workbook gets them."""
    order = [name for name in _LAYOUT.get(tab.key, ()) if name in tab.column_names]
    first = tuple(tab.column(name) for name in order)
    return (*first, *(column for column in tab.columns if column.name not in order))


def layout_headers(tab: Tab) -> tuple[str, ...]:
    """The headers of a new `tab`, in `layout` order."""
    return tuple(column.header for column in layout(tab))


def workbook_tabs(tab_names: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Every tab of a workbook (by its configured name) with its headers in `layout` order:
    what init_workbook and the demo ask a backend to create (`Workbook.ensure_tabs`)."""
    return {tab_names[tab.key]: layout_headers(tab) for tab in TABS}


_FROZEN: Mapping[str, tuple[str, ...]] = {
    "newcomers": ("id", "name"),
    "followups": ("id", "name"),
    "groups": ("group",),
}
"""The columns that stay in view while a person scrolls right: who the row is about."""

FROZEN_MAX_WIDTH = 50
"""Characters: frozen columns wider than this would leave too little room beside them (a
workbook whose Namn is far to the right freezes no column)."""


def frozen_columns(tab: Tab, header: Sequence[object]) -> int:
    """How many leading columns stay in view in a sheet of `tab` whose first row is `header`:
    up to and including the last of the tab's `_FROZEN` columns, when those present lie within
    `FROZEN_MAX_WIDTH` characters of the left edge; else none."""
    positions = present_columns(tab, header)
    wanted = [positions[name] for name in _FROZEN.get(tab.key, ()) if name in positions]
    if not wanted:
        return 0
    count = max(wanted) + 1
    widths = (look_of_header(tab, header[index]) for index in range(count))
    width = sum(found.width if found else _KIND_WIDTHS["text"] for found in widths)
    return count if width <= FROZEN_MAX_WIDTH else 0


def freeze_cell(tab: Tab, header: Sequence[object]) -> str:
    """The top-left cell that scrolls (`C2`: row 1 and columns A-B stay in view)."""
    return f"{column_letter(frozen_columns(tab, header))}{FIRST_DATA_ROW}"


PAPER = "A4"
"""Every tab prints on A4 in landscape, fitted to the page's width (as many pages down as it
needs), with the header row at the top of every page; hidden rows are not printed."""
PRINT_LANDSCAPE = True
PRINT_PAGES_WIDE = 1
PRINT_PAGES_TALL = 0
"""0: as many as the rows need."""
PRINT_TITLE_ROWS = "1:1"


# --- Dropdowns -------------------------------------------------------------------------------

_DROPDOWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("newcomers", "referred_to"),
    ("newcomers", "language"),
    ("followups", "result"),
    ("groups", "active"),
)


def dropdown_choices(tab_key: str, column: str, groups: Sequence[str]) -> tuple[str, ...]:
    """The words offered in a column's dropdown; empty for a column without one.

    `groups` are the active groups of Grupper (see `active_groups`), offered first in
    `Hänvisad till`, before the alternatives and the outcomes that end an intake.
    """
    if (tab_key, column) not in _DROPDOWN_COLUMNS:
        return ()
    if column == "referred_to":
        return (
            *dict.fromkeys(groups),
            *(alternative.value for alternative in Alternative),
            *(outcome.value for outcome in Outcome),
        )
    if column == "language":
        return LANGUAGES
    if column == "result":
        # What a person types after the call; `Ej uppföljd` is the scripts' own word.
        return tuple(result.value for result in Result if result.followed_up)
    return ("ja", "nej")


def dropdown_columns(tab: Tab) -> tuple[Column, ...]:
    """The columns of `tab` that get a dropdown."""
    return tuple(c for c in tab.columns if (tab.key, c.name) in _DROPDOWN_COLUMNS)


def active_groups(grid: Grid | None) -> list[str]:
    """The names of the active groups in a Grupper grid (raw, as a backend read it), in order.

    Lenient like the routine: `Aktiv` blank or unreadable counts as active; a grid without a
    `Grupp` header gives no names.
    """
    if not grid:
        return []
    tab = TABS_BY_KEY["groups"]
    header = [header_key(h) for h in grid[0]]
    group_header = header_key(tab.column("group").header)
    active_header = header_key(tab.column("active").header)
    if group_header not in header:
        return []
    group_at = header.index(group_header)
    active_at = header.index(active_header) if active_header in header else None
    names: list[str] = []
    for row in grid[1:]:
        name = cells.text(row[group_at]) if group_at < len(row) else ""
        active = (
            cells.parse_yes_no(row[active_at])
            if active_at is not None and active_at < len(row)
            else None
        )
        if name and active is not False and name not in names:
            names.append(name)
    return names


# --- Status colours --------------------------------------------------------------------------


class Urgency(enum.Enum):
    """How urgent a Status text is, by the colour it gets."""

    ACT_NOW = "act_now"
    """Overdue, or a cell a person must fix: red."""
    TO_DO = "to_do"
    """A person's next step: yellow."""
    DONE = "done"
    """Nothing left to do for the row: grey."""


@dataclass(frozen=True)
class StatusColour:
    """A Status text containing any of `words` (case-sensitive) gets `background` (RGB hex)."""

    urgency: Urgency
    background: str
    words: tuple[str, ...]


STATUS_COLOURS: tuple[StatusColour, ...] = (
    StatusColour(
        Urgency.ACT_NOW,
        "F4C7C3",
        (
            "FÖRSENAT",
            "KONTROLLERA",
            "Rätta",
            "Fyll i",
            "Dubblett",
            "Ingen kontakt på",
            "är inte aktiv",
            "saknar giltig",
            "ej skickat: se cellen",
            "gick bara delvis",
            "studsade",
            "Lägg till kolumnen",
            # Grupper: no contact address, an inactive group still getting referrals, details
            # not confirmed and no reminder on its way.
            "Saknar giltig",
            "välj en annan grupp",
            "inte bekräftade",
        ),
    ),
    StatusColour(
        Urgency.TO_DO,
        "FCE8B2",
        (
            "Ring senast",
            "Dags för",
            "Samtal gjort",
            # Grupper: waiting for the group to answer the reminder.
            "Påminnelse skickad",
        ),
    ),
    StatusColour(
        Urgency.DONE,
        "E7E7E7",
        ("Klar:", "raderade", "Uppföljd:", "Ej uppföljd:", "Uppgifterna bekräftade", "Vilande"),
    ),
)
"""First match wins: red before yellow before grey (a row that is late and has a problem is
red; a resting group with people still referred to it is red). The words are the ones
`steps/status.py`, `steps/groups.py` and `sheet/stamp_words.py` write (tests build each kind
of Grupper Status with its step, and each state of a stamp a person must put right with
`stamp_words`, and check its colour); matching is case-sensitive, so the yellow "fyll i
Hänvisad till" never turns red through "Fyll i"."""

STATUS_TABS: tuple[str, ...] = ("newcomers", "followups", "groups")
"""Tabs with a Status column the scripts write, coloured alike."""

STATUS_PROMPT_TITLE = "Status skrivs av programmet"
STATUS_PROMPT = (
    "Varje körning skriver om Status, så det du skriver här försvinner. Skriv egna "
    "anteckningar i Anteckning eller i en egen kolumn."
)
"""What a person sees on selecting a Status cell of the .xlsx workbook (an input message:
typing is still allowed). A note typed there would be overwritten without a word by the next
run; Google Sheets warns through the column's protection instead. Excel allows 32 characters
of title and 255 of message."""


def status_formula(colour: StatusColour, cell: str) -> str:
    """A spreadsheet formula (without `=`) true when `cell` contains one of the colour's words.

    FIND is case-sensitive and understood alike by Excel, LibreOffice and Google Sheets; `cell`
    is the first cell of the coloured range (`N2`), relative, so it follows each row.
    """
    tests = [f'ISNUMBER(FIND("{word}",{cell}))' for word in colour.words]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def status_colour_of(text: str) -> StatusColour | None:
    """The colour a Status text gets, as the formulas decide it (for tests and previews)."""
    for colour in STATUS_COLOURS:
        if any(word in text for word in colour.words):
            return colour
    return None
