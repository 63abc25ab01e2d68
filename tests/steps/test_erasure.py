"""When personal data is erased in Intresserade."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetCells
from tests.support import (
    TODAY,
    make_config,
    newcomer,
    plan_of,
    status_of,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def test_declined_personal_data_is_erased_thirty_days_after_the_call(config: Config) -> None:
    call = TODAY - 30 * DAY
    row = newcomer(
        1, registered=call - DAY, welcome=call, call=call, referred_to="avböjt", town="Norrby"
    )
    p_before = plan_of(config, today=TODAY - DAY, newcomers=[row])
    p_on_day = plan_of(config, newcomers=[row])
    assert not any(isinstance(c, SetCells) and c.row_id == 1 for c in p_before.changes)
    (erase,) = [c for c in p_on_day.changes if isinstance(c, SetCells)]
    assert {name for name, value in erase.values if value is None} >= {
        "name",
        "email",
        "phone",
        "town",
    }
    assert all("Person1" not in entry.detail for entry in p_on_day.log)


def test_not_reached_is_understood_however_it_is_typed(config: Config) -> None:
    status = status_of(
        config, 1, newcomers=[newcomer(1, welcome=TODAY, call=TODAY, referred_to=" EJ  NÅDD")]
    )
    assert status.startswith("Ej nådd. Personuppgifterna raderas 2026-12-24.")


def test_a_row_nobody_called_for_ninety_days_is_flagged_and_erased_after_180(
    config: Config,
) -> None:
    stale = newcomer(1, registered=TODAY - 91 * DAY, welcome=TODAY - 90 * DAY)
    assert "Ingen kontakt på 90 dagar" in status_of(config, 1, newcomers=[stale])
    old = newcomer(2, registered=TODAY - 180 * DAY, welcome=TODAY - 179 * DAY)
    assert any(
        isinstance(c, SetCells) and c.row_id == 2 for c in plan_of(config, newcomers=[old]).changes
    )
