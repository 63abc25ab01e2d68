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

from medlemsrutiner.plan import Group, Training
from medlemsrutiner.sheet.times import parse_time
from medlemsrutiner.wording import MONTHS, count, language_of, word

_WEEKDAYS = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_ONE = {
    # language: (one day, one week), as a period is said without a number
    "sv": ("en dag", "en vecka"),
    "en": ("a day", "a week"),
}
_RECENT = {
    # language: (today, yesterday, n days ago, on a date)
    "sv": ("i dag", "i går", "för {n} dagar sedan", "den {date}"),
    "en": ("today", "yesterday", "{n} days ago", "on {date}"),
}
UNTITLED_TRAINING = {"sv": "Utbildning", "en": "Training for new members"}
"""A training's title in a letter whose language it has no title in."""


def long_date(day: dt.date, language: str = "sv") -> str:
    """`tisdag 1 december 2026` / `Tuesday 1 December 2026`."""
    language = language_of(language)
    weekday = _WEEKDAYS[language][day.weekday()]
    return f"{weekday} {day.day} {MONTHS[language][day.month - 1]} {day.year}"


def short_date(day: dt.date, language: str = "sv", today: dt.date | None = None) -> str:
    """`26 november` / `26 November`, with the year when it is not `today`'s."""
    language = language_of(language)
    text = f"{day.day} {MONTHS[language][day.month - 1]}"
    return text if today is not None and day.year == today.year else f"{text} {day.year}"


def period(days: int, language: str = "sv") -> str:
    """A period of the config as a letter says it: `3 dagar`, `en vecka`, `2 veckor` /
    `3 days`, `a week`, `2 weeks` (whole weeks in weeks, anything else in days)."""
    one_day, one_week = _ONE[language_of(language)]
    if days == 1:
        return one_day
    if days == 7:
        return one_week
    if days > 0 and days % 7 == 0:
        return count(days // 7, "week", language)
    return count(days, "day", language)


def weeks_between(first: int, last: int, language: str = "sv") -> str:
    """A window of whole weeks: `8–10 veckor` / `8–10 weeks`; one number when they agree."""
    if first == last:
        return period(7 * first, language)
    return f"{first}–{last} {word(last, 'week', language)}"


def past_day(day: dt.date, today: dt.date, language: str = "sv") -> str:
    """When something happened, by its real distance from the letter's day: `i dag`, `i går`,
    `för 3 dagar sedan`, `den 26 november` / `today`, `yesterday`, `3 days ago`,
    `on 26 November` (a week or more ago, or a day ahead of the letter: its date)."""
    on_day, yesterday, days_ago, on_date = _RECENT[language_of(language)]
    distance = (today - day).days
    if distance == 0:
        return on_day
    if distance == 1:
        return yesterday
    if 2 <= distance <= 6:
        return days_ago.format(n=distance)
    return on_date.format(date=short_date(day, language, today))


_CLOCK_WORD = {"sv": "kl.", "en": "at"}
"""What comes before a time in a letter: `kl. 18.00`, `at 18:00`."""


def clock(typed: str, language: str = "sv") -> str:
    """A time typed in Utbildningar's `Tid` (`kl 18`, `18-20`, `18.00 - 20.00`), as a letter in
    `language` says it, its own word before it: `kl. 18.00–20.00` / `at 18:00–20:00`. Words
    typed after the time follow it in a Swedish letter (`kl. 18.00 (fika från 17.30)`). A
    text that does not start with a time (`eftermiddag`) is shown as typed in a Swedish letter
    — never after a `kl.` — and left out of an English one (it may be Swedish words)."""
    language = language_of(language)
    read = parse_time(typed)
    if read is None:
        return " ".join(typed.split()) if language == "sv" else ""
    form = "{t.hour}.{t.minute:02d}" if language == "sv" else "{t:%H:%M}"
    span = "–".join(form.format(t=t) for t in (read.start, read.end) if t is not None)
    rest = f" {read.rest}" if read.rest and language == "sv" else ""
    return f"{_CLOCK_WORD[language]} {span}{rest}"


def training_in(language: str, training: Training) -> Training:
    """`training` as a letter in `language` shows it: an English letter has the English title
    (or a neutral one) and description (or none). The time stays as typed: the templates say
    it with `clock`, and the calendar invitation's UID hashes it (the same in every language)."""
    if language_of(language) == "sv":
        return training
    return dataclasses.replace(
        training,
        title=training.title_en or UNTITLED_TRAINING["en"],
        description=training.description_en,
    )


def group_in(language: str, group: Group) -> Group:
    """`group` as a letter in `language` shows it: an English letter shows `Träffas (en)` and
    `Arbetar med (en)`, and leaves out what has no English text. Names, addresses and phone
    numbers are the same in every language."""
    if language_of(language) == "sv":
        return group
    return dataclasses.replace(group, meets=group.meets_en, works_on=group.works_on_en)
