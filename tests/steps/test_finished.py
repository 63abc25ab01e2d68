"""Finished people are hidden from Intresserade a week after they were finished, never deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.schema import NEWCOMERS
from medlemsrutiner.steps.finished import hide_finished
from tests.support import TODAY, followup_of, make_config, moved_row, newcomer, records_of

DAY = dt.timedelta(days=1)
BLANK = {name: None for name in NEWCOMERS.personal_columns}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def hidden(config: Config, **tabs: Any) -> frozenset[int]:
    change = hide_finished(records_of(config, **tabs), TODAY, config.settings)
    assert change.tab == "newcomers" and set(change.blank) == set(NEWCOMERS.personal_columns)
    return change.hidden


def test_a_person_moved_to_followup_is_hidden_a_week_after_the_introduction(
    config: Config,
) -> None:
    week, six_days = TODAY - 7 * DAY, TODAY - 6 * DAY
    rows = [moved_row(1, week), moved_row(2, six_days)]
    followups = [followup_of(1, week), followup_of(2, six_days)]
    assert hidden(config, newcomers=rows, followups=followups) == {1}


def test_a_person_whose_data_was_erased_is_hidden_a_week_after_the_erasure(
    config: Config,
) -> None:
    declined_long_ago = newcomer(
        3, registered=TODAY - 60 * DAY, call=TODAY - 40 * DAY, referred_to="Avböjt", **BLANK
    )
    declined_lately = newcomer(
        4, registered=TODAY - 40 * DAY, call=TODAY - 35 * DAY, referred_to="Avböjt", **BLANK
    )
    assert hidden(config, newcomers=[declined_long_ago, declined_lately]) == {3}


def test_people_who_still_need_something_are_never_hidden(config: Config) -> None:
    rows = [
        newcomer(5, registered=TODAY - 100 * DAY),
        newcomer(6, registered=TODAY - 30 * DAY, call=TODAY - 20 * DAY, referred_to="Avböjt"),
        newcomer(7, registered=TODAY - 20 * DAY, welcome=TODAY - 20 * DAY),
    ]
    assert hidden(config, newcomers=rows) == frozenset()


def test_a_finished_row_someone_typed_into_again_comes_back(config: Config) -> None:
    row = moved_row(8, TODAY - 30 * DAY)
    row["note"] = "ringde igen"
    assert hidden(config, newcomers=[row], followups=[followup_of(8, TODAY - 30 * DAY)]) == set()


def test_the_wait_is_a_setting(tmp_path: Path) -> None:
    config = make_config(tmp_path, routine={"hide_finished_after_days": 0})
    rows = [moved_row(9, TODAY)]
    assert hidden(config, newcomers=rows, followups=[followup_of(9, TODAY)]) == {9}
