"""The routine's settings: what the pure steps are allowed to know of the configuration. Pure.

Periods, the start date and the default language — never a path, a server or a secret, so a
step cannot do I/O by accident. `config.Config.settings` builds them from the config file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Routine:
    """Deadlines of the routine, in days or weeks after the date they count from."""

    welcome_within_days: int = 3
    call_within_days: int = 7
    follow_up_from_weeks: int = 8
    follow_up_by_weeks: int = 10
    erase_declined_after_days: int = 30
    erase_after_result_days: int = 7
    stale_after_days: int = 90
    erase_stale_after_days: int = 180
    group_confirm_after_days: int = 180
    trainings_in_letters: int = 3


@dataclass(frozen=True)
class Settings:
    """Everything a step decides with besides the tables and the day."""

    start_date: dt.date
    """Rows registered before this date are never welcomed (no blast on the first run)."""
    language: str = "sv"
    """The letters' language when a row's Språk is blank."""
    routine: Routine = field(default_factory=Routine)
