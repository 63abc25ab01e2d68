"""Builders shared by the tests: configs, workbooks as grids, reading outboxes. No network."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import html
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl

from medlemsrutiner import config as config_module
from medlemsrutiner.adapters.outbox import Outbox
from medlemsrutiner.adapters.workbook import Workbook
from medlemsrutiner.config import Config
from medlemsrutiner.letters.render import Renderer
from medlemsrutiner.plan import Delivery, Plan
from medlemsrutiner.routines.daily import DailyReport, run_daily
from medlemsrutiner.sheet.changes import SetCells
from medlemsrutiner.sheet.schema import TABS, TABS_BY_KEY, Tables, tables_from_grids
from medlemsrutiner.steps.daily import plan_day
from medlemsrutiner.steps.records import Records, read_records
from medlemsrutiner.steps.status import status_changes
from tests.fakes.memory_workbook import MemoryWorkbook

TODAY = dt.date(2026, 11, 24)
DAY = dt.timedelta(days=1)
NOW = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
REPO = Path(__file__).resolve().parent.parent

TAB_NAMES = {tab.key: tab.default_name for tab in TABS}


def make_config(folder: Path, **overrides: Any) -> Config:
    """A valid config rooted in `folder`; `overrides` replace whole top-level tables or keys."""
    data: dict[str, Any] = {
        "timezone": "Europe/Stockholm",
        "start_date": dt.date(2026, 1, 1),
        "language": "sv",
        "coordinator": {
            "name": "Kim Exempelsson",
            "email": "medlemsansvarig@example.org",
            "phone": "070-174 06 99",
            "organisation": "Amnesty Exempelstad",
        },
        "workbook": {"backend": "xlsx", "path": "arbetsbok.xlsx"},
        "mail": {"transport": "outbox", "outbox": "outbox"},
    }
    data.update(overrides)
    return config_module.parse(data, folder / "config.toml")


def grid(
    tab_key: str, rows: Iterable[Mapping[str, Any]], headers: Sequence[str] | None = None
) -> list[list[Any]]:
    """A tab as a grid: Swedish headers (all of the tab's, or `headers`) and one row per mapping.

    Row mappings use internal column names (`email`) or Swedish headers (`E-post`).
    """
    tab = TABS_BY_KEY[tab_key]
    header_row = list(headers) if headers is not None else list(tab.headers)
    by_header = {column.header: column.name for column in tab.columns}
    result: list[list[Any]] = [header_row]
    for row in rows:
        named = {by_header.get(key, key): value for key, value in row.items()}
        result.append([named.get(by_header.get(h, h)) for h in header_row])
    return result


def workbook_grids(
    newcomers: Iterable[Mapping[str, Any]] = (),
    followups: Iterable[Mapping[str, Any]] = (),
    groups: Iterable[Mapping[str, Any]] | None = None,
    trainings: Iterable[Mapping[str, Any]] = (),
    texts: Iterable[Mapping[str, Any]] = (),
    log: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, list[list[Any]]]:
    """Every tab of a workbook, with two groups by default, and a Logg that says the daily run
    ran yesterday (pass `log=[]` for a workbook on its very first run)."""
    if log is None:
        log = [earlier_run()]
    if groups is None:
        groups = default_groups()
    return {
        "Intresserade": grid("newcomers", newcomers),
        "Uppföljning": grid("followups", followups),
        "Grupper": grid("groups", groups),
        "Utbildningar": grid("trainings", trainings),
        "Texter": grid("texts", texts),
        "Statistik": grid("statistics", []),
        "Logg": grid("log", log),
    }


def earlier_run(day: dt.date = TODAY - dt.timedelta(days=1)) -> dict[str, Any]:
    """A Logg row saying the daily routine ran before: the workbook is not on its first run
    (where rows without a date are held back as possibly old contacts)."""
    return {"time": f"{day.isoformat()} 07:00", "action": "daglig körning klar"}


def default_groups(today: dt.date = TODAY) -> list[dict[str, Any]]:
    """Two active groups that confirmed their details a month before `today` (Bekräftad
    records the past: a workbook run on an earlier day needs groups of its own day)."""
    return [
        {
            "group": "Centrumgruppen",
            "contact": "Rut Exempelsson",
            "email": "centrum@example.org",
            "phone": "070-174 06 05",
            "meets": "Tisdagar 18.30",
            "works_on": "Kampanjer",
            "active": "ja",
            "confirmed": today - dt.timedelta(days=30),
        },
        {
            "group": "Skrivargruppen",
            "contact": "Per Påhittad",
            "email": "brev@example.org",
            "phone": "070-174 06 08",
            "meets": "Torsdagar 15.00",
            "works_on": "Brevskrivning",
            "active": "ja",
            "confirmed": today - dt.timedelta(days=30),
        },
    ]


def newcomer(
    row_id: int | None, registered: dt.date | str | None = TODAY, **cells: Any
) -> dict[str, Any]:
    """A newcomer row with an invented name, address and phone derived from the ID."""
    number = row_id or 0
    row: dict[str, Any] = {
        "id": row_id,
        "registered": registered,
        "name": f"Testa Person{number}",
        "email": f"person{number}@example.se",
        "phone": f"070-174 06 {10 + number % 80:02d}",
    }
    row.update(cells)
    return row


def moved_row(row_id: int, introduced: dt.date) -> dict[str, Any]:
    """A newcomer introduced to Centrumgruppen on `introduced` and moved to Uppföljning: the
    anonymous columns kept, the personal ones blank."""
    return newcomer(
        row_id,
        name=None,
        email=None,
        phone=None,
        registered=introduced - 5 * DAY,
        welcome=introduced - 4 * DAY,
        call=introduced - DAY,
        referred_to="Centrumgruppen",
        introduction=introduced,
    )


def followup_of(row_id: int, referred: dt.date) -> dict[str, Any]:
    """The Uppföljning row of a person referred to Centrumgruppen on `referred`."""
    return {
        "id": row_id,
        "name": f"Testa Person{row_id}",
        "email": f"person{row_id}@example.se",
        "referred_to": "Centrumgruppen",
        "referred": referred,
        "follow_up_from": referred + 8 * 7 * DAY,
        "follow_up_by": referred + 10 * 7 * DAY,
    }


def mixed_rows(count: int) -> list[dict[str, Any]]:
    """`count` newcomers in every stage, three of them new today."""
    rows: list[dict[str, Any]] = []
    for i in range(1, count + 1):
        stage = i % 5
        if stage == 0:
            rows.append(newcomer(i, registered=TODAY - 20 * DAY, welcome=TODAY - 19 * DAY))
        elif stage == 1:
            rows.append(
                newcomer(
                    i,
                    registered=TODAY - 4 * DAY,
                    welcome=TODAY - 3 * DAY,
                    call=TODAY,
                    referred_to="Centrumgruppen",
                    introduction=TODAY - DAY,
                    name=None,
                    email=None,
                    phone=None,
                )
            )
        elif stage == 2:
            rows.append(
                newcomer(
                    i,
                    registered=TODAY - 9 * DAY,
                    welcome=TODAY - 8 * DAY,
                    call=TODAY - 2 * DAY,
                    referred_to="Avböjt",
                )
            )
        else:
            rows.append(newcomer(i, registered=TODAY - 3 * DAY, welcome=TODAY - 2 * DAY))
    rows.extend(newcomer(None, registered=None, email=f"ny{j}@example.se") for j in range(3))
    rows.append(newcomer(count + 1, welcome=TODAY - DAY, call=TODAY, referred_to="Skrivargruppen"))
    return rows


SCRIPT_CONFIG = """\
timezone = "Europe/Stockholm"
start_date = 2026-01-01
[coordinator]
name = "Kim Exempelsson"
email = "medlemsansvarig@example.org"
organisation = "Amnesty Exempelstad"
[workbook]
backend = "xlsx"
path = "arbetsbok.xlsx"
[mail]
transport = "outbox"
outbox = "outbox"
"""
"""A config for running the scripts in a folder: the workbook and the outbox beside it."""


def script(
    name: str,
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    simulation: bool = True,
) -> subprocess.CompletedProcess[str]:
    """`scripts/<name>.py` run as a coordinator runs it, in `cwd`, with `env` added to ours;
    without `simulation`, with no MEDLEMSRUTINER_SIMULATION in its environment (a real run)."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    if not simulation:
        environment.pop("MEDLEMSRUTINER_SIMULATION", None)
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / f"{name}.py"), *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False, env=environment,
    )  # fmt: skip


