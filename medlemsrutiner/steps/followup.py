"""The follow-up (routine step 6): when the call is due, and what to look at in Uppföljning.
Pure.

Everyone referred to a group or an alternative gets a row in Uppföljning; the follow-up call is
due from `follow_up_from_weeks` after the referral and overdue after `follow_up_by_weeks`,
counted from the referral date (never from today).
"""

from __future__ import annotations

import datetime as dt

from medlemsrutiner.plan import Flag
from medlemsrutiner.settings import Settings
from medlemsrutiner.steps.records import FollowUp


def window(referred_on: dt.date, settings: Settings) -> tuple[dt.date, dt.date]:
    """(due from, overdue after) for a referral made on `referred_on`."""
    routine = settings.routine
    return (
        referred_on + dt.timedelta(weeks=routine.follow_up_from_weeks),
        referred_on + dt.timedelta(weeks=routine.follow_up_by_weeks),
    )


def followup_flags(followup: FollowUp) -> list[Flag]:
    """The cells of a follow-up row that a person must correct."""
    return [Flag("followups", followup.row, followup.id, text) for text in followup.problems]
