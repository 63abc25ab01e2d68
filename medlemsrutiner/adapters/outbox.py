"""The outbox transport: each letter as an .eml file in a folder. Does file I/O.

The embedded default, and where every `--dry-run` writes its letters. Each letter is written to
a temporary file (`.<name>.eml.tmp`) and renamed into place, so a letter is either whole or
absent; a run that was killed in between leaves the temporary file, which the next run that
holds the workbook's lock removes (`remove_partial`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from types import TracebackType

from medlemsrutiner.errors import MailError
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Failed, LetterOutcome, Sent


class Outbox:
    """Writes each letter as an .eml file holding exactly the bytes SMTP would send.

    File names carry the time, a sequence number and the letter's label (`ID17-welcome`),
    never a name or address.
    """

    def __init__(self, folder: Path, now: dt.datetime, *, remove_partial: bool = False) -> None:
        self.folder = folder
        self.stamp = now.strftime("%Y%m%dT%H%M%S")
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
