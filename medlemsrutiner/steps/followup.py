"""The follow-up (routine step 6): when the call is due, what to look at in Uppföljning, and the
re-engagement letter to those who did not get in. Pure.

Everyone referred to a group or an alternative gets a row in Uppföljning; the follow-up call is
due from `follow_up_from_weeks` after the referral and overdue after `follow_up_by_weeks`,
counted from the referral date (never from today). When `Resultat` says `Inte aktiv` (or
`Ej nådd`, if `reengage_unreached` is on) the person gets one re-engagement letter — the
alternatives but the one they were referred to, the district's other active groups and the
upcoming trainings — guarded by the
`Återvärvning` stamp cell like every other letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from medlemsrutiner.plan import Delivery, Flag, Group, Letter
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import Change
from medlemsrutiner.sheet.letter_kinds import REENGAGEMENT
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.sheet.words import Result, alternative_words
from medlemsrutiner.steps.erasure import followup_erasure, row_write
from medlemsrutiner.steps.records import FollowUp


def window(referred_on: dt.date, settings: Settings) -> tuple[dt.date, dt.date]:
    """(due from, overdue after) for a referral made on `referred_on`."""
    routine = settings.routine
    return (
        cells.later(referred_on, weeks=routine.follow_up_from_weeks),
        cells.later(referred_on, weeks=routine.follow_up_by_weeks),
    )


def followup_flags(followup: FollowUp) -> list[Flag]:
    """The cells of a follow-up row that a person must correct."""
    return [Flag("followups", followup.row, followup.id, text) for text in followup.problems]


def close_unfollowed(
    followup: FollowUp, today: dt.date, settings: Settings, close_on: dt.date
) -> Change | None:
    """A follow-up with no result by `close_on` (16 weeks after the referral) is closed as
    `Ej uppföljd` — for the statistics, even when a consent keeps the person's details longer.
    Never over a word a person typed, even an unreadable one (that is flagged instead)."""
    if followup.outcome is not None or close_on > today:
        return None
    if not cells.is_blank(followup.record["result"]):
        return None
    return row_write(
        "followups",
        followup.id,
        followup.read_record,
        (("result", Result.NOT_FOLLOWED_UP.value),),
        followup.id_shared or followup.id is None,
    )


def reengagement_wanted(followup: FollowUp, settings: Settings) -> bool:
    """The result calls for a re-engagement letter (sent or not)."""
    wanted = {Result.NOT_ACTIVE}
    if settings.routine.reengage_unreached:
        wanted.add(Result.NOT_REACHED)
    return followup.outcome in wanted


def reengagement(
    followup: FollowUp,
    groups: Mapping[str, Group],
    today: dt.date,
    settings: Settings,
    stamp_column: bool,
) -> Delivery | None:
    """The re-engagement letter, if due (`reengagement_due`). The caller sends it only on a day
    the row is not erased (`erasure.followup_erasure` keeps the data for it while the follow-up
    is open)."""
    person, address = followup.person, followup.email
    if person is None or address is None or not reengagement_due(followup, settings, stamp_column):
        return None
    referred = groups.get(cells.normalise_word(followup.referred_to))
    # An alternative that did not work out is not offered again (nor is the group: the
    # letter names only the others).
    tried = alternative_words().get(cells.normalise_word(followup.referred_to))
    # The letter says how long the person has to answer before their data is erased, unless a
    # consent keeps it.
    kept = followup_erasure(followup, today, settings, True).consent_until is not None
    letter = Letter(
        "reengagement",
        person.language,
        address,
        person.name,
        person,
        group=referred,
        chosen=tried,
        # The letter speaks of the follow-up call by its real distance (it may have been
        # typed in weeks late), and of a call that never reached the person as one.
        extra=(
            ("called", followup.followed_up),
            ("reached", followup.outcome is not Result.NOT_REACHED),
            ("kept_by_consent", kept),
        ),
    )
    return Delivery(
        tab=REENGAGEMENT.stamp.tab,
        row_id=followup.id,
        stamp=REENGAGEMENT.stamp.column,
        letters=(letter,),
        due_since=followup.followed_up or today,
        kind=REENGAGEMENT.name,
        stamp_text=followup.reengagement.text,
    )


def reengagement_due(followup: FollowUp, settings: Settings, stamp_column: bool) -> bool:
    """The result calls for the re-engagement letter and it can go: once (its stamp cell is
    blank), to a valid address, from a row with its own ID whose data is still there.

    `stamp_column` says whether Uppföljning has `Återvärvning`: without a stamp cell the letter
    could not be sent at most once, so it is not sent at all (the caller flags it).
    """
    return not (
        followup.id is None
        or followup.id_shared
        or followup.person is None
        or followup.email is None
        or followup.erased is not None
        or followup.call_ahead
        or not stamp_column
        or followup.reengagement.state is not StampState.DUE
        or not reengagement_wanted(followup, settings)
    )


def reengagement_problem(followup: FollowUp, settings: Settings, stamp_column: bool) -> str | None:
    """Why a re-engagement letter that the result calls for cannot be sent, if it cannot."""
    if not reengagement_wanted(followup, settings) or followup.person is None:
        return None
    if followup.reengagement.state is not StampState.DUE:
        return None
    if not stamp_column:
        header = REENGAGEMENT.stamp.header
        return f"Lägg till kolumnen {header} i Uppföljning, så skickas återvärvningsbrevet."
    if followup.email is None and not without_address(followup):
        return "Rätta E-post: utan giltig adress går återvärvningsbrevet inte ut."
    return None


def without_address(followup: FollowUp) -> bool:
    """The row has no address at all (a person reached by phone only): nothing to correct, so
    the re-engagement is a phone call (`reengagement_by_phone`), never a flag."""
    return followup.email is None and cells.is_blank(followup.record["email"])


def reengagement_by_phone(followup: FollowUp, settings: Settings, stamp_column: bool) -> bool:
    """The result calls for a re-engagement letter that cannot go because the person has no
    address: Status tells the coordinator to offer the other ways in on the phone."""
    return (
        stamp_column
        and followup.person is not None
        and followup.erased is None
        and followup.reengagement.state is StampState.DUE
        and reengagement_wanted(followup, settings)
        and without_address(followup)
    )
