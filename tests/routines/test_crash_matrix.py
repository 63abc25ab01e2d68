"""The daily run stopped at every point where it does I/O (tests/routines/crash_matrix.py), on
both backends and both transports, with a small workbook: an introduction (two letters, then
the move to Uppföljning), a re-engagement letter, and erasures in both tabs. After each stop
and two more runs: no letter twice, none lost, no erased data back, no person lost, every
workbook opens, the journal is emptied and never holds a name or an address, at most the
one letter in flight is left for a person (over SMTP; on the outbox none: its file shows
whether it was written), and the letters an earlier run left in the outbox folder are there
exactly for the people whose data is kept (whatever the transport is now).

Each backend runs with one transport here (the local default, and Google with SMTP), so that
both of each are stopped at every point within the test suite's time; `make bench`
(`benchmarks/crash_matrix.py`) runs all four pairs with a larger workbook and every read of
the Sheets API a point of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.routines.crash_matrix import SMALL, Row, Setup, matrix_row, setups

COMBINATIONS = [("xlsx", "outbox"), ("google", "smtp")]
LETTERS = 3
"""The small profile's letters: the introduction's two and the re-engagement letter."""


@pytest.fixture(scope="module")
def every_setup() -> Iterator[dict[tuple[str, str], Setup]]:
    with setups(COMBINATIONS) as found:
        yield {(setup.backend, setup.transport): setup for setup in found}


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "transport"), COMBINATIONS)
def test_a_run_stopped_at_any_io_point_sends_nothing_twice_and_loses_nothing(
    every_setup: dict[tuple[str, str], Setup], tmp_path: Path, backend: str, transport: str
) -> None:
    row = matrix_row(every_setup[(backend, transport)], tmp_path, SMALL, reads=False)

    assert all(outcome.stopped for outcome in row.outcomes)
    for outcome in row.outcomes:
        where = outcome.point
        assert outcome.duplicates == 0, where
        assert outcome.lost == [], where
        assert outcome.erased_back == [], where
        assert outcome.people_lost == [], where
        assert outcome.unreadable == 0, where
        assert outcome.journal_left == 0, where
        assert outcome.letters_left == [], where
        assert outcome.letters_gone == [], where
        assert len(outcome.uncertain) <= 1, (where, outcome.uncertain)
    # Only a letter in flight (between its journal entry and its answer's) can be uncertain,
    # and only over SMTP: the outbox shows whether its letter was written.
    in_flight = [
        outcome.point
        for outcome in row.outcomes
        if outcome.point.startswith(("journal: Begun", "transport:"))
    ]
    assert len(in_flight) == 2 * LETTERS
    uncertain = [o.point for o in row.outcomes if o.uncertain]
    assert uncertain == (in_flight if transport == "smtp" else [])
    _every_kind_of_point_was_a_stop(row)


def _every_kind_of_point_was_a_stop(row: Row) -> None:
    points = [outcome.point for outcome in row.outcomes]
    assert "workbook: after the read" in points
    assert sum(p.startswith("transport:") for p in points) == LETTERS
    assert sum(p.startswith("journal: Answered") for p in points) == LETTERS
    if row.backend == "xlsx":
        # Before and after the markers and the last write, and in the middle of each save.
        for write in (1, 2):
            assert f"workbook: before write {write}" in points
            assert f"workbook: after write {write}" in points
        assert sum(p.startswith("xlsx: during the save") for p in points) == 2
    else:
        # Each write is a batchUpdate per spreadsheet, Uppföljning's first: the last write
        # stopped between them is in the middle of the move to Uppföljning and of the
        # erasures (both tabs erase today).
        updates = [p for p in points if ":batchUpdate" in p]
        assert updates == [
            f"google: {when} POST :batchUpdate ({where})"
            for _ in range(2)
            for where in ("Uppföljning", "Medlemsrutiner")
            for when in ("before", "after")
        ]
