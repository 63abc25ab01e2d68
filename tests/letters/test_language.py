"""What the routine itself writes in a letter, in the letter's language: periods from the
config, past days by their real distance, times, and a coordinator's texts in English only."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from medlemsrutiner.letters.language import (
    clock,
    group_in,
    long_date,
    past_day,
    period,
    training_in,
    weeks_between,
)
from medlemsrutiner.plan import Group, Training

TODAY = dt.date(2026, 12, 6)


def test_a_period_of_the_config_is_written_as_its_number_in_each_language() -> None:
    assert [period(days, "sv") for days in (1, 3, 7, 10, 14, 30)] == [
        "en dag", "3 dagar", "en vecka", "10 dagar", "2 veckor", "30 dagar",
    ]  # fmt: skip
    assert [period(days, "en") for days in (1, 3, 7, 10, 14, 30)] == [
        "a day", "3 days", "a week", "10 days", "2 weeks", "30 days",
    ]  # fmt: skip


def test_the_follow_up_window_is_written_from_its_two_ends() -> None:
    assert weeks_between(8, 10, "sv") == "8–10 veckor"
    assert weeks_between(6, 7, "en") == "6–7 weeks"
    assert weeks_between(9, 9, "sv") == "9 veckor"
    assert weeks_between(1, 1, "en") == "a week"


def test_a_past_day_is_named_by_its_real_distance_from_the_letter() -> None:
    days_ago = [0, 1, 3, 6, 7, 49]
    assert [past_day(TODAY - dt.timedelta(days=n), TODAY, "sv") for n in days_ago] == [
        "i dag", "i går", "för 3 dagar sedan", "för 6 dagar sedan", "den 29 november",
        "den 18 oktober",
    ]  # fmt: skip
    assert [past_day(TODAY - dt.timedelta(days=n), TODAY, "en") for n in days_ago] == [
        "today", "yesterday", "3 days ago", "6 days ago", "on 29 November", "on 18 October",
    ]  # fmt: skip
    assert past_day(dt.date(2025, 11, 20), TODAY, "sv") == "den 20 november 2025"
    assert past_day(TODAY + dt.timedelta(days=2), TODAY, "en") == "on 8 December"


def test_dates_are_written_out_in_each_language() -> None:
    assert long_date(dt.date(2026, 12, 1), "sv") == "tisdag 1 december 2026"
    assert long_date(dt.date(2026, 12, 1), "en") == "Tuesday 1 December 2026"


@pytest.mark.parametrize(
    ("typed", "swedish", "english"),
    [
        ("18", "kl. 18.00", "at 18:00"),
        ("kl 18", "kl. 18.00", "at 18:00"),
        ("kl. 9.30", "kl. 9.30", "at 09:30"),
        ("18-20", "kl. 18.00–20.00", "at 18:00–20:00"),
        ("18.00 - 20.00", "kl. 18.00–20.00", "at 18:00–20:00"),
        ("18.00–20.00", "kl. 18.00–20.00", "at 18:00–20:00"),
        ("kl 18-kl 20", "kl. 18.00–20.00", "at 18:00–20:00"),
        ("18:30 till 20", "kl. 18.30–20.00", "at 18:30–20:00"),
        ("6-8 pm", "kl. 18.00–20.00", "at 18:00–20:00"),
    ],
)
def test_a_time_is_written_tidily_in_each_language_whatever_way_it_was_typed(
    typed: str, swedish: str, english: str
) -> None:
    assert clock(typed, "sv") == swedish
    assert clock(typed, "en") == english


def test_words_after_a_time_follow_it_in_swedish_and_are_left_out_of_english() -> None:
    assert clock("18.00 (fika från 17.30)", "sv") == "kl. 18.00 (fika från 17.30)"
    assert clock("18.00 (fika från 17.30)", "en") == "at 18:00"


@pytest.mark.parametrize("typed", ["eftermiddag", "ca 18", "kl åtta", "22-01"])
def test_a_time_that_cannot_be_read_is_shown_as_typed_in_swedish_never_after_a_second_kl(
    typed: str,
) -> None:
    assert clock(typed, "sv") == typed
    assert clock(typed, "en") == ""  # it may be Swedish words


def test_a_training_in_english_has_its_english_texts_or_a_neutral_title_never_swedish() -> None:
    swedish = Training(TODAY, "18.00", "Grundutbildning", "Folkets hus", "", "Om Amnesty")
    english = dataclasses.replace(swedish, title_en="Basic training", description_en="About")
    assert training_in("sv", swedish) == swedish
    assert (training_in("en", english).title, training_in("en", english).description) == (
        "Basic training",
        "About",
    )
    shown = training_in("en", swedish)
    assert (shown.title, shown.description) == ("Training for new members", "")
    assert shown.time == "18.00"  # as typed: the template says it (`clock`), the UID hashes it
    assert shown.place == "Folkets hus"  # a place is a name


def test_a_group_in_english_shows_its_english_columns_or_nothing() -> None:
    group = Group("Centrumgruppen", "Rut", "c@example.org", "", "Tisdagar 18.30", "Kampanjer",
                  True, 2, meets_en="Tuesdays 18:30")  # fmt: skip
    assert group_in("sv", group) == group
    shown = group_in("en", group)
    assert (shown.name, shown.meets, shown.works_on) == ("Centrumgruppen", "Tuesdays 18:30", "")
