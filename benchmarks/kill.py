"""Real kills: the scripts killed with SIGKILL at random moments, then run again.

`run_daily.py` (and its `--dry-run`), `weekly_summary.py` and `forget.py` run in a process of
their own on an .xlsx workbook with letters of every kind and erasures due, sending to the
outbox folder or over SMTP to a local aiosmtpd server; each is killed after a random delay
spread over an uninterrupted run's whole duration (`--at-changes`: at a random one of the
changes it makes to its folder — a lock, a temporary copy, a letter, the journal), then run
again the same day and the next day (`tests/routines/kills.py` says what is counted).

Prints one markdown table (a row per transport) and, under it, every kill that broke a
promise. Run from the repository root:

    .venv/bin/python benchmarks/kill.py --kills 100
    .venv/bin/python benchmarks/kill.py --kills 60 --at-changes --seed 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.smtp_server import LocalSmtpServer
from tests.routines.kills import Kills, details, plan, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="how many kills (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument(
        "--at-changes", action="store_true", help="kill at a change to the folder, not a time"
    )
    arguments = parser.parse_args()
    started = time.perf_counter()
    outcomes = []
    with tempfile.TemporaryDirectory() as folder, LocalSmtpServer() as server:
        kills = Kills(Path(folder), server)
        for sequence, transport, fraction in plan(arguments.kills, arguments.seed):
            outcomes.append(
                kills.kill(sequence, transport, fraction, at_changes=arguments.at_changes)
            )
        durations = ", ".join(
            f"{sequence} {known.seconds:.1f} s"
            for (sequence, transport), known in sorted(kills.references.items())
            if transport == "outbox"
        )
    print("\n".join(table(outcomes)))
    print()
    killed = Counter(outcome.sequence for outcome in outcomes if outcome.killed)
    print(f"- killed: {', '.join(f'{name} {n}' for name, n in sorted(killed.items()))}")
    print(f"- uninterrupted (outbox): {durations}")
    most = max((len(outcome.uncertain) for outcome in outcomes), default=0)
    print(f"- at most {most} letter(s) for a person to check per kill")
    for line in details(outcomes):
        print(f"- {line}")
    print(f"\n({time.perf_counter() - started:.0f} s, seed {arguments.seed})")
    return 1 if details(outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
