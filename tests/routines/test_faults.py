"""Random faults at Google and at the mail server over many daily runs never send a letter
twice, lose one, bring erased data back or crash the run with anything but a typed error
(issue 13). Small by default; `benchmarks/faults.py` prints the full figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import fault_series


@pytest.mark.parametrize(
    ("backend", "runs", "rate", "seed"),
    [("google", 8, 0.2, 1), ("google", 6, 0.5, 2), ("xlsx", 5, 0.3, 3)],
    ids=["google-20%", "google-50%", "xlsx-30%"],
)
def test_faults_never_make_a_run_fail_badly(
    tmp_path: Path, backend: str, runs: int, rate: float, seed: int
) -> None:
    tally = fault_series(tmp_path, backend=backend, runs=runs, rate=rate, seed=seed)
    assert tally.runs == runs and sum(tally.faults.values()) > 0
    assert tally.crashes == []
    assert (tally.duplicates, tally.lost, tally.erased_back) == (0, 0, 0)
    assert tally.completed + tally.failed_cleanly + tally.stopped_after_write == runs
    assert tally.letters > 0


def test_a_quota_spent_for_sixty_five_seconds_in_every_run_costs_nothing_but_time(
    tmp_path: Path,
) -> None:
    """Every run meets 429 for 65 s from a random request on: each waits past the minute, goes
    on and completes — no letter twice, none lost, none left for a person."""
    tally = fault_series(tmp_path, backend="google", runs=6, rate=0.0, seed=4, outage=65.0)
    assert tally.faults["Google 429 for 65 s"] == 6
    assert tally.completed == 6 and tally.crashes == []
    assert (tally.duplicates, tally.lost, tally.erased_back, tally.uncertain) == (0, 0, 0, 0)
    assert tally.letters > 0
