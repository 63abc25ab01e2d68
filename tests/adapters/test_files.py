"""The files around the local workbook (adapters/files.py): a file replaced atomically is
either the old one, whole, or the new one, whole, with the old one's permissions."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from medlemsrutiner.adapters.files import remove_stale_copies, replace_atomically


def test_a_replaced_file_holds_the_new_bytes_and_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o600)
    digest = replace_atomically(path, lambda temporary: temporary.write_bytes(b"new"))
    assert path.read_bytes() == b"new"
    assert digest == hashlib.sha256(b"new").digest()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["arbetsbok.xlsx"]


def test_a_write_that_fails_leaves_the_old_file_whole_and_no_copy(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    path.write_bytes(b"old")

    def half_written(temporary: Path) -> None:
        temporary.write_bytes(b"ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        replace_atomically(path, half_written)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["arbetsbok.xlsx"]


def test_copies_a_killed_replacement_left_are_removed_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    path.write_bytes(b"old")
    (tmp_path / ".arbetsbok.xlsx.4242.tmp").write_bytes(b"half")
    (tmp_path / ".arbetsbok.xlsx.tmp").write_bytes(b"someone else's")
    assert [p.name for p in remove_stale_copies(path)] == [".arbetsbok.xlsx.4242.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".arbetsbok.xlsx.tmp", "arbetsbok.xlsx"]
