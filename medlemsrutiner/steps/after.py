"""The records as they read once a run's writes have landed, for the Status texts. Pure.

Status must say what is true when the coordinator opens the sheet ("Välkomstbrev skickat
2026-11-24", not "ej skickat"), so it is computed from the records with the run's own writes
applied — without reading or understanding the workbook a second time: only the rows the
writes touched are parsed again, and duplicates are marked afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet.changes import AppendRow, AssignId, Change, SetCells
from medlemsrutiner.sheet.schema import FOLLOWUPS, NEWCOMERS
from medlemsrutiner.steps.records import Records, mark_duplicates, parse_followup, parse_newcomer


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

    newcomers = []
    for newcomer in records.newcomers:
        edits = newcomer_edits.get(newcomer.id, {}) if newcomer.usable and newcomer.id else {}
        if not edits:
            newcomers.append(newcomer)
            continue
        record = {**newcomer.record, **edits}
        reparsed = parse_newcomer(newcomer.row, record, today, settings, records.groups)
        newcomers.append(dataclasses.replace(reparsed, id=newcomer.id, new=newcomer.new))
    followups = [
        parse_followup(f.row, {**f.record, **followup_edits[f.id]}, today, settings)
        if f.id is not None and f.id in followup_edits
        else f
        for f in records.followups
    ]
    next_row = max((f.row for f in followups), default=1) + 1
    followups.extend(
        parse_followup(next_row + n, record, today, settings) for n, record in enumerate(appended)
    )
    return dataclasses.replace(
        records,
        newcomers=mark_duplicates(newcomers, followups),
        followups=tuple(followups),
    )
