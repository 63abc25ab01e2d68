"""The Logg tab: what the scripts did, one row per event, and what later runs read back. Pure.

A Logg row has a time (`2026-11-24 07:00`, the coordinator's time zone), an action in plain
Swedish (`välkomstbrev skickat`), the newcomer's ID (or none), a detail, and `Brev`: how many
letters left — or may have left — the building with this event. Never a name, address or
phone number: Logg is read by whoever can open the workbook, long after erasure.

The rolling daily limit counts `Brev` (a field of its own, never parsed out of the prose), so
the wording of actions and details may change freely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow
from medlemsrutiner.sheet.schema import Table

TIME_FORMAT = "%Y-%m-%d %H:%M"


class Action:
    """Every action word Logg gets (Swedish: a coordinator reads Logg). Later runs find events
    by these words — never by their details — so each is written from here only."""

    NEW_ROW = "ny rad"
    FIRST_SEEN = "första gången sedd"
    DUPLICATE = "dubblett"
    MOVED = "flyttad till Uppföljning"
    ERASED = "uppgifter raderade"
    FORGOTTEN = "raderad på begäran"
    SKIPPED_WRITE = "skrivning hoppades över"
    HELD_BACK = "brev väntar på gränsen"
    """A run held letters back (max_per_run or daily_limit): one row per run."""
    DAILY_DONE = "daglig körning klar"
    """The daily run wrote everything: the weekly summary's "last successful run"."""
    SUMMARY_SENDING = "veckosammanfattning skickas"
    SUMMARY_SENT = "veckosammanfattning skickad"
    SUMMARY_FAILED = "veckosammanfattning misslyckades"
    NAMED = "nämnd i veckosammanfattningen"
    """The weekly summary names the ID's person by first name: one row per ID, written before
    the summary is handed over; the person's data is kept a while after it (`steps.erasure`)."""
    TRAINING_SENDING = "utbildningsbrev skickas"
    TRAINING_SENT = "utbildningsbrev skickat"
    TRAINING_FAILED = "utbildningsbrev misslyckades"
    IMPORTED_FILE = "import från fil"
    """import_contacts.py added people (the detail holds counts only)."""
    IMPORTED_FORM = "formulärsvar importerade"
    """The daily run handled answers of the form tab (the detail holds counts only)."""


LetterOutcomeWord = str
SENT, PARTLY_SENT, UNCERTAIN, WAITING, FAILED = (
    "skickat",
    "delvis skickat",
    "osäkert",
    "väntar",
    "misslyckades",
)
OUTCOME_WORDS = (PARTLY_SENT, SENT, UNCERTAIN, WAITING, FAILED)
_COMMON_GENDER: dict[LetterOutcomeWord, str] = {
    SENT: "skickad",
    PARTLY_SENT: "delvis skickad",
    UNCERTAIN: "osäker",
}
"""An outcome word as it agrees with a common-gender name (`introduktion skickad`); the
constants above are the neuter forms (`välkomstbrev skickat`), which rows written before the
words agreed also hold for every name: both read back as the same outcome."""


def letter_action(delivery: str, outcome: LetterOutcomeWord, *, common: bool = False) -> str:
    """`välkomstbrev skickat`, `introduktion skickad`: what became of a delivery (its Swedish
    name, `common` when it is an en-word) this run."""
    word = _COMMON_GENDER.get(outcome, outcome) if common else outcome
    return f"{delivery} {word}"


def read_letter_action(action: str) -> tuple[str, LetterOutcomeWord] | None:
    """(delivery name, outcome word) of a letter action, or None for any other action. Either
    form of an outcome word reads as the same outcome (`skickad` and `skickat` are SENT)."""
    for outcome in OUTCOME_WORDS:  # "delvis skickat" before "skickat"
        for word in (outcome, _COMMON_GENDER.get(outcome, outcome)):
            if action.endswith(f" {word}"):
                return action.removesuffix(f" {word}"), outcome
    return None


@dataclass(frozen=True)
class LogEntry:
    """A line for Logg: what was done, to which ID. Never a name, email or phone."""

    action: str
    row_id: int | None
    detail: str = ""
    letters: int | None = None
    """Letters that left, or may have left, with this event (counted by the daily limit);
    None for an event that is not about sending (the cell stays blank)."""


def time_text(now: dt.datetime, zone: ZoneInfo) -> str:
    """`now` as Logg writes it: minutes, in the coordinator's time zone."""
    return now.astimezone(zone).strftime(TIME_FORMAT)


def log_rows(entries: Sequence[LogEntry], now: str) -> list[AppendRow]:
    """One appended Logg row per entry, all at the time `now` (see `time_text`)."""
    return [
        AppendRow(
            "log",
            (
                ("time", now),
                ("action", entry.action),
                ("id", entry.row_id),
                ("detail", entry.detail),
                ("letters", entry.letters),
            ),
        )
        for entry in entries
    ]


