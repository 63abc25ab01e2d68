"""Calendar invitations for trainings: one iCalendar (.ics) file per training, in the
coordinator's time zone, so a newcomer adds it with one click. Pure (icalendar, in memory).

The time is read from what the coordinator typed in `Tid` (`18.00–20.00`, `18:00`, `kl. 18`);
when it cannot be read the event lasts the whole day. Each training has a stable UID (a hash of
its date, title and place), so a second letter with the same training updates the same event in
the newcomer's calendar instead of adding it twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from zoneinfo import ZoneInfo

import icalendar

from medlemsrutiner.plan import Training

_TIME = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?")
_DEFAULT_LENGTH = dt.timedelta(hours=2)


def times(typed: str) -> tuple[dt.time, dt.time | None] | None:
    """(start, end or None) read from what was typed in `Tid`; None when no time can be read."""
    found = [
        (int(hour), int(minute or 0))
        for hour, minute in _TIME.findall(typed)
        if int(hour) < 24 and int(minute or 0) < 60
    ]
    if not found:
        return None
    start = dt.time(*found[0])
    end = dt.time(*found[1]) if len(found) > 1 and found[1] > found[0] else None
    return start, end


def uid(training: Training) -> str:
    """A UID that stays the same for the same training in every letter (in either language:
    the Swedish title names it)."""
    key = f"{training.date.isoformat()}|{training.place}|{training.time}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:24]}@medlemsrutiner"


_SIGN_UP = {"sv": "Anmälan", "en": "Sign up"}


def training_ics(
    training: Training, zone: ZoneInfo, now: dt.datetime, organiser: str, language: str = "sv"
) -> str:
    """The training as an iCalendar file (METHOD:PUBLISH: an event to add, not an RSVP), its
    texts in `language` (the title and description as the letter in that language shows them)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//medlemsrutiner//Amnesty//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid(training))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("summary", training.title)
    clock = times(training.time)
    if clock is None:
        event.add("dtstart", training.date)
        event.add("dtend", training.date + dt.timedelta(days=1))
    else:
        start = dt.datetime.combine(training.date, clock[0], tzinfo=zone)
        end = (
            dt.datetime.combine(training.date, clock[1], tzinfo=zone)
            if clock[1] is not None
            else start + _DEFAULT_LENGTH
        )
        event.add("dtstart", start)
        event.add("dtend", end)
    if training.place:
        event.add("location", training.place)
    sign_up = f"{_SIGN_UP.get(language, _SIGN_UP['sv'])}: {training.signup}"
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


def file_name(training: Training) -> str:
    """`utbildning-2026-12-12.ics`: no personal data, sorts by date."""
    return f"utbildning-{training.date.isoformat()}.ics"
