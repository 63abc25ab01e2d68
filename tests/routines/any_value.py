"""What the tests of any value in any cell share (`test_any_cell.py`, `test_any_cell_command.py`):
a valid workbook with people in every stage, the values Hypothesis draws, and the edit that puts
them into cells (blocks blanked below as a merge reads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from tests.support import TODAY, newcomer, workbook_grids

DAY = dt.timedelta(days=1)


def base_grids() -> dict[str, list[list[Any]]]:
    """A valid workbook with people in every stage."""
    old = TODAY - 70 * DAY
    return workbook_grids(
        newcomers=[
            newcomer(None, registered=None, email="ny@example.se"),
            newcomer(1, welcome=TODAY - 2 * DAY),
            newcomer(2, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="Centrumgruppen"),
            newcomer(3, welcome=TODAY - 3 * DAY, call=TODAY, referred_to="Webbaktioner"),
            newcomer(4, registered=TODAY - 40 * DAY, call=TODAY - 35 * DAY, referred_to="Avböjt"),
            newcomer(5, registered=TODAY - 10 * DAY, consent=TODAY - 5 * DAY, language="en"),
        ],
        followups=[
            {
                "id": 10 + i,
                "name": f"Testa Uppföljd{i}",
                "email": f"uppfoljd{i}@example.se",
                "phone": "070-174 06 40",
                "referred_to": "Skrivargruppen",
                "referred": old,
                "follow_up_from": old + 56 * DAY,
                "follow_up_by": old + 70 * DAY,
                "followed_up": TODAY - 8 * DAY if i == 2 else None,
                "result": ("", "Inte aktiv", "Aktiv")[i],
            }
            for i in range(3)
        ],
        trainings=[
            {"date": TODAY + 10 * DAY, "title": "Grundkurs", "signup": "https://example.org"}
        ],
        texts=[{"key": "lokal_information", "text": "Vi träffas varje tisdag."}],
    )


XLSX_SAFE = st.characters(
    codec="utf-8",  # no lone surrogates
    exclude_characters="".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))),
)
"""Characters a .xlsx file can hold (openpyxl refuses other control characters)."""


def values(alphabet: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    text = st.text(alphabet) if alphabet is not None else st.text()
    return st.one_of(
        st.none(),
        text,
        st.text(alphabet, min_size=500, max_size=3000)
        if alphabet is not None
        else st.text(min_size=500, max_size=3000),
        st.sampled_from(["=1+1", '=HYPERLINK("http://example.org")', "+46", "-", "@x", "'0042"]),
        st.sampled_from(["ja", "nej", "Aktiv", "Avböjt", "Ej nådd", "sv", "en", "Centrumgruppen"]),
        st.sampled_from(["28/11", "3 nov", "2026-11-20", "31/2", "0/0", "1.1.1", "Skickar…"]),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    )


def edited(grids: dict[str, list[list[Any]]], changes: list[Any]) -> dict[str, list[list[Any]]]:
    result = {name: [list(row) for row in rows] for name, rows in grids.items()}
    for tab, row, column, value, merged in changes:
        grid = result[tab]
        width = len(grid[0])
        for offset in range(merged + 1):
            while len(grid) <= row + offset:
                grid.append([None] * width)
            line = grid[row + offset]
            while len(line) <= column:
                line.append(None)
            line[column] = value if offset == 0 else None
    return result
