"""A messy year of daily runs gives exactly the letters, reports and workbooks it gave before.

This is a characterisation test: `tests/golden/year.txt` records, day by day, the exit code,
the report, every letter (label, recipient, subject and a hash of its bodies) and a hash of
each tab after the run. A change that is meant to keep behaviour (a refactoring) must leave the
file as it is. A change that is meant to change letters or Status texts regenerates it with
`UPDATE_GOLDEN=1 make test` and the diff of the golden file shows exactly what changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
from pathlib import Path

import pytest

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.simulation import grid_digest, letter_digest, messy_year
from tests.support import REPO, make_config

GOLDEN = Path(__file__).parent / "golden" / "year.txt"


def _snapshot(tmp_path: Path) -> list[str]:
    config = make_config(tmp_path, start_date=dt.date(2026, 1, 10))
    renderer = Renderer(REPO / "templates")

    def run_day(workbook: MemoryWorkbook, outbox: Path, day: dt.date) -> tuple[int, list[str]]:
        now = dt.datetime.combine(day, dt.time(7, 0), tzinfo=config.zone)
        with workbook:
            report = run_daily(workbook, Outbox(outbox, now), renderer, config, day, now)
        return report.exit_code, report.lines()

    year = messy_year(run_day, tmp_path / "outbox")
    lines: list[str] = []
    for day in year.days:
        lines.append(f"== {day.day.isoformat()} exit {day.exit_code} workbook {day.workbook}")
        # The report, with its long lists of flagged rows as one hash each (they repeat daily).
        flagged: list[str] = []
        for line in day.lines[1:]:
            if line.startswith("    "):
                flagged.append(line)
                continue
            lines.append(f"   {line}")
        if flagged:
            lines.append(
                f"   flags {hashlib.sha256(chr(10).join(flagged).encode()).hexdigest()[:12]}"
            )
        lines.extend(f"   > {letter_digest(name, message)}" for name, message in day.letters)
    grids = year.workbook.grids
    lines.extend(f"tab {name} {grid_digest(grids[name])}" for name in sorted(grids))
    return lines


@pytest.mark.slow
def test_a_messy_year_gives_the_recorded_letters_reports_and_workbook(tmp_path: Path) -> None:
    lines = _snapshot(tmp_path)
    if os.environ.get("UPDATE_GOLDEN") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    diff = list(difflib.unified_diff(expected, lines, "golden", "now", lineterm="", n=1))
    assert not diff, "\n".join(diff[:80])
