"""A time of day as people type it in a cell (`18.00`, `kl 18`, `18-20`). Pure: no I/O.

Utbildningar's `Tid` holds it, and so may the text after a date (`20/2 18.00` in a training's
`Datum`, `3/12 kl 14` in `Samtal`). Read once, here: the letters write it tidily in either
language (`letters.language.clock`), the calendar invitation starts at it, and a date written
back as a real date knows what followed it was a time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


def _hour_minute(n: int) -> str:
    """An hour, its minutes and seconds if typed, and am/pm: `18`, `18.30`, `18:30:00`, `6 pm`."""
    seconds, half = r"(?::\d{2})?", rf"(?:\s*(?P<p{n}>[ap])\.?m\b\.?)?"
    return rf"(?P<h{n}>\d{{1,2}})(?:[.:](?P<m{n}>\d{{2}}){seconds})?{half}"


_CLOCK = re.compile(
    rf"^(?:(?:kl|klockan|at)\.?\s*)?{_hour_minute(1)}"
    rf"(?:\s*(?:-|–|—|till|to)\s*(?:(?:kl|klockan)\.?\s*)?{_hour_minute(2)})?"
    r"(?=$|[\s,;.(])[\s,;.]*(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clock:
    """A time of day as typed: its start, its end when a span was typed (`18-20`), and the
    words that followed it, as typed (`(fika från 17.30)`)."""

    start: dt.time
    end: dt.time | None = None
    rest: str = ""


def parse_time(typed: str) -> Clock | None:
    """A time of day the way people type it at the start of a cell: `18`, `18.00`, `18:00`,
    `kl 18`, `kl. 18.30`, `18-20`, `18.00 - 20.00`, `18.00–20.00`, `18 till 20`; None for
    text that does not start with one (`eftermiddag`, `ca 18`) or whose end is not after its
    start."""
    found = _CLOCK.match(" ".join(typed.split()))
    if found is None:
        return None
    start = _time_of_day(found["h1"], found["m1"], found["p1"])
    end = _time_of_day(found["h2"], found["m2"], found["p2"]) if found["h2"] else None
    if start is None or (found["h2"] and end is None):
        return None
    if end is not None and found["p2"] and not found["p1"] and start.hour < 12 < end.hour:
        # `6-8 pm`: the am/pm typed once holds for both, when that keeps the order.
        afternoon = start.replace(hour=start.hour + 12)
        start = afternoon if afternoon < end else start
    if end is not None and end <= start:
        return None
    return Clock(start, end, found["rest"])


def _time_of_day(hour: str, minute: str | None, half: str | None) -> dt.time | None:
    """The time, or None for one that does not exist (`25.00`, `18.75`, `13 pm`)."""
    hours, minutes = int(hour), int(minute or 0)
    if half is not None:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half.casefold() == "p" else 0)
    return dt.time(hours, minutes) if hours < 24 and minutes < 60 else None
