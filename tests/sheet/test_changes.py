"""Writes are addressed by ID and resolved against what the sheet holds now."""

from __future__ import annotations

from typing import Any

from medlemsrutiner.sheet.changes import (
    AppendRow,
    AssignId,
    Change,
    ErasedRow,
    HideRows,
    RowVisibility,
    SetByKey,
    SetCells,
    apply,
    fingerprint_of,
    resolve,
)
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from tests.support import TAB_NAMES, grid, newcomer, workbook_grids


def sheet(rows: list[dict[str, Any]], headers: list[str] | None = None) -> dict[str, Any]:
    grids: dict[str, Any] = workbook_grids()
    grids["Intresserade"] = grid("newcomers", rows, headers=headers)
    return grids


def cell(grids: dict[str, Any], row_id: int, header: str) -> Any:
    rows = grids["Intresserade"]
    column = rows[0].index(header)
    (row,) = [r for r in rows[1:] if r and r[0] == row_id]
    return row[column] if column < len(row) else None


def test_a_write_lands_where_the_id_is_now_and_a_vanished_id_gets_none() -> None:
    before = sheet([newcomer(1), newcomer(2), newcomer(3)])
    now = sheet([newcomer(3), newcomer(1)])  # sorted, and 2 deleted
    changes = [SetCells("newcomers", i, (("status", f"till {i}"),)) for i in (1, 2, 3)]
    resolution = resolve(changes, now, TAB_NAMES)
    after = apply(now, resolution)
    assert cell(after, 1, "Status") == "till 1" and cell(after, 3, "Status") == "till 3"
    assert [s.reason for s in resolution.skipped] == ["ID finns inte längre"]
    assert before != now


def test_an_id_on_two_rows_gets_no_write_at_all() -> None:
    grids = sheet([newcomer(4), newcomer(4, email="kopia@example.se")])
    resolution = resolve([SetCells("newcomers", 4, (("status", "x"),))], grids, TAB_NAMES)
    assert resolution.writes == () and resolution.skipped[0].reason == "ID finns på flera rader"


def test_a_new_row_is_found_by_its_content_and_a_row_edited_meanwhile_waits() -> None:
    record = {name: None for name in NEWCOMERS.column_names} | {
        "name": "Ny",
        "email": "ny@example.se",
    }
    print_ = fingerprint_of(NEWCOMERS, record)
    moved = sheet([newcomer(1), {"name": "Ny", "email": "ny@example.se"}])
    resolution = resolve([AssignId("newcomers", print_, 2)], moved, TAB_NAMES)
    assert apply(moved, resolution)["Intresserade"][2][0] == 2
    edited = sheet([newcomer(1), {"name": "Ny", "email": "annan@example.se"}])
    assert resolve([AssignId("newcomers", print_, 2)], edited, TAB_NAMES).writes == ()


def test_optional_columns_the_sheet_lacks_are_left_out_and_the_rest_lands() -> None:
    headers = [
        "ID",
        "Registrerad",
        "Namn",
        "E-post",
        "Telefon",
        "Välkomstbrev",
        "Samtal",
        "Hänvisad till",
        "Introduktion",
        "Status",
    ]  # no Ort, Intressen, Anteckning
    grids = sheet([newcomer(1)], headers=headers)
    erase = SetCells("newcomers", 1, tuple((name, None) for name in NEWCOMERS.personal_columns))
    resolution = resolve([erase], grids, TAB_NAMES)
    after = apply(grids, resolution)
    assert resolution.skipped == ()
    assert cell(after, 1, "Namn") is None and cell(after, 1, "E-post") is None


def test_a_missing_required_column_skips_the_write_and_says_which() -> None:
    headers = ["ID", "Namn", "E-post"]
    grids = sheet([newcomer(1)], headers=headers)
    resolution = resolve([SetCells("newcomers", 1, (("status", "x"),))], grids, TAB_NAMES)
    assert resolution.writes == () and resolution.skipped[0].reason == "kolumnen Status saknas"


def test_compare_and_set_skips_a_cell_that_changed_since_the_read() -> None:
    grids = sheet([newcomer(1, welcome="2026-11-24"), newcomer(2)])
    markers = [
        SetCells(
            "newcomers", i, (("welcome", "Skickar… 2026-11-24 07:00"),), expect=(("welcome", ""),)
        )
        for i in (1, 2)
    ]
    resolution = resolve(markers, grids, TAB_NAMES)
    assert [c.row_id for c in resolution.landed] == [2]  # type: ignore[union-attr]
    assert resolution.skipped[0].reason == "cellen ändrades under körningen"


