"""Keeping group details current: reminders by key, at most once a month, and Grupper's Status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.steps.groups import group_status_changes
from tests.support import TODAY, deliveries_of, newcomer, plan_of, records_of

DAY = dt.timedelta(days=1)


def _group(**cells: Any) -> dict[str, Any]:
    row = {
        "group": "Centrumgruppen",
        "contact": "Rut Exempelsson",
        "email": "centrum@example.org",
        "meets": "Tisdagar",
        "active": "ja",
        "confirmed": TODAY - 181 * DAY,
    }
    row.update(cells)
    return row


def test_a_group_whose_details_are_old_gets_a_reminder_stamped_by_its_name(
    config: Config,
) -> None:
    (delivery,) = deliveries_of(plan_of(config, groups=[_group()]), "group_reminder")
    assert delivery.row_id is None and delivery.key == (("group", "Centrumgruppen"),)
    (letter,) = delivery.letters
    assert letter.to_address == "centrum@example.org" and letter.kind == "group_reminder"
    assert delivery.label("group_reminder") == "Grupp-Centrumgruppen-group_reminder"
    marker = delivery.write_stamp("Skickar… 07:00", compare=True)
    assert isinstance(marker, SetByKey) and marker.expect == (("reminder", ""),)


@pytest.mark.parametrize(
    ("cells", "due"),
    [
        ({"confirmed": TODAY - 180 * DAY}, False),  # exactly 180 days: not yet
        ({"confirmed": None}, True),  # never confirmed
        ({"reminder": TODAY - 29 * DAY}, False),  # asked last month
        ({"reminder": TODAY - 30 * DAY}, True),  # asked 30 days ago: once more
        ({"reminder": "Fel 2026-10-01: 550"}, False),  # bounced: a person fixes it first
        ({"active": "nej"}, False),
        ({"email": ""}, False),
    ],
)
def test_reminders_go_out_at_most_once_in_thirty_days(
    config: Config, cells: dict[str, Any], due: bool
) -> None:
    plan = plan_of(config, groups=[_group(**cells)])
    assert bool(deliveries_of(plan, "group_reminder")) is due


def test_without_a_reminder_column_no_reminder_is_sent(config: Config) -> None:
    from medlemsrutiner.sheet.schema import tables_from_grids
    from medlemsrutiner.steps.daily import plan_day
    from medlemsrutiner.steps.records import read_records
    from tests.support import TAB_NAMES, grid, workbook_grids

    grids = workbook_grids()
    headers = [h for h in grid("groups", [])[0] if h != "Påminnelse"]
    grids["Grupper"] = grid("groups", [_group()], headers=headers)
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, config.settings)
    assert plan_day(records, TODAY, config.settings).deliveries == ()


def test_the_group_status_says_what_to_do(config: Config) -> None:
    def status(**cells: Any) -> str:
        records = records_of(config, groups=[_group(**cells)], newcomers=extra)
        (change,) = group_status_changes(records, TODAY, config.settings)
        return str(dict(change.values)["status"])

    extra: list[dict[str, Any]] = []
    assert status(confirmed=TODAY - 10 * DAY) == (
        "Uppgifterna bekräftade 2026-11-14 (ny påminnelse 2027-05-13)."
    )
    assert status(reminder=TODAY - 3 * DAY).startswith("Påminnelse skickad 2026-11-21")
    assert "studsade" in status(reminder="Fel 2026-11-20: 550 5.1.1")
    assert "Saknar giltig e-post" in status(email="", confirmed=TODAY)
    extra = [newcomer(5, call=TODAY, referred_to="Centrumgruppen")]
    assert status(active="nej") == (
        "Vilande (Aktiv = nej). 1 intresserad är hänvisad hit (ID 5): välj en annan grupp i "
        "Hänvisad till."
    )


@pytest.mark.parametrize(
    ("cells", "referred", "urgency"),
    [
        ({"confirmed": TODAY - 10 * DAY}, False, "done"),
        ({"active": "nej"}, False, "done"),
        ({"reminder": TODAY - 3 * DAY}, False, "to_do"),  # waiting for the group's answer
        ({"active": "nej"}, True, "act_now"),  # resting, yet people are referred to it
        ({"email": "", "confirmed": TODAY}, False, "act_now"),  # no contact address
        ({"reminder": "Fel 2026-11-20: 550 5.1.1"}, False, "act_now"),  # the reminder bounced
        ({"reminder": "Skickar… 2026-11-23 07:00"}, False, "act_now"),  # a stopped run
        ({"confirmed": None}, False, "act_now"),  # never confirmed, and no reminder on its way
    ],
)
def test_every_group_status_gets_the_colour_of_what_it_asks(
    config: Config, cells: dict[str, Any], referred: bool, urgency: str
) -> None:
    """Grupper's Status is coloured by the words `sheet/presentation.py` looks for: red for the
    coordinator, yellow while waiting for the group, grey when all is well."""
    extra = [newcomer(5, call=TODAY, referred_to="Centrumgruppen")] if referred else []
    records = records_of(config, groups=[_group(**cells)], newcomers=extra)
    (change,) = group_status_changes(records, TODAY, config.settings)
    colour = look.status_colour_of(str(dict(change.values)["status"]))
    assert colour is not None and colour.urgency.value == urgency
