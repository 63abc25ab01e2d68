"""Erasure on request (the right to erasure): find every row of a person, by address or ID, and
erase it now. Pure.

Rows are found in Intresserade and Uppföljning by the address (as typed or as understood,
case-insensitively, or anywhere in the `E-post` cell: a cell of two addresses, a `HYPERLINK`
formula) or by the ID. Each tab gets one write per distinct way the person's rows
can be found again — by the `E-post` cell's text, or by the ID — that lands on *every* row
that still reads so when the write is made, so a person who is on two rows loses both. The
personal cells (and `Samtycke`) are blanked, Uppföljning gets `Raderad`, and Logg gets the ID
only.

When the config names a form-answers tab (`sheet.schema.FORM_ANSWERS`), every answer of the
person still there — not imported yet, refused (`Ej importerad: …`), or held by a person's own
mark — is emptied too, as the intake empties a stale answer: one `SetByKey` by the answer's
time stamp that writes `Raderad <day>: på begäran` in `Importerad` and blanks every other cell
(`erase_rest`). An answer is the person's when its address is the one asked for, or the
address of a row found by the ID (compared by `cells.email_key`); an answer without an address
is the person's when its phone number is one of those rows' (as the intake compares them). An
answer whose time stamp is blank or on two rows cannot be addressed: it is counted, for a
person to erase by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.plan import LogEntry
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellValue, SetByKey
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import FOLLOWUPS, FORM_ANSWERS, NEWCOMERS, Grid, present_columns
from medlemsrutiner.steps.intake import ColumnMap, map_columns, phone_key
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records


@dataclass(frozen=True)
class Found:
    """A row of the person: its tab key and ID (None for a row that has no ID yet)."""

    tab: str
    row_id: int | None
    row: int


@dataclass(frozen=True)
class FormTab:
    """The form-answers tab as read: its name and grid (row 0 = headers), and the config's
    header aliases (`[intake.aliases]`) that find its address and phone columns."""

    name: str
    grid: Grid
    aliases: Mapping[str, Sequence[str]] | None = None


@dataclass(frozen=True)
class Forgetting:
    found: tuple[Found, ...]
    changes: tuple[SetByKey, ...]
    log: tuple[LogEntry, ...]
    answers: tuple[int, ...] = ()
    """Row numbers (header = row 1) of the form tab's answers of the person, to be emptied."""
    answers_left: tuple[int, ...] = ()
    """Answers of the person that no write can address (time stamp blank or on two rows)."""


def _matches(raw: object, parsed: str | None, address: str | None) -> bool:
    if address is None:
        return False
    typed = cells.text(raw).casefold()
    same = parsed is not None and cells.email_key(parsed) == cells.email_key(address)
    # A cell the routine cannot read as one address (two of them, a HYPERLINK formula) still
    # holds the person's: it is found by any address in it.
    inside = cells.email_key(address) in cells.addresses_in(raw)
    return same or inside or (bool(typed) and typed == address.casefold())


