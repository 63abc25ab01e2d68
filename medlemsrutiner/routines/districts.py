"""Several districts in one command: `--config` given more than once, or a folder of configs
(`configs/`). Lists the configs, names each district, runs them one after another — every line
prefixed with the district, one district's failure never stopping the next, the worst exit
code the result — and paces their Google requests so that all of them together stay under the
Sheets API's quota of one service account. Lists a folder; the CLI gives it the clock and the
way to print.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from medlemsrutiner.errors import EXIT_BUG, EXIT_OK, AppError, ConfigError
from medlemsrutiner.routines.bug_report import bug_report

Write = Callable[[str], None]

SHEETS_QUOTA_PER_MINUTE = 60
"""Google Sheets API requests one service account may make in a minute (reads and writes are
counted apart, 60 each; this counts them together, to be safe)."""

PACE_PER_MINUTE = 50
"""What districts run one after another aim for: the quota, less room for retries."""


def config_paths(values: Sequence[Path]) -> list[Path]:
    """The config files named by `values`: files as given, folders as their `*.toml` files in
    name order; each file once."""
    paths: list[Path] = []
    for value in values:
        if value.is_dir():
            found = sorted(path for path in value.glob("*.toml") if path.is_file())
            if not found:
                raise ConfigError(value, None, "mappen innehåller inga konfigurationsfiler (.toml)")
            paths.extend(found)
        else:
            paths.append(value)
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def district_name(path: Path) -> str:
    """The district a config file is for: its name without `.toml` (`configs/norr.toml`: norr)."""
    return path.stem


class Pacer:
    """Waits before a district's run while the requests of the last minute, plus as many as
    the previous run made, would pass `per_minute`. A run over the whole quota on its own waits
    for an empty minute; Google's 429 answers are still retried by the client."""

    def __init__(
        self,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        per_minute: int = PACE_PER_MINUTE,
        window: float = 60.0,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.per_minute = per_minute
        self.window = window
        self.recent: deque[tuple[float, int]] = deque()
        self.expected = 0

    def _forget_old(self, now: float) -> None:
        while self.recent and self.recent[0][0] <= now - self.window:
            self.recent.popleft()

    def before(self) -> None:
        """Wait, if need be, before the next run."""
        while True:
            now = self.clock()
            self._forget_old(now)
            used = sum(count for _, count in self.recent)
            if not self.recent or used + self.expected <= self.per_minute:
                return
            self.sleep(self.recent[0][0] + self.window - now)

    def after(self, requests: int) -> None:
        """Note the requests a run made (0 for a workbook that is not Google's)."""
        if requests > 0:
            self.recent.append((self.clock(), requests))
        self.expected = requests


def google_requests(workbook: object) -> int:
    """How many Sheets API requests a Google workbook has sent (0 for other backends)."""
    http = getattr(workbook, "http", None)
    return int(getattr(http, "requests_sent", 0) or 0)


class Console:
    """Where a district's lines go: stdout and stderr, each line after `prefix`."""

    def __init__(self, write_out: Write, write_err: Write, prefix: str = "") -> None:
        self.write_out = write_out
        self.write_err = write_err
        self.prefix = prefix
        self.requests = 0
        """Google Sheets requests the run made (for pacing several districts)."""

    def out(self, line: str) -> None:
        self.write_out(self.prefix + line)

    def err(self, line: str) -> None:
        self.write_err(self.prefix + line)


def run_each(
    paths: Sequence[Path],
    one: Callable[[Path, Console], int],
    write_out: Write,
    write_err: Write,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> int:
    """Run `one` for every config in turn; the worst exit code. Each line starts with
    `[district] `; an error (an AppError as its one Swedish line, a bug with its traceback,
    messages redacted, and exit code 3) is printed and the next district runs."""
    pacer = Pacer(clock, sleep)
    worst = EXIT_OK
    for path in paths:
        console = Console(write_out, write_err, f"[{district_name(path)}] ")
        pacer.before()
        try:
            code = one(path, console)
        except AppError as error:
            console.err(error.line)
            code = error.exit_code
        except Exception as bug:  # a bug in one district must not stop the others
            for line in bug_report(bug).splitlines():
                console.err(line)
            code = EXIT_BUG
        pacer.after(console.requests)
        worst = max(worst, code)
    return worst
