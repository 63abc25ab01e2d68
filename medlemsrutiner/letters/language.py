"""What the routine itself writes in a letter, in the letter's language, and which of a
coordinator's texts a letter in that language shows. Pure: no I/O.

The templates hold the sentences; the words in them that come from a date, a period of the
config or a time typed in the workbook are made here, so a letter never states a period the
config does not hold (`call_within_days = 3` gives "inom 3 dagar" / "within 3 days") and an
English letter never carries a Swedish date, time or text. A coordinator's text that exists only
in Swedish is left out of an English letter (a training without an English title gets a neutral
one), never shown in Swedish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from medlemsrutiner.letters.calendar import times
from medlemsrutiner.plan import Group, Training

_MONTHS = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_WEEKDAYS = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_UNITS = {
    # language: (one day, days, one week, weeks)
    "sv": ("en dag", "dagar", "en vecka", "veckor"),
    "en": ("a day", "days", "a week", "weeks"),
}
_RECENT = {
    # language: (today, yesterday, n days ago, on a date)
    "sv": ("i dag", "i går", "för {n} dagar sedan", "den {date}"),
    "en": ("today", "yesterday", "{n} days ago", "on {date}"),
}
UNTITLED_TRAINING = {"sv": "Utbildning", "en": "Training for new members"}
"""A training's title in a letter whose language it has no title in."""


def _language(language: str) -> str:
    return language if language in _MONTHS else "sv"


def long_date(day: dt.date, language: str = "sv") -> str:
    """`tisdag 1 december 2026` / `Tuesday 1 December 2026`."""
    language = _language(language)
    weekday = _WEEKDAYS[language][day.weekday()]
    return f"{weekday} {day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def short_date(day: dt.date, language: str = "sv", today: dt.date | None = None) -> str:
    """`26 november` / `26 November`, with the year when it is not `today`'s."""
    language = _language(language)
    text = f"{day.day} {_MONTHS[language][day.month - 1]}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def period(days: int, language: str = "sv") -> str:
    """A period of the config as a letter says it: `3 dagar`, `en vecka`, `2 veckor` /
    `3 days`, `a week`, `2 weeks` (whole weeks in weeks, anything else in days)."""
    one_day, days_word, one_week, weeks_word = _UNITS[_language(language)]
    if days == 1:
        return one_day
    if days == 7:
        return one_week
    if days > 0 and days % 7 == 0:
        return f"{days // 7} {weeks_word}"
    return f"{days} {days_word}"


def weeks_between(first: int, last: int, language: str = "sv") -> str:
    """A window of whole weeks: `8–10 veckor` / `8–10 weeks`; one number when they agree."""
    if first == last:
        return period(7 * first, language)
    return f"{first}–{last} {_UNITS[_language(language)][3]}"


def past_day(day: dt.date, today: dt.date, language: str = "sv") -> str:
    """When something happened, by its real distance from the letter's day: `i dag`, `i går`,
    `för 3 dagar sedan`, `den 26 november` / `today`, `yesterday`, `3 days ago`,
    `on 26 November` (a week or more ago, or a day ahead of the letter: its date)."""
    on_day, yesterday, days_ago, on_date = _RECENT[_language(language)]
    distance = (today - day).days
    if distance == 0:
        return on_day
    if distance == 1:
        return yesterday
    if 2 <= distance <= 6:
        return days_ago.format(n=distance)
    return on_date.format(date=short_date(day, language, today))


def clock(typed: str, language: str = "sv") -> str:
    """A time typed in Utbildningar's `Tid`, as a letter in `language` gives it. A Swedish
    letter keeps what the coordinator typed (`18.00–20.00`); an English one writes the times
    it can read as `18:00–20:00` and leaves out what it cannot (it may be Swedish words)."""
    if _language(language) == "sv":
        return typed
    read = times(typed)
    if read is None:
        return ""
    start, end = read
    return start.strftime("%H:%M") + (f"–{end.strftime('%H:%M')}" if end is not None else "")


def training_in(language: str, training: Training) -> Training:
    """`training` as a letter in `language` shows it: an English letter has the English title
    (or a neutral one) and description (or none), and the time as English writes it."""
    if _language(language) == "sv":
        return training
    return dataclasses.replace(
        training,
        title=training.title_en or UNTITLED_TRAINING["en"],
        description=training.description_en,
        time=clock(training.time, language),
    )


def group_in(language: str, group: Group) -> Group:
    """`group` as a letter in `language` shows it: an English letter shows `Träffas (en)` and
    `Arbetar med (en)`, and leaves out what has no English text. Names, addresses and phone
    numbers are the same in every language."""
    if _language(language) == "sv":
        return group
    return dataclasses.replace(group, meets=group.meets_en, works_on=group.works_on_en)
