"""The weekly emails: the coordinator's summary and the training coordinator's letter. Reads the
workbook, sends over the transport, and appends to Logg.

At most once a week each: Logg records `… skickas` before the letter is handed to the transport
and `… skickad` (or `… misslyckades`) after. A run that finds `skickad` in the same ISO week
sends nothing again; one that finds `skickas` without an answer (a run killed in between) or
a failure that may have left sends nothing and asks a person; one that finds only failures of
letters that certainly did not leave (a 4xx, a refusal) tries again.
A dry run writes both letters to the dry-run folder every time, even in a week whose letters
have gone (it says so: a real run would not send them again).
With the `skickas` row, Logg gets a `nämnd i veckosammanfattningen` row for each ID the summary
names by first name, which keeps that person's data `erase_after_result_days` after it
(`steps.erasure`), so the summary's file in the outbox never outlives what it names.
The summary's retention chart goes in as an inline PNG (a Content-ID referenced from the HTML),
when anyone was referred in the last 12 months. On a Google workbook the run also checks who can
open each spreadsheet (routines/sharing.py): what is wrong goes in the summary's health section,
and makes the exit code 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import DRY_RUN
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL
from medlemsrutiner.letterfile import LetterRecord
from medlemsrutiner.letters.render import OutgoingEmail, Renderer, build
from medlemsrutiner.plan import Failed, Letter, Sent
from medlemsrutiner.reports import statistics, weekly
from medlemsrutiner.reports.chart import retention_png
from medlemsrutiner.routines.sharing import sharing_notes
from medlemsrutiner.sheet import cells, logbook
from medlemsrutiner.sheet.logbook import Action, LogEntry
from medlemsrutiner.sheet.schema import tables_from_grids
from medlemsrutiner.steps.records import read_records

CHART = "andel-aktiva"


@dataclass
class WeeklyReport:
    """What the weekly run did (no personal data: the letters go to the coordinators)."""

    today: dt.date
    dry_run: bool
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(letter, why) for each letter that did not go out."""
    unsure: list[str] = field(default_factory=list)
    """Letters of this week an earlier run may have sent (stopped while sending, or no answer):
    never sent again; a person checks."""
    emails: list[OutgoingEmail] = field(default_factory=list)
    preview_folder: Path | None = None
    """Where a dry run wrote its letters."""
    todo: int = 0
    sharing: int = 0
    """Things wrong with who can open the spreadsheets (they are in the summary)."""

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed or self.sharing or self.unsure else EXIT_OK

    def lines(self) -> list[str]:
        what = "Provkörning" if self.dry_run else "Veckokörning"
        out = [f"{what} {self.today.isoformat()} (vecka {self.today.isocalendar().week})"]
        for name in self.sent:
            if not self.dry_run:
                out.append(f"  {name}: har skickats")
            elif name in self.skipped:
                out.append(
                    f"  {name}: har redan skickats den här veckan, så en riktig körning skickar "
                    "den inte igen (här är den ändå)"
                )
            else:
                out.append(f"  {name}: skulle skickas")
        out.extend(
            f"  {name}: har redan skickats den här veckan"
            for name in self.skipped
            if name not in self.sent
        )
        out.extend(
            f"  {name}: KONTROLLERA – en körning den här veckan avbröts eller fick inget svar "
            "medan den skickades, så den skickas inte igen (se Logg). Kom den inte fram, "
            "skickas nästa vecka en ny."
            for name in self.unsure
        )
        out.extend(f"  {name}: misslyckades ({reason})" for name, reason in self.failed)
        if self.preview_folder is not None and self.emails:
            out.append(f"  breven finns i {self.preview_folder}")
        out.append(f"  att göra i sammanfattningen: {self.todo}")
        if self.sharing:
            out.append(
                f"  KONTROLLERA delningen av kalkylarken: {self.sharing} att rätta "
                "(se sammanfattningen, eller kör check_setup.py)"
            )
        return out


_NAMES = {"weekly_summary": "veckosammanfattning", "training_summary": "utbildningsbrev"}
_MARKS = {
    "weekly_summary": (Action.SUMMARY_SENDING, Action.SUMMARY_SENT, Action.SUMMARY_FAILED),
    "training_summary": (Action.TRAINING_SENDING, Action.TRAINING_SENT, Action.TRAINING_FAILED),
}


WeekState = Literal["due", "sent", "unsure"]


