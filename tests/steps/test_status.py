"""Status texts: the call deadline and what is overdue, counted from the recorded dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medlemsrutiner.config import Config
from tests.support import (
    TODAY,
    make_config,
    newcomer,
    status_of,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def test_status_shows_the_call_deadline_a_week_after_registration(config: Config) -> None:
    status = status_of(config, 1, newcomers=[newcomer(1, welcome=TODAY)])
    assert "Ring senast 2026-12-01." in status


def test_the_call_is_overdue_after_seven_days(config: Config) -> None:
    registered = TODAY - 8 * DAY
    status = status_of(
        config, 1, newcomers=[newcomer(1, registered=registered, welcome=registered)]
    )
    assert "FÖRSENAT: ring (senast 2026-11-23)." in status


def test_deadlines_count_from_the_registration_not_from_a_late_welcome(config: Config) -> None:
    registered = TODAY - 5 * DAY
    status = status_of(config, 1, newcomers=[newcomer(1, registered=registered, welcome=TODAY)])
    assert "Ring senast 2026-11-26." in status
