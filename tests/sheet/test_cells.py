"""Behaviour of medlemsrutiner.sheet.cells: lenient parsing of what people type into cells.

Every parser returns the value, None for a blank cell, or a `Bad` whose problem never quotes the
cell. Invented data only: example.org / example.se addresses and 070-174 06 xx numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import socket
from typing import Any

import pytest

from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.cells import (
    SPREADSHEET_EPOCH,
    Bad,
    date_to_serial,
    format_phone,
    normalise_word,
    parse_date,
    parse_email,
    parse_id,
    parse_word,
    parse_yes_no,
    redact,
    serial_to_date,
    text,
)
from medlemsrutiner.sheet.words import (
    Alternative,
    Outcome,
    Result,
    alternative_words,
    outcome_words,
    result_words,
)

TODAY = dt.date(2026, 11, 24)

BLANKS: list[Any] = [None, "", "   ", "\t\n", "\xa0", float("nan")]


# --- parse_date: blanks, real cells, serial numbers -----------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_date_cell_is_none(blank: Any) -> None:
    assert parse_date(blank, TODAY) is None


def test_a_real_date_cell_is_that_date() -> None:
    assert parse_date(dt.date(2026, 11, 3), TODAY) == dt.date(2026, 11, 3)


def test_a_datetime_cell_is_its_date_and_drops_the_time() -> None:
    parsed = parse_date(dt.datetime(2026, 11, 3, 14, 30), TODAY)
    assert parsed == dt.date(2026, 11, 3)
    assert type(parsed) is dt.date


def test_a_datetime_cell_with_a_time_zone_is_its_local_date() -> None:
    stockholm = dt.timezone(dt.timedelta(hours=1))
    assert parse_date(dt.datetime(2026, 11, 3, 23, 30, tzinfo=stockholm)) == dt.date(2026, 11, 3)


def test_a_serial_number_counts_days_from_the_1899_12_30_epoch() -> None:
    assert date_to_serial(SPREADSHEET_EPOCH) == 0
    assert dt.date(1899, 12, 30) == SPREADSHEET_EPOCH
    assert parse_date(46023) == dt.date(2026, 1, 1)
    assert parse_date(46329) == dt.date(2026, 11, 3)
    assert parse_date(1) == dt.date(1899, 12, 31)
    assert parse_date(61) == dt.date(1900, 3, 1)


def test_a_serial_number_stored_as_a_float_is_read_like_an_integer() -> None:
    assert parse_date(46329.0) == dt.date(2026, 11, 3)


@pytest.mark.parametrize("fraction", [0.0001, 0.25, 0.5, 0.75, 0.99999])
def test_a_fractional_serial_is_a_datetime_and_keeps_only_its_day(fraction: float) -> None:
    assert parse_date(46329 + fraction) == dt.date(2026, 11, 3)


def test_the_largest_serial_is_the_last_day_of_year_9999() -> None:
    assert parse_date(2958465) == dt.date(9999, 12, 31)


@pytest.mark.parametrize(
    "serial", [0, 0.5, -1, -46329, 2958466, 10**12, math.inf, -math.inf], ids=repr
)
def test_a_serial_outside_the_calendar_is_bad(serial: float) -> None:
    assert isinstance(parse_date(serial), Bad)


@pytest.mark.parametrize("flag", [True, False])
def test_a_boolean_cell_is_not_a_date(flag: bool) -> None:
    # bool is an int in Python: True must not become serial 1 (1899-12-31).
    assert isinstance(parse_date(flag, TODAY), Bad)


# --- parse_date: typed text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-03",
        " 2026-11-03 ",
        "2026-11-3",
        "2026/11/03",
        "2026.11.03",
        "20261103",
        "2026-11-03 14:30",
        "2026-11-03 14:30:00",
    ],
)
def test_an_iso_date_is_read_year_month_day(typed: str) -> None:
    assert parse_date(typed, TODAY) == dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    "typed",
    [
        "3/11/2026",
        "03/11/2026",
        "3-11-2026",
        "3.11.2026",
        "3.11.26",
        "3/11/26",
        "3/11/2026 14:30",
    ],
)
def test_a_slashed_or_dotted_date_is_read_day_first(typed: str) -> None:
    assert parse_date(typed, TODAY) == dt.date(2026, 11, 3)


def test_an_iso_datetime_with_a_t_between_date_and_time_is_its_date() -> None:
    assert parse_date("2026-11-03T14:30:00", TODAY) == dt.date(2026, 11, 3)


def test_a_day_first_date_with_a_year_does_not_need_today() -> None:
    assert parse_date("3/11/2026") == dt.date(2026, 11, 3)


def test_a_month_above_twelve_is_not_silently_read_month_first() -> None:
    assert isinstance(parse_date("11/13/2026", TODAY), Bad)


@pytest.mark.parametrize(
    "typed",
    [
        "3 nov 2026",
        "3 Nov 2026",
        "3 NOV 2026",
        "3 nov. 2026",
        "3. nov 2026",
        "3 november 2026",
        "3 November 26",
        "3:e nov 2026",
        "3:e november",
        "3 nov",
        "3 november",
        "3:e nov",
        "  3   nov  ",
    ],
)
def test_a_date_with_a_month_name_is_read(typed: str) -> None:
    assert parse_date(typed, TODAY) == dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("jan", 1), ("januari", 1), ("january", 1),
        ("feb", 2), ("febr", 2), ("februari", 2), ("february", 2),
        ("mar", 3), ("mars", 3), ("march", 3),
        ("apr", 4), ("april", 4),
        ("maj", 5), ("may", 5),
        ("jun", 6), ("juni", 6), ("june", 6),
        ("jul", 7), ("juli", 7), ("july", 7),
        ("aug", 8), ("augusti", 8), ("august", 8),
        ("sep", 9), ("sept", 9), ("september", 9),
        ("okt", 10), ("oktober", 10), ("oct", 10), ("october", 10),
        ("nov", 11), ("november", 11),
        ("dec", 12), ("december", 12),
    ],
)  # fmt: skip
def test_swedish_and_english_month_names_and_abbreviations_are_known(word: str, month: int) -> None:
    assert parse_date(f"1 {word} 2025") == dt.date(2025, month, 1)
    assert parse_date(f"1 {word.capitalize()} 2025") == dt.date(2025, month, 1)


def test_ordinal_suffixes_a_and_e_are_accepted() -> None:
    assert parse_date("1:a maj 2026") == dt.date(2026, 5, 1)
    assert parse_date("2:a feb 2026") == dt.date(2026, 2, 2)
    assert parse_date("21:a okt 2026") == dt.date(2026, 10, 21)


@pytest.mark.parametrize("typed", ["3 smurf 2026", "3 novembr 2026", "3 nov 2026 kl 10 ungefär"])
def test_an_unknown_month_word_is_bad(typed: str) -> None:
    assert isinstance(parse_date(typed, TODAY), Bad)


@pytest.mark.parametrize(
    ("typed", "after"),
    [
        ("3/11 18.00", "18.00"),
        ("3/11/2026 kl 18", "kl 18"),
        ("3 nov 18:30", "18:30"),
        ("3 nov 2026 kl. 18-20", "kl. 18-20"),
        ("2026-11-03T18:30", "18:30"),
        ("2026-11-03 18:30:00", "18:30:00"),
        ("3/11 ej svar", "ej svar"),
        ("3/11", ""),
        ("3 nov 2026", ""),
    ],
)
def test_what_follows_a_typed_date_is_kept_as_typed_and_the_date_still_reads(
    typed: str, after: str
) -> None:
    assert parse_date(typed, TODAY) == dt.date(2026, 11, 3)
    assert cells.after_date(typed) == after


def test_the_time_of_a_date_time_cell_follows_its_date_unless_it_is_midnight() -> None:
    assert cells.after_date(dt.datetime(2026, 11, 3, 18, 30)) == "18:30"
    assert cells.after_date(dt.datetime(2026, 11, 3)) == ""
    assert cells.after_date(dt.date(2026, 11, 3)) == ""
    assert cells.after_date("snart") == ""


@pytest.mark.parametrize(
    "typed", ["snart", "igår", "nästa vecka", "11/2026", "2026", "3/11/202", "46329", "x"]
)
def test_text_that_is_not_a_date_is_bad(typed: str) -> None:
    assert isinstance(parse_date(typed, TODAY), Bad)


@pytest.mark.parametrize(
    "typed",
    [
        "31/2",
        "31/2/2026",
        "30 feb 2026",
        "29/2/2026",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "32/1/2026",
        "0/1/2026",
        "31/4/2026",
        "20261341",
    ],
)
def test_an_impossible_date_is_bad_not_a_crash(typed: str) -> None:
    assert isinstance(parse_date(typed, TODAY), Bad)


def test_the_29th_of_february_exists_in_a_leap_year() -> None:
    assert parse_date("29/2/2028") == dt.date(2028, 2, 29)


def test_an_impossible_date_and_an_unreadable_one_get_different_problems() -> None:
    impossible = parse_date("31/2/2026")
    unreadable = parse_date("snart")
    assert isinstance(impossible, Bad)
    assert isinstance(unreadable, Bad)
    assert impossible.problem != unreadable.problem


# --- parse_date: dates without a year -------------------------------------------------------


def test_a_date_without_year_takes_the_year_of_today() -> None:
    assert parse_date("3/11", TODAY) == dt.date(2026, 11, 3)
    assert parse_date("3 nov", TODAY) == dt.date(2026, 11, 3)


def test_a_date_without_year_earlier_this_year_stays_this_year() -> None:
    assert parse_date("15/1", TODAY) == dt.date(2026, 1, 15)


def test_a_date_without_year_that_is_today_is_today() -> None:
    assert parse_date("24/11", TODAY) == TODAY


def test_a_date_without_year_a_little_ahead_stays_this_year() -> None:
    assert parse_date("1/12", TODAY) == dt.date(2026, 12, 1)


def test_a_date_without_year_exactly_a_month_ahead_stays_this_year() -> None:
    # TODAY + 31 days is 2026-12-25: not *more* than a month ahead.
    assert parse_date("25/12", TODAY) == dt.date(2026, 12, 25)
    assert parse_date("25 december", TODAY) == dt.date(2026, 12, 25)


def test_a_date_without_year_more_than_a_month_ahead_is_last_year() -> None:
    assert parse_date("26/12", TODAY) == dt.date(2025, 12, 26)
    assert parse_date("26 dec", TODAY) == dt.date(2025, 12, 26)
    assert parse_date("3/11", dt.date(2026, 2, 1)) == dt.date(2025, 11, 3)


def test_a_date_without_year_needs_today() -> None:
    for typed in ("3/11", "3 nov", "3:e november"):
        parsed = parse_date(typed)
        assert isinstance(parsed, Bad), typed


def test_an_impossible_date_without_year_is_bad() -> None:
    assert isinstance(parse_date("31/2", TODAY), Bad)
    assert isinstance(parse_date("31 april", TODAY), Bad)


def test_a_date_without_year_a_few_days_into_next_year_is_next_year() -> None:
    assert parse_date("5/1", dt.date(2026, 12, 20)) == dt.date(2027, 1, 5)


def test_the_29th_of_february_without_year_is_the_last_leap_day_when_this_year_has_none() -> None:
    assert parse_date("29/2", dt.date(2025, 1, 10)) == dt.date(2024, 2, 29)


# --- serial numbers ---------------------------------------------------------------------------


def test_the_epoch_is_serial_zero() -> None:
    assert date_to_serial(dt.date(1899, 12, 30)) == 0
    assert serial_to_date(0) == dt.date(1899, 12, 30)


def test_known_serials_match_what_spreadsheets_show() -> None:
    assert date_to_serial(dt.date(2026, 1, 1)) == 46023
    assert serial_to_date(46023) == dt.date(2026, 1, 1)
    assert date_to_serial(dt.date(1900, 3, 1)) == 61


def test_serial_to_date_and_date_to_serial_round_trip() -> None:
    day = dt.date(1900, 3, 1)
    while day < dt.date(2100, 1, 1):
        serial = date_to_serial(day)
        assert isinstance(serial, int)
        assert serial_to_date(serial) == day
        assert serial_to_date(serial + 0.999) == day
        assert parse_date(serial) == day
        day += dt.timedelta(days=37)


def test_a_fractional_serial_never_rounds_up_to_the_next_day() -> None:
    assert serial_to_date(46329.9999999) == dt.date(2026, 11, 3)


# --- parse_email ------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_email_cell_is_none(blank: Any) -> None:
    assert parse_email(blank) is None


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("kim@example.org", "kim@example.org"),
        ("  kim@example.org  ", "kim@example.org"),
        ("kim@example.org\xa0", "kim@example.org"),
        ("Kim.Exempelsson@Example.ORG", "Kim.Exempelsson@example.org"),
        ("mailto:kim@example.org", "kim@example.org"),
        ("MAILTO:Kim@Example.se", "Kim@example.se"),
        ("<kim@example.org>", "kim@example.org"),
        (" < kim@example.org > ", "kim@example.org"),
        ("<mailto:kim@example.org>", "kim@example.org"),
        ("kim+nyhetsbrev@example.se", "kim+nyhetsbrev@example.se"),
        ("kim_exempel-sson@post.example.se", "kim_exempel-sson@post.example.se"),
        ("k.e@lokal-grupp.example.org", "k.e@lokal-grupp.example.org"),
    ],
)
def test_an_email_is_trimmed_unwrapped_and_its_domain_lowercased(typed: str, address: str) -> None:
    assert parse_email(typed) == address


@pytest.mark.parametrize(
    "typed",
    [
        "kim",
        "kim@",
        "@example.org",
        "kim@example",
        "kim@@example.org",
        "kim@example..org",
        "kim..e@example.org",
        ".kim@example.org",
        "kim.@example.org",
        "kim@example.org.",
        "kim@.example.org",
        "kim@-example.org",
        "kim@example-.org",
        "kim@example.o",
        "kim@example.123",
        "kim exempelsson@example.org",
        "kim@exam ple.org",
        "kim@example.org, ada@example.org",
        "kim@example.org; ada@example.se",
        "kim(at)example.org",
        "mailto:",
        "<>",
        "ring mig",
    ],
)
def test_an_invalid_email_is_bad(typed: str) -> None:
    assert isinstance(parse_email(typed), Bad)


@pytest.mark.parametrize("value", [12345, 12.5, True, dt.date(2026, 11, 3)], ids=repr)
def test_a_cell_that_is_not_text_is_not_an_email(value: Any) -> None:
    assert isinstance(parse_email(value), Bad)


def test_an_email_longer_than_254_characters_is_bad() -> None:
    local = "k" * 60
    domain = ".".join(["exempel"] * 30) + ".org"
    assert len(f"{local}@{domain}") > 254
    assert isinstance(parse_email(f"{local}@{domain}"), Bad)
    assert parse_email(f"{local}@example.org") == f"{local}@example.org"


def test_an_address_is_checked_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_email must not use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert parse_email("kim@ÅRE.example.se") == "kim@åre.example.se"
    assert isinstance(parse_email("kim@example.invalid"), Bad)  # a special-use name


@pytest.mark.parametrize("typed", ["åsa@example.se", "kim@example.o", '"kim e"@example.org'])
def test_an_address_a_mail_server_might_not_take_is_invalid(typed: str) -> None:
    assert isinstance(parse_email(typed), Bad)


# --- format_phone -----------------------------------------------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_phone_cell_is_none(blank: Any) -> None:
    assert format_phone(blank) is None


@pytest.mark.parametrize(
    "typed",
    [
        "070-174 06 05",
        "0701740605",
        "070 174 06 05",
        "070-1740605",
        " 070 - 174 06 05 ",
        "070/174 06 05",
        "(070) 174 06 05",
        "070.174.06.05",
        "070\xa0174\xa006\xa005",
        "+46701740605",
        "+46 70 174 06 05",
        "+46 70-174 06 05",
        "+46 (0)70-174 06 05",
        "+46070 174 06 05",
        "0046701740605",
        "0046 70 174 06 05",
        "0046 (0)70 174 06 05",
    ],
)
def test_a_swedish_mobile_number_is_written_the_swedish_way(typed: str) -> None:
    assert format_phone(typed) == "070-174 06 05"


@pytest.mark.parametrize("cell", [701740605, 701740605.0], ids=repr)
def test_a_number_cell_that_lost_its_leading_zero_gets_it_back(cell: float) -> None:
    assert format_phone(cell) == "070-174 06 05"


@pytest.mark.parametrize(
    ("typed", "formatted"),
    [
        ("08-123 456 78", "08-123 456 78"),
        ("0812345678", "08-123 456 78"),
        ("+46 8 123 456 78", "08-123 456 78"),
        ("08-123 45 67", "08-123 45 67"),
        ("08-12 34 56", "08-12 34 56"),
        ("031-123 45 67", "031-123 45 67"),
        ("0311234567", "031-123 45 67"),
        ("040-12 34 56", "040-12 34 56"),
        ("018 123 45 67", "018-123 45 67"),
        ("090-12 34 56", "090-12 34 56"),
        ("0046 90 12 34 56", "090-12 34 56"),
        ("0660-123 45", "0660-123 45"),
        ("0660123456", "0660-12 34 56"),
        ("0980-123 45", "0980-123 45"),
        ("0123-45 67 89", "0123-45 67 89"),
        ("010-174 06 05", "010-174 06 05"),
    ],
)
def test_a_swedish_landline_gets_its_area_code_dash_and_digit_groups(
    typed: str, formatted: str
) -> None:
    assert format_phone(typed) == formatted


def test_a_landline_number_cell_that_lost_its_leading_zero_gets_it_back() -> None:
    assert format_phone(812345678) == "08-123 456 78"


@pytest.mark.parametrize("mobile", ["072", "073", "076", "079"])
def test_every_07_prefix_is_a_three_digit_mobile_prefix(mobile: str) -> None:
    assert format_phone(f"{mobile}1740605") == f"{mobile}-174 06 05"


@pytest.mark.parametrize(
    ("typed", "formatted"),
    [
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("0044 20 7946 0958", "+44 20 7946 0958"),
        ("+1 (202) 555-0143", "+1 202-555-0143"),
        ("+358 40 123 4567", "+358 40 1234567"),
        ("00358401234567", "+358 40 1234567"),
        ("+47 412 34 567", "+47 41 23 45 67"),
    ],
)
def test_a_foreign_number_is_written_in_its_international_form_with_00_as_plus(
    typed: str, formatted: str
) -> None:
    assert format_phone(typed) == formatted


@pytest.mark.parametrize(
    "typed",
    [
        "070-ABC 06 05",
        "070-174 06 05 ankn 12",
        "ring efter 17",
        "okänt",
        "kim@example.org",
        "070-174 06 05, 070-174 06 06",
        "+44 20 7946 0958 ext. 12",
    ],
)
def test_a_phone_with_letters_is_bad(typed: str) -> None:
    assert isinstance(format_phone(typed), Bad)


@pytest.mark.parametrize(
    "typed",
    ["12345", "070-174", "0701", "070-174 06 05 55", "0701740605123", "+46 70", "+44 123"],
)
def test_a_phone_with_too_few_or_too_many_digits_is_bad(typed: str) -> None:
    assert isinstance(format_phone(typed), Bad)


def test_a_foreign_number_with_more_than_fifteen_digits_is_bad() -> None:
    assert isinstance(format_phone("+44 1234 5678 9012 3456"), Bad)


def test_a_boolean_phone_cell_is_bad() -> None:
    assert isinstance(format_phone(True), Bad)


def test_a_number_cell_that_lost_its_plus_46_is_a_swedish_number() -> None:
    assert format_phone(46701740605) == "070-174 06 05"


def test_a_swedish_mobile_number_with_a_digit_missing_is_bad() -> None:
    assert isinstance(format_phone("070-174 06 0"), Bad)


def test_a_phone_with_a_typographic_dash_is_read_like_a_hyphen() -> None:
    assert format_phone("070–174 06 05") == "070-174 06 05"


def test_a_foreign_number_with_a_space_after_00_gets_a_plus_without_a_space() -> None:
    assert format_phone("00 44 20 7946 0958") == "+44 20 7946 0958"


# --- parse_yes_no -----------------------------------------------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_yes_no_cell_is_none(blank: Any) -> None:
    assert parse_yes_no(blank) is None


YES_WORDS = ["ja", "Ja", " JA ", "Ja.", "j", "J", "yes", "Yes", "y", "x", "X", "sant", "true"]


@pytest.mark.parametrize("typed", [*YES_WORDS, "1", "aktiv", "Aktiv"])
def test_yes_words_are_true(typed: str) -> None:
    assert parse_yes_no(typed) is True


@pytest.mark.parametrize(
    "typed",
    ["nej", "Nej", " NEJ ", "n", "no", "No", "false", "falskt", "0", "inaktiv", "Inte  aktiv"],
)
def test_no_words_are_false(typed: str) -> None:
    assert parse_yes_no(typed) is False


@pytest.mark.parametrize(("cell", "expected"), [(True, True), (False, False), (1, True), (0, False),
                                                 (1.0, True), (0.0, False)])  # fmt: skip
def test_boolean_and_number_cells_are_yes_or_no(cell: Any, expected: bool) -> None:
    assert parse_yes_no(cell) is expected


@pytest.mark.parametrize("typed", ["kanske", "jaa", "2", "ja och nej", "-", "?"])
def test_other_words_are_not_yes_or_no(typed: str) -> None:
    assert isinstance(parse_yes_no(typed), Bad)


def test_a_number_other_than_one_or_zero_is_not_yes_or_no() -> None:
    assert isinstance(parse_yes_no(2), Bad)


# --- parse_id ---------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_id_cell_is_none(blank: Any) -> None:
    assert parse_id(blank) is None


@pytest.mark.parametrize("cell", [12, 12.0, "12", " 12 ", "012"], ids=repr)
def test_an_id_is_a_positive_whole_number(cell: Any) -> None:
    parsed = parse_id(cell)
    assert parsed == 12
    assert type(parsed) is int


def test_a_large_id_is_read_exactly() -> None:
    assert parse_id(123456789) == 123456789
    assert parse_id(123456789.0) == 123456789


@pytest.mark.parametrize(
    "cell",
    [0, -3, 0.0, -12.0, 12.5, 0.1, math.inf, "0", "-3", "12a", "tolv", "1 2", "#12", True, False],
    ids=repr,
)
def test_an_id_that_is_not_a_positive_whole_number_is_bad(cell: Any) -> None:
    assert isinstance(parse_id(cell), Bad)


def test_an_id_of_superscript_digits_is_bad_not_a_crash() -> None:
    assert isinstance(parse_id("²"), Bad)


# --- parse_word and normalise_word ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Ej nådd", "ej nådd", " EJ  NÅDD", "Ej nådd.", "ej nadd", "Inte nådd", "Ej na\u030add"],
)
def test_a_vocabulary_word_is_case_and_space_insensitive(typed: str) -> None:
    assert parse_word(typed, outcome_words()) is Outcome.NOT_REACHED


def test_every_outcome_word_is_recognised() -> None:
    assert parse_word("Avböjt", outcome_words()) is Outcome.DECLINED
    assert parse_word("AVBÖJDE", outcome_words()) is Outcome.DECLINED
    for outcome in Outcome:
        assert parse_word(outcome.value, outcome_words()) is outcome


def test_every_result_and_alternative_is_recognised_by_its_own_name() -> None:
    for result in Result:
        assert parse_word(result.value.upper(), result_words()) is result
    for alternative in Alternative:
        assert parse_word(f" {alternative.value} ", alternative_words()) is alternative


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_a_blank_word_cell_is_none(blank: Any) -> None:
    assert parse_word(blank, outcome_words()) is None


@pytest.mark.parametrize("typed", ["kanske", "Ej", "nådd", "Aktiv", "Ej-nådd", "12"])
def test_a_word_outside_the_vocabulary_is_bad(typed: str) -> None:
    assert isinstance(parse_word(typed, outcome_words()), Bad)


def test_a_word_that_maps_to_a_falsy_value_is_still_found() -> None:
    assert parse_word("Noll", {"noll": 0}) == 0
    assert parse_word("tom", {"tom": ""}) == ""


@pytest.mark.parametrize(
    ("cell", "word"),
    [
        (" EJ  NÅDD.", "ej nådd"),
        ("Ej nådd...", "ej nådd"),
        ("ej nådd .", "ej nådd"),
        ("Ej na\u030add", "ej nådd"),
        ("\tPå  egen\nhand ", "på egen hand"),
        (None, ""),
        (float("nan"), ""),
        (12.0, "12"),
    ],
)
def test_normalise_word_folds_case_spaces_accents_and_a_final_dot(cell: Any, word: str) -> None:
    assert normalise_word(cell) == word


# --- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (None, ""),
        (float("nan"), ""),
        ("   ", ""),
        ("  Kim   Exempelsson \n", "Kim Exempelsson"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (-3.0, "-3"),
        (True, "ja"),
        (False, "nej"),
        (dt.date(2026, 11, 3), "2026-11-03"),
        (dt.datetime(2026, 11, 3), "2026-11-03"),
        (dt.datetime(2026, 11, 3, 14, 30, 59), "2026-11-03 14:30"),
    ],
    ids=repr,
)
def test_text_shows_a_cell_as_a_person_reads_it(cell: Any, shown: str) -> None:
    assert text(cell) == shown


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (None, ""),
        ("  \n \r\n ", ""),
        ("En rad", "En rad"),
        ("  Rad ett  \r\n  Rad   två \n", "Rad ett\nRad två"),
        ("Stycke ett\n\n\n\nStycke två", "Stycke ett\n\nStycke två"),
        ("\n\nFörst efter tomma rader", "Först efter tomma rader"),
        ("Mac\rWindows\r\nUnix\n", "Mac\nWindows\nUnix"),
        (12.0, "12"),
        (dt.date(2026, 11, 3), "2026-11-03"),
    ],
    ids=repr,
)
def test_multiline_text_keeps_the_line_breaks_a_person_typed(cell: Any, shown: str) -> None:
    assert cells.multiline_text(cell) == shown


def test_is_blank_is_true_only_for_none_nan_and_whitespace() -> None:
    for blank in BLANKS:
        assert cells.is_blank(blank), repr(blank)
    for value in (0, 0.0, False, "0", "-", dt.date(2026, 1, 1)):
        assert not cells.is_blank(value), repr(value)


# --- redact -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "kim@example.org",
        "Kim.Exempelsson@Example.ORG",
        "kim+nyhetsbrev@post.example.se",
    ],
)
def test_redact_removes_email_addresses(address: str) -> None:
    for message in (
        f"Mottagaren {address} finns inte",
        f"550 5.1.1 <{address}>: Recipient address rejected",
        f"mailto:{address}",
        f"({address}),",
    ):
        redacted = redact(message)
        assert address not in redacted
        assert "@" not in redacted


@pytest.mark.parametrize(
    "number",
    [
        "070-174 06 05",
        "0701740605",
        "070 174 06 05",
        "+46 70 174 06 05",
        "+46701740605",
        "08-123 456 78",
        "+44 20 7946 0958",
    ],
)
def test_redact_removes_phone_numbers(number: str) -> None:
    redacted = redact(f"Ring {number} i morgon")
    assert number not in redacted
    assert redacted.startswith("Ring ")
    assert redacted.endswith(" i morgon")
    assert sum(ch.isdigit() for ch in redacted) < 4


def test_redact_keeps_smtp_reply_codes() -> None:
    message = "550 5.1.1 <kim@example.org>: Recipient address rejected: User unknown"
    redacted = redact(message)
    assert redacted.startswith("550 5.1.1 ")
    assert "Recipient address rejected: User unknown" in redacted
    assert redact("421 4.7.0 Try again later, closing connection") == (
        "421 4.7.0 Try again later, closing connection"
    )


@pytest.mark.parametrize(
    "message",
    [
        "Välkomstbrev skickat 2026-11-03",
        "loggat 2026-11-24 07:00:00 av körningen",
        "mellan 2026-11-03 och 2026-11-24",
        "ID 12345 fick inget mejl",
        "rad 17 av 1200",
        "",
    ],
)
def test_redact_keeps_dates_and_short_numbers(message: str) -> None:
    assert redact(message) == message


def test_redact_removes_both_an_address_and_a_number_from_one_message() -> None:
    redacted = redact("kim@example.org / 070-174 06 05 svarade inte 2026-11-03")
    assert "kim@example.org" not in redacted
    assert "174 06 05" not in redacted
    assert redacted.endswith("svarade inte 2026-11-03")


def test_redact_removes_a_phone_number_that_follows_a_date() -> None:
    assert "174 06 05" not in redact("Samtal 2026-11-03 070-174 06 05")


# --- Bad never quotes the cell ----------------------------------------------------------------

BAD_CELLS: list[tuple[str, Any]] = [
    ("date", "Kim Exempelsson"),
    ("date", "31/2/2026"),
    ("date", "3 smurf 2026"),
    ("date", "3/11"),
    ("date", 9999999),
    ("date", True),
    ("email", "kim exempelsson@example.org"),
    ("email", "kim@@example.se"),
    ("email", "Kim Exempelsson"),
    ("phone", "070-174 06 05 ankn 12"),
    ("phone", "070-174"),
    ("phone", "+44 1234 5678 9012 3456"),
    ("yes_no", "Kim Exempelsson"),
    ("id", "Kim Exempelsson"),
    ("id", -17),
    ("id", 12.5),
    ("word", "Kim Exempelsson"),
    ("word", "ring 070-174 06 05"),
]

PARSERS: dict[str, Any] = {
    "date": parse_date,
    "email": parse_email,
    "phone": format_phone,
    "yes_no": parse_yes_no,
    "id": parse_id,
    "word": lambda value: parse_word(value, outcome_words()),
}


@pytest.mark.parametrize(("parser", "cell"), BAD_CELLS, ids=repr)
def test_a_bad_cell_problem_never_quotes_the_cell(parser: str, cell: Any) -> None:
    parsed = PARSERS[parser](cell)
    assert isinstance(parsed, Bad)
    assert parsed.problem.strip()
    assert text(cell).casefold() not in parsed.problem.casefold()
    assert str(cell).casefold() not in parsed.problem.casefold()
    assert repr(cell) not in parsed.problem


def test_a_problem_is_the_same_whatever_the_bad_cell_held() -> None:
    # If the wording never depends on the value, the value cannot leak through it.
    for parser, first, second in [
        ("email", "kim@@example.org", "ada@@example.se"),
        ("phone", "070-ABC", "ring Ada"),
        ("yes_no", "kanske", "Ada Exempel"),
        ("id", "tolv", "Ada"),
        ("word", "kanske", "Ada Exempel"),
        ("date", "snart", "Ada Exempel"),
    ]:
        one, two = PARSERS[parser](first), PARSERS[parser](second)
        assert isinstance(one, Bad)
        assert isinstance(two, Bad)
        assert one.problem == two.problem, parser


def test_bad_is_a_frozen_value() -> None:
    assert Bad("x") == Bad("x")
    with pytest.raises(AttributeError):
        Bad("x").problem = "y"  # type: ignore[misc]


def test_a_whole_number_reads_through_any_date_or_time_format() -> None:
    assert [
        cells.whole_number(value)
        for value in (
            12, 12.0, "12", " 12.0 ", dt.datetime(1900, 3, 14), dt.date(1900, 3, 14),
            dt.timedelta(days=74), dt.time(0, 0),
        )
    ] == [12, 12, 12, 12, 74, 74, 74, 0]  # fmt: skip
    for value in (12.5, "12a", True, None, "", dt.datetime(1900, 3, 14, 12), dt.time(6, 0)):
        assert cells.whole_number(value) is None, value
    assert cells.parse_id(dt.datetime(1900, 3, 14)) == 74
    assert isinstance(cells.parse_id(dt.time(0, 0)), cells.Bad)  # no ID is 0
