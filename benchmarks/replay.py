"""The demo replayed one daily run a day for two years (`tests/routines/replay.py`).

Every day a simulated coordinator calls, refers and types follow-up results (some late), people
arrive, now and then a dry run goes first; on Mondays the weekly emails; every 45 days someone
asks to be forgotten. Checked every day: no letter removed from the outbox within a week of being
written unless forget asked for it; no letter holds an address, a name or a first-named ID the
workbook no longer holds; every row with personal data shows an erasure date after today and
within the longest period; every re-engagement letter the run reports is in the outbox.

Prints one markdown table and the first problems found, if any. Run from the repository root:

    .venv/bin/python benchmarks/replay.py              # two years
    .venv/bin/python benchmarks/replay.py --days 365
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.routines.replay import replay


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=730, help="days to replay (730)")
    arguments = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        found = replay(Path(folder), arguments.days)
    seconds = time.perf_counter() - started
    print(
        "| days | letters written | removed | erasures | weekly summaries | re-engagement "
        "letters | forget | removed within a week | outlived their data | erasure date wrong | "
        "re-engagement letters missing | seconds |"
    )
    print("|" + "---:|" * 12)
    print(
        f"| {found.days} | {found.letters_written} | {found.letters_removed} | {found.erasures} "
        f"| {found.summaries} | {found.reengagement_letters} | {found.forgotten} "
        f"| {len(found.removed_early)} | {len(found.outlived)} | {len(found.kept_too_long)} "
        f"| {len(found.lost)} | {seconds:.0f} |"
    )
    for problem in found.problems[:20]:
        print(f"- {problem}")
    return 1 if found.problems else 0


if __name__ == "__main__":
    sys.exit(main())
