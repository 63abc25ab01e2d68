"""What a person must do: calls and follow-up calls that are overdue or due within the week, and
rows that need a fix. Pure.

The same list heads the coordinator's weekly summary (by ID and first name) and ends the daily
run's report on the terminal (by ID only: stdout never carries a name).

Every problem a run flags on a row that still needs a person — in Intresserade, Uppföljning
(an erased row and a row without a readable ID included), Grupper or Utbildningar — is a fix
here, and so is a stamp cell that asks a person to check it (a stopped send, a refused letter);
the daily run's exit code is 1 exactly when there is a fix: a problem on a row the run finished
(moved to Uppföljning, erased) needs nobody, and a letter deliberately not sent (`Ej skickat`)
is no fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.letter_kinds import REENGAGEMENT
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.sheet.stamp_words import StampWords
from medlemsrutiner.steps.followup import reengagement_problem
from medlemsrutiner.steps.problems import row_problems
from medlemsrutiner.steps.records import Records, Referral
from medlemsrutiner.steps.referral import closed
from medlemsrutiner.steps.status import stamp_notes

HORIZON = dt.timedelta(days=7)


@dataclass(frozen=True)
class Task:
    """One thing to do, about one row."""

    row_id: int | None
    first_name: str
    """The person's first name, for the coordinator's own email only (never stdout)."""
    what: str
    """What to do, in Swedish, without personal data."""
    due: dt.date | None = None
    tab: str = "newcomers"
    what_en: str = ""
    """`what` in English, where it has English words (a stamp cell's, `sheet.stamp_words`);
    blank otherwise. The English weekly summary shows it."""


def _fix(
    row_id: int | None,
    first: str,
    tab: str,
    problems: list[str],
    notes: list[StampWords],
    where: str = "",
) -> Task:
    """The row's first problem, or else what its first stamp cell that asks for a person says."""
    if problems:
        return Task(row_id, first, where + problems[0], tab=tab)
    return Task(row_id, first, where + notes[0].sv, tab=tab, what_en=where + notes[0].en)


@dataclass(frozen=True)
class TodoList:
    calls_overdue: tuple[Task, ...] = ()
    calls_due: tuple[Task, ...] = ()
    followups_overdue: tuple[Task, ...] = ()
    followups_due: tuple[Task, ...] = ()
    fixes: tuple[Task, ...] = ()

    @property
    def count(self) -> int:
        return sum(
            len(tasks)
            for tasks in (
                self.calls_overdue,
                self.calls_due,
                self.followups_overdue,
                self.followups_due,
                self.fixes,
            )
        )


def _first(name: str) -> str:
    return name.split()[0] if name.split() else ""


def todo(
    records: Records, today: dt.date, settings: Settings, horizon: dt.timedelta = HORIZON
) -> TodoList:
    """Everything a person should do within `horizon` (a week; the daily report: today), most
    urgent first within each kind."""
    routine = settings.routine
    calls_overdue: list[Task] = []
    calls_due: list[Task] = []
    fixes: list[Task] = []
    in_followups = records.in_followups
    by_id = records.followups_by_id
    for newcomer in records.newcomers:
        if not newcomer.usable or newcomer.id is None or closed(newcomer, in_followups):
            continue
        first = _first(newcomer.person.name)
        notes = [words for words in stamp_notes(newcomer.stamps, NEWCOMERS.key) if words.asks]
        problems = row_problems(newcomer, by_id)
        if problems or notes:
            fixes.append(_fix(newcomer.id, first, NEWCOMERS.key, problems, notes))
            if newcomer.duplicate_of is not None:
                continue
        wants_call = (
            newcomer.referral is Referral.NONE
            and newcomer.call is None
            and newcomer.registered is not None
        )
        if wants_call and newcomer.registered is not None:
            deadline = cells.later(newcomer.registered, days=routine.call_within_days)
            if deadline < today:
                calls_overdue.append(
                    Task(newcomer.id, first, "Ring: samtalet är försenat.", deadline)
                )
            elif deadline <= today + horizon:
                calls_due.append(Task(newcomer.id, first, "Ring.", deadline))
    followups_overdue: list[Task] = []
    followups_due: list[Task] = []
    column = REENGAGEMENT.stamp.column
    stamp_column = column in records.present.get(FOLLOWUPS.key, {column})
    for followup in records.followups:
        first = _first(followup.person.name) if followup.person is not None else ""
        problems = list(followup.problems)
        problem = reengagement_problem(followup, settings, stamp_column)
        if problem is not None:
            problems.append(problem)
        notes = [words for words in stamp_notes(followup.stamps, FOLLOWUPS.key) if words.asks]
        if problems or notes:
            # No ID to name the row by: where it was read.
            where = "" if followup.id is not None else f"Uppföljning rad {followup.row}: "
            fixes.append(_fix(followup.id, first, FOLLOWUPS.key, problems, notes, where))
        if followup.id is None or followup.person is None or followup.outcome is not None:
            continue
        start, end = followup.follow_up_from, followup.follow_up_by
        if end is not None and end < today:
            followups_overdue.append(
                Task(followup.id, first, "Uppföljningssamtal: försenat.", end, "followups")
            )
        elif start is not None and start <= today + horizon:
            followups_due.append(
                Task(followup.id, first, "Uppföljningssamtal.", end or start, "followups")
            )
    # Rows of Grupper and Utbildningar that cannot be used, and intake rows without a usable ID.
    fixes.extend(Task(None, "", flag.text, tab=flag.tab) for flag in records.flags if flag.problem)

    def ordered(tasks: list[Task]) -> tuple[Task, ...]:
        return tuple(sorted(tasks, key=lambda t: (t.due or dt.date.min, t.row_id or 0)))

    return TodoList(
        calls_overdue=ordered(calls_overdue),
        calls_due=ordered(calls_due),
        followups_overdue=ordered(followups_overdue),
        followups_due=ordered(followups_due),
        fixes=tuple(sorted(fixes, key=lambda t: (t.row_id or 0, t.tab))),
    )
