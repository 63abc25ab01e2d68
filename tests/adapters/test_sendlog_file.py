"""The send journal on disk (adapters/sendlog_file.py): appended and on disk before `append`
returns, a line cut short by a kill cut off, an unreadable journal reported as such, settled
runs removed, one run at a time."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from medlemsrutiner.adapters.sendlog_file import FileJournal, JournalError
from medlemsrutiner.errors import WorkbookBusyError
from medlemsrutiner.sheet.sendlog import Answered, Begun, Entry, RunStarted, to_line

DAY = dt.date(2026, 11, 24)


def _run(token: str, labels: list[str]) -> list[Entry]:
    entries: list[Entry] = [RunStarted(token, DAY, "2026-11-24 07:00")]
    for label in labels:
        entries.append(Begun(token, label, f"<{label}@example.org>"))
        entries.append(Answered(token, label, f"<{label}@example.org>", "accepted"))
    return entries


def test_entries_are_on_disk_when_append_returns_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(handle: int) -> None:
        synced.append(handle)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "journal"
    entries = _run("aaaa1111", ["ID1-welcome", "ID2-welcome"])
    with FileJournal(path, run="aaaa1111") as journal:
        assert journal.pending() == []  # no file yet: nothing pending
        for entry in entries:
            before = len(synced)
            journal.append([entry])
            assert len(synced) > before  # flushed to disk before the letter goes
            assert path.read_text(encoding="utf-8").endswith(to_line(entry))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with FileJournal(path) as later:
        assert later.pending() == entries


def test_a_line_cut_short_by_a_kill_is_cut_off_and_the_next_entry_starts_a_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal"
    entries = _run("aaaa1111", ["ID1-welcome"])
    with FileJournal(path) as journal:
        journal.append(entries)
    with path.open("ab") as handle:
        handle.write(to_line(Begun("aaaa1111", "ID2-welcome", "<m2>")).encode()[:25])
    with FileJournal(path) as journal:
        assert journal.pending() == entries
        journal.append([Begun("bbbb2222", "ID3-welcome", "<m3>")])
    with FileJournal(path) as journal:
        assert journal.pending() == [*entries, Begun("bbbb2222", "ID3-welcome", "<m3>")]


@pytest.mark.parametrize("garbage", [b"{not json}\n", b"\xff\xfe\n", b'{"entry": "run"}\n'])
def test_a_journal_with_a_bad_line_is_unreadable_and_clearing_starts_it_afresh(
    tmp_path: Path, garbage: bytes
) -> None:
    path = tmp_path / "journal"
    with FileJournal(path) as journal:
        journal.append(_run("aaaa1111", ["ID1-welcome"]))
    data = path.read_bytes()
    path.write_bytes(garbage + data)
    with FileJournal(path) as journal:
        assert journal.pending() is None
        journal.clear()
        assert not path.exists()
        journal.append(_run("bbbb2222", []))
        assert journal.pending() == _run("bbbb2222", [])


def test_drop_removes_the_runs_given_and_an_empty_journal_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    first, second = _run("aaaa1111", ["ID1-welcome"]), _run("bbbb2222", ["ID2-welcome"])
    with FileJournal(path) as journal:
        journal.append(first)
        journal.append(second)
        journal.drop({"aaaa1111"})
        assert journal.pending() == second
        journal.append([Begun("bbbb2222", "ID3-welcome", "<m3>")])  # appends after a drop
        assert journal.pending() == [*second, Begun("bbbb2222", "ID3-welcome", "<m3>")]
        journal.drop({"bbbb2222", "cccc3333"})
        assert not path.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == [".journal.lock"]
    assert list(tmp_path.iterdir()) == []  # the lock file goes when the run ends


def test_a_journal_rewritten_by_drop_stays_readable_by_its_owner_alone(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    with FileJournal(path) as journal:
        journal.append([*_run("aaaa1111", ["ID1-welcome"]), *_run("bbbb2222", ["ID2-welcome"])])
        journal.drop({"aaaa1111"})
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert sorted(p.name for p in tmp_path.iterdir()) == [".journal.lock", "journal"]


def test_the_copy_a_run_killed_while_rewriting_left_is_removed_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    path.write_text(to_line(RunStarted("aaaa1111", DAY, "2026-11-24 07:00")))
    (tmp_path / ".journal.4242.tmp").write_text("")
    with FileJournal(path) as journal:
        assert journal.pending() == [RunStarted("aaaa1111", DAY, "2026-11-24 07:00")]
        assert sorted(p.name for p in tmp_path.iterdir()) == [".journal.lock", "journal"]


def test_a_second_run_on_the_same_journal_is_refused(tmp_path: Path) -> None:
    with FileJournal(tmp_path / "journal"), pytest.raises(WorkbookBusyError):
        FileJournal(tmp_path / "journal").__enter__()


def test_a_journal_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    journal = FileJournal(blocked / "journal")
    with pytest.raises(JournalError):
        journal.append(_run("aaaa1111", []))
    assert journal.pending() is None  # and it proves nothing


def test_each_run_has_a_token_of_its_own(tmp_path: Path) -> None:
    tokens = {FileJournal(tmp_path / "journal").run for _ in range(50)}
    assert len(tokens) == 50
    assert all(token.isascii() and token.isalnum() for token in tokens)
