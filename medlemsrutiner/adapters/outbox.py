"""The outbox transport: each letter as an .eml file in a folder. Does file I/O.

The embedded default, and where every `--dry-run` writes its letters. Each letter is written to
a temporary file (`.<name>.eml.tmp`) and renamed into place, so a letter is either whole or
absent; a run that was killed in between leaves the temporary file, which the next run that
holds the workbook's lock removes (`remove_partial`).

The folder's letters are also read back and removed here (`letter_files`, `letter_texts`,
`remove_letter`): which of them go with a person's data is decided by
`steps.outbox_erasure`, never here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from medlemsrutiner.errors import MailError
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Failed, LetterOutcome, Sent

STAMP_FORMAT = "%Y%m%dT%H%M%S"
_NAME = re.compile(r"^(\d{8})T\d{6}-\d+-(.+)\.eml$")
"""A letter's file name as `Outbox.send` makes it: `20261124T070000-0001-ID17-welcome.eml`."""


class Outbox:
    """Writes each letter as an .eml file holding exactly the bytes SMTP would send.

    File names carry the time, a sequence number and the letter's label (`ID17-welcome`),
    never a name or address.
    """

    def __init__(self, folder: Path, now: dt.datetime, *, remove_partial: bool = False) -> None:
        self.folder = folder
        self.stamp = now.strftime(STAMP_FORMAT)
        self.count = 0
        self.written: list[Path] = []
        self.remove_partial = remove_partial
        """Remove partial letters left by a killed run when entered (only for a run that holds
        the workbook's lock, so no other run is writing one now)."""

    def describe(self) -> str:
        return f"utkorg: {self.folder}"

    def __enter__(self) -> Outbox:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
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
        return None

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        self.count += 1
        path = self.folder / f"{self.stamp}-{self.count:04d}-{email.label}.eml"
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            temporary.write_bytes(email.data)
            os.replace(temporary, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return Failed(f"kunde inte skriva till utkorgen ({error.strerror})", retry=True)
        self.written.append(path)
        return Sent()


def remove_partial_letters(folder: Path) -> list[Path]:
    """Remove the temporary files of letters a killed run was writing (they may hold a name and
    an address); return what was removed."""
    removed: list[Path] = []
    for path in folder.glob(".*.eml.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


@dataclass(frozen=True)
class LetterFile:
    """A letter the outbox holds: its file, its label (`ID17-welcome`) and the day it was
    written (from its name: the run's local time)."""

    path: Path
    label: str
    written: dt.date


def letter_files(folder: Path) -> list[LetterFile]:
    """Every letter the outbox transport wrote under `folder`, its `dry-run` folder included,
    in name order; [] when there is no such folder. Files named otherwise (not written by the
    scripts) are not listed."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*.eml")):
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            written = dt.datetime.strptime(match[1], "%Y%m%d").date()
        except ValueError:
            continue
        found.append(LetterFile(path, match[2], written))
    return found


def letter_texts(path: Path) -> list[str]:
    """What a letter says, to search: the file as text, each header decoded, and each text
    part decoded (quoted-printable and base64 bodies too). [] when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    texts = [data.decode("utf-8", "replace")]
    message = email.message_from_bytes(data, policy=email.policy.default)
    texts.extend(str(value) for value in message.values())
    if isinstance(message, EmailMessage):
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    texts.append(str(part.get_content()))
                except (LookupError, ValueError):
                    continue
    return texts


def remove_letter(path: Path) -> bool:
    """Remove one letter file; False when it was already gone (any other failure raises)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
