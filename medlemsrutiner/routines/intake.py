"""Importing people: from a file (scripts/import_contacts.py) and, first thing in every daily run,
from the form-answers tab. The shell around `steps.intake`: read the workbook once, decide, write
the new rows (and the form tab's marks) and one Logg line in one batch, report. Does I/O only
through the Workbook it is given.

The report names rows by number and columns by header, never a name, address or phone number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL, ImportFileError
from medlemsrutiner.sheet import cells, logbook
from medlemsrutiner.sheet import changes as ch
from medlemsrutiner.sheet.logbook import Action, LogEntry
from medlemsrutiner.sheet.schema import Grid, header_key, tables_from_grids
from medlemsrutiner.steps.intake import (
    FIELD_HEADERS,
    ColumnMap,
    ImportVerdict,
    Intake,
    known_people,
    plan_form_intake,
    plan_intake,
)
from medlemsrutiner.wording import NOUNS, Participle

_SAID = {
    ImportVerdict.IMPORTED: Participle("importerad", "importerat", "importerade", "imported"),
    ImportVerdict.PRESENT: Participle.same("fanns redan", "already present"),
    ImportVerdict.REFUSED: Participle.same("kunde inte importeras", "could not be imported"),
    ImportVerdict.ERASED: Participle(
        "raderad utan import", "raderat utan import", "raderade utan import", "erased unimported"
    ),
}
"""What became of the rows of one verdict, after their count."""

_DETAILS = 20
"""Up to this many rows already present are listed one by one (a second import lists none)."""


@dataclass
class IntakeReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    """The file's name, or the form tab's."""
    form: bool
    dry_run: bool
    intake: Intake | None = None
    problem: str | None = None
    """Why the form tab could not be read (the run goes on)."""
    skipped_writes: list[ch.Skipped] = field(default_factory=list)

    def count(self, verdict: ImportVerdict) -> int:
        return len(self.intake.rows(verdict)) if self.intake is not None else 0

    def said(self, verdict: ImportVerdict, n: int, dry: bool = False) -> str:
        """`1 importerat`, `3 importerade`, `2 fanns redan`: agreeing with what is counted, a
        form answer (`ett svar`) or a file's row (`en rad`)."""
        said = Participle.same("skulle importeras", "would be imported") if dry else _SAID[verdict]
        return f"{n} {said.after(n, NOUNS['form_answer' if self.form else 'row'])}"

    @property
    def exit_code(self) -> int:
        refused = self.count(ImportVerdict.REFUSED) or self.skipped_writes
        return EXIT_PARTIAL if self.problem is not None or refused else EXIT_OK

    def lines(self) -> list[str]:
        """The report in Swedish, for stdout (indented under the daily run's for the form)."""
        return self._form_lines() if self.form else self._file_lines()

    def _file_lines(self) -> list[str]:
        assert self.intake is not None
        what = "Provkörning (inget skrivs i arbetsboken): import" if self.dry_run else "Import"
        out = [f"{what} från {self.source}"]
        out.append("  kolumner: " + describe_columns(self.intake.columns))
        if self.intake.columns.unused:
            out.append("  används inte: " + ", ".join(_headers(self.intake.columns.unused)))
        imported = self.intake.rows(ImportVerdict.IMPORTED)
        verb = "skulle importeras" if self.dry_run else "importerade"
        out.append(f"  {verb}: {len(imported)}{_rows(r.row for r in imported)}")
        present = self.intake.rows(ImportVerdict.PRESENT)
        if present:
            out.append(f"  fanns redan: {len(present)}{_rows(r.row for r in present)}")
            if len(present) <= _DETAILS:
                out.extend(f"    rad {r.row}: {r.reason}" for r in present)
        refused = self.intake.rows(ImportVerdict.REFUSED)
        if refused:
            out.append(f"  kunde inte importeras: {len(refused)}")
            out.extend(f"    rad {r.row}: {r.reason}" for r in refused)
        out.extend(_skipped(self.skipped_writes))
        if imported and not self.dry_run:
            out.append("  De nya raderna får ID och välkomstbrev vid nästa dagliga körning.")
        return out

    def _form_lines(self) -> list[str]:
        out: list[str] = []
        if self.problem is not None:
            out.append(f"  formulärsvar: {self.problem}")
        if self.intake is None or not self.intake.outcomes:
            return out
        parts = []
        for verdict in (ImportVerdict.IMPORTED, ImportVerdict.PRESENT, ImportVerdict.ERASED):
            rows = self.intake.rows(verdict)
            if rows:
                dry = verdict is ImportVerdict.IMPORTED and self.dry_run
                parts.append(f"{self.said(verdict, len(rows), dry)}{_rows(r.row for r in rows)}")
        if parts:
            out.append(f"  formulärsvar i '{self.source}': " + "; ".join(parts))
        refused = self.intake.rows(ImportVerdict.REFUSED)
        if refused:
            out.append(f"  formulärsvar som inte kunde importeras: {len(refused)}")
            out.extend(f"    {self.source} rad {r.row}: {r.reason}" for r in refused)
        handled = self.count(ImportVerdict.IMPORTED) + self.count(ImportVerdict.PRESENT)
        if handled and self.intake.columns.unused:
            unused = ", ".join(_headers(self.intake.columns.unused))
            out.append(f"  frågor som inte importeras (svaren raderas ur fliken): {unused}")
        out.extend(_skipped(self.skipped_writes))
        return out


