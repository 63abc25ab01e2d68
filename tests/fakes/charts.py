"""Embedded charts in the fake Sheets API: checking an `EmbeddedChart` as `addChart` and
`updateChartSpec` receive it, and rendering it as `spreadsheets.get` (`sheets[].charts`) and the
`addChart` reply show it. No HTTP, no state: `store.Store` keeps each chart on the sheet it is
overlaid on and calls these functions.

What is checked is what Google's reference documents for `EmbeddedChart`, `ChartSpec`,
`BasicChartSpec`, `ChartData`/`ChartSourceRange` and `EmbeddedObjectPosition`:

* a spec holds exactly one kind of chart (`basicChart`, `pieChart`, …); a basic chart's
  `chartType`, `legendPosition`, axis positions, `targetAxis` and view-window mode are the
  documented enums, it has at most one domain ("Only a single domain is supported"), and
  `headerCount` is not negative;
* every source range names a sheet of the spreadsheet, starts inside its grid and is one row or
  one column wide (`ChartSourceRange`: exactly one dimension has a length of 1, the same one for
  every source of the list);
* a chart is placed by exactly one of `overlayPosition`, `sheetId` and `newSheet`; the fake only
  overlays charts on a grid (`sheetId` and `newSheet` — a chart on a sheet of its own — answer
  501), and the anchor cell must lie inside that sheet's grid;
* a `chartId` given to `addChart` must not belong to another embedded object.

Rendered as Google renders ids: a `sheetId` of 0 is left out of every GridRange and
GridCoordinate. Defaults filled in on the way in, as documented: an overlay is 600 × 371 pixels
unless given, and a spec without `hiddenDimensionStrategy` skips hidden rows and columns. The
error messages are the fake's own wording (no recorded chart traffic).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

JsonDict = dict[str, Any]

CHART_KINDS = (
    "basicChart",
    "pieChart",
    "bubbleChart",
    "candlestickChart",
    "orgChart",
    "histogramChart",
    "waterfallChart",
    "treemapChart",
    "scorecardChart",
)
BASIC_TYPES = ("BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA")
LEGEND_POSITIONS = ("BOTTOM_LEGEND", "LEFT_LEGEND", "RIGHT_LEGEND", "TOP_LEGEND", "NO_LEGEND")
AXIS_POSITIONS = ("BOTTOM_AXIS", "LEFT_AXIS", "RIGHT_AXIS")
DATA_LABEL_TYPES = ("DATA_LABEL_TYPE_UNSPECIFIED", "NONE", "DATA", "CUSTOM")
LABEL_PLACEMENTS = (
    "DATA_LABEL_PLACEMENT_UNSPECIFIED",
    "CENTER",
    "LEFT",
    "RIGHT",
    "ABOVE",
    "BELOW",
    "INSIDE_END",
    "INSIDE_BASE",
    "OUTSIDE_END",
)
VIEW_WINDOW_MODES = (
    "DEFAULT_VIEW_WINDOW_MODE",
    "VIEW_WINDOW_MODE_UNSUPPORTED",
    "EXPLICIT",
    "PRETTY",
)
DEFAULT_WIDTH = 600
DEFAULT_HEIGHT = 371
DEFAULT_HIDDEN_STRATEGY = "SKIP_HIDDEN_ROWS_AND_COLUMNS"

GridSize = Callable[[int], "tuple[int, int] | None"]
"""sheetId -> (rows, columns) of that sheet's grid, or None when there is no such sheet."""


class ChartError(ValueError):
    """The chart is not one Google would accept (the store turns this into a 400)."""


def _enum(value: object, allowed: tuple[str, ...], name: str) -> None:
    if value is not None and value not in allowed:
        raise ChartError(f"Invalid value at '{name}', {value!r}")


def _index(grid: Mapping[str, Any], key: str) -> int | None:
    value = grid.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChartError(f"invalid range index {value!r}")
    return value


def _check_source(grid: object, size_of: GridSize) -> str:
    """Check one source GridRange; return the dimension that is one long (ROWS or COLUMNS)."""
    if not isinstance(grid, dict):
        raise ChartError("a source range must be a GridRange")
    sheet_id = grid.get("sheetId", 0)
    size = size_of(sheet_id) if isinstance(sheet_id, int) else None
    if size is None:
        raise ChartError(f"No grid with id: {sheet_id}")
    start_row, end_row = _index(grid, "startRowIndex") or 0, _index(grid, "endRowIndex")
    start_col, end_col = _index(grid, "startColumnIndex") or 0, _index(grid, "endColumnIndex")
    rows, columns = size
    if start_row >= rows or start_col >= columns:
        raise ChartError(f"The source range starts outside the grid of sheet {sheet_id}")
    height = min(rows if end_row is None else end_row, rows) - start_row
    width = min(columns if end_col is None else end_col, columns) - start_col
    if height < 1 or width < 1:
        raise ChartError("A source range must not be empty")
    if width == 1:
        return "COLUMNS"
    if height == 1:
        return "ROWS"
    raise ChartError("Exactly one dimension of a chart source range must have a length of 1")


def _check_data(data: object, path: str, size_of: GridSize) -> None:
    if not isinstance(data, dict):
        raise ChartError(f"{path} must be ChartData")
    source = data.get("sourceRange")
    if source is None:
        return  # ChartData's other kinds (aggregates of a data source) are not checked
    sources = source.get("sources") if isinstance(source, dict) else None
    if not isinstance(sources, list) or not sources:
        raise ChartError(f"{path}.sourceRange.sources is required")
    if len({_check_source(grid, size_of) for grid in sources}) > 1:
        raise ChartError(f"{path}: every source must be long in the same dimension")


