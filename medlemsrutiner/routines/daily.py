"""The daily routine: read -> plan -> mark -> send -> settle -> write -> log. The imperative shell.

`run_daily` reads the workbook once and understands it once (`steps.records`), asks the steps for
the day's plan, renders every letter it will send (a broken template stops the run before
anything is written), writes a "sending" marker into the stamp cell of each delivery
(compare-and-set), sends only the deliveries whose marker landed, settles every outcome, then
writes the dates or errors, the follow-on changes, the Status texts and the Logg lines in one
more batch (and, only when some of those found no row, a last batch logging which).

A run killed between the two writes leaves markers that later runs never resend (at most once);
a rerun on the same day finds every stamp filled and sends nothing (idempotent). With a send
journal (`routines.settle`) the run notes each letter before and after sending, and the next
run first settles what the journal proves, so that only the letter in flight stays for a
person. The report carries counts and IDs only, never a name, address or phone number.

When the config names a form-answers tab, the run first imports its new answers
(`routines.intake`), so that they get their IDs and welcome letters the same morning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence

from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.adapters.outbox import DRY_RUN
from medlemsrutiner.adapters.sendlog_file import Journal
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import AppError
from medlemsrutiner.letters.render import OutgoingEmail, Renderer, build
from medlemsrutiner.plan import Delivery, Failed, LetterOutcome, NotAttempted, Plan, Sent, settle
from medlemsrutiner.reports import statistics
from medlemsrutiner.reports.todo import todo
from medlemsrutiner.routines.intake import import_form_answers
from medlemsrutiner.routines.outbox_erasure import erase_letters
from medlemsrutiner.routines.report import DailyReport
from medlemsrutiner.routines.settle import JournalRun
from medlemsrutiner.sheet import cells, logbook, stamps
from medlemsrutiner.sheet import changes as ch
from medlemsrutiner.sheet.changes import Change
from medlemsrutiner.sheet.logbook import LogEntry
from medlemsrutiner.sheet.schema import Grid, Tables, tables_from_grids
from medlemsrutiner.steps import groups, welcome
from medlemsrutiner.steps.after import records_after
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.finished import hide_finished, hide_finished_followups
from medlemsrutiner.steps.records import read_records
from medlemsrutiner.steps.status import status_changes

__all__ = ["DailyReport", "read_tables", "render_plan", "run_daily"]


def read_tables(workbook: Workbook, config: Config) -> tuple[Mapping[str, Grid], Tables]:
    """One read of every tab; raises on a missing tab or column before anything is written."""
    grids = workbook.read()
    return grids, tables_from_grids(grids, config.workbook.tab_names)


def render_plan(
    plan: Plan, chosen: Sequence[int], renderer: Renderer, config: Config, now: dt.datetime
) -> dict[int, tuple[OutgoingEmail, ...]]:
    """The letters of the deliveries at positions `chosen` in `plan.deliveries`."""
    return {
        index: tuple(
            build(
                renderer,
                letter,
                plan.shared,
                config,
                now,
                label=plan.deliveries[index].label(letter.kind),
                record=plan.deliveries[index].record(letter),
            )
            for letter in plan.deliveries[index].letters
        )
        for index in chosen
    }


def run_daily(
    workbook: Workbook,
    transport: Transport,
    renderer: Renderer,
    config: Config,
    today: dt.date,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    journal: Journal | None = None,
) -> DailyReport:
    """Run every daily step once. `workbook` (and `journal`) must already be entered (locked)."""
    intake = import_form_answers(workbook, config, today, now, dry_run=dry_run)
    settings = config.settings
    now_text = logbook.time_text(now, config.zone)
    sends = JournalRun(None if dry_run else journal, today, now_text)
    sends.open()
    grids, tables = read_tables(workbook, config)
    if sends.recover(workbook, tables, config, transport):
        grids, tables = read_tables(workbook, config)
    records = read_records(tables, today, settings)
    plan = plan_day(records, today, settings)
    report = DailyReport(today=today, dry_run=dry_run, flags=list(plan.flags), intake=intake)
    report.unwelcomed, report.start_date = (
        welcome.unwelcomed(records, settings),
        settings.start_date,
    )
    report.journal = sends.summary if sends.journal is not None else None
    report.new_ids = [c.row_id for c in plan.first_writes if isinstance(c, ch.AssignId)]
    report.erased = list(plan.erased)
    report.sent_last_24h = logbook.letters_sent_since(
        tables["log"], now - dt.timedelta(hours=24), config.zone
    )
    room = max(0, config.mail.daily_limit - report.sent_last_24h)
    order = sorted(range(len(plan.deliveries)), key=lambda i: (plan.deliveries[i].due_since, i))
    chosen, over_cap = _within_cap(plan.deliveries, order, min(config.mail.max_per_run, room))
    if over_cap and room < config.mail.max_per_run:
        report.daily_limit = config.mail.daily_limit
        report.doubtful_log_rows = logbook.doubtful_rows(
            tables["log"], now - dt.timedelta(hours=24), now, config.zone
        )
    for index in over_cap:
        report.add("waiting", plan.deliveries[index])
    held = (
        [LogEntry(logbook.Action.HELD_BACK, None, f"{len(over_cap)} utskick väntar på gränsen")]
        if over_cap
        else []
    )
    # Every letter of the run is rendered before anything is written: a broken template stops
    # the run with nothing marked. Only the letters this run will send are rendered.
    rendered = render_plan(plan, chosen, renderer, config, now)

    def marking() -> tuple[list[Change], list[Change]]:
        """The markers (with the run's token once the journal knows the run), and the first
        write: new IDs, first-seen dates and the markers. Compare-and-set: a marker lands only
        on a stamp cell that still reads as this run read it, so a run that overlaps another
        (or a person stamping by hand) sends nothing."""
        marker = stamps.sending_marker(now_text, sends.token)
        markers = [plan.deliveries[i].write_stamp(marker, compare=True) for i in chosen]
        return markers, [*plan.first_writes, *markers]

    if dry_run:
        # Every letter goes to the dry-run folder; the rest is worked out as the real run would
        # (the to-do list as if every letter went out), and nothing is written.
        report.preview_folder = config.mail.outbox / DRY_RUN
        markers, first_batch = marking()
        with transport:
            outcomes = {i: [transport.send(email) for email in rendered[i]] for i in chosen}
        report.emails.extend(email for i in chosen for email in rendered[i])
        marked = list(chosen)
    else:
        # The connection opens (and logs in) before any marker is written, so a refused login
        # stops the run with nothing marked; on a day without letters the mail server is not
        # needed at all, and IDs, Status and Logg are still written.
        with transport if chosen else contextlib.nullcontext(transport):
            if chosen:  # the journal knows of every marker before it is written
                sends.start([plan.deliveries[i] for i in chosen], transport)
            markers, first_batch = marking()
            first = workbook.write(first_batch)
            report.skipped_writes.extend(first.skipped)
            landed = {id(change) for change in first.landed}
            marked = [i for i, change in zip(chosen, markers, strict=True) if id(change) in landed]
            outcomes = _send(plan, rendered, marked, transport, report, sends)

    settled = [settle(plan.deliveries[i], outcomes[i], today) for i in marked]
    for result in settled:
        report.add(result.verdict, result.delivery)
    second_batch: list[Change] = [*(c for s in settled for c in s.changes), *plan.changes]
    after = records_after(
        records, grids, config.workbook.tab_names, [first_batch, second_batch], today, settings
    )
    report.todo = todo(after, today, settings, horizon=dt.timedelta(0))
    numbers = statistics.compute(after.followups, after.groups, today, settings)
    report.problem_groups = list(numbers.problem_groups)
    if dry_run:
        return report

    # Logg in the order of events: what the read found, the letters, then the writes after them.
    entries: list[LogEntry] = [
        *plan.log,
        *(entry for s in settled for entry in s.log),
        *plan.log_after_letters,
        *held,
    ]
    entries.extend(_skipped_entry(s) for s in first.skipped)
    entries.append(LogEntry(logbook.Action.DAILY_DONE, None))
    statuses: list[Change] = [
        *status_changes(after, today, settings),
        *groups.group_status_changes(after, today, settings),
    ]
    report.status_updates = len(statuses)
    stats = statistics.statistics_change(numbers, settings)
    try:
        second = workbook.write(
            [
                *second_batch,
                *statuses,
                stats,
                hide_finished(after, today, settings),
                hide_finished_followups(after, today, settings),
                *logbook.log_rows(entries, now_text),
            ]
        )
        sends.finish(config)  # every stamp of the run is written: its journal entries go
        report.skipped_writes.extend(second.skipped)
        # The data is gone from the workbook now, so the letters holding it go (not before).
        letters = erase_letters(
            config.mail.outbox,
            after,
            today,
            settings,
            unsure=[i for s in second.skipped if (i := getattr(s.change, "row_id", None))],
        )
        report.letters_erased, report.outbox_error = letters.removed, letters.error
        if second.skipped:
            workbook.write(logbook.log_rows([_skipped_entry(s) for s in second.skipped], now_text))
    except AppError as error:
        # The first write landed (IDs, markers) and letters may have left: not "nothing done".
        report.write_error = str(error)
    return report


def _skipped_entry(skipped: ch.Skipped) -> LogEntry:
    return LogEntry(
        logbook.Action.SKIPPED_WRITE, getattr(skipped.change, "row_id", None), skipped.reason
    )


def _within_cap(
    deliveries: Sequence[Delivery], order: Sequence[int], cap: int
) -> tuple[list[int], list[int]]:
    """Oldest due first, as many whole deliveries as fit in `cap` letters."""
    chosen: list[int] = []
    over: list[int] = []
    letters = 0
    for index in order:
        size = len(deliveries[index].letters)
        if letters + size <= cap:
            chosen.append(index)
            letters += size
        else:
            over.append(index)
    return chosen, over


def _send(
    plan: Plan,
    rendered: Mapping[int, tuple[OutgoingEmail, ...]],
    marked: Sequence[int],
    transport: Transport,
    report: DailyReport,
    sends: JournalRun,
) -> dict[int, list[LetterOutcome]]:
    """Send the deliveries whose marker landed, each letter noted in the journal before and
    after; stop sending after a quota error (or when the journal cannot be written)."""
    outcomes: dict[int, list[LetterOutcome]] = {}
    stopped = False
    for index in marked:
        results: list[LetterOutcome] = []
        for email in rendered[index]:
            if stopped:
                results.append(NotAttempted())
                continue
            unjournaled = sends.begin(email)
            outcome = unjournaled or transport.send(email)
            if unjournaled is None:
                sends.answer(email, outcome)
            results.append(outcome)
            if isinstance(outcome, Sent):
                report.emails.append(email)
            if isinstance(outcome, Failed) and outcome.stop:
                stopped = True
                report.stopped = cells.redact(outcome.reason)
        outcomes[index] = results
    return outcomes
