"""The routine as rules. PURE: (tables, today, config) -> Plan; no I/O, no clock.

`plan_day` decides what one daily run does: IDs for new rows, the first-seen date of rows
without `Registrerad`, which letters to send (each a `Delivery` guarded by its own stamp cell),
which personal data to erase, and which rows to flag. `settle` turns the outcome of the sends
into stamp writes and follow-on changes; `status_changes` computes the Status text of every row
from the state of the workbook. None of them touches the input DataFrames.

Due dates always count from recorded dates (Registrerad, Samtal, the referral date), never from
"today", so one late step does not shift the ones after it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from medlemsrutiner import cells
from medlemsrutiner.changes import AppendRow, AssignId, Change, SetCells, Values, fingerprint_of
from medlemsrutiner.config import Config
from medlemsrutiner.schema import (
    ALTERNATIVE_LINKS,
    FOLLOWUPS,
    LANGUAGES,
    NEWCOMERS,
    TEXT_KEYS,
    Alternative,
    Outcome,
    Table,
    Tables,
    alternative_words,
    outcome_words,
    result_words,
)

LetterKind = Literal["welcome", "introduction_newcomer", "introduction_group", "alternatives"]
LETTER_KINDS: tuple[LetterKind, ...] = (
    "welcome",
    "introduction_newcomer",
    "introduction_group",
    "alternatives",
)

SENDING = "Skickar…"
"""Start of the marker written to a stamp cell before its letter is handed to the transport."""


# --- Stamps ----------------------------------------------------------------------------------


class StampState(enum.Enum):
    DUE = "due"
    SENDING = "sending"
    SENT = "sent"
    PARTIAL = "partial"
    HELD = "held"


@dataclass(frozen=True)
class Stamp:
    """A stamp cell read back: blank (due), a date (sent), our marker, or any other text (held).

    Held covers our own error texts and anything a person typed (`skickat för hand`): such a
    cell is never overwritten and its letter is never sent until a person clears the cell.
    """

    state: StampState
    date: dt.date | None = None
    text: str = ""
    remaining: frozenset[str] = frozenset()
    """For PARTIAL: the letter kinds still to send (the others went out)."""


PARTIAL = "Delvis skickat"
"""Start of a stamp whose delivery went out in part: `Delvis skickat 2026-11-24: kvar till
gruppens kontaktperson`; followed by ` – fel: …` when the rest failed for good."""


def read_stamp(value: Any, today: dt.date) -> Stamp:
    if cells.is_blank(value):
        return Stamp(StampState.DUE)
    raw = cells.text(value)
    if raw.casefold().startswith(SENDING.casefold().rstrip("…")):
        return Stamp(StampState.SENDING, text=raw)
    if raw.startswith(PARTIAL):
        remaining = frozenset(
            kind
            for kind in ("introduction_newcomer", "introduction_group")
            if f"kvar till {_PART_NAMES[kind]}" in raw
        )
        if remaining and " – fel: " not in raw:
            return Stamp(StampState.PARTIAL, text=raw, remaining=remaining)
        return Stamp(StampState.HELD, text=raw, remaining=remaining)
    parsed = cells.parse_date(value, today)
    if isinstance(parsed, dt.date):
        return Stamp(StampState.SENT, date=parsed, text=raw)
    return Stamp(StampState.HELD, text=raw)


def sending_marker(now: str) -> str:
    """The marker text, e.g. `Skickar… 2026-11-24 07:00`."""
    return f"{SENDING} {now}"


# --- What the plan is made of ----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The newcomer as the letters see them (personal data: never logged)."""

    name: str
    email: str
    phone: str
    town: str
    interests: str
    language: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


@dataclass(frozen=True)
class Group:
    """A row of Grupper, parsed."""

    name: str
    contact: str
    email: str | None
    phone: str
    meets: str
    works_on: str
    active: bool
    row: int


@dataclass(frozen=True)
class Training:
    """An upcoming training from Utbildningar."""

    date: dt.date
    time: str
    title: str
    place: str
    signup: str
    description: str


@dataclass(frozen=True)
class Letter:
    """One email to write: which template, in which language, to whom, about what."""

    kind: LetterKind
    language: str
    to_address: str
    to_name: str
    newcomer: Person
    group: Group | None = None
    chosen: Alternative | None = None


@dataclass(frozen=True)
class Delivery:
    """Letters guarded by one stamp cell: sent together, stamped together.

    `on_sent` are the changes that follow once every letter went out (e.g. the copy to
    Uppföljning and the erasure of the personal cells in Intresserade).
    """

    tab: str
    row_id: int
    stamp: str
    letters: tuple[Letter, ...]
    due_since: dt.date
    action: str
    on_sent: tuple[Change, ...] = ()
    already_sent: tuple[LetterKind, ...] = ()
    """Letters of this delivery that an earlier run sent (the stamp says `Delvis skickat`)."""
    stamp_text: str = ""
    """The stamp cell as read: the marker is written only if it still reads so."""


