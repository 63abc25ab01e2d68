"""What the send journal proves about the stamp cells a stopped run left at `Skickar…`. Pure.

A run that keeps a journal writes its token into each of its markers and notes in the journal
which cells it marked, and for each letter a `Begun` entry before handing it to the transport
and an `Answered` entry after (`sheet/sendlog.py`). When a later run finds a marker with a
token, the journal's entries of that run decide the cell, letter by letter:

| the journal shows for the letter  | the letter                  |
|-----------------------------------|-----------------------------|
| not begun                         | never handed over: due again |
| begun, answered `accepted`        | sent (on the run's day)      |
| begun, answered `refused`         | refused for good (`Fel …`)   |
| begun, answered `deferred`        | did not leave: due again     |
| begun, `unknown` or no answer     | may have left: never resent, left for a person |
|   … and its letter is in the outbox | sent (on the run's day)      |
|   … and absence proves (below)    | never written: due again     |

A letter begun and never answered was being handed over when the run stopped. SMTP keeps no
trace of what it took; the outbox does (`letterfile.KeptLetters`, gathered by the shell through
`Transport.kept`): a letter is renamed into the folder whole, so a letter there with the begun
Message-ID was sent. That the letter is NOT there proves it was never written only when nothing
else can have removed it (`absence_proves`): the folder looked in is the one the stopped run
wrote to (the journal notes it; never the `dry-run` folder, never SMTP's), the run is younger
than the outbox sweep's minimum (`outbox_erasure.kept_days`, less a day for the run's clock),
and the row still holds its person's data (an erased person gets no letter; `forget` removes a
person's letters at once, and drops the journal's runs that marked them before it does, so a
`forget` killed half-way leaves markers the journal no longer accounts for). No other run
writes the folder meanwhile: recovery holds the workbook's lock. Otherwise the letter stays
for a person: a duplicate is far worse than a cell to check.

and `plan.settle` turns the letters' outcomes into the stamp (a date, `Delvis skickat …`, a
marker for a person, `Fel …` or blank), exactly as the stopped run would have. The write is
compare-and-set on the marker's text: a cell a person changed meanwhile keeps what they wrote.
Follow-on changes are not written here: a stamp that becomes a date makes the day's plan finish
what the letter started (e.g. `referral.finish_move`, the move to Uppföljning).

A marker whose run the journal does not hold (no journal, a lost or unreadable one, or a run
whose journal entries could not be written) proves nothing and is left for a person, as without
a journal: the journal can make a run settle more, never send twice. Only the one letter in
flight when a run stopped (begun, not answered) stays uncertain, and on the outbox not even
that one, as long as absence proves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medlemsrutiner.letterfile import KeptLetters
from medlemsrutiner.plan import (
    Delivery,
    Failed,
    Letter,
    LetterOutcome,
    LogEntry,
    NotAttempted,
    Sent,
    Settled,
    settle,
)
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet.changes import Change, Key
from medlemsrutiner.sheet.schema import FOLLOWUPS, GROUPS, NEWCOMERS
from medlemsrutiner.sheet.sendlog import Answered, Begun, Entry, Marked, RunStarted
from medlemsrutiner.sheet.stamps import StampCells, StampState
from medlemsrutiner.steps.outbox_erasure import kept_days
from medlemsrutiner.steps.records import Records

NOTE = " (enligt sändjournalen)"
"""Added to the Logg detail of what a run settles from the journal."""
NOTE_OUTBOX = " (enligt sändjournalen och utkorgen)"
"""… and of what it settles from the journal and the letters in the outbox."""

_STOPPED = "körningen avbröts medan brevet skickades"
_NEVER_WRITTEN = "körningen avbröts innan brevet hamnade i utkorgen"


@dataclass(frozen=True)
class Marker:
    """A stamp cell holding a sending marker with a run token."""

    tab: str
    row_id: int | None
    key: Key
    stamp: str
    text: str
    run: str
    erased: bool = False
    """The row holds no personal data: there is nobody to send a letter to."""

    @property
    def cell(self) -> tuple[str, int | None, Key, str]:
        return (self.tab, self.row_id, self.key, self.stamp)


@dataclass(frozen=True)
class Seen:
    """What the transport shows of a stopped run's letters, for one marker."""

    present: frozenset[str] = frozenset()
    """Message-IDs of letters the outbox holds whole."""
    absence_proves: bool = False
    """A begun letter that is not there was never written (see `absence_proves`)."""


NOTHING_SEEN = Seen()


