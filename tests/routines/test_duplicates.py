"""One person on two rows, day after day: the row the routine reached first stays the original,
whatever IDs the rows hold, and nobody is welcomed twice while a row still holds their data."""

from __future__ import annotations

import datetime as dt
import email.utils
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet.schema import NEWCOMERS
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.fakes.transports import RecordingTransport
from tests.support import (
    DAY,
    NOW,
    REPO,
    TODAY,
    followup_of,
    make_config,
    memory_workbook,
    moved_row,
    read_outbox,
    recipients,
    run_day,
)

ANNA = "anna.exempel@example.se"


def _row(workbook: MemoryWorkbook, name: str) -> dict[str, Any]:
    (found,) = [row for row in workbook.tab("Intresserade") if row["Namn"] == name]
    return found


def _row_by_id(workbook: MemoryWorkbook, row_id: int) -> dict[str, Any]:
    (found,) = [row for row in workbook.tab("Intresserade") if row["ID"] == row_id]
    return found


def _typed(name: str, address: str, **cells: Any) -> list[Any]:
    """A row as a coordinator types it into Intresserade: no ID, no date."""
    values = {"name": name, "email": address, "phone": "070-174 06 21", **cells}
    return [values.get(column) for column in NEWCOMERS.column_names]


def test_a_welcomed_row_whose_id_was_blanked_stays_the_original_of_a_newer_row(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(newcomers=[])
    workbook.grids["Intresserade"].append(_typed("Anna Exempel", ANNA))
    run_day(workbook, config, TODAY)
    assert _row(workbook, "Anna Exempel")["Välkomstbrev"] == TODAY
    assert recipients(read_outbox(config.mail.outbox)) == [ANNA]
    # A week later a coordinator blanks the welcomed row's ID by mistake, and the same person
    # registers again on a row typed above it: the run gives the newer row the lower ID.
    grid = workbook.grids["Intresserade"]
    grid[1][0] = None
    grid.insert(1, _typed("Anna E.", ANNA.upper()))
    run_day(workbook, config, TODAY + 7 * DAY)

    original, newer = _row(workbook, "Anna Exempel"), _row(workbook, "Anna E.")
    assert newer["ID"] < original["ID"]  # the IDs say nothing about who came first
    assert original["Välkomstbrev"] == TODAY
    assert not original["Status"].startswith("Dubblett")
    assert newer["Välkomstbrev"] == f"Ej skickat: samma e-post som ID {original['ID']}"
    assert newer["Status"].startswith(f"Dubblett av ID {original['ID']} (samma e-post)")
    # One welcome, ever: the second run wrote no letter. (The first one's file, labelled with
    # the ID no row holds any more, may leave the outbox a week after it was written.)
    second_day = [
        message
        for message in read_outbox(config.mail.outbox)
        if email.utils.parsedate_to_datetime(str(message["Date"])).date() != TODAY
    ]
    assert second_day == []


# --- Any order of registrations, blanked IDs, sorts and referrals ------------------------------

ADDRESSES = ("anna.exempel@example.se", "bo.exempel@example.se")

Event = tuple[str, int, bool]
"""(what, which person or row, a flag): see `_happen`."""

days = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(["register", "register", "blank_id", "sort", "refer"]),
            st.integers(min_value=0, max_value=5),
            st.booleans(),
        ),
        max_size=3,
    ),
    min_size=1,
    max_size=6,
)
"""What a coordinator does before each day's run."""


def _happen(grid: list[list[Any]], event: Event, today: dt.date) -> None:
    """What a coordinator does between two runs: type a person in (on top or at the bottom, the
    address in either case), blank a row's ID, sort the tab, or call someone and refer them."""
    what, which, flag = event
    rows = grid[1:]
    if what == "register":
        address = ADDRESSES[which % len(ADDRESSES)]
        row = _typed(f"Person {len(rows)}", address.upper() if flag else address)
        grid.insert(1 if flag else len(grid), row)
    elif what == "blank_id" and rows:
        rows[which % len(rows)][0] = None
    elif what == "sort":
        rows.sort(key=lambda row: str(row[2] if flag else row[0]), reverse=flag)
        grid[1:] = rows
    elif what == "refer" and rows:
        row = rows[which % len(rows)]
        columns = NEWCOMERS.column_names
        if row[columns.index("email")] and not row[columns.index("referred_to")]:
            row[columns.index("call")] = today
            row[columns.index("referred_to")] = "Centrumgruppen"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days)
