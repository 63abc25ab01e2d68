"""Every text the scripts write into a stamp cell, and how a stamp cell is read back. Pure.

A stamp cell (a column of `letter_kinds.stamp_columns()`) guards one delivery of letters. It
holds one of:

* nothing: the letter is due;
* a date: the letter went out that day;
* `Skickar… 2026-11-24 07:00`: the marker written just before sending. A run that is killed
  before it writes the outcome leaves it there, and no later run sends that letter again
  (at most once); a person checks. `Skickar… 2026-11-24: okänt om brevet kom fram (…)` is the
  same for a letter whose server never answered. A run with a send journal adds its token,
  `Skickar… 2026-11-24 07:00 (körning 3f9a2c1b)`, so that the next run can settle the cell from
  what the journal proves (`steps.recovery`);
* `Delvis skickat 2026-11-24: kvar till gruppens kontaktperson`: some letters of the delivery
  went out and the rest will be sent by the next run; with ` – fel: …` added the rest failed
  for good and a person finishes by hand. `; okänt om brevet till den intresserade kom fram`
  after the rest names a letter that a crash left unknown: the rest is still sent, and the
  cell then keeps a marker about that letter for a person;
* `Fel 2026-11-24: …`: the letter was refused; it is never resent until a person clears the cell;
* `Ej skickat: samma e-post som ID 3`: deliberately not sent;
* anything else a person typed (`skickat för hand`): held, never overwritten;
* a number, a date not yet come or a date before 2000: held and flagged (`1` would otherwise
  read as 1899-12-31 and pass for a letter sent).

Each text is built here and read here, so the two cannot drift apart (see the round-trip tests).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from medlemsrutiner.sheet import cells, letter_kinds

SENDING = "Skickar…"
"""Start of the marker written to a stamp cell before its letter is handed to the transport."""

PARTIAL = "Delvis skickat"
"""Start of a stamp whose delivery went out in part."""

_PARTIAL_FAILED = " – fel: "
_UNSURE = "; okänt om brevet till "
_UNSURE_END = " kom fram"
_RUN = " (körning "
_ERROR = "Fel"
_NOT_SENT = "Ej skickat"
_SAME_ADDRESS = "samma e-post som ID "

_DEFAULT_RECIPIENT = "den intresserade"
"""Who a letter of a kind without words of its own (`LetterKind.part`) went to."""


class StampState(enum.Enum):
    DUE = "due"
    SENDING = "sending"
    SENT = "sent"
    PARTIAL = "partial"
    HELD = "held"


@dataclass(frozen=True)
class Stamp:
    """A stamp cell read back: blank (due), a date (sent), our marker, or any other text (held).

    Held covers our own error texts and anything a person typed (`skickat för hand`): such a
    cell is never overwritten and its letter is never sent until a person clears the cell.
    """

    state: StampState
    date: dt.date | None = None
    text: str = ""
    remaining: frozenset[str] = frozenset()
    """For PARTIAL: the letter kinds still to send (the others went out)."""
    unreadable: bool = False
    """Held because the cell holds what no run writes there (a number, a future date)."""
    unsure: frozenset[str] = frozenset()
    """For PARTIAL: of the letters not remaining, those a crash left unknown (not known sent)."""

    @property
    def failed_in_part(self) -> bool:
        """Held because the rest of a partly sent delivery failed for good."""
        return self.state is StampState.HELD and self.text.startswith(PARTIAL)

    @property
    def failed(self) -> bool:
        """Held because the server refused the letter (`Fel …`)."""
        return self.state is StampState.HELD and self.text.startswith(_ERROR)

    @property
    def not_sent_reason(self) -> str | None:
        """Why the scripts deliberately did not send (`Ej skickat: …`), if that is the text."""
        if self.state is StampState.HELD and self.text.startswith(_NOT_SENT):
            return self.text.removeprefix(f"{_NOT_SENT}: ")
        return None


DUE = Stamp(StampState.DUE)
"""A blank stamp cell."""


def read_stamp(value: Any, today: dt.date) -> Stamp:
    """What a stamp cell says (see the module docstring)."""
    if cells.is_blank(value):
        return DUE
    raw = cells.text(value)
    if raw.casefold().startswith(SENDING.casefold().rstrip("…")):
        return Stamp(StampState.SENDING, text=raw)
    if raw.startswith(PARTIAL):
        left, _, unsure_text = (
            raw.partition("kvar till ")[2].partition(_PARTIAL_FAILED)[0].partition(_UNSURE)
        )
        remaining = _kinds(left)
        unsure = _kinds(unsure_text.removesuffix(_UNSURE_END))
        if remaining and _PARTIAL_FAILED not in raw:
            return Stamp(StampState.PARTIAL, text=raw, remaining=remaining, unsure=unsure)
        return Stamp(StampState.HELD, text=raw, remaining=remaining, unsure=unsure)
    parsed = cells.parse_date(value, today)
    if isinstance(parsed, dt.date) and cells.EARLIEST <= parsed <= today:
        return Stamp(StampState.SENT, date=parsed, text=raw)
    if isinstance(parsed, dt.date) or not isinstance(value, str):
        # A number (`1` reads as 1899-12-31), a date not yet come, a true/false: not a stamp.
        return Stamp(StampState.HELD, text=raw, unreadable=True)
    return Stamp(StampState.HELD, text=raw)


def written_on(stamp: Stamp) -> dt.date | None:
    """The day a letter of the stamp's delivery was written, or may have been: a sent date, or
    the day of a marker (`Skickar… 2026-11-24 07:00`) or a partial stamp (`Delvis skickat
    2026-11-24: …`). None when no letter of it is known to have left (due, refused, not sent,
    or a text a person typed)."""
    if stamp.state is StampState.SENT:
        return stamp.date
    prefix = SENDING if stamp.text.startswith(SENDING) else PARTIAL
    if not stamp.text.startswith(prefix):
        return None
    day = stamp.text.removeprefix(prefix).strip()[:10]
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        return None


def _kinds(words: str) -> frozenset[str]:
    """The letter kinds named in `den intresserade och gruppens kontaktperson`."""
    named = {part.strip() for part in words.split(" och ")}
    return frozenset(kind for kind, part in letter_kinds.part_words().items() if part in named)


@dataclass(frozen=True)
class StampCells:
    """A row's stamp cells read back, by column name: one for each stamp column of its tab in
    the registry of letter kinds (a column the tab lacks reads as blank)."""

    cells: tuple[tuple[str, Stamp], ...] = ()

    def __getitem__(self, column: str) -> Stamp:
        return next((stamp for name, stamp in self.cells if name == column), DUE)

    def replace(self, column: str, stamp: Stamp) -> StampCells:
        """The same cells with `column` reading `stamp`."""
        return StampCells(tuple((n, stamp if n == column else s) for n, s in self.cells))


def read_stamp_cells(record: Mapping[str, Any], tab: str, today: dt.date) -> StampCells:
    """Every stamp cell of a row of `tab` (a record by column name), read back."""
    return StampCells(
        tuple(
            (column.column, read_stamp(record.get(column.column), today))
            for column in letter_kinds.stamp_columns(tab)
        )
    )


def sending_marker(now: str, run: str | None = None) -> str:
    """The marker text, e.g. `Skickar… 2026-11-24 07:00`; with the token of a run that keeps a
    send journal, `Skickar… 2026-11-24 07:00 (körning 3f9a2c1b)`."""
    marker = f"{SENDING} {now}"
    return marker if run is None else f"{marker}{_RUN}{run})"


def marker_run(text: str) -> str | None:
    """The run token in a marker written by `sending_marker`, if it has one."""
    if not text.startswith(SENDING) or not text.endswith(")") or _RUN not in text:
        return None
    token = text.rpartition(_RUN)[2].removesuffix(")")
    return token if token.isascii() and token.isalnum() else None


def recipients(kinds: Iterable[str]) -> str:
    """`den intresserade och gruppens kontaktperson`: who the letters of `kinds` went to."""
    words = letter_kinds.part_words()
    return " och ".join(dict.fromkeys(words.get(k, _DEFAULT_RECIPIENT) for k in kinds))


def uncertain(today: dt.date, reason: str, sent: Iterable[str] = ()) -> str:
    """A letter handed over whole but never answered: a marker, so no run resends it."""
    sent = list(sent)
    also = f"; skickat till {recipients(sent)}" if sent else ""
    return f"{SENDING} {today.isoformat()}: okänt om brevet kom fram ({reason}){also}"


def partial(
    today: dt.date, left: Iterable[str], failure: str | None = None, unsure: Iterable[str] = ()
) -> str:
    """Some letters went out; `left` still to go (by the next run, or by hand after `failure`).
    `unsure`: letters not left to send whose fate a crash left unknown (never resent)."""
    text = f"{PARTIAL} {today.isoformat()}: kvar till {recipients(left)}"
    unsure = list(unsure)
    if unsure:
        text += f"{_UNSURE}{recipients(unsure)}{_UNSURE_END}"
    return text if failure is None else f"{text}{_PARTIAL_FAILED}{failure}"


def error(today: dt.date, reason: str) -> str:
    """The letter was refused: held until a person clears the cell."""
    return f"{_ERROR} {today.isoformat()}: {reason}"


def existed_before_start() -> str:
    """Not sent: the row was there before the first run, without a date (an old contact)."""
    return f"{_NOT_SENT}: raden fanns före första körningen"


def existed_before_first_run(stamp: Stamp) -> bool:
    """The stamp is `existed_before_start`'s: the row was there before the first run."""
    return stamp.text == existed_before_start()


def duplicate(owner: int) -> str:
    """Not sent, because the same address belongs to the row with ID `owner`."""
    return f"{_NOT_SENT}: {_SAME_ADDRESS}{owner}"


def duplicate_owner(stamp: Stamp) -> int | None:
    """The ID a stamp written by `duplicate` names: the row was a duplicate of it."""
    reason = stamp.not_sent_reason or ""
    number = reason.removeprefix(_SAME_ADDRESS)
    return int(number) if number != reason and number.isascii() and number.isdigit() else None
