"""Uppföljning: the follow-up window, its Status, and erasure after the follow-up call."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import SetCells
from medlemsrutiner.sheet.schema import tables_from_grids
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import read_records
from tests.support import (
    TAB_NAMES,
    TODAY,
    deliveries_of,
    grid,
    make_config,
    plan_of,
    statuses_of,
    workbook_grids,
)

DAY = dt.timedelta(days=1)


def _followup(**cells: Any) -> dict[str, Any]:
    row = {
        "id": 5,
        "name": "Testa Person5",
        "email": "person5@example.se",
        "phone": "070-174 06 15",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 70 * DAY,
        "follow_up_from": TODAY - 14 * DAY,
        "follow_up_by": TODAY,
        "note": "trivdes",
    }
    row.update(cells)
    return row


def test_followup_data_is_erased_a_week_after_the_follow_up_call(config: Config) -> None:
    called = _followup(followed_up=TODAY - 7 * DAY, result="aktiv")
    (erase,) = [c for c in plan_of(config, followups=[called]).changes if c.tab == "followups"]
    assert isinstance(erase, SetCells) and erase.row_id == 5
    assert dict(erase.values) == {
        "name": None,
        "email": None,
        "phone": None,
        "note": None,
        "erased": TODAY,
    }
    early = _followup(followed_up=TODAY - 6 * DAY, result="Aktiv")
    assert not [c for c in plan_of(config, followups=[early]).changes if c.tab == "followups"]


def test_a_result_without_the_call_date_is_flagged_and_kept_until_the_date_is_written(
    config: Config,
) -> None:
    p = plan_of(config, followups=[_followup(result="Inte aktiv")])
    assert not [c for c in p.changes if c.tab == "followups"]
    assert any(flag.row_id == 5 and "Fyll i Uppföljning" in flag.text for flag in p.problems)


def test_an_erased_followup_is_not_erased_again_and_says_so(config: Config) -> None:
    done = _followup(
        name=None,
        email=None,
        phone=None,
        note=None,
        followed_up=TODAY - 30 * DAY,
        result="Ej nådd",
        erased=TODAY - 23 * DAY,
    )
    assert not [c for c in plan_of(config, followups=[done]).changes if c.tab == "followups"]
    (status,) = [c for c in statuses_of(config, TODAY, followups=[done])]
    assert dict(status.values)["status"] == (
        "Uppföljd: Ej nådd. Personuppgifterna raderade 2026-11-01."
    )


def test_the_followup_status_shows_the_window_and_when_it_is_overdue(config: Config) -> None:
    def status(row: dict[str, Any]) -> str:
        (change,) = statuses_of(config, TODAY, followups=[row])
        return str(dict(change.values)["status"])

    # Referred 70 days ago: closed as Ej uppföljd (and erased) 16 weeks after the referral.
    assert status(_followup(follow_up_from=TODAY + DAY, follow_up_by=TODAY + 15 * DAY)) == (
        "Uppföljningssamtal 25 nov–9 dec 2026. Raderas senast 2027-01-05."
    )
    assert status(_followup()) == (
        "Dags för uppföljningssamtal (10–24 nov 2026). Raderas senast 2027-01-05."
    )
    assert status(_followup(follow_up_by=TODAY - DAY)) == (
        "FÖRSENAT: uppföljningssamtal (senast 2026-11-23). Raderas senast 2027-01-05."
    )


# --- Re-engagement ----------------------------------------------------------------------------


def test_not_active_gets_one_reengagement_letter_with_the_other_groups(config: Config) -> None:
    row = _followup(followed_up=TODAY - DAY, result="Inte aktiv")
    (delivery,) = deliveries_of(plan_of(config, followups=[row]), "reengagement")
    (letter,) = delivery.letters
    assert (delivery.tab, delivery.row_id, delivery.stamp) == ("followups", 5, "reengagement")
    assert letter.kind == "reengagement" and letter.to_address == "person5@example.se"
    assert letter.group is not None and letter.group.name == "Centrumgruppen"
    stamped = {**row, "reengagement": TODAY}
    assert deliveries_of(plan_of(config, TODAY + DAY, followups=[stamped])) == []
    assert "Återvärvningsbrev skickat 2026-11-24." in str(
        dict(statuses_of(config, TODAY + DAY, followups=[stamped])[0].values)["status"]
    )


def test_not_reached_gets_the_letter_only_when_the_setting_says_so(tmp_path: Path) -> None:
    row = _followup(followed_up=TODAY - DAY, result="Ej nådd")
    assert deliveries_of(plan_of(make_config(tmp_path), followups=[row])) == []
    config = make_config(tmp_path, routine={"reengage_unreached": True})
    assert len(deliveries_of(plan_of(config, followups=[row]), "reengagement")) == 1


def test_active_people_get_no_reengagement_letter(config: Config) -> None:
    row = _followup(followed_up=TODAY - DAY, result="Aktiv")
    assert deliveries_of(plan_of(config, followups=[row])) == []


def test_a_sending_marker_left_by_a_killed_run_is_never_resent_and_asks_a_person(
    config: Config,
) -> None:
    row = _followup(followed_up=TODAY - DAY, result="Inte aktiv", reengagement="Skickar… 07:00")
    assert deliveries_of(plan_of(config, followups=[row])) == []
    (status,) = statuses_of(config, followups=[row])
    assert "KONTROLLERA Återvärvning" in str(dict(status.values)["status"])


def test_without_the_stamp_column_no_letter_is_sent_and_the_row_says_why(config: Config) -> None:
    headers = [h for h in grid("followups", [])[0] if h != "Återvärvning"]
    grids = workbook_grids()
    grids["Uppföljning"] = grid(
        "followups", [_followup(followed_up=TODAY - DAY, result="Inte aktiv")], headers=headers
    )
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, config.settings)
    plan = plan_day(records, TODAY, config.settings)
    assert plan.deliveries == ()
    assert any("Lägg till kolumnen Återvärvning" in flag.text for flag in plan.flags)


def test_a_follow_up_without_a_valid_address_is_flagged_not_sent(config: Config) -> None:
    row = _followup(followed_up=TODAY - DAY, result="Inte aktiv", email="fel")
    plan = plan_of(config, followups=[row])
    assert plan.deliveries == ()
    assert any("återvärvningsbrevet" in flag.text for flag in plan.flags)


# --- Follow-ups that never happen, consent, and data typed back in ----------------------------


def test_a_follow_up_never_made_is_closed_as_ej_uppfoljd_and_erased_after_16_weeks(
    config: Config,
) -> None:
    row = _followup(referred=TODAY - 16 * 7 * DAY)
    assert plan_of(config, TODAY - DAY, followups=[row]).changes == ()
    closing, erasing = plan_of(config, followups=[row]).changes
    assert closing == SetCells("followups", 5, (("result", "Ej uppföljd"),))
    assert isinstance(erasing, SetCells)
    values = dict(erasing.values)
    assert values["result"] == "Ej uppföljd" and values["erased"] == TODAY
    assert values["email"] is None and values["name"] is None and values["note"] is None


def test_ej_uppfoljd_gives_the_end_of_the_call_window_and_the_erasure_date_on_its_own(
    config: Config,
) -> None:
    def status(row: dict[str, Any]) -> str:
        (change,) = statuses_of(config, TODAY, followups=[row])
        return str(dict(change.values)["status"])

    referred = TODAY - 16 * 7 * DAY  # 2026-08-04: window 2026-09-29 to 2026-10-13
    window = {"referred": referred, "follow_up_from": referred + 56 * DAY}
    kept = _followup(**window, follow_up_by=referred + 70 * DAY, result="Ej uppföljd",
                     consent=TODAY - 30 * DAY)  # fmt: skip
    assert status(kept) == (
        "Ej uppföljd: inget uppföljningssamtal senast 2026-10-13. Samtycke: sparas till "
        "2028-10-25, personuppgifterna raderas då."
    )
    erased = _followup(**window, follow_up_by=None, result="Ej uppföljd", erased=TODAY,
                       name=None, email=None, phone=None, note=None)  # fmt: skip
    assert status(erased) == (  # the window's end from the referral when the cell is blank
        "Ej uppföljd: inget uppföljningssamtal senast 2026-10-13. "
        "Personuppgifterna raderade 2026-11-24."
    )


def test_a_consent_keeps_the_details_but_the_follow_up_is_still_closed_on_time(
    config: Config,
) -> None:
    row = _followup(referred=TODAY - 16 * 7 * DAY, consent=TODAY - 30 * DAY)
    (closing,) = plan_of(config, followups=[row]).changes
    assert closing == SetCells("followups", 5, (("result", "Ej uppföljd"),))


def test_a_result_typed_without_the_call_date_is_still_erased_at_the_latest_date(
    config: Config,
) -> None:
    row = _followup(referred=TODAY - 16 * 7 * DAY, result="Aktiv")
    (change,) = plan_of(config, followups=[row]).changes
    assert isinstance(change, SetCells) and "result" not in dict(change.values)


def test_an_unreadable_result_is_never_overwritten_but_the_row_is_still_erased(
    config: Config,
) -> None:
    row = _followup(referred=TODAY - 16 * 7 * DAY, result="kanske?")
    (change,) = plan_of(config, followups=[row]).changes
    assert isinstance(change, SetCells)
    assert "result" not in dict(change.values) and dict(change.values)["email"] is None


def test_consent_in_uppfoljning_postpones_the_erasure_after_the_call(config: Config) -> None:
    row = _followup(followed_up=TODAY - 7 * DAY, result="Aktiv", consent=TODAY - 7 * DAY)
    assert plan_of(config, followups=[row]).changes == ()
    (status,) = statuses_of(config, followups=[row])
    assert "Samtycke: sparas till 2028-11-17" in str(dict(status.values)["status"])
    assert len(plan_of(config, dt.date(2028, 11, 17), followups=[row]).changes) == 1


def test_personal_data_typed_into_an_erased_row_is_erased_again(config: Config) -> None:
    row = _followup(followed_up=TODAY - 30 * DAY, result="Aktiv", erased=TODAY - 23 * DAY)
    (change,) = plan_of(config, followups=[row]).changes
    assert isinstance(change, SetCells)
    assert dict(change.values)["email"] is None and "erased" not in dict(change.values)


@given(ahead=st.integers(min_value=1, max_value=31))
@settings(deadline=None, max_examples=25)
def test_a_follow_up_call_typed_for_a_day_to_come_sends_nothing_until_that_day(ahead: int) -> None:
    """`Uppföljning` typed ahead (the day the call is planned) has not happened: no
    re-engagement letter goes and the row says why; on the day, the letter goes."""
    config = make_config(Path(tempfile.mkdtemp()))
    day = TODAY + ahead * DAY
    row = _followup(followed_up=f"{day.day}/{day.month}", result="Inte aktiv")
    p = plan_of(config, followups=[row])
    assert deliveries_of(p, "reengagement") == []
    assert any(
        f.row_id == 5 and f.text.startswith("Rätta Uppföljning: dagen har inte kommit än")
        for f in p.problems
    )
    assert len(deliveries_of(plan_of(config, day, followups=[row]), "reengagement")) == 1


@given(
    blank=st.sampled_from([None, "", "   ", "\u200b"]),
    result=st.sampled_from(["Inte aktiv", "inte aktiv", "Ej nådd"]),
)
@settings(deadline=None, max_examples=20)
def test_a_person_without_any_address_is_offered_the_rest_by_phone_and_nothing_is_to_correct(
    blank: str | None, result: str
) -> None:
    """Reached by phone only (E-post never had an address): there is nothing to correct, so no
    flag and no line to fix (the run's code stays 0); Status says to offer the other ways in on
    the phone instead of the letter. An address that cannot be read is still a thing to fix."""
    config = make_config(Path(tempfile.mkdtemp()), routine={"reengage_unreached": True})
    row = _followup(followed_up=TODAY - DAY, result=result, email=blank)
    p = plan_of(config, followups=[row])
    assert deliveries_of(p, "reengagement") == [] and p.problems == ()
    status = str(dict(statuses_of(config, followups=[row])[0].values)["status"])
    assert "Berätta om de andra grupperna och alternativen i telefon." in status
    assert "Rätta" not in status
    wrong = plan_of(
        config, followups=[_followup(followed_up=TODAY - DAY, result=result, email="x@")]
    )
    assert any(f.text.startswith("Rätta E-post") for f in wrong.problems)