def test_appended_rows_follow_the_last_row_and_can_be_addressed_in_the_same_batch() -> None:
    grids = workbook_grids(followups=[{"id": 1, "referred_to": "Centrumgruppen"}])
    resolution = resolve(
        [
            AppendRow("followups", (("id", 9), ("referred_to", "Skrivargruppen"))),
            SetCells("followups", 9, (("status", "ny"),)),
        ],
        grids,
        TAB_NAMES,
    )
    rows = apply(grids, resolution)["Uppföljning"]
    assert rows[2][0] == 9 and rows[2][FOLLOWUPS.column_names.index("status")] == "ny"
    assert resolution.appended_rows == {"Uppföljning": 1}


# --- Writes addressed by key (tabs without IDs) ------------------------------------------------


def _groups(*names: str) -> dict[str, Any]:
    grids: dict[str, Any] = workbook_grids()
    grids["Grupper"] = grid("groups", [{"group": name, "contact": "K"} for name in names])
    return grids


def _reminder(grids: dict[str, Any], name: str) -> Any:
    rows = grids["Grupper"]
    group, reminder = rows[0].index("Grupp"), rows[0].index("Påminnelse")
    (row,) = [r for r in rows[1:] if r and r[group] == name]
    return row[reminder] if reminder < len(row) else None


def test_a_key_addressed_write_lands_on_the_row_whose_key_reads_so_now() -> None:
    now = _groups("Studentgruppen", " centrumgruppen ", "Skrivargruppen")  # sorted, retyped
    change = SetByKey("groups", (("group", "Centrumgruppen"),), (("reminder", "2026-11-24"),))
    resolution = resolve([change], now, TAB_NAMES)
    after = apply(now, resolution)
    assert _reminder(after, " centrumgruppen ") == "2026-11-24"
    assert _reminder(after, "Studentgruppen") is None and _reminder(after, "Skrivargruppen") is None


def test_a_key_that_is_gone_or_twice_gets_no_write() -> None:
    now = _groups("Centrumgruppen", "Centrumgruppen", "Skrivargruppen")
    changes = [
        SetByKey("groups", (("group", "Centrumgruppen"),), (("reminder", "x"),)),
        SetByKey("groups", (("group", "Borttagna gruppen"),), (("reminder", "x"),)),
    ]
    resolution = resolve(changes, now, TAB_NAMES)
    assert resolution.writes == ()
    assert [s.reason for s in resolution.skipped] == [
        "raden finns flera gånger",
        "raden finns inte längre",
    ]


def test_a_key_addressed_write_compares_before_it_sets() -> None:
    now = _groups("Centrumgruppen")
    change = SetByKey(
        "groups", (("group", "Centrumgruppen"),), (("reminder", "ny"),), expect=(("reminder", "x"),)
    )
    resolution = resolve([change], now, TAB_NAMES)
    assert (
        resolution.writes == ()
        and resolution.skipped[0].reason == "cellen ändrades under körningen"
    )


# --- the form-answers tab: an inbox emptied by key ---------------------------------------------

FORM_TABS = {**TAB_NAMES, "form_answers": "Formulärsvar 1"}


def form_grids(*rows: list[Any], header: list[Any] | None = None) -> dict[str, Any]:
    grids: dict[str, Any] = workbook_grids()
    grids["Formulärsvar 1"] = [
        header or ["Tidstämpel", "Namn", "E-postadress", "Anteckning om svaret"],
        *[list(row) for row in rows],
    ]
    return grids


def mark(stamp: str, text: Any, expect: str = "", erase: bool = True) -> SetByKey:
    return SetByKey(
        "form_answers",
        (("answered", stamp),),
        (("imported", text),),
        expect=(("imported", expect),),
        erase_rest=erase,
    )


def test_a_handled_answer_keeps_only_its_time_stamp_and_the_added_importerad_column() -> None:
    grids = form_grids(
        [46349.25, "Kim Exempel", "kim@example.org", "ring efter fem"],
        [46349.5, "Rut Exempel", "rut@example.se"],
    )
    resolution = resolve([mark("46349.25", "2026-11-24")], grids, FORM_TABS)
    after = apply(grids, resolution)["Formulärsvar 1"]
    assert after[0] == ["Tidstämpel", "Namn", "E-postadress", "Anteckning om svaret", "Importerad"]
    assert after[1] == [46349.25, None, None, None, "2026-11-24"]
    assert after[2] == [46349.5, "Rut Exempel", "rut@example.se"]


