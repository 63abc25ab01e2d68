"""Reading the workbook's tabs: names and headers that match one name twice stop the run."""

from __future__ import annotations

import pytest

from medlemsrutiner.errors import (
    DuplicateColumnError,
    DuplicateTabError,
    HeaderRowError,
    MissingColumnError,
)
from medlemsrutiner.sheet.schema import refuse_misplaced_headers, tables_from_grids
from tests.support import TAB_NAMES, newcomer, workbook_grids


def test_a_tab_whose_name_differs_only_in_case_or_spaces_is_refused_not_chosen() -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    grids[" intresserade "] = grids["Intresserade"][:1]  # an empty copy with the same name
    with pytest.raises(DuplicateTabError, match="'Intresserade' och ' intresserade '"):
        tables_from_grids(grids, TAB_NAMES)


def test_two_columns_with_the_same_header_are_refused_naming_the_tab_and_the_columns() -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    grids["Intresserade"][0].append("e-post ")
    with pytest.raises(DuplicateColumnError) as raised:
        tables_from_grids(grids, TAB_NAMES)
    message = str(raised.value)
    assert "'E-post'" in message and "'Intresserade'" in message and "D och Q" in message


def test_headers_under_a_title_row_are_found_and_the_message_says_to_remove_what_is_above() -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    grids["Intresserade"].insert(0, ["Intresserade – Amnesty Exempelstad"])
    with pytest.raises(HeaderRowError, match="står på rad 2, men ska stå på rad 1") as raised:
        tables_from_grids(grids, TAB_NAMES)
    assert "Ta bort raden ovanför" in str(raised.value)
    grids["Uppföljning"][0:0] = [[], ["Uppföljning"]]
    del grids["Intresserade"][0]
    with pytest.raises(HeaderRowError, match=r"'Uppföljning' står på rad 3.*raderna ovanför"):
        tables_from_grids(grids, TAB_NAMES)


def test_a_column_that_is_missing_everywhere_is_still_named_as_missing() -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    for row in grids["Intresserade"]:
        del row[0]  # the ID column
    with pytest.raises(MissingColumnError, match="Lägg till rubriken 'ID' på första raden"):
        tables_from_grids(grids, TAB_NAMES)


def test_init_is_refused_for_a_tab_whose_headers_stand_below_row_1_and_only_then() -> None:
    grids = workbook_grids(newcomers=[newcomer(1)])
    refuse_misplaced_headers(grids, TAB_NAMES)  # every header on row 1: nothing to say
    del grids["Logg"]  # a missing tab is init's to create
    grids["Grupper"] = [["ID"], *grids["Grupper"]]  # a stray word above: still refused
    with pytest.raises(HeaderRowError, match="'Grupper' står på rad 2"):
        refuse_misplaced_headers(grids, TAB_NAMES)
