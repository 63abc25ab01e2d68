"""The records as they read once a run's writes have landed, for the Status texts. Pure.

Status must say what is true when the coordinator opens the sheet ("Välkomstbrev skickat
2026-11-24", not "ej skickat"), so it is computed from the records with the run's own writes
applied — without reading or understanding the workbook a second time: only the rows the
writes touched are parsed again, and duplicates are marked afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from medlemsrutiner.plan import Group
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import AppendRow, AssignId, Change, SetByKey, SetCells
from medlemsrutiner.sheet.schema import FOLLOWUPS, GROUPS, NEWCOMERS
from medlemsrutiner.steps.district import Record, parse_group
from medlemsrutiner.steps.records import (
    Records,
    mark_duplicates,
    mark_shared_ids,
    parse_followup,
    parse_newcomer,
)


def records_after(
    records: Records, changes: Iterable[Change], today: dt.date, settings: Settings
) -> Records:
    """`records` as they read once `changes` are written (only touched rows are parsed again).

    Writes land as they would in the workbook: by ID (a write to an ID held by several rows
    lands nowhere), new IDs on the rows they were handed to, appended follow-ups as new rows,
    and only in columns the tab really has.
    """
    newcomer_counts: dict[int, int] = {}
    for newcomer in records.newcomers:
        if newcomer.id is not None and newcomer.id_problem is None:
            newcomer_counts[newcomer.id] = newcomer_counts.get(newcomer.id, 0) + 1
    followup_counts: dict[int, int] = {}
    for followup in records.followups:
        if followup.id is not None:
            followup_counts[followup.id] = followup_counts.get(followup.id, 0) + 1
    newcomer_edits: dict[int, dict[str, Any]] = {}
    followup_edits: dict[int, dict[str, Any]] = {}
    appended: list[dict[str, Any]] = []
    present_newcomers = records.present.get("newcomers", frozenset(NEWCOMERS.column_names))
    present_followups = records.present.get("followups", frozenset(FOLLOWUPS.column_names))
    group_changes: list[SetByKey] = []
    keyed: list[SetByKey] = []
    for change in changes:
        if change.tab == "newcomers" and isinstance(change, SetCells | AssignId):
            if isinstance(change, SetCells) and newcomer_counts.get(change.row_id) != 1:
                continue
            values = dict(change.values)
            if isinstance(change, AssignId):
                values["id"] = change.row_id
            edits = newcomer_edits.setdefault(change.row_id, {})
            edits.update((k, v) for k, v in values.items() if k in present_newcomers)
        elif change.tab == "followups" and isinstance(change, SetCells):
            if followup_counts.get(change.row_id) == 1:
                edits = followup_edits.setdefault(change.row_id, {})
                edits.update((k, v) for k, v in change.values if k in present_followups)
        elif change.tab == "followups" and isinstance(change, AppendRow):
            record = dict.fromkeys(FOLLOWUPS.column_names)
            record.update((k, v) for k, v in change.values if k in present_followups)
            appended.append(record)
        elif change.tab == "groups" and isinstance(change, SetByKey):
            group_changes.append(change)
        elif change.tab in ("newcomers", "followups") and isinstance(change, SetByKey):
            keyed.append(change)

    newcomers = []
    for newcomer in records.newcomers:
        edits = newcomer_edits.get(newcomer.id, {}) if newcomer.usable and newcomer.id else {}
        edits = {**edits, **_keyed_edits(keyed, "newcomers", newcomer.record, present_newcomers)}
        if not edits:
            newcomers.append(newcomer)
            continue
        record = {**newcomer.record, **edits}
        reparsed = parse_newcomer(newcomer.row, record, today, settings, records.groups)
        erased_now = reparsed.personal_blank and not newcomer.personal_blank
        newcomers.append(
            dataclasses.replace(
                reparsed,
                id=newcomer.id,
                new=newcomer.new,
                id_problem=newcomer.id_problem,
                read_problems=newcomer.read_problems,
                first_seen=newcomer.first_seen,
                as_read=newcomer.read_record,
                # A row this run empties was erased today (a move empties it too).
                erased_on=today if erased_now else newcomer.erased_on,
                erased_on_request=not erased_now and newcomer.erased_on_request,
            )
        )
    followups = []
    for f in records.followups:
        edits = followup_edits.get(f.id, {}) if f.id is not None else {}
        edits = {**edits, **_keyed_edits(keyed, "followups", f.record, present_followups)}
        if not edits:
            followups.append(f)
            continue
        reparsed_followup = parse_followup(f.row, {**f.record, **edits}, today, settings)
        followups.append(
            dataclasses.replace(reparsed_followup, first_seen=f.first_seen, as_read=f.read_record)
        )
    next_row = max((f.row for f in followups), default=1) + 1
    followups.extend(
        parse_followup(next_row + n, record, today, settings) for n, record in enumerate(appended)
    )
    groups, group_rows = _groups_after(records, group_changes, today)
    followups = mark_shared_ids(followups)
    return dataclasses.replace(
        records,
        newcomers=mark_duplicates(newcomers, followups),
        followups=tuple(followups),
        groups=groups,
        group_rows=group_rows,
    )


def _keyed_edits(
    changes: list[SetByKey], tab: str, record: Record, present: frozenset[str]
) -> dict[str, Any]:
    """The values of the key-addressed writes that land on the row reading `record`."""
    edits: dict[str, Any] = {}
    for change in changes:
        if change.tab == tab and all(
            cells.normalise_word(record.get(name)) == cells.normalise_word(text)
            for name, text in change.key
        ):
            edits.update((k, v) for k, v in change.values if k in present)
    return edits


def _groups_after(
    records: Records, changes: list[SetByKey], today: dt.date
) -> tuple[Mapping[str, Group], tuple[tuple[int, Record], ...]]:
    """Grupper once the key-addressed writes (reminder stamps) have landed on the one row each
    names; only those groups are read again."""
    if not changes:
        return records.groups, records.group_rows
    present = records.present.get("groups", frozenset(GROUPS.column_names))
    rows = [(row, dict(record)) for row, record in records.group_rows]
    touched: set[int] = set()
    for change in changes:
        matching = [
            index
            for index, (_, record) in enumerate(rows)
            if all(
                cells.normalise_word(record.get(name)) == cells.normalise_word(text)
                for name, text in change.key
            )
        ]
        if len(matching) != 1:
            continue  # as in the workbook: a key that is gone or twice gets no write
        rows[matching[0]][1].update((k, v) for k, v in change.values if k in present)
        touched.add(matching[0])
    groups = dict(records.groups)
    for index in touched:
        row, record = rows[index]
        group, _ = parse_group(row, record, today)
        if group is not None and cells.normalise_word(group.name) in groups:
            groups[cells.normalise_word(group.name)] = group
    return groups, tuple((row, record) for row, record in rows)
