"""What the command line's shell guarantees around the work: a real run never acts on a day to
come; output piped to a reader that goes away (`| head -1`) ends nothing and prints nothing on
stderr; a bug's traceback keeps its frames and loses every address and phone number."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from medlemsrutiner import cli
from medlemsrutiner.routines import daily
from medlemsrutiner.routines.bug_report import redact_quoted
from tests.support import REPO, newcomer, script, workbook_grids, write_xlsx
from tests.support import SCRIPT_CONFIG as CONFIG

MACHINE_DAY = dt.date.today()  # the machine's date is what the refusal is about
TO_COME = (MACHINE_DAY + dt.timedelta(days=400)).isoformat()
PAST = (MACHINE_DAY - dt.timedelta(days=2)).isoformat()


@pytest.fixture
def district(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    rows = [newcomer(None, registered=None, email=f"ny{n}@example.se") for n in range(3)]
    write_xlsx(tmp_path / "arbetsbok.xlsx", workbook_grids(newcomers=rows))
    return tmp_path


def letters(district: Path) -> list[Path]:
    return sorted(district.glob("outbox/**/*.eml"))


# --- A day to come ----------------------------------------------------------------------------


def test_a_real_run_on_a_day_to_come_is_refused_with_one_line_and_changes_nothing(
    district: Path,
) -> None:
    before = (district / "arbetsbok.xlsx").read_bytes()
    result = script(
        "run_daily", "--config", "config.toml", "--today", TO_COME, cwd=district, simulation=False
    )
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Fel: --today {TO_COME} är efter dagens datum")
    assert "Lägg till --dry-run" in result.stderr
    assert "MEDLEMSRUTINER_SIMULATION=1" in result.stderr
    assert (district / "arbetsbok.xlsx").read_bytes() == before
    assert letters(district) == []


def test_a_dry_run_may_look_at_a_day_to_come(district: Path) -> None:
    before = (district / "arbetsbok.xlsx").read_bytes()
    options = ("--config", "config.toml", "--today", TO_COME, "--dry-run")
    result = script("run_daily", *options, cwd=district, simulation=False)
    assert result.returncode in (0, 1), result.stderr
    assert f"Provkörning (inget skrivs i arbetsboken) {TO_COME}" in result.stdout
    assert (district / "arbetsbok.xlsx").read_bytes() == before
    assert all(letter.parent.name == "dry-run" for letter in letters(district))


def test_a_simulation_runs_a_day_to_come_for_real(district: Path) -> None:
    options = ("--config", "config.toml", "--today", TO_COME)
    result = script("run_daily", *options, cwd=district, simulation=True)
    assert result.returncode in (0, 1), result.stderr
    sheet = openpyxl.load_workbook(district / "arbetsbok.xlsx")["Intresserade"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [1, 2, 3]


def test_a_day_that_has_passed_needs_no_simulation(district: Path) -> None:
    result = script(
        "run_daily", "--config", "config.toml", "--today", PAST, cwd=district, simulation=False
    )
    assert result.returncode in (0, 1), result.stderr


SENDS_OR_ERASES: dict[str, list[str]] = {"run_daily": [], "weekly_summary": []}
"""The commands whose real run on a day to come would send and erase as if it had come."""
HARMLESS = {
    "retention_report": (["--out", "bild.png"], "bild.png"),
    "national_report": (["--output", "nationellt.xlsx"], "nationellt.xlsx"),
    "check_setup": ([], None),
    "preview_emails": (["--out", "förhandsvisning"], "förhandsvisning"),
    "make_demo": (["--force"], None),
}
"""The commands that send and erase nothing (options, and what they make): any day will do."""


def test_every_command_that_takes_today_has_said_whether_a_day_to_come_matters() -> None:
    taking = {
        name
        for name in cli.__all__
        if any(param.name == "today" for param in getattr(cli, name).params)
    }
    assert taking == set(SENDS_OR_ERASES) | set(HARMLESS)


@pytest.mark.parametrize("name", sorted(SENDS_OR_ERASES))
def test_a_command_that_sends_or_erases_refuses_a_day_to_come(district: Path, name: str) -> None:
    before = (district / "arbetsbok.xlsx").read_bytes()
    config = str(district / "config.toml")
    result = CliRunner(env={"MEDLEMSRUTINER_SIMULATION": None}).invoke(
        getattr(cli, name), ["--config", config, "--today", TO_COME, *SENDS_OR_ERASES[name]]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Fel: --today {TO_COME} är efter dagens datum")
    assert result.stderr.count("\n") == 1
    assert "Lägg till --dry-run" in result.stderr
    assert (district / "arbetsbok.xlsx").read_bytes() == before
    assert letters(district) == []


@pytest.mark.parametrize("name", sorted(HARMLESS))
def test_a_command_that_sends_and_erases_nothing_may_look_at_a_day_to_come(
    district: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(district)
    before = (district / "arbetsbok.xlsx").read_bytes()
    options, made = HARMLESS[name]
    result = CliRunner(env={"MEDLEMSRUTINER_SIMULATION": None}).invoke(
        getattr(cli, name), ["--config", "config.toml", "--today", TO_COME, *options]
    )
    assert result.exit_code in (0, 1), result.output
    assert "efter dagens datum" not in result.output
    assert made is None or (district / made).exists()
    if name != "make_demo":  # the demo writes its invented people, the others read
        assert (district / "arbetsbok.xlsx").read_bytes() == before
    assert letters(district) == []


def test_retention_report_writes_a_share_as_everything_else_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    referred = MACHINE_DAY - dt.timedelta(days=80)
    followups = [
        {"id": n, "referred_to": "Centrumgruppen", "referred": referred, "result": result}
        for n, result in ((1, "Aktiv"), (2, "Inte aktiv"), (3, "Inte aktiv"))
    ]
    write_xlsx(tmp_path / "arbetsbok.xlsx", workbook_grids(followups=followups))
    result = CliRunner().invoke(cli.retention_report, ["--config", "config.toml"])
    assert result.exit_code == 0, result.output
    assert " 33 %" in result.output
    assert re.search(r"\d%", result.output) is None


# --- A reader that goes away ------------------------------------------------------------------


def _logged_done(district: Path) -> int:
    sheet = openpyxl.load_workbook(district / "arbetsbok.xlsx")["Logg"]
    return sum(row[1] == "daglig körning klar" for row in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize(
    "args",
    [
        ["run_daily", "--config", "config.toml"],
        ["run_daily", "--config", "config.toml", "--dry-run"],
        ["weekly_summary", "--config", "config.toml", "--dry-run"],
        ["preview_emails", "--config", "config.toml", "--out", "förhandsvisning"],
        ["retention_report", "--config", "config.toml", "--out", "bild.png"],
        ["check_setup", "--config", "config.toml"],
        ["forget", "--config", "config.toml", "--id", "1", "--dry-run"],
    ],
    ids=lambda args: " ".join([args[0], *(a for a in args[1:] if a.startswith("--"))]),
)
def test_a_closed_stdout_ends_quietly_with_the_code_the_work_earned(
    district: Path, args: list[str]
) -> None:
    runs = _logged_done(district)
    with subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / f"{args[0]}.py"), *args[1:]],
        cwd=district, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # nobody reads: the first line written breaks the pipe
        stderr = process.stderr.read()
        code = process.wait(timeout=120)
    assert code in (0, 1)
    assert stderr == b""
    if args == ["run_daily", "--config", "config.toml"]:
        assert _logged_done(district) == runs + 1  # the work was done and logged
        assert not list(district.glob(".*journal*"))  # and the journal settled


@pytest.mark.slow
def test_run_daily_piped_to_head_exits_0_or_1_twenty_times_out_of_twenty(district: Path) -> None:
    command = (
        f"'{sys.executable}' '{REPO / 'scripts' / 'run_daily.py'}' --config config.toml "
        "2>stderr.txt | head -1 >/dev/null; echo ${PIPESTATUS[0]} >code.txt"
    )
    runs = _logged_done(district)
    for _ in range(20):
        subprocess.run(["bash", "-c", command], cwd=district, check=True, timeout=120)
        assert (district / "code.txt").read_text().strip() in ("0", "1")
        assert (district / "stderr.txt").read_text() == ""
    assert _logged_done(district) == runs + 20


# --- A bug ------------------------------------------------------------------------------------


ADDRESS, PHONE = "kim@example.org", "070-174 06 05"


def _bug(*args: object, **kwargs: object) -> None:
    """A bug whose messages quote a cell (the source lines name variables, never values)."""
    try:
        {ADDRESS: 1}[PHONE]
    except KeyError as missing:
        raise ValueError(f"raden med {ADDRESS} och {PHONE.replace(' ', '')} gick inte") from missing


def test_a_bug_prints_its_frames_and_chain_with_every_message_redacted(
    district: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(daily, "run_daily", _bug)
    result = CliRunner().invoke(cli.run_daily, ["--config", str(district / "config.toml")])
    assert result.exit_code == 3
    printed = result.stderr
    assert "kim@example.org" not in printed and "070-174 06 05" not in printed
    assert "0701740605" not in printed
    assert "ValueError: raden med <adress> och <nummer> gick inte" in printed
    assert "KeyError: '<nummer>'" in printed
    assert "The above exception was the direct cause of the following exception:" in printed
    assert printed.count("Traceback (most recent call last):") == 2
    assert ", in _bug\n    {ADDRESS: 1}[PHONE]" in printed  # the frame and its source line stay


def test_a_bug_in_one_of_several_districts_is_redacted_too(
    district: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (district / "andra.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setattr(daily, "run_daily", _bug)
    configs = ["--config", str(district / "config.toml"), "--config", str(district / "andra.toml")]
    result = CliRunner().invoke(cli.run_daily, configs)
    assert result.exit_code == 3
    assert "kim@example.org" not in result.stderr
    assert "[andra] ValueError: raden med <adress> och <nummer> gick inte" in result.stderr


def _bug_with_a_name(*_: object, **__: object) -> None:
    names = {"follow_up_by": 1}
    row = {"Namn": "Tyra Nordvik"}
    try:
        names[row["Namn"]]
    except KeyError:
        int(row["Namn"].split()[0])


def test_a_bug_prints_no_quoted_name_but_keeps_the_words_of_code_and_contract(
    district: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(daily, "run_daily", _bug_with_a_name)
    result = CliRunner().invoke(cli.run_daily, ["--config", str(district / "config.toml")])
    assert result.exit_code == 3
    assert "Tyra" not in result.stderr and "Nordvik" not in result.stderr
    assert "KeyError: '<text>'" in result.stderr
    assert "invalid literal for int() with base 10: '<text>'" in result.stderr


def test_a_quoted_word_of_code_or_of_the_workbook_stays_in_a_bug_report() -> None:
    kept = [
        "AttributeError: 'NoneType' object has no attribute 'email'",
        "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
        "KeyError: 'follow_up_by'",
        "KeyError: 'Hänvisad till'",
        "KeyError: 'Intresserade'",
        "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/arbetsbok.xlsx'",
        "KeyError: '<nummer>'",
        "KeyError: '2026-12-06'",
    ]
    for message in kept:
        assert redact_quoted(message) == message
    assert redact_quoted("KeyError: 'kim'") == "KeyError: '<text>'"
    assert redact_quoted('KeyError: "Sixten O\'Brien"') == "KeyError: '<text>'"
