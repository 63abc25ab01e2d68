"""People from outside — an export from the member register, a file of web-form answers, or
the tab Google Forms fills — as new rows of Intresserade. Pure: no I/O, no clock.

`map_columns` finds the columns by header: built-in aliases (`Förnamn` + `Efternamn` -> Namn,
`Mobil` -> Telefon, `Mejl` -> E-post, `Datum` -> Registrerad, …) and the config's
(`[intake.aliases]`). `plan_intake` decides each row, by its row number in the file (the
header is row 1):

* imported: one `AppendRow` holding every mapped cell (a row is written whole or not at all;
  the address as typed, its domain normalised by `cells.parse_email`),
  with the ID left blank (the next daily run hands it out) and `Registrerad` from the file
  (blank if it has none: the daily run then writes the day it first sees the row);
* already present: the same address (compared case-insensitively) in Intresserade or
  Uppföljning, or the same phone number where the row has no address; or earlier in the same
  file — so importing a file twice adds nothing the second time;
* refused, with the reason: no name, an address or a date that cannot be read, no way to
  reach the person.

Reasons never quote a cell: they are printed and written in cells.

`plan_form_intake` does the same for the form-answers tab (`sheet.schema.FORM_ANSWERS`) and
marks each handled answer in its `Importerad` column, addressed by the answer's time stamp:
once the person is in Intresserade, the answer's copy of their details has no purpose, so the
mark also blanks the answer's other cells. An answer that cannot be imported is marked
`Ej importerad: …` and tried again by every run (a person may correct it), until it is older
than `erase_stale_after_days`: then it is blanked too.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow, CellValue, SetByKey, Values
from medlemsrutiner.sheet.schema import FORM_ANSWERS, Grid, Tables, header_key, present_columns
from medlemsrutiner.sheet.words import LANGUAGE_WORDS
from medlemsrutiner.steps.district import rows_of

FIELDS: tuple[str, ...] = (
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "registered",
    "town",
    "interests",
    "language",
    "note",
    "consent",
)
"""What a column of a file may hold; all but the first and last name are columns of
Intresserade (the internal names of `sheet.schema.NEWCOMERS`)."""

FIELD_HEADERS: Mapping[str, str] = {
    "name": "Namn",
    "first_name": "Förnamn",
    "last_name": "Efternamn",
    "email": "E-post",
    "phone": "Telefon",
    "registered": "Registrerad",
    "town": "Ort",
    "interests": "Intressen",
    "language": "Språk",
    "note": "Anteckning",
    "consent": "Samtycke",
}
"""Each field as a coordinator reads it."""

DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "name": ("Namn", "Fullständigt namn", "För- och efternamn", "Ditt namn", "Name", "Full name"),
    "first_name": ("Förnamn", "Tilltalsnamn", "First name", "Given name"),
    "last_name": ("Efternamn", "Last name", "Surname", "Family name"),
    "email": (
        "E-post",
        "Epost",
        "E-postadress",
        "Epostadress",
        "Mejl",
        "Mejladress",
        "Mail",
        "Mailadress",
        "E-mail",
        "E-mailadress",
        "Email",
        "Email address",
    ),
    "phone": (
        "Telefon",
        "Telefonnummer",
        "Tel",
        "Mobil",
        "Mobilnummer",
        "Mobiltelefon",
        "Phone",
        "Phone number",
        "Mobile",
    ),
    "registered": (
        "Registrerad",
        "Datum",
        "Registreringsdatum",
        "Inkommen",
        "Tidstämpel",
        "Timestamp",
        "Date",
    ),
    "town": ("Ort", "Postort", "Stad", "Kommun", "Bostadsort", "City", "Town"),
    "interests": ("Intressen", "Intresse", "Interests"),
    "language": ("Språk", "Language"),
    "note": ("Anteckning", "Meddelande", "Kommentar", "Övrigt", "Message", "Comment"),
    "consent": ("Samtycke", "Consent"),
}
"""The headers each field is known by without any configuration (compared like headers:
case, surrounding spaces and a trailing `:`, `*` or `?` do not matter)."""

NOT_IMPORTED = "Ej importerad"
"""How the `Importerad` mark of an answer that could not be imported starts (tried again)."""
RETRY = "Rätta svaret, så försöker nästa körning igen."


def header_word(text: Any) -> str:
    """A header as compared with the aliases: `E-post *` and `e-post:` are `e-post`."""
    return header_key(text).rstrip(" :*?").strip()


# --- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMap:
    """Where each field is in a file, found from its header row."""

    columns: Mapping[str, tuple[int, ...]]
    """Field -> positions of the columns holding it (the first non-blank cell wins)."""
    headers: Mapping[str, tuple[str, ...]]
    """Field -> the headers found for it (for the report: headers are not personal data)."""
    unused: tuple[str, ...]
    """Headers that match no field: their cells are not imported."""
    missing: str | None
    """Why nothing can be imported from these columns (Swedish), or None."""


def map_columns(
    header_row: Sequence[Any],
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
    ignore: Collection[str] = (),
) -> ColumnMap:
    """Find each field's columns by header; `extra_aliases` (the config's) win over the
    built-in ones; headers in `ignore` (compared as header words) are neither used nor unused."""
    known: dict[str, str] = {}
    for source in (DEFAULT_ALIASES, extra_aliases or {}):
        for field_name, aliases in source.items():
            for alias in aliases:
                known[header_word(alias)] = field_name
    ignored = {header_word(text) for text in ignore}
    columns: dict[str, list[int]] = {}
    found: dict[str, list[str]] = {}
    unused: list[str] = []
    for position, raw in enumerate(header_row):
        word = header_word(raw)
        if not word or word in ignored:
            continue
        target = known.get(word)
        if target is None:
            unused.append(cells.text(raw))
            continue
        columns.setdefault(target, []).append(position)
        found.setdefault(target, []).append(cells.text(raw))
    missing = None
    if not columns:
        missing = (
            "första raden har inga rubriker som går att känna igen "
            "(t.ex. Namn, Förnamn, Efternamn, E-post, Mejl, Telefon, Mobil)"
        )
    elif "name" not in columns and "first_name" not in columns:
        missing = "det finns ingen kolumn för namn (Namn, eller Förnamn och Efternamn)"
    elif "email" not in columns and "phone" not in columns:
        missing = "det finns ingen kolumn för e-post eller telefon"
    return ColumnMap(
        columns={name: tuple(positions) for name, positions in columns.items()},
        headers={name: tuple(texts) for name, texts in found.items()},
        unused=tuple(unused),
        missing=missing,
    )


# --- Who is there already --------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Addresses and phone numbers already in the workbook, each with where it is."""

    emails: Mapping[str, str] = field(default_factory=dict)
    """`cells.email_key` of an address -> where it is."""
    phones: Mapping[str, str] = field(default_factory=dict)
    """`phone_key` of a number -> where it is."""


