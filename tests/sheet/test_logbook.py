"""Logg rows: what they hold, and the rolling daily limit counted from their `Brev` field."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from medlemsrutiner.sheet.changes import apply, resolve
from medlemsrutiner.sheet.letter_kinds import delivery_kinds
from medlemsrutiner.sheet.logbook import (
    OUTCOME_WORDS,
    LogEntry,
    doubtful_rows,
    last_erasures,
    letter_action,
    letters_sent_since,
    log_rows,
    read_letter_action,
    time_text,
)
from medlemsrutiner.sheet.schema import tables_from_grids
from tests.support import TAB_NAMES, workbook_grids

ZONE = ZoneInfo("Europe/Stockholm")
SINCE = dt.datetime(2026, 11, 23, 6, 0, tzinfo=ZONE)


def _logged(time: Any, action: str, detail: str = "", letters: Any = None) -> dict[str, Any]:
    return {"time": time, "action": action, "id": 1, "detail": detail, "letters": letters}


def _count(rows: list[dict[str, Any]]) -> int:
    log = tables_from_grids(workbook_grids(log=rows), TAB_NAMES)["log"]
    return letters_sent_since(log, SINCE, ZONE)


def test_rows_written_by_log_rows_are_counted_from_their_letters_field() -> None:
    entries = [
        LogEntry("välkomstbrev skickat", 1, "sv/welcome", 1),
        LogEntry("introduktion delvis skickat", 2, "550 <adress>", 1),
        LogEntry("introduktion osäkert", 3, "förbindelsen bröts", 2),
        LogEntry("välkomstbrev misslyckades", 4, "550", 0),
        LogEntry("ny rad", 5, "ID tilldelat"),
    ]
    grids = workbook_grids(log=[])
    now = time_text(dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC), ZONE)
    after = apply(grids, resolve(log_rows(entries, now), grids, TAB_NAMES))
    log = tables_from_grids(after, TAB_NAMES)["log"]
    assert letters_sent_since(log, SINCE, ZONE) == 1 + 1 + 2
    assert [row[4] if len(row) > 4 else None for row in after["Logg"][1:]] == [1, 1, 2, 0, None]
    assert after["Logg"][1][0] == "2026-11-24 07:00"  # written in the coordinator's time zone


def test_the_count_never_reads_the_wording_of_a_row_that_has_one() -> None:
    assert _count([_logged("2026-11-24 06:00", "helt annan formulering", "3 brev", 2)]) == 2
    assert _count([_logged("2026-11-24 06:00", "välkomstbrev skickat", "", 0)]) == 0


def test_older_rows_without_a_count_are_counted_by_their_action_more_rather_than_fewer() -> None:
    rows = [
        _logged("2026-11-24 06:00", "introduktion skickat", "sv/introduction_newcomer"),
        _logged("2026-11-24 06:10", "välkomstbrev skickat", "sv/welcome"),
        _logged("2026-11-24 06:30", "välkomstbrev osäkert", "förbindelsen bröts"),
        _logged(dt.datetime(2026, 11, 24, 6, 40), "Välkomstbrev skickat"),
        _logged("2026-11-24 06:50", "välkomstbrev misslyckades", "550"),
        _logged("2026-11-24 06:55", "ny rad", "ID tilldelat"),
    ]
    assert _count(rows) == 2 + 1 + 1 + 1


def test_rows_before_the_window_or_with_an_unreadable_time_are_not_counted() -> None:
    rows = [
        _logged("2026-11-23 05:59", "välkomstbrev skickat", letters=1),
        _logged("inte en tid", "välkomstbrev skickat", letters=1),
        _logged("2026-11-23 06:00", "välkomstbrev skickat", letters=1),
    ]
    assert _count(rows) == 1


def test_a_logg_tab_without_the_letters_column_gets_it_when_the_run_writes() -> None:
    grids = workbook_grids()
    grids["Logg"] = [["Tid", "Åtgärd", "ID", "Detalj"], ["2026-11-20 07:00", "ny rad", 1, ""]]
    rows = log_rows([LogEntry("välkomstbrev skickat", 2, "sv/welcome", 1)], "2026-11-24 07:00")
    after = apply(grids, resolve(rows, grids, TAB_NAMES))
    assert after["Logg"][0] == ["Tid", "Åtgärd", "ID", "Detalj", "Brev"]
    assert after["Logg"][2] == ["2026-11-24 07:00", "välkomstbrev skickat", 2, "sv/welcome", 1]


def test_the_last_erasure_of_each_id_and_whether_it_was_on_request_are_read_back() -> None:
    rows: list[dict[str, Any]] = [
        {"time": "2026-10-01 07:00", "action": "uppgifter raderade", "id": 1},
        {"time": "2026-11-02 07:00", "action": "raderad på begäran", "id": 1},
        {"time": "2026-11-03 07:00", "action": "uppgifter raderade", "id": 2},
        {"time": "2026-11-04 07:00", "action": "välkomstbrev skickat", "id": 2},
        {"time": "igår", "action": "uppgifter raderade", "id": 3},
        {"time": "2026-11-05 07:00", "action": "uppgifter raderade", "id": None},
    ]
    log = tables_from_grids(workbook_grids(log=rows), TAB_NAMES)["log"]
    assert last_erasures(log) == {
        1: (dt.date(2026, 11, 2), True),
        2: (dt.date(2026, 11, 3), False),
    }


def test_a_count_in_a_cell_given_a_date_format_is_still_its_number() -> None:
    # 3 in a date-formatted cell, as the .xlsx backend reads it (serial 3 = 1900-01-02)
    assert (
        _count([_logged("2026-11-24 06:00", "välkomstbrev skickat", "", dt.datetime(1900, 1, 2))])
        == 3
    )
    assert (
        _count([_logged("2026-11-24 06:00", "välkomstbrev misslyckades", "", dt.time(0, 0))]) == 0
    )


def test_every_letter_action_reads_back_in_the_form_written_now_and_the_one_before() -> None:
    """Runs find letters in Logg by these words: `introduktion skickad` (an en-word, as written
    now) and `introduktion skickat` (as rows written before the words agreed say) are one."""
    for kind in delivery_kinds():
        for outcome in OUTCOME_WORDS:
            now = letter_action(kind.logged, outcome, common=kind.logged_common)
            before = letter_action(kind.logged, outcome)
            assert read_letter_action(now) == read_letter_action(before) == (kind.logged, outcome)


def test_an_en_word_is_logged_with_the_word_that_agrees_with_it() -> None:
    assert letter_action("introduktion", "skickat", common=True) == "introduktion skickad"
    assert letter_action("påminnelse till grupp", "delvis skickat", common=True) == (
        "påminnelse till grupp delvis skickad"
    )
    assert letter_action("välkomstbrev", "skickat") == "välkomstbrev skickat"


def test_rows_without_a_count_in_either_form_count_as_letters_that_left() -> None:
    rows = [
        _logged("2026-11-24 06:00", "introduktion skickad", "sv/introduction_newcomer"),
        _logged("2026-11-24 06:10", "påminnelse till grupp osäker", "förbindelsen bröts"),
    ]
    assert _count(rows) == 2 + 1


def test_a_logg_row_no_run_wrote_as_it_stands_is_doubtful_and_still_counted() -> None:
    now = SINCE + dt.timedelta(hours=24)
    rows = [
        _logged("2026-11-23 07:00", "välkomstbrev skickat", letters=1),  # an ordinary row
        _logged("2026-11-23 08:00", "introduktion skickat", letters=2),
        _logged("2026-11-24 06:30", "välkomstbrev skickat", letters=400),  # typed over
        _logged("2062-11-23 07:00", "välkomstbrev skickat", letters=1),  # 2062 for 2026
        _logged("2026-11-25 05:00", "välkomstbrev skickat", letters=1),  # within a day: a clock
    ]
    log = tables_from_grids(workbook_grids(log=rows), TAB_NAMES)["log"]
    assert doubtful_rows(log, SINCE, now, ZONE) == [4, 5]  # sheet rows (the header is row 1)
    assert letters_sent_since(log, SINCE, ZONE) == 405  # the limit stays on the safe side