def describe_columns(columns: ColumnMap) -> str:
    """`Namn ← Förnamn + Efternamn; E-post ← Mejl; …`: which header fills which column."""
    found = dict(columns.headers)
    parts = []
    name_from = [*found.pop("name", ()), *found.pop("first_name", ()), *found.pop("last_name", ())]
    if name_from:
        parts.append("Namn ← " + " + ".join(_headers(name_from)))
    parts.extend(
        f"{FIELD_HEADERS[name]} ← {' / '.join(_headers(headers))}"
        for name, headers in found.items()
    )
    return "; ".join(parts)


def _headers(headers: Sequence[str]) -> list[str]:
    # Headers are not personal data, but a file without a header row has data in row 1.
    return [cells.redact(header) for header in headers]


def _rows(numbers: Iterable[int]) -> str:
    """` (rad 2–5, 9)`: row numbers, runs shortened."""
    values = sorted(numbers)
    if not values:
        return ""
    spans: list[str] = []
    start = previous = values[0]
    for number in [*values[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return " (rad " + ", ".join(spans) + ")"


def _skipped(skipped: Sequence[ch.Skipped]) -> list[str]:
    if not skipped:
        return []
    return [
        f"  skrivningar som inte kunde göras: {len(skipped)}",
        *(f"    {s.reason}" for s in skipped),
    ]


# --- A file ----------------------------------------------------------------------------------


def import_contacts(
    workbook: Workbook,
    grid: Grid,
    source: str,
    config: Config,
    today: dt.date,
    now: dt.datetime,
    *,
    dry_run: bool = False,
) -> IntakeReport:
    """Add the people of `grid` (a file's rows; row 0 its headers) to Intresserade.
    `workbook` must already be entered (locked) unless `dry_run`."""
    tables = tables_from_grids(workbook.read(), config.workbook.tab_names)
    intake = plan_intake(grid, known_people(tables), today, config.intake.aliases)
    if intake.columns.missing is not None:
        raise ImportFileError(
            f"{source}: {intake.columns.missing}. Första raden ska ha rubriker "
            "(se README eller guiden); ingenting har importerats."
        )
    report = IntakeReport(source, form=False, dry_run=dry_run, intake=intake)
    if intake.appends and not dry_run:
        entry = LogEntry(Action.IMPORTED_FILE, None, _summary(report))
        result = workbook.write(
            [*intake.appends, *logbook.log_rows([entry], logbook.time_text(now, config.zone))]
        )
        report.skipped_writes.extend(result.skipped)
    return report


# --- The form-answers tab --------------------------------------------------------------------


def import_form_answers(
    workbook: Workbook, config: Config, today: dt.date, now: dt.datetime, *, dry_run: bool
) -> IntakeReport | None:
    """Import the new answers of the form-answers tab, when the config names one (else None).
    A missing tab or column is reported (exit 1) and the daily run goes on."""
    tab_name = config.workbook.tab_names.get("form_answers")
    if tab_name is None:
        return None
    grids = workbook.read()
    by_name = {header_key(name): grid for name, grid in grids.items()}
    tables = tables_from_grids(grids, config.workbook.tab_names)
    plan = plan_form_intake(
        by_name.get(header_key(tab_name)),
        tab_name,
        known_people(tables),
        today,
        config.routine.erase_stale_after_days,
        config.intake.aliases,
    )
    report = IntakeReport(
        tab_name, form=True, dry_run=dry_run, intake=plan.intake, problem=plan.problem
    )
    if plan.changes and not dry_run:
        entries = []
        if any(change.erase_rest for change in plan.marks):
            entries.append(LogEntry(Action.IMPORTED_FORM, None, _summary(report)))
        now_text = logbook.time_text(now, config.zone)
        result = workbook.write([*plan.changes, *logbook.log_rows(entries, now_text)])
        report.skipped_writes.extend(result.skipped)
    return report


def _summary(report: IntakeReport) -> str:
    """Counts for Logg: never a row's content."""
    counts = [
        report.said(verdict, report.count(verdict))
        for verdict in ImportVerdict
        if report.count(verdict) or verdict is ImportVerdict.IMPORTED
    ]
    return ", ".join(counts)
