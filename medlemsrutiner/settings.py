"""The routine's settings: what the pure steps are allowed to know of the configuration. Pure.

Periods, the start date and the default language — never a path, a server or a secret, so a
step cannot do I/O by accident. `config.Config.settings` builds them from the config file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def _days(default: int, most: int = 3650) -> Any:
    return field(default=default, metadata={"max": most})


@dataclass(frozen=True)
class Routine:
    """The routine's periods and limits (the config's `[routine]` table).

    Each field's metadata holds the largest value the config may give it: a period of a
    hundred million days is a typo, and would overflow date arithmetic.
    """

    welcome_within_days: int = _days(3, 365)
    """A welcome letter not yet sent this long after registration is late in Status (the letter
    goes out with the first run that sees the row, whatever this says)."""
    call_within_days: int = _days(7, 365)
    """The call is late in Status after this many days; the welcome letter promises it within
    them. The letters take every period they state from here (`letters.language`)."""
    follow_up_from_weeks: int = _days(8, 520)
    follow_up_by_weeks: int = _days(10, 520)
    close_follow_up_after_weeks: int = _days(16, 520)
    """A follow-up with no call this long after the referral is closed as `Ej uppföljd`."""
    erase_declined_after_days: int = _days(30)
    erase_after_result_days: int = _days(7)
    """Days after the follow-up call before the data is erased; also no erasure sooner than this
    after the last letter to, about or naming a person, and no letter leaves the outbox sooner."""
    stale_after_days: int = _days(90)
    erase_stale_after_days: int = _days(180)
    """Any intake row still in Intresserade this long after registration is erased."""
    consent_months: int = _days(24, 120)
    """How long a `Samtycke` keeps a person's details after its date."""
    reengage_unreached: bool = False
    """Also send the re-engagement letter when the follow-up result is `Ej nådd`."""
    min_followups: int = _days(3, 10000)
    """Follow-ups in 12 months before a group's share of active people can raise an alert."""
    alert_below: int = _days(50, 100)
    """A group whose share of active people is below this percentage is a problem group."""
    group_confirm_after_days: int = _days(180)
    """A group whose `Bekräftad` is older than this is asked to confirm its details..."""
    group_reminder_every_days: int = _days(30)
    """...at most once in this many days."""
    trainings_in_letters: int = _days(3, 20)
    """At most this many upcoming trainings in a letter..."""
    trainings_within_days: int = _days(90)
    """...of those in the next this many days."""
    hide_finished_after_days: int = _days(7)
    """A row of Intresserade whose person is finished (moved to Uppföljning, or erased), and a
    row of Uppföljning whose data was erased, is hidden this many days after, so the rows still
    needing something are the ones in view."""


@dataclass(frozen=True)
class Settings:
    """Everything a step decides with besides the tables and the day."""

    start_date: dt.date
    """Rows registered before this date are never welcomed (no blast on the first run)."""
    language: str = "sv"
    """The letters' language when a row's Språk is blank."""
    routine: Routine = field(default_factory=Routine)
