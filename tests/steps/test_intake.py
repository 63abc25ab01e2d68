"""Deciding an import, pure: columns found by header, each row imported whole, already present
or refused with a reason; the form-answers tab's marks. Invented data only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlemsrutiner.sheet.changes import SetByKey
from medlemsrutiner.steps.intake import (
    NOT_IMPORTED,
    ImportVerdict,
    Known,
    known_people,
    map_columns,
    plan_form_intake,
    plan_intake,
)
from tests.support import TODAY, newcomer, tables_of

REGISTER_HEADER = ["Förnamn", "Efternamn", "Mejl", "Mobil", "Datum", "Medlemsnummer"]


def register(*rows: list[Any]) -> list[list[Any]]:
    return [REGISTER_HEADER, *rows]


def values_of(outcome: Any) -> dict[str, Any]:
    return dict(outcome.values)


# --- columns ----------------------------------------------------------------------------------


def test_first_and_last_name_mail_and_mobile_are_found_by_their_register_headers() -> None:
    columns = map_columns(REGISTER_HEADER)
    assert columns.columns == {
        "first_name": (0,),
        "last_name": (1,),
        "email": (2,),
        "phone": (3,),
        "registered": (4,),
    }
    assert columns.unused == ("Medlemsnummer",)
    assert columns.missing is None


def test_headers_match_whatever_their_case_spaces_and_a_trailing_star_or_colon() -> None:
    columns = map_columns(["  NAMN ", "E-post *", "telefonnummer:", "Vad heter din ort?"])
    assert set(columns.columns) == {"name", "email", "phone"}
    assert columns.unused == ("Vad heter din ort?",)


def test_the_configs_aliases_add_headers_and_win_over_the_built_in_ones() -> None:
    columns = map_columns(
        ["Namn", "Mobilnr", "Datum", "Vad vill du göra?"],
        {"phone": ["Mobilnr"], "consent": ["Datum"], "interests": ["Vad vill du göra?"]},
    )
    assert columns.columns == {"name": (0,), "phone": (1,), "consent": (2,), "interests": (3,)}


def test_a_file_without_a_way_to_reach_anyone_or_without_names_cannot_be_imported() -> None:
    assert "e-post eller telefon" in str(map_columns(["Namn", "Ort"]).missing)
    assert "namn" in str(map_columns(["E-post", "Telefon"]).missing)
    assert "rubriker" in str(map_columns(["Kim", "kim@example.org"]).missing)


# --- rows -------------------------------------------------------------------------------------


def test_a_register_row_becomes_one_whole_row_of_intresserade_without_an_id() -> None:
    intake = plan_intake(
        register(["Åsa", "Öberg", "Asa.Oberg@Example.se", "+46701740655", "2026-11-03", "7"]),
        Known(),
        TODAY,
    )
    assert [o.verdict for o in intake.outcomes] == [ImportVerdict.IMPORTED]
    (append,) = intake.appends
    assert append.tab == "newcomers"
    assert dict(append.values) == {
        "registered": dt.date(2026, 11, 3),
        "name": "Åsa Öberg",
        "email": "Asa.Oberg@example.se",  # as typed; only the domain is normalised
        "phone": "070-174 06 55",
    }
    assert "id" not in dict(append.values)


def test_a_row_without_a_date_leaves_registrerad_blank_for_the_daily_run() -> None:
    intake = plan_intake([["Namn", "E-post"], ["Kim Exempel", "kim@example.org"]], Known(), TODAY)
    assert "registered" not in values_of(intake.outcomes[0])


def test_rows_that_cannot_be_imported_say_why_by_row_number_without_quoting_a_cell() -> None:
    intake = plan_intake(
        register(
            ["", "", "namnlos@example.se", "", "", ""],
            ["Bo", "Exempel", "bo(at)example.se", "070-174 06 57", "", ""],
            ["Cia", "Exempel", "", "", "", ""],
            ["Dan", "Exempel", "", "ring mig", "", ""],
            ["Eva", "Exempel", "eva@example.se", "", "förra veckan", ""],
        ),
        Known(),
        TODAY,
    )
    refused = {o.row: o.reason for o in intake.rows(ImportVerdict.REFUSED)}
    assert refused == {
        2: "namn saknas",
        3: "e-postadressen går inte att läsa",
        4: "varken e-post eller telefon finns",
        5: "e-post saknas och telefonnumret går inte att läsa",
        6: "datumet (Registrerad) går inte att läsa",
    }
    assert not intake.appends
    for reason in refused.values():
        assert "example" not in reason and "Exempel" not in reason


def test_a_phone_that_cannot_be_read_is_kept_as_typed_when_there_is_an_address() -> None:
    intake = plan_intake(
        [["Namn", "E-post", "Telefon"], ["Kim Exempel", "kim@example.org", "070-174 06 05 kväll"]],
        Known(),
        TODAY,
    )
    assert values_of(intake.outcomes[0])["phone"] == "070-174 06 05 kväll"


def test_blank_rows_are_left_out_and_the_rows_keep_their_file_numbers() -> None:
    intake = plan_intake(
        [
            ["Namn", "E-post"],
            ["A Exempel", "a@example.org"],
            ["", ""],
            ["B Exempel", "b@example.org"],
        ],
        Known(),
        TODAY,
    )
    assert [o.row for o in intake.outcomes] == [2, 4]


def test_people_in_intresserade_or_uppfoljning_are_present_by_address_or_by_phone() -> None:
    tables = tables_of(
        newcomers=[newcomer(3, email="Kim@Example.org"), newcomer(None, email=None)],
        followups=[{"id": 1, "email": "rut@example.se", "phone": "070-174 06 60"}],
    )
    known = known_people(tables)
    intake = plan_intake(
        [
            ["Namn", "E-post", "Telefon"],
            ["Kim Exempel", "KIM@example.org", ""],
            ["Rut Exempel", "", "+46 70 174 06 60"],
            ["Rut Exempel", "ny@example.se", "070-174 06 60"],
            ["Ny Exempel", "", "070-174 06 10"],
        ],
        known,
        TODAY,
    )
    assert [(o.row, o.verdict, o.reason) for o in intake.outcomes] == [
        (2, ImportVerdict.PRESENT, "finns redan: ID 3 i Intresserade"),
        (3, ImportVerdict.PRESENT, "finns redan: ID 1 i Uppföljning"),
        (4, ImportVerdict.IMPORTED, ""),  # an address of its own: the phone is not compared
        (5, ImportVerdict.PRESENT, "finns redan: rad 3 i Intresserade"),  # the row without an ID
    ]


def test_the_same_person_twice_in_one_file_is_imported_once() -> None:
    intake = plan_intake(
        [["Namn", "E-post"], ["Kim Exempel", "kim@example.org"], ["Kim E.", "Kim@Example.org "]],
        Known(),
        TODAY,
    )
    assert [o.verdict for o in intake.outcomes] == [ImportVerdict.IMPORTED, ImportVerdict.PRESENT]
    assert intake.outcomes[1].reason == "finns redan: samma e-post som rad 2"


def test_language_place_interests_and_a_note_are_imported_and_a_ticked_consent_is_dated() -> None:
    header = ["Namn", "E-post", "Språk", "Ort", "Intressen", "Meddelande", "Samtycke", "Datum"]
    intake = plan_intake(
        [
            header,
            ["A Exempel", "a@example.org", "engelska", "Exempelby", "Flykt", "Hej", "Ja", "3/11"],
            ["B Exempel", "b@example.org", "", "", "", "Ring\nefter 17 ", "Nej", "3/11"],
            ["C Exempel", "c@example.org", "", "", "", "", "2026-10-01", "3/11"],
            ["D Exempel", "d@example.org", "", "", "", "", "Jag samtycker", ""],
        ],
        Known(),
        TODAY,
    )
    first, second, third, fourth = (values_of(o) for o in intake.outcomes)
    assert first == {
        "registered": dt.date(2026, 11, 3),
        "name": "A Exempel",
        "email": "a@example.org",
        "language": "en",
        "town": "Exempelby",
        "interests": "Flykt",
        "note": "Hej",
        "consent": dt.date(2026, 11, 3),
    }
    assert "consent" not in second
    assert second["note"] == "Ring\nefter 17"  # a message on several lines keeps them
    assert third["consent"] == dt.date(2026, 10, 1)
    assert fourth["consent"] == TODAY  # a ticked box without a date: consent given today


# --- the form-answers tab ---------------------------------------------------------------------

FORM_HEADER = ["Tidstämpel", "Namn", "E-postadress", "Telefonnummer", "Vad vill du göra?"]
ANSWERED = 46349.4375  # 2026-11-23 10:30 as a Sheets serial number


def form(*rows: list[Any], header: list[str] = FORM_HEADER) -> list[list[Any]]:
    return [header, *rows]


def marks_by_stamp(marks: tuple[SetByKey, ...]) -> dict[str, SetByKey]:
    return {dict(mark.key)["answered"]: mark for mark in marks}


def test_a_new_answer_is_imported_and_marked_by_its_time_stamp_erasing_the_rest() -> None:
    plan = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim@example.org", "070-174 06 05", "Skriva brev"]),
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    assert plan.problem is None
    assert plan.intake is not None and plan.intake.appends
    assert dict(plan.intake.appends[0].values)["registered"] == dt.date(2026, 11, 23)
    (mark,) = plan.marks
    assert mark.tab == "form_answers"
    assert mark.key == (("answered", "46349.4375"),)
    assert mark.values == (("imported", TODAY),)
    assert mark.expect == (("imported", ""),)
    assert mark.erase_rest
    assert plan.changes == (*plan.intake.appends, mark)


def test_answers_already_marked_are_never_read_again_whatever_the_workbook_holds() -> None:
    header = [*FORM_HEADER, "Importerad"]
    plan = plan_form_intake(
        form([ANSWERED, None, None, None, None, 46349], header=header),
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    assert plan.changes == () and plan.intake is not None and not plan.intake.outcomes


def test_an_answer_from_someone_present_is_marked_and_erased_without_a_new_row() -> None:
    plan = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim@example.org", "", ""]),
        "Formulärsvar 1",
        Known(emails={"kim@example.org": "ID 4 i Intresserade"}),
        TODAY,
        180,
    )
    assert plan.intake is not None and not plan.intake.appends
    (mark,) = plan.marks
    assert mark.values == (("imported", "2026-11-24: finns redan: ID 4 i Intresserade"),)
    assert mark.erase_rest


def test_an_answer_that_cannot_be_imported_says_why_in_importerad_and_is_tried_again() -> None:
    first = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim(at)example.org", "", ""]),
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    (mark,) = first.marks
    text = dict(mark.values)["imported"]
    assert str(text).startswith(f"{NOT_IMPORTED}: e-postadressen går inte att läsa.")
    assert not mark.erase_rest
    # The next run reads the mark, finds the same problem and writes nothing new.
    header = [*FORM_HEADER, "Importerad"]
    again = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim(at)example.org", "", "", text], header=header),
        "Formulärsvar 1",
        Known(),
        TODAY + dt.timedelta(days=1),
        180,
    )
    assert again.marks == ()
    assert again.intake is not None and again.intake.rows(ImportVerdict.REFUSED)
    # A person corrects the address: the answer is imported.
    fixed = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim@example.org", "", "", text], header=header),
        "Formulärsvar 1",
        Known(),
        TODAY + dt.timedelta(days=2),
        180,
    )
    assert fixed.intake is not None and len(fixed.intake.appends) == 1
    assert marks_by_stamp(fixed.marks)["46349.4375"].expect == (("imported", text),)


def test_an_answer_that_could_not_be_imported_is_erased_after_the_stale_period() -> None:
    plan = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim(at)example.org", "", ""]),
        "Formulärsvar 1",
        Known(),
        dt.date(2027, 5, 22),
        180,
    )
    (mark,) = plan.marks
    assert mark.erase_rest and str(dict(mark.values)["imported"]).startswith("Raderad 2027-05-22")
    assert plan.intake is not None and plan.intake.rows(ImportVerdict.ERASED)


def test_a_mark_typed_by_a_person_holds_the_answer() -> None:
    header = [*FORM_HEADER, "Importerad"]
    plan = plan_form_intake(
        form([ANSWERED, "Kim Exempel", "kim@example.org", "", "", "nej, testsvar"], header=header),
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    assert plan.changes == ()


def test_two_answers_with_one_time_stamp_are_not_imported_since_they_cannot_be_told_apart() -> None:
    plan = plan_form_intake(
        form(
            [ANSWERED, "A Exempel", "a@example.org", "", ""],
            [ANSWERED, "B Exempel", "b@example.org", "", ""],
        ),
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    assert plan.changes == ()
    assert plan.intake is not None
    assert {o.reason for o in plan.intake.rows(ImportVerdict.REFUSED)} == {
        "två svar har samma Tidstämpel"
    }


def test_an_english_form_tab_is_understood_too() -> None:
    plan = plan_form_intake(
        [["Timestamp", "Name", "Email address"], [ANSWERED, "Kim Exempel", "kim@example.org"]],
        "Form Responses 1",
        Known(),
        TODAY,
        180,
    )
    assert plan.problem is None and len(plan.marks) == 1


def test_a_missing_form_tab_or_time_stamp_column_is_a_problem_and_nothing_is_written() -> None:
    missing = plan_form_intake(None, "Formulärsvar 1", Known(), TODAY, 180)
    assert "finns inte" in str(missing.problem) and missing.changes == ()
    no_stamp = plan_form_intake(
        [["Namn", "E-post"], ["Kim Exempel", "kim@example.org"]],
        "Formulärsvar 1",
        Known(),
        TODAY,
        180,
    )
    assert "Tidstämpel" in str(no_stamp.problem) and no_stamp.changes == ()
