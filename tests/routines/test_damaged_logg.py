"""A Logg a person damaged — rows deleted, actions or times rewritten, a number typed into
`Brev`, a date far ahead — never makes a letter go twice, never crashes the run, and never
holds every letter back in silence: a row that holds the daily limit and that no run wrote as it
stands is named for a person (exit 1), and once it is put right the letters go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medlemsrutiner.config import Config
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.support import (
    DAY,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    read_outbox,
    recipients,
    run_day,
    workbook_grids,
)


def _logg(workbook: MemoryWorkbook) -> list[list[Any]]:
    return workbook.grids["Logg"]


def test_a_damaged_logg_never_sends_a_letter_twice(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = MemoryWorkbook(workbook_grids(newcomers=[newcomer(1), newcomer(2)]), TAB_NAMES)
    assert run_day(workbook, config).sent == {"welcome": [1, 2]}
    headers, *rows = _logg(workbook)
    # A person deletes half of Logg, rewrites actions, times and IDs in the rest.
    kept = [list(row) for row in rows[::2]]
    for row in kept:
        row[headers.index("Åtgärd")] = "något annat"
        row[headers.index("Tid")] = "igår"
        row[headers.index("ID")] = "Kim"
    workbook.grids["Logg"] = [headers, *kept]
    for day in (TODAY, TODAY + DAY):
        assert run_day(workbook, config, day).sent == {}
    assert recipients(read_outbox(config.mail.outbox)) == [
        "person1@example.se",
        "person2@example.se",
    ]


def _held_by(row: dict[str, Any], config: Config) -> None:
    workbook = MemoryWorkbook(
        workbook_grids(newcomers=[newcomer(1), newcomer(2)], log=[row]), TAB_NAMES
    )
    report = run_day(workbook, config)
    assert report.sent == {}
    assert report.exit_code == 1
    assert any(line.startswith("  KONTROLLERA Logg rad 2:") for line in report.lines())
    # Put right, the letters go.
    headers = _logg(workbook)[0]
    _logg(workbook)[1][headers.index("Brev")] = 1
    _logg(workbook)[1][headers.index("Tid")] = f"{TODAY - DAY} 07:00"
    report = run_day(workbook, config)
    assert report.sent == {"welcome": [1, 2]} and report.exit_code == 0


def test_a_number_typed_into_brev_holds_the_letters_and_is_named(tmp_path: Path) -> None:
    row = {"time": f"{TODAY} 06:00", "action": "välkomstbrev skickat", "id": 9, "letters": 10**9}
    _held_by(row, make_config(tmp_path))


def test_a_logg_date_far_ahead_holds_the_letters_and_is_named(tmp_path: Path) -> None:
    row = {"time": "2062-11-24 07:00", "action": "välkomstbrev skickat", "id": 9, "letters": 400}
    _held_by(row, make_config(tmp_path))
