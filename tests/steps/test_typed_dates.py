"""Dates typed as text are written back as real dates once understood, compare-and-set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import AssignId, SetCells
from tests.support import TODAY, newcomer, plan_of

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
