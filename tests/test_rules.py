"""The rules are pure: (tables, today, config) -> plan. These tests build tables in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner import rules
from medlemsrutiner.changes import AppendRow, AssignId, SetCells
from medlemsrutiner.config import Config
from medlemsrutiner.rules import Delivery, Failed, NotAttempted, Plan, Sent
from medlemsrutiner.schema import Tables, tables_from_grids
from tests.support import TAB_NAMES, TODAY, make_config, newcomer, workbook_grids

DAY = dt.timedelta(days=1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def tables(**tabs: Any) -> Tables:
    return tables_from_grids(workbook_grids(**tabs), TAB_NAMES)


def plan(config: Config, today: dt.date = TODAY, **tabs: Any) -> Plan:
    return rules.plan_day(tables(**tabs), today, config)


def deliveries(p: Plan, action: str | None = None) -> list[Delivery]:
    return [d for d in p.deliveries if action is None or d.action == action]


def status_of(config: Config, row_id: int, today: dt.date = TODAY, **tabs: Any) -> str:
    for change in rules.status_changes(tables(**tabs), today, config):
        if change.tab == "newcomers" and change.row_id == row_id:
            return str(dict(change.values)["status"])
    raise AssertionError(f"no status for ID {row_id}")


# --- IDs and first sight ---------------------------------------------------------------------


def test_a_row_without_id_gets_the_next_id_and_todays_date(config: Config) -> None:
    p = plan(
        config, newcomers=[newcomer(3), newcomer(None, registered=None, email="ny@example.se")]
    )
    (assign,) = [c for c in p.first_writes if isinstance(c, AssignId)]
    assert assign.row_id == 4
    assert dict(assign.values) == {"registered": TODAY}


def test_ids_are_never_reused_even_when_the_highest_row_was_deleted(config: Config) -> None:
    log = [{"time": "2026-11-01 07:00", "action": "ny rad", "id": 41, "detail": ""}]
    p = plan(config, newcomers=[newcomer(3), newcomer(None)], log=log)
    (assign,) = [c for c in p.first_writes if isinstance(c, AssignId)]
    assert assign.row_id == 42


def test_a_blank_registration_date_is_filled_with_the_day_the_row_was_first_seen(
    config: Config,
) -> None:
    p = plan(config, newcomers=[newcomer(5, registered=None)])
    assert SetCells("newcomers", 5, (("registered", TODAY),)) in p.first_writes


def test_two_rows_with_the_same_id_get_no_letters_and_are_flagged(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(7), newcomer(7, email="other@example.se")])
    assert p.deliveries == ()
    assert any("finns på flera rader" in flag.text for flag in p.problems)


def test_the_input_dataframes_are_not_changed(config: Config) -> None:
    t = tables(
        newcomers=[newcomer(None, registered=None), newcomer(2, referred_to="Centrumgruppen")]
    )
    before = {key: table.frame.copy(deep=True) for key, table in t.by_key.items()}
    rules.plan_day(t, TODAY, config)
    rules.status_changes(t, TODAY, config)
    for key, table in t.by_key.items():
        assert table.frame.equals(before[key]), key


# --- Welcome letter --------------------------------------------------------------------------


def test_a_new_person_with_a_valid_email_gets_a_welcome_letter(config: Config) -> None:
    (welcome,) = deliveries(plan(config, newcomers=[newcomer(1)]), "välkomstbrev")
    assert welcome.stamp == "welcome"
    assert [letter.to_address for letter in welcome.letters] == ["person1@example.se"]
    assert welcome.letters[0].kind == "welcome"


def test_the_welcome_letter_is_sent_only_once(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, welcome=TODAY - DAY)])
    assert deliveries(p, "välkomstbrev") == []


def test_rows_registered_before_the_start_date_are_never_welcomed(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, registered=dt.date(2025, 12, 31))])
    assert deliveries(p) == []


def test_a_sending_marker_left_by_a_killed_run_is_never_resent(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, welcome="Skickar… 2026-11-23 07:00")])
    assert deliveries(p) == []
    assert any("avbröts" in flag.text for flag in p.flags)


def test_a_person_typed_note_in_the_stamp_cell_holds_the_letter(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, welcome="skickat för hand")])
    assert deliveries(p) == []


def test_an_invalid_email_flags_the_row_and_sends_nothing(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, email="person1(at)example.se")])
    assert deliveries(p) == []
    (flag,) = p.problems
    assert flag.row_id == 1 and "E-post" in flag.text
    assert "person1" not in flag.text


def test_the_email_is_matched_case_and_space_insensitively(config: Config) -> None:
    (welcome,) = deliveries(plan(config, newcomers=[newcomer(1, email="  Person1@Example.SE ")]))
    assert welcome.letters[0].to_address == "person1@example.se"


def test_welcome_is_overdue_after_three_days(config: Config) -> None:
    # An address that cannot be used keeps the letter unsent, so the deadline shows.
    on_time = newcomer(1, registered=TODAY - 3 * DAY, email="x")
    late = newcomer(1, registered=TODAY - 4 * DAY, email="x")
    assert "Välkomstbrev ej skickat (senast 2026-11-24)." in status_of(
        config, 1, newcomers=[on_time]
    )
    assert "FÖRSENAT" not in status_of(config, 1, newcomers=[on_time])
    assert "FÖRSENAT: Välkomstbrev ej skickat (senast 2026-11-23)." in status_of(
        config, 1, newcomers=[late]
    )


def test_a_person_who_declined_gets_no_welcome_letter(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, call=TODAY, referred_to="Avböjt")])
    assert deliveries(p) == []


def test_the_language_column_chooses_english_letters(config: Config) -> None:
    (welcome,) = deliveries(plan(config, newcomers=[newcomer(1, language=" EN ")]))
    assert welcome.letters[0].language == "en"


def test_an_unknown_language_falls_back_to_swedish_and_is_flagged(config: Config) -> None:
    p = plan(config, newcomers=[newcomer(1, language="fi")])
    assert deliveries(p)[0].letters[0].language == "sv"
    assert any("Språk" in flag.text for flag in p.problems)


# --- Duplicates ------------------------------------------------------------------------------


def test_a_second_row_with_the_same_email_is_a_duplicate_and_is_never_welcomed(
    config: Config,
) -> None:
    p = plan(config, newcomers=[newcomer(1), newcomer(2, email="PERSON1@example.se")])
    assert [d.row_id for d in deliveries(p)] == [1]
    assert (
        SetCells("newcomers", 2, (("welcome", "Ej skickat: samma e-post som ID 1"),)) in p.changes
    )
    assert any(flag.row_id == 2 and "Dubblett av ID 1" in flag.text for flag in p.problems)


def test_a_new_row_repeating_a_person_welcomed_in_an_earlier_run_is_a_duplicate(
    config: Config,
) -> None:
    p = plan(
        config,
        newcomers=[
            newcomer(1, welcome=TODAY - 9 * DAY),
            newcomer(None, email="person1@example.se"),
        ],
    )
    assert deliveries(p) == []
    assert any("Dubblett av ID 1" in flag.text for flag in p.problems)


def test_a_duplicate_of_someone_already_moved_to_followup_is_flagged(config: Config) -> None:
    moved = newcomer(
        1,
        welcome=TODAY - 30 * DAY,
        call=TODAY - 25 * DAY,
        referred_to="Centrumgruppen",
        introduction=TODAY - 24 * DAY,
        name=None,
        email=None,
        phone=None,
    )
    followup = {
        "id": 1,
        "name": "Testa Person1",
        "email": "person1@example.se",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 24 * DAY,
    }
    p = plan(
        config, newcomers=[moved, newcomer(9, email="person1@example.se")], followups=[followup]
    )
    assert deliveries(p) == []
    assert any(flag.row_id == 9 and "Dubblett av ID 1" in flag.text for flag in p.problems)


# --- Call ------------------------------------------------------------------------------------


def test_status_shows_the_call_deadline_a_week_after_registration(config: Config) -> None:
    status = status_of(config, 1, newcomers=[newcomer(1, welcome=TODAY)])
    assert "Ring senast 2026-12-01." in status


def test_the_call_is_overdue_after_seven_days(config: Config) -> None:
    registered = TODAY - 8 * DAY
    status = status_of(
        config, 1, newcomers=[newcomer(1, registered=registered, welcome=registered)]
    )
    assert "FÖRSENAT: ring (senast 2026-11-23)." in status


def test_deadlines_count_from_the_registration_not_from_a_late_welcome(config: Config) -> None:
    registered = TODAY - 5 * DAY
    status = status_of(config, 1, newcomers=[newcomer(1, registered=registered, welcome=TODAY)])
    assert "Ring senast 2026-11-26." in status


# --- Referral --------------------------------------------------------------------------------


def test_a_referral_sends_the_double_introduction_to_the_right_addresses(config: Config) -> None:
    row = newcomer(1, welcome=TODAY - 3 * DAY, call=TODAY, referred_to=" centrumgruppen ")
    (intro,) = deliveries(plan(config, newcomers=[row]), "introduktion")
    assert intro.stamp == "introduction"
    assert [(letter.kind, letter.to_address) for letter in intro.letters] == [
        ("introduction_newcomer", "person1@example.se"),
        ("introduction_group", "centrum@example.org"),
    ]
    assert intro.letters[0].group is not None and intro.letters[0].group.name == "Centrumgruppen"


def test_after_the_introduction_the_person_moves_to_followup_and_leaves_intake(
    config: Config,
) -> None:
    row = newcomer(
        1,
        welcome=TODAY - 3 * DAY,
        call=TODAY - DAY,
        referred_to="Centrumgruppen",
        note="ring kvällar",
    )
    (intro,) = deliveries(plan(config, newcomers=[row]), "introduktion")
    copy, erase = intro.on_sent
    assert isinstance(copy, AppendRow) and copy.tab == "followups"
    copied = dict(copy.values)
    assert copied["id"] == 1 and copied["email"] == "person1@example.se"
    assert copied["referred_to"] == "Centrumgruppen"
    assert copied["referred"] == TODAY
    assert copied["follow_up_from"] == TODAY + dt.timedelta(weeks=8)
    assert copied["follow_up_by"] == TODAY + dt.timedelta(weeks=10)
    assert copied["note"] == "ring kvällar"
    assert erase == SetCells(
        "newcomers",
        1,
        tuple((name, None) for name in ("name", "email", "phone", "town", "interests", "note")),
    )


def test_an_alternative_sends_the_alternatives_letter_with_the_chosen_one(config: Config) -> None:
    row = newcomer(1, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="blixtaktion")
    (letter_delivery,) = deliveries(plan(config, newcomers=[row]), "alternativ")
    (letter,) = letter_delivery.letters
    assert letter.kind == "alternatives" and letter.chosen is not None
    assert letter.chosen.value == "Blixtaktioner"


def test_an_unknown_group_sends_nothing_and_suggests_the_closest_name(config: Config) -> None:
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Centrumgrupen")
    p = plan(config, newcomers=[row])
    assert deliveries(p, "introduktion") == []
    assert any("Menar du 'Centrumgruppen'?" in flag.text for flag in p.problems)


def test_an_inactive_group_or_one_without_contact_email_gets_no_introduction(
    config: Config,
) -> None:
    groups = [
        {"group": "Vilande", "contact": "A", "email": "vilande@example.org", "active": "nej"},
        {"group": "Utanadress", "contact": "B", "email": "", "active": "ja"},
    ]
    rows = [
        newcomer(1, call=TODAY, referred_to="Vilande"),
        newcomer(2, call=TODAY, referred_to="utanadress"),
    ]
    p = plan(config, newcomers=rows, groups=groups)
    assert deliveries(p, "introduktion") == []
    texts = " ".join(flag.text for flag in p.problems)
    assert "'Vilande' är inte aktiv" in texts and "'Utanadress' saknar giltig e-post" in texts


def test_an_introduction_done_by_a_run_that_stopped_is_finished_without_sending(
    config: Config,
) -> None:
    row = newcomer(
        1,
        welcome=TODAY - 9 * DAY,
        call=TODAY - 2 * DAY,
        referred_to="Centrumgruppen",
        introduction=TODAY - DAY,
    )
    p = plan(config, newcomers=[row])
    assert deliveries(p) == []
    (copy,) = [c for c in p.changes if c.tab == "followups"]
    assert isinstance(copy, AppendRow) and dict(copy.values)["referred"] == TODAY - DAY
    assert any(
        isinstance(c, SetCells) and c.tab == "newcomers" and dict(c.values)["email"] is None
        for c in p.changes
    )


def test_a_note_typed_into_a_finished_row_is_erased_and_never_copied_over_the_followup(
    config: Config,
) -> None:
    finished = newcomer(
        1,
        welcome=TODAY - 30 * DAY,
        call=TODAY - 25 * DAY,
        referred_to="Centrumgruppen",
        introduction=TODAY - 24 * DAY,
        name=None,
        email=None,
        phone=None,
        note="Kim, 070-1740611",
    )
    erased_followup = {
        "id": 1,
        "referred_to": "Centrumgruppen",
        "result": "Aktiv",
        "erased": TODAY - 3 * DAY,
    }
    p = plan(config, newcomers=[finished], followups=[erased_followup])
    assert [c.tab for c in p.changes] == ["newcomers"]
    assert dict(p.changes[0].values)["note"] is None
    assert p.problems == ()


# --- Declined, not reached, stale ------------------------------------------------------------


def test_declined_personal_data_is_erased_thirty_days_after_the_call(config: Config) -> None:
    call = TODAY - 30 * DAY
    row = newcomer(
        1, registered=call - DAY, welcome=call, call=call, referred_to="avböjt", town="Norrby"
    )
    p_before = plan(config, today=TODAY - DAY, newcomers=[row])
    p_on_day = plan(config, newcomers=[row])
    assert not any(isinstance(c, SetCells) and c.row_id == 1 for c in p_before.changes)
    (erase,) = [c for c in p_on_day.changes if isinstance(c, SetCells)]
    assert {name for name, value in erase.values if value is None} >= {
        "name",
        "email",
        "phone",
        "town",
    }
    assert all("Person1" not in entry.detail for entry in p_on_day.log)


def test_not_reached_is_understood_however_it_is_typed(config: Config) -> None:
    status = status_of(
        config, 1, newcomers=[newcomer(1, welcome=TODAY, call=TODAY, referred_to=" EJ  NÅDD")]
    )
    assert status.startswith("Ej nådd. Personuppgifterna raderas 2026-12-24.")


def test_a_row_nobody_called_for_ninety_days_is_flagged_and_erased_after_180(
    config: Config,
) -> None:
    stale = newcomer(1, registered=TODAY - 91 * DAY, welcome=TODAY - 90 * DAY)
    assert "Ingen kontakt på 90 dagar" in status_of(config, 1, newcomers=[stale])
    old = newcomer(2, registered=TODAY - 180 * DAY, welcome=TODAY - 179 * DAY)
    assert any(
        isinstance(c, SetCells) and c.row_id == 2 for c in plan(config, newcomers=[old]).changes
    )


# --- Bad cells never crash -------------------------------------------------------------------


def test_a_date_typed_as_day_and_month_is_understood(config: Config) -> None:
    (welcome,) = deliveries(plan(config, newcomers=[newcomer(1, registered="22/11")]))
    assert welcome.due_since == dt.date(2026, 11, 22)


def test_an_unreadable_registration_date_flags_the_row_and_the_rest_proceeds(
    config: Config,
) -> None:
    p = plan(config, newcomers=[newcomer(1, registered="igår"), newcomer(2)])
    assert [d.row_id for d in deliveries(p)] == [2]
    assert any(flag.row_id == 1 and "Registrerad" in flag.text for flag in p.problems)


def test_upcoming_trainings_are_the_next_three_soonest_first(config: Config) -> None:
    trainings = [
        {"date": TODAY + 30 * DAY, "title": "C"},
        {"date": TODAY - DAY, "title": "Passerad"},
        {"date": TODAY + 2 * DAY, "title": "A"},
        {"date": "31 feb", "title": "Fel"},
        {"date": TODAY + 9 * DAY, "title": "B"},
        {"date": TODAY + 60 * DAY, "title": "D"},
    ]
    p = plan(config, newcomers=[newcomer(1)], trainings=trainings)
    assert [t.title for t in p.shared.trainings] == ["A", "B", "C"]
    assert any(flag.tab == "trainings" for flag in p.flags)


def test_texts_are_read_from_the_texts_tab_and_missing_keys_are_empty(config: Config) -> None:
    p = plan(config, texts=[{"key": " Aktuell_Aktion ", "text": "Skriv under!"}])
    assert p.shared.texts["aktuell_aktion"] == "Skriv under!"
    assert p.shared.texts["lokal_information"] == ""


# --- Settling a delivery ---------------------------------------------------------------------


def _intro(config: Config) -> Delivery:
    row = newcomer(1, welcome=TODAY, call=TODAY, referred_to="Centrumgruppen")
    return deliveries(plan(config, newcomers=[row]), "introduktion")[0]


def test_a_delivery_sent_in_full_is_stamped_with_the_date_and_its_follow_ons(
    config: Config,
) -> None:
    delivery = _intro(config)
    changes, log = rules.settle(delivery, [Sent(), Sent()], TODAY)
    assert changes[0] == SetCells("newcomers", 1, (("introduction", TODAY),))
    assert changes[1:] == delivery.on_sent
    assert log[0].action == "introduktion skickat" and log[0].row_id == 1


def test_a_passing_fault_before_anything_went_out_clears_the_marker(config: Config) -> None:
    changes, _ = rules.settle(
        _intro(config), [Failed("421 försök igen", retry=True), NotAttempted()], TODAY
    )
    assert changes == (SetCells("newcomers", 1, (("introduction", None),)),)


def test_a_half_sent_introduction_is_held_for_a_person_and_never_resent(config: Config) -> None:
    changes, _ = rules.settle(
        _intro(config), [Sent(), Failed("550 <centrum@example.org> finns inte")], TODAY
    )
    ((_, stamp),) = changes[0].values
    assert isinstance(stamp, str) and stamp.startswith("Delvis skickat 2026-11-24")
    assert "centrum@example.org" not in stamp
    assert rules.read_stamp(stamp, TODAY).state is rules.StampState.HELD


# --- Follow-up -------------------------------------------------------------------------------


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
    (erase,) = [c for c in plan(config, followups=[called]).changes if c.tab == "followups"]
    assert isinstance(erase, SetCells) and erase.row_id == 5
    assert dict(erase.values) == {
        "name": None,
        "email": None,
        "phone": None,
        "note": None,
        "erased": TODAY,
    }
    early = _followup(followed_up=TODAY - 6 * DAY, result="Aktiv")
    assert not [c for c in plan(config, followups=[early]).changes if c.tab == "followups"]


def test_a_result_without_the_call_date_is_flagged_and_kept_until_the_date_is_written(
    config: Config,
) -> None:
    p = plan(config, followups=[_followup(result="Inte aktiv")])
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
    assert not [c for c in plan(config, followups=[done]).changes if c.tab == "followups"]
    (status,) = [c for c in rules.status_changes(tables(followups=[done]), TODAY, config)]
    assert dict(status.values)["status"] == (
        "Uppföljd: Ej nådd. Personuppgifterna raderade 2026-11-01."
    )


def test_the_followup_status_shows_the_window_and_when_it_is_overdue(config: Config) -> None:
    def status(row: dict[str, Any]) -> str:
        (change,) = rules.status_changes(tables(followups=[row]), TODAY, config)
        return str(dict(change.values)["status"])

    assert status(_followup(follow_up_from=TODAY + DAY, follow_up_by=TODAY + 15 * DAY)) == (
        "Uppföljningssamtal 2026-11-25–2026-12-09."
    )
    assert status(_followup()) == "Dags för uppföljningssamtal (2026-11-10–2026-11-24)."
    assert status(_followup(follow_up_by=TODAY - DAY)) == (
        "FÖRSENAT: uppföljningssamtal (senast 2026-11-23)."
    )
