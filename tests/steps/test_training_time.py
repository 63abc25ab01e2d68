"""A time typed in a training's Datum is never lost: the letters and the invitation read it
while Tid is blank, and the run moves it into Tid when it writes the date back — or leaves the
cell as typed and says why."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.sheet.schema import TRAININGS, tables_from_grids
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import Records, read_records
from tests.support import (
    TAB_NAMES,
    grid,
    memory_workbook,
    newcomer,
    read_outbox,
    records_of,
    run_day,
    workbook_grids,
)

DECEMBER = dt.date(2026, 12, 6)


def training(date: object, time: str | None = None, **more: Any) -> dict[str, Any]:
    return {"date": date, "time": time, "title": "Grundutbildning", **more}


def _training_writes(records: Records, config: Config) -> list[SetByKey]:
    plan = plan_day(records, DECEMBER, config.settings)
    return [c for c in plan.first_writes if isinstance(c, SetByKey) and c.tab == "trainings"]


TYPED = [
    ("20/2 18.00", dt.date(2027, 2, 20), "18.00"),
    ("3/12/2026 kl 18", dt.date(2026, 12, 3), "kl 18"),
    ("14 jan 18:30", dt.date(2027, 1, 14), "18:30"),
    ("2027-01-14T18:30", dt.date(2027, 1, 14), "18:30"),
]


@pytest.mark.parametrize(("typed", "day", "time"), TYPED)
def test_a_time_typed_after_the_date_is_the_trainings_time_while_tid_is_blank(
    config: Config, typed: str, day: dt.date, time: str
) -> None:
    records = records_of(config, DECEMBER, trainings=[training(typed)])
    # 3/12/2026 has been held: no letter shows it (its time still moves into Tid, below).
    expected = [(day, time)] if day >= DECEMBER else []
    assert [(t.date, t.time) for t in records.upcoming] == expected
    assert not records.flags


@pytest.mark.parametrize(("typed", "day", "time"), TYPED)
def test_writing_the_date_back_moves_the_time_into_a_blank_tid_in_the_same_write(
    config: Config, typed: str, day: dt.date, time: str
) -> None:
    (write,) = _training_writes(records_of(config, DECEMBER, trainings=[training(typed)]), config)
    assert dict(write.values) == {"date": day, "time": time}
    assert dict(write.expect) == {"date": typed, "time": ""}  # compare-and-set: Tid still blank


def test_a_datum_holding_the_very_time_tid_says_is_written_back_as_the_date_alone(
    config: Config,
) -> None:
    records = records_of(config, DECEMBER, trainings=[training("20/2 kl 18-20", "18.00–20.00")])
    (write,) = _training_writes(records, config)
    assert dict(write.values) == {"date": dt.date(2027, 2, 20)}
    assert dict(write.expect) == {"date": "20/2 kl 18-20", "time": "18.00–20.00"}
    assert not records.flags


@pytest.mark.parametrize(
    ("typed", "time", "said"),
    [
        ("20/2 19.00", "18.00", "både Datum och Tid har en tid"),
        ("20/2 prel", None, "efter datumet står något som inte är en tid"),
        ("20/2 18.00 ungefär", "18.00", "både Datum och Tid har en tid"),
    ],
)
def test_a_datum_whose_text_cannot_go_anywhere_stays_as_typed_and_is_flagged(
    config: Config, typed: str, time: str | None, said: str
) -> None:
    records = records_of(config, DECEMBER, trainings=[training(typed, time)])
    assert _training_writes(records, config) == []
    (flag,) = records.flags
    assert flag.problem and flag.text.startswith(f"Utbildningar rad 2, Datum: {said}")
    (shown,) = records.upcoming
    assert shown.date == dt.date(2027, 2, 20)
    assert shown.time == (time or "")  # Tid says the time; words after a date are no time


def test_without_a_tid_column_the_time_stays_in_datum_and_still_reaches_the_letters(
    config: Config,
) -> None:
    headers = [h for h in TRAININGS.headers if h != "Tid"]
    grids = workbook_grids()
    grids["Utbildningar"] = grid("trainings", [training("20/2 18.00")], headers)
    records = read_records(tables_from_grids(grids, TAB_NAMES), DECEMBER, config.settings)
    assert _training_writes(records, config) == []
    (flag,) = records.flags
    assert "kör init_workbook.py" in flag.text
    assert [(t.date, t.time) for t in records.upcoming] == [(dt.date(2027, 2, 20), "18.00")]


def test_the_time_of_a_date_time_cell_is_the_trainings_time(config: Config) -> None:
    records = records_of(config, DECEMBER, trainings=[training(dt.datetime(2027, 2, 20, 18, 30))])
    assert [t.time for t in records.upcoming] == ["18:30"]
    assert _training_writes(records, config) == []  # a real date already


def test_a_daily_run_keeps_the_time_moves_it_into_tid_and_invites_for_that_hour(
    config: Config,
) -> None:
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=DECEMBER, email="ny@example.se")],
        trainings=[training("20/2 18.00")],
    )
    run_day(workbook, config, DECEMBER)
    (row,) = workbook.tab("Utbildningar")
    assert (row["Datum"], row["Tid"]) == (dt.date(2027, 2, 20), "18.00")
    (welcome,) = read_outbox(config.mail.outbox)
    body = welcome.get_body(("plain",))
    assert body is not None and "lördag 20 februari 2027 kl. 18.00" in body.get_content()
    (invitation,) = [p for p in welcome.walk() if p.get_content_type() == "text/calendar"]
    (event,) = icalendar.Calendar.from_ical(invitation.get_content()).walk("VEVENT")
    start = event.decoded("dtstart")
    assert isinstance(start, dt.datetime) and (start.hour, start.minute) == (18, 0)


def test_trainings_of_one_day_come_in_the_order_of_their_start(config: Config) -> None:
    rows = [training("20/2", "18.00", title="Kväll"), training("20/2", "kl 9-12", title="Morgon"),
            training("20/2", "eftermiddag", title="Okänd")]  # fmt: skip
    records = records_of(config, DECEMBER, trainings=rows)
    assert [t.title for t in records.upcoming] == ["Morgon", "Kväll", "Okänd"]
