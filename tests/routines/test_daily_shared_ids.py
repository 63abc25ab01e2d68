"""Rows of Uppföljning that share an ID, over several real daily runs on the in-memory workbook
and on an .xlsx file: both rows say in Status what to do, the terminal's to-do list names them,
no letter goes out from them, and no write meant for one row ever lands on the other — each is
erased on its own day, found by everything it reads, never by the ID."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet import cells
from medlemsrutiner.sheet.logbook import Action
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    read_outbox,
    recipients,
    workbook_grids,
    write_xlsx,
)

DAY = dt.timedelta(days=1)
SHARED = "Rätta ID: ID {} finns på flera rader i Uppföljning."

FIRST = {"id": 3, "name": "Först Person", "email": "forst@example.se", "phone": "070-174 06 31",
         "referred_to": "Centrumgruppen", "referred": TODAY - 80 * DAY,
         "followed_up": TODAY - 8 * DAY, "result": "Aktiv"}  # fmt: skip
"""Followed up 8 days ago: erased on the first run."""
SECOND = {"id": 3, "name": "Sen Person", "email": "sen@example.se", "phone": "070-174 06 32",
          "referred_to": "Skrivargruppen", "referred": TODAY - 70 * DAY,
          "followed_up": TODAY, "result": "Inte aktiv"}  # fmt: skip
"""Another person given the same ID: wants a re-engagement letter, erased a week on."""
COPY = {"id": 8, "name": "Kopia Person", "email": "kopia@example.se", "phone": "070-174 06 38",
        "referred_to": "Centrumgruppen", "referred": TODAY - 120 * DAY}  # fmt: skip
"""Copied row for row: never followed up, closed and erased (both copies) on the first run."""
CALLED = {"id": 9, "name": "Dubbel Person", "email": "dubbel@example.se",
          "phone": "070-174 06 39", "referred_to": "Centrumgruppen",
          "referred": TODAY - 80 * DAY, "followed_up": TODAY - 8 * DAY,
          "result": "Aktiv"}  # fmt: skip
"""The same person twice with the same ID, but one row followed up (erased now)..."""
CONSENTED = {**CALLED, "referred": TODAY - 20 * DAY, "followed_up": None, "result": None,
             "consent": TODAY - 10 * DAY}  # fmt: skip
"""...and one with a consent: it keeps the details, whatever happens to the other row."""


@contextmanager
def opened(kind: str, config: Config, grids: dict[str, list[list[Any]]]) -> Iterator[Workbook]:
    if kind == "memory":
        memory = MemoryWorkbook(grids, TAB_NAMES)
        yield memory
        return
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, grids)
    yield XlsxWorkbook(path, TAB_NAMES)


def run(workbook: Workbook, config: Config, day: dt.date) -> DailyReport:
    now = dt.datetime.combine(day, NOW.time(), NOW.tzinfo)
    with workbook:
        return run_daily(
            workbook,
            Outbox(config.mail.outbox, now),
            Renderer(REPO / "templates"),
            config,
            day,
            now,
        )


def rows(workbook: Workbook, tab: str) -> list[dict[str, str]]:
    """A tab's rows as header -> text, as a person reads them."""
    with workbook:
        grid = workbook.read()[tab]
    headers = [cells.text(h) for h in grid[0]]
    found = []
    for row in grid[1:]:
        texts = [cells.text(value) for value in row]
        if any(texts):
            found.append({h: texts[i] if i < len(texts) else "" for i, h in enumerate(headers)})
    return found


@pytest.mark.parametrize("kind", ["memory", "xlsx"])
def test_rows_sharing_an_id_say_so_every_day_and_are_each_erased_on_their_own_day(
    tmp_path: Path, kind: str
) -> None:
    config = make_config(tmp_path)
    grids = workbook_grids(followups=[FIRST, SECOND, COPY, COPY, CALLED, CONSENTED])
    with opened(kind, config, grids) as workbook:
        for day in (TODAY, TODAY + DAY, TODAY + 2 * DAY, TODAY + 7 * DAY):
            report = run(workbook, config, day)
            lines = report.lines()
            followups = rows(workbook, "Uppföljning")
            first, second, copy, copy_again, called, consented = followups

            # Every row of a shared ID says what to do, first thing in Status ...
            for row in followups:
                assert row["Status"].startswith(SHARED.format(row["ID"])), (day, row["Status"])
            # ... and the to-do list on the terminal names each of them.
            todo = lines[lines.index("Att göra:") :]
            for row_id, times in (("3", 2), ("8", 2), ("9", 2)):
                named = [line for line in todo if line.startswith(f"    ID {row_id}: Rätta ID")]
                assert len(named) == times, (day, todo)
            assert report.exit_code == 1 and lines[-1].startswith("Körningen är klar, men")
            # Every write found its row.
            assert report.skipped_writes == []
            assert not any(line.startswith("  skrivningar som inte") for line in lines)
            log = rows(workbook, "Logg")
            assert not any(entry["Åtgärd"] == Action.SKIPPED_WRITE for entry in log)

            # The followed-up row is erased on the first run and nothing else is, until
            # its own day comes.
            assert first["Namn"] == first["E-post"] == "" and first["Raderad"] == "2026-11-24"
            assert "Uppföljd: Aktiv. Personuppgifterna raderade 2026-11-24." in first["Status"]
            if day < TODAY + 7 * DAY:
                assert (second["Namn"], second["E-post"]) == ("Sen Person", "sen@example.se")
                assert second["Raderad"] == "" and second["Resultat"] == "Inte aktiv"
                assert "Raderas senast" not in second["Status"]
                assert "Personuppgifterna raderas 2026-12-01." in second["Status"]
            else:
                assert second["Namn"] == "" and second["Raderad"] == "2026-12-01"
            # Copies row for row are closed and erased together, on time.
            for row in (copy, copy_again):
                assert row["Namn"] == "" and row["Resultat"] == "Ej uppföljd"
                assert row["Raderad"] == "2026-11-24"
            assert copy["Status"] == copy_again["Status"]
            # The same person twice, one row erased: the other keeps what its consent keeps.
            assert called["Namn"] == "" and called["Raderad"] == "2026-11-24"
            assert consented["Namn"] == "Dubbel Person" and consented["Raderad"] == ""
            assert consented["Samtycke"] == "2026-11-14" and consented["Resultat"] == ""
            assert "Samtycke: sparas till 2028-11-14" in consented["Status"]

    # No letter from a row whose ID is someone else's too (the re-engagement letter waits).
    assert "sen@example.se" not in recipients(read_outbox(config.mail.outbox))
