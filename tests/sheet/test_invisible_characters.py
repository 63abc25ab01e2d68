"""A cell that shows nothing is blank, whatever invisible characters it holds: a name that is
only a zero-width space is no name, and no letter greets `Hej \\u200b!`."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import NEWCOMERS, table_from_grid
from tests.support import (
    NOW,
    REPO,
    TODAY,
    make_config,
    memory_workbook,
    newcomer,
    read_outbox,
    records_of,
)

INVISIBLE = [
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u2060",  # word joiner
    "\u200e",  # left-to-right mark
    "\u00ad",  # soft hyphen
    "\u0301",  # a combining acute accent with no letter to sit on
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler
    "\u2800",  # blank Braille pattern
    "\x00",
    "\x1b",
    "\u3000",  # ideographic space
]

invisible_text = st.text(
    alphabet=st.sampled_from([*INVISIBLE, " ", "\t", "\n", "\xa0"]), min_size=1, max_size=12
)


@pytest.mark.parametrize("value", INVISIBLE, ids=lambda v: unicodedata.name(v, repr(v)))
def test_a_cell_of_one_invisible_character_is_blank_like_spaces(value: str) -> None:
    assert cells.is_blank(value)
    assert cells.text(value) == ""


@given(invisible_text)
def test_a_cell_in_which_nothing_shows_is_blank_and_reads_as_nothing(value: str) -> None:
    assert cells.is_blank(value)
    assert cells.text(value) == ""
    assert cells.parse_email(value) is None and cells.format_phone(value) is None


@given(st.text(max_size=30))
def test_a_cell_is_blank_exactly_when_its_text_is_empty(value: str) -> None:
    assert cells.is_blank(value) == (cells.text(value) == "")


@given(st.text(max_size=30))
def test_the_text_of_a_cell_neither_starts_nor_ends_with_something_invisible(value: str) -> None:
    shown = cells.text(value)
    assert cells.text(shown) == shown
    for word in shown.split(" ") if shown else []:
        assert not cells.is_blank(word[0]), repr(shown)
        last = word[-1]
        assert not cells.is_blank(last) or unicodedata.category(last).startswith("M"), repr(shown)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("\u200bAnna", "Anna"),
        ("Anna\u200b", "Anna"),
        ("\ufeffAnna Berg", "Anna Berg"),
        ("Anna \u200b Berg", "Anna Berg"),
        ("Rene\u0301", "Rene\u0301"),  # a decomposed é keeps its accent
        ("Zoë", "Zoë"),
        ("Ali\u200c", "Ali"),
    ],
)
def test_invisible_characters_around_words_go_and_accents_on_letters_stay(
    typed: str, shown: str
) -> None:
    assert cells.text(typed) == shown


def test_a_newcomer_whose_name_is_a_zero_width_space_is_greeted_without_a_name(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(newcomers=[newcomer(None, registered=TODAY, name="\u200b")])
    with workbook:
        run_daily(
            workbook, Outbox(config.mail.outbox, NOW), Renderer(REPO / "templates"), config,
            TODAY, dt.datetime.combine(TODAY, NOW.time(), NOW.tzinfo),
        )  # fmt: skip
    (letter,) = read_outbox(config.mail.outbox)
    body = letter.get_body(("plain",))
    assert body is not None
    greeting = body.get_content().splitlines()[0]
    assert greeting == "Hej!"
    assert "\u200b" not in letter.as_string()


def test_a_row_in_which_nothing_shows_is_no_row(tmp_path: Path) -> None:
    records = records_of(make_config(tmp_path), newcomers=[{"name": "\u200b", "phone": "\ufeff "}])
    assert records.newcomers == () and records.first_writes == ()


def test_a_header_with_an_invisible_character_pasted_in_is_still_found() -> None:
    headers = ["\ufeff" + header if header == "ID" else header for header in NEWCOMERS.headers]
    headers = [header + "\u200b" if header == "Namn" else header for header in headers]
    row = [7 if header.endswith("ID") else None for header in headers]
    table = table_from_grid(NEWCOMERS, "Intresserade", [headers, row])
    assert {"id", "name"} <= table.present
    assert table.column("id") == (7,)
