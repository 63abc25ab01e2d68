"""Erasure on request (the right to erasure): find every row of a person, by address or ID, and
erase it now. Pure.

Rows are found in Intresserade and Uppföljning by the address (as typed or as understood,
case-insensitively) or by the ID. Each tab gets one write per distinct way the person's rows
can be found again — by the `E-post` cell's text, or by the ID — that lands on *every* row
that still reads so when the write is made, so a person who is on two rows loses both. The
personal cells (and `Samtycke`) are blanked, Uppföljning gets `Raderad`, and Logg gets the ID
only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medlemsrutiner.plan import LogEntry
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellValue, SetByKey
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.steps.records import Records


@dataclass(frozen=True)
class Found:
    """A row of the person: its tab key and ID (None for a row that has no ID yet)."""

    tab: str
    row_id: int | None
    row: int


@dataclass(frozen=True)
class Forgetting:
    found: tuple[Found, ...]
    changes: tuple[SetByKey, ...]
    log: tuple[LogEntry, ...]


def _matches(raw: object, parsed: str | None, address: str | None) -> bool:
    if address is None:
        return False
    typed = cells.text(raw).casefold()
    same = parsed is not None and cells.email_key(parsed) == cells.email_key(address)
    return same or (bool(typed) and typed == address.casefold())


def forget(
    records: Records, today: dt.date, *, email: str | None = None, row_id: int | None = None
) -> Forgetting:
    """Everything that erases the person with `email` (or `row_id`) from the workbook."""
    address = None
    if email is not None:
        understood = cells.parse_email(email)
        address = understood if isinstance(understood, str) else cells.text(email).casefold()
    found: list[Found] = []
    keys: dict[str, set[tuple[str, str]]] = {"newcomers": set(), "followups": set()}
    for newcomer in records.newcomers:
        raw_id = cells.parse_id(newcomer.record["id"])
        by_id = row_id is not None and raw_id == row_id
        if by_id or _matches(newcomer.record["email"], newcomer.email, address):
            found.append(
                Found("newcomers", raw_id if isinstance(raw_id, int) else None, newcomer.row)
            )
            if by_id:
                keys["newcomers"].add(("id", str(row_id)))
            if not cells.is_blank(newcomer.record["email"]):
                keys["newcomers"].add(("email", cells.text(newcomer.record["email"])))
    for followup in records.followups:
        raw_id = cells.parse_id(followup.record["id"])
        by_id = row_id is not None and raw_id == row_id
        if by_id or _matches(followup.record["email"], followup.email, address):
            found.append(
                Found("followups", raw_id if isinstance(raw_id, int) else None, followup.row)
            )
            if by_id:
                keys["followups"].add(("id", str(row_id)))
            if not cells.is_blank(followup.record["email"]):
                keys["followups"].add(("email", cells.text(followup.record["email"])))

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
    return Forgetting(tuple(found), tuple(changes), log)
