"""The coordinator's weekly summary and the training coordinator's weekly email: what they show.
Pure: computed from the records, Logg and the statistics of one read.

The summary is what the coordinator actually reads, so it starts with what to do this week (and,
above everything, a warning when the daily run has not succeeded for two days), then what
happened this week, groups, trainings, the run's health and, last, retention (its table and
chart are the longest part). People appear by ID and first name only — never an address or a
phone number —, and by first name only when their data is kept at least `erase_after_result_days`
more (`first_names`): the summary's file in the outbox stays that long, and no longer than the
data of the people it names (`steps.outbox_erasure`); the IDs it names so are `named_ids`. Each
list shows at most `LIST_LIMIT` entries and counts the rest, so the summary
stays an overview however many rows need something (the workbook's Status has them all).

Everything here is data, never a sentence: the templates word it in the letter's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from medlemsrutiner.plan import Training
from medlemsrutiner.reports.statistics import Statistics
from medlemsrutiner.reports.todo import Task, TodoList, todo
from medlemsrutiner.settings import Routine, Settings
from medlemsrutiner.sheet import cells, logbook
from medlemsrutiner.sheet.letter_kinds import delivery_kinds
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import Table
from medlemsrutiner.steps import groups as group_step
from medlemsrutiner.steps.district import MissingEnglish, missing_english
from medlemsrutiner.steps.erasure import followup_erasure, intake_erasure
from medlemsrutiner.steps.followup import reengagement_due
from medlemsrutiner.steps.records import Records, Referral
from medlemsrutiner.steps.referral import moved
from medlemsrutiner.wording import Noun

WEEK = dt.timedelta(days=7)
STALE_AFTER = dt.timedelta(days=2)
"""No successful daily run for this long goes at the very top of the summary."""
CONSENT_NOTICE = dt.timedelta(days=31)
LIST_LIMIT = 5
"""Each list in the summary names at most this many people or groups and counts the rest."""


@dataclass(frozen=True)
class Health:
    """Whether the machinery works: the last successful daily run, and this week's letters."""

    last_success: dt.datetime | None
    stale: bool
    sent: int
    failed: int
    held: int
    """Runs this week that held letters back for a sending limit."""


SharingKind = Literal["link", "domain", "others", "unchecked"]


@dataclass(frozen=True)
class SharingNote:
    """Something wrong with who can open one of the district's spreadsheets, as the weekly run
    found it (a Google workbook): shared with anyone who has the link, with a whole domain,
    the follow-up opened by more people than the coordinator and the service account, or a
    check that could not be made. Never an address: a count, a domain, a reason."""

    followup: bool
    """The spreadsheet that holds Uppföljning (else the main one)."""
    kind: SharingKind
    domain: str = ""
    count: int = 0
    reason: str = ""


@dataclass(frozen=True)
class Counted:
    """How many letters of one delivery kind went out in the week, and what they are called
    (the templates count them: `{{ c.count|count(c.noun, "sv") }}`)."""

    count: int
    noun: Noun


@dataclass(frozen=True)
class Week:
    """What happened in the last seven days, as counts."""

    new_people: int
    deliveries: dict[str, int]
    """Deliveries that went out, by delivery kind."""
    followups_done: int
    erasures: int

    @property
    def counted(self) -> tuple[Counted, ...]:
        """The week's deliveries of every kind the summary counts (`DeliveryKind.counted`), in
        the registry's order, none left out."""
        return tuple(
            Counted(self.deliveries.get(kind.name, 0), kind.noun)
            for kind in delivery_kinds()
            if kind.counted
        )


@dataclass(frozen=True)
class Consent:
    row_id: int
    first_name: str
    until: dt.date


GroupNoteKind = Literal["bounced", "inactive_referred", "no_email", "unconfirmed"]
_NOTE_ORDER: tuple[GroupNoteKind, ...] = ("bounced", "inactive_referred", "no_email", "unconfirmed")
"""The notes a coordinator must act on first come first (a bounce, people referred to an
inactive group), so a capped list never hides them behind routine confirmations."""


@dataclass(frozen=True)
class GroupNote:
    """One thing about one group that needs the coordinator; the template words it."""

    name: str
    kind: GroupNoteKind
    ids: tuple[int, ...] = ()
    """inactive_referred: the IDs still referred there; bounced: the introductions refused."""
    reminder_failed: bool = False
    """bounced: the confirm-your-details reminder was refused (`Fel …` in Påminnelse)."""
    confirmed: dt.date | None = None
    """unconfirmed: when the details were last confirmed (None: never)."""
    contact: str = ""
    asked: dt.date | None = None
    """unconfirmed: when the contact person was last sent a reminder."""


