"""Which letters in the outbox go with the data they hold (`steps.outbox_erasure`): judged by
what each file records (its kind, the IDs it names, the day it was written), never by what the
letter says."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.letterfile import LetterRecord, OutboxLetter
from medlemsrutiner.settings import Routine
from medlemsrutiner.steps.outbox_erasure import holding, longest_days, naming, sweep
from tests.support import TODAY, newcomer, records_of

DAY = dt.timedelta(days=1)
WEEK_OLD = TODAY - 7 * DAY
"""`erase_after_result_days` (7) old: a letter may go."""
YOUNG = TODAY - 6 * DAY
"""Younger than that: a letter stays, whoever it is about (only forget removes it)."""
ANCIENT = TODAY - 300 * DAY
"""Older than any data may be kept without consent (299 days)."""
LIVE = frozenset({1, 3})
"""IDs 1 and 3 hold data; ID 2 was erased; no row has ID 9."""


def letter(
    written: dt.date, kind: str, *, dry_run: bool = False, **recorded: object
) -> OutboxLetter:
    record = LetterRecord(kind, **recorded)  # type: ignore[arg-type]
    return OutboxLetter(f"{written:%Y%m%d}-{kind}.eml", written, record, dry_run)


@pytest.mark.parametrize(
    ("case", "goes"),
    [
        (letter(ANCIENT, "welcome", about=1), False),  # its person's data is kept (a consent)
        (letter(WEEK_OLD, "introduction_group", about=2), True),  # ID 2 is erased
        (letter(YOUNG, "reengagement", about=2), False),  # erased, but the letter is too young
        (letter(WEEK_OLD, "welcome", about=9), True),  # no row has ID 9 (deleted by hand)
        (letter(YOUNG, "welcome", about=9), False),
        (letter(WEEK_OLD, "weekly_summary", week=5, names=frozenset({1, 3})), False),
        (letter(WEEK_OLD, "weekly_summary", week=5, names=frozenset({1, 2})), True),
        (letter(YOUNG, "weekly_summary", week=5, names=frozenset({1, 2})), False),
        (letter(ANCIENT, "weekly_summary", week=5, names=frozenset()), False),  # names nobody
        (letter(YOUNG, "weekly_summary", week=5), False),  # an older version's: names unknown
        (letter(WEEK_OLD, "weekly_summary", week=5), True),
        (letter(ANCIENT, "training_summary", week=5, names=frozenset()), False),  # counts only
        (letter(ANCIENT, "training_summary", week=5), False),
        (letter(TODAY - 299 * DAY, "group_reminder", group="Centrumgruppen"), False),
        (letter(ANCIENT, "group_reminder", group="Centrumgruppen"), True),
        # A dry run's letters: a preview, gone with anyone they name, and a week at the most.
        (letter(TODAY, "welcome", about=1, dry_run=True), False),
        (letter(TODAY, "welcome", about=2, dry_run=True), True),
        (letter(TODAY, "welcome", about=9, dry_run=True), True),
        (letter(YOUNG, "welcome", about=1, dry_run=True), False),
        (letter(WEEK_OLD, "welcome", about=1, dry_run=True), True),
        (letter(TODAY, "weekly_summary", names=frozenset({2}), dry_run=True), True),
        # A dry run of a day to come (`--dry-run --today` ahead): a what-if, gone at once.
        (letter(TODAY + 30 * DAY, "group_reminder", group="Centrumgruppen", dry_run=True), True),
        (letter(TODAY + DAY, "welcome", about=1, dry_run=True), True),
    ],
)
def test_each_letter_is_judged_by_what_its_file_records_and_its_age(
    config: Config, case: OutboxLetter, goes: bool
) -> None:
    assert sweep([case], LIVE, TODAY, config.settings) == [goes]


def test_the_age_limit_is_the_longest_any_data_lives_without_consent(config: Config) -> None:
    assert longest_days(config.settings) == 180 + 16 * 7 + 7
    routine = Routine(
        erase_stale_after_days=90, close_follow_up_after_weeks=10, erase_after_result_days=3
    )
    assert longest_days(dataclasses.replace(config.settings, routine=routine)) == 163


def test_a_letter_stays_as_long_as_the_config_gives_a_person_to_answer(config: Config) -> None:
    routine = Routine(erase_after_result_days=10)
    settings = dataclasses.replace(config.settings, routine=routine)
    erased = [letter(TODAY - n * DAY, "welcome", about=2) for n in (9, 10)]
    assert sweep(erased, LIVE, TODAY, settings) == [False, True]


def test_the_ids_that_hold_data_after_the_run(config: Config) -> None:
    after = records_of(
        config,
        newcomers=[
            newcomer(1),  # holds data
            newcomer(2, name=None, email=None, phone=None),  # erased
            newcomer(3, name=None, email=None, phone=None, introduction=TODAY),  # moved on
        ],
        followups=[{"id": 3, "name": "Testa Person3", "email": "person3@example.se"}],
    )
    assert holding(after, unsure=[7]) == {1, 3, 7}  # 7: a write of the run found no row


def test_erasure_on_request_finds_every_letter_that_records_the_person() -> None:
    welcome = letter(TODAY, "welcome", about=5)
    summary = letter(TODAY, "weekly_summary", names=frozenset({4, 5}))
    others = [
        letter(TODAY, "welcome", about=50),
        letter(TODAY, "weekly_summary", names=frozenset({15})),
        letter(TODAY, "weekly_summary"),
        letter(TODAY, "group_reminder", group="Centrumgruppen"),
    ]
    assert naming([welcome, *others, summary], {5}) == [welcome, summary]
    assert naming([welcome, summary], set()) == []
