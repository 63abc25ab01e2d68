"""The files around the local workbook. Does file I/O (and takes an OS-level lock: flock, or
msvcrt on Windows).

* `FileLock`: the lock file that keeps two runs from working on the same workbook at once
  (`.<workbook>.medlemsrutiner-lock`), created beside the workbook when a run starts and removed
  when it ends. It is removed while still locked, and a run that locked a file which has since
  been removed tries again, so no two runs ever hold locks on different files of the same name.
* `office_lock`: the lock file LibreOffice or Excel keeps while a person has the workbook open.
* `replace_atomically`: a new version of a file written beside it and renamed over it, so a
  crash leaves the old file whole (the one way the workbook, the send journal and the outbox's
  letters are written); `sync_folder` makes a rename, creation or removal in a folder durable.
* `remove_stale_copies`: the temporary copies that a run killed in the middle of
  `replace_atomically` left beside the file (each a whole workbook, with personal data the
  workbook may since have erased), removed by the next run that holds the lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

_TRIES = 5


class FileLock:
    """An exclusive, non-blocking lock on the file at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it (or keeps replacing it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(_TRIES):
            handle = self.path.open("a+b")
            if not _try_lock(handle):
                handle.close()
                return False
            if _is_file_at(handle, self.path):
                self._handle = handle
                return True
            # The run before removed the file after we opened it: lock the one there now.
            _unlock(handle)
            handle.close()
        return False

    def release(self) -> None:
        """Remove the lock file and let go of the lock (nothing when not held)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        _unlock(handle)
        handle.close()
        if sys.platform == "win32":  # an open file cannot be removed there: try again now
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)


def office_lock(path: Path) -> Path | None:
    """The lock file of LibreOffice or Excel beside `path`, if a person has it open. Office's
    owner file is `~$` before the name, or over its first two characters (`~$betsbok.xlsx`
    for `arbetsbok.xlsx`, as Office names it for a longer name): both are looked for."""
    names = [f".~lock.{path.name}#", f"~${path.name}"]
    if len(path.stem) > 2:
        names.append(f"~${path.name[2:]}")
    for lock in (path.with_name(name) for name in names):
        if lock.exists():
            return lock
    return None


def replace_atomically(path: Path, write: Callable[[Path], object]) -> bytes:
    """Replace `path` by what `write` writes to a temporary file beside it (flushed to disk,
    given the old file's permissions, then renamed over it, the rename made durable); on any
    error `path` is untouched and the temporary file removed, and the OSError raised.
    Returns the SHA-256 digest of the bytes now at `path`, read back before the rename, so that
    a later change by anyone else is seen as one.

    The one atomic replacement of a file: the workbook, the send journal, the outbox's letters."""
    temporary = temporary_copy(path, os.getpid())
    try:
        write(temporary)
        with temporary.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").digest()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode)
        os.replace(temporary, path)
        sync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return digest


def sync_folder(folder: Path) -> None:
    """Make a file's creation, renaming or removal in `folder` durable (not on Windows)."""
    if sys.platform == "win32":  # pragma: no cover - folders cannot be opened there
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def temporary_copy(path: Path, pid: int) -> Path:
    """Where process `pid` writes the next version of `path` before renaming it into place."""
    return path.with_name(f".{path.name}.{pid}.tmp")


def remove_stale_copies(path: Path) -> list[Path]:
    """Remove the temporary copies of `path` that runs left behind (only files named as
    `temporary_copy` names them); return what was removed. Call only while holding the run's
    lock: then no run of ours is writing one."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[0-9]+\.tmp")
    removed: list[Path] = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        if pattern.fullmatch(candidate.name) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _is_file_at(handle: IO[bytes], path: Path) -> bool:
    """True when `handle` is the file `path` names now (not one removed after it was opened)."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
