"""The workbook's rows as the routine understands them. Pure: no I/O, no clock.

`read_records` reads every tab once: newcomers (Intresserade), follow-ups (Uppföljning),
groups, the upcoming trainings and the local texts. It hands out IDs to new rows (never reused:
the next one is above every ID the workbook, Logg included, has ever held), fills a blank
`Registrerad` with the day the row was first seen, and marks duplicates (the same address on a
second row, now or earlier). A bad cell never raises: it becomes a problem on its row.

`steps.after.records_after` gives the same records with a run's writes applied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.plan import Flag, Group, Person, Shared, Training
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AssignId, Change, SetCells, fingerprint_of
from medlemsrutiner.sheet.logbook import Action, LogEntry, first_logged
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS, Tables
from medlemsrutiner.sheet.stamps import DUE, Stamp, read_stamp
from medlemsrutiner.sheet.words import (
    LANGUAGE_WORDS,
    LANGUAGES,
    Alternative,
    Outcome,
    Result,
    alternative_words,
    outcome_words,
    result_words,
)
from medlemsrutiner.steps.district import (
    last_training_before,
    read_groups,
    read_texts,
    read_trainings,
    rows_of,
)

Record = Mapping[str, Any]
"""A row by internal column name (absent optional columns hold None)."""


# --- Newcomers -------------------------------------------------------------------------------


class Referral(enum.Enum):
    """What `Hänvisad till` says."""

    NONE = "none"
    GROUP = "group"
    ALTERNATIVE = "alternative"
    OUTCOME = "outcome"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Newcomer:
    """One row of Intresserade as the routine understands it."""

    row: int
    record: Record
    id: int | None
    registered: dt.date | None
    registered_blank: bool
    person: Person
    email: str | None
    welcome: Stamp
    introduction: Stamp
    call: dt.date | None
    referral: Referral
    group: Group | None = None
    alternative: Alternative | None = None
    outcome: Outcome | None = None
    referral_text: str = ""
    suggestion: str | None = None
    """For an unknown `Hänvisad till`: the closest group or word, to suggest."""
    problems: tuple[str, ...] = ()
    """Cells a person must correct (Swedish, never quoting the cell)."""
    notes: tuple[str, ...] = ()
    """Cells worth a look that do not stop anything."""
    duplicate_of: int | None = None
    id_problem: str | None = None
    personal_blank: bool = False
    new: bool = False
    """The ID was handed out by this run (the row had none)."""
    consent: dt.date | None = None
    """The day the person agreed that their details may be kept (`Samtycke`), if readable."""
    first_seen: dt.date | None = None
    """The day Logg first mentions the row's ID: when the scripts first saw it."""
    training: dt.date | None = None
    """When the person attended basic training (`Utbildning`)."""

    @property
    def usable(self) -> bool:
        """Has an ID the run can address its writes to."""
        return self.id is not None and self.id_problem is None


