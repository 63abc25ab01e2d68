"""Which districts a run of daily.yml or weekly.yml runs, whether it runs at all, whether the
daily run brings the weekly summary, and how many districts may run at once.

GitHub's cron is in UTC and knows no summer time, so daily.yml has two schedules: one for
summer time (Stockholm is UTC+2: 07:00 is 05:00 UTC) and one for winter time (UTC+1: 07:00 is
06:00 UTC). This script lets through only the schedule that falls on LOCAL_TIME in Stockholm
today. It looks at the schedule that fired, not at the clock, so a run GitHub starts late still
runs; and summer time begins and ends at 01:00 UTC, before either schedule, so on every day of
the year exactly one of the two passes. A manual run (workflow_dispatch) always passes.

The districts are the files configs/*.toml, one job each, in the GitHub Environment named like
the district (its secrets are that district's alone). Files whose name starts with `exempel`
are the repository's examples: they run only when a manual run names them.

**One pace for all scheduled work.** Every district's runs share one service account, and
Google counts that account's Sheets requests per minute (60 reads and 60 writes). The weekly
summary is not a schedule of its own: on Mondays (Stockholm) the scheduled daily job of each
district sends it right after its daily run, in the same job. So one matrix holds all the
scheduled work, and its `max-parallel` comes from here:

    max_parallel = PACE_PER_MINUTE // (R x RUNS_PER_SLOT_PER_MINUTE), at least 1

where R is the most read requests one job makes (the costliest district's shape, by COSTS:
its daily run, plus its weekly run on a Monday), RUNS_PER_SLOT_PER_MINUTE is how many jobs one
slot of the matrix can start in a minute (a job takes well over 30 s before its run: checkout,
Python, the packages), and PACE_PER_MINUTE leaves room under the quota for retries and a
manual run. tests/test_scheduling.py measures COSTS against the local Sheets API and checks
every figure here; README ("Every district") shows the arithmetic.

Environment (set by the workflow): EVENT (github.event_name), SCHEDULE (github.event.schedule),
LOCAL_TIME (`07:00`), DISTRICT (a manual run's district, blank for all), ROUTINE (`daily` or
`weekly`: which workflow asks) and TODAY (`YYYY-MM-DD` in UTC, for tests; default today).
Prints `run=`, `districts=<JSON list>`, `weekly=` and `max_parallel=` for $GITHUB_OUTPUT; what
it decided goes to stderr (the job's log). Standard library only: it runs before anything is
installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONFIGS = Path(__file__).resolve().parent.parent / "configs"

SHEETS_READS_PER_MINUTE = 60
"""Google's quota: read requests one service account may make in a minute (writes: the same,
counted apart; a run makes fewer writes than reads)."""
PACE_PER_MINUTE = 50
"""What the scheduled work aims at: the quota, less room for retries and a manual run."""
RUNS_PER_SLOT_PER_MINUTE = 2
"""At most this many jobs start in one slot of the matrix in a minute."""

COSTS: dict[tuple[bool, bool], tuple[int, int]] = {
    # (Uppföljning in a spreadsheet of its own, a form tab): (reads of a daily run, of a weekly)
    (False, False): (4, 4),
    (False, True): (7, 4),
    (True, False): (7, 6),
    (True, True): (12, 6),
}
"""The most Sheets read requests a run makes, by the shape of the district's workbook:
measured (tests/test_scheduling.py), a first run and a next day with new people and answers."""


def scheduled_now(schedule: str, local_time: str, today: dt.date) -> bool:
    """True when the cron `schedule` (UTC; `M H * * …`) is `local_time` in Stockholm `today`."""
    minute, hour = (int(part) for part in schedule.split()[:2])
    fired = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=dt.UTC)
    return fired.astimezone(STOCKHOLM).strftime("%H:%M") == local_time


def shape(config: dict[str, Any]) -> tuple[bool, bool]:
    """(Uppföljning in a spreadsheet of its own, a form tab) of a parsed config."""
    workbook = config.get("workbook", {})
    followup = workbook.get("followup_spreadsheet_id")
    separate = bool(followup) and followup != workbook.get("spreadsheet_id")
    return separate, bool(workbook.get("tabs", {}).get("form_answers"))


def reads_per_job(config: dict[str, Any], daily: bool, weekly: bool) -> int:
    """The read requests of one district's job: its daily run and/or its weekly run."""
    daily_reads, weekly_reads = COSTS[shape(config)]
    return daily_reads * daily + weekly_reads * weekly


def max_parallel(reads: int, districts: int) -> int:
    """How many jobs may run at once so that all of them stay within the pace (at least 1, and
    no more than there are districts)."""
    allowed = PACE_PER_MINUTE // (max(reads, 1) * RUNS_PER_SLOT_PER_MINUTE)
    return max(1, min(allowed, districts))


def weekly_today(event: str, routine: str, today: dt.date) -> bool:
    """Whether the weekly summary goes out in this run: a weekly run by hand, or the scheduled
    daily run on a Monday (at 05:00 and 06:00 UTC it is the same day in Stockholm)."""
    return routine == "weekly" or (event == "schedule" and today.weekday() == 0)


def districts(folder: Path, only: str) -> list[dict[str, str]]:
    """One matrix entry per config: its path (from the repository root), its name, and the
    GitHub Environment holding its secrets (named like the district)."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        name = path.stem
        if (only and name != only) or (not only and name.startswith("exempel")):
            continue
        config = f"{folder.name}/{path.name}"
        found.append({"config": config, "name": name, "environment": name})
    return found


def main() -> int:
    event = os.environ.get("EVENT", "")
    given = os.environ.get("TODAY", "")
    today = dt.date.fromisoformat(given) if given else dt.datetime.now(dt.UTC).date()
    routine = os.environ.get("ROUTINE", "daily")
    run = True
    if event == "schedule":
        schedule = os.environ.get("SCHEDULE", "")
        local_time = os.environ.get("LOCAL_TIME", "07:00")
        run = scheduled_now(schedule, local_time, today)
        if not run:
            skipping = f"'{schedule}' (UTC) är inte {local_time} i Stockholm i dag: hoppar över."
            print(skipping, file=sys.stderr)
    only = os.environ.get("DISTRICT", "").strip()
    entries = districts(CONFIGS, only) if run else []
    if run and not entries:
        what = f"distriktet '{only}'" if only else "några distrikt (configs/*.toml)"
        print(f"Hittade inte {what}: inget att köra.", file=sys.stderr)
        run = False
    weekly = run and weekly_today(event, routine, today)
    daily = routine == "daily"
    reads = 0
    for entry in entries:
        config = tomllib.loads((CONFIGS.parent / entry["config"]).read_text(encoding="utf-8"))
        reads = max(reads, reads_per_job(config, daily, weekly))
    parallel = max_parallel(reads, len(entries))
    for entry in entries:
        print(f"Kör {entry['name']} ({entry['config']})", file=sys.stderr)
    if entries:
        print(
            f"Högst {reads} läsningar per jobb: {parallel} distrikt åt gången "
            f"({PACE_PER_MINUTE} läsningar i minuten av Googles {SHEETS_READS_PER_MINUTE}).",
            file=sys.stderr,
        )
    print(f"run={'true' if run else 'false'}")
    print(f"districts={json.dumps(entries)}")
    print(f"weekly={'true' if weekly else 'false'}")
    print(f"max_parallel={parallel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
