"""A stamp cell's state speaks once: every state of every stamp column in the words Status, the
to-do list, the weekly summary and the daily run's flags show (sheet/stamp_words.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet.letter_kinds import (
    INTRODUCTION_STAMP,
    REENGAGEMENT_STAMP,
    REMINDER_STAMP,
    WELCOME_STAMP,
)
from medlemsrutiner.sheet.stamp_words import Said, row_words, stamp_words
from medlemsrutiner.sheet.stamps import read_stamp, read_stamp_cells

TODAY = dt.date(2026, 11, 24)
MARKER = "Skickar… 2026-11-24 07:00"

CELLS = {
    Said.SENT: TODAY,
    Said.MARKER: MARKER,
    Said.PARTIAL: stamps.partial(TODAY, ["introduction_group"]),
    Said.PARTLY_FAILED: stamps.partial(TODAY, ["introduction_group"], "550 okänd mottagare"),
    Said.REFUSED: stamps.error(TODAY, "550 okänd mottagare"),
    Said.NOT_SENT: stamps.duplicate(3),
    Said.UNREADABLE: 1,
}


def test_each_state_is_told_apart() -> None:
    said = {
        state: stamp_words(read_stamp(cell, TODAY), WELCOME_STAMP) for state, cell in CELLS.items()
    }
    assert {state: words.said for state, words in said.items() if words} == {s: s for s in CELLS}


def test_a_blank_cell_and_a_text_a_person_typed_say_nothing() -> None:
    assert stamp_words(read_stamp(None, TODAY), WELCOME_STAMP) is None
    assert stamp_words(read_stamp("skickat för hand", TODAY), WELCOME_STAMP) is None


@pytest.mark.parametrize(
    ("state", "column", "words"),
    [
        (Said.SENT, WELCOME_STAMP, "Välkomstbrev skickat 2026-11-24."),
        (Said.SENT, REENGAGEMENT_STAMP, "Återvärvningsbrev skickat 2026-11-24."),
        (
            Said.SENT,
            REMINDER_STAMP,
            "Påminnelse skickad 2026-11-24: skriv datumet i Bekräftad när gruppen svarat.",
        ),
        (
            Said.MARKER,
            INTRODUCTION_STAMP,
            f"KONTROLLERA Introduktion: utskicket avbröts ({MARKER}). Gick brevet iväg? Skriv i så "
            "fall datumet i cellen, annars töm den så skickas det igen.",
        ),
        (
            Said.PARTIAL,
            INTRODUCTION_STAMP,
            "Introduktion: resten skickas vid nästa körning (se cellen).",
        ),
        (
            Said.PARTLY_FAILED,
            INTRODUCTION_STAMP,
            "Introduktion gick bara delvis iväg (se cellen): rätta felet, skicka resten för hand "
            "och skriv sedan datumet i cellen. Töm den inte – då skickas allt igen.",
        ),
        (
            Said.REFUSED,
            WELCOME_STAMP,
            "Välkomstbrev ej skickat: se cellen. Töm cellen när felet är rättat.",
        ),
        (
            Said.REFUSED,
            REENGAGEMENT_STAMP,
            "Återvärvningsbrev ej skickat: se cellen. Töm cellen när felet är rättat.",
        ),
        (
            Said.REFUSED,
            REMINDER_STAMP,
            "Påminnelsen studsade (se Påminnelse): rätta adressen och töm Påminnelse.",
        ),
        (
            Said.NOT_SENT,
            WELCOME_STAMP,
            "Välkomstbrev ej skickat (samma e-post som ID 3). Töm cellen om brevet ska skickas.",
        ),
        (
            Said.UNREADABLE,
            REENGAGEMENT_STAMP,
            "Rätta Återvärvning: cellen ska vara tom eller ett datum (brevet skickas inte förrän "
            "den är rättad).",
        ),
    ],
)
def test_the_swedish_words_of_a_state(
    state: Said, column: letter_kinds.StampColumn, words: str
) -> None:
    said = stamp_words(read_stamp(CELLS[state], TODAY), column)
    assert said is not None and said.sv == words


@pytest.mark.parametrize("state", list(CELLS))
@pytest.mark.parametrize("column", letter_kinds.stamp_columns())
def test_every_state_of_every_column_has_english_words_too(
    state: Said, column: letter_kinds.StampColumn
) -> None:
    said = stamp_words(read_stamp(CELLS[state], TODAY), column)
    assert said is not None
    assert said.en and said.en != said.sv
    assert column.header in said.sv or column.letter_words.sv in said.sv


def test_a_letter_that_went_out_is_half_way_or_was_not_sent_on_purpose_asks_nobody() -> None:
    asks = {
        state
        for state, cell in CELLS.items()
        if (said := stamp_words(read_stamp(cell, TODAY), WELCOME_STAMP)) and said.asks
    }
    assert asks == set(CELLS) - {Said.SENT, Said.PARTIAL, Said.NOT_SENT}


def test_a_row_says_each_of_its_stamp_cells_in_registry_order() -> None:
    record = {"welcome": stamps.error(TODAY, "550"), "introduction": MARKER}
    cells = read_stamp_cells(record, "newcomers", TODAY)
    said = row_words(cells, "newcomers")
    assert [(w.column.column, w.said) for w in said] == [
        ("welcome", Said.REFUSED),
        ("introduction", Said.MARKER),
    ]