def parse_newcomer(
    row: int, record: Record, today: dt.date, settings: Settings, groups: Mapping[str, Group]
) -> Newcomer:
    """One row of Intresserade; every unreadable cell becomes a problem or a note."""
    problems: list[str] = []
    notes: list[str] = []

    parsed_id = cells.parse_id(record["id"])
    id_problem = parsed_id.problem if isinstance(parsed_id, cells.Bad) else None

    registered_raw = past_date(record["registered"], today)
    registered: dt.date | None
    if isinstance(registered_raw, cells.Bad):
        problems.append(f"Rätta Registrerad: {registered_raw.problem}.")
        registered = None
    else:
        registered = registered_raw or today

    email = cells.parse_email(record["email"])
    if isinstance(email, cells.Bad):
        problems.append(f"Rätta E-post: {email.problem}.")
        email = None

    phone = cells.format_phone(record["phone"])
    if isinstance(phone, cells.Bad):
        notes.append(f"Kontrollera Telefon: {phone.problem}.")
        phone = cells.text(record["phone"])

    language = cells.parse_word(record["language"], LANGUAGE_WORDS)
    if isinstance(language, cells.Bad):
        fallback = {"sv": "svenska", "en": "engelska"}[settings.language]
        problems.append(f"Rätta Språk: skriv sv eller en ({fallback} används tills dess).")
        language = settings.language
    language = language or settings.language
    if language not in LANGUAGES:
        language = "sv"

    call = past_date(record["call"], today)
    if isinstance(call, cells.Bad):
        problems.append(f"Rätta Samtal: {call.problem}.")
        call = None

    consent = read_consent(record["consent"], today, problems)

    training = past_date(record["training"], today)
    if isinstance(training, cells.Bad):
        notes.append(f"Kontrollera Utbildning: {training.problem}.")
        training = None

    newcomer = Newcomer(
        row=row,
        record=record,
        id=parsed_id if isinstance(parsed_id, int) else None,
        registered=registered,
        registered_blank=registered_raw is None,
        person=Person(
            name=cells.text(record["name"]),
            email=email or "",
            phone=phone or "",
            town=cells.text(record["town"]),
            interests=cells.text(record["interests"]),
            language=language,
        ),
        email=email,
        welcome=read_stamp(record["welcome"], today),
        introduction=read_stamp(record["introduction"], today),
        call=call,
        referral=Referral.NONE,
        problems=tuple(problems),
        notes=tuple(notes),
        id_problem=id_problem,
        personal_blank=all(cells.is_blank(record[name]) for name in NEWCOMERS.personal_columns),
        consent=consent,
        training=training,
    )
    return _with_referral(newcomer, record["referred_to"], groups)


FUTURE_MARGIN = dt.timedelta(days=31)
"""How far ahead of today a date people type may lie: a date without a year is read as at most
a month ahead (`cells.parse_date`), so anything later is a typo (`2062` for `2026`)."""


def past_date(value: Any, today: dt.date) -> dt.date | cells.Bad | None:
    """A date of something that has happened (a registration, a call): never far ahead."""
    parsed = cells.parse_date(value, today)
    if isinstance(parsed, dt.date) and parsed > today + FUTURE_MARGIN:
        return cells.Bad("datumet ligger långt fram i tiden")
    return parsed


def read_consent(value: Any, today: dt.date, problems: list[str]) -> dt.date | None:
    """`Samtycke`: a date on or before today, or None (a problem is added when unreadable)."""
    parsed = cells.parse_date(value, today)
    if isinstance(parsed, dt.date) and parsed > today:
        parsed = cells.Bad("datumet ligger i framtiden")
    if isinstance(parsed, cells.Bad):
        problems.append(
            f"Rätta Samtycke: {parsed.problem} (tills dess gäller inget samtycke och "
            "uppgifterna raderas som vanligt)."
        )
        return None
    return parsed


def _with_referral(newcomer: Newcomer, value: Any, groups: Mapping[str, Group]) -> Newcomer:
    if cells.is_blank(value):
        return newcomer
    word = cells.normalise_word(value)
    text = cells.text(value)
    if word in groups:
        return dataclasses.replace(
            newcomer, referral=Referral.GROUP, group=groups[word], referral_text=text
        )
    if word in alternative_words():
        return dataclasses.replace(
            newcomer,
            referral=Referral.ALTERNATIVE,
            alternative=alternative_words()[word],
            referral_text=text,
        )
    if word in outcome_words():
        return dataclasses.replace(
            newcomer, referral=Referral.OUTCOME, outcome=outcome_words()[word], referral_text=text
        )
    choices = {cells.normalise_word(g.name): g.name for g in groups.values() if g.active}
    choices.update({a.value.casefold(): a.value for a in Alternative})
    choices.update({o.value.casefold(): o.value for o in Outcome})
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return dataclasses.replace(
        newcomer,
        referral=Referral.UNKNOWN,
        referral_text=text,
        suggestion=choices[close[0]] if close else None,
    )


# --- Follow-ups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """One row of Uppföljning as the routine understands it."""

    row: int
    record: Record
    id: int | None
    email: str | None
    referred_to: str
    referred: dt.date | None
    follow_up_from: dt.date | None
    follow_up_by: dt.date | None
    followed_up: dt.date | None
    result: str
    """The canonical `Resultat` word, or "" when blank or unreadable."""
    erased: dt.date | None
    problems: tuple[str, ...]
    outcome: Result | None = None
    person: Person | None = None
    """The person as letters see them; None once the personal data is erased."""
    reengagement: Stamp = DUE
    consent: dt.date | None = None
    personal_blank: bool = False
    first_seen: dt.date | None = None


