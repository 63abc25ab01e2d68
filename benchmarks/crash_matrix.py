"""The crash matrix: the daily run stopped at every point where it does I/O, then run twice more.

For each backend (a local .xlsx file; Google Sheets through the real gspread client against the
local fake of the Sheets API, with Uppföljning in a spreadsheet of its own) and each transport
(the outbox; SMTP to a local aiosmtpd server), a workbook with letters of every kind — welcome
letters, introductions (two letters each, then the move to Uppföljning), an alternatives
letter, re-engagement letters, a group's reminder — and erasures due in both tabs is run once
uninterrupted to list its I/O points, then, for each point, a fresh copy is stopped there
(`tests/routines/crash_matrix.py` says how) and run again the same day and the next day.

Prints one markdown table (crash points; runs, the stopped ones included; letters the world
received twice; letters lost — due, never received and not shown to a person; letters left
for a person to check) and, under it, what else was counted for each row. Run from the
repository root:

    .venv/bin/python benchmarks/crash_matrix.py                  # with the send journal
    .venv/bin/python benchmarks/crash_matrix.py --without-journal   # as before the journal
    .venv/bin/python benchmarks/crash_matrix.py --small          # the test suite's workbook
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.routines.crash_matrix import FULL, SMALL, describe, matrix_row, setups, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="the test suite's small workbook")
    parser.add_argument(
        "--without-journal", action="store_true", help="runs without the send journal"
    )
    arguments = parser.parse_args()
    profile = SMALL if arguments.small else FULL
    started = time.perf_counter()
    rows = []
    with (
        tempfile.TemporaryDirectory() as folder,
        setups(journal=not arguments.without_journal) as found,
    ):
        for setup in found:
            where = Path(folder) / f"{setup.backend}-{setup.transport}"
            rows.append(matrix_row(setup, where, profile))
    print("\n".join(table(rows)))
    print()
    for line in describe(rows):
        print(f"- {line}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if arguments.without_journal:
        return 0
    bad = any(
        row.total("duplicates") or row.total("lost") or row.most_uncertain > 1 for row in rows
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