# Welcomed, then its ID blanked as the person registers again on top: the case.
@example([[("register", 0, False)], [("register", 0, True), ("blank_id", 1, False)]])
def test_no_address_is_ever_welcomed_twice_and_one_row_per_address_is_not_a_duplicate(
    happenings: list[list[Event]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = make_config(Path(folder))
        workbook = memory_workbook(newcomers=[])
        transport = RecordingTransport()
        renderer = Renderer(REPO / "templates")
        for day, events in enumerate(happenings):
            today = TODAY + day * DAY
            for event in events:
                _happen(workbook.grids["Intresserade"], event, today)
            now = dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
            with workbook:
                run_daily(workbook, transport, renderer, config, today, now)
            welcomed = Counter(
                email.recipient.casefold()
                for email in transport.sent
                if email.label.endswith("-welcome")
            )
            assert all(count == 1 for count in welcomed.values()), welcomed
            in_followups = {
                str(row["E-post"]).casefold(): row["ID"]
                for row in workbook.tab("Uppföljning")
                if row["E-post"]
            }
            for address in ADDRESSES:
                holding = [
                    row
                    for row in workbook.tab("Intresserade")
                    if str(row["E-post"] or "").casefold() == address
                ]
                originals = [r for r in holding if not str(r["Status"]).startswith("Dubblett")]
                if address in in_followups:  # referred: only their own row, if any, is not
                    assert all(r["ID"] == in_followups[address] for r in originals), holding
                else:
                    assert len(originals) <= 1, holding


# --- What a duplicate row never does: get moved, counted, or claim a referral -----------------


def _duplicate_pair(**cells: Any) -> MemoryWorkbook:
    """Anna (ID 1) kept by her consent, and a second row of hers (ID 2) flagged long ago."""
    registered = TODAY - 180 * DAY
    original = {"id": 1, "registered": registered - 20 * DAY, "name": "Anna Exempel",
                "email": ANNA, "phone": "070-174 06 21", "welcome": registered - 19 * DAY,
                "consent": registered - 20 * DAY}  # fmt: skip
    duplicate = {"id": 2, "registered": registered, "name": "Anna E.", "email": ANNA,
                 "phone": "070-174 06 21", "welcome": "Ej skickat: samma e-post som ID 1",
                 **cells}  # fmt: skip
    return memory_workbook(newcomers=[original, duplicate])


def test_an_erased_duplicate_says_it_was_a_duplicate_and_when_it_was_erased(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    # The coordinator called the person on the duplicate row anyway and noted an alternative.
    workbook = _duplicate_pair(call=TODAY - 170 * DAY, referred_to="På egen hand")
    run_day(workbook, config, TODAY)  # 180 days after registration: erased
    expected = f"Var dubblett av ID 1 (samma e-post). Personuppgifterna raderade {TODAY}."
    assert _row_by_id(workbook, 2)["Status"] == expected
    assert _row_by_id(workbook, 2)["E-post"] is None
    run_day(workbook, config, TODAY + DAY)
    assert _row_by_id(workbook, 2)["Status"] == expected  # the day it happened, for good
    assert workbook.tab("Uppföljning") == [] and workbook.tab("Statistik") == []


def test_a_duplicate_with_an_introduction_typed_by_hand_is_never_moved_or_counted(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    referred = TODAY - 10 * DAY
    in_followups = {**followup_of(1, referred), "email": ANNA, "name": "Anna Exempel"}
    duplicate = {"id": 2, "registered": TODAY - 5 * DAY, "name": "Anna E.", "email": ANNA,
                 "welcome": "Ej skickat: samma e-post som ID 1", "call": TODAY - 2 * DAY,
                 "referred_to": "Skrivargruppen", "introduction": TODAY - DAY}  # fmt: skip
    workbook = memory_workbook(newcomers=[moved_row(1, referred), duplicate],
                               followups=[in_followups])  # fmt: skip
    report = run_day(workbook, config, TODAY)
    assert [row["ID"] for row in workbook.tab("Uppföljning")] == [1]
    assert {row["Grupp"] for row in workbook.tab("Statistik")} <= {"Centrumgruppen", "Totalt"}
    row = _row_by_id(workbook, 2)
    assert row["E-post"] == ANNA and row["Status"].startswith("Dubblett av ID 1")
    assert report.sent == {}
