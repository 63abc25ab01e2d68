"""The weekly summary's past week: who is new counts people, not rows."""

from __future__ import annotations

from pathlib import Path

from medlemsrutiner.reports.weekly import week
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
