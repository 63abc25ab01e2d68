"""Reading the workbook: IDs for new rows, first sight, duplicates, unreadable cells."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.sheet.changes import AssignId, SetByKey, SetCells
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import read_records
from medlemsrutiner.steps.status import status_changes
from tests.support import (
    TODAY,
    deliveries_of,
    followup_of,
    newcomer,
    plan_of,
    records_of,
    tables_of,
)

DAY = dt.timedelta(days=1)


def test_a_row_without_id_gets_the_next_id_and_todays_date(config: Config) -> None:
    p = plan_of(
        config, newcomers=[newcomer(3), newcomer(None, registered=None, email="ny@example.se")]
    )
    (assign,) = [c for c in p.first_writes if isinstance(c, AssignId)]
    assert assign.row_id == 4
    assert dict(assign.values) == {"registered": TODAY}


def test_ids_are_never_reused_even_when_the_highest_row_was_deleted(config: Config) -> None:
    log = [{"time": "2026-11-01 07:00", "action": "ny rad", "id": 41, "detail": ""}]
    p = plan_of(config, newcomers=[newcomer(3), newcomer(None)], log=log)
    (assign,) = [c for c in p.first_writes if isinstance(c, AssignId)]
    assert assign.row_id == 42


def test_a_blank_registration_date_is_filled_with_the_day_the_row_was_first_seen(
    config: Config,
) -> None:
    p = plan_of(config, newcomers=[newcomer(5, registered=None)])
    assert SetCells("newcomers", 5, (("registered", TODAY),)) in p.first_writes


def test_two_rows_with_the_same_id_get_no_letters_and_are_flagged(config: Config) -> None:
    p = plan_of(config, newcomers=[newcomer(7), newcomer(7, email="other@example.se")])
    assert p.deliveries == ()
    assert any("finns på flera rader" in flag.text for flag in p.problems)


def test_an_unreadable_id_is_never_called_a_copy_and_a_shared_one_is(config: Config) -> None:
    rows = [newcomer(7), newcomer(7, email="other@example.se"), newcomer(None, id="12a")]
    p = plan_of(config, newcomers=rows)
    texts = [flag.text for flag in p.problems]
    unreadable = [t for t in texts if "ID ska vara ett heltal" in t]
    shared = [t for t in texts if "finns på flera rader" in t]
    assert len(unreadable) == 1 and len(shared) == 2
    assert "kopia" not in unreadable[0] and "Skriv personens ID som ett heltal" in unreadable[0]
    assert all("kopia" in t for t in shared)
    records = records_of(config, newcomers=rows)
    statuses = [
        str(dict(c.values)["status"])
        for c in status_changes(records, TODAY, config.settings)
        if isinstance(c, SetCells | SetByKey)
    ]
    (status,) = [t for t in statuses if t.startswith("Rätta ID: ID ska vara ett heltal")]
    assert "kopia" not in status and "Skriv personens ID som ett heltal" in status


def test_an_id_read_as_a_date_is_written_back_as_its_number(config: Config) -> None:
    day_74 = dt.datetime(1900, 3, 14)  # 74 in a cell formatted as a date, as an .xlsx reads
    p = plan_of(config, newcomers=[newcomer(None, id=day_74)])
    assert deliveries_of(p, "welcome")[0].row_id == 74
    assert SetCells("newcomers", 74, (("id", 74),), expect=(("id", "1900-03-14"),)) in (
        p.first_writes
    )


def test_the_input_tables_are_not_changed(config: Config) -> None:
    t = tables_of(
        newcomers=[newcomer(None, registered=None), newcomer(2, referred_to="Centrumgruppen")]
    )
    before = copy.deepcopy(t)
    records = read_records(t, TODAY, config.settings)
    plan_day(records, TODAY, config.settings)
    status_changes(records, TODAY, config.settings)
    assert t == before


def test_a_second_row_with_the_same_email_is_a_duplicate_and_is_never_welcomed(
    config: Config,
) -> None:
    p = plan_of(config, newcomers=[newcomer(1), newcomer(2, email="PERSON1@example.se")])
    assert [d.row_id for d in deliveries_of(p)] == [1]
    assert (
        SetCells("newcomers", 2, (("welcome", "Ej skickat: samma e-post som ID 1"),)) in p.changes
    )
    assert any(flag.row_id == 2 and "Dubblett av ID 1" in flag.text for flag in p.problems)


def test_a_new_row_repeating_a_person_welcomed_in_an_earlier_run_is_a_duplicate(
    config: Config,
) -> None:
    p = plan_of(
        config,
        newcomers=[
            newcomer(1, welcome=TODAY - 9 * DAY),
            newcomer(None, email="person1@example.se"),
        ],
    )
    assert deliveries_of(p) == []
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
    p = plan_of(
        config, newcomers=[moved, newcomer(9, email="person1@example.se")], followups=[followup]
    )
    assert deliveries_of(p) == []
    assert any(flag.row_id == 9 and "Dubblett av ID 1" in flag.text for flag in p.problems)


# --- Which row is the original: the one the routine reached first, never simply the lower ID ---


def _duplicates(
    config: Config, *rows: dict[str, Any], followups: list[dict[str, Any]] | None = None
) -> dict[int | None, int]:
    """ID -> the ID it is a duplicate of, for every duplicate row."""
    records = records_of(config, newcomers=list(rows), followups=followups or [])
    return {n.id: n.duplicate_of for n in records.newcomers if n.duplicate_of is not None}


def test_the_welcomed_row_is_the_original_whatever_its_id(config: Config) -> None:
    welcomed = newcomer(9, TODAY - 5 * DAY, welcome=TODAY - 4 * DAY)
    newer = newcomer(2, TODAY, email="PERSON9@example.se")
    assert _duplicates(config, newer, welcomed) == {2: 9}
    plan = plan_of(config, newcomers=[newer, welcomed])
    assert deliveries_of(plan) == []


def test_of_two_rows_welcomed_the_earlier_welcome_is_the_original(config: Config) -> None:
    early = newcomer(8, TODAY - 9 * DAY, welcome=TODAY - 8 * DAY)
    late = newcomer(3, TODAY - 9 * DAY, welcome=TODAY - 2 * DAY, email="person8@example.se")
    assert _duplicates(config, late, early) == {3: 8}


def test_of_rows_not_welcomed_the_one_registered_first_is_the_original(config: Config) -> None:
    first = newcomer(7, TODAY - 3 * DAY)
    second = newcomer(4, TODAY - DAY, email="person7@example.se")
    tie = newcomer(6, TODAY - 3 * DAY, email="person7@example.se")
    assert _duplicates(config, second, first, tie) == {4: 6, 7: 6}  # a tie: the lower ID
    (welcome,) = deliveries_of(plan_of(config, newcomers=[second, first, tie]))
    assert welcome.row_id == 6


def test_a_refused_or_withheld_welcome_is_no_welcome(config: Config) -> None:
    refused = newcomer(5, TODAY - 3 * DAY, welcome="Fel 2026-11-21: 550 okänd mottagare")
    registered_first = newcomer(8, TODAY - 4 * DAY, email="person5@example.se")
    assert _duplicates(config, refused, registered_first) == {5: 8}


def test_a_person_being_introduced_or_in_uppfoljning_comes_before_a_welcomed_row(
    config: Config,
) -> None:
    welcomed = newcomer(2, TODAY - 9 * DAY, welcome=TODAY - 8 * DAY)
    # Introduced yesterday: the run that sent it stopped before the move.
    introduced = newcomer(
        5, TODAY - 3 * DAY, email="person2@example.se", referred_to="Centrumgruppen",
        call=TODAY - DAY, introduction=TODAY - DAY,
    )  # fmt: skip
    assert _duplicates(config, welcomed, introduced) == {2: 5}
    in_followups = {**followup_of(11, TODAY - 20 * DAY), "email": "PERSON2@example.se"}
    assert _duplicates(config, welcomed, introduced, followups=[in_followups]) == {2: 11, 5: 11}


def test_a_row_whose_id_is_on_two_rows_still_holds_its_address(config: Config) -> None:
    copies = [newcomer(4, TODAY - 9 * DAY, welcome=TODAY - 8 * DAY)] * 2
    newer = newcomer(12, TODAY, email="person4@example.se")
    assert _duplicates(config, *copies, newer) == {12: 4}
    assert deliveries_of(plan_of(config, newcomers=[*copies, newer])) == []


def test_a_date_typed_as_day_and_month_is_understood(config: Config) -> None:
    (welcome,) = deliveries_of(plan_of(config, newcomers=[newcomer(1, registered="22/11")]))
    assert welcome.due_since == dt.date(2026, 11, 22)


def test_an_unreadable_registration_date_flags_the_row_and_the_rest_proceeds(
    config: Config,
) -> None:
    p = plan_of(config, newcomers=[newcomer(1, registered="igår"), newcomer(2)])
    assert [d.row_id for d in deliveries_of(p)] == [2]
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
    p = plan_of(config, newcomers=[newcomer(1)], trainings=trainings)
    assert [t.title for t in p.shared.trainings] == ["A", "B", "C"]
    assert any(flag.tab == "trainings" for flag in p.flags)


def test_texts_are_read_from_the_texts_tab_and_missing_keys_are_empty(config: Config) -> None:
    p = plan_of(config, texts=[{"key": " Aktuell_Aktion ", "text": "Skriv under!"}])
    assert p.shared.texts["aktuell_aktion"] == "Skriv under!"
    assert p.shared.texts["lokal_information"] == ""


def test_english_texts_and_training_titles_are_read_beside_the_swedish_ones(
    config: Config,
) -> None:
    p = plan_of(
        config,
        texts=[
            {"key": "lokal_information", "text": "Vi träffas.", "text_en": " We meet. "},
            {"key": "aktuell_aktion", "text": "Skriv under!"},
        ],
        trainings=[
            {
                "date": TODAY + DAY,
                "title": "Grundkurs",
                "description": "Om Amnesty.",
                "title_en": "Basic course",
                "description_en": "About Amnesty.",
            }
        ],
    )
    assert p.shared.texts["lokal_information"] == "Vi träffas."
    assert p.shared.texts_en["lokal_information"] == "We meet."
    assert p.shared.texts_en["aktuell_aktion"] == "" and p.shared.texts_en["signatur"] == ""
    [training] = p.shared.trainings
    assert (training.title_en, training.description_en) == ("Basic course", "About Amnesty.")
