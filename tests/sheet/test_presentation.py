"""The look of the workbook, as data: widths, formats, dropdowns and the colours of Status."""

from __future__ import annotations

import pytest

from medlemsrutiner.sheet import letter_kinds, stamps
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.schema import TABS, TABS_BY_KEY, Tab, column_letter
from medlemsrutiner.sheet.stamp_words import Said, stamp_words
from medlemsrutiner.sheet.stamps import read_stamp
from medlemsrutiner.sheet.words import Alternative, Outcome
from tests.support import TODAY


@pytest.mark.parametrize("tab", TABS, ids=lambda tab: tab.key)
def test_every_column_is_wide_enough_for_its_bold_header(tab: Tab) -> None:
    for column in tab.columns:
        assert look.column_look(tab, column).width >= len(column.header) + 4, column.header


@pytest.mark.parametrize("tab", TABS, ids=lambda tab: tab.key)
def test_date_columns_show_yyyy_mm_dd_and_are_wide_enough_for_it(tab: Tab) -> None:
    for column in tab.columns:
        column_look = look.column_look(tab, column)
        if column.kind == "date":
            assert column_look.number_format == "yyyy-mm-dd"
            assert column_look.width >= len("2026-11-24") + 2
        elif column.kind != "percent":
            assert column_look.number_format is None


def test_status_and_notes_wrap_and_short_columns_do_not() -> None:
    newcomers = TABS_BY_KEY["newcomers"]
    assert look.column_look(newcomers, newcomers.column("status")).wrap
    assert look.column_look(newcomers, newcomers.column("note")).wrap
    assert not look.column_look(newcomers, newcomers.column("email")).wrap
    followups = TABS_BY_KEY["followups"]
    assert look.column_look(followups, followups.column("status")).wrap


def test_a_header_is_found_whatever_its_case_and_spacing() -> None:
    newcomers = TABS_BY_KEY["newcomers"]
    assert look.look_of_header(newcomers, "  hänvisad   TILL ") == look.column_look(
        newcomers, newcomers.column("referred_to")
    )
    assert look.look_of_header(newcomers, "Egen kolumn") is None


def test_the_referral_dropdown_offers_the_groups_then_the_alternatives_and_outcomes() -> None:
    choices = look.dropdown_choices("newcomers", "referred_to", ["Centrumgruppen", "Studenter"])
    assert choices == (
        "Centrumgruppen",
        "Studenter",
        *(a.value for a in Alternative),
        *(o.value for o in Outcome),
    )
    assert "Avböjt" in choices and "Ej nådd" in choices


def test_result_language_and_active_have_dropdowns_and_other_columns_none() -> None:
    assert look.dropdown_choices("followups", "result", []) == ("Aktiv", "Inte aktiv", "Ej nådd")
    assert look.dropdown_choices("newcomers", "language", []) == ("sv", "en")
    assert look.dropdown_choices("groups", "active", []) == ("ja", "nej")
    assert look.dropdown_choices("newcomers", "name", ["Centrumgruppen"]) == ()
    assert [c.name for c in look.dropdown_columns(TABS_BY_KEY["newcomers"])] == [
        "language",
        "referred_to",
    ]


def test_active_groups_leave_out_inactive_blank_and_repeated_names() -> None:
    grid = [
        ["Kontaktperson", "Aktiv", " grupp "],
        ["Rut", "ja", "Centrumgruppen"],
        ["Siv", "nej", "Vilande"],
        ["Bo", "", "Filmgruppen"],
        ["Per", "kanske", "Skrivargruppen"],
        ["", "ja", ""],
        ["Rut", "ja", "Centrumgruppen"],
    ]
    assert look.active_groups(grid) == ["Centrumgruppen", "Filmgruppen", "Skrivargruppen"]
    assert look.active_groups([["Namn"], ["Centrumgruppen"]]) == []
    assert look.active_groups(None) == []


