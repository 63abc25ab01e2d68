"""The national report: every district's retention in one table, from the districts' Statistik
tabs alone. Pure.

Only anonymous counts cross from a district: the quarter, the group's name and the numbers of
each Statistik row (`read_statistics` reads nothing else; a count that is not a whole number, a
period that is not a quarter, or a group name shaped like an address or a phone number makes
its row unreadable, left out and counted, never copied). Per district and quarter the report
adds up the district's groups (an alternative counts as a group, as in Statistik), names its
problem groups by the district's own thresholds (`statistics.is_problem`), and totals the
country per quarter (pandas `groupby` over one frame row per district's group and period).
The last twelve months (`Senaste 12 mån`) come last. A second tab lists every problem group
with its figures; a block beside the table holds each district's share active over the last
four quarters, which the workbook draws as a chart and `chart_statistics` hands to the PNG.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass

import pandas as pd

from medlemsrutiner.reports.statistics import (
    COUNT_NAMES,
    ROLLING,
    TOTAL,
    Counts,
    Row,
    Statistics,
    counts_by,
    is_problem,
    last_quarters,
)
from medlemsrutiner.settings import Settings
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.changes import CellValue, Chart, ReplaceRows, Values
from medlemsrutiner.sheet.schema import STATISTICS, Grid, header_key

COUNTRY = "Hela landet"
"""The national total's name in the Distrikt column."""

_QUARTER = re.compile(r"\d{4} Q[1-4]")


@dataclass(frozen=True)
class DistrictFigures:
    """What one district's Statistik tab holds, as far as it is anonymous counts."""

    district: str
    rows: tuple[Row, ...]
    """Each group's counts per quarter (and for the last 12 months); no `Totalt` rows."""
    unreadable: int = 0
    """Rows of Statistik that were not a quarter, a group and counts (left out)."""
    missing: tuple[str, ...] = ()
    """Headers Statistik lacks (then nothing is read from it)."""


@dataclass(frozen=True)
class DistrictRow:
    """One row of the national table: a district (or the country) in one period."""

    district: str
    quarter: str
    counts: Counts
    problem_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProblemGroup:
    district: str
    group: str
    quarter: str
    counts: Counts


@dataclass(frozen=True)
class National:
    rows: tuple[DistrictRow, ...]
    problems: tuple[ProblemGroup, ...]
    recent_quarters: tuple[str, ...]

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(sorted({row.district for row in self.rows if row.district != COUNTRY}))


def _count(value: object) -> int | None:
    """A cell holding a count: a whole number of at least 0 (as a number or its digits, or
    shown in a date format: `cells.whole_number`)."""
    number = cells.whole_number(value)
    return number if number is not None and number >= 0 else None


def read_statistics(district: str, grid: Grid | None) -> DistrictFigures:
    """The group rows of a district's Statistik tab (None or empty: no statistics yet)."""
    if not grid:
        return DistrictFigures(district, ())
    where = {header_key(header): index for index, header in enumerate(grid[0])}
    names = ("quarter", "group", *COUNT_NAMES)
    columns = {name: where.get(header_key(STATISTICS.column(name).header)) for name in names}
    missing = tuple(STATISTICS.column(n).header for n, at in columns.items() if at is None)
    if missing:
        return DistrictFigures(district, (), missing=missing)
    rows: list[Row] = []
    unreadable = 0
    for line in grid[1:]:

        def cell(name: str, line: Sequence[object] = line) -> object:
            index = columns[name]
            return line[index] if index is not None and index < len(line) else None

        if all(cells.is_blank(cell(name)) for name in names):
            continue
        quarter, group = cells.text(cell("quarter")), cells.text(cell("group"))
        numbers = [_count(cell(name)) for name in COUNT_NAMES]
        period = _QUARTER.fullmatch(quarter) is not None or quarter == ROLLING
        # A group's name is anonymous; text shaped like an address or a phone number is not.
        named = bool(group) and cells.redact(group) == group
        if not period or not named or any(number is None for number in numbers):
            unreadable += 1
        elif group != TOTAL:
            rows.append(Row(quarter, group, Counts(*(n or 0 for n in numbers))))
    return DistrictFigures(district, tuple(rows), unreadable)


def _period_order(quarter: str) -> tuple[int, str]:
    return (1, quarter) if quarter == ROLLING else (0, quarter)


def national(districts: Iterable[tuple[DistrictFigures, Settings]], today: dt.date) -> National:
    """The national table of `districts` (each with its own settings: its thresholds)."""
    lines: list[tuple[object, ...]] = []
    problems: list[ProblemGroup] = []
    for figures, settings in districts:
        for row in figures.rows:
            problem = is_problem(row.counts, settings)
            lines.append((figures.district, row.quarter, row.group, problem, *astuple(row.counts)))
            if problem:
                problems.append(ProblemGroup(figures.district, row.group, row.quarter, row.counts))
    frame = pd.DataFrame(lines, columns=["district", "quarter", "group", "problem", *COUNT_NAMES])
    per_district = counts_by(frame, ["quarter", "district"])
    flagged = frame.loc[frame["problem"].astype(bool)]
    problem_names = {
        (str(quarter), str(district)): tuple(sorted(names))
        for (quarter, district), names in flagged.groupby(["quarter", "district"])["group"]
    }
    rows: list[DistrictRow] = []
    countries = counts_by(frame, ["quarter"])
    for quarter in sorted((quarter for (quarter,) in countries), key=_period_order):
        rows.extend(
            DistrictRow(name, q, counts, problem_names.get((q, name), ()))
            for (q, name), counts in per_district.items()
            if q == quarter
        )
        rows.append(DistrictRow(COUNTRY, quarter, countries[(quarter,)]))
    problems.sort(key=lambda p: (p.district, _period_order(p.quarter), p.group))
    return National(tuple(rows), tuple(problems), last_quarters(today))


def _numbers(counts: Counts) -> Values:
    share = counts.share_active
    return (
        *((name, getattr(counts, name)) for name in COUNT_NAMES),
        ("share_active", round(share, 4) if share is not None else None),
    )


def chart_statistics(report: National) -> Statistics:
    """The national figures shaped as a district's statistics, districts as its groups: what
    the retention chart (`reports.chart`) draws."""
    rows = tuple(
        Row(row.quarter, row.district, row.counts)
        for row in report.rows
        if row.district != COUNTRY and row.quarter in report.recent_quarters
    )
    return Statistics(rows, report.recent_quarters, ())


def national_changes(report: National) -> tuple[ReplaceRows, ReplaceRows]:
    """The national workbook's two tabs as they should read, the chart's block beside the
    table."""
    table = tuple(
        (
            ("district", row.district),
            ("quarter", row.quarter),
            *_numbers(row.counts),
            ("problem_groups", ", ".join(row.problem_groups) or None),
        )
        for row in report.rows
    )
    problems = tuple(
        (
            ("district", problem.district),
            ("group", problem.group),
            ("quarter", problem.quarter),
            *_numbers(problem.counts),
        )
        for problem in report.problems
    )
    shown = chart_statistics(report)
    side: list[tuple[CellValue, ...]] = []
    if report.districts:
        side.append(("Andel aktiva per distrikt", *report.recent_quarters))
        for district in report.districts:
            shares = (shown.share(quarter, district) for quarter in report.recent_quarters)
            side.append((district, *(round(s, 4) if s is not None else None for s in shares)))
    chart = Chart("Andel aktiva per distrikt, senaste fyra kvartalen", "Andel aktiva", True)
    return (
        ReplaceRows("national", table, tuple(side), chart),
        ReplaceRows("national_problems", problems),
    )