def _this_week(events: list[logbook.Event], kind: str, today: dt.date) -> WeekState:
    """Where this ISO week's letter of `kind` stands, from Logg in the order of the tab: `sent`
    (`… skickad`); `unsure` (`… skickas` with no answer after it — a run stopped while sending
    — or `… misslyckades` counting a letter that may have left: never sent twice, a person
    looks); else `due`, also after `… misslyckades` for a letter that certainly did not leave
    (a passing fault, a refusal): it is tried again by the next run."""
    sending, sent, failed = _MARKS[kind]
    week = today.isocalendar()[:2]
    state: WeekState = "due"
    pending = False
    for event in events:
        if event.time.date().isocalendar()[:2] != week:
            continue
        if event.action == sent:
            state = "sent"
        elif event.action == sending:
            pending = True
        elif event.action == failed and pending:
            pending = False
            if event.letters and state == "due":
                state = "unsure"
    if pending and state == "due":
        state = "unsure"
    return state


def run_weekly(
    workbook: Workbook,
    transport: Transport,
    renderer: Renderer,
    config: Config,
    today: dt.date,
    now: dt.datetime,
    *,
    dry_run: bool = False,
) -> WeeklyReport:
    """Send this week's summary (and the training coordinator's letter) unless already sent."""
    settings = config.settings
    tables = tables_from_grids(workbook.read(), config.workbook.tab_names)
    records = read_records(tables, today, settings)
    numbers = statistics.compute(records.followups, records.groups, today, settings)
    sharing = sharing_notes(config, workbook)
    summary = weekly.weekly_summary(records, tables["log"], numbers, today, settings, sharing)
    report = WeeklyReport(today, dry_run, todo=summary.todo.count, sharing=len(sharing))
    coordinator = config.coordinator
    letters = [
        Letter(
            "weekly_summary",
            config.language,
            coordinator.email,
            coordinator.name,
            extra=(("summary", summary), ("chart", CHART)),
            # The HTML shows the chart beside the table of the last 12 months, and only then: an
            # image nothing refers to would arrive as an attachment.
            images=((CHART, retention_png(numbers)),) if numbers.rolling else (),
            names=summary.named_ids,
        )
    ]
    if config.training_coordinator is not None:
        trainer = config.training_coordinator
        letters.append(
            Letter(
                "training_summary",
                config.language,
                trainer.email,
                trainer.name,
                extra=(("summary", summary.trainings),),
                names=frozenset(),  # dates, titles and counts: it names nobody
            )
        )
    events = logbook.events(tables["log"])
    states = {letter.kind: _this_week(events, letter.kind, today) for letter in letters}
    report.skipped = [_NAMES[k] for k, state in states.items() if state == "sent"]
    report.unsure = [_NAMES[k] for k, state in states.items() if state == "unsure"]
    # A dry run shows this week's letters whether or not they have gone.
    due = letters if dry_run else [letter for letter in letters if states[letter.kind] == "due"]
    week = today.isocalendar().week
    # Rendered before anything is written: a broken template stops the run with nothing marked.
    rendered = [
        (
            letter,
            build(
                renderer,
                letter,
                records.shared,
                config,
                now,
                f"vecka{week}-{letter.kind}",
                LetterRecord(letter.kind, week=week, names=letter.names),
            ),
        )
        for letter in due
    ]
    if dry_run:
        report.preview_folder = config.mail.outbox / DRY_RUN
        with transport:
            for letter, email in rendered:
                transport.send(email)
                report.emails.append(email)
                report.sent.append(_NAMES[letter.kind])
        return report
    if not rendered:
        return report
    now_text = logbook.time_text(now, config.zone)
    with transport:
        named = [
            LogEntry(Action.NAMED, row_id)
            for letter, _ in rendered
            for row_id in sorted(letter.names or ())
        ]
        marks = [LogEntry(_MARKS[letter.kind][0], None) for letter, _ in rendered]
        workbook.write(logbook.log_rows([*marks, *named], now_text))
        outcomes: list[LogEntry] = []
        for letter, email in rendered:
            _, sent, failed = _MARKS[letter.kind]
            outcome = transport.send(email)
            if isinstance(outcome, Sent):
                report.sent.append(_NAMES[letter.kind])
                report.emails.append(email)
                outcomes.append(LogEntry(sent, None, "", 1))
            else:
                reason = (
                    cells.redact(outcome.reason) if isinstance(outcome, Failed) else "inte skickat"
                )
                report.failed.append((_NAMES[letter.kind], reason))
                maybe = isinstance(outcome, Failed) and outcome.maybe_sent
                outcomes.append(LogEntry(failed, None, reason, 1 if maybe else 0))
    workbook.write(logbook.log_rows(outcomes, now_text))
    return report
