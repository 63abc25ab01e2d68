"""Erasure on request: forget.py leaves no trace of the person in the workbook or the outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import subprocess
import sys
import zipfile
from pathlib import Path

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import run_daily
from medlemsrutiner.routines.forget import run_forget
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    workbook_grids,
    write_xlsx,
)

DAY = dt.timedelta(days=1)
ADDRESS = "kim.glomsk@example.se"


def _readable(data: bytes) -> str:
    """A file as text a person could find a name in: XML entities and email encodings undone."""
    text = html.unescape(data.decode("utf-8", "replace"))
    if b"MIME-Version" in data:
        message = email.message_from_bytes(data, policy=email.policy.default)
        text += " ".join(str(value) for value in message.values())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text += str(part.get_content())
    return text.casefold()


def _traces(workbook: Path, outbox: Path, needle: str) -> list[str]:
    """Every place `needle` (any case) is found: the xlsx file's parts (unzipped), every other
    file beside it, and every file in the outbox folder (decoded)."""
    found = []
    wanted = needle.casefold()
    with zipfile.ZipFile(workbook) as archive:
        for name in archive.namelist():
            if wanted in _readable(archive.read(name)):
                found.append(f"{workbook.name}:{name}")
    for path in [*outbox.rglob("*"), *workbook.parent.iterdir()]:
        if path.is_file() and path != workbook and wanted in _readable(path.read_bytes()):
            found.append(str(path))
    return found


def test_forgetting_an_address_in_both_tabs_and_the_outbox_leaves_no_trace(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    rows = [
        newcomer(
            1, email=ADDRESS.upper(), name="Kim Glömsk", call=TODAY, referred_to="Centrumgruppen"
        ),
        newcomer(2),
        newcomer(3, email=f" {ADDRESS} ", name="Kim Glömsk"),  # registered twice
    ]
    write_xlsx(path, workbook_grids(newcomers=rows))
    renderer = Renderer(REPO / "templates")
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        run_daily(workbook, Outbox(config.mail.outbox, NOW), renderer, config, TODAY, NOW)
    with XlsxWorkbook(path, TAB_NAMES) as workbook:  # a dry run keeps its own letters too
        run_daily(
            workbook, Outbox(config.mail.outbox / "dry-run", NOW), renderer, config, TODAY,
            NOW, dry_run=True,
        )  # fmt: skip
    assert _traces(path, config.mail.outbox, ADDRESS)  # in Uppföljning and in the letters
    assert _traces(path, config.mail.outbox, "Glömsk")

    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_forget(workbook, config, TODAY + DAY, NOW + DAY, email_address=ADDRESS)

    assert _traces(path, config.mail.outbox, ADDRESS) == []
    assert _traces(path, config.mail.outbox, "Glömsk") == []
    # ID 1 was moved to Uppföljning: its intake row holds nothing of the person any more.
    assert {(f.tab, f.row_id) for f in report.found} == {("newcomers", 3), ("followups", 1)}
    assert report.letters  # the welcome, the introductions (also the group's) and the dry run
    assert _traces(path, config.mail.outbox, "person2@example.se")  # nobody else was touched
    text = "\n".join(report.lines(dict(TAB_NAMES)))
    assert ADDRESS not in text.casefold() and "Glömsk" not in text


def test_forget_by_id_and_an_address_that_matches_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1), newcomer(2)]))
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        report = run_forget(workbook, config, TODAY, NOW, row_id=2)
    assert [(f.tab, f.row_id) for f in report.found] == [("newcomers", 2)]
    assert _traces(path, tmp_path / "outbox", "person2@example.se") == []
    assert _traces(path, tmp_path / "outbox", "person1@example.se")
    with XlsxWorkbook(path, TAB_NAMES) as workbook:
        nothing = run_forget(workbook, config, TODAY, NOW, email_address="ingen@example.se")
    assert nothing.found == [] and nothing.lines(dict(TAB_NAMES)) == [
        "Ingen rad och inget brev hittades (inget har ändrats)."
    ]


def test_the_forget_script_dry_run_changes_nothing_and_prints_no_address(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    path = config.workbook.path
    assert path is not None
    (tmp_path / "config.toml").write_text(
        'timezone = "Europe/Stockholm"\nstart_date = 2026-01-01\n'
        '[coordinator]\nname = "Kim Exempelsson"\nemail = "medlemsansvarig@example.org"\n'
        '[workbook]\nbackend = "xlsx"\npath = "arbetsbok.xlsx"\n'
        '[mail]\ntransport = "outbox"\noutbox = "outbox"\n',
        encoding="utf-8",
    )
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1)]))
    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "forget.py"), "--config", "config.toml",
         "--email", "person1@example.se", "--dry-run"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ID 1 i Intresserade: personuppgifterna skulle raderas" in done.stdout
    assert "person1" not in done.stdout + done.stderr
    assert path.read_bytes() == before
    neither = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "forget.py"), "--config", "config.toml"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert neither.returncode == 2 and "--email eller --id" in neither.stderr
