"""The daily routine: read -> plan -> mark -> send -> write -> log. The imperative shell.

`run_daily` reads the workbook once, asks the rules for a plan, renders every letter (a broken
template stops the run before anything is written), writes a "sending" marker into the stamp
cell of each delivery (compare-and-set), sends only the deliveries whose marker landed, then
writes the dates or errors, the follow-on changes, the Status texts and the Logg lines in one
more batch (and, only when some of those found no row, a last batch logging which).

A run killed between the two writes leaves markers that later runs never resend (at most once);
a rerun on the same day finds every stamp filled and sends nothing (idempotent). The report
carries counts and IDs only, never a name, address or phone number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from medlemsrutiner import cells, rules
from medlemsrutiner import changes as ch
from medlemsrutiner.changes import AppendRow, Change, SetCells
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL, AppError
from medlemsrutiner.mail import Transport
from medlemsrutiner.messages import OutgoingEmail, Renderer, build
from medlemsrutiner.rules import Delivery, Failed, Flag, LetterOutcome, LogEntry, NotAttempted, Plan
from medlemsrutiner.schema import Grid, Tables, tables_from_grids
from medlemsrutiner.workbook import Workbook


@dataclass
class DailyReport:
    """What a run did, for stdout and the exit code (IDs and counts only)."""

    today: dt.date
    dry_run: bool
    new_ids: list[int] = field(default_factory=list)
    sent: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, list[int]] = field(default_factory=dict)
    waiting: dict[str, list[int]] = field(default_factory=dict)
    erased: list[int] = field(default_factory=list)
    skipped_writes: list[ch.Skipped] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    status_updates: int = 0
    emails: list[OutgoingEmail] = field(default_factory=list)
    sent_last_24h: int = 0
    """Letters Logg says went out in the 24 hours before this run (for `mail.daily_limit`)."""
    daily_limit: int | None = None
    """Set when the rolling 24-hour limit held letters back."""
    stopped: str | None = None
    """Why sending stopped early (a quota, a dropped connection), redacted; the rest waits."""
    write_error: str | None = None
    """Why the last write failed after the first one landed (letters may have gone out)."""

    @property
    def exit_code(self) -> int:
        failed = any(self.failed.values()) or self.stopped is not None or bool(self.write_error)
        return EXIT_PARTIAL if failed or any(flag.problem for flag in self.flags) else EXIT_OK

    def lines(self) -> list[str]:
        """The report in Swedish, for stdout."""
        out: list[str] = []
        what = "Provkörning (inget skrivs i arbetsboken)" if self.dry_run else "Daglig körning"
        out.append(f"{what} {self.today.isoformat()}")
        if self.new_ids:
            out.append(f"  nya rader: {len(self.new_ids)} ({_ids(self.new_ids)})")
        verb = "skulle skickas" if self.dry_run else "skickade"
        for action in sorted(set(self.sent) | set(self.failed) | set(self.waiting)):
            sent = self.sent.get(action, [])
            line = f"  {action}: {len(sent)} {verb}"
            if sent:
                line += f" ({_ids(sent)})"
            if self.failed.get(action):
                line += f"; misslyckades: {_ids(self.failed[action])}"
            if self.waiting.get(action):
                line += f"; väntar till nästa körning: {_ids(self.waiting[action])}"
            out.append(line)
        if not self.sent and not self.failed:
            out.append("  inga brev att skicka")
        if self.stopped is not None:
            out.append(f"  utskicket stoppades: {self.stopped}. Resten skickas vid nästa körning.")
        if self.write_error is not None:
            out.append(
                f"  FEL vid sista skrivningen: {self.write_error} Datum, Status och Logg skrevs "
                "inte. Breven som gick iväg har kvar markeringen 'Skickar…' och skickas aldrig "
                "igen: skriv dagens datum i de cellerna."
            )
        if self.daily_limit is not None:
            out.append(
                f"  dygnsgräns: {self.sent_last_24h} av högst {self.daily_limit} brev "
                "skickade de senaste 24 timmarna (mail.daily_limit)"
            )
        if self.erased:
            out.append(f"  personuppgifter raderade: {_ids(sorted(self.erased))}")
        if self.status_updates:
            out.append(f"  Status uppdaterad på {self.status_updates} rader")
        if self.skipped_writes:
            out.append(f"  skrivningar som inte kunde göras: {len(self.skipped_writes)}")
            for skipped in self.skipped_writes:
                target = getattr(skipped.change, "row_id", None)
                out.append(
                    f"    ID {target}: {skipped.reason}" if target else f"    {skipped.reason}"
                )
        problems = [flag for flag in self.flags if flag.problem]
        notices = [flag for flag in self.flags if not flag.problem]
        if problems:
            out.append(f"  rader att rätta: {len(problems)}")
            out.extend(f"    {_where(flag)}: {flag.text}" for flag in problems)
        if notices:
            out.append(f"  att kontrollera: {len(notices)}")
            out.extend(f"    {_where(flag)}: {flag.text}" for flag in notices)
        return out


def _ids(ids: Sequence[int]) -> str:
    return "ID " + ", ".join(str(i) for i in ids)


def _where(flag: Flag) -> str:
    return f"ID {flag.row_id}" if flag.row_id is not None else f"rad {flag.row}"


def read_tables(workbook: Workbook, config: Config) -> tuple[Mapping[str, Grid], Tables]:
    """One read of every tab; raises on a missing tab or column before anything is written."""
    grids = workbook.read()
    return grids, tables_from_grids(grids, config.workbook.tab_names)


def render_plan(
    plan: Plan, renderer: Renderer, config: Config, now: dt.datetime
) -> dict[int, tuple[OutgoingEmail, ...]]:
    """Every letter of the plan, by the delivery's position in `plan.deliveries`."""
    return {
        index: tuple(
            build(
                renderer,
                letter,
                plan.shared,
                config,
                now,
                label=f"ID{delivery.row_id}-{letter.kind}",
            )
            for letter in delivery.letters
        )
        for index, delivery in enumerate(plan.deliveries)
    }


