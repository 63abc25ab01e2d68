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

and `plan.settle` turns the letters' outcomes into the stamp (a date, `Delvis skickat …`, a
marker for a person, `Fel …` or blank), exactly as the stopped run would have. The write is
compare-and-set on the marker's text: a cell a person changed meanwhile keeps what they wrote.
Follow-on changes are not written here: a stamp that becomes a date makes the day's plan finish
what the letter started (e.g. `referral.finish_move`, the move to Uppföljning).

A marker whose run the journal does not hold (no journal, a lost or unreadable one, or a run
whose journal entries could not be written) proves nothing and is left for a person, as without
a journal: the journal can make a run settle more, never send twice. Only the one letter in
flight when a run stopped (begun, not answered) stays uncertain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet.changes import Change, Key
from medlemsrutiner.sheet.schema import FOLLOWUPS, GROUPS, NEWCOMERS
from medlemsrutiner.sheet.sendlog import Answered, Begun, Entry, Marked, RunStarted
from medlemsrutiner.sheet.stamps import StampCells, StampState
from medlemsrutiner.steps.records import Records

NOTE = " (enligt sändjournalen)"
"""Added to the Logg detail of what a run settles from the journal."""

_STOPPED = "körningen avbröts medan brevet skickades"


@dataclass(frozen=True)
class Marker:
    """A stamp cell holding a sending marker with a run token."""

    tab: str
    row_id: int | None
    key: Key
    stamp: str
    text: str
    run: str

    @property
    def cell(self) -> tuple[str, int | None, Key, str]:
        return (self.tab, self.row_id, self.key, self.stamp)


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
    rows: list[tuple[str, int | None, Key, StampCells]] = [
        *((NEWCOMERS.key, n.id, (), n.stamps) for n in records.newcomers if n.id is not None),
        *((FOLLOWUPS.key, f.id, (), f.stamps) for f in records.followups if f.id is not None),
        *((GROUPS.key, None, (("group", g.name),), g.stamps) for g in records.groups.values()),
    ]
    found: list[Marker] = []
    for tab, row_id, key, cells in rows:
        for column in letter_kinds.stamp_columns(tab):
            stamp = cells[column.column]
            run = stamps.marker_run(stamp.text) if stamp.state is StampState.SENDING else None
            if run is not None:
                found.append(Marker(tab, row_id, key, column.column, stamp.text, run))
    return found


def letter_outcome(begun: Begun | None, answered: Answered | None) -> LetterOutcome:
    """What the journal proves about one letter (see the module table)."""
    if begun is None:
        return NotAttempted()
    if answered is None or answered.message_id != begun.message_id:
        return Failed(_STOPPED, maybe_sent=True)
    if answered.answer == "accepted":
        return Sent()
    if answered.answer == "refused":
        return Failed("e-postservern avvisade brevet")
    if answered.answer == "deferred":
        return Failed("tillfälligt fel, brevet skickades inte", retry=True)
    return Failed("okänt om e-postservern tog emot brevet", maybe_sent=True)


def recover(records: Records, entries: Sequence[Entry]) -> Recovery:
    """Settle every marker that the journal's `entries` account for (see the module docstring)."""
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
        outcomes = [
            letter_outcome(begun.get((mark.run, label)), answered.get((mark.run, label)))
            for _, label in mark.letters
        ]
        settled = settle(delivery, outcomes, started[mark.run].day)
        done.append(settled)
        changes.extend(_compare_and_set(marker, settled))
        log.extend(dataclasses.replace(entry, detail=entry.detail + NOTE) for entry in settled.log)
        for outcome in outcomes:
            counts[_count(outcome)] += 1
    return Recovery(
        changes=tuple(changes),
        log=tuple(log),
        settled=tuple(done),
        runs=frozenset(started) | {entry.run for entry in entries},
        **counts,
    )


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
