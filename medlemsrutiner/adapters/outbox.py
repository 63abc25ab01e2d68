"""The outbox transport: each letter as an .eml file in a folder. Does file I/O.

The embedded default, and where every `--dry-run` writes its letters (the `dry-run` folder
inside the outbox). This module is the only one that names letter files and reads their names
back:

* a letter is `20261124T070000-0003-ID17-welcome.eml`: the run's local time, a sequence number,
  what it is about (`ID17`, `Grupp-Centrumgruppen`, `vecka48`) and its kind — never a name or
  an address;
* a letter that holds the personal data of more people than the one it is about (the weekly
  summary names people by ID and first name) has those IDs, and nothing else, in a file beside
  it: `.20261124T070000-0001-vecka48-weekly_summary.ids` (`17 42 69`, or empty: it names
  nobody). It is written before the letter and removed after it.

Each file is written to a temporary file and renamed into place, so a letter is either whole or
absent; a run that was killed in between leaves the temporary file, which the next run that
holds the workbook's lock removes (`remove_partial_letters`: when it opens the outbox, and in
the daily sweep whatever the transport), with any list of IDs whose letter is gone — in the
`dry-run` folder too. A dry run holds no workbook lock: it holds the `dry-run` folder's own
lock file (`.medlemsrutiner-lock` inside it) while it writes, so the sweep cleans that folder
only when no dry run is writing in it.

The folder's letters are listed as `letterfile.OutboxLetter` values (`letters`) and removed
here (`remove`); which of them go is decided by `steps.outbox_erasure`, never here. Nothing
here reads what a letter says, but for one header: `Outbox.kept` reads the Message-ID of each
letter in the folder (not its `dry-run` folder) to tell the send journal which letters a
stopped run finished writing (`letterfile.KeptLetters`; what that proves is
`steps.recovery`'s). A letter is in the folder once its rename has landed, and its list of IDs
is written before it, so a letter in the folder is whole: the transport had it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Collection
from email.parser import BytesHeaderParser
from pathlib import Path
from types import TracebackType

from medlemsrutiner.adapters.files import FileLock, replace_atomically
from medlemsrutiner.errors import MailError, WorkbookBusyError
from medlemsrutiner.letterfile import KeptLetters, LetterRecord, OutboxLetter
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Failed, LetterOutcome, Sent

STAMP_FORMAT = "%Y%m%dT%H%M%S"
DRY_RUN = "dry-run"
"""The folder inside the outbox where dry runs write their letters."""
_NAME = re.compile(r"^(\d{8})T\d{6}-\d+-(?:(.+)-)?([a-z_]+)\.eml$")
"""A letter's file name: time, sequence number, what it is about (optional), kind."""
_ABOUT = re.compile(r"^ID(\d+)$")
_WEEK = re.compile(r"^vecka(\d+)$")
_GROUP = "Grupp-"
_IDS = ".ids"
_PARTIAL = ".tmp"
FOLDER_LOCK = ".medlemsrutiner-lock"
"""The lock file a dry run holds in its folder while it writes there."""
GROUP_NAME_LIMIT = 40
"""A group's name is cut to this many characters in a file name."""


