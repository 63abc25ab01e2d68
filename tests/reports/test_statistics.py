"""Retention statistics from the anonymous columns of Uppföljning, and the Statistik tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlemsrutiner.config import Config
from medlemsrutiner.reports.statistics import ROLLING, TOTAL, Counts, compute, statistics_change
from medlemsrutiner.sheet.changes import apply, resolve
from tests.support import TAB_NAMES, TODAY, records_of, workbook_grids

DAY = dt.timedelta(days=1)


def _erased(row_id: int, group: str, referred: dt.date, result: str | None) -> dict[str, Any]:
    """An erased follow-up row: only the anonymous columns are left."""
    return {
        "id": row_id,
        "referred_to": group,
        "referred": referred,
        "result": result,
        "erased": referred + 80 * DAY if result else None,
    }


def _rows(config: Config, followups: list[dict[str, Any]], today: dt.date = TODAY) -> Any:
    records = records_of(config, today, followups=followups)
    return compute(records.followups, records.groups, today, config.settings)


def test_counts_per_group_and_quarter_of_referral_with_a_total(config: Config) -> None:
    q3 = dt.date(2026, 8, 1)
    followups = [
        _erased(1, "Centrumgruppen", q3, "Aktiv"),
        _erased(2, "centrumgruppen ", q3, "Inte aktiv"),
        _erased(3, "Centrumgruppen", q3, "Ej nådd"),
        _erased(4, "Centrumgruppen", q3, "Ej uppföljd"),
        _erased(5, "Blixtaktioner", q3, "Aktiv"),
        _erased(6, "Centrumgruppen", dt.date(2026, 10, 2), None),
    ]
    stats = _rows(config, followups)
    by = {(row.quarter, row.group): row.counts for row in stats.rows}
    assert by[("2026 Q3", "Centrumgruppen")] == Counts(
        referred=4, followed_up=3, active=1, not_active=1, not_reached=1, not_followed_up=1
    )
    assert by[("2026 Q3", "Centrumgruppen")].share_active == 0.5
    assert by[("2026 Q3", "Blixtaktioner")] == Counts(referred=1, followed_up=1, active=1)
    assert by[("2026 Q3", TOTAL)].referred == 5
    assert by[("2026 Q4", "Centrumgruppen")] == Counts(referred=1)
    assert by[("2026 Q4", "Centrumgruppen")].share_active is None
    assert by[(ROLLING, "Centrumgruppen")].referred == 5
    assert [row.quarter for row in stats.rows][-1] == ROLLING


def test_a_group_with_enough_follow_ups_and_few_active_is_a_problem_group(
    config: Config,
) -> None:
    day = TODAY - 100 * DAY
    low = [_erased(i, "Skrivargruppen", day, "Inte aktiv") for i in (1, 2)]
    low.append(_erased(3, "Skrivargruppen", day, "Aktiv"))
    few = [
        _erased(4, "Centrumgruppen", day, "Inte aktiv"),
        _erased(5, "Centrumgruppen", day, "Ej nådd"),
    ]
    stats = _rows(config, [*low, *few])
    assert stats.problem_groups == ("Skrivargruppen",)  # Centrumgruppen: only 2 follow-ups
    (alerted,) = [row for row in stats.rows if row.alert]
    assert (alerted.quarter, alerted.group) == (ROLLING, "Skrivargruppen")


def test_the_rolling_row_counts_only_the_last_twelve_months(config: Config) -> None:
    old = _erased(1, "Centrumgruppen", TODAY - 400 * DAY, "Aktiv")
    recent = _erased(2, "Centrumgruppen", TODAY - 30 * DAY, "Inte aktiv")
    by = {(r.quarter, r.group): r.counts for r in _rows(config, [old, recent]).rows}
    assert by[(ROLLING, "Centrumgruppen")] == Counts(referred=1, followed_up=1, not_active=1)


def test_statistics_survive_erasure_they_need_no_personal_data(config: Config) -> None:
    row = {
        "id": 1,
        "name": "Testa Person1",
        "email": "person1@example.se",
        "phone": "070-174 06 11",
        "referred_to": "Centrumgruppen",
        "referred": TODAY - 60 * DAY,
        "result": "Aktiv",
        "followed_up": TODAY - 2 * DAY,
    }
    erased = {k: v for k, v in row.items() if k not in ("name", "email", "phone")}
    assert _rows(config, [row]).rows == _rows(config, [erased]).rows


def test_the_statistik_tab_is_written_whole_and_only_where_it_changed(config: Config) -> None:
    followups = [_erased(i, "Centrumgruppen", TODAY - 50 * DAY, "Aktiv") for i in (1, 2)]
    change = statistics_change(_rows(config, followups), config.settings)
    grids = workbook_grids(followups=followups)
    first = resolve([change], grids, TAB_NAMES)
    after = apply(grids, first)
    sheet = after["Statistik"]
    assert sheet[0][:10] == [
        "Kvartal", "Grupp", "Hänvisade", "Uppföljda", "Aktiva", "Inte aktiva", "Ej nådda",
        "Ej uppföljda", "Andel aktiva", "Varning",
    ]  # fmt: skip
    assert sheet[1][:9] == ["2026 Q4", "Centrumgruppen", 2, 2, 2, 0, 0, 0, 1.0]
    assert sheet[0][11:] == ["Andel aktiva per grupp", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert sheet[1][11:] == ["Centrumgruppen", None, None, None, 1.0]
    assert first.charts and first.charts[0].columns == 5
    # The same numbers again: nothing to write.
    assert resolve([change], after, TAB_NAMES).writes == ()
    # Fewer rows than before: the rows left over are cleared.
    fewer = statistics_change(_rows(config, []), config.settings)
    cleared = apply(after, resolve([fewer], after, TAB_NAMES))["Statistik"]
    assert all(value is None for row in cleared[1:] for value in row)
