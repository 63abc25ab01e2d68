"""A formula or an error value in a cell a letter shows: the letter waits until a person writes
the text. Pure.

The .xlsx backend reads a formula as its text (openpyxl keeps no computed value that survives a
save), so a name typed as `=T53&" "&U53` would greet `Hej =T53&"!`. The Google backend reads
what a person sees there, a formula's result; but a result can be an error (`#REF!`, `#NAME?`,
or `#ERROR!` for a phone number typed `+46 70 …`, which Google takes for a formula), and a
LibreOffice or Excel file keeps error values too. A boolean (a checkbox, or `TRUE` typed and
taken for one) would read `ja`. So a text beginning with `=`, an error value or a boolean, in a
column the contract marks `in_letters` (`schema.Column`) is a problem on its row,
worded so a coordinator knows what to do, and what would show it waits:

- a row of Intresserade or Uppföljning (Namn, E-post, Telefon, Ort, Intressen): no letter to
  or about the person goes out (`plan_day`), erasure and the move to Uppföljning go on;
- a row of Grupper: no introduction to the group and no reminder to it; no letter lists it;
- a row of Utbildningar: no letter shows the training;
- a row of Texter: letters leave the text out, as if it were blank.
"""

from __future__ import annotations

from medlemsrutiner.plan import Flag
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import GROUPS, TEXTS, TRAININGS, Record, Tab, Table

FOR_A_PERSON = "inga brev skickas från raden tills dess"
FOR_A_GROUP = (
    "tills dess går ingen introduktion eller påminnelse till gruppen, och inget brev nämner den"
)
FOR_A_TRAINING = "tills dess visas utbildningen inte i breven"
FOR_A_TEXT = "tills dess lämnas texten utanför breven"

_WAITS = {GROUPS.key: FOR_A_GROUP, TRAININGS.key: FOR_A_TRAINING, TEXTS.key: FOR_A_TEXT}


def headers(tab: Tab, record: Record) -> tuple[str, ...]:
    """The headers of the cells of `record` a letter shows that hold a formula or an error."""
    return tuple(
        column.header
        for column in tab.columns
        if column.in_letters and _unshowable(record.get(column.name))
    )


def _unshowable(value: object) -> bool:
    # A boolean is a checkbox, or TRUE typed where Google Sheets and LibreOffice make it one: a
    # letter would greet `Hej ja!`.
    return cells.is_formula(value) or cells.is_error_value(value) or isinstance(value, bool)


PLUS = "Ett nummer som börjar med + skriver du med en apostrof först ('+46 70 …)"
"""Google Sheets (and some programs) make `+46 70 …` a formula: the way to type it as text."""


def problem(header: str, waits: str) -> str:
    """What to do about a formula or an error value in `header`, and what waits meanwhile
    (Swedish)."""
    hint = f" {PLUS}." if header == "Telefon" else ""
    return (
        f"Rätta {header}: cellen innehåller en formel (den börjar med =), ett fel (som "
        f"#REF!) eller SANT/FALSKT (en kryssruta), och ett brev kan inte visa det. Skriv in "
        f"texten själv; {waits}.{hint}"
    )


def person_problems(tab: Tab, record: Record) -> tuple[str, ...]:
    """The problems of a person's row (Intresserade, Uppföljning) with a formula a letter
    shows: its letters wait."""
    return tuple(problem(header, FOR_A_PERSON) for header in headers(tab, record))


def row_flags(tab: Tab, row: int, record: Record) -> list[Flag]:
    """A flag for each cell a letter shows that holds a formula, on a row of Grupper,
    Utbildningar or Texter (`row`: its sheet row number)."""
    waits = _WAITS[tab.key]
    return [
        Flag(tab.key, row, None, f"{tab.default_name} rad {row}: {problem(header, waits)}")
        for header in headers(tab, record)
    ]


def table_flags(table: Table) -> list[Flag]:
    """`row_flags` of every row of `table`."""
    return [flag for row, record in table.rows for flag in row_flags(table.tab, row, record)]


def without_formulas(tab: Tab, record: Record) -> Record:
    """`record` with every cell a letter shows that holds a formula or an error read as blank."""
    held = {
        column.name
        for column in tab.columns
        if column.in_letters and _unshowable(record.get(column.name))
    }
    return {name: (None if name in held else value) for name, value in record.items()}