@dataclass(frozen=True)
class Trainings:
    today: dt.date
    upcoming: tuple[Training, ...]
    needing: int
    """Newcomers registered since `since` who have not yet attended a basic training."""
    since: dt.date
    after_training: bool
    """`since` is the day of the last training in Utbildningar (the letters say "since the last
    training, <date>"); without one it is a window of the scripts' own, which the letters do
    not name: a date nothing happened on means nothing to a coordinator."""
    gap: bool
    """No training in the next `gap_days` days."""
    gap_days: int
    """`routine.trainings_within_days`: the window of the letters to newcomers, so the
    summary warns exactly when those letters have no training to show."""


@dataclass(frozen=True)
class WeeklySummary:
    today: dt.date
    week_number: int
    health: Health
    todo: TodoList
    week: Week
    consents: tuple[Consent, ...]
    statistics: Statistics
    groups: tuple[GroupNote, ...]
    trainings: Trainings
    alert_below: int
    """A problem group: a share active below this percentage (`routine.alert_below`)..."""
    min_followups: int
    """...with at least this many follow-ups in 12 months (`routine.min_followups`)."""
    shown: int = LIST_LIMIT
    """Each list names at most this many entries; the templates count the rest."""
    consent_notice_days: int = CONSENT_NOTICE.days
    """`consents` lists the consents that end within this many days."""
    english: tuple[MissingEnglish, ...] = ()
    """The texts English letters leave out for want of English (only while English letters
    may go out)."""
    sharing: tuple[SharingNote, ...] = ()
    """Who can open the spreadsheets, where that is wrong (the health section shows it)."""

    @property
    def named_ids(self) -> frozenset[int]:
        """The IDs whose person the summary names by first name (in the part of each list it
        shows)."""
        todo = self.todo
        lists = (
            todo.calls_overdue,
            todo.calls_due,
            todo.followups_overdue,
            todo.followups_due,
            todo.fixes,
            self.consents,
        )
        return frozenset(
            entry.row_id
            for entries in lists
            for entry in entries[: self.shown]
            if entry.row_id is not None and entry.first_name
        )


def health(log: Table, today: dt.date) -> Health:
    """From Logg: the last `daglig körning klar`, and the letters of the last seven days."""
    last: dt.datetime | None = None
    sent = failed = held = 0
    since = today - WEEK
    for event in logbook.events(log):
        if event.action == Action.DAILY_DONE and (last is None or event.time > last):
            last = event.time
        if event.action == Action.HELD_BACK and event.time.date() > since:
            held += 1
        letter = logbook.read_letter_action(event.action)
        if letter is None or event.time.date() <= since:
            continue
        _, outcome = letter
        if outcome in (logbook.SENT, logbook.PARTLY_SENT, logbook.UNCERTAIN):
            sent += event.letters or 0
        if outcome in (logbook.FAILED, logbook.UNCERTAIN):
            failed += 1
    stale = last is None or today - last.date() >= STALE_AFTER
    return Health(last, stale, sent, failed, held)


def week(records: Records, log: Table, today: dt.date) -> Week:
    """What the last seven days brought, from Logg and Uppföljning."""
    since = today - WEEK
    erasures = 0
    new_rows: list[int | None] = []
    duplicates: set[int] = set()  # a second row of someone already there is nobody new
    delivered: Counter[str] = Counter()
    by_name = {kind.logged: kind.name for kind in delivery_kinds()}
    for event in logbook.events(log):
        if event.action == Action.DUPLICATE and event.row_id is not None:
            duplicates.add(event.row_id)
        if event.time.date() <= since:
            continue
        if event.action == Action.NEW_ROW:
            new_rows.append(event.row_id)
        elif event.action in (Action.ERASED, Action.FORGOTTEN):
            erasures += 1
        letter = logbook.read_letter_action(event.action)
        if letter is not None and letter[1] == logbook.SENT and letter[0] in by_name:
            delivered[by_name[letter[0]]] += 1
    done = sum(
        1
        for f in records.followups
        if f.followed_up is not None and since < f.followed_up <= today and f.outcome is not None
    )
    new_people = sum(1 for row_id in new_rows if row_id not in duplicates)
    return Week(new_people, dict(delivered), done, erasures)