@dataclass(frozen=True)
class Recovery:
    """What the journal settles: the stamp writes (compare-and-set), their Logg entries, and
    counts of letters for the run's report."""

    changes: tuple[Change, ...] = ()
    log: tuple[LogEntry, ...] = ()
    settled: tuple[Settled, ...] = ()
    confirmed: int = 0
    """Letters the journal shows accepted: their cells get the date (or `Delvis skickat`)."""
    resend: int = 0
    """Letters never handed over (or deferred): due again."""
    uncertain: int = 0
    """Letters begun without an answer: left for a person to check."""
    refused: int = 0
    unproven: int = 0
    """Markers with a token the journal cannot account for: left for a person."""
    runs: frozenset[str] = frozenset()
    """Every run the journal held: nothing more can be learnt from their entries."""


def markers(records: Records) -> list[Marker]:
    """Every stamp cell whose marker carries a run token: the rows of every tab that holds stamp
    columns (`letter_kinds.STAMP_TABS`), each cell of every stamp column of the registry, so no
    kind can be left out."""
    rows: list[tuple[str, int | None, Key, StampCells, bool]] = [
        *(
            (NEWCOMERS.key, n.id, (), n.stamps, n.personal_blank)
            for n in records.newcomers
            if n.id is not None
        ),
        *(
            (FOLLOWUPS.key, f.id, (), f.stamps, f.personal_blank)
            for f in records.followups
            if f.id is not None
        ),
        *(
            (GROUPS.key, None, (("group", g.name),), g.stamps, False)
            for g in records.groups.values()
        ),
    ]
    found: list[Marker] = []
    for tab, row_id, key, cells, erased in rows:
        for column in letter_kinds.stamp_columns(tab):
            stamp = cells[column.column]
            run = stamps.marker_run(stamp.text) if stamp.state is StampState.SENDING else None
            if run is not None:
                found.append(Marker(tab, row_id, key, column.column, stamp.text, run, erased))
    return found


def absence_proves(
    kept: KeptLetters | None, run: RunStarted, today: dt.date, settings: Settings
) -> bool:
    """Whether a letter `run` began that `kept` does not hold was never written: `kept` is a
    look in the folder the run wrote its letters to, and the run is young enough that the
    outbox sweep, which keeps every letter `kept_days` after the day its name gives, cannot
    have removed it — with a day's margin, as that day is the run's local date. A run dated
    after today (a clock set back) proves nothing."""
    if kept is None or not run.kept_in or kept.where != run.kept_in:
        return False
    age = (today - run.day).days
    return 0 <= age < kept_days(settings) - 1


def letter_outcome(
    begun: Begun | None, answered: Answered | None, seen: Seen = NOTHING_SEEN
) -> LetterOutcome:
    """What the journal, and what `seen` shows of the transport, prove about one letter (see
    the module table)."""
    if begun is None:
        return NotAttempted()
    answer = None
    if answered is not None and answered.message_id == begun.message_id:
        answer = answered.answer
    if answer == "accepted":
        return Sent()
    if answer == "refused":
        return Failed("e-postservern avvisade brevet")
    if answer == "deferred":
        return Failed("tillfälligt fel, brevet skickades inte", retry=True)
    if begun.message_id and begun.message_id in seen.present:
        return Sent()
    if begun.message_id and seen.absence_proves:
        return Failed(_NEVER_WRITTEN, retry=True)
    if answer is None:
        return Failed(_STOPPED, maybe_sent=True)
    return Failed("okänt om e-postservern tog emot brevet", maybe_sent=True)


def in_flight(entries: Iterable[Entry]) -> frozenset[str]:
    """The Message-IDs of the letters begun and never answered (or answered `unknown`): what
    the shell asks the transport about."""
    entries = list(entries)
    answered = {
        (e.run, e.label, e.message_id)
        for e in entries
        if isinstance(e, Answered) and e.answer != "unknown"
    }
    return frozenset(
        e.message_id
        for e in entries
        if isinstance(e, Begun) and e.message_id and (e.run, e.label, e.message_id) not in answered
    )


def runs_marking(entries: Iterable[Entry], ids: Iterable[int]) -> frozenset[str]:
    """The runs that marked a delivery in a row of one of `ids`: `forget` drops them from the
    journal before it removes those people's letters, so that no later run takes a letter it
    removed for one never written."""
    wanted = frozenset(ids)
    return frozenset(
        entry.run
        for entry in entries
        if isinstance(entry, Marked) and entry.row_id is not None and entry.row_id in wanted
    )


