"""Dates typed as text are written back as real dates once understood, compare-and-set."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import AssignId, SetByKey, SetCells
from tests.support import TODAY, newcomer, plan_of, records_of

DAY = dt.timedelta(days=1)


def _writes(config: Config, tab: str, **tabs: Any) -> list[SetCells]:
    return [c for c in plan_of(config, **tabs).first_writes if isinstance(c, SetCells)]


def test_a_call_typed_as_text_is_written_back_as_the_date_it_was_read_as(config: Config) -> None:
    (write,) = _writes(config, "newcomers", newcomers=[newcomer(3, call="23/11")])
    assert write == SetCells(
        "newcomers", 3, (("call", dt.date(2026, 11, 23)),), expect=(("call", "23/11"),)
    )


def test_every_typed_date_of_a_row_is_written_in_one_write(config: Config) -> None:
    row = newcomer(
        3, registered="2026-11-20", call=" 23 nov ", training="22.11.26", consent="24/11/2026"
    )
    (write,) = _writes(config, "newcomers", newcomers=[row])
    assert dict(write.values) == {
        "registered": dt.date(2026, 11, 20),
        "call": dt.date(2026, 11, 23),
        "training": dt.date(2026, 11, 22),
        "consent": dt.date(2026, 11, 24),
    }
    assert dict(write.expect) == {
        "registered": "2026-11-20",
        "call": "23 nov",
        "training": "22.11.26",
        "consent": "24/11/2026",
    }


def test_real_dates_and_unreadable_text_are_left_alone(config: Config) -> None:
    rows = [
        newcomer(3, call=TODAY - DAY),
        newcomer(4, call="i går"),
        newcomer(5, call="2062-11-23"),
        newcomer(6, consent="1/12/2026"),  # a consent in the future is not understood
    ]
    assert _writes(config, "newcomers", newcomers=rows) == []


def test_a_new_row_gets_its_typed_date_with_its_id(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(None, registered="20/11", email="ny@example.se")])
    (assign,) = [c for c in p.first_writes if isinstance(c, AssignId)]
    assert dict(assign.values) == {"registered": dt.date(2026, 11, 20)}


def test_a_follow_up_call_typed_as_text_becomes_a_date(config: Config) -> None:
    row = {
        "id": 8,
        "name": "Testa Person8",
        "email": "person8@example.se",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 70 * DAY,
        "follow_up_from": TODAY - 14 * DAY,
        "follow_up_by": TODAY,
        "followed_up": "23/11",
        "result": "Aktiv",
    }
    (write,) = _writes(config, "followups", followups=[row])
    assert write == SetCells(
        "followups",
        8,
        (("followed_up", dt.date(2026, 11, 23)),),
        expect=(("followed_up", "23/11"),),
    )


def test_a_time_after_a_date_is_dropped_where_the_routine_counts_whole_days(
    config: Config,
) -> None:
    row = newcomer(3, registered="20/11 kl 14", call="23 nov 10:30", consent="24/11/2026 14.00")
    (write,) = _writes(config, "newcomers", newcomers=[row])
    assert dict(write.values) == {
        "registered": dt.date(2026, 11, 20),
        "call": dt.date(2026, 11, 23),
        "consent": dt.date(2026, 11, 24),
    }
    assert dict(write.expect) == {
        "registered": "20/11 kl 14",
        "call": "23 nov 10:30",
        "consent": "24/11/2026 14.00",
    }


@pytest.mark.parametrize("typed", ["23/11 ej svar", "23/11 kl 14, lämnat meddelande"])
def test_a_date_followed_by_words_is_read_but_never_written_over(
    config: Config, typed: str
) -> None:
    rows = [newcomer(3, call=typed)]
    assert _writes(config, "newcomers", newcomers=rows) == []
    assert plan_of(config, newcomers=rows).first_writes == ()


def test_grupper_bekraftad_typed_as_text_is_written_back_as_a_date_by_the_groups_name(
    config: Config,
) -> None:
    groups = [{"group": "Centrumgruppen", "email": "centrum@example.org", "confirmed": "20/11"}]
    (write,) = [c for c in plan_of(config, groups=groups).first_writes if c.tab == "groups"]
    assert write == SetByKey(
        "groups",
        (("group", "Centrumgruppen"),),
        (("confirmed", dt.date(2026, 11, 20)),),
        expect=(("confirmed", "20/11"),),
    )


def test_a_bekraftad_ahead_of_today_is_flagged_and_never_written(config: Config) -> None:
    groups = [{"group": "Centrumgruppen", "email": "centrum@example.org", "confirmed": "7/12"}]
    records = records_of(config, groups=groups)
    assert [c for c in records.first_writes if c.tab == "groups"] == []
    (flag,) = records.flags
    assert flag.text == "Grupper rad 2, Bekräftad: datumet ligger i framtiden."
    assert records.groups["centrumgruppen"].confirmed is None