def consents(records: Records, today: dt.date, settings: Settings) -> tuple[Consent, ...]:
    """Consents that end within a month (the person may want to renew them)."""
    found: list[Consent] = []
    months = settings.routine.consent_months
    rows = [
        (n.id, n.person.name, n.consent, n.personal_blank) for n in records.newcomers if n.usable
    ]
    rows += [
        (f.id, f.person.name if f.person else "", f.consent, f.personal_blank)
        for f in records.followups
    ]
    for row_id, name, consent, blank in rows:
        if row_id is None or consent is None or blank:
            continue
        until = cells.later(consent, months=months)
        if today <= until <= today + CONSENT_NOTICE:
            found.append(Consent(row_id, name.split()[0] if name.split() else "", until))
    return tuple(sorted(found, key=lambda c: (c.until, c.row_id)))


def group_notes(records: Records, today: dt.date, settings: Settings) -> tuple[GroupNote, ...]:
    """Groups that need the coordinator: bounced mail, inactive groups people are still
    referred to, no contact address, details unconfirmed (and who was asked when) — in that
    order, by name within each kind."""
    notes: list[GroupNote] = []
    for group in records.groups.values():
        waiting = group_step.referred_to_inactive(group, records.newcomers)
        if waiting:
            notes.append(GroupNote(group.name, "inactive_referred", ids=tuple(waiting)))
        if not group.active:
            continue
        if group.email is None:
            notes.append(GroupNote(group.name, "no_email"))
        bounced = group_step.bounced_introductions(group, records.newcomers)
        if bounced or group.reminder.failed:
            notes.append(
                GroupNote(
                    group.name,
                    "bounced",
                    ids=tuple(bounced),
                    reminder_failed=group.reminder.failed,
                )
            )
        if group_step.confirm_due(group, today, settings):
            notes.append(
                GroupNote(
                    group.name,
                    "unconfirmed",
                    confirmed=group.confirmed,
                    contact=group.contact,
                    asked=group.reminder.date,
                )
            )
    return tuple(sorted(notes, key=lambda n: (_NOTE_ORDER.index(n.kind), n.name)))


def needing_training(records: Records, since: dt.date) -> int:
    """Newcomers registered on or after `since` who still need a basic training: referred or
    still in intake, not declined, `Utbildning` blank (in Intresserade, and in Uppföljning once
    they were referred), and not a second row of someone already counted (a duplicate)."""
    attended = {f.id for f in records.followups if f.id is not None and f.training is not None}
    count = 0
    for newcomer in records.newcomers:
        if not newcomer.usable or newcomer.training is not None or newcomer.id in attended:
            continue
        if newcomer.duplicate_of is not None:
            continue
        if newcomer.registered is None or newcomer.registered < since:
            continue
        if newcomer.referral is Referral.OUTCOME:
            continue
        if newcomer.personal_blank and moved(newcomer) is None:
            continue  # erased without ever being referred
        count += 1
    return count


def trainings(records: Records, today: dt.date, settings: Settings) -> Trainings:
    """The trainings part of the summary, and the training coordinator's letter. A gap is no
    training within `trainings_within_days`: the same window as the letters to newcomers."""
    since = records.last_training or today - dt.timedelta(days=180)
    after = records.last_training is not None
    upcoming = records.upcoming
    within = settings.routine.trainings_within_days
    gap = not any(t.date <= cells.later(today, days=within) for t in upcoming)
    needing = needing_training(records, since)
    return Trainings(today, upcoming, needing, since, after, gap, within)


def english_expected(records: Records, settings: Settings) -> bool:
    """Someone may get an English letter: the district writes in English, or a row that still
    holds personal data has Språk `en`."""
    return settings.language == "en" or any(
        person is not None and person.language == "en"
        for person in (
            *(n.person for n in records.newcomers if not n.personal_blank),
            *(f.person for f in records.followups),
        )
    )


def english_missing(records: Records, settings: Settings) -> tuple[MissingEnglish, ...]:
    """The texts English letters leave out, while someone may get an English letter."""
    if not english_expected(records, settings):
        return ()
    shared = records.shared
    return missing_english(shared.texts, shared.texts_en, shared.groups, shared.trainings)


def kept_until(records: Records, today: dt.date, settings: Settings) -> dict[int, dt.date]:
    """For each ID with personal data, the first day a row of it is erased (`steps.erasure`)."""
    stamp_column = "reengagement" in records.present.get("followups", {"reengagement"})
    days: dict[int, list[dt.date]] = {}
    for newcomer in records.newcomers:
        if newcomer.id is not None and not newcomer.personal_blank:
            days.setdefault(newcomer.id, []).append(intake_erasure(newcomer, today, settings).on)
    for row in records.followups:
        if row.id is not None and not row.personal_blank:
            due = reengagement_due(row, settings, stamp_column)
            days.setdefault(row.id, []).append(followup_erasure(row, today, settings, due).on)
    return {row_id: min(found) for row_id, found in days.items()}