def check_spec(spec: object, size_of: GridSize) -> None:
    """Refuse a ChartSpec Google would refuse (see the module docstring)."""
    if not isinstance(spec, dict):
        raise ChartError("spec is required")
    kinds = [kind for kind in CHART_KINDS if spec.get(kind) is not None]
    if len(kinds) != 1:
        raise ChartError("A chart spec must set exactly one kind of chart")
    basic = spec.get("basicChart")
    if basic is None:
        return
    if not isinstance(basic, dict):
        raise ChartError("basicChart must be an object")
    _enum(basic.get("chartType"), BASIC_TYPES, "spec.basicChart.chartType")
    _enum(basic.get("legendPosition"), LEGEND_POSITIONS, "spec.basicChart.legendPosition")
    header_count = basic.get("headerCount", 0)
    if isinstance(header_count, bool) or not isinstance(header_count, int) or header_count < 0:
        raise ChartError(f"Invalid headerCount {header_count!r}")
    for axis in basic.get("axis") or []:
        _enum(axis.get("position"), AXIS_POSITIONS, "spec.basicChart.axis.position")
        window = axis.get("viewWindowOptions") or {}
        _enum(window.get("viewWindowMode"), VIEW_WINDOW_MODES, "viewWindowOptions.viewWindowMode")
    domains = basic.get("domains") or []
    if len(domains) > 1:
        raise ChartError("Only a single domain is supported")
    for index, domain in enumerate(domains):
        _check_data(domain.get("domain"), f"spec.basicChart.domains[{index}].domain", size_of)
    for index, series in enumerate(basic.get("series") or []):
        _check_data(series.get("series"), f"spec.basicChart.series[{index}].series", size_of)
        _enum(series.get("targetAxis"), AXIS_POSITIONS, "spec.basicChart.series.targetAxis")
        _enum(series.get("type"), BASIC_TYPES, "spec.basicChart.series.type")
        label = series.get("dataLabel") or {}
        _enum(label.get("type"), DATA_LABEL_TYPES, "spec.basicChart.series.dataLabel.type")
        _enum(label.get("placement"), LABEL_PLACEMENTS, "series.dataLabel.placement")


def anchor_sheet(position: object, size_of: GridSize) -> int:
    """The sheetId a chart's position overlays it on (checked: exactly one placement, an
    anchor inside the grid)."""
    if not isinstance(position, dict):
        raise ChartError("position is required")
    chosen = [key for key in ("overlayPosition", "sheetId", "newSheet") if position.get(key)]
    if position.get("sheetId") == 0:
        chosen.append("sheetId")
    if len(chosen) != 1:
        raise ChartError("position must set exactly one of overlayPosition, sheetId, newSheet")
    if chosen[0] != "overlayPosition":
        raise NotImplementedError("a chart on a sheet of its own")
    overlay = position["overlayPosition"]
    anchor = overlay.get("anchorCell") if isinstance(overlay, dict) else None
    if not isinstance(anchor, dict):
        raise ChartError("overlayPosition.anchorCell is required")
    sheet_id = anchor.get("sheetId", 0)
    size = size_of(sheet_id) if isinstance(sheet_id, int) else None
    if size is None:
        raise ChartError(f"No grid with id: {sheet_id}")
    row, column = _index(anchor, "rowIndex") or 0, _index(anchor, "columnIndex") or 0
    if row >= size[0] or column >= size[1]:
        raise ChartError(
            f"The anchor cell ({row}, {column}) lies outside the grid of sheet {sheet_id}"
        )
    for key in ("offsetXPixels", "offsetYPixels", "widthPixels", "heightPixels"):
        value = overlay.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ChartError(f"{key} must be an integer")
    return int(sheet_id)


def stored_spec(spec: Mapping[str, Any]) -> JsonDict:
    """The spec as kept: a copy, with the documented default filled in."""
    kept = copy.deepcopy(dict(spec))
    kept.setdefault("hiddenDimensionStrategy", DEFAULT_HIDDEN_STRATEGY)
    return kept


def stored_chart(chart_id: int, spec: Mapping[str, Any], position: Mapping[str, Any]) -> JsonDict:
    """An EmbeddedChart as kept: the overlay's size filled in when not given."""
    overlay = copy.deepcopy(dict(position["overlayPosition"]))
    overlay.setdefault("widthPixels", DEFAULT_WIDTH)
    overlay.setdefault("heightPixels", DEFAULT_HEIGHT)
    for key in ("offsetXPixels", "offsetYPixels"):
        if not overlay.get(key):
            overlay.pop(key, None)
    return {
        "chartId": chart_id,
        "spec": stored_spec(spec),
        "position": {"overlayPosition": overlay},
    }


def grid_ranges(chart: Mapping[str, Any]) -> Iterator[JsonDict]:
    """Every source GridRange of a stored chart (for moving them when rows or columns are
    inserted or deleted)."""
    basic = chart.get("spec", {}).get("basicChart") or {}
    data = [domain.get("domain") for domain in basic.get("domains") or []]
    data += [series.get("series") for series in basic.get("series") or []]
    for item in data:
        source = (item or {}).get("sourceRange") or {}
        for grid in source.get("sources") or []:
            if isinstance(grid, dict):
                yield grid


def chart_json(chart: Mapping[str, Any]) -> JsonDict:
    """A stored chart as spreadsheets.get renders it: no `sheetId` of 0 anywhere."""
    rendered: JsonDict = _without_zero_sheet_ids(copy.deepcopy(dict(chart)))
    return rendered


def _without_zero_sheet_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_zero_sheet_ids(item)
            for key, item in value.items()
            if not (key == "sheetId" and item == 0)
        }
    if isinstance(value, list):
        return [_without_zero_sheet_ids(item) for item in value]
    return value
