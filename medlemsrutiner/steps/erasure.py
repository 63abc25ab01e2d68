"""When personal data is erased. Pure.

Intake (Intresserade): a person who declined or was not reached, `erase_declined_after_days`
after the call; a row nobody acted on, `erase_stale_after_days` after registration. Follow-up
(Uppföljning): `erase_after_result_days` after the follow-up call, once `Resultat` is written;
the row keeps its ID, group, dates and result for the statistics and gets `Raderad`. Erasure
blanks the tab's personal columns and logs the ID only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from medlemsrutiner.plan import LogEntry
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet.changes import SetCells
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.steps.records import FollowUp, Newcomer, Referral


def erase(tab: str, row_id: int, personal: Iterable[str]) -> SetCells:
    """Blank the `personal` columns of the row with `row_id`."""
    return SetCells(tab, row_id, tuple((name, None) for name in personal))


def stale_erase_date(newcomer: Newcomer, settings: Settings) -> dt.date:
    """When an intake row nobody acted on is erased."""
    if newcomer.registered is None:
        return dt.date.max
    return newcomer.registered + dt.timedelta(days=settings.routine.erase_stale_after_days)


def outcome_erase_date(newcomer: Newcomer, settings: Settings) -> dt.date:
    """When a person who declined or was not reached is erased."""
    since = newcomer.call or newcomer.registered
    if since is None:
        return dt.date.max
    return since + dt.timedelta(days=settings.routine.erase_declined_after_days)


def followup_erase_date(followup: FollowUp, settings: Settings) -> dt.date | None:
    """A week (configurable) after the follow-up call, once a result is written."""
    if not followup.result or followup.followed_up is None:
        return None
    return followup.followed_up + dt.timedelta(days=settings.routine.erase_after_result_days)


def intake_erasure(
    newcomer: Newcomer, today: dt.date, settings: Settings
) -> tuple[SetCells, LogEntry] | None:
    """Erase an intake row whose time is up (declined, not reached, or never acted on)."""
    if newcomer.id is None or newcomer.personal_blank:
        return None
    if newcomer.referral is Referral.OUTCOME:
        erase_on = outcome_erase_date(newcomer, settings)
    elif newcomer.referral is Referral.NONE and newcomer.call is None:
        erase_on = stale_erase_date(newcomer, settings)
    else:
        return None
    if erase_on > today:
        return None
    reason = newcomer.outcome.value if newcomer.outcome else "ingen kontakt"
    return (
        erase("newcomers", newcomer.id, NEWCOMERS.personal_columns),
        LogEntry("uppgifter raderade", newcomer.id, f"Intresserade ({reason})"),
    )


def followup_erasure(
    followup: FollowUp, today: dt.date, settings: Settings
) -> tuple[SetCells, LogEntry] | None:
    """Erase a follow-up row a week after the call; it keeps what the statistics need."""
    erase_on = followup_erase_date(followup, settings)
    if followup.id is None or erase_on is None or erase_on > today or followup.erased is not None:
        return None
    blank = tuple((name, None) for name in FOLLOWUPS.personal_columns)
    return (
        SetCells("followups", followup.id, (*blank, ("erased", today))),
        LogEntry("uppgifter raderade", followup.id, f"Uppföljning ({followup.result})"),
    )
