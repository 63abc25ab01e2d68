"""The records after a run's writes are the workbook after those writes, read again.

`records_after` parses only the rows the writes touched; reading every tab afresh once
`changes.apply` has performed the writes must give the same rows. Hypothesis draws the
workbooks (IDs on two rows, rows without an ID, the same address twice, a group named twice)
and the writes (by ID, by key, to every row with a key, compare-and-set, appended rows,
hidden rows, a replaced Statistik, the run's own first writes and plan); the day's plan and
first writes are part of every case, as in a run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlemsrutiner.sheet.changes import (
    AppendRow,
    Change,
    HideRows,
    ReplaceRows,
    SetByKey,
    SetCells,
    apply,
    resolve,
)
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS, Grid, tables_from_grids
from medlemsrutiner.sheet.stamps import sending_marker
from medlemsrutiner.steps.after import records_after
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import FollowUp, Newcomer, Records, read_records, row_key
from tests.support import TAB_NAMES, TODAY, default_groups, make_config, workbook_grids

DAY = dt.timedelta(days=1)
CONFIG = make_config(Path(tempfile.gettempdir()))
IDS = st.sampled_from([1, 2, 3, 4, 5, 6])
DAYS = st.integers(min_value=0, max_value=120).map(lambda n: TODAY - n * DAY)
STAMPS = st.one_of(st.none(), DAYS, st.just(sending_marker("2026-11-24 07:00", "abc")))
NAMES = st.sampled_from(["Testa Person", "Prova Exempel", None])
EMAILS = st.sampled_from(["a@example.se", "b@example.se", "c@example.org", "fel", None])
REFERRALS = st.sampled_from(["", "Centrumgruppen", "Skrivargruppen", "Avböjt", "Webbaktioner"])
RESULTS = st.sampled_from(["", "Aktiv", "Inte aktiv", "Ej nådd"])

NEWCOMER_VALUES: Mapping[str, st.SearchStrategy[Any]] = {
    "registered": st.one_of(st.none(), DAYS),
    "name": NAMES,
    "email": EMAILS,
    "welcome": STAMPS,
    "call": st.one_of(st.none(), DAYS),
    "referred_to": REFERRALS,
    "introduction": STAMPS,
    "status": st.sampled_from(["", "Klar."]),
    "consent": st.one_of(st.none(), DAYS),
}
FOLLOWUP_VALUES: Mapping[str, st.SearchStrategy[Any]] = {
    "name": NAMES,
    "email": EMAILS,
    "referred_to": REFERRALS,
    "referred": st.one_of(st.none(), DAYS),
    "followed_up": st.one_of(st.none(), DAYS),
    "result": RESULTS,
    "reengagement": STAMPS,
    "erased": st.one_of(st.none(), DAYS),
}
GROUP_VALUES: Mapping[str, st.SearchStrategy[Any]] = {
    "reminder": STAMPS,
    "status": st.sampled_from(["", "Bekräftad."]),
}


def row(values: Mapping[str, st.SearchStrategy[Any]], **more: Any) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({**values, **more})


def values(columns: Mapping[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Some of `columns` with a value each, as a change's `values`."""
    names = st.lists(st.sampled_from(sorted(columns)), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda picked: st.tuples(*(st.tuples(st.just(n), columns[n]) for n in picked))
    )


NEWCOMER_IDS = st.one_of(IDS, st.none(), st.just("x7"))


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    newcomers = draw(st.lists(row(NEWCOMER_VALUES, id=NEWCOMER_IDS), max_size=6))
    followups = draw(st.lists(row(FOLLOWUP_VALUES, id=st.one_of(IDS, st.none())), max_size=5))
    groups = default_groups()
    if draw(st.booleans()):
        groups.append({**groups[0], "email": "kopia@example.org"})  # a group named twice
    return workbook_grids(newcomers=newcomers, followups=followups, groups=groups)


def keyed(draw: st.DrawFn, tab: str, rows: Sequence[Newcomer] | Sequence[FollowUp]) -> Change:
    """A write by a row's whole content (as erasure finds a row whose ID is unusable)."""
    schema = NEWCOMERS if tab == "newcomers" else FOLLOWUPS
    columns = NEWCOMER_VALUES if tab == "newcomers" else FOLLOWUP_VALUES
    records = [found.read_record for found in rows]
    key = row_key(draw(st.sampled_from(records)), schema) if records else (("id", "9"),)
    return SetByKey(tab, key, draw(values(columns)), every=draw(st.booleans()))


