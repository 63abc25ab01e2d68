"""People who are finished, out of the coordinator's way in Intresserade and Uppföljning. Pure.

After a move to Uppföljning or an erasure, a row of Intresserade keeps only its ID, dates and
Status; once a follow-up is done and its personal data erased, a row of Uppföljning keeps only
the anonymous columns the statistics count. After a year the few people who still need
something would be scattered among hundreds of such rows. A finished row is hidden
`hide_finished_after_days` after the day it was finished (so its `Klar: …` or `Uppföljd: …`
Status is in view for a while), and shown again should it ever need something. Rows are hidden,
never deleted: the ID stays in the sheet (and in Logg), so it is never handed out again, the
statistics keep counting the row, and nothing a person typed can be lost by a row moving under
the run. A row with personal data, or without an ID, is always shown (`HideRows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import HideRows
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.steps.erasure import followup_erasure, intake_erasure
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records
from medlemsrutiner.steps.referral import closed, moved


def finished_on(
    newcomer: Newcomer, in_followups: Set[int], today: dt.date, settings: Settings
) -> dt.date | None:
    """The day an intake row was finished: the introduction's date for a person moved to
    Uppföljning, the erasure date for one whose data was erased; None while it is not."""
    if not newcomer.usable or not newcomer.personal_blank:
        return None
    if not closed(newcomer, in_followups):
        return None
    erased = intake_erasure(newcomer, today, settings).on
    if moved(newcomer) is not None:
        # "Skickat för hand" has no date: the row is finished by its erasure date at the latest.
        return newcomer.introduction.date or erased
    return erased


def followup_finished_on(followup: FollowUp, today: dt.date, settings: Settings) -> dt.date | None:
    """The day a row of Uppföljning was finished: the day its personal data was erased
    (`Raderad`, or when it would have been, for a row a person blanked); None while it holds
    personal data, has a cell to correct, or a re-engagement letter a person must check."""
    if followup.id is None or followup.id_shared or not followup.personal_blank:
        return None
    if followup.problems:
        return None
    stamp = followup.reengagement
    if stamp.state is StampState.SENDING or stamp.failed:
        return None
    return followup.erased or followup_erasure(followup, today, settings).on


def _hidden(days: dict[int, dt.date | None], today: dt.date, settings: Settings) -> frozenset[int]:
    wait = settings.routine.hide_finished_after_days
    return frozenset(
        row_id
        for row_id, day in days.items()
        if day is not None and cells.later(day, days=wait) <= today
    )


def hide_finished(after: Records, today: dt.date, settings: Settings) -> HideRows:
    """Intresserade's rows to hide on `today` (every other row with an ID is shown)."""
    in_followups = after.in_followups
    days = {
        newcomer.id: finished_on(newcomer, in_followups, today, settings)
        for newcomer in after.newcomers
        if newcomer.id is not None
    }
    return HideRows("newcomers", _hidden(days, today, settings), NEWCOMERS.personal_columns)


def hide_finished_followups(after: Records, today: dt.date, settings: Settings) -> HideRows:
    """Uppföljning's rows to hide on `today` (every other row with an ID is shown)."""
    days = {
        followup.id: followup_finished_on(followup, today, settings)
        for followup in after.followups
        if followup.id is not None
    }
    return HideRows("followups", _hidden(days, today, settings), FOLLOWUPS.personal_columns)
