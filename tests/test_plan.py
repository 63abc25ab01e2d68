"""Settling a delivery: what its stamp cell says after the send, what follows, what Logg gets."""

from __future__ import annotations

import datetime as dt

from medlemsrutiner.config import Config
from medlemsrutiner.plan import Delivery, Failed, NotAttempted, Sent, settle
from medlemsrutiner.sheet import stamps
from medlemsrutiner.sheet.changes import SetByKey, SetCells
from medlemsrutiner.sheet.stamps import StampState, read_stamp
from tests.support import TODAY, deliveries_of, newcomer, plan_of


def _intro(config: Config) -> Delivery:
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen")
    return deliveries_of(plan_of(config, newcomers=[row]), "introduction")[0]


def test_a_delivery_sent_in_full_is_stamped_with_the_date_and_its_follow_ons(
    config: Config,
) -> None:
    delivery = _intro(config)
    settled = settle(delivery, [Sent(), Sent()], TODAY)
    assert settled.changes[0] == SetCells("newcomers", 1, (("introduction", TODAY),))
    assert settled.changes[1:] == delivery.on_sent
    (entry,) = settled.log
    assert entry.action == "introduktion skickad" and entry.row_id == 1 and entry.letters == 2
    assert settled.verdict == "sent"


def test_a_passing_fault_before_anything_went_out_clears_the_marker(config: Config) -> None:
    settled = settle(_intro(config), [Failed("421 försök igen", retry=True), NotAttempted()], TODAY)
    assert settled.changes == (SetCells("newcomers", 1, (("introduction", None),)),)
    assert settled.verdict == "waiting" and settled.log[0].letters == 0


def test_a_half_sent_introduction_is_held_for_a_person_and_never_resent(config: Config) -> None:
    settled = settle(
        _intro(config), [Sent(), Failed("550 <centrum@example.org> finns inte")], TODAY
    )
    change = settled.changes[0]
    assert isinstance(change, SetCells)
    ((_, stamp),) = change.values
    assert isinstance(stamp, str) and stamp.startswith("Delvis skickat 2026-11-24")
    assert "centrum@example.org" not in stamp
    assert read_stamp(stamp, TODAY).state is StampState.HELD
    assert settled.verdict == "failed" and settled.log[0].letters == 1


def test_a_letter_that_may_have_arrived_keeps_a_sending_marker_and_counts_as_sent(
    config: Config,
) -> None:
    settled = settle(
        _intro(config),
        [Sent(), Failed("förbindelsen bröts", stop=True, maybe_sent=True)],
        TODAY,
    )
    change = settled.changes[0]
    assert isinstance(change, SetCells)
    ((_, stamp),) = change.values
    assert read_stamp(stamp, TODAY).state is StampState.SENDING
    assert settled.log[0].letters == 2  # the daily limit counts the uncertain one too
    assert settled.verdict == "failed"


def test_a_letter_in_flight_when_the_connection_dropped_never_holds_back_the_rest(
    config: Config,
) -> None:
    settled = settle(
        _intro(config),
        [Failed("förbindelsen bröts", stop=True, maybe_sent=True), NotAttempted()],
        TODAY,
    )
    change = settled.changes[0]
    assert isinstance(change, SetCells)
    ((_, text),) = change.values
    stamp = read_stamp(text, TODAY)
    assert stamp.state is StampState.PARTIAL
    assert stamp.remaining == {"introduction_group"}
    assert stamp.unsure == {"introduction_newcomer"}
    assert settled.log[0].action == "introduktion osäker" and settled.log[0].letters == 1
    assert settled.verdict == "failed"


def test_once_the_rest_is_out_the_unknown_letter_is_left_for_a_person(config: Config) -> None:
    rest = plan_of(
        config,
        newcomers=[
            newcomer(
                1,
                welcome=TODAY,
                call=TODAY,
                referred_to="Centrumgruppen",
                introduction=stamps.partial(
                    TODAY, ["introduction_group"], unsure=["introduction_newcomer"]
                ),
            )
        ],
    )
    (delivery,) = deliveries_of(rest, "introduction")
    assert [letter.kind for letter in delivery.letters] == ["introduction_group"]
    assert delivery.unsure == ("introduction_newcomer",)
    settled = settle(delivery, [Sent()], TODAY)
    (change,) = settled.changes  # no move to Uppföljning until a person has checked
    assert isinstance(change, SetCells)
    ((_, text),) = change.values
    assert isinstance(text, str) and read_stamp(text, TODAY).state is StampState.SENDING
    assert text.endswith("; skickat till gruppens kontaktperson")
    assert "okänt om brevet kom fram" in text
    waiting = settle(delivery, [Failed("421 upptagen", retry=True)], TODAY)
    ((_, again),) = waiting.changes[0].values  # type: ignore[union-attr]
    assert read_stamp(again, TODAY).unsure == {"introduction_newcomer"}


def test_a_delivery_in_a_tab_without_ids_stamps_its_row_by_key(config: Config) -> None:
    letter = _intro(config).letters[1]  # to the group's contact person
    delivery = Delivery(
        tab="groups",
        row_id=None,
        key=(("group", "Centrumgruppen"),),
        stamp="reminder",
        letters=(letter,),
        due_since=TODAY - dt.timedelta(days=1),
        kind="welcome",
        stamp_text="",
    )
    marker = delivery.write_stamp("Skickar… 2026-11-24 07:00", compare=True)
    assert marker == SetByKey(
        "groups",
        (("group", "Centrumgruppen"),),
        (("reminder", "Skickar… 2026-11-24 07:00"),),
        expect=(("reminder", ""),),
    )
    settled = settle(delivery, [Sent()], TODAY)
    assert settled.changes == (
        SetByKey("groups", (("group", "Centrumgruppen"),), (("reminder", TODAY),)),
    )
    assert settled.log[0].row_id is None
