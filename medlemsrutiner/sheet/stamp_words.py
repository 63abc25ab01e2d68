"""What a stamp cell's state says to a coordinator, in Swedish and English: the one place Status
(Intresserade, Uppföljning, Grupper), the to-do list, the weekly summary and the daily run's
flags take these words from. Pure: no I/O.

`sheet/stamps.py` owns the texts written into a stamp cell and reads them back as a `Stamp`;
the registry of letter kinds (`letter_kinds.StampColumn`) names the column and its letter. Here
the two become sentences: "Välkomstbrev skickat 2026-11-24.", "KONTROLLERA Introduktion:
utskicket avbröts (…)", "Rätta Återvärvning: cellen ska vara tom eller ett datum (…)".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from medlemsrutiner.sheet.letter_kinds import StampColumn, Words, stamp_columns
from medlemsrutiner.sheet.stamps import Stamp, StampCells, StampState


class Said(enum.Enum):
    """Which state of a stamp cell the words are about."""

    SENT = "sent"
    """A date: the letter went out that day."""
    MARKER = "marker"
    """`Skickar…`: sending was interrupted, or the server never answered."""
    PARTIAL = "partial"
    """`Delvis skickat …`: the rest goes with the next run."""
    PARTLY_FAILED = "partly_failed"
    """`Delvis skickat … – fel: …`: the rest failed for good."""
    REFUSED = "refused"
    """`Fel …`: the server refused the letter."""
    NOT_SENT = "not_sent"
    """`Ej skickat: …`: deliberately not sent."""
    UNREADABLE = "unreadable"
    """A number, a date not yet come: what no run writes there."""


@dataclass(frozen=True)
class StampWords:
    """A stamp cell's state as a coordinator reads it."""

    said: Said
    column: StampColumn
    words: Words

    @property
    def sv(self) -> str:
        return self.words.sv

    @property
    def en(self) -> str:
        return self.words.en

    @property
    def asks(self) -> bool:
        """A person must do something about the cell (the to-do list lists it, and the daily
        run exits with 1). A letter that went out or is half-way asks nobody, and neither does
        one deliberately not sent (`Ej skickat`): that was decided, Status says why and how to
        undo it, and a duplicate's row asks for its fix through its own problem."""
        return self.said not in (Said.SENT, Said.PARTIAL, Said.NOT_SENT)

    @property
    def problem(self) -> bool:
        """The cell is wrong: a problem of the row (exit code 1), first in its Status."""
        return self.said is Said.UNREADABLE


_WORDS: Mapping[Said, Words] = {
    Said.SENT: Words("{letter} {sent} {day}{after}.", "{letter} {sent} {day}{after}."),
    Said.MARKER: Words(
        "KONTROLLERA {header}: utskicket avbröts ({text}). Gick brevet iväg? Skriv i så fall "
        "datumet i cellen, annars töm den så skickas det igen.",
        "CHECK {header}: sending was interrupted ({text}). Did the letter go out? If so, write "
        "the date in the cell; otherwise clear it and the letter is sent again.",
    ),
    Said.PARTIAL: Words(
        "{header}: resten skickas vid nästa körning (se cellen).",
        "{header}: the rest is sent by the next run (see the cell).",
    ),
    Said.PARTLY_FAILED: Words(
        "{header} gick bara delvis iväg (se cellen): rätta felet, skicka resten för hand och "
        "skriv sedan datumet i cellen. Töm den inte – då skickas allt igen.",
        "{header} went out only in part (see the cell): correct the error, send the rest by "
        "hand, then write the date in the cell. Do not clear it – that sends everything again.",
    ),
    Said.REFUSED: Words(
        "{letter} ej {sent}: se cellen. Töm cellen när felet är rättat.",
        "{letter} not {sent}: see the cell. Clear the cell once the error is corrected.",
    ),
    Said.NOT_SENT: Words(
        "{header} ej skickat ({reason}). Töm cellen om brevet ska skickas.",
        "{header} not sent ({reason}). Clear the cell if the letter should go out.",
    ),
    Said.UNREADABLE: Words(
        "Rätta {header}: cellen ska vara tom eller ett datum (brevet skickas inte förrän den är "
        "rättad).",
        "Correct {header}: the cell must be empty or a date (the letter is not sent until it is "
        "corrected).",
    ),
}
"""The words of each state; `{letter}`, `{sent}` and `{after}` are the column's own
(`StampColumn`), `{header}` its header, `{text}` the cell, `{reason}` why it was not sent."""


def said_of(stamp: Stamp) -> Said | None:
    """Which state a stamp cell is in, as a coordinator is told of it; None for a blank cell
    (its letter is due: each step words that itself) and for a text a person typed (held,
    never a question)."""
    if stamp.state is StampState.SENDING:
        return Said.MARKER
    if stamp.state is StampState.PARTIAL:
        return Said.PARTIAL
    if stamp.failed_in_part:
        return Said.PARTLY_FAILED
    if stamp.failed:
        return Said.REFUSED
    if stamp.not_sent_reason is not None:
        return Said.NOT_SENT
    if stamp.unreadable:
        return Said.UNREADABLE
    if stamp.state is StampState.SENT and stamp.date is not None:
        return Said.SENT
    return None


def stamp_words(stamp: Stamp, column: StampColumn) -> StampWords | None:
    """What a stamp cell in `column` reading `stamp` says (None: nothing, see `said_of`)."""
    said = said_of(stamp)
    if said is None:
        return None
    template = _WORDS[said]
    if said is Said.REFUSED and column.refused is not None:
        template = column.refused

    def fill(language: str) -> str:
        return template(language).format(
            header=column.header,
            letter=column.letter_words(language),
            sent=column.sent(language),
            after=column.after_sent(language),
            day=stamp.date.isoformat() if stamp.date is not None else "",
            text=stamp.text,
            reason=stamp.not_sent_reason or "",
        )

    return StampWords(said, column, Words(fill("sv"), fill("en")))


def row_words(cells: StampCells, tab: str) -> list[StampWords]:
    """The words of every stamp cell of a row of `tab` that says something, in registry order."""
    found: list[StampWords] = []
    for column in stamp_columns(tab):
        words = stamp_words(cells[column.column], column)
        if words is not None:
            found.append(words)
    return found
