"""No cell, file or leftover around the local workbook can crash a run (issue 12, defects 1, 6
and 7): merged cells, broken files, settings pointing at the wrong kind of file, temporary
copies a killed run left behind. And the file is read once per run (issue 13)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.xlsx import XlsxWorkbook
from medlemsrutiner.cli import run_daily as run_daily_command
from medlemsrutiner.config import Config
from medlemsrutiner.errors import WorkbookBusyError
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet.changes import SetCells
from tests.adapters.harness import (
    CONFIG,
    XlsxHarness,
    assert_one_line_exit_2,
    command,
    valid_workbook,
)
from tests.support import (
    NOW,
    REPO,
    TAB_NAMES,
    TODAY,
    make_config,
    newcomer,
    read_outbox,
    recipients,
    workbook_grids,
    write_xlsx,
)

DAY = dt.timedelta(days=1)


def daily(config: Config, day: dt.date = TODAY) -> tuple[DailyReport, XlsxWorkbook]:
    assert config.workbook.path is not None
    now = dt.datetime.combine(day, NOW.timetz())
    workbook = XlsxWorkbook(config.workbook.path, TAB_NAMES)
    with workbook:
        report = run_daily(
            workbook,
            Outbox(config.mail.outbox, now),
            Renderer(REPO / "templates"),
            config,
            day,
            now,
        )
    return report, workbook


def merge(path: Path, tab: str, *ranges: str) -> None:
    """Merge cells as a person does in LibreOffice or Excel (only the top-left value stays)."""
    book = openpyxl.load_workbook(path)
    for cells in ranges:
        book[tab].merge_cells(cells)
    book.save(path)


def by_id(harness: XlsxHarness, tab: str = "Intresserade") -> dict[Any, dict[str, Any]]:
    return {row["ID"]: row for row in harness.tab(tab)}


# --- Defect 1: merged cells ------------------------------------------------------------------


def test_merged_status_cells_neither_crash_the_run_nor_lose_its_last_write(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(workbook_grids(newcomers=[newcomer(1), newcomer(2), newcomer(3)]))
    merge(harness.path, "Intresserade", "N2:N3")  # the Status of ID 1 and ID 2

    report, _ = daily(harness.config)

    assert report.write_error is None
    assert sorted(recipients(read_outbox(harness.config.mail.outbox))) == [
        "person1@example.se",
        "person2@example.se",
        "person3@example.se",
    ]
    rows = by_id(harness)
    assert [rows[i]["Välkomstbrev"] for i in (1, 2, 3)] == [TODAY, TODAY, TODAY]
    assert all(rows[i]["Status"] for i in (1, 2, 3))
    assert [row["Åtgärd"] for row in harness.tab("Logg")][-1] == "daglig körning klar"
    assert not openpyxl.load_workbook(harness.path)["Intresserade"].merged_cells.ranges

    again, _ = daily(harness.config)
    assert again.write_error is None and not again.emails


def test_merged_stamp_cells_send_the_hidden_rows_letter_once_and_never_the_shown_one(
    tmp_path: Path,
) -> None:
    harness = XlsxHarness(tmp_path)
    harness.seed(
        workbook_grids(newcomers=[newcomer(1, welcome=TODAY - DAY), newcomer(2), newcomer(3)])
    )
    # Välkomstbrev of ID 1 (stamped) and ID 2 (due): a merge shows only ID 1's date.
    merge(harness.path, "Intresserade", "I2:I3")

    first, _ = daily(harness.config)
    second, _ = daily(harness.config)

    assert first.write_error is None and second.write_error is None
    assert sorted(recipients(read_outbox(harness.config.mail.outbox))) == [
        "person2@example.se",
        "person3@example.se",
    ]
    rows = by_id(harness)
    assert [rows[i]["Välkomstbrev"] for i in (1, 2, 3)] == [TODAY - DAY, TODAY, TODAY]


def test_merged_cells_in_uppfoljning_take_the_days_referral_and_erasure(tmp_path: Path) -> None:
    harness = XlsxHarness(tmp_path)
    done = TODAY - 20 * DAY
    followups = [
        {
            "id": 10 + i,
            "name": f"Testa Person{10 + i}",
            "email": f"person{10 + i}@example.se",
            "phone": "070-174 06 20",
            "referred_to": "Centrumgruppen",
            "referred": TODAY - 80 * DAY,
            "follow_up_from": TODAY - 24 * DAY,
            "follow_up_by": TODAY - 10 * DAY,
            "followed_up": done,
            "result": "Aktiv",
        }
        for i in (1, 2)
    ]
    harness.seed(
        workbook_grids(
            newcomers=[newcomer(1, call=TODAY, referred_to="Centrumgruppen", welcome=TODAY)],
            followups=followups,
        )
    )
    # Status, Raderad and the personal cells of the two follow-ups, merged by a person.
    merge(harness.path, "Uppföljning", "N2:N3", "M2:M3", "B2:D2", "B3:C3")

    report, _ = daily(harness.config)

    assert report.write_error is None
    assert sorted(report.erased) == [11, 12]
    rows = by_id(harness, "Uppföljning")
    for erased in (11, 12):
        assert rows[erased]["Namn"] is None and rows[erased]["E-post"] is None
        assert rows[erased]["Raderad"] == TODAY and rows[erased]["Status"]
    assert rows[1]["Hänvisad till"] == "Centrumgruppen"  # the day's referral landed too


# --- Defect 6: files and settings ------------------------------------------------------------


def rezip(data: bytes, change: Any) -> bytes:
    """The same .xlsx with the first worksheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            out.writestr(item, content)
    return target.getvalue()


