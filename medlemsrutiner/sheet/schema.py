"""The workbook contract: tabs and their columns.

Owns the mapping between internal column names (English, used in code) and the Swedish
headers people see, which columns are required, which the scripts own and which hold personal
data. It also turns raw grids (lists of rows as a backend read them) into tables of plain
values, one `Record` per row. The words people may type in a cell are in `words`. Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.errors import (
    DuplicateColumnError,
    DuplicateTabError,
    HeaderRowError,
    MissingColumnError,
    MissingTabError,
)
from medlemsrutiner.sheet import cells


class Owner(enum.Enum):
    """Who writes a column: the scripts, people, or people with the scripts filling blanks."""

    SCRIPT = "S"
    PERSON = "C"
    BOTH = "C/S"


@dataclass(frozen=True)
class Column:
    """One column of a tab: internal name, Swedish header, owner, and whether a run needs it."""

    name: str
    header: str
    owner: Owner
    required: bool = True
    personal: bool = False
    """Personal data: blanked when a person's data is erased."""
    kind: str = "text"
    """`text`, `date`, `email`, `phone`, `id`, `number`, `percent`: how the column is formatted."""
    aliases: tuple[str, ...] = ()
    """Other headers that mean this column (a tab another program writes, in its language)."""
    in_letters: bool = False
    """A letter shows what the cell holds: a formula there holds the letter (`steps.formulas`)."""


@dataclass(frozen=True)
class Tab:
    """A tab of the workbook: its internal key, default Swedish name and columns.

    `columns` are the tab's own columns and, after them, the stamp columns of letter kinds
    registered from outside (`letter_kinds.registered`, through `add_column`).
    """

    key: str
    default_name: str
    own_columns: tuple[Column, ...]
    required: bool = True
    """A run stops when a required tab is missing; optional ones are read as empty."""
    created_by_scripts: bool = False
    """Script-owned tabs (Logg, Statistik) are created on first write if missing."""
    adds_columns: bool = False
    """The scripts add a column they write when it is missing (always so in the tabs they
    own; in the form-answers tab, the `Importerad` column)."""

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.own_columns, *_ADDED.get(self.key, ()))

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def personal_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.personal)


_ADDED: dict[str, tuple[Column, ...]] = {}
"""Columns that letter kinds registered from outside add to a tab, by tab key."""


def add_column(tab_key: str, column: Column) -> None:
    """Give the tab `tab_key` one more column (a registered letter kind's stamp column): read,
    written and set up like the tab's own. Only `letter_kinds.registered` calls this."""
    tab = TABS_BY_KEY[tab_key]
    if any(
        c.name == column.name or header_key(c.header) == header_key(column.header)
        for c in tab.columns
    ):
        raise ValueError(f"tab {tab.key} already has a column {column.name} / {column.header}")
    _ADDED[tab_key] = (*_ADDED.get(tab_key, ()), column)


def remove_column(tab_key: str, name: str) -> None:
    """Undo `add_column` (when a registration ends)."""
    kept = tuple(column for column in _ADDED.get(tab_key, ()) if column.name != name)
    if kept:
        _ADDED[tab_key] = kept
    else:
        _ADDED.pop(tab_key, None)


S, C, CS = Owner.SCRIPT, Owner.PERSON, Owner.BOTH

NEWCOMERS = Tab(
    "newcomers",
    "Intresserade",
    (
        Column("id", "ID", S, kind="id"),
        Column("registered", "Registrerad", CS, kind="date"),
        Column("name", "Namn", C, personal=True, in_letters=True),
        Column("email", "E-post", C, personal=True, kind="email", in_letters=True),
        Column("phone", "Telefon", C, personal=True, kind="phone", in_letters=True),
        Column("language", "Språk", C, required=False),
        Column("town", "Ort", C, required=False, personal=True, in_letters=True),
        Column("interests", "Intressen", C, required=False, personal=True, in_letters=True),
        Column("welcome", "Välkomstbrev", S, kind="date"),
        Column("call", "Samtal", C, kind="date"),
        Column("referred_to", "Hänvisad till", C),
        Column("introduction", "Introduktion", S, kind="date"),
        Column("training", "Utbildning", C, required=False, kind="date"),
        Column("status", "Status", S),
        Column("note", "Anteckning", C, required=False, personal=True),
        Column("consent", "Samtycke", C, required=False, kind="date"),
    ),
)