def phone_key(value: Any) -> str | None:
    """A phone number as compared for duplicates: its digits in the Swedish form."""
    formatted = cells.format_phone(value)
    if not isinstance(formatted, str):
        return None
    return re.sub(r"\D", "", formatted) or None


def known_people(tables: Tables) -> Known:
    """Everyone in Intresserade and Uppföljning who still has an address or a phone number."""
    emails: dict[str, str] = {}
    phones: dict[str, str] = {}
    for key in ("newcomers", "followups"):
        table = tables[key]
        for row, record in rows_of(table):
            parsed_id = cells.parse_id(record["id"])
            where = f"ID {parsed_id}" if isinstance(parsed_id, int) else f"rad {row}"
            where = f"{where} i {table.name}"
            email = cells.parse_email(record["email"])
            if isinstance(email, str):
                emails.setdefault(cells.email_key(email), where)
            phone = phone_key(record["phone"])
            if phone is not None:
                phones.setdefault(phone, where)
    return Known(emails, phones)


# --- Rows ------------------------------------------------------------------------------------


class ImportVerdict(enum.Enum):
    """What became of one row of an import file or the form tab."""

    IMPORTED = "importerade"
    PRESENT = "fanns redan"
    REFUSED = "kunde inte importeras"
    ERASED = "raderade utan import"


@dataclass(frozen=True)
class RowOutcome:
    """One row of a file (or answer of the form tab), by its row number (header = row 1)."""

    row: int
    verdict: ImportVerdict
    reason: str = ""
    """Why it was not imported (Swedish, never quoting a cell)."""
    values: Values = ()
    """An imported row's cells, by internal column name of Intresserade."""


@dataclass(frozen=True)
class Intake:
    """What importing a file would do."""

    columns: ColumnMap
    outcomes: tuple[RowOutcome, ...] = ()

    @property
    def appends(self) -> tuple[AppendRow, ...]:
        return tuple(
            AppendRow("newcomers", outcome.values)
            for outcome in self.outcomes
            if outcome.verdict is ImportVerdict.IMPORTED
        )

    def rows(self, verdict: ImportVerdict) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.verdict is verdict]