def parse_followup(row: int, record: Record, today: dt.date, settings: Settings) -> FollowUp:
    """One row of Uppföljning; every unreadable cell becomes a problem."""
    problems: list[str] = []

    def date_of(name: str, header: str, past: bool = False) -> dt.date | None:
        parsed = past_date(record[name], today) if past else cells.parse_date(record[name], today)
        if isinstance(parsed, cells.Bad):
            problems.append(f"Rätta {header}: {parsed.problem}.")
            return None
        return parsed

    result = cells.parse_word(record["result"], result_words())
    if isinstance(result, cells.Bad):
        problems.append("Rätta Resultat: skriv Aktiv, Inte aktiv eller Ej nådd.")
        result = None
    erased = date_of("erased", "Raderad", past=True)
    if (
        result is not None
        and result.followed_up
        and cells.is_blank(record["followed_up"])
        and erased is None
    ):
        problems.append(
            "Fyll i Uppföljning: datumet för samtalet (uppgifterna raderas en vecka efter)."
        )
    email = cells.parse_email(record["email"])
    parsed_id = cells.parse_id(record["id"])
    language = cells.parse_word(record["language"], LANGUAGE_WORDS)
    if not isinstance(language, str) or language not in LANGUAGES:
        language = settings.language
    personal_blank = all(cells.is_blank(record[name]) for name in FOLLOWUPS.personal_columns)
    phone = cells.format_phone(record["phone"])
    person = Person(
        name=cells.text(record["name"]),
        email=email if isinstance(email, str) else "",
        phone=phone if isinstance(phone, str) else cells.text(record["phone"]),
        town="",
        interests="",
        language=language,
    )
    return FollowUp(
        row=row,
        record=record,
        id=parsed_id if isinstance(parsed_id, int) else None,
        email=email if isinstance(email, str) else None,
        referred_to=cells.text(record["referred_to"]),
        referred=date_of("referred", "Hänvisad", past=True),
        follow_up_from=date_of("follow_up_from", "Följ upp från"),
        follow_up_by=date_of("follow_up_by", "Följ upp senast"),
        followed_up=date_of("followed_up", "Uppföljning", past=True),
        result=result.value if result is not None else "",
        erased=erased,
        problems=tuple(problems),
        outcome=result,
        person=None if personal_blank else person,
        reengagement=read_stamp(record["reengagement"], today),
        consent=read_consent(record["consent"], today, problems),
        personal_blank=personal_blank,
    )


# --- All of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """Every tab of one read, understood; and what reading it decided (IDs, first-seen dates)."""

    newcomers: tuple[Newcomer, ...]
    followups: tuple[FollowUp, ...]
    groups: Mapping[str, Group]
    shared: Shared
    flags: tuple[Flag, ...]
    """Rows of Grupper and Utbildningar that cannot be used, and rows without a usable ID."""
    first_writes: tuple[Change, ...]
    """IDs for new rows and first-seen dates for a blank Registrerad."""
    log: tuple[LogEntry, ...]
    present: Mapping[str, frozenset[str]]
    """The columns each tab really has (by tab key)."""
    upcoming: tuple[Training, ...] = ()
    """Every training from today on, soonest first (the letters show the first few)."""
    last_training: dt.date | None = None
    """The latest training before today."""
    group_rows: tuple[tuple[int, Record], ...] = ()
    """Grupper's rows as read (for the state after the run's writes)."""

    @property
    def in_followups(self) -> frozenset[int]:
        """IDs that have a row in Uppföljning."""
        return frozenset(f.id for f in self.followups if f.id is not None)


def _known_ids(tables: Tables) -> list[int]:
    found: list[int] = []
    for key in ("newcomers", "followups", "log"):
        for value in tables[key].frame["id"]:
            parsed = cells.parse_id(value)
            if isinstance(parsed, int):
                found.append(parsed)
    return found


