"""The mail seam: how rendered letters leave. No I/O here; see outbox.py and smtp.py.

A transport is a context manager (entering opens the one connection of the run, and fails
before anything is marked when it cannot) whose `send` reports a `LetterOutcome` per letter
instead of raising, so one bad address never stops the run.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

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
