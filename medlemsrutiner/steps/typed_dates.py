"""Dates typed as text, written back as real dates once understood. Pure.

A coordinator who types `28/11` or `3 dec` in a date column gets a text cell: the routine reads
it (`cells.parse_date`), but the sheet cannot sort or format it, and a text without a year means
a different day next year. Once a row's date is understood — the very value the routine acts on
— the run writes that date back as a real date cell. The write is compare-and-set on the text
that was read (`expect`), so a cell a person changes meanwhile is left alone; a date that cannot
be read is never touched (it is flagged on its row instead).

**Nothing typed is erased.** A write-back replaces the whole cell, so a cell holding more than
its date (`3/12 kl 14`, `3/12 ej svar`) is written back only when nothing of meaning is lost:

- in the columns of Intresserade and Uppföljning a time after the date (`28/11 kl 14`) is
  dropped — the routine counts whole days, and a time of a registration, a call or a consent
  means nothing to it — but any other text (`3/12 ej svar`) keeps the cell as typed (the date
  still reads);
- in Utbildningar's Datum a time is the training's time: it moves into a blank `Tid` in the
  same compare-and-set write (`Tid` expected blank), is dropped only when `Tid` already says
  that very time, and otherwise the cell stays as typed and the row is flagged
  (`district.date_tail`).

Utbildningar's Datum is written back as the date the letters use: a date without a year is its
next occurrence (`district.training_date`), fixed once read, so it never moves on to the year
after. A date without a year that has passed is the exception: only a person can say which year
it meant, so it stays as typed, flagged (`district.read_trainings`).

Grupper's Bekräftad is written back too, by the group's name (`group_dates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from medlemsrutiner.plan import Group
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import SetByKey, Values
from medlemsrutiner.sheet.schema import GROUPS, Record
from medlemsrutiner.sheet.times import parse_time
from medlemsrutiner.steps.district import date_tail, passed_without_year, training_date
from medlemsrutiner.steps.rows import FollowUp, Newcomer

Expect = tuple[tuple[str, str], ...]
"""(column, text) pairs a compare-and-set write expects to find."""


def _typed(record: Record, understood: Mapping[str, dt.date | None]) -> tuple[Values, Expect]:
    """(column, date) writes and their (column, text) expectations for each column whose cell
    holds text that was read as `understood[column]` — and nothing more than a time besides
    (`3/12 kl 14`: the date alone is written; `3/12 ej svar` stays as typed)."""
    writes: list[tuple[str, dt.date | str | int | float | None]] = []
    expect: list[tuple[str, str]] = []
    for column, day in understood.items():
        raw = record.get(column)
        if day is None or not isinstance(raw, str) or cells.is_blank(raw):
            continue
        if not _only_a_time(cells.after_date(raw)):
            continue
        writes.append((column, day))
        expect.append((column, cells.text(raw)))
    return tuple(writes), tuple(expect)


def _only_a_time(after: str) -> bool:
    """What follows a date is nothing, or a time and nothing more (`kl 14`, `14.00-15.00`)."""
    clock = parse_time(after)
    return not after or (clock is not None and not clock.rest)


def newcomer_dates(newcomer: Newcomer) -> tuple[Values, Expect]:
    """Real dates for the text dates of an Intresserade row: Registrerad, Samtal, Utbildning,
    Samtycke."""
    return _typed(
        newcomer.record,
        {
            "registered": None if newcomer.registered_blank else newcomer.registered,
            "call": newcomer.call,
            "training": newcomer.training,
            "consent": newcomer.consent,
        },
    )


def followup_dates(followup: FollowUp) -> tuple[Values, Expect]:
    """Real dates for the text dates of an Uppföljning row: Hänvisad, Följ upp från, Följ upp
    senast, Uppföljning, Utbildning, Samtycke."""
    return _typed(
        followup.record,
        {
            "referred": followup.referred,
            "follow_up_from": followup.follow_up_from,
            "follow_up_by": followup.follow_up_by,
            "followed_up": followup.followed_up,
            "training": followup.training,
            "consent": followup.consent,
        },
    )


def training_dates(record: Record, today: dt.date, has_time: bool) -> tuple[Values, Expect]:
    """A real date for the text date of an Utbildningar row: Datum, as the letters read it (a
    date without a year that has passed is left as typed), and a time typed after the date
    moved into a blank `Tid` (`has_time`: the tab has the column) in the same write — or the
    cell left as typed when that cannot be done (`district.date_tail`)."""
    day = training_date(record, today)
    if not isinstance(day, dt.date) or passed_without_year(record, day, today):
        return (), ()
    raw = record["date"]
    if not isinstance(raw, str) or cells.is_blank(raw):
        return (), ()
    moved, kept = date_tail(record, has_time)
    if kept is not None:
        return (), ()
    values: Values = (("date", day),)
    expect: Expect = (("date", cells.text(raw)),)
    if cells.after_date(raw):  # the write counts on what Tid says: blank, or the same time
        expect = (*expect, ("time", cells.text(record["time"])))
    if moved:
        values = (*values, ("time", moved))
    return values, expect


def group_dates(group: Group, record: Record) -> SetByKey | None:
    """Grupper's Bekräftad typed as text (`7/12`), written back as the real date it was read
    as, by the group's name, compare-and-set on the text read (a date ahead of today is not
    understood: it is flagged instead, `district.parse_group`)."""
    values, expect = _typed(record, {"confirmed": group.confirmed})
    if not values:
        return None
    return SetByKey(GROUPS.key, (("group", group.name),), values, expect=expect)
