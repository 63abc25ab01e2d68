"""The registry of letter kinds holds together: every kind has its templates, every delivery a
stamp column the schema has, and the words a partial stamp uses read back (sheet/letter_kinds.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.letters.render import PARTS
from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet.schema import TABS_BY_KEY, Owner
from medlemsrutiner.sheet.words import LANGUAGES
from medlemsrutiner.wording import Noun
from tests.support import REPO

TODAY = dt.date(2026, 11, 24)
NOUN = Noun("brev", "brev", "letter", "letters", neuter=True)


@pytest.mark.parametrize("kind", letter_kinds.letter_kinds(), ids=lambda k: k.name)
def test_every_kind_has_its_templates_in_every_language(kind: letter_kinds.LetterKind) -> None:
    for language in LANGUAGES:
        for part in PARTS:
            assert (REPO / "templates" / language / kind.name / part).is_file()


@pytest.mark.parametrize("column", letter_kinds.stamp_columns(), ids=lambda c: c.column)
def test_every_stamp_column_is_a_date_column_the_scripts_own(
    column: letter_kinds.StampColumn,
) -> None:
    in_schema = TABS_BY_KEY[column.tab].column(column.column)
    assert (in_schema.owner, in_schema.kind) == (Owner.SCRIPT, "date")
    assert column.tab in letter_kinds.STAMP_TABS


def test_the_introduction_and_the_alternatives_share_one_stamp_column() -> None:
    introduction = letter_kinds.delivery_kind("introduction")
    alternatives = letter_kinds.delivery_kind("alternatives")
    assert introduction is not None and alternatives is not None
    assert introduction.stamp == alternatives.stamp
    assert [c.column for c in letter_kinds.stamp_columns("newcomers")] == [
        "welcome",
        "introduction",
    ]


def test_letters_to_a_newcomer_carry_the_trainings() -> None:
    carrying = {kind.name for kind in letter_kinds.letter_kinds() if kind.carries_trainings}
    assert carrying == {"welcome", "introduction_newcomer", "alternatives", "reengagement"}


@pytest.mark.parametrize("kind", sorted(letter_kinds.part_words()))
def test_a_partial_stamp_names_each_letter_so_that_it_reads_back(kind: str) -> None:
    text = stamps.partial(TODAY, [kind])
    assert letter_kinds.part_words()[kind] in text
    assert stamps.read_stamp(text, TODAY).remaining == {kind}


def test_the_weekly_summary_counts_every_delivery_but_the_groups_reminders() -> None:
    counted = [kind.name for kind in letter_kinds.delivery_kinds() if kind.counted]
    assert counted == ["welcome", "introduction", "alternatives", "reengagement"]


def test_a_stamp_column_on_a_tab_without_stamps_is_refused() -> None:
    column = letter_kinds.StampColumn("trainings", "date", "Training")
    delivery = letter_kinds.DeliveryKind("training_day", column, "utbildningsdag", NOUN)
    kind = letter_kinds.LetterKind("training_day", "newcomer", ("newcomer",), "x", delivery)
    with pytest.raises(ValueError), letter_kinds.registered(kind):
        pass
    assert letter_kinds.letter_kinds() == letter_kinds.BUILT_IN


def test_a_new_delivery_cannot_share_a_stamp_column_with_another() -> None:
    delivery = letter_kinds.DeliveryKind("welcome_again", letter_kinds.WELCOME_STAMP, "igen", NOUN)
    kind = letter_kinds.LetterKind("welcome_again", "newcomer", ("newcomer",), "x", delivery)
    with pytest.raises(ValueError), letter_kinds.registered(kind):
        pass
    assert letter_kinds.letter_kinds() == letter_kinds.BUILT_IN
