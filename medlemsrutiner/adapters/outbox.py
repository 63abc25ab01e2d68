"""The outbox transport: each letter as an .eml file in a folder. Does file I/O.

The embedded default, and where every `--dry-run` writes its letters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from types import TracebackType

from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import Failed, LetterOutcome, Sent


class Outbox:
    """Writes each letter as an .eml file holding exactly the bytes SMTP would send.

    File names carry the time, a sequence number and the letter's label (`ID17-welcome`),
    never a name or address.
    """

    def __init__(self, folder: Path, now: dt.datetime) -> None:
        self.folder = folder
        self.stamp = now.strftime("%Y%m%dT%H%M%S")
        self.count = 0
        self.written: list[Path] = []

    def describe(self) -> str:
        return f"utkorg: {self.folder}"

    def __enter__(self) -> Outbox:
        self.folder.mkdir(parents=True, exist_ok=True)
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
