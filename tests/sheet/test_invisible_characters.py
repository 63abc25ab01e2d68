"""A cell that shows nothing is blank, whatever invisible characters it holds: a name that is
only a zero-width space is no name, and no letter greets `Hej \\u200b!`."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.schema import NEWCOMERS, table_from_grid
from tests.adapters.harness import XlsxHarness, daily_run
from tests.support import (
    DAY,
    TODAY,
    make_config,
    memory_workbook,
    newcomer,
    read_outbox,
    recipients,
    records_of,
    run_day,
    workbook_grids,
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
        mark_or_flag = unicodedata.category(last).startswith("M") or 0xE0020 <= ord(last) < 0xE0080
        assert not cells.is_blank(last) or mark_or_flag, repr(shown)


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


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Centrum\u00adgruppen", "Centrumgruppen"),  # a soft hyphen
        ("Centrum\u200bgruppen", "Centrumgruppen"),  # a zero-width space
        ("Centrum\u200cgruppen", "Centrumgruppen"),  # a zero-width non-joiner
        ("Centrum\u200dgruppen", "Centrumgruppen"),  # a zero-width joiner
        ("Centrum\u2060gruppen", "Centrumgruppen"),  # a word joiner
        ("Centrum\ufeffgruppen", "Centrumgruppen"),  # a byte-order mark
        ("Centrum\u200egruppen", "Centrumgruppen"),  # a left-to-right mark
        ("Centrum\x00gruppen", "Centrumgruppen"),  # a control character
        ("anna\u200b@example\u00ad.org", "anna@example.org"),
        ("Zo\u200be\u0301", "Zoe\u0301"),  # the accent stays on its letter
        ("Σοφία\u200b Ιβάνοβα\u00ad", "Σοφία Ιβάνοβα"),
    ],
)
def test_invisible_characters_inside_a_word_go(typed: str, shown: str) -> None:
    assert cells.text(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "Kim \U0001f469\u200d\U0001f469\u200d\U0001f467",  # a family: one emoji
        "Kim \u2764\ufe0f\u200d\U0001f525",  # a heart on fire
        "Kim \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: the non-joiner
        "\u0928\u092e\u0938\u094d\u200d\u0924\u0947",  # Hindi: a half letter
    ],
)
def test_a_joiner_stays_where_it_joins_emoji_or_letters(typed: str) -> None:
    assert cells.text(typed) == typed


def test_a_group_typed_with_a_soft_hyphen_and_an_address_with_a_zero_width_space_work(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(
        workbook_grids(
            newcomers=[
                newcomer(1, email="person1\u200b@example.se"),
                newcomer(2, welcome=TODAY - DAY, call=TODAY, referred_to="Centrum\u00adgruppen"),
                newcomer(3, welcome=TODAY - DAY, call=TODAY, referred_to="Skrivar\u200bgruppen"),
            ]
        )
    )
    report = daily_run(harness)
    assert report.sent == {"welcome": [1], "introduction": [2, 3]}, report.lines()
    assert sorted(recipients(read_outbox(harness.config.mail.outbox))) == [
        "brev@example.org",
        "centrum@example.org",
        "person1@example.se",
        "person2@example.se",
        "person3@example.se",
    ]
    assert report.exit_code == 0, report.lines()


def test_a_newcomer_whose_name_is_a_zero_width_space_is_greeted_without_a_name(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(newcomers=[newcomer(None, registered=TODAY, name="\u200b")])
    run_day(workbook, config)
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
