"""Dates typed as text, written back as real dates once understood. Pure.

A coordinator who types `28/11` or `3 dec` in a date column gets a text cell: the routine reads
it (`cells.parse_date`), but the sheet cannot sort or format it, and a text without a year means
a different day next year. Once a row's date is understood — the very value the routine acts on
— the run writes that date back as a real date cell. The write is compare-and-set on the text
that was read (`expect`), so a cell a person changes meanwhile is left alone; a date that cannot
be read is never touched (it is flagged on its row instead).

Utbildningar's Datum is written back the same way, as the date the letters use: a date without a
year is its next occurrence (`district.training_date`), fixed once read, so it never moves on
to the year after. A date without a year that has passed is the exception: only a person can
say which year it meant, so it stays as typed, flagged (`district.read_trainings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import Values
from medlemsrutiner.sheet.schema import Record
from medlemsrutiner.steps.district import passed_without_year, training_date
from medlemsrutiner.steps.rows import FollowUp, Newcomer

Expect = tuple[tuple[str, str], ...]
"""(column, text) pairs a compare-and-set write expects to find."""


def _typed(record: Record, understood: Mapping[str, dt.date | None]) -> tuple[Values, Expect]:
    """(column, date) writes and their (column, text) expectations for each column whose cell
    holds text that was read as `understood[column]`."""
    writes: list[tuple[str, dt.date | str | int | float | None]] = []
    expect: list[tuple[str, str]] = []
    for column, day in understood.items():
        raw = record.get(column)
        if day is None or not isinstance(raw, str) or cells.is_blank(raw):
            continue
        writes.append((column, day))
        expect.append((column, cells.text(raw)))
    return tuple(writes), tuple(expect)


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
    senast, Uppföljning, Samtycke."""
    return _typed(
        followup.record,
        {
            "referred": followup.referred,
            "follow_up_from": followup.follow_up_from,
            "follow_up_by": followup.follow_up_by,
            "followed_up": followup.followed_up,
            "consent": followup.consent,
        },
    )


def training_dates(record: Record, today: dt.date) -> tuple[Values, Expect]:
    """A real date for the text date of an Utbildningar row: Datum, as the letters read it (a
    date without a year that has passed is left as typed)."""
    day = training_date(record, today)
    if not isinstance(day, dt.date) or passed_without_year(record, day, today):
        return (), ()
    return _typed(record, {"date": day})
