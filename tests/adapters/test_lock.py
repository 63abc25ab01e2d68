"""Two runs never overlap on one machine: the run lock beside the config, for Google."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from medlemsrutiner.adapters.lock import holding, run_lock, run_lock_path
from medlemsrutiner.errors import WorkbookBusyError
from tests.support import make_config


def test_the_lock_of_a_google_workbook_lies_beside_the_config_named_by_the_spreadsheet(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": "1AbC/../x"})
    assert run_lock_path(config) == tmp_path / ".medlemsrutiner-1AbC____x.lock"
    assert run_lock_path(make_config(tmp_path)) is None  # xlsx: the workbook's own lock


def test_a_second_run_on_the_same_spreadsheet_is_refused_while_the_first_holds_it(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, workbook={"backend": "google", "spreadsheet_id": "1AbC"})
    with (
        run_lock(config),
        pytest.raises(WorkbookBusyError, match="En annan körning arbetar redan"),
        run_lock(config),
    ):
        pass
    with run_lock(config):  # released: the next run goes ahead
        pass


def test_the_lock_is_held_against_another_process_and_ends_with_its_holder(tmp_path: Path) -> None:
    path = tmp_path / ".medlemsrutiner-x.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from medlemsrutiner.adapters.lock import holding\n"
            f"with holding(Path({str(path)!r}), 'upptagen'):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WorkbookBusyError, match="upptagen"), holding(path, "upptagen"):
            pass
    finally:
        holder.kill()  # killed, not released: the operating system ends the lock
        holder.wait(timeout=30)
    with holding(path, "upptagen"):
        pass
