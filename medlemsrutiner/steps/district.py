"""The district's own information, as the letters use it: groups, upcoming trainings, local
texts. Pure: no I/O, no clock.

A row that cannot be used (a group without a name, a training with an unreadable date) becomes
a flag; the rest are read leniently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from medlemsrutiner.plan import Flag, Group, Training
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import Table
from medlemsrutiner.sheet.words import TEXT_KEYS


def rows_of(table: Table) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row number, record) for every non-blank row of `table`."""
    records = cast(list[dict[str, Any]], table.frame.to_dict("records"))
    return [(int(row), record) for row, record in zip(table.frame.index, records, strict=True)]


def read_groups(table: Table) -> tuple[dict[str, Group], list[Flag]]:
    """Groups by normalised name; flags for rows that cannot be used."""
    groups: dict[str, Group] = {}
    flags: list[Flag] = []
    for row, record in rows_of(table):
        name = cells.text(record["group"])
        if not name:
            continue
        email = cells.parse_email(record["email"])
        active = cells.parse_yes_no(record["active"])
        if isinstance(active, cells.Bad):
            flags.append(Flag("groups", row, None, f"Grupper rad {row}, Aktiv: {active.problem}."))
            active = True
        if isinstance(email, cells.Bad):
            flags.append(Flag("groups", row, None, f"Grupper rad {row}, E-post: {email.problem}."))
        phone = cells.format_phone(record["phone"])
        key = cells.normalise_word(name)
        if key in groups:
            flags.append(Flag("groups", row, None, f"Gruppen '{name}' finns två gånger i Grupper."))
            continue
        groups[key] = Group(
            name=name,
            contact=cells.text(record["contact"]),
            email=email if isinstance(email, str) else None,
            phone=phone if isinstance(phone, str) else cells.text(record["phone"]),
            meets=cells.text(record["meets"]),
            works_on=cells.text(record["works_on"]),
            active=active is not False,
            row=row,
        )
    return groups, flags


def read_trainings(
    table: Table, today: dt.date, limit: int
) -> tuple[tuple[Training, ...], list[Flag]]:
    """The next `limit` trainings on or after `today`, soonest first."""
    upcoming: list[Training] = []
    flags: list[Flag] = []
    for row, record in rows_of(table):
        title = cells.text(record["title"])
        day = cells.parse_date(record["date"], today)
        if isinstance(day, cells.Bad):
            flags.append(
                Flag("trainings", row, None, f"Utbildningar rad {row}, Datum: {day.problem}.")
            )
            continue
        if day is None or not title or day < today:
            continue
        upcoming.append(
            Training(
                date=day,
                time=cells.text(record["time"]),
                title=title,
                place=cells.text(record["place"]),
                signup=cells.text(record["signup"]),
                description=cells.text(record["description"]),
            )
        )
    upcoming.sort(key=lambda training: (training.date, training.time))
    return tuple(upcoming[:limit]), flags


def read_texts(table: Table) -> dict[str, str]:
    """Texter as key -> text; every key the templates use is present (empty if not set)."""
    texts = dict.fromkeys(TEXT_KEYS, "")
    for _, record in rows_of(table):
        key = cells.normalise_word(record["key"])
        if key:
            value = record["text"]
            texts[key] = "" if cells.is_blank(value) else str(value).strip()
    return texts
