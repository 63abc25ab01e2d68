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
