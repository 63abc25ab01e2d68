"""national_report: every district's retention in one national table and one chart, for the
national office. Reads each district's Statistik tab and nothing else (`TabReader.read_tab`:
no other tab of a district is ever read, so no personal data reaches this command), writes the
national workbook's two tabs (an .xlsx file or a Google Sheet of the national office's own) and
the chart as a PNG file. Never writes to a district's workbook.

Districts are read one after another through `routines.districts.run_each`: each line prefixed
with the district, one district's failure never stopping the next, Google requests paced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.errors import EXIT_NOTHING_DONE, EXIT_OK, EXIT_PARTIAL
from medlemsrutiner.reports.national import (
    DistrictFigures,
    National,
    chart_statistics,
    national,
    national_changes,
    read_statistics,
)
from medlemsrutiner.routines.districts import (
    Console,
    Write,
    config_paths,
    district_name,
    google_requests,
    run_each,
)
from medlemsrutiner.routines.retention import write_chart
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet.schema import NATIONAL_TABS, Grid
from medlemsrutiner.wording import count

NATIONAL_TAB_NAMES = {tab.key: tab.default_name for tab in NATIONAL_TABS}
"""The national workbook's tabs: Nationellt and Problemgrupper."""


class TabReader(Protocol):
    """What the national report needs of a district's workbook: one tab, by name."""

    def read_tab(self, title: str) -> Grid | None:
        """The tab as raw rows (row 0 the headers); None when the workbook has no such tab."""
        ...


@dataclass
class NationalReport:
    """What a national report did: counts and district names only."""

    districts: list[DistrictFigures] = field(default_factory=list)
    failed: int = 0
    """Districts whose workbook could not be read (their error is printed where it happened)."""
    national: National | None = None
    written: str = ""
    chart: Path | None = None

    @property
    def exit_code(self) -> int:
        if not self.districts:
            return EXIT_NOTHING_DONE
        trouble = self.failed or any(d.unreadable or d.missing for d in self.districts)
        return EXIT_PARTIAL if trouble else EXIT_OK

    def lines(self) -> list[str]:
        if self.national is None:
            return ["Ingen distrikts statistik gick att läsa: den nationella tabellen är orörd."]
        quarters = {row.quarter for row in self.national.rows}
        lines = [
            f"Nationell statistik: {count(len(self.districts), 'district')}, "
            f"{count(len(quarters), 'period')}, "
            f"{count(len(self.national.problems), 'problem_group')}",
            f"  tabellen finns i {self.written} (flikarna "
            + " och ".join(NATIONAL_TAB_NAMES.values())
            + ")",
        ]
        if self.chart is not None:
            lines.append(f"  diagrammet finns i {self.chart}")
        if not self.national.rows:
            lines.append(
                "  inget distrikt har statistik ännu: Statistik skrivs av run_daily.py, när "
                "någon har hänvisats till en grupp"
            )
        if self.failed:
            lines.append(
                f"  {count(self.failed, 'district')} gick inte att läsa och saknas i tabellen"
            )
        return lines


def district_lines(figures: DistrictFigures, statistics_tab: str) -> list[str]:
    """What was read from one district, in Swedish."""
    if figures.missing:
        return [
            f"fliken {statistics_tab} saknar kolumnerna {', '.join(figures.missing)}: "
            "inget lästes (kör run_daily.py, som skriver fliken på nytt)"
        ]
    if not figures.rows and not figures.unreadable:
        return [f"ingen statistik ännu (fliken {statistics_tab} saknas eller är tom)"]
    lines = [f"{count(len(figures.rows), 'row')} ur {statistics_tab}"]
    if figures.unreadable:
        lines.append(
            f"{count(figures.unreadable, 'row')} i {statistics_tab} är inte kvartal, grupp och "
            "antal "
            "och räknas inte: KONTROLLERA fliken (run_daily.py skriver den på nytt)"
        )
    return lines


def run_national(
    paths: Sequence[Path],
    load: Callable[[Path], Config],
    open_district: Callable[[Config], TabReader],
    output: Workbook,
    chart: Path,
    today: dt.date,
    write_out: Write,
    write_err: Write,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> int:
    """Read every district's Statistik, write the national table and chart; the exit code."""
    report = NationalReport()
    read: list[tuple[DistrictFigures, Settings]] = []

    def one(path: Path, console: Console) -> int:
        config = load(path)
        reader = open_district(config)
        tab = config.workbook.tab_names["statistics"]
        try:
            figures = read_statistics(district_name(path), reader.read_tab(tab))
        finally:
            console.requests = google_requests(reader)
        read.append((figures, config.settings))
        report.districts.append(figures)
        for line in district_lines(figures, tab):
            console.out(line)
        return EXIT_PARTIAL if figures.unreadable or figures.missing else EXIT_OK

    worst = run_each(config_paths(paths), one, write_out, write_err, clock, sleep)
    report.failed = len(config_paths(paths)) - len(report.districts)
    if report.districts:
        report.national = national(read, today)
        with output:
            output.ensure_tabs({tab.default_name: tab.headers for tab in NATIONAL_TABS})
            output.write(national_changes(report.national))
        report.written = output.describe()
        report.chart = write_chart(
            chart_statistics(report.national), chart, "Andel aktiva per distrikt vid uppföljningen"
        )
    for line in report.lines():
        write_out(line)
    return max(worst, report.exit_code)
