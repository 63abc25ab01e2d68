"""The run lock of a Google workbook: two runs never overlap on one machine. Does file I/O (a
lock file beside the config, through `adapters.files.FileLock`: an OS lock that ends with the
process, so a crashed or killed run leaves none behind).

The xlsx backend holds its own lock beside the workbook. A Google workbook has no file on the
machine, so the CLI holds this one — named after the spreadsheet, beside the config — for the
length of a command that writes: nothing else would stop a run started by hand while cron's
is still going from working on the same sheet.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from medlemsrutiner.adapters.files import FileLock
from medlemsrutiner.config import Config
from medlemsrutiner.errors import WorkbookBusyError


@contextlib.contextmanager
def holding(path: Path, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created, and removed after); WorkbookBusyError(`busy`)
    if another process holds it."""
    lock = FileLock(path)
    if not lock.acquire():
        raise WorkbookBusyError(busy)
    try:
        yield
    finally:
        lock.release()


def run_lock_path(config: Config) -> Path | None:
    """The lock file of a Google workbook: beside the config, named after the spreadsheet, so
    that two configs in one folder for the same spreadsheet share it. None for xlsx (the
    workbook's own lock serves)."""
    spreadsheet = config.workbook.spreadsheet_id
    if config.workbook.backend != "google" or spreadsheet is None:
        return None
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", spreadsheet)
    return config.path.parent / f".medlemsrutiner-{safe}.lock"


@contextlib.contextmanager
def run_lock(config: Config) -> Iterator[None]:
    """Hold the run lock of `config`'s workbook for the length of a command (Google only)."""
    path = run_lock_path(config)
    if path is None:
        yield
        return
    busy = (
        "En annan körning arbetar redan med samma Google-kalkylark på den här datorn "
        f"(låsfilen {path.name}). Vänta tills den är klar."
    )
    with holding(path, busy):
        yield
