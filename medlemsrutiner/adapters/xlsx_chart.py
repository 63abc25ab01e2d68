"""Native charts in the .xlsx workbook (openpyxl): part of the xlsx adapter. No I/O of its own.

A `ChartPlacement` names a block of a tab (categories down its first column, one series per
further column, series names in its first row); `draw` replaces the tab's charts with one bar
chart over the block, placed below it. The tab is script-owned, so its charts are ours to
replace. LibreOffice and Excel both show openpyxl's bar charts.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.sheet.changes import ChartPlacement


def draw(sheet: Worksheet, placement: ChartPlacement) -> None:
    """Replace the charts of `sheet` with one over `placement`'s block (none if it is empty)."""
    sheet._charts = []  # openpyxl keeps a sheet's charts in this list; the tab is ours
    # Printed (or turned into a PDF), the table, the block and the chart fit one page's width.
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.orientation = "landscape"
    if placement.rows < 2 or placement.columns < 2:
        return
    top = placement.first_row + 1  # openpyxl counts from 1
    left = placement.first_column + 1
    bottom = top + placement.rows - 1
    right = left + placement.columns - 1
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = placement.chart.title
    chart.y_axis.title = placement.chart.y_title
    chart.y_axis.scaling.min = 0
    if placement.chart.percent:
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0%"
        chart.y_axis.majorUnit = 0.25
    # Axes are hidden by default in newer openpyxl charts; a coordinator needs them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(sheet, min_col=left + 1, max_col=right, min_row=top, max_row=bottom)
    categories = Reference(sheet, min_col=left, max_col=left, min_row=top + 1, max_row=bottom)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width = max(16.0, 3.0 * (placement.rows - 1))
    chart.height = 8.0
    sheet.add_chart(chart, f"{get_column_letter(left)}{bottom + 2}")
