"""What a daily run did, for stdout and the exit code: counts and IDs only (and a group's name,
which is not personal data), never a person's name, an address or a phone number. No I/O (the
CLI prints the lines).

A line per delivery kind of the registry (`sheet.letter_kinds`) that sent, failed or waited,
worded with the kind's noun, so a kind added to the registry is reported like the built-in
ones. The exit code follows one rule: 1 exactly when the report shows something a person must
do — a failure of the run's own (a letter refused, a stop, a failed write, the import, the
send journal, the outbox) or a line under "rätta eller kontrollera"; what needs nobody is a
notice (rows that get no welcome letter on purpose) and never makes the code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Delivery, DeliveryVerdict, Flag
from medlemsrutiner.reports.todo import TodoList
from medlemsrutiner.routines.intake import IntakeReport
from medlemsrutiner.sheet import changes as ch
from medlemsrutiner.sheet.letter_kinds import delivery_kinds
from medlemsrutiner.steps.recovery import Recovery
from medlemsrutiner.steps.welcome import Unwelcomed
from medlemsrutiner.wording import SENT, WOULD_BE_SENT, Noun, count

Whom = int | str
"""Whom a delivery was for: a row's ID, or a group's name (Grupper has no IDs)."""

STATUS_TABS = frozenset({"newcomers", "followups"})
"""The tabs whose Status also says a row's line of the to-do list (Grupper's Status does not
name a cell to correct, and Utbildningar has no Status)."""


@dataclass
class JournalSummary:
    """What the send journal did in a run: letters of stopped runs it settled, and trouble."""

    confirmed: int = 0
    resend: int = 0
    uncertain: int = 0
    refused: int = 0
    unproven: int = 0
    unreadable: bool = False
    failed: str | None = None
    """Why the journal could not be written (this run's letters are then settled as without)."""

    def add(self, found: Recovery) -> None:
        self.confirmed += found.confirmed
        self.resend += found.resend
        self.uncertain += found.uncertain
        self.refused += found.refused
        self.unproven += found.unproven

    @property
    def needs_a_person(self) -> bool:
        return bool(self.uncertain or self.refused or self.failed)

    def lines(self) -> list[str]:
        out: list[str] = []
        settled = self.confirmed + self.resend + self.uncertain + self.refused
        if settled:
            out.append(
                f"  sändjournalen, brev från en avbruten körning: {self.confirmed} gick iväg, "
                f"{self.resend} skickas nu, {self.refused} avvisades, "
                f"{count(self.uncertain, 'uncertain')} (KONTROLLERA i Status)"
            )
        if self.unproven:
            out.append(
                f"  sändjournalen saknar {count(self.unproven, 'interrupted_delivery')}: "
                "KONTROLLERA i Status"
            )
        if self.unreadable:
            out.append(
                "  sändjournalen gick inte att läsa och har börjats om: avbrutna utskick "
                "lämnas åt dig (KONTROLLERA i Status)"
            )
        if self.failed is not None:
            out.append(
                f"  sändjournalen kunde inte skrivas ({self.failed}): ett avbrott i dag lämnar "
                "breven åt dig att kontrollera, som utan journal"
            )
        return out


@dataclass
class DailyReport:
    """What a run did, by delivery kind (`welcome`, `introduction`, …) and ID or group."""

    today: dt.date
    dry_run: bool
    new_ids: list[int] = field(default_factory=list)
    sent: dict[str, list[Whom]] = field(default_factory=dict)
    failed: dict[str, list[Whom]] = field(default_factory=dict)
    waiting: dict[str, list[Whom]] = field(default_factory=dict)
    unwelcomed: Unwelcomed = field(default_factory=Unwelcomed)
    """Rows seen for the first time that get no welcome letter on purpose (a notice)."""
    start_date: dt.date | None = None
    """The config's start date, named in the notice about rows registered before it."""
    erased: list[int] = field(default_factory=list)
    letters_erased: int = 0
    """Letter files removed from the outbox folder with the data they held (a count only)."""
    outbox_error: str | None = None
    """Why letters that should have gone from the outbox folder are still there."""
    skipped_writes: list[ch.Skipped] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    status_updates: int = 0
    emails: list[OutgoingEmail] = field(default_factory=list)
    preview_folder: Path | None = None
    """Where a dry run wrote its letters (named under the letters it would send)."""
    sent_last_24h: int = 0
    """Letters Logg says went out in the 24 hours before this run (for `mail.daily_limit`)."""
    daily_limit: int | None = None
    doubtful_log_rows: list[int] = field(default_factory=list)
    """Rows of Logg counted against the daily limit that no run wrote as they stand (a time far
    ahead, an impossible `Brev`: `logbook.doubtful_rows`), when the limit held letters back."""
    """Set when the rolling 24-hour limit held letters back."""
    stopped: str | None = None
    """Why sending stopped early (a quota, a dropped connection), redacted; the rest waits."""
    write_error: str | None = None
    """Why the last write failed after the first one landed (letters may have gone out)."""
    problem_groups: list[str] = field(default_factory=list)
    """Groups whose share of active people at follow-up is below the alert level."""
    letters: dict[str, int] = field(default_factory=dict)
    """Letters sent per kind of delivery (an introduction is two letters)."""
    todo: TodoList | None = None
    """What a person must do today, from the state after the run."""
    intake: IntakeReport | None = None
    """What importing the form-answers tab did first (when the config names one)."""
    journal: JournalSummary | None = None
    """What the send journal settled and whether it could be used (None: no journal)."""

    def add(self, verdict: DeliveryVerdict, delivery: Delivery) -> None:
        """Count `delivery` as sent, failed (held for a person) or waiting (next run)."""
        table = {"sent": self.sent, "failed": self.failed, "waiting": self.waiting}[verdict]
        # A tab without IDs (Grupper): the group's name.
        whom = delivery.row_id or " ".join(text for _, text in delivery.key)
        table.setdefault(delivery.kind, []).append(whom)
        if verdict == "sent":
            self.letters[delivery.kind] = self.letters.get(delivery.kind, 0) + len(delivery.letters)

    @property
    def exit_code(self) -> int:
        failed = any(self.failed.values()) or self.stopped is not None or bool(self.write_error)
        failed = failed or (self.intake is not None and self.intake.exit_code != EXIT_OK)
        failed = failed or (self.journal is not None and self.journal.needs_a_person)
        failed = failed or self.outbox_error is not None or bool(self.doubtful_log_rows)
        return EXIT_PARTIAL if failed or self.rows_need_a_person else EXIT_OK

    @property
    def rows_need_a_person(self) -> bool:
        """The to-do list has a line under "rätta eller kontrollera": the code is 1 exactly
        when that list is shown (`fixes`). A problem on a row the run finished needs nobody."""
        return bool(self.fixes())

    def fixes(self) -> list[tuple[str, str]]:
        """What a person must correct or check, as (tab, line), from the to-do list over the
        state after the run (a dry run's: as if every letter had gone out)."""
        todo = self.todo or TodoList()
        return [(t.tab, f"ID {t.row_id}: {t.what}" if t.row_id else t.what) for t in todo.fixes]

    def lines(self) -> list[str]:
        """The report in Swedish, for stdout."""
        out: list[str] = []
        what = "Provkörning (inget skrivs i arbetsboken)" if self.dry_run else "Daglig körning"
        out.append(f"{what} {self.today.isoformat()}")
        if self.intake is not None:
            out.extend(self.intake.lines())
        if self.new_ids:
            out.append(f"  {count(len(self.new_ids), 'new_row')} ({_ids(self.new_ids)})")
        out.extend(self._letter_lines())
        if self.preview_folder is not None and self.emails:
            out.append(f"  breven finns i {self.preview_folder}")
        out.extend(self._notices())
        if self.stopped is not None:
            out.append(f"  utskicket stoppades: {self.stopped}. Resten skickas vid nästa körning.")
        if self.journal is not None:
            out.extend(self.journal.lines())
        if self.write_error is not None:
            then = (
                "nästa körning sätter datum enligt sändjournalen."
                if self.journal is not None and self.journal.failed is None
                else "skriv dagens datum i de cellerna."
            )
            out.append(
                f"  FEL vid sista skrivningen: {self.write_error} Datum, Status och Logg skrevs "
                "inte. Breven som gick iväg har kvar markeringen 'Skickar…' och skickas aldrig "
                f"igen: {then}"
            )
        if self.daily_limit is not None:
            out.append(
                f"  dygnsgräns: {self.sent_last_24h} av högst {self.daily_limit} brev "
                "skickade de senaste 24 timmarna (mail.daily_limit)"
            )
        if self.doubtful_log_rows:
            rows = ", ".join(str(n) for n in self.doubtful_log_rows)
            out.append(
                f"  KONTROLLERA Logg rad {rows}: ett datum långt fram i tiden eller ett orimligt "
                "antal i Brev räknas mot dygnsgränsen, så breven väntar. Rätta datumet eller "
                "antalet (eller ta bort raden) i Logg."
            )
        if self.erased:
            out.append(f"  personuppgifter raderade: {_ids(self.erased)}")
        if self.letters_erased:
            out.append(f"  brev i utkorgen raderade: {self.letters_erased}")
        if self.outbox_error is not None:
            out.append(f"  FEL: {self.outbox_error}. Nästa körning försöker igen.")
        if self.status_updates:
            out.append(f"  Status uppdaterad på {count(self.status_updates, 'row')}")
        if self.problem_groups:
            out.append(
                "  grupper där få är kvar vid uppföljningen (se Statistik): "
                + ", ".join(self.problem_groups)
            )
        if self.skipped_writes:
            out.append(f"  skrivningar som inte kunde göras: {len(self.skipped_writes)}")
            for skipped in self.skipped_writes:
                target = getattr(skipped.change, "row_id", None)
                out.append(
                    f"    ID {target}: {skipped.reason}" if target else f"    {skipped.reason}"
                )
        out.extend(self._todo_lines())
        if self.exit_code != EXIT_OK:
            also = " och Status i arbetsboken" if self._in_status() else ""
            out.append(f"Körningen är klar, men något behöver dig: se listan ovan{also}.")
        return out

    def _letter_lines(self) -> list[str]:
        """A line per delivery kind that sent, failed or waited, in the registry's words; or
        that there was nothing to send."""
        done = WOULD_BE_SENT if self.dry_run else SENT
        kinds = set(self.sent) | set(self.failed) | set(self.waiting)
        if not kinds:
            return ["  inga brev att skicka"]
        known = {kind.name: kind for kind in delivery_kinds()}
        order = list(known)  # the registry's: the routine's order, welcome letters first
        out: list[str] = []
        for name in sorted(kinds, key=lambda k: (order.index(k) if k in known else len(order), k)):
            sent = self.sent.get(name, [])
            noun = known[name].noun if name in known else Noun(name, name, name, name)
            line = f"  {count(len(sent), noun, participle=done)}"
            letters = self.letters.get(name, 0)
            if letters > len(sent):  # an introduction is two letters
                line += f" ({count(letters, 'letter')}"
                line += f"; {_whom(sent)})" if sent else ")"
            elif sent:
                line += f" ({_whom(sent)})"
            if self.failed.get(name):
                line += f"; misslyckades: {_whom(self.failed[name])}"
            if self.waiting.get(name):
                line += f"; väntar till nästa körning: {_whom(self.waiting[name])}"
            out.append(line)
        return out

    def _notices(self) -> list[str]:
        """Rows seen for the first time that get no welcome letter on purpose: nobody must act,
        but a coordinator who meant them to get one learns it the day they appear."""
        out: list[str] = []
        unwelcomed = self.unwelcomed
        if unwelcomed.before_start and self.start_date is not None:
            out.append(
                "  inget välkomstbrev till dem som registrerats före startdatum "
                f"{self.start_date.isoformat()} ({_whom(unwelcomed.before_start)}): ändra "
                "start_date i konfigurationen om de ska få ett"
            )
        if unwelcomed.before_first_run:
            out.append(
                "  inget välkomstbrev till rader som fanns före första körningen "
                f"({_whom(unwelcomed.before_first_run)}): töm Välkomstbrev på raden om brevet "
                "ska skickas"
            )
        return out

    def _in_status(self) -> bool:
        """Something to do is also written in a Status column: a row's line, or a letter
        whose stamp holds what went wrong."""
        stamped = any(self.failed.values()) or (
            self.journal is not None and self.journal.needs_a_person
        )
        return stamped or any(tab in STATUS_TABS for tab, _ in self.fixes())

    def _todo_lines(self) -> list[str]:
        """What a person must do today, by ID (never a name: stdout may be read by many)."""
        lines: list[str] = []
        todo = self.todo or TodoList()
        for title, tasks in (
            ("ring, försenat", todo.calls_overdue),
            ("ring i dag", todo.calls_due),
            ("uppföljningssamtal, försenat", todo.followups_overdue),
            ("uppföljningssamtal, dags nu", todo.followups_due),
        ):
            if tasks:
                lines.append(f"  {title}: {_ids([t.row_id for t in tasks if t.row_id])}")
        fixes = [f"    {line}" for _, line in self.fixes()]
        if fixes:
            lines.append(f"  rätta eller kontrollera: {len(fixes)}")
            lines.extend(fixes)
        return ["Att göra:", *lines] if lines else []


def _ids(ids: Sequence[int]) -> str:
    """`ID 3, 17, 82`: ascending, whatever order the run met them in."""
    return "ID " + ", ".join(str(i) for i in sorted(ids))


def _whom(whom: Sequence[Whom]) -> str:
    """`ID 3, 17`, `Centrumgruppen, Studentgruppen`, or both: IDs ascending, names in order."""
    ids = [w for w in whom if isinstance(w, int)]
    names = sorted(w for w in whom if isinstance(w, str))
    return "; ".join([*([_ids(ids)] if ids else []), *([", ".join(names)] if names else [])])