@dataclass(frozen=True)
class Flag:
    """Something a person should look at. `problem` = a cell is wrong (exit code 1)."""

    tab: str
    row: int
    row_id: int | None
    text: str
    problem: bool = True


@dataclass(frozen=True)
class LogEntry:
    """A line for Logg: what was done, to which ID. Never a name, email or phone."""

    action: str
    row_id: int | None
    detail: str = ""


@dataclass(frozen=True)
class Shared:
    """What every letter of the run shows: the Texter texts and the upcoming trainings."""

    texts: Mapping[str, str]
    trainings: tuple[Training, ...]
    alternatives: tuple[tuple[Alternative, str], ...] = tuple(ALTERNATIVE_LINKS.items())


@dataclass(frozen=True)
class Plan:
    today: dt.date
    first_writes: tuple[Change, ...]
    """IDs and first-seen dates: written together with the sending markers."""
    deliveries: tuple[Delivery, ...]
    changes: tuple[Change, ...]
    """Writes that do not depend on a send (erasures, duplicate stamps)."""
    flags: tuple[Flag, ...]
    log: tuple[LogEntry, ...]
    shared: Shared
    erased: tuple[int, ...] = ()
    """IDs whose personal data this plan erases (not counting the move to Uppföljning)."""

    @property
    def problems(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.problem)


# --- Reading the tables ----------------------------------------------------------------------


class Referral(enum.Enum):
    NONE = "none"
    GROUP = "group"
    ALTERNATIVE = "alternative"
    OUTCOME = "outcome"
    UNKNOWN = "unknown"


@dataclass
class _Newcomer:
    """One row of Intresserade as the rules understand it (internal, mutable while built)."""

    row: int
    record: Mapping[str, Any]
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
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duplicate_of: int | None = None
    id_problem: str | None = None
    personal_blank: bool = False


_LANGUAGE_WORDS: Mapping[str, str] = {
    "sv": "sv", "svenska": "sv", "swedish": "sv", "se": "sv",
    "en": "en", "engelska": "en", "english": "en",
}  # fmt: skip


def _records(table: Table) -> list[tuple[int, dict[str, Any]]]:
    records = cast(list[dict[str, Any]], table.frame.to_dict("records"))
    return [(int(row), record) for row, record in zip(table.frame.index, records, strict=True)]


def read_groups(table: Table) -> tuple[dict[str, Group], list[Flag]]:
    """Groups by normalised name; flags for rows that cannot be used."""
    groups: dict[str, Group] = {}
    flags: list[Flag] = []
    for row, record in _records(table):
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
    for row, record in _records(table):
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
    for _, record in _records(table):
        key = cells.normalise_word(record["key"])
        if key:
            value = record["text"]
            texts[key] = "" if cells.is_blank(value) else str(value).strip()
    return texts


def _parse_newcomer(
    row: int, record: Mapping[str, Any], today: dt.date, config: Config, groups: Mapping[str, Group]
) -> _Newcomer:
    problems: list[str] = []
    notes: list[str] = []

    parsed_id = cells.parse_id(record["id"])
    id_problem = parsed_id.problem if isinstance(parsed_id, cells.Bad) else None

    registered_raw = cells.parse_date(record["registered"], today)
    registered_blank = registered_raw is None
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

    language = cells.parse_word(record["language"], _LANGUAGE_WORDS)
    if isinstance(language, cells.Bad):
        fallback = {"sv": "svenska", "en": "engelska"}[config.language]
        problems.append(f"Rätta Språk: skriv sv eller en ({fallback} används tills dess).")
        language = config.language
    language = language or config.language
    if language not in LANGUAGES:
        language = "sv"

    call = cells.parse_date(record["call"], today)
    if isinstance(call, cells.Bad):
        problems.append(f"Rätta Samtal: {call.problem}.")
        call = None

    newcomer = _Newcomer(
        row=row,
        record=record,
        id=parsed_id if isinstance(parsed_id, int) else None,
        registered=registered,
        registered_blank=registered_blank,
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
        problems=problems,
        notes=notes,
        id_problem=id_problem,
        personal_blank=all(cells.is_blank(record[name]) for name in NEWCOMERS.personal_columns),
    )
    _read_referral(newcomer, record["referred_to"], groups)
    return newcomer


def _read_referral(newcomer: _Newcomer, value: Any, groups: Mapping[str, Group]) -> None:
    if cells.is_blank(value):
        return
    word = cells.normalise_word(value)
    newcomer.referral_text = cells.text(value)
    if word in groups:
        newcomer.referral, newcomer.group = Referral.GROUP, groups[word]
    elif word in alternative_words():
        newcomer.referral = Referral.ALTERNATIVE
        newcomer.alternative = alternative_words()[word]
    elif word in outcome_words():
        newcomer.referral, newcomer.outcome = Referral.OUTCOME, outcome_words()[word]
    else:
        newcomer.referral = Referral.UNKNOWN
        choices = {cells.normalise_word(g.name): g.name for g in groups.values() if g.active}
        choices.update({a.value.casefold(): a.value for a in Alternative})
        choices.update({o.value.casefold(): o.value for o in Outcome})
        close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
        newcomer.suggestion = choices[close[0]] if close else None


