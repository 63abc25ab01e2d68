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
        """A person must do something about the cell (the to-do list lists it)."""
        return self.said not in (Said.SENT, Said.PARTIAL)

    @property
    def problem(self) -> bool:
        """The cell is wrong: a problem of the row (exit code 1), first in its Status."""
        return self.said is Said.UNREADABLE


def stamp_words(stamp: Stamp, column: StampColumn) -> StampWords | None:
    """What a stamp cell in `column` reading `stamp` says; None for a blank cell (its letter is
    due: each step words that itself) and for a text a person typed (held, never a question)."""
    header = column.header
    letter = column.letter_words
    said, words = Said.SENT, Words("", "")
    if stamp.state is StampState.SENDING:
        said, words = Said.MARKER, _marker(header, stamp.text)
    elif stamp.state is StampState.PARTIAL:
        said = Said.PARTIAL
        words = Words(
            f"{header}: resten skickas vid nästa körning (se cellen).",
            f"{header}: the rest is sent by the next run (see the cell).",
        )
    elif stamp.failed_in_part:
        said = Said.PARTLY_FAILED
        words = Words(
            f"{header} gick bara delvis iväg (se cellen): rätta felet, skicka resten för hand "
            "och skriv sedan datumet i cellen. Töm den inte – då skickas allt igen.",
            f"{header} went out only in part (see the cell): correct the error, send the rest "
            "by hand, then write the date in the cell. Do not clear it – that sends everything "
            "again.",
        )
    elif stamp.failed:
        said = Said.REFUSED
        words = Words(
            f"{letter.sv} ej {column.sent.sv}: se cellen. Töm cellen när felet är rättat.",
            f"{letter.en} not {column.sent.en}: see the cell. Clear the cell once the error is "
            "corrected.",
        )
        if column.refused is not None:
            words = Words(
                column.refused.sv.format(header=header), column.refused.en.format(header=header)
            )
    elif stamp.not_sent_reason is not None:
        said = Said.NOT_SENT
        reason = stamp.not_sent_reason
        words = Words(
            f"{header} ej skickat ({reason}). Töm cellen om brevet ska skickas.",
            f"{header} not sent ({reason}). Clear the cell if the letter should go out.",
        )
    elif stamp.unreadable:
        said = Said.UNREADABLE
        words = Words(
            f"Rätta {header}: cellen ska vara tom eller ett datum (brevet skickas inte förrän "
            "den är rättad).",
            f"Correct {header}: the cell must be empty or a date (the letter is not sent until "
            "it is corrected).",
        )
    elif stamp.state is StampState.SENT and stamp.date is not None:
        day = stamp.date.isoformat()
        after = column.after_sent
        words = Words(
            f"{letter.sv} {column.sent.sv} {day}{after.sv}.",
            f"{letter.en} {column.sent.en} {day}{after.en}.",
        )
    else:
        return None
    return StampWords(said, column, words)


def _marker(header: str, text: str) -> Words:
    return Words(
        f"KONTROLLERA {header}: utskicket avbröts ({text}). Gick brevet iväg? Skriv i så fall "
        "datumet i cellen, annars töm den så skickas det igen.",
        f"CHECK {header}: sending was interrupted ({text}). Did the letter go out? If so, write "
        "the date in the cell; otherwise clear it and the letter is sent again.",
    )


def row_words(cells: StampCells, tab: str) -> list[StampWords]:
    """The words of every stamp cell of a row of `tab` that says something, in registry order."""
    found: list[StampWords] = []
    for column in stamp_columns(tab):
        words = stamp_words(cells[column.column], column)
        if words is not None:
            found.append(words)
    return found
