"""`Utbildning` in Uppföljning: the basic training a referred person attended is typed where the
person is (their Intresserade row is blanked and hidden by then). It moves there with the
person at the referral, letters to a person who attended list no trainings, the training
coordinator's count leaves them out, and a workbook without the column runs as before."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from medlemsrutiner.sheet.schema import FOLLOWUPS
from tests.fakes.memory_workbook import MemoryWorkbook
from tests.routines.weekly_mail import known_workbook, part, run
from tests.support import (
    DAY,
    TAB_NAMES,
    TODAY,
    followup_of,
    grid,
    make_config,
    memory_workbook,
    moved_row,
    newcomer,
    read_outbox,
    run_day,
    script,
    workbook_grids,
    write_xlsx,
    xlsx_config_file,
)

TRAINING = {"date": TODAY + 9 * DAY, "time": "18.00", "title": "Grundutbildning i Exempelstad"}
ATTENDED = TODAY - 20 * DAY


def _not_active(row_id: int, **cells: Any) -> dict[str, Any]:
    """An Uppföljning row whose follow-up call found the person not active: a re-engagement
    letter is due."""
    row = followup_of(row_id, TODAY - 70 * DAY)
    row.update(followed_up=TODAY - DAY, result="Inte aktiv", **cells)
    return row


def _letter_to(messages: list[EmailMessage], address: str) -> EmailMessage:
    (letter,) = [m for m in messages if m["To"].addresses[0].addr_spec == address]
    return letter


def _invitations(message: EmailMessage) -> list[str]:
    return [str(a.get_filename()) for a in message.iter_attachments()]


@pytest.mark.parametrize(
    ("tab", "attended_row", "waiting_row"),
    [
        # Re-engagement (Uppföljning): the letter that goes weeks after the referral.
        ("followups", _not_active(5, training=ATTENDED), _not_active(6)),
        # Welcome (Intresserade): the same rule for the same fact typed before the referral.
        ("newcomers", newcomer(5, training=ATTENDED), newcomer(6)),
    ],
)
def test_a_letter_to_someone_who_attended_lists_no_trainings(
    tmp_path: Path, tab: str, attended_row: dict[str, Any], waiting_row: dict[str, Any]
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(**{tab: [attended_row, waiting_row]}, trainings=[TRAINING])
    run_day(workbook, config)
    messages = read_outbox(config.mail.outbox)
    attended = _letter_to(messages, "person5@example.se")
    waiting = _letter_to(messages, "person6@example.se")
    assert attended["Subject"] == waiting["Subject"]  # the same kind of letter
    for kind in ("plain", "html"):
        assert "Grundutbildning i Exempelstad" not in part(attended, kind)
        assert "Grundutbildning i Exempelstad" in part(waiting, kind)
    assert _invitations(attended) == []
    assert _invitations(waiting) == ["utbildning-2026-12-03.ics"]


def test_the_copy_at_referral_carries_a_filled_utbildning(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    referred: dict[str, Any] = {
        "call": TODAY - DAY,
        "referred_to": "Centrumgruppen",
        "welcome": TODAY - 5 * DAY,
    }
    workbook = memory_workbook(
        newcomers=[newcomer(1, training=ATTENDED, **referred), newcomer(2, **referred)]
    )
    run_day(workbook, config)
    by_id = {row["ID"]: row for row in workbook.tab("Uppföljning")}
    assert by_id[1]["Utbildning"] == ATTENDED
    assert by_id[2]["Utbildning"] is None
    # Intresserade keeps the date (it is no personal data), as it keeps the other dates.
    (row,) = [row for row in workbook.tab("Intresserade") if row["ID"] == 1]
    assert row["Namn"] is None and row["Utbildning"] == ATTENDED


def test_utbildning_typed_as_text_in_uppfoljning_is_written_back_and_a_bad_one_is_flagged(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    workbook = memory_workbook(
        followups=[
            followup_of(5, TODAY - 20 * DAY) | {"training": "4/11"},
            followup_of(6, TODAY - 20 * DAY) | {"training": "i höstas"},
        ]
    )
    report = run_day(workbook, config)
    by_id = {row["ID"]: row for row in workbook.tab("Uppföljning")}
    assert by_id[5]["Utbildning"] == dt.date(2026, 11, 4)
    assert by_id[6]["Utbildning"] == "i höstas"  # never cut what a person typed
    assert by_id[6]["Status"].startswith("Rätta Utbildning:")
    assert not by_id[5]["Status"].startswith("Rätta")
    assert report.exit_code == 1


def test_someone_whose_uppfoljning_has_utbildning_no_longer_needs_a_training(
    tmp_path: Path,
) -> None:
    def needing(**followup: Any) -> str:
        workbook = known_workbook()
        workbook.grids["Intresserade"].append(grid("newcomers", [moved_row(30, referred)])[1])
        row = followup_of(30, referred) | followup
        workbook.grids["Uppföljning"].append(grid("followups", [row])[1])
        _, transport = run(tmp_path / str(len(followup)), workbook)
        _, training = (sent.message for sent in transport.sent)
        return str(training["Subject"])

    referred = TODAY - 10 * DAY
    # Registered since the last training: 1, 2, 3, 6 and 9 of the known workbook, and 30.
    assert needing() == "Utbildningar för nya, vecka 48: 6 väntar"
    assert needing(training=ATTENDED) == "Utbildningar för nya, vecka 48: 5 väntar"


def _without_utbildning(grids: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """`grids` as a workbook made before Uppföljning had `Utbildning`."""
    header = grids["Uppföljning"][0]
    kept = [i for i, name in enumerate(header) if name != "Utbildning"]
    grids["Uppföljning"] = [
        [row[i] if i < len(row) else None for i in kept] for row in grids["Uppföljning"]
    ]
    return grids


def test_an_older_workbook_without_the_column_runs_as_before(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    referred: dict[str, Any] = {
        "call": TODAY - DAY,
        "referred_to": "Centrumgruppen",
        "welcome": TODAY - 5 * DAY,
    }
    grids = _without_utbildning(
        workbook_grids(
            newcomers=[newcomer(1, training=ATTENDED, **referred)],
            followups=[_not_active(5)],
            trainings=[TRAINING],
        )
    )
    workbook = MemoryWorkbook(grids, TAB_NAMES)
    report = run_day(workbook, config)
    assert report.exit_code == 0
    assert "Utbildning" not in workbook.grids["Uppföljning"][0]  # never added by a run
    by_id = {row["ID"]: row for row in workbook.tab("Uppföljning")}
    assert by_id[1]["Hänvisad till"] == "Centrumgruppen"  # moved all the same
    messages = read_outbox(config.mail.outbox)
    reengagement = _letter_to(messages, "person5@example.se")
    assert "Grundutbildning i Exempelstad" in part(reengagement, "plain")


def test_init_workbook_gives_an_older_uppfoljning_the_column(tmp_path: Path) -> None:
    xlsx_config_file(tmp_path)
    grids = _without_utbildning(workbook_grids(followups=[_not_active(5)]))
    write_xlsx(tmp_path / "arbetsbok.xlsx", grids)
    result = script("init_workbook", "--config", "config.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kolumnen Utbildning i Uppföljning" in result.stdout
    sheet = openpyxl.load_workbook(tmp_path / "arbetsbok.xlsx")["Uppföljning"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[-1] == "Utbildning"  # added after the columns there: none is moved
    assert headers[:-1] == [h for h in FOLLOWUPS.headers if h != "Utbildning"]
    assert sheet.cell(row=2, column=headers.index("Namn") + 1).value == "Testa Person5"
