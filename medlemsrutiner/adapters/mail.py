"""The mail seam: how rendered letters leave. No I/O here; see outbox.py and smtp.py.

A transport is a context manager (entering opens the one connection of the run, and fails
before anything is marked when it cannot) whose `send` reports a `LetterOutcome` per letter
instead of raising, so one bad address never stops the run.

`kept` tells a later run what the transport still holds of letters it was given: the send
journal settles a letter a stopped run was handing over (begun, never answered) from it
(`steps.recovery`). It needs no connection (it is asked before the transport is entered). SMTP
keeps nothing a run can look at (None: such a letter stays for a person); the outbox shows which
of them are in its folder.
"""

from __future__ import annotations

from collections.abc import Collection
from types import TracebackType
from typing import Protocol

from medlemsrutiner.letterfile import KeptLetters
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import LetterOutcome


class Transport(Protocol):
    def describe(self) -> str: ...

    def __enter__(self) -> Transport: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def send(self, email: OutgoingEmail) -> LetterOutcome: ...

    def kept(self, message_ids: Collection[str]) -> KeptLetters | None:
        """Where this transport keeps the letters it was given, and which of `message_ids`
        are there whole; None when it keeps nothing a later run can look at, or the look
        failed (then nothing is proven)."""
        ...