@dataclass(frozen=True)
class _Followup:
    row: int
    id: int | None
    email: str | None
    referred_to: str
    referred: dt.date | None
    follow_up_from: dt.date | None
    follow_up_by: dt.date | None
    followed_up: dt.date | None
    result: str
    erased: dt.date | None
    problems: tuple[str, ...]


def _followup_erase_date(followup: _Followup, config: Config) -> dt.date | None:
    """A week (configurable) after the follow-up call, once a result is written."""
    if not followup.result or followup.followed_up is None:
        return None
    return followup.followed_up + dt.timedelta(days=config.routine.erase_after_result_days)


def _parse_followup(row: int, record: Mapping[str, Any], today: dt.date) -> _Followup:
    problems: list[str] = []

    def date_of(name: str, header: str) -> dt.date | None:
        parsed = cells.parse_date(record[name], today)
        if isinstance(parsed, cells.Bad):
            problems.append(f"Rätta {header}: {parsed.problem}.")
            return None
        return parsed

    result = cells.parse_word(record["result"], result_words())
    if isinstance(result, cells.Bad):
        problems.append("Rätta Resultat: skriv Aktiv, Inte aktiv eller Ej nådd.")
    erased = date_of("erased", "Raderad")
    if (
        result is not None
        and not isinstance(result, cells.Bad)
        and cells.is_blank(record["followed_up"])
        and erased is None
    ):
        problems.append(
            "Fyll i Uppföljning: datumet för samtalet (uppgifterna raderas en vecka efter)."
        )
    email = cells.parse_email(record["email"])
    parsed_id = cells.parse_id(record["id"])
    return _Followup(
        row=row,
        id=parsed_id if isinstance(parsed_id, int) else None,
        email=email if isinstance(email, str) else None,
        referred_to=cells.text(record["referred_to"]),
        referred=date_of("referred", "Hänvisad"),
        follow_up_from=date_of("follow_up_from", "Följ upp från"),
        follow_up_by=date_of("follow_up_by", "Följ upp senast"),
        followed_up=date_of("followed_up", "Uppföljning"),
        result=result.value if result is not None and not isinstance(result, cells.Bad) else "",
        erased=erased if isinstance(erased, dt.date) else None,
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class _Analysis:
    newcomers: tuple[_Newcomer, ...]
    followups: tuple[_Followup, ...]
    groups: Mapping[str, Group]
    flags: tuple[Flag, ...]
    shared: Shared
    first_writes: tuple[Change, ...]
    log: tuple[LogEntry, ...]


def _known_ids(tables: Tables) -> list[int]:
    found: list[int] = []
    for key in ("newcomers", "followups", "log"):
        for value in tables[key].frame["id"]:
            parsed = cells.parse_id(value)
            if isinstance(parsed, int):
                found.append(parsed)
    return found


def _analyse(tables: Tables, today: dt.date, config: Config) -> _Analysis:
    groups, flags = read_groups(tables["groups"])
    trainings, training_flags = read_trainings(
        tables["trainings"], today, config.routine.trainings_in_letters
    )
    flags.extend(training_flags)
    shared = Shared(texts=read_texts(tables["texts"]), trainings=trainings)

    newcomers = [
        _parse_newcomer(row, record, today, config, groups)
        for row, record in _records(tables["newcomers"])
    ]
    followups = [
        _parse_followup(row, record, today) for row, record in _records(tables["followups"])
    ]

    # IDs: never reused, so the next one is above every ID the workbook (Logg included) knows.
    next_id = max(_known_ids(tables), default=0) + 1
    first_writes: list[Change] = []
    log: list[LogEntry] = []
    counts: dict[int, int] = {}
    for newcomer in newcomers:
        if newcomer.id is not None:
            counts[newcomer.id] = counts.get(newcomer.id, 0) + 1
    for newcomer in newcomers:
        if newcomer.id_problem is not None:
            continue
        if newcomer.id is not None and counts[newcomer.id] > 1:
            newcomer.id_problem = f"ID {newcomer.id} finns på flera rader"
            continue
        fill = (("registered", today),) if newcomer.registered_blank else ()
        if newcomer.id is None:
            newcomer.id = next_id
            next_id += 1
            first_writes.append(
                AssignId("newcomers", fingerprint_of(NEWCOMERS, newcomer.record), newcomer.id, fill)
            )
            log.append(LogEntry("ny rad", newcomer.id, "ID tilldelat"))
        elif fill:
            first_writes.append(SetCells("newcomers", newcomer.id, fill))
    for newcomer in newcomers:
        if newcomer.id_problem is not None:
            flags.append(
                Flag(
                    "newcomers",
                    newcomer.row,
                    None,
                    f"Intresserade rad {newcomer.row}: {newcomer.id_problem}; raden hoppas över. "
                    "Töm ID-cellen i kopian så får den ett nytt ID.",
                )
            )

    _mark_duplicates(newcomers, followups)
    return _Analysis(
        newcomers=tuple(newcomers),
        followups=tuple(followups),
        groups=groups,
        flags=tuple(flags),
        shared=shared,
        first_writes=tuple(first_writes),
        log=tuple(log),
    )


def _mark_duplicates(newcomers: Sequence[_Newcomer], followups: Sequence[_Followup]) -> None:
    """The same address on a second row: the row seen first (lowest ID) keeps it."""
    first: dict[str, int] = {}
    for followup in followups:
        if followup.email and followup.id is not None and not followup.erased:
            first[followup.email] = min(first.get(followup.email, followup.id), followup.id)
    for newcomer in sorted(
        (n for n in newcomers if n.id is not None and n.id_problem is None and n.email),
        key=lambda n: n.id or 0,
    ):
        assert newcomer.email is not None and newcomer.id is not None
        owner = first.setdefault(newcomer.email, newcomer.id)
        if owner != newcomer.id:
            newcomer.duplicate_of = owner


# --- Deciding what to do ---------------------------------------------------------------------


def _welcome_due(newcomer: _Newcomer, config: Config) -> bool:
    return (
        newcomer.welcome.state is StampState.DUE
        and newcomer.email is not None
        and newcomer.duplicate_of is None
        and newcomer.registered is not None
        and newcomer.registered >= config.start_date
        and newcomer.outcome is not Outcome.DECLINED
    )


def _moved(newcomer: _Newcomer) -> str | None:
    """The group or alternative a person was introduced to (Introduktion has a date), if any."""
    if newcomer.introduction.state is StampState.SENT:
        return _referred_to(newcomer)
    return None


def _closed(newcomer: _Newcomer, today: dt.date, config: Config, in_followups: set[int]) -> bool:
    """Done with intake: introduced and moved to Uppföljning, or erased.

    Decided from lasting state (a dated Introduktion and the ID in Uppföljning), not from the
    personal cells being blank: a note typed into a finished row must not reopen it.
    """
    if _moved(newcomer) is not None:
        return newcomer.id in in_followups or newcomer.personal_blank
    return newcomer.personal_blank and (
        newcomer.referral is Referral.OUTCOME or _stale_erase_date(newcomer, config) <= today
    )


def _stale_erase_date(newcomer: _Newcomer, config: Config) -> dt.date:
    if newcomer.registered is None:
        return dt.date.max
    return newcomer.registered + dt.timedelta(days=config.routine.erase_stale_after_days)


def _outcome_erase_date(newcomer: _Newcomer, config: Config) -> dt.date:
    since = newcomer.call or newcomer.registered
    if since is None:
        return dt.date.max
    return since + dt.timedelta(days=config.routine.erase_declined_after_days)


def _erase(tab: str, row_id: int, personal: Iterable[str]) -> SetCells:
    return SetCells(tab, row_id, tuple((name, None) for name in personal))


def _copy_to_followups(
    newcomer: _Newcomer, referred_to: str, referred_on: dt.date, config: Config
) -> Change:
    assert newcomer.id is not None
    record = newcomer.record
    copied: Values = (
        ("name", newcomer.person.name),
        ("email", newcomer.email or ""),
        ("phone", newcomer.person.phone),
        ("language", newcomer.person.language),
        ("referred_to", referred_to),
        ("referred", referred_on),
        ("follow_up_from", referred_on + dt.timedelta(weeks=config.routine.follow_up_from_weeks)),
        ("follow_up_by", referred_on + dt.timedelta(weeks=config.routine.follow_up_by_weeks)),
        ("note", cells.text(record["note"]) or None),
    )
    return AppendRow("followups", (("id", newcomer.id), *copied))


def _move_to_followups(
    newcomer: _Newcomer, referred_to: str, referred_on: dt.date, config: Config, existing: set[int]
) -> tuple[Change, ...]:
    """Copy the person to Uppföljning, then blank their personal cells in Intresserade.

    A person already in Uppföljning is never copied again (the row there may hold the
    follow-up, or have been erased): only the cells left in Intresserade are blanked.
    """
    assert newcomer.id is not None
    erase = _erase("newcomers", newcomer.id, NEWCOMERS.personal_columns)
    if newcomer.id in existing:
        return (erase,)
    return (_copy_to_followups(newcomer, referred_to, referred_on, config), erase)


def _referred_to(newcomer: _Newcomer) -> str | None:
    """The group or alternative the person is referred to, as Uppföljning records it."""
    if newcomer.referral is Referral.GROUP and newcomer.group is not None:
        return newcomer.group.name
    if newcomer.referral is Referral.ALTERNATIVE and newcomer.alternative is not None:
        return newcomer.alternative.value
    return None


def _referral(newcomer: _Newcomer, config: Config) -> tuple[tuple[Letter, ...], str, str] | None:
    """The letters a referral sends (to whom, about what), what Uppföljning records, and the
    log action; None when the referral cannot be introduced (no address, unusable group)."""
    email, person = newcomer.email, newcomer.person
    referred_to = _referred_to(newcomer)
    if email is None or referred_to is None:
        return None
    if newcomer.referral is Referral.ALTERNATIVE:
        letter = Letter(
            "alternatives", person.language, email, person.name, person, chosen=newcomer.alternative
        )
        return (letter,), referred_to, "alternativ"
    group = newcomer.group
    if group is None or not _group_usable(group) or group.email is None:
        return None
    return (
        (
            Letter(
                "introduction_newcomer", person.language, email, person.name, person, group=group
            ),
            Letter(
                "introduction_group",
                config.language,
                group.email,
                group.contact,
                person,
                group=group,
            ),
        ),
        referred_to,
        "introduktion",
    )


def plan_day(tables: Tables, today: dt.date, config: Config) -> Plan:
    """Everything the daily run should do on `today`."""
    analysis = _analyse(tables, today, config)
    deliveries: list[Delivery] = []
    changes: list[Change] = []
    flags = list(analysis.flags)
    log = list(analysis.log)
    in_followups = {f.id for f in analysis.followups if f.id is not None}
    erased: list[int] = []

    for newcomer in analysis.newcomers:
        if newcomer.id is None or newcomer.id_problem is not None:
            continue
        row_id = newcomer.id
        moved_to = _moved(newcomer)
        if moved_to is not None:
            if not newcomer.personal_blank:
                # Introduced (by a run that stopped half-way, or by hand), or someone typed
                # into a finished row: no personal data stays in Intresserade.
                referred_on = newcomer.introduction.date or today
                changes.extend(
                    _move_to_followups(newcomer, moved_to, referred_on, config, in_followups)
                )
                log.append(LogEntry("flyttad till Uppföljning", row_id, moved_to))
            continue
        if _closed(newcomer, today, config, in_followups):
            continue
        problems = _row_problems(newcomer, today, config)
        flags.extend(Flag("newcomers", newcomer.row, row_id, text) for text in problems)

        if newcomer.duplicate_of is not None:
            if newcomer.welcome.state is StampState.DUE:
                changes.append(
                    SetCells(
                        "newcomers",
                        row_id,
                        (("welcome", f"Ej skickat: samma e-post som ID {newcomer.duplicate_of}"),),
                    )
                )
                log.append(
                    LogEntry("dubblett", row_id, f"samma e-post som ID {newcomer.duplicate_of}")
                )
            continue

        if _welcome_due(newcomer, config):
            assert newcomer.email is not None and newcomer.registered is not None
            deliveries.append(
                Delivery(
                    tab="newcomers",
                    row_id=row_id,
                    stamp="welcome",
                    letters=(
                        Letter(
                            "welcome",
                            newcomer.person.language,
                            newcomer.email,
                            newcomer.person.name,
                            newcomer.person,
                        ),
                    ),
                    due_since=newcomer.registered,
                    action="välkomstbrev",
                )
            )

        referral = _referral(newcomer, config)
        introduction = newcomer.introduction
        if referral is not None and introduction.state in (StampState.DUE, StampState.PARTIAL):
            letters, referred_to, action = referral
            left = tuple(
                letter
                for letter in letters
                if introduction.state is StampState.DUE or letter.kind in introduction.remaining
            )
            deliveries.append(
                Delivery(
                    tab="newcomers",
                    row_id=row_id,
                    stamp="introduction",
                    letters=left,
                    due_since=newcomer.call or newcomer.registered or today,
                    action=action,
                    on_sent=_move_to_followups(newcomer, referred_to, today, config, in_followups),
                    already_sent=tuple(letter.kind for letter in letters if letter not in left),
                    stamp_text=introduction.text,
                )
            )

        erase_on = (
            _outcome_erase_date(newcomer, config)
            if newcomer.referral is Referral.OUTCOME
            else _stale_erase_date(newcomer, config)
            if newcomer.referral is Referral.NONE and newcomer.call is None
            else None
        )
        if erase_on is not None and erase_on <= today and not newcomer.personal_blank:
            changes.append(_erase("newcomers", row_id, NEWCOMERS.personal_columns))
            erased.append(row_id)
            reason = newcomer.outcome.value if newcomer.outcome else "ingen kontakt"
            log.append(LogEntry("uppgifter raderade", row_id, f"Intresserade ({reason})"))

        if newcomer.welcome.state is StampState.SENDING:
            flags.append(
                Flag(
                    "newcomers",
                    newcomer.row,
                    row_id,
                    "Välkomstbrevet avbröts under utskick: kontrollera.",
                    problem=False,
                )
            )
        if newcomer.introduction.state is StampState.SENDING:
            flags.append(
                Flag(
                    "newcomers",
                    newcomer.row,
                    row_id,
                    "Introduktionen avbröts under utskick: kontrollera.",
                    problem=False,
                )
            )

    for followup in analysis.followups:
        if followup.id is None:
            continue
        flags.extend(
            Flag("followups", followup.row, followup.id, text) for text in followup.problems
        )
        erase_on = _followup_erase_date(followup, config)
        if erase_on is not None and erase_on <= today and followup.erased is None:
            blank = tuple((name, None) for name in FOLLOWUPS.personal_columns)
            changes.append(SetCells("followups", followup.id, (*blank, ("erased", today))))
            erased.append(followup.id)
            log.append(
                LogEntry("uppgifter raderade", followup.id, f"Uppföljning ({followup.result})")
            )

    return Plan(
        today=today,
        first_writes=analysis.first_writes,
        deliveries=tuple(deliveries),
        changes=tuple(changes),
        flags=tuple(flags),
        log=tuple(log),
        shared=analysis.shared,
        erased=tuple(erased),
    )


def _group_usable(group: Group | None) -> bool:
    return group is not None and group.active and group.email is not None


def _row_problems(newcomer: _Newcomer, today: dt.date, config: Config) -> list[str]:
    """Cells a person must correct; each makes the run end with exit code 1."""
    problems = list(newcomer.problems)
    needs_letters = newcomer.referral is not Referral.OUTCOME
    if needs_letters and newcomer.email is None and not any("E-post" in p for p in problems):
        problems.append("Fyll i E-post: utan adress går inga brev ut.")
    if newcomer.duplicate_of is not None:
        problems.append(
            f"Dubblett av ID {newcomer.duplicate_of} (samma e-post): inga brev skickas. "
            "Ta bort raden."
        )
    if newcomer.introduction.state is StampState.DUE:
        problems.extend(_referral_problems(newcomer))
    return problems


def _referral_problems(newcomer: _Newcomer) -> list[str]:
    if newcomer.referral is Referral.UNKNOWN:
        hint = f" Menar du '{newcomer.suggestion}'?" if newcomer.suggestion else ""
        return [f"Rätta Hänvisad till: ingen grupp i Grupper heter så.{hint}"]
    group = newcomer.group
    if newcomer.referral is Referral.GROUP and group is not None:
        if not group.active:
            return [f"Gruppen '{group.name}' är inte aktiv: välj en annan grupp."]
        if group.email is None:
            return [f"Gruppen '{group.name}' saknar giltig e-post till kontaktpersonen (Grupper)."]
    return []


# --- After sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """The transport accepted the letter."""


@dataclass(frozen=True)
class Failed:
    """The letter did not go out, or it is not known whether it did.

    `retry`: a passing fault; the letter stays due for the next run.
    `stop`: the account cannot send more now (a quota, a dropped connection); the run sends
    nothing more.
    `maybe_sent`: the whole letter was handed to the server but its answer never came (the
    connection dropped): the server may have it, so it is never resent automatically; the
    stamp cell keeps a sending marker for a person to check.
    """

    reason: str
    retry: bool = False
    stop: bool = False
    maybe_sent: bool = False


@dataclass(frozen=True)
class NotAttempted:
    """The run stopped before this letter (a cap, a quota, an aborted connection)."""


LetterOutcome = Sent | Failed | NotAttempted


def settle(
    delivery: Delivery, outcomes: Sequence[LetterOutcome], today: dt.date
) -> tuple[tuple[Change, ...], tuple[LogEntry, ...]]:
    """Stamp and follow-on changes for a delivery whose marker was written.

    All letters out (now or, for a continuation, earlier): the date and `on_sent`. Some out:
    `Delvis skickat …: kvar till …`, which a later run completes by sending only the rest, or
    ` – fel: …` added when the rest failed for good (a person finishes by hand). Nothing out:
    the marker is cleared for a passing fault, or `Fel …` is written. A letter that may have
    reached the server keeps a sending marker, so it is never sent again automatically.
    """
    went = [isinstance(outcome, Sent) for outcome in outcomes]
    sent_now = [letter.kind for letter, ok in zip(delivery.letters, went, strict=True) if ok]
    left = [letter.kind for letter, ok in zip(delivery.letters, went, strict=True) if not ok]
    sent = [*delivery.already_sent, *sent_now]
    stamp: str | dt.date | None
    if not left:
        changes: list[Change] = [
            SetCells(delivery.tab, delivery.row_id, ((delivery.stamp, today),))
        ]
        changes.extend(delivery.on_sent)
        detail = f"{_letters_detail(delivery)}, {_count(len(sent_now))}"
        return tuple(changes), (LogEntry(f"{delivery.action} skickat", delivery.row_id, detail),)
    failures = [outcome for outcome in outcomes if isinstance(outcome, Failed)]
    reason = "; ".join(cells.redact(failure.reason) for failure in failures) or "inte skickat"
    uncertain = sum(1 for failure in failures if failure.maybe_sent)
    if uncertain:
        # The server may hold the letter: sending it again could send it twice. The cell keeps
        # a sending marker, so no run resends it and Status asks a person to check.
        also = f"; skickat till {_parts(sent)}" if sent else ""
        stamp = f"{SENDING} {today.isoformat()}: okänt om brevet kom fram ({reason}){also}"
        entry = LogEntry(
            f"{delivery.action} osäkert",
            delivery.row_id,
            f"{reason}, {_count(len(sent_now) + uncertain)}",
        )
    elif sent:
        stamp = f"{PARTIAL} {today.isoformat()}: kvar till {_parts(left)}"
        if not all(failure.retry for failure in failures):
            stamp += f" – fel: {reason}"
        entry = LogEntry(
            f"{delivery.action} delvis skickat",
            delivery.row_id,
            f"{reason}, {_count(len(sent_now))}",
        )
    elif all(failure.retry for failure in failures):
        # Nothing left the building and the fault is passing: clear the marker, retry next run.
        stamp = None
        entry = LogEntry(f"{delivery.action} väntar", delivery.row_id, reason)
    else:
        stamp = f"Fel {today.isoformat()}: {reason}"
        entry = LogEntry(f"{delivery.action} misslyckades", delivery.row_id, reason)
    return (SetCells(delivery.tab, delivery.row_id, ((delivery.stamp, stamp),)),), (entry,)


def _parts(kinds: Iterable[LetterKind]) -> str:
    return " och ".join(dict.fromkeys(_PART_NAMES[kind] for kind in kinds))


def _count(letters: int) -> str:
    """The letter count ending the detail of a Logg line for letters that left (`2 brev`)."""
    return f"{letters} brev"


_PART_NAMES: Mapping[LetterKind, str] = {
    "welcome": "den intresserade",
    "introduction_newcomer": "den intresserade",
    "introduction_group": "gruppens kontaktperson",
    "alternatives": "den intresserade",
}


def _letters_detail(delivery: Delivery) -> str:
    letter = delivery.letters[0]
    detail = f"{letter.language}/{letter.kind}"
    if letter.group is not None:
        detail += f", grupp: {letter.group.name}"
    if letter.chosen is not None:
        detail += f", {letter.chosen.value}"
    return detail


# --- The rolling daily limit -----------------------------------------------------------------

_LETTER_COUNT = re.compile(r"(\d+) brev$")
_LEFT = ("skickat", "osäkert")
"""Logg actions (their last word) of letters that left, or may have left, the building."""


def letters_sent_since(table: Table, since: dt.datetime, zone: ZoneInfo) -> int:
    """How many letters went out (or may have) at or after `since`, according to Logg.

    Counts the lines whose action ends in `skickat` (also `delvis skickat`) or `osäkert`, each
    for the `N brev` that ends its detail; a line without a count is one letter, two for an
    introduction (older lines). Times are read in `zone`; a time that cannot be read is not
    counted, because Logg is the scripts' own tab.
    """
    total = 0
    for _, record in _records(table):
        action = cells.text(record["action"]).casefold()
        if not action.endswith(_LEFT):
            continue
        when = _log_time(record["time"], zone)
        if when is None or when < since:
            continue
        counted = _LETTER_COUNT.search(cells.text(record["detail"]))
        if counted:
            total += int(counted.group(1))
        else:
            total += 2 if action.startswith("introduktion") else 1
    return total


def _log_time(value: Any, zone: ZoneInfo) -> dt.datetime | None:
    """A Logg time (`2026-11-24 07:00`, as run.py writes it, or a datetime cell) in `zone`."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=zone)


# --- Status texts ----------------------------------------------------------------------------


def status_changes(tables: Tables, today: dt.date, config: Config) -> tuple[SetCells, ...]:
    """Status writes for every row whose Status text is not what the state says it should be."""
    analysis = _analyse(tables, today, config)
    in_followups = {f.id for f in analysis.followups if f.id is not None}
    changes: list[SetCells] = []
    for newcomer in analysis.newcomers:
        if newcomer.id is None or newcomer.id_problem is not None:
            continue
        if cells.parse_id(newcomer.record["id"]) != newcomer.id:
            continue  # the ID is not written yet; its Status comes with the next run
        text = newcomer_status(newcomer, today, config, in_followups)
        if cells.text(newcomer.record["status"]) != text:
            changes.append(SetCells("newcomers", newcomer.id, (("status", text),)))
    followup_frame = tables["followups"].frame
    for followup, current in zip(analysis.followups, followup_frame["status"], strict=True):
        if followup.id is None:
            continue
        text = followup_status(followup, today, config)
        if cells.text(current) != text:
            changes.append(SetCells("followups", followup.id, (("status", text),)))
    return tuple(changes)


def _d(day: dt.date) -> str:
    return day.isoformat()


def newcomer_status(
    newcomer: _Newcomer, today: dt.date, config: Config, in_followups: set[int]
) -> str:
    """The Status text of a row of Intresserade: problems first, then the next step."""
    routine = config.routine
    if _closed(newcomer, today, config, in_followups):
        if newcomer.referral is Referral.GROUP and newcomer.group is not None:
            return (
                f"Klar: hänvisad till {newcomer.group.name} "
                f"{_d(newcomer.introduction.date or today)}. Följs upp i fliken Uppföljning."
            )
        if newcomer.referral is Referral.ALTERNATIVE and newcomer.alternative is not None:
            return (
                f"Klar: alternativen skickade {_d(newcomer.introduction.date or today)} "
                f"({newcomer.alternative.value}). Följs upp i fliken Uppföljning."
            )
        if newcomer.referral is Referral.GROUP or newcomer.referral is Referral.ALTERNATIVE:
            return "Klar: hänvisad. Följs upp i fliken Uppföljning."
        reason = newcomer.outcome.value if newcomer.outcome else "Ingen kontakt"
        return f"{reason}. Personuppgifterna är raderade."

    parts = _row_problems(newcomer, today, config)
    if newcomer.duplicate_of is not None:
        return " ".join(parts)
    parts.extend(newcomer.notes)
    parts.extend(_stamp_notes(newcomer))
    registered = newcomer.registered

    if newcomer.referral is Referral.OUTCOME and newcomer.outcome is not None:
        erase_on = _outcome_erase_date(newcomer, config)
        parts.append(f"{newcomer.outcome.value}. Personuppgifterna raderas {_d(erase_on)}.")
        return " ".join(parts)

    welcome = newcomer.welcome
    if (
        registered is not None
        and registered < config.start_date
        and welcome.state is StampState.DUE
    ):
        parts.append("Registrerad före startdatum: inget välkomstbrev skickas.")
    elif welcome.state is StampState.SENT and welcome.date is not None:
        parts.append(f"Välkomstbrev skickat {_d(welcome.date)}.")
    elif welcome.state is StampState.DUE and registered is not None:
        deadline = registered + dt.timedelta(days=routine.welcome_within_days)
        late = "FÖRSENAT: " if today > deadline else ""
        parts.append(f"{late}Välkomstbrev ej skickat (senast {_d(deadline)}).")

    if newcomer.referral is Referral.NONE and newcomer.call is None and registered is not None:
        deadline = registered + dt.timedelta(days=routine.call_within_days)
        stale = registered + dt.timedelta(days=routine.stale_after_days)
        if today > stale:
            parts.append(
                f"Ingen kontakt på {routine.stale_after_days} dagar: ring eller skriv Avböjt / "
                f"Ej nådd. Raderas {_d(_stale_erase_date(newcomer, config))}."
            )
        elif today > deadline:
            parts.append(f"FÖRSENAT: ring (senast {_d(deadline)}).")
        else:
            parts.append(f"Ring senast {_d(deadline)}.")
    elif newcomer.referral is Referral.NONE:
        parts.append(
            "Samtal gjort: fyll i Hänvisad till (grupp, alternativ, Avböjt eller Ej nådd)."
        )
    elif newcomer.introduction.state is StampState.DUE and not _referral_problems(newcomer):
        parts.append("Introduktion skickas vid nästa körning.")
    return " ".join(parts)


def _stamp_notes(newcomer: _Newcomer) -> list[str]:
    """What a person should do about a stamp cell that is neither blank nor a date."""
    notes: list[str] = []
    for stamp, header in (
        (newcomer.welcome, "Välkomstbrev"),
        (newcomer.introduction, "Introduktion"),
    ):
        if stamp.state is StampState.SENDING:
            notes.append(
                f"KONTROLLERA {header}: utskicket avbröts ({stamp.text}). Gick brevet iväg? "
                "Skriv i så fall datumet i cellen, annars töm den så skickas det igen."
            )
        elif stamp.state is StampState.PARTIAL:
            notes.append(f"{header}: resten skickas vid nästa körning (se cellen).")
        elif stamp.state is StampState.HELD and stamp.text.startswith(PARTIAL):
            notes.append(
                f"{header} gick bara delvis iväg (se cellen): rätta felet, skicka resten för "
                "hand och skriv sedan datumet i cellen. Töm den inte – då skickas allt igen."
            )
        elif stamp.state is StampState.HELD and stamp.text.startswith("Fel"):
            notes.append(f"{header} ej skickat: se cellen. Töm cellen när felet är rättat.")
        elif stamp.state is StampState.HELD and stamp.text.startswith("Ej skickat"):
            notes.append(
                f"{header} ej skickat ({stamp.text.removeprefix('Ej skickat: ')}). "
                "Töm cellen om brevet ska skickas."
            )
    return notes


def followup_status(followup: _Followup, today: dt.date, config: Config) -> str:
    """The Status text of a row of Uppföljning."""
    parts = list(followup.problems)
    if followup.result:
        parts.append(f"Uppföljd: {followup.result}.")
        erase_on = _followup_erase_date(followup, config)
        if followup.erased is not None:
            parts.append(f"Personuppgifterna raderade {_d(followup.erased)}.")
        elif erase_on is not None:
            parts.append(f"Personuppgifterna raderas {_d(erase_on)}.")
    elif followup.follow_up_from is not None and followup.follow_up_by is not None:
        window = f"{_d(followup.follow_up_from)}–{_d(followup.follow_up_by)}"
        if today > followup.follow_up_by:
            parts.append(f"FÖRSENAT: uppföljningssamtal (senast {_d(followup.follow_up_by)}).")
        elif today >= followup.follow_up_from:
            parts.append(f"Dags för uppföljningssamtal ({window}).")
        else:
            parts.append(f"Uppföljningssamtal {window}.")
    return " ".join(parts)