def not_an_xlsx() -> bytes:
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("anteckningar.txt", "inte en arbetsbok")
    return target.getvalue()


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda data: rezip(data, lambda xml: xml[: len(xml) // 2]), id="truncated"),
        pytest.param(
            lambda data: rezip(data, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>\x01")),
            id="control-character",
        ),
        pytest.param(
            lambda data: rezip(data, lambda xml: xml.replace(b"</worksheet>", b"")),
            id="unclosed",
        ),
        pytest.param(lambda data: not_an_xlsx(), id="zip-of-something-else"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated-zip"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_broken_workbook_file_exits_2_with_one_line_and_is_left_alone(
    tmp_path: Path, broken: Any
) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    path.write_bytes(broken(valid_workbook(path)))
    before = path.read_bytes()
    assert_one_line_exit_2(command(tmp_path), "går inte att läsa")
    assert path.read_bytes() == before
    assert not (tmp_path / "outbox").exists()


def test_a_workbook_path_that_is_a_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "arbetsbok.xlsx").mkdir()
    assert_one_line_exit_2(command(tmp_path), "arbetsbok.xlsx")


def test_a_workbook_whose_folder_is_a_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "privat").write_text("en fil, ingen mapp", encoding="utf-8")
    assert_one_line_exit_2(command(tmp_path, path="privat/arbetsbok.xlsx"), "workbook.path")


def test_an_outbox_that_is_a_file_exits_2_before_anything_is_written(tmp_path: Path) -> None:
    before = valid_workbook(tmp_path / "arbetsbok.xlsx")
    (tmp_path / "utkorg").write_text("en fil, ingen mapp", encoding="utf-8")
    assert_one_line_exit_2(command(tmp_path, outbox="utkorg"), "mail.outbox")
    assert (tmp_path / "arbetsbok.xlsx").read_bytes() == before


def test_a_header_name_with_a_line_break_exits_2_before_anything_is_read(tmp_path: Path) -> None:
    before = valid_workbook(tmp_path / "arbetsbok.xlsx")
    (tmp_path / "config.toml").write_text(
        CONFIG.format(path="arbetsbok.xlsx", outbox="outbox")
        + 'from_name = "Kim\\nBcc: alla@example.org"\nfrom_address = "not an address"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(run_daily_command, ["--config", str(tmp_path / "config.toml")])
    assert_one_line_exit_2(result, "mail.from_name")
    assert (tmp_path / "arbetsbok.xlsx").read_bytes() == before


# --- Defect 7: temporary copies left by a killed run -----------------------------------------


def test_a_run_removes_temporary_copies_and_partial_letters_a_killed_run_left(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    assert config.workbook.path is not None
    valid_workbook(config.workbook.path)
    # What a run killed while saving the workbook, and while writing a letter, leaves behind:
    # whole copies with personal data in them.
    left = [
        tmp_path / ".arbetsbok.xlsx.4242.tmp",
        tmp_path / ".arbetsbok.xlsx.17.tmp",
        config.mail.outbox / ".20261123T070000-0001-ID1-welcome.eml.tmp",
    ]
    config.mail.outbox.mkdir()
    for path in left:
        path.write_bytes(config.workbook.path.read_bytes())
    # Not ours: kept.
    kept = [tmp_path / ".arbetsbok.xlsx.kopia.tmp", tmp_path / "annat.tmp"]
    for path in kept:
        path.write_text("behåll", encoding="utf-8")

    result = CliRunner().invoke(
        run_daily_command,
        ["--config", str(_config_file(tmp_path)), "--today", TODAY.isoformat()],
    )

    assert result.exit_code in (0, 1), result.output
    assert [path.exists() for path in left] == [False, False, False]
    assert all(path.exists() for path in kept)


def _config_file(folder: Path) -> Path:
    file = folder / "config.toml"
    file.write_text(CONFIG.format(path="arbetsbok.xlsx", outbox="outbox"), encoding="utf-8")
    return file


def test_temporary_copies_stay_while_another_run_holds_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    valid_workbook(path)
    copy = tmp_path / ".arbetsbok.xlsx.4242.tmp"
    with XlsxWorkbook(path, TAB_NAMES):
        copy.write_bytes(b"the other run is saving")
        with pytest.raises(WorkbookBusyError):
            XlsxWorkbook(path, TAB_NAMES).__enter__()
        assert copy.exists()
    with XlsxWorkbook(path, TAB_NAMES):
        assert not copy.exists()


# --- Issue 13: the file is read once per run -------------------------------------------------


def test_a_daily_run_loads_the_file_once_and_saves_it_once_per_write(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert config.workbook.path is not None
    write_xlsx(config.workbook.path, workbook_grids(newcomers=[newcomer(1), newcomer(None)]))
    report, workbook = daily(config)
    assert report.emails and report.write_error is None
    assert (workbook.loads, workbook.saves) == (1, 2)


def test_a_file_changed_between_read_and_write_is_loaded_afresh_and_resolved_by_id(
    tmp_path: Path,
) -> None:
    path = tmp_path / "arbetsbok.xlsx"
    write_xlsx(path, workbook_grids(newcomers=[newcomer(1), newcomer(2), newcomer(3)]))

    def sort_descending(file: Path) -> None:
        book = openpyxl.load_workbook(file)
        sheet = book["Intresserade"]
        rows = sorted(
            ([cell.value for cell in row] for row in sheet.iter_rows(min_row=2)),
            key=lambda row: -int(row[0]),
        )
        for number, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                sheet.cell(row=number, column=column).value = value
        book.save(file)

    workbook = XlsxWorkbook(path, TAB_NAMES)
    with workbook:
        workbook.read()
        workbook.before_write = sort_descending
        workbook.write([SetCells("newcomers", 1, (("status", "ett"),))])
        workbook.before_write = None
        workbook.write([SetCells("newcomers", 3, (("status", "tre"),))])
    assert (workbook.loads, workbook.saves) == (2, 2)
    book = openpyxl.load_workbook(path)
    statuses = {
        row[0]: row[13] for row in book["Intresserade"].iter_rows(min_row=2, values_only=True)
    }
    assert statuses == {3: "tre", 2: None, 1: "ett"}
