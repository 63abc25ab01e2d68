"""What a run is made of: the people and groups letters are about, the letters, the deliveries
that guard them, flags, the plan itself, the outcome of each send, and `settle`, which turns
the outcomes into stamp writes and Logg entries. Pure: no I/O, no clock.

A `Letter` is any email the scripts write: to a newcomer, to a group's contact person, to the
coordinator (the weekly summary) or to the training coordinator. A `Delivery` is the letters
guarded by one stamp cell: sent together, stamped together, at most once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from medlemsrutiner.letterfile import LetterRecord
from medlemsrutiner.sheet import cells, letter_kinds, logbook, stamps
from medlemsrutiner.sheet.changes import CellValue, Change, Key, SetByKey, SetCells
from medlemsrutiner.sheet.logbook import LogEntry
from medlemsrutiner.sheet.stamps import Stamp, StampCells
from medlemsrutiner.sheet.words import ALTERNATIVE_LINKS, LANGUAGE_NAMES, Alternative

__all__ = ["LogEntry"]

# --- What letters are about ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The newcomer as the letters see them (personal data: never logged)."""

    name: str
    email: str
    phone: str
    town: str
    interests: str
    language: str
    trained: dt.date | None = None
    """The day the person attended a basic training (`Utbildning`, of Intresserade or
    Uppföljning): a letter to them lists no upcoming trainings (`letters.render.trainings_for`)."""

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
    """The sheet row it was read from: for messages only, never a write address."""
    confirmed: dt.date | None = None
    """When the group last confirmed its details (`Bekräftad`)."""
    stamps: StampCells = field(default_factory=StampCells)
    """The row's stamp cells (`Påminnelse`: when the group was last asked to confirm)."""
    status_text: str = ""
    """What the group's Status cell says now."""
    meets_en: str = ""
    works_on_en: str = ""
    """`Träffas (en)` and `Arbetar med (en)`: what English letters show instead (blank: left
    out, never the Swedish text)."""
    formulas: tuple[str, ...] = ()
    """The headers of cells a letter would show that hold a formula: no letter shows the
    group, nor goes to it, until a person writes the text (`steps.formulas`)."""

    @property
    def reminder(self) -> Stamp:
        return self.stamps[letter_kinds.GROUP_REMINDER.stamp.column]


@dataclass(frozen=True)
class Training:
    """An upcoming training from Utbildningar."""

    date: dt.date
    time: str
    """As typed: `Tid`, or the time typed after the date in `Datum` while `Tid` is blank
    (`steps.district.training_time`). Letters say it with `letters.language.clock`."""
    title: str
    place: str
    signup: str
    description: str
    title_en: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Shared:
    """What every letter of the run may show: the Texter texts (Swedish, and English for English
    letters), the upcoming trainings, the district's active groups and the alternatives with
    their links."""

    texts: Mapping[str, str]
    trainings: tuple[Training, ...]
    alternatives: tuple[tuple[Alternative, str], ...] = tuple(ALTERNATIVE_LINKS.items())
    groups: tuple[Group, ...] = ()
    """The active groups, by name."""
    texts_en: Mapping[str, str] = field(default_factory=dict)


