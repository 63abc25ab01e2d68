"""A time of day is read the way people type it, once, for letters and invitations alike."""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.sheet.times import Clock, parse_time


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("18", Clock(dt.time(18))),
        ("18.00", Clock(dt.time(18))),
        ("18:00", Clock(dt.time(18))),
        ("18:00:00", Clock(dt.time(18))),
        ("kl 18", Clock(dt.time(18))),
        ("Kl. 9.30", Clock(dt.time(9, 30))),
        ("klockan 18", Clock(dt.time(18))),
        ("18-20", Clock(dt.time(18), dt.time(20))),
        ("18.00 - 20.00", Clock(dt.time(18), dt.time(20))),
        ("18.00–20.00", Clock(dt.time(18), dt.time(20))),
        ("kl. 18 till kl. 20.30", Clock(dt.time(18), dt.time(20, 30))),
        ("at 6 pm", Clock(dt.time(18))),
        ("6-8 p.m.", Clock(dt.time(18), dt.time(20))),
        ("11-1 pm", Clock(dt.time(11), dt.time(13))),
        ("18.00 (fika från 17.30)", Clock(dt.time(18), None, "(fika från 17.30)")),
        ("kl 18, ungefär", Clock(dt.time(18), None, "ungefär")),
    ],
)
def test_a_time_is_read_as_people_type_it(typed: str, read: Clock) -> None:
    assert parse_time(typed) == read


@pytest.mark.parametrize(
    "typed", ["", "eftermiddag", "ca 18", "kl åtta", "25.00", "18.75", "13 pm", "1800", "18-17"]
)
def test_text_that_does_not_start_with_a_time_of_day_is_none(typed: str) -> None:
    assert parse_time(typed) is None
