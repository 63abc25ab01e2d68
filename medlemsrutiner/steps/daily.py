"""One day of the routine: every step, composed into a plan. Pure.

`plan_day` walks the records once and asks each step what it wants: the welcome letter, the
introduction or alternatives (or finishing a move to Uppföljning), the re-engagement letter,
the groups' reminders, the letters of kinds added to the registry (`rules`), the erasures, and
the flags a person must see. It adds no rule of its own beyond the order: a
finished row is left alone; a row whose erasure date has come is erased and gets no letter (a
re-engagement letter due today postpones its row's erasure while the follow-up is open:
`steps.erasure`); a duplicate gets its welcome stamped `Ej skickat` instead of any letter, and
is never moved.
"""

from __future__ import annotations

import datetime as dt

from medlemsrutiner.plan import Delivery, Flag, LogEntry, Plan
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.changes import Change, SetByKey, SetCells
from medlemsrutiner.sheet.letter_kinds import REENGAGEMENT, WELCOME
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.sheet.stamp_words import Said, row_words
from medlemsrutiner.sheet.stamps import StampCells, StampState
from medlemsrutiner.steps import erasure, followup, groups, referral, rules, welcome
from medlemsrutiner.steps.problems import row_problems
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records, row_key


def plan_day(records: Records, today: dt.date, settings: Settings) -> Plan:
    """Everything the daily run should do on `today`."""
    deliveries: list[Delivery] = []
    changes: list[Change] = []
    flags = list(records.flags)
    log = list(records.log)
    log_after: list[LogEntry] = []  # the writes after the letters (erasures, moves)
    in_followups = records.in_followups
    followups_by_id = records.followups_by_id
    erased: list[int] = []

    for newcomer in records.newcomers:
        if not newcomer.usable or newcomer.id is None:
            # No usable ID (unreadable, or on two rows): no letter, but the erasure date holds;
            # the row is found by what it reads.
            changes.extend(_unaddressable(newcomer, today, settings))
            continue
        # A duplicate is never moved, even with an introduction typed by hand: the person
        # would be in Uppföljning (and Statistik) twice. It is flagged and erased on time.
        if newcomer.duplicate_of is None:
            finishing = referral.finish_move(newcomer, today, settings, in_followups)
            if finishing is not None:
                changes.extend(finishing[0])
                log_after.append(finishing[1])
                continue
            if referral.moved(newcomer) is not None:
                continue
        if referral.closed(newcomer, in_followups):
            continue
        flags.extend(
            Flag("newcomers", newcomer.row, newcomer.id, text)
            for text in row_problems(newcomer, followups_by_id)
        )
        if erasure.intake_since(newcomer) is None and not newcomer.new:
            log.append(_first_seen(newcomer.id))
        erasing = erasure.intake_erasure_changes(newcomer, today, settings)
        if erasing is not None:
            # The erasure date has come: no letter goes out with the data that must go.
            changes.append(erasing[0])
            erased.append(newcomer.id)
            log_after.append(erasing[1])
            continue
        if newcomer.duplicate_of is not None:
            if newcomer.welcome.state is StampState.DUE:
                owner = newcomer.duplicate_of
                stamp = (WELCOME.stamp.column, stamps.duplicate(owner))
                changes.append(SetCells(NEWCOMERS.key, newcomer.id, (stamp,)))
                log.append(LogEntry(Action.DUPLICATE, newcomer.id, f"samma e-post som ID {owner}"))
            continue
        if not newcomer.formulas:  # a formula a letter would show: the letters wait
            introducing = referral.introduction(newcomer, today, settings, followups_by_id)
            for delivery in (welcome.welcome(newcomer, settings, today, introducing), introducing):
                if delivery is not None:
                    deliveries.append(delivery)
            deliveries.extend(rules.newcomer_deliveries(newcomer, records, today, settings))
        flags.extend(_interrupted(NEWCOMERS.key, newcomer.row, newcomer.id, newcomer.stamps))

    stamp_column = REENGAGEMENT.stamp.column in records.present.get(FOLLOWUPS.key, frozenset())
    for row in records.followups:
        if row.id is None:
            # No readable ID: no letter, but the erasure date holds; found by what it reads.
            flags.extend(followup.followup_flags(row))
            changes.extend(_unnumbered_followup(row, today, settings, log_after))
            continue
        flags.extend(followup.followup_flags(row))
        flags.extend(_interrupted(FOLLOWUPS.key, row.row, row.id, row.stamps))
        problem = followup.reengagement_problem(row, settings, stamp_column)
        if problem is not None:
            flags.append(Flag("followups", row.row, row.id, problem))
        if not row.personal_blank and erasure.referral_date(row, settings) is None:
            log.append(_first_seen(row.id))
        letter = (
            followup.reengagement(row, records.groups, today, settings, stamp_column)
            if not row.formulas  # a formula a letter would show: the letter waits
            else None
        )
        closing = followup.close_unfollowed(
            row, today, settings, erasure.close_date(row, settings, today)
        )
        if closing is not None:
            changes.append(closing)
        # A letter due today keeps the data (it counts as written today) while the follow-up
        # is open; on a day the row is erased no letter goes out with the data.
        erasing = erasure.followup_erasure_changes(row, today, settings, letter is not None)
        if erasing is not None:
            changes.append(erasing[0])
            erased.append(row.id)
            log_after.append(erasing[1])
        else:
            if letter is not None:
                deliveries.append(letter)
            # No letter of an added kind goes out with data erased today.
            if not row.formulas:
                deliveries.extend(rules.followup_deliveries(row, records, today, settings))

    deliveries.extend(groups.reminders(records, today, settings))
    deliveries.extend(rules.group_deliveries(records, today, settings))
    return Plan(
        today=today,
        first_writes=records.first_writes,
        deliveries=tuple(deliveries),
        changes=tuple(changes),
        flags=tuple(flags),
        log=tuple(log),
        shared=records.shared,
        erased=tuple(erased),
        log_after_letters=tuple(log_after),
    )


