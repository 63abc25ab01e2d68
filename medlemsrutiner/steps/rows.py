"""One row of Intresserade or Uppföljning as the routine understands it. Pure: no I/O, no clock.

Every cell is read leniently: what cannot be read becomes a problem (a person must correct it,
exit code 1) or a note on the row, never an exception. `records` reads whole tabs with these.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.plan import Group, Person
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.letter_kinds import INTRODUCTION, REENGAGEMENT, WELCOME
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS, Record
from medlemsrutiner.sheet.stamp_words import row_words
from medlemsrutiner.sheet.stamps import Stamp, StampCells, read_stamp_cells
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
from medlemsrutiner.steps import formulas

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
    stamps: StampCells
    """Every stamp cell of the row (see `sheet.letter_kinds`)."""
    call: dt.date | None
    referral: Referral
    call_ahead: bool = False
    """`Samtal` holds a day still to come: the call has not happened, so no letter thanking for
    it goes (`referral.introduction`) until that day."""
    group: Group | None = None
    alternative: Alternative | None = None
    outcome: Outcome | None = None
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
    """The day Logg first mentions the row's ID: when the scripts first saw it (today for a row
    the first run dates itself, `records.read_records`)."""
    named: dt.date | None = None
    """The day of the last weekly summary that named the person by first name (Logg)."""
    training: dt.date | None = None
    """When the person attended basic training (`Utbildning`)."""
    as_read: Record | None = None
    """The row as the run read it, once the run's own writes changed `record` (`after`)."""
    erased_on: dt.date | None = None
    """The day Logg last records an erasure of the ID (or this run erased the row)."""
    erased_on_request: bool = False
    """That erasure was forget.py's."""
    formulas: tuple[str, ...] = ()
    """The headers of cells a letter shows that hold a formula: no letter to or about the
    person goes out until a person writes the text (`steps.formulas`)."""

    @property
    def welcome(self) -> Stamp:
        return self.stamps[WELCOME.stamp.column]

    @property
    def introduction(self) -> Stamp:
        """The stamp of the introduction or the alternatives (one cell guards both)."""
        return self.stamps[INTRODUCTION.stamp.column]

    @property
    def usable(self) -> bool:
        """Has an ID the run can address its writes to."""
        return self.id is not None and self.id_problem is None

    @property
    def read_record(self) -> Record:
        """The row as the workbook holds it until the run's last write: what a write that
        finds the row by its content must name."""
        return self.record if self.as_read is None else self.as_read


def id_advice(newcomer: Newcomer) -> str:
    """What to do about a row of Intresserade whose ID cannot be used: only an ID on two rows
    has a copy to empty."""
    if newcomer.id is not None:  # readable, but on two rows
        return (
            "Töm ID-cellen på den rad som är en kopia eller en annan person, så får den ett nytt ID"
        )
    return (
        "Skriv personens ID som ett heltal (se Logg), eller töm ID-cellen så får raden ett nytt ID"
    )


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

    call = call_date(record["call"], today)
    if isinstance(call, cells.Bad):
        problems.append(f"Rätta Samtal: {call.problem}.")
        call = None

    consent = read_consent(record["consent"], today, problems)

    training = past_date(record["training"], today)
    if isinstance(training, cells.Bad):
        notes.append(f"Kontrollera Utbildning: {training.problem}.")
        training = None
    problems.extend(formulas.person_problems(NEWCOMERS, record))

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
            trained=training,
        ),
        email=email,
        stamps=read_stamp_cells(record, NEWCOMERS.key, today),
        call=call,
        call_ahead=call_ahead(record["call"], today),
        referral=Referral.NONE,
        problems=tuple(problems),
        notes=tuple(notes),
        id_problem=id_problem,
        personal_blank=all(cells.is_blank(record[name]) for name in NEWCOMERS.personal_columns),
        consent=consent,
        training=training,
        formulas=formulas.headers(NEWCOMERS, record),
    )
    return _with_referral(newcomer, record["referred_to"], groups)


DateReader = Callable[[Any, dt.date], dt.date | cells.Bad | None]
"""How a column's typed date is read: `cells.parse_date`, `past_date` or `call_date`."""

FUTURE_MARGIN = dt.timedelta(days=31)
"""How far ahead of today a date people type may lie: a date without a year is read as at most
a month ahead (`cells.parse_date`), so anything later is a typo (`2062` for `2026`)."""


def past_date(value: Any, today: dt.date) -> dt.date | cells.Bad | None:
    """A date of something that has happened (a registration, a call): never far ahead, and
    not before the routine existed (a number typed by mistake, `1`, reads as 1899-12-31)."""
    parsed = cells.parse_date(value, today)
    if isinstance(parsed, dt.date) and parsed > today + FUTURE_MARGIN:
        return cells.Bad("datumet ligger långt fram i tiden")
    if isinstance(parsed, dt.date) and parsed < cells.EARLIEST:
        return cells.Bad("datumet ligger för långt bak i tiden")
    return parsed


def call_ahead(value: Any, today: dt.date) -> bool:
    """A call's date typed for a day after today (within the month `past_date` allows)."""
    parsed = past_date(value, today)
    return isinstance(parsed, dt.date) and parsed > today