class _Seen:
    """Addresses and phones of the workbook, and of the rows imported so far in this file."""

    def __init__(self, known: Known) -> None:
        self.emails = dict(known.emails)
        self.phones = dict(known.phones)

    def present(self, email: str | None, phone: str | None) -> str | None:
        """Where this person already is: the same address (without regard to case), or the
        same phone where the row has no address."""
        if email is not None:
            return self.emails.get(cells.email_key(email))
        return self.phones.get(phone) if phone is not None else None

    def add(self, email: str | None, phone: str | None, row: int) -> None:
        if email is not None:
            self.emails.setdefault(cells.email_key(email), f"samma e-post som rad {row}")
        if phone is not None:
            self.phones.setdefault(phone, f"samma telefon som rad {row}")


def _cell(row: Sequence[Any], columns: ColumnMap, name: str) -> Any:
    """The first non-blank cell of the field's columns, or None."""
    for position in columns.columns.get(name, ()):
        if position < len(row) and not cells.is_blank(row[position]):
            return row[position]
    return None


def _decide(
    number: int, row: Sequence[Any], columns: ColumnMap, seen: _Seen, today: dt.date
) -> RowOutcome:
    def refused(reason: str) -> RowOutcome:
        return RowOutcome(number, ImportVerdict.REFUSED, reason)

    name = cells.text(_cell(row, columns, "name"))
    if not name:
        parts = (cells.text(_cell(row, columns, part)) for part in ("first_name", "last_name"))
        name = " ".join(part for part in parts if part)
    if not name:
        return refused("namn saknas")
    email = cells.parse_email(_cell(row, columns, "email"))
    if isinstance(email, cells.Bad):
        return refused("e-postadressen går inte att läsa")
    raw_phone = _cell(row, columns, "phone")
    phone = cells.format_phone(raw_phone)
    if email is None and not isinstance(phone, str):
        if phone is None:
            return refused("varken e-post eller telefon finns")
        return refused("e-post saknas och telefonnumret går inte att läsa")
    registered = cells.parse_date(_cell(row, columns, "registered"), today)
    if isinstance(registered, cells.Bad):
        return refused(f"datumet ({FIELD_HEADERS['registered']}) går inte att läsa")
    where = seen.present(email, phone_key(raw_phone))
    if where is not None:
        return RowOutcome(number, ImportVerdict.PRESENT, f"finns redan: {where}")
    seen.add(email, phone_key(raw_phone), number)

    language = cells.parse_word(_cell(row, columns, "language"), LANGUAGE_WORDS)
    values: dict[str, CellValue] = {
        "registered": registered,
        "name": name,
        "email": email,
        "phone": phone if isinstance(phone, str) else cells.text(raw_phone) or None,
        "language": (
            language if isinstance(language, str) else cells.text(_cell(row, columns, "language"))
        ),
        "town": cells.text(_cell(row, columns, "town")),
        "interests": cells.text(_cell(row, columns, "interests")),
        "note": cells.multiline_text(_cell(row, columns, "note")),
        "consent": _consent(_cell(row, columns, "consent"), registered or today, today),
    }
    kept = tuple((key, value) for key, value in values.items() if value not in (None, ""))
    return RowOutcome(number, ImportVerdict.IMPORTED, values=kept)


def _consent(value: Any, registered: dt.date, today: dt.date) -> dt.date | None:
    """`Samtycke` from a file: a date is that date; a ticked box (any answer but a no) is
    consent given when the details were registered; blank or a no is no consent."""
    if cells.is_blank(value):
        return None
    answer = cells.parse_yes_no(value)  # first: a 1 in a number cell is yes, not 1899-12-31
    if isinstance(answer, bool):
        return registered if answer else None
    day = cells.parse_date(value, today)
    return day if isinstance(day, dt.date) else registered


def _is_blank_row(row: Sequence[Any]) -> bool:
    return all(cells.is_blank(value) for value in row)


def plan_intake(
    grid: Grid,
    known: Known,
    today: dt.date,
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
) -> Intake:
    """Decide every row of `grid` (row 0 = headers). Blank rows are left out silently."""
    columns = map_columns(grid[0] if grid else (), extra_aliases)
    if columns.missing is not None:
        return Intake(columns)
    seen = _Seen(known)
    outcomes = tuple(
        _decide(number, row, columns, seen, today)
        for number, row in enumerate(grid[1:], start=2)
        if not _is_blank_row(row)
    )
    return Intake(columns, outcomes)