FOLLOWUPS = Tab(
    "followups",
    "Uppföljning",
    (
        Column("id", "ID", S, kind="id"),
        Column("name", "Namn", S, personal=True, in_letters=True),
        Column("email", "E-post", S, personal=True, kind="email", in_letters=True),
        Column("phone", "Telefon", S, personal=True, kind="phone", in_letters=True),
        Column("language", "Språk", S, required=False),
        Column("referred_to", "Hänvisad till", S),
        Column("referred", "Hänvisad", S, kind="date"),
        Column("follow_up_from", "Följ upp från", S, kind="date"),
        Column("follow_up_by", "Följ upp senast", S, kind="date"),
        Column("followed_up", "Uppföljning", C, kind="date"),
        Column("result", "Resultat", C),
        Column("training", "Utbildning", C, required=False, kind="date"),
        Column("reengagement", "Återvärvning", S, required=False, kind="date"),
        Column("erased", "Raderad", S, kind="date"),
        Column("status", "Status", S),
        Column("note", "Anteckning", C, required=False, personal=True),
        Column("consent", "Samtycke", C, required=False, kind="date"),
    ),
)

GROUPS = Tab(
    "groups",
    "Grupper",
    (
        Column("group", "Grupp", C, in_letters=True),
        Column("contact", "Kontaktperson", C, in_letters=True),
        Column("email", "E-post", C, kind="email", in_letters=True),
        Column("phone", "Telefon", C, required=False, kind="phone", in_letters=True),
        Column("meets", "Träffas", C, required=False, in_letters=True),
        Column("works_on", "Arbetar med", C, required=False, in_letters=True),
        Column("meets_en", "Träffas (en)", C, required=False, in_letters=True),
        Column("works_on_en", "Arbetar med (en)", C, required=False, in_letters=True),
        Column("active", "Aktiv", C, required=False),
        Column("confirmed", "Bekräftad", C, required=False, kind="date"),
        Column("reminder", "Påminnelse", S, required=False, kind="date"),
        Column("status", "Status", S, required=False),
    ),
)

TRAININGS = Tab(
    "trainings",
    "Utbildningar",
    (
        Column("date", "Datum", C, kind="date"),
        Column("time", "Tid", C, required=False, in_letters=True),
        Column("title", "Titel", C, in_letters=True),
        Column("place", "Plats", C, required=False, in_letters=True),
        Column("signup", "Anmälan", C, required=False, in_letters=True),
        Column("description", "Beskrivning", C, required=False, in_letters=True),
        Column("title_en", "Titel (en)", C, required=False, in_letters=True),
        Column("description_en", "Beskrivning (en)", C, required=False, in_letters=True),
    ),
    required=False,
)

TEXTS = Tab(
    "texts",
    "Texter",
    (
        Column("key", "Nyckel", C),
        Column("text", "Text", C, in_letters=True),
        Column("text_en", "Text (en)", C, required=False, in_letters=True),
        Column("explanation", "Förklaring", CS, required=False),
    ),
    required=False,
)

STATISTICS = Tab(
    "statistics",
    "Statistik",
    (
        Column("quarter", "Kvartal", S),
        Column("group", "Grupp", S),
        Column("referred", "Hänvisade", S, kind="number"),
        Column("followed_up", "Uppföljda", S, kind="number"),
        Column("active", "Aktiva", S, kind="number"),
        Column("not_active", "Inte aktiva", S, kind="number"),
        Column("not_reached", "Ej nådda", S, kind="number"),
        Column("not_followed_up", "Ej uppföljda", S, kind="number"),
        Column("share_active", "Andel aktiva", S, kind="percent"),
        Column("alert", "Varning", S, required=False),
    ),
    required=False,
    created_by_scripts=True,
)

LOG = Tab(
    "log",
    "Logg",
    (
        Column("time", "Tid", S),
        Column("action", "Åtgärd", S),
        Column("id", "ID", S, kind="id"),
        Column("detail", "Detalj", S),
        Column("letters", "Brev", S, required=False, kind="number"),
    ),
    required=False,
    created_by_scripts=True,
)

