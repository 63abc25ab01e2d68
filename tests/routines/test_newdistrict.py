"""The setup wizard's files: an answers file read (or refused with one line), the config written
into a folder it creates, and the three tasks marked done once check_setup finds them done."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medlemsrutiner.errors import AnswersError, ConfigError
from medlemsrutiner.routines.newdistrict import (
    TASKS,
    left_to_do,
    new_config,
    read_answers,
    write_config,
)
from medlemsrutiner.routines.setup import CheckResult

TODAY = dt.date(2026, 11, 24)
ANSWERS = (
    'organisation = "Amnesty Provby"\ncoordinator_name = "Robin Provsson"\n'
    'coordinator_email = "robin.provsson@example.se"\n'
)


def refused(tmp_path: Path, content: bytes) -> str:
    (tmp_path / "svar.toml").write_bytes(content)
    with pytest.raises(AnswersError) as error:
        read_answers(tmp_path / "svar.toml", TODAY)
    return error.value.line


def test_an_answers_file_is_read_like_typed_answers(tmp_path: Path) -> None:
    (tmp_path / "svar.toml").write_text(ANSWERS + 'mail = "1"\n', encoding="utf-8")
    answers = read_answers(tmp_path / "svar.toml", TODAY)
    assert answers["mail"] == "gmail"
    assert answers["gmail_account"] == "robin.provsson@example.se"
    assert answers["start_date"] == TODAY


def test_a_broken_answers_file_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "svar.toml"
    assert refused(tmp_path, b'organisation = "Amnesty').startswith(
        f"Fel i svarsfilen {path}: ogiltig TOML ("
    )
    assert refused(tmp_path, "organisation = 'Å'".encode("latin-1")) == (
        f"Fel i svarsfilen {path}: filen är inte sparad som UTF-8"
    )
    assert refused(tmp_path, (ANSWERS + "coordinator_phone = 7\n").encode()) == (
        f"Fel i svarsfilen {path}: coordinator_phone: '7' går inte att läsa som ett "
        "telefonnummer: telefonnumret har fel antal siffror"
    )


def test_the_config_is_written_into_a_folder_it_creates(tmp_path: Path) -> None:
    (tmp_path / "svar.toml").write_text(ANSWERS, encoding="utf-8")
    answers = read_answers(tmp_path / "svar.toml", TODAY)
    path = tmp_path / "privat" / "config.toml"
    text, config = new_config(answers, TODAY, path, "privat/config.toml")
    write_config(path, text)
    assert path.read_text(encoding="utf-8") == text
    assert config.workbook.path == tmp_path / "privat" / "medlemsrutiner.xlsx"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no partial file left


def test_a_folder_that_is_a_file_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    (tmp_path / "privat").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kan inte skrivas \("):
        write_config(tmp_path / "privat" / "config.toml", "x = 1\n")
    assert (tmp_path / "privat").read_text(encoding="utf-8") == ""


def test_a_task_check_setup_no_longer_finds_is_done() -> None:
    checks = [
        CheckResult(True, "Grupper är tom: …", warning=True, task=True, topic="grupperna"),
        CheckResult(
            True, "Kvar från exemplet: …", warning=True, topic="uppgifter kvar från exemplet"
        ),
    ]
    assert [(task.topic, left) for task, left in left_to_do(checks)] == [
        ("grupperna", True),
        ("utbildningarna", False),
        ("texterna", False),
    ]
    assert [task.what.split(":")[0] for task in TASKS] == ["Grupper", "Utbildningar", "Texter"]
