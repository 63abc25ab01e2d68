"""The weekly summary's past week: who is new counts people, not rows; letters are counted
from Logg whichever form of its words a row holds."""

from __future__ import annotations

from pathlib import Path

from medlemsrutiner.reports.weekly import week
from medlemsrutiner.sheet.letter_kinds import delivery_kinds
from medlemsrutiner.sheet.logbook import SENT, letter_action
from tests.support import TODAY, make_config, records_of, tables_of


def test_a_second_row_of_someone_already_there_is_not_a_new_person(tmp_path: Path) -> None:
    log = [
        {"time": f"{TODAY} 07:00", "action": "ny rad", "id": 7},
        {"time": f"{TODAY} 07:00", "action": "ny rad", "id": 8},
        {
            "time": f"{TODAY} 07:00",
            "action": "dubblett",
            "id": 8,
            "detail": "samma e-post som ID 7",
        },
        {"time": f"{TODAY} 07:00", "action": "ny rad", "id": 9},
    ]
    records = records_of(make_config(tmp_path), log=log)
    assert week(records, tables_of(log=log)["log"], TODAY).new_people == 2


def test_letters_logged_before_and_after_the_words_agreed_are_counted_alike(
    tmp_path: Path,
) -> None:
    """Logg's action words now agree with their noun (`introduktion skickad`); a Logg kept from
    before says `introduktion skickat`. The week counts every kind's letters in either form."""
    kinds = [kind for kind in delivery_kinds() if kind.counted]
    log = []
    for row_id, kind in enumerate(kinds, start=1):
        for common in (False, True):
            action = letter_action(kind.logged, SENT, common=common)
            log.append({"time": f"{TODAY} 07:00", "action": action, "id": row_id, "letters": 1})
    records = records_of(make_config(tmp_path), log=log)
    assert week(records, tables_of(log=log)["log"], TODAY).deliveries == {
        kind.name: 2 for kind in kinds
    }