def memory_workbook(**tabs: Any) -> MemoryWorkbook:
    return MemoryWorkbook(workbook_grids(**tabs), TAB_NAMES)


def run_day(workbook: Workbook, config: Config, today: dt.date = TODAY) -> DailyReport:
    """The daily run on `today` (at NOW's time of day) on `workbook` (in memory, an .xlsx
    file, Google), its letters into the config's outbox."""
    now = dt.datetime.combine(today, NOW.time(), NOW.tzinfo)
    with workbook:
        return run_daily(
            workbook, Outbox(config.mail.outbox, now), Renderer(REPO / "templates"), config,
            today, now,
        )  # fmt: skip


def read_outbox(folder: Path) -> list[EmailMessage]:
    """Every .eml file in `folder`, parsed, in file-name order."""
    messages = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def recipients(messages: Iterable[EmailMessage]) -> list[str]:
    return [str(message["To"].addresses[0].addr_spec) for message in messages]


def write_xlsx(path: Path, grids: dict[str, list[list[Any]]]) -> None:
    """A workbook file as a person would have it, written with openpyxl directly."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in grids.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text as a form export writes it, never a formula
    book.save(path)


def xlsx_config_file(folder: Path) -> Path:
    """`config.toml` in `folder` for the real commands: the .xlsx workbook `arbetsbok.xlsx` and
    the outbox `outbox` beside it (as `make_config` has them)."""
    path = folder / "config.toml"
    path.write_text(
        'timezone = "Europe/Stockholm"\nstart_date = 2026-01-01\n'
        '[coordinator]\nname = "Kim Exempelsson"\nemail = "medlemsansvarig@example.org"\n'
        '[workbook]\nbackend = "xlsx"\npath = "arbetsbok.xlsx"\n'
        '[mail]\ntransport = "outbox"\noutbox = "outbox"\n',
        encoding="utf-8",
    )
    return path


def readable_text(data: bytes) -> str:
    """A file as text a person could find a name in: XML entities and email encodings undone,
    casefolded."""
    text = html.unescape(data.decode("utf-8", "replace"))
    if b"MIME-Version" in data:
        message = email.message_from_bytes(data, policy=email.policy.default)
        text += " ".join(str(value) for value in message.values())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text += str(part.get_content())
    return text.casefold()


def xlsx_traces(workbook: Path, needle: str) -> list[str]:
    """Every part of the .xlsx file (unzipped: sheets, shared strings, comments, drawings,
    relationships) in which `needle` (any case) is found."""
    wanted = needle.casefold()
    with zipfile.ZipFile(workbook) as archive:
        return [
            f"{workbook.name}:{name}"
            for name in archive.namelist()
            if wanted in readable_text(archive.read(name))
        ]


def traces(workbook: Path, outbox: Path, needle: str) -> list[str]:
    """Every place `needle` (any case) is found: the xlsx file's parts (unzipped), every other
    file beside it, and every file in the outbox folder (decoded)."""
    found = xlsx_traces(workbook, needle)
    wanted = needle.casefold()
    for path in [*outbox.rglob("*"), *workbook.parent.iterdir()]:
        if path.is_file() and path != workbook and wanted in readable_text(path.read_bytes()):
            found.append(str(path))
    return found


# --- The pure steps over tables built in memory ----------------------------------------------


def tables_of(**tabs: Any) -> Tables:
    """The tables of a workbook built by `workbook_grids(**tabs)`."""
    return tables_from_grids(workbook_grids(**tabs), TAB_NAMES)


def records_of(config: Config, today: dt.date = TODAY, **tabs: Any) -> Records:
    return read_records(tables_of(**tabs), today, config.settings)


def plan_of(config: Config, today: dt.date = TODAY, **tabs: Any) -> Plan:
    return plan_day(records_of(config, today, **tabs), today, config.settings)


def deliveries_of(plan: Plan, kind: str | None = None) -> list[Delivery]:
    """The plan's deliveries, or those of one kind (`welcome`, `introduction`, …)."""
    return [d for d in plan.deliveries if kind is None or d.kind == kind]


