"""Locks that keep two runs apart on one machine. Does file I/O (a lock file; fcntl on Linux
and macOS, msvcrt on Windows).

The lock is the operating system's, held on an open file, so it ends with the process: a run
that crashes or is killed never leaves a stale lock behind (the file itself stays, empty, and
is reused). The xlsx backend holds one beside its workbook; the CLI holds one beside the config
for the Google backend (`run_lock`), where nothing on the machine would otherwise stop a
second run, started by hand while cron's is still going, from working on the same sheet.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from medlemsrutiner.config import Config
from medlemsrutiner.errors import WorkbookBusyError


@contextlib.contextmanager
def holding(path: Path, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing); WorkbookBusyError(`busy`) if
    another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+b")
    try:
        if not try_lock(handle):
            raise WorkbookBusyError(busy)
        try:
            yield
        finally:
            unlock(handle)
    finally:
        handle.close()


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


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(handle: IO[bytes]) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