class Outbox:
    """Writes each letter as an .eml file holding exactly the bytes SMTP would send."""

    def __init__(
        self, folder: Path, now: dt.datetime, *, remove_partial: bool = False, fresh: bool = False
    ) -> None:
        self.folder = folder
        self.stamp = now.strftime(STAMP_FORMAT)
        self.count = 0
        self.written: list[Path] = []
        self.remove_partial = remove_partial
        """Remove partial letters left by a killed run when entered (only for a run that holds
        the workbook's lock, so no other run is writing one now)."""
        self.fresh = fresh
        """Empty the folder of letters when entered: a dry run's folder holds only the letters
        of the last dry run (a preview is replaced, never kept)."""
        self._lock: FileLock | None = None

    def describe(self) -> str:
        return f"utkorg: {self.folder}"

    def __enter__(self) -> Outbox:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.fresh:
                self._lock_folder()
                empty(self.folder)
        except OSError as error:
            self._unlock_folder()
            raise MailError(
                f"Utkorgen {self.folder} går inte att använda som mapp "
                f"({error.strerror or type(error).__name__}); kontrollera mail.outbox."
            ) from None
        if self.remove_partial:
            remove_partial_letters(self.folder)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._unlock_folder()

    def _lock_folder(self) -> None:
        """A dry run's folder is its own while it writes: no other dry run empties it, and no
        sweep takes a letter it is writing for one a killed run left."""
        lock = FileLock(self.folder / FOLDER_LOCK)
        if not lock.acquire():
            raise WorkbookBusyError(
                f"En annan körning använder just nu mappen {self.folder} (en provkörning som "
                "skriver sina brev där). Vänta tills den är klar."
            )
        self._lock = lock

    def _unlock_folder(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        self.count += 1
        path = self.folder / file_name(self.stamp, self.count, email.record)
        ids = _ids_file(path)
        try:
            if email.record.names is not None:
                text = " ".join(str(row_id) for row_id in sorted(email.record.names))
                _write(ids, f"{text}\n".encode())
            _write(path, email.data)
        except OSError as error:
            with contextlib.suppress(OSError):
                ids.unlink(missing_ok=True)
            return Failed(f"kunde inte skriva till utkorgen ({error.strerror})", retry=True)
        self.written.append(path)
        return Sent()

    def kept(self, message_ids: Collection[str]) -> KeptLetters | None:
        """The folder, and which of `message_ids` are letters in it. None for a dry run's
        folder (a preview proves nothing), and when the folder is gone or a letter in it cannot
        be read (its Message-ID might be one of them)."""
        if self.fresh:
            return None
        where = str(self.folder.absolute())
        wanted = {_bare(message_id): message_id for message_id in message_ids if message_id}
        if not wanted:
            return KeptLetters(where)
        try:
            if not self.folder.is_dir():
                return None
            found = {
                _bare(_message_id(path))
                for path in self.folder.glob("*.eml")
                if _NAME.match(path.name) and path.is_file()
            }
        except OSError:
            return None
        return KeptLetters(where, frozenset(wanted[bare] for bare in wanted.keys() & found))


def _message_id(path: Path) -> str:
    """A letter file's Message-ID header; only the header is read."""
    head = bytearray()
    with path.open("rb") as file:
        for line in file:
            if not line.strip():
                break
            head += line
    return str(BytesHeaderParser().parsebytes(bytes(head))["Message-ID"] or "")


def _bare(message_id: str) -> str:
    """A Message-ID without its whitespace: a long header may be folded in the file."""
    return "".join(message_id.split())


def _write(path: Path, data: bytes) -> None:
    """`data` into `path`, whole or not at all (a temporary file renamed into place)."""

    def write(temporary: Path) -> None:
        temporary.write_bytes(data)

    replace_atomically(path, write)


def file_name(stamp: str, number: int, record: LetterRecord) -> str:
    """`20261124T070000-0003-ID17-welcome.eml` (see the module docstring)."""
    if record.about is not None:
        about = f"ID{record.about}"
    elif record.group:
        safe = "".join(ch if ch.isalnum() else "_" for ch in record.group)
        about = f"{_GROUP}{safe[:GROUP_NAME_LIMIT]}"
    elif record.week is not None:
        about = f"vecka{record.week}"
    else:
        about = ""
    return f"{stamp}-{number:04d}-{about + '-' if about else ''}{record.kind}.eml"


def letters(folder: Path) -> list[OutboxLetter]:
    """Every letter the outbox transport wrote under `folder`, its `dry-run` folder included,
    in name order; [] when there is no such folder. Files named otherwise (not written by the
    scripts) are not listed."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.eml")):
        letter = _letter(folder, path)
        if letter is not None and path.is_file():
            found.append(letter)
    return found


def _letter(folder: Path, path: Path) -> OutboxLetter | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        written = dt.datetime.strptime(match[1], "%Y%m%d").date()
    except ValueError:
        return None
    about = group = ""
    week = None
    subject = match[2] or ""
    if found := _ABOUT.match(subject):
        about = found[1]
    elif found := _WEEK.match(subject):
        week = int(found[1])
    elif subject.startswith(_GROUP):
        group = subject.removeprefix(_GROUP)
    record = LetterRecord(
        match[3], int(about) if about else None, group, week, _read_ids(_ids_file(path))
    )
    relative = path.relative_to(folder)
    return OutboxLetter(str(relative), written, record, relative.parts[0] == DRY_RUN)


def _ids_file(letter: Path) -> Path:
    return letter.with_name(f".{letter.name.removesuffix('.eml')}{_IDS}")


def _read_ids(path: Path) -> frozenset[int] | None:
    """The IDs recorded beside a letter; None when there is no such file or it cannot be read
    as IDs (whom the letter names is then unknown)."""
    try:
        words = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    if not all(word.isascii() and word.isdigit() for word in words):
        return None
    return frozenset(int(word) for word in words)


def remove(folder: Path, letter: OutboxLetter) -> bool:
    """Remove one letter and the IDs recorded beside it; False when the letter was already gone
    (any other failure raises)."""
    path = folder / letter.file
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    finally:
        _ids_file(path).unlink(missing_ok=True)
    return True


def remove_partial_letters(folder: Path) -> list[Path]:
    """Remove the temporary files of letters a killed run was writing (they may hold a name and
    an address), and IDs recorded for a letter that is not there, in `folder` and its `dry-run`
    folder (unless a dry run is writing there now); return what was removed. Call only while
    holding the workbook's lock: then no real run is writing a letter in `folder`."""
    removed = _remove_partial(folder)
    dry = folder / DRY_RUN
    if dry.is_dir():
        lock = FileLock(dry / FOLDER_LOCK)
        with contextlib.suppress(OSError):
            if lock.acquire():
                try:
                    removed.extend(_remove_partial(dry))
                finally:
                    lock.release()
    return removed


def _remove_partial(folder: Path) -> list[Path]:
    removed: list[Path] = []
    for path in folder.glob(".*"):
        partial = _partial(path.name)
        orphan = (
            path.name.endswith(_IDS)
            and not path.with_name(f"{path.name[1:].removesuffix(_IDS)}.eml").exists()
        )
        if (partial or orphan) and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def empty(folder: Path) -> None:
    """Remove every letter from `folder` (not its subfolders), with what is recorded beside
    them and partial files: what a new dry run does first."""
    for path in folder.iterdir():
        ours = _NAME.match(path.name) or _partial(path.name) or path.name.endswith(_IDS)
        if ours and path.is_file():
            path.unlink(missing_ok=True)


def _partial(name: str) -> bool:
    """A temporary file of a letter, or of the IDs recorded beside one (`files.temporary_copy`)."""
    return name.startswith(".") and name.endswith(_PARTIAL) and (".eml." in name or ".ids." in name)