def _time_text(now: dt.datetime, config: Config) -> str:
    return now.astimezone(config.zone).strftime("%Y-%m-%d %H:%M")


def _log_rows(entries: Sequence[LogEntry], now_text: str) -> list[Change]:
    return [
        AppendRow(
            "log",
            (
                ("time", now_text),
                ("action", entry.action),
                ("id", entry.row_id),
                ("detail", entry.detail),
            ),
        )
        for entry in entries
    ]


def run_daily(
    workbook: Workbook,
    transport: Transport,
    renderer: Renderer,
    config: Config,
    today: dt.date,
    now: dt.datetime,
    *,
    dry_run: bool = False,
) -> DailyReport:
    """Run every daily step once. `workbook` must already be entered (locked)."""
    grids, tables = read_tables(workbook, config)
    plan = rules.plan_day(tables, today, config)
    rendered = render_plan(plan, renderer, config, now)
    report = DailyReport(today=today, dry_run=dry_run, flags=list(plan.flags))
    report.new_ids = [c.row_id for c in plan.first_writes if isinstance(c, ch.AssignId)]
    report.erased = list(plan.erased)
    order = sorted(range(len(plan.deliveries)), key=lambda i: (plan.deliveries[i].due_since, i))
    report.sent_last_24h = rules.letters_sent_since(
        tables["log"], now - dt.timedelta(hours=24), config.zone
    )
    room = max(0, config.mail.daily_limit - report.sent_last_24h)
    chosen, over_cap = _within_cap(plan.deliveries, order, min(config.mail.max_per_run, room))
    if over_cap and room < config.mail.max_per_run:
        report.daily_limit = config.mail.daily_limit
    for index in over_cap:
        delivery = plan.deliveries[index]
        report.waiting.setdefault(delivery.action, []).append(delivery.row_id)

    if dry_run:
        with transport:
            for index in chosen:
                delivery = plan.deliveries[index]
                for email in rendered[index]:
                    transport.send(email)
                    report.emails.append(email)
                report.sent.setdefault(delivery.action, []).append(delivery.row_id)
        return report

    now_text = _time_text(now, config)
    marker = rules.sending_marker(now_text)
    # The connection opens (and logs in) before any marker is written, so a refused login
    # stops the run with nothing marked; on a day without letters the mail server is not
    # needed at all, and IDs, Status and Logg are still written.
    with transport if chosen else contextlib.nullcontext(transport):
        # Compare-and-set: a marker lands only on a stamp cell that still reads as this run
        # read it, so a run that overlaps another (or a person stamping by hand) sends nothing.
        markers = [
            SetCells(
                plan.deliveries[i].tab,
                plan.deliveries[i].row_id,
                ((plan.deliveries[i].stamp, marker),),
                expect=((plan.deliveries[i].stamp, plan.deliveries[i].stamp_text),),
            )
            for i in chosen
        ]
        first_batch: list[Change] = [*plan.first_writes, *markers]
        first = workbook.write(first_batch)
        report.skipped_writes.extend(first.skipped)
        landed_markers = {
            _marker_key(change) for change in first.landed if isinstance(change, SetCells)
        }
        outcomes = _send(plan, rendered, chosen, markers, landed_markers, transport, report)

    settled: list[Change] = []
    entries: list[LogEntry] = list(plan.log)
    for index, letter_outcomes in outcomes.items():
        delivery = plan.deliveries[index]
        delivery_changes, delivery_log = rules.settle(delivery, letter_outcomes, today)
        settled.extend(delivery_changes)
        entries.extend(delivery_log)
        if all(isinstance(o, rules.Sent) for o in letter_outcomes):
            report.sent.setdefault(delivery.action, []).append(delivery.row_id)
        elif any(isinstance(o, Failed) and not o.retry for o in letter_outcomes):
            # Held for a person: an error in the cell, or a letter that may have arrived.
            report.failed.setdefault(delivery.action, []).append(delivery.row_id)
        else:
            # A passing fault: what did not go out (all of it, or the rest) goes next run.
            report.waiting.setdefault(delivery.action, []).append(delivery.row_id)
    entries.extend(_skipped_entry(s) for s in first.skipped)

    second_batch: list[Change] = [*settled, *plan.changes]
    after = ch.apply(
        grids, ch.resolve([*first_batch, *second_batch], grids, config.workbook.tab_names)
    )
    statuses = rules.status_changes(
        tables_from_grids(after, config.workbook.tab_names), today, config
    )
    report.status_updates = len(statuses)
    try:
        second = workbook.write([*second_batch, *statuses, *_log_rows(entries, now_text)])
        report.skipped_writes.extend(second.skipped)
        if second.skipped:
            workbook.write(_log_rows([_skipped_entry(s) for s in second.skipped], now_text))
    except AppError as error:
        # The first write landed (IDs, markers) and letters may have left: not "nothing done".
        report.write_error = str(error)
    return report


