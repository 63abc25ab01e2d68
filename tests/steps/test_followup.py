"""Uppföljning: the follow-up window, its Status, and erasure after the follow-up call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetCells
from tests.support import (
    TODAY,
    make_config,
    plan_of,
    statuses_of,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def _followup(**cells: Any) -> dict[str, Any]:
    row = {
        "id": 5,
        "name": "Testa Person5",
        "email": "person5@example.se",
        "phone": "070-174 06 15",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 70 * DAY,
        "follow_up_from": TODAY - 14 * DAY,
        "follow_up_by": TODAY,
        "note": "trivdes",
    }
    row.update(cells)
    return row


def test_followup_data_is_erased_a_week_after_the_follow_up_call(config: Config) -> None:
    called = _followup(followed_up=TODAY - 7 * DAY, result="aktiv")
    (erase,) = [c for c in plan_of(config, followups=[called]).changes if c.tab == "followups"]
    assert isinstance(erase, SetCells) and erase.row_id == 5
    assert dict(erase.values) == {
        "name": None,
        "email": None,
        "phone": None,
        "note": None,
        "erased": TODAY,
    }
    early = _followup(followed_up=TODAY - 6 * DAY, result="Aktiv")
    assert not [c for c in plan_of(config, followups=[early]).changes if c.tab == "followups"]


def test_a_result_without_the_call_date_is_flagged_and_kept_until_the_date_is_written(
    config: Config,
) -> None:
    p = plan_of(config, followups=[_followup(result="Inte aktiv")])
    assert not [c for c in p.changes if c.tab == "followups"]
    assert any(flag.row_id == 5 and "Fyll i Uppföljning" in flag.text for flag in p.problems)


def test_an_erased_followup_is_not_erased_again_and_says_so(config: Config) -> None:
    done = _followup(
        name=None,
        email=None,
        phone=None,
        note=None,
        followed_up=TODAY - 30 * DAY,
        result="Ej nådd",
        erased=TODAY - 23 * DAY,
    )
    assert not [c for c in plan_of(config, followups=[done]).changes if c.tab == "followups"]
    (status,) = [c for c in statuses_of(config, TODAY, followups=[done])]
    assert dict(status.values)["status"] == (
        "Uppföljd: Ej nådd. Personuppgifterna raderade 2026-11-01."
    )


def test_the_followup_status_shows_the_window_and_when_it_is_overdue(config: Config) -> None:
    def status(row: dict[str, Any]) -> str:
        (change,) = statuses_of(config, TODAY, followups=[row])
        return str(dict(change.values)["status"])

    assert status(_followup(follow_up_from=TODAY + DAY, follow_up_by=TODAY + 15 * DAY)) == (
        "Uppföljningssamtal 2026-11-25–2026-12-09."
    )
    assert status(_followup()) == "Dags för uppföljningssamtal (2026-11-10–2026-11-24)."
    assert status(_followup(follow_up_by=TODAY - DAY)) == (
        "FÖRSENAT: uppföljningssamtal (senast 2026-11-23)."
    )
