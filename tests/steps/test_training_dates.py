"""A training date typed without a year is its next occurrence: Utbildningar holds events to come.
Columns that record the past keep reading such a date as the past."""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.sheet.schema import TRAININGS
from medlemsrutiner.steps.records import row_key
from tests.support import (
    memory_workbook,
    newcomer,
    plan_of,
    read_outbox,
    records_of,
    run_day,
)

DECEMBER = dt.date(2026, 12, 6)


def training(date: object, title: str = "Grundutbildning") -> dict[str, object]:
    return {"date": date, "time": "18.00", "title": title}


@pytest.mark.parametrize("typed", ["14/1", "14 jan", "14:e januari", "14.1"])
def test_a_training_typed_without_a_year_in_december_is_next_january(
    config: Config, typed: str
) -> None:
    records = records_of(config, DECEMBER, trainings=[training(typed)])
    assert [t.date for t in records.upcoming] == [dt.date(2027, 1, 14)]
    assert [t.date for t in records.shared.trainings] == [dt.date(2027, 1, 14)]  # in letters
    assert not records.flags


def test_its_date_is_written_back_as_that_next_occurrence(config: Config) -> None:
    row = training("14/1")
    plan = plan_of(config, DECEMBER, trainings=[row])
    written = [c for c in plan.first_writes if isinstance(c, SetByKey) and c.tab == "trainings"]
    assert written == [
        SetByKey(
            "trainings",
            row_key({**dict.fromkeys(TRAININGS.column_names), **row}, TRAININGS),
            (("date", dt.date(2027, 1, 14)),),
            expect=(("date", "14/1"),),
        )
    ]


def test_a_columns_of_the_past_keep_reading_a_date_without_a_year_as_the_past() -> None:
    assert cells.parse_date("14/1", DECEMBER) == dt.date(2026, 1, 14)
    assert cells.parse_date("14/1", DECEMBER, coming=True) == dt.date(2027, 1, 14)
    assert cells.parse_date("5/1", dt.date(2026, 12, 20)) == dt.date(2027, 1, 5)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("3/12", dt.date(2026, 12, 3)),  # three days ago: a training just held, or a slip
        ("5/11", dt.date(2026, 11, 5)),  # a month ago: still this year's
        ("4/11", dt.date(2027, 11, 4)),  # more than a month ago: next year's
        ("6/12", DECEMBER),  # today
        ("29/2", dt.date(2028, 2, 29)),  # the next 29 February
    ],
)
def test_a_date_to_come_without_a_year_allows_a_month_back(typed: str, read: dt.date) -> None:
    assert cells.parse_date(typed, DECEMBER, coming=True) == read


def test_a_training_without_a_year_a_few_days_ago_is_flagged_and_left_as_typed(
    config: Config,
) -> None:
    plan = plan_of(config, DECEMBER, trainings=[training("3/12"), training("14/1")])
    records = records_of(config, DECEMBER, trainings=[training("3/12"), training("14/1")])
    (flag,) = records.flags
    assert flag.tab == "trainings" and flag.problem
    assert flag.text.startswith("Utbildningar rad 2, Datum: datumet saknar år och har redan varit")
    assert "2026-12-03" in flag.text and "från 2027-01-04" in flag.text
    assert records.last_training == dt.date(2026, 12, 3)
    written = [c for c in plan.first_writes if isinstance(c, SetByKey) and c.tab == "trainings"]
    assert [dict(c.expect) for c in written] == [{"date": "14/1"}]  # not 3/12


def test_a_training_with_its_year_or_a_real_date_is_never_flagged(config: Config) -> None:
    rows = [training(dt.date(2026, 12, 3)), training("3/12/2026"), training("2026-12-03")]
    assert not records_of(config, DECEMBER, trainings=rows).flags


def test_a_daily_run_in_december_fixes_the_date_and_invites_to_the_january_training(
    config: Config,
) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=DECEMBER, email="ny@example.se")],
        trainings=[training("14 jan")],
    )
    run_day(workbook, config, DECEMBER)
    assert [row["Datum"] for row in workbook.tab("Utbildningar")] == [dt.date(2027, 1, 14)]
    (welcome,) = read_outbox(config.mail.outbox)
    body = welcome.get_body(("plain",))
    assert body is not None and "14 januari 2027" in body.get_content()