def forget(
    records: Records,
    today: dt.date,
    *,
    email: str | None = None,
    row_id: int | None = None,
    form: FormTab | None = None,
) -> Forgetting:
    """Everything that erases the person with `email` (or `row_id`) from the workbook, the
    answers in the `form` tab included."""
    address = None
    if email is not None:
        understood = cells.parse_email(email)
        address = understood if isinstance(understood, str) else cells.text(email).casefold()
    found: list[Found] = []
    keys: dict[str, set[tuple[str, str]]] = {"newcomers": set(), "followups": set()}
    addresses = {address} if address is not None else set()
    phones: set[str] = set()
    rows: list[tuple[str, Newcomer | FollowUp]] = [
        *(("newcomers", newcomer) for newcomer in records.newcomers),
        *(("followups", followup) for followup in records.followups),
    ]
    for tab, row in rows:
        raw_id = cells.parse_id(row.record["id"])
        by_id = row_id is not None and raw_id == row_id
        if not (by_id or _matches(row.record["email"], row.email, address)):
            continue
        found.append(Found(tab, raw_id if isinstance(raw_id, int) else None, row.row))
        if by_id:
            keys[tab].add(("id", str(row_id)))
        if not cells.is_blank(row.record["email"]):
            keys[tab].add(("email", cells.text(row.record["email"])))
        if row.email:
            addresses.add(row.email)
        phone = phone_key(row.record["phone"])
        if phone is not None:
            phones.add(phone)

    blank_newcomer: tuple[tuple[str, CellValue], ...] = (
        *((name, None) for name in NEWCOMERS.personal_columns),
        ("consent", None),
        ("status", f"Personuppgifterna raderade på begäran {today.isoformat()}."),
    )
    blank_followup: tuple[tuple[str, CellValue], ...] = (
        *((name, None) for name in FOLLOWUPS.personal_columns),
        ("consent", None),
        ("erased", today),
        ("status", f"Personuppgifterna raderade på begäran {today.isoformat()}."),
    )
    changes = [
        SetByKey(tab, (key,), blank_newcomer if tab == "newcomers" else blank_followup, every=True)
        for tab in ("newcomers", "followups")
        for key in sorted(keys[tab])
    ]
    tab_names = {"newcomers": "Intresserade", "followups": "Uppföljning"}
    log = tuple(LogEntry(Action.FORGOTTEN, item.row_id, tab_names[item.tab]) for item in found)
    if form is None:
        return Forgetting(tuple(found), tuple(changes), log)
    answers, left, marks = _form_answers(form, addresses, phones, today)
    answer_log = tuple(LogEntry(Action.FORGOTTEN, None, form.name) for _ in answers)
    return Forgetting(
        tuple(found), (*changes, *marks), (*log, *answer_log), tuple(answers), tuple(left)
    )


def _first(row: Sequence[Any], columns: ColumnMap, name: str) -> Any:
    """The first non-blank cell of the field's columns (as the intake reads it), or None."""
    for position in columns.columns.get(name, ()):
        if position < len(row) and not cells.is_blank(row[position]):
            return row[position]
    return None


def _form_answers(
    form: FormTab, addresses: set[str], phones: set[str], today: dt.date
) -> tuple[list[int], list[int], list[SetByKey]]:
    """The person's answers in the form tab: (emptied, left for a person, their writes)."""
    if not form.grid or (not addresses and not phones):
        return [], [], []
    positions = present_columns(FORM_ANSWERS, form.grid[0])
    imported = FORM_ANSWERS.column("imported").header
    columns = map_columns(form.grid[0], form.aliases, ignore=[imported])
    stamp_at = positions.get("answered", -1)

    def stamp_of(row: Sequence[Any]) -> str:
        return cells.text(row[stamp_at]) if 0 <= stamp_at < len(row) else ""

    stamps = Counter(stamp_of(row) for row in form.grid[1:])
    answers: list[int] = []
    left: list[int] = []
    marks: list[SetByKey] = []
    mark = f"Raderad {today.isoformat()}: på begäran"
    for number, row in enumerate(form.grid[1:], start=2):
        raw_email = _first(row, columns, "email")
        parsed = cells.parse_email(raw_email)
        understood = parsed if isinstance(parsed, str) else None
        same_address = any(_matches(raw_email, understood, wanted) for wanted in addresses)
        raw_phone = _first(row, columns, "phone")
        same_phone = cells.is_blank(raw_email) and phone_key(raw_phone) in phones
        if not (same_address or same_phone):
            continue
        stamp = stamp_of(row)
        if not stamp or stamps[stamp] > 1:
            left.append(number)
            continue
        answers.append(number)
        marks.append(
            SetByKey("form_answers", (("answered", stamp),), (("imported", mark),), erase_rest=True)
        )
    return answers, left, marks
