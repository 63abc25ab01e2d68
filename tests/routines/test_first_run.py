"""A row that was there before the first run: no welcome, and Registrerad holds the run's own
date, which Status asks a person to check — once, and on every run until a person has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.fakes.memory_workbook import MemoryWorkbook
from tests.support import TODAY, make_config, memory_workbook, newcomer, read_outbox, run_day

CHECK = "Kontrollera Registrerad"
CLEAR = "Töm cellen om brevet ska skickas"


def _status(workbook: MemoryWorkbook) -> str:
    (row,) = workbook.tab("Intresserade")
    return str(row["Status"])


def test_status_asks_once_to_check_registrerad_on_the_first_run_and_every_run_after(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=None, email="gammal@example.se")], log=[]
    )
    seen: list[str] = []
    for today in (TODAY, TODAY, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=5)):
        report = run_day(workbook, config, today)
        seen.append(_status(workbook))
        assert report.exit_code == 1  # a row needs a person
    for status in seen:
        assert status.count(CHECK) == 1 and status.count(CLEAR) == 1, status
        assert status.count("Välkomstbrev") == 1, status  # one instruction about the letter
        assert status.count("första körningen") == 2, status  # each says its own thing
    assert read_outbox(config.mail.outbox) == []
    (row,) = workbook.tab("Intresserade")
    assert row["Registrerad"] == TODAY


def test_a_date_typed_by_a_person_ends_the_request(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(
        newcomers=[newcomer(None, registered=None, email="gammal@example.se")], log=[]
    )
    run_day(workbook, config, TODAY)
    header = workbook.grids["Intresserade"][0]
    workbook.grids["Intresserade"][1][header.index("Registrerad")] = "20/11"
    run_day(workbook, config, TODAY + dt.timedelta(days=1))
    status = _status(workbook)
    assert CHECK not in status and status.count(CLEAR) == 1
    assert read_outbox(config.mail.outbox) == []  # still no welcome: an old contact
