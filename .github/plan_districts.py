"""Which districts a run of daily.yml or weekly.yml runs, and whether it runs at all.

GitHub's cron is in UTC and knows no summer time, so each workflow has two schedules: one for
summer time (Stockholm is UTC+2: 07:00 is 05:00 UTC) and one for winter time (UTC+1: 07:00 is
06:00 UTC). This script lets through only the schedule that falls on LOCAL_TIME in Stockholm
today. It looks at the schedule that fired, not at the clock, so a run GitHub starts late still
runs; and summer time begins and ends at 01:00 UTC, before either schedule, so on every day of
the year exactly one of the two passes. A manual run (workflow_dispatch) always passes.

The districts are the files configs/*.toml, one job each. Files whose name starts with
`exempel` are the repository's examples: they run only when a manual run names them.

Environment (set by the workflow): EVENT (github.event_name), SCHEDULE (github.event.schedule),
LOCAL_TIME (`07:00`), DISTRICT (a manual run's district, blank for all), and TODAY (`YYYY-MM-DD`
in UTC, for tests; default today). Prints `run=true|false` and `districts=<JSON list>` for
$GITHUB_OUTPUT; what it decided goes to stderr (the job's log). Standard library only: it runs
before anything is installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONFIGS = Path(__file__).resolve().parent.parent / "configs"


def scheduled_now(schedule: str, local_time: str, today: dt.date) -> bool:
    """True when the cron `schedule` (UTC; `M H * * …`) is `local_time` in Stockholm `today`."""
    minute, hour = (int(part) for part in schedule.split()[:2])
    fired = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=dt.UTC)
    return fired.astimezone(STOCKHOLM).strftime("%H:%M") == local_time


def secret_suffix(name: str) -> str:
    """A district's name as the end of a secret's name: `exempel-norr` -> `EXEMPEL_NORR`."""
    return re.sub(r"[^A-Z0-9]", "_", name.upper())


def districts(folder: Path, only: str) -> list[dict[str, str]]:
    """One matrix entry per config: its path (from the repository root), name and secret suffix."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        name = path.stem
        if (only and name != only) or (not only and name.startswith("exempel")):
            continue
        config = f"{folder.name}/{path.name}"
        found.append({"config": config, "name": name, "secret": secret_suffix(name)})
    return found


def main() -> int:
    event = os.environ.get("EVENT", "")
    given = os.environ.get("TODAY", "")
    today = dt.date.fromisoformat(given) if given else dt.datetime.now(dt.UTC).date()
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
    for entry in entries:
        print(f"Kör {entry['name']} ({entry['config']})", file=sys.stderr)
    print(f"run={'true' if run else 'false'}")
    print(f"districts={json.dumps(entries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
