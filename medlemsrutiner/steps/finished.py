"""People who are finished, out of the coordinator's way in Intresserade. Pure.

After a move to Uppföljning or an erasure, a row of Intresserade keeps only its ID, dates and
Status; after a year the few people who still need something would be scattered among hundreds
of such rows. A finished row is hidden `hide_finished_after_days` after the day it was finished
(so its `Klar: …` Status is in view for a while), and shown again should it ever need something.
Rows are hidden, never deleted: the ID stays in the sheet (and in Logg), so it is never handed out
again, and nothing a person typed can be lost by a row moving under the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import HideRows
from medlemsrutiner.sheet.schema import NEWCOMERS
from medlemsrutiner.steps.erasure import intake_erasure
from medlemsrutiner.steps.records import Newcomer, Records
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


def hide_finished(after: Records, today: dt.date, settings: Settings) -> HideRows:
    """Intresserade's rows to hide on `today` (every other row with an ID is shown)."""
    wait = settings.routine.hide_finished_after_days
    in_followups = after.in_followups
    hidden = frozenset(
        newcomer.id
        for newcomer in after.newcomers
        if newcomer.id is not None
        and (day := finished_on(newcomer, in_followups, today, settings)) is not None
        and cells.later(day, days=wait) <= today
    )
    return HideRows("newcomers", hidden, NEWCOMERS.personal_columns)