def _unaddressable(newcomer: Newcomer, today: dt.date, settings: Settings) -> list[Change]:
    """A row without a usable ID gets its first-seen date and, on time, its erasure."""
    found: list[Change] = []
    if newcomer.registered_blank and not newcomer.personal_blank:
        key = row_key(newcomer.record, NEWCOMERS)
        found.append(SetByKey("newcomers", key, (("registered", today),), every=True))
    erased = erasure.intake_erasure_changes(newcomer, today, settings)
    if erased is not None:
        found.append(erased[0])
    return found


def _unnumbered_followup(
    row: FollowUp, today: dt.date, settings: Settings, log: list[LogEntry]
) -> list[Change]:
    """A row of Uppföljning without a readable ID: dated the day it is first seen (so its
    erasure date cannot move with the calendar), closed and erased on time, by its content."""
    if row.personal_blank:
        return []
    if erasure.referral_date(row, settings) is None:
        return [erasure.row_write("followups", None, row.record, (("referred", today),), True)]
    found: list[Change] = []
    closing = followup.close_unfollowed(
        row, today, settings, erasure.close_date(row, settings, today)
    )
    if closing is not None:
        found.append(closing)
    erased = erasure.followup_erasure_changes(row, today, settings)
    if erased is not None:
        found.append(erased[0])
        log.append(erased[1])
    return found


def _first_seen(row_id: int) -> LogEntry:
    """Logg remembers the day a row without a readable date was first seen: its erasure date
    counts from there (`records.first_logged`)."""
    return LogEntry(Action.FIRST_SEEN, row_id, "inget läsbart datum: raderingen räknas härifrån")


def _interrupted(tab: str, row: int, row_id: int, cells: StampCells) -> list[Flag]:
    """A notice (not a problem) for each stamp cell left at `Skickar…` by an interrupted run."""
    return [
        Flag(tab, row, row_id, words.sv, problem=False)
        for words in row_words(cells, tab)
        if words.said is Said.MARKER
    ]
