"""The district's own information, as the letters use it: groups, upcoming trainings, local
texts. Pure: no I/O, no clock.

A row that cannot be used (a group without a name, a training with an unreadable date) becomes
a flag; the rest are read leniently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from medlemsrutiner.plan import Flag, Group, Training
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import GROUPS, TEXTS, TRAININGS, Record, Table
from medlemsrutiner.sheet.stamps import read_stamp_cells
from medlemsrutiner.sheet.times import parse_time
from medlemsrutiner.sheet.words import LANGUAGE_NEUTRAL_TEXT_KEYS, TEXT_KEYS
from medlemsrutiner.steps import formulas


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
    if isinstance(confirmed, dt.date) and confirmed > today:
        # Bekräftad records the past (`7/12` typed on 6 December is tomorrow: a slip).
        confirmed = cells.Bad("datumet ligger i framtiden")
    if isinstance(confirmed, cells.Bad):
        flags.append(
            Flag("groups", row, None, f"Grupper rad {row}, Bekräftad: {confirmed.problem}.")
        )
        confirmed = None
    phone = cells.format_phone(record["phone"])
    flags.extend(formulas.row_flags(GROUPS, row, record))
    group = Group(
        name=name,
        contact=cells.text(record["contact"]),
        email=email if isinstance(email, str) else None,
        phone=phone if isinstance(phone, str) else cells.text(record["phone"]),
        meets=cells.multiline_text(record["meets"]),
        works_on=cells.multiline_text(record["works_on"]),
        active=active is not False,
        row=row,
        confirmed=confirmed,
        stamps=read_stamp_cells(record, GROUPS.key, today),
        status_text=cells.text(record["status"]),
        meets_en=cells.multiline_text(record["meets_en"]),
        works_on_en=cells.multiline_text(record["works_on_en"]),
        formulas=formulas.headers(GROUPS, record),
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


def training_date(record: Record, today: dt.date) -> dt.date | cells.Bad | None:
    """Utbildningar's Datum: a date to come, so a date typed without a year is its next
    occurrence (`cells.parse_date(coming=True)`: `14/1` typed in December is next January)."""
    return cells.parse_date(record["date"], today, coming=True)


def training_time(record: Record) -> str:
    """The training's time as typed: `Tid`, or when that is blank the time typed after the date
    in `Datum` (`20/2 18.00`, `14 jan kl 18`; a date-time cell's time), so a time typed there
    reaches the letters and the invitation until the run moves it into `Tid`."""
    typed = cells.text(record["time"])
    if typed:
        return typed
    after = cells.after_date(record["date"])
    return after if parse_time(after) is not None else ""


def date_tail(record: Record, has_time: bool) -> tuple[str, str | None]:
    """What `Datum` holds after its date, and what writing the date back as a real date does
    with it (`typed_dates`): `(text, None)` — `text` moves into a blank `Tid` in the same
    write ("" when nothing needs moving: no text after the date, or the very time `Tid` says)
    — or `("", problem)`: the cell stays as typed, never cut short, and `problem` says why (the
    row's flag). `has_time`: the tab has a `Tid` column."""
    after = cells.after_date(record["date"]) if isinstance(record["date"], str) else ""
    if not after:
        return "", None
    clock = parse_time(after)
    if clock is None:
        return "", (
            "efter datumet står något som inte är en tid; flytta det till Beskrivning, så att "
            "bara datumet står kvar"
        )
    typed = cells.text(record["time"])
    if not typed:
        if has_time:
            return after, None
        return "", (
            "tiden efter datumet har ingen kolumn Tid att flyttas till; kör init_workbook.py "
            "(den lägger till kolumnen)"
        )
    said = parse_time(typed)
    if said is not None and not clock.rest and (said.start, said.end) == (clock.start, clock.end):
        return "", None
    return "", (
        "både Datum och Tid har en tid, och breven visar den i Tid; ta bort tiden efter "
        "datumet (eller flytta den till Tid)"
    )


def passed_without_year(record: Record, day: dt.date, today: dt.date) -> bool:
    """True for a training typed without a year whose date (as read) has passed: it was held
    days ago, or it is a slip; either way only a person can say which year."""
    return day < today and cells.lacks_year(record["date"])


def last_training_before(table: Table, today: dt.date) -> dt.date | None:
    """The day of the latest training before `today`, if Utbildningar has one."""
    days = [training_date(record, today) for _, record in rows_of(table)]
    past = [day for day in days if isinstance(day, dt.date) and day < today]
    return max(past, default=None)


def read_trainings(
    table: Table, today: dt.date, limit: int
) -> tuple[tuple[Training, ...], list[Flag]]:
    """The next `limit` trainings on or after `today`, soonest first; a flag for each row whose
    date cannot be read, and for each date typed without a year that has passed."""
    upcoming: list[Training] = []
    flags: list[Flag] = []
    for row, record in rows_of(table):
        title = cells.text(record["title"])
        day = training_date(record, today)
        if isinstance(day, cells.Bad):
            flags.append(
                Flag("trainings", row, None, f"Utbildningar rad {row}, Datum: {day.problem}.")
            )
            continue
        if day is not None and passed_without_year(record, day, today):
            flags.append(
                Flag(
                    "trainings",
                    row,
                    None,
                    f"Utbildningar rad {row}, Datum: datumet saknar år och har redan varit "
                    f"(läses som {day.isoformat()}). Skriv datumet med år, t.ex. "
                    f"{day.isoformat()}, eller ta bort raden: utan år läses det som nästa "
                    f"års datum från {cells.later(day, days=32).isoformat()}.",
                )
            )
        _, kept = date_tail(record, "time" in table.present)
        if kept is not None and day is not None and day >= today:
            flags.append(Flag("trainings", row, None, f"Utbildningar rad {row}, Datum: {kept}."))
        if day is None or not title or day < today:
            continue
        held = formulas.row_flags(TRAININGS, row, record)
        if held:
            flags.extend(held)
            continue
        upcoming.append(
            Training(
                date=day,
                time=training_time(record),
                title=title,
                place=cells.text(record["place"]),
                signup=cells.text(record["signup"]),
                description=cells.multiline_text(record["description"]),
                title_en=cells.text(record["title_en"]),
                description_en=cells.multiline_text(record["description_en"]),
            )
        )
    upcoming.sort(key=_chronological)
    return tuple(upcoming[:limit]), flags


def _chronological(training: Training) -> tuple[dt.date, dt.time, str]:
    """A training's place in time: its day, then its start (`10-12` before `18.00`; a time
    that cannot be read after those that can), then its time as typed."""
    clock = parse_time(training.time)
    return training.date, clock.start if clock is not None else dt.time.max, training.time


def read_texts(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """Texter as key -> text, in Swedish (`Text`) and in English (`Text (en)`); every key the
    templates use is present in both (empty if not set)."""
    texts, texts_en = dict.fromkeys(TEXT_KEYS, ""), dict.fromkeys(TEXT_KEYS, "")
    for _, typed in rows_of(table):
        record = formulas.without_formulas(TEXTS, typed)
        key = cells.normalise_word(record["key"])
        if key:
            for found, column in ((texts, "text"), (texts_en, "text_en")):
                found[key] = cells.multiline_text(record[column])
    return texts, texts_en


EnglishTab = Literal["texts", "groups", "trainings"]


@dataclass(frozen=True)
class MissingEnglish:
    """Coordinator's texts that letters show and that exist only in Swedish, so English letters
    leave them out: in one tab, the headers of the blank English columns, and the rows (Texter
    keys, groups, trainings as date and title) where those columns are blank."""

    tab: EnglishTab
    columns: tuple[str, ...]
    items: tuple[str, ...]


def missing_english(
    texts: Mapping[str, str],
    texts_en: Mapping[str, str],
    groups: Iterable[Group],
    trainings: Iterable[Training],
) -> tuple[MissingEnglish, ...]:
    """What English letters leave out for want of an English text: Texter keys with a `Text`
    and no `Text (en)` (a link reads the same in both), the groups' `Träffas` and `Arbetar
    med`, and the trainings' `Titel` and `Beskrivning` — of the groups and trainings given
    (those the letters show). Rows missing the same columns come as one entry."""
    text_en = TEXTS.column("text_en").header
    meets_en, works_on_en = GROUPS.column("meets_en").header, GROUPS.column("works_on_en").header
    title_en = TRAININGS.column("title_en").header
    description_en = TRAININGS.column("description_en").header
    # (tab, row, {English header: (Swedish text, English text)})
    rows: list[tuple[EnglishTab, str, dict[str, tuple[str, str]]]] = [
        ("texts", key, {text_en: (texts.get(key, ""), texts_en.get(key, ""))})
        for key in TEXT_KEYS
        if key not in LANGUAGE_NEUTRAL_TEXT_KEYS
    ]
    rows += [
        (
            "groups",
            g.name,
            {meets_en: (g.meets, g.meets_en), works_on_en: (g.works_on, g.works_on_en)},
        )
        for g in groups
    ]
    rows += [
        (
            "trainings",
            f"{t.date.isoformat()} {t.title}",
            {title_en: (t.title, t.title_en), description_en: (t.description, t.description_en)},
        )
        for t in trainings
    ]
    found: dict[tuple[EnglishTab, tuple[str, ...]], list[str]] = {}
    for tab, item, columns in rows:
        blank = tuple(
            header for header, (swedish, english) in columns.items() if swedish and not english
        )
        if blank:
            found.setdefault((tab, blank), []).append(item)
    return tuple(MissingEnglish(tab, blank, tuple(items)) for (tab, blank), items in found.items())
