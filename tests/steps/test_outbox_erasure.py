"""Which letters in the outbox go with the data they hold (`steps.outbox_erasure`), and what the
day's plan names for it (`Plan.erasing`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from medlemsrutiner.config import Config
from medlemsrutiner.plan import Erasing
from medlemsrutiner.settings import Routine
from medlemsrutiner.sheet.changes import SetCells
from medlemsrutiner.steps.outbox_erasure import (
    Check,
    People,
    decide,
    longest_days,
    named_ids,
    people,
    sweep,
)
from tests.support import TODAY, make_config, newcomer, plan_of, records_of

DAY = dt.timedelta(days=1)
OLD = TODAY - 293 * DAY
RECENT = TODAY - 292 * DAY


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@dataclasses.dataclass(frozen=True)
class Name:
    label: str
    written: dt.date


WHO = People(live=frozenset({1}), gone=frozenset({2}), addresses=frozenset({"gone@example.se"}))


@pytest.mark.parametrize(
    ("label", "written", "verdict"),
    [
        ("ID1-welcome", OLD, False),  # the row still holds data (a consent keeps it too)
        ("ID2-introduction_group", TODAY, True),  # every row with ID 2 is blank
        ("ID3-welcome", RECENT, Check(addresses=WHO.addresses)),  # no row: by address...
        ("ID3-welcome", OLD, True),  # ...or by age
        ("vecka5-weekly_summary", RECENT, Check(gone=WHO.gone)),
        ("vecka5-weekly_summary", OLD, Check(gone=WHO.gone, live=WHO.live)),
        ("vecka5-training_summary", OLD, False),  # counts only
        ("Grupp-Centrumgruppen-group_reminder", RECENT, False),
        ("Grupp-Centrumgruppen-group_reminder", OLD, True),
    ],
)
def test_each_letter_is_judged_by_its_label_and_age(
    config: Config, label: str, written: dt.date, verdict: bool | Check
) -> None:
    assert sweep([Name(label, written)], WHO, TODAY, config.settings) == [verdict]


def test_a_letter_under_an_unknown_id_is_kept_when_no_address_was_erased(config: Config) -> None:
    nobody = dataclasses.replace(WHO, addresses=frozenset())
    assert sweep([Name("ID3-welcome", RECENT)], nobody, TODAY, config.settings) == [False]


def test_the_age_limit_is_the_longest_any_data_lives_without_consent(config: Config) -> None:
    assert longest_days(config.settings) == 180 + 16 * 7
    routine = Routine(erase_stale_after_days=90, close_follow_up_after_weeks=10)
    assert longest_days(dataclasses.replace(config.settings, routine=routine)) == 160


def test_what_a_letter_says_decides_a_check() -> None:
    texts = ["Hej!\nTo: Person@Example.se", "Samtal: ID 4 Testa, ID 12 (3/4)"]
    assert named_ids(texts) == {4, 12}
    assert named_ids(["Message-ID: <ID17@example.org>", "ID17-welcome"]) == set()
    assert decide(Check(addresses=frozenset({"person@example.se"})), texts)
    assert not decide(Check(addresses=frozenset({"other@example.se"})), texts)
    assert decide(Check(gone=frozenset({12})), texts)
    assert not decide(Check(gone=frozenset({5})), texts)
    assert not decide(Check(live=frozenset({4, 12})), texts)
    assert decide(Check(live=frozenset({4})), texts)  # old, and names an ID without data


def test_people_after_the_run(config: Config) -> None:
    after = records_of(
        config,
        newcomers=[
            newcomer(1),  # holds data
            newcomer(2, name=None, email=None, phone=None),  # erased
            newcomer(3, name=None, email=None, phone=None, introduction=TODAY),  # moved on
            newcomer(4, email="delad@example.se"),
        ],
        followups=[{"id": 3, "name": "Testa Person3", "email": "person3@example.se"}],
    )
    erased = [
        Erasing(SetCells("newcomers", 2, ()), 2, "Person2@example.se"),
        Erasing(SetCells("newcomers", 9, ()), 9, "delad@example.se"),  # row 4 has it
        Erasing(SetCells("newcomers", 8, ()), 8, "centrum@example.org"),  # a group's
    ]
    found = people(after, erased, unsure=[7])
    assert found.live == {1, 3, 4, 7}
    assert found.gone == {2}
    assert found.addresses == {"person2@example.se"}


def test_the_plan_names_every_erasure_with_its_address(config: Config) -> None:
    plan = plan_of(
        config,
        newcomers=[
            newcomer(1, registered=TODAY - 180 * DAY),
            newcomer(2, registered=TODAY - 40 * DAY, call=TODAY - 30 * DAY, referred_to="Avböjt"),
            newcomer(3, registered=TODAY - 10 * DAY),
            {**newcomer(4, registered=TODAY - 181 * DAY), "id": "x", "email": "utan.id@example.se"},
        ],
        followups=[
            {
                "id": 5,
                "name": "Testa Person5",
                "email": "person5@example.se",
                "referred_to": "Centrumgruppen",
                "referred": TODAY - 70 * DAY,
                "followed_up": TODAY - 7 * DAY,
                "result": "Aktiv",
            }
        ],
    )
    assert sorted((e.row_id or 0, e.address) for e in plan.erasing) == [
        (0, "utan.id@example.se"),
        (1, "person1@example.se"),
        (2, "person2@example.se"),
        (5, "person5@example.se"),
    ]
    assert all(e.change in plan.changes for e in plan.erasing)
    assert sorted(plan.erased) == [1, 2, 5]
