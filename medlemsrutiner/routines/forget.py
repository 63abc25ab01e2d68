"""forget: erase one person everywhere, now (the right to erasure). Reads and writes the
workbook, and deletes files from the outbox folder.

The person is found by address or ID (`steps.forget`); their rows in Intresserade and
Uppföljning, and their answers in the form-answers tab when the config names one, are erased
in one write; before it, every letter in the outbox (and its dry-run folder) that records one
of their IDs is deleted at once, however young (`steps.outbox_erasure.naming`: the letters to
or about them, and the weekly summaries that name them), with any partial letter a killed run
left. Letters first: a run killed between the two leaves the rest to a rerun, which finds the
person by address only while their rows still hold it. Before the letters, the send journal
forgets the runs that marked a delivery in one of the person's rows (`recovery.runs_marking`):
a daily run settles a letter a stopped run was writing from whether it is in the outbox
(`steps.recovery`), and a letter forget removed must never look like one never written. Their
markers are then left for a person, as without a journal; when the journal cannot be written,
nothing is removed.
Letters are found by what their files record (`adapters.outbox`), never by what they say: a
letter about a row deleted by hand is found by its ID (`--id`). The report names IDs, tabs and
counts, never the address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from medlemsrutiner.adapters import outbox
from medlemsrutiner.adapters.sendlog_file import Journal, JournalError
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import MailError
from medlemsrutiner.letterfile import OutboxLetter
from medlemsrutiner.sheet import logbook
from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.sheet.schema import Grid, header_key, tables_from_grids
from medlemsrutiner.steps import recovery
from medlemsrutiner.steps.forget import FormTab, Found, forget
from medlemsrutiner.steps.outbox_erasure import naming
from medlemsrutiner.steps.records import read_records
from medlemsrutiner.wording import ERASED, WOULD_BE_ERASED, count


@dataclass
class ForgetReport:
    dry_run: bool
    found: list[Found] = field(default_factory=list)
    letters: list[OutboxLetter] = field(default_factory=list)
    form_tab: str | None = None
    """The form-answers tab's name, when the config names one."""
    answers: int = 0
    """Answers of the person emptied in the form tab (or, in a dry run, to be emptied)."""
    answers_left: int = 0
    """Answers of the person still there: no write could address them (a person erases them)."""

    def lines(self, tab_names: dict[str, str]) -> list[str]:
        verb = "skulle raderas" if self.dry_run else "raderade"
        if not self.found and not self.letters and not self.answers and not self.answers_left:
            return ["Ingen rad och inget brev hittades (inget har ändrats)."]
        out = []
        for item in self.found:
            who = f"ID {item.row_id}" if item.row_id is not None else f"rad {item.row}"
            out.append(f"{who} i {tab_names[item.tab]}: personuppgifterna {verb}")
        if self.answers:
            erased = WOULD_BE_ERASED if self.dry_run else ERASED
            out.append(f"{self.form_tab}: {count(self.answers, 'form_answer', participle=erased)}")
        if self.answers_left:
            out.append(
                f"{self.form_tab}: {count(self.answers_left, 'form_answer')} kan inte raderas "
                "(Tidstämpel saknas, finns på två rader eller ändrades under körningen): "
                "radera dem för hand"
            )
        removed = "skulle raderas" if self.dry_run else "raderades"
        out.append(f"brev i utkorgen som {removed}: {len(self.letters)}")
        return out


def run_forget(
    workbook: Workbook,
    config: Config,
    today: dt.date,
    now: dt.datetime,
    *,
    email_address: str | None = None,
    row_id: int | None = None,
    dry_run: bool = False,
    journal: Journal | None = None,
) -> ForgetReport:
    """Erase the person everywhere. `workbook` (and `journal`) must already be entered
    (locked)."""
    grids = workbook.read()
    tables = tables_from_grids(grids, config.workbook.tab_names)
    records = read_records(tables, today, config.settings)
    form = _form_tab(grids, config)
    forgetting = forget(records, today, email=email_address, row_id=row_id, form=form)
    report = ForgetReport(
        dry_run=dry_run,
        found=list(forgetting.found),
        form_tab=form.name if form is not None else None,
        answers=len(forgetting.answers),
        answers_left=len(forgetting.answers_left),
    )
    ids = {item.row_id for item in forgetting.found if item.row_id is not None}
    if row_id is not None:
        ids.add(row_id)
    report.letters = naming(outbox.letters(config.mail.outbox), ids)
    if dry_run:
        return report
    # The letters go first: a run killed after the workbook's write would leave them to a rerun
    # that no longer finds the person by their address (nor their IDs), and a letter alone
    # never makes a run send anything again (the journal forgets the runs that could take a
    # letter's absence for a letter never written).
    if journal is not None:
        _forget_runs(journal, ids)
    for letter in report.letters:
        outbox.remove(config.mail.outbox, letter)
    if config.mail.outbox.is_dir():  # this run holds the lock: no run is writing one now
        outbox.remove_partial_letters(config.mail.outbox)
    if forgetting.changes:
        now_text = logbook.time_text(now, config.zone)
        result = workbook.write([*forgetting.changes, *logbook.log_rows(forgetting.log, now_text)])
        missed = sum(
            1
            for skipped in result.skipped
            if isinstance(skipped.change, SetByKey) and skipped.change.tab == "form_answers"
        )
        report.answers -= missed
        report.answers_left += missed
    return report


def _forget_runs(journal: Journal, ids: set[int]) -> None:
    """Drop the journal's runs that marked a delivery to one of `ids`; MailError (nothing
    removed yet) when that cannot be written."""
    entries = journal.pending()
    runs = recovery.runs_marking(entries or (), ids)
    if not runs:  # an unreadable journal proves nothing: the next daily run starts a new one
        return
    try:
        journal.drop(runs)
    except JournalError as error:
        raise MailError(
            f"Sändjournalen kunde inte skrivas ({error}); inget har raderats. Försök igen."
        ) from None


def _form_tab(grids: Mapping[str, Grid], config: Config) -> FormTab | None:
    """The form-answers tab as read, when the config names one and the workbook has it."""
    name = config.workbook.tab_names.get("form_answers")
    if name is None:
        return None
    by_name = {header_key(tab): grid for tab, grid in grids.items()}
    return FormTab(name, by_name.get(header_key(name)) or [], config.intake.aliases)