def _skipped_entry(skipped: ch.Skipped) -> LogEntry:
    return LogEntry(
        "skrivning hoppades över", getattr(skipped.change, "row_id", None), skipped.reason
    )


def _marker_key(change: SetCells) -> tuple[str, int, str]:
    return change.tab, change.row_id, change.values[0][0]


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
    chosen: Sequence[int],
    markers: Sequence[SetCells],
    landed_markers: set[tuple[str, int, str]],
    transport: Transport,
    report: DailyReport,
) -> dict[int, list[LetterOutcome]]:
    """Send the deliveries whose marker landed; stop sending after a quota error."""
    outcomes: dict[int, list[LetterOutcome]] = {}
    stopped = False
    for index, marker in zip(chosen, markers, strict=True):
        if _marker_key(marker) not in landed_markers:
            continue  # the row moved away or vanished: no marker, so no letter
        results: list[LetterOutcome] = []
        for email in rendered[index]:
            if stopped:
                results.append(NotAttempted())
                continue
            outcome = transport.send(email)
            results.append(outcome)
            if isinstance(outcome, rules.Sent):
                report.emails.append(email)
            if isinstance(outcome, Failed) and outcome.stop:
                stopped = True
                report.stopped = cells.redact(outcome.reason)
        outcomes[index] = results
    return outcomes
