"""How many Sheets API requests a daily run costs, at 10, 1 000 and 10 000 newcomers.

Runs the real daily routine through the real gspread client against the local fake of the
Sheets API (tests/fakes), with a workbook of newcomers in every stage and a few new ones each
time, and prints a markdown table: requests and bytes sent (request bodies) of a first run and
of the next day's, and the fastest of `REPEATS` timings (the fake server included). Requests
and bytes are the same on every repetition. Run from the repository root:

    .venv/bin/python benchmarks/api_requests.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakes.clock import FakeClock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from medlemsrutiner.adapters.google.client import RetryPolicy
from medlemsrutiner.adapters.google.workbook import open_google_workbook
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.sheet import cells
from tests.fakes.sheets_api import FakeSheetsApi
from tests.support import REPO, make_config, mixed_rows, workbook_grids

TODAY = dt.date(2026, 11, 24)
SIZES = (10, 1_000, 10_000)
REPEATS = 3


def measure(size: int, folder: Path) -> list[tuple[str, int, int, float]]:
    """(run, requests, bytes sent in request bodies, seconds) of a first run, which writes a
    Status on every row, and of the next day's run, with three new people arriving."""
    grids: dict[str, list[list[Any]]] = workbook_grids(newcomers=mixed_rows(size))
    serial = {
        name: [
            [cells.date_to_serial(v) if isinstance(v, dt.date) else v for v in row] for row in rows
        ]
        for name, rows in grids.items()
    }
    results = []
    with FakeSheetsApi() as api:
        spreadsheet = api.create_spreadsheet("Benchmark", serial)
        config = make_config(folder, workbook={"backend": "google", "spreadsheet_id": spreadsheet})
        for run, today in (("first", TODAY), ("next day", TODAY + dt.timedelta(days=1))):
            if run == "next day":
                api.insert_rows(
                    spreadsheet,
                    "Intresserade",
                    2,
                    [[None, None, f"Ny Person{i}", f"imorgon{i}@example.se"] for i in range(3)],
                )
            workbook = open_google_workbook(
                config.workbook,
                {},
                session=api.session(),
                policy=RetryPolicy(),
                clock=FakeClock(),
            )
            now = dt.datetime.combine(today, dt.time(7), tzinfo=config.zone)
            api.reset_counts()
            started = time.perf_counter()
            with workbook:
                run_daily(
                    workbook,
                    Outbox(folder / "outbox", now),
                    Renderer(REPO / "templates"),
                    config,
                    today,
                    now,
                )
            seconds = time.perf_counter() - started
            sent = sum(record.body_length for record in api.requests)
            results.append((run, len(api.requests), sent, seconds))
    return results


def fastest(size: int) -> list[tuple[str, int, int, float]]:
    """`measure` repeated: requests and bytes (always the same) and the fastest seconds."""
    trials = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as folder:
            trials.append(measure(size, Path(folder)))
    first = trials[0]
    assert all([t[:3] for t in trial] == [t[:3] for t in first] for trial in trials)
    return [
        (*first[index][:3], min(trial[index][3] for trial in trials)) for index in range(len(first))
    ]


def main() -> None:
    print("| newcomers | requests | bytes sent | seconds | run |")
    print("|---:|---:|---:|---:|:---|")
    for size in SIZES:
        for run, requests, sent, seconds in fastest(size):
            line = f"| {size:,} | {requests} | {sent:,} | {seconds:.2f} | {run} |"
            print(line.replace(",", " "))


if __name__ == "__main__":
    main()