_LEGACY_LEFT = (SENT, UNCERTAIN, _COMMON_GENDER[SENT], _COMMON_GENDER[UNCERTAIN])
"""Action endings of rows written before Logg had `Brev`: letters that left or may have."""


def letters_sent_since(table: Table, since: dt.datetime, zone: ZoneInfo) -> int:
    """How many letters went out (or may have) at or after `since`, according to Logg.

    Sums `Brev`. A row without it (written before the column existed) counts as one letter,
    two for an introduction, when its action says letters left — more rather than fewer, since
    the limit protects the account. Times are read in `zone`; a time that cannot be read is not
    counted, because Logg is the scripts' own tab.
    """
    total = 0
    for _, record in table.rows:
        when = _log_time(record["time"], zone)
        if when is None or when < since:
            continue
        counted = _count(record["letters"])
        if counted is not None:
            total += counted
            continue
        action = cells.text(record["action"]).casefold()
        if action.endswith(_LEGACY_LEFT):
            total += 2 if action.startswith("introduktion") else 1
    return total


MOST_LETTERS_A_ROW = 10
"""More letters than any one event sends (a delivery is one to three letters): a `Brev` cell
holding more was typed by a person."""

_DAY = dt.timedelta(days=1)


def doubtful_rows(table: Table, since: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> list[int]:
    """The sheet rows that `letters_sent_since(table, since, …)` counts although no run wrote
    them as they stand: a time more than a day after `now` (a typo such as 2062 for 2026) or a
    `Brev` above `MOST_LETTERS_A_ROW`. Counted all the same (the limit protects the account),
    but a person must look: such a row can hold every letter back day after day."""
    found = []
    for number, record in table.rows:
        when = _log_time(record["time"], zone)
        if when is None or when < since:
            continue
        counted = _count(record["letters"])
        if when > now + _DAY or (counted is not None and counted > MOST_LETTERS_A_ROW):
            found.append(number)
    return found


@dataclass(frozen=True)
class Event:
    """A Logg row read back: its time as written (the coordinator's local time, naive), the
    action, the ID and the letter count."""

    time: dt.datetime
    action: str
    row_id: int | None
    letters: int | None


def events(table: Table) -> list[Event]:
    """Every Logg row whose time can be read, in the order of the tab."""
    found = []
    for _, record in table.rows:
        when = _log_time(record["time"], dt.UTC)
        if when is None:
            continue
        row_id = cells.parse_id(record["id"])
        found.append(
            Event(
                when.replace(tzinfo=None),
                cells.text(record["action"]),
                row_id if isinstance(row_id, int) else None,
                _count(record["letters"]),
            )
        )
    return found


def first_logged(table: Table) -> dict[int, dt.date]:
    """For each ID, the day of its earliest Logg row: when the scripts first saw the row.

    The day is read from the time as written (already the coordinator's local time); rows whose
    time or ID cannot be read are left out.
    """
    first: dict[int, dt.date] = {}
    for _, record in table.rows:
        row_id = cells.parse_id(record["id"])
        when = _log_time(record["time"], dt.UTC)
        if not isinstance(row_id, int) or when is None:
            continue
        day = when.date()
        if row_id not in first or day < first[row_id]:
            first[row_id] = day
    return first


def last_erasures(table: Table) -> dict[int, tuple[dt.date, bool]]:
    """For each ID, the day of its latest erasure in Logg and whether it was on request
    (`raderad på begäran`, forget.py) rather than on schedule (`uppgifter raderade`): what an
    erased row's Status says happened to it."""
    last: dict[int, tuple[dt.date, bool]] = {}
    for _, record in table.rows:
        action = cells.text(record["action"])
        if action not in (Action.ERASED, Action.FORGOTTEN):
            continue
        row_id = cells.parse_id(record["id"])
        when = _log_time(record["time"], dt.UTC)
        if not isinstance(row_id, int) or when is None:
            continue
        if row_id not in last or when.date() >= last[row_id][0]:
            last[row_id] = (when.date(), action == Action.FORGOTTEN)
    return last


def last_named(table: Table) -> dict[int, dt.date]:
    """For each ID, the day of the last weekly summary that named its person by first name
    (`Action.NAMED`)."""
    last: dict[int, dt.date] = {}
    for event in events(table):
        if event.action == Action.NAMED and event.row_id is not None:
            day = event.time.date()
            last[event.row_id] = max(day, last.get(event.row_id, day))
    return last


def _count(value: Any) -> int | None:
    """A `Brev` cell: a whole number of letters (`cells.whole_number`: also when a date format
    shows it), or None when blank or unreadable."""
    number = cells.whole_number(value)
    return number if number is not None and number >= 0 else None


def _log_time(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A Logg time (`2026-11-24 07:00`, or a datetime cell) in `zone`."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=zone)
