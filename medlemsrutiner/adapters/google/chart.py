"""The Statistik chart in a Google Sheet, as `spreadsheets:batchUpdate` requests. Pure: no I/O
(`workbook.py` reads the tab's charts with the metadata it reads anyway and sends these requests
in the batch that writes the block).

A `ChartPlacement` names a block of a tab: categories down its first column, one series per
further column, series names in its first row. Google keeps an embedded chart in the
spreadsheet, so the chart is created once and afterwards only its data changes — the cells every
run rewrites; a coordinator may move, resize and restyle it. What `chart_requests` asks for:

* the tab has no chart: `addChart`, a COLUMN chart over the block (domain = the block's first
  column, one series per further column, each bar labelled with its value, `headerCount` 1,
  the chart's note as its subtitle), anchored beside the block; the tab's columns sized to
  what they hold (`autoResizeDimensions`: every group's name in full); for a chart of shares
  also the block's numbers formatted as percentages (Google formats a chart's axis and labels
  as its data);
* a basic chart on the tab reads the tab, but not the block's ranges (the block grew or shrank,
  or moved): `updateChartSpec` with that chart's own spec, only its ranges replaced (a new
  series labelled like the others), and the columns and percentages again, for the new rows;
* a chart that reads exactly the block: nothing — an ordinary day adds no request.

An empty block (nothing to show yet) adds no chart and leaves one that is there as it is. A tab
that holds any chart gets no second one, whatever that chart shows; charts on other tabs are
never looked at.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import ChartPlacement

Request = dict[str, Any]
GridRange = dict[str, int]

MIN_WIDTH = 600
"""Pixels: Google's default width of a chart, widened for many groups (as the xlsx chart)."""
PIXELS_PER_GROUP = 110
HEIGHT = 371
"""Pixels: Google's default height of a chart."""
PERCENT = {"type": "PERCENT", "pattern": look.PERCENT_FORMAT}
NEW_SERIES: Mapping[str, Any] = {
    "targetAxis": "LEFT_AXIS",
    "dataLabel": {"type": "DATA", "placement": "OUTSIDE_END"},
}
"""A series as the chart gets it: each bar labelled with its value, so that 0 % (a label on the
axis) is told apart from a blank cell (no bar and no label: nobody's result known yet)."""


@dataclass(frozen=True)
class EmbeddedChart:
    """A chart as the spreadsheet's metadata shows it: its id and its spec (Google's ChartSpec,
    kept as read so that an update changes nothing but the ranges)."""

    chart_id: int
    spec: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, chart: Mapping[str, Any]) -> EmbeddedChart:
        return cls(int(chart["chartId"]), chart.get("spec") or {})


@dataclass(frozen=True)
class ChartRequests:
    """What a placement adds to a batch."""

    requests: tuple[Request, ...] = ()
    grid: tuple[int, int] = (0, 0)
    """(rows, columns) the tab's grid must have for them: a new chart's anchor cell."""


def block_ranges(placement: ChartPlacement, sheet_id: int) -> tuple[GridRange, list[GridRange]]:
    """The block's domain (its first column) and series (each further column), header row
    included."""

    def column(index: int) -> GridRange:
        return {
            "sheetId": sheet_id,
            "startRowIndex": placement.first_row,
            "endRowIndex": placement.first_row + placement.rows,
            "startColumnIndex": index,
            "endColumnIndex": index + 1,
        }

    first = placement.first_column
    return column(first), [column(first + offset) for offset in range(1, placement.columns)]


def anchor(placement: ChartPlacement) -> tuple[int, int]:
    """The cell a new chart's top-left corner is anchored to: beside the block, one column
    left free (0-based row, column)."""
    return placement.first_row, placement.first_column + placement.columns + 1


def chart_requests(
    placement: ChartPlacement, sheet_id: int, charts: Sequence[EmbeddedChart]
) -> ChartRequests:
    """The requests that put a chart over `placement`'s block on the tab `sheet_id`, which holds
    `charts` now (see the module docstring)."""
    if placement.rows < 2 or placement.columns < 2:
        return ChartRequests()
    if not charts:
        row, column = anchor(placement)
        return ChartRequests(
            (add_chart(placement, sheet_id), *_formats(placement, sheet_id)),
            (row + 1, column + 1),
        )
    updates: list[Request] = []
    for chart in charts:
        spec = with_block(chart.spec, placement, sheet_id)
        if spec is not None:
            updates.append({"updateChartSpec": {"chartId": chart.chart_id, "spec": spec}})
    if not updates:
        return ChartRequests()
    return ChartRequests((*updates, *_formats(placement, sheet_id)))


