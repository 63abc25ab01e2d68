"""When personal data is erased. Pure.

Every row that holds personal data has an erasure date, and no flag postpones it:

* Intresserade: a person who declined or was not reached, `erase_declined_after_days` after the
  call; any row still in Intresserade `erase_stale_after_days` after registration, whatever else
  is wrong with it (a duplicate, a misspelt group, an invalid address, a call without a referral);
* Uppföljning: `erase_after_result_days` after the follow-up call once `Resultat` is written; a
  follow-up with no result `close_follow_up_after_weeks` after the referral is closed as
  `Ej uppföljd` and erased;
* never sooner than `erase_after_result_days` after the last letter the routine wrote to or
  about the person (a stamp's date: the welcome, the introduction or alternatives — the
  referral date in Uppföljning —, the re-engagement letter), nor after the last weekly summary
  that named them by first name (Logg): time to answer, and the letter's file in the outbox
  stays at least that long (`steps.outbox_erasure`). A re-engagement letter due today counts
  as written today, so it is never written and erased on one day; it goes out while the
  follow-up is open (until its close date), and if it then fails the normal date applies;
* a `Samtycke` date postpones the erasure until `consent_months` after it (never brings it
  forward); clearing the cell withdraws the consent and the normal date applies again.

A row whose registration or referral date cannot be read counts from the day the scripts first
saw it (its first Logg row). Erasure blanks the tab's personal columns; an erased follow-up row
keeps its ID, group, dates and result for the statistics and gets `Raderad`. Logg gets the ID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from medlemsrutiner.plan import LogEntry
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.cells import later
from medlemsrutiner.sheet.changes import CellValue, Change, SetByKey, SetCells, Values
from medlemsrutiner.sheet.logbook import Action
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.sheet.stamps import written_on
from medlemsrutiner.sheet.words import Result
from medlemsrutiner.steps.records import FollowUp, Newcomer, Record, Referral, row_key


@dataclass(frozen=True)
class Erasure:
    """When a row's personal data goes, and why that day."""

    on: dt.date
    latest: bool
    """The row may be erased earlier (Intresserade: a referral moves the person on; Uppföljning:
    a follow-up call sets a closer date); Status says "senast"."""
    consent_until: dt.date | None = None
    """Set when a consent postpones the erasure to this day."""


def erase(tab: str, row_id: int, personal: Iterable[str]) -> SetCells:
    """Blank the `personal` columns of the row with `row_id`."""
    return SetCells(tab, row_id, tuple((name, None) for name in personal))


def _with_consent(on: dt.date, latest: bool, consent: dt.date | None, s: Settings) -> Erasure:
    if consent is None:
        return Erasure(on, latest)
    until = later(consent, months=s.routine.consent_months)
    if until <= on:
        return Erasure(on, latest)
    return Erasure(until, False, until)


def after_letters(on: dt.date, written: Iterable[dt.date | None], settings: Settings) -> dt.date:
    """`on`, or later: no sooner than `erase_after_result_days` after the last of the days a
    letter to, about or naming the person was written (`written`; None: none)."""
    days = settings.routine.erase_after_result_days
    return max([on, *(later(day, days=days) for day in written if day is not None)])


def intake_since(newcomer: Newcomer) -> dt.date | None:
    """The day an intake row counts from: its registration, or the day it was first seen."""
    return newcomer.registered or newcomer.first_seen


def stale_erase_date(newcomer: Newcomer, settings: Settings, today: dt.date) -> dt.date:
    """When an intake row is erased at the latest (counted from today when no date is known)."""
    since = intake_since(newcomer) or today
    return later(since, days=settings.routine.erase_stale_after_days)


def intake_erasure(newcomer: Newcomer, today: dt.date, settings: Settings) -> Erasure:
    """When this row of Intresserade loses its personal data."""
    stale = stale_erase_date(newcomer, settings, today)
    # Every stamp cell of the row (the registry's columns, added kinds too) and the summaries.
    written = (*(written_on(stamp) for _, stamp in newcomer.stamps.cells), newcomer.named)
    if newcomer.referral is Referral.OUTCOME:
        since = newcomer.call or intake_since(newcomer) or today
        declined = later(since, days=settings.routine.erase_declined_after_days)
        on = after_letters(min(declined, stale), written, settings)
        return _with_consent(on, False, newcomer.consent, settings)
    return _with_consent(after_letters(stale, written, settings), True, newcomer.consent, settings)