@st.composite
def writes(draw: st.DrawFn, records: Records) -> list[Change]:
    """Writes of every kind the write language has, to rows that are there and rows that
    are not."""
    found: list[Change] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        kind = draw(st.sampled_from(["id", "id", "compare", "key", "group", "append", "hide"]))
        tab = draw(st.sampled_from(["newcomers", "followups"]))
        columns = NEWCOMER_VALUES if tab == "newcomers" else FOLLOWUP_VALUES
        if kind == "id":
            found.append(SetCells(tab, draw(IDS), draw(values(columns))))
        elif kind == "compare":
            expect = (("call", draw(st.sampled_from(["", "2026-11-20"]))),)
            found.append(
                SetCells("newcomers", draw(IDS), draw(values(NEWCOMER_VALUES)), expect=expect)
            )
        elif kind == "key":
            rows = records.newcomers if tab == "newcomers" else records.followups
            found.append(keyed(draw, tab, rows))
        elif kind == "group":
            name = draw(st.sampled_from(["Centrumgruppen", "skrivargruppen", "Ingen"]))
            found.append(SetByKey("groups", (("group", name),), draw(values(GROUP_VALUES))))
        elif kind == "append":
            appended = (("id", draw(IDS)), *draw(values(FOLLOWUP_VALUES)))
            found.append(AppendRow("followups", appended))
        else:
            hidden = frozenset(draw(st.lists(IDS, max_size=3)))
            found.append(HideRows("newcomers", hidden, blank=("call",)))
    if draw(st.booleans()):
        found.append(ReplaceRows("statistics", ((("quarter", "2026 Q4"), ("referred", 1)),)))
    return found


def read_again(grids: Mapping[str, Grid | None], batches: Sequence[Sequence[Change]]) -> Records:
    """The records of the workbook once every batch is written: every tab read afresh."""
    for batch in batches:
        grids = apply(grids, resolve(batch, grids, TAB_NAMES))
    return read_records(tables_from_grids(grids, TAB_NAMES), TODAY, CONFIG.settings)


def comparable(newcomer: Newcomer) -> tuple[Newcomer, str | None]:
    """What reading the row says, apart from what only the run knows (that it handed out the
    row's ID; the row as it read it; that it erased the row today, which Logg says only once
    the run's Logg rows are written), with the group by name: the records keep the groups the
    plan read (a run writes only Grupper's stamps and Status, never what makes the group a
    newcomer's)."""
    group = newcomer.group.name if newcomer.group is not None else None
    known = dataclasses.replace(
        newcomer, new=False, as_read=None, group=None, erased_on=None, erased_on_request=False
    )
    return known, group


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_records_after_the_writes_are_the_written_workbook_read_again(
    data: st.DataObject,
) -> None:
    grids = data.draw(workbooks())
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, CONFIG.settings)
    plan = plan_day(records, TODAY, CONFIG.settings)
    first = [*records.first_writes, *data.draw(writes(records))]
    second = [*plan.changes, *data.draw(writes(records))]

    after = records_after(records, grids, TAB_NAMES, [first, second], TODAY, CONFIG.settings)

    again = read_again(grids, [first, second])
    assert [comparable(n) for n in after.newcomers] == [comparable(n) for n in again.newcomers]
    assert [dataclasses.replace(f, as_read=None) for f in after.followups] == list(again.followups)
    assert after.groups == again.groups
    # What a write that finds a row by its content names: the row as the run read it.
    read = {n.row: n for n in records.newcomers}
    assert all(n.read_record == read[n.row].record for n in after.newcomers if n.row in read)
    # A row the writes emptied was erased today; any other keeps what Logg said.
    for newcomer in after.newcomers:
        before = read.get(newcomer.row)
        if before is not None and newcomer.personal_blank and not before.personal_blank:
            assert newcomer.erased_on == TODAY and not newcomer.erased_on_request
        elif before is not None:
            assert newcomer.erased_on == before.erased_on


def test_an_untouched_workbook_keeps_every_record_as_read() -> None:
    grids = workbook_grids(
        newcomers=[{"id": 1, "name": "Testa Person", "email": "a@example.se", "registered": TODAY}]
    )
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, CONFIG.settings)
    hide = HideRows("newcomers", frozenset({1}))
    after = records_after(records, grids, TAB_NAMES, [[hide]], TODAY, CONFIG.settings)
    assert after == records


def test_a_write_to_an_id_on_two_rows_lands_nowhere_and_an_appended_row_is_read() -> None:
    two = [
        {"id": 4, "name": "Testa Person", "email": "a@example.se", "registered": TODAY},
        {"id": 4, "name": "Prova Exempel", "email": "b@example.se", "registered": TODAY},
    ]
    grids = workbook_grids(newcomers=two)
    records = read_records(tables_from_grids(grids, TAB_NAMES), TODAY, CONFIG.settings)
    writes: list[Change] = [
        SetCells("newcomers", 4, (("call", TODAY),)),
        AppendRow("followups", (("id", 4), ("referred_to", "Centrumgruppen"), ("referred", TODAY))),
    ]
    after = records_after(records, grids, TAB_NAMES, [writes], TODAY, CONFIG.settings)
    assert [n.call for n in after.newcomers] == [None, None]
    (moved,) = after.followups
    assert (moved.id, moved.row, moved.referred) == (4, 2, TODAY)