def add_chart(placement: ChartPlacement, sheet_id: int) -> Request:
    """`addChart`: a COLUMN chart over the block, anchored beside it."""
    domain, series = block_ranges(placement, sheet_id)
    chart = placement.chart
    value_axis: dict[str, Any] = {"position": "LEFT_AXIS"}
    if chart.y_title:
        value_axis["title"] = chart.y_title
    window: dict[str, Any] = {"viewWindowMode": "EXPLICIT", "viewWindowMin": 0}
    if chart.percent:
        window["viewWindowMax"] = 1
    value_axis["viewWindowOptions"] = window
    spec: dict[str, Any] = {
        "title": chart.title,
        "basicChart": {
            "chartType": "COLUMN",
            "legendPosition": "BOTTOM_LEGEND",
            "axis": [{"position": "BOTTOM_AXIS"}, value_axis],
            "domains": [{"domain": _data(domain)}],
            "series": [{**NEW_SERIES, "series": _data(one)} for one in series],
            "headerCount": 1,
        },
    }
    if chart.note:
        spec["subtitle"] = chart.note
    row, column = anchor(placement)
    position = {
        "overlayPosition": {
            "anchorCell": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
            "widthPixels": max(MIN_WIDTH, PIXELS_PER_GROUP * (placement.rows - 1)),
            "heightPixels": HEIGHT,
        }
    }
    return {"addChart": {"chart": {"spec": spec, "position": position}}}


def with_block(
    spec: Mapping[str, Any], placement: ChartPlacement, sheet_id: int
) -> dict[str, Any] | None:
    """`spec` with the block's ranges, everything else as it was; None when it reads them
    already, or is not a basic chart whose domain is on this tab (a coordinator's own chart)."""
    basic = spec.get("basicChart")
    if not isinstance(basic, Mapping):
        return None
    domains = list(basic.get("domains") or [])
    current_domain = _sources(domains[0].get("domain")) if domains else []
    if not current_domain or any(grid.get("sheetId", 0) != sheet_id for grid in current_domain):
        return None
    domain, series = block_ranges(placement, sheet_id)
    old_series = list(basic.get("series") or [])
    current = (
        [_key(g) for g in current_domain],
        [[_key(g) for g in _sources(one.get("series"))] for one in old_series],
    )
    if current == ([_key(domain)], [[_key(one)] for one in series]):
        return None
    updated = copy.deepcopy(dict(spec))
    new_basic = updated["basicChart"]
    new_basic["domains"] = [{**domains[0], "domain": _data(domain)}]
    new_basic["series"] = [
        {**(old_series[index] if index < len(old_series) else NEW_SERIES), "series": _data(one)}
        for index, one in enumerate(series)
    ]
    new_basic["headerCount"] = 1
    return updated


def learned(
    charts: Sequence[EmbeddedChart], request: Mapping[str, Any], reply: Mapping[str, Any]
) -> tuple[EmbeddedChart, ...]:
    """A tab's charts once `request` has landed with `reply` (a reply without the new chart
    teaches nothing: the next run's metadata shows it)."""
    added = reply.get("addChart", {}).get("chart", {})
    if "addChart" in request and "chartId" in added:
        return (*charts, EmbeddedChart.from_json(added))
    if "updateChartSpec" in request:
        update = request["updateChartSpec"]
        return tuple(
            EmbeddedChart(chart.chart_id, update["spec"])
            if chart.chart_id == update["chartId"]
            else chart
            for chart in charts
        )
    return tuple(charts)


def _formats(placement: ChartPlacement, sheet_id: int) -> tuple[Request, ...]:
    """The tab's columns, the block's included, as wide as what they hold (a group's name in
    full); the block's numbers as percentages, for a chart of shares."""
    resize: Request = {
        "autoResizeDimensions": {
            "dimensions": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": 0,
                "endIndex": placement.first_column + placement.columns,
            }
        }
    }
    if not placement.chart.percent:
        return (resize,)
    grid = {
        "sheetId": sheet_id,
        "startRowIndex": placement.first_row + 1,
        "endRowIndex": placement.first_row + placement.rows,
        "startColumnIndex": placement.first_column + 1,
        "endColumnIndex": placement.first_column + placement.columns,
    }
    return (
        resize,
        {
            "repeatCell": {
                "range": grid,
                "cell": {"userEnteredFormat": {"numberFormat": dict(PERCENT)}},
                "fields": "userEnteredFormat.numberFormat",
            }
        },
    )


def _data(grid: GridRange) -> dict[str, Any]:
    return {"sourceRange": {"sources": [dict(grid)]}}


def _sources(data: Any) -> list[Mapping[str, Any]]:
    """The source GridRanges of a ChartData ([] for any other kind of data)."""
    if not isinstance(data, Mapping):
        return []
    source = data.get("sourceRange")
    sources = source.get("sources") if isinstance(source, Mapping) else None
    return [grid for grid in sources or [] if isinstance(grid, Mapping)]


def _key(grid: Mapping[str, Any]) -> tuple[Any, ...]:
    """A GridRange as comparable values (Google leaves a sheetId of 0 out)."""
    return (
        grid.get("sheetId", 0),
        grid.get("startRowIndex", 0),
        grid.get("endRowIndex"),
        grid.get("startColumnIndex", 0),
        grid.get("endColumnIndex"),
    )
