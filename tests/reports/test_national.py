"""The national report's figures: read from each district's Statistik alone, added up per
district and quarter, problem groups by each district's own thresholds, and nothing but
quarters, group names and counts ever copied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medlemsrutiner.reports.national import (
    COUNTRY,
    DistrictFigures,
    chart_statistics,
    national,
    national_changes,
    read_statistics,
)
from medlemsrutiner.reports.statistics import ROLLING, Counts, Row
from medlemsrutiner.settings import Routine, Settings
from medlemsrutiner.sheet.cells import redact
from medlemsrutiner.sheet.schema import STATISTICS

TODAY = dt.date(2026, 11, 30)
SETTINGS = Settings(start_date=dt.date(2026, 1, 1))
HEADER = list(STATISTICS.headers)


def line(
    quarter: Any, group: Any, *numbers: Any, share: Any = None, alert: Any = None
) -> list[Any]:
    return [quarter, group, *numbers, share, alert]


def statistik(*lines: list[Any]) -> list[list[Any]]:
    return [HEADER, *lines]


def test_each_group_row_is_read_and_the_totals_are_left_to_be_added_up_again() -> None:
    figures = read_statistics(
        "norr",
        statistik(
            line("2026 Q3", "Skrivargruppen", 4, 4, 1, 3, 0, 0, share=0.25),
            line("2026 Q3", "Totalt", 4, 4, 1, 3, 0, 0),
            line("2026 Q4", "Studentgruppen", "2", 2.0, 2, 0, 0, 0),
            line(ROLLING, "Skrivargruppen", 4, 4, 1, 3, 0, 0, alert="Under 50 % aktiva"),
        ),
    )
    assert figures.rows == (
        Row("2026 Q3", "Skrivargruppen", Counts(4, 4, 1, 3, 0, 0)),
        Row("2026 Q4", "Studentgruppen", Counts(2, 2, 2, 0, 0, 0)),
        Row(ROLLING, "Skrivargruppen", Counts(4, 4, 1, 3, 0, 0)),
    )
    assert figures.unreadable == 0 and figures.missing == ()


def test_a_row_that_is_not_a_quarter_a_group_and_counts_is_counted_unreadable_never_copied() -> (
    None
):
    figures = read_statistics(
        "norr",
        statistik(
            line("2026 Q3", "kim@example.org", 1, 1, 1, 0, 0, 0),  # an address is no group
            line("2026 Q3", "070-174 06 05", 1, 1, 1, 0, 0, 0),  # nor a phone number
            line("Kim Exempelsson", "Skrivargruppen", 1, 1, 1, 0, 0, 0),  # nor a quarter
            line("2026 Q3", "Skrivargruppen", "Kim", 1, 1, 0, 0, 0),  # nor a name a count
            line("2026 Q3", "Skrivargruppen", 1.5, 1, 1, 0, 0, 0),
            line("2026 Q3", "Skrivargruppen", -1, 1, 1, 0, 0, 0),
            line("2026 Q3", "Skrivargruppen", True, 1, 1, 0, 0, 0),
            [None, None, None],  # an empty row is nothing
        ),
    )
    assert figures.rows == () and figures.unreadable == 7


def test_a_statistik_tab_without_its_columns_gives_nothing_and_names_what_is_missing() -> None:
    figures = read_statistics("norr", [["Kvartal", "Grupp", "Namn"], ["2026 Q3", "X", "Kim"]])
    assert figures.rows == ()
    assert "Hänvisade" in figures.missing and "Namn" not in figures.missing


def test_a_district_without_statistik_has_no_figures_yet() -> None:
    assert read_statistics("norr", None) == DistrictFigures("norr", ())
    assert read_statistics("norr", []) == DistrictFigures("norr", ())


def figures(district: str, *rows: Row) -> DistrictFigures:
    return DistrictFigures(district, rows)


def test_districts_are_added_up_per_quarter_with_the_country_after_them_and_the_year_last() -> None:
    report = national(
        [
            (
                figures(
                    "syd",
                    Row(ROLLING, "A", Counts(3, 3, 3, 0, 0, 0)),
                    Row("2026 Q3", "A", Counts(2, 2, 1, 1, 0, 0)),
                    Row("2026 Q3", "B", Counts(1, 1, 0, 0, 1, 0)),
                ),
                SETTINGS,
            ),
            (figures("norr", Row("2026 Q3", "C", Counts(4, 3, 3, 0, 0, 1))), SETTINGS),
        ],
        TODAY,
    )
    assert [(row.district, row.quarter, row.counts) for row in report.rows] == [
        ("norr", "2026 Q3", Counts(4, 3, 3, 0, 0, 1)),
        ("syd", "2026 Q3", Counts(3, 3, 1, 1, 1, 0)),
        (COUNTRY, "2026 Q3", Counts(7, 6, 4, 1, 1, 1)),
        ("syd", ROLLING, Counts(3, 3, 3, 0, 0, 0)),
        (COUNTRY, ROLLING, Counts(3, 3, 3, 0, 0, 0)),
    ]
    assert report.districts == ("norr", "syd")
    assert report.recent_quarters == ("2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4")


def test_problem_groups_are_judged_by_each_districts_own_thresholds() -> None:
    weak = Counts(4, 4, 1, 3, 0, 0)  # 25 % active of 4 followed up
    strict = dataclasses.replace(SETTINGS, routine=Routine(min_followups=3, alert_below=50))
    lenient = dataclasses.replace(SETTINGS, routine=Routine(min_followups=5, alert_below=50))
    report = national(
        [
            (figures("norr", Row("2026 Q3", "A", weak), Row(ROLLING, "A", weak)), strict),
            (figures("syd", Row("2026 Q3", "B", weak)), lenient),
        ],
        TODAY,
    )
    by = {(row.district, row.quarter): row.problem_groups for row in report.rows}
    assert by[("norr", "2026 Q3")] == ("A",) and by[("norr", ROLLING)] == ("A",)
    assert by[("syd", "2026 Q3")] == ()
    assert [(p.district, p.group, p.quarter) for p in report.problems] == [
        ("norr", "A", "2026 Q3"),
        ("norr", "A", ROLLING),
    ]


def test_the_national_tabs_hold_the_table_the_problem_groups_and_the_charts_block() -> None:
    report = national(
        [
            (figures("norr", Row("2026 Q3", "A", Counts(4, 4, 1, 3, 0, 0))), SETTINGS),
            (figures("syd", Row("2026 Q4", "B", Counts(2, 2, 2, 0, 0, 0))), SETTINGS),
        ],
        TODAY,
    )
    table, problems = national_changes(report)
    assert table.tab == "national" and problems.tab == "national_problems"
    first = dict(table.rows[0])
    assert first["district"] == "norr" and first["share_active"] == 0.25
    assert first["problem_groups"] == "A"
    assert dict(problems.rows[0])["group"] == "A"
    assert table.side[0] == ("Andel aktiva per distrikt", *report.recent_quarters)
    assert table.side[1:] == (("norr", None, None, 0.25, None), ("syd", None, None, None, 1.0))
    assert table.chart is not None and table.chart.percent
    shown = chart_statistics(report)
    assert {row.group for row in shown.rows} == {"norr", "syd"}  # the country is no bar


CELL = st.one_of(
    st.none(),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["2026 Q3", "2025 Q4", ROLLING, "Totalt", "Skrivargruppen", "12"]),
    st.sampled_from(["kim@example.org", "070-174 06 05", "Kim Exempelsson"]),
)


@given(st.lists(st.lists(CELL, min_size=0, max_size=11), max_size=12))
def test_whatever_statistik_holds_only_quarters_group_names_and_counts_come_out(
    lines: list[list[Any]],
) -> None:
    read = read_statistics("norr", statistik(*lines))
    report = national([(read, SETTINGS)], TODAY)
    table, problems = national_changes(report)
    allowed = {"norr", COUNTRY, ROLLING, *(row.group for row in read.rows)}
    for values in (*table.rows, *problems.rows):
        for name, value in values:
            if isinstance(value, str) and name != "problem_groups":
                assert value in allowed or name == "quarter", (name, value)
            if name == "quarter":
                assert isinstance(value, str)
                assert value == ROLLING or (len(value) == 7 and value[4:6] == " Q")
    for row in read.rows:  # nothing shaped like an address or a phone number
        assert redact(row.group) == row.group
    # Every source row is either read, a Totalt, blank or counted as unreadable.
    assert len(read.rows) + read.unreadable <= len(lines)
    country = [row for row in report.rows if row.district == COUNTRY]
    districts = [row for row in report.rows if row.district != COUNTRY]
    assert sum((row.counts for row in country), Counts()) == sum(
        (row.counts for row in districts), Counts()
    )