def test_a_mark_without_erasing_leaves_the_answer_for_a_person_to_correct() -> None:
    grids = form_grids([46349.25, "Kim Exempel", "kim(at)example.org"])
    resolution = resolve([mark("46349.25", "Ej importerad: …", erase=False)], grids, FORM_TABS)
    after = apply(grids, resolution)["Formulärsvar 1"]
    assert after[1] == [46349.25, "Kim Exempel", "kim(at)example.org", None, "Ej importerad: …"]


def test_a_mark_lands_nowhere_when_another_run_marked_the_answer_first() -> None:
    header = ["Tidstämpel", "Namn", "Importerad"]
    grids = form_grids([46349.25, None, 46350], header=header)
    resolution = resolve([mark("46349.25", "2026-11-24")], grids, FORM_TABS)
    assert resolution.writes == ()
    assert resolution.skipped[0].reason == "cellen ändrades under körningen"


def test_an_english_form_tab_is_addressed_by_its_timestamp_header() -> None:
    grids = form_grids([46349.25, "Kim Exempel"], header=["Timestamp", "Name"])
    resolution = resolve([mark("46349.25", "2026-11-24")], grids, FORM_TABS)
    assert apply(grids, resolution)["Formulärsvar 1"][1] == [46349.25, None, "2026-11-24"]


# --- erasure: what a backend removes with the data ---------------------------------------------


def test_a_write_blanking_every_personal_column_the_sheet_has_erases_the_row() -> None:
    # This sheet has no Ort, Intressen or Anteckning: Namn, E-post and Telefon are all there is.
    headers = ["ID", "Registrerad", "Namn", "E-post", "Telefon", "Status"]
    grids = sheet([newcomer(1), newcomer(2), newcomer(3)], headers=headers)
    blank = tuple((name, None) for name in NEWCOMERS.personal_columns)
    changes: list[Change] = [
        SetCells("newcomers", 2, blank),  # every personal column: an erasure
        SetCells("newcomers", 3, (("name", None), ("status", "x"))),  # a cell, no erasure
        SetByKey("newcomers", (("email", "person1@example.se"),), (("email", ""),), every=True),
    ]
    resolution = resolve(changes, grids, TAB_NAMES)
    assert resolution.erased_rows == (ErasedRow("Intresserade", 2),)


def test_a_person_erased_on_every_row_by_content_and_an_emptied_answer_are_erasures() -> None:
    blank = tuple((name, None) for name in NEWCOMERS.personal_columns)
    grids = sheet([newcomer(7), newcomer(8), newcomer(7)])
    key = (("email", "person7@example.se"),)
    resolution = resolve([SetByKey("newcomers", key, blank, every=True)], grids, TAB_NAMES)
    assert resolution.erased_rows == (ErasedRow("Intresserade", 1), ErasedRow("Intresserade", 3))
    answers = form_grids([46349.25, "Kim Exempel", "kim@example.org"])
    kept = resolve([mark("46349.25", "Ej importerad: …", erase=False)], answers, FORM_TABS)
    emptied = resolve([mark("46349.25", "2026-11-24")], answers, FORM_TABS)
    assert kept.erased_rows == ()
    assert emptied.erased_rows == (ErasedRow("Formulärsvar 1", 1),)


def _finished(row_id: int) -> dict[str, Any]:
    return newcomer(row_id) | {name: None for name in NEWCOMERS.personal_columns}


def test_rows_are_hidden_and_shown_where_their_ids_are_now() -> None:
    now = sheet([newcomer(2), _finished(3), {"name": "Utan ID"}, _finished(1)])
    change = HideRows("newcomers", frozenset({1, 3}), NEWCOMERS.personal_columns)
    resolution = resolve([change], now, TAB_NAMES)
    assert resolution.visibility == (
        RowVisibility("Intresserade", 1, False),
        RowVisibility("Intresserade", 2, True),
        RowVisibility("Intresserade", 3, False),  # someone is typing it: always in view
        RowVisibility("Intresserade", 4, True),
    )
    assert resolution.writes == () and resolution.landed == (change,)


def test_a_row_typed_into_meanwhile_or_an_id_on_two_rows_is_shown() -> None:
    now = sheet([newcomer(1), _finished(2), _finished(2)])
    change = HideRows("newcomers", frozenset({1, 2}), NEWCOMERS.personal_columns)
    assert not any(v.hidden for v in resolve([change], now, TAB_NAMES).visibility)
