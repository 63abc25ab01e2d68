"""The demo replayed one daily run a day (`tests/routines/replay.py`): no person's data kept
past its erasure date, in the workbook or in a letter of the outbox, and no letter removed from
the outbox within a week of being written unless forget asked for it.

`make test` replays 120 days; `MEDLEMSRUTINER_REPLAY_DAYS=730` (or `benchmarks/replay.py`)
replays two years."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.routines.replay import replay

DAYS = int(os.environ.get("MEDLEMSRUTINER_REPLAY_DAYS", "120"))


@pytest.mark.slow
def test_replaying_the_demo_day_by_day_keeps_data_and_letters_exactly_as_long_as_promised(
    tmp_path: Path,
) -> None:
    found = replay(tmp_path, DAYS)
    assert found.problems == []
    # The replay met what it checks: letters written and removed, erasures, summaries, a
    # re-engagement letter, a request to be forgotten.
    assert found.letters_removed > 10 and found.erasures > 10
    assert found.summaries >= DAYS // 7 and found.reengagement_letters > 0
    assert found.forgotten >= 1