FORM_ANSWERS = Tab(
    "form_answers",
    "Formulärsvar 1",
    (
        Column("answered", "Tidstämpel", C, kind="date", aliases=("Timestamp",)),
        Column("imported", "Importerad", S, required=False),
    ),
    required=False,
    adds_columns=True,
)
"""The tab Google Forms writes its answers to, when the config names one
(`[workbook.tabs] form_answers`): an inbox the daily run empties into Intresserade. Its other
columns are the form's questions, found by header (`steps.intake`); the scripts own only
`Importerad`, and blank an answer's other cells once it is handled (personal data)."""

_COUNTS = tuple(
    column
    for column in STATISTICS.columns
    if column.name not in ("quarter", "group", "share_active", "alert")
)

NATIONAL = Tab(
    "national",
    "Nationellt",
    (
        Column("district", "Distrikt", S),
        Column("quarter", "Kvartal", S),
        *_COUNTS,
        STATISTICS.column("share_active"),
        Column("problem_groups", "Problemgrupper", S, required=False),
    ),
    required=False,
    created_by_scripts=True,
)
"""The national report's workbook (never a district's): one row per district and quarter, read
from the districts' Statistik tabs (`reports.national`). Anonymous counts and group names only."""

NATIONAL_PROBLEMS = Tab(
    "national_problems",
    "Problemgrupper",
    (
        Column("district", "Distrikt", S),
        Column("group", "Grupp", S),
        Column("quarter", "Kvartal", S),
        *_COUNTS,
        STATISTICS.column("share_active"),
    ),
    required=False,
    created_by_scripts=True,
)

TABS: tuple[Tab, ...] = (NEWCOMERS, FOLLOWUPS, GROUPS, TRAININGS, TEXTS, STATISTICS, LOG)
"""The tabs every workbook has (the optional ones read as empty when absent)."""
NATIONAL_TABS: tuple[Tab, ...] = (NATIONAL, NATIONAL_PROBLEMS)
"""The tabs of the national report's own workbook."""
TABS_BY_KEY: Mapping[str, Tab] = {tab.key: tab for tab in (*TABS, FORM_ANSWERS, *NATIONAL_TABS)}

# --- Grids to tables -------------------------------------------------------------------------

Grid = Sequence[Sequence[Any]]
"""A tab as a backend read it: row 0 holds the headers; cells are raw values."""


def header_key(text: object) -> str:
    """How headers are compared: case-insensitive, surrounding and repeated spaces ignored, and
    invisible characters around words too (a byte-order mark pasted in front of `ID`)."""
    return cells.text(str(text) if text is not None else None).casefold()


def present_columns(tab: Tab, header_row: Sequence[Any]) -> dict[str, int]:
    """Each known column of `tab` found in `header_row`, with its position (first match)."""
    wanted = {
        header_key(header): column.name
        for column in tab.columns
        for header in (column.header, *column.aliases)
    }
    positions: dict[str, int] = {}
    for index, text in enumerate(header_row):
        name = wanted.get(header_key(text))
        if name is not None and name not in positions:
            positions[name] = index
    return positions


def locate_columns(tab: Tab, tab_name: str, header_row: Sequence[Any]) -> dict[str, int]:
    """Map each known column of `tab` to its position in `header_row`.

    Raises MissingColumnError (naming tab and header) when a required column is absent.
    Optional columns that are absent are simply not in the result.
    """
    positions = present_columns(tab, header_row)
    for column in tab.columns:
        if column.required and column.name not in positions:
            raise MissingColumnError(tab_name, column.header)
        found = [
            i for i, text in enumerate(header_row) if header_key(text) == header_key(column.header)
        ]
        if len(found) > 1:
            letters = [column_letter(i) for i in found]
            raise DuplicateColumnError(tab_name, column.header, letters)
    return positions


def column_letter(index: int) -> str:
    """The letter(s) of the column at 0-based `index`: 0 -> `A`, 26 -> `AA`."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


Record = Mapping[str, Any]
"""A row by internal column name: every known column of its tab (absent ones hold None)."""


@dataclass(frozen=True)
class Table:
    """One tab read as plain values.

    `rows` holds every non-blank row as (its sheet row number, the row as a `Record`). The
    row number (1-based, the header is row 1) is only ever used in messages, never to
    address a write. The values are the cells as the backend read them; nothing is converted.
    """

    tab: Tab
    name: str
    rows: tuple[tuple[int, Record], ...]
    present: frozenset[str]
    """Internal names of the columns the sheet really has."""

    def column(self, name: str) -> tuple[Any, ...]:
        """Every row's value in the column `name`, in the order of the tab."""
        return tuple(record[name] for _, record in self.rows)


