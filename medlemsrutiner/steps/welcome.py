"""The welcome letter (routine step 2): within days of registration, once, to a valid address.
Pure.

A row registered before `start_date` is never welcomed (no blast of old contacts on the first
run); nor is a duplicate, or someone who declined. `unwelcomed` names the rows seen for the
first time today that get no letter on purpose — registered before `start_date`, or there
before the first run — so that the run says so the day they appear.

The letter never promises what has already happened: its `contact` value tells the template
where the person stands when it goes out — not yet called (`none`: "I will call you within a
week"), called (`called`), tried but not reached (`not_reached`), or introduced to a group or
given the alternatives in a letter going out the same day (`introduction`, `alternatives`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from medlemsrutiner.plan import Delivery, Letter
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.letter_kinds import INTRODUCTION, WELCOME, letter_kind
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.sheet.words import Outcome
from medlemsrutiner.steps.records import Newcomer, Records


def welcome_due(newcomer: Newcomer, settings: Settings) -> bool:
    """The welcome letter should go out now."""
    return (
        newcomer.welcome.state is StampState.DUE
        and newcomer.email is not None
        and newcomer.duplicate_of is None
        and newcomer.registered is not None
        and newcomer.registered >= settings.start_date
        and newcomer.outcome is not Outcome.DECLINED
    )


Contact = Literal["none", "called", "not_reached", "introduction", "alternatives"]
"""Where the person stands when the welcome letter goes out (see the module docstring)."""


def contact(newcomer: Newcomer, today: dt.date, referral: Delivery | None) -> Contact:
    """What the welcome letter may say about the call: `referral` is the introduction or
    alternatives delivery planned for the same day, if any."""
    if referral is not None and any(_to_newcomer(letter.kind) for letter in referral.letters):
        return "introduction" if referral.kind == INTRODUCTION.name else "alternatives"
    if newcomer.call is not None and newcomer.call <= today:
        return "called"
    if newcomer.outcome is Outcome.NOT_REACHED:
        return "not_reached"
    return "none"


def _to_newcomer(kind: str) -> bool:
    known = letter_kind(kind)
    return known is not None and known.recipient == "newcomer"


def welcome(
    newcomer: Newcomer,
    settings: Settings,
    today: dt.date,
    referral: Delivery | None = None,
) -> Delivery | None:
    """The welcome letter's delivery, if it is due, worded for where the person stands."""
    if newcomer.id is None or not welcome_due(newcomer, settings):
        return None
    assert newcomer.email is not None and newcomer.registered is not None
    person = newcomer.person
    stands = contact(newcomer, today, referral)
    group = newcomer.group.name if newcomer.group is not None else ""
    letter = Letter(
        "welcome",
        person.language,
        newcomer.email,
        person.name,
        person,
        extra=(("contact", stands), ("group_name", group if stands == "introduction" else "")),
    )
    return Delivery(
        tab=WELCOME.stamp.tab,
        row_id=newcomer.id,
        stamp=WELCOME.stamp.column,
        letters=(letter,),
        due_since=newcomer.registered,
        kind=WELCOME.name,
    )


@dataclass(frozen=True)
class Unwelcomed:
    """Rows seen for the first time today (given their ID by this run) that get no welcome
    letter on purpose, by ID."""

    before_start: tuple[int, ...] = ()
    """Registered before `start_date`: a letter goes once the start date is moved back."""
    before_first_run: tuple[int, ...] = ()
    """There, without a date, before the very first run: `Ej skickat` in Välkomstbrev (an
    old contact); a letter goes once a person clears the cell."""


def unwelcomed(records: Records, settings: Settings) -> Unwelcomed:
    """The new rows of `records` that get no welcome letter on purpose (not a duplicate, not
    one who declined: those rows say why themselves)."""
    before_start: list[int] = []
    before_first_run: list[int] = []
    for newcomer in records.newcomers:
        if not newcomer.new or newcomer.id is None or newcomer.duplicate_of is not None:
            continue
        if newcomer.outcome is Outcome.DECLINED:
            continue
        if newcomer.welcome.text == stamps.existed_before_start():
            before_first_run.append(newcomer.id)
        elif (
            newcomer.welcome.state is StampState.DUE
            and newcomer.registered is not None
            and newcomer.registered < settings.start_date
        ):
            before_start.append(newcomer.id)
    return Unwelcomed(tuple(before_start), tuple(before_first_run))