def read_records(tables: Tables, today: dt.date, settings: Settings) -> Records:
    """Every tab, understood, with IDs handed out and duplicates marked."""
    groups, flags = read_groups(tables["groups"], today)
    upcoming, training_flags = read_trainings(tables["trainings"], today, 10_000)
    flags.extend(training_flags)
    horizon = cells.later(today, days=settings.routine.trainings_within_days)
    trainings = tuple(t for t in upcoming if t.date <= horizon)[
        : settings.routine.trainings_in_letters
    ]
    texts, texts_en = read_texts(tables["texts"])
    newcomers = [
        parse_newcomer(row, record, today, settings, groups)
        for row, record in rows_of(tables["newcomers"])
    ]
    followups = [
        parse_followup(row, record, today, settings) for row, record in rows_of(tables["followups"])
    ]

    # IDs: never reused, so the next one is above every ID the workbook (Logg included) knows.
    next_id = max(_known_ids(tables), default=0) + 1
    first_writes: list[Change] = []
    log: list[LogEntry] = []
    counts: dict[int, int] = {}
    for newcomer in newcomers:
        if newcomer.id is not None:
            counts[newcomer.id] = counts.get(newcomer.id, 0) + 1
    for index, newcomer in enumerate(newcomers):
        if newcomer.id_problem is not None:
            continue
        if newcomer.id is not None and counts[newcomer.id] > 1:
            newcomers[index] = dataclasses.replace(
                newcomer, id_problem=f"ID {newcomer.id} finns på flera rader"
            )
            continue
        fill = (("registered", today),) if newcomer.registered_blank else ()
        if newcomer.id is None:
            newcomers[index] = dataclasses.replace(newcomer, id=next_id, new=True)
            first_writes.append(
                AssignId("newcomers", fingerprint_of(NEWCOMERS, newcomer.record), next_id, fill)
            )
            log.append(LogEntry(Action.NEW_ROW, next_id, "ID tilldelat"))
            next_id += 1
        elif fill:
            first_writes.append(SetCells("newcomers", newcomer.id, fill))
    flags.extend(
        Flag(
            "newcomers",
            newcomer.row,
            None,
            f"Intresserade rad {newcomer.row}: {newcomer.id_problem}; raden hoppas över. "
            "Töm ID-cellen i kopian så får den ett nytt ID.",
        )
        for newcomer in newcomers
        if newcomer.id_problem is not None
    )
    seen = first_logged(tables["log"])
    newcomers = [
        dataclasses.replace(n, first_seen=seen.get(n.id)) if n.id in seen else n for n in newcomers
    ]
    followups = [
        dataclasses.replace(f, first_seen=seen.get(f.id)) if f.id in seen else f for f in followups
    ]
    return Records(
        newcomers=mark_duplicates(newcomers, followups),
        followups=tuple(followups),
        groups=groups,
        shared=Shared(
            texts=texts,
            trainings=trainings,
            groups=tuple(sorted((g for g in groups.values() if g.active), key=lambda g: g.name)),
            texts_en=texts_en,
        ),
        flags=tuple(flags),
        first_writes=tuple(first_writes),
        log=tuple(log),
        present={key: table.present for key, table in tables.by_key.items()},
        upcoming=upcoming,
        last_training=last_training_before(tables["trainings"], today),
        group_rows=tuple(rows_of(tables["groups"])),
    )


def mark_duplicates(
    newcomers: Sequence[Newcomer], followups: Sequence[FollowUp]
) -> tuple[Newcomer, ...]:
    """The same address on a second row: the row seen first (lowest ID) keeps it."""
    first: dict[str, int] = {}
    for followup in followups:
        if followup.email and followup.id is not None and not followup.erased:
            key = cells.email_key(followup.email)
            first[key] = min(first.get(key, followup.id), followup.id)
    owners: dict[int, int | None] = {}
    for newcomer in sorted((n for n in newcomers if n.usable and n.email), key=lambda n: n.id or 0):
        assert newcomer.email is not None and newcomer.id is not None
        owner = first.setdefault(cells.email_key(newcomer.email), newcomer.id)
        owners[id(newcomer)] = owner if owner != newcomer.id else None
    return tuple(
        dataclasses.replace(n, duplicate_of=owners.get(id(n)))
        if owners.get(id(n)) != n.duplicate_of
        else n
        for n in newcomers
    )