def row_write(tab: str, row_id: int | None, record: Record, values: Values, shared: bool) -> Change:
    """A write to one row: by its ID, or — when the ID is unreadable or held by another row too —
    by every cell the row reads (`records.row_key`), landing on every row that reads so (copies
    of one person). `record` is the row as read (`read_record`): the write lands in the same
    batch as the run's other writes to the row, before any of them."""
    if row_id is not None and not shared:
        return SetCells(tab, row_id, values)
    return SetByKey(
        tab, row_key(record, NEWCOMERS if tab == "newcomers" else FOLLOWUPS), values, every=True
    )


def intake_erasure_changes(
    newcomer: Newcomer, today: dt.date, settings: Settings
) -> tuple[Change, LogEntry] | None:
    """Erase an intake row whose time is up (a row without a usable ID too: by its content)."""
    if newcomer.personal_blank:
        return None
    if intake_erasure(newcomer, today, settings).on > today:
        return None
    reason = (
        newcomer.outcome.value
        if newcomer.outcome
        else "ingen kontakt"
        if newcomer.referral is Referral.NONE and newcomer.call is None
        else "inte klar i tid"
    )
    blank = tuple((name, None) for name in NEWCOMERS.personal_columns)
    return (
        row_write("newcomers", newcomer.id, newcomer.read_record, blank, not newcomer.usable),
        LogEntry(
            Action.ERASED, newcomer.id if newcomer.usable else None, f"Intresserade ({reason})"
        ),
    )


def referral_date(followup: FollowUp, settings: Settings) -> dt.date | None:
    """The referral a follow-up counts from: `Hänvisad`, else what the window or Logg implies."""
    routine = settings.routine
    if followup.referred is not None:
        return followup.referred
    if followup.follow_up_from is not None:
        return later(followup.follow_up_from, weeks=-routine.follow_up_from_weeks)
    if followup.follow_up_by is not None:
        return later(followup.follow_up_by, weeks=-routine.follow_up_by_weeks)
    return followup.first_seen


def close_date(followup: FollowUp, settings: Settings, today: dt.date) -> dt.date:
    """When a follow-up without a result is closed as `Ej uppföljd` and erased."""
    since = referral_date(followup, settings) or today
    return later(since, weeks=settings.routine.close_follow_up_after_weeks)


def followup_erasure(
    followup: FollowUp, today: dt.date, settings: Settings, letter_due: bool = False
) -> Erasure:
    """When this row of Uppföljning loses its personal data. `letter_due`: a re-engagement
    letter is due today (`followup.reengagement_due`); while the follow-up is open it keeps the
    data as if written today."""
    close = close_date(followup, settings, today)
    written = [
        followup.referred,  # the introduction (or alternatives) letter
        *(written_on(stamp) for _, stamp in followup.stamps.cells),
        followup.named,
    ]
    if letter_due and today <= close:
        written.append(today)
    called = followup.outcome is not None and followup.outcome.followed_up
    if called and followup.followed_up is not None:
        after_call = later(followup.followed_up, days=settings.routine.erase_after_result_days)
        on = after_letters(min(after_call, close), written, settings)
        return _with_consent(on, False, followup.consent, settings)
    on = after_letters(close, written, settings)
    return _with_consent(on, followup.outcome is None, followup.consent, settings)


def followup_erasure_changes(
    followup: FollowUp, today: dt.date, settings: Settings, letter_due: bool = False
) -> tuple[Change, LogEntry] | None:
    """Erase a follow-up row whose time is up: blank the personal cells, write `Raderad` (and
    `Ej uppföljd` when no result was written). A row erased before, into which someone typed
    personal data again, is blanked again. `letter_due`: as for `followup_erasure`."""
    if followup.personal_blank:
        return None
    erasure = followup_erasure(followup, today, settings, letter_due)
    if followup.erased is None and erasure.on > today:
        return None
    values: list[tuple[str, CellValue]] = [(name, None) for name in FOLLOWUPS.personal_columns]
    if followup.erased is None:
        values.append(("erased", today))
    result = followup.outcome
    if result is None and cells.is_blank(followup.record["result"]):
        # Never over a word a person typed, even an unreadable one: it is flagged instead.
        values.append(("result", Result.NOT_FOLLOWED_UP.value))
        result = Result.NOT_FOLLOWED_UP
    what = result.value if result is not None else "oläsligt resultat"
    return (
        row_write(
            "followups",
            followup.id,
            followup.read_record,
            tuple(values),
            followup.id_shared or followup.id is None,
        ),
        LogEntry(Action.ERASED, followup.id, f"Uppföljning ({what})"),
    )