# --- Letters and deliveries ------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """One email to write: which template, in which language, to whom, about what.

    `newcomer` is the person a letter is about, if any (the group contact's introduction is
    about the newcomer too); letters to a group or a coordinator leave it out.
    """

    kind: str
    """The letter kind's name in the registry (`sheet.letter_kinds`): its template's folder."""
    language: str
    to_address: str
    to_name: str
    newcomer: Person | None = None
    group: Group | None = None
    chosen: Alternative | None = None
    extra: tuple[tuple[str, object], ...] = ()
    """More values for the template (e.g. the weekly summary's content), by name."""
    images: tuple[tuple[str, bytes], ...] = ()
    """PNG images shown inline in the HTML part, by Content-ID name (`cid:<name>`)."""
    names: frozenset[int] | None = None
    """The IDs of people the letter names by first name besides the one it is about (the weekly
    summary's), recorded with its file (`letterfile.LetterRecord.names`)."""


@dataclass(frozen=True)
class Delivery:
    """Letters guarded by one stamp cell: sent together, stamped together.

    The stamp cell is column `stamp` of the row with ID `row_id` in `tab`, or, in a tab without
    IDs, of the row whose key columns read `key`. `on_sent` are the changes that follow once
    every letter went out (e.g. the copy to Uppföljning and the erasure of the personal cells
    in Intresserade).
    """

    tab: str
    row_id: int | None
    stamp: str
    letters: tuple[Letter, ...]
    due_since: dt.date
    kind: str
    """The delivery kind's name in the registry (`sheet.letter_kinds`)."""
    on_sent: tuple[Change, ...] = ()
    already_sent: tuple[str, ...] = ()
    """Letters of this delivery that an earlier run sent (the stamp says `Delvis skickat`)."""
    stamp_text: str = ""
    """The stamp cell as read: the marker is written only if it still reads so."""
    key: Key = ()
    unsure: tuple[str, ...] = ()
    """Of `already_sent`, the letters whose fate a crash left unknown: never resent, and once
    the rest is out the cell keeps a marker about them for a person."""

    def write_stamp(self, value: CellValue, *, compare: bool = False) -> Change:
        """The write of `value` into the stamp cell; with `compare`, only if it still reads as
        this run read it (the marker's compare-and-set)."""
        expect = ((self.stamp, self.stamp_text),) if compare else ()
        if self.row_id is not None:
            return SetCells(self.tab, self.row_id, ((self.stamp, value),), expect=expect)
        return SetByKey(self.tab, self.key, ((self.stamp, value),), expect=expect)

    @property
    def registered(self) -> letter_kinds.DeliveryKind:
        """The delivery's kind in the registry of letter kinds."""
        known = letter_kinds.delivery_kind(self.kind)
        if known is None:
            raise KeyError(f"no delivery kind {self.kind} is registered")
        return known

    @property
    def name(self) -> str:
        """Logg's action word for the delivery (`välkomstbrev`)."""
        return self.registered.logged

    def label(self, kind: str) -> str:
        """Names a letter in file names and logs without personal data: `ID17-welcome`, or
        `Grupp-Centrumgruppen-group_reminder` for a row without ID (a group's name is not
        personal data)."""
        if self.row_id is not None:
            return f"ID{self.row_id}-{kind}"
        name = "-".join(text for _, text in self.key)
        safe = "".join(ch if ch.isalnum() else "_" for ch in name)[:40]
        return f"Grupp-{safe}-{kind}"

    def record(self, letter: Letter) -> LetterRecord:
        """What the file of one of its letters records: the ID it is about, or the group."""
        group = "" if self.row_id is not None else " ".join(text for _, text in self.key)
        return LetterRecord(letter.kind, self.row_id, group, names=letter.names)


@dataclass(frozen=True)
class Flag:
    """Something a person should look at. `problem` = a cell is wrong (exit code 1)."""

    tab: str
    row: int
    row_id: int | None
    text: str
    problem: bool = True


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
    """Logg rows of what the run found on reading (new rows, first seen, duplicates): Logg
    lists them before the rows of the day's letters."""
    shared: Shared
    erased: tuple[int, ...] = ()
    """IDs whose personal data this plan erases (not counting the move to Uppföljning)."""
    log_after_letters: tuple[LogEntry, ...] = ()
    """Logg rows of the writes that follow the day's letters (erasures, a move to Uppföljning
    finished): Logg lists them after the letters' rows, so it reads in the order things
    happened (a re-engagement letter, then the erasure of the data it went to)."""

    @property
    def problems(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.problem)


# --- Outcomes of sending ---------------------------------------------------------------------


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

DeliveryVerdict = Literal["sent", "failed", "waiting"]
"""A delivery after sending: all out; held for a person; or (the rest) due again next run."""


@dataclass(frozen=True)
class Settled:
    """One delivery after sending: what to write, what to log, and the verdict for the report."""

    delivery: Delivery
    changes: tuple[Change, ...]
    log: tuple[LogEntry, ...]
    verdict: DeliveryVerdict


def settle(delivery: Delivery, outcomes: Sequence[LetterOutcome], today: dt.date) -> Settled:
    """Stamp and follow-on changes for a delivery whose marker was written.

    All letters out (now or, for a continuation, earlier): the date and `on_sent`. Some out:
    `Delvis skickat …: kvar till …`, which a later run completes by sending only the rest, or
    ` – fel: …` added when the rest failed for good (a person finishes by hand). Nothing out:
    the marker is cleared for a passing fault, or `Fel …` is written.

    A letter that may have reached the server without an answer (`maybe_sent`) is never sent
    again automatically: with nothing else left the cell keeps a sending marker for a person to
    check; with other letters of the delivery still to send, the partial stamp names it as
    unknown (`stamps.partial`), the rest goes out with the next run, and then the marker stays.
    """
    kinds = [letter.kind for letter in delivery.letters]
    went = [isinstance(outcome, Sent) for outcome in outcomes]
    maybe = [isinstance(outcome, Failed) and outcome.maybe_sent for outcome in outcomes]
    sent_now = [kind for kind, ok in zip(kinds, went, strict=True) if ok]
    maybe_now = [kind for kind, unknown in zip(kinds, maybe, strict=True) if unknown]
    left = [k for k, ok, unknown in zip(kinds, went, maybe, strict=True) if not ok and not unknown]
    sent = [*delivery.already_sent, *sent_now]
    unsure = [*delivery.unsure, *maybe_now]
    known = [kind for kind in sent if kind not in unsure]
    row_id = delivery.row_id

    def said(outcome: str) -> str:
        return logbook.letter_action(
            delivery.name, outcome, common=delivery.registered.logged_common
        )

    failures = [outcome for outcome in outcomes if isinstance(outcome, Failed)]
    if not left and not unsure:
        changes = (delivery.write_stamp(today), *delivery.on_sent)
        entry = LogEntry(said(logbook.SENT), row_id, _detail(delivery), len(sent_now))
        return Settled(delivery, changes, (entry,), "sent")
    reasons = [cells.redact(failure.reason) for failure in failures]
    if delivery.unsure:
        reasons.append(_unsure(delivery))
    reason = "; ".join(reasons) or "inte skickat"
    out = len(sent_now) + len(maybe_now)  # left, or may have left (for the daily limit)
    passing = all(failure.retry for failure in failures if not failure.maybe_sent)
    stamp: str | None
    if not left:
        # The server may hold a letter: sending it again could send it twice. The cell keeps
        # a sending marker, so no run resends it and Status asks a person to check.
        stamp = stamps.uncertain(today, reason, known)
        entry = LogEntry(said(logbook.UNCERTAIN), row_id, reason, out)
    elif sent or unsure:
        stamp = stamps.partial(today, left, None if passing else reason, unsure)
        word = logbook.UNCERTAIN if maybe_now else logbook.PARTLY_SENT
        entry = LogEntry(said(word), row_id, reason, out)
    elif passing:
        # Nothing left the building and the fault is passing: clear the marker, retry next run.
        stamp = None
        entry = LogEntry(said(logbook.WAITING), row_id, reason, 0)
    else:
        stamp = stamps.error(today, reason)
        entry = LogEntry(said(logbook.FAILED), row_id, reason, 0)
    held = not left or not passing or bool(maybe_now)
    verdict: DeliveryVerdict = "failed" if held else "waiting"
    return Settled(delivery, (delivery.write_stamp(stamp),), (entry,), verdict)


def _unsure(delivery: Delivery) -> str:
    """Why a letter is not known to have left: an earlier run was stopped while sending it."""
    return f"en körning avbröts medan brevet till {stamps.recipients(delivery.unsure)} skickades"


def _detail(delivery: Delivery) -> str:
    """What Logg says of a delivery that went out, in a coordinator's words: the letter and its
    language (`välkomstbrev, engelska`), then the group or the alternative. Nothing reads it
    back: later runs go by the action word."""
    if not delivery.letters:
        return "inget brev: ingen giltig e-postadress"
    letter = delivery.letters[0]
    language = LANGUAGE_NAMES.get(letter.language, letter.language)
    detail = f"{delivery.registered.noun.one}, {language}"
    if letter.group is not None:
        detail += f", grupp: {letter.group.name}"
    if letter.chosen is not None:
        detail += f", {letter.chosen.value}"
    return detail
