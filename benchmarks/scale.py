"""The daily run on a large .xlsx workbook against the floor: what openpyxl alone costs to load
and save the same workbook once.

Builds a workbook of `--size` newcomers in every stage (three of them new, one referred today)
and as many follow-up rows (half of them erased history, the rest waiting, due, followed up or
re-engaged), then measures, each in a fresh Python process so that the peak memory of one
measurement is its own:

* the floor: `openpyxl.load_workbook` and `Workbook.save` of that file, once;
* the daily run (`routines.daily.run_daily` on the xlsx backend, letters to an outbox): the
  first run on the workbook (a Status on every row) and the next day's (three new people, so
  both writes of the day save the file).

Time is the wall clock of the work alone (not starting Python or importing); memory is the
peak resident set size above what the process held after its imports, which are not the work
either (Linux: the peak is reset after the imports through /proc/self/clear_refs and read as
VmHWM; the absolute peaks are printed below the table). Each figure is the best
of `--repeats`; the floor is measured between the runs, so that both see the same machine. Prints
a markdown table with the ratios. Run from the repository root:

    .venv/bin/python benchmarks/scale.py            # 10 000 + 10 000 rows
    .venv/bin/python benchmarks/scale.py --size 1000 --repeats 1
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 24)
DAY = dt.timedelta(days=1)


def followup_rows(count: int, first_id: int) -> list[dict[str, Any]]:
    """`count` invented follow-up rows: half erased history, the rest in every later stage."""
    rows: list[dict[str, Any]] = []
    for k in range(count):
        row_id = first_id + k
        referred = TODAY - (k % 300) * DAY
        row: dict[str, Any] = {
            "id": row_id,
            "name": f"Testa Person{row_id}",
            "email": f"person{row_id}@example.se",
            "phone": f"070-174 06 {10 + row_id % 80:02d}",
            "referred_to": "Centrumgruppen",
            "referred": referred,
            "follow_up_from": referred + 56 * DAY,
            "follow_up_by": referred + 70 * DAY,
        }
        stage = k % 10
        if stage < 5:
            row |= {
                "name": None,
                "email": None,
                "phone": None,
                "result": "Aktiv",
                "followed_up": referred + 60 * DAY,
                "erased": referred + 67 * DAY,
            }
        elif stage == 5:
            row |= {
                "result": "Inte aktiv",
                "followed_up": TODAY - 3 * DAY,
                "reengagement": TODAY - 2 * DAY,
            }
        elif stage == 6:
            row |= {"result": "Aktiv", "followed_up": TODAY - 2 * DAY}
        rows.append(row)
    return rows


def build(path: Path, size: int) -> None:
    from tests.support import mixed_rows, workbook_grids, write_xlsx

    grids = workbook_grids(newcomers=mixed_rows(size), followups=followup_rows(size, 2 * size))
    write_xlsx(path, grids)


def add_newcomers(path: Path, count: int) -> None:
    """Three people arrive overnight (typed at the bottom, as a person would)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for number in range(count):
        book["Intresserade"].append(
            [None, None, f"Ny Person{number}", f"imorgon{number}@example.se"]
        )
    book.save(path)


# --- Measured in a child process -------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _start_measuring() -> int:
    """The resident memory now, with the peak reset to it (Linux: clear_refs), so that the
    peak measured after the work is the work's own and not the imports' (nor the parent's:
    `getrusage`'s peak survives exec on Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kb() -> int:
    return _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_floor(path: Path) -> dict[str, Any]:
    import openpyxl

    base = _start_measuring()
    started = time.perf_counter()
    book = openpyxl.load_workbook(path)
    book.save(path.with_name("floor-copy.xlsx"))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_kb": _peak_kb(), "base_kb": base}


def child_run(path: Path, day: dt.date) -> dict[str, Any]:
    from medlemsrutiner.adapters.outbox import Outbox
    from medlemsrutiner.adapters.xlsx import XlsxWorkbook
    from medlemsrutiner.letters.render import Renderer
    from medlemsrutiner.routines.daily import run_daily
    from tests.support import TAB_NAMES, make_config

    config = make_config(path.parent, workbook={"backend": "xlsx", "path": path.name})
    now = dt.datetime.combine(day, dt.time(7), tzinfo=config.zone)
    renderer = Renderer(ROOT / "templates")
    base = _start_measuring()
    started = time.perf_counter()
    workbook = XlsxWorkbook(path, TAB_NAMES)
    with workbook:
        report = run_daily(
            workbook, Outbox(path.parent / "outbox", now), renderer, config, day, now
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_kb": _peak_kb(),
        "base_kb": base,
        "loads": workbook.loads,
        "saves": workbook.saves,
        "letters": len(report.emails),
    }


def measure(kind: str, path: Path, day: dt.date) -> dict[str, Any]:
    """One measurement in a fresh process."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), day.isoformat()],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def best(trials: list[dict[str, Any]]) -> dict[str, Any]:
    growth = [max(1, t["peak_kb"] - t["base_kb"]) for t in trials]
    return trials[0] | {
        "seconds": min(t["seconds"] for t in trials),
        "growth_kb": min(growth),
        "peak_kb": min(t["peak_kb"] for t in trials),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "DAY"))
    args = parser.parse_args()
    if args.child:
        kind, path, day = args.child
        result = (
            child_floor(Path(path))
            if kind == "floor"
            else child_run(Path(path), dt.date.fromisoformat(day))
        )
        print(json.dumps(result))
        return

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "original.xlsx"
        build(original, args.size)
        next_day = Path(folder) / "next-day.xlsx"
        work = Path(folder) / "arbetsbok.xlsx"
        for label, start, day in (("first", original, TODAY), ("next day", next_day, TODAY + DAY)):
            if label == "next day":  # the workbook as the first run left it, and three new rows
                shutil.copy(original, work)
                measure("run", work, TODAY)
                shutil.copy(work, next_day)
                add_newcomers(next_day, 3)
            floors, runs = [], []
            for _ in range(args.repeats):
                shutil.copy(start, work)
                floors.append(measure("floor", work, day))
                shutil.copy(start, work)
                shutil.rmtree(work.parent / "outbox", ignore_errors=True)
                runs.append(measure("run", work, day))
            rows.append((label, best(floors), best(runs)))

    print(
        "| rows | run | floor s | daily run s | × floor | floor MB | daily run MB | × floor "
        "| loads | saves | letters |"
    )
    print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, floor, run in rows:
        print(
            f"| {args.size:,} + {args.size:,} | {label} | {floor['seconds']:.1f} | "
            f"{run['seconds']:.1f} | {run['seconds'] / floor['seconds']:.2f} | "
            f"{floor['growth_kb'] / 1024:.0f} | {run['growth_kb'] / 1024:.0f} | "
            f"{run['growth_kb'] / floor['growth_kb']:.2f} | {run['loads']} | {run['saves']} | "
            f"{run['letters']} |".replace(",", " ")
        )
    print()
    for label, floor, run in rows:
        print(
            f"Peak resident memory, {label}: floor {floor['peak_kb'] / 1024:.0f} MB, "
            f"daily run {run['peak_kb'] / 1024:.0f} MB (imports included)."
        )


if __name__ == "__main__":
    main()