# --- The form-answers tab --------------------------------------------------------------------


@dataclass(frozen=True)
class FormIntake:
    """What the daily run does with the form-answers tab before anything else."""

    tab_name: str
    intake: Intake | None = None
    marks: tuple[SetByKey, ...] = ()
    """`Importerad` marks (and blanks) of handled answers, addressed by their time stamp."""
    problem: str | None = None
    """Why no answer could be read (a missing tab or column), Swedish."""

    @property
    def changes(self) -> tuple[AppendRow | SetByKey, ...]:
        """New rows of Intresserade first, then the marks."""
        appends = self.intake.appends if self.intake is not None else ()
        return (*appends, *self.marks)


def plan_form_intake(
    grid: Grid | None,
    tab_name: str,
    known: Known,
    today: dt.date,
    erase_after_days: int,
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
) -> FormIntake:
    """Decide the answers of the form tab not handled yet (`Importerad` blank, or a mark of
    ours saying it could not be imported); other marks, typed by a person, are left alone."""
    if grid is None or not grid:
        return FormIntake(
            tab_name,
            problem=f"Fliken '{tab_name}' (workbook.tabs.form_answers) finns inte i "
            "arbetsboken: inga formulärsvar importerades.",
        )
    positions = present_columns(FORM_ANSWERS, grid[0])
    columns = map_columns(grid[0], extra_aliases, ignore=[FORM_ANSWERS.column("imported").header])
    if "answered" not in positions or columns.missing is not None:
        why = columns.missing or "kolumnen Tidstämpel saknas"
        return FormIntake(
            tab_name,
            Intake(columns),
            problem=f"Fliken '{tab_name}': {why}. Inga formulärsvar importerades.",
        )

    def at(row: Sequence[Any], name: str) -> Any:
        position = positions.get(name)
        return row[position] if position is not None and position < len(row) else None

    answers = [
        (number, row)
        for number, row in enumerate(grid[1:], start=2)
        if not _is_blank_row(row)
        and (not cells.text(at(row, "imported")) or _ours(cells.text(at(row, "imported"))))
    ]
    stamps = Counter(cells.text(at(row, "answered")) for row in grid[1:] if row)
    seen = _Seen(known)
    outcomes: list[RowOutcome] = []
    marks: list[SetByKey] = []
    for number, row in answers:
        stamp, mark = cells.text(at(row, "answered")), cells.text(at(row, "imported"))
        if not stamp:
            outcomes.append(RowOutcome(number, ImportVerdict.REFUSED, "Tidstämpel saknas"))
            continue
        if stamps[stamp] > 1:
            outcomes.append(
                RowOutcome(number, ImportVerdict.REFUSED, "två svar har samma Tidstämpel")
            )
            continue
        outcome = _decide(number, row, columns, seen, today)

        def marked(value: CellValue, erase: bool, stamp: str = stamp, mark: str = mark) -> SetByKey:
            return SetByKey(
                "form_answers",
                (("answered", stamp),),
                (("imported", value),),
                expect=(("imported", mark),),
                erase_rest=erase,
            )

        if outcome.verdict is ImportVerdict.IMPORTED:
            marks.append(marked(today, erase=True))
        elif outcome.verdict is ImportVerdict.PRESENT:
            marks.append(marked(f"{today.isoformat()}: {outcome.reason}", erase=True))
        elif _too_old(at(row, "answered"), today, erase_after_days):
            outcome = RowOutcome(number, ImportVerdict.ERASED, outcome.reason)
            marks.append(marked(f"Raderad {today.isoformat()}: gick inte att importera", True))
        else:
            text = f"{NOT_IMPORTED}: {outcome.reason}. {RETRY}"
            if text != mark:
                marks.append(marked(text, erase=False))
        outcomes.append(outcome)
    return FormIntake(tab_name, Intake(columns, tuple(outcomes)), tuple(marks))


def _ours(mark: str) -> bool:
    return mark.casefold().startswith(NOT_IMPORTED.casefold())


def _too_old(answered: Any, today: dt.date, days: int) -> bool:
    day = cells.parse_date(answered, today)
    return isinstance(day, dt.date) and (today - day).days >= days
