"""Random faults at Google and at the mail server over many daily runs: how the runs ended, and
that none failed badly.

Runs `tests/faults.fault_series` — the real daily routine through the real gspread client
against the local Sheets API (or on a real .xlsx file), sending over the real SMTP transport to
a local aiosmtpd server — with faults drawn at each rate for every request to Google and every
letter's transaction: 429, 500, 503, timeouts and dropped connections (before or after the
request took effect) at Google; dropped connections, 421, 451, 554 and lost answers at the mail
server; and, on Google, the quota spent: 429 for 65 seconds from a request drawn at random in
every run (the client waits past the minute, on a clock that takes no real time). Prints a
markdown table. Run from the repository root:

    .venv/bin/python benchmarks/faults.py              # 40 runs per row
    .venv/bin/python benchmarks/faults.py --runs 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults import fault_series

SERIES = (
    ("google", 0.05, 0.0),
    ("google", 0.2, 0.0),
    ("google", 0.5, 0.0),
    ("google", 0.0, 65.0),
    ("xlsx", 0.2, 0.0),
    ("xlsx", 0.5, 0.0),
)
"""(backend, fault rate, seconds of 429 in every run)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    print(
        "| backend | fault rate | runs | faults met | completed | failed cleanly "
        "| stopped after a write | failed badly | letters | duplicates | lost | left for a person |"
    )
    print("|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for seed, (backend, rate, outage) in enumerate(SERIES):
        with tempfile.TemporaryDirectory() as folder:
            tally = fault_series(
                Path(folder), backend=backend, runs=args.runs, rate=rate, seed=seed, outage=outage
            )
        where = "Google (local API) + SMTP" if backend == "google" else "xlsx + SMTP"
        faults = f"429 for {outage:.0f} s" if outage else f"{rate:.0%}"
        print(
            f"| {where} | {faults} | {tally.runs} | {sum(tally.faults.values())} "
            f"| {tally.completed} | {tally.failed_cleanly} | {tally.stopped_after_write} "
            f"| {tally.failed_badly} | {tally.letters} | {tally.duplicates} | {tally.lost} "
            f"| {tally.uncertain} |"
        )


if __name__ == "__main__":
    main()
