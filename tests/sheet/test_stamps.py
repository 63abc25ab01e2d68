"""Every text written into a stamp cell reads back as what it means (round trips)."""

from __future__ import annotations

import datetime as dt

import pytest

from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.stamps import StampState, read_stamp

TODAY = dt.date(2026, 11, 24)


def test_a_blank_cell_is_due_and_a_date_is_sent() -> None:
    assert read_stamp(None, TODAY).state is StampState.DUE
    assert read_stamp("  ", TODAY).state is StampState.DUE
    sent = read_stamp(TODAY, TODAY)
    assert sent.state is StampState.SENT and sent.date == TODAY
    assert read_stamp("24/11", TODAY).date == TODAY


def test_the_sending_marker_reads_back_as_sending() -> None:
    marker = stamps.sending_marker("2026-11-24 07:00")
    assert marker == "Skickar… 2026-11-24 07:00"
    assert read_stamp(marker, TODAY).state is StampState.SENDING
    assert read_stamp("skickar... 2026-11-24", TODAY).state is StampState.SENDING


def test_an_uncertain_letter_reads_back_as_sending_so_it_is_never_resent() -> None:
    text = stamps.uncertain(TODAY, "förbindelsen bröts", ["introduction_newcomer"])
    assert text.endswith("; skickat till den intresserade")
    assert read_stamp(text, TODAY).state is StampState.SENDING


@pytest.mark.parametrize(
    ("left", "remaining"),
    [
        (["introduction_group"], {"introduction_group"}),
        (["introduction_newcomer"], {"introduction_newcomer"}),
        (
            ["introduction_newcomer", "introduction_group"],
            {"introduction_newcomer", "introduction_group"},
        ),
    ],
)
def test_a_partial_stamp_reads_back_with_the_letters_still_to_send(
    left: list[str], remaining: set[str]
) -> None:
    stamp = read_stamp(stamps.partial(TODAY, left), TODAY)
    assert stamp.state is StampState.PARTIAL and stamp.remaining == remaining


def test_a_partial_stamp_whose_rest_failed_is_held_for_a_person() -> None:
    text = stamps.partial(TODAY, ["introduction_group"], "550 finns inte")
    stamp = read_stamp(text, TODAY)
    assert stamp.state is StampState.HELD and stamp.failed_in_part
    assert stamp.remaining == {"introduction_group"}


def test_an_error_stamp_is_held_and_says_it_failed() -> None:
    stamp = read_stamp(stamps.error(TODAY, "550 finns inte"), TODAY)
    assert stamp.state is StampState.HELD and stamp.failed and not stamp.failed_in_part


def test_a_duplicate_stamp_is_held_with_its_reason() -> None:
    stamp = read_stamp(stamps.duplicate(3), TODAY)
    assert stamp.state is StampState.HELD
    assert stamp.not_sent_reason == "samma e-post som ID 3"


def test_anything_a_person_typed_holds_the_letter() -> None:
    stamp = read_stamp("skickat för hand", TODAY)
    assert stamp.state is StampState.HELD
    assert not stamp.failed and stamp.not_sent_reason is None
