"""The district's own information, as the letters use it: groups, upcoming trainings, local
texts. Pure: no I/O, no clock.

A row that cannot be used (a group without a name, a training with an unreadable date) becomes
a flag; the rest are read leniently.
"""

from __future__ import annotations

import datetime as dt

from medlemsrutiner.plan import Flag, Group, Training
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import GROUPS, Record, Table
from medlemsrutiner.sheet.stamps import read_stamp_cells
from medlemsrutiner.sheet.words import TEXT_KEYS


def rows_of(table: Table) -> tuple[tuple[int, Record], ...]:
    """(sheet row number, record) for every non-blank row of `table`."""
    return table.rows


def parse_group(row: int, record: Record, today: dt.date) -> tuple[Group | None, list[Flag]]:
    """One row of Grupper (None for a row without a name), and flags for cells it cannot use."""
    flags: list[Flag] = []
    name = cells.text(record["group"])
    if not name:
        return None, flags
    email = cells.parse_email(record["email"])
    active = cells.parse_yes_no(record["active"])
    if isinstance(active, cells.Bad):
        flags.append(Flag("groups", row, None, f"Grupper rad {row}, Aktiv: {active.problem}."))
        active = True
    if isinstance(email, cells.Bad):
        flags.append(Flag("groups", row, None, f"Grupper rad {row}, E-post: {email.problem}."))
    confirmed = cells.parse_date(record["confirmed"], today)
    if isinstance(confirmed, cells.Bad):
        flags.append(
            Flag("groups", row, None, f"Grupper rad {row}, Bekräftad: {confirmed.problem}.")
        )
        confirmed = None
    phone = cells.format_phone(record["phone"])
    group = Group(
        name=name,
        contact=cells.text(record["contact"]),
        email=email if isinstance(email, str) else None,
        phone=phone if isinstance(phone, str) else cells.text(record["phone"]),
        meets=cells.text(record["meets"]),
        works_on=cells.text(record["works_on"]),
        active=active is not False,
        row=row,
        confirmed=confirmed,
        stamps=read_stamp_cells(record, GROUPS.key, today),
        status_text=cells.text(record["status"]),
    )
    return group, flags


def read_groups(table: Table, today: dt.date) -> tuple[dict[str, Group], list[Flag]]:
    """Groups by normalised name; flags for rows that cannot be used."""
    groups: dict[str, Group] = {}
    flags: list[Flag] = []
    for row, record in rows_of(table):
        group, group_flags = parse_group(row, record, today)
        flags.extend(group_flags)
        if group is None:
            continue
        key = cells.normalise_word(group.name)
        if key in groups:
            flags.append(
                Flag("groups", row, None, f"Gruppen '{group.name}' finns två gånger i Grupper.")
            )
            continue
        groups[key] = group
    return groups, flags


def last_training_before(table: Table, today: dt.date) -> dt.date | None:
    """The day of the latest training before `today`, if Utbildningar has one."""
    days = [cells.parse_date(record["date"], today) for _, record in rows_of(table)]
    past = [day for day in days if isinstance(day, dt.date) and day < today]
    return max(past, default=None)


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
                title_en=cells.text(record["title_en"]),
                description_en=cells.text(record["description_en"]),
            )
        )
    upcoming.sort(key=lambda training: (training.date, training.time))
    return tuple(upcoming[:limit]), flags


def read_texts(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """Texter as key -> text, in Swedish (`Text`) and in English (`Text (en)`); every key the
    templates use is present in both (empty if not set)."""
    texts, texts_en = dict.fromkeys(TEXT_KEYS, ""), dict.fromkeys(TEXT_KEYS, "")
    for _, record in rows_of(table):
        key = cells.normalise_word(record["key"])
        if key:
            for found, column in ((texts, "text"), (texts_en, "text_en")):
                value = record[column]
                found[key] = "" if cells.is_blank(value) else str(value).strip()
    return texts, texts_en
