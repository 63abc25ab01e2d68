"""retention_report: the Statistik table in the terminal and its chart as a PNG file. Reads the
workbook (never writes it) and writes the image file.

The numbers are computed afresh from Uppföljning, exactly as the daily run computes the
Statistik tab, so the report is right even before the next daily run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.reports.chart import percent, retention_png
from medlemsrutiner.reports.statistics import Statistics, alert_text, compute
from medlemsrutiner.sheet.schema import STATISTICS, tables_from_grids
from medlemsrutiner.steps.records import read_records

_NUMBERS = ("referred", "followed_up", "active", "not_active", "not_reached", "not_followed_up")


def retention(workbook: Workbook, config: Config, today: dt.date) -> Statistics:
    """The statistics of the workbook as it is today (one read, no write)."""
    tables = tables_from_grids(workbook.read(), config.workbook.tab_names)
    records = read_records(tables, today, config.settings)
    return compute(records.followups, records.groups, today, config.settings)


def table_lines(statistics: Statistics, config: Config) -> list[str]:
    """The Statistik table as aligned text, headers in Swedish."""
    headers = [STATISTICS.column(name).header for name in ("quarter", "group", *_NUMBERS)]
    headers.append(STATISTICS.column("share_active").header)
    rows = []
    for row in statistics.rows:
        share = row.counts.share_active
        rows.append(
            [
                row.quarter,
                row.group,
                *(str(getattr(row.counts, name)) for name in _NUMBERS),
                percent(share) if share is not None else "–",
                alert_text(config.settings) if row.alert else "",
            ]
        )
    if not rows:
        return ["Ingen har hänvisats ännu: det finns ingen statistik."]
    widths = [max(len(cells[i]) for cells in [*rows, [*headers, ""]]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    previous = None
    for cells in rows:
        if previous is not None and cells[0] != previous:
            lines.append("")
        previous = cells[0]
        text = "  ".join(
            value.ljust(width) if index < 2 else value.rjust(width)
            for index, (value, width) in enumerate(zip(cells, widths, strict=False))
        )
        lines.append(f"{text}  {cells[-1]}".rstrip())
    return lines


def write_chart(statistics: Statistics, path: Path, title: str | None = None) -> Path:
    """The chart as a PNG file at `path` (folders created as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = retention_png(statistics) if title is None else retention_png(statistics, title)
    path.write_bytes(image)
    return path