def first_names(
    todo_list: TodoList,
    consents_ending: tuple[Consent, ...],
    records: Records,
    today: dt.date,
    settings: Settings,
) -> tuple[TodoList, tuple[Consent, ...]]:
    """The lists with a first name left only where the person's data is kept at least
    `erase_after_result_days` more; the others are named by ID alone."""
    kept = kept_until(records, today, settings)
    enough = cells.later(today, days=settings.routine.erase_after_result_days)

    def named(row_id: int | None) -> bool:
        return row_id is not None and kept.get(row_id, today) >= enough

    def tasks(found: tuple[Task, ...]) -> tuple[Task, ...]:
        return tuple(t if named(t.row_id) else dataclasses.replace(t, first_name="") for t in found)

    return (
        TodoList(
            calls_overdue=tasks(todo_list.calls_overdue),
            calls_due=tasks(todo_list.calls_due),
            followups_overdue=tasks(todo_list.followups_overdue),
            followups_due=tasks(todo_list.followups_due),
            fixes=tasks(todo_list.fixes),
        ),
        tuple(
            c if named(c.row_id) else dataclasses.replace(c, first_name="") for c in consents_ending
        ),
    )


def weekly_summary(
    records: Records,
    log: Table,
    statistics: Statistics,
    today: dt.date,
    settings: Settings,
    sharing: Sequence[SharingNote] = (),
) -> WeeklySummary:
    """Everything the coordinator's weekly summary shows."""
    todo_list, consents_ending = first_names(
        todo(records, today, settings), consents(records, today, settings), records, today, settings
    )
    return WeeklySummary(
        today=today,
        week_number=today.isocalendar().week,
        health=health(log, today),
        todo=todo_list,
        week=week(records, log, today),
        consents=consents_ending,
        statistics=statistics,
        groups=group_notes(records, today, settings),
        trainings=trainings(records, today, settings),
        alert_below=settings.routine.alert_below,
        min_followups=settings.routine.min_followups,
        english=english_missing(records, settings),
        sharing=tuple(sharing),
    )


def sample_summary(today: dt.date, trainings_shown: tuple[Training, ...] = ()) -> WeeklySummary:
    """A summary of invented rows, for the letter preview and the template check."""
    from medlemsrutiner.reports.statistics import Counts, Row

    later = today + dt.timedelta(days=3)
    quarter = f"{today.year} Q{(today.month - 1) // 3 + 1}"
    rows = (
        Row("Senaste 12 mån", "Exempelgruppen", Counts(12, 9, 7, 2, 0, 0)),
        Row("Senaste 12 mån", "Påhittade skrivargruppen", Counts(8, 6, 2, 3, 1, 0), alert=True),
        Row("Senaste 12 mån", "Totalt", Counts(20, 15, 9, 5, 1, 0)),
        Row(quarter, "Exempelgruppen", Counts(3, 2, 2, 0, 0, 0)),
    )
    return WeeklySummary(
        today=today,
        week_number=today.isocalendar().week,
        health=Health(dt.datetime.combine(today, dt.time(7, 0)), False, 14, 1, 0),
        todo=TodoList(
            calls_overdue=(Task(41, "Exempel", "", today - dt.timedelta(days=2)),),
            calls_due=(Task(42, "Påhittad", "", later), Task(43, "Testa", "", later)),
            followups_due=(Task(17, "Fiktiv", "", later, "followups"),),
            fixes=(Task(44, "Exempla", "Rätta E-post: e-postadressen är inte giltig."),),
        ),
        week=Week(5, {"welcome": 5, "introduction": 2, "alternatives": 1}, 3, 4),
        consents=(Consent(12, "Exempel", today + dt.timedelta(days=20)),),
        statistics=Statistics(rows, (quarter,), ("Påhittade skrivargruppen",)),
        groups=(
            GroupNote("Påhittade skrivargruppen", "bounced", reminder_failed=True),
            GroupNote("Exempelgruppen", "unconfirmed", contact="Exempel Kontaktsson"),
        ),
        trainings=Trainings(
            today,
            trainings_shown,
            6,
            today - dt.timedelta(days=40),
            True,
            False,
            Routine().trainings_within_days,
        ),
        alert_below=Routine().alert_below,
        min_followups=Routine().min_followups,
        english=(MissingEnglish("groups", ("Träffas (en)",), ("Påhittade skrivargruppen",)),),
        sharing=(SharingNote(False, "link"), SharingNote(True, "others", count=1)),
    )
