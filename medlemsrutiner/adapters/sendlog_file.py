"""The send journal on disk. Does file I/O (and takes an OS-level lock through `files.FileLock`).

One file of JSON lines (`sheet/sendlog.py`), appended to and flushed to disk (fsync) before
`append` returns: a letter's `Begun` entry is on disk before the letter is handed to the
transport, so a crash can never leave a letter sent whose beginning the journal lacks. The
last line of a process killed while appending may be cut short: it is cut off when the file is
next opened (its letter was never handed over). Any other line that cannot be read makes the
whole journal unreadable, and an unreadable journal proves nothing: the run then starts a new
one and every marker of the old runs stays for a person, as without a journal.

`drop` removes the entries of runs that are settled (or too old), by writing the file anew
beside it and renaming it over the old one (`files.replace_atomically`); an empty journal is
removed. A run holds a lock file beside the journal while it works, so two runs never write
one journal at once.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Sequence, Set
from pathlib import Path
from types import TracebackType
from typing import Protocol

from medlemsrutiner.adapters.files import (
    FileLock,
    remove_stale_copies,
    replace_atomically,
    sync_folder,
)
from medlemsrutiner.errors import WorkbookBusyError
from medlemsrutiner.sheet.sendlog import Entry, from_line, to_line


class JournalError(Exception):
    """The journal cannot be written (a full disk, no permission)."""


class Journal(Protocol):
    """Where a daily run notes each send; see the module docstring."""

    run: str
    """This run's token (random; written into its markers)."""

    def describe(self) -> str: ...

    def pending(self) -> list[Entry] | None:
        """Every entry of earlier runs; None when the journal cannot be read."""
        ...

    def append(self, entries: Sequence[Entry]) -> None:
        """Add `entries`, on disk before returning; JournalError when that fails."""
        ...

    def drop(self, runs: Set[str]) -> None:
        """Remove the entries of `runs` (JournalError when that fails)."""
        ...

    def clear(self) -> None:
        """Remove every entry (an unreadable journal); JournalError when that fails."""
        ...


def new_run_token() -> str:
    """A random token naming one run in its markers and its journal entries."""
    return secrets.token_hex(4)


class FileJournal:
    """The journal in one file; a context manager that holds the run's lock on it."""

    def __init__(self, path: Path, run: str | None = None) -> None:
        self.path = path
        self.run = run or new_run_token()
        self._lock: FileLock | None = None
        self._handle: int | None = None

    def describe(self) -> str:
        return f"sändjournal: {self.path}"

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def __enter__(self) -> FileJournal:
        lock = FileLock(self.lock_path)
        try:
            taken = lock.acquire()
        except OSError as error:
            raise WorkbookBusyError(
                f"Sändjournalen {self.path} går inte att låsa ({error.strerror}). Kontrollera "
                "mappen (mail.journal)."
            ) from None
        if not taken:
            raise WorkbookBusyError(
                f"En annan körning använder redan sändjournalen {self.path.name}. Vänta tills "
                "den är klar."
            )
        self._lock = lock
        remove_stale_copies(self.path)  # a run killed while rewriting it (`drop`) left one
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # --- Reading ---------------------------------------------------------------------------

    def pending(self) -> list[Entry] | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError:
            return None
        whole = data[: data.rfind(b"\n") + 1]
        if len(whole) != len(data):
            # A run was killed while appending: its last line is cut short. That letter was
            # never handed over; cut the line off so that the next entry starts a line.
            try:
                self._close()
                os.truncate(self.path, len(whole))
            except OSError:
                return None
        try:
            lines = whole.decode("utf-8").splitlines()
            return [from_line(line) for line in lines if line.strip()]
        except (UnicodeDecodeError, ValueError):
            return None

    # --- Writing ---------------------------------------------------------------------------

    def append(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        data = "".join(to_line(entry) for entry in entries).encode("utf-8")
        try:
            handle = self._open()
            view = memoryview(data)
            while view:
                written = os.write(handle, view)
                view = view[written:]
            os.fsync(handle)
        except OSError as error:
            self._close()
            raise JournalError(error.strerror or type(error).__name__) from None

    def drop(self, runs: Set[str]) -> None:
        if not runs:
            return
        kept = self.pending()
        if kept is None:
            self.clear()
            return
        remaining = [entry for entry in kept if entry.run not in runs]
        if len(remaining) == len(kept):
            return
        if not remaining:
            self.clear()
            return
        self._close()
        data = "".join(to_line(entry) for entry in remaining).encode("utf-8")
        try:
            replace_atomically(self.path, lambda temporary: temporary.write_bytes(data))
        except OSError as error:
            raise JournalError(error.strerror or type(error).__name__) from None

    def clear(self) -> None:
        self._close()
        try:
            self.path.unlink(missing_ok=True)
            sync_folder(self.path.parent)
        except OSError as error:
            raise JournalError(error.strerror or type(error).__name__) from None

    def _open(self) -> int:
        if self._handle is None:
            created = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            self._handle = os.open(self.path, flags, 0o600)
            if created:
                sync_folder(self.path.parent)
        return self._handle

    def _close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                os.close(handle)
