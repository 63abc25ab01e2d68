"""Calendar invitations for trainings: one iCalendar (.ics) file per training, in the
coordinator's time zone, so a newcomer adds it with one click. Pure (icalendar, in memory).

The time is read from what the coordinator typed in `Tid` (`18.00–20.00`, `18:00`, `kl. 18`;
`sheet.times`), or after the date in `Datum` when `Tid` is blank (`steps.district`); when it
cannot be read the event lasts the whole day. Each training has a stable UID (a hash of its
date, place and time as typed), so a second letter with the same training — in either
language — updates the same event in the newcomer's calendar instead of adding it twice. The
calendar's texts and its file's name are in the letter's language.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import icalendar

from medlemsrutiner.plan import Training
from medlemsrutiner.sheet.times import parse_time
from medlemsrutiner.wording import language_of

_DEFAULT_LENGTH = dt.timedelta(hours=2)


def uid(training: Training) -> str:
    """A UID that stays the same for the same training in every letter, in either language:
    its date, place and time as typed (never a text the letter's language changes)."""
    key = f"{training.date.isoformat()}|{training.place}|{training.time}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:24]}@medlemsrutiner"


_SIGN_UP = {"sv": "Anmälan", "en": "Sign up"}
_FILE_WORD = {"sv": "utbildning", "en": "training"}


def training_ics(
    training: Training, zone: ZoneInfo, now: dt.datetime, organiser: str, language: str = "sv"
) -> str:
    """The training as an iCalendar file (METHOD:PUBLISH: an event to add, not an RSVP), its
    texts in `language` (the title and description as the letter in that language shows them)."""
    calendar = icalendar.Calendar()
    language = language_of(language)
    calendar.add("prodid", f"-//medlemsrutiner//Amnesty//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid(training))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("summary", training.title)
    clock = parse_time(training.time)
    if clock is None:
        event.add("dtstart", training.date)
        event.add("dtend", training.date + dt.timedelta(days=1))
    else:
        start = dt.datetime.combine(training.date, clock.start, tzinfo=zone)
        end = (
            dt.datetime.combine(training.date, clock.end, tzinfo=zone)
            if clock.end is not None
            else start + _DEFAULT_LENGTH
        )
        event.add("dtstart", start)
        event.add("dtend", end)
    if training.place:
        event.add("location", training.place)
    sign_up = f"{_SIGN_UP[language]}: {training.signup}"
    description = "\n".join(
        part for part in (training.description, sign_up if training.signup else "") if part
    )
    if description:
        event.add("description", description)
    if training.signup.startswith(("http://", "https://")):
        event.add("url", training.signup)
    event.add("organizer", f"mailto:{organiser}")
    if clock is not None:
        calendar.add_component(_vtimezone(zone.key, training.date.year))
    calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))


@functools.lru_cache(maxsize=16)
def _vtimezone(tzid: str, year: int) -> icalendar.Timezone:
    """The zone's rules around `year` only: complete for the event, and small (the default
    range of 1970-2038 makes every invitation kilobytes long and slow to build)."""
    return icalendar.Timezone.from_tzinfo(
        ZoneInfo(tzid), tzid, dt.date(year - 1, 1, 1), dt.date(year + 2, 1, 1)
    )


def file_names(trainings: Sequence[Training], language: str = "sv") -> list[str]:
    """Each training's file name in a letter, in the letter's language and without personal
    data, sorting by date: `utbildning-2026-12-12.ics` / `training-2026-12-12.ics`; trainings
    that share a day are numbered in the letter's order (`…-12-1.ics`, `…-12-2.ics`)."""
    word = _FILE_WORD[language_of(language)]
    days = [training.date for training in trainings]
    names: list[str] = []
    for index, day in enumerate(days):
        same_day = days.count(day) > 1
        number = f"-{days[: index + 1].count(day)}" if same_day else ""
        names.append(f"{word}-{day.isoformat()}{number}.ics")
    return names
