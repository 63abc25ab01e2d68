"""Mail transports we own, for tests: they keep the Transport Protocol and record what they got.

* `RecordingTransport` accepts every letter and keeps it (optionally passing it on to an inner
  transport, e.g. a real Outbox or SMTP transport), and calls a test's hooks just before it
  hands a letter over and just after (the crash matrix stops a run there, the journal's test
  looks at the journal file there);
* `ScriptedTransport` answers each letter with the next scripted outcome (or one for all);
* `CrashingTransport` passes `limit` letters on to an inner transport, then dies as a killed
  process would (raising `Crash`, which no code of the package catches).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from types import TracebackType

from medlemsrutiner.adapters.mail import Transport
from medlemsrutiner.letterfile import KeptLetters
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import LetterOutcome, Sent


class Crash(Exception):
    """The process dies (a kill, a power cut) at a chosen point of the run."""


class RecordingTransport:
    """Accepts every letter (or hands it to `inner`) and keeps what it was given. `before_send`
    sees each letter before it is handed over; `after_send` sees it and its answer once the
    transport (or `inner`) has it, before the run is given the answer."""

    def __init__(
        self,
        inner: Transport | None = None,
        *,
        before_send: Callable[[OutgoingEmail], None] | None = None,
        after_send: Callable[[OutgoingEmail, LetterOutcome], None] | None = None,
    ) -> None:
        self.inner = inner
        self.before_send, self.after_send = before_send, after_send
        self.sent: list[OutgoingEmail] = []
        self.entered = 0

    def describe(self) -> str:
        return "inspelning"

    def __enter__(self) -> RecordingTransport:
        self.entered += 1
        if self.inner is not None:
            self.inner.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.inner is not None:
            self.inner.__exit__(kind, error, traceback)

    def kept(self, message_ids: Collection[str]) -> KeptLetters | None:
        """What `inner` keeps; nothing without one."""
        return self.inner.kept(message_ids) if self.inner is not None else None

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        if self.before_send is not None:
            self.before_send(email)
        outcome = self.inner.send(email) if self.inner is not None else Sent()
        if isinstance(outcome, Sent):
            self.sent.append(email)
        if self.after_send is not None:
            self.after_send(email, outcome)
        return outcome

    @property
    def recipients(self) -> list[str]:
        return [email.recipient for email in self.sent]


class ScriptedTransport(RecordingTransport):
    """Answers letter n with `outcomes[n]` (the last one repeats); `Sent` letters are kept."""

    def __init__(self, outcomes: LetterOutcome | Iterable[LetterOutcome]) -> None:
        super().__init__()
        self.outcomes = [outcomes] if not isinstance(outcomes, Iterable) else list(outcomes)
        self.given = 0

    def describe(self) -> str:
        return "skriptad"

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        outcome = self.outcomes[min(self.given, len(self.outcomes) - 1)]
        self.given += 1
        if isinstance(outcome, Sent):
            self.sent.append(email)
        return outcome


class CrashingTransport(RecordingTransport):
    """Hands `limit` letters to `inner`, then dies before the next one."""

    def __init__(self, inner: Transport, limit: int) -> None:
        super().__init__(inner)
        self.limit = limit

    def describe(self) -> str:
        return "kraschar"

    def send(self, email: OutgoingEmail) -> LetterOutcome:
        if self.limit == 0:
            raise Crash()
        self.limit -= 1
        return super().send(email)
