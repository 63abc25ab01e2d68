"""A clock the tests own: a monotonic clock and a wall clock that move together, only when
something sleeps on them. Give its `sleep`, `monotonic` and `time` to the Google client and its
`monotonic` to the local Sheets API, and a wait of minutes for the quota takes no time while the
fake's notion of time stays the client's."""

from __future__ import annotations

import threading
import time

MINUTE = 60.0


class FakeClock:
    """Starts `into_minute` seconds into a minute of the wall clock (2027-01-15 08:00 UTC)."""

    EPOCH = 1_800_000_000.0
    """A whole minute of the wall clock."""

    def __init__(self, into_minute: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._elapsed = 0.0
        self._start = self.EPOCH + into_minute
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def time(self) -> float:
        with self._lock:
            return self._start + self._elapsed

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._elapsed += max(0.0, seconds)

    def minute(self, at: float) -> int:
        """The wall clock's minute number at monotonic time `at`."""
        return int((self._start + at) // MINUTE)


class WallClock:
    """The machine's own clock, for the rare test that waits for something real: a request the
    local Sheets API lets land late (its delay is real time)."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
