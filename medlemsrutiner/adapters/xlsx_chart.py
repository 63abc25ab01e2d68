"""Native charts in the .xlsx workbook (openpyxl): part of the xlsx adapter. No I/O of its own.

A `ChartPlacement` names a block of a tab (categories down its first column, one series per
further column, series names in its first row); `draw` replaces the tab's charts with one bar
chart over the block, placed below it. The tab is script-owned, so its charts are ours to
replace. LibreOffice and Excel both show openpyxl's bar charts.

Each bar is labelled with its value, so a share of 0 % (a label on the axis) is told apart from
a blank cell (no bar, no label: nobody's result known); the chart's note says so under the
title. The block's shares are shown as percentages and its columns sized to the group names.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from medlemsrutiner.adapters.xlsx_look import print_fitted, widen_to_content
from medlemsrutiner.sheet import presentation as look
from medlemsrutiner.sheet.changes import ChartPlacement

TITLE_SIZE = 1300
NOTE_SIZE = 900
LABEL_SIZE = 700
"""Hundredths of a point: the chart's title, the note under the groups, the bars' labels."""


def draw(sheet: Worksheet, placement: ChartPlacement) -> None:
    """Replace the charts of `sheet` with one over `placement`'s block (none if it is empty)."""
    sheet._charts = []  # openpyxl keeps a sheet's charts in this list; the tab is ours
    # Printed (or turned into a PDF), the table, the block and the chart fit one page's width.
    print_fitted(sheet)
    if placement.rows < 2 or placement.columns < 2:
        return
    top = placement.first_row + 1  # openpyxl counts from 1
    left = placement.first_column + 1
    bottom = top + placement.rows - 1
    right = left + placement.columns - 1
    if placement.chart.percent:
        _percentages(sheet, top + 1, bottom, left + 1, right)
    widen_to_content(sheet, 1, right)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.gapWidth = 60  # wider bars (the default leaves 150 %): room for their labels
    chart.title = _title(placement.chart.title, TITLE_SIZE, bold=True)
    chart.y_axis.title = placement.chart.y_title
    if placement.chart.note:
        # Under the groups' names: LibreOffice shows a title's lines in one font, so the note
        # is the category axis's title rather than a second line of the chart's.
        chart.x_axis.title = _title(placement.chart.note, NOTE_SIZE, bold=False)
    chart.y_axis.scaling.min = 0
    labels = DataLabelList(showVal=True, dLblPos="outEnd")
    labels.txPr = RichText(
        p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=LABEL_SIZE)))]
    )
    labels.showLegendKey = labels.showCatName = labels.showSerName = False
    labels.showPercent = labels.showBubbleSize = False
    if placement.chart.percent:
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = look.PERCENT_FORMAT
        chart.y_axis.majorUnit = 0.25
        labels.numFmt = look.PERCENT_FORMAT
    chart.dataLabels = labels
    # Axes are hidden by default in newer openpyxl charts; a coordinator needs them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(sheet, min_col=left + 1, max_col=right, min_row=top, max_row=bottom)
    categories = Reference(sheet, min_col=left, max_col=left, min_row=top + 1, max_row=bottom)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width = max(16.0, 3.0 * (placement.rows - 1))
    chart.height = 9.0
    sheet.add_chart(chart, f"{get_column_letter(left)}{bottom + 2}")


def _title(text: str, size: int, bold: bool) -> Title:
    """A title in one font: `size` in hundredths of a point."""
    font = CharacterProperties(sz=size, b=bold)
    title = Title()
    title.tx.rich = RichText(
        p=[Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])]
    )
    title.overlay = False
    return title


def _percentages(sheet: Worksheet, top: int, bottom: int, left: int, right: int) -> None:
    """Show the block's numbers as percentages (`0 %`)."""
    for row in sheet.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = look.PERCENT_FORMAT