def statuses_of(config: Config, today: dt.date = TODAY, **tabs: Any) -> tuple[SetCells, ...]:
    """The Status writes (by ID) for a workbook as it is (no run's writes applied)."""
    changes = status_changes(records_of(config, today, **tabs), today, config.settings)
    return tuple(change for change in changes if isinstance(change, SetCells))


def status_of(config: Config, row_id: int, today: dt.date = TODAY, **tabs: Any) -> str:
    """The Status text the newcomer with `row_id` should have."""
    for change in statuses_of(config, today, **tabs):
        if change.tab == "newcomers" and change.row_id == row_id:
            return str(dict(change.values)["status"])
    raise AssertionError(f"no status for ID {row_id}")


# --- LibreOffice ----------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def soffice_csv(file: Path, out: Path, sheet: int = 1) -> list[list[str]]:
    """One sheet as UTF-8 CSV by LibreOffice; fails when LibreOffice cannot open the file."""
    assert SOFFICE is not None
    profile = out / "lo-profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}",
            "--outdir",
            str(out),
            str(file),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = next(iter(sorted(out.glob(f"{file.stem}*.csv"))), out / "missing.csv")
    assert result.returncode == 0 and converted.exists(), result.stderr + result.stdout
    with converted.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def soffice_pdf(file: Path, out: Path) -> Path:
    """`file` converted to PDF by LibreOffice (fails when LibreOffice cannot open it)."""
    assert SOFFICE is not None
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(file),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = out / f"{file.stem}.pdf"
    assert result.returncode == 0 and converted.exists(), result.stderr + result.stdout
    return converted
