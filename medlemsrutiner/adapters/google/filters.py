"""An erasure's values out of a tab's filters on Google: the basic filter and every filter
view. Builds requests; no I/O of its own.

What a filter can hold (the Sheets API's `FilterCriteria`, per column in `filterSpecs`, and in
the older `criteria` map by column index): `hiddenValues`, the values a filter by value hides
— every *other* name in the column when a coordinator shows one person — and a `condition`
(`BooleanCondition`) whose values are texts a column is compared with (`TEXT_CONTAINS`,
`TEXT_EQ`, `ONE_OF_LIST`, …, or a `CUSTOM_FORMULA` quoting one). After a write that erases
rows, each hidden value or condition that names a value the write blanked and no value the
column keeps is removed (`sheet.criteria.stale`); a column left with no criterion is no longer
filtered. And a filter that ends on the row just above the rows a write appends grows to take
them in (as `xlsx_ranges.py` grows an .xlsx table). `setBasicFilter` (the whole filter: range
and sorting as they were) and `updateFilterView` (fields `criteria,filterSpecs`, and `range`)
go in the batchUpdate of the write: no request of its own, and both leave the same state
however often they land.

The filters are as the run's metadata request found them (`client.Sheet`): a filter a person
changes in the minutes between that read and the erasure is set back to what the run read,
with the erased values out. A slicer's criteria, Google's version history and a coordinator's
own copies are beyond reach (README, *Privacy*).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from medlemsrutiner.adapters.google.batch import Request
from medlemsrutiner.adapters.google.client import Sheet
from medlemsrutiner.sheet.changes import Resolution
from medlemsrutiner.sheet.criteria import (
    ColumnValues,
    appended,
    erased_by_tab,
    stale,
    stale_in_formula,
)
from medlemsrutiner.sheet.schema import Grid, header_key

_PARTIAL = frozenset({"TEXT_CONTAINS", "TEXT_NOT_CONTAINS", "TEXT_STARTS_WITH", "TEXT_ENDS_WITH"})
"""Conditions that compare a text with part of a cell's."""

_EXACT = frozenset({"TEXT_EQ", "TEXT_NOT_EQ", "ONE_OF_LIST"})
"""Conditions that compare a text with a whole cell's (numbers and dates are no one's)."""


def write_requests(
    sheet_of: Callable[[str], Sheet | None], fresh: Mapping[str, Grid], resolution: Resolution
) -> list[Request]:
    """The requests of a write (`resolution`, resolved on `fresh`, the grids by tab title)
    for the filters of every tab it erases rows of or appends rows to (`sheet_of`: a tab by
    `header_key`, as it will be)."""
    cleared = erased_by_tab({header_key(t): g for t, g in fresh.items()}, resolution)
    keys = {*cleared, *(header_key(name) for name in resolution.appended_rows)}
    found: list[Request] = []
    for key in sorted(keys):
        sheet = sheet_of(key)
        if sheet is not None:
            found.extend(filter_requests(sheet, cleared.get(key, {}), appended(resolution, key)))
    return found


def filter_requests(
    sheet: Sheet, values: Mapping[int, ColumnValues], appended: range | None = None
) -> list[Request]:
    """The requests that clear the tab's filters of the erased `values` (by 0-based column of
    the tab, as `sheet.criteria.erased_values` gives them) and take into each filter that ends
    just above them the rows a write `appended` (0-based grid rows); none when nothing
    changes."""
    found: list[Request] = []
    if sheet.basic_filter is not None:
        basic = _changed(sheet.basic_filter, values, appended)
        if basic is not None:
            found.append({"setBasicFilter": {"filter": basic}})
    for view in sheet.filter_views:
        changed = _changed(view, values, appended)
        if changed is not None:
            grown = changed.get("range") != view.get("range")
            fields = "criteria,filterSpecs" + (",range" if grown else "")
            found.append({"updateFilterView": {"filter": changed, "fields": fields}})
    return found


def _changed(
    filter_: Mapping[str, Any], values: Mapping[int, ColumnValues], appended: range | None
) -> dict[str, Any] | None:
    """The filter with the criteria that name an erased value removed (in `filterSpecs`: the
    older `criteria` map read as specs) and its range grown over `appended`; None when
    neither changes it."""
    specs = _cleaned(filter_, values) if values else None
    span = dict(filter_.get("range") or {})
    grown = (
        appended is not None
        and appended
        and span.get("endRowIndex") == appended.start
        and span.get("startRowIndex", 0) < appended.start
    )
    if specs is None and not grown:
        return None
    result = {k: copy.deepcopy(v) for k, v in filter_.items() if k != "criteria"}
    if specs is not None:
        result["filterSpecs"] = specs
    else:
        result["filterSpecs"] = _specs(filter_)
    if grown and appended is not None:
        result["range"] = {**span, "endRowIndex": appended.stop}
    return result


def _specs(filter_: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A filter's specs, the older `criteria` map read as specs too."""
    specs = [dict(spec) for spec in filter_.get("filterSpecs", ())]
    if specs:
        return specs
    return [
        {"columnIndex": int(column), "filterCriteria": criteria}
        for column, criteria in (filter_.get("criteria") or {}).items()
    ]


def _cleaned(
    filter_: Mapping[str, Any], values: Mapping[int, ColumnValues]
) -> list[dict[str, Any]] | None:
    """The filter's specs without the criteria that name an erased value; None when none
    does."""
    changed = False
    kept: list[dict[str, Any]] = []
    for spec in _specs(filter_):
        column = spec.get("columnIndex")
        found = values.get(column) if isinstance(column, int) else None
        criteria = spec.get("filterCriteria") or {}
        cleaned = _without(criteria, found) if found is not None else criteria
        changed = changed or cleaned != criteria
        if cleaned:
            kept.append({**spec, "filterCriteria": cleaned})
    return kept if changed else None


def _without(criteria: Mapping[str, Any], values: ColumnValues) -> dict[str, Any]:
    """`criteria` without the hidden values and the condition that name an erased value."""
    result = copy.deepcopy(dict(criteria))
    hidden = [value for value in result.get("hiddenValues", ()) if not stale(str(value), values)]
    if hidden:
        result["hiddenValues"] = hidden
    else:
        result.pop("hiddenValues", None)
    condition = result.get("condition") or {}
    kind = condition.get("type")
    listed = list(condition.get("values", ()))
    if kind in _PARTIAL or kind in _EXACT:
        left = [
            value
            for value in listed
            if not stale(str(value.get("userEnteredValue", "")), values, partial=kind in _PARTIAL)
        ]
        if left != listed:
            result["condition"] = {**condition, "values": left}
            if not left:
                result.pop("condition")
    elif kind == "CUSTOM_FORMULA" and any(
        stale_in_formula(str(value.get("userEnteredValue", "")), values) for value in listed
    ):
        result.pop("condition")
    return result
