"""The records as they read once a run's writes have landed, for Status and Statistik. Pure.

Status must say what is true when the coordinator opens the sheet ("Välkomstbrev skickat
2026-11-24", not "ej skickat"), so it is computed from the records with the run's own writes
applied. The writes are interpreted once, by `sheet.changes`: `resolve` finds where each write
lands in the grids the run read and `apply` performs it, exactly as for the backends and the
in-memory workbook of the tests (an ID on two rows gets no write, a key finds its one row,
compare-and-set, appended rows, columns the tab lacks; hidden rows change no cell). Then only
the rows the writes touched are parsed again; the rest keep what reading made of them, and
duplicates and shared IDs are marked afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import changes
from medlemsrutiner.sheet.changes import Change
from medlemsrutiner.sheet.schema import (
    FOLLOWUPS,
    GROUPS,
    NEWCOMERS,
    Grid,
    Record,
    Tab,
    header_key,
    is_blank_row,
    present_columns,
    record_of,
    table_from_grid,
)
from medlemsrutiner.steps.district import read_groups
from medlemsrutiner.steps.records import (
    FollowUp,
    Newcomer,
    Records,
    mark_duplicates,
    mark_shared_ids,
    parse_followup,
    parse_newcomer,
)

Row = TypeVar("Row", Newcomer, FollowUp)

RECORD_TABS: tuple[Tab, ...] = (NEWCOMERS, FOLLOWUPS, GROUPS)
"""The tabs whose rows the records hold and a run's writes may change."""


def records_after(
    records: Records,
    grids: Mapping[str, Grid | None],
    tab_names: Mapping[str, str],
    batches: Sequence[Sequence[Change]],
    today: dt.date,
    settings: Settings,
) -> Records:
    """`records` (read from `grids`, keyed by tab name) once every batch of `batches` is
    written, in order: each batch lands on the grids the one before left, as a backend's
    fresh read before its write would find them."""
    wanted = {tab.key for tab in RECORD_TABS}
    by_name = {header_key(name): grid for name, grid in grids.items()}
    state: Mapping[str, Grid | None] = {
        tab_names[tab.key]: by_name.get(header_key(tab_names[tab.key])) for tab in RECORD_TABS
    }
    touched: dict[str, set[int]] = {}
    for batch in batches:
        # A write lands in its own tab only: the other tabs' writes change no record.
        relevant = [change for change in batch if change.tab in wanted]
        if not relevant:
            continue
        resolution = changes.resolve(relevant, state, tab_names)
        state = changes.apply(state, resolution)
        for write in resolution.writes:
            if write.row > 0:
                touched.setdefault(write.tab_name, set()).add(write.row)

    def rows(tab: Tab) -> list[tuple[int, Record | None]]:
        name = tab_names[tab.key]
        return list(_touched_rows(tab, state.get(name), touched.get(name, set())))

    newcomers = _rows_after(
        records.newcomers,
        rows(NEWCOMERS),
        lambda row, record: parse_newcomer(row, record, today, settings, records.groups),
        lambda newcomer, old: _kept_newcomer(newcomer, old, today),
    )
    followups = _rows_after(
        records.followups,
        rows(FOLLOWUPS),
        lambda row, record: parse_followup(row, record, today, settings),
        _kept_followup,
    )
    followups = mark_shared_ids(followups)
    groups = records.groups
    if touched.get(tab_names[GROUPS.key]):
        # Grupper (a few dozen rows, keyed by name) is read again whole, so that each group
        # is the first row with its name, as reading found it.
        grid = state.get(tab_names[GROUPS.key])
        groups, _ = read_groups(table_from_grid(GROUPS, tab_names[GROUPS.key], grid), today)
    return dataclasses.replace(
        records,
        newcomers=mark_duplicates(newcomers, followups),
        followups=tuple(followups),
        groups=groups,
    )


def _touched_rows(
    tab: Tab, grid: Grid | None, indexes: set[int]
) -> Iterator[tuple[int, Record | None]]:
    """(sheet row number, the row by column name, or None once it holds nothing) of each
    touched grid row, in sheet order."""
    if not grid:
        return
    positions = present_columns(tab, grid[0])
    for index in sorted(indexes):
        row = grid[index]
        yield index + 1, (None if is_blank_row(row) else record_of(tab, positions, row))


def _kept_newcomer(newcomer: Newcomer, old: Newcomer, today: dt.date) -> Newcomer:
    """A row of Intresserade parsed again, with what reading decided about it kept: its ID,
    duplicates of it, the day Logg first names it (or this run first saw it),
    the last weekly summary that named the person, when (and how) Logg says it was erased,
    and (`as_read`) the row as the run read it. A row this run empties was erased today (a
    move empties it too)."""
    erased_now = newcomer.personal_blank and not old.personal_blank
    return dataclasses.replace(
        newcomer,
        id=old.id,
        new=old.new,
        id_problem=old.id_problem,
        first_seen=old.first_seen,
        named=old.named,
        as_read=old.read_record,
        erased_on=today if erased_now else old.erased_on,
        erased_on_request=not erased_now and old.erased_on_request,
    )


def _kept_followup(followup: FollowUp, old: FollowUp) -> FollowUp:
    """A row of Uppföljning parsed again, with the day Logg first names it, the last weekly
    summary that named the person and the row as the run read it kept (shared IDs are marked
    afresh over the whole tab)."""
    return dataclasses.replace(
        followup, first_seen=old.first_seen, named=old.named, as_read=old.read_record
    )


def _rows_after(
    rows: Sequence[Row],
    touched: Iterable[tuple[int, Record | None]],
    parse: Callable[[int, Record], Row],
    keep: Callable[[Row, Row], Row],
) -> list[Row]:
    """`rows` with each touched row parsed again in its place (`keep` carries over what
    reading decided) or left out once it holds nothing, then the new (appended) rows."""
    before = {row.row: row for row in rows}
    parsed: dict[int, Row | None] = {}
    for number, record in touched:
        found = None if record is None else parse(number, record)
        old = before.get(number)
        parsed[number] = keep(found, old) if found is not None and old is not None else found
    merged = [found for row in rows if (found := parsed.get(row.row, row)) is not None]
    merged.extend(row for number, row in sorted(parsed.items()) if number not in before and row)
    return merged
