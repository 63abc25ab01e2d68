"""The send journal in a daily run. The shell: reads and writes the journal
(`adapters.sendlog_file`) and, to settle what a stopped run left, the workbook; what an entry
proves is decided by `steps.recovery`, what the entries hold by `sheet.sendlog`.

`JournalRun` follows one run:

1. `open` reads what earlier runs noted. An unreadable journal proves nothing: it is replaced
   by an empty one (its runs' markers stay for a person, as without a journal).
2. `recover` settles every marker the journal accounts for, in one compare-and-set write with
   its Logg rows, before the run reads the workbook for its plan; then those runs' entries are
   removed. For the letters a stopped run was handing over (begun, never answered) it first
   asks the transport what it still keeps of them (`Transport.kept`: the outbox's letters).
3. `start` notes the run, the folder its transport keeps its letters in, and every delivery it
   is about to mark, before the markers are written. When that fails, the run goes on as
   without a journal (its markers carry no token).
4. `begin` / `answer` note each letter before and after the transport has it. A letter whose
   `begin` cannot be written is not sent (the run stops sending; the rest stays due): a letter
   must never leave without the journal knowing it began.
5. `finish`, once the run's last write has landed, removes the run's entries (and any older
   than the shortest erasure period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.sendlog_file import Journal, JournalError
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Delivery, Failed, LetterOutcome, Sent
from medlemsrutiner.routines.report import JournalSummary
from medlemsrutiner.sheet import logbook
from medlemsrutiner.sheet.schema import Tables
from medlemsrutiner.sheet.sendlog import Answer, Answered, Begun, Entry, Marked, RunStarted
from medlemsrutiner.steps import recovery
from medlemsrutiner.steps.records import read_records

NOT_WRITTEN = "sändjournalen kunde inte skrivas"


class JournalRun:
    """One daily run's use of the journal (see the module docstring). With `journal` None
    every method does nothing and the run behaves as without a journal."""

    def __init__(self, journal: Journal | None, today: dt.date, now_text: str) -> None:
        self.journal = journal
        self.today = today
        self.now_text = now_text
        self.summary = JournalSummary()
        self.pending: list[Entry] = []
        self.started = False
        self.writing = journal is not None

    @property
    def token(self) -> str | None:
        """The run token for this run's markers: only once the journal knows the run."""
        return self.journal.run if self.journal is not None and self.started else None

    def open(self) -> None:
        journal = self.journal
        if journal is None:
            return
        entries = journal.pending()
        if entries is None:
            self.summary.unreadable = True
            try:
                journal.clear()
            except JournalError as error:
                self._failed(error)
            return
        self.pending = entries

    def recover(
        self, workbook: Workbook, tables: Tables, config: Config, transport: Transport
    ) -> bool:
        """Settle what the journal proves, with what `transport` still keeps of the letters in
        flight; True when the workbook was written (read it again)."""
        if self.journal is None or not self.pending:
            return False
        records = read_records(tables, self.today, config.settings)
        asked = recovery.in_flight(self.pending)
        kept = transport.kept(asked) if asked else None
        found = recovery.recover(records, self.pending, kept, self.today, config.settings)
        if found.changes:
            workbook.write([*found.changes, *logbook.log_rows(found.log, self.now_text)])
        self.summary.add(found)
        self._drop(found.runs)
        return bool(found.changes)

    def start(self, deliveries: Sequence[Delivery], transport: Transport) -> None:
        """Note the run, where `transport` keeps its letters, and the deliveries it marks,
        before the markers are written."""
        journal = self.journal
        if journal is None or not self.writing or not deliveries:
            return
        kept = transport.kept(())
        where = kept.where if kept is not None else ""
        entries: list[Entry] = [RunStarted(journal.run, self.today, self.now_text, where)]
        entries.extend(_marked(journal.run, delivery) for delivery in deliveries)
        try:
            journal.append(entries)
        except JournalError as error:
            self._failed(error)
            return
        self.started = True

    def begin(self, email: OutgoingEmail) -> Failed | None:
        """Note that `email` is about to be handed over; a Failed outcome (and no sending)
        when that cannot be noted."""
        if self.journal is None or not self.started:
            return None
        entry = Begun(self.journal.run, email.label, _message_id(email))
        try:
            self.journal.append([entry])
        except JournalError as error:
            self._failed(error)
            return Failed(f"{NOT_WRITTEN} ({error})", retry=True, stop=True)
        return None

    def answer(self, email: OutgoingEmail, outcome: LetterOutcome) -> None:
        if self.journal is None or not self.started:
            return
        entry = Answered(self.journal.run, email.label, _message_id(email), _answer(outcome))
        try:
            self.journal.append([entry])
        except JournalError as error:
            # The run itself still knows the outcome and writes it; a crash from here on
            # leaves this letter (begun, unanswered) for a person.
            self._failed(error)

    def finish(self, config: Config) -> None:
        """The run's last write landed: its entries, and any too old, are no longer needed."""
        journal = self.journal
        if journal is None:
            return
        runs = {journal.run}
        entries = journal.pending()
        if entries:
            routine = config.settings.routine
            days = min(
                routine.erase_after_result_days,
                routine.erase_declined_after_days,
                routine.erase_stale_after_days,
            )
            runs |= recovery.stale_runs(entries, self.today - dt.timedelta(days=days))
        self._drop(runs)

    def _drop(self, runs: set[str] | frozenset[str]) -> None:
        if self.journal is None or not runs:
            return
        try:
            self.journal.drop(runs)
        except JournalError as error:
            self._failed(error)

    def _failed(self, error: JournalError) -> None:
        self.writing = False
        if self.summary.failed is None:
            self.summary.failed = str(error)


def _marked(run: str, delivery: Delivery) -> Marked:
    return Marked(
        run=run,
        tab=delivery.tab,
        row_id=delivery.row_id,
        key=delivery.key,
        stamp=delivery.stamp,
        kind=delivery.kind,
        language=delivery.letters[0].language if delivery.letters else "",
        letters=tuple((letter.kind, delivery.label(letter.kind)) for letter in delivery.letters),
        already_sent=delivery.already_sent,
        unsure=delivery.unsure,
    )


def _message_id(email: OutgoingEmail) -> str:
    return str(email.message["Message-ID"] or "")


def _answer(outcome: LetterOutcome) -> Answer:
    if isinstance(outcome, Sent):
        return "accepted"
    if isinstance(outcome, Failed):
        if outcome.maybe_sent:
            return "unknown"
        return "deferred" if outcome.retry else "refused"
    return "deferred"