def call_date(value: Any, today: dt.date) -> dt.date | cells.Bad | None:
    """The day of a call the coordinator made (`Samtal`, `Uppföljning`): a past date that is
    not after today. A call typed ahead (planned, or a slip of a day) has not happened, and a
    letter thanking for it must not go: the cell is flagged until the day has come."""
    parsed = past_date(value, today)
    if call_ahead(value, today):
        return cells.Bad(
            "dagen har inte kommit än. Skriv datumet när du har ringt; inget brev om samtalet "
            "går ut före den dagen"
        )
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
    if word in groups:
        return dataclasses.replace(newcomer, referral=Referral.GROUP, group=groups[word])
    if word in alternative_words():
        return dataclasses.replace(
            newcomer,
            referral=Referral.ALTERNATIVE,
            alternative=alternative_words()[word],
        )
    if word in outcome_words():
        return dataclasses.replace(
            newcomer, referral=Referral.OUTCOME, outcome=outcome_words()[word]
        )
    choices = {cells.normalise_word(g.name): g.name for g in groups.values() if g.active}
    choices.update({a.value.casefold(): a.value for a in Alternative})
    choices.update({o.value.casefold(): o.value for o in Outcome})
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return dataclasses.replace(
        newcomer,
        referral=Referral.UNKNOWN,
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
    training: dt.date | None = None
    """When the person attended basic training (`Utbildning`, typed here once they were
    referred, as in Intresserade before)."""
    outcome: Result | None = None
    person: Person | None = None
    """The person as letters see them; None once the personal data is erased."""
    stamps: StampCells = field(default_factory=StampCells)
    """Every stamp cell of the row (see `sheet.letter_kinds`)."""
    consent: dt.date | None = None
    personal_blank: bool = False
    first_seen: dt.date | None = None
    named: dt.date | None = None
    """The day of the last weekly summary that named the person by first name (Logg)."""
    id_shared: bool = False
    """Another row of Uppföljning has the same ID: no letter goes out from the row, and writes
    find it by its content (every cell as read), never by the ID."""
    as_read: Record | None = None
    """The row as the run read it, once the run's own writes changed `record` (`after`)."""
    formulas: tuple[str, ...] = ()
    """The headers of cells a letter shows that hold a formula: no letter goes out."""
    call_ahead: bool = False
    """`Uppföljning` holds a day still to come: the follow-up call has not happened, so no
    letter after it goes until that day."""

    @property
    def read_record(self) -> Record:
        """The row as the workbook holds it until the run's last write: what a write that
        finds the row by its content must name."""
        return self.record if self.as_read is None else self.as_read

    @property
    def reengagement(self) -> Stamp:
        return self.stamps[REENGAGEMENT.stamp.column]


def parse_followup(row: int, record: Record, today: dt.date, settings: Settings) -> FollowUp:
    """One row of Uppföljning; every unreadable cell becomes a problem."""
    problems: list[str] = []

    def date_of(name: str, header: str, read: DateReader = cells.parse_date) -> dt.date | None:
        parsed = read(record[name], today)
        if isinstance(parsed, cells.Bad):
            problems.append(f"Rätta {header}: {parsed.problem}.")
            return None
        return parsed

    def window_date(name: str, header: str) -> dt.date | None:
        # The scripts write the window: the referral (at most FUTURE_MARGIN ahead) plus up to
        # follow_up_by_weeks. A row without Hänvisad counts its erasure from the window, so a
        # date no referral gave (9999, 2099 for 2026) must not keep the data: it reads as blank.
        parsed = cells.parse_date(record[name], today)
        latest = cells.later(today, weeks=settings.routine.follow_up_by_weeks) + FUTURE_MARGIN
        if isinstance(parsed, dt.date) and parsed > latest:
            parsed = cells.Bad("datumet ligger långt fram i tiden")
        elif isinstance(parsed, dt.date) and parsed < cells.EARLIEST:
            parsed = cells.Bad("datumet ligger för långt bak i tiden")
        if isinstance(parsed, cells.Bad):
            problems.append(f"Rätta {header}: {parsed.problem}.")
            return None
        return parsed

    result = cells.parse_word(record["result"], result_words())
    if isinstance(result, cells.Bad):
        problems.append("Rätta Resultat: skriv Aktiv, Inte aktiv eller Ej nådd.")
        result = None
    erased = date_of("erased", "Raderad", past_date)
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
    if not isinstance(parsed_id, int) and not personal_blank:
        problems.append(
            "Rätta ID: raden saknar ett läsbart ID. Skriv personens ID från Intresserade eller "
            "Logg; tills dess skickas inget brev från raden, men uppgifterna raderas i tid."
        )
    stamp_cells = read_stamp_cells(record, FOLLOWUPS.key, today)
    problems.extend(w.sv for w in row_words(stamp_cells, FOLLOWUPS.key) if w.problem)
    if not personal_blank:
        problems.extend(formulas.person_problems(FOLLOWUPS, record))
    consent = read_consent(record["consent"], today, problems)
    referred = date_of("referred", "Hänvisad", past_date)
    follow_up_from = window_date("follow_up_from", "Följ upp från")
    follow_up_by = window_date("follow_up_by", "Följ upp senast")
    followed_up = date_of("followed_up", "Uppföljning", call_date)
    training = date_of("training", "Utbildning", past_date)
    phone = cells.format_phone(record["phone"])
    person = Person(
        name=cells.text(record["name"]),
        email=email if isinstance(email, str) else "",
        phone=phone if isinstance(phone, str) else cells.text(record["phone"]),
        town="",
        interests="",
        language=language,
        trained=training,
    )
    return FollowUp(
        row=row,
        record=record,
        id=parsed_id if isinstance(parsed_id, int) else None,
        email=email if isinstance(email, str) else None,
        referred_to=cells.text(record["referred_to"]),
        referred=referred,
        follow_up_from=follow_up_from,
        follow_up_by=follow_up_by,
        followed_up=followed_up,
        result=result.value if result is not None else "",
        erased=erased,
        problems=tuple(problems),
        training=training,
        outcome=result,
        person=None if personal_blank else person,
        stamps=stamp_cells,
        consent=consent,
        personal_blank=personal_blank,
        formulas=formulas.headers(FOLLOWUPS, record),
        call_ahead=call_ahead(record["followed_up"], today),
    )