def is_blank_row(row: Sequence[Any]) -> bool:
    """A row in which nothing shows (`cells.is_blank`: invisible characters too) is no row."""
    return all(cells.is_blank(value) for value in row)


def record_of(tab: Tab, positions: Mapping[str, int], row: Sequence[Any]) -> dict[str, Any]:
    """One grid row by internal column name: every known column of `tab`, None where the
    sheet lacks the column (`positions`, from `present_columns`) or the row is short."""
    return {
        name: row[positions[name]] if name in positions and positions[name] < len(row) else None
        for name in tab.column_names
    }


def table_from_grid(tab: Tab, tab_name: str, grid: Grid | None) -> Table:
    """Build a Table from a raw grid; an absent optional tab becomes an empty table."""
    if grid is None or len(grid) == 0:
        if grid is None and tab.required:
            raise MissingTabError(tab_name)
        if tab.required:
            raise MissingColumnError(tab_name, tab.columns[0].header)
        return Table(tab, tab_name, (), frozenset())
    try:
        positions = locate_columns(tab, tab_name, grid[0])
    except MissingColumnError as missing:
        below = _header_row_below(tab, grid)
        if below is not None:
            raise HeaderRowError(tab_name, missing.header, below) from None
        raise
    rows = tuple(
        (number, record_of(tab, positions, row))
        for number, row in enumerate(grid[1:], start=2)
        if not is_blank_row(row)
    )
    return Table(tab, tab_name, rows, frozenset(positions))


_HEADER_SEARCH = 10
"""How far down a tab the headers are looked for when the first row lacks them."""


def _header_row_below(tab: Tab, grid: Grid) -> int | None:
    """The sheet row (2 and on) that holds every required header of `tab`, when the first does
    not: a title row (or a blank one) put above the headers."""
    required = {column.name for column in tab.columns if column.required}
    for number, row in enumerate(grid[1:_HEADER_SEARCH], start=2):
        if required <= set(present_columns(tab, row)):
            return number
    return None


def refuse_misplaced_headers(grids: Mapping[str, Grid], tab_names: Mapping[str, str]) -> None:
    """HeaderRowError for the first tab of the contract whose headers stand below row 1 (a
    title row above them): what must stop `init_workbook` before it adds the headers to the
    title row, shifting every column of the tab against its data."""
    for tab in TABS:
        wanted = header_key(tab_names[tab.key])
        grid = next((g for name, g in grids.items() if header_key(name) == wanted), None)
        if not grid:
            continue
        required = {column.name for column in tab.columns if column.required}
        if required <= set(present_columns(tab, grid[0])):
            continue
        below = _header_row_below(tab, grid)
        if below is not None:
            raise HeaderRowError(tab_names[tab.key], tab.columns[0].header, below)


@dataclass(frozen=True)
class Tables:
    """Every tab of one read, by internal key."""

    by_key: Mapping[str, Table]

    def __getitem__(self, key: str) -> Table:
        return self.by_key[key]


def tables_from_grids(grids: Mapping[str, Grid | None], tab_names: Mapping[str, str]) -> Tables:
    """Read every tab of the contract from `grids` (keyed by the tab's real name).

    Tab names, like headers, match case-insensitively with surrounding spaces ignored.

    Raises MissingTabError / MissingColumnError, or DuplicateTabError / DuplicateColumnError when
    two tabs or two columns match one name, before anything is planned or written.
    """
    by_name = {header_key(name): grid for name, grid in grids.items()}
    for tab in TABS:
        wanted = header_key(tab_names[tab.key])
        matching = [name for name in grids if header_key(name) == wanted]
        if len(matching) > 1:
            raise DuplicateTabError(tab_names[tab.key], matching)
    return Tables(
        {
            tab.key: table_from_grid(
                tab, tab_names[tab.key], by_name.get(header_key(tab_names[tab.key]))
            )
            for tab in TABS
        }
    )
