"""Groups (routine step 1): keeping each group's details current, and what Grupper's Status says.
Pure.

Groups tell the coordinator when their contact person, meeting place or work changes; to keep
that true, the daily run emails a group's contact person the details the district holds when
`Bekräftad` is older than `group_confirm_after_days` (or blank), at most once every
`group_reminder_every_days`, stamped in `Påminnelse` — a row of Grupper is found by its name,
never by its row number. The contact replies to the coordinator, who writes the day in
`Bekräftad`. A bounced reminder is held in `Påminnelse` and shown in the group's Status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from medlemsrutiner.plan import Delivery, Group, Letter
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.sheet.letter_kinds import GROUP_REMINDER
from medlemsrutiner.sheet.schema import GROUPS
from medlemsrutiner.sheet.stamp_words import Said, row_words, stamp_words
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.steps import formulas
from medlemsrutiner.steps.records import Newcomer, Records, Referral
from medlemsrutiner.wording import count


def confirm_due(group: Group, today: dt.date, settings: Settings) -> bool:
    """The group's details are older than the routine allows (or were never confirmed)."""
    if group.confirmed is None:
        return True
    return cells.later(group.confirmed, days=settings.routine.group_confirm_after_days) < today


def reminder_due(group: Group, today: dt.date, settings: Settings) -> bool:
    """A reminder may go out now: the details are old and none went out recently."""
    if not group.active or group.email is None or not confirm_due(group, today, settings):
        return False
    if group.formulas:  # the reminder would show the formula: it waits for the text
        return False
    stamp = group.reminder
    if stamp.state is StampState.DUE:
        return True
    if stamp.state is StampState.SENT and stamp.date is not None:
        every = settings.routine.group_reminder_every_days
        return cells.later(stamp.date, days=every) <= today
    return False


def reminders(records: Records, today: dt.date, settings: Settings) -> list[Delivery]:
    """The confirm-your-details emails due today (none without a `Påminnelse` column)."""
    if GROUP_REMINDER.stamp.column not in records.present.get(GROUPS.key, frozenset()):
        return []
    found = []
    for group in sorted(records.groups.values(), key=lambda g: g.name):
        if not reminder_due(group, today, settings):
            continue
        assert group.email is not None
        letter = Letter(
            "group_reminder", settings.language, group.email, group.contact, group=group
        )
        found.append(
            Delivery(
                tab=GROUPS.key,
                row_id=None,
                key=(("group", group.name),),
                stamp=GROUP_REMINDER.stamp.column,
                letters=(letter,),
                due_since=group.confirmed or today,
                kind=GROUP_REMINDER.name,
                stamp_text=group.reminder.text,
            )
        )
    return found


def bounced_introductions(group: Group, newcomers: Iterable[Newcomer]) -> list[int]:
    """IDs whose introduction to `group` was refused by the contact person's mail server."""
    return [
        n.id
        for n in newcomers
        if n.id is not None
        and n.group is not None
        and n.group.name == group.name
        and n.introduction.failed_in_part
        and "introduction_group" in n.introduction.remaining
    ]


def referred_to_inactive(group: Group, newcomers: Iterable[Newcomer]) -> list[int]:
    """IDs still waiting in Intresserade with `Hänvisad till` naming this inactive group."""
    if group.active:
        return []
    return [
        n.id
        for n in newcomers
        if n.id is not None
        and n.referral is Referral.GROUP
        and n.group is not None
        and n.group.name == group.name
        and n.introduction.state is StampState.DUE
        and not n.personal_blank
    ]


def group_status(group: Group, records: Records, today: dt.date, settings: Settings) -> str:
    """The Status text of a row of Grupper."""
    d = dt.date.isoformat
    if not group.active:
        waiting = referred_to_inactive(group, records.newcomers)
        text = "Vilande (Aktiv = nej)."
        if waiting:
            ids = ", ".join(str(i) for i in waiting)
            text += (
                f" {count(len(waiting), 'referred_here')} (ID {ids}): välj en annan grupp i "
                "Hänvisad till."
            )
        return text
    parts = [formulas.problem(header, formulas.FOR_A_GROUP) for header in group.formulas]
    if group.email is None:
        parts.append("Saknar giltig e-post till kontaktpersonen: inga introduktioner går ut.")
    bounced = bounced_introductions(group, records.newcomers)
    if bounced:
        ids = ", ".join(str(i) for i in bounced)
        parts.append(
            f"E-posten till kontaktpersonen studsade vid introduktionen av ID {ids}: "
            "rätta adressen."
        )
    said = row_words(group.stamps, GROUPS.key)
    parts.extend(words.sv for words in said if words.said is not Said.SENT)
    sent = stamp_words(group.reminder, GROUP_REMINDER.stamp)
    if not confirm_due(group, today, settings) and group.confirmed is not None:
        again = cells.later(group.confirmed, days=settings.routine.group_confirm_after_days)
        parts.append(f"Uppgifterna bekräftade {d(group.confirmed)} (ny påminnelse {d(again)}).")
    elif sent is not None and sent.said is Said.SENT:
        parts.append(sent.sv)
    else:
        since = d(group.confirmed) if group.confirmed else "aldrig"
        parts.append(f"Uppgifterna är inte bekräftade (senast: {since}).")
    return " ".join(parts)


def group_status_changes(records: Records, today: dt.date, settings: Settings) -> list[SetByKey]:
    """Status writes for the groups whose Status is not what it should be (if the column is
    there)."""
    if "status" not in records.present.get("groups", frozenset()):
        return []
    changes = []
    for group in records.groups.values():
        text = group_status(group, records, today, settings)
        if text != group.status_text:
            changes.append(SetByKey("groups", (("group", group.name),), (("status", text),)))
    return changes
