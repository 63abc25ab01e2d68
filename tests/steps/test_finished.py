"""Finished people are hidden from Intresserade and Uppföljning a week after they were finished,
never deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.steps.finished import hide_finished, hide_finished_followups
from tests.support import TODAY, followup_of, make_config, moved_row, newcomer, records_of

DAY = dt.timedelta(days=1)
BLANK = {name: None for name in NEWCOMERS.personal_columns}


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


# --- Uppföljning ------------------------------------------------------------------------------

ERASED = {name: None for name in FOLLOWUPS.personal_columns}


def hidden_followups(config: Config, followups: list[dict[str, Any]]) -> frozenset[int]:
    records = records_of(config, followups=followups)
    change = hide_finished_followups(records, TODAY, config.settings)
    assert change.tab == "followups" and set(change.blank) == set(FOLLOWUPS.personal_columns)
    return change.hidden


def followed_up(row_id: int, erased: dt.date | None, **cells: Any) -> dict[str, Any]:
    """A follow-up called 100 days after a referral, its result written, erased on `erased`."""
    referred = TODAY - 200 * DAY
    row = followup_of(row_id, referred)
    row.update(followed_up=referred + 60 * DAY, result="Aktiv", erased=erased)
    if erased is not None:
        row.update(ERASED)
    row.update(cells)
    return row


def test_a_follow_up_is_hidden_a_week_after_its_personal_data_was_erased(config: Config) -> None:
    rows = [followed_up(1, TODAY - 7 * DAY), followed_up(2, TODAY - 6 * DAY)]
    assert hidden_followups(config, rows) == {1}


def test_a_follow_up_that_still_holds_personal_data_is_never_hidden(config: Config) -> None:
    kept = followed_up(3, None, consent=TODAY - 400 * DAY)  # agreed to be kept: data stays
    waiting = followup_of(4, TODAY - 300 * DAY)  # never called, not yet closed and erased
    typed_again = followed_up(5, TODAY - 30 * DAY, note="ringde tillbaka")
    assert hidden_followups(config, [kept, waiting, typed_again]) == frozenset()


def test_a_finished_follow_up_with_something_to_fix_stays_in_view(config: Config) -> None:
    unreadable = followed_up(6, TODAY - 30 * DAY, result="kanske")
    stopped = followed_up(7, TODAY - 30 * DAY, result="Inte aktiv", reengagement="Skickar… 07:00")
    without_id = followed_up(8, TODAY - 30 * DAY, id=None)
    assert hidden_followups(config, [unreadable, stopped, without_id]) == frozenset()


def test_a_row_blanked_by_hand_is_hidden_a_week_after_it_would_have_been_erased(
    config: Config,
) -> None:
    blanked = followed_up(9, None, **ERASED)  # called 140 days ago: erased a week after
    assert hidden_followups(config, [blanked]) == {9}
    recent = followup_of(10, TODAY - 60 * DAY)
    recent.update(followed_up=TODAY - 10 * DAY, result="Aktiv", **ERASED)  # erased 3 days ago
    assert hidden_followups(config, [recent]) == frozenset()
