"""The welcome letter (routine step 2): within days of registration, once, to a valid address.
Pure.

A row registered before `start_date` is never welcomed (no blast of old contacts on the first
run); nor is a duplicate, or someone who declined.
"""

from __future__ import annotations

from medlemsrutiner.plan import Delivery, Letter
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet.stamps import StampState
from medlemsrutiner.sheet.words import Outcome
from medlemsrutiner.steps.records import Newcomer


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


def welcome(newcomer: Newcomer, settings: Settings) -> Delivery | None:
    """The welcome letter's delivery, if it is due."""
    if newcomer.id is None or not welcome_due(newcomer, settings):
        return None
    assert newcomer.email is not None and newcomer.registered is not None
    person = newcomer.person
    return Delivery(
        tab="newcomers",
        row_id=newcomer.id,
        stamp="welcome",
        letters=(Letter("welcome", person.language, newcomer.email, person.name, person),),
        due_since=newcomer.registered,
        kind="welcome",
    )
