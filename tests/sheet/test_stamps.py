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
    assert stamps.duplicate_owner(stamp) == 3


@pytest.mark.parametrize(
    "text", [None, "2026-11-20", stamps.existed_before_start(), "Ej skickat: samma e-post som ID x"]
)
def test_only_a_duplicate_stamp_names_the_row_it_was_a_duplicate_of(text: str | None) -> None:
    assert stamps.duplicate_owner(read_stamp(text, TODAY)) is None


def test_anything_a_person_typed_holds_the_letter() -> None:
    stamp = read_stamp("skickat för hand", TODAY)
    assert stamp.state is StampState.HELD
    assert not stamp.failed and stamp.not_sent_reason is None


# --- The send journal's run token, and a letter a crash left unknown ------------------------


def test_a_marker_of_a_run_with_a_journal_carries_its_token() -> None:
    marker = stamps.sending_marker("2026-11-24 07:00", "3f9a2c1b")
    assert marker == "Skickar… 2026-11-24 07:00 (körning 3f9a2c1b)"
    assert read_stamp(marker, TODAY).state is StampState.SENDING
    assert stamps.marker_run(marker) == "3f9a2c1b"


@pytest.mark.parametrize(
    "text",
    [
        "Skickar… 2026-11-24 07:00",
        "Skickar… 2026-11-24: okänt om brevet kom fram (körningen avbröts)",
        "Skickar… 2026-11-24 07:00 (körning 3f9a 2c1b)",
        "Kolla (körning 3f9a2c1b)",
    ],
)
def test_only_a_marker_written_with_a_token_names_a_run(text: str) -> None:
    assert stamps.marker_run(text) is None


def test_a_partial_stamp_names_the_letter_a_crash_left_unknown_and_the_rest_is_still_sent() -> None:
    text = stamps.partial(TODAY, ["introduction_group"], unsure=["introduction_newcomer"])
    assert text == (
        "Delvis skickat 2026-11-24: kvar till gruppens kontaktperson; "
        "okänt om brevet till den intresserade kom fram"
    )
    stamp = read_stamp(text, TODAY)
    assert stamp.state is StampState.PARTIAL
    assert stamp.remaining == {"introduction_group"}
    assert stamp.unsure == {"introduction_newcomer"}


def test_a_partial_stamp_with_an_unknown_letter_whose_rest_failed_is_held() -> None:
    text = stamps.partial(
        TODAY, ["introduction_group"], "550 finns inte", unsure=["introduction_newcomer"]
    )
    stamp = read_stamp(text, TODAY)
    assert stamp.state is StampState.HELD and stamp.failed_in_part
    assert stamp.unsure == {"introduction_newcomer"}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (TODAY, TODAY),
        (stamps.sending_marker("2026-11-23 07:00", "3f9a2c1b"), TODAY - dt.timedelta(days=1)),
        (stamps.uncertain(TODAY, "anslutningen bröts"), TODAY),
        (stamps.partial(TODAY, ["introduction_group"]), TODAY),
        (stamps.partial(TODAY, ["introduction_group"], "550 okänd mottagare"), TODAY),
        (stamps.error(TODAY, "550 okänd mottagare"), None),
        (stamps.duplicate(3), None),
        ("skickat för hand", None),
        ("Skickar… i går", None),
        (None, None),
    ],
)
def test_the_day_a_letter_was_or_may_have_been_written(
    text: object, written: dt.date | None
) -> None:
    assert stamps.written_on(read_stamp(text, TODAY)) == written
