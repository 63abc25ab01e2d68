"""The scripts killed with SIGKILL in a process of their own (tests/routines/kills.py): a run,
a dry run, the weekly summary and forget on the .xlsx workbook, with the outbox and with SMTP
to a local server, each killed at one of the changes it makes to its folder (a lock, the
workbook's temporary copy, a letter, the journal) drawn with a fixed seed, then run again the
same day and the next day. Nothing twice, nothing lost, no traceback, every workbook opens,
nothing half-written left, no personal data past its erasure, at most one letter for a person
to check. `benchmarks/kill.py` (`make bench`) runs a hundred, at random moments."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.smtp_server import LocalSmtpServer
from tests.routines.kills import OUTBOX, Kills, World

SEED = 20261124
CASES = [
    ("run_daily", "outbox"),
    ("run_daily", "smtp"),
    ("run_daily", "outbox"),
    ("weekly_summary", "outbox"),
    ("dry_run", "outbox"),
    ("forget", "outbox"),
]
FRACTIONS = [random.Random(SEED + index).random() for index in range(len(CASES))]


@pytest.fixture(scope="module")
def kills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kills]:
    with LocalSmtpServer() as server:
        yield Kills(tmp_path_factory.mktemp("kills"), server)


@pytest.mark.slow
@pytest.mark.parametrize(("sequence", "transport", "fraction"), [
    pytest.param(sequence, transport, fraction, id=f"{sequence}-{transport}-{fraction:.2f}")
    for (sequence, transport), fraction in zip(CASES, FRACTIONS, strict=True)
])  # fmt: skip
def test_a_script_killed_at_any_moment_is_made_good_by_the_runs_after_it(
    kills: Kills, sequence: str, transport: str, fraction: float
) -> None:
    outcome = kills.kill(sequence, transport, fraction, at_changes=True)

    assert outcome.problems() == [], outcome.describe()
    assert len(outcome.uncertain) <= 1, (outcome.describe(), outcome.uncertain)


def test_the_harness_finds_what_a_kill_leaves_behind(tmp_path: Path) -> None:
    world = World(tmp_path / "world", "outbox", None)
    assert world.leftovers() == []
    before = world.traces([9])
    assert "ID9: arbetsbok.xlsx" in before  # a fresh world holds everyone: its workbook
    partial = world.outbox / "dry-run" / ".20261124T070000-0001-ID9-welcome.eml.4242.tmp"
    partial.parent.mkdir()
    partial.write_text("To: person9@example.se\n\nHej Testa Person9!")
    (world.folder / ".arbetsbok.xlsx.medlemsrutiner-lock").write_text("")
    (world.outbox / ".20261124T070000-0002-vecka48-weekly_summary.ids").write_text("9")

    assert world.leftovers() == [
        ".arbetsbok.xlsx.medlemsrutiner-lock",
        f"{OUTBOX}/.20261124T070000-0002-vecka48-weekly_summary.ids",
        f"{OUTBOX}/dry-run/.20261124T070000-0001-ID9-welcome.eml.4242.tmp",
    ]
    assert set(world.traces([9])) - set(before) == {f"ID9: {OUTBOX}/dry-run/{partial.name}"}
