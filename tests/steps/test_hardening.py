"""Cells people get wrong in ways that once crashed a run, lost a person or kept data too long
(issue 12's defects in the pure core, one test each)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetByKey, SetCells
from medlemsrutiner.sheet.schema import tables_from_grids
from medlemsrutiner.steps.after import records_after
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import read_records
from medlemsrutiner.steps.status import status_changes
from tests.support import (
    TAB_NAMES,
    TODAY,
    deliveries_of,
    newcomer,
    plan_of,
    records_of,
    status_of,
    workbook_grids,
)

DAY = dt.timedelta(days=1)


# Defect 2: dates far in the future crashed the erasure arithmetic (OverflowError).


@pytest.mark.parametrize(
    "cells",
    [
        {"registered": dt.date(9999, 12, 31)},
        {"registered": 2958465},
        {"call": "31/12/9999", "referred_to": "Avböjt"},
        {"call": dt.date(9999, 12, 31)},
        {"consent": dt.date(9999, 12, 31)},
    ],
)
def test_a_date_far_in_the_future_is_a_flag_not_a_crash(
    config: Config, cells: dict[str, Any]
) -> None:
    plan = plan_of(config, newcomers=[newcomer(1, **cells)])
    assert any(flag.row_id == 1 and flag.problem for flag in plan.flags)
    assert "raderas" in status_of(config, 1, newcomers=[newcomer(1, **cells)]).lower()


def test_a_follow_up_date_far_in_the_future_is_no_crash(config: Config) -> None:
    row = {"id": 5, "name": "Testa", "email": "t@example.se", "referred_to": "Centrumgruppen",
           "referred": TODAY - 60 * DAY, "follow_up_from": dt.date(9999, 12, 31),
           "follow_up_by": dt.date(9999, 12, 31), "followed_up": dt.date(9999, 12, 31)}  # fmt: skip
    plan = plan_of(config, followups=[row])
    assert any("Rätta Uppföljning" in flag.text for flag in plan.flags)


# Defect 3: an intake ID that already belongs to someone else in Uppföljning lost the person.


def test_an_id_that_belongs_to_another_person_in_uppfoljning_stops_the_introduction(
    config: Config,
) -> None:
    someone_else = {"id": 7, "name": "Annan Person", "email": "annan@example.se",
                    "referred_to": "Skrivargruppen", "referred": TODAY - 30 * DAY}  # fmt: skip
    row = newcomer(7, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="Centrumgruppen")
    plan = plan_of(config, newcomers=[row], followups=[someone_else])
    assert deliveries_of(plan, "introduction") == []
    assert not any(isinstance(c, SetCells) and c.tab == "newcomers" for c in plan.changes)
    assert any("finns redan i Uppföljning för en annan person" in f.text for f in plan.flags)
    # The same person copied there by an earlier run is no conflict: the move is finished.
    mine = {**someone_else, "name": "Testa Person7", "email": "person7@example.se"}
    assert deliveries_of(plan_of(config, newcomers=[row], followups=[mine]), "introduction")


# Defect 4: a duplicate ID in Uppföljning blocked erasure for ever.


def test_rows_sharing_an_id_in_uppfoljning_are_flagged_and_each_erased_on_time(
    config: Config,
) -> None:
    due = {"id": 3, "name": "Först Person", "email": "forst@example.se",
           "referred_to": "Centrumgruppen", "referred": TODAY - 80 * DAY,
           "followed_up": TODAY - 8 * DAY, "result": "Aktiv"}  # fmt: skip
    later = {"id": 3, "name": "Sen Person", "email": "sen@example.se",
             "referred_to": "Centrumgruppen", "referred": TODAY - 20 * DAY}  # fmt: skip
    plan = plan_of(config, followups=[due, later])
    assert sum("finns på flera rader i Uppföljning" in f.text for f in plan.flags) == 2
    (erasing,) = [c for c in plan.changes if c.tab == "followups"]
    assert isinstance(erasing, SetByKey) and erasing.every
    assert ("email", "forst@example.se") in erasing.key
    assert dict(erasing.values)["email"] is None


def test_intake_rows_sharing_an_id_are_erased_on_time_and_told_what_to_do(
    config: Config,
) -> None:
    old = newcomer(4, registered=TODAY - 180 * DAY, name="Gammal Kopia", email="g@example.se")
    new = newcomer(4, registered=TODAY - 10 * DAY, name="Ny Kopia", email="n@example.se")
    grids = workbook_grids(newcomers=[old, new])
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, config.settings)
    plan = plan_day(records, TODAY, config.settings)
    assert plan.deliveries == ()
    (erasing,) = [c for c in plan.changes if isinstance(c, SetByKey) and c.tab == "newcomers"]
    assert ("name", "Gammal Kopia") in erasing.key
    after = records_after(records, grids, TAB_NAMES, [plan.changes], TODAY, config.settings)
    texts = [
        dict(c.values)["status"]
        for c in status_changes(after, TODAY, config.settings)
        if isinstance(c, SetCells | SetByKey)
    ]
    assert "Personuppgifterna är raderade." in texts
    assert any(str(t).startswith("Rätta ID: ID 4 finns på flera rader") for t in texts)


# Defect 13: a number in a stamp cell read as the date 1899-12-31.


def test_a_number_in_a_stamp_cell_is_flagged_and_moves_nobody(config: Config) -> None:
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen", introduction=1)
    plan = plan_of(config, newcomers=[row])
    assert plan.deliveries == () and plan.changes == ()
    assert any("Rätta Introduktion" in flag.text for flag in plan.flags)


def test_a_number_typed_as_a_call_date_is_flagged_not_an_erasure(config: Config) -> None:
    row = newcomer(1, call=1, referred_to="Avböjt")
    plan = plan_of(config, newcomers=[row])
    assert plan.erased == () and any("Rätta Samtal" in flag.text for flag in plan.flags)


# Defect 15: the first run welcomed old contacts whose Registrerad was blank.


def test_the_first_run_welcomes_no_row_without_a_date(config: Config) -> None:
    rows = [newcomer(None, registered=None, email="gammal@example.se"),
            newcomer(None, registered=TODAY, email="ny@example.se")]  # fmt: skip
    first = plan_of(config, newcomers=rows, log=[])
    assert [d.letters[0].to_address for d in first.deliveries] == ["ny@example.se"]
    assert any(f.text.startswith("Kontrollera Registrerad: första körningen skrev")
               for f in first.flags)  # fmt: skip
    # On a later run (the routine has run before) a row without a date is simply new.
    later = plan_of(config, newcomers=rows)
    assert len(deliveries_of(later, "welcome")) == 2


# Defect 16: a referred newcomer without a valid address was stuck for ever.


def test_a_referral_without_an_address_still_reaches_the_group_and_moves_the_person(
    config: Config,
) -> None:
    row = newcomer(1, email="fel", call=TODAY, referred_to="Centrumgruppen")
    (delivery,) = deliveries_of(plan_of(config, newcomers=[row]), "introduction")
    assert [letter.kind for letter in delivery.letters] == ["introduction_group"]
    assert any(c.tab == "followups" for c in delivery.on_sent)
    alternative = newcomer(2, email="", call=TODAY, referred_to="Blixtaktioner")
    (moved,) = deliveries_of(plan_of(config, newcomers=[alternative]), "alternatives")
    assert moved.letters == () and any(c.tab == "followups" for c in moved.on_sent)


# Found by the property test: a row of Uppföljning whose ID was cleared kept its personal data
# with no Status and no erasure date.


def test_a_follow_up_row_without_an_id_is_flagged_dated_and_erased_on_time(
    config: Config,
) -> None:
    undated = {"name": "Utan Id", "email": "utan.id@example.se", "referred_to": "Centrumgruppen"}
    plan = plan_of(config, followups=[undated])
    assert any("Rätta ID" in f.text for f in plan.flags)
    (dating,) = [c for c in plan.changes if c.tab == "followups"]
    assert isinstance(dating, SetByKey) and dict(dating.values) == {"referred": TODAY}

    called = {**undated, "referred": TODAY - 80 * DAY, "followed_up": TODAY - 8 * DAY,
              "result": "Aktiv"}  # fmt: skip
    plan = plan_of(config, followups=[called])
    (erasing,) = [c for c in plan.changes if c.tab == "followups"]
    assert isinstance(erasing, SetByKey) and dict(erasing.values)["email"] is None

    waiting = {**undated, "referred": TODAY - 20 * DAY}
    records = records_of(config, followups=[waiting])
    (status,) = [c for c in status_changes(records, TODAY, config.settings) if c.tab == "followups"]
    assert isinstance(status, SetByKey)
    text = str(dict(status.values)["status"])
    assert (
        text.startswith("Rätta ID") and "Raderas senast 2027-02-24." in text
    )  # 16 weeks after Hänvisad
