"""The send journal's entries, and their text form (one JSON object per line). Pure.

A daily run that has a journal notes, in this order, each flushed to disk before it goes on:

* `RunStarted`: the run's token (also written into its `Skickar…` markers, see
  `stamps.sending_marker`), its day and time, and the folder its transport keeps its letters in
  (the outbox's; none for SMTP, and in a journal written before this was noted);
* `Marked`, one per delivery, all in one append before the markers are written: which stamp
  cell (tab, ID or key, column), the delivery's kind and language, and the label of each letter
  it will send (`ID17-welcome`), with what an earlier run already sent of it;
* `Begun` before each letter is handed to the transport: its label and Message-ID;
* `Answered` after: the transport's answer, as one of `ANSWERS`.

Nothing else: never an address, a name or a server's reply text. What the entries prove about
a stamp cell left at `Skickar…` is decided by `steps.recovery`; the file is kept by
`adapters.sendlog_file`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Answer = Literal["accepted", "refused", "deferred", "unknown"]
ANSWERS: tuple[Answer, ...] = ("accepted", "refused", "deferred", "unknown")
"""accepted: the transport took the letter; refused: it refused it for good; deferred: a
passing fault, the letter did not leave; unknown: handed over whole, never answered."""

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class RunStarted:
    run: str
    """The run's token: random, also in each of its `Skickar…` markers."""
    day: dt.date
    time: str
    """When the run started, as Logg writes times (`2026-11-24 07:00`)."""
    kept_in: str = ""
    """The folder the run's transport keeps each letter in (`letterfile.KeptLetters.where`);
    empty when it keeps none (SMTP)."""


@dataclass(frozen=True)
class Marked:
    """A delivery whose marker the run writes: its stamp cell and its letters."""

    run: str
    tab: str
    row_id: int | None
    key: tuple[tuple[str, str], ...]
    """For a row without ID (a group): its key columns, as `changes.Key`."""
    stamp: str
    kind: str
    """The delivery's kind (`welcome`, `introduction`, …)."""
    language: str
    letters: tuple[tuple[str, str], ...]
    """(letter kind, label) of each letter this run sends."""
    already_sent: tuple[str, ...] = ()
    """Letter kinds an earlier run sent (a `Delvis skickat` stamp)."""
    unsure: tuple[str, ...] = ()
    """Letter kinds whose fate an earlier crash left unknown (see `stamps.partial`)."""

    @property
    def cell(self) -> tuple[str, int | None, tuple[tuple[str, str], ...], str]:
        return (self.tab, self.row_id, self.key, self.stamp)


@dataclass(frozen=True)
class Begun:
    run: str
    label: str
    message_id: str


@dataclass(frozen=True)
class Answered:
    run: str
    label: str
    message_id: str
    answer: Answer


Entry = RunStarted | Marked | Begun | Answered


def to_line(entry: Entry) -> str:
    """The entry as one line of JSON (ending in a newline)."""
    return json.dumps(_to_object(entry), ensure_ascii=False, separators=(",", ":")) + "\n"


def from_line(line: str) -> Entry:
    """The entry a line holds; ValueError when it is not one."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"ingen JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("ingen post")
    try:
        return _from_object(data)
    except (KeyError, TypeError) as error:
        raise ValueError(f"ofullständig post ({error})") from None


def _to_object(entry: Entry) -> JsonObject:
    if isinstance(entry, RunStarted):
        found = {"entry": "run", "run": entry.run, "day": entry.day.isoformat(), "time": entry.time}
        return {**found, "kept_in": entry.kept_in} if entry.kept_in else found
    if isinstance(entry, Marked):
        return {
            "entry": "mark",
            "run": entry.run,
            "tab": entry.tab,
            "id": entry.row_id,
            "key": [list(pair) for pair in entry.key],
            "stamp": entry.stamp,
            "kind": entry.kind,
            "language": entry.language,
            "letters": [list(pair) for pair in entry.letters],
            "already_sent": list(entry.already_sent),
            "unsure": list(entry.unsure),
        }
    if isinstance(entry, Begun):
        return {
            "entry": "begin",
            "run": entry.run,
            "label": entry.label,
            "message_id": entry.message_id,
        }
    return {
        "entry": "answer",
        "run": entry.run,
        "label": entry.label,
        "message_id": entry.message_id,
        "answer": entry.answer,
    }


def _from_object(data: Mapping[str, Any]) -> Entry:
    kind = data["entry"]
    run = _text(data["run"])
    if kind == "run":
        day = dt.date.fromisoformat(_text(data["day"]))
        return RunStarted(run, day, _text(data["time"]), _text(data.get("kept_in", "")))
    if kind == "mark":
        row_id = data["id"]
        if row_id is not None and (not isinstance(row_id, int) or isinstance(row_id, bool)):
            raise TypeError("id")
        return Marked(
            run=run,
            tab=_text(data["tab"]),
            row_id=row_id,
            key=_pairs(data["key"]),
            stamp=_text(data["stamp"]),
            kind=_text(data["kind"]),
            language=_text(data["language"]),
            letters=_pairs(data["letters"]),
            already_sent=tuple(_text(k) for k in _list(data["already_sent"])),
            unsure=tuple(_text(k) for k in _list(data["unsure"])),
        )
    if kind == "begin":
        return Begun(run, _text(data["label"]), _text(data["message_id"]))
    if kind == "answer":
        answer = next((word for word in ANSWERS if word == data["answer"]), None)
        if answer is None:
            raise TypeError("answer")
        return Answered(run, _text(data["label"]), _text(data["message_id"]), answer)
    raise TypeError("entry")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value


def _list(value: Any) -> Sequence[Any]:
    if not isinstance(value, list):
        raise TypeError("list")
    return value


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = []
    for pair in _list(value):
        items = _list(pair)
        if len(items) != 2:
            raise TypeError("pair")
        pairs.append((_text(items[0]), _text(items[1])))
    return tuple(pairs)