@pytest.mark.parametrize(
    ("status", "urgency"),
    [
        ("Välkomstbrev skickat 2026-11-04. FÖRSENAT: ring (senast 2026-11-10).", "act_now"),
        ("FÖRSENAT: uppföljningssamtal (senast 2026-11-16).", "act_now"),
        ("Rätta E-post: e-postadressen är inte giltig. Ring senast 2026-11-29.", "act_now"),
        ("Fyll i E-post: utan adress går inga brev ut.", "act_now"),
        ("Dubblett av ID 30 (samma e-post): inga brev skickas. Ta bort raden.", "act_now"),
        ("KONTROLLERA Välkomstbrev: utskicket avbröts (Skickar… 2026-11-24 07:00).", "act_now"),
        ("Gruppen 'Filmgruppen' saknar giltig e-post till kontaktpersonen (Grupper).", "act_now"),
        ("Gruppen 'Kvinnorättsgruppen' är inte aktiv: välj en annan grupp.", "act_now"),
        ("Välkomstbrev skickat 2026-11-24. Ring senast 2026-12-01.", "to_do"),
        ("Dags för uppföljningssamtal (2026-11-14–2026-11-28).", "to_do"),
        ("Samtal gjort: fyll i Hänvisad till (grupp, alternativ, Avböjt eller Ej nådd).", "to_do"),
        ("Klar: hänvisad till Centrumgruppen 2026-11-24. Följs upp i fliken Uppföljning.", "done"),
        ("Avböjt. Personuppgifterna är raderade.", "done"),
        ("Var dubblett av ID 3 (samma e-post). Personuppgifterna raderade 2026-11-24.", "done"),
        ("Inte klar i tid. Personuppgifterna raderade 2026-11-24.", "done"),
        ("Ingen kontakt. Personuppgifterna raderade 2026-11-24.", "done"),
        ("Personuppgifterna raderade på begäran 2026-11-24.", "done"),
        ("Uppföljd: Aktiv. Personuppgifterna raderas 2026-12-01.", "done"),
        ("Uppföljningssamtal 2026-12-05–2026-12-19.", None),
        ("Introduktion skickas vid nästa körning.", None),
    ],
)
def test_status_texts_get_the_colour_of_their_urgency(status: str, urgency: str | None) -> None:
    colour = look.status_colour_of(status)
    assert (colour.urgency.value if colour else None) == urgency


def test_the_status_colours_are_red_yellow_grey_in_that_order() -> None:
    assert [c.urgency for c in look.STATUS_COLOURS] == [
        look.Urgency.ACT_NOW,
        look.Urgency.TO_DO,
        look.Urgency.DONE,
    ]
    backgrounds = [c.background for c in look.STATUS_COLOURS]
    assert len(set(backgrounds)) == 3
    assert all(len(b) == 6 and int(b, 16) >= 0 for b in backgrounds)


def test_a_status_formula_finds_each_word_case_sensitively_in_the_first_cell() -> None:
    colour = look.STATUS_COLOURS[1]
    formula = look.status_formula(colour, "N2")
    assert formula.startswith("OR(") and formula.count("FIND(") == len(colour.words)
    assert 'ISNUMBER(FIND("Ring senast",N2))' in formula
    single = look.StatusColour(look.Urgency.DONE, "E7E7E7", ("Klar:",))
    assert look.status_formula(single, "P2") == 'ISNUMBER(FIND("Klar:",P2))'