def recover(
    records: Records,
    entries: Sequence[Entry],
    kept: KeptLetters | None = None,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> Recovery:
    """Settle every marker that the journal's `entries` account for (see the module
    docstring). `kept`: what the transport shows of the letters in flight (`in_flight`);
    absence proves nothing without `today` and `settings`."""
    started = {entry.run: entry for entry in entries if isinstance(entry, RunStarted)}
    marks = {
        (entry.run, entry.cell): entry
        for entry in entries
        if isinstance(entry, Marked) and entry.run in started
    }
    begun = {(e.run, e.label): e for e in entries if isinstance(e, Begun)}
    answered = {(e.run, e.label): e for e in entries if isinstance(e, Answered)}

    changes: list[Change] = []
    log: list[LogEntry] = []
    done: list[Settled] = []
    counts = {"confirmed": 0, "resend": 0, "uncertain": 0, "refused": 0, "unproven": 0}
    for marker in markers(records):
        mark = marks.get((marker.run, marker.cell))
        delivery = None if mark is None else _delivery(marker, mark)
        if mark is None or delivery is None:
            counts["unproven"] += 1
            continue
        run = started[mark.run]
        seen = _seen(kept, run, marker, today, settings)
        letters = [
            (begun.get((mark.run, label)), answered.get((mark.run, label)))
            for _, label in mark.letters
        ]
        outcomes = [letter_outcome(began, answer, seen) for began, answer in letters]
        journal_alone = [letter_outcome(began, answer) for began, answer in letters]
        note = NOTE if outcomes == journal_alone else NOTE_OUTBOX
        settled = settle(delivery, outcomes, run.day)
        done.append(settled)
        changes.extend(_compare_and_set(marker, settled))
        log.extend(dataclasses.replace(entry, detail=entry.detail + note) for entry in settled.log)
        for outcome in outcomes:
            counts[_count(outcome)] += 1
    return Recovery(
        changes=tuple(changes),
        log=tuple(log),
        settled=tuple(done),
        runs=frozenset(started) | {entry.run for entry in entries},
        **counts,
    )


def _seen(
    kept: KeptLetters | None,
    run: RunStarted,
    marker: Marker,
    today: dt.date | None,
    settings: Settings | None,
) -> Seen:
    if kept is None:
        return NOTHING_SEEN
    proves = (
        today is not None
        and settings is not None
        and not marker.erased
        and absence_proves(kept, run, today, settings)
    )
    return Seen(kept.present, proves)


def stale_runs(entries: Iterable[Entry], before: dt.date) -> frozenset[str]:
    """Runs whose journal entries are older than `before` (or whose start is missing): erased
    on the schedule of the shortest erasure period, settled or not."""
    started = {entry.run: entry.day for entry in entries if isinstance(entry, RunStarted)}
    return frozenset(
        entry.run for entry in entries if entry.run not in started or started[entry.run] < before
    )


def _count(outcome: LetterOutcome) -> str:
    if isinstance(outcome, Sent):
        return "confirmed"
    if isinstance(outcome, NotAttempted):
        return "resend"
    if outcome.maybe_sent:
        return "uncertain"
    return "resend" if outcome.retry else "refused"


def _delivery(marker: Marker, mark: Marked) -> Delivery | None:
    """The delivery the stopped run sent, as far as `settle` needs it (no address, no name);
    None when the entry names a kind this version does not know."""
    known = letter_kinds.delivery_kind(mark.kind)
    if known is None or known.stamp.column != marker.stamp:
        return None
    if len({kind for kind, _ in mark.letters}) != len(mark.letters):
        return None
    try:
        kinds = _kinds(kind for kind, _ in mark.letters)
        already_sent, unsure = _kinds(mark.already_sent), _kinds(mark.unsure)
    except ValueError:
        return None
    return Delivery(
        tab=marker.tab,
        row_id=marker.row_id,
        key=marker.key,
        stamp=marker.stamp,
        letters=tuple(Letter(kind, mark.language, to_address="", to_name="") for kind in kinds),
        due_since=dt.date.min,
        kind=known.name,
        already_sent=already_sent,
        unsure=unsure,
        stamp_text=marker.text,
    )


def _compare_and_set(marker: Marker, settled: Settled) -> list[Change]:
    """The stamp write of `settled`, landing only where the cell still holds `marker`."""
    delivery = settled.delivery
    return [
        delivery.write_stamp(value, compare=True)
        for change in settled.changes[:1]
        for column, value in getattr(change, "values", ())
        if column == marker.stamp
    ]


def _kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Letter kinds read from the journal, in their order; ValueError for one the registry does
    not hold."""
    found = tuple(kinds)
    if any(letter_kinds.letter_kind(kind) is None for kind in found):
        raise ValueError("okänt slags brev")
    return found
