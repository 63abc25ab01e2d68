"""The send journal's entries and their lines (sheet/sendlog.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from medlemsrutiner.sheet.sendlog import (
    Answered,
    Begun,
    Entry,
    Marked,
    RunStarted,
    from_line,
    to_line,
)

ENTRIES: list[Entry] = [
    RunStarted("3f9a2c1b", dt.date(2026, 11, 24), "2026-11-24 07:00"),
    RunStarted("3f9a2c1b", dt.date(2026, 11, 24), "2026-11-24 07:00", "/srv/utkorg"),
    Marked(
        "3f9a2c1b",
        "newcomers",
        17,
        (),
        "introduction",
        "introduction",
        "sv",
        (
            ("introduction_newcomer", "ID17-introduction_newcomer"),
            ("introduction_group", "ID17-introduction_group"),
        ),
        already_sent=("introduction_newcomer",),
        unsure=("introduction_newcomer",),
    ),
    Marked(
        "3f9a2c1b",
        "groups",
        None,
        (("group", "Centrumgruppen"),),
        "reminder",
        "group_reminder",
        "sv",
        (("group_reminder", "Grupp-Centrumgruppen-group_reminder"),),
    ),
    Begun("3f9a2c1b", "ID17-welcome", "<1.2.3@example.org>"),
    Answered("3f9a2c1b", "ID17-welcome", "<1.2.3@example.org>", "accepted"),
]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: type(e).__name__)
def test_every_entry_is_one_line_that_reads_back_as_itself(entry: Entry) -> None:
    line = to_line(entry)
    assert line.endswith("\n") and line.count("\n") == 1
    assert from_line(line) == entry


@pytest.mark.parametrize(
    "line",
    [
        "",
        '{"entry": "run", "run": "a", "day": "2026-11-24"',  # cut short by a kill
        "[1, 2]",
        '{"entry": "run", "run": "a"}',
        '{"entry": "run", "run": 1, "day": "2026-11-24", "time": ""}',
        '{"entry": "run", "run": "a", "day": "24/11", "time": ""}',
        '{"entry": "answer", "run": "a", "label": "ID1-welcome", "message_id": "<m>",'
        ' "answer": "maybe"}',
        '{"entry": "mark", "run": "a", "tab": "newcomers", "id": true, "key": [],'
        ' "stamp": "welcome", "kind": "welcome", "language": "sv", "letters": [],'
        ' "already_sent": [], "unsure": []}',
        '{"entry": "mark", "run": "a", "tab": "newcomers", "id": 1, "key": [["group"]],'
        ' "stamp": "welcome", "kind": "welcome", "language": "sv", "letters": [],'
        ' "already_sent": [], "unsure": []}',
        '{"entry": "sent", "run": "a"}',
    ],
)
def test_a_line_that_is_no_entry_is_refused(line: str) -> None:
    with pytest.raises(ValueError):
        from_line(line)


def test_an_entry_holds_labels_and_message_ids_only() -> None:
    fields = {key for entry in ENTRIES for key in json.loads(to_line(entry))}
    assert fields == {
        "entry", "run", "day", "time", "tab", "id", "key", "stamp", "kind", "language",
        "letters", "already_sent", "unsure", "label", "message_id", "answer", "kept_in",
    }  # fmt: skip


def test_a_run_noted_before_its_folder_was_noted_reads_as_keeping_none() -> None:
    line = '{"entry":"run","run":"3f9a2c1b","day":"2026-11-24","time":"2026-11-24 07:00"}'
    assert from_line(line) == RunStarted("3f9a2c1b", dt.date(2026, 11, 24), "2026-11-24 07:00")
    assert to_line(from_line(line)) == line + "\n"