def test_column_letters_follow_the_spreadsheet_alphabet() -> None:
    assert [column_letter(i) for i in (0, 13, 25, 26, 27, 701, 702)] == [
        "A",
        "N",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_wrapped_text_makes_the_row_high_enough_and_one_line_keeps_the_default() -> None:
    assert look.text_lines("Ring senast 2026-12-01.", 60) == 1
    assert look.row_height(1) is None
    long = " ".join(["Välkomstbrev skickat 2026-11-24."] * 6)
    lines = look.text_lines(long, 60)
    assert lines >= len(long) / 70
    assert look.row_height(lines) == lines * look.LINE_HEIGHT
    assert look.text_lines("rad ett\nrad två", 60) == 2


# Lines LibreOffice wrapped these texts into in columns 20, 40, 50 and 60 wide (measured in a
# PDF export, where it shows Calibri as DejaVu Sans). A date is broken at its hyphen too.
LIBREOFFICE_LINES = {
    "Uppgifterna bekräftade 2026-08-26 (ny påminnelse 2027-02-22).": (4, 2, 2, 1),
    "Påminnelse skickad 2026-11-24: skriv datumet i Bekräftad när gruppen svarat.": (4, 2, 2, 2),
    "Vilande (Aktiv = nej). 1 intresserade är hänvisade hit: välj en annan grupp åt dem.": (
        4, 2, 2, 2,
    ),
    "Välkomstbrev skickat 2026-11-04. FÖRSENAT: ring (senast 2026-11-10). Raderas senast "
    "2027-05-23.": (5, 3, 2, 2),
    "0123456789" * 6: (4, 2, 2, 2),
}  # fmt: skip


@pytest.mark.parametrize("text", LIBREOFFICE_LINES)
def test_the_row_height_estimate_wraps_as_libreoffice_does(text: str) -> None:
    estimated = tuple(look.text_lines(text, width) for width in (20, 40, 50, 60))
    assert estimated == LIBREOFFICE_LINES[text]


def test_a_word_longer_than_its_column_is_broken_inside_and_spaces_may_hang_over() -> None:
    assert look.text_lines("kontaktpersonen", 8) == 2  # 13 digits wide, 7 to a line
    assert look.text_lines("ja " + " " * 40, 12) == 1


def test_the_usual_status_texts_fit_one_line_so_no_date_is_broken_at_its_hyphen() -> None:
    usual = {
        "newcomers": "Välkomstbrev skickat 2026-11-04. FÖRSENAT: ring (senast 2026-11-10). "
        "Raderas senast 2027-05-23.",
        "followups": "Uppföljd: Inte aktiv. Återvärvningsbrev skickat 2026-11-24. "
        "Personuppgifterna raderade 2026-11-24.",
        "groups": "Uppgifterna bekräftade 2026-08-26 (ny påminnelse 2027-02-22).",
    }
    for key, text in usual.items():
        tab = TABS_BY_KEY[key]
        width = look.column_look(tab, tab.column("status")).width
        assert width >= 40 and look.text_lines(text, width) == 1, key


def test_grupper_wraps_what_a_group_types_and_shows_its_status_wide() -> None:
    groups = TABS_BY_KEY["groups"]
    for name in ("meets", "works_on", "status"):
        assert look.column_look(groups, groups.column(name)).wrap, name
    assert look.column_look(groups, groups.column("status")).width >= 40
    assert "groups" in look.STATUS_TABS


def test_a_new_workbook_shows_status_beside_the_name_within_140_characters() -> None:
    for key in ("newcomers", "followups"):
        tab = TABS_BY_KEY[key]
        columns = look.layout(tab)
        assert [c.name for c in columns[:3]] == ["id", "name", "status"]
        assert sorted(c.name for c in columns) == sorted(tab.column_names)  # none lost
        before = columns[: [c.name for c in columns].index("status")]
        assert sum(look.column_look(tab, c).width for c in before) <= 140
        assert look.freeze_cell(tab, look.layout_headers(tab)) == "C2"
    assert look.layout_headers(TABS_BY_KEY["log"]) == TABS_BY_KEY["log"].headers
    assert list(look.workbook_tabs({t.key: t.default_name for t in TABS})) == [
        t.default_name for t in TABS
    ]


def test_the_name_columns_stay_in_view_where_they_are_near_the_left_edge() -> None:
    newcomers = TABS_BY_KEY["newcomers"]
    assert look.frozen_columns(newcomers, newcomers.headers) == 3  # ID, Registrerad, Namn
    assert look.frozen_columns(newcomers, ["Namn", "ID", "E-post"]) == 2
    far = ["ID", "E-post", "Telefon", "Intressen", "Namn"]
    assert look.frozen_columns(newcomers, far) == 0  # too wide to keep in view
    assert look.frozen_columns(newcomers, ["E-post"]) == 0
    assert look.freeze_cell(TABS_BY_KEY["groups"], TABS_BY_KEY["groups"].headers) == "B2"
    assert look.freeze_cell(TABS_BY_KEY["log"], TABS_BY_KEY["log"].headers) == "A2"


def test_shares_show_as_whole_percentages_the_swedish_way() -> None:
    statistics = TABS_BY_KEY["statistics"]
    share = look.column_look(statistics, statistics.column("share_active"))
    assert share.number_format == look.PERCENT_FORMAT == "0 %"


STAMP_CELLS = {
    Said.MARKER: "Skickar… 2026-11-24 07:00",
    Said.PARTLY_FAILED: stamps.partial(TODAY, ["introduction_group"], "550 okänd mottagare"),
    Said.REFUSED: stamps.error(TODAY, "550 okänd mottagare"),
    Said.UNREADABLE: 1,
}
"""The states of a stamp cell a person must put right (sheet/stamp_words.py words them)."""


@pytest.mark.parametrize("state", list(STAMP_CELLS))
@pytest.mark.parametrize("column", letter_kinds.stamp_columns(), ids=lambda c: c.header)
def test_a_stamp_a_person_must_put_right_turns_status_red(
    state: Said, column: letter_kinds.StampColumn
) -> None:
    said = stamp_words(read_stamp(STAMP_CELLS[state], TODAY), column)
    assert said is not None
    colour = look.status_colour_of(said.sv)
    assert colour is not None and colour.urgency is look.Urgency.ACT_NOW, said.sv
